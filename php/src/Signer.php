<?php

declare(strict_types=1);

namespace Hooksig;

use FFI;
use FFI\CData;

/**
 * Produces the headers a provider would send: for tests, and for sending webhooks.
 *
 *     $signer = new Hooksig\Signer('stripe', secret: 'whsec_...');
 *     $headers = $signer->sign($body);   // ['Stripe-Signature' => 't=...,v1=...']
 */
final class Signer
{
    private CData $native;
    private string $described;

    /**
     * Arguments and errors as Verifier's; it signs with the first secret, or for a
     * public-key scheme with $privateKey (whsk_..., a PKCS#8 PEM block, or a 64-hex-digit
     * Ed25519 seed).
     *
     * @param string|array<string, mixed> $scheme
     * @param list<string>|null $secrets
     * @param array<string, string>|null $params
     */
    public function __construct(
        string|array $scheme,
        #[\SensitiveParameter] ?string $secret = null,
        #[\SensitiveParameter] ?array $secrets = null,
        #[\SensitiveParameter] ?string $privateKey = null,
        ?array $params = null,
    ) {
        [$this->native, $this->described] = Config::build('signer', $scheme, $secret, $secrets, null, null,
            $privateKey, $params, null);
    }

    public function __destruct()
    {
        if (isset($this->native)) { // not for a failed clone, nor a failed construction
            Native::ffi()->hooksig_signer_free($this->native);
        }
    }

    /**
     * Signs $body and returns the headers to send, name => value, in the provider's order.
     *
     * @param int|null $timestamp Unix seconds; null for now
     * @param string|null $id the message id (UTF-8), for schemes with one; null for a random msg_ id
     * @param string|null $url for schemes that sign it: the URL the webhook goes to
     * @param string|null $method for schemes that sign it
     * @return array<string, string>
     */
    public function sign(string $body, ?int $timestamp = null, ?string $id = null, ?string $url = null, ?string $method = null): array
    {
        $ffi = Native::ffi();
        $keep = [];
        $context = Verifier::context($timestamp, $url, $method, $keep);
        $idBuffer = null;
        if ($id !== null) {
            $keep[] = $idBuffer = Native::buffer($id);
        }
        $out = $ffi->new('hooksig_signed*');
        $message = $ffi->new('char*');
        $code = $ffi->hooksig_sign($this->native, $body, strlen($body),
            $idBuffer === null ? null : $ffi->cast('const char *', FFI::addr($idBuffer)), $id === null ? 0 : strlen($id),
            FFI::addr($context), FFI::addr($out), FFI::addr($message));
        if ($code !== 0) {
            throw Native::error($code, Native::takeMessage($message));
        }
        try {
            $headers = [];
            $header = $ffi->new('hooksig_header');
            for ($i = 0, $n = $ffi->hooksig_signed_len($out); $i < $n; $i++) {
                $ffi->hooksig_signed_get($out, $i, FFI::addr($header));
                $headers[FFI::string($header->name, $header->name_len)] = FFI::string($header->value, $header->value_len);
            }
            return $headers;
        } finally {
            $ffi->hooksig_signed_free($out);
        }
    }

    /** @return array<string, string> the scheme and key counts, never a key */
    public function __debugInfo(): array
    {
        return ['scheme' => $this->described];
    }

    public function __clone()
    {
        unset($this->native); // this copy must not free the original's native object
        throw new \LogicException('a Hooksig\Signer cannot be cloned');
    }

    public function __serialize(): array
    {
        throw new \LogicException('a Hooksig\Signer cannot be serialized');
    }
}
