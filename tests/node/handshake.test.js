'use strict'
// Every handshake of tests/vectors/handshakes.json sent, as the provider documents it (its
// method, its URL's path and query, its headers and body), to a real Express server (the
// middleware mounted for every method) and to a real fetch-handler server (node:http turned
// into WHATWG Requests), each on 127.0.0.1. A handshake is answered by the helper and never
// reaches the route's handler; any other request is verified as usual. The vectors' signed
// handshakes carry their providers' old timestamps, so these servers verify without a
// window (the vector runner checks the windows at the case's `now`).

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const path = require('node:path')
const { Readable } = require('node:stream')
const express = require('express')
const { Verifier, VerificationError } = require('hooksig')
const { webhook } = require('hooksig/express')
const { webhookHandler } = require('hooksig/fetch')

const CASES = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'vectors', 'handshakes.json'), 'utf8')).cases

function bytesOf(value) {
  if (typeof value === 'string') return Buffer.from(value, 'utf8')
  if (value && typeof value.hex === 'string') return Buffer.from(value.hex, 'hex')
  throw new Error(`unknown byte form ${JSON.stringify(value)}`)
}

/** The helpers' config for a case: its keys and params, and no window (see above). */
function configOf(c) {
  const options = { tolerance: null }
  if (c.secrets) options.secrets = c.secrets
  if (c.public_keys) options.publicKeys = c.public_keys
  if (c.params) options.params = c.params
  return options
}

/** The path and query of the URL the provider calls, under /case/<index>. */
function targetOf(c, index) {
  const url = new URL(c.url)
  return `/case/${index}${url.pathname}${url.search}`
}

/** What the handlers ran for, and the secrets onSecret was handed. */
function recorder() {
  return { handled: new Set(), secrets: [] }
}

/** Express: every case's route, the middleware mounted for every method (GET handshakes too). */
function expressServer(seen, extra = () => ({})) {
  const app = express()
  CASES.forEach((c, index) => {
    const options = {
      ...configOf(c),
      onSecret: (secret, req) => {
        seen.secrets.push([index, secret, req.method])
        return true
      },
      ...extra(c, index),
    }
    // app.all: the handshake's method is the provider's (Meta, Dropbox and Okta use GET).
    app.all(`/case/${index}/*rest`, webhook(c.preset, options), (req, res) => {
      seen.handled.add(index)
      res.json({ handled: true })
    })
  })
  return http.createServer(app)
}

/** fetch: one handler per case, for every method, behind node:http. */
function fetchServer(seen, extra = () => ({})) {
  const handlers = CASES.map((c, index) =>
    webhookHandler(
      c.preset,
      {
        ...configOf(c),
        onSecret: async (secret, request) => {
          seen.secrets.push([index, secret, request.method])
        },
        ...extra(c, index),
      },
      () => {
        seen.handled.add(index)
        return Response.json({ handled: true })
      },
    ),
  )
  return http.createServer(async (req, res) => {
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers: req.headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Readable.toWeb(req),
      duplex: 'half',
    })
    const response = await handlers[Number(req.url.split('/')[2])](request)
    res.writeHead(response.status, [...response.headers].flat())
    res.end(Buffer.from(await response.arrayBuffer()))
  })
}

/** Sends a case as the provider does; resolves to the answer's status, headers and body. */
function sendCase(port, c, index) {
  const body = bytesOf(c.body)
  const headers = ['Host', `127.0.0.1:${port}`]
  for (const [name, value] of c.headers) headers.push(name, bytesOf(value).toString('latin1'))
  if (c.method !== 'GET') headers.push('Content-Length', String(body.length))
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: c.method, path: targetOf(c, index), headers, agent: false },
      (res) => {
        const chunks = []
        res.on('data', (chunk) => chunks.push(chunk))
        res.on('end', () =>
          resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        )
      },
    )
    req.on('error', reject)
    req.end(c.method === 'GET' ? undefined : body)
  })
}

/** What verify says of a case's request (for a request that is not a handshake): ok, or a code. */
function verdict(c) {
  const verifier = new Verifier(c.preset, configOf(c))
  try {
    verifier.verify(
      bytesOf(c.body),
      c.headers.map(([n, v]) => [n, bytesOf(v).toString('latin1')]),
      {
        url: c.url,
        method: c.method,
      },
    )
    return 'ok'
  } catch (err) {
    if (err instanceof VerificationError) return err.code
    throw err
  }
}

async function serve(server) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return server.address().port
}

