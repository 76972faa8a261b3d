'use strict'
// hooksig/fetch: verification for a WHATWG fetch `Request`: Next.js route handlers,
// Hono on Node, Remix, or any server that hands you a `Request`. It reads the raw bytes
// with `request.arrayBuffer()` itself, so no parser can alter them.
//
// webhookHandler answers a provider's handshake itself (the GET ones reach it where it is
// mounted for GET too: Next.js `export const GET = POST = handler`), and with `replay` (a
// store) claims each verified delivery once: as the Express middleware (express.js).

const {
  HANDLER_KEYS,
  handlerOptions,
  DUPLICATE,
  UNAVAILABLE,
  CLAIMED,
  claim,
  release,
  secretTaken,
  failureAnswer,
  receiver,
  tooLarge,
  storeUnavailable,
  Reply,
  verifierFrom,
  limitOption,
  jsonOption,
  publicUrlOption,
  declaredLength,
  parseJson,
  HelperError,
} = require('./helpers.js')

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
  if (declared !== undefined && declared > limit) throw tooLarge(limit)
  if (request.bodyUsed) {
    throw new HelperError(
      500,
      'raw_body_unavailable',
      'hooksig/fetch: the request body was already read; verify before reading it (or pass a clone())',
      'HOOKSIG_RAW_BODY',
    )
  }
  const raw = Buffer.from(await request.arrayBuffer())
  if (raw.length > limit) throw tooLarge(limit)
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
  const json = jsonOption(own.json, 'verifyRequest')
  const publicUrl = publicUrlOption(own.publicUrl, 'verifyRequest')
  const receive = receiver(verifier, { publicUrl, ownUrl: requestUrl, handshakes: false, keyed: false })
  const rawBody = await readBody(request, limit)
  const result = receive(rawBody, request.headers, request, request.method, own.now)
  return { rawBody, body: json ? parseJson(rawBody) : undefined, result }
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
  const { verifier, own } = verifierFrom(schemeOrVerifier, options, HANDLER_KEYS, 'webhookHandler')
  const { status, limit, json, onError, onSecret, publicUrl, replay } = handlerOptions(own, 'webhookHandler')
  const receive = receiver(verifier, { publicUrl, ownUrl: requestUrl, handshakes: true, keyed: replay !== null })

  const fail = (err, request) => {
    if (onError) return onError(err, request)
    const answer = failureAnswer(err, status)
    if (answer === null) throw err
    return errorResponse(answer[0], answer[1])
  }

  return async function hooksigHandler(request, ...rest) {
    let rawBody, result, body
    try {
      checkRequest(request)
      rawBody = await readBody(request, limit)
      result = receive(rawBody, request.headers, request, request.method, undefined)
      if (json && !(result instanceof Reply)) body = parseJson(rawBody)
    } catch (err) {
      return fail(err, request)
    }
    if (result instanceof Reply) {
      const refusal = await secretTaken(result, onSecret, request)
      return refusal === null ? replyResponse(result) : fail(refusal, request)
    }
    const webhook = { rawBody, body, result }
    if (replay === null) return handler(webhook, request, ...rest)
    const outcome = await claim(replay, result)
    if (outcome === DUPLICATE) return jsonResponse(replay.duplicateStatus, replay.duplicateBody)
    if (outcome === UNAVAILABLE) return fail(storeUnavailable(), request)
    if (outcome !== CLAIMED) return handler(webhook, request, ...rest) // ALLOWED
    // The handler failed (threw, or answered 5xx): release the claim before answering, so
    // that the provider's retry is processed.
    let response
    try {
      response = await handler(webhook, request, ...rest)
    } catch (err) {
      await release(replay, result.replayKey)
      throw err
    }
    if (response !== null && typeof response === 'object' && response.status >= 500) {
      await release(replay, result.replayKey)
    }
    return response
  }
}

module.exports = { verifyRequest, webhookHandler }
