<?php

declare(strict_types=1);

namespace Hooksig;

/** What a successful verification established. */
final class Verified
{
    /**
     * @param int|null $timestamp the timestamp sent, in Unix seconds; null when the scheme has none
     * @param string|null $id the message id sent, as its bytes (not always UTF-8); null when the scheme has no id
     * @param int $secretIndex which key matched, 0 for the first secret (public keys count after the secrets): watch it to finish a rotation
     */
    public function __construct(
        public readonly ?int $timestamp,
        public readonly ?string $id,
        public readonly int $secretIndex,
    ) {
    }
}
