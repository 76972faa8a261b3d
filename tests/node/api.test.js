'use strict'
// The Node API's own behaviour: errors and their classes, argument checks, input forms,
// options, and that nothing leaks a secret.

const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const { inspect } = require('node:util')
const hooksig = require('hooksig')
const { Verifier, Signer, HooksigError, VerificationError, ConfigurationError, presets, presetScheme, _internal } =
  hooksig

const SECRET = 'It is a Secret to Everybody 1f9c'
const NOW = 1_700_000_000
const hex = (key, data) => crypto.createHmac('sha256', key).update(data).digest('hex')

function noyoHeaders(body, { secret = SECRET, ts = NOW } = {}) {
  return { 'x-noyo-signature': hex(secret, `${ts}.${body}`), 'x-noyo-timestamp': String(ts) }
}

test('a valid request verifies and reports timestamp, id and secret index', () => {
  const v = new Verifier('noyo', { secret: SECRET })
  const body = '{"event_type":"member.created"}'
  const signature = noyoHeaders(body)['x-noyo-signature']
  assert.deepEqual(v.verify(body, noyoHeaders(body), { now: NOW }).toJSON(), {
    timestamp: NOW,
    id: null,
    idBytes: null,
    secretIndex: 0,
    // Noyo signs no id: the delivery is named by the signature that matched.
    replayKey: `noyo:sig:${signature}`,
    replayTtl: 2 * 300 + 60,
  })
  assert.equal(v.isValid(body, noyoHeaders(body), { now: NOW }), true)
})

test('errors are VerificationError / ConfigurationError with stable codes', () => {
  const v = new Verifier('noyo', { secret: SECRET })
  const body = '{}'
  const cases = [
    [{ ...noyoHeaders(body), 'x-noyo-signature': hex('wrong', `${NOW}.{}`) }, 'signature_mismatch'],
    [{ 'x-noyo-timestamp': String(NOW) }, 'missing_header'],
    [{ ...noyoHeaders(body), 'x-noyo-timestamp': '17e8' }, 'invalid_header'],
    [noyoHeaders(body, { ts: NOW - 301 }), 'timestamp_too_old'],
    [noyoHeaders(body, { ts: NOW + 301 }), 'timestamp_in_future'],
  ]
  for (const [headers, code] of cases) {
    assert.throws(
      () => v.verify(body, headers, { now: NOW }),
      (err) => {
        assert.ok(err instanceof VerificationError && err instanceof HooksigError && err instanceof Error)
        assert.equal(err.code, code)
        assert.equal(err.name, 'VerificationError')
        assert.ok(err.message.length > 10 && !err.message.includes(SECRET))
        return true
      },
    )
    assert.equal(v.isValid(body, headers, { now: NOW }), false)
  }
  for (const [build, code] of [
    [() => new Verifier('nope', { secret: 'x' }), 'unknown_preset'],
    [() => new Verifier({ signature_header: 'x', message: '{timestamp}.{body}' }, { secret: 'x' }), 'invalid_scheme'],
    [() => new Verifier('{"signature_header": ', { secret: 'x' }), 'invalid_scheme'],
    [() => new Verifier('github', {}), 'invalid_secret'],
    [() => new Verifier('github', { secret: '' }), 'invalid_secret'],
    [() => new Verifier('svix', { secret: 'whsec_!!!' }), 'invalid_secret'],
    [() => new Verifier({ signature_header: 'x', message: '{shop}' }, { secret: 'x' }), 'missing_param'],
    [() => new Signer('nope', { secret: 'x' }), 'unknown_preset'],
  ]) {
    assert.throws(
      build,
      (err) => err instanceof ConfigurationError && err.code === code && err.name === 'ConfigurationError',
    )
  }
})

test('a wrong-length or garbage signature is signature_mismatch, never a RangeError', () => {
  const v = new Verifier('github', { secret: SECRET })
  for (const sig of [
    'sha256=',
    'sha256=ab',
    'sha256=' + 'a'.repeat(63),
    'sha256=' + 'zz'.repeat(32),
    'sha256=' + 'a'.repeat(65),
    'sha256=é',
  ]) {
    assert.throws(
      () => v.verify('x', { 'x-hub-signature-256': sig }),
      (err) => err instanceof VerificationError && ['signature_mismatch', 'invalid_header'].includes(err.code),
      sig,
    )
  }
  assert.throws(
    () => v.verify('x', { 'x-hub-signature-256': 'sha256=' + 'ab'.repeat(16) }),
    (err) => err.code === 'signature_mismatch',
  )
})

