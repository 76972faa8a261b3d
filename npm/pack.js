'use strict'
// `make dist` for npm, in the napi-rs layout: the package `hooksig` (JavaScript and types,
// no addon) whose optionalDependencies name one package per napi target at the exact same
// version, and each platform package `hooksig-<platform>` (npm/<platform>/) carrying its
// addon. npm installs only the platform package whose os/cpu/libc match; node/native.js
// loads it. Each package is staged in a clean directory, then `npm pack`ed.
//
// usage: node npm/pack.js OUT_DIR STAGE_DIR PLATFORM=ADDON [PLATFORM=ADDON ...]
//   e.g. node npm/pack.js dist target/dist/npm linux-x64-gnu=target/.../libhooksig_node.so

const fs = require('node:fs')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

const ROOT = path.join(__dirname, '..')
const TRIPLES = {
  'x86_64-unknown-linux-gnu': 'linux-x64-gnu',
  'aarch64-unknown-linux-gnu': 'linux-arm64-gnu',
  'x86_64-unknown-linux-musl': 'linux-x64-musl',
  'aarch64-unknown-linux-musl': 'linux-arm64-musl',
  'x86_64-apple-darwin': 'darwin-x64',
  'aarch64-apple-darwin': 'darwin-arm64',
  'x86_64-pc-windows-msvc': 'win32-x64-msvc',
  'aarch64-pc-windows-msvc': 'win32-arm64-msvc',
}
const LICENSES = ['LICENSE-MIT', 'LICENSE-APACHE']

function fail(message) {
  console.error(`npm/pack.js: ${message}`)
  process.exit(1)
}

/** Copies the files a package.json `files` pattern of the form dir/*.ext names. */
function copyPattern(pattern, stage) {
  const dir = path.dirname(pattern)
  const suffix = path.basename(pattern).replace(/^\*/, '')
  if (path.basename(pattern) !== `*${suffix}`) fail(`unsupported files pattern ${pattern}`)
  const names = fs.existsSync(path.join(ROOT, dir)) ? fs.readdirSync(path.join(ROOT, dir)) : []
  let count = 0
  for (const name of names.filter((n) => n.endsWith(suffix))) {
    fs.mkdirSync(path.join(stage, dir), { recursive: true })
    fs.copyFileSync(path.join(ROOT, dir, name), path.join(stage, dir, name))
    count += 1
  }
  return count
}

function pack(stage, out) {
  const [result] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', path.resolve(out)], {
      cwd: stage,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  )
  console.log(`${path.join(out, result.filename)}: ${result.size} bytes, ${result.entryCount} files`)
  return result
}

function main() {
  const [out, stageRoot, ...addonArgs] = process.argv.slice(2)
  if (!out || !stageRoot || addonArgs.length === 0) fail('usage: node npm/pack.js OUT_DIR STAGE_DIR PLATFORM=ADDON ...')
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
  const platforms = manifest.napi.targets.map((triple) => TRIPLES[triple] || fail(`unknown napi target ${triple}`))
  const addons = Object.fromEntries(addonArgs.map((arg) => arg.split('=')))
  for (const platform of Object.keys(addons)) {
    if (!platforms.includes(platform)) fail(`${platform} is not in package.json napi.targets`)
  }
  fs.rmSync(stageRoot, { recursive: true, force: true })
  fs.mkdirSync(out, { recursive: true })

  // The platform packages: npm/<platform>/ plus the addon, at the main package's version.
  for (const [platform, addon] of Object.entries(addons)) {
    const stage = path.join(stageRoot, platform)
    const dir = path.join(ROOT, 'npm', platform)
    const sub = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))
    if (sub.name !== `${manifest.name}-${platform}`) fail(`npm/${platform}: name ${sub.name}`)
    if (sub.version !== manifest.version)
      fail(`npm/${platform}: version ${sub.version}, package.json ${manifest.version}`)
    const file = `${manifest.napi.binaryName}.${platform}.node`
    if (sub.main !== file || !sub.files.includes(file)) fail(`npm/${platform}: main and files must name ${file}`)
    fs.mkdirSync(stage, { recursive: true })
    for (const name of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, name), path.join(stage, name))
    fs.copyFileSync(addon, path.join(stage, file))
    for (const name of LICENSES) fs.copyFileSync(path.join(ROOT, name), path.join(stage, name))
    sub.files = [...sub.files, ...LICENSES]
    fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(sub, null, 2)}\n`)
    pack(stage, out)
  }

  // The main package: package.json's files without the addon, and no dev-only fields.
  const stage = path.join(stageRoot, manifest.name)
  fs.mkdirSync(stage, { recursive: true })
  const files = manifest.files.filter((pattern) => !pattern.endsWith('.node'))
  for (const pattern of files) {
    if (copyPattern(pattern, stage) === 0) fail(`no file matches ${pattern}`)
  }
  for (const name of ['README.md', ...LICENSES]) fs.copyFileSync(path.join(ROOT, name), path.join(stage, name))
  const published = { ...manifest, files: [...files, ...LICENSES] }
  delete published.devDependencies
  delete published.scripts
  published.optionalDependencies = Object.fromEntries(platforms.map((p) => [`${manifest.name}-${p}`, manifest.version]))
  fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`)
  const packed = pack(stage, out)
  if (packed.files.some((f) => f.path.endsWith('.node'))) fail('the main package must not carry an addon')
}

main()
