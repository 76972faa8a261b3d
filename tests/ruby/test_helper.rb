# frozen_string_literal: true

# Shared setup for the Ruby suite: the gem from ruby/lib and the native library from
# HOOKSIG_LIB or the cargo target directory (`make test-ruby` builds it).

ROOT = File.expand_path("../..", __dir__)
$LOAD_PATH.unshift File.join(ROOT, "ruby", "lib")

require "minitest/autorun"
require "json"
require "stringio"
require "hooksig"

# Helpers for the conformance vectors (tests/vectors/README.md).
module Vectors
  DIR = File.join(ROOT, "tests", "vectors")

  module_function

  # Every case of every tests/vectors/**/*.json file, with its file name; http.json is the
  # helper contract, not verify vectors (tests/ruby/test_http_contract.rb runs it).
  def cases
    @cases ||= Dir.glob(File.join(DIR, "**", "*.json")).reject { |f| f == File.join(DIR, "http.json") }
                  .flat_map do |file|
      JSON.parse(File.read(file))["cases"].map { |c| c.merge("file" => File.basename(file)) }
    end
  end

  # The cases of http.json.
  def http_cases = JSON.parse(File.read(File.join(DIR, "http.json")))["cases"]

  # A vector's byte string: a String, {"hex": ..} or {"repeat": .., "length": N}.
  def bytes(value)
    case value
    when String then value.b
    when Hash
      if value.key?("hex")
        [value["hex"]].pack("H*")
      else
        unit = value["repeat"].b
        (unit * ((value["length"] / unit.bytesize) + 1)).byteslice(0, value["length"])
      end
    else raise "not a byte string: #{value.inspect}"
    end
  end

  # The keyword arguments of Verifier.new (signer: false) or Signer.new for a case.
  def options(kase, signer: false)
    opts = {}
    opts[:secrets] = kase["secrets"].map { |s| bytes(s) } if kase["secrets"]
    opts[:params] = kase["params"] if kase["params"]
    if signer
      opts[:private_key] = kase["private_key"] if kase["private_key"]
    else
      opts[:public_keys] = kase["public_keys"] if kase["public_keys"]
      opts[:tolerance] = kase["tolerance"] if kase.key?("tolerance")
    end
    opts
  end

  # The request context of a case: now:, url:, method:.
  def context(kase) = { now: kase["now"], url: kase["url"], method: kase["method"] }

  # A case's preset name, or its scheme as a Hash or (every other case) a JSON String.
  def scheme(kase, index)
    return kase["preset"] if kase["preset"]

    index.even? ? kase["scheme"] : JSON.generate(kase["scheme"])
  end

  def pairs(kase)
    kase["headers"].map { |name, value| [bytes(name), bytes(value)] }
  end

  # Headers as a Hash: a name sent twice becomes an Array value.
  def hash_form(kase)
    pairs(kase).each_with_object({}) do |(name, value), hash|
      hash[name] = hash.key?(name) ? Array(hash[name]) + [value] : value
    end
  end

  # Headers as a Rack env, or nil when the names cannot all be env keys (an underscore,
  # non-token bytes, or two names that only differ in case, which a server would merge).
  def rack_env(kase)
    env = { "REQUEST_METHOD" => "POST", "PATH_INFO" => "/", "rack.input" => StringIO.new }
    pairs(kase).each do |name, value|
      return nil unless name.match?(/\A[A-Za-z0-9-]+\z/)

      key = name.upcase.tr("-", "_")
      key = "HTTP_#{key}" unless %w[CONTENT_TYPE CONTENT_LENGTH].include?(key)
      return nil if env.key?(key)

      env[key] = value
    end
    env
  end
end

# A Rack app behind a real WEBrick on 127.0.0.1 and a free port, for a test class's
# setup; stopped in teardown.
module RealServer
  def start_server(app)
    require "net/http"
    require "webrick"
    require "rack/handler/webrick"
    @server = WEBrick::HTTPServer.new(BindAddress: "127.0.0.1", Port: 0,
                                      Logger: WEBrick::Log.new(File::NULL), AccessLog: [])
    @server.mount "/", Rack::Handler::WEBrick, app
    @thread = Thread.new { @server.start }
    @port = @server.config[:Port]
  end

  def teardown
    @server&.shutdown
    @thread&.join(5)
  end

  # POSTs `body` with `headers` (and Content-Type: application/json) to `path`; chunked:
  # sends it with Transfer-Encoding: chunked.
  def post(path, body, headers, chunked: false, read_timeout: 30)
    Net::HTTP.start("127.0.0.1", @port, open_timeout: 5, read_timeout: read_timeout) do |http|
      request = Net::HTTP::Post.new(path, headers.merge("Content-Type" => "application/json"))
      if chunked
        request["Transfer-Encoding"] = "chunked"
        request.body_stream = StringIO.new(body)
      else
        request.body = body
      end
      http.request(request)
    end
  end
end

# A free TCP port on 127.0.0.1 (the kernel's choice, released at once).
def free_port
  require "socket"
  server = TCPServer.new("127.0.0.1", 0)
  server.addr[1]
ensure
  server&.close
end

# A real redis-server (Debian's) on a free loopback port, persistence off, that a test can
# stop and start again on the same port: the replay tests' store. One for the whole run,
# started on first use and stopped when the run ends.
class RedisServer
  attr_reader :port

  def self.shared
    @shared ||= new.tap { |server| Minitest.after_run { server.stop } }
  end

  def initialize
    require "redis"
    @binary = ENV.fetch("PATH", "").split(File::PATH_SEPARATOR).map { |dir| File.join(dir, "redis-server") }
                 .find { |path| File.executable?(path) }
    unless @binary
      raise "redis-server is missing: `bash .ci/install-redis.sh` installs it (make test-ruby runs it when it can)"
    end

    @port = free_port
    start
  end

  def url = "redis://127.0.0.1:#{@port}/0"

  def running? = !@pid.nil?

  def start
    raise "redis-server is running already" if running?

    @pid = Process.spawn(@binary, "--port", @port.to_s, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                         "--protected-mode", "no", "--loglevel", "warning", out: File::NULL, err: File::NULL)
    deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + 30
    begin
      client(timeout: 1).then { |c| c.ping.tap { c.close } }
    rescue Redis::BaseConnectionError
      raise "redis-server did not start" if Process.clock_gettime(Process::CLOCK_MONOTONIC) > deadline ||
                                            Process.waitpid(@pid, Process::WNOHANG)

      sleep 0.05
      retry
    end
  end

  def stop
    return unless running?

    Process.kill("TERM", @pid)
    Process.wait(@pid)
    @pid = nil
  end

  # A client with short timeouts, as an app would have.
  def client(timeout: 2)
    Redis.new(host: "127.0.0.1", port: @port, connect_timeout: timeout, read_timeout: timeout,
              write_timeout: timeout)
  end

  # The server running and empty, for a test.
  def fresh
    start unless running?
    client.then { |c| c.flushall.tap { c.close } }
    self
  end
end
