<?php

declare(strict_types=1);

namespace Hooksig\Tests;

use PHPUnit\Framework\TestCase;

/**
 * examples/aqid.php (AQID's PHP snippet, ported) behind a real `php -S`, receiving valid
 * and tampered webhooks signed the way AQID's snippet checks them: base64 of
 * hash_hmac('sha256', $payloadBody, $sharedSecret, true), in X-AQID-Signature.
 */
final class AqidExampleTest extends TestCase
{
    private const SECRET = 'aqid-shared-secret-for-tests';
    private const EVENT = '{"event":"payment.completed","data":{"id":"pay_7","amount":4200}}';

    private static PhpServer $server;

    public static function setUpBeforeClass(): void
    {
        self::$server = new PhpServer(dirname(__DIR__) . '/examples/aqid.php', ['AQID_SECRET' => self::SECRET]);
    }

    public static function tearDownAfterClass(): void
    {
        self::$server->stop();
    }

    private static function signature(string $body, string $secret = self::SECRET): string
    {
        return base64_encode(hash_hmac('sha256', $body, $secret, true));
    }

    /** @return iterable<string, array{string, list<array{string, string}>, int, string}> */
    public static function deliveries(): iterable
    {
        $tampered = str_replace('4200', '420000', self::EVENT);
        yield 'a valid webhook' => [self::EVENT, [['X-AQID-Signature', self::signature(self::EVENT)]], 200, '{"received":"payment.completed"}'];
        yield 'the header name in lower case' => [self::EVENT, [['x-aqid-signature', self::signature(self::EVENT)]], 200, '{"received":"payment.completed"}'];
        yield 'a tampered body' => [$tampered, [['X-AQID-Signature', self::signature(self::EVENT)]], 403, '{"error":"signature_mismatch"}'];
        yield 'another secret' => [self::EVENT, [['X-AQID-Signature', self::signature(self::EVENT, 'other')]], 403, '{"error":"signature_mismatch"}'];
        yield 'a signature that is not base64' => [self::EVENT, [['X-AQID-Signature', '%%%']], 403, '{"error":"signature_mismatch"}'];
        yield 'no signature' => [self::EVENT, [], 403, '{"error":"missing_header"}'];
        yield 'a signed body that is not JSON' => ['not json', [['X-AQID-Signature', self::signature('not json')]], 400, '{"error":"invalid_json"}'];
        $big = str_repeat('x', (1 << 20) + 1);
        yield 'a body over 1 MiB' => [$big, [['X-AQID-Signature', self::signature($big)]], 413, '{"error":"body_too_large"}'];
    }

    /**
     * @dataProvider deliveries
     * @param list<array{string, string}> $headers
     */
    public function testDelivery(string $body, array $headers, int $status, string $answer): void
    {
        $headers[] = ['Content-Type', 'application/json'];
        [$got, , $gotAnswer] = self::$server->request('POST', '/webhooks/aqid', $headers, $body);
        self::assertSame([$status, $answer], [$got, $gotAnswer]);
    }

    public function testTheDocsShowThisExample(): void
    {
        $docs = (string) file_get_contents(dirname(__DIR__, 2) . '/docs/php.md');
        $example = (string) file_get_contents(dirname(__DIR__) . '/examples/aqid.php');
        self::assertStringContainsString("```php\n$example```\n", $docs, 'docs/php.md shows examples/aqid.php as it is');
    }
}
