<?php

declare(strict_types=1);

// The package through Composer's autoloader (composer.json's PSR-4 map; `make test-php`
// runs `composer dump-autoload --dev`, which works offline), and the library from HOOKSIG_LIB or
// the cargo target directory.

$autoload = dirname(__DIR__) . '/vendor/autoload.php';
if (!is_file($autoload)) {
    passthru('composer dump-autoload --working-dir=' . escapeshellarg(dirname(__DIR__)) . ' --dev --no-interaction --quiet', $status);
    if ($status !== 0 || !is_file($autoload)) {
        fwrite(STDERR, "the tests need Composer's autoloader: run `composer dump-autoload --dev` in php/\n");
        exit(1);
    }
}
require $autoload;
