# frozen_string_literal: true

# hooksig from Ruby vs OpenSSL::HMAC and a secure compare, in one process (issue 14).
#
#   make bench-ruby            (builds the release library, then runs this, and with YJIT)
#   HOOKSIG_LIB=target/release/libhooksig_c.so ruby bench/ruby_bench.rb
#
# The matrix: shapes {github (1 header), aghanim and noyo (2), standard-webhooks (3)} x
# containers {only the signed headers, as a Hash; a request of 12 headers as a Hash; a Rack
# env of 25 keys} x bodies {0 B, 1 KiB, 1 MiB}. In each cell:
#   hooksig   Hooksig::Verifier#verify(body, container)
#   openssl   what a provider snippet does, at its fastest: the headers read from the same
#             container by their exact key, OpenSSL::HMAC over the signed message (built as
#             the snippets build it, "#{timestamp}.#{body}"), the window checked where there
#             is a timestamp, and OpenSSL.fixed_length_secure_compare after a length check
#             (Rack::Utils.secure_compare is slower)
# Then, for the record, one asymmetric row each: Ed25519 (discord) and ECDSA P-256
# (sendgrid) against OpenSSL::PKey#verify, 1 KiB.
#
# Times are thread CPU time (the machine is shared); the contenders take turns, ROUNDS
# rounds, best round kept. Bars (issue 14): the worst cell at 1 KiB >= 4.0x for the Hash and
# the Rack env containers, every 1 MiB cell >= 0.95x.

$LOAD_PATH.unshift File.expand_path("../ruby/lib", __dir__)
require "openssl"
require "base64"
require "hooksig"

SIZES = { "0 B" => 0, "1 KiB" => 1024, "1 MiB" => 1024 * 1024 }.freeze
ROUND_SECONDS = Float(ENV.fetch("BENCH_ROUND_SECONDS", "0.02"))
ROUNDS = Integer(ENV.fetch("BENCH_ROUNDS", "15"))
CLOCK = ENV["BENCH_CLOCK"] == "wall" ? Process::CLOCK_MONOTONIC : Process::CLOCK_THREAD_CPUTIME_ID
WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SECRET = "bench-secret-0123456789"

def clock = Process.clock_gettime(CLOCK)

def time_n(count)
  start = clock
  i = 0
  while i < count
    yield
    i += 1
  end
  clock - start
end

# Returns how many calls take about ROUND_SECONDS.
def calibrate(&block)
  n = 1
  n *= 2 while (t = time_n(n, &block)) < ROUND_SECONDS / 8 && n < 1 << 24
  [(n * (ROUND_SECONDS / [t, 1e-9].max)).ceil, 1].max
end

# Each contender's best seconds per call; the contenders take turns, round after round.
def measure(contenders)
  counts = contenders.transform_values { |c| calibrate(&c) }
  best = contenders.transform_values { Float::INFINITY }
  ROUNDS.times do
    contenders.each { |name, c| best[name] = [best[name], time_n(counts[name], &c) / counts[name]].min }
  end
  best
end

