'use strict'
// What a successful verification established: the same object from either path (index.js,
// fast.js). Not part of the documented API (index.d.ts declares its shape, `Verified`).

/** Thrown when a replay key is asked for after the request it names was changed. */
function changedError() {
  const err = new Error(
    "hooksig: the request's body or headers changed after verify, so its replay key cannot be made: " +
      'read replayKey before changing them',
  )
  err.code = 'ERR_HOOKSIG_REQUEST_CHANGED'
  return err
}

/** Sets the replay key of a Verified made with it at hand (set in the class's static block). */
let setKey
/** Whether two Verified carry the same id bytes (set in the class's static block). */
let sameId

/**
 * `{ timestamp, id, idBytes, secretIndex, replayKey, replayTtl }`. `idBytes` is the id's
 * bytes exactly as sent, `id` their text when they are UTF-8 (else null); both null without
 * an id. The Buffer is made when `idBytes` is first read (bench cell standard-webhooks,
 * 1 KiB: making it on every verify cost ~10%), from the bytes kept as a latin1 string.
 *
 * The replay key is made when first read, unless the caller had it made at verify (the
 * helpers given a replay store): from the request kept here (references to the caller's
 * body and the header values read, nothing copied), verified once more at the timestamp it
 * carried, so that the window passes as it did, and the core makes the key, whose rule it
 * owns. Making it at every verify cost 0.15-0.21 µs, 13-46 % of a small verification
 * (bench/node.md). A request changed in between (a Buffer written over) no longer
 * verifies as it did: reading the key then throws, never gives another delivery's key. (A
 * token scheme signs nothing: its key is the body's hash, which verifying again could not
 * check, so index.js makes it at verify.)
 */
class Verified {
  #raw
  #bytes
  #key
  #keyer
  #body
  #headers
  #now
  #url
  #method
  /**
   * `keyer`: `{ replayTtl, keyOf(verified, body, headers, now, url, method) }` of the
   * verifier; `body`, `headers`, `now`, `url`, `method`: the request, as that keyer takes it.
   */
  constructor(timestamp, id, raw, bytes, secretIndex, keyer, body, headers, now, url, method) {
    this.timestamp = timestamp
    this.id = id
    this.secretIndex = secretIndex
    this.#raw = raw // the id's bytes as a latin1 string, or undefined
    this.#bytes = bytes // or the Buffer itself, or null
    this.#keyer = keyer
    this.#body = body
    this.#headers = headers
    this.#now = now
    this.#url = url
    this.#method = method
  }

  static {
    setKey = (verified, key) => {
      verified.#key = key
      verified.#body = verified.#headers = undefined
    }
    sameId = (a, b) => {
      // Both from the fast path: their bytes as latin1 strings, compared without a Buffer.
      if (typeof a.#raw === 'string' && typeof b.#raw === 'string') return a.#raw === b.#raw
      const x = a.idBytes
      const y = b.idBytes
      return x === null ? y === null : y !== null && x.equals(y)
    }
  }

  /** The id's bytes exactly as sent, or null when the scheme has no id. */
  get idBytes() {
    if (this.#bytes === undefined) this.#bytes = Buffer.from(this.#raw, 'latin1')
    return this.#bytes
  }

  /** The key that names this delivery in a replay store (the core's rule). */
  get replayKey() {
    if (this.#key === undefined) {
      const key = this.#keyer.keyOf(this, this.#body, this.#headers, this.#now, this.#url, this.#method)
      setKey(this, key)
    }
    return this.#key
  }

  /** How long a claim of this delivery lives, in seconds. */
  get replayTtl() {
    return this.#keyer.replayTtl
  }

  toJSON() {
    return {
      timestamp: this.timestamp,
      id: this.id,
      idBytes: this.idBytes,
      secretIndex: this.secretIndex,
      replayKey: this.replayKey,
      replayTtl: this.replayTtl,
    }
  }

  [Symbol.for('nodejs.util.inspect.custom')](_depth, options, inspect) {
    return `Verified ${inspect(this.toJSON(), options)}`
  }
}

/**
 * Checks that verifying again gave what the first verification gave, and returns the key
 * it made; otherwise the request changed in between.
 */
function sameDelivery(verified, again) {
  if (
    again === null ||
    again.timestamp !== verified.timestamp ||
    again.secretIndex !== verified.secretIndex ||
    again.id !== verified.id ||
    !sameId(again, verified)
  ) {
    throw changedError()
  }
  return again.replayKey
}

/** The `now` to verify again at: the one given, else the timestamp sent (the window passes as it did). */
function nowAgain(verified, now) {
  if (now !== undefined) return now
  return Number.isSafeInteger(verified.timestamp) ? verified.timestamp : undefined
}

module.exports = { Verified, setKey, sameDelivery, nowAgain, changedError }
