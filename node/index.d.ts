// Type definitions for hooksig, written by hand and checked by tests/node/types (tsc --strict).

/// <reference types="node" />

/** A webhook body: the raw request bytes, or a string taken as its UTF-8 bytes. */
export type Body = Uint8Array | ArrayBuffer | ArrayBufferView | string

/** One header value: a string (a byte string as Node's http and fetch give it) or raw bytes. */
export type HeaderValue = string | Uint8Array

/**
 * Request headers in any of the forms Node code holds them. Names match in any case;
 * every value is passed on, repeats included, and the core judges them (a repeated
 * signature, timestamp or id header is `invalid_header`).
 *
 * - an object such as Node's `IncomingHttpHeaders` (`string | string[] | undefined` values);
 * - a fetch `Headers`;
 * - a `Map`;
 * - an array of `[name, value]` pairs, or a flat `[name, value, ...]` array such as `req.rawHeaders`.
 *
 * A string is read as a byte string (one byte per character, as Node's http and fetch
 * decode header bytes); a string with a character above U+00FF is read as UTF-8.
 */
export type HeadersInput =
  | Readonly<Record<string, HeaderValue | readonly HeaderValue[] | undefined>>
  | Headers
  | ReadonlyMap<string, HeaderValue | readonly HeaderValue[]>
  | ReadonlyArray<readonly [HeaderValue, HeaderValue]>
  | readonly HeaderValue[]

/** A number of Unix seconds: a non-negative integer number, or a bigint for values above 2^53. */
export type Seconds = number | bigint

/**
 * A provider's signing rules as data (the JSON form shared by every language).
 * Unknown fields are `invalid_scheme`.
 */
export interface Scheme {
  /** How signatures are made: an HMAC hash (default `sha256`), Ed25519, ECDSA P-256, or a plain token. */
  algorithm?:
    | 'sha256'
    | 'sha1'
    | 'sha512'
    | 'hmac-sha256'
    | 'hmac-sha1'
    | 'hmac-sha512'
    | 'ed25519'
    | 'ecdsa-p256-sha256'
    | 'token'
  /** The header holding the signature(s), e.g. `x-noyo-signature`. */
  signature_header?: string
  /** Several signature headers, any one of which may match (instead of `signature_header`). */
  signature_headers?: string[]
  /** The header holding the timestamp, if any. */
  timestamp_header?: string
  /** How the timestamp is written (default `unix` seconds); the window is in seconds anyway. */
  timestamp_format?: 'unix' | 'unix_ms' | 'rfc3339'
  /** The header holding the message id, if any. */
  id_header?: string
  /**
   * The template of the signed bytes (default `{body}`): `{body}`, `{timestamp}`, `{id}`,
   * `{url}`, `{method}`, `{path}`, `{form}`, `{header:NAME}`, `{body_field:NAME}`, and
   * `{NAME}` for a param.
   */
  message?: string
  /** The template used instead of `message` when a param it needs is not given. */
  fallback_message?: string
  /** How signatures are written (default `hex`, either case). */
  encoding?: 'hex' | 'base64' | 'base64url'
  /** What each signature item starts with (`sha256=`, `v1,`); it is stripped. */
  prefix?: string
  /** What separates signature items when the header holds a list (`,` or a space). */
  separator?: string
  /** A `key=value` header instead, such as Stripe's `t=..,v1=..`. */
  fields?: {
    /** What separates the items: `,` for Stripe, `;` for Paddle. */
    separator: string
    /** The key holding the timestamp (`t`, `ts`), if the header carries one. */
    timestamp?: string
    /** The key of each signature item (`v1`, `h1`); it may repeat. */
    signature: string
  }
  /** How the secret becomes key bytes (default `utf8`; `whsec`: optional `whsec_` then base64). */
  secret_encoding?: 'utf8' | 'base64' | 'whsec'
  /** The provider's API keys, refused as secrets with a message naming the signing secret (Stripe). */
  secret_hint?: { rejects: string[]; expects: string }
  /** How a public key is written, for `ed25519` and `ecdsa-p256-sha256` (default `hex`, `spki` for ECDSA). */
  key_encoding?: KeyEncoding
  /** The ECDSA signature layout (default `der`; `raw` is r‖s). */
  signature_format?: 'der' | 'raw'
  /** A second, public-key kind of signature item in the same header (Standard Webhooks `v1a,`). */
  asymmetric?: {
    algorithm: 'ed25519' | 'ecdsa-p256-sha256'
    prefix: string
    encoding?: 'hex' | 'base64' | 'base64url'
    key_encoding?: KeyEncoding
    signature_format?: 'der' | 'raw'
  }
  /** Values read from a JSON body by dotted path: `signature`, `timestamp`, or a name signed as `{body_field:NAME}`. */
  body_fields?: Record<string, string>
  /** Headers that must be present with exactly this value. */
  required_headers?: Record<string, string>
  /** A second spelling of the scheme's headers (Svix's unbranded `webhook-*`); a request uses one set. */
  alternate_headers?: Record<string, string>
  /** Which forms of `{url}` a signature may be over (Twilio: with or without the port). */
  url_port?: 'as_sent' | 'either'
  /** A second form of `{body}` the provider may have signed (Box: escaped to ASCII). */
  body_escape?: 'ascii'
  /** The handshake the provider sends to check an endpoint. */
  handshake?: string
  /** The replay window in seconds, or null for none (default 300 where there is a timestamp). */
  tolerance?: number | null
}

