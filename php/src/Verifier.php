<?php

declare(strict_types=1);

namespace Hooksig;

use FFI;
use FFI\CData;

/**
 * Verifies webhook requests for one scheme under one or more keys.
 *
 * Build it once (every configuration error is thrown here) and reuse it: it is immutable.
 *
 *     $verifier = new Hooksig\Verifier('noyo', secret: getenv('NOYO_SECRET'));
 *     $verified = $verifier->verify($body, $headers);   // or throws VerificationError
 *
 * $headers is what PHP gives: a name => value array in any case (a list value is a repeated
 * header; getallheaders(), a PSR-7 getHeaders()), $_SERVER (HTTP_X_... keys), or a list of
 * [name, value] pairs.
 */
final class Verifier
{
    private CData $native;
    private string $described;
    private int $needs;
    /** @var array<string, string> the scheme's header names: lower case => the name packed (length, name) */
    private array $byLower = [];
    /** @var array<string, string> the same names as $_SERVER keys (HTTP_X_...) => the name packed */
    private array $byServerKey = [];
    private CData $out;
    private CData $outAddress;
    private CData $message;
    private CData $messageAddress;

    /**
     * @param string|array<string, mixed> $scheme a preset name ('github', 'stripe', 'noyo', ...), or
     *        a scheme as an array or its JSON text
     * @param string|null $secret the secret (HMAC and token schemes), text or raw bytes
     * @param list<string>|null $secrets several, current first, during a rotation
     * @param string|null $publicKey a provider's public key (Ed25519, ECDSA P-256, Standard
     *        Webhooks v1a) as it shows it: hex, base64, base64 SPKI, PEM, whpk_...
     * @param list<string>|null $publicKeys several public keys
     * @param array<string, string>|null $params construction params: the {NAME}s of the scheme's message
     * @param int|false|null $tolerance the replay window in seconds; false for none; null for the scheme's own
     *
     * @throws ConfigurationError unknown_preset, invalid_scheme, invalid_secret, missing_param, invalid_key
     * @throws \TypeError|\ValueError for arguments hooksig cannot take
     */
    public function __construct(
        string|array $scheme,
        #[\SensitiveParameter] ?string $secret = null,
        #[\SensitiveParameter] ?array $secrets = null,
        ?string $publicKey = null,
        ?array $publicKeys = null,
        ?array $params = null,
        int|false|null $tolerance = null,
    ) {
        [$this->native, $this->described] = Config::build('verifier', $scheme, $secret, $secrets, $publicKey,
            $publicKeys, null, $params, $tolerance);
        $ffi = Native::ffi();
        $this->needs = $ffi->hooksig_verifier_needs($this->native);
        $count = $ffi->hooksig_verifier_header_names($this->native, null, 0);
        if ($count > 0) {
            $names = $ffi->new("hooksig_bytes[$count]");
            $ffi->hooksig_verifier_header_names($this->native, FFI::addr($names[0]), $count);
            for ($i = 0; $i < $count; $i++) {
                $name = strtolower(FFI::string($names[$i]->ptr, $names[$i]->len));
                $this->byLower[$name] = pack('V', strlen($name)) . $name;
                $key = strtoupper(str_replace('-', '_', $name));
                // PHP's SAPIs give these two without the HTTP_ prefix (php -S gives both).
                $this->byServerKey[in_array($key, ['CONTENT_TYPE', 'CONTENT_LENGTH'], true) ? $key : "HTTP_$key"] = $this->byLower[$name];
            }
        }
        // The out-parameters, and their addresses, made once (PHP runs one call at a time).
        $this->out = $ffi->new('hooksig_verified');
        $this->outAddress = FFI::addr($this->out);
        $this->message = $ffi->new('char*');
        $this->messageAddress = FFI::addr($this->message);
    }

    public function __destruct()
    {
        if (isset($this->native)) { // not for a failed clone, nor a failed construction
            Native::ffi()->hooksig_verifier_free($this->native);
        }
    }

    /**
     * Verifies a request.
     *
     * @param string $body the raw request bytes exactly as received (file_get_contents('php://input'))
     * @param array<array-key, mixed> $headers the request headers (see the class comment)
     * @param int|null $now the time of verification, Unix seconds; null for the clock
     * @param string|null $url for schemes that sign it (Square, Twilio, HubSpot, Trello): the URL
     *        the provider called, behind a proxy the public one
     * @param string|null $method for schemes that sign it (HubSpot v3)
     *
     * @throws VerificationError a request to reject, with its ->errorCode
     * @throws ConfigurationError missing_param: the scheme signs the URL or method and it was not given
     * @throws \TypeError|\ValueError for arguments hooksig cannot take
     */
    public function verify(string $body, array $headers, ?int $now = null, ?string $url = null, ?string $method = null): Verified
    {
        $packed = $this->collect($headers);
        $keep = [];
        $context = ($now === null && $url === null && $method === null) ? null
            : FFI::addr(self::context($now, $url, $method, $keep));
        $out = $this->out;
        $code = Native::ffi()->hooksig_verify_packed($this->native, $body, strlen($body), $packed, strlen($packed),
            $context, $this->outAddress, $this->messageAddress);
        if ($code !== 0) {
            throw Native::error($code, Native::takeMessage($this->message));
        }
        // The id points into $packed, alive until this returns.
        return new Verified(
            $out->has_timestamp ? $out->timestamp : null,
            FFI::isNull($out->id) ? null : FFI::string($out->id, $out->id_len),
            $out->secret_index,
        );
    }

