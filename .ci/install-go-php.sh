#!/usr/bin/env bash
# Go (cgo over libhooksig_c.a) and PHP (FFI over libhooksig_c.so) with PHPUnit and Composer,
# all from Debian: Packagist and the Go module proxy are not needed (the packages have no
# dependencies). Idempotent: installs only what is missing; needs root when something is.
set -euo pipefail

pkgs=(golang-go php-cli phpunit composer gcc)
need=()
for pkg in "${pkgs[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages for the Go and PHP packages: ${need[*]}" >&2
    echo "install them with: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

go version
php -r 'if (!extension_loaded("FFI")) { fwrite(STDERR, "PHP lacks the FFI extension\n"); exit(1); } echo "php ", PHP_VERSION, " with FFI\n";'
phpunit --version
