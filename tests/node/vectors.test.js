'use strict'
// Every conformance vector (tests/vectors/**/*.json, but http.json: the helper contract,
// run by http.test.js) through the public Node API, with the headers as an object
// (IncomingHttpHeaders-style), a fetch Headers, [name, value] pairs, a Map and a flat
// rawHeaders array, and the body as a string, Buffer and Uint8Array; then once more
// through the plain path alone (index.js), which must give the same answers as the fast
// path (fast.js) that verify takes whenever it can. Handshake cases (op "handshake") go to
// Verifier.handshake in every header form; an expected error's message_contains is checked.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { inspect } = require('node:util')
const hooksig = require('hooksig')

const { Verifier, Signer, Reply, VerificationError, ConfigurationError, CONFIGURATION_CODES, _internal } = hooksig

const VECTORS = path.join(__dirname, '..', 'vectors')

function jsonFiles(dir) {
  const out = []
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) out.push(...jsonFiles(full))
    else if (entry.name.endsWith('.json') && full !== path.join(VECTORS, 'http.json')) out.push(full)
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
  if (c.public_keys && c.op !== 'sign') options.publicKeys = c.public_keys.map(secretOf)
  if (c.private_key !== undefined && c.op === 'sign') options.privateKey = secretOf(c.private_key)
  if (c.params) options.params = c.params
  if ('tolerance' in c) options.tolerance = c.tolerance
  return options
}

/** The request context of a case: `now`, `url`, `method` where it has them. */
function contextOf(c) {
  const options = {}
  if (c.now !== undefined) options.now = c.now
  if (c.url !== undefined) options.url = c.url
  if (c.method !== undefined) options.method = c.method
  return Object.keys(options).length === 0 ? undefined : options
}

/**
 * Parses a vector file keeping integers above 2^53 exact: JSON.parse would round
 * 18446744073709551615 to 2^64. Such numbers (outside strings) become bigints.
 */
function parseVectors(text) {
  let marked = ''
  let from = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (inString) {
      if (ch === '\\') i++
      else if (ch === '"') inString = false
    } else if (ch === '"') {
      inString = true
    } else if (ch >= '0' && ch <= '9' && !/[0-9.eE+-]/.test(text[i - 1])) {
      const number = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400))[0]
      if (/^[0-9]{16,}$/.test(number)) {
        marked += `${text.slice(from, i)}{"$bigint":"${number}"}`
        from = i + number.length
      }
      i += number.length - 1
    }
  }
  marked += text.slice(from)
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
    // A configuration code at verify time is the request context missing (`missing_param`).
    const Class = CONFIGURATION_CODES.includes(expect.error) ? ConfigurationError : VerificationError
    assert.throws(run, (err) => {
      assert.ok(err instanceof Class, `${label}: expected ${Class.name}, got ${err && err.name}: ${err && err.message}`)
      assert.equal(err.code, expect.error, label)
      checkMessage(err, expect, label)
      return true
    })
    return
  }
  const result = run()
  assert.equal(result.secretIndex, expect.secret_index, label)
  assert.equal(result.timestamp, expect.timestamp, label)
  assert.equal(result.id, expect.id, label)
  // idBytes: the id's bytes as sent; id is their text when they are UTF-8.
  if (result.idBytes === null) assert.equal(result.id, null, label)
  else {
    assert.ok(Buffer.isBuffer(result.idBytes), label)
    if (result.id !== null) assert.equal(result.idBytes.toString('utf8'), result.id, label)
  }
}

/** An expected error's `message_contains`: the message holds this text (case-sensitive). */
function checkMessage(err, expect, label) {
  if (expect.message_contains === undefined) return
  assert.ok(
    err.message.includes(expect.message_contains),
    `${label}: the message ${JSON.stringify(err.message)} lacks ${JSON.stringify(expect.message_contains)}`,
  )
  counts.messages += 1
}

