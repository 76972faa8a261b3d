'use strict'
// The per-request fast path of Verifier.verify / isValid: every speed trick of the Node
// package is in this file and in bindings/node/src/fast.rs, each with the benchmark cell it
// wins (bench/node_bench.mjs, figures in bench/node.md). The plain path in index.js gives
// the same answers for every input; this one declines (returns PLAIN) whenever it cannot
// be sure of that, and index.js then takes the plain path.
//
// - Read only what the scheme needs (cells aghanim/noyo/standard-webhooks x "12-header
//   object" and x "Headers"): a verifier knows the names of the headers it reads
//   (`headerNames`, from the core), so a request's other headers are never converted. Node's
//   containers spell names in lower case (`req.headers`, fetch `Headers`), so those
//   spellings are precomputed. A fetch `Headers` cannot hold two spellings of a name and is
//   read with get(); an object, a Map or an array can, so their names are all scanned
//   (a length check first, a case-folded lookup only on a length match), and any repeat
//   goes to the plain path, where the core judges it.
// - The native functions take the values as arguments and write the result into a
//   Float64Array; a failure is returned, not thrown (fast.rs says why).

const { errorOfNumber } = require('./errors.js')

/** Returned when the fast path cannot answer for these headers: index.js takes the plain path. */
const PLAIN = Symbol('plain')

const HeadersClass = typeof Headers === 'function' ? Headers : undefined

class FastPath {
  /** @param native a NativeVerifier */
  constructor(native) {
    const [verify, isValid] = native.fastFunctions()
    this.verifyFn = verify
    this.isValidFn = isValid
    // The names the core reads, in its order (the native functions take one value per name).
    this.names = native.headerNames().map((name) => name.toLowerCase())
    this.count = this.names.length
    this.slotOf = new Map(this.names.map((name, slot) => [name, slot]))
    // Which name lengths occur: most of a request's headers fail this test and cost nothing more.
    this.lengths = new Uint8Array(1 + Math.max(0, ...this.names.map((name) => name.length)))
    for (const name of this.names) this.lengths[name.length] = 1
    // [secretIndex, timestamp or NaN, idKind, error number]: written by the native call.
    this.out = new Float64Array(4)
  }

  /** The slot of a header name (any case), or undefined when the scheme does not read it. */
  slot(name) {
    if (typeof name !== 'string') return undefined // a Uint8Array name: the plain path reads it
    const length = name.length
    if (length >= this.lengths.length || this.lengths[length] === 0) return undefined
    const slot = this.slotOf.get(name)
    return slot !== undefined ? slot : this.slotOf.get(name.toLowerCase())
  }

  /**
   * The values of the scheme's headers, one per name, or PLAIN when the plain path must
   * answer: a name given twice (in any case), a value the plain path refuses or reads
   * differently, a name as bytes, a form this file does not know.
   */
  read(headers) {
    if (headers === null || typeof headers !== 'object') return PLAIN
    const values = new Array(this.count)
    const proto = Object.getPrototypeOf(headers)
    if (proto === Object.prototype || proto === null) {
      // Node's req.headers (and IncomingHttpHeaders-like objects).
      const keys = Object.keys(headers)
      for (let i = 0; i < keys.length; i++) {
        if (!this.take(values, keys[i], headers[keys[i]], false)) return PLAIN
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

  /**
   * Records one header in `values` when the scheme reads it; false when the plain path must
   * answer. `flat`: the value must be a single string or Uint8Array (as in req.rawHeaders).
   */
  take(values, name, value, flat) {
    if (typeof name !== 'string') return false
    const slot = this.slot(name)
    if (slot === undefined) {
      // Not read; only its type is checked, as the plain path checks it.
      return typeof value === 'string' || (flat ? value instanceof Uint8Array : isHeaderValue(value))
    }
    if (values[slot] !== undefined) return false
    if (typeof value === 'string' || value instanceof Uint8Array) {
      values[slot] = value
      return true
    }
    if (flat) return false
    if (value === undefined) return true
    if (Array.isArray(value) && value.length === 1 && isAtom(value[0])) {
      values[slot] = value[0]
      return true
    }
    return false
  }

  /** Verifies with the values of `read`; returns the Verified object or throws. */
  verify(bytes, values, now, url, method) {
    const out = this.out
    const id = call(this.verifyFn, bytes, now, url, method, out, values)
    if (out[3] !== 0) throw errorOfNumber(out[3], id)
    const timestamp = out[1]
    const kind = out[2]
    return {
      timestamp: timestamp === timestamp ? timestamp : null,
      id: kind === 1 ? id : kind === 2 ? Buffer.from(id, 'latin1').toString('utf8') : null,
      idBytes: kind === 0 ? null : Buffer.from(id, 'latin1'),
      secretIndex: out[0],
    }
  }

  /** Returns whether the request verifies; a configuration error (a missing URL) throws. */
  isValid(bytes, values, now, url, method) {
    const out = this.out
    const valid = call(this.isValidFn, bytes, now, url, method, out, values)
    if (valid === true || valid === false) return valid
    throw errorOfNumber(out[3], valid)
  }
}

/** Calls a native function with the values as arguments (a fixed count is cheaper than a spread). */
function call(fn, bytes, now, url, method, out, values) {
  switch (values.length) {
    case 1:
      return fn(bytes, now, url, method, out, values[0])
    case 2:
      return fn(bytes, now, url, method, out, values[0], values[1])
    case 3:
      return fn(bytes, now, url, method, out, values[0], values[1], values[2])
    default:
      return fn(bytes, now, url, method, out, ...values)
  }
}

function isAtom(value) {
  return typeof value === 'string' || value instanceof Uint8Array
}

/** Whether a header value is one the plain path accepts: a string, bytes, a list of them, or undefined. */
function isHeaderValue(value) {
  if (value === undefined || isAtom(value)) return true
  if (!Array.isArray(value)) return false
  for (let i = 0; i < value.length; i++) if (!isAtom(value[i])) return false
  return true
}

module.exports = { FastPath, PLAIN }
