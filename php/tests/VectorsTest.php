<?php

declare(strict_types=1);

namespace Hooksig\Tests;

use Hooksig\ConfigurationError;
use Hooksig\HooksigError;
use Hooksig\Signer;
use Hooksig\VerificationError;
use Hooksig\Verifier;
use PHPUnit\Framework\TestCase;

/**
 * Every conformance vector through the PHP API: verify cases with the headers as [name,
 * value] pairs, as a name => value array and as $_SERVER; sign and handshake cases; the
 * hostile argument types (this file declares strict_types, as hooksig's own files do).
 */
final class VectorsTest extends TestCase
{
    /** @var array<string, int> */
    private static array $ran = [];

    public static function tearDownAfterClass(): void
    {
        ksort(self::$ran);
        $counts = implode(', ', array_map(fn ($k, $v) => "$v $k", array_keys(self::$ran), self::$ran));
        fwrite(STDERR, sprintf("\nhooksig vectors: %d cases; ran %s\n", count(Vectors::cases()), $counts));
    }

    public function testEveryFileIsThere(): void
    {
        $files = array_unique(array_column(Vectors::cases(), 'file'));
        self::assertGreaterThanOrEqual(3000, count(Vectors::cases()));
        self::assertContains('presets.json', $files);
        self::assertContains('published.json', $files);
        self::assertContains('hostile/types.json', $files);
    }

    /** @return iterable<string, array{int}> */
    public static function cases(): iterable
    {
        foreach (Vectors::cases() as $index => $case) {
            yield "{$case['file']}: {$case['name']}" => [$index];
        }
    }

    /** @dataProvider cases */
    public function testVector(int $index): void
    {
        $case = Vectors::cases()[$index];
        $op = $case['op'] ?? 'verify';
        match (true) {
            !empty($case['raw_args']) => $this->runRaw($case, $index),
            $op === 'sign' => $this->runSign($case, $index),
            $op === 'handshake' => $this->runHandshake($case, $index),
            $op === 'verify' => $this->runVerify($case, $index),
        };
        self::$ran[!empty($case['raw_args']) ? 'raw' : $op] = (self::$ran[!empty($case['raw_args']) ? 'raw' : $op] ?? 0) + 1;
    }

    private function runVerify(array $case, int $index): void
    {
        $verifier = $this->build($case, $index);
        if ($verifier === null) {
            return;
        }
        $body = Vectors::bytes($case['body']);
        $forms = ['pairs' => Vectors::pairs($case), 'map' => Vectors::map($case), 'server' => Vectors::server($case)];
        foreach ($forms as $form => $headers) {
            if ($headers === null) {
                continue; // names $_SERVER cannot hold: run as pairs and as a map
            }
            try {
                $verified = $verifier->verify($body, $headers, self::now($case), $case['url'] ?? null, $case['method'] ?? null);
                self::assertArrayNotHasKey('error', $case['expect'], "{$case['name']} ($form): verified");
                self::assertSame(
                    [$case['expect']['secret_index'], $case['expect']['timestamp'], self::id($case['expect']['id'])],
                    [$verified->secretIndex, $verified->timestamp, $verified->id],
                    "{$case['name']} ($form)",
                );
            } catch (HooksigError $e) {
                $this->assertError($case, $e, $form);
                if ($e->errorCode === 'missing_param') {
                    self::assertInstanceOf(ConfigurationError::class, $e);
                } else {
                    self::assertInstanceOf(VerificationError::class, $e);
                }
            }
            self::$ran["verify, headers as $form"] = (self::$ran["verify, headers as $form"] ?? 0) + 1;
        }
    }

    private function runSign(array $case, int $index): void
    {
        try {
            $signer = new Signer(Vectors::scheme($case, $index),
                secrets: isset($case['secrets']) ? array_map([Vectors::class, 'bytes'], $case['secrets']) : null,
                privateKey: $case['private_key'] ?? null, params: $case['params'] ?? null);
            $headers = $signer->sign(Vectors::bytes($case['body']), $case['sign']['timestamp'] ?? null,
                $case['sign']['id'] ?? null, $case['url'] ?? null, $case['method'] ?? null);
        } catch (HooksigError $e) {
            $this->assertError($case, $e, 'sign');
            return;
        }
        self::assertArrayHasKey('headers', $case['expect'], "{$case['name']}: signed");
        self::assertSame($case['expect']['headers'], array_map(null, array_keys($headers), array_values($headers)), $case['name']);
    }