/** A handshake case: Verifier.handshake in every header form, body form, and context. */
function runHandshake(c) {
  const scheme = c.preset !== undefined ? c.preset : c.scheme
  const verifier = new Verifier(scheme, configOf(c))
  const options = contextOf(c)
  const expect = c.expect
  for (const [hname, h] of Object.entries(headerForms(c.headers))) {
    for (const [bname, body] of Object.entries(bodyForms(c.body))) {
      const label = `${c.name} [headers ${hname}, body ${bname}]`
      const run = () => verifier.handshake(body, h, options)
      if (expect.error !== undefined) {
        assert.throws(run, (err) => {
          assert.ok(err instanceof VerificationError, `${label}: ${err && err.name}: ${err && err.message}`)
          assert.equal(err.code, expect.error, label)
          checkMessage(err, expect, label)
          return true
        })
      } else if (expect.reply === null) {
        assert.equal(run(), null, label)
      } else {
        const reply = run()
        assert.ok(reply instanceof Reply, label)
        assert.deepEqual(
          {
            status: reply.status,
            content_type: reply.contentType,
            headers: reply.headers,
            body: reply.body,
            secret: reply.secret,
          },
          { secret: null, ...expect.reply },
          label,
        )
        if (reply.secret !== null) {
          // Neither inspect nor JSON shows a handed-over secret, nor the header echoing it.
          const shown = inspect(reply) + JSON.stringify(reply)
          assert.ok(!shown.includes(reply.secret), `${label}: ${shown}`)
        }
      }
      counts.handshakes += 1
    }
  }
}

const counts = {
  cases: 0,
  verifications: 0,
  plain: 0,
  argumentErrors: 0,
  handshakes: 0,
  messages: 0,
  keys: 0,
  forms: {},
}

