<?php

declare(strict_types=1);

namespace Hooksig\Tests;

use Hooksig\Native;
use PHPUnit\Framework\TestCase;

use function Hooksig\Tools\ffiHeader;

require_once dirname(__DIR__) . '/tools/ffi-header.php';

/** include/hooksig.ffi.h is what tools/ffi-header.php derives from the C header now. */
final class HeaderTest extends TestCase
{
    public function testTheFfiDeclarationsAreTheCHeaders(): void
    {
        $header = (string) file_get_contents(dirname(__DIR__, 2) . '/bindings/c/include/hooksig.h');
        self::assertSame(ffiHeader($header), Native::declarations(),
            'php/include/hooksig.ffi.h is stale: run `make php-header`, then check the PHP code against the changed ABI');
    }

    public function testEveryDefineIsAConstant(): void
    {
        $header = (string) file_get_contents(dirname(__DIR__, 2) . '/bindings/c/include/hooksig.h');
        preg_match_all('/^#define (HOOKSIG_[A-Z0-9_]+) (\d+)$/m', $header, $defines, PREG_SET_ORDER);
        self::assertNotEmpty($defines);
        foreach ($defines as [, $name, $value]) {
            self::assertSame((int) $value, Native::ffi()->$name, $name);
        }
    }
}