    /**
     * Returns whether the request verifies (see verify()); false for a request to reject,
     * never an exception for one. Configuration and argument errors are still thrown.
     *
     * @param array<array-key, mixed> $headers
     */
    public function isValid(string $body, array $headers, ?int $now = null, ?string $url = null, ?string $method = null): bool
    {
        try {
            $this->verify($body, $headers, $now, $url, $method);
            return true;
        } catch (VerificationError) {
            return false;
        }
    }

    /**
     * Answers a provider's handshake (Slack url_verification, Zoom endpoint.url_validation,
     * Twitch, Discord PING, Meta and Dropbox GET challenges, Asana, Okta): the Reply to
     * send, or null for any other request (verify it as usual). A signed handshake is
     * verified first and throws as verify() does; a GET handshake needs $url and $method.
     * Pass every request header.
     *
     * @param array<array-key, mixed> $headers
     */
    public function handshake(string $body, array $headers, ?int $now = null, ?string $url = null, ?string $method = null): ?Reply
    {
        if (!$this->needsHandshake()) {
            return null;
        }
        $packed = Native::pack(Headers::all($headers));
        $keep = [];
        $context = FFI::addr(self::context($now, $url, $method, $keep));
        $ffi = Native::ffi();
        $out = $ffi->new('hooksig_reply*');
        $code = $ffi->hooksig_handshake_packed($this->native, $body, strlen($body), $packed, strlen($packed),
            $context, FFI::addr($out), $this->messageAddress);
        if ($code !== 0) {
            throw Native::error($code, Native::takeMessage($this->message));
        }
        return FFI::isNull($out) ? null : Reply::take($out);
    }

    /** The names of the headers the scheme reads, in lower case. */
    public function headerNames(): array
    {
        return array_map('strval', array_keys($this->byLower));
    }

    /** Whether the scheme signs the request URL: verify() then needs $url. */
    public function needsUrl(): bool
    {
        return ($this->needs & Native::ffi()->HOOKSIG_NEEDS_URL) !== 0;
    }

    /** Whether the scheme signs the request method: verify() then needs $method. */
    public function needsMethod(): bool
    {
        return ($this->needs & Native::ffi()->HOOKSIG_NEEDS_METHOD) !== 0;
    }

    /** Whether the provider sends handshakes (see handshake()). */
    public function needsHandshake(): bool
    {
        return ($this->needs & Native::ffi()->HOOKSIG_NEEDS_HANDSHAKE) !== 0;
    }

    /** @return array<string, string> what var_dump and print_r show: the scheme and key counts, never a key */
    public function __debugInfo(): array
    {
        return ['scheme' => $this->described];
    }

    public function __clone()
    {
        unset($this->native); // this copy must not free the original's native object
        throw new \LogicException('a Hooksig\Verifier cannot be cloned (and need not be: share it)');
    }

    public function __serialize(): array
    {
        throw new \LogicException('a Hooksig\Verifier cannot be serialized (it holds no key in PHP to write)');
    }

    /**
     * The request context for the C call; $keep holds the buffers it points to.
     *
     * @internal
     * @param list<CData> $keep
     */
    public static function context(?int $now, ?string $url, ?string $method, array &$keep): CData
    {
        $context = Native::ffi()->new('hooksig_context');
        if ($now !== null) {
            if ($now < 0) {
                throw new \ValueError("now: must be non-negative Unix seconds, got $now");
            }
            $context->now = $now;
            $context->has_now = true;
        }
        foreach (['url' => $url, 'method' => $method] as $field => $value) {
            if ($value !== null) {
                $keep[] = $buffer = Native::buffer($value);
                Native::setBytes($context->$field, $buffer, strlen($value));
            }
        }
        return $context;
    }

    /**
     * The headers the scheme reads, packed for hooksig_verify_packed (each under the
     * scheme's spelling of its name: the core ignores case). Every spelling a container can
     * hold reaches the core, so that a repeat is seen.
     *
     * @param array<array-key, mixed> $headers
     */
    private function collect(array $headers): string
    {
        $packed = '';
        if (array_is_list($headers)) {
            foreach (Headers::pairs($headers) as [$name, $value]) {
                if (isset($this->byLower[$lower = strtolower($name)])) {
                    $packed .= $this->byLower[$lower] . pack('V', strlen($value)) . $value;
                }
            }
            return $packed;
        }
        // The names as $_SERVER keys (HTTP_X_...): a SAPI gives each header once there.
        foreach ($this->byServerKey as $key => $name) {
            if (isset($headers[$key])) {
                foreach (Headers::values($key, $headers[$key]) as $value) {
                    $packed .= $name . pack('V', strlen($value)) . $value;
                }
            }
        }
        if (isset($headers['REQUEST_METHOD'])) {
            return $packed; // $_SERVER: its other keys are not headers
        }
        // A name => value array: looked up in lower case when no two keys differ only in
        // case (array_change_key_case runs in C: bench/php.md, 30-key cells), else scanned.
        $lower = array_change_key_case($headers, CASE_LOWER);
        if (count($lower) === count($headers)) {
            foreach ($this->byLower as $key => $name) {
                if (isset($lower[$key])) {
                    foreach (Headers::values((string) $key, $lower[$key]) as $value) {
                        $packed .= $name . pack('V', strlen($value)) . $value;
                    }
                }
            }
            return $packed;
        }
        foreach ($headers as $key => $value) {
            if (isset($this->byLower[$lower = strtolower((string) $key)])) {
                foreach (Headers::values((string) $key, $value) as $one) {
                    $packed .= $this->byLower[$lower] . pack('V', strlen($one)) . $one;
                }
            }
        }
        return $packed;
    }
}