/** How a public key is written: hex, base64, base64 DER SPKI, PEM, or `whpk_` + base64 (Standard Webhooks). */
export type KeyEncoding = 'hex' | 'base64' | 'spki' | 'pem' | 'whpk'

/** The name of a built-in preset (see `presets`; a test checks this list against the addon's). */
export type PresetName =
  | 'aghanim'
  | 'airtable'
  | 'anycoins'
  | 'aqid'
  | 'asana'
  | 'bitbucket'
  | 'box'
  | 'calcom'
  | 'calendly'
  | 'clerk'
  | 'coinbase-commerce'
  | 'discord'
  | 'docusign'
  | 'dropbox'
  | 'gitea'
  | 'github'
  | 'gitlab'
  | 'hookdeck'
  | 'hubspot'
  | 'intercom'
  | 'lemonsqueezy'
  | 'linear'
  | 'mailgun'
  | 'meta'
  | 'notion'
  | 'noyo'
  | 'okta'
  | 'paddle'
  | 'pagerduty'
  | 'paystack'
  | 'polar'
  | 'quickbooks'
  | 'razorpay'
  | 'replicate'
  | 'resend'
  | 'sanity'
  | 'segment'
  | 'sendgrid'
  | 'sentry'
  | 'shopify'
  | 'sigma'
  | 'slack'
  | 'square'
  | 'standard-webhooks'
  | 'stripe'
  | 'stytch'
  | 'svix'
  | 'telegram'
  | 'trello'
  | 'twilio'
  | 'twitch'
  | 'typeform'
  | 'vercel'
  | 'webflow'
  | 'woocommerce'
  | 'workos'
  | 'xero'
  | 'zoom'

/** A preset name, a scheme object, or a scheme as a JSON string. */
export type SchemeInput = PresetName | (string & {}) | Scheme

/** A secret, a key or a request field as bytes: a string is its UTF-8 text. */
export type KeyInput = string | Uint8Array

/** How a verifier is configured. */
export interface ConfigOptions {
  /** The secret (a string is used as its UTF-8 text, then decoded per `secret_encoding`). */
  secret?: KeyInput
  /** Several secrets during a rotation: the first is current, the rest still accepted. */
  secrets?: ReadonlyArray<KeyInput>
  /** The provider's public key, as it shows it (hex, base64, base64 SPKI, PEM, `whpk_...`): for Ed25519 and ECDSA schemes. */
  publicKey?: KeyInput
  /** Several public keys; any may match. `secretIndex` counts them after the secrets. */
  publicKeys?: ReadonlyArray<KeyInput>
  /** Construction params the scheme's message names as `{NAME}` (e.g. Sigma's `business_id`). */
  params?: Readonly<Record<string, string>>
  /** The replay window in seconds; `null` turns it off; absent keeps the scheme's default. */
  tolerance?: Seconds | null
  /** The start of every replay key (default: the preset's name; for a custom scheme, its signature header's). */
  namespace?: string | null
  /**
   * How long a claim of a verified delivery lives when the scheme has no replay window, in
   * seconds (default 86400, 24 h). With a window a claim lives `2 * tolerance + 60` seconds.
   */
  replayTtl?: Seconds | null
}

