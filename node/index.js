'use strict'
// hooksig for Node.js: constant-time webhook signature verification and signing.
//
// This file is the public API and its plain path: it checks arguments (a wrong type is a
// TypeError, a value out of range a RangeError, raised here), converts the body and the
// headers into what the native addon takes, calls it, and maps its errors by the core's
// table of codes (errors.js). Every verification rule lives in the Rust core. The speed
// tricks of the per-request path are in fast.js, which declines whenever the plain path
// must answer.

const { inspect } = require('node:util')
const native = require('./native.js')
const {
  VERIFICATION_CODES,
  CONFIGURATION_CODES,
  HooksigError,
  VerificationError,
  ConfigurationError,
  mapError,
  describe,
  checkOptions,
} = require('./errors.js')
const { FastPath, PLAIN } = require('./fast.js')
const { Verified, setKey, sameDelivery, nowAgain } = require('./verified.js')
const { Reply } = require('./reply.js')
const { MemoryReplayStore, RedisReplayStore, ReplayStoreError } = require('./replay.js')

/** Stands in for the fast path where the runtime refuses it (no external ArrayBuffers). */
const NO_FAST_PATH = Object.freeze({ read: () => PLAIN })

/** Returns the body as a Uint8Array over the same memory (a string becomes its UTF-8 bytes). */
function toBytes(body, what = 'body') {
  if (body instanceof Uint8Array) return body
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
  if (body instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && body instanceof SharedArrayBuffer)) {
    return new Uint8Array(body)
  }
  throw new TypeError(
    `hooksig: ${what} must be a Buffer, Uint8Array or string (the raw request bytes), not ${describe(body)}`,
  )
}

function isHeaderAtom(value) {
  return typeof value === 'string' || value instanceof Uint8Array
}

function headerError(name, value) {
  return new TypeError(
    `hooksig: header ${JSON.stringify(String(name))} must be a string, an array of strings or a Uint8Array, not ${describe(value)}`,
  )
}

/** Appends one header (whose value may be a string[] as in IncomingHttpHeaders) to `flat`. */
function pushHeader(flat, name, value) {
  if (!isHeaderAtom(name)) {
    throw new TypeError(`hooksig: a header name must be a string or a Uint8Array, not ${describe(name)}`)
  }
  if (isHeaderAtom(value)) {
    flat.push(name, value)
  } else if (Array.isArray(value)) {
    for (const item of value) {
      if (!isHeaderAtom(item)) throw headerError(name, item)
      flat.push(name, item)
    }
  } else if (value !== undefined) {
    throw headerError(name, value)
  }
}

const HeadersClass = typeof Headers === 'function' ? Headers : undefined

/**
 * Flattens headers into `[name, value, name, value, ...]`, every value kept (repeats too):
 * the core decides what a repeat or an odd value means.
 */
function flattenHeaders(headers) {
  if (headers === null || typeof headers !== 'object') {
    throw new TypeError(
      `hooksig: headers must be an object, a Headers, a Map or an array of [name, value] pairs, not ${describe(headers)}`,
    )
  }
  const flat = []
  const proto = Object.getPrototypeOf(headers)
  if (proto === Object.prototype || proto === null) {
    // A plain object such as IncomingHttpHeaders: the common case, first.
    const names = Object.keys(headers)
    for (let i = 0; i < names.length; i++) {
      const name = names[i]
      const value = headers[name]
      if (typeof value === 'string') flat.push(name, value)
      else pushHeader(flat, name, value)
    }
    return flat
  }
  if (Array.isArray(headers)) {
    if (headers.length > 0 && !Array.isArray(headers[0])) {
      // Node's `req.rawHeaders`: already flat.
      if (headers.length % 2 !== 0) {
        throw new TypeError('hooksig: a flat headers array (like req.rawHeaders) must hold name, value pairs')
      }
      for (let i = 0; i < headers.length; i += 2) {
        if (!isHeaderAtom(headers[i + 1])) throw headerError(headers[i], headers[i + 1])
        pushHeader(flat, headers[i], headers[i + 1])
      }
      return flat
    }
    for (const pair of headers) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TypeError(`hooksig: each header pair must be a [name, value] array, not ${describe(pair)}`)
      }
      pushHeader(flat, pair[0], pair[1])
    }
    return flat
  }
  if (headers instanceof Map || (HeadersClass !== undefined && headers instanceof HeadersClass)) {
    for (const [name, value] of headers) pushHeader(flat, name, value)
    return flat
  }
  if (typeof headers.entries === 'function' && typeof headers.get === 'function' && typeof headers.has === 'function') {
    // A Headers from another realm or polyfill (undici, node-fetch).
    for (const [name, value] of headers.entries()) pushHeader(flat, name, value)
    return flat
  }
  const names = Object.keys(headers)
  for (let i = 0; i < names.length; i++) {
    const name = names[i]
    const value = headers[name]
    if (typeof value === 'string') flat.push(name, value)
    else pushHeader(flat, name, value)
  }
  return flat
}

