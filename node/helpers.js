'use strict'
// What the Express and fetch helpers share: building the verifier from their arguments,
// the default failure answer, handshakes' secrets and replay protection. Not part of the
// documented API.

const { Verifier, VerificationError, Reply, _internal } = require('./index.js')
const { quietly } = require('./fast.js')

/** The options of `new Verifier(scheme, options)`, which the helpers pass on to it. */
const CONFIG_KEYS = _internal.VERIFIER_OPTIONS

/** The options of both helpers' handler forms (Express's webhook, fetch's webhookHandler). */
const HANDLER_KEYS = [
  'status',
  'limit',
  'json',
  'onError',
  'publicUrl',
  'onSecret',
  'replay',
  'onStoreError',
  'duplicateStatus',
  'duplicateBody',
]

/** Splits `options` into the verifier's config and the helper's own options. */
function verifierFrom(schemeOrVerifier, options, helperKeys, where) {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw new TypeError(`hooksig: ${where} options must be an object`)
  }
  const config = {}
  const own = {}
  for (const [key, value] of Object.entries(options || {})) {
    if (CONFIG_KEYS.includes(key)) config[key] = value
    else if (helperKeys.includes(key)) own[key] = value
    else {
      throw new TypeError(
        `hooksig: unknown ${where} option ${JSON.stringify(key)} (expected ${[...CONFIG_KEYS, ...helperKeys].join(', ')})`,
      )
    }
  }
  if (schemeOrVerifier instanceof Verifier) {
    if (Object.keys(config).length > 0) {
      throw new TypeError(`hooksig: ${where} got a Verifier and config options; put the config in the Verifier`)
    }
    return { verifier: schemeOrVerifier, own }
  }
  return { verifier: new Verifier(schemeOrVerifier, config), own }
}

/** Checks the `status` option: an HTTP error status. */
function statusOption(status, where) {
  if (status === undefined) return 403
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new TypeError(`hooksig: ${where} option status must be an HTTP error status (400-599), not ${status}`)
  }
  return status
}

/** Checks the `limit` option: the largest body read, in bytes (default 1 MiB). */
function limitOption(limit, where) {
  if (limit === undefined) return 1024 * 1024
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new TypeError(`hooksig: ${where} option limit must be a non-negative integer of bytes, not ${limit}`)
  }
  return limit
}

/** Checks the `json` option: whether to parse the body as JSON (default true). */
function jsonOption(json, where) {
  if (json === undefined) return true
  if (typeof json !== 'boolean') throw new TypeError(`hooksig: ${where} option json must be a boolean`)
  return json
}

function functionOption(fn, name, where) {
  if (fn !== undefined && typeof fn !== 'function') {
    throw new TypeError(`hooksig: ${where} option ${name} must be a function`)
  }
  return fn
}

/**
 * Checks the `publicUrl` option: the URL the provider calls, for schemes that sign it,
 * when the server sees another (behind a proxy). A string is used as it is; a function
 * gets the request and returns the URL.
 */
function publicUrlOption(publicUrl, where) {
  if (publicUrl === undefined || typeof publicUrl === 'string' || typeof publicUrl === 'function') return publicUrl
  throw new TypeError(`hooksig: ${where} option publicUrl must be a string or a function of the request`)
}

/** The URL to verify with: `publicUrl` (a string, or a function of the request), or `own()`. */
function urlOf(publicUrl, request, own) {
  if (publicUrl === undefined) return own(request)
  const url = typeof publicUrl === 'string' ? publicUrl : publicUrl(request)
  if (typeof url !== 'string') throw new TypeError('hooksig: the publicUrl function must return a string')
  return url
}

/**
 * A Content-Length value as a number of bytes: digits only, after trimming spaces and
 * tabs; anything else (`1e6`, `0x10`, `+5`, empty, two numbers) is not a length
 * (undefined), and the body's bytes are counted instead.
 */
function declaredLength(value) {
  if (typeof value !== 'string') return undefined
  const digits = value.replace(/^[ \t]+|[ \t]+$/g, '')
  return /^[0-9]+$/.test(digits) ? Number(digits) : undefined
}

/** Parses the raw body as JSON; `undefined` for an empty body. Throws 400 `invalid_json` on bad JSON. */
function parseJson(raw) {
  if (raw.length === 0) return undefined
  try {
    return JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'))
  } catch {
    throw new HelperError(400, 'invalid_json', 'the body is signed but is not JSON')
  }
}

