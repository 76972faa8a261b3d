# frozen_string_literal: true

# hooksig from Ruby vs OpenSSL::HMAC and a secure compare, in one process (issue 14).
#
#   make bench-ruby            (builds the release library, then runs this, and with YJIT)
#   HOOKSIG_LIB=target/release/libhooksig_c.so ruby bench/ruby_bench.rb
#   BENCH_SIZES="1 KiB" BENCH_SHAPES=aghanim,noyo ...   (a part of the matrix)
#
# The matrix: shapes {github (1 header), aghanim and noyo (2), standard-webhooks (3)} x
# containers {only the signed headers, as a Hash; a request of 12 headers as a Hash; a Rack
# env of 25 keys} x bodies {0 B, 1 KiB, 1 MiB}. In each cell:
#   hooksig   Hooksig::Verifier#verify(body, container)
#   openssl   what a provider snippet does, at its fastest: the headers read from the same
#             container by their exact key (a Rack env key spelled once, as a snippet has
#             it, not computed per request), OpenSSL::HMAC over the signed message (built as
#             the snippets build it, "#{timestamp}.#{body}"), the window checked where there
#             is a timestamp, and OpenSSL.fixed_length_secure_compare after a length check
#             (Rack::Utils.secure_compare is slower)
# Then the floor at 1 KiB (the bare ffi call with the core, against the snippet: the best
# ratio any ffi verify could reach), and, for the record, one asymmetric row each: Ed25519
# (discord) and ECDSA P-256 (sendgrid) against OpenSSL::PKey#verify, 1 KiB.
#
# Times are thread CPU time (the machine is shared); the contenders take turns, ROUNDS
# rounds in alternating order, best round kept. Bars (issue 14): the worst cell at 1 KiB >= 4.0x for the Hash and
# the Rack env containers, every 1 MiB cell >= 0.95x.

$LOAD_PATH.unshift File.expand_path("../ruby/lib", __dir__)
require "openssl"
require "base64"
require "hooksig"

SIZES = { "0 B" => 0, "1 KiB" => 1024, "1 MiB" => 1024 * 1024 }
        .select { |label, _| ENV.fetch("BENCH_SIZES", "0 B,1 KiB,1 MiB").split(",").include?(label) }.freeze
ROUND_SECONDS = Float(ENV.fetch("BENCH_ROUND_SECONDS", "0.02"))
ROUNDS = Integer(ENV.fetch("BENCH_ROUNDS", "15"))
CLOCK = ENV["BENCH_CLOCK"] == "wall" ? Process::CLOCK_MONOTONIC : Process::CLOCK_THREAD_CPUTIME_ID
WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SECRET = "bench-secret-0123456789"

def clock(id = CLOCK) = Process.clock_gettime(id)

def time_n(count, id = CLOCK)
  start = clock(id)
  i = 0
  while i < count
    yield
    i += 1
  end
  clock(id) - start
end

# Returns how many calls take about ROUND_SECONDS.
def calibrate(id = CLOCK, &block)
  n = 1
  n *= 2 while (t = time_n(n, id, &block)) < ROUND_SECONDS / 8 && n < 1 << 24
  [(n * (ROUND_SECONDS / [t, 1e-9].max)).ceil, 1].max
end

