'use strict'
// hooksig/fetch on a real server: node:http on 127.0.0.1 (port 0) turns each request into
// a WHATWG Request, as Hono's Node adapter and Next.js do, and answers the handler's Response.

const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const { Readable } = require('node:stream')
const { Signer, Verifier, VerificationError } = require('hooksig')
const { verifyRequest, webhookHandler } = require('hooksig/fetch')

/** Serves a fetch-style handler `(request) => Response` on 127.0.0.1. */
async function serveFetch(handler) {
  const server = http.createServer(async (req, res) => {
    const headers = new Headers()
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1])
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Readable.toWeb(req),
      duplex: 'half',
    })
    const response = await handler(request)
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${server.address().port}`, stop: () => new Promise((r) => server.close(r)) }
}

const SECRET = 'whsec_' + Buffer.from('fetch helper test key').toString('base64')

test('webhookHandler on a real server: valid, tampered, wrong-length, options', async (t) => {
  const signer = new Signer('standard-webhooks', { secret: SECRET })
  const handle = webhookHandler('standard-webhooks', { secret: SECRET }, async (webhook, request) =>
    Response.json({
      type: webhook.body.type,
      raw: webhook.rawBody.toString('utf8'),
      id: webhook.result.id,
      path: new URL(request.url).pathname,
    }),
  )
  const { url, stop } = await serveFetch(handle)
  t.after(stop)
  const body = '{"type":"user.created",  "n": 1}'

  await t.test('valid -> 200 with parsed and raw body', async () => {
    const res = await fetch(`${url}/hooks`, { method: 'POST', body, headers: signer.sign(body, { id: 'msg_f1' }) })
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), { type: 'user.created', raw: body, id: 'msg_f1', path: '/hooks' })
  })
  await t.test('tampered -> 403 {"error": code}', async () => {
    const res = await fetch(url, { method: 'POST', body: body + ' ', headers: signer.sign(body) })
    assert.equal(res.status, 403)
    assert.deepEqual(await res.json(), { error: 'signature_mismatch' })
  })
  await t.test('wrong-length signature -> 403, not 500', async () => {
    const headers = { ...signer.sign(body), 'webhook-signature': 'v1,AAAA v1,!!!' }
    const res = await fetch(url, { method: 'POST', body, headers })
    assert.deepEqual([res.status, await res.json()], [403, { error: 'signature_mismatch' }])
  })
  await t.test('no signature headers -> 403 missing_header', async () => {
    const res = await fetch(url, { method: 'POST', body })
    assert.deepEqual([res.status, await res.json()], [403, { error: 'missing_header' }])
  })
})

test('webhookHandler options and verifyRequest', async () => {
  const verifier = new Verifier('standard-webhooks', { secret: SECRET })
  const signer = new Signer('standard-webhooks', { secret: SECRET })
  const body = '{"a":1}'
  const request = (b = body, headers = signer.sign(body)) =>
    new Request('http://x/', { method: 'POST', body: b, headers })

  const custom = webhookHandler(
    verifier,
    { status: 401, onError: (err) => new Response(err.code, { status: 499 }) },
    () => Response.json({ ok: true }),
  )
  const res = await custom(request('{"a":2}'))
  assert.deepEqual([res.status, await res.text()], [499, 'signature_mismatch'])
  const status = webhookHandler(verifier, { status: 401 }, () => new Response('ok'))
  assert.equal((await status(request('{"a":2}'))).status, 401)
  const limited = webhookHandler(verifier, { limit: 3 }, () => new Response('ok'))
  assert.equal((await limited(request())).status, 413)
  const noOptions = webhookHandler(verifier, (webhook) => Response.json(webhook.body))
  assert.deepEqual(await (await noOptions(request())).json(), { a: 1 })

  const verified = await verifyRequest(request(), verifier)
  assert.deepEqual(verified.body, { a: 1 })
  assert.equal(verified.rawBody.toString(), body)
  const old = signer.sign(body, { timestamp: 1_000_000 })
  const atThen = await verifyRequest(request(body, old), 'standard-webhooks', { secret: SECRET, now: 1_000_100 })
  assert.equal(atThen.result.timestamp, 1_000_000)
  await assert.rejects(
    verifyRequest(request(body, old), verifier),
    (err) => err instanceof VerificationError && err.code === 'timestamp_too_old',
  )
  // A body already read cannot be verified: said plainly, not a wrong answer.
  const used = request()
  await used.text()
  await assert.rejects(verifyRequest(used, verifier), (err) => err.code === 'raw_body_unavailable')
  await assert.rejects(verifyRequest({}, verifier), TypeError)
})