/**
 * Checks a number of seconds (a non-negative integer number or bigint; a Date where
 * `allowDate`): a TypeError for another type, a RangeError for a value out of range.
 */
function toSeconds(value, what, allowDate) {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return value
    throw new RangeError(`hooksig: ${what} must be a non-negative integer number of seconds, not ${value}`)
  }
  if (typeof value === 'bigint') {
    if (value >= 0n && value < 1n << 64n) return value
    throw new RangeError(`hooksig: ${what} must be a non-negative integer below 2^64, not ${value}`)
  }
  if (allowDate && value instanceof Date) {
    const ms = value.getTime()
    if (Number.isFinite(ms) && ms >= 0) return Math.floor(ms / 1000)
    throw new RangeError(`hooksig: ${what} must be a valid Date after 1970`)
  }
  throw new TypeError(
    `hooksig: ${what} must be ${allowDate ? 'a Date, ' : ''}a number or a bigint of Unix seconds, not ${describe(value)}`,
  )
}

/** The options of `new Verifier(scheme, options)`. */
const VERIFIER_OPTIONS = [
  'secret',
  'secrets',
  'publicKey',
  'publicKeys',
  'params',
  'tolerance',
  'namespace',
  'replayTtl',
]
/** The options of `new Signer(scheme, options)`. */
const SIGNER_OPTIONS = ['secret', 'secrets', 'privateKey', 'params', 'tolerance']

/** A list from `one`/`many` options (`secret`/`secrets`, `publicKey`/`publicKeys`). */
function listOption(opts, one, many, what, where) {
  if (opts[one] !== undefined && opts[many] !== undefined) {
    throw new TypeError(`hooksig: give ${where} either \`${one}\` or \`${many}\`, not both`)
  }
  if (opts[one] !== undefined) return [opts[one]]
  if (opts[many] === undefined) return []
  if (!Array.isArray(opts[many])) {
    throw new TypeError(`hooksig: ${many} must be an array of strings or Uint8Arrays, not ${describe(opts[many])}`)
  }
  return opts[many]
}

/** A secret or key as bytes: a string is its UTF-8 text; copies made here go in `owned`. */
function keyBytes(value, what, owned) {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8')
    if (owned) owned.push(bytes)
    return bytes
  }
  if (value instanceof Uint8Array) return value
  throw new TypeError(`hooksig: ${what} must be a string or a Uint8Array, not ${describe(value)}`)
}

/** Turns (scheme, options) into the addon's ConfigArgs; `owned` collects secret copies to wipe. */
function configArgs(scheme, options, allowed, where, owned) {
  let text
  if (typeof scheme === 'string') {
    text = scheme // the core tells a preset name from a scheme's JSON text
  } else if (scheme !== null && typeof scheme === 'object' && !Array.isArray(scheme)) {
    text = JSON.stringify(scheme)
  } else {
    throw new TypeError(
      `hooksig: ${where} takes a preset name, a scheme object or a scheme JSON string, not ${describe(scheme)}`,
    )
  }
  const opts = checkOptions(options, allowed, where)
  const secrets = listOption(opts, 'secret', 'secrets', 'a secret', where).map((s) => keyBytes(s, 'a secret', owned))
  const publicKeys = listOption(opts, 'publicKey', 'publicKeys', 'a public key', where).map((k) =>
    keyBytes(k, 'a public key', undefined),
  )
  const privateKey =
    opts.privateKey === undefined || opts.privateKey === null
      ? undefined
      : keyBytes(opts.privateKey, 'privateKey', owned)
  let params
  if (opts.params !== undefined && opts.params !== null) {
    if (typeof opts.params !== 'object' || Array.isArray(opts.params)) {
      throw new TypeError(`hooksig: params must be an object of strings, not ${describe(opts.params)}`)
    }
    params = {}
    for (const [name, value] of Object.entries(opts.params)) {
      if (typeof value !== 'string') {
        throw new TypeError(`hooksig: param ${JSON.stringify(name)} must be a string, not ${describe(value)}`)
      }
      params[name] = value
    }
  }
  const toleranceGiven = opts.tolerance !== undefined
  const tolerance =
    toleranceGiven && opts.tolerance !== null ? toSeconds(opts.tolerance, 'tolerance', false) : undefined
  let namespace
  if (opts.namespace !== undefined && opts.namespace !== null) {
    if (typeof opts.namespace !== 'string') {
      throw new TypeError(`hooksig: namespace must be a string, not ${describe(opts.namespace)}`)
    }
    // As Python, Ruby and the C ABI refuse them: an empty namespace starts every key with
    // ':', and a claim that lives 0 s protects nothing.
    if (opts.namespace === '') throw new RangeError('hooksig: namespace must not be empty: it starts every replay key')
    namespace = opts.namespace
  }
  const replayTtl =
    opts.replayTtl === undefined || opts.replayTtl === null ? undefined : toSeconds(opts.replayTtl, 'replayTtl', false)
  if (replayTtl === 0 || replayTtl === 0n) {
    throw new RangeError('hooksig: replayTtl must be at least 1 second: a claim that lives 0 s protects nothing')
  }
  return { scheme: text, secrets, publicKeys, privateKey, params, toleranceGiven, tolerance, namespace, replayTtl }
}