    private function runHandshake(array $case, int $index): void
    {
        $verifier = $this->build($case, $index);
        if ($verifier === null) {
            return;
        }
        try {
            $reply = $verifier->handshake(Vectors::bytes($case['body']), Vectors::pairs($case), self::now($case),
                $case['url'] ?? null, $case['method'] ?? null);
        } catch (HooksigError $e) {
            $this->assertError($case, $e, 'handshake');
            return;
        }
        self::assertArrayHasKey('reply', $case['expect'], $case['name']);
        if ($case['expect']['reply'] === null) {
            self::assertNull($reply, $case['name']);
            return;
        }
        $got = ['status' => $reply->status, 'content_type' => $reply->contentType, 'headers' => $reply->headers,
            'body' => $reply->body];
        if ($reply->secret !== null) {
            $got['secret'] = $reply->secret;
        }
        self::assertSame($case['expect']['reply'], $got, $case['name']);
    }

    /** hostile/types.json: the JSON values themselves go to the API, which must refuse them. */
    private function runRaw(array $case, int $index): void
    {
        $tolerance = array_key_exists('tolerance', $case) ? ($case['tolerance'] ?? false) : null;
        try {
            if (($case['op'] ?? 'verify') === 'sign') {
                $signer = new Signer(Vectors::scheme($case, $index), secrets: $case['secrets'] ?? null,
                    privateKey: $case['private_key'] ?? null, params: $case['params'] ?? null);
                $signer->sign($case['body'], $case['sign']['timestamp'] ?? null, null, $case['url'] ?? null,
                    $case['method'] ?? null);
            } else {
                $verifier = new Verifier(Vectors::scheme($case, $index), secrets: $case['secrets'] ?? null,
                    publicKeys: $case['public_keys'] ?? null, params: $case['params'] ?? null, tolerance: $tolerance);
                $verifier->verify($case['body'], $case['headers'], $case['now'] ?? null, $case['url'] ?? null,
                    $case['method'] ?? null);
            }
        } catch (\TypeError|\ValueError $e) {
            self::assertGreaterThanOrEqual(20, strlen($e->getMessage()), "{$case['name']}: a clear message");
            $frames = array_merge([['class' => null, 'file' => $e->getFile()]], $e->getTrace());
            $atBoundary = false;
            foreach ($frames as $frame) {
                $atBoundary = $atBoundary || str_starts_with($frame['class'] ?? '', 'Hooksig\\') && !str_starts_with($frame['class'], 'Hooksig\\Tests')
                    || str_contains($frame['file'] ?? '', '/php/src/');
            }
            self::assertTrue($atBoundary, "{$case['name']}: raised at hooksig's boundary");
            return;
        } catch (HooksigError $e) {
            self::fail("{$case['name']}: expected TypeError/ValueError, got {$e->errorCode}: {$e->getMessage()}");
        }
        self::fail("{$case['name']}: expected TypeError/ValueError, it passed");
    }

    /** Builds the case's verifier, or checks its configuration error and returns null. */
    private function build(array $case, int $index): ?Verifier
    {
        try {
            return new Verifier(
                Vectors::scheme($case, $index),
                secrets: isset($case['secrets']) ? array_map([Vectors::class, 'bytes'], $case['secrets']) : null,
                publicKeys: $case['public_keys'] ?? null,
                params: $case['params'] ?? null,
                tolerance: array_key_exists('tolerance', $case) ? ($case['tolerance'] ?? false) : null,
            );
        } catch (ConfigurationError $e) {
            $this->assertError($case, $e, 'construction');
            return null;
        }
    }

    private function assertError(array $case, HooksigError $e, string $where): void
    {
        self::assertSame($case['expect']['error'] ?? '(no error)', $e->errorCode, "{$case['name']} ($where): {$e->getMessage()}");
        if (isset($case['message_contains'])) {
            self::assertStringContainsString($case['message_contains'], $e->getMessage(), $case['name']);
        }
    }

    /** now: a PHP int ends at 2^63-1 ("now at u64 max" runs with the largest one). */
    private static function now(array $case): ?int
    {
        $now = $case['now'] ?? null;
        return is_float($now) && $now >= PHP_INT_MAX ? PHP_INT_MAX : $now;
    }

    private static function id(mixed $id): ?string
    {
        return $id === null ? null : Vectors::bytes($id);
    }
}
