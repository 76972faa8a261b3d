<?php

declare(strict_types=1);

namespace Hooksig;

use FFI;
use FFI\CData;

/**
 * Builds the native verifier or signer from PHP arguments: checks their types, lays them
 * out as a hooksig_config, calls hooksig_verifier_new / hooksig_signer_new, maps the
 * error.
 *
 * @internal
 */
final class Config
{
    /**
     * @param 'verifier'|'signer' $kind
     * @param string|array<string, mixed> $scheme
     * @param list<string>|null $secrets
     * @param list<string>|null $publicKeys
     * @param array<string, string>|null $params
     * @return array{CData, string} the native pointer, and a description for var_dump
     */
    public static function build(
        string $kind,
        string|array $scheme,
        #[\SensitiveParameter] ?string $secret,
        #[\SensitiveParameter] ?array $secrets,
        ?string $publicKey,
        ?array $publicKeys,
        #[\SensitiveParameter] ?string $privateKey,
        ?array $params,
        int|false|null $tolerance,
    ): array {
        $ffi = Native::ffi();
        if (is_array($scheme)) {
            try {
                $text = json_encode($scheme, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
            } catch (\JsonException $e) {
                throw new \ValueError('scheme: the array cannot be written as JSON: ' . $e->getMessage());
            }
            $described = 'custom scheme';
        } else {
            $text = $scheme;
            $described = str_starts_with(ltrim($scheme), '{') ? 'custom scheme' : json_encode($scheme);
        }
        $secretList = self::keyList($secret, $secrets, 'secret');
        $keyList = self::keyList($publicKey, $publicKeys, 'publicKey');

        $memory = []; // every buffer, alive until the call returns, then wiped
        try {
            $config = $ffi->new('hooksig_config');
            $memory[] = $preset = Native::buffer($text);
            $config->preset = $ffi->cast('const char *', FFI::addr($preset));
            $config->preset_len = strlen($text);
            [$config->secrets, $config->secrets_len] = self::bytesArray($secretList, $memory);
            [$config->public_keys, $config->public_keys_len] = self::bytesArray($keyList, $memory);
            if ($privateKey !== null) {
                $memory[] = $buffer = Native::buffer($privateKey);
                Native::setBytes($config->private_key, $buffer, strlen($privateKey));
            }
            [$config->params, $config->params_len] = self::paramArray(self::paramList($params), $memory);
            if ($tolerance === null) {
                $config->tolerance_mode = $ffi->HOOKSIG_TOLERANCE_DEFAULT;
            } elseif ($tolerance === false) {
                $config->tolerance_mode = $ffi->HOOKSIG_TOLERANCE_NONE;
            } else {
                if ($tolerance < 0) {
                    throw new \ValueError("tolerance: must be a non-negative number of seconds, got $tolerance");
                }
                $config->tolerance_mode = $ffi->HOOKSIG_TOLERANCE_SECONDS;
                $config->tolerance_seconds = $tolerance;
            }
            $out = $ffi->new("hooksig_{$kind}*");
            $message = $ffi->new('char*');
            $function = "hooksig_{$kind}_new";
            $code = $ffi->$function(FFI::addr($config), FFI::addr($out), FFI::addr($message));
            if ($code !== 0) {
                throw Native::error($code, Native::takeMessage($message));
            }
        } finally {
            array_map([Native::class, 'wipe'], $memory);
        }
        $described .= sprintf(', %d secret%s, %d public key%s', count($secretList), count($secretList) === 1 ? '' : 's',
            count($keyList), count($keyList) === 1 ? '' : 's');
        return [$out, $described];
    }

    /**
     * `secret:` or `secrets:` (likewise `publicKey:` / `publicKeys:`): at most one of the two,
     * the plural a list of strings (text or raw bytes). An empty list goes to the core, which
     * says what is missing.
     *
     * @param array<mixed>|null $many
     * @return list<string>
     */
    private static function keyList(?string $one, ?array $many, string $name): array
    {
        if ($one !== null && $many !== null) {
            throw new \ValueError("pass {$name}: or {$name}s:, not both");
        }
        if ($many === null) {
            return $one === null ? [] : [$one];
        }
        if (!array_is_list($many)) {
            throw new \TypeError("{$name}s: must be a list of strings");
        }
        foreach ($many as $i => $key) {
            if (!is_string($key)) {
                throw new \TypeError("{$name}s[$i] must be a string (text or raw bytes), got " . get_debug_type($key));
            }
        }
        return $many;
    }

    /**
     * @param array<mixed>|null $params
     * @return list<array{string, string}>
     */
    private static function paramList(?array $params): array
    {
        if ($params === null || $params === []) {
            return [];
        }
        if (array_is_list($params)) {
            throw new \TypeError('params: must be an array of name => value, got a list');
        }
        $pairs = [];
        foreach ($params as $name => $value) {
            if (!is_string($value)) {
                throw new \TypeError("params[\"$name\"] must be a string, got " . get_debug_type($value));
            }
            $pairs[] = [(string) $name, $value];
        }
        return $pairs;
    }

    /**
     * @param list<string> $strings
     * @param list<CData> $memory
     * @return array{CData|null, int}
     */
    private static function bytesArray(array $strings, array &$memory): array
    {
        if ($strings === []) {
            return [null, 0];
        }
        $ffi = Native::ffi();
        $memory[] = $array = $ffi->new('hooksig_bytes[' . count($strings) . ']');
        foreach ($strings as $i => $string) {
            $memory[] = $buffer = Native::buffer($string);
            Native::setBytes($array[$i], $buffer, strlen($string));
        }
        return [$ffi->cast('const hooksig_bytes *', FFI::addr($array[0])), count($strings)];
    }

    /**
     * @param list<array{string, string}> $pairs
     * @param list<CData> $memory
     * @return array{CData|null, int}
     */
    private static function paramArray(array $pairs, array &$memory): array
    {
        if ($pairs === []) {
            return [null, 0];
        }
        $ffi = Native::ffi();
        $memory[] = $array = $ffi->new('hooksig_header[' . count($pairs) . ']');
        foreach ($pairs as $i => [$name, $value]) {
            $memory[] = $nameBuffer = Native::buffer($name);
            $memory[] = $valueBuffer = Native::buffer($value);
            $array[$i]->name = $ffi->cast('const char *', FFI::addr($nameBuffer));
            $array[$i]->name_len = strlen($name);
            $array[$i]->value = $ffi->cast('const char *', FFI::addr($valueBuffer));
            $array[$i]->value_len = strlen($value);
        }
        return [$ffi->cast('const hooksig_header *', FFI::addr($array[0])), count($pairs)];
    }
}
