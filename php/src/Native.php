<?php

declare(strict_types=1);

namespace Hooksig;

use FFI;
use FFI\CData;

/**
 * The C ABI of libhooksig_c (bindings/c/include/hooksig.h) through PHP's FFI: loading the
 * library, the error table, and the byte-level helpers the classes share.
 *
 * @internal use Verifier, Signer and Webhook
 */
final class Native
{
    /** The FFI scope of the header bin/hooksig-ffi-header writes, for ffi.preload. */
    public const SCOPE = 'HOOKSIG';

    private static ?FFI $ffi = null;

    /** @var array<int, array{string, int}>|null the core's error table: number => [name, kind] */
    private static ?array $codes = null;

    public static function ffi(): FFI
    {
        return self::$ffi ??= self::load();
    }

    /**
     * Where the library is looked for, in order: HOOKSIG_LIB, next to the package
     * (php/lib/), then, in a checkout of the repository, cargo's target directory.
     *
     * @return list<string>
     */
    public static function candidates(): array
    {
        $root = dirname(__DIR__, 2);
        $candidates = [];
        $explicit = getenv('HOOKSIG_LIB');
        if ($explicit !== false && $explicit !== '') {
            $candidates[] = $explicit;
        }
        $candidates[] = dirname(__DIR__) . '/lib/libhooksig_c.so';
        if (is_file("$root/Cargo.toml")) {
            $candidates[] = "$root/target/release/libhooksig_c.so";
            $candidates[] = "$root/target/debug/libhooksig_c.so";
        }
        return $candidates;
    }

    public static function libraryPath(): string
    {
        $explicit = getenv('HOOKSIG_LIB');
        if ($explicit !== false && $explicit !== '' && !is_file($explicit)) {
            throw new \RuntimeException("HOOKSIG_LIB=$explicit is not a file: point it at libhooksig_c.so");
        }
        foreach (self::candidates() as $path) {
            if (is_file($path)) {
                return $path;
            }
        }
        throw new \RuntimeException(
            "hooksig: the native library libhooksig_c.so was not found. Looked in:\n  "
            . implode("\n  ", self::candidates()) . "\n"
            . "Build it with Rust in a checkout of hooksig (`cargo build --release -p hooksig-c`), "
            . 'then copy target/release/libhooksig_c.so to ' . dirname(__DIR__) . '/lib/ or set '
            . 'HOOKSIG_LIB=/path/to/libhooksig_c.so.'
        );
    }

    /** The declarations FFI reads (generated from hooksig.h by tools/ffi-header.php). */
    public static function declarations(): string
    {
        return (string) file_get_contents(dirname(__DIR__) . '/include/hooksig.ffi.h');
    }

    /**
     * The declarations with the FFI_SCOPE and FFI_LIB lines of a header for PHP's
     * ffi.preload setting (bin/hooksig-ffi-header writes it): the server then loads the
     * library once, and every request uses it through FFI::scope('HOOKSIG'), even where
     * ffi.enable=preload (the default) forbids FFI::cdef.
     */
    public static function preloadHeader(): string
    {
        return sprintf("#define FFI_SCOPE \"%s\"\n#define FFI_LIB \"%s\"\n%s", self::SCOPE,
            addcslashes((string) realpath(self::libraryPath()), "\"\\"), self::declarations());
    }

    private static function load(): FFI
    {
        if (!extension_loaded('ffi')) {
            throw new \RuntimeException('hooksig needs PHP\'s FFI extension (Debian: php-cli has it; `php -m | grep FFI`)');
        }
        if (ini_get('ffi.preload')) {
            try {
                return FFI::scope(self::SCOPE);
            } catch (FFI\Exception) {
                // ffi.preload names other headers: load it here.
            }
        }
        try {
            return FFI::cdef(self::declarations(), self::libraryPath());
        } catch (FFI\Exception $e) {
            throw new \RuntimeException(
                'hooksig cannot load its library through FFI: ' . $e->getMessage()
                . '. Outside the command line PHP allows FFI::cdef only with ffi.enable=true; with '
                . 'ffi.enable=preload (the default) preload the library: ffi.preload=<the file that '
                . 'vendor/bin/hooksig-ffi-header writes> (see docs/php.md).',
                0,
                $e,
            );
        }
    }

    /**
     * The core's error table, read from the C ABI once: hooksig_code_name and
     * hooksig_code_kind for 1, 2, ... until the kind is 0.
     *
     * @return array<int, array{string, int}> number => [name, kind]
     */
    public static function codes(): array
    {
        if (self::$codes === null) {
            $ffi = self::ffi();
            self::$codes = [];
            for ($n = 1; ($kind = $ffi->hooksig_code_kind($n)) !== 0; $n++) {
                self::$codes[$n] = [$ffi->hooksig_code_name($n), $kind];
            }
        }
        return self::$codes;
    }

    /**
     * The exception for a result code and its message: a code of the core's table maps to
     * the class of its kind; the ABI's invalid_argument to \ValueError.
     */
    public static function error(int $code, string $message): \Throwable
    {
        $codes = self::codes();
        if (isset($codes[$code])) {
            [$name, $kind] = $codes[$code];
            return $kind === self::ffi()->HOOKSIG_KIND_VERIFICATION
                ? new VerificationError($name, $message, $code)
                : new ConfigurationError($name, $message, $code);
        }
        if ($code === self::ffi()->HOOKSIG_INVALID_ARGUMENT) {
            return new \ValueError("hooksig: $message");
        }
        return new \RuntimeException(sprintf('hooksig: %s (code %d, a bug in hooksig: please report it): %s',
            self::ffi()->hooksig_code_name($code), $code, $message));
    }

    /** Reads the message a failed call wrote through message_out, and frees it. */
    public static function takeMessage(CData $message): string
    {
        if (FFI::isNull($message)) {
            return '';
        }
        $text = FFI::string($message);
        self::ffi()->hooksig_string_free($message);
        return $text;
    }

    /**
     * Copies $bytes into C memory owned by PHP (freed with the returned CData), for a
     * struct field that points to it; wiped on request (secrets, keys).
     */
    public static function buffer(string $bytes): CData
    {
        $buffer = self::ffi()->new('char[' . max(strlen($bytes), 1) . ']');
        FFI::memcpy($buffer, $bytes, strlen($bytes));
        return $buffer;
    }

    /** Points a hooksig_bytes at $buffer (from buffer()) holding $length bytes. */
    public static function setBytes(CData $field, CData $buffer, int $length): void
    {
        $field->ptr = self::ffi()->cast('const char *', FFI::addr($buffer));
        $field->len = $length;
    }

    /** Zeroes a buffer that held a secret. */
    public static function wipe(CData $buffer): void
    {
        FFI::memset($buffer, 0, FFI::sizeof($buffer));
    }

    /**
     * Packs header pairs in the C ABI's packed form: for each, a little-endian uint32 name
     * length, the name, a uint32 value length, the value.
     *
     * @param list<array{string, string}> $pairs
     */
    public static function pack(array $pairs): string
    {
        $packed = '';
        foreach ($pairs as [$name, $value]) {
            $packed .= pack('V', strlen($name)) . $name . pack('V', strlen($value)) . $value;
        }
        return $packed;
    }
}
