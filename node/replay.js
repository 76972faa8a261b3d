'use strict'
// Replay stores: `claim(key, ttl)` (true the first time within `ttl` seconds) and
// `release(key)` (forget a claim, so that the provider's retry is processed). The key and the
// TTL come from a verification (`verified.replayKey`, `verified.replayTtl`): the rule that
// makes them is the core's.
//
// - MemoryReplayStore: the core's store (bounded, oldest claim first out, each claim
//   forgotten after its TTL), for one process. Synchronous.
// - RedisReplayStore: for several instances, over the `redis` package's client (node-redis
//   v4 and later; Valkey works the same): one `SET <prefix><key> 1 NX PX <ttl ms>` per claim,
//   one `DEL` per release. Promises.

const { inspect } = require('node:util')
const native = require('./native.js')
const { describe, checkOptions } = require('./errors.js')

const DEFAULT_PREFIX = 'hooksig:'

/** The store could not claim or release (Redis unreachable, closed, or answering an error); `cause` is the client's error. */
class ReplayStoreError extends Error {
  constructor(message, options) {
    super(message, options)
    this.code = 'replay_store_unavailable'
  }
  get name() {
    return 'ReplayStoreError'
  }
}

function checkKey(key) {
  if (typeof key !== 'string') throw new TypeError(`hooksig: a replay key must be a string, not ${describe(key)}`)
  return key
}

/** A TTL in seconds: a non-negative safe integer number (or a bigint that is one). */
function checkTtl(ttl) {
  if (typeof ttl === 'bigint') {
    if (ttl >= 0n && ttl <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(ttl)
    throw new RangeError(`hooksig: ttl must be a non-negative whole number of seconds, not ${ttl}`)
  }
  if (typeof ttl !== 'number') {
    throw new TypeError(`hooksig: ttl must be a number of seconds, not ${describe(ttl)}`)
  }
  if (!Number.isSafeInteger(ttl) || ttl < 0) {
    throw new RangeError(`hooksig: ttl must be a non-negative whole number of seconds, not ${ttl}`)
  }
  return ttl
}

/**
 * Remembers claimed deliveries in this process (the core's store): at most `maxKeys` claims
 * (default 100 000; the oldest goes first when full), each forgotten after its TTL. One
 * process only: apps on several instances share a RedisReplayStore.
 */
class MemoryReplayStore {
  #native
  constructor(options) {
    const { maxKeys } = checkOptions(options, ['maxKeys'], 'MemoryReplayStore')
    if (maxKeys !== undefined && typeof maxKeys !== 'number') {
      throw new TypeError(`hooksig: maxKeys must be a number, not ${describe(maxKeys)}`)
    }
    if (maxKeys !== undefined && !(Number.isSafeInteger(maxKeys) && maxKeys >= 1)) {
      throw new RangeError(`hooksig: maxKeys must be a whole number of at least 1, not ${maxKeys}`)
    }
    this.#native = new native.NativeMemoryReplayStore(maxKeys)
  }

  /** Claims `key` for `ttl` seconds: true the first time within that time, false while an earlier claim lives. */
  claim(key, ttl) {
    return this.#native.claim(checkKey(key), checkTtl(ttl))
  }

  /** Forgets a claim, so that the provider's retry is processed (the handler failed). */
  release(key) {
    this.#native.release(checkKey(key))
  }

  /** How many claims are held (expired ones count until they are evicted). */
  get size() {
    return this.#native.size()
  }

  /** The largest number of claims held. */
  get maxKeys() {
    return this.#native.maxKeys()
  }

  [inspect.custom]() {
    return `MemoryReplayStore { maxKeys: ${this.maxKeys}, size: ${this.size} }`
  }
}

/**
 * Claims in Redis, shared by every instance of an app: `client` is a connected client of the
 * `redis` package (`createClient({ url })`, node-redis v4 and later) or anything with the same
 * `set(key, value, { NX, PX })` and `del(key)`. Each key is prefixed (`prefix`, default
 * `'hooksig:'`). `claim` and `release` return Promises and reject with ReplayStoreError when
 * the client fails, or at once while it is not connected (`client.isReady` false), rather
 * than waiting in its offline queue.
 */
class RedisReplayStore {
  #client
  #prefix
  constructor(client, options) {
    if (
      client === null ||
      typeof client !== 'object' ||
      typeof client.set !== 'function' ||
      typeof client.del !== 'function'
    ) {
      throw new TypeError(
        `hooksig: RedisReplayStore takes a client of the redis package (createClient()), not ${describe(client)}`,
      )
    }
    const { prefix } = checkOptions(options, ['prefix'], 'RedisReplayStore')
    if (prefix !== undefined && typeof prefix !== 'string') {
      throw new TypeError(`hooksig: prefix must be a string, not ${describe(prefix)}`)
    }
    this.#client = client
    this.#prefix = prefix === undefined ? DEFAULT_PREFIX : prefix
  }

  /** The start of every key. */
  get prefix() {
    return this.#prefix
  }

  /** `SET <prefix><key> 1 NX PX <ttl ms>`: resolves to true when the key was set. */
  async claim(key, ttl) {
    const full = this.#prefix + checkKey(key)
    const px = checkTtl(ttl) * 1000
    if (px === 0) return true // a claim that lives 0 s: nothing to remember
    if (!Number.isSafeInteger(px)) throw new RangeError(`hooksig: ttl ${ttl} is too long for Redis`)
    this.#ready('claim')
    let reply
    try {
      reply = await this.#client.set(full, '1', { NX: true, PX: px })
    } catch (err) {
      throw new ReplayStoreError(`hooksig: Redis could not claim the key: ${messageOf(err)}`, { cause: err })
    }
    return reply === 'OK'
  }

  /** `DEL <prefix><key>`. */
  async release(key) {
    const full = this.#prefix + checkKey(key)
    this.#ready('release')
    try {
      await this.#client.del(full)
    } catch (err) {
      throw new ReplayStoreError(`hooksig: Redis could not release the key: ${messageOf(err)}`, { cause: err })
    }
  }

  /** Fails at once while the client is not connected, instead of queueing until it is. */
  #ready(what) {
    if (this.#client.isReady === false) {
      throw new ReplayStoreError(`hooksig: Redis could not ${what} the key: the client is not connected`)
    }
  }

  [inspect.custom]() {
    return `RedisReplayStore { prefix: ${JSON.stringify(this.#prefix)} }`
  }
}

function messageOf(err) {
  return err && typeof err.message === 'string' ? err.message : String(err)
}

module.exports = { MemoryReplayStore, RedisReplayStore, ReplayStoreError, DEFAULT_PREFIX }
