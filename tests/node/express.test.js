'use strict'
// Real servers on 127.0.0.1 (port 0): the Express example, and the middleware with and
// without a JSON body parser elsewhere in the app. Requests are sent with fetch.

const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const fs = require('node:fs')
const http = require('node:http')
const os = require('node:os')
const path = require('node:path')
const express = require('express')
const { createApp } = require('../../examples/express/server.js')
const { webhook, captureRawBody } = require('hooksig/express')
const { Signer } = require('hooksig')

const AGHANIM = 'aghanim-s2s-key-for-tests'
const NOYO = 'noyo-secret-for-tests'

/** Starts `handler` on 127.0.0.1 with a free port; resolves to its base URL and a stop function. */
async function listen(handler) {
  const server = http.createServer(handler)
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => server.close(resolve)),
  }
}

/** The provider's own computation (its docs' snippet): hex HMAC-SHA256 of `{timestamp}.{body}`. */
function providerSignature(secret, timestamp, body) {
  return crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
}

async function post(url, body, headers) {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
  const text = await res.text()
  let json
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, json, text }
}

const now = () => Math.floor(Date.now() / 1000)

test('the Express example: Aghanim and Noyo handlers', async (t) => {
  const { url, stop } = await listen(createApp({ aghanimSecret: AGHANIM, noyoSecret: NOYO }))
  t.after(stop)

  const aghanim = (body, sig, ts = now()) =>
    post(`${url}/webhooks/aghanim`, body, {
      'x-aghanim-signature': sig === undefined ? providerSignature(AGHANIM, ts, body) : sig,
      'x-aghanim-signature-timestamp': String(ts),
    })

  await t.test('valid -> 200, dispatched on event_type', async () => {
    const body = JSON.stringify({ event_type: 'player.verify', event_data: { player_id: 'p-42' } })
    const res = await aghanim(body)
    assert.equal(res.status, 200, res.text)
    assert.deepEqual(res.json, { player_id: 'p-42' })
    const add = await aghanim(JSON.stringify({ event_type: 'item.add', event_data: {} }))
    assert.deepEqual([add.status, add.json], [200, { status: 'ok' }])
  })
  await t.test('unknown event type -> 400', async () => {
    const res = await aghanim(JSON.stringify({ event_type: 'nope', event_data: {} }))
    assert.deepEqual([res.status, res.json], [400, { error: 'unknown_event_type' }])
  })
  await t.test('whitespace the JSON parser would drop is still signed: verified on raw bytes', async () => {
    const body = '{ "event_type" : "item.remove",\n  "event_data": {} }'
    const res = await aghanim(body)
    assert.equal(res.status, 200, res.text)
  })
  await t.test('tampered body -> 403 with the code', async () => {
    const ts = now()
    const body = JSON.stringify({ event_type: 'item.add', event_data: { qty: 1 } })
    const sig = providerSignature(AGHANIM, ts, body)
    const res = await aghanim(body.replace('1', '9'), sig, ts)
    assert.deepEqual([res.status, res.json], [403, { error: 'signature_mismatch' }])
  })
  await t.test('wrong-length and garbage signatures -> 403, not 500', async () => {
    for (const sig of ['ab', 'z'.repeat(64), 'a'.repeat(63), 'a'.repeat(65), 'a'.repeat(5000)]) {
      const res = await aghanim('{"event_type":"item.add"}', sig)
      assert.deepEqual([res.status, res.json], [403, { error: 'signature_mismatch' }], sig.slice(0, 10))
    }
  })
  await t.test('missing, stale and malformed headers -> 403 with their codes', async () => {
    const body = '{"event_type":"item.add"}'
    let res = await post(`${url}/webhooks/aghanim`, body, {})
    assert.deepEqual([res.status, res.json], [403, { error: 'missing_header' }])
    res = await aghanim(body, undefined, now() - 3600)
    assert.deepEqual([res.status, res.json], [403, { error: 'timestamp_too_old' }])
    res = await post(`${url}/webhooks/aghanim`, body, {
      'x-aghanim-signature': 'ab',
      'x-aghanim-signature-timestamp': 'yesterday',
    })
    assert.deepEqual([res.status, res.json], [403, { error: 'invalid_header' }])
  })
  await t.test('Noyo: a comma list of signatures, one of them current', async () => {
    const ts = now()
    const body = JSON.stringify({ event_type: 'member.created' })
    const sigs = `${providerSignature('retired-key', ts, body)},${providerSignature(NOYO, ts, body)}`
    const res = await post(`${url}/webhooks/noyo`, body, { 'x-noyo-signature': sigs, 'x-noyo-timestamp': String(ts) })
    assert.equal(res.status, 200, res.text)
    assert.deepEqual(res.json, { received: 'member.created', timestamp: ts })
    const bad = await post(`${url}/webhooks/noyo`, body, {
      'x-noyo-signature': providerSignature('retired-key', ts, body),
      'x-noyo-timestamp': String(ts),
    })
    assert.deepEqual([bad.status, bad.json], [403, { error: 'signature_mismatch' }])
  })
  await t.test('repeated signature header (raw headers, not joined) -> 403 invalid_header', async () => {
    // fetch joins repeats; a raw request keeps them, as a provider's bug or an attacker would send.
    const ts = now()
    const body = '{"event_type":"item.add"}'
    const answer = await new Promise((resolve, reject) => {
      const req = http.request(`${url}/webhooks/aghanim`, { method: 'POST' }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => (text += chunk))
        res.on('end', () => resolve([res.statusCode, JSON.parse(text)]))
      })
      req.on('error', reject)
      req.setHeader('content-type', 'application/json')
      req.setHeader('x-aghanim-signature', [providerSignature(AGHANIM, ts, body), providerSignature(AGHANIM, ts, body)])
      req.setHeader('x-aghanim-signature-timestamp', String(ts))
      req.end(body)
    })
    assert.deepEqual(answer, [403, { error: 'invalid_header' }])
  })
})