/** How a signer is configured. */
export interface SignerOptions {
  /** The secret of an HMAC or token scheme (the first of `secrets` signs). */
  secret?: KeyInput
  secrets?: ReadonlyArray<KeyInput>
  /** The private key of a public-key scheme: `whsk_...`, a PKCS#8 PEM block, or a 64-hex-digit Ed25519 seed. */
  privateKey?: KeyInput
  /** Construction params the scheme's message names as `{NAME}`. */
  params?: Readonly<Record<string, string>>
  /** Accepted for symmetry with `ConfigOptions`; signing has no window. */
  tolerance?: Seconds | null
}

/** Per-call options of `verify` and `isValid`. */
export interface VerifyOptions {
  /** The time to verify at (Unix seconds or a Date); the system clock when absent. For tests. */
  now?: Seconds | Date | null
  /**
   * The URL the provider called (scheme, host, path, query), for schemes that sign it
   * (`square`, `twilio`, `hubspot`, `trello`, ...); behind a proxy, the public one.
   * Without it such a scheme throws ConfigurationError `missing_param`.
   */
  url?: string | Uint8Array | null
  /** The request method (`POST`), for schemes that sign it (`hubspot`). */
  method?: string | Uint8Array | null
}

/** What a successful verification established. */
export interface Verified {
  /**
   * The timestamp sent, in Unix seconds, or null when the scheme has none.
   * Exact up to `Number.MAX_SAFE_INTEGER`; beyond that (only possible with
   * `tolerance: null`) it is the nearest double.
   */
  timestamp: number | null
  /**
   * The message id sent, as text when its bytes are UTF-8; null when they are not, or when
   * the scheme has no id. The same rule in every language.
   */
  id: string | null
  /** The message id's bytes exactly as sent (Node hands header bytes over as latin-1), or null without an id. */
  idBytes: Buffer | null
  /** Which key matched: secrets first (0 is the first), then public keys. Watch it to finish a rotation. */
  secretIndex: number
  /**
   * The key that names this delivery in a replay store (the core's rule): `{namespace}:{id}`
   * when the scheme signs an id; else `{namespace}:sig:{hex}` of the signature that matched;
   * for a token scheme `{namespace}:body:{hex}` of the body's SHA-256. Made when first read
   * (by verifying the same request again): read it before changing the body.
   * @throws {Error} `code` `ERR_HOOKSIG_REQUEST_CHANGED`: the body or headers changed since verify.
   */
  readonly replayKey: string
  /** How long a claim of this delivery lives, in seconds: `2 * tolerance + 60` with a window, else the verifier's `replayTtl`. */
  readonly replayTtl: number
}

/**
 * What to answer a provider's handshake (`Verifier.handshake`): send `status`, a
 * `Content-Type` of `contentType`, each of `headers` and `body`. `util.inspect` and
 * `JSON.stringify` show neither the secret nor the header values.
 */
export declare class Reply {
  private constructor()
  /** The HTTP status. */
  readonly status: number
  /** The `Content-Type` of the body. */
  readonly contentType: string
  /** Other headers to send, `[name, value]`, in order. */
  readonly headers: ReadonlyArray<readonly [string, string]>
  /** The body, as text. */
  readonly body: string
  /** The secret the provider handed over (Asana's `X-Hook-Secret`), to store before answering; null otherwise. */
  readonly secret: string | null
}

/**
 * A replay store: `claim` is true the first time a key is claimed within `ttl` seconds
 * (atomically: of two concurrent claims one wins), false while an earlier claim lives;
 * `release` forgets a claim. A claim that throws or rejects means the store cannot be
 * reached. `MemoryReplayStore`, `RedisReplayStore`, or your own.
 */
export interface ReplayStore {
  claim(key: string, ttl: number): boolean | Promise<boolean>
  release(key: string): void | Promise<void>
}

/** Options of `MemoryReplayStore`. */
export interface MemoryReplayStoreOptions {
  /** The most claims held (default 100 000); the oldest goes first when full. */
  maxKeys?: number
}

/**
 * Remembers claimed deliveries in this process (the core's store): bounded, each claim
 * forgotten after its TTL. Synchronous. One process only: apps on several instances share
 * a `RedisReplayStore`.
 *
 * @example
 * const store = new MemoryReplayStore()
 * const verified = verifier.verify(rawBody, req.headers)
 * if (!store.claim(verified.replayKey, verified.replayTtl)) return res.json({ status: 'duplicate' })
 */
