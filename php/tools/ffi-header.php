<?php

declare(strict_types=1);

/*
 * Writes php/include/hooksig.ffi.h: the declarations of bindings/c/include/hooksig.h as
 * PHP's FFI::cdef reads them (it has no preprocessor):
 *
 *   - preprocessed as C11 (`cc -E -P`, the four system headers it includes stubbed out, so
 *     only hooksig's own declarations remain);
 *   - each `const uint8_t *` written `const char *`: the same ABI, and PHP's FFI passes a
 *     PHP string to a `const char *` argument without copying it (the body, the packed
 *     headers);
 *   - the header's integer #defines (HOOKSIG_TOLERANCE_*, HOOKSIG_NEEDS_*, HOOKSIG_KIND_*)
 *     as one enum, which FFI exposes as constants.
 *
 *   php php/tools/ffi-header.php           rewrite the file
 *   php php/tools/ffi-header.php --check   exit 1 when it differs from what hooksig.h gives
 *
 * `make php-header` runs the first; tests/HeaderTest.php does what --check does.
 */

namespace Hooksig\Tools;

const HEADER = __DIR__ . '/../../bindings/c/include/hooksig.h';
const OUTPUT = __DIR__ . '/../include/hooksig.ffi.h';

/** The FFI declarations derived from the C header's text. */
function ffiHeader(string $header): string
{
    $stubs = sys_get_temp_dir() . '/hooksig-ffi-stubs-' . getmypid();
    @mkdir($stubs);
    foreach (['stddef.h', 'stdint.h', 'stdbool.h', 'string.h'] as $name) {
        file_put_contents("$stubs/$name", '');
    }
    $cc = getenv('CC') ?: 'cc';
    $process = proc_open(
        [$cc, '-E', '-P', '-std=c11', '-nostdinc', '-I', $stubs, '-x', 'c', '-'],
        [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
        $pipes,
    );
    if (!is_resource($process)) {
        throw new \RuntimeException("cannot run $cc");
    }
    fwrite($pipes[0], $header);
    fclose($pipes[0]);
    $declarations = stream_get_contents($pipes[1]);
    $errors = stream_get_contents($pipes[2]);
    $status = proc_close($process);
    array_map('unlink', glob("$stubs/*.h"));
    @rmdir($stubs);
    if ($status !== 0) {
        throw new \RuntimeException("$cc -E failed: $errors");
    }
    $declarations = str_replace('const uint8_t *', 'const char *', $declarations);
    $declarations = preg_replace("/\n{2,}/", "\n", trim($declarations));

    preg_match_all('/^#define (HOOKSIG_[A-Z0-9_]+) (\d+)$/m', $header, $defines, PREG_SET_ORDER);
    $constants = array_map(fn (array $d): string => "  {$d[1]} = {$d[2]},", $defines);

    return "/* Generated from bindings/c/include/hooksig.h by php/tools/ffi-header.php: do not\n"
        . " * edit. The declarations as PHP's FFI::cdef reads them (see that script). */\n"
        . "enum hooksig_constants {\n" . implode("\n", $constants) . "\n};\n"
        . $declarations . "\n";
}

if (realpath($_SERVER['SCRIPT_FILENAME'] ?? '') === realpath(__FILE__)) {
    $expected = ffiHeader(file_get_contents(HEADER));
    if (in_array('--check', $argv, true)) {
        if (@file_get_contents(OUTPUT) !== $expected) {
            fwrite(STDERR, "php/include/hooksig.ffi.h is stale: run `make php-header`\n");
            exit(1);
        }
        echo "php/include/hooksig.ffi.h is up to date\n";
        exit(0);
    }
    file_put_contents(OUTPUT, $expected);
    echo "wrote php/include/hooksig.ffi.h\n";
}
