'use strict'
// hooksig/fetch: verification for a WHATWG fetch `Request`: Next.js route handlers,
// Hono on Node, Remix, or any server that hands you a `Request`. It reads the raw bytes
// with `request.arrayBuffer()` itself, so no parser can alter them.
//
// webhookHandler answers a provider's handshake itself (the GET ones reach it where it is
// mounted for GET too: Next.js `export const GET = POST = handler`), and with `replay` (a
// store) claims each verified delivery once: as the Express middleware (express.js).

const { VerificationError, _internal } = require('./index.js')
const {
  SHARED_KEYS,
  CLAIMED,
  DUPLICATE,
  UNAVAILABLE,
  UNAVAILABLE_MESSAGE,
  replayOptions,
  claim,
  release,
  secretTaken,
  warnOf,
  verifierFrom,
  statusOption,
  limitOption,
  functionOption,
  publicUrlOption,
  urlOf,
  declaredLength,
  parseJson,
  HelperError,
} = require('./helpers.js')
const { verifyQuietly, verifyKeyedQuietly, handshakeQuietly } = require('./fast.js')

function checkRequest(request) {
  if (
    request === null ||
    typeof request !== 'object' ||
    typeof request.arrayBuffer !== 'function' ||
    request.headers === null ||
    typeof request.headers !== 'object'
  ) {
    throw new TypeError('hooksig: expected a fetch Request (with headers and arrayBuffer())')
  }
}

async function readBody(request, limit) {
  const declared = declaredLength(request.headers.get('content-length'))
  if (declared !== undefined && declared > limit) {
    throw new HelperError(413, 'body_too_large', `the body is larger than the ${limit}-byte limit`)
  }
  if (request.bodyUsed) {
    throw new HelperError(
      500,
      'raw_body_unavailable',
      'hooksig/fetch: the request body was already read; verify before reading it (or pass a clone())',
      'HOOKSIG_RAW_BODY',
    )
  }
  const raw = Buffer.from(await request.arrayBuffer())
  if (raw.length > limit) {
    throw new HelperError(413, 'body_too_large', `the body is larger than the ${limit}-byte limit`)
  }
  return raw
}

const requestUrl = (request) => request.url

/**
 * Verifies a fetch `Request` (reading its body) and resolves to
 * `{ rawBody, body, result }`: the raw bytes, the parsed JSON (undefined for an empty
 * body) and the verification result. Rejects with VerificationError when it does not verify.
 * For schemes that sign the URL, `request.url` is used, or `publicUrl`.
 */
async function verifyRequest(request, schemeOrVerifier, options) {
  const { verifier, own } = verifierFrom(
    schemeOrVerifier,
    options,
    ['limit', 'json', 'now', 'publicUrl'],
    'verifyRequest',
  )
  checkRequest(request)
  const limit = limitOption(own.limit, 'verifyRequest')
  const publicUrl = publicUrlOption(own.publicUrl, 'verifyRequest')
  return receive(request, verifier, limit, own.json, own.now, publicUrl, false, false)
}

/**
 * Reads and verifies a request: resolves to `{ rawBody, body, result }`, or with
 * `handshakes` to `{ reply }` for a provider's handshake; `keyed`: the replay key is made
 * with the verification.
 */
async function receive(request, verifier, limit, json, now, publicUrl, handshakes, keyed) {
  const rawBody = await readBody(request, limit)
  if (handshakes) {
    // GET handshakes read the query: the request's own URL unless the scheme signs the URL.
    const url = verifier.needsUrl ? urlOf(publicUrl, request, requestUrl) : request.url
    const reply = handshakeQuietly(verifier, rawBody, request.headers, { now, url, method: request.method })
    if (reply !== null) return { reply }
  }
  const needsContext = verifier.needsUrl || verifier.needsMethod
  const context =
    now === undefined && !needsContext
      ? undefined
      : {
          now,
          url: verifier.needsUrl ? urlOf(publicUrl, request, requestUrl) : undefined,
          method: verifier.needsMethod ? request.method : undefined,
        }
  const result = keyed
    ? verifyKeyedQuietly(_internal.verifyKeyed, verifier, rawBody, request.headers, context)
    : verifyQuietly(verifier, rawBody, request.headers, context)
  let body
  if (json !== false) {
    try {
      body = parseJson(rawBody)
    } catch {
      throw new HelperError(400, 'invalid_json', 'the body is signed but is not JSON')
    }
  }
  return { rawBody, body, result }
}