test('bodies: Buffer, Uint8Array, ArrayBuffer, DataView and string give the same answer; non-UTF-8 bytes work', () => {
  const secret = 'k'
  const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41])
  const v = new Verifier('github', { secret })
  const headers = { 'x-hub-signature-256': 'sha256=' + hex(secret, bytes) }
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)
  for (const body of [bytes, new Uint8Array(ab), ab, new DataView(ab)]) assert.equal(v.isValid(body, headers), true)
  // A string is its UTF-8 bytes.
  const text = 'héllo ✓'
  assert.equal(v.isValid(text, { 'x-hub-signature-256': 'sha256=' + hex(secret, Buffer.from(text, 'utf8')) }), true)
  // A Uint8Array view into a larger buffer uses only its own bytes.
  const big = Buffer.concat([Buffer.from('xx'), bytes, Buffer.from('yy')])
  assert.equal(v.isValid(big.subarray(2, 2 + bytes.length), headers), true)
})

test('headers: object with string[] values, Headers, Map, pairs and rawHeaders; names in any case', () => {
  const v = new Verifier('noyo', { secret: SECRET })
  const body = '{}'
  const h = noyoHeaders(body)
  const forms = [
    { 'X-Noyo-Signature': [h['x-noyo-signature']], 'X-NOYO-TIMESTAMP': h['x-noyo-timestamp'], other: undefined },
    new Headers(h),
    new Map(Object.entries(h)),
    Object.entries(h),
    Object.entries(h).flat(),
    [
      [Buffer.from('x-noyo-signature'), Buffer.from(h['x-noyo-signature'])],
      ['x-noyo-timestamp', h['x-noyo-timestamp']],
    ],
  ]
  for (const headers of forms) assert.deepEqual(v.verify(body, headers, { now: NOW }).timestamp, NOW)
  // A repeated timestamp header is the core's invalid_header, in every form that can carry it.
  const repeated = [
    { ...h, 'x-noyo-timestamp': [String(NOW), String(NOW)] },
    [...Object.entries(h), ['X-Noyo-Timestamp', String(NOW)]],
  ]
  for (const headers of repeated) {
    assert.throws(
      () => v.verify(body, headers, { now: NOW }),
      (err) => err.code === 'invalid_header',
    )
  }
  // Noyo's comma list: garbage and a second key around the right signature.
  const list = { ...h, 'x-noyo-signature': `zz, ${'0'.repeat(64)},${h['x-noyo-signature']}, ` }
  assert.equal(v.isValid(body, list, { now: NOW }), true)
})

test('header strings are byte strings, as Node http and fetch give them', () => {
  // Standard Webhooks signs the id: a UTF-8 id arrives in Node as latin1 characters.
  const secret = 'whsec_' + Buffer.from('0123456789abcdef').toString('base64')
  const signer = new Signer('standard-webhooks', { secret })
  const verifier = new Verifier('standard-webhooks', { secret })
  const headers = signer.sign('{}', { timestamp: NOW, id: 'msg_é✓' })
  const id = headers['webhook-id']
  assert.equal(id, Buffer.from('msg_é✓', 'utf8').toString('latin1'))
  const result = verifier.verify('{}', headers, { now: NOW })
  assert.equal(result.id, 'msg_é✓')
  // The same bytes as a Buffer value verify too.
  assert.equal(verifier.isValid('{}', { ...headers, 'webhook-id': Buffer.from('msg_é✓') }, { now: NOW }), true)
  // A string that cannot be a byte string is taken as UTF-8 text.
  assert.equal(verifier.isValid('{}', { ...headers, 'webhook-id': 'msg_é✓' }, { now: NOW }), true)
})