# Each contender's best seconds per call; the contenders take turns, round after round, in
# the opposite order every other round (whichever runs first in a round was measured up to
# ~10% faster on this machine). `id`: the clock (thread CPU time unless BENCH_CLOCK=wall;
# the Redis rows are wall time: their time is a round trip, not CPU).
def measure(contenders, id = CLOCK)
  counts = contenders.transform_values { |c| calibrate(id, &c) }
  best = contenders.transform_values { Float::INFINITY }
  ROUNDS.times do |round|
    order = round.even? ? contenders.to_a : contenders.to_a.reverse
    order.each { |name, c| best[name] = [best[name], time_n(counts[name], id, &c) / counts[name]].min }
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
  next unless ENV.fetch("BENCH_SHAPES", SHAPES.keys.join(",")).split(",").include?(shape)

  verifier = Hooksig::Verifier.new(shape, secret: spec[:secret])
  signer = Hooksig::Signer.new(shape, secret: spec[:secret])
  SIZES.each do |label, size|
    body = ("x" * size).b
    signed = signer.sign(body)
    request = request_headers(signed, size)
    env = rack_env(request)
    # A snippet spells the env key itself (env["HTTP_X_HUB_SIGNATURE_256"]): computed here, once.
    env_keys = request.keys.to_h { |name| [name, env_key(name)] }
    containers = {
      "signed" => [signed, ->(name) { signed.fetch(name) }],
      "hash" => [request, ->(name) { request.fetch(name) }],
      "rack env" => [env, ->(name) { env.fetch(env_keys.fetch(name)) }]
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

# The floor on this Ruby, 1 KiB: what a verify costs with no Ruby work at all (the one
# hooksig_verify_packed call through ffi with its arguments ready: packed headers, buffers;
# the core included), beside the snippet on the 12-header Hash; the best ratio any ffi
# binding could reach. Then two costs every verify of a Hash pays on top: a one-argument
# ffi call, and walking 12 headers with the type tests the API promises (every name a
# String or Symbol, every value a String or an Array).
if SIZES.key?("1 KiB")
  puts
  puts "floor, 1 KiB: the bare hooksig_verify_packed call (arguments ready, the core included) vs the snippet"
  out = "\0".b * Hooksig::Native::VERIFIED_SIZE
  message = "\0".b * FFI.type_size(:pointer)
  SHAPES.each do |shape, spec|
    next unless ENV.fetch("BENCH_SHAPES", SHAPES.keys.join(",")).split(",").include?(shape)

    verifier = Hooksig::Verifier.new(shape, secret: spec[:secret])
    native = verifier.instance_variable_get(:@native)
    body = ("x" * 1024).b
    request = request_headers(Hooksig::Signer.new(shape, secret: spec[:secret]).sign(body), 1024)
    packed = Hooksig::Signer.new(shape, secret: spec[:secret]).sign(body).map do |name, value|
      [name.bytesize, name, value.bytesize, value].pack("L<a*L<a*")
    end.join
    snippet = spec[:snippet]
    read = ->(name) { request.fetch(name) }
    contenders = {
      "call" => lambda do
        Hooksig::Native.hooksig_verify_packed(native, body, body.bytesize, packed, packed.bytesize, nil, out, message)
      end,
      "openssl" => -> { snippet.call(body, read) }
    }
    raise "the bare call failed" unless contenders["call"].call.zero?

    times = measure(contenders)
    puts format("%-18s call %6.2f us  openssl %6.2f us  at most %5.2fx", shape, times["call"] * 1e6,
                times["openssl"] * 1e6, times["openssl"] / times["call"])
  end
  request = request_headers({ "X-Hub-Signature-256" => "sha256=#{'0' * 64}" }, 1024)
  needs = Hooksig::Verifier.new("github", secret: SECRET).instance_variable_get(:@native)
  walk = lambda do
    request.each_pair { |name, value| (String === name || Symbol === name) && String === value }
  end
  times = measure({ "ffi" => -> { Hooksig::Native.hooksig_verifier_needs(needs) }, "walk" => walk })
  puts format("one ffi call, one argument (hooksig_verifier_needs): %.2f us; a 12-header Hash walked with " \
              "the type tests: %.2f us", times["ffi"] * 1e6, times["walk"] * 1e6)
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

# Replay protection (issue 11): what a claim costs, and the replay key. Off with BENCH_REPLAY=0.
if ENV.fetch("BENCH_REPLAY", "1") != "0"
  require "redis"
  require "socket"
  puts
  puts "replay protection (issue 11)"
  # The replay key, 1 KiB, standard-webhooks on the signed Hash: verify alone; the key made in
  # the verify call (what the Rack middleware does with a store); verify, then the key read
  # (made by verifying again).
  verifier = Hooksig::Verifier.new("standard-webhooks", secret: WHSEC)
  body = ("x" * 1024).b
  signed = Hooksig::Signer.new("standard-webhooks", secret: WHSEC).sign(body)
  times = measure({
                    "verify" => -> { verifier.verify(body, signed) },
                    "keyed" => -> { verifier.__send__(:verify_keyed, body, signed).replay_key },
                    "lazy" => -> { verifier.verify(body, signed).replay_key }
                  })
  puts format("standard-webhooks 1 KiB: verify %.2f us; verify with the key in the call %.2f us; " \
              "verify then replay_key (verified again) %.2f us", times["verify"] * 1e6, times["keyed"] * 1e6,
              times["lazy"] * 1e6)

  # The memory store: a claim of a new key (true), of a held key (false: the duplicate).
  keys = Array.new(1 << 16) { |i| "standard-webhooks:msg_#{i.to_s.rjust(24, '0')}" }.freeze
  memory = Hooksig::MemoryReplayStore.new
  held = keys[0]
  memory.claim(held, 660)
  fresh = 0
  times = measure({
                    "new" => lambda do
                      memory.claim(keys[fresh & 0xFFFF], 660)
                      memory.release(keys[fresh & 0xFFFF]) # (so that each claim is a first one)
                      fresh += 1
                    end,
                    "release" => -> { memory.release(keys[1]) },
                    "held" => -> { memory.claim(held, 660) }
                  })
  puts format("MemoryReplayStore (thread CPU): claim + release of a new key %.2f us (release alone %.2f us); " \
              "claim of a held key %.2f us", times["new"] * 1e6, times["release"] * 1e6, times["held"] * 1e6)

  # Redis over loopback: a redis-server of its own on a free port, persistence off.
  port = TCPServer.new("127.0.0.1", 0).then { |s| s.addr[1].tap { s.close } }
  pid = Process.spawn("redis-server", "--port", port.to_s, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                      "--loglevel", "warning", out: File::NULL, err: File::NULL)
  begin
    redis = Redis.new(host: "127.0.0.1", port: port, connect_timeout: 1, read_timeout: 1, write_timeout: 1)
    begin
      redis.ping
    rescue Redis::BaseConnectionError
      sleep 0.05
      retry
    end
    store = Hooksig::RedisReplayStore.new(redis)
    store.claim(held, 660)
    wall = Process::CLOCK_MONOTONIC
    counter = 0
    times = measure({
                      "new" => lambda do
                        counter += 1
                        store.claim("bench:#{counter}", 660) or raise "not new"
                      end,
                      "held" => -> { store.claim(held, 660) and raise "not held" },
                      "set" => lambda do
                        counter += 1
                        redis.set("hooksig:raw:#{counter}", "1", nx: true, px: 660_000)
                      end,
                      "ping" => -> { redis.ping }
                    }, wall)
    cpu = measure({ "new" => lambda do
      counter += 1
      store.claim("bench:#{counter}", 660)
    end })
    puts format("RedisReplayStore over loopback (wall): claim of a new key %.1f us, of a held key %.1f us; " \
                "the client's own SET NX PX %.1f us, PING %.1f us; a claim's CPU time in this process %.1f us",
                times["new"] * 1e6, times["held"] * 1e6, times["set"] * 1e6, times["ping"] * 1e6, cpu["new"] * 1e6)
  ensure
    Process.kill("TERM", pid)
    Process.wait(pid)
  end
end

puts
worst = ->(size, containers) { cells.select { |c| c[2] == size && containers.include?(c[1]) }.min_by(&:last) }
bars = [
  ["1 KiB, Hash containers: worst cell >= 4.0x", worst.call("1 KiB", %w[signed hash]), 4.0],
  ["1 KiB, Rack env: worst cell >= 4.0x", worst.call("1 KiB", ["rack env"]), 4.0],
  ["1 MiB, every container: worst cell >= 0.95x", worst.call("1 MiB", ["signed", "hash", "rack env"]), 0.95]
]
bars.each do |text, (shape, container, _size, ratio), bar|
  next if ratio.nil? # a size left out (BENCH_SIZES)

  puts format("bar %-46s %s (%.2fx: %s, %s)", text, ratio >= bar ? "MET" : "NOT MET", ratio, shape, container)
end
