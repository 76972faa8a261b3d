// Type definitions for hooksig/fetch, written by hand and checked by tests/node/types.

/// <reference types="node" />

import type { ConfigOptions, SchemeInput, Seconds, Verified, Verifier } from './index'
import type { HandshakeAndReplayOptions } from './express'

/** A verified request. */
export interface Webhook<T = unknown> {
  /** The raw body bytes that were verified. */
  rawBody: Buffer
  /** The body parsed as JSON (undefined for an empty body, or with `json: false`). */
  body: T
  /** The verification result. */
  result: Verified
}

/** Options of `verifyRequest`. */
export interface VerifyRequestOptions {
  /** The largest body read, in bytes (default 1 MiB). */
  limit?: number
  /** Parse the body as JSON (default true). */
  json?: boolean
  /** The time to verify at (for tests). */
  now?: Seconds | Date
  /** For schemes that sign the URL: the URL the provider calls, or a function of the request (default `request.url`). */
  publicUrl?: string | ((request: Request) => string)
}

/**
 * Verifies a fetch `Request`, reading its body, and resolves to the raw bytes, the
 * parsed JSON and the result.
 * @throws {VerificationError} when it does not verify.
 */
export declare function verifyRequest<T = unknown>(
  request: Request,
  verifier: Verifier,
  options?: VerifyRequestOptions,
): Promise<Webhook<T>>
export declare function verifyRequest<T = unknown>(
  request: Request,
  scheme: SchemeInput,
  options: ConfigOptions & VerifyRequestOptions,
): Promise<Webhook<T>>

/** Options of `webhookHandler`. */
export interface WebhookHandlerOptions extends HandshakeAndReplayOptions<Request> {
  /** The status of a failed verification (default 403); the body is `{"error": code}`. */
  status?: number
  /** The largest body read, in bytes (default 1 MiB); larger is 413. */
  limit?: number
  /** Parse the body as JSON (default true); a signed body that is not JSON is 400 `{"error": "invalid_json"}`. */
  json?: boolean
  /**
   * For schemes that sign the URL (`square`, `twilio`, `hubspot`, ...): the URL the provider
   * calls, as its dashboard has it, when the server sees another (behind a proxy); or a
   * function of the request that returns it. Default: `request.url`.
   */
  publicUrl?: string | ((request: Request) => string)
  /** Answers a failure instead of the default response (`err.code`: a verification code, `body_too_large`, `invalid_json`, `raw_body_unavailable`, `replay_store_unavailable`, `handshake_secret_not_stored`, `handshake_secret_refused`). */
  onError?: (err: Error & { code?: string; status?: number }, request: Request) => Response | Promise<Response>
}

/**
 * Wraps a fetch-style handler (a Next.js route handler, a Hono handler, ...): the
 * request is verified first, then `handler(webhook, request, ...rest)` runs. A provider's
 * handshake is answered without calling the handler (for the GET ones, Meta, Dropbox and
 * Okta, route GET to it too: `export const GET = POST`).
 *
 * @example
 * export const POST = webhookHandler('svix', { secret }, async (webhook) => Response.json({ ok: true }))
 */
export declare function webhookHandler<T = unknown, Rest extends unknown[] = []>(
  verifier: Verifier,
  options: WebhookHandlerOptions,
  handler: (webhook: Webhook<T>, request: Request, ...rest: Rest) => Response | Promise<Response>,
): (request: Request, ...rest: Rest) => Promise<Response>
export declare function webhookHandler<T = unknown, Rest extends unknown[] = []>(
  verifier: Verifier,
  handler: (webhook: Webhook<T>, request: Request, ...rest: Rest) => Response | Promise<Response>,
): (request: Request, ...rest: Rest) => Promise<Response>
export declare function webhookHandler<T = unknown, Rest extends unknown[] = []>(
  scheme: SchemeInput,
  options: ConfigOptions & WebhookHandlerOptions,
  handler: (webhook: Webhook<T>, request: Request, ...rest: Rest) => Response | Promise<Response>,
): (request: Request, ...rest: Rest) => Promise<Response>