/** Builds a native object, wiping the secret bytes this file made once the addon has copied them. */
function build(NativeClass, scheme, options, allowed, where) {
  const owned = []
  try {
    const args = configArgs(scheme, options, allowed, where, owned)
    return new NativeClass(args)
  } catch (err) {
    throw err instanceof TypeError || err instanceof RangeError ? err : mapError(err)
  } finally {
    for (const bytes of owned) bytes.fill(0)
  }
}

/** A URL or method for the core: a string (a byte string as Node gives it) or bytes. */
function contextBytes(value, what) {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string' || value instanceof Uint8Array) return value
  throw new TypeError(`hooksig: ${what} must be a string or a Uint8Array, not ${describe(value)}`)
}

const VERIFY_OPTIONS = ['now', 'url', 'method']

/** Stands in for the fast path's `replayTtl` and `keyOf` on the plain path (set per verifier). */
class PlainKeyer {
  constructor(verifier, replayTtl) {
    this.verifier = verifier
    this.replayTtl = replayTtl
  }

  keyOf(verified, bytes, flat, now, url, method) {
    let again
    try {
      again = keyedPlain(this.verifier, bytes, flat, nowAgain(verified, now), url, method)
    } catch {
      again = null
    }
    return sameDelivery(verified, again)
  }
}

/** The request context of a verify call: `{ now, url, method }`, checked. */
function contextOf(options) {
  const opts = checkOptions(options, VERIFY_OPTIONS, 'verify')
  return {
    now: opts.now === undefined || opts.now === null ? undefined : toSeconds(opts.now, 'now', true),
    url: contextBytes(opts.url, 'url'),
    method: contextBytes(opts.method, 'method'),
  }
}

const NO_CONTEXT = Object.freeze({ now: undefined, url: undefined, method: undefined })

/** The plain path alone, for the tests that hold it to the same answers (set below). */
let plainVerify
/** The plain path with the replay key made (set below). */
let keyedPlain
/** verify with the replay key made in the same call, for the helpers given a replay store (set below). */
let verifyKeyed

/**
 * Verifies webhook requests for one scheme under its secrets or public keys.
 * Build it once at startup; it is immutable and cheap to call.
 */
class Verifier {
  constructor(scheme, options) {
    this.#native = build(native.NativeVerifier, scheme, options, VERIFIER_OPTIONS, 'Verifier')
    this.#keyer = new PlainKeyer(this, this.#native.replayTtl())
    try {
      this.#fast = new FastPath(this.#native)
    } catch {
      this.#fast = NO_FAST_PATH
    }
    this.#handshakes = this.#native.hasHandshake()
    // A token scheme signs nothing: its replay key is the body's hash, which verifying again
    // cannot check, so it is made at verify (while the body is as verified). The core says which.
    this.#eagerKey = this.#native.replayKeyReadsBody()
  }

  // Private fields: in-object and invisible to inspect, JSON and enumeration.
  #native
  #fast
  #keyer
  #handshakes
  #eagerKey

