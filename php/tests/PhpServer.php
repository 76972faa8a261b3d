<?php

declare(strict_types=1);

namespace Hooksig\Tests;

/**
 * PHP's built-in server (`php -S`) on 127.0.0.1 and a free port, running a router script,
 * started and stopped by a test; and raw HTTP/1.1 requests to it (header bytes and
 * Content-Length exactly as given).
 */
final class PhpServer
{
    /** @var resource */
    private $process;
    public readonly int $port;
    public readonly string $log;

    /**
     * @param string $router the script every request runs
     * @param array<string, string> $env added to this process's environment
     * @param list<string> $ini -d settings (FFI needs ffi.enable=1 outside the CLI, or preloading)
     */
    public function __construct(string $router, array $env = [], array $ini = ['ffi.enable=1'])
    {
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $this->port = (int) substr(strrchr(stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        $this->log = tempnam(sys_get_temp_dir(), 'hooksig-php-server-');
        $command = [PHP_BINARY];
        foreach ($ini as $setting) {
            array_push($command, '-d', $setting);
        }
        array_push($command, '-S', "127.0.0.1:{$this->port}", $router);
        $this->process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $this->log, 'a'],
            2 => ['file', $this->log, 'a']], $pipes, dirname($router), getenv() + $env);
        $deadline = microtime(true) + 10;
        while (($socket = @stream_socket_client("tcp://127.0.0.1:{$this->port}", $errno, $error, 1)) === false) {
            if (microtime(true) > $deadline || !proc_get_status($this->process)['running']) {
                throw new \RuntimeException("php -S did not start: " . file_get_contents($this->log));
            }
            usleep(20_000);
        }
        fclose($socket);
    }

    public function stop(): void
    {
        proc_terminate($this->process);
        proc_close($this->process);
        @unlink($this->log);
    }

    public function url(string $path): string
    {
        return "http://127.0.0.1:{$this->port}$path";
    }

    /**
     * Sends one request on a fresh connection and returns [status, headers (lower-case
     * name => value), body]; status 0 when the server closed without an answer.
     *
     * @param list<array{string, string}> $headers
     * @param string|false|null $contentLength null: the body's length; false: chunked; a
     *        string: sent as the Content-Length value as it is
     * @return array{int, array<string, string>, string}
     */
    public function request(string $method, string $path, array $headers, string $body, string|false|null $contentLength = null): array
    {
        $socket = stream_socket_client("tcp://127.0.0.1:{$this->port}", $errno, $error, 5);
        if ($socket === false) {
            throw new \RuntimeException("connect: $error");
        }
        stream_set_timeout($socket, 30);
        $request = "$method $path HTTP/1.1\r\nHost: 127.0.0.1:{$this->port}\r\nConnection: close\r\n";
        foreach ($headers as [$name, $value]) {
            $request .= "$name: $value\r\n";
        }
        if ($contentLength === false) {
            $request .= "Transfer-Encoding: chunked\r\n\r\n";
            foreach (str_split($body, 1000) as $chunk) {
                $request .= dechex(strlen($chunk)) . "\r\n$chunk\r\n";
            }
            $request .= "0\r\n\r\n";
        } else {
            $request .= 'Content-Length: ' . ($contentLength ?? strlen($body)) . "\r\n\r\n" . $body;
        }
        @fwrite($socket, $request);
        if (is_string($contentLength)) {
            // A server that misreads such a length (php -S takes "6 6" for 66) would wait
            // for more body: end the request here.
            stream_socket_shutdown($socket, STREAM_SHUT_WR);
        }
        $response = (string) stream_get_contents($socket);
        fclose($socket);
        if ($response === '') {
            return [0, [], '']; // the server closed the connection without an answer
        }
        [$head, $responseBody] = explode("\r\n\r\n", $response, 2) + [1 => ''];
        $lines = explode("\r\n", $head);
        $status = (int) explode(' ', array_shift($lines))[1];
        $responseHeaders = [];
        foreach ($lines as $line) {
            [$name, $value] = explode(':', $line, 2) + [1 => ''];
            $responseHeaders[strtolower($name)] = trim($value);
        }
        if (($responseHeaders['transfer-encoding'] ?? '') === 'chunked') {
            $decoded = '';
            while (($eol = strpos($responseBody, "\r\n")) !== false && ($size = hexdec(substr($responseBody, 0, $eol))) > 0) {
                $decoded .= substr($responseBody, $eol + 2, $size);
                $responseBody = substr($responseBody, $eol + 2 + $size + 2);
            }
            $responseBody = $decoded;
        }
        return [$status, $responseHeaders, $responseBody];
    }
}