test('tolerance: absent is the scheme default, null disables, a number overrides', () => {
  const body = '{}'
  const old = noyoHeaders(body, { ts: NOW - 10_000 })
  assert.equal(new Verifier('noyo', { secret: SECRET }).tolerance, 300)
  assert.throws(
    () => new Verifier('noyo', { secret: SECRET }).verify(body, old, { now: NOW }),
    (e) => e.code === 'timestamp_too_old',
  )
  const off = new Verifier('noyo', { secret: SECRET, tolerance: null })
  assert.equal(off.tolerance, null)
  assert.equal(off.verify(body, old, { now: NOW }).timestamp, NOW - 10_000)
  const wide = new Verifier('noyo', { secret: SECRET, tolerance: 10_000n })
  assert.equal(wide.tolerance, 10_000)
  assert.equal(wide.isValid(body, old, { now: NOW }), true)
  assert.equal(wide.isValid(body, old, { now: NOW + 1 }), false)
  // now as a Date and a bigint; the system clock when absent.
  assert.equal(wide.isValid(body, old, { now: new Date(NOW * 1000) }), true)
  assert.equal(wide.isValid(body, old, { now: BigInt(NOW) }), true)
  const fresh = noyoHeaders(body, { ts: Math.floor(Date.now() / 1000) })
  assert.equal(new Verifier('noyo', { secret: SECRET }).isValid(body, fresh), true)
})

test('rotation: the index of the matching secret is reported', () => {
  const v = new Verifier('noyo', { secrets: ['new', Buffer.from('old')] })
  const body = '{"a":1}'
  assert.equal(v.secretCount, 2)
  assert.equal(v.verify(body, noyoHeaders(body, { secret: 'new' }), { now: NOW }).secretIndex, 0)
  assert.equal(v.verify(body, noyoHeaders(body, { secret: 'old' }), { now: NOW }).secretIndex, 1)
})

test('hostile input gives a typed error, never a crash', () => {
  const v = new Verifier('stripe', { secret: 'whsec_test' })
  const huge = 'v1=' + 'a'.repeat(100_000)
  const hostile = [
    { 'stripe-signature': huge },
    { 'stripe-signature': `t=${'9'.repeat(40)},v1=00` },
    { 'stripe-signature': 't=,v1=' },
    { 'stripe-signature': '' },
    { 'stripe-signature': '\u0000\u0001t=1,v1=ab' },
    { 'stripe-signature': Array.from({ length: 100 }, (_, i) => `v1=${i}`).join(',') + ',t=1' },
    { 'stripe-signature': 't=1,v1=00\uD800' },
    { 'stripe-signature': 't=1,' + 'v1=00,'.repeat(10_000) },
    Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`x-h${i}`, 'v'.repeat(100)])),
  ]
  for (const headers of hostile) {
    assert.throws(
      () => v.verify('{}', headers, { now: NOW }),
      (err) => err instanceof VerificationError,
    )
  }
  assert.throws(
    () => v.verify('{}', { 'stripe-signature': 't=1,v1=00' }, { now: 2n ** 63n }),
    (e) => e.code === 'timestamp_too_old',
  )
})

