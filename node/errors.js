'use strict'
// hooksig's errors, derived from the core's one table of codes (hooksig::CODES, read from
// the addon when the package loads): each code has a kind, and the kind picks the class.
// Also how argument TypeErrors name what they got (describe, checkOptions), for index.js and
// replay.js. Not part of the documented API; index.js exports the classes and the code lists.

const native = require('./native.js')

/** The core's table: `{ name, kind, number, summary }`, in the order of their numbers. */
const CODES = Object.freeze(native.codes().map((code) => Object.freeze({ ...code })))
const byName = new Map(CODES.map((code) => [code.name, code]))
const byNumber = new Map(CODES.map((code) => [code.number, code]))

/** The codes of errors about a request. */
const VERIFICATION_CODES = Object.freeze(CODES.filter((c) => c.kind === 'verification').map((c) => c.name))

/** The codes of errors about a verifier's or signer's configuration. */
const CONFIGURATION_CODES = Object.freeze(CODES.filter((c) => c.kind === 'configuration').map((c) => c.name))

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

/** The scheme, secrets, keys, params or request context are wrong: `code` says which. */
class ConfigurationError extends HooksigError {}

/**
 * The one rule: a core code becomes the class of its kind. A kind this file does not know
 * (a newer core) is still a HooksigError with its code.
 */
function coreError(code, message) {
  const kind = code.kind
  if (kind === 'verification') return new VerificationError(code.name, message)
  if (kind === 'configuration') return new ConfigurationError(code.name, message)
  return new HooksigError(code.name, message)
}

/** The error of a code number reported by the fast path (node/fast.js). */
function errorOfNumber(number, message) {
  const code = byNumber.get(number)
  if (code !== undefined) return coreError(code, message)
  return internalError(`hooksig: the addon reported an unknown error number ${number}: ${message}`)
}

function internalError(message, code = 'ERR_HOOKSIG_INTERNAL') {
  const err = new Error(message)
  err.code = code
  return err
}

/** Turns an error thrown by the addon into hooksig's own error class. */
function mapError(err) {
  const code = err && err.code
  const known = byName.get(code)
  if (known !== undefined) return coreError(known, err.message)
  const message = `hooksig: ${err && err.message ? String(err.message).replace(/^hooksig: /, '') : String(err)}`
  // Otherwise the addon refused an argument the JS layer should have refused first...
  if (code === 'ERR_INVALID_ARG_TYPE' || code === 'InvalidArg') return new TypeError(message)
  // ...or caught a panic (a bug): a plain Error that says so, never a crash.
  return internalError(message, code || 'ERR_HOOKSIG_INTERNAL')
}

/** How a wrong argument is named in a TypeError: `null`, `an array`, `a Map`, `a number`, ... */
function describe(value) {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return value.constructor ? `a ${value.constructor.name}` : 'an object'
  return `a ${typeof value}`
}

/** Returns `options` (or {} for none) after refusing a non-object and any key not in `allowed`. */
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

module.exports = {
  describe,
  checkOptions,
  CODES,
  VERIFICATION_CODES,
  CONFIGURATION_CODES,
  HooksigError,
  VerificationError,
  ConfigurationError,
  errorOfNumber,
  mapError,
}
