# frozen_string_literal: true

# `make soak` (Ruby): 10^6 verifications in one process, RSS at the start and the end.
#
# A mix of 8 valid, 1 tampered-body and 1 stale-timestamp request in every 10 (the error
# path, which builds an exception each time, runs 200 000 times too), each answer checked.
# RSS (VmRSS of /proc/self/status) after a warm-up of 20 000 verifications and a GC.start,
# then every 100 000, then at the end after GC.start. Exits 1 on a wrong answer or RSS growth
# above 10 %.
#
#   HOOKSIG_LIB=target/release/libhooksig_c.so ruby load/soak.rb [N]

$LOAD_PATH.unshift File.expand_path("../ruby/lib", __dir__)
require "hooksig"

N = Integer(ARGV.fetch(0, "1000000"))
WARMUP = 20_000
SAMPLE_EVERY = 100_000
SECRET = "soak-aghanim-secret" # a local test value

def rss_kib
  Integer(File.read("/proc/self/status")[/^VmRSS:\s+(\d+) kB/, 1])
end

verifier = Hooksig::Verifier.new("aghanim", secret: SECRET)
signer = Hooksig::Signer.new("aghanim", secret: SECRET)
body = '{"event_type":"item.add","event_data":{"player_id":"p_1024","items":[{"sku":"gems_500"}]}}'.b
now = Time.now.to_i
valid = signer.sign(body, timestamp: now)
stale = signer.sign(body, timestamp: now - 3600) # outside the 300 s window
tampered = body.sub("gems_500", "gems_900")
CASES = ([[body, valid, nil]] * 8) + [[tampered, valid, "signature_mismatch"], [body, stale, "timestamp_too_old"]]

run = lambda do |n, start|
  wrong = 0
  (start...(start + n)).each do |i|
    b, h, want = CASES[i % 10]
    got = begin
      verifier.verify(b, h)
      nil
    rescue Hooksig::VerificationError => e
      e.code
    end
    wrong += 1 unless got == want
  end
  wrong
end

wrong = run.call(WARMUP, 0)
GC.start
rss_start = rss_kib
samples = [rss_start]
t0 = Process.clock_gettime(Process::CLOCK_MONOTONIC)
done = 0
while done < N
  step = [SAMPLE_EVERY, N - done].min
  wrong += run.call(step, done)
  done += step
  samples << rss_kib
end
elapsed = Process.clock_gettime(Process::CLOCK_MONOTONIC) - t0
GC.start
rss_end = rss_kib
growth = (rss_end - rss_start).fdiv(rss_start)
puts format("ruby: %d verifications in %.1f s (%d/s), wrong answers: %d", N, elapsed, N / elapsed, wrong)
puts format("ruby: RSS start %d KiB, end %d KiB (%+.2f%%), max %d KiB; samples every %d: %s",
            rss_start, rss_end, growth * 100, samples.max, SAMPLE_EVERY, samples.inspect)
exit(wrong.zero? && growth <= 0.10 ? 0 : 1)
