# frozen_string_literal: true

require_relative "test_helper"

# Memory and GC: native objects are freed with their Ruby owners, buffers handed to C
# stay alive for the call, and 100k verifications leave memory flat.
class TestGc < Minitest::Test
  SECRET = "gc-secret"

  def rss_kib
    File.read("/proc/self/status")[/^VmRSS:\s+(\d+)/, 1].to_i
  end

  def test_100k_verifications_with_frequent_gc_keep_memory_flat
    v = Hooksig::Verifier.new("noyo", secrets: ["old", SECRET], tolerance: nil)
    signer = Hooksig::Signer.new("noyo", secret: SECRET)
    body = "{\"n\":1}".b
    headers = signer.sign(body)
    bad = headers.merge("X-Noyo-Signature" => "00" * 32)
    run = lambda do |count|
      ok = 0
      count.times do |i|
        GC.start(full_mark: false) if (i % 1000).zero?
        if i.even?
          ok += 1 if v.verify(body.dup, headers.dup).secret_index == 1
        else
          begin
            v.verify(body, bad)
          rescue Hooksig::SignatureMismatchError => e
            ok += 1 if e.message.start_with?("no signature matched")
          end
        end
      end
      ok
    end
    assert_equal 10_000, run.call(10_000) # warm-up: caches, the heap, malloc arenas
    GC.start
    before = rss_kib
    assert_equal 100_000, run.call(100_000)
    GC.start
    growth = rss_kib - before
    assert_operator growth, :<, 8 * 1024, "RSS grew by #{growth} KiB over 100k verifications"
  end

  def test_native_objects_are_freed_with_their_owners
    build = lambda do |count|
      count.times do |i|
        Hooksig::Verifier.new("svix", secret: "whsec_#{["k#{i}"].pack('m0')}")
        Hooksig::Signer.new("github", secret: "s#{i}").sign("x")
        GC.start if (i % 500).zero?
      end
    end
    build.call(2_000)
    GC.start
    before = rss_kib
    build.call(20_000)
    GC.start
    growth = rss_kib - before
    assert_operator growth, :<, 8 * 1024, "RSS grew by #{growth} KiB over 20k verifiers and signers"
  end

  # GC.stress collects at every allocation: any buffer not kept alive across a native
  # call, or freed twice, crashes here.
  def test_under_gc_stress
    v = Hooksig::Verifier.new("standard-webhooks", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    signer = Hooksig::Signer.new("standard-webhooks", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    results = []
    GC.stress = true
    begin
      20.times do |i|
        body = "{\"i\":#{i}}"
        headers = signer.sign(body, id: "msg_#{i}")
        results << v.verify(body, headers).id
        results << v.valid?("#{body} ", headers)
        Hooksig::Verifier.new("github", secret: "tmp#{i}")
      end
    ensure
      GC.stress = false
    end
    assert_equal 20.times.flat_map { |i| ["msg_#{i}", false] }, results
  end
end
