<?php

declare(strict_types=1);

namespace Hooksig\Tests;

/** The conformance vectors of tests/vectors (format: tests/vectors/README.md). */
final class Vectors
{
    public const DIR = __DIR__ . '/../../tests/vectors';

    /**
     * Every case of every tests/vectors/**\/*.json file but http.json (the helper contract,
     * run by HttpContractTest), each with its file name.
     *
     * @return list<array<string, mixed>>
     */
    public static function cases(): array
    {
        static $cases = null;
        if ($cases === null) {
            $cases = [];
            $files = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator(self::DIR, \FilesystemIterator::SKIP_DOTS));
            $paths = [];
            foreach ($files as $file) {
                if ($file->getExtension() === 'json' && $file->getFilename() !== 'http.json') {
                    $paths[] = $file->getPathname();
                }
            }
            sort($paths);
            foreach ($paths as $path) {
                $doc = json_decode((string) file_get_contents($path), true, 512, JSON_THROW_ON_ERROR);
                foreach ($doc['cases'] as $case) {
                    $case['file'] = substr($path, strlen(self::DIR) + 1);
                    $cases[] = $case;
                }
            }
        }
        return $cases;
    }

    /** @return list<array<string, mixed>> the cases of http.json */
    public static function httpCases(): array
    {
        return json_decode((string) file_get_contents(self::DIR . '/http.json'), true, 512, JSON_THROW_ON_ERROR)['cases'];
    }

    /** A vector's byte string: a string, {"hex": ...} or {"repeat": unit, "length": n}. */
    public static function bytes(mixed $value): string
    {
        if (is_string($value)) {
            return $value;
        }
        if (isset($value['hex'])) {
            return (string) hex2bin($value['hex']);
        }
        $unit = $value['repeat'];
        return substr(str_repeat($unit, intdiv($value['length'], strlen($unit)) + 1), 0, $value['length']);
    }

    /** A case's preset name, or its scheme: as an array for even indexes, JSON text for odd. */
    public static function scheme(array $case, int $index): string|array
    {
        if (isset($case['preset'])) {
            return $case['preset'];
        }
        return $index % 2 === 0 ? $case['scheme'] : json_encode($case['scheme'], JSON_UNESCAPED_SLASHES);
    }

    /** @return list<array{string, string}> */
    public static function pairs(array $case): array
    {
        return array_map(fn (array $p): array => [self::bytes($p[0]), self::bytes($p[1])], $case['headers']);
    }

    /** Headers as a name => value array: a name sent twice gets a list value. */
    public static function map(array $case): array
    {
        $map = [];
        foreach (self::pairs($case) as [$name, $value]) {
            if (array_key_exists($name, $map)) {
                $map[$name] = [...(array) $map[$name], $value];
            } else {
                $map[$name] = $value;
            }
        }
        return $map;
    }

    /**
     * Headers as $_SERVER holds them, or null when the names cannot all be $_SERVER keys (an
     * underscore or a byte outside a token, or two names a server would merge).
     */
    public static function server(array $case): ?array
    {
        $server = ['REQUEST_METHOD' => 'POST', 'REQUEST_URI' => '/', 'SCRIPT_NAME' => '/index.php', 'argv' => []];
        foreach (self::pairs($case) as [$name, $value]) {
            if (preg_match('/^[A-Za-z0-9-]+$/', $name) !== 1) {
                return null;
            }
            $key = strtoupper(str_replace('-', '_', $name));
            $key = in_array($key, ['CONTENT_TYPE', 'CONTENT_LENGTH'], true) ? $key : "HTTP_$key";
            if (array_key_exists($key, $server)) {
                return null;
            }
            $server[$key] = $value;
        }
        return $server;
    }
}