export declare class MemoryReplayStore implements ReplayStore {
  constructor(options?: MemoryReplayStoreOptions)
  /** Claims `key` for `ttl` seconds: true the first time within that time. */
  claim(key: string, ttl: Seconds): boolean
  /** Forgets a claim, so that the provider's retry is processed. */
  release(key: string): void
  /** How many claims are held (expired ones count until evicted). */
  readonly size: number
  /** The most claims held. */
  readonly maxKeys: number
}

/**
 * The client `RedisReplayStore` uses: a `redis` package client (`createClient()`, node-redis
 * v4 and later), or anything with the same `set` and `del`.
 */
export interface RedisClientLike {
  set(key: string, value: string, options: { NX: true; PX: number }): Promise<unknown>
  del(key: string): Promise<unknown>
  /** When false, claims fail at once instead of waiting for a reconnection. */
  readonly isReady?: boolean
}

/** Options of `RedisReplayStore`. */
export interface RedisReplayStoreOptions {
  /** The start of every key (default `'hooksig:'`). */
  prefix?: string
}

/**
 * Claims in Redis (or Valkey), shared by every instance of an app: one
 * `SET <prefix><key> 1 NX PX <ttl ms>` per claim, one `DEL` per release.
 *
 * @example
 * const { createClient } = require('redis')
 * const client = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true })
 * client.on('error', () => {}) // the store answers 503 while Redis is away
 * await client.connect()
 * const replay = new RedisReplayStore(client)
 */
export declare class RedisReplayStore implements ReplayStore {
  constructor(client: RedisClientLike, options?: RedisReplayStoreOptions)
  /**
   * Resolves to true when the key was set (the first claim within `ttl` seconds).
   * @throws {ReplayStoreError} (rejects) the client failed, or is not connected.
   */
  claim(key: string, ttl: Seconds): Promise<boolean>
  /**
   * Deletes the key.
   * @throws {ReplayStoreError} (rejects) the client failed, or is not connected.
   */
  release(key: string): Promise<void>
  /** The start of every key. */
  readonly prefix: string
}

/** A replay store could not claim or release: Redis unreachable, not connected, or answering an error. `cause` is the client's error. */
export declare class ReplayStoreError extends Error {
  readonly code: 'replay_store_unavailable'
}

/** The stable codes of errors about a request (the core's table, `hooksig::CODES`). */
export type VerificationCode =
  'missing_header' | 'invalid_header' | 'timestamp_too_old' | 'timestamp_in_future' | 'signature_mismatch'

/** The stable codes of errors about a configuration or a call's request context. */
export type ConfigurationCode = 'unknown_preset' | 'invalid_scheme' | 'invalid_secret' | 'missing_param' | 'invalid_key'

/** The base of hooksig's errors: an `Error` with a stable `code`, the same string in every language. */
export declare class HooksigError extends Error {
  /** The stable code. */
  readonly code: VerificationCode | ConfigurationCode
}

/**
 * The request does not verify. The message says what to check; it never contains a
 * secret or an expected signature. A wrong-length or garbage signature is
 * `signature_mismatch`, never a `RangeError`.
 */
export declare class VerificationError extends HooksigError {
  readonly code: VerificationCode
}

/**
 * The scheme, secrets, keys, params or tolerance are wrong (raised when a Verifier or
 * Signer is built), or a call lacks the URL or method its scheme signs (`missing_param`,
 * raised by verify, isValid and sign): a programming error, not a bad request.
 */
export declare class ConfigurationError extends HooksigError {
  readonly code: ConfigurationCode
}

/**
 * Verifies webhook requests for one scheme under its secrets or public keys, in constant
 * time. Build it once at startup (every configuration error is thrown here); it is immutable.
 *
 * @example
 * const { Verifier } = require('hooksig')
 * const verifier = new Verifier('stripe', { secret: process.env.STRIPE_WEBHOOK_SECRET })
 * const { timestamp } = verifier.verify(rawBody, req.headers)
 *
 * @example
 * // Public keys (Discord: Ed25519, hex) and URL-signed schemes (Square: the notification URL).
 * const discord = new Verifier('discord', { publicKey: process.env.DISCORD_PUBLIC_KEY })
 * const square = new Verifier('square', { secret: process.env.SQUARE_SIGNATURE_KEY })
 * square.verify(rawBody, req.headers, { url: 'https://example.com/webhooks/square' })
 *
 * @throws {ConfigurationError} `unknown_preset`, `invalid_scheme`, `invalid_secret`, `invalid_key`, `missing_param`.
 * @throws {TypeError} an argument of the wrong type.
 * @throws {RangeError} a number out of range (a negative or fractional `tolerance`).
 */
