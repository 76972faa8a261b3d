<?php

declare(strict_types=1);

namespace Hooksig\Tests;

use Hooksig\ConfigurationError;
use Hooksig\HooksigError;
use Hooksig\Native;
use Hooksig\Signer;
use Hooksig\VerificationError;
use Hooksig\Verifier;
use Hooksig\Webhook;
use PHPUnit\Framework\TestCase;

final class ApiTest extends TestCase
{
    // GitHub's documented example.
    private const SECRET = "It's a Secret to Everybody";
    private const BODY = 'Hello, World!';
    private const SIGNATURE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

    public function testTheErrorTableComesFromTheCAbi(): void
    {
        $codes = Native::codes();
        self::assertSame(['missing_header', 'invalid_header', 'timestamp_too_old', 'timestamp_in_future',
            'signature_mismatch', 'unknown_preset', 'invalid_scheme', 'invalid_secret', 'missing_param', 'invalid_key'],
            array_column($codes, 0));
        foreach ($codes as $number => [$name, $kind]) {
            $error = Native::error($number, 'm');
            self::assertSame($name, $error->errorCode);
            self::assertSame($number, $error->getCode());
            self::assertInstanceOf($kind === Native::ffi()->HOOKSIG_KIND_VERIFICATION ? VerificationError::class
                : ConfigurationError::class, $error);
        }
        self::assertInstanceOf(\ValueError::class, Native::error(100, 'a NULL pointer'));
    }

    public function testVerifyEveryHeaderForm(): void
    {
        $verifier = new Verifier('github', secret: self::SECRET);
        foreach ([
            'canonical' => ['X-Hub-Signature-256' => self::SIGNATURE],
            'lower case, PSR-7 list value' => ['x-hub-signature-256' => [self::SIGNATURE], 'content-type' => ['text/plain']],
            '$_SERVER' => ['HTTP_X_HUB_SIGNATURE_256' => self::SIGNATURE, 'REQUEST_METHOD' => 'POST', 'argv' => [], 'argc' => 0],
            'pairs' => [['X-Hub-Signature-256', self::SIGNATURE], ['Accept', '*/*']],
        ] as $form => $headers) {
            $verified = $verifier->verify(self::BODY, $headers);
            self::assertSame([null, null, 0], [$verified->timestamp, $verified->id, $verified->secretIndex], $form);
            self::assertTrue($verifier->isValid(self::BODY, $headers), $form);
            self::assertFalse($verifier->isValid('Hello, World?', $headers), $form);
        }
        self::assertSame(['x-hub-signature-256'], $verifier->headerNames());
        self::assertFalse($verifier->needsUrl() || $verifier->needsMethod() || $verifier->needsHandshake());
    }

    public function testOneNameInTwoCasesIsARepeat(): void
    {
        $verifier = new Verifier('github', secret: self::SECRET);
        try {
            $verifier->verify(self::BODY, ['X-Hub-Signature-256' => self::SIGNATURE, 'x-hub-signature-256' => self::SIGNATURE]);
            self::fail('verified');
        } catch (VerificationError $e) {
            self::assertSame('invalid_header', $e->errorCode);
        }
    }

