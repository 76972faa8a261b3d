'use strict'
// Every conformance vector (tests/vectors/**/*.json) through the public Node API, with the
// headers as an object (IncomingHttpHeaders-style), a fetch Headers, [name, value] pairs,
// a Map and a flat rawHeaders array, and the body as a string, Buffer and Uint8Array.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { Verifier, Signer, VerificationError, ConfigurationError, CONFIGURATION_CODES } = require('hooksig')

const VECTORS = path.join(__dirname, '..', 'vectors')

function jsonFiles(dir) {
  const out = []
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) out.push(...jsonFiles(full))
    else if (entry.name.endsWith('.json')) out.push(full)
  }
  return out.sort()
}

/** The bytes a vector value stands for: a string (UTF-8), {hex}, or {repeat, length}. */
function bytesOf(value) {
  if (typeof value === 'string') return Buffer.from(value, 'utf8')
  if (value && typeof value.hex === 'string') return Buffer.from(value.hex, 'hex')
  if (value && typeof value.repeat === 'string') {
    const unit = Buffer.from(value.repeat, 'utf8')
    const out = Buffer.alloc(value.length)
    for (let i = 0; i < value.length; i += unit.length) unit.copy(out, i, 0, Math.min(unit.length, value.length - i))
    return out
  }
  throw new Error(`unknown byte form ${JSON.stringify(value)}`)
}

/** A byte string: what Node's http and fetch hand to JS for these header bytes. */
const byteString = (bytes) => bytes.toString('latin1')

function secretOf(secret) {
  return typeof secret === 'string' ? secret : bytesOf(secret)
}

function configOf(c) {
  const options = { secrets: (c.secrets || []).map(secretOf) }
  if (c.params) options.params = c.params
  if ('tolerance' in c) options.tolerance = c.tolerance
  return options
}

/**
 * Parses a vector file keeping integers above 2^53 exact: JSON.parse would round
 * 18446744073709551615 to 2^64. Such numbers (outside strings) become bigints.
 */
function parseVectors(text) {
  const marked = text.replace(/([:\[,]\s*)(\d{16,})(?=\s*[,\]}])/g, '$1{"$bigint":"$2"}')
  return JSON.parse(marked, (_key, value) =>
    value && typeof value === 'object' && typeof value.$bigint === 'string' ? BigInt(value.$bigint) : value,
  )
}

const cases = []
for (const file of jsonFiles(VECTORS)) {
  for (const c of parseVectors(fs.readFileSync(file, 'utf8')).cases)
    cases.push({ file: path.relative(VECTORS, file), c })
}

/** The header forms a case can be given in; a form that cannot hold the headers is left out. */
function headerForms(pairs) {
  const bytes = pairs.map(([n, v]) => [bytesOf(n), bytesOf(v)])
  const forms = {}
  // [name, value] pairs: raw bytes as Buffers, exactly.
  forms.pairs = bytes.map(([n, v]) => [n, v])
  // A flat array like req.rawHeaders, as byte strings.
  forms.rawHeaders = bytes.flatMap(([n, v]) => [byteString(n), byteString(v)])
  // An object like IncomingHttpHeaders: repeats become a string[] under one key.
  const object = {}
  for (const [n, v] of bytes) {
    const name = byteString(n)
    if (Object.prototype.hasOwnProperty.call(object, name)) {
      object[name] = [].concat(object[name], byteString(v))
    } else object[name] = byteString(v)
  }
  forms.object = object
  // A Map with the same shape.
  forms.map = new Map(Object.entries(object))
  // A fetch Headers joins repeats and refuses some bytes: use it only where it holds the request as is.
  const lower = bytes.map(([n]) => byteString(n).toLowerCase())
  if (new Set(lower).size === lower.length) {
    try {
      const headers = new Headers()
      for (const [n, v] of bytes) headers.append(byteString(n), byteString(v))
      forms.Headers = headers
    } catch {
      // Not a valid HTTP header: a fetch Headers cannot carry it.
    }
  }
  return forms
}

function bodyForms(body) {
  const bytes = bytesOf(body)
  const forms = { Buffer: bytes, Uint8Array: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) }
  if (typeof body === 'string') forms.string = body
  return forms
}