# Each shape: the preset, its secret, and the snippet's verification over a reader of
# headers by their exact name (the container's own spelling).
SHAPES = {
  "github" => {
    secret: SECRET,
    snippet: lambda do |body, read|
      sent = read.call("X-Hub-Signature-256")
      expected = "sha256=#{OpenSSL::HMAC.hexdigest('SHA256', SECRET, body)}"
      (sent.bytesize == expected.bytesize && OpenSSL.fixed_length_secure_compare(expected, sent)) or raise "mismatch"
    end
  },
  "aghanim" => {
    secret: SECRET,
    snippet: lambda do |body, read|
      timestamp = read.call("X-Aghanim-Signature-Timestamp")
      sent = read.call("X-Aghanim-Signature")
      raise "stale" unless (Time.now.to_i - Integer(timestamp, 10)).abs <= 300

      expected = OpenSSL::HMAC.hexdigest("SHA256", SECRET, "#{timestamp}.#{body}")
      (sent.bytesize == expected.bytesize && OpenSSL.fixed_length_secure_compare(expected, sent)) or raise "mismatch"
    end
  },
  "noyo" => {
    secret: SECRET,
    snippet: lambda do |body, read|
      timestamp = read.call("X-Noyo-Timestamp")
      sent = read.call("X-Noyo-Signature")
      raise "stale" unless (Time.now.to_i - Integer(timestamp, 10)).abs <= 300

      expected = OpenSSL::HMAC.hexdigest("SHA256", SECRET, "#{timestamp}.#{body}")
      sent.split(",").any? do |s|
        s = s.strip
        s.bytesize == expected.bytesize && OpenSSL.fixed_length_secure_compare(expected, s)
      end or raise "mismatch"
    end
  },
  "standard-webhooks" => {
    secret: WHSEC,
    snippet: lambda do |body, read|
      id = read.call("webhook-id")
      timestamp = read.call("webhook-timestamp")
      sent = read.call("webhook-signature")
      raise "stale" unless (Time.now.to_i - Integer(timestamp, 10)).abs <= 300

      key = Base64.strict_decode64(WHSEC.delete_prefix("whsec_")) # once per request, as the snippets do
      expected = Base64.strict_encode64(OpenSSL::HMAC.digest("SHA256", key, "#{id}.#{timestamp}.#{body}"))
      sent.split.any? do |item|
        version, signature = item.split(",", 2)
        version == "v1" && signature.bytesize == expected.bytesize &&
          OpenSSL.fixed_length_secure_compare(expected, signature)
      end or raise "mismatch"
    end
  }
}.freeze

# A request as a server hands it over: 12 headers in canonical case, the signed ones among them.
def request_headers(signed, size)
  { "Host" => "hooks.example.com", "User-Agent" => "Provider-Hookshot/2.0", "Accept" => "*/*",
    "Accept-Encoding" => "gzip", "Content-Type" => "application/json", "Content-Length" => size.to_s,
    "X-Request-Id" => "4f1c2a9e-7b1d-4c55-9a7e-1f2b3c4d5e6f", "X-Forwarded-For" => "192.0.2.10",
    "X-Forwarded-Proto" => "https" }.merge(signed).first(12).to_h
end

# The same request as a Rack env (Puma-like: 13 keys of its own and the 12 headers).
def rack_env(headers)
  env = {
    "REQUEST_METHOD" => "POST", "SCRIPT_NAME" => "", "PATH_INFO" => "/webhooks", "QUERY_STRING" => "",
    "SERVER_NAME" => "hooks.example.com", "SERVER_PORT" => "443", "SERVER_PROTOCOL" => "HTTP/1.1",
    "REMOTE_ADDR" => "192.0.2.10", "rack.input" => nil, "rack.url_scheme" => "https", "rack.errors" => $stderr,
    "rack.multithread" => true
  }
  headers.each do |name, value|
    key = name.upcase.tr("-", "_")
    env[%w[CONTENT_TYPE CONTENT_LENGTH].include?(key) ? key : "HTTP_#{key}"] = value
  end
  env
end

def env_key(name)
  key = name.upcase.tr("-", "_")
  %w[CONTENT_TYPE CONTENT_LENGTH].include?(key) ? key : "HTTP_#{key}"
end

puts "hooksig #{Hooksig.native_version} (#{Hooksig::Native.find_library})"
yjit = defined?(RubyVM::YJIT) && RubyVM::YJIT.enabled? ? "YJIT" : "no JIT"
puts "ruby #{RUBY_VERSION} (#{yjit}), ffi #{FFI::VERSION}, #{OpenSSL::OPENSSL_LIBRARY_VERSION}"
puts "#{`lscpu`[/Model name:\s*(.*)/, 1]}; #{`uptime`.strip}; #{Time.now.utc}"
puts "best of #{ROUNDS} interleaved rounds of ~#{ROUND_SECONDS}s per contender, " \
     "#{CLOCK == Process::CLOCK_MONOTONIC ? 'wall' : 'thread CPU'} time"
