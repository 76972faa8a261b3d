<?php

declare(strict_types=1);

namespace Hooksig\Tests;

use Hooksig\Native;
use PHPUnit\Framework\TestCase;

/**
 * The production setup where FFI is allowed only in preloaded code (ffi.enable=preload, the
 * default outside the command line): ffi.preload with the header bin/hooksig-ffi-header
 * writes, opcache.preload with preload.php; the AQID example behind `php -S` so configured.
 */
final class PreloadTest extends TestCase
{
    public function testTheAqidExampleRunsPreloaded(): void
    {
        $header = tempnam(sys_get_temp_dir(), 'hooksig-ffi-');
        exec(escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg(dirname(__DIR__) . '/bin/hooksig-ffi-header') . ' > ' . escapeshellarg($header), $out, $status);
        self::assertSame(0, $status);
        self::assertStringStartsWith("#define FFI_SCOPE \"HOOKSIG\"\n#define FFI_LIB \"" . realpath(Native::libraryPath()) . "\"\n",
            (string) file_get_contents($header));
        $ini = ['ffi.enable=preload', "ffi.preload=$header", 'opcache.enable=1', 'opcache.enable_cli=1',
            'opcache.preload=' . dirname(__DIR__) . '/preload.php'];
        if (function_exists('posix_getuid') && posix_getuid() === 0) {
            $ini[] = 'opcache.preload_user=root';
        }
        $server = new PhpServer(dirname(__DIR__) . '/examples/aqid.php', ['AQID_SECRET' => 's3cret'], $ini);
        try {
            $body = '{"event":"ping"}';
            $signature = base64_encode(hash_hmac('sha256', $body, 's3cret', true));
            self::assertSame([200, '{"received":"ping"}'],
                array_values(array_diff_key($server->request('POST', '/', [['X-AQID-Signature', $signature]], $body), [1 => 0])));
            self::assertSame(403, $server->request('POST', '/', [['X-AQID-Signature', $signature]], '{}')[0]);
        } finally {
            $server->stop();
            unlink($header);
        }
    }
}
