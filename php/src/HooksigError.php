<?php

declare(strict_types=1);

namespace Hooksig;

/**
 * The base of every error hooksig reports about a request or a configuration.
 * $errorCode is the stable string shared by every language (Python, Node.js, Ruby, Go, C):
 * "signature_mismatch", "missing_header", ...; getCode() is its number in the C ABI. The
 * message says what is wrong and what to check, and never holds a secret, a key or an
 * expected signature.
 */
abstract class HooksigError extends \RuntimeException
{
    /** The stable error code, e.g. "signature_mismatch". */
    public readonly string $errorCode;

    public function __construct(string $errorCode, string $message, int $number = 0, ?\Throwable $previous = null)
    {
        parent::__construct($message, $number, $previous);
        $this->errorCode = $errorCode;
    }
}