test('conformance vectors', async (t) => {
  for (const { file, c } of cases) {
    await t.test(`${file}: ${c.name}`, (t) => {
      if (c.op === 'handshake') return runHandshake(c)
      counts.cases += 1
      const scheme = c.preset !== undefined ? c.preset : c.scheme
      const expect = c.expect
      if (c.raw_args) {
        // Wrong types and ranges, passed as the JSON values themselves: hooksig's own
        // TypeError/RangeError at the boundary, when building or when verifying.
        assert.ok(expect.argument_error, 'raw_args cases expect an argument error')
        assert.throws(
          () => {
            const options = {}
            if ('secrets' in c) options.secrets = c.secrets
            if ('public_keys' in c && c.op !== 'sign') options.publicKeys = c.public_keys
            if ('private_key' in c && c.op === 'sign') options.privateKey = c.private_key
            if ('params' in c) options.params = c.params
            if ('tolerance' in c) options.tolerance = c.tolerance
            const context = { url: c.url, method: c.method }
            if (c.op === 'sign') {
              new Signer(scheme, options).sign(c.body, { ...(c.sign || {}), ...context })
            } else {
              new Verifier(scheme, options).verify(c.body, c.headers, { now: c.now, ...context })
            }
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
      const Klass = c.op === 'sign' ? Signer : Verifier
      if (expect.error && CONFIGURATION_CODES.includes(expect.error)) {
        // Building fails with this code, or (missing_param for a URL or method) verify does.
        let built
        try {
          built = new Klass(scheme, configOf(c))
        } catch (err) {
          assert.ok(err instanceof ConfigurationError, `${c.name}: ${err && err.name}: ${err && err.message}`)
          assert.equal(err.code, expect.error, c.name)
          checkMessage(err, expect, c.name)
          // The scheme as a JSON string gives the same answer.
          if (typeof scheme === 'object') {
            assert.throws(
              () => new Klass(JSON.stringify(scheme), configOf(c)),
              (e) => e instanceof ConfigurationError && e.code === expect.error,
            )
          }
          return
        }
        assert.ok(built, c.name) // the operation below must fail with it
      }
      if (c.op === 'sign') {
        const signer = new Signer(scheme, configOf(c))
        const sign = c.sign || {}
        const options = {}
        if (sign.timestamp !== undefined) options.timestamp = sign.timestamp
        if (sign.id !== undefined) options.id = sign.id
        if (c.url !== undefined) options.url = c.url
        if (c.method !== undefined) options.method = c.method
        const run = () => signer.sign(bytesOf(c.body), options)
        if (expect.error) return expectOutcome(run, expect, c.name)
        const wanted = Object.fromEntries(expect.headers.map(([n, v]) => [n, byteString(Buffer.from(v, 'utf8'))]))
        assert.deepEqual(Object.entries(run()), Object.entries(wanted))
        if (typeof c.body === 'string') assert.deepEqual(signer.sign(c.body, options), wanted)
        return
      }
      const verifier = new Verifier(scheme, configOf(c))
      const options = contextOf(c)
      const headers = headerForms(c.headers)
      const bodies = bodyForms(c.body)
      for (const [hname, h] of Object.entries(headers)) {
        for (const [bname, body] of Object.entries(bodies)) {
          const label = `${c.name} [headers ${hname}, body ${bname}]`
          expectOutcome(() => verifier.verify(body, h, options), expect, label)
          if (expect.error && CONFIGURATION_CODES.includes(expect.error)) {
            assert.throws(() => verifier.isValid(body, h, options), ConfigurationError, label)
          } else {
            assert.equal(verifier.isValid(body, h, options), !expect.error, label)
          }
          counts.verifications += 1
          counts.forms[hname] = (counts.forms[hname] || 0) + 1
        }
        // The plain path alone gives the same answer.
        expectOutcome(
          () => _internal.plainVerify(verifier, bodies.Buffer, h, options),
          expect,
          `${c.name} [plain, ${hname}]`,
        )
        counts.plain += 1
        if (expect.ok) {
          // The replay key: made when first read (verifying again, fast or plain path), or at
          // verify (the helpers' verifyKeyed): one key, the core's, in the verifier's namespace.
          const label = `${c.name} [replay key, ${hname}]`
          const lazy = verifier.verify(bodies.Buffer, h, options).replayKey
          assert.equal(_internal.verifyKeyed(verifier, bodies.Buffer, h, options).replayKey, lazy, label)
          assert.equal(_internal.plainVerify(verifier, bodies.Buffer, h, options).replayKey, lazy, label)
          assert.ok(lazy.startsWith(`${verifier.namespace}:`), `${label}: ${lazy}`)
          assert.equal(verifier.verify(bodies.Buffer, h, options).replayTtl, verifier.replayTtl, label)
          counts.keys += 1
        }
      }
    })
  }
})

test('enough vectors ran, in every header form', () => {
  assert.ok(counts.cases >= 1500, `only ${counts.cases} vector cases ran`)
  assert.ok(counts.plain >= counts.cases, `only ${counts.plain} verifications on the plain path`)
  for (const form of ['pairs', 'rawHeaders', 'object', 'map', 'Headers']) {
    assert.ok((counts.forms[form] || 0) >= 200, `only ${counts.forms[form] || 0} verifications with headers as ${form}`)
  }
  assert.ok(counts.argumentErrors >= 1 || !cases.some(({ c }) => c.raw_args))
  assert.ok(counts.keys >= 1000, `only ${counts.keys} replay keys compared`)
  const handshakeCases = cases.filter(({ c }) => c.op === 'handshake').length
  assert.ok(handshakeCases >= 17 && counts.handshakes >= handshakeCases * 4, `${counts.handshakes} handshakes ran`)
  const messageCases = cases.filter(({ c }) => c.expect.message_contains !== undefined).length
  assert.ok(messageCases >= 10 && counts.messages >= messageCases, `${counts.messages} messages checked`)
  console.log(
    `# vectors: ${counts.cases} cases, ${counts.verifications} verifications, ${counts.plain} on the plain path, ${counts.argumentErrors} argument errors, ${handshakeCases} handshake cases in ${counts.handshakes} forms, ${counts.messages} messages checked, ${counts.keys} replay keys compared`,
    counts.forms,
  )
})
