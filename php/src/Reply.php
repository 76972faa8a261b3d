<?php

declare(strict_types=1);

namespace Hooksig;

use FFI;
use FFI\CData;

/** What to answer a provider's handshake (Verifier::handshake()). */
final class Reply
{
    /**
     * @param int $status the HTTP status
     * @param string $contentType the Content-Type of the body
     * @param list<array{string, string}> $headers other headers to send, [name, value], in order
     * @param string $body the body
     * @param string|null $secret the secret the provider handed over (Asana's X-Hook-Secret):
     *        store it before answering; null for every other provider. Never shown by var_dump.
     */
    public function __construct(
        public readonly int $status,
        public readonly string $contentType,
        public readonly array $headers,
        public readonly string $body,
        #[\SensitiveParameter] public readonly ?string $secret,
    ) {
    }

    /** Sends the reply (status, headers, body) with PHP's header() and echo. */
    public function send(): void
    {
        http_response_code($this->status);
        header('Content-Type: ' . $this->contentType);
        header('Content-Length: ' . strlen($this->body));
        foreach ($this->headers as [$name, $value]) {
            header("$name: $value", false);
        }
        echo $this->body;
    }

    /** @return array<string, mixed> */
    public function __debugInfo(): array
    {
        return ['status' => $this->status, 'contentType' => $this->contentType, 'headers' => $this->headers,
            'body' => $this->body, 'secret' => $this->secret === null ? null : '[hidden]'];
    }

    /** Reads a hooksig_reply and frees it. @internal */
    public static function take(CData $reply): self
    {
        try {
            $headers = [];
            for ($i = 0; $i < $reply->headers_len; $i++) {
                $header = $reply->headers[$i];
                $headers[] = [FFI::string($header->name, $header->name_len), FFI::string($header->value, $header->value_len)];
            }
            return new self(
                $reply->status,
                FFI::string($reply->content_type),
                $headers,
                FFI::string($reply->body->ptr, $reply->body->len),
                FFI::isNull($reply->secret->ptr) ? null : FFI::string($reply->secret->ptr, $reply->secret->len),
            );
        } finally {
            Native::ffi()->hooksig_reply_free($reply);
        }
    }
}