/**
 * A failure the helper answers itself: a status and a stable code for `{"error": code}`.
 * `warning`: a process warning code, for a failure that is the app's set-up, not the
 * request's, so that its owner hears of it.
 */
class HelperError extends Error {
  constructor(status, code, message, warning) {
    super(message)
    this.status = status
    this.code = code
    if (warning !== undefined) this.warning = warning
  }
}

function tooLarge(limit) {
  return new HelperError(413, 'body_too_large', `the body is larger than the ${limit}-byte limit`)
}

function storeUnavailable() {
  return new HelperError(503, 'replay_store_unavailable', 'the replay store cannot be reached')
}

/**
 * What a helper answers a failure, `[status, code]` for `{"error": code}`: `status` for a
 * VerificationError, its own for a HelperError (whose warning, a failure of the app's set-up
 * rather than the request's, is emitted where its owner looks); null for anything else,
 * which the helper passes on (a bug).
 */
function failureAnswer(err, status) {
  if (err instanceof VerificationError) return [status, err.code]
  if (!(err instanceof HelperError)) return null
  if (err.warning !== undefined) process.emitWarning(err.message, { code: err.warning })
  return [err.status, err.code]
}

const verifyPlain = (verifier, body, headers, options) => verifier.verify(body, headers, options)
const handshake = (verifier, body, headers, options) => verifier.handshake(body, headers, options)

/**
 * The request flow both helpers share once the raw body is read, as a function
 * `(raw, headers, request, method, now)` made when the helper is built: returns the Reply to
 * a provider's handshake (with `handshakes`), else the Verified (its replay key made in the
 * same call when `keyed`), or throws; errors are made without a stack. The request context
 * goes only to schemes that sign it: the URL is `publicUrl`, else `ownUrl(request)`.
 */
function receiver(verifier, { publicUrl, ownUrl, handshakes, keyed }) {
  const needsUrl = verifier.needsUrl
  const needsMethod = verifier.needsMethod
  const answersHandshakes = handshakes && verifier.hasHandshake
  const verify = keyed ? _internal.verifyKeyed : verifyPlain
  return (raw, headers, request, method, now) => {
    const url = needsUrl ? urlOf(publicUrl, request, ownUrl) : undefined
    if (answersHandshakes) {
      // GET handshakes read the query: the request's own URL unless the scheme signs the URL.
      const options = { now, url: needsUrl ? url : ownUrl(request), method }
      const reply = quietly(handshake, verifier, raw, headers, options)
      if (reply !== null) return reply
    }
    const context =
      now === undefined && !needsUrl && !needsMethod
        ? undefined
        : { now, url, method: needsMethod ? method : undefined }
    return quietly(verify, verifier, raw, headers, context)
  }
}

const SECRET_NOT_STORED =
  'the provider handed over a secret in its handshake (Asana: X-Hook-Secret) and no onSecret stores it: ' +
  'give the helper onSecret(secret, request), which stores it'

/**
 * What to do with a handshake's reply: resolves (or returns, when no callback runs) null to
 * send it, or the HelperError to answer instead. A reply that hands over a secret (Asana)
 * is sent only once `onSecret(secret, request)` took it: without `onSecret` the answer is
 * 500 `handshake_secret_not_stored`; when it returns (or resolves to) false, throws or
 * rejects, 403 `handshake_secret_refused`. The secret is never logged.
 */
function secretTaken(reply, onSecret, request) {
  if (reply.secret === null) return null
  if (onSecret === undefined) {
    return new HelperError(500, 'handshake_secret_not_stored', SECRET_NOT_STORED, 'HOOKSIG_HANDSHAKE_SECRET')
  }
  const refused = () => new HelperError(403, 'handshake_secret_refused', 'onSecret refused the handshake secret')
  let taken
  try {
    taken = onSecret(reply.secret, request)
  } catch {
    return refused()
  }
  if (taken !== null && typeof taken === 'object' && typeof taken.then === 'function') {
    return Promise.resolve(taken).then(
      (value) => (value === false ? refused() : null),
      () => refused(),
    )
  }
  return taken === false ? refused() : null
}

/** Checks the options of HANDLER_KEYS a helper split off with verifierFrom. */
function handlerOptions(own, where) {
  return {
    status: statusOption(own.status, where),
    limit: limitOption(own.limit, where),
    json: jsonOption(own.json, where),
    onError: functionOption(own.onError, 'onError', where),
    onSecret: functionOption(own.onSecret, 'onSecret', where),
    publicUrl: publicUrlOption(own.publicUrl, where),
    replay: replayOptions(own, where),
  }
}

