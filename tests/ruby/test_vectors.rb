# frozen_string_literal: true

require_relative "test_helper"
require "stringio"

# Every conformance vector through the Ruby API, with the headers as [name, value] pairs,
# as a Hash, and as a Rack env.
class TestVectors < Minitest::Test
  FORMS = {
    pairs: ->(kase) { Vectors.pairs(kase) },
    hash: ->(kase) { Vectors.hash_form(kase) },
    rack_env: ->(kase) { Vectors.rack_env(kase) }
  }.freeze

  # Where the gem was loaded from (a checkout's ruby/lib or an installed gem's lib): an
  # argument error must be raised in its code.
  LIB = File.dirname(Hooksig::Verifier.instance_method(:verify).source_location[0])

  RAN = Hash.new(0)
  DEFINED = Hash.new(0)

  # hostile/types.json: the JSON values themselves, of the wrong type, go to the API.
  def self.run_raw(kase, index)
    if kase["op"] == "sign"
      keys = %w[secrets private_key params].select { |key| kase.key?(key) }
      signer = Hooksig::Signer.new(Vectors.scheme(kase, index), **keys.to_h { |key| [key.to_sym, kase[key]] })
      return [:ok, signer.sign(kase["body"], url: kase["url"], method: kase["method"])]
    end
    keys = %w[secrets public_keys params tolerance].select { |key| kase.key?(key) }
    opts = keys.to_h { |key| [key.to_sym, kase[key]] }
    verifier = Hooksig::Verifier.new(Vectors.scheme(kase, index), **opts)
    [:ok, verifier.verify(kase["body"], kase["headers"], now: kase["now"], url: kase["url"], method: kase["method"])]
  rescue TypeError, ArgumentError => e
    [:argument_error, e]
  rescue Hooksig::Error => e
    [:error, e]
  end

  def self.run_case(kase, index, form)
    return run_raw(kase, index) if form == :raw

    expect = kase["expect"]
    scheme = Vectors.scheme(kase, index)
    body = Vectors.bytes(kase["body"])
    if kase["op"] == "sign"
      signer = Hooksig::Signer.new(scheme, **Vectors.options(kase, signer: true))
      sign = kase["sign"] || {}
      signed = signer.sign(body, timestamp: sign["timestamp"], id: sign["id"], url: kase["url"], method: kase["method"])
      return [:signed, signed.to_a] if expect["headers"]
    end
    verifier = Hooksig::Verifier.new(scheme, **Vectors.options(kase))
    headers = FORMS.fetch(form).call(kase)
    return attempt { [:reply, verifier.handshake(body, headers, **Vectors.context(kase))] } if kase["op"] == "handshake"

    outcome = attempt { verifier.verify(body, headers, **Vectors.context(kase)) }
    return outcome unless outcome[0] == :ok

    # The replay key made in the verify call (as the middleware does) beside the result.
    outcome + [verifier, verifier.__send__(:verify_keyed, body, headers, **Vectors.context(kase))]
  rescue Hooksig::Error => e
    [:error, e]
  end

  def self.attempt
    result = yield
    return result if Array === result

    [:ok, result]
  rescue Hooksig::Error => e
    [:error, e]
  end

  Vectors.cases.each_with_index do |kase, index|
    forms = kase["op"] == "sign" ? [:pairs] : FORMS.keys
    forms = [:raw] if kase["raw_args"]
    # A Rack env cannot hold every header list (see Vectors.rack_env); those cases run as
    # pairs and as a Hash only, and are counted.
    forms -= [:rack_env] if forms.include?(:rack_env) && Vectors.rack_env(kase).nil?
    forms.each do |form|
      DEFINED[form] += 1
      define_method("test_#{index}_#{kase['name'].gsub(/[^A-Za-z0-9_]/, '_')}_#{form}") do
        outcome, value, verifier, keyed = self.class.run_case(kase, index, form)
        RAN[form] += 1
        expect = kase["expect"]
        if expect["argument_error"]
          assert_equal :argument_error, outcome,
                       "#{kase['name']}: expected TypeError/ArgumentError, got #{value.inspect}"
          assert_operator value.message.length, :>=, 20, "a clear message"
          assert value.backtrace.first.start_with?("#{LIB}/"), "raised at hooksig's boundary: #{value.backtrace.first}"
          return
        end
        case outcome
        when :argument_error
          flunk "#{kase['name']}: #{value.class}: #{value.message}"
        when :signed
          assert_equal expect["headers"], value, kase["name"]
        when :reply
          assert_reply expect["reply"], value, kase["name"]
        when :ok
          refute expect.key?("error"), "#{kase['name']}: verified, expected #{expect['error']}"
          assert_equal expect["secret_index"], value.secret_index, kase["name"]
          assert_same_value expect["timestamp"], value.timestamp, kase["name"]
          assert_same_value expect["id"], value.id, kase["name"]
          assert_equal expect["id"].b, value.id_bytes, kase["name"] if expect["id"]
          assert_replay_key value, verifier, keyed, kase["name"] if verifier
        when :error
          assert_error expect["error"], value, kase["name"]
          assert_includes value.message, expect["message_contains"], kase["name"] if expect["message_contains"]
          refute_includes value.message, kase["private_key"], kase["name"] if kase["private_key"].to_s.size > 8
        end
      end
    end
  end

  def assert_error(code, error, name)
    assert_equal code, error.code, "#{name}: #{error.message}"
    assert_kind_of Hooksig::ERRORS.fetch(error.code), error
    if error.code.start_with?("missing_header", "invalid_header", "timestamp", "signature")
      assert_kind_of Hooksig::VerificationError, error
    else
      assert_kind_of Hooksig::ConfigurationError, error
    end
  end

  # One key, the core's, in the verifier's namespace: made when first read (by verifying
  # again) or in the verify call; the TTL the verifier's.
  def assert_replay_key(found, verifier, keyed, name)
    key = found.replay_key
    assert_equal keyed.replay_key, key, name
    assert_equal found, keyed, name
    assert key.start_with?("#{verifier.namespace}:"), "#{name}: #{key}"
    assert_predicate key, :frozen?
    assert_equal Encoding::UTF_8, key.encoding
    assert_equal [verifier.replay_ttl] * 2, [found.replay_ttl, keyed.replay_ttl], name
    RAN[:keys] += 1
  end

  def assert_reply(expected, reply, name)
    return assert_nil(reply, name) if expected.nil?

    refute_nil reply, name
    got = { "status" => reply.status, "content_type" => reply.content_type, "headers" => reply.headers.to_a,
            "body" => reply.body.dup.force_encoding(Encoding::UTF_8) }
    got["secret"] = reply.secret if reply.secret
    assert_equal expected, got, name
    refute_includes reply.inspect, reply.secret if reply.secret
  end

  def assert_same_value(expected, actual, message)
    expected.nil? ? assert_nil(actual, message) : assert_equal(expected, actual, message)
  end

  # Each form has a test per case: at least 200 of them, or the vectors went missing.
  def test_at_least_200_vectors_per_form
    assert_operator Vectors.cases.size, :>=, 200
    FORMS.each_key { |form| assert_operator DEFINED[form], :>=, 200, "vectors run as #{form}" }
  end

  Minitest.after_run do
    warn "hooksig vectors: #{Vectors.cases.size} cases; ran #{RAN[:pairs]} with headers as " \
         "pairs, #{RAN[:hash]} as a Hash, #{RAN[:rack_env]} as a Rack env, #{RAN[:raw]} with raw " \
         "argument types; #{RAN[:keys]} replay keys made both ways"
  end
end