    public function testErrorsCarryTheirCode(): void
    {
        $verifier = new Verifier('github', secret: self::SECRET);
        try {
            $verifier->verify('Hello, World?', ['X-Hub-Signature-256' => self::SIGNATURE]);
            self::fail('verified');
        } catch (VerificationError $e) {
            self::assertSame('signature_mismatch', $e->errorCode);
            self::assertSame(5, $e->getCode());
            self::assertInstanceOf(HooksigError::class, $e);
            self::assertStringContainsString('raw request bytes', $e->getMessage());
        }
        foreach ([
            'unknown_preset' => fn () => new Verifier('no-such-preset', secret: 'x'),
            'invalid_secret' => fn () => new Verifier('github', secrets: []),
            'invalid_scheme' => fn () => new Verifier(['signature_header' => 'x-sig', 'encoding' => 'rot13'], secret: 'x'),
            'invalid_key' => fn () => new Verifier('discord', publicKey: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'),
        ] as $code => $build) {
            try {
                $build();
                self::fail("$code: built");
            } catch (ConfigurationError $e) {
                self::assertSame($code, $e->errorCode);
            }
        }
    }

    public function testUrlSignedPresetsNeedTheUrl(): void
    {
        $verifier = new Verifier('square', secret: 'signature-key');
        self::assertTrue($verifier->needsUrl());
        $body = '{"data":{"type":"webhooks","id":"fake_id"}}';
        $headers = ['x-square-hmacsha256-signature' => 'W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA='];
        self::assertSame(0, $verifier->verify($body, $headers, url: 'https://webhook.site/webhooks')->secretIndex);
        try {
            $verifier->verify($body, $headers);
            self::fail('verified without the URL');
        } catch (ConfigurationError $e) {
            self::assertSame('missing_param', $e->errorCode);
        }
    }

    public function testRotationToleranceAndIds(): void
    {
        $signer = new Signer('standard-webhooks', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
        try {
            $signer->sign('{}', id: "msg_\xE9");
            self::fail('an id that is not UTF-8');
        } catch (\ValueError $e) {
            self::assertStringContainsString('not UTF-8', $e->getMessage());
        }
        $headers = $signer->sign('{"type":"ping"}', timestamp: 1700000000, id: "msg_\u{E9}");
        self::assertSame(['webhook-id', 'webhook-timestamp', 'webhook-signature'], array_keys($headers));
        $verifier = new Verifier('standard-webhooks',
            secrets: ['whsec_aG9va3NpZyByb3RhdGlvbiBuZXc=', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw']);
        $verified = $verifier->verify('{"type":"ping"}', $headers, now: 1700000010);
        self::assertSame([1700000000, "msg_\u{E9}", 1], [$verified->timestamp, $verified->id, $verified->secretIndex]);
        self::assertFalse($verifier->isValid('{"type":"ping"}', $headers, now: 1700003600));
        $short = new Verifier('standard-webhooks', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', tolerance: 5);
        self::assertFalse($short->isValid('{"type":"ping"}', $headers, now: 1700000010));
        $none = new Verifier('standard-webhooks', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', tolerance: false);
        self::assertTrue($none->isValid('{"type":"ping"}', $headers));
    }

    public function testArgumentErrors(): void
    {
        foreach ([
            'secret and secrets' => fn () => new Verifier('github', secret: 'a', secrets: ['b']),
            'a negative tolerance' => fn () => new Verifier('github', secret: 'a', tolerance: -1),
            'a negative now' => fn () => (new Verifier('github', secret: 'a'))->verify('', [], now: -1),
            'a header value that is a number' => fn () => (new Verifier('github', secret: 'a'))->verify('', ['X-Hub-Signature-256' => 5]),
            'a pair of three' => fn () => (new Verifier('github', secret: 'a'))->verify('', [['a', 'b', 'c']]),
            'a param value that is a number' => fn () => new Verifier('sigma', secret: 'a', params: ['business_id' => 5]),
            'a scheme that is no JSON' => fn () => new Verifier(['signature_header' => "\xFF"], secret: 'a'),
        ] as $what => $call) {
            try {
                $call();
                self::fail("$what: accepted");
            } catch (\TypeError|\ValueError $e) {
                self::assertGreaterThan(20, strlen($e->getMessage()), $what);
            }
        }
    }

    public function testNoSecretInDumpsMessagesOrTraces(): void
    {
        $secret = 'very-secret-value-1234';
        $verifier = new Verifier('noyo', secret: $secret);
        $signer = new Signer('noyo', secret: $secret);
        ob_start();
        var_dump($verifier, $signer);
        print_r($verifier);
        $dumps = (string) ob_get_clean() . var_export($verifier, true);
        self::assertStringNotContainsString('1234', $dumps);
        self::assertStringContainsString('"noyo", 1 secret, 0 public keys', $dumps);

        $previous = ini_set('zend.exception_ignore_args', '0');
        try {
            new Verifier('github', secret: " $secret\n");
            self::fail('a secret with white space around it');
        } catch (ConfigurationError $e) {
            self::assertSame('invalid_secret', $e->errorCode);
            $frames = array_filter($e->getTrace(), fn (array $f): bool => str_starts_with($f['class'] ?? '', 'Hooksig\\')
                && !str_starts_with($f['class'], 'Hooksig\\Tests'));
            self::assertCount(3, $frames); // Verifier::__construct, Config::build, Native::error
            $text = $e->getMessage() . print_r($frames, true);
            self::assertStringNotContainsString('1234', $text, '#[\SensitiveParameter] hides it from the trace');
        } finally {
            ini_set('zend.exception_ignore_args', (string) $previous);
        }
    }

    public function testNeitherClonedNorSerialized(): void
    {
        $verifier = new Verifier('github', secret: self::SECRET);
        $this->expectException(\LogicException::class);
        serialize($verifier);
    }

    public function testNotCloned(): void
    {
        $this->expectException(\LogicException::class);
        clone new Verifier('github', secret: self::SECRET);
    }

    public function testVerifiersAreFreed(): void
    {
        // A leak of the native verifier would show in the process's resident size, which PHP's
        // own memory_get_usage() does not count.
        $rss = fn (): int => (int) preg_replace('/\D/', '', (string) preg_grep('/^VmRSS/', file('/proc/self/status'))[array_key_first(preg_grep('/^VmRSS/', file('/proc/self/status')))]);
        for ($i = 0; $i < 2000; $i++) {
            new Verifier('standard-webhooks', secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_aG9va3NpZyByb3RhdGlvbiBuZXc=']);
        }
        $before = $rss();
        for ($i = 0; $i < 50000; $i++) {
            $verifier = new Verifier('standard-webhooks', secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_aG9va3NpZyByb3RhdGlvbiBuZXc=']);
            $verifier->isValid('{}', ['webhook-id' => 'x']);
        }
        self::assertLessThan(8 * 1024, $rss() - $before, 'KiB of resident memory grown over 50 000 verifiers');
    }

    public function testWebhookReceiveInProcess(): void
    {
        $verifier = new Verifier('square', secret: 'signature-key');
        $signer = new Signer('square', secret: 'signature-key');
        $body = '{"data":{"id":"1"}}';
        $public = 'https://hooks.example.com/webhooks/square?tenant=7';
        $server = ['REQUEST_METHOD' => 'POST', 'REQUEST_URI' => '/webhooks/square?tenant=7', 'HTTP_HOST' => 'internal:8080',
            'CONTENT_LENGTH' => (string) strlen($body)];
        foreach ($signer->sign($body, url: $public) as $name => $value) {
            $server['HTTP_' . strtoupper(str_replace('-', '_', $name))] = $value;
        }
        $stream = fn () => fopen('data://text/plain;base64,' . base64_encode($body), 'rb');
        // Behind the proxy the URL this server sees is not the one signed...
        $refused = Webhook::receive($verifier, $server, $stream());
        self::assertSame([403, '{"error":"signature_mismatch"}'], [$refused->status, $refused->body]);
        // ... a public URL, or a function of the request, fixes it.
        $received = Webhook::receive($verifier, $server, $stream(), publicUrl: $public);
        self::assertSame(['data' => ['id' => '1']], $received->event);
        $received = Webhook::receive($verifier, $server, $stream(),
            publicUrl: fn (array $s): string => 'https://hooks.example.com' . $s['REQUEST_URI']);
        self::assertSame($body, $received->body);
        // Content-Length: digits only; over the limit is 413 before reading.
        $bad = Webhook::receive($verifier, ['CONTENT_LENGTH' => '1e6'] + $server, $stream(), publicUrl: $public);
        self::assertSame([400, '{"error":"invalid_content_length"}'], [$bad->status, $bad->body]);
        $big = Webhook::receive($verifier, ['CONTENT_LENGTH' => '99999999999999999999'] + $server, $stream());
        self::assertSame(413, $big->status);
        $small = Webhook::receive($verifier, $server, $stream(), maxBody: 4);
        self::assertSame(413, $small->status);
        $unlimited = Webhook::receive($verifier, $server, $stream(), maxBody: null, publicUrl: $public, json: false);
        self::assertSame([$body, null], [$unlimited->body, $unlimited->event]);
        $largest = Webhook::receive($verifier, $server, $stream(), maxBody: PHP_INT_MAX, publicUrl: $public, json: false);
        self::assertSame($body, $largest->body);
    }

    public function testHandshakesAreAnswered(): void
    {
        $dropbox = new Verifier('dropbox', secret: 'app-secret');
        $reply = Webhook::receive($dropbox, ['REQUEST_METHOD' => 'GET', 'REQUEST_URI' => '/dropbox?challenge=abc123',
            'HTTP_HOST' => 'example.com'], fopen('php://memory', 'rb'));
        self::assertSame([200, 'abc123', [['X-Content-Type-Options', 'nosniff']]], [$reply->status, $reply->body, $reply->headers]);

        $asana = new Verifier('asana', secret: 'not-yet-known');
        $server = ['REQUEST_METHOD' => 'POST', 'REQUEST_URI' => '/asana', 'HTTP_HOST' => 'example.com',
            'HTTP_X_HOOK_SECRET' => 'b537207f20cbfa02357cf448134da559'];
        $refused = Webhook::receive($asana, $server, fopen('php://memory', 'rb'));
        self::assertSame([500, '{"error":"handshake_secret_not_stored"}'], [$refused->status, $refused->body]);
        $stored = null;
        $reply = Webhook::receive($asana, $server, fopen('php://memory', 'rb'),
            onSecret: function (string $secret) use (&$stored): void { $stored = $secret; });
        self::assertSame([200, 'b537207f20cbfa02357cf448134da559'], [$reply->status, $stored]);
        ob_start();
        var_dump($reply); // the header echoes it back, as Asana's handshake asks; the field is hidden
        self::assertStringContainsString('["secret"]=>' . "\n" . '  string(8) "[hidden]"', (string) ob_get_clean());
    }

    public function testASignedHandshakeFromServerVariables(): void
    {
        // Slack's url_verification, signed now, in a $_SERVER as php -S fills it (both
        // spellings of Content-Type).
        $body = '{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV","type":"url_verification"}';
        $server = ['REQUEST_METHOD' => 'POST', 'REQUEST_URI' => '/slack/events', 'HTTP_HOST' => 'example.com',
            'CONTENT_TYPE' => 'application/json', 'HTTP_CONTENT_TYPE' => 'application/json'];
        foreach ((new Signer('slack', secret: '8f742231b10e8888abcd99yyyzzz85a5'))->sign($body) as $name => $value) {
            $server['HTTP_' . strtoupper(str_replace('-', '_', $name))] = $value;
        }
        $stream = fn () => fopen('data://text/plain;base64,' . base64_encode($body), 'rb');
        $slack = new Verifier('slack', secret: '8f742231b10e8888abcd99yyyzzz85a5');
        $reply = Webhook::receive($slack, $server, $stream());
        self::assertSame([200, 'application/json', '{"challenge":"3eZbrw1aBm2rZgRNFdxV"}'],
            [$reply->status, $reply->contentType, $reply->body]);
        $other = new Verifier('slack', secret: 'another-signing-secret');
        $refused = Webhook::receive($other, $server, $stream());
        self::assertSame([403, '{"error":"signature_mismatch"}'], [$refused->status, $refused->body]);
    }

    public function testALibraryThatIsNotThereIsExplained(): void
    {
        $command = sprintf('HOOKSIG_LIB=/nonexistent/libhooksig_c.so %s -r %s 2>&1', escapeshellarg(PHP_BINARY),
            escapeshellarg('require ' . var_export(dirname(__DIR__) . '/vendor/autoload.php', true) . '; new Hooksig\Verifier("github", secret: "x");'));
        exec($command, $output, $status);
        self::assertNotSame(0, $status);
        self::assertStringContainsString('HOOKSIG_LIB=/nonexistent/libhooksig_c.so is not a file', implode("\n", $output));
    }

    public function testVersion(): void
    {
        self::assertMatchesRegularExpression('/^\d+\.\d+\.\d+/', Native::ffi()->hooksig_version());
    }
}
