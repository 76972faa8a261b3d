'use strict'
// Loads the native addon built by `npm run build` (napi build --platform): one file per
// platform, named hooksig.<platform>-<arch>[-<abi>].node, next to this file.

const { existsSync } = require('node:fs')
const { join } = require('node:path')

function isMusl() {
  if (process.platform !== 'linux') return false
  try {
    const report = process.report && process.report.getReport()
    const header = report && (typeof report === 'string' ? JSON.parse(report).header : report.header)
    return !(header && header.glibcVersionRuntime)
  } catch {
    return false
  }
}

function triple() {
  const { platform, arch } = process
  if (platform === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : arch === 'arm' ? 'gnueabihf' : 'gnu'}`
  if (platform === 'win32') return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}

const file = join(__dirname, `hooksig.${triple()}.node`)
if (!existsSync(file)) {
  throw new Error(
    `hooksig: no native addon for this platform (${file} is missing). ` +
      'Build it from a checkout with `npm run build` (needs Rust), or install a package built for this platform.',
  )
}
module.exports = require(file)
