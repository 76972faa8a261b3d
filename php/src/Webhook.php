<?php

declare(strict_types=1);

namespace Hooksig;

/**
 * A verified webhook delivery, and the helper that receives one in a plain PHP endpoint.
 *
 *     $verifier = new Hooksig\Verifier('aqid', secret: getenv('AQID_SECRET'));
 *     $event = Hooksig\Webhook::fromGlobals($verifier);   // answers 413/403/400 and exits otherwise
 *
 * (verifyGlobals() does the same without parsing the body; receive() returns what to
 * answer instead of sending it.)
 *
 * It reads the raw body from php://input (at most $maxBody bytes, else 413
 * {"error": "body_too_large"} before any hashing), verifies it with $_SERVER's headers and,
 * for URL-signed schemes, the request's URL (or $publicUrl) and method, answers a request
 * that does not verify 403 {"error": code}, answers a provider's handshake itself, and
 * returns the parsed JSON (400 {"error": "invalid_json"} when it is not JSON).
 */
final class Webhook
{
    /** The default body limit: 1 MiB, as every hooksig helper. */
    public const DEFAULT_MAX_BODY = 1 << 20;

    /**
     * @param Verified $verified what the verification established
     * @param string $body the raw body, as verified
     * @param mixed $event the body parsed as JSON (arrays for objects); null when receive()
     *        was not asked to parse it
     */
    public function __construct(
        public readonly Verified $verified,
        public readonly string $body,
        public readonly mixed $event = null,
    ) {
    }

    /**
     * Verifies the current request and returns its body parsed as JSON; any other outcome
     * (413, 403, 400 invalid_json, a handshake's reply) is sent and the script exits. See
     * receive() for the arguments.
     *
     * @param string|\Closure(array<string, mixed>): string|null $publicUrl
     * @param \Closure(string, array<string, mixed>): void|null $onSecret
     */
    public static function fromGlobals(
        Verifier $verifier,
        ?int $maxBody = self::DEFAULT_MAX_BODY,
        string|\Closure|null $publicUrl = null,
        ?\Closure $onSecret = null,
    ): mixed {
        return self::answerOr(self::receive($verifier, $_SERVER, 'php://input', $maxBody, $publicUrl, $onSecret))->event;
    }

    /**
     * Verifies the current request and returns it (->verified, ->body) without parsing the
     * body (a form, XML, ...); any other outcome is sent and the script exits.
     *
     * @param string|\Closure(array<string, mixed>): string|null $publicUrl
     * @param \Closure(string, array<string, mixed>): void|null $onSecret
     */
    public static function verifyGlobals(
        Verifier $verifier,
        ?int $maxBody = self::DEFAULT_MAX_BODY,
        string|\Closure|null $publicUrl = null,
        ?\Closure $onSecret = null,
    ): self {
        return self::answerOr(self::receive($verifier, $_SERVER, 'php://input', $maxBody, $publicUrl, $onSecret, json: false));
    }

    /** Sends a Reply and exits, or returns the Webhook. */
    private static function answerOr(self|Reply $outcome): self
    {
        if ($outcome instanceof Reply) {
            $outcome->send();
            exit;
        }
        return $outcome;
    }

