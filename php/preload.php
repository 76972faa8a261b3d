<?php

// For servers where PHP allows FFI only in preloaded code (ffi.enable=preload, the default
// outside the command line: php-fpm, Apache mod_php). Two settings in php.ini:
//
//     ffi.preload=/etc/php/hooksig-ffi.h    ; written by vendor/bin/hooksig-ffi-header
//     opcache.preload=/path/to/vendor/hooksig/hooksig/preload.php
//     ; and, when the server starts as root: opcache.preload_user=www-data
//
// ffi.preload loads the library once per server; this file compiles hooksig's classes at
// start, which is what lets their methods use FFI under ffi.enable=preload.

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    if (str_starts_with($class, 'Hooksig\\')) {
        require __DIR__ . '/src/' . str_replace('\\', '/', substr($class, 8)) . '.php';
    }
});
foreach (glob(__DIR__ . '/src/*.php') as $file) {
    class_exists('Hooksig\\' . basename($file, '.php'));
}