for (const [helper, make] of [
  ['Express middleware', expressServer],
  ['fetch webhookHandler', fetchServer],
]) {
  test(`handshakes.json against the ${helper} on a real server`, async (t) => {
    const seen = recorder()
    const server = make(seen)
    const port = await serve(server)
    t.after(() => new Promise((resolve) => server.close(resolve)))
    let answered = 0
    for (const [index, c] of CASES.entries()) {
      await t.test(c.name, async () => {
        const answer = await sendCase(port, c, index)
        const expect = c.expect
        if (expect.error !== undefined) {
          // A signed handshake that does not verify: refused as any failed delivery.
          assert.deepEqual([answer.status, JSON.parse(answer.body)], [403, { error: expect.error }])
          assert.equal(seen.handled.has(index), false)
        } else if (expect.reply === null) {
          // Not a handshake: verified as usual, and handled when it verifies.
          const code = verdict(c)
          if (code === 'ok') {
            assert.deepEqual([answer.status, JSON.parse(answer.body)], [200, { handled: true }])
          } else {
            assert.deepEqual([answer.status, JSON.parse(answer.body)], [403, { error: code }])
          }
          assert.equal(seen.handled.has(index), code === 'ok')
        } else {
          const reply = expect.reply
          assert.equal(answer.status, reply.status, answer.body)
          assert.equal(answer.headers['content-type'], reply.content_type)
          for (const [name, value] of reply.headers) assert.equal(answer.headers[name.toLowerCase()], value)
          assert.equal(answer.body, reply.body)
          assert.equal(seen.handled.has(index), false, 'a handshake never reaches the handler')
          const handed = seen.secrets.filter(([i]) => i === index)
          assert.deepEqual(
            handed.map(([, secret]) => secret),
            reply.secret === undefined ? [] : [reply.secret],
          )
          answered += 1
        }
      })
    }
    assert.equal(answered, CASES.filter((c) => c.expect.reply).length)
    // Every provider's handshake was answered: Slack, Zoom, Twitch, Discord, Meta, Dropbox, Asana, Okta.
    const providers = new Set(CASES.filter((c) => c.expect.reply).map((c) => c.preset))
    assert.deepEqual([...providers].sort(), ['asana', 'discord', 'dropbox', 'meta', 'okta', 'slack', 'twitch', 'zoom'])
  })
}

/** The Asana case: the handshake that hands over a secret. */
const ASANA = CASES.findIndex((c) => c.preset === 'asana' && c.expect.reply)

for (const [helper, make] of [
  ['Express middleware', expressServer],
  ['fetch webhookHandler', fetchServer],
]) {
  test(`${helper}: Asana's secret is answered only once onSecret stored it, and never logged`, async (t) => {
    const c = CASES[ASANA]
    const secret = c.expect.reply.secret
    const warnings = []
    const onWarning = (warning) => warnings.push(`${warning.code} ${warning.message}`)
    process.on('warning', onWarning)
    t.after(() => process.off('warning', onWarning))
    for (const [onSecret, status, code] of [
      [undefined, 500, 'handshake_secret_not_stored'],
      [() => false, 403, 'handshake_secret_refused'],
      [async () => false, 403, 'handshake_secret_refused'],
      [
        () => {
          throw new Error(`cannot store ${secret}`)
        },
        403,
        'handshake_secret_refused',
      ],
      [() => Promise.reject(new Error('database down')), 403, 'handshake_secret_refused'],
    ]) {
      const seen = recorder()
      const server = make(seen, (_c, index) => (index === ASANA ? { onSecret } : {}))
      const port = await serve(server)
      const answer = await sendCase(port, c, ASANA)
      await new Promise((resolve) => server.close(resolve))
      assert.deepEqual([answer.status, JSON.parse(answer.body)], [status, { error: code }])
      assert.equal(answer.headers['x-hook-secret'], undefined, 'the secret is not echoed when not stored')
      assert.equal(seen.handled.size, 0)
    }
    await new Promise((resolve) => setImmediate(resolve))
    assert.ok(
      warnings.some((w) => w.startsWith('HOOKSIG_HANDSHAKE_SECRET')),
      'a handshake secret nobody stores is warned of',
    )
    assert.ok(
      warnings.every((w) => !w.includes(secret)),
      'no warning shows the secret',
    )
  })
}

test('Express: a GET handshake needs the middleware mounted for GET (app.use or app.all)', async (t) => {
  const dropbox = CASES.findIndex((c) => c.preset === 'dropbox' && c.expect.reply && c.expect.reply.status === 200)
  const c = CASES[dropbox]
  const app = express()
  // app.use(path, ...): every method under the path; the handler sees only verified deliveries.
  app.use(`/case/${dropbox}`, webhook('dropbox', configOf(c)), (_req, res) => res.json({ handled: true }))
  const server = http.createServer(app)
  const port = await serve(server)
  t.after(() => new Promise((resolve) => server.close(resolve)))
  const answer = await sendCase(port, c, dropbox)
  assert.deepEqual([answer.status, answer.body], [200, c.expect.reply.body])
  assert.equal(answer.headers['x-content-type-options'], 'nosniff')
})
