<?php

declare(strict_types=1);

namespace Hooksig\Tests;

use PHPUnit\Framework\TestCase;

/**
 * Every ```php block of docs/php.md runs as it is, with assertions on, from a directory
 * whose vendor/ is this package's; the endpoint (examples/aqid.php) runs in
 * AqidExampleTest behind `php -S`.
 */
final class DocsTest extends TestCase
{
    /** @return iterable<string, array{string}> */
    public static function blocks(): iterable
    {
        $docs = (string) file_get_contents(dirname(__DIR__, 2) . '/docs/php.md');
        $example = (string) file_get_contents(dirname(__DIR__) . '/examples/aqid.php');
        preg_match_all('/^```php\n(.*?)^```\n/ms', $docs, $blocks);
        foreach ($blocks[1] as $i => $block) {
            if ($block !== $example) {
                yield 'block ' . ($i + 1) => [$block];
            }
        }
    }

    public function testThePageHasItsBlocks(): void
    {
        self::assertGreaterThanOrEqual(3, iterator_count(self::blocks()));
    }

    /** @dataProvider blocks */
    public function testBlockRuns(string $code): void
    {
        $dir = sys_get_temp_dir() . '/hooksig-docs-' . getmypid();
        @mkdir($dir);
        @symlink(dirname(__DIR__) . '/vendor', "$dir/vendor");
        file_put_contents("$dir/block.php", $code);
        $command = sprintf('%s -d zend.assertions=1 -d assert.exception=1 %s 2>&1', escapeshellarg(PHP_BINARY),
            escapeshellarg("$dir/block.php"));
        exec($command, $output, $status);
        unlink("$dir/block.php");
        self::assertSame([0, []], [$status, $output], "the block:\n$code");
    }

    /** Each line of the README's PHP example is a line of code that runs here, comments aside. */
    public function testTheReadmeBlockIsCodeThatRuns(): void
    {
        $readme = (string) file_get_contents(dirname(__DIR__, 2) . '/README.md');
        self::assertSame(1, preg_match('/^## PHP\n\n```php\n(.*?)^```\n/ms', $readme, $section), 'README.md has a PHP section');
        $strip = fn (string $line): string => trim((string) preg_replace('#(^|\s+)//.*$#', '', $line));
        $code = [];
        foreach ([...iterator_to_array(self::blocks(), false), [(string) file_get_contents(dirname(__DIR__) . '/examples/aqid.php')]] as [$block]) {
            foreach (explode("\n", $block) as $line) {
                $code[$strip($line)] = true;
            }
        }
        foreach (explode("\n", $section[1]) as $line) {
            if (($line = $strip($line)) !== '') {
                self::assertArrayHasKey($line, $code, "README.md's PHP example has a line no test runs");
            }
        }
    }
}
