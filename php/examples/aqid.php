<?php

// AQID's webhook endpoint (its docs, "Code Groups", PHP), with hooksig doing the check:
// the raw body, the X-AQID-Signature header (base64 HMAC-SHA256 of the body) and a
// constant-time compare are one call, which answers 403 {"error": code} and exits when
// the webhook does not verify (413 over 1 MiB, 400 when the body is not JSON).
//
//     AQID_SECRET=... php -S 127.0.0.1:8000 examples/aqid.php

declare(strict_types=1);

require dirname(__DIR__) . '/vendor/autoload.php';

$verifier = new Hooksig\Verifier('aqid', secret: (string) getenv('AQID_SECRET'));
$event = Hooksig\Webhook::fromGlobals($verifier);

// Only a verified webhook gets here: $event is its JSON body.
header('Content-Type: application/json');
echo json_encode(['received' => $event['event'] ?? null]);
