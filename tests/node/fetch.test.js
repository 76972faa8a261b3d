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
  // `json` is a boolean in both helpers (the Express middleware's check, shared).
  await assert.rejects(verifyRequest(request(), verifier, { json: 'no' }), /option json must be a boolean/)
  assert.throws(() => webhookHandler(verifier, { json: 0 }, () => {}), /option json must be a boolean/)
  // webhookHandler answers it 500, with a process warning that says how to fix the app.
  const warnings = []
  const onWarning = (w) => warnings.push(w)
  process.on('warning', onWarning)
  try {
    const spent = request()
    await spent.text()
    const answer = await webhookHandler(verifier, () => new Response('ok'))(spent)
    assert.deepEqual([answer.status, await answer.json()], [500, { error: 'raw_body_unavailable' }])
    await new Promise((resolve) => setImmediate(resolve))
    assert.ok(warnings.some((w) => w.code === 'HOOKSIG_RAW_BODY' && /clone/.test(w.message)))
  } finally {
    process.off('warning', onWarning)
  }
})

test('Content-Length: digits only (after trimming spaces) is a length; anything else is not', async () => {
  const verifier = new Verifier('github', { secret: 's3cret' })
  const body = 'abcdef'
  const headers = new Signer('github', { secret: 's3cret' }).sign(body)
  const request = (length) =>
    new Request('http://x/', { method: 'POST', body, headers: { ...headers, 'content-length': length } })
  // Not a length: the bytes are counted (6, under the limit), as Number() would not have done.
  for (const length of ['1e6', '0x10', '+6', '', '6 6', '1e1', '0b1']) {
    const verified = await verifyRequest(request(length), verifier, { limit: 8, json: false })
    assert.equal(verified.rawBody.toString(), body, JSON.stringify(length))
  }
  // A length: trusted to refuse early when above the limit.
  for (const length of [' 9 ', '\t10', '0009']) {
    await assert.rejects(verifyRequest(request(length), verifier, { limit: 8, json: false }), (err) => {
      assert.deepEqual([err.status, err.code], [413, 'body_too_large'], JSON.stringify(length))
      return true
    })
  }
})

test('URL-signed presets: request.url and method are passed; publicUrl replaces the URL', async () => {
  const secret = 'square-signature-key'
  const body = '{"data":{"type":"payment"}}'
  const signer = new Signer('square', { secret })
  const local = 'http://127.0.0.1:3000/webhooks/square?x=1'
  const public_ = 'https://hooks.example.com/webhooks/square?x=1'
  const request = (signedUrl) =>
    new Request(local, { method: 'POST', body, headers: signer.sign(body, { url: signedUrl }) })

  assert.deepEqual((await verifyRequest(request(local), 'square', { secret })).body, { data: { type: 'payment' } })
  await assert.rejects(
    verifyRequest(request(public_), 'square', { secret }),
    (err) => err instanceof VerificationError && err.code === 'signature_mismatch',
  )
  await verifyRequest(request(public_), 'square', { secret, publicUrl: public_ })
  const fromRequest = (r) => r.url.replace('http://127.0.0.1:3000', 'https://hooks.example.com')
  await verifyRequest(request(public_), 'square', { secret, publicUrl: fromRequest })
  const handler = webhookHandler('square', { secret, publicUrl: fromRequest }, (hook) => Response.json(hook.body))
  assert.equal((await handler(request(public_))).status, 200)
  assert.equal((await handler(request(local))).status, 403)

  // HubSpot v3 signs the method too.
  const hubspot = new Signer('hubspot', { secret: 'client-secret' })
  const hubspotRequest = new Request(local, {
    method: 'POST',
    body: '[]',
    headers: hubspot.sign('[]', { url: local, method: 'POST' }),
  })
  assert.deepEqual((await verifyRequest(hubspotRequest, 'hubspot', { secret: 'client-secret' })).body, [])
  await assert.rejects(verifyRequest(request(local), 'square', { secret, publicUrl: 5 }), TypeError)
})

test('public keys through the fetch helper: Discord (Ed25519)', async () => {
  const seed = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'
  const publicKey = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'
  const body = '{"type":1}'
  const headers = new Signer('discord', { privateKey: seed }).sign(body)
  const handler = webhookHandler('discord', { publicKey }, (hook) => Response.json({ type: hook.body.type }))
  const ok = await handler(new Request('http://x/interactions', { method: 'POST', body, headers }))
  assert.deepEqual([ok.status, await ok.json()], [200, { type: 1 }])
  const bad = await handler(new Request('http://x/interactions', { method: 'POST', body: '{"type":2}', headers }))
  assert.deepEqual([bad.status, await bad.json()], [403, { error: 'signature_mismatch' }])
})
