<?php

// The PHP benchmark of bench/php.md: hooksig against hash_hmac + hash_equals on the same
// requests, for three scheme shapes (github: 1 header, aghanim: 2, standard-webhooks: 3),
// two header containers (the signed headers only, as a name => value array; $_SERVER of a
// 12-header request, 30 keys) and three body sizes; then the cost of one FFI call.
// Interleaved rounds in one process, timed on the process's CPU time (getrusage: PHP runs
// on one thread; the machine is shared), best round kept.
//
//     HOOKSIG_LIB=target/release/libhooksig_c.so php php/bench/verify.php [rounds]

declare(strict_types=1);

require dirname(__DIR__) . '/vendor/autoload.php';

use Hooksig\Native;
use Hooksig\Signer;
use Hooksig\Verifier;

$rounds = (int) ($argv[1] ?? 15);
const ROUND_SECONDS = 0.02;

function cpu(): float
{
    $u = getrusage();
    return $u['ru_utime.tv_sec'] + $u['ru_utime.tv_usec'] / 1e6 + $u['ru_stime.tv_sec'] + $u['ru_stime.tv_usec'] / 1e6;
}

/** Runs $f $n times; returns CPU seconds per call. */
function timeit(Closure $f, int $n): float
{
    $start = cpu();
    for ($i = 0; $i < $n; $i++) {
        $f();
    }
    return (cpu() - $start) / $n;
}

/** $_SERVER as php -S gives it for a request with these headers (30 keys). */
function server(array $headers): array
{
    $server = [
        'DOCUMENT_ROOT' => '/srv/app/public', 'REMOTE_ADDR' => '203.0.113.7', 'REMOTE_PORT' => '51234',
        'SERVER_SOFTWARE' => 'PHP 8.2 Development Server', 'SERVER_PROTOCOL' => 'HTTP/1.1', 'SERVER_NAME' => 'hooks.example.com',
        'SERVER_PORT' => '443', 'REQUEST_URI' => '/webhooks', 'REQUEST_METHOD' => 'POST', 'SCRIPT_NAME' => '/index.php',
        'SCRIPT_FILENAME' => '/srv/app/public/index.php', 'PHP_SELF' => '/index.php', 'REQUEST_TIME_FLOAT' => 1.7e9,
        'REQUEST_TIME' => 1700000000, 'CONTENT_TYPE' => 'application/json', 'CONTENT_LENGTH' => '1024',
        'HTTP_HOST' => 'hooks.example.com', 'HTTP_USER_AGENT' => 'Provider-Webhooks/1.0', 'HTTP_ACCEPT' => '*/*',
        'HTTP_ACCEPT_ENCODING' => 'gzip', 'HTTP_CONTENT_TYPE' => 'application/json', 'HTTP_CONTENT_LENGTH' => '1024',
        'HTTP_X_FORWARDED_FOR' => '203.0.113.7', 'HTTP_X_FORWARDED_PROTO' => 'https',
        'HTTP_X_REQUEST_ID' => '7b0c7e0e-5b9e-4b1f-9d0f-3f6f0b0c1a2b',
    ];
    foreach ($headers as $name => $value) {
        $server['HTTP_' . strtoupper(str_replace('-', '_', $name))] = $value;
    }
    for ($i = 0; count($server) < 30; $i++) {
        $server["HTTP_X_EXTRA_$i"] = '1';
    }
    return $server;
}

