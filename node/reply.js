'use strict'
// What to answer a provider's handshake: the core's Reply (Verifier.handshake).

/**
 * `{ status, contentType, headers, body, secret }`: send `status`, a `Content-Type` of
 * `contentType`, each `[name, value]` of `headers` and `body` (text). `secret` is what Asana
 * hands over in its handshake (`X-Hook-Secret`), to store before answering; null otherwise.
 * `util.inspect` and `JSON.stringify` never show it, nor the values of the headers (Asana's
 * reply echoes the secret in one).
 */
class Reply {
  #secret
  /** @param native the addon's NativeReply */
  constructor(native) {
    this.status = native.status
    this.contentType = native.contentType
    const headers = []
    for (let i = 0; i < native.headers.length; i += 2) headers.push([native.headers[i], native.headers[i + 1]])
    this.headers = headers
    this.body = native.body
    this.#secret = native.secret === undefined ? null : native.secret
  }

  /** The secret the provider handed over (Asana's `X-Hook-Secret`), or null. */
  get secret() {
    return this.#secret
  }

  /** The reply without its header values and secret: safe to log. */
  toJSON() {
    return {
      status: this.status,
      contentType: this.contentType,
      headers: this.headers.map(([name]) => name),
      body: this.body,
      secret: this.#secret === null ? null : '[hidden]',
    }
  }

  [Symbol.for('nodejs.util.inspect.custom')](_depth, options, inspect) {
    return `Reply ${inspect(this.toJSON(), options)}`
  }
}

module.exports = { Reply }
