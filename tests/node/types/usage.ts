// A small typed usage of hooksig, compiled with tsc --strict (tests/node/types.test.js).
// It must compile; the @ts-expect-error lines must each be an error.

import { createServer, type IncomingHttpHeaders } from 'node:http'
import express from 'express'
import {
  ConfigurationError,
  MemoryReplayStore,
  RedisReplayStore,
  Reply,
  ReplayStoreError,
  Signer,
  VerificationError,
  Verifier,
  presetScheme,
  presets,
  type ConfigurationCode,
  type PresetName,
  type RedisClientLike,
  type ReplayStore,
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
const header: string | undefined = verifier.scheme.signature_header
const names: string[] = verifier.headerNames
const needs: boolean = verifier.needsUrl || verifier.needsMethod
const idBytes: Buffer | null = result.idBytes

// Public keys, private keys, and the request context of URL-signed schemes.
const discord = new Verifier('discord', {
  publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
})
new Verifier('standard-webhooks', { secret: 'whsec_bmV3', publicKeys: ['whpk_AAAA', Buffer.from('whpk_BBBB')] })
new Signer('discord', { privateKey: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60' })
const square = new Verifier('square', { secret: 'k' })
square.verify('{}', incoming, { url: 'https://example.com/webhooks/square', method: 'POST', now: 1 })
new Signer('hubspot', { secret: 'k' }).sign('[]', { url: 'https://example.com/hooks', method: 'POST' })
const preset: PresetName = 'sendgrid'
const ecdsa: Scheme = { algorithm: 'ecdsa-p256-sha256', signature_header: 'x-sig', key_encoding: 'spki' }
const mailgun: Scheme = { body_fields: { signature: 'signature.signature' }, message: '{body_field:token}' }

try {
  verifier.verify('{}', {})
} catch (err) {
  if (err instanceof VerificationError) {
    const code: VerificationCode = err.code
    console.log(code, err.message)
  } else if (err instanceof ConfigurationError) {
    const code: ConfigurationCode = err.code
    const key: 'unknown_preset' | 'invalid_scheme' | 'invalid_secret' | 'missing_param' | 'invalid_key' = code
    console.log(key)
  }
}

const headers: Record<string, string> = new Signer('stripe', { secret: 'whsec_x' }).sign('{}', { timestamp: 1 })
new Signer('standard-webhooks', { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }).sign(Buffer.alloc(0), {
  id: 'msg_1',
})
const presetNames: string[] = presets.map((p) => p.name)
const svix: Scheme = presetScheme('svix')

// @ts-expect-error: the body is bytes or a string
verifier.verify(42, {})
// @ts-expect-error: a header value is a string, string[] or bytes
verifier.verify('{}', { 'x-noyo-timestamp': 1700000000 })
// @ts-expect-error: secret, not secert
new Verifier('github', { secert: 'x' })
// @ts-expect-error: a Verifier takes public keys, not a private key
new Verifier('discord', { privateKey: 'x' })
// @ts-expect-error: the URL is a string or bytes
square.verify('{}', incoming, { url: new URL('https://example.com') })
// @ts-expect-error: PresetName holds the presets' names only
const notPreset: PresetName = 'acme'
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
app.post('/hooks/square', webhook('square', { secret: 'k', publicUrl: 'https://example.com/hooks/square' }))
app.post(
  '/hooks/twilio',
  webhook('twilio', { secret: 'k', json: false, publicUrl: (req) => `https://example.com${req.url}` }),
)
app.post('/hooks/discord', webhook('discord', { publicKey: 'd75a98' }))
createServer((req, res) => plain(req, res, () => res.end('ok')))

// fetch: a Next.js-style route handler and a direct call.
export const POST = webhookHandler<{ type: string }>(
  'svix',
  { secret: 'whsec_bmV3' },
  async (event: Webhook<{ type: string }>) => {
    return Response.json({ type: event.body.type, at: event.result.timestamp })
  },
)
export const SQUARE = webhookHandler(
  'square',
  { secret: 'k', publicUrl: (request) => request.url.replace('http:', 'https:') },
  async (event) => Response.json({ id: event.result.idBytes?.length }),
)
export async function handle(request: Request): Promise<Response> {
  const { body, rawBody, result: r } = await verifyRequest<{ id: string }>(request, verifier)
  return new Response(`${body.id} ${rawBody.length} ${r.secretIndex}`)
}

// Handshakes and replay protection.
const dropbox = new Verifier('dropbox', { secret: 'app-secret', namespace: 'dropbox-prod', replayTtl: 3600 })
const reply: Reply | null = dropbox.handshake('', {}, { method: 'GET', url: 'https://example.com/hook?challenge=x' })
if (reply !== null) {
  const status: number = reply.status
  const pairs: ReadonlyArray<readonly [string, string]> = reply.headers
  const handed: string | null = reply.secret
  console.log(status, pairs, reply.contentType, reply.body, handed)
}
const hasHandshake: boolean = dropbox.hasHandshake
const namespace: string = dropbox.namespace
const replayKey: string = result.replayKey
const replayTtl: number = result.replayTtl + dropbox.replayTtl
const memory = new MemoryReplayStore({ maxKeys: 1000 })
const first: boolean = memory.claim(replayKey, replayTtl)
memory.release(replayKey)
const held: number = memory.size + memory.maxKeys
// The redis package's own client is checked against RedisClientLike in usage-redis.ts.
declare const client: RedisClientLike
const redisStore = new RedisReplayStore(client, { prefix: 'app:' })
export async function claimIt(): Promise<boolean> {
  try {
    return await redisStore.claim(replayKey, replayTtl)
  } catch (err) {
    if (err instanceof ReplayStoreError) console.log(err.code, err.cause)
    return false
  }
}
const own: ReplayStore = {
  claim: async () => true,
  release: () => undefined,
}
app.post(
  '/hooks/asana',
  webhook('asana', {
    secret: 'stored-earlier',
    onSecret: async (secret, req) => {
      console.log(secret.length, req.url)
      return true
    },
    replay: memory,
  }),
)
app.use(
  '/hooks/meta',
  webhook('meta', {
    secret: 'app-secret',
    params: { verify_token: 'vt' },
    replay: redisStore,
    onStoreError: 'allow',
    duplicateStatus: 208,
    duplicateBody: { duplicate: true },
  }),
)
export const GET_AND_POST = webhookHandler('okta', { secret: 'Bearer x', replay: own, onSecret: () => false }, () =>
  Response.json({ ok: true }),
)
// @ts-expect-error: onStoreError is 'fail' or 'allow'
webhook('github', { secret: 's', replay: memory, onStoreError: 'ignore' })
// @ts-expect-error: a store has claim and release
webhook('github', { secret: 's', replay: {} })

console.log(ts, id, index, ok, tolerance, count, header, headers, names, svix, wrong, needs, idBytes)
console.log(hasHandshake, namespace, first, held)
console.log(discord, preset, ecdsa, mailgun, presetNames, notPreset)
