<?php

declare(strict_types=1);

namespace Hooksig\Tests;

use Hooksig\Signer;
use PHPUnit\Framework\TestCase;

/**
 * tests/vectors/http.json, the helper contract, against Webhook::fromGlobals behind a real
 * `php -S` on 127.0.0.1, over a raw socket.
 */
final class HttpContractTest extends TestCase
{
    private static PhpServer $server;
    private static string $handled;

    public static function setUpBeforeClass(): void
    {
        self::$handled = sys_get_temp_dir() . '/hooksig-handled-' . getmypid();
        @mkdir(self::$handled);
        self::$server = new PhpServer(__DIR__ . '/server/contract.php', ['HOOKSIG_HANDLED' => self::$handled]);
    }

    public static function tearDownAfterClass(): void
    {
        self::$server->stop();
        array_map('unlink', glob(self::$handled . '/*'));
        @rmdir(self::$handled);
    }

    /** @return iterable<string, array{string, int}> */
    public static function cases(): iterable
    {
        foreach (Vectors::httpCases() as $index => $case) {
            $json = json_decode(Vectors::bytes($case['body'])) !== null;
            $okExpected = in_array(200, (array) $case['expect']['status'], true);
            if (empty($case['expect']['json_helpers_only'])) {
                yield "verifyGlobals: {$case['name']}" => ['raw', $index];
            }
            // fromGlobals parses the body: every case but a non-JSON body meant to reach the handler.
            if ($json || !$okExpected || !empty($case['expect']['json_helpers_only'])) {
                yield "fromGlobals: {$case['name']}" => ['json', $index];
            }
        }
    }

    /** @dataProvider cases */
    public function testCase(string $helper, int $index): void
    {
        $case = Vectors::httpCases()[$index];
        $path = "/$helper/$index";
        $body = Vectors::bytes($case['body']);
        $headers = [];
        if (isset($case['sign'])) {
            $signer = new Signer($case['preset'], secrets: isset($case['private_key']) ? null : $case['secrets'],
                privateKey: $case['private_key'] ?? null);
            $url = $case['sign']['url'] ?? null;
            $signed = $signer->sign($body, time() - $case['sign']['age'], null,
                $url === 'request' ? self::$server->url($path) : $url, 'POST');
            foreach ($signed as $name => $value) {
                $headers[] = [$name, $value];
            }
        }
        foreach ($case['headers'] ?? [] as [$name, $value]) {
            $headers[] = [Vectors::bytes($name), Vectors::bytes($value)];
        }
        $headers[] = ['Content-Type', 'application/json'];
        $contentLength = array_key_exists('content_length', $case) ? ($case['content_length'] ?? false) : null;
        [$status, $responseHeaders, $answer] = self::$server->request('POST', $path, $headers, $body, $contentLength);

        $expect = $case['expect'];
        $statuses = (array) $expect['status'];
        if (in_array(400, $statuses, true) && is_string($contentLength)) {
            // php -S refuses a Content-Length that is not a number by closing the connection
            // without an answer (nginx or Apache in front answer 400): status 0 here.
            $statuses[] = 0;
        }
        self::assertContains($status, $statuses, "status $status: $answer");
        if (isset($expect['error'])) {
            // A code, or a list of acceptable ones: PHP's SAPIs join a repeated header's
            // lines with ", " before PHP runs, so a repeat arrives as one value that does
            // not verify (signature_mismatch, where the repeat itself is invalid_header).
            $answered = json_decode($answer, true);
            self::assertIsArray($answered, $answer);
            self::assertSame(['error'], array_keys($answered), $answer);
            self::assertContains($answered['error'], (array) $expect['error'], $answer);
            self::assertSame('application/json', $responseHeaders['content-type'] ?? null);
        }
        $record = self::$handled . "/$helper-$index";
        $ran = is_file($record);
        if (isset($expect['handler'])) {
            self::assertSame($expect['handler'], $ran, 'whether the handler ran');
        }
        if (isset($expect['handler_if_status'])) {
            self::assertSame($status === $expect['handler_if_status'], $ran, "whether the handler ran, status $status");
        }
        if ($ran) {
            self::assertSame(hash('sha256', $body), file_get_contents($record), 'the body the handler read');
        }
    }
}