puts
puts format("%-18s %-9s %-7s %12s %12s %8s", "shape", "container", "body", "hooksig", "openssl", "ratio")
cells = []
SHAPES.each do |shape, spec|
  verifier = Hooksig::Verifier.new(shape, secret: spec[:secret])
  signer = Hooksig::Signer.new(shape, secret: spec[:secret])
  SIZES.each do |label, size|
    body = ("x" * size).b
    signed = signer.sign(body)
    request = request_headers(signed, size)
    env = rack_env(request)
    containers = {
      "signed" => [signed, ->(name) { signed.fetch(name) }],
      "hash" => [request, ->(name) { request.fetch(name) }],
      "rack env" => [env, ->(name) { env.fetch(env_key(name)) }]
    }
    containers.each do |container, (headers, read)|
      snippet = spec[:snippet]
      contenders = {
        "hooksig" => -> { verifier.verify(body, headers) },
        "openssl" => -> { snippet.call(body, read) }
      }
      contenders.each_value(&:call) # each accepts the request
      times = measure(contenders)
      ratio = times["openssl"] / times["hooksig"]
      cells << [shape, container, label, ratio]
      puts format("%-18s %-9s %-7s %9.2f us %9.2f us %7.2fx", shape, container, label,
                  times["hooksig"] * 1e6, times["openssl"] * 1e6, ratio)
    end
  end
end

# Asymmetric rows, for the record: hooksig against OpenSSL::PKey#verify, 1 KiB.
seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
ed = OpenSSL::PKey.read(["302e020100300506032b657004220420#{seed}"].pack("H*"))
ec = OpenSSL::PKey::EC.generate("prime256v1")
asymmetric = {
  "discord (Ed25519)" => ["discord", ed, "X-Signature-Ed25519", :hex, "X-Signature-Timestamp", nil],
  "sendgrid (ECDSA P-256)" => ["sendgrid", ec, "X-Twilio-Email-Event-Webhook-Signature", :base64,
                               "X-Twilio-Email-Event-Webhook-Timestamp", "SHA256"]
}
puts
asymmetric.each do |label, (preset, key, sig_header, encoding, ts_header, digest)|
  body = ("x" * 1024).b
  private_pem = key.private_to_pem
  # Ed25519: the raw key (the last 32 bytes of its SPKI) in hex, as Discord shows it; ECDSA: base64 SPKI.
  public_text = encoding == :hex ? key.public_to_der[-32..].unpack1("H*") : [key.public_to_der].pack("m0")
  headers = Hooksig::Signer.new(preset, private_key: private_pem).sign(body)
  verifier = Hooksig::Verifier.new(preset, public_key: public_text)
  public_key = OpenSSL::PKey.read(key.public_to_der)
  contenders = {
    "hooksig" => -> { verifier.verify(body, headers) },
    "openssl" => lambda do
      sent = headers.fetch(sig_header)
      signature = encoding == :hex ? [sent].pack("H*") : sent.unpack1("m0")
      public_key.verify(digest, signature, "#{headers.fetch(ts_header)}#{body}") or raise "mismatch"
    end
  }
  contenders.each_value(&:call)
  times = measure(contenders)
  puts format("%-24s 1 KiB  hooksig %8.2f us  OpenSSL::PKey %8.2f us  %5.2fx", label,
              times["hooksig"] * 1e6, times["openssl"] * 1e6, times["openssl"] / times["hooksig"])
end

puts
worst = ->(size, containers) { cells.select { |c| c[2] == size && containers.include?(c[1]) }.min_by(&:last) }
bars = [
  ["1 KiB, Hash containers: worst cell >= 4.0x", worst.call("1 KiB", %w[signed hash]), 4.0],
  ["1 KiB, Rack env: worst cell >= 4.0x", worst.call("1 KiB", ["rack env"]), 4.0],
  ["1 MiB, every container: worst cell >= 0.95x", worst.call("1 MiB", ["signed", "hash", "rack env"]), 0.95]
]
bars.each do |text, (shape, container, _size, ratio), bar|
  puts format("bar %-46s %s (%.2fx: %s, %s)", text, ratio >= bar ? "MET" : "NOT MET", ratio, shape, container)
end