test('the Express example with replay protection: each delivery processed once, logged', async (t) => {
  const { replayStore } = require('../../examples/express/server.js')
  assert.equal(await replayStore({}), undefined, 'no REDIS_URL: no replay protection')
  assert.equal(await replayStore({ REDIS_URL: 'redis://127.0.0.1:1', REPLAY: 'off' }), undefined)
  const replay = await replayStore({ REPLAY: 'memory' })
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hooksig-example-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  const processedLog = path.join(dir, 'processed')
  const { url, stop } = await listen(createApp({ aghanimSecret: AGHANIM, noyoSecret: NOYO, replay, processedLog }))
  t.after(stop)
  const ts = now()
  const body = JSON.stringify({ event_type: 'player.verify', event_id: 'whevt_1', event_data: { player_id: 'p-1' } })
  const headers = {
    'x-aghanim-signature': providerSignature(AGHANIM, ts, body),
    'x-aghanim-signature-timestamp': String(ts),
  }
  const first = await post(`${url}/webhooks/aghanim`, body, headers)
  assert.deepEqual([first.status, first.json], [200, { player_id: 'p-1' }])
  const again = await post(`${url}/webhooks/aghanim`, body, headers)
  assert.deepEqual([again.status, again.json], [200, { status: 'duplicate' }])
  assert.equal(fs.readFileSync(processedLog, 'utf8'), 'whevt_1\n')
})