$whsecKey = base64_decode('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
$shapes = [
    // GitHub's PHP example: "sha256=" . hash_hmac over the body, hash_equals.
    'github' => ['github', "It's a Secret to Everybody", ['X-Hub-Signature-256' => 'HTTP_X_HUB_SIGNATURE_256'],
        fn (string $body, array $h, array $k) => hash_equals('sha256=' . hash_hmac('sha256', $body, "It's a Secret to Everybody"), $h[$k['X-Hub-Signature-256']] ?? '')],
    // Aghanim's scheme: hex HMAC of "{timestamp}.{body}" (streamed, no copy of the body), the window checked.
    'aghanim' => ['aghanim', 'aghanim-s2s-key', ['X-Aghanim-Signature-Timestamp' => 'HTTP_X_AGHANIM_SIGNATURE_TIMESTAMP', 'X-Aghanim-Signature' => 'HTTP_X_AGHANIM_SIGNATURE'],
        function (string $body, array $h, array $k): bool {
            $ts = $h[$k['X-Aghanim-Signature-Timestamp']] ?? '';
            if (!ctype_digit($ts) || abs(time() - (int) $ts) > 300) {
                return false;
            }
            $ctx = hash_init('sha256', HASH_HMAC, 'aghanim-s2s-key');
            hash_update($ctx, "$ts.");
            hash_update($ctx, $body);
            return hash_equals(hash_final($ctx), $h[$k['X-Aghanim-Signature']] ?? '');
        }],
    // Standard Webhooks: base64 HMAC of "{id}.{timestamp}.{body}", the key decoded once, a space list of v1 items.
    'standard-webhooks' => ['standard-webhooks', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        ['webhook-id' => 'HTTP_WEBHOOK_ID', 'webhook-timestamp' => 'HTTP_WEBHOOK_TIMESTAMP', 'webhook-signature' => 'HTTP_WEBHOOK_SIGNATURE'],
        function (string $body, array $h, array $k) use ($whsecKey): bool {
            $id = $h[$k['webhook-id']] ?? '';
            $ts = $h[$k['webhook-timestamp']] ?? '';
            if (!ctype_digit($ts) || abs(time() - (int) $ts) > 300) {
                return false;
            }
            $ctx = hash_init('sha256', HASH_HMAC, $whsecKey);
            hash_update($ctx, "$id.$ts.");
            hash_update($ctx, $body);
            $expected = base64_encode(hash_final($ctx, true));
            foreach (explode(' ', $h[$k['webhook-signature']] ?? '') as $item) {
                if (str_starts_with($item, 'v1,') && hash_equals($expected, substr($item, 3))) {
                    return true;
                }
            }
            return false;
        }],
];

$cells = [];
foreach ([0, 1024, 1 << 20] as $size) {
    $body = str_repeat('x', $size);
    foreach ($shapes as $shape => [$preset, $secret, $keys, $stdlib]) {
        $signed = (new Signer($preset, secret: $secret))->sign($body);
        $verifier = new Verifier($preset, secret: $secret);
        foreach (['signed headers only' => $signed, '$_SERVER, 30 keys' => server($signed)] as $container => $headers) {
            $names = str_starts_with($container, '$_SERVER') ? $keys : array_combine(array_keys($keys), array_keys($keys));
            $ours = fn () => $verifier->verify($body, $headers);
            $theirs = fn () => $stdlib($body, $headers, $names) || throw new RuntimeException("$shape: stdlib does not verify");
            $ours();
            $theirs();
            $n = 1;
            while (($t = timeit($theirs, $n)) * $n < ROUND_SECONDS / 4 && $n < 1 << 22) {
                $n *= 4;
            }
            $n = max(1, (int) (ROUND_SECONDS / max($t, 1e-9)));
            $cells[] = ['shape' => $shape, 'container' => $container, 'size' => $size, 'n' => $n,
                'ours' => $ours, 'theirs' => $theirs, 'best_ours' => INF, 'best_theirs' => INF, 'ratios' => []];
        }
    }
}
for ($r = 0; $r < $rounds; $r++) {
    foreach ($cells as &$cell) {
        if ($r % 2 === 0) {
            $o = timeit($cell['ours'], $cell['n']);
            $t = timeit($cell['theirs'], $cell['n']);
        } else {
            $t = timeit($cell['theirs'], $cell['n']);
            $o = timeit($cell['ours'], $cell['n']);
        }
        $cell['best_ours'] = min($cell['best_ours'], $o);
        $cell['best_theirs'] = min($cell['best_theirs'], $t);
        $cell['ratios'][] = $t / max($o, 1e-12);
    }
    unset($cell);
}

// The cost of one FFI call: a C function that returns a constant, against a PHP function that does.
$ffi = Native::ffi();
$php = static fn (int $code): int => $code === 1 ? 1 : 0;
$n = 200000;
// And where a 0 B github verify goes: the one hooksig_verify_packed call with its arguments
// ready (the wrapper's work removed: collecting and packing the header, the Verified).
$github = new Verifier('github', secret: "It's a Secret to Everybody");
$headers = (new Signer('github', secret: "It's a Secret to Everybody"))->sign('');
$private = fn (string $name) => (new ReflectionProperty(Verifier::class, $name))->getValue($github);
[$native, $out, $message] = [$private('native'), $private('outAddress'), $private('messageAddress')];
$packed = Native::pack([['x-hub-signature-256', $headers['X-Hub-Signature-256']]]);
$bestFfi = $bestPhp = $bestCall = $bestVerify = INF;
for ($r = 0; $r < $rounds; $r++) {
    $bestFfi = min($bestFfi, timeit(static fn () => $ffi->hooksig_code_kind(1), $n));
    $bestPhp = min($bestPhp, timeit(static fn () => $php(1), $n));
    $bestCall = min($bestCall, timeit(static fn () => $ffi->hooksig_verify_packed($native, '', 0, $packed, strlen($packed), null, $out, $message), $n / 4));
    $bestVerify = min($bestVerify, timeit(static fn () => $github->verify('', $headers), $n / 4));
}

$lscpu = (string) shell_exec('lscpu');
preg_match('/^Model name:\s*(.+)$/m', $lscpu, $model);
preg_match('/^CPU family:\s*(.+)$/m', $lscpu, $family);
preg_match('/^Model:\s*(.+)$/m', $lscpu, $modelNumber);
$load = implode(' ', array_map(fn ($l) => sprintf('%.2f', $l), sys_getloadavg()));
printf("PHP %s (JIT %s), hooksig library %s (%s); %s (family %s, model %s); load average %s\n",
    PHP_VERSION, ini_get('opcache.jit') && ini_get('opcache.enable_cli') ? 'on' : 'off', $ffi->hooksig_version(),
    basename(dirname(Native::libraryPath())), $model[1] ?? '?', $family[1] ?? '?', $modelNumber[1] ?? '?', $load);
printf("%s UTC, %d interleaved rounds of ~%.0f ms CPU time per contender, best round kept\n\n",
    gmdate('Y-m-d H:i'), $rounds, ROUND_SECONDS * 1000);
echo "| shape | headers | body | hooksig | hash_hmac + hash_equals | speed-up (best rounds) | per-round median |\n";
echo "|---|---|---|---|---|---|---|\n";
$us = fn (float $s): string => $s >= 1e-5 ? sprintf('%.1f µs', $s * 1e6) : sprintf('%.2f µs', $s * 1e6);
$worst = [];
foreach ($cells as $cell) {
    sort($cell['ratios']);
    $ratio = $cell['best_theirs'] / $cell['best_ours'];
    $sizeName = [0 => '0 B', 1024 => '1 KiB', 1 << 20 => '1 MiB'][$cell['size']];
    printf("| %s | %s | %s | %s | %s | %.2fx | %.2fx |\n", $cell['shape'], $cell['container'], $sizeName,
        $us($cell['best_ours']), $us($cell['best_theirs']), $ratio, $cell['ratios'][intdiv(count($cell['ratios']), 2)]);
    if (!isset($worst[$sizeName]) || $ratio < $worst[$sizeName][0]) {
        $worst[$sizeName] = [$ratio, "{$cell['shape']}, {$cell['container']}"];
    }
}
echo "\n";
foreach ($worst as $size => [$ratio, $where]) {
    printf("worst cell at %s: %s: %.2fx\n", $size, $where, $ratio);
}
printf("\none FFI call (hooksig_code_kind): %.0f ns; a PHP closure call doing the same: %.0f ns\n", $bestFfi * 1e9, $bestPhp * 1e9);
printf("github, 0 B: Verifier::verify %.0f ns, of which the hooksig_verify_packed call with its arguments ready %.0f ns\n",
    $bestVerify * 1e9, $bestCall * 1e9);
