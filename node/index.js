'use strict'
// hooksig for Node.js: constant-time webhook signature verification and signing.
//
// This file is the public API. It checks argument types (a wrong type is a TypeError
// raised here), turns bodies and headers into what the native addon takes, and maps the
// addon's errors (a JS Error whose `code` is the core's stable code) to
// VerificationError / ConfigurationError. Every verification rule lives in the Rust core.

const { inspect } = require('node:util')
const native = require('./native.js')

/** The codes of errors about a request. */
const VERIFICATION_CODES = Object.freeze([
  'missing_header',
  'invalid_header',
  'timestamp_too_old',
  'timestamp_in_future',
  'signature_mismatch',
])

/** The codes of errors about a verifier's or signer's configuration. */
const CONFIGURATION_CODES = Object.freeze(['unknown_preset', 'invalid_scheme', 'invalid_secret', 'missing_param'])

const isVerificationCode = new Set(VERIFICATION_CODES)
const isConfigurationCode = new Set(CONFIGURATION_CODES)

/** The base of hooksig's errors: an Error with a stable `code`. */
class HooksigError extends Error {
  constructor(code, message) {
    super(message)
    this.code = code
  }
  get name() {
    return this.constructor.name
  }
}

/** The request does not verify: `code` says why (`signature_mismatch`, ...). */
class VerificationError extends HooksigError {}

/** The scheme, secrets, params or tolerance are wrong: `code` says which. */
class ConfigurationError extends HooksigError {}

/** Turns an error thrown by the addon into hooksig's own error class. */
function mapError(err) {
  const code = err && err.code
  if (isVerificationCode.has(code)) return new VerificationError(code, err.message)
  if (isConfigurationCode.has(code)) return new ConfigurationError(code, err.message)
  const message = `hooksig: ${err && err.message ? String(err.message).replace(/^hooksig: /, '') : String(err)}`
  // Otherwise the addon refused an argument this file should have refused first...
  if (code === 'ERR_INVALID_ARG_TYPE' || (err && err.code === 'InvalidArg')) return new TypeError(message)
  // ...or caught a panic (a bug): a plain Error that says so, never a crash.
  const internal = new Error(message)
  internal.code = code || 'ERR_HOOKSIG_INTERNAL'
  return internal
}

function describe(value) {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return value.constructor ? `a ${value.constructor.name}` : 'an object'
  return `a ${typeof value}`
}

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

/** Checks a number of seconds (a non-negative integer or a bigint); a Date is taken too. */
function toSeconds(value, what, allowDate) {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return value
    throw new TypeError(`hooksig: ${what} must be a non-negative integer number of seconds, not ${value}`)
  }
  if (typeof value === 'bigint') {
    if (value >= 0n && value < 1n << 64n) return value
    throw new TypeError(`hooksig: ${what} must be a non-negative integer below 2^64, not ${value}`)
  }
  if (allowDate && value instanceof Date) {
    const ms = value.getTime()
    if (Number.isFinite(ms) && ms >= 0) return Math.floor(ms / 1000)
    throw new TypeError(`hooksig: ${what} must be a valid Date after 1970`)
  }
  throw new TypeError(
    `hooksig: ${what} must be ${allowDate ? 'a Date, ' : ''}a number or a bigint of Unix seconds, not ${describe(value)}`,
  )
}

function checkOptions(options, allowed, where) {
  if (options === undefined || options === null) return {}
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`hooksig: ${where} options must be an object, not ${describe(options)}`)
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`hooksig: unknown ${where} option ${JSON.stringify(key)} (expected ${allowed.join(', ')})`)
    }
  }
  return options
}

const CONFIG_OPTIONS = ['secret', 'secrets', 'params', 'tolerance']

/** Turns (scheme, options) into the addon's constructor arguments. */
function configArgs(scheme, options, where) {
  let preset
  let schemeJson
  if (typeof scheme === 'string') {
    preset = scheme // the core tells a preset name from a scheme's JSON text
  } else if (scheme !== null && typeof scheme === 'object' && !Array.isArray(scheme)) {
    schemeJson = JSON.stringify(scheme)
  } else {
    throw new TypeError(
      `hooksig: ${where} takes a preset name, a scheme object or a scheme JSON string, not ${describe(scheme)}`,
    )
  }
  const opts = checkOptions(options, CONFIG_OPTIONS, where)
  if (opts.secret !== undefined && opts.secrets !== undefined) {
    throw new TypeError(`hooksig: give ${where} either \`secret\` or \`secrets\`, not both`)
  }
  let list = []
  if (opts.secret !== undefined) list = [opts.secret]
  else if (opts.secrets !== undefined) {
    if (!Array.isArray(opts.secrets)) {
      throw new TypeError(`hooksig: secrets must be an array of strings or Uint8Arrays, not ${describe(opts.secrets)}`)
    }
    list = opts.secrets
  }
  const owned = []
  const secrets = list.map((secret) => {
    if (typeof secret === 'string') {
      const bytes = Buffer.from(secret, 'utf8')
      owned.push(bytes)
      return bytes
    }
    if (secret instanceof Uint8Array) return secret
    throw new TypeError(`hooksig: a secret must be a string or a Uint8Array, not ${describe(secret)}`)
  })
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
  const toleranceGiven = 'tolerance' in opts && opts.tolerance !== undefined
  const tolerance =
    toleranceGiven && opts.tolerance !== null ? toSeconds(opts.tolerance, 'tolerance', false) : undefined
  return { args: [preset, schemeJson, secrets, params, toleranceGiven, tolerance], owned }
}