test('the middleware sees the raw bytes whatever parser runs elsewhere', async (t) => {
  const secret = 'whsec_' + Buffer.from('a test key, 32 bytes long......').toString('base64')
  const signer = new Signer('svix', { secret })
  const body = '{"type": "invoice.paid",   "data": {"amount": 1e2}}'
  const handler = (req, res) =>
    res.json({ body: req.body, raw: req.rawBody.toString('utf8'), id: req.webhook.id, type: typeof req.body })

  const apps = {
    'no parser at all': () => {
      const app = express()
      app.post('/hook', webhook('svix', { secret }), handler)
      return app
    },
    'express.json() mounted app-wide with captureRawBody': () => {
      const app = express()
      app.use(express.json({ verify: captureRawBody }))
      app.post('/hook', webhook('svix', { secret }), handler)
      return app
    },
    'express.json() after the webhook route (it skips the finished request)': () => {
      const app = express()
      app.use('/hook', webhook('svix', { secret }))
      app.use(express.json())
      app.post('/hook', handler)
      return app
    },
    'express.raw() on the route': () => {
      const app = express()
      app.post('/hook', express.raw({ type: '*/*' }), webhook('svix', { secret }), handler)
      return app
    },
  }
  for (const [name, make] of Object.entries(apps)) {
    await t.test(name, async () => {
      const { url, stop } = await listen(make())
      try {
        const headers = signer.sign(body, { id: 'msg_2x' })
        const ok = await post(`${url}/hook`, body, headers)
        assert.equal(ok.status, 200, ok.text)
        assert.deepEqual(ok.json, {
          body: { type: 'invoice.paid', data: { amount: 100 } },
          raw: body,
          id: 'msg_2x',
          type: 'object',
        })
        const tampered = await post(`${url}/hook`, body.replace('   ', ' '), headers)
        assert.deepEqual([tampered.status, tampered.json], [403, { error: 'signature_mismatch' }])
      } finally {
        await stop()
      }
    })
  }

  await t.test(
    'a parser that kept no raw copy: 500 raw_body_unavailable, with a warning saying how to fix it',
    async () => {
      const app = express()
      app.use(express.json())
      app.post('/hook', webhook('svix', { secret }), handler)
      const { url, stop } = await listen(app)
      const warnings = []
      const onWarning = (w) => warnings.push(w)
      process.on('warning', onWarning)
      try {
        const res = await post(`${url}/hook`, body, signer.sign(body))
        assert.deepEqual([res.status, res.json], [500, { error: 'raw_body_unavailable' }])
        await new Promise((resolve) => setImmediate(resolve))
        assert.ok(
          warnings.some((w) => /captureRawBody/.test(w.message)),
          'a warning names captureRawBody',
        )
      } finally {
        process.off('warning', onWarning)
        await stop()
      }
    },
  )

  await t.test('options: status, json: false, limit, onError', async () => {
    const app = express()
    app.post('/status', webhook('svix', { secret, status: 401 }), handler)
    app.post('/raw', webhook('svix', { secret, json: false }), (req, res) =>
      res.json({ isBuffer: Buffer.isBuffer(req.body) }),
    )
    app.post('/limit', webhook('svix', { secret, limit: 16 }), handler)
    app.post(
      '/custom',
      webhook('svix', { secret, onError: (err, req, res) => res.status(418).json({ why: err.code }) }),
      handler,
    )
    app.post('/notjson', webhook('svix', { secret }), handler)
    const { url, stop } = await listen(app)
    try {
      const bad = { ...signer.sign(body), 'svix-signature': 'v1,AAAA' }
      assert.deepEqual((await post(`${url}/status`, body, bad)).status, 401)
      assert.deepEqual((await post(`${url}/raw`, body, signer.sign(body))).json, { isBuffer: true })
      const big = await post(`${url}/limit`, body, signer.sign(body))
      assert.deepEqual([big.status, big.json], [413, { error: 'body_too_large' }])
      const custom = await post(`${url}/custom`, body, bad)
      assert.deepEqual([custom.status, custom.json], [418, { why: 'signature_mismatch' }])
      const notJson = await post(`${url}/notjson`, 'not json', signer.sign('not json'))
      assert.deepEqual([notJson.status, notJson.json], [400, { error: 'invalid_json' }])
    } finally {
      await stop()
    }
  })

  await t.test('the default limit is 1 MiB: one byte more is 413 before any hashing', async () => {
    const app = express()
    app.post('/default', webhook('svix', { secret, json: false }), (req, res) => res.json({ n: req.body.length }))
    const { url, stop } = await listen(app)
    try {
      const exact = 'x'.repeat(1024 * 1024)
      const ok = await post(`${url}/default`, exact, signer.sign(exact))
      assert.deepEqual([ok.status, ok.json], [200, { n: 1024 * 1024 }])
      const over = exact + 'x'
      const big = await post(`${url}/default`, over, signer.sign(over))
      assert.deepEqual([big.status, big.json], [413, { error: 'body_too_large' }])
    } finally {
      await stop()
    }
  })

  await t.test('plain node:http works too', async () => {
    const mw = webhook('svix', { secret })
    const { url, stop } = await listen((req, res) => mw(req, res, () => res.end(`ok ${req.webhook.id}`)))
    try {
      const res = await post(url, body, signer.sign(body, { id: 'msg_plain' }))
      assert.deepEqual([res.status, res.text], [200, 'ok msg_plain'])
    } finally {
      await stop()
    }
  })
})