  static {
    plainVerify = (verifier, body, headers, options) => {
      const { now, url, method } = options === undefined ? NO_CONTEXT : contextOf(options)
      return verifier.#plainVerify(toBytes(body), headers, now, url, method)
    }
    keyedPlain = (verifier, bytes, flat, now, url, method) => verifier.#callNative(bytes, flat, now, url, method, true)
    verifyKeyed = (verifier, body, headers, options) => {
      const bytes = body instanceof Uint8Array ? body : toBytes(body)
      const { now, url, method } = options === undefined ? NO_CONTEXT : contextOf(options)
      const values = verifier.#fast.read(headers)
      if (values !== PLAIN) return verifier.#fast.verifyKeyed(bytes, values, now, url, method)
      return verifier.#callNative(bytes, flattenHeaders(headers), now, url, method, true)
    }
  }

  /** Verifies a request; returns what it established or throws VerificationError. */
  verify(body, headers, options) {
    if (this.#eagerKey) return verifyKeyed(this, body, headers, options)
    const bytes = body instanceof Uint8Array ? body : toBytes(body)
    const { now, url, method } = options === undefined ? NO_CONTEXT : contextOf(options)
    const values = this.#fast.read(headers)
    if (values !== PLAIN) return this.#fast.verify(bytes, values, now, url, method)
    return this.#plainVerify(bytes, headers, now, url, method)
  }

  /**
   * Returns whether a request verifies. A bad request is `false`; a wrong argument, or a
   * missing URL or method for a scheme that signs them (ConfigurationError), still throws.
   */
  isValid(body, headers, options) {
    const bytes = body instanceof Uint8Array ? body : toBytes(body)
    const { now, url, method } = options === undefined ? NO_CONTEXT : contextOf(options)
    const values = this.#fast.read(headers)
    if (values !== PLAIN) return this.#fast.isValid(bytes, values, now, url, method)
    try {
      this.#plainVerify(bytes, headers, now, url, method)
      return true
    } catch (err) {
      if (err instanceof VerificationError) return false
      throw err
    }
  }

  /** The plain path: every header converted and passed on; the core judges them all. */
  #plainVerify(bytes, headers, now, url, method) {
    return this.#callNative(bytes, flattenHeaders(headers), now, url, method, this.#eagerKey)
  }

  /** Calls the plain native verify with the flat headers; `keyed`: the replay key made too. */
  #callNative(bytes, flat, now, url, method, keyed) {
    let verified
    try {
      verified = this.#native.verify(bytes, flat, now, url, method, keyed)
    } catch (err) {
      throw mapError(err)
    }
    const result = new Verified(
      verified.timestamp === undefined ? null : verified.timestamp,
      verified.id === undefined ? null : verified.id,
      undefined,
      verified.idBytes === undefined ? null : verified.idBytes,
      verified.secretIndex,
      this.#keyer,
      bytes,
      flat,
      now,
      url,
      method,
    )
    if (keyed) setKey(result, verified.replayKey)
    return result
  }

  /**
   * Answers a provider's handshake (Slack, Zoom, Twitch, Discord, Meta, Dropbox, Asana,
   * Okta), or returns null for any other request, which is then verified as usual. A signed
   * handshake is verified first and throws VerificationError as verify does. The GET ones
   * (Meta, Dropbox, Okta) are told by the request's `method` and `url` (its query).
   */
  handshake(body, headers, options) {
    const bytes = body instanceof Uint8Array ? body : toBytes(body)
    const { now, url, method } = options === undefined ? NO_CONTEXT : contextOf(options)
    if (!this.#handshakes) {
      flattenHeaders(headers) // the same argument checks either way
      return null
    }
    // Only the headers the core reads (handshake ones included) cross the boundary, when the
    // fast path can read them; otherwise every header.
    const values = this.#fast.read(headers)
    let flat
    if (values !== PLAIN) {
      flat = []
      const names = this.#fast.names
      for (let i = 0; i < values.length; i++) if (values[i] !== undefined) flat.push(names[i], values[i])
    } else {
      flat = flattenHeaders(headers)
    }
    let reply
    try {
      reply = this.#native.handshake(bytes, flat, now, url, method)
    } catch (err) {
      throw mapError(err)
    }
    return reply === null || reply === undefined ? null : new Reply(reply)
  }

  /** Whether the scheme has a handshake (`handshake` can answer anything but null). */
  get hasHandshake() {
    return this.#handshakes
  }

  /** The start of every replay key: the preset's name unless `namespace` was given. */
  get namespace() {
    return this.#native.namespace()
  }

  /** How long a claim of a verified delivery lives, in seconds. */
  get replayTtl() {
    return this.#keyer.replayTtl
  }

  /** The scheme in force, as a plain object (the JSON form of DESIGN.md). */
  get scheme() {
    return JSON.parse(this.#native.schemeJson())
  }

  /** The replay window in force, in seconds, or null for none. */
  get tolerance() {
    return this.#native.tolerance()
  }

  /** How many keys are accepted: secrets, then public keys (`secretIndex` counts in this order). */
  get secretCount() {
    return this.#native.secretCount()
  }

  /** The names of the headers verify reads (every other header is ignored). */
  get headerNames() {
    return this.#native.headerNames()
  }

  /** Whether verify needs the request's URL (`{ url }`): the scheme signs it. */
  get needsUrl() {
    return this.#native.needsUrl()
  }

  /** Whether verify needs the request's method (`{ method }`): the scheme signs it. */
  get needsMethod() {
    return this.#native.needsMethod()
  }

  [inspect.custom]() {
    return `Verifier { headers: ${JSON.stringify(this.headerNames)}, keys: ${this.secretCount}, tolerance: ${this.tolerance} }`
  }

  toJSON() {
    return { scheme: this.scheme, keys: this.secretCount, tolerance: this.tolerance }
  }
}