function errorResponse(status, code) {
  return jsonResponse(status, JSON.stringify({ error: code }))
}

function jsonResponse(status, body) {
  return new Response(body, { status, headers: { 'content-type': 'application/json; charset=utf-8' } })
}

/** The Response of a handshake's reply. */
function replyResponse(reply) {
  const headers = new Headers(reply.headers)
  headers.set('content-type', reply.contentType)
  return new Response(reply.body, { status: reply.status, headers })
}

/**
 * Wraps a fetch-style handler: the returned function takes `(request, ...rest)`,
 * verifies the request and calls `handler(webhook, request, ...rest)` with
 * `webhook = { rawBody, body, result }`. A failure answers `status` (403) with
 * `{"error": code}`, or what `onError(err, request)` returns. For schemes that sign the
 * URL, `request.url` is used, or `publicUrl` (a string, or a function of the request).
 */
function webhookHandler(schemeOrVerifier, options, handler) {
  if (typeof options === 'function' && handler === undefined) {
    handler = options
    options = undefined
  }
  if (typeof handler !== 'function') throw new TypeError('hooksig: webhookHandler needs a handler function')
  const { verifier, own } = verifierFrom(
    schemeOrVerifier,
    options,
    ['status', 'limit', 'json', 'onError', 'publicUrl', ...SHARED_KEYS],
    'webhookHandler',
  )
  const status = statusOption(own.status, 'webhookHandler')
  const limit = limitOption(own.limit, 'webhookHandler')
  const onError = functionOption(own.onError, 'onError', 'webhookHandler')
  const onSecret = functionOption(own.onSecret, 'onSecret', 'webhookHandler')
  const publicUrl = publicUrlOption(own.publicUrl, 'webhookHandler')
  const replay = replayOptions(own, 'webhookHandler')
  const json = own.json
  const handshakes = verifier.hasHandshake

  const fail = (err, request) => {
    if (onError) return onError(err, request)
    if (err instanceof VerificationError) return errorResponse(status, err.code)
    if (err instanceof HelperError) {
      // A failure of the app's set-up, not the request's: say so where its owner looks.
      warnOf(err)
      return errorResponse(err.status, err.code)
    }
    throw err
  }

  return async function hooksigHandler(request, ...rest) {
    let webhook
    try {
      checkRequest(request)
      webhook = await receive(request, verifier, limit, json, undefined, publicUrl, handshakes, replay !== null)
    } catch (err) {
      return fail(err, request)
    }
    if (webhook.reply !== undefined) {
      const refusal = await secretTaken(webhook.reply, onSecret, request)
      return refusal === null ? replyResponse(webhook.reply) : fail(refusal, request)
    }
    if (replay === null) return handler(webhook, request, ...rest)
    const outcome = await claim(replay, webhook.result)
    if (outcome === DUPLICATE) return jsonResponse(replay.duplicateStatus, replay.duplicateBody)
    if (outcome === UNAVAILABLE) {
      return fail(new HelperError(503, 'replay_store_unavailable', UNAVAILABLE_MESSAGE), request)
    }
    if (outcome !== CLAIMED) return handler(webhook, request, ...rest) // ALLOWED
    // The handler failed (threw, or answered 5xx): release the claim before answering, so
    // that the provider's retry is processed.
    let response
    try {
      response = await handler(webhook, request, ...rest)
    } catch (err) {
      await release(replay, webhook.result.replayKey)
      throw err
    }
    if (response !== null && typeof response === 'object' && response.status >= 500) {
      await release(replay, webhook.result.replayKey)
    }
    return response
  }
}

module.exports = { verifyRequest, webhookHandler }