    /**
     * Receives a request: the verified Webhook, or the Reply to send instead (413, 403,
     * 400 with {"error": code}, or a provider's handshake answered).
     *
     * @param array<string, mixed> $server the request's $_SERVER
     * @param resource|string $input the body stream, or the name of one ('php://input')
     * @param int|null $maxBody the largest body read, in bytes; null for no limit
     * @param string|\Closure(array<string, mixed>): string|null $publicUrl for URL-signed
     *        schemes behind a proxy: the exact URL the provider calls, as its dashboard has
     *        it, or a function of $server returning it; default: the URL of this request
     * @param \Closure(string, array<string, mixed>): void|null $onSecret for Asana, whose
     *        handshake hands over the webhook's secret: stores it before the answer; without
     *        it that handshake answers 500 {"error": "handshake_secret_not_stored"}
     * @param bool $json whether to parse the verified body as JSON (400 invalid_json when
     *        it is not)
     *
     * @throws ConfigurationError a programming error (never for a bad request)
     */
    public static function receive(
        Verifier $verifier,
        array $server,
        mixed $input = 'php://input',
        ?int $maxBody = self::DEFAULT_MAX_BODY,
        string|\Closure|null $publicUrl = null,
        ?\Closure $onSecret = null,
        bool $json = true,
    ): self|Reply {
        if ($maxBody !== null && $maxBody < 0) {
            throw new \ValueError("maxBody: must be >= 0 or null, got $maxBody");
        }
        // Only digits are a length (spaces around them allowed); anything else (1e6, 0x10,
        // +6, empty) is refused, as a server that framed the body by it may have misread it.
        // The header as sent when the SAPI gives it (HTTP_CONTENT_LENGTH), else CONTENT_LENGTH,
        // which FastCGI servers set to "" for a request without one.
        $declared = $server['HTTP_CONTENT_LENGTH'] ?? (($server['CONTENT_LENGTH'] ?? '') !== '' ? $server['CONTENT_LENGTH'] : null);
        if ($declared !== null) {
            $declared = trim((string) $declared, " \t");
            if (preg_match('/^[0-9]+$/', $declared) !== 1) {
                return self::refusal(400, 'invalid_content_length');
            }
            if ($maxBody !== null && (strlen(ltrim($declared, '0')) > 18 || (int) $declared > $maxBody)) {
                return self::refusal(413, 'body_too_large');
            }
        }
        $body = self::read($input, $maxBody);
        if ($body === null) {
            return self::refusal(413, 'body_too_large');
        }
        $method = is_string($server['REQUEST_METHOD'] ?? null) ? $server['REQUEST_METHOD'] : 'POST';
        try {
            if ($verifier->needsHandshake()) {
                $reply = $verifier->handshake($body, $server, url: self::url($server, $publicUrl), method: $method);
                if ($reply !== null) {
                    if ($reply->secret === null) {
                        return $reply;
                    }
                    if ($onSecret === null) {
                        return self::refusal(500, 'handshake_secret_not_stored');
                    }
                    $onSecret($reply->secret, $server);
                    return $reply;
                }
            }
            $verified = $verifier->verify($body, $server,
                url: $verifier->needsUrl() ? self::url($server, $publicUrl) : null,
                method: $verifier->needsMethod() ? $method : null);
        } catch (VerificationError $e) {
            return self::refusal(403, $e->errorCode);
        }
        if (!$json) {
            return new self($verified, $body);
        }
        try {
            $event = json_decode($body, true, 512, JSON_THROW_ON_ERROR);
        } catch (\JsonException) {
            return self::refusal(400, 'invalid_json');
        }
        return new self($verified, $body, $event);
    }

    /** A refusal: the status and {"error": code}. */
    public static function refusal(int $status, string $code): Reply
    {
        return new Reply($status, 'application/json', [], json_encode(['error' => $code]), null);
    }

    /**
     * The body, or null when it is longer than $maxBody.
     *
     * @param resource|string $input
     */
    private static function read(mixed $input, ?int $maxBody): ?string
    {
        $stream = is_string($input) ? fopen($input, 'rb') : $input;
        if (!is_resource($stream)) {
            throw new \TypeError('input: must be a stream or the name of one, got ' . get_debug_type($input));
        }
        try {
            // One byte past the limit tells a longer body (none to tell past PHP_INT_MAX).
            $body = stream_get_contents($stream, $maxBody === null || $maxBody === PHP_INT_MAX ? null : $maxBody + 1);
        } finally {
            if (is_string($input)) {
                fclose($stream);
            }
        }
        if ($body === false) {
            $body = '';
        }
        return $maxBody !== null && strlen($body) > $maxBody ? null : $body;
    }

    /**
     * The URL the provider called: $publicUrl, or this request's.
     *
     * @param array<string, mixed> $server
     * @param string|\Closure(array<string, mixed>): string|null $publicUrl
     */
    private static function url(array $server, string|\Closure|null $publicUrl): string
    {
        if (is_string($publicUrl)) {
            return $publicUrl;
        }
        if ($publicUrl !== null) {
            return $publicUrl($server);
        }
        $https = $server['HTTPS'] ?? '';
        $scheme = $https !== '' && $https !== 'off' ? 'https' : 'http';
        $host = $server['HTTP_HOST'] ?? (($server['SERVER_NAME'] ?? 'localhost') . ':' . ($server['SERVER_PORT'] ?? 80));
        return "$scheme://$host" . ($server['REQUEST_URI'] ?? '/');
    }
}