const SIGN_OPTIONS = ['timestamp', 'id', 'url', 'method']

/** Produces the signature headers a provider would send (for tests and for senders). */
class Signer {
  constructor(scheme, options) {
    this.#native = build(native.NativeSigner, scheme, options, SIGNER_OPTIONS, 'Signer')
  }

  #native

  /**
   * Signs a body; returns the headers to send as an object `{ name: value }`.
   * `timestamp` defaults to now; `id`, where the scheme has one, to a random `msg_` id;
   * `url` and `method` are the request's, for schemes that sign them.
   */
  sign(body, options) {
    const bytes = toBytes(body)
    const opts = checkOptions(options, SIGN_OPTIONS, 'sign')
    const timestamp =
      opts.timestamp === undefined || opts.timestamp === null ? undefined : toSeconds(opts.timestamp, 'timestamp', true)
    if (opts.id !== undefined && opts.id !== null && typeof opts.id !== 'string') {
      throw new TypeError(`hooksig: id must be a string, not ${describe(opts.id)}`)
    }
    const url = contextBytes(opts.url, 'url')
    const method = contextBytes(opts.method, 'method')
    let flat
    try {
      flat = this.#native.sign(bytes, timestamp, opts.id === null ? undefined : opts.id, url, method)
    } catch (err) {
      throw mapError(err)
    }
    const headers = {}
    for (let i = 0; i < flat.length; i += 2) headers[flat[i]] = flat[i + 1]
    return headers
  }

  /** The scheme in force, as a plain object. */
  get scheme() {
    return JSON.parse(this.#native.schemeJson())
  }

  [inspect.custom]() {
    return `Signer { scheme: ${JSON.stringify(this.scheme.signature_header || this.scheme.signature_headers)} }`
  }

  toJSON() {
    return { scheme: this.scheme }
  }
}

/** Every preset: `{ name, summary }`, in alphabetical order. */
const presets = Object.freeze(
  (() => {
    const flat = native.presets()
    const list = []
    for (let i = 0; i < flat.length; i += 2) list.push(Object.freeze({ name: flat[i], summary: flat[i + 1] }))
    return list
  })(),
)

/** Returns a preset's scheme as a plain object (throws ConfigurationError `unknown_preset`). */
function presetScheme(name) {
  if (typeof name !== 'string') throw new TypeError(`hooksig: a preset name must be a string, not ${describe(name)}`)
  try {
    return JSON.parse(native.presetJson(name))
  } catch (err) {
    throw mapError(err)
  }
}

module.exports = {
  Verifier,
  Signer,
  HooksigError,
  VerificationError,
  ConfigurationError,
  Reply,
  MemoryReplayStore,
  RedisReplayStore,
  ReplayStoreError,
  VERIFICATION_CODES,
  CONFIGURATION_CODES,
  presets,
  presetScheme,
  // For the framework helpers and tests of this package; not part of the documented API.
  _internal: { toBytes, flattenHeaders, mapError, plainVerify, verifyKeyed, VERIFIER_OPTIONS },
}
