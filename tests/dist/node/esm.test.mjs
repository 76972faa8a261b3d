// make test-dist (tests/dist/node.sh), ESM: the installed package through its ESM entry
// points: the same objects as CommonJS, the conformance vectors (verify and sign, headers
// as pairs), and one Express request on 127.0.0.1.

import test from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import express from 'express'
import * as hooksig from 'hooksig'
import { Verifier, Signer, VerificationError, ConfigurationError, CONFIGURATION_CODES } from 'hooksig'
import { webhook } from 'hooksig/express'

const require = createRequire(path.join(process.cwd(), 'app.js'))
const VECTORS = path.join(process.cwd(), 'tests', 'vectors')

test('the ESM entry points export the objects of the CommonJS ones', () => {
  const cjs = require('hooksig')
  for (const name of Object.keys(cjs).filter((n) => !n.startsWith('_'))) assert.equal(hooksig[name], cjs[name], name)
  assert.equal(webhook, require('hooksig/express').webhook)
})

function files(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.json') ? [path.join(dir, e.name)] : [],
    )
}
const bytes = (v) =>
  typeof v === 'string'
    ? Buffer.from(v, 'utf8')
    : v.hex !== undefined
      ? Buffer.from(v.hex, 'hex')
      : Buffer.alloc(v.length, Buffer.from(v.repeat, 'utf8'))
// Integers past 2^53 (outside strings) become bigints, as in tests/node/vectors.test.js.
const parse = (text) =>
  JSON.parse(text.replace(/([:\[,]\s*)(\d{16,})(?=\s*[,\]}])/g, '$1{"$bigint":"$2"}'), (_k, v) =>
    v && typeof v === 'object' && typeof v.$bigint === 'string' ? BigInt(v.$bigint) : v,
  )

test('the conformance vectors through the ESM entry point', () => {
  let ran = 0
  for (const file of files(VECTORS).sort()) {
    for (const c of parse(fs.readFileSync(file, 'utf8')).cases) {
      if (c.raw_args) continue
      const label = `${path.relative(VECTORS, file)}: ${c.name}`
      const scheme = c.preset !== undefined ? c.preset : c.scheme
      const options = { secrets: (c.secrets || []).map((s) => (typeof s === 'string' ? s : bytes(s))) }
      if (c.params) options.params = c.params
      if ('tolerance' in c) options.tolerance = c.tolerance
      const Klass = c.op === 'sign' ? Signer : Verifier
      if (c.expect.error && CONFIGURATION_CODES.includes(c.expect.error)) {
        assert.throws(
          () => new Klass(scheme, options),
          (e) => e instanceof ConfigurationError && e.code === c.expect.error,
          label,
        )
      } else if (c.op === 'sign') {
        const sign = () => new Signer(scheme, options).sign(bytes(c.body), { ...c.sign })
        if (c.expect.error) assert.throws(sign, (e) => e.code === c.expect.error, label)
        else
          assert.deepEqual(
            Object.entries(sign()),
            c.expect.headers.map(([n, v]) => [n, Buffer.from(v).toString('latin1')]),
            label,
          )
      } else {
        const verify = () =>
          new Verifier(scheme, options).verify(
            bytes(c.body),
            c.headers.map(([n, v]) => [bytes(n), bytes(v)]),
            c.now === undefined ? undefined : { now: c.now },
          )
        if (c.expect.error) {
          assert.throws(verify, (e) => e instanceof VerificationError && e.code === c.expect.error, label)
        } else {
          const { secretIndex, timestamp, id } = verify()
          assert.deepEqual(
            { secretIndex, timestamp, id },
            { secretIndex: c.expect.secret_index, timestamp: c.expect.timestamp, id: c.expect.id },
            label,
          )
        }
      }
      ran += 1
    }
  }
  assert.ok(ran >= 200, `only ${ran} vectors ran`)
  console.log(`# ESM: ${ran} vectors`)
})

test('an Express app verifies a Stripe webhook (ESM)', async () => {
  const secret = 'whsec_dist-test-secret'
  const app = express()
  app.post('/webhooks/stripe', webhook('stripe', { secret }), (req, res) => res.json({ type: req.body.type }))
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  try {
    const url = `http://127.0.0.1:${server.address().port}/webhooks/stripe`
    const body = JSON.stringify({ type: 'invoice.paid' })
    const headers = { ...new Signer('stripe', { secret }).sign(body), 'content-type': 'application/json' }
    const ok = await fetch(url, { method: 'POST', body, headers })
    assert.equal(ok.status, 200)
    assert.deepEqual(await ok.json(), { type: 'invoice.paid' })
    const stale = new Signer('stripe', { secret }).sign(body, { timestamp: Math.floor(Date.now() / 1000) - 3600 })
    const old = await fetch(url, { method: 'POST', body, headers: { ...stale, 'content-type': 'application/json' } })
    assert.equal(old.status, 403)
    assert.deepEqual(await old.json(), { error: 'timestamp_too_old' })
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
})
