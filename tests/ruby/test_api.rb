# frozen_string_literal: true

require_relative "test_helper"
require "open3"
require "tmpdir"
require "fileutils"

# The Ruby API around the vectors: argument forms, errors, secrets, threads, loading.
class TestApi < Minitest::Test
  # GitHub's documented example (docs.github.com, "Validating webhook deliveries").
  GITHUB_SECRET = "It's a Secret to Everybody"
  GITHUB_BODY = "Hello, World!"
  GITHUB_SIG = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
  WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

  def github
    Hooksig::Verifier.new("github", secret: GITHUB_SECRET)
  end

  def test_headers_in_any_case_and_form
    v = github
    ["X-Hub-Signature-256", "x-hub-signature-256", "X-HUB-SIGNATURE-256", :"x-hub-signature-256"].each do |name|
      assert_equal 0, v.verify(GITHUB_BODY, { name => GITHUB_SIG }).secret_index
    end
    assert v.valid?(GITHUB_BODY, [["X-Hub-Signature-256", GITHUB_SIG]])
    env = { "REQUEST_METHOD" => "POST", "CONTENT_TYPE" => "application/json",
            "HTTP_X_HUB_SIGNATURE_256" => GITHUB_SIG, "rack.input" => StringIO.new }
    assert v.valid?(GITHUB_BODY, env)
    # A Rack env's non-header keys are not headers.
    refute v.valid?(GITHUB_BODY, { "REQUEST_METHOD" => "POST", "X-Hub-Signature-256" => GITHUB_SIG })
  end

  def test_rack_env_content_type_and_lowercase_keys
    scheme = { signature_header: "content-type", encoding: "hex" }
    signature = Hooksig::Signer.new(scheme, secret: "s").sign("{}")["content-type"]
    v = Hooksig::Verifier.new(scheme, secret: "s")
    assert v.valid?("{}", { "REQUEST_METHOD" => "POST", "CONTENT_TYPE" => signature })
    refute v.valid?("{}", { "REQUEST_METHOD" => "POST", "HTTP_X_OTHER" => signature })
    # A Rack env holds each header once, under the key Rack spells (HTTP_ and upper case):
    # it is read by that key, and a key spelled otherwise is not a header.
    refute github.valid?(GITHUB_BODY, { "REQUEST_METHOD" => "POST", "HTTP_x_hub_signature_256" => GITHUB_SIG })
    env = { "REQUEST_METHOD" => "POST", "HTTP_X_HUB_SIGNATURE_256" => 1 }
    err = assert_raises(TypeError) { github.verify(GITHUB_BODY, env) }
    assert_includes err.message, "HTTP_X_HUB_SIGNATURE_256"
  end

  def test_repeated_header_is_the_cores_invalid_header
    err = assert_raises(Hooksig::InvalidHeaderError) do
      github.verify(GITHUB_BODY, { "X-Hub-Signature-256" => [GITHUB_SIG, GITHUB_SIG] })
    end
    assert_equal "invalid_header", err.code
    assert_kind_of Hooksig::VerificationError, err
  end

  def test_errors_carry_codes_and_classes
    v = github
    cases = {
      Hooksig::MissingHeaderError => [GITHUB_BODY, {}],
      Hooksig::SignatureMismatchError => ["Hello, World?", { "X-Hub-Signature-256" => GITHUB_SIG }],
      Hooksig::InvalidHeaderError => [GITHUB_BODY, { "X-Hub-Signature-256" => "garbage" }]
    }
    cases.each do |klass, (body, headers)|
      err = assert_raises(klass) { v.verify(body, headers) }
      assert_equal klass::CODE, err.code
      assert_kind_of Hooksig::Error, err
      refute v.valid?(body, headers)
    end
    err = assert_raises(Hooksig::SignatureMismatchError) { v.verify("x", { "X-Hub-Signature-256" => GITHUB_SIG }) }
    assert_includes err.message, "raw request bytes"
    refute_includes err.message, "757107ea"
  end

  def test_binary_safe_bodies
    body = "\xff\x00\xfe{}".b
    signer = Hooksig::Signer.new("github", secret: "s")
    headers = signer.sign(body)
    v = Hooksig::Verifier.new("github", secret: "s")
    [body, body.dup.force_encoding(Encoding::UTF_8), body.dup.force_encoding(Encoding::UTF_16LE),
     body.freeze].each do |b|
      assert v.valid?(b, headers), b.encoding.to_s
    end
    # A UTF-8 string is hashed as its bytes, never re-encoded.
    text = "héllo"
    assert v.valid?(text.b, signer.sign(text))
    refute v.valid?(text.encode(Encoding::ISO_8859_1), signer.sign(text))
  end

  def test_timestamps_ids_and_tolerance
    signer = Hooksig::Signer.new("standard-webhooks", secret: WHSEC)
    headers = signer.sign("{}", timestamp: 1_700_000_000, id: "msg_abc")
    assert_equal %w[webhook-id webhook-timestamp webhook-signature], headers.keys
    default = Hooksig::Verifier.new("standard-webhooks", secret: WHSEC)
    result = default.verify("{}", headers, now: 1_700_000_300)
    assert_equal 1_700_000_000, result.timestamp
    assert_equal "msg_abc", result.id
    assert_equal Encoding::UTF_8, result.id.encoding
    assert_raises(Hooksig::TimestampTooOldError) { default.verify("{}", headers, now: 1_700_000_301) }
    assert_raises(Hooksig::TimestampInFutureError) { default.verify("{}", headers, now: Time.at(1_699_999_699)) }
    assert_raises(Hooksig::TimestampError) { default.verify("{}", headers) } # the clock is years later

    none = Hooksig::Verifier.new("standard-webhooks", secret: WHSEC, tolerance: nil)
    assert_equal 1_700_000_000, none.verify("{}", headers).timestamp
    narrow = Hooksig::Verifier.new("standard-webhooks", secret: WHSEC, tolerance: 5)
    assert narrow.valid?("{}", headers, now: 1_700_000_005)
    refute narrow.valid?("{}", headers, now: 1_700_000_006)

    fresh = signer.sign("{}")
    assert_match(/\Amsg_[0-9a-f]{32}\z/, fresh["webhook-id"])
    assert default.valid?("{}", fresh)
  end

  def test_rotation_reports_the_matching_secret
    old = "whsec_#{['old-secret-bytes'].pack('m0')}"
    headers = Hooksig::Signer.new("svix", secret: WHSEC).sign("{}")
    v = Hooksig::Verifier.new("svix", secrets: [old, WHSEC])
    assert_equal 1, v.verify("{}", headers).secret_index
    refute Hooksig::Verifier.new("svix", secrets: [old]).valid?("{}", headers)
  end

  def test_rotation_without_timestamp_or_id_and_with_many_secrets
    others = Array.new(299) { |i| "old-secret-#{i}" }
    [[1, ["old", GITHUB_SECRET]], [299, others + [GITHUB_SECRET]]].each do |index, secrets|
      v = Hooksig::Verifier.new("github", secrets: secrets)
      result = v.verify(GITHUB_BODY, { "X-Hub-Signature-256" => GITHUB_SIG })
      assert_equal Hooksig::Verified.new(nil, nil, index), result
      assert_equal({ timestamp: nil, id: nil, id_bytes: nil, secret_index: index }, result.to_h)
    end
  end

  # Every spelling of a name is read, the usual ones from a table, others by their bytes; a
  # verifier learns nothing from a request (it is immutable), so order changes nothing.
  def test_every_spelling_is_read_and_nothing_is_learned
    v = github
    assert v.valid?(GITHUB_BODY, { "X-Hub-Signature-256" => GITHUB_SIG })
    err = assert_raises(Hooksig::InvalidHeaderError) do
      v.verify(GITHUB_BODY, { "X-Hub-Signature-256" => GITHUB_SIG, "x-hub-signature-256" => GITHUB_SIG })
    end
    assert_equal "invalid_header", err.code
    assert v.valid?(GITHUB_BODY, { "x-HUB-signature-256" => GITHUB_SIG, "X-Other" => "1" })
    assert v.valid?(GITHUB_BODY, { "X-Hub-Signature-256": GITHUB_SIG })
    assert v.valid?(GITHUB_BODY, { "X-Hub-Signature-256" => [GITHUB_SIG] })
    assert_raises(Hooksig::InvalidHeaderError) do
      v.verify(GITHUB_BODY, { "X-Hub-Signature-256" => [GITHUB_SIG, GITHUB_SIG] })
    end
    assert_raises(TypeError) { v.verify(GITHUB_BODY, { "X-Hub-Signature-256" => GITHUB_SIG, "Unrelated" => 42 }) }
    assert_raises(TypeError) { v.verify(GITHUB_BODY, { "X-Hub-Signature-256" => GITHUB_SIG, nil => "x" }) }
    assert_raises(TypeError) { v.verify(GITHUB_BODY, { 1.5 => "x", "X-Hub-Signature-256" => GITHUB_SIG }) }
    # Two hundred spellings, each verified the same way.
    200.times do |i|
      name = "x-hub-signature-256".chars.each_with_index.map { |c, j| i[j % 8] == 1 ? c.upcase : c }.join
      assert v.valid?(GITHUB_BODY, { name => GITHUB_SIG }), name
      refute v.valid?(GITHUB_BODY.succ, { name => GITHUB_SIG }), name
    end
  end

  # Names are compared by their bytes, as the core does, in every encoding but UTF-16 and
  # UTF-32 with a byte order, whose names are text and never a header name; in every form
  # of headers, and no encoding error escapes.
  def test_names_are_bytes_except_in_utf16_and_utf32
    v = github
    never = [
      "x-hub-signature-256".dup.force_encoding(Encoding::UTF_16LE), # the name's very bytes
      "x-hub-signature-256".encode(Encoding::UTF_16LE),
      "X-HUB-SIGNATURE-256".encode(Encoding::UTF_32BE)
    ]
    never.each do |name|
      [{ name => GITHUB_SIG }, [[name, GITHUB_SIG]]].each do |headers|
        err = assert_raises(Hooksig::MissingHeaderError) { v.verify(GITHUB_BODY, headers) }
        assert_equal "missing_header", err.code
      end
    end
    # A Rack env is read by the keys Rack spells, in UTF-8 or binary: none other is a header.
    ["HTTP_X_HUB_SIGNATURE_256".encode(Encoding::UTF_16LE),
     "HTTP_X_HUB_SIGNATURE_256".dup.force_encoding(Encoding::UTF_16LE)].each do |key|
      env = { "REQUEST_METHOD" => "POST", key => GITHUB_SIG }
      assert_raises(Hooksig::MissingHeaderError) { v.verify(GITHUB_BODY, env) }
    end
    assert v.valid?(GITHUB_BODY, { "REQUEST_METHOD" => "POST", "HTTP_X_HUB_SIGNATURE_256".b => GITHUB_SIG })
    assert v.valid?(GITHUB_BODY, never.to_h { |n| [n, GITHUB_SIG] }.merge("X-Hub-Signature-256" => GITHUB_SIG))
    # Dummy encodings (UTF-7, ISO-2022-JP) hold ASCII as bytes: those names are the header.
    %w[UTF-7 ISO-2022-JP UTF-16].each do |encoding|
      name = "X-Hub-Signature-256".dup.force_encoding(encoding)
      assert v.valid?(GITHUB_BODY, { name => GITHUB_SIG }), encoding
      assert v.valid?(GITHUB_BODY, [[name, GITHUB_SIG]]), encoding
      assert_raises(Hooksig::InvalidHeaderError) do
        v.verify(GITHUB_BODY, { name => GITHUB_SIG, "x-hub-signature-256" => GITHUB_SIG })
      end
    end
  end

  # A headers object whose each_pair runs a verify of its own on the same thread: the two
  # do not share the buffers, and the outer one still sees its repeated header.
  def test_a_verify_inside_a_headers_walk_is_independent
    v = github
    walks = 0
    headers = Object.new
    headers.define_singleton_method(:each_pair) do |&block|
      walks += 1
      block.call("X-Hub-Signature-256", GITHUB_SIG)
      raise "inner verify failed" unless v.valid?(GITHUB_BODY, { "X-Hub-Signature-256" => GITHUB_SIG })

      block.call("x-hub-signature-256", GITHUB_SIG)
    end
    assert_raises(Hooksig::InvalidHeaderError) { v.verify(GITHUB_BODY, headers) }
    assert_equal 1, walks, "the headers are walked once"
  end

  # White-box: what a thread keeps between verifies is the two out-parameters, and no
  # header, even after a verify that raised while reading them.
  def test_no_header_is_held_after_verify
    v = github
    assert_raises(TypeError) { v.verify(GITHUB_BODY, [["X-Hub-Signature-256", GITHUB_SIG], [1, "x"]]) }
    assert v.valid?(GITHUB_BODY, { "X-Hub-Signature-256" => GITHUB_SIG })
    kept = Thread.current[:__hooksig_verify_buffers]
    assert_equal 2, kept.size
    kept.each { |buffer| refute_includes buffer, GITHUB_SIG.b }
  end

  def test_basic_objects_and_names_of_other_types
    v = github
    # A BasicObject that can be a Hash key: no #class, #is_a?, #inspect or #respond_to?.
    odd = Class.new(BasicObject) do
      def hash = 1
      def eql?(other) = equal?(other)
    end.new
    env = { "REQUEST_METHOD" => "POST", odd => "x", "HTTP_X_HUB_SIGNATURE_256" => GITHUB_SIG }
    assert v.valid?(GITHUB_BODY, env)
    [{ "X-Hub-Signature-256" => GITHUB_SIG, "X-Other" => odd },
     { "X-Hub-Signature-256" => GITHUB_SIG, odd => "x" },
     { "X-Hub-Signature-256" => GITHUB_SIG, ["a"] => "x" },
     { "X-Hub-Signature-256" => GITHUB_SIG, { "a" => 1 } => "x" },
     [odd], odd].each do |headers|
      err = assert_raises(TypeError) { v.verify(GITHUB_BODY, headers) }
      assert_match(/header|pairs/, err.message)
    end
    assert_raises(TypeError) { v.verify(odd, {}) }
  end

  # Past the packed buffer's 32-bit lengths, every form of headers gives ArgumentError
  # (shown with a smaller limit: a 4 GiB string is too much for a test).
  def test_a_value_over_the_length_limit_is_an_argument_error_in_every_form
    v = github
    fast = Hooksig.const_get(:Fast)
    limit = fast::MAX_BYTES
    lengths = fast::LENGTHS
    fast.send(:remove_const, :MAX_BYTES)
    fast.const_set(:MAX_BYTES, 40)
    fast.send(:remove_const, :LENGTHS)
    fast.const_set(:LENGTHS, [].freeze)
    [{ "X-Hub-Signature-256" => GITHUB_SIG }, { "X-Hub-Signature-256" => [GITHUB_SIG, "x"] },
     [["X-Hub-Signature-256", GITHUB_SIG]], { "REQUEST_METHOD" => "POST", "HTTP_X_HUB_SIGNATURE_256" => GITHUB_SIG },
     { "X-Hub-Signature-256" => GITHUB_SIG }.to_a.each_with_object(Object.new) do |(name, value), headers|
       headers.define_singleton_method(:each_pair) { |&block| block.call(name, value) }
     end].each do |headers|
      assert_raises(ArgumentError) { v.verify(GITHUB_BODY, headers) }
    end
  ensure
    fast.send(:remove_const, :MAX_BYTES)
    fast.const_set(:MAX_BYTES, limit)
    fast.send(:remove_const, :LENGTHS)
    fast.const_set(:LENGTHS, lengths)
  end

  def test_schemes_as_hash_or_json_and_params
    scheme = { signature_header: "x-sig", message: "{shop}:{body}", encoding: "base64" }
    err = assert_raises(Hooksig::MissingParamError) { Hooksig::Verifier.new(scheme, secret: "k") }
    assert_equal "missing_param", err.code
    assert_kind_of Hooksig::ConfigurationError, err
    signer = Hooksig::Signer.new(JSON.generate(scheme), secret: "k", params: { shop: "acme" })
    headers = signer.sign("body")
    assert Hooksig::Verifier.new(scheme, secret: "k", params: { "shop" => "acme" }).valid?("body", headers)
    refute Hooksig::Verifier.new(scheme, secret: "k", params: { "shop" => "other" }).valid?("body", headers)
    assert_raises(ArgumentError) { Hooksig::Verifier.new(scheme, secret: "k", params: { shop: "\xff" }) }
  end

  def test_configuration_errors
    assert_raises(Hooksig::UnknownPresetError) { Hooksig::Verifier.new("nope", secret: "s") }
    assert_raises(Hooksig::UnknownPresetError) { Hooksig::Verifier.new("git\0hub", secret: "s") }
    assert_raises(Hooksig::InvalidSchemeError) { Hooksig::Verifier.new("{not json", secret: "s") }
    assert_raises(Hooksig::InvalidSchemeError) { Hooksig::Verifier.new({ encoding: "hex" }, secret: "s") }
    assert_raises(Hooksig::InvalidSecretError) { Hooksig::Verifier.new("github", secret: "") }
    assert_raises(Hooksig::InvalidSecretError) { Hooksig::Verifier.new("github", secrets: []) }
    assert_raises(Hooksig::InvalidSecretError) { Hooksig::Verifier.new("svix", secret: "whsec_!!!") }
    assert_raises(Hooksig::ConfigurationError) { Hooksig::Signer.new("nope", secret: "s") }
  end

  def test_wrong_argument_types_raise_at_the_boundary
    v = github
    # No key at all is the core's configuration error; two forms of one kind, an argument error.
    assert_raises(Hooksig::InvalidSecretError) { Hooksig::Verifier.new("github") }
    assert_raises(Hooksig::InvalidKeyError) { Hooksig::Verifier.new("discord") }
    assert_raises(ArgumentError) { Hooksig::Verifier.new("github", secret: "a", secrets: ["b"]) }
    assert_raises(ArgumentError) { Hooksig::Verifier.new("discord", public_key: "a", public_keys: ["b"]) }
    assert_raises(TypeError) { Hooksig::Verifier.new("discord", public_keys: "a") }
    assert_raises(TypeError) { Hooksig::Verifier.new("discord", public_key: 1) }
    assert_raises(TypeError) { Hooksig::Signer.new("discord", private_key: 1) }
    assert_raises(TypeError) { Hooksig::Verifier.new(42, secret: "s") }
    assert_raises(TypeError) { Hooksig::Verifier.new("github", secret: 42) }
    assert_raises(TypeError) { Hooksig::Verifier.new("github", secrets: "s") }
    assert_raises(TypeError) { Hooksig::Verifier.new("github", secret: "s", tolerance: "300") }
    assert_raises(ArgumentError) { Hooksig::Verifier.new("github", secret: "s", tolerance: -1) }
    assert_raises(TypeError) { Hooksig::Verifier.new("github", secret: "s", params: [1]) }
    assert_raises(TypeError) { Hooksig::Verifier.new("github", secret: "s", params: { a: 1 }) }
    assert_raises(TypeError) { v.verify(GITHUB_BODY, { "X-Hub-Signature-256" => nil }) }
    assert_raises(TypeError) { v.verify(GITHUB_BODY, { "Unrelated" => 42 }) }
    assert_raises(TypeError) { v.verify(nil, {}) }
    assert_raises(TypeError) { v.verify(GITHUB_BODY, "X-Hub-Signature-256: x") }
    assert_raises(TypeError) { v.verify(GITHUB_BODY, { "X-Hub-Signature-256" => 42 }) }
    assert_raises(TypeError) { v.verify(GITHUB_BODY, [["only-a-name"]]) }
    assert_raises(TypeError) { v.verify(GITHUB_BODY, { 42 => "x" }) }
    assert_raises(TypeError) { v.verify(GITHUB_BODY, {}, now: "now") }
    assert_raises(ArgumentError) { v.verify(GITHUB_BODY, {}, now: -5) }
    assert_raises(TypeError) { Hooksig::Signer.new("github", secret: "s").sign(nil) }
    assert_raises(TypeError) { Hooksig::Signer.new("svix", secret: WHSEC).sign("", id: 5) }
    # Bad values for the core are its typed errors.
    assert_raises(Hooksig::InvalidHeaderError) { Hooksig::Signer.new("svix", secret: WHSEC).sign("", id: "a\nb") }
    assert_raises(Hooksig::InvalidHeaderError) do
      Hooksig::Signer.new("noyo", secret: "s").sign("", timestamp: 10**19)
    end
  end

  def test_request_context_arguments
    v = github
    assert_raises(TypeError) { v.verify(GITHUB_BODY, {}, now: 1.5) }
    assert_raises(TypeError) { v.verify(GITHUB_BODY, {}, url: 42) }
    assert_raises(TypeError) { v.verify(GITHUB_BODY, {}, method: :post) }
    assert_raises(ArgumentError) { Hooksig::Signer.new("github", secret: "s").sign("", timestamp: -1) }
    # Past the ABI's 64 bits: an argument error (hostile/types.json).
    assert_raises(ArgumentError) { v.verify(GITHUB_BODY, {}, now: 2**64) }
    assert_raises(ArgumentError) { Hooksig::Verifier.new("github", secret: "s", tolerance: 2**64) }
  end

  def test_hostile_headers_give_typed_errors
    v = Hooksig::Verifier.new("noyo", secret: "s", tolerance: nil)
    good = Hooksig::Signer.new("noyo", secret: "s").sign("{}")
    [
      good.merge("X-Noyo-Timestamp" => "9" * 40),
      good.merge("X-Noyo-Timestamp" => "-1"),
      good.merge("X-Noyo-Signature" => "a" * 100_000),
      good.merge("X-Noyo-Signature" => "\xff\x00".b * 10),
      good.merge("X-Noyo-Signature" => ([","] * 10_000).join),
      good.merge("X-Noyo-Signature" => "")
    ].each do |headers|
      err = assert_raises(Hooksig::VerificationError) { v.verify("{}", headers) }
      assert_includes %w[invalid_header missing_header signature_mismatch], err.code
    end
    many = (1..5000).to_h { |i| ["x-filler-#{i}", "v" * 100] }
    assert v.valid?("{}", good.merge(many))
  end

  def test_inspect_never_shows_secrets
    secret = "super-secret-value-1234"
    objects = [
      Hooksig::Verifier.new("github", secret: secret),
      Hooksig::Verifier.new("github", secrets: [secret, "#{secret}-old"], tolerance: nil),
      Hooksig::Signer.new("github", secret: secret)
    ]
    objects.each do |o|
      refute_includes o.inspect, secret
      refute_includes o.to_s, secret
      assert_includes o.inspect, "github"
    end
    err = assert_raises(Hooksig::InvalidSecretError) { Hooksig::Verifier.new("svix", secret: "whsec_#{secret}!") }
    refute_includes err.message, secret
  end

  def test_a_verifier_is_frozen_and_shared_between_threads
    v = github
    assert_predicate v, :frozen?
    big = "x" * (2 * 1024 * 1024) # verified without the GVL
    big_headers = Hooksig::Signer.new("github", secret: GITHUB_SECRET).sign(big)
    results = Array.new(4) do |t|
      Thread.new do
        Array.new(200) do |i|
          if (i + t).even?
            v.valid?(GITHUB_BODY, { "X-Hub-Signature-256" => GITHUB_SIG })
          else
            v.valid?(i.zero? ? big : GITHUB_BODY.succ, i.zero? ? big_headers : { "X-Hub-Signature-256" => GITHUB_SIG })
          end
        end
      end
    end.map(&:value)
    results.each_with_index do |list, t|
      list.each_with_index { |ok, i| assert_equal((i + t).even? || i.zero?, ok) }
    end
  end

  # Every preset of the vectors that a signer can sign (not those whose signature is in the
  # body, Mailgun), with the key of its first valid vector, at a URL and method.
  def test_every_preset_signs_what_it_verifies
    firsts = Vectors.cases.select { |k| k["file"] == "presets.json" && k["expect"]["ok"] && k["op"] != "sign" }
    firsts = firsts.uniq { |k| k["preset"] }
    assert_operator firsts.size, :>=, 40
    signed = 0
    firsts.each do |kase|
      preset = kase["preset"]
      keys = kase["secrets"] ? { secret: Vectors.bytes(kase["secrets"][0]) } : { private_key: private_key_for(kase) }
      next if keys.value?(nil)

      begin
        signer = Hooksig::Signer.new(preset, params: kase["params"], **keys)
      rescue Hooksig::InvalidSchemeError => e
        assert_includes e.message, "body", preset # body_fields: nothing to sign in headers
        next
      end
      request = { url: "https://example.com/hooks?x=1", method: "POST" }
      # Linear reads its timestamp (in ms) from the body.
      body = preset == "twilio" ? "A=1&B=2" : JSON.generate(a: 1, webhookTimestamp: Time.now.to_i * 1000)
      headers = signer.sign(body, **request)
      verifier_keys = kase["secrets"] ? { secret: keys[:secret] } : { public_keys: kase["public_keys"] }
      v = Hooksig::Verifier.new(preset, params: kase["params"], **verifier_keys)
      assert v.valid?(body, headers, **request), preset
      # A token scheme (GitLab) signs no body: a changed body changes nothing there.
      changed = body.sub("1", "3")
      refute v.valid?(changed, headers, **request), preset unless signer.sign(changed, **request) == headers
      signed += 1
    end
    assert_operator signed, :>=, 40
  end

  # The private key of a public-key preset in presets.json (one key pair per preset there).
  def private_key_for(kase)
    Vectors.cases.find do |k|
      k["file"] == "presets.json" && k["private_key"] && k["preset"] == kase["preset"] && k["expect"]["headers"]
    end&.fetch("private_key")
  end

  def run_ruby(script, env)
    Open3.capture3(env, RbConfig.ruby, "-e", script)
  end

  def test_the_library_is_found_or_a_clear_error_says_how
    lib = File.join(ROOT, "ruby", "lib")
    script = "$LOAD_PATH.unshift(ARGV[0] || #{lib.inspect}); require 'hooksig'; print Hooksig.native_version"
    _out, err, status = run_ruby(script, { "HOOKSIG_LIB" => "/nonexistent/libhooksig_c.so" })
    refute status.success?
    assert_includes err, "HOOKSIG_LIB=/nonexistent/libhooksig_c.so is not a file"

    Dir.mktmpdir do |dir|
      # A copy of the gem with no library next to it and no cargo target dir around it.
      FileUtils.cp_r(lib, dir)
      copy = File.join(dir, "lib")
      script = "$LOAD_PATH.unshift(#{copy.inspect}); require 'hooksig'; print Hooksig.native_version"
      _out, err, status = run_ruby(script, { "HOOKSIG_LIB" => nil })
      refute status.success?
      assert_includes err, "was not found"
      assert_includes err, "HOOKSIG_LIB"
      assert_includes err, "cargo build --release -p hooksig-c"

      # The library next to the gem is found.
      native = File.join(copy, "hooksig", "native")
      FileUtils.mkdir_p(native)
      FileUtils.cp(Hooksig::Native.find_library, native)
      out, err, status = run_ruby(script, { "HOOKSIG_LIB" => nil })
      assert status.success?, err
      assert_equal Hooksig::VERSION, out
    end
  end
end
