// Type definitions for hooksig/express, written by hand and checked by tests/node/types.

/// <reference types="node" />

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ConfigOptions, ReplayStore, SchemeInput, Verified, Verifier } from './index'

/** Options both helpers take for handshakes and replay protection. */
export interface HandshakeAndReplayOptions<Request> {
  /**
   * For Asana, whose handshake hands over the webhook's secret (`X-Hook-Secret`): stores it,
   * before the handshake is answered. Returning (or resolving to) `false`, throwing or
   * rejecting refuses the handshake: 403 `{"error": "handshake_secret_refused"}`. Without it,
   * that handshake answers 500 `{"error": "handshake_secret_not_stored"}`. hooksig never logs
   * the secret.
   */
  onSecret?: (secret: string, request: Request) => boolean | void | Promise<boolean | void>
  /**
   * A replay store: each verified delivery is claimed once (`replayKey`, `replayTtl`). A
   * duplicate is answered `duplicateStatus` with `duplicateBody` without calling the handler;
   * when the handler throws or answers 5xx the claim is released, so the provider's retry is
   * processed; a store that cannot be reached answers 503
   * `{"error": "replay_store_unavailable"}`, unless `onStoreError: 'allow'`.
   */
  replay?: ReplayStore
  /** `'fail'` (default): 503 while the store cannot be reached; `'allow'`: process the delivery unclaimed. */
  onStoreError?: 'fail' | 'allow'
  /** The status of a duplicate's answer (default 200). */
  duplicateStatus?: number
  /** The JSON of a duplicate's answer (default `{"status": "duplicate"}`). */
  duplicateBody?: unknown
}

/** Options of the middleware itself. */
export interface WebhookMiddlewareOptions extends HandshakeAndReplayOptions<IncomingMessage> {
  /** The status of a failed verification (default 403); the body is `{"error": code}`. */
  status?: number
  /** The largest body read, in bytes (default 1 MiB); larger is 413 `{"error": "body_too_large"}`. */
  limit?: number
  /** Parse the body as JSON into `req.body` (default true); false sets `req.body` to the raw Buffer. A signed body that is not JSON is 400 `{"error": "invalid_json"}`. */
  json?: boolean
  /**
   * For schemes that sign the URL (`square`, `twilio`, `hubspot`, ...): the URL the provider
   * calls, as its dashboard has it, when the server sees another (behind a proxy); or a
   * function of the request that returns it. Default:
   * `${req.protocol}://${req.get('host')}${req.originalUrl}`.
   */
  publicUrl?: string | ((req: IncomingMessage) => string)
  /** Answers a failure instead of the default response. `err` is a VerificationError, or an Error with `status` and `code` (`body_too_large`, `invalid_json`, `raw_body_unavailable`, `request_aborted`, `replay_store_unavailable`, `handshake_secret_not_stored`, `handshake_secret_refused`). */
  onError?: (
    err: Error & { code?: string; status?: number },
    req: IncomingMessage,
    res: ServerResponse,
    next: (err?: unknown) => void,
  ) => void
}

/** What the middleware sets on the request before calling `next()`. */
export interface WebhookRequestFields {
  /** The raw body bytes that were verified. */
  rawBody: Buffer
  /** The verification result. */
  webhook: Verified
}

/** The middleware: `(req, res, next)`, usable in Express and with plain node:http. */
export type WebhookMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void

/**
 * Returns middleware that verifies a webhook on the raw request bytes, then calls
 * `next()` with `req.rawBody`, `req.body` (parsed JSON) and `req.webhook` set. A provider's
 * handshake is answered by the middleware itself; for the GET ones (Meta, Dropbox, Okta)
 * mount it for GET too (`app.use(path, webhook(...))` or `app.all`).
 *
 * It finds the raw bytes whether or not a body parser ran elsewhere: `req.rawBody`
 * (a parser given `verify: captureRawBody`), the Buffer of `express.raw()`, or the
 * request stream when nothing has read it (mount the route before `express.json()`).
 *
 * @example
 * app.post('/webhooks/stripe', webhook('stripe', { secret }), (req, res) => {
 *   handle(req.body) // parsed JSON, from verified bytes
 *   res.sendStatus(200)
 * })
 */
export declare function webhook(verifier: Verifier, options?: WebhookMiddlewareOptions): WebhookMiddleware
export declare function webhook(
  scheme: SchemeInput,
  options: ConfigOptions & WebhookMiddlewareOptions,
): WebhookMiddleware

/**
 * For a body parser's `verify` option: keeps the raw bytes on `req.rawBody`, so the
 * webhook middleware can verify them after the parser ran.
 *
 * @example
 * app.use(express.json({ verify: captureRawBody }))
 */
export declare function captureRawBody(req: IncomingMessage, res: ServerResponse, buf: Buffer): void

declare module 'node:http' {
  interface IncomingMessage {
    /** The raw body bytes, set by hooksig/express (or `captureRawBody`). */
    rawBody?: Buffer
    /** The verification result, set by hooksig/express. */
    webhook?: Verified
  }
}
