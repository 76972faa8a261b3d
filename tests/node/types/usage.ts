// A small typed usage of hooksig, compiled with tsc --strict (tests/node/types.test.js).
// It must compile; the @ts-expect-error lines must each be an error.

import { createServer, type IncomingHttpHeaders } from 'node:http'
import express from 'express'
import {
  ConfigurationError,
  Signer,
  VerificationError,
  Verifier,
  presetScheme,
  presets,
  type Scheme,
  type Verified,
  type VerificationCode,
} from 'hooksig'
import { captureRawBody, webhook } from 'hooksig/express'
import { verifyRequest, webhookHandler, type Webhook } from 'hooksig/fetch'

const verifier = new Verifier('noyo', { secret: 'shh', tolerance: 600 })
const rotating = new Verifier('svix', { secrets: ['whsec_bmV3', new Uint8Array([1, 2, 3])], tolerance: null })
const custom: Scheme = {
  signature_header: 'x-acme-signature',
  timestamp_header: 'x-acme-timestamp',
  message: '{timestamp}.{body}',
  encoding: 'base64',
  separator: ',',
}
const fromObject = new Verifier(custom, { secret: Buffer.from('k'), params: { business_id: '42' } })
const fromJson = new Verifier(JSON.stringify(custom), { secret: 'k', tolerance: 10n })

const incoming: IncomingHttpHeaders = { 'x-noyo-signature': ['a', 'b'], 'x-noyo-timestamp': '1700000000' }
const result: Verified = verifier.verify('{}', incoming, { now: 1_700_000_000 })
const ts: number | null = result.timestamp
const id: string | null = result.id
const index: number = result.secretIndex
verifier.verify(Buffer.from('{}'), new Headers({ 'x-noyo-timestamp': '1' }), { now: new Date() })
verifier.verify(new Uint8Array(2), new Map([['x-noyo-signature', 'a']]))
verifier.verify(new Uint8Array(2).buffer, [['x-noyo-signature', 'a']])
verifier.verify('{}', ['x-noyo-signature', 'a', 'x-noyo-timestamp', '1'])
const ok: boolean = rotating.isValid('{}', {}, { now: 1n })
const tolerance: number | null = fromObject.tolerance
const count: number = fromJson.secretCount
const header: string = verifier.scheme.signature_header

try {
  verifier.verify('{}', {})
} catch (err) {
  if (err instanceof VerificationError) {
    const code: VerificationCode = err.code
    console.log(code, err.message)
  } else if (err instanceof ConfigurationError) {
    const code: 'unknown_preset' | 'invalid_scheme' | 'invalid_secret' | 'missing_param' = err.code
    console.log(code)
  }
}

const headers: Record<string, string> = new Signer('stripe', { secret: 'whsec_x' }).sign('{}', { timestamp: 1 })
new Signer('standard-webhooks', { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }).sign(Buffer.alloc(0), {
  id: 'msg_1',
})
const names: string[] = presets.map((p) => p.name)
const svix: Scheme = presetScheme('svix')

// @ts-expect-error: the body is bytes or a string
verifier.verify(42, {})
// @ts-expect-error: a header value is a string, string[] or bytes
verifier.verify('{}', { 'x-noyo-timestamp': 1700000000 })
// @ts-expect-error: secret, not secert
new Verifier('github', { secert: 'x' })
// @ts-expect-error: the result is read-only data of known shape
const wrong: string = result.secretIndex

// Express: a JSON parser for the app that keeps the raw bytes, and the middleware.
const app = express()
app.use(express.json({ verify: captureRawBody }))
app.post('/hooks/noyo', webhook('noyo', { secret: 'shh', status: 401 }), (req, res) => {
  const raw: Buffer | undefined = req.rawBody
  const verified: Verified | undefined = req.webhook
  res.json({ ok: true, raw: raw?.length, ts: verified?.timestamp })
})
app.post('/hooks/github', webhook(new Verifier('github', { secret: 's' }), { json: false, limit: 1024 }))
const plain = webhook('github', { secret: 's', onError: (err, _req, res) => res.end(err.code) })
createServer((req, res) => plain(req, res, () => res.end('ok')))

// fetch: a Next.js-style route handler and a direct call.
export const POST = webhookHandler<{ type: string }>(
  'svix',
  { secret: 'whsec_bmV3' },
  async (event: Webhook<{ type: string }>) => {
    return Response.json({ type: event.body.type, at: event.result.timestamp })
  },
)
export async function handle(request: Request): Promise<Response> {
  const { body, rawBody, result: r } = await verifyRequest<{ id: string }>(request, verifier)
  return new Response(`${body.id} ${rawBody.length} ${r.secretIndex}`)
}

console.log(ts, id, index, ok, tolerance, count, header, headers, names, svix, wrong)
