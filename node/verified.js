'use strict'
// What a successful verification established: the same object from either path (index.js,
// fast.js). Not part of the documented API (index.d.ts declares its shape, `Verified`).

/**
 * `{ timestamp, id, idBytes, secretIndex }`. `idBytes` is the id's bytes exactly as sent,
 * `id` their text when they are UTF-8 (else null); both null without an id. The Buffer is
 * made when `idBytes` is first read (bench cell standard-webhooks, 1 KiB: making it on every
 * verify cost ~10%), from the bytes kept as a latin1 string.
 */
class Verified {
  #raw
  #bytes
  constructor(timestamp, id, raw, bytes, secretIndex) {
    this.timestamp = timestamp
    this.id = id
    this.secretIndex = secretIndex
    this.#raw = raw // the id's bytes as a latin1 string, or undefined
    this.#bytes = bytes // or the Buffer itself, or null
  }

  /** The id's bytes exactly as sent, or null when the scheme has no id. */
  get idBytes() {
    if (this.#bytes === undefined) this.#bytes = Buffer.from(this.#raw, 'latin1')
    return this.#bytes
  }

  toJSON() {
    return { timestamp: this.timestamp, id: this.id, idBytes: this.idBytes, secretIndex: this.secretIndex }
  }

  [Symbol.for('nodejs.util.inspect.custom')](_depth, options, inspect) {
    return `Verified ${inspect(this.toJSON(), options)}`
  }
}

module.exports = { Verified }
