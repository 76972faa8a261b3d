'use strict'
// The per-request fast path of Verifier.verify / isValid: every speed trick of the Node
// package is in this file and in bindings/node/src/fast.rs, each with the benchmark cell it
// wins (bench/node_bench.mjs, figures in bench/node.md). For every request the plain path
// in index.js accepts, this one gives the same answer; it declines (returns PLAIN) whenever
// it cannot be sure of that, and index.js then takes the plain path.
//
// - Read only what the scheme needs (cells x "12-header object" and x "12-header Headers"):
//   a verifier knows the names of the headers it reads (`headerNames`, from the core), so a
//   request's other headers are never converted, nor even read. Node's containers spell
//   names in lower case (`req.headers`, fetch `Headers`), so those spellings are
//   precomputed. A fetch `Headers` cannot hold two spellings of a name and is read with
//   get(); an object, a Map or an array can, so their names are all scanned (a length check
//   first, then `===` on internalized names, then a case-folded comparison that makes no
//   string), and any repeat goes to the plain path, where the core judges it.
// - An object's names are walked with for...in, which allocates nothing (an own-property
//   check on the few names that match keeps inherited properties out): cell aghanim x
//   "12-header object", 1 KiB.
// - The native functions take the values as arguments, the request context only when
//   given, and leave the result in a Float64Array over the addon's memory; a failure is
//   returned, not thrown (fast.rs says why; cells: bench/node.md, "The fast path against the
//   plain path").
// - The framework helpers' errors carry no stack (quietly): `make load-ab`, Express pair
//   (load/README.md).
// - The replay key is not made by verify (0.15-0.21 µs, 13-46 % of the small cells): a Verified
//   makes it when first read, and the helpers given a replay store call verifyKeyed, which
//   verifies and makes it in one call.

const { errorOfNumber } = require('./errors.js')
const { Verified, setKey, sameDelivery, nowAgain } = require('./verified.js')

/** Returned when the fast path cannot answer for these headers: index.js takes the plain path. */
const PLAIN = Symbol('plain')

const HeadersClass = typeof Headers === 'function' ? Headers : undefined
const hasOwn = Object.prototype.hasOwnProperty

class FastPath {
  /** @param native a NativeVerifier */
  constructor(native) {
    const [verify, isValid, results, verifyKeyed] = native.fastFunctions()
    this.verifyFn = verify
    this.isValidFn = isValid
    this.verifyKeyedFn = verifyKeyed
    // [secretIndex, timestamp or NaN, idKind, error number, idLength, keyKind], written by
    // the native functions.
    this.results = results
    this.replayTtl = native.replayTtl()
    // The names the core reads, in its order (the native functions take one value per name),
    // in lower case and internalized (as property keys are), so that `===` on a key from a
    // container is a pointer comparison.
    this.names = native.headerNames().map((name) => Object.keys({ [name.toLowerCase()]: 0 })[0])
    this.count = this.names.length
    // By length: [name, slot, name, slot, ...]. Most of a request's headers have no name of
    // their length and cost one array read.
    this.byLength = []
    this.names.forEach((name, slot) => (this.byLength[name.length] ||= []).push(name, slot))
  }

  /** The slot of a header name (any case), or undefined when the scheme does not read it. */
  slot(name) {
    const group = this.byLength[name.length]
    if (group === undefined) return undefined
    for (let i = 0; i < group.length; i += 2) if (group[i] === name) return group[i + 1]
    for (let i = 0; i < group.length; i += 2) if (sameFolded(name, group[i])) return group[i + 1]
    return undefined
  }

  /**
   * The values of the scheme's headers, one per name, or PLAIN when the plain path must
   * answer: a name given twice (in any case), a value of a type the plain path reads
   * differently or refuses, a name as bytes, a form this file does not know.
   */
  read(headers) {
    if (headers === null || typeof headers !== 'object') return PLAIN
    const values = new Array(this.count)
    const proto = Object.getPrototypeOf(headers)
    if (proto === Object.prototype || proto === null) {
      // Node's req.headers (and IncomingHttpHeaders-like objects).
      for (const name in headers) {
        const slot = this.slot(name)
        if (slot === undefined || !hasOwn.call(headers, name)) continue
        if (!put(values, slot, headers[name], false)) return PLAIN
      }
      return values
    }
    if (Array.isArray(headers)) {
      if (headers.length > 0 && Array.isArray(headers[0])) {
        for (let i = 0; i < headers.length; i++) {
          const pair = headers[i]
          if (!Array.isArray(pair) || pair.length !== 2 || !this.take(values, pair[0], pair[1], false)) return PLAIN
        }
        return values
      }
      // A flat array such as req.rawHeaders: names in the case they were sent.
      if (headers.length % 2 !== 0) return PLAIN
      for (let i = 0; i < headers.length; i += 2) {
        if (!this.take(values, headers[i], headers[i + 1], true)) return PLAIN
      }
      return values
    }
    if (HeadersClass !== undefined && headers instanceof HeadersClass) {
      // One spelling per name, lower case; fetch joins repeats itself.
      for (let slot = 0; slot < this.count; slot++) {
        const value = headers.get(this.names[slot])
        if (value !== null) values[slot] = value
      }
      return values
    }
    if (headers instanceof Map) {
      for (const [name, value] of headers) {
        if (!this.take(values, name, value, false)) return PLAIN
      }
      return values
    }
    return PLAIN
  }

