<?php

declare(strict_types=1);

namespace Hooksig;

/**
 * The header containers PHP gives, checked and flattened: a name => value array (a list
 * value is a repeated header), $_SERVER (HTTP_X_... keys, CONTENT_TYPE, CONTENT_LENGTH),
 * or a list of [name, value] pairs.
 *
 * @internal
 */
final class Headers
{
    /**
     * A list of [name, value] pairs, checked.
     *
     * @param list<mixed> $list
     * @return list<array{string, string}>
     */
    public static function pairs(array $list): array
    {
        foreach ($list as $i => $pair) {
            if (!is_array($pair) || count($pair) !== 2 || !array_is_list($pair)
                || !is_string($pair[0]) || !is_string($pair[1])) {
                throw new \TypeError("headers[$i] must be a [name, value] pair of strings, got " . self::describe($pair));
            }
        }
        return $list;
    }

    /**
     * The values of one header: a string, or a list of strings for a repeated header.
     *
     * @return list<string>
     */
    public static function values(string $name, mixed $value): array
    {
        if (is_string($value)) {
            return [$value];
        }
        if (is_array($value) && array_is_list($value)) {
            foreach ($value as $one) {
                if (!is_string($one)) {
                    throw new \TypeError("header \"$name\": each value must be a string, got " . get_debug_type($one));
                }
            }
            return $value;
        }
        throw new \TypeError("header \"$name\": the value must be a string or a list of strings, got " . get_debug_type($value));
    }

    /**
     * Every header, as pairs (for a handshake, which reads headers the scheme does not
     * sign). $_SERVER keys become header names; its other entries are left out.
     *
     * @param array<array-key, mixed> $headers
     * @return list<array{string, string}>
     */
    public static function all(array $headers): array
    {
        if (array_is_list($headers)) {
            return self::pairs($headers);
        }
        $pairs = [];
        foreach ($headers as $key => $value) {
            $key = (string) $key;
            if (str_starts_with($key, 'HTTP_')) {
                $name = strtolower(str_replace('_', '-', substr($key, 5)));
            } elseif ($key === 'CONTENT_TYPE' || $key === 'CONTENT_LENGTH') {
                if (isset($headers["HTTP_$key"])) {
                    continue; // php -S gives both spellings of these two
                }
                $name = strtolower(str_replace('_', '-', $key));
            } elseif (preg_match('/^[A-Z][A-Z0-9_]*$/', $key) === 1 || !(is_string($value) || is_array($value))) {
                continue; // a $_SERVER entry that is not a header (REQUEST_METHOD, argv, ...)
            } else {
                $name = $key;
            }
            foreach (self::values($key, $value) as $one) {
                $pairs[] = [$name, $one];
            }
        }
        return $pairs;
    }

    private static function describe(mixed $value): string
    {
        return is_array($value) ? 'an array of ' . count($value) . ' items' : get_debug_type($value);
    }
}