test('URL-signed presets: the request URL, publicUrl behind a proxy, and the method', async (t) => {
  const secret = 'square-signature-key'
  const body = '{"data":{"type":"payment"}}'
  const signer = new Signer('square', { secret })
  const app = express()
  const answer = (req, res) => res.json({ type: req.body.data.type })
  app.post('/webhooks/square', webhook('square', { secret }), answer)
  const router = express.Router()
  router.post('/square', webhook('square', { secret }), answer)
  app.use('/mounted', router) // req.originalUrl keeps the mount path
  app.post('/public', webhook('square', { secret, publicUrl: 'https://hooks.example.com/webhooks/square' }), answer)
  app.post(
    '/forwarded',
    webhook('square', {
      secret,
      publicUrl: (req) => `https://${req.get('x-forwarded-host')}${req.originalUrl}`,
    }),
    answer,
  )
  app.post('/hubspot', webhook('hubspot', { secret: 'client-secret' }), (req, res) => res.json(req.body))
  const { url, stop } = await listen(app)
  t.after(stop)

  const send = (path, signedUrl, extra = {}) =>
    post(`${url}${path}`, body, { ...signer.sign(body, { url: signedUrl }), ...extra })
  for (const path of ['/webhooks/square?shop=1', '/mounted/square']) {
    const ok = await send(path, `${url}${path}`)
    assert.deepEqual([ok.status, ok.json], [200, { type: 'payment' }], path)
    const elsewhere = await send(path, `${url}/other`)
    assert.deepEqual([elsewhere.status, elsewhere.json], [403, { error: 'signature_mismatch' }], path)
  }
  const public_ = 'https://hooks.example.com/webhooks/square'
  assert.equal((await send('/webhooks/square', public_)).status, 403)
  assert.equal((await send('/public', public_)).status, 200)
  const forwarded = await send('/forwarded', 'https://hooks.example.com/forwarded', {
    'x-forwarded-host': 'hooks.example.com',
  })
  assert.equal(forwarded.status, 200, forwarded.text)

  const hubspot = new Signer('hubspot', { secret: 'client-secret' })
  const signed = hubspot.sign('[{"eventId":1}]', { url: `${url}/hubspot`, method: 'POST' })
  const res = await post(`${url}/hubspot`, '[{"eventId":1}]', signed)
  assert.deepEqual([res.status, res.json], [200, [{ eventId: 1 }]])
  const wrongMethod = hubspot.sign('[{"eventId":1}]', { url: `${url}/hubspot`, method: 'PUT' })
  assert.equal((await post(`${url}/hubspot`, '[{"eventId":1}]', wrongMethod)).status, 403)
})

test('after express.json with captureRawBody, the parsed body is kept, not parsed again', async (t) => {
  const secret = 'noyo-secret'
  const app = express()
  const parsedBy = Symbol('parsed by express.json')
  app.use(express.json({ verify: captureRawBody }))
  app.use((req, _res, next) => {
    if (req.body && typeof req.body === 'object') Object.defineProperty(req.body, parsedBy, { value: true })
    next()
  })
  app.post('/hook', webhook('noyo', { secret }), (req, res) =>
    res.json({ same: req.body[parsedBy] === true, body: req.body, ts: req.webhook.timestamp }),
  )
  const { url, stop } = await listen(app)
  t.after(stop)
  const body = '{ "event_type": "member.created" }'
  const headers = new Signer('noyo', { secret }).sign(body)
  const res = await post(`${url}/hook`, body, headers)
  assert.equal(res.status, 200, res.text)
  assert.deepEqual(res.json.body, { event_type: 'member.created' })
  assert.equal(res.json.same, true)
  // A JSON body under another content type is still parsed by the middleware itself.
  const text = await post(`${url}/hook`, body, { ...headers, 'content-type': 'text/plain' })
  assert.deepEqual([text.status, text.json.body, text.json.same], [200, { event_type: 'member.created' }, false])
})
