'use strict'
// hooksig/express: Express (and plain node:http) middleware that verifies a webhook on
// the raw request bytes, whatever body parser runs elsewhere in the app.
//
// Where the raw bytes come from, in order:
// 1. `req.rawBody`, when a body parser ran first with `verify: captureRawBody`
//    (e.g. `app.use(express.json({ verify: captureRawBody }))`);
// 2. `req.body`, when it is a Buffer left by `express.raw()`;
// 3. the request stream itself, when nothing has read it yet (the middleware reads it;
//    parsers that run afterwards see a finished request and skip it).
// When a parser consumed the stream and kept no copy, the bytes are gone: the middleware
// answers 500 `{"error": "raw_body_unavailable"}` and emits a process warning that says
// how to fix the app.
//
// A provider's handshake (Slack, Zoom, Twitch, Discord, Meta, Dropbox, Asana, Okta) is
// answered here and never reaches the route's handler; the GET ones (Meta, Dropbox, Okta)
// reach the middleware only where it is mounted for GET too (`app.use(path, ...)`,
// `app.all`, or `router.route(path).get(mw).post(mw, handler)`).
//
// With `replay` (a store), a verified delivery is claimed once: a duplicate answers 200
// `{"status": "duplicate"}` without calling the handler; when the handler answers 5xx (a
// throw answered by Express's error handler included) the claim is released before that
// answer leaves, so the provider's retry is processed; a store that cannot be reached
// answers 503 `{"error": "replay_store_unavailable"}` unless `onStoreError: 'allow'`.

const {
  HANDLER_KEYS,
  handlerOptions,
  CLAIMED,
  DUPLICATE,
  UNAVAILABLE,
  claim,
  release,
  secretTaken,
  failureAnswer,
  receiver,
  tooLarge,
  storeUnavailable,
  Reply,
  verifierFrom,
  declaredLength,
  parseJson,
  HelperError,
} = require('./helpers.js')

/** For a body parser's `verify` option: keeps the raw bytes on `req.rawBody`. */
function captureRawBody(req, _res, buf) {
  req.rawBody = buf
}

/** Reads the whole request stream, up to `limit` bytes. */
function readStream(req, limit) {
  return new Promise((resolve, reject) => {
    const declared = declaredLength(req.headers['content-length'])
    if (declared !== undefined && declared > limit) {
      reject(tooLarge(limit))
      req.resume()
      return
    }
    const chunks = []
    let total = 0
    let done = false
    const finish = (err, value) => {
      if (done) return
      done = true
      req.removeListener('data', onData)
      req.removeListener('end', onEnd)
      req.removeListener('error', onError)
      req.removeListener('aborted', onAborted)
      if (err) reject(err)
      else resolve(value)
    }
    const onData = (chunk) => {
      total += chunk.length
      if (total > limit) {
        finish(tooLarge(limit))
        req.resume()
        return
      }
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk)
    }
    const onEnd = () => finish(null, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total))
    const onError = (err) => finish(err)
    const onAborted = () => finish(new HelperError(400, 'request_aborted', 'the client aborted the request'))
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('aborted', onAborted)
  })
}

function isConsumed(req) {
  return Boolean(req.readableEnded || (req.complete && !req.readable) || req._body)
}

const RAW_BODY_UNAVAILABLE =
  'hooksig/express: a body parser read this request before the webhook middleware and kept no raw copy, ' +
  'so the signature cannot be checked. Mount the webhook route before the parser, or give the parser ' +
  "`verify: captureRawBody` (require('hooksig/express').captureRawBody)."

/** The raw body a parser left (captured, or express.raw()'s Buffer), or undefined. */
function rawBodyLeft(req) {
  if (Buffer.isBuffer(req.rawBody)) return req.rawBody
  if (Buffer.isBuffer(req.body) && isConsumed(req)) return req.body
  return undefined
}

