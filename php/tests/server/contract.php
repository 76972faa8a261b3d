<?php

declare(strict_types=1);

// The router of HttpContractTest's `php -S`: /json/N runs Webhook::fromGlobals (which
// parses the body as JSON) and /raw/N Webhook::verifyGlobals, with the helper http.json's
// case N describes; the handler records that it ran, and the SHA-256 of the body it read,
// in HOOKSIG_HANDLED/json-N or raw-N.

require dirname(__DIR__, 2) . '/vendor/autoload.php';

use Hooksig\Tests\Vectors;
use Hooksig\Verifier;
use Hooksig\Webhook;

[, $helper, $index] = explode('/', (string) parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));
$case = Vectors::httpCases()[(int) $index];
$verifier = new Verifier(
    $case['preset'],
    secrets: $case['secrets'] ?? null,
    publicKeys: $case['public_keys'] ?? null,
    tolerance: array_key_exists('tolerance', $case) ? ($case['tolerance'] ?? false) : null,
);
$options = ['maxBody' => $case['max_body'] ?? Webhook::DEFAULT_MAX_BODY, 'publicUrl' => $case['public_url'] ?? null];
if ($helper === 'json') {
    $event = Webhook::fromGlobals($verifier, ...$options);
    $body = json_encode($event);
} else {
    $body = Webhook::verifyGlobals($verifier, ...$options)->body;
}

// The handler: only a verified delivery gets here.
file_put_contents(getenv('HOOKSIG_HANDLED') . "/$helper-$index", hash('sha256', (string) file_get_contents('php://input')));
header('Content-Type: application/json');
echo json_encode(['status' => 'ok']);