function expectOutcome(run, expect, label) {
  if (expect.error) {
    assert.throws(run, (err) => {
      assert.ok(err instanceof VerificationError, `${label}: expected VerificationError, got ${err && err.name}`)
      assert.equal(err.code, expect.error, label)
      return true
    })
    return
  }
  const result = run()
  assert.equal(result.secretIndex, expect.secret_index, label)
  assert.equal(result.timestamp, expect.timestamp, label)
  assert.equal(result.id, expect.id, label)
}

const counts = { cases: 0, verifications: 0, argumentErrors: 0, forms: {} }

test('conformance vectors', async (t) => {
  for (const { file, c } of cases) {
    await t.test(`${file}: ${c.name}`, () => {
      counts.cases += 1
      const scheme = c.preset !== undefined ? c.preset : c.scheme
      const expect = c.expect
      if (c.raw_args) {
        // Wrong types and ranges, passed as the JSON values themselves: hooksig's own
        // TypeError/RangeError at the boundary, when building or when verifying.
        assert.ok(expect.argument_error, 'raw_args cases expect an argument error')
        assert.throws(
          () => {
            const options = { secrets: c.secrets }
            if ('params' in c) options.params = c.params
            if ('tolerance' in c) options.tolerance = c.tolerance
            new Verifier(scheme, options).verify(c.body, c.headers, { now: c.now })
          },
          (err) => {
            assert.ok(err instanceof TypeError || err instanceof RangeError, `${c.name}: got ${err && err.name}`)
            assert.match(err.message, /^hooksig: ./, c.name)
            return true
          },
        )
        counts.argumentErrors += 1
        return
      }
      const isConfigError = expect.error && CONFIGURATION_CODES.includes(expect.error)
      const Klass = c.op === 'sign' ? Signer : Verifier
      if (isConfigError) {
        assert.throws(
          () => new Klass(scheme, configOf(c)),
          (err) => err instanceof ConfigurationError && err.code === expect.error,
        )
        // The scheme as a JSON string gives the same answer.
        if (typeof scheme === 'object') {
          assert.throws(
            () => new Klass(JSON.stringify(scheme), configOf(c)),
            (err) => err instanceof ConfigurationError && err.code === expect.error,
          )
        }
        return
      }
      if (c.op === 'sign') {
        const signer = new Signer(scheme, configOf(c))
        const options = { timestamp: c.sign.timestamp }
        if (c.sign.id !== undefined) options.id = c.sign.id
        const run = () => signer.sign(bytesOf(c.body), options)
        if (expect.error) return expectOutcome(run, expect, c.name)
        const wanted = Object.fromEntries(expect.headers.map(([n, v]) => [n, byteString(Buffer.from(v, 'utf8'))]))
        assert.deepEqual(Object.entries(run()), Object.entries(wanted))
        if (typeof c.body === 'string') assert.deepEqual(signer.sign(c.body, options), wanted)
        return
      }
      const verifier = new Verifier(scheme, configOf(c))
      const options = c.now === undefined ? undefined : { now: c.now }
      const headers = headerForms(c.headers)
      const bodies = bodyForms(c.body)
      for (const [hname, h] of Object.entries(headers)) {
        for (const [bname, body] of Object.entries(bodies)) {
          const label = `${c.name} [headers ${hname}, body ${bname}]`
          expectOutcome(() => verifier.verify(body, h, options), expect, label)
          assert.equal(verifier.isValid(body, h, options), !expect.error, label)
          counts.verifications += 1
          counts.forms[hname] = (counts.forms[hname] || 0) + 1
        }
      }
    })
  }
})

test('enough vectors ran, in every header form', () => {
  assert.ok(counts.cases >= 200, `only ${counts.cases} vector cases ran`)
  for (const form of ['pairs', 'rawHeaders', 'object', 'map', 'Headers']) {
    assert.ok((counts.forms[form] || 0) >= 200, `only ${counts.forms[form] || 0} verifications with headers as ${form}`)
  }
  assert.ok(counts.argumentErrors >= 1 || !cases.some(({ c }) => c.raw_args))
  console.log(
    `# vectors: ${counts.cases} cases, ${counts.verifications} verifications, ${counts.argumentErrors} argument errors`,
    counts.forms,
  )
})
