'use strict'
// hooksig/fetch: verification for a WHATWG fetch `Request`: Next.js route handlers,
// Hono on Node, Remix, or any server that hands you a `Request`. It reads the raw bytes
// with `request.arrayBuffer()` itself, so no parser can alter them.

const { VerificationError } = require('./index.js')
const {
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
const { verifyQuietly } = require('./fast.js')

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
  const rawBody = await readBody(request, limit)
  const needsContext = verifier.needsUrl || verifier.needsMethod
  const result = verifyQuietly(
    verifier,
    rawBody,
    request.headers,
    own.now === undefined && !needsContext
      ? undefined
      : {
          now: own.now,
          url: verifier.needsUrl ? urlOf(publicUrl, request, requestUrl) : undefined,
          method: verifier.needsMethod ? request.method : undefined,
        },
  )
  let body
  if (own.json !== false) {
    try {
      body = parseJson(rawBody)
    } catch {
      throw new HelperError(400, 'invalid_json', 'the body is signed but is not JSON')
    }
  }
  return { rawBody, body, result }
}

function errorResponse(status, code) {
  return new Response(JSON.stringify({ error: code }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  })
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
    ['status', 'limit', 'json', 'onError', 'publicUrl'],
    'webhookHandler',
  )
  const status = statusOption(own.status, 'webhookHandler')
  const limit = limitOption(own.limit, 'webhookHandler')
  const onError = functionOption(own.onError, 'onError', 'webhookHandler')
  const publicUrl = publicUrlOption(own.publicUrl, 'webhookHandler')
  const json = own.json

  return async function hooksigHandler(request, ...rest) {
    let webhook
    try {
      webhook = await verifyRequest(request, verifier, { limit, json, publicUrl })
    } catch (err) {
      if (onError) return onError(err, request)
      if (err instanceof VerificationError) return errorResponse(status, err.code)
      if (err instanceof HelperError) {
        if (err.status >= 500) process.emitWarning(err.message, { code: 'HOOKSIG_RAW_BODY' })
        return errorResponse(err.status, err.code)
      }
      throw err
    }
    return handler(webhook, request, ...rest)
  }
}

module.exports = { verifyRequest, webhookHandler }
