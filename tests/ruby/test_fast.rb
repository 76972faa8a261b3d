# frozen_string_literal: true

require_relative "test_helper"

# The paths of ruby/lib/hooksig/fast.rb against the plain ones they stand for: the same
# bytes go to the core, the same errors come back, and nothing in a verifier changes.
class TestFast < Minitest::Test
  FAST = Hooksig.const_get(:Fast)
  WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
  BODY = "{\"event\":\"ping\"}"
  NOW = 1_700_000_000

  # One preset per count of headers read: 1, 2, 3.
  SHAPES = { "github" => "s3cret", "aghanim" => "s3cret", "standard-webhooks" => WHSEC }.freeze

  def rack_env(headers)
    env = { "REQUEST_METHOD" => "POST", "PATH_INFO" => "/", "rack.input" => StringIO.new }
    # Rack hands over binary Strings.
    headers.each { |name, value| env[FAST.env_key(name)] = value.b }
    env
  end

  def each_pair_object(headers)
    Object.new.tap { |o| o.define_singleton_method(:each_pair) { |&block| headers.each_pair(&block) } }
  end

  # Every container a verify takes, holding `headers`.
  def forms(headers)
    { hash: headers, pairs: headers.to_a, rack_env: rack_env(headers), each_pair: each_pair_object(headers) }
  end

  # A value is its bytes whatever its encoding and length: a UTF-8 one beside a length
  # byte >= 0x80, a UTF-16 one, a binary one with high bytes. Each is the core's answer
  # (a typed error here), never an encoding error of the packing.
  def test_values_go_as_bytes_in_every_encoding_and_form
    odd = ["é" * 100, "é", "sha256=#{'é' * 70}", "x".encode(Encoding::UTF_16LE), "\xff\xfe".b * 90,
           "v1,#{'a' * 200}".encode(Encoding::UTF_32BE)]
    SHAPES.each do |preset, secret|
      verifier = Hooksig::Verifier.new(preset, secret: secret)
      signed = Hooksig::Signer.new(preset, secret: secret).sign(BODY, timestamp: NOW)
      signed.each_key do |name|
        odd.each do |value|
          forms(signed.merge(name => value)).each do |form, headers|
            err = assert_raises(Hooksig::VerificationError, "#{preset} #{name} #{form} #{value.encoding}") do
              verifier.verify(BODY, headers, now: NOW)
            end
            assert_includes %w[invalid_header signature_mismatch missing_header], err.code
          end
        end
      end
    end
  end

  # A signed id with bytes >= 0x80 comes back as those bytes from every container, in
  # UTF-8 (a Hash), binary (a Rack env) or a byte-for-byte Latin-1 copy.
  def test_a_non_ascii_id_comes_back_as_its_bytes
    id = "msg_é_\u00ff"
    signed = Hooksig::Signer.new("standard-webhooks", secret: WHSEC).sign(BODY, id: id, timestamp: NOW)
    verifier = Hooksig::Verifier.new("standard-webhooks", secrets: ["whsec_#{['old'].pack('m0')}", WHSEC])
    latin1 = signed.transform_values { |value| value.dup.force_encoding(Encoding::ISO_8859_1) }
    [signed, latin1].each do |headers|
      forms(headers).each do |form, container|
        result = verifier.verify(BODY, container, now: NOW)
        assert_equal id.b, result.id_bytes, form
        assert_equal id, result.id, form
        assert_equal NOW, result.timestamp, form
        assert_equal 1, result.secret_index, form
      end
    end
  end

  # Env1, Env2 and Env3 give the bytes Env gives, or raise what it raises, for envs where
  # the fast form applies and where it hands over to Env.
  def test_rack_env_readers_match_the_plain_one
    names = %w[x-one x-two x-three x-four]
    values = ["ok", "", nil, "é", "x" * 1023, "x" * 1024, "\xff".b, 42, "y".encode(Encoding::UTF_16LE)]
    (1..4).each do |count|
      keys = names.first(count).map { |name| FAST.env_key(name) }
      prefixes = names.first(count).map { |name| ([name.bytesize].pack("L<") + name).freeze }
      fast = FAST::Env.for(keys, prefixes)
      plain = FAST::Env.new(keys, prefixes)
      assert_equal FAST::Env, fast.class if count == 4
      values.product(values.first(4)).each do |first, rest|
        env = { "REQUEST_METHOD" => "POST", "HTTP_X_OTHER" => "1" }
        keys.each_with_index do |key, i|
          value = i.zero? ? first : rest
          env[key] = value unless value.nil?
        end
        expected = begin
          plain.pack(env)
        rescue TypeError => e
          e
        end
        if expected.is_a?(Exception)
          err = assert_raises(TypeError) { fast.pack(env) }
          assert_equal expected.message, err.message
        else
          assert_equal expected.b, fast.pack(env).b, "#{count} headers: #{env.inspect}"
        end
      end
    end
  end

  # Results past 256 keys are read by their whole index, with the timestamp.
  def test_timestamps_and_indices_of_many_keys
    secrets = Array.new(299) { |i| "old-secret-#{i}" } + ["current"]
    signed = Hooksig::Signer.new("noyo", secret: "current").sign(BODY, timestamp: NOW)
    result = Hooksig::Verifier.new("noyo", secrets: secrets).verify(BODY, signed, now: NOW)
    assert_equal({ timestamp: NOW, id: nil, id_bytes: nil, secret_index: 299 }, result.to_h)
    # And a timestamp of 0 is a timestamp.
    zero = Hooksig::Signer.new("noyo", secret: "current").sign(BODY, timestamp: 0)
    result = Hooksig::Verifier.new("noyo", secret: "current", tolerance: nil).verify(BODY, zero)
    assert_equal 0, result.timestamp
  end

  # A result keeps its request, to make its replay key when first read: the plain ones
  # (no timestamp, no id, the first key) in an object of three instance variables; each is
  # its own object, and reads as a Verified.
  def test_results_keep_their_request_for_the_replay_key
    verifier = Hooksig::Verifier.new("github", secrets: %w[s3cret old])
    signed = Hooksig::Signer.new("github", secret: "s3cret").sign(BODY)
    first = verifier.verify(BODY, signed)
    second = verifier.verify(BODY, rack_env(signed))
    refute_same first, second
    assert_equal first, second
    assert_equal 3, first.instance_variables.size
    assert_kind_of Hooksig::Verified, first
    assert_equal [nil, nil, 0], [first.timestamp, first.id_bytes, first.secret_index]
    assert_equal "#<Hooksig::Verified timestamp=nil id=nil secret_index=0>", first.inspect
    key = "github:sig:#{signed.fetch('X-Hub-Signature-256').delete_prefix('sha256=')}"
    assert_equal key, first.replay_key
    assert_same first.replay_key, first.replay_key # made once
    rotated = Hooksig::Verifier.new("github", secrets: %w[old s3cret]).verify(BODY, signed)
    assert_equal [1, key], [rotated.secret_index, rotated.replay_key]
  end

  # A verifier holds nothing that changes: every object it reaches (but the native
  # pointer) is frozen, before and after verifies in every form.
  def test_a_verifier_holds_only_frozen_tables
    SHAPES.each do |preset, secret|
      verifier = Hooksig::Verifier.new(preset, secret: secret)
      signed = Hooksig::Signer.new(preset, secret: secret).sign(BODY, timestamp: NOW)
      forms(signed).each_value { |headers| verifier.verify(BODY, headers, now: NOW) }
      assert_deeply_frozen verifier, preset
    end
  end

  def assert_deeply_frozen(object, path, seen = {})
    return if seen[object.__id__] || FFI::Pointer === object

    seen[object.__id__] = true
    case object
    when nil, true, false, Integer, Symbol then return
    end
    assert object.frozen?, "#{path} (#{object.class}) is not frozen"
    children = case object
               when Array then object
               when Hash then object.keys + object.values
               else object.instance_variables.map { |name| object.instance_variable_get(name) }
               end
    children.each_with_index { |child, i| assert_deeply_frozen(child, "#{path}/#{i}", seen) }
  end
end