  /** Records one (name, value) of a list or a Map; false when the plain path must answer. */
  take(values, name, value, flat) {
    if (typeof name !== 'string') return false
    const slot = this.slot(name)
    return slot === undefined || put(values, slot, value, flat)
  }

  /** Verifies with the values of `read`; returns a Verified or throws. */
  verify(bytes, values, now, url, method) {
    const id =
      now === undefined && url === undefined && method === undefined
        ? call(this.verifyFn, bytes, values)
        : this.verifyFn(bytes, ...values, now, url, method)
    const results = this.results
    if (results[3] !== 0) throw errorOfNumber(results[3], id)
    const timestamp = results[1]
    const kind = results[2]
    return new Verified(
      timestamp === timestamp ? timestamp : null,
      kind === 1 ? id : kind === 2 ? Buffer.from(id, 'latin1').toString('utf8') : null,
      id,
      kind === 0 ? null : undefined,
      results[0],
      this,
      bytes,
      values,
      now,
      url,
      method,
    )
  }

  /** As verify, with the replay key made in the same call; returns a Verified or throws. */
  verifyKeyed(bytes, values, now, url, method) {
    const both =
      now === undefined && url === undefined && method === undefined
        ? call(this.verifyKeyedFn, bytes, values)
        : this.verifyKeyedFn(bytes, ...values, now, url, method)
    const results = this.results
    if (results[3] !== 0) throw errorOfNumber(results[3], both)
    const timestamp = results[1]
    const kind = results[2]
    const length = results[4]
    const raw = both.slice(0, length)
    const key = both.slice(length)
    const verified = new Verified(
      timestamp === timestamp ? timestamp : null,
      kind === 1 ? raw : kind === 2 ? Buffer.from(raw, 'latin1').toString('utf8') : null,
      raw,
      kind === 0 ? null : undefined,
      results[0],
      this,
    )
    setKey(verified, results[5] === 1 ? key : Buffer.from(key, 'latin1').toString('utf8'))
    return verified
  }

  /** The replay key of a Verified from `verify`: its request verified again, keyed. */
  keyOf(verified, bytes, values, now, url, method) {
    let again
    try {
      again = this.verifyKeyed(bytes, values, nowAgain(verified, now), url, method)
    } catch {
      again = null
    }
    return sameDelivery(verified, again)
  }

  /** Returns whether the request verifies; a configuration error (a missing URL) throws. */
  isValid(bytes, values, now, url, method) {
    const valid =
      now === undefined && url === undefined && method === undefined
        ? call(this.isValidFn, bytes, values)
        : this.isValidFn(bytes, ...values, now, url, method)
    if (valid === true || valid === false) return valid
    throw errorOfNumber(this.results[3], valid)
  }
}

/** Whether `name` is `lower` with ASCII letters in any case (no string is made). */
function sameFolded(name, lower) {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c !== lower.charCodeAt(i) && !(c >= 65 && c <= 90 && c + 32 === lower.charCodeAt(i))) return false
  }
  return true
}

/**
 * Puts a header's value in its slot; false when the plain path must answer (a repeat, or a
 * value that is not one string or Uint8Array). `flat`: an array of values is refused too.
 */
function put(values, slot, value, flat) {
  if (values[slot] !== undefined) return false
  if (typeof value === 'string' || value instanceof Uint8Array) {
    values[slot] = value
    return true
  }
  if (flat) return false
  if (value === undefined) return true
  if (Array.isArray(value) && value.length === 1 && (typeof value[0] === 'string' || value[0] instanceof Uint8Array)) {
    values[slot] = value[0]
    return true
  }
  return false
}

/** Calls a native function with the values as arguments (a fixed count is cheaper than a spread). */
function call(fn, bytes, values) {
  switch (values.length) {
    case 1:
      return fn(bytes, values[0])
    case 2:
      return fn(bytes, values[0], values[1])
    case 3:
      return fn(bytes, values[0], values[1], values[2])
    default:
      return fn(bytes, ...values)
  }
}

/**
 * Calls `fn(a, b, c, d)` for a framework helper, which answers a failure (403 with its code)
 * and never shows its stack: the error is made without one. Capturing a stack costs more
 * than the verification itself (~5 µs at Express's call depth, against ~1 µs; the Express
 * example refuses 40 % of its requests under `make load-ab`: load/README.md, Express).
 */
function quietly(fn, a, b, c, d) {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return fn(a, b, c, d)
  } finally {
    Error.stackTraceLimit = limit
  }
}

module.exports = { FastPath, PLAIN, quietly }