/** How a claim went. */
const CLAIMED = 1
const DUPLICATE = 2
const UNAVAILABLE = 3
/** The store failed and `onStoreError: 'allow'`: the delivery goes on unclaimed. */
const ALLOWED = 4

/**
 * Checks the replay options: null without `replay`, else `{ store, allow, duplicateStatus,
 * duplicateBody }` with the duplicate answer's JSON rendered once.
 */
function replayOptions(own, where) {
  const { replay, onStoreError, duplicateStatus, duplicateBody } = own
  if (replay === undefined || replay === null) {
    for (const [name, value] of [
      ['onStoreError', onStoreError],
      ['duplicateStatus', duplicateStatus],
      ['duplicateBody', duplicateBody],
    ]) {
      if (value !== undefined) throw new TypeError(`hooksig: ${where} option ${name} needs a replay store (replay)`)
    }
    return null
  }
  if (typeof replay !== 'object' || typeof replay.claim !== 'function' || typeof replay.release !== 'function') {
    throw new TypeError(
      `hooksig: ${where} option replay must be a replay store with claim(key, ttl) and release(key) ` +
        '(a MemoryReplayStore, a RedisReplayStore, or your own)',
    )
  }
  if (onStoreError !== undefined && onStoreError !== 'fail' && onStoreError !== 'allow') {
    throw new TypeError(`hooksig: ${where} option onStoreError must be 'fail' or 'allow', not ${onStoreError}`)
  }
  if (
    duplicateStatus !== undefined &&
    !(Number.isInteger(duplicateStatus) && duplicateStatus >= 200 && duplicateStatus <= 599)
  ) {
    throw new TypeError(
      `hooksig: ${where} option duplicateStatus must be an HTTP status (200-599), not ${duplicateStatus}`,
    )
  }
  const body = JSON.stringify(duplicateBody === undefined ? { status: 'duplicate' } : duplicateBody)
  if (body === undefined) throw new TypeError(`hooksig: ${where} option duplicateBody must be a JSON value`)
  return {
    store: replay,
    allow: onStoreError === 'allow',
    duplicateStatus: duplicateStatus === undefined ? 200 : duplicateStatus,
    duplicateBody: body,
  }
}

function notBoolean() {
  return new TypeError('hooksig: a replay store claim must return a boolean, or a Promise of one')
}

/**
 * Claims a verified delivery: returns its outcome (CLAIMED, DUPLICATE, UNAVAILABLE or
 * ALLOWED) at once for a synchronous store (the memory store), else a Promise of it. A
 * store whose claim throws or rejects cannot be reached; one that answers something other
 * than a boolean is a bug of the store (a TypeError, thrown or rejected).
 */
function claim(replay, verified) {
  const failed = replay.allow ? ALLOWED : UNAVAILABLE
  let claimed
  try {
    claimed = replay.store.claim(verified.replayKey, verified.replayTtl)
  } catch {
    return failed
  }
  if (claimed === true) return CLAIMED
  if (claimed === false) return DUPLICATE
  if (claimed === null || typeof claimed !== 'object' || typeof claimed.then !== 'function') throw notBoolean()
  return Promise.resolve(claimed).then(
    (value) => {
      if (value === true) return CLAIMED
      if (value === false) return DUPLICATE
      throw notBoolean()
    },
    () => failed,
  )
}

/**
 * Releases a claim whose handler failed, so that the provider's retry is processed: returns
 * a Promise for an asynchronous store, else undefined. A release that fails leaves the claim
 * to its TTL (retries until then are answered as duplicates): a process warning says so.
 */
function release(replay, key) {
  let released
  try {
    released = replay.store.release(key)
  } catch (err) {
    warnRelease(err)
    return undefined
  }
  if (released !== null && typeof released === 'object' && typeof released.then === 'function') {
    return Promise.resolve(released).then(undefined, warnRelease)
  }
  return undefined
}

function warnRelease(err) {
  const why = err && typeof err.message === 'string' ? err.message : String(err)
  process.emitWarning(
    `hooksig: the handler failed and its delivery's replay claim could not be released (${why}); ` +
      "the provider's retries are answered as duplicates until the claim expires",
    { code: 'HOOKSIG_REPLAY_RELEASE' },
  )
}

module.exports = {
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
  limitOption,
  jsonOption,
  publicUrlOption,
  declaredLength,
  parseJson,
  HelperError,
}
