'use strict'
// The package as users get it: the hand-written .d.ts compiles under tsc --strict against
// typed usage and matches the runtime exports; the ESM entry points give the same objects;
// and `npm pack` makes a tarball that installs into a separate app and works there.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

const ROOT = path.join(__dirname, '..', '..')
const run = (cmd, args, options = {}) =>
  execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options })

test('index.d.ts and friends compile under tsc --strict against the typed usage files', () => {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
  try {
    run(process.execPath, [tsc, '-p', 'tsconfig.json'])
  } catch (err) {
    assert.fail(`tsc --strict failed:\n${err.stdout}${err.stderr}`)
  }
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'))
  assert.equal(config.compilerOptions.strict, true)
  assert.ok(config.files.includes('tests/node/types/usage.ts'))
})

test('the .d.ts files declare exactly the runtime exports', () => {
  for (const [entry, dts] of [
    ['hooksig', 'index.d.ts'],
    ['hooksig/express', 'express.d.ts'],
    ['hooksig/fetch', 'fetch.d.ts'],
  ]) {
    const text = fs.readFileSync(path.join(ROOT, 'node', dts), 'utf8')
    const declared = new Set([...text.matchAll(/^export declare (?:class|const|function) (\w+)/gm)].map((m) => m[1]))
    const runtime = Object.keys(require(entry)).filter((name) => !name.startsWith('_'))
    assert.deepEqual([...declared].sort(), [...new Set(runtime)].sort(), dts)
  }
})

/** The string literals of a union type declared in index.d.ts. */
function unionOf(text, name) {
  const match = new RegExp(`export type ${name} =([^;]*?)\\n\\n`).exec(text)
  assert.ok(match, `index.d.ts declares ${name}`)
  return [...match[1].matchAll(/'([^']+)'/g)].map((m) => m[1])
}

test("index.d.ts's PresetName and code unions are the addon's presets and the core's codes", () => {
  const text = fs.readFileSync(path.join(ROOT, 'node', 'index.d.ts'), 'utf8')
  const { presets, VERIFICATION_CODES, CONFIGURATION_CODES } = require('hooksig')
  assert.deepEqual(
    unionOf(text, 'PresetName'),
    presets.map((p) => p.name),
  )
  assert.deepEqual(unionOf(text, 'VerificationCode'), [...VERIFICATION_CODES])
  assert.deepEqual(unionOf(text, 'ConfigurationCode'), [...CONFIGURATION_CODES])
  // The code lists come from the core's table (the addon's codes()), not from a list here.
  const native = require('../../node/native.js')
  const codes = native.codes()
  assert.deepEqual([...VERIFICATION_CODES, ...CONFIGURATION_CODES].sort(), codes.map((c) => c.name).sort())
  assert.deepEqual(
    codes.map((c) => c.number),
    codes.map((_, i) => i + 1),
  )
})

test('the ESM entry points export the same objects as CommonJS', async () => {
  for (const entry of ['hooksig', 'hooksig/express', 'hooksig/fetch']) {
    const esm = await import(entry)
    const cjs = require(entry)
    for (const name of Object.keys(cjs).filter((n) => !n.startsWith('_'))) {
      assert.equal(esm[name], cjs[name], `${entry}: ${name}`)
    }
    assert.equal(esm.default, cjs)
  }
})

test('npm pack: the tarball installs into a separate app and verifies there (CJS and ESM)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hooksig-pack-'))
  try {
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tmp]))
    const files = packed[0].files.map((f) => f.path)
    for (const file of [
      'package.json',
      'node/index.js',
      'node/index.mjs',
      'node/index.d.ts',
      'node/express.js',
      'node/fetch.js',
    ]) {
      assert.ok(files.includes(file), `the tarball holds ${file}`)
    }
    assert.ok(
      files.some((f) => /^node\/hooksig\..+\.node$/.test(f)),
      'the tarball holds the addon',
    )
    assert.ok(!files.some((f) => f.startsWith('tests/') || f.startsWith('bindings/') || f.includes('node_modules')))

    const app = path.join(tmp, 'app')
    fs.mkdirSync(app)
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }))
    run('npm', ['install', '--no-audit', '--no-fund', '--offline', path.join(tmp, packed[0].filename)], { cwd: app })
    const check = `
      const { Verifier, VerificationError } = require('hooksig')
      const { webhook } = require('hooksig/express')
      const { webhookHandler } = require('hooksig/fetch')
      const v = new Verifier('github', { secret: "It's a Secret to Everybody" })
      const h = { 'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' }
      const ok = v.verify('Hello, World!', h).secretIndex === 0
      let code
      try { v.verify('Hello, World?', h) } catch (e) { code = e instanceof VerificationError && e.code }
      console.log(JSON.stringify({ ok, code, helpers: typeof webhook + typeof webhookHandler, from: require.resolve('hooksig') }))
    `
    const out = JSON.parse(run(process.execPath, ['-e', check], { cwd: app }))
    assert.deepEqual(
      { ...out, from: undefined },
      { ok: true, code: 'signature_mismatch', helpers: 'functionfunction', from: undefined },
    )
    assert.ok(out.from.startsWith(fs.realpathSync(app)), `loaded from the app: ${out.from}`)
    const esm = `
      import { Verifier } from 'hooksig'
      import { webhook } from 'hooksig/express'
      const v = new Verifier('github', { secret: "It's a Secret to Everybody" })
      console.log(v.isValid('Hello, World!', [['X-Hub-Signature-256', 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17']]), typeof webhook)
    `
    assert.equal(run(process.execPath, ['--input-type=module', '-e', esm], { cwd: app }).trim(), 'true function')
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
})
