'use strict'
// Loads the native addon, napi-rs style: first a file next to this one,
// hooksig.<platform>.node (what `npm run build` writes in a checkout), then the platform
// package that npm installed from optionalDependencies, hooksig-<platform> (what users get:
// `npm install hooksig` brings hooksig-linux-x64-gnu on x86_64 glibc Linux, and so on).

const { existsSync } = require('node:fs')
const { join } = require('node:path')
const { version, napi } = require('../package.json')

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

/** The napi-rs platform name: linux-x64-gnu, darwin-arm64, win32-x64-msvc, ... */
function platformName() {
  const { platform, arch } = process
  if (platform === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : arch === 'arm' ? 'gnueabihf' : 'gnu'}`
  if (platform === 'win32') return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}

/** The platform names of package.json's napi.targets (Rust triples), as napi-rs names them. */
function builtPlatforms() {
  const names = {
    'x86_64-unknown-linux-gnu': 'linux-x64-gnu',
    'aarch64-unknown-linux-gnu': 'linux-arm64-gnu',
    'x86_64-unknown-linux-musl': 'linux-x64-musl',
    'aarch64-unknown-linux-musl': 'linux-arm64-musl',
    'x86_64-apple-darwin': 'darwin-x64',
    'aarch64-apple-darwin': 'darwin-arm64',
    'x86_64-pc-windows-msvc': 'win32-x64-msvc',
    'aarch64-pc-windows-msvc': 'win32-arm64-msvc',
  }
  return ((napi && napi.targets) || []).map((triple) => names[triple] || triple)
}

function load() {
  const platform = platformName()
  const local = join(__dirname, `hooksig.${platform}.node`)
  if (existsSync(local)) return require(local)

  const pkg = `hooksig-${platform}`
  let addon
  try {
    addon = require(pkg)
  } catch (err) {
    const notInstalled = err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(`'${pkg}'`)
    if (!notInstalled) {
      throw new Error(`hooksig: the platform package ${pkg} is installed but its addon did not load: ${err.message}`, {
        cause: err,
      })
    }
    const built = builtPlatforms()
    const fix = built.includes(platform)
      ? `Install it: \`npm install ${pkg}@${version}\`. npm leaves it out when optional dependencies are ` +
        'omitted (--omit=optional, --no-optional) or when package-lock.json was written on another platform; ' +
        'then `rm -rf node_modules package-lock.json && npm install` brings it back.'
      : `No package is built for ${platform} (built: ${built.join(', ') || 'none'}). ` +
        'Build the addon from a checkout of hooksig with `npm install && npm run build` (needs Rust), ' +
        `which writes node/hooksig.${platform}.node.`
    throw new Error(
      `hooksig: the native addon for ${platform} is missing: the package ${pkg} is not installed. ${fix}`,
      {
        cause: err,
      },
    )
  }
  const installed = require(`${pkg}/package.json`).version
  if (installed !== version) {
    throw new Error(
      `hooksig: ${pkg}@${installed} is installed but hooksig@${version} needs ${pkg}@${version}: ` +
        `\`npm install ${pkg}@${version}\`.`,
    )
  }
  return addon
}

module.exports = load()