test('wrong argument types are TypeErrors, values out of range RangeErrors, from hooksig with clear messages', () => {
  const v = new Verifier('github', { secret: 's' })
  const wrongType = [
    () => v.verify(42, {}),
    () => v.verify(null, {}),
    () => v.verify({}, {}),
    () => v.verify('x', null),
    () => v.verify('x', 'x-hub-signature-256: x'),
    () => v.verify('x', { 'x-hub-signature-256': 5 }),
    () => v.verify('x', { 'x-hub-signature-256': [5] }),
    () => v.verify('x', [['a']]),
    () => v.verify('x', ['a', 'b', 'c']),
    () => v.verify('x', {}, { now: '1700000000' }),
    () => v.verify('x', {}, { nwo: 1 }),
    () => v.verify('x', {}, { url: 5 }),
    () => v.verify('x', {}, { method: ['POST'] }),
    () => v.isValid(42, {}),
    () => new Verifier(42, { secret: 's' }),
    () => new Verifier('github', { secret: 42 }),
    () => new Verifier('github', { secret: 's', secrets: ['t'] }),
    () => new Verifier('github', { secrets: 's' }),
    () => new Verifier('github', { secert: 's' }),
    () => new Verifier('github', { secret: 's', tolerance: '300' }),
    () => new Verifier('github', { secret: 's', params: { a: 1 } }),
    () => new Verifier('github', { secret: 's', privateKey: 'k' }),
    () => new Verifier('discord', { publicKey: 5 }),
    () => new Verifier('discord', { publicKey: 'a', publicKeys: ['b'] }),
    () => new Signer('github', { secret: 's' }).sign('x', { id: 5 }),
    () => new Signer('github', { secret: 's', publicKey: 'k' }),
    () => new Signer('discord', { privateKey: 5 }),
    () => new Signer('square', { secret: 's' }).sign('x', { url: 5 }),
    () => presetScheme(5),
  ]
  const outOfRange = [
    () => v.verify('x', {}, { now: -1 }),
    () => v.verify('x', {}, { now: 1.5 }),
    () => v.verify('x', {}, { now: 2 ** 64 }),
    () => v.verify('x', {}, { now: -1n }),
    () => v.verify('x', {}, { now: 1n << 64n }),
    () => v.verify('x', {}, { now: new Date(NaN) }),
    () => new Verifier('github', { secret: 's', tolerance: -5 }),
    () => new Verifier('github', { secret: 's', tolerance: 0.5 }),
    () => new Signer('github', { secret: 's' }).sign('x', { timestamp: -1 }),
  ]
  // Only the headers the scheme reads are looked at: another header's value is not checked.
  assert.equal(v.isValid('x', { 'content-type': 5, other: null }), false)
  for (const [runs, Class] of [
    [wrongType, TypeError],
    [outOfRange, RangeError],
  ]) {
    for (const run of runs) {
      assert.throws(run, (err) => {
        assert.ok(err instanceof Class, `${run}: ${err && err.name}: ${err && err.message}`)
        assert.match(err.message, /^hooksig: /)
        return true
      })
    }
  }
})

test('secrets never appear in inspect, JSON or errors', () => {
  const secret = 'super-secret-value-123'
  const v = new Verifier('github', { secret })
  const s = new Signer('github', { secret })
  for (const text of [inspect(v), inspect(s), JSON.stringify(v), JSON.stringify(s), inspect(v, { showHidden: true })]) {
    assert.ok(!text.includes(secret), text)
  }
  assert.equal(inspect(v), 'Verifier { headers: ["X-Hub-Signature-256"], keys: 1, tolerance: null }')
  try {
    v.verify('x', { 'x-hub-signature-256': 'sha256=00' })
  } catch (err) {
    assert.ok(!inspect(err).includes(secret))
  }
})