const JSON_TYPE = /^application\/(?:[\w!#$%&*.^`|~-]+\+)?json[ \t]*(?:;|$)/i

/**
 * Whether `req.body` is the JSON an earlier parser made of exactly these bytes (express.json
 * with `captureRawBody`, which hands the parser's buffer over before it parses it), so it
 * need not be parsed a second time.
 */
function parsedAlready(req, raw) {
  const body = req.body
  return (
    req.rawBody === raw &&
    raw.length > 0 &&
    body !== null &&
    typeof body === 'object' &&
    !Buffer.isBuffer(body) &&
    JSON_TYPE.test(req.headers['content-type'] || '')
  )
}

/** The URL the request was made to, as Express (or node:http) sees it. */
function requestUrl(req) {
  const protocol =
    typeof req.protocol === 'string' ? req.protocol : req.socket && req.socket.encrypted ? 'https' : 'http'
  const host = typeof req.get === 'function' ? req.get('host') : req.headers.host
  return `${protocol}://${host}${typeof req.originalUrl === 'string' ? req.originalUrl : req.url}`
}

function sendError(res, status, code) {
  sendJson(res, status, JSON.stringify({ error: code }))
}

function sendJson(res, status, body) {
  if (res.headersSent) return
  res.statusCode = status
  res.setHeader('content-type', 'application/json; charset=utf-8')
  res.setHeader('content-length', Buffer.byteLength(body))
  res.end(body)
}

/** Sends a handshake's reply: its status, content type, headers and body. */
function sendReply(res, reply) {
  if (res.headersSent) return
  res.statusCode = reply.status
  res.setHeader('content-type', reply.contentType)
  for (const [name, value] of reply.headers) res.setHeader(name, value)
  res.setHeader('content-length', Buffer.byteLength(reply.body))
  res.end(reply.body)
}

/**
 * Releases the claim of `key` when the handler's answer has a 5xx status (the handler
 * failed, or threw and Express's error handler answered), before that answer leaves: its
 * writes wait for the store, so that the provider's retry, sent on seeing the 5xx, finds the
 * claim gone. (Corking the socket would not do: `res.end()` uncorks it fully.)
 */
function releaseOn5xx(res, replay, key) {
  const write = res.write
  const end = res.end
  let checked = false
  let queue = null // the writes made while the release is pending: [method, args]
  const check = () => {
    if (checked) return
    checked = true
    if (!(res.statusCode >= 500)) return
    const pending = release(replay, key)
    if (pending === undefined) return
    queue = []
    pending.then(() => {
      const waiting = queue
      queue = null
      for (const [method, args] of waiting) method.apply(res, args)
    })
  }
  res.write = function hooksigWrite(...args) {
    check()
    if (queue === null) return write.apply(this, args)
    queue.push([write, args])
    return true
  }
  res.end = function hooksigEnd(...args) {
    check()
    if (queue === null) return end.apply(this, args)
    queue.push([end, args])
    return this
  }
}

/**
 * Returns middleware that verifies the request and then calls `next()` with
 * `req.rawBody` (Buffer), `req.body` (parsed JSON, unless `json: false`) and
 * `req.webhook` (the verification result) set. A failure answers
 * `status` (403) with `{"error": code}`, or calls `onError(err, req, res, next)`.
 * For schemes that sign the URL, the request's URL is used, or `publicUrl`.
 */
function webhook(schemeOrVerifier, options) {
  const { verifier, own } = verifierFrom(schemeOrVerifier, options, HANDLER_KEYS, 'webhook middleware')
  const { status, limit, json, onError, onSecret, publicUrl, replay } = handlerOptions(own, 'webhook middleware')
  const receive = receiver(verifier, { publicUrl, ownUrl: requestUrl, handshakes: true, keyed: replay !== null })

  const fail = (err, req, res, next) => {
    if (onError) return onError(err, req, res, next)
    const answer = failureAnswer(err, status)
    if (answer === null) return next(err)
    return sendError(res, answer[0], answer[1])
  }

  /** Answers a handshake: once onSecret took a secret it hands over (Asana). */
  const answer = (reply, req, res, next) => {
    const refusal = secretTaken(reply, onSecret, req)
    if (refusal === null) return sendReply(res, reply)
    if (refusal instanceof HelperError) return fail(refusal, req, res, next)
    refusal.then(
      (err) => (err === null ? sendReply(res, reply) : fail(err, req, res, next)),
      (err) => fail(err, req, res, next),
    )
  }

  /** Claims a verified delivery, then calls the handler, or answers a duplicate or a store failure. */
  const claimed = (result, req, res, next) => {
    const proceed = (outcome) => {
      if (outcome === CLAIMED) {
        releaseOn5xx(res, replay, result.replayKey)
        return next()
      }
      if (outcome === DUPLICATE) return sendJson(res, replay.duplicateStatus, replay.duplicateBody)
      if (outcome === UNAVAILABLE) return fail(storeUnavailable(), req, res, next)
      return next() // ALLOWED: the store failed and onStoreError is 'allow'
    }
    let outcome
    try {
      outcome = claim(replay, result)
    } catch (err) {
      return next(err)
    }
    if (typeof outcome === 'number') return proceed(outcome)
    outcome.then(proceed, next)
  }

  const verified = (raw, req, res, next) => {
    let result
    try {
      // rawHeaders: every header exactly as received, repeats kept (the core judges them).
      const headers = Array.isArray(req.rawHeaders) && req.rawHeaders.length > 0 ? req.rawHeaders : req.headers
      result = receive(raw, headers, req, req.method, undefined)
    } catch (err) {
      return fail(err, req, res, next)
    }
    if (result instanceof Reply) return answer(result, req, res, next)
    const parsed = json && parsedAlready(req, raw)
    req.rawBody = raw
    req.webhook = result
    if (!json) {
      req.body = raw
    } else if (!parsed) {
      try {
        req.body = parseJson(raw)
      } catch (err) {
        return fail(err, req, res, next)
      }
    }
    if (replay !== null) return claimed(result, req, res, next)
    return next()
  }

  return function hooksigWebhook(req, res, next) {
    const left = rawBodyLeft(req)
    if (left !== undefined) return verified(left, req, res, next)
    if (isConsumed(req)) {
      return fail(
        new HelperError(500, 'raw_body_unavailable', RAW_BODY_UNAVAILABLE, 'HOOKSIG_RAW_BODY'),
        req,
        res,
        next,
      )
    }
    readStream(req, limit).then(
      (raw) => {
        // Express 4's body parsers (body-parser 1) skip a request so marked; Express 5's see it is read.
        req._body = true
        return verified(raw, req, res, next)
      },
      (err) => fail(err, req, res, next),
    )
  }
}

module.exports = { webhook, captureRawBody }
