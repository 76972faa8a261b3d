# frozen_string_literal: true

# hooksig from Ruby vs the provider-doc style with OpenSSL, in one process.
#
#   make bench-ruby            (builds the release library, then runs this)
#   HOOKSIG_LIB=target/release/libhooksig_c.so ruby bench/ruby_bench.rb
#
# Each contender verifies a GitHub-style request (X-Hub-Signature-256: sha256=<hex>) read
# from the same headers Hash, so all pay the same lookup:
#   hooksig           Hooksig::Verifier#verify(body, headers)
#   hooksig, Rack env the same with a 26-key Rack env as headers (not part of the bars)
#   hexdigest+secure  "sha256=" + OpenSSL::HMAC.hexdigest(...), OpenSSL.secure_compare
#                     (GitHub's and most providers' documented Ruby)
#   digest+fixed      OpenSSL::HMAC.digest(...), the header hex-decoded,
#                     OpenSSL.fixed_length_secure_compare (the fastest OpenSSL form)
# Figures are the best of several interleaved rounds; bars from issue 5: at 1 KiB hooksig at least 4x
# the fastest OpenSSL form, at 1 MiB at least 95% of its throughput.

$LOAD_PATH.unshift File.expand_path("../ruby/lib", __dir__)
require "openssl"
require "hooksig"

SECRET = "bench-secret-0123456789"
SIZES = { "0 B" => 0, "1 KiB" => 1024, "16 KiB" => 16 * 1024, "1 MiB" => 1024 * 1024 }.freeze
ROUND_SECONDS = Float(ENV.fetch("BENCH_ROUND_SECONDS", "0.05"))
ROUNDS = Integer(ENV.fetch("BENCH_ROUNDS", "30"))

# CPU time of this thread, not wall time: the machine is shared, and time spent
# descheduled is not the contenders' cost. (BENCH_CLOCK=wall for wall time.)
CLOCK = ENV["BENCH_CLOCK"] == "wall" ? Process::CLOCK_MONOTONIC : Process::CLOCK_THREAD_CPUTIME_ID
def clock = Process.clock_gettime(CLOCK)

# Returns how many calls take about ROUND_SECONDS.
def calibrate(&block)
  n = 1
  n *= 2 while (t = time_n(n, &block)) < ROUND_SECONDS / 8 && n < 1 << 24
  [(n * (ROUND_SECONDS / [t, 1e-9].max)).ceil, 1].max
end

# Returns each contender's best seconds per call. The contenders take turns, round after
# round, so a change in the machine's load (it is shared) hits them all alike.
def measure(contenders)
  counts = contenders.transform_values { |c| calibrate(&c) }
  best = contenders.transform_values { Float::INFINITY }
  ROUNDS.times do
    contenders.each do |name, c|
      best[name] = [best[name], time_n(counts[name], &c) / counts[name]].min
    end
  end
  best
end

def time_n(count)
  start = clock
  i = 0
  while i < count
    yield
    i += 1
  end
  clock - start
end

verifier = Hooksig::Verifier.new("github", secret: SECRET)
rows = SIZES.map do |label, size|
  body = ("x" * size).b
  headers = { "Content-Type" => "application/json", "User-Agent" => "GitHub-Hookshot/abc",
              "X-Hub-Signature-256" => "sha256=#{OpenSSL::HMAC.hexdigest('SHA256', SECRET, body)}" }
  # A Rack env as a server builds it (Puma-like, 26 keys), for the middleware's case.
  env = {
    "REQUEST_METHOD" => "POST", "SCRIPT_NAME" => "", "PATH_INFO" => "/webhooks/github",
    "QUERY_STRING" => "", "SERVER_NAME" => "example.com", "SERVER_PORT" => "443",
    "SERVER_PROTOCOL" => "HTTP/1.1", "REMOTE_ADDR" => "140.82.115.1", "rack.input" => nil,
    "rack.url_scheme" => "https", "rack.errors" => $stderr, "rack.multithread" => true,
    "rack.multiprocess" => false, "rack.run_once" => false, "rack.version" => [1, 6],
    "CONTENT_TYPE" => "application/json", "CONTENT_LENGTH" => size.to_s,
    "HTTP_HOST" => "example.com", "HTTP_USER_AGENT" => "GitHub-Hookshot/abc",
    "HTTP_ACCEPT" => "*/*", "HTTP_X_GITHUB_EVENT" => "push", "HTTP_X_GITHUB_DELIVERY" => "72d3162e",
    "HTTP_X_GITHUB_HOOK_ID" => "292430182", "HTTP_X_HUB_SIGNATURE" => "sha1=0",
    "HTTP_X_HUB_SIGNATURE_256" => headers["X-Hub-Signature-256"], "HTTP_VERSION" => "HTTP/1.1"
  }
  contenders = {
    "hooksig" => -> { verifier.verify(body, headers) },
    "hooksig, Rack env" => -> { verifier.verify(body, env) },
    "hexdigest+secure" => lambda do
      expected = "sha256=#{OpenSSL::HMAC.hexdigest('SHA256', SECRET, body)}"
      OpenSSL.secure_compare(expected, headers["X-Hub-Signature-256"]) or raise "mismatch"
    end,
    "digest+fixed" => lambda do
      sent = headers["X-Hub-Signature-256"]
      raise "mismatch" unless sent.start_with?("sha256=") && sent.bytesize == 71

      OpenSSL.fixed_length_secure_compare(OpenSSL::HMAC.digest("SHA256", SECRET, body),
                                          [sent.byteslice(7, 64)].pack("H*")) or raise "mismatch"
    end
  }
  contenders.each_value(&:call) # each accepts the request
  [label, size, measure(contenders)]
end

def fmt_rate(seconds, size)
  ops = 1 / seconds
  rate = size.zero? ? "" : format("%9.1f MB/s", size * ops / 1e6)
  format("%12s ops/s %s", ops.round.to_s.reverse.scan(/\d{1,3}/).join(",").reverse, rate)
end

puts "hooksig #{Hooksig.native_version} (#{Hooksig::Native.find_library})"
yjit = defined?(RubyVM::YJIT) && RubyVM::YJIT.enabled? ? "YJIT" : "no JIT"
puts "ruby #{RUBY_VERSION} (#{yjit}), ffi #{FFI::VERSION}, #{OpenSSL::OPENSSL_LIBRARY_VERSION}"
puts "best of #{ROUNDS} interleaved rounds of ~#{ROUND_SECONDS}s per contender, " \
     "#{CLOCK == Process::CLOCK_MONOTONIC ? 'wall' : 'thread CPU'} time"
puts
bars = []
rows.each do |label, size, times|
  fastest_openssl = times.except("hooksig", "hooksig, Rack env").values.min
  puts "#{label}:"
  times.each do |name, seconds|
    puts format("  %-18s %s  %7.2f us/call", name, fmt_rate(seconds, size), seconds * 1e6)
  end
  ratio = fastest_openssl / times["hooksig"]
  puts format("  hooksig / fastest OpenSSL form: %.2fx", ratio)
  bars << ["1 KiB: hooksig >= 4x the fastest OpenSSL form", ratio >= 4, ratio] if label == "1 KiB"
  bars << ["1 MiB: hooksig >= 95% of its throughput", ratio >= 0.95, ratio] if label == "1 MiB"
end
puts
bars.each { |text, met, ratio| puts format("bar %-48s %s (%.2fx)", text, met ? "MET" : "NOT MET", ratio) }