test('Signer output verifies, for every preset: secrets, key pairs, URL and method', () => {
  const ed25519 = crypto.generateKeyPairSync('ed25519')
  const p256 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const context = { url: 'https://hooks.example.com/webhooks?shop=1', method: 'POST' }
  let signed = 0
  for (const { name } of presets) {
    const scheme = presetScheme(name)
    // Valid in every secret encoding: base64 text, used as is by utf8 schemes.
    const secret = Buffer.from(`secret for ${name}`).toString('base64')
    let signerOptions = { secret }
    let verifierOptions = { secret }
    if (scheme.algorithm === 'ed25519') {
      signerOptions = { privateKey: ed25519.privateKey.export({ type: 'pkcs8', format: 'pem' }) }
      const raw = Buffer.from(ed25519.publicKey.export({ format: 'jwk' }).x, 'base64url')
      verifierOptions = { publicKey: raw.toString('hex') }
    } else if (scheme.algorithm === 'ecdsa-p256-sha256') {
      signerOptions = { privateKey: p256.privateKey.export({ type: 'pkcs8', format: 'pem' }) }
      verifierOptions = { publicKey: p256.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') }
    }
    if (name === 'sigma') signerOptions.params = verifierOptions.params = { business_id: 'b1' }
    if (scheme.body_fields && scheme.body_fields.signature) {
      // Mailgun: the signature is in the body, which hooksig does not write.
      assert.throws(
        () => new Signer(name, signerOptions),
        (err) => err instanceof ConfigurationError && err.code === 'invalid_scheme',
        name,
      )
      continue
    }
    const stamp = scheme.body_fields && scheme.body_fields.timestamp // Linear: the timestamp is in the body
    const body = (n) => JSON.stringify(stamp ? { n, [stamp]: NOW * 1000 } : { n })
    const headers = new Signer(name, signerOptions).sign(body(1), { timestamp: NOW, ...context })
    const verifier = new Verifier(name, verifierOptions)
    assert.equal(verifier.isValid(body(1), headers, { now: NOW, ...context }), true, name)
    // A token, or Sigma's business id, does not cover the body.
    const coversBody = scheme.algorithm !== 'token' && name !== 'sigma'
    assert.equal(verifier.isValid(body(2), headers, { now: NOW, ...context }), !coversBody, name)
    if (verifier.needsUrl) {
      const elsewhere = { ...context, url: 'https://hooks.example.com/other' }
      assert.equal(verifier.isValid(body(1), headers, { now: NOW, ...elsewhere }), false, name)
      assert.throws(
        () => verifier.verify(body(1), headers, { now: NOW }),
        (err) => err instanceof ConfigurationError && err.code === 'missing_param' && /url/.test(err.message),
        name,
      )
      assert.throws(() => verifier.isValid(body(1), headers, { now: NOW }), ConfigurationError, name)
    }
    signed += 1
  }
  assert.ok(signed >= 50, `${signed} presets signed`)
})

test('public keys: Discord (Ed25519) and SendGrid (ECDSA P-256), and invalid_key', () => {
  // RFC 8032 section 7.1, TEST 1: the key pair Discord's scheme is checked with.
  const seed = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'
  const publicKey = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'
  const headers = new Signer('discord', { privateKey: seed }).sign('{"type":1}', { timestamp: NOW })
  const discord = new Verifier('discord', { publicKey })
  assert.deepEqual(discord.verify('{"type":1}', headers, { now: NOW }).toJSON(), {
    timestamp: NOW,
    id: null,
    idBytes: null,
    secretIndex: 0,
    replayKey: `discord:sig:${headers['X-Signature-Ed25519'].toLowerCase()}`,
    replayTtl: 660,
  })
  assert.equal(discord.isValid('{"type":2}', headers, { now: NOW }), false)
  // A second key (rotation) and its index: secrets first, then public keys.
  const rotating = new Verifier('discord', { publicKeys: ['11'.repeat(32), Buffer.from(publicKey)] })
  assert.equal(rotating.secretCount, 2)
  assert.equal(rotating.verify('{"type":1}', headers, { now: NOW }).secretIndex, 1)
  for (const [build, code] of [
    [() => new Verifier('discord', { publicKey: 'not hex' }), 'invalid_key'],
    [() => new Verifier('discord', { publicKey: publicKey.slice(2) }), 'invalid_key'],
    [() => new Verifier('discord', { secret: 'a secret' }), 'invalid_secret'],
    [() => new Verifier('github', { publicKey }), 'invalid_key'],
    [() => new Signer('discord', { privateKey: 'zz' }), 'invalid_key'],
    [() => new Verifier('sendgrid', { publicKey }), 'invalid_key'],
  ]) {
    assert.throws(build, (err) => err instanceof ConfigurationError && err.code === code, String(build))
  }
})

test('verified.id is the text when the id bytes are UTF-8, else null; idBytes are the bytes', () => {
  const secret = 'whsec_' + Buffer.from('0123456789abcdef').toString('base64')
  const verifier = new Verifier('standard-webhooks', { secret, tolerance: null })
  const signer = new Signer('standard-webhooks', { secret })
  for (const [bytes, text] of [
    [Buffer.from('msg_ascii'), 'msg_ascii'],
    [Buffer.from('msg_café', 'utf8'), 'msg_café'],
    [Buffer.from([0x6d, 0x73, 0x67, 0x5f, 0x63, 0x61, 0x66, 0xe9]), null], // latin-1 é: not UTF-8
  ]) {
    const latin1 = bytes.toString('latin1') // what Node's http hands over for these bytes
    const headers = signer.sign('{}', { timestamp: NOW })
    // Sign the raw id bytes: the signer takes text, so use the verifier's own rule via a Buffer header.
    const message = Buffer.concat([bytes, Buffer.from(`.${NOW}.{}`)])
    const key = Buffer.from('0123456789abcdef')
    headers['webhook-id'] = latin1
    headers['webhook-signature'] = 'v1,' + crypto.createHmac('sha256', key).update(message).digest('base64')
    for (const form of [headers, Object.entries(headers), new Map(Object.entries(headers))]) {
      for (const path of [verifier.verify.bind(verifier), (b, h, o) => _internal.plainVerify(verifier, b, h, o)]) {
        const result = path('{}', form, { now: NOW })
        assert.equal(result.id, text)
        assert.deepEqual(result.idBytes, bytes)
      }
    }
  }
})

test('presets and presetScheme', () => {
  assert.ok(presets.length >= 12)
  assert.deepEqual(
    presets.map((p) => p.name),
    [...presets.map((p) => p.name)].sort(),
  )
  assert.equal(presetScheme('stripe').signature_header, 'Stripe-Signature')
  assert.throws(
    () => presetScheme('nope'),
    (e) => e instanceof ConfigurationError && e.code === 'unknown_preset',
  )
  // A preset's scheme, edited, is a custom scheme.
  const scheme = { ...presetScheme('github'), signature_header: 'x-acme-signature' }
  const v = new Verifier(scheme, { secret: 's' })
  assert.equal(v.isValid('b', { 'x-acme-signature': 'sha256=' + hex('s', 'b') }), true)
  assert.equal(v.scheme.signature_header, 'x-acme-signature')
})

test('verifiers are collected safely, and the native hot path refuses bad arguments', () => {
  const { execFileSync } = require('node:child_process')
  const script = `
    const { Verifier } = require('hooksig')
    const h = { 'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' }
    let ok = 0
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 200; i++) ok += new Verifier('github', { secret: "It's a Secret to Everybody" }).isValid('Hello, World!', h)
      global.gc()
    }
    console.log(ok)
  `
  const out = execFileSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' })
  assert.equal(out.trim(), '4000')
  // The fast path's native functions check their own arguments too (a TypeError, never a crash).
  const native = require('../../node/native.js')
  const verifier = new native.NativeVerifier({
    scheme: 'github',
    secrets: [Buffer.from('s')],
    publicKeys: [],
    toleranceGiven: false,
  })
  const [verify, isValid, results, verifyKeyed] = verifier.fastFunctions()
  for (const args of [
    [],
    ['x'],
    [new Uint16Array(2), 'sha256=00'],
    [Buffer.alloc(0), 5],
    [Buffer.alloc(0), ['sha256=00']],
    [Buffer.alloc(0), 'sha256=00', 1.5, undefined, undefined],
    [Buffer.alloc(0), 'sha256=00', -1n, undefined, undefined],
    [Buffer.alloc(0), 'sha256=00', undefined, 5, undefined],
    [Buffer.alloc(0), 'sha256=00', undefined, undefined, {}],
    [Buffer.alloc(0), 'sha256=00', undefined, undefined, undefined, 'one too many'],
  ]) {
    for (const fn of [verify, isValid, verifyKeyed]) {
      assert.throws(
        () => fn(...args),
        (err) => err.code === 'ERR_INVALID_ARG_TYPE',
        String(args),
      )
    }
  }
  // A core error is reported, not thrown: its number in results[3], its message returned.
  assert.ok(results instanceof Float64Array && results.length === 6)
  assert.match(verify(Buffer.alloc(0), 'sha256=00'), /no signature matched/)
  assert.equal(results[3], 5)
  assert.equal(isValid(Buffer.alloc(0), 'sha256=00'), false)
  assert.equal(isValid(Buffer.alloc(0), undefined, 1700000000, undefined, undefined), false)
  // The results buffer outlives a collected verifier: it holds its own reference.
  const collected = `
    const native = require('./node/native.js')
    let results
    for (let i = 0; i < 2000; i++) {
      const v = new native.NativeVerifier({ scheme: 'github', secrets: [Buffer.from('s')], publicKeys: [], toleranceGiven: false })
      results = v.fastFunctions()[2]
    }
    global.gc(); global.gc()
    results[0] = 1
    console.log(results.length)
  `
  const root = require('node:path').join(__dirname, '..', '..')
  assert.equal(
    execFileSync(process.execPath, ['--expose-gc', '-e', collected], { cwd: root, encoding: 'utf8' }).trim(),
    '6',
  )
})