/** Builds a native object, wiping the secret bytes this file made once the addon has copied them. */
function build(NativeClass, scheme, options, where) {
  const { args, owned } = configArgs(scheme, options, where)
  try {
    return new NativeClass(...args)
  } catch (err) {
    throw mapError(err)
  } finally {
    for (const bytes of owned) bytes.fill(0)
  }
}

const NOW_OPTIONS = ['now']

function nowOf(options) {
  if (options === undefined) return undefined
  const opts = checkOptions(options, NOW_OPTIONS, 'verify')
  return opts.now === undefined || opts.now === null ? undefined : toSeconds(opts.now, 'now', true)
}

/**
 * Verifies webhook requests for one scheme under one or more secrets.
 * Build it once at startup; it is immutable and cheap to call.
 */
class Verifier {
  constructor(scheme, options) {
    const inner = build(native.NativeVerifier, scheme, options, 'Verifier')
    // The hot path: native functions bound to this verifier, (body, now, out, ...headers).
    const [verify, isValid] = inner.hotFunctions()
    this.#native = inner
    this.#verify = verify
    this.#isValid = isValid
  }

  // Private fields: in-object and invisible to inspect, JSON and enumeration.
  #native
  #verify
  #isValid
  // The addon writes [secretIndex, timestamp or NaN] here: cheaper than a native object.
  #out = new Float64Array(2)

  /** Verifies a request; returns what it established or throws VerificationError. */
  verify(body, headers, options) {
    const bytes = body instanceof Uint8Array ? body : toBytes(body)
    const flat = flattenHeaders(headers)
    const now = options === undefined ? undefined : nowOf(options)
    const out = this.#out
    let id
    try {
      id = this.#verify(bytes, now, out, ...flat)
    } catch (err) {
      throw mapError(err)
    }
    const timestamp = out[1]
    return {
      timestamp: timestamp === timestamp ? timestamp : null,
      id: id === undefined ? null : id,
      secretIndex: out[0],
    }
  }

  /** Returns whether a request verifies (a bad request is `false`; a wrong argument type still throws). */
  isValid(body, headers, options) {
    const bytes = body instanceof Uint8Array ? body : toBytes(body)
    const flat = flattenHeaders(headers)
    const now = options === undefined ? undefined : nowOf(options)
    try {
      return this.#isValid(bytes, now, this.#out, ...flat)
    } catch (err) {
      throw mapError(err)
    }
  }

  /** The scheme in force, as a plain object (the JSON form of DESIGN.md). */
  get scheme() {
    return JSON.parse(this.#native.schemeJson())
  }

  /** The replay window in force, in seconds, or null for none. */
  get tolerance() {
    return this.#native.tolerance()
  }

  /** How many secrets are accepted. */
  get secretCount() {
    return this.#native.secretCount()
  }

  [inspect.custom]() {
    return `Verifier { signatureHeader: ${JSON.stringify(this.scheme.signature_header)}, secrets: ${this.secretCount}, tolerance: ${this.tolerance} }`
  }

  toJSON() {
    return { scheme: this.scheme, secrets: this.secretCount, tolerance: this.tolerance }
  }
}

const SIGN_OPTIONS = ['timestamp', 'id']

/** Produces the signature headers a provider would send (for tests and for senders). */
class Signer {
  constructor(scheme, options) {
    Object.defineProperty(this, '_native', { value: build(native.NativeSigner, scheme, options, 'Signer') })
  }

  /**
   * Signs a body; returns the headers to send as an object `{ name: value }`.
   * `timestamp` defaults to now; `id`, where the scheme has one, to a random `msg_` id.
   */
  sign(body, options) {
    const bytes = toBytes(body)
    const opts = checkOptions(options, SIGN_OPTIONS, 'sign')
    const timestamp =
      opts.timestamp === undefined || opts.timestamp === null ? undefined : toSeconds(opts.timestamp, 'timestamp', true)
    if (opts.id !== undefined && opts.id !== null && typeof opts.id !== 'string') {
      throw new TypeError(`hooksig: id must be a string, not ${describe(opts.id)}`)
    }
    let flat
    try {
      flat = this._native.sign(bytes, timestamp, opts.id === null ? undefined : opts.id)
    } catch (err) {
      throw mapError(err)
    }
    const headers = {}
    for (let i = 0; i < flat.length; i += 2) headers[flat[i]] = flat[i + 1]
    return headers
  }

  /** The scheme in force, as a plain object. */
  get scheme() {
    return JSON.parse(this._native.schemeJson())
  }

  [inspect.custom]() {
    return `Signer { signatureHeader: ${JSON.stringify(this.scheme.signature_header)} }`
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
  VERIFICATION_CODES,
  CONFIGURATION_CODES,
  presets,
  presetScheme,
  // For the framework helpers in this package; not part of the documented API.
  _internal: { toBytes, flattenHeaders, mapError },
}