export declare class Verifier {
  constructor(scheme: SchemeInput, options?: ConfigOptions)
  /**
   * Verifies a request: `body` must be the raw bytes exactly as received.
   * @throws {VerificationError} when it does not verify (`error.code` says why).
   * @throws {ConfigurationError} `missing_param` when the scheme signs the URL or method and `options` lacks it.
   * @throws {TypeError} an argument of the wrong type.
   * @throws {RangeError} `now` out of range.
   */
  verify(body: Body, headers: HeadersInput, options?: VerifyOptions): Verified
  /**
   * Returns whether a request verifies. A bad request is `false`; a wrong argument, or a
   * missing URL or method for a scheme that signs them, still throws.
   * @throws {ConfigurationError} `missing_param`.
   * @throws {TypeError} an argument of the wrong type.
   * @throws {RangeError} `now` out of range.
   */
  isValid(body: Body, headers: HeadersInput, options?: VerifyOptions): boolean
  /** The scheme in force, as a plain object. */
  readonly scheme: Scheme
  /** The replay window in force, in seconds, or null for none. */
  readonly tolerance: number | null
  /** How many keys are accepted: secrets, then public keys. */
  readonly secretCount: number
  /** The names of the headers verify reads; every other header is ignored. */
  readonly headerNames: string[]
  /** Whether verify needs `{ url }`: the scheme signs the request URL. */
  readonly needsUrl: boolean
  /** Whether verify needs `{ method }`: the scheme signs the request method. */
  readonly needsMethod: boolean
  /**
   * Answers a provider's handshake (Slack, Zoom, Twitch, Discord, Meta, Dropbox, Asana,
   * Okta), or returns null for any other request (verify it as usual). A signed handshake is
   * verified first. The GET handshakes (Meta, Dropbox, Okta) need `{ method, url }`, the URL
   * with its query.
   * @throws {VerificationError} a signed handshake that does not verify.
   */
  handshake(body: Body, headers: HeadersInput, options?: VerifyOptions): Reply | null
  /** Whether the scheme has a handshake. */
  readonly hasHandshake: boolean
  /** The start of every replay key. */
  readonly namespace: string
  /** How long a claim of a verified delivery lives, in seconds. */
  readonly replayTtl: number
}

/** Per-call options of `Signer.sign`. */
export interface SignOptions {
  /** The timestamp to sign with (Unix seconds or a Date); now when absent. */
  timestamp?: Seconds | Date | null
  /** The message id, where the scheme has one; a random `msg_` id when absent. */
  id?: string | null
  /** The URL the request goes to, for schemes that sign it. */
  url?: string | Uint8Array | null
  /** The request method, for schemes that sign it. */
  method?: string | Uint8Array | null
}

/**
 * Produces the headers a provider would send, signed with the first secret or the
 * private key: for tests and for senders.
 *
 * @example
 * const headers = new Signer('noyo', { secret }).sign(body)
 * await fetch(url, { method: 'POST', headers, body })
 *
 * @throws {ConfigurationError} as `Verifier`, and `invalid_key` for a bad private key.
 */
export declare class Signer {
  constructor(scheme: SchemeInput, options?: SignerOptions)
  /**
   * Signs a body and returns the headers to send, `{ name: value }`. Values are byte
   * strings: Node's http and fetch send them as exactly the signed bytes.
   * @throws {VerificationError} `invalid_header` for an id with control characters or a timestamp of more than 18 digits.
   * @throws {ConfigurationError} `missing_param` when the scheme signs the URL or method and `options` lacks it.
   */
  sign(body: Body, options?: SignOptions): Record<string, string>
  /** The scheme in force, as a plain object. */
  readonly scheme: Scheme
}

/** A built-in preset. */
export interface Preset {
  /** The name to pass to `Verifier`/`Signer`. */
  readonly name: PresetName
  /** The provider's headers and signed bytes, in one line. */
  readonly summary: string
}

/** Every preset, in alphabetical order. */
export declare const presets: ReadonlyArray<Preset>

/**
 * Returns a preset's scheme as a plain object, to start a custom scheme from.
 * @throws {ConfigurationError} `unknown_preset`.
 */
export declare function presetScheme(name: string): Scheme

/** Every verification code. */
export declare const VERIFICATION_CODES: ReadonlyArray<VerificationCode>
/** Every configuration code. */
export declare const CONFIGURATION_CODES: ReadonlyArray<ConfigurationCode>
