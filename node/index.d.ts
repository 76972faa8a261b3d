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
  /** The hash under HMAC (default `sha256`). */
  algorithm?: 'sha256' | 'sha1' | 'sha512'
  /** The header holding the signature(s), e.g. `x-noyo-signature`. */
  signature_header: string
  /** The header holding a Unix-seconds timestamp, if any. */
  timestamp_header?: string
  /** The header holding the message id, if any. */
  id_header?: string
  /** The template of the signed bytes: `{body}`, `{timestamp}`, `{id}`, `{NAME}` for a param (default `{body}`). */
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
  /** The replay window in seconds, or null for none (default 300 where there is a timestamp). */
  tolerance?: number | null
}

/** The name of a built-in preset (see `presets`). */
export type PresetName =
  | 'aghanim'
  | 'anycoins'
  | 'aqid'
  | 'github'
  | 'noyo'
  | 'paddle'
  | 'shopify'
  | 'sigma'
  | 'slack'
  | 'standard-webhooks'
  | 'stripe'
  | 'svix'

/** A preset name, a scheme object, or a scheme as a JSON string. */
export type SchemeInput = PresetName | (string & {}) | Scheme

/** How a verifier or signer is configured. */
export interface ConfigOptions {
  /** The secret (a string is used as its UTF-8 text, then decoded per `secret_encoding`). */
  secret?: string | Uint8Array
  /** Several secrets during a rotation: the first is current, the rest still accepted. */
  secrets?: ReadonlyArray<string | Uint8Array>
  /** Construction params the scheme's message names as `{NAME}` (e.g. Sigma's `business_id`). */
  params?: Readonly<Record<string, string>>
  /** The replay window in seconds; `null` turns it off; absent keeps the scheme's default. */
  tolerance?: Seconds | null
}

/** Per-call options of `verify` and `isValid`. */
export interface VerifyOptions {
  /** The time to verify at (Unix seconds or a Date); the system clock when absent. For tests. */
  now?: Seconds | Date | null
}

/** What a successful verification established. */
export interface Verified {
  /**
   * The timestamp sent, in Unix seconds, or null when the scheme has none.
   * Exact up to `Number.MAX_SAFE_INTEGER`; beyond that (only possible with
   * `tolerance: null`) it is the nearest double.
   */
  timestamp: number | null
  /** The message id sent (its UTF-8 text; non-UTF-8 bytes as latin1), or null when the scheme has none. */
  id: string | null
  /** Which secret matched: 0 is the first. Watch it to finish a rotation. */
  secretIndex: number
}

/** The stable codes of errors about a request. */
export type VerificationCode =
  'missing_header' | 'invalid_header' | 'timestamp_too_old' | 'timestamp_in_future' | 'signature_mismatch'

/** The stable codes of errors about a configuration. */
export type ConfigurationCode = 'unknown_preset' | 'invalid_scheme' | 'invalid_secret' | 'missing_param'

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

/** The scheme, secrets, params or tolerance are wrong; raised when a Verifier or Signer is built. */
export declare class ConfigurationError extends HooksigError {
  readonly code: ConfigurationCode
}

/**
 * Verifies webhook requests for one scheme under one or more secrets, in constant time.
 * Build it once at startup (every configuration error is thrown here); it is immutable.
 *
 * @example
 * const { Verifier } = require('hooksig')
 * const verifier = new Verifier('stripe', { secret: process.env.STRIPE_WEBHOOK_SECRET })
 * const { timestamp } = verifier.verify(rawBody, req.headers)
 *
 * @throws {ConfigurationError} `unknown_preset`, `invalid_scheme`, `invalid_secret`, `missing_param`.
 * @throws {TypeError} an argument of the wrong type.
 */
export declare class Verifier {
  constructor(scheme: SchemeInput, options?: ConfigOptions)
  /**
   * Verifies a request: `body` must be the raw bytes exactly as received.
   * @throws {VerificationError} when it does not verify (`error.code` says why).
   * @throws {TypeError} an argument of the wrong type.
   */
  verify(body: Body, headers: HeadersInput, options?: VerifyOptions): Verified
  /**
   * Returns whether a request verifies. A bad request is `false`; a wrong argument type still throws.
   * @throws {TypeError} an argument of the wrong type.
   */
  isValid(body: Body, headers: HeadersInput, options?: VerifyOptions): boolean
  /** The scheme in force, as a plain object. */
  readonly scheme: Scheme
  /** The replay window in force, in seconds, or null for none. */
  readonly tolerance: number | null
  /** How many secrets are accepted. */
  readonly secretCount: number
}

/** Per-call options of `Signer.sign`. */
export interface SignOptions {
  /** The timestamp to sign with (Unix seconds or a Date); now when absent. */
  timestamp?: Seconds | Date | null
  /** The message id, where the scheme has one; a random `msg_` id when absent. */
  id?: string | null
}

/**
 * Produces the headers a provider would send, signed with the first secret: for tests
 * and for senders.
 *
 * @example
 * const headers = new Signer('noyo', { secret }).sign(body)
 * await fetch(url, { method: 'POST', headers, body })
 */
export declare class Signer {
  constructor(scheme: SchemeInput, options?: ConfigOptions)
  /**
   * Signs a body and returns the headers to send, `{ name: value }`. Values are byte
   * strings: Node's http and fetch send them as exactly the signed bytes.
   * @throws {VerificationError} `invalid_header` for an id with control characters or a timestamp of more than 18 digits.
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
