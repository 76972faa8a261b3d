'use strict'
// What the Express and fetch helpers share: building the verifier from their arguments,
// and the default failure answer. Not part of the documented API.

const { Verifier, VerificationError } = require('./index.js')

const CONFIG_KEYS = ['secret', 'secrets', 'publicKey', 'publicKeys', 'params', 'tolerance']

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

/** Parses the raw body as JSON; `undefined` for an empty body. Throws a SyntaxError on bad JSON. */
function parseJson(raw) {
  if (raw.length === 0) return undefined
  return JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'))
}

/** A failure the helper answers itself: a status and a stable code for `{"error": code}`. */
class HelperError extends Error {
  constructor(status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
}

module.exports = {
  verifierFrom,
  statusOption,
  limitOption,
  functionOption,
  publicUrlOption,
  urlOf,
  declaredLength,
  parseJson,
  HelperError,
  VerificationError,
}
