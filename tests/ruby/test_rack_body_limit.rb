# frozen_string_literal: true

require_relative "test_helper"
require "net/http"
require "rack"
require "rack/test"
require "rack/lint"
require "webrick"
require "hooksig/rack"

# The body cap of Hooksig::Rack::Middleware (max_body:), shared by the rack-test and the
# real-server tests below. Routes: /default (1 MiB), /small (SMALL), /off (max_body: nil),
# /custom (SMALL, on_error); a verified request answers {"n": bytes the app read}.
module BodyLimitApp
  SECRET = "rack-body-limit-secret"
  MIB = 1_048_576
  SMALL = 100

  ECHO = lambda do |env|
    body = env["rack.input"].read
    raise "not verified" unless env["hooksig.verified"]

    [200, { "content-type" => "application/json" }, [JSON.generate(n: body.bytesize)]]
  end

  CUSTOM = ->(error, _env) { [422, { "content-type" => "text/plain" }, ["#{error.code}:#{error.class}"]] }

  def self.build(lint: true)
    Rack::Builder.new do
      use Rack::Lint if lint
      use Hooksig::Rack::Middleware, "github", secret: SECRET, path: "/default"
      use Hooksig::Rack::Middleware, "github", secret: SECRET, path: "/small", max_body: SMALL
      use Hooksig::Rack::Middleware, "github", secret: SECRET, path: "/off", max_body: nil
      use Hooksig::Rack::Middleware, "github", secret: SECRET, path: "/custom", max_body: SMALL,
                                               on_error: CUSTOM
      use Rack::Lint if lint
      run ECHO
    end
  end

  def sign(body)
    Hooksig::Signer.new("github", secret: SECRET).sign(body)
  end
end

# Through rack-test, Rack::Lint on both sides.
class TestRackBodyLimit < Minitest::Test
  include Rack::Test::Methods
  include BodyLimitApp

  # A request marked "test.chunked" reaches the middleware without CONTENT_LENGTH, as a
  # chunked one does (rack-test always sets it).
  def app
    inner = BodyLimitApp.build
    lambda do |env|
      env.delete("CONTENT_LENGTH") if env.delete("test.chunked")
      inner.call(env)
    end
  end

  def signed_post(path, body, chunked: false)
    env = sign(body).transform_keys { |name| "HTTP_#{name.upcase.tr('-', '_')}" }
    env[:input] = body
    env["test.chunked"] = true if chunked
    post path, {}, env
  end

  def assert_verified(size)
    assert_equal 200, last_response.status, last_response.body
    assert_equal({ "n" => size }, JSON.parse(last_response.body))
  end

  def assert_too_large
    assert_equal 413, last_response.status, last_response.body
    assert_equal "application/json", last_response.content_type
    assert_equal({ "error" => "body_too_large" }, JSON.parse(last_response.body))
  end

  def test_default_is_one_mib
    assert_equal MIB, Hooksig::Rack::Middleware::DEFAULT_MAX_BODY
    signed_post "/default", "a" * MIB
    assert_verified MIB
    signed_post "/default", "a" * (MIB + 1)
    assert_too_large
  end

  def test_custom_limit_with_and_without_content_length
    [false, true].each do |chunked|
      signed_post "/small", "b" * SMALL, chunked: chunked
      assert_verified SMALL
      signed_post "/small", "b" * (SMALL + 1), chunked: chunked
      assert_too_large
      signed_post "/small", "", chunked: chunked
      assert_verified 0
    end
  end

  def test_on_error_answers_the_413_too
    signed_post "/custom", "c" * (SMALL + 1)
    assert_equal 422, last_response.status
    assert_equal "body_too_large:Hooksig::VerificationError", last_response.body
  end

  def test_disabled
    signed_post "/off", "d" * ((2 * MIB) + 1)
    assert_verified (2 * MIB) + 1
  end

  # An input that counts what is read from it, in calls of at most 7 bytes (read(n) may
  # return fewer than n bytes).
  class CountingInput
    attr_reader :bytes_read

    def initialize(body)
      @io = StringIO.new(body)
      @bytes_read = 0
    end

    def read(length = nil, buffer = nil)
      data = @io.read(length && [length, 7].min, buffer)
      @bytes_read += data.bytesize if data
      data
    end

    def rewind = @io.rewind
  end

  def call_direct(body, content_length:, max_body: 10)
    inner = ->(env) { [200, {}, [env["rack.input"].read]] }
    middleware = Hooksig::Rack::Middleware.new(inner, "github", secret: SECRET, max_body: max_body)
    input = CountingInput.new(body)
    env = Rack::MockRequest.env_for("/", method: "POST")
    env["rack.input"] = input
    env["CONTENT_LENGTH"] = content_length
    sign(body).each { |name, value| env["HTTP_#{name.upcase.tr('-', '_')}"] = value }
    [middleware.call(env), input]
  end

  def test_declared_length_over_the_limit_reads_nothing
    (status, _headers, body), input = call_direct("x" * 11, content_length: "11")
    assert_equal [413, ['{"error":"body_too_large"}']], [status, body]
    assert_equal 0, input.bytes_read
  end

  def test_chunked_body_is_read_at_most_limit_plus_one
    (status, _headers, _body), input = call_direct("x" * 1000, content_length: nil)
    assert_equal 413, status
    assert_equal 11, input.bytes_read
    (status, _headers, body), input = call_direct("x" * 10, content_length: nil)
    assert_equal [200, ["x" * 10]], [status, body]
    assert_equal 20, input.bytes_read # the middleware's 10, then the app's 10 after the rewind
  end

  def test_max_body_is_checked_when_built
    ["1024", 1.5].each do |bad|
      error = assert_raises(TypeError) { Hooksig::Rack::Middleware.new(ECHO, "github", secret: "s", max_body: bad) }
      assert_match(/max_body: must be an Integer or nil/, error.message)
    end
    assert_raises(ArgumentError) { Hooksig::Rack::Middleware.new(ECHO, "github", secret: "s", max_body: -1) }
  end
end

# The same app behind WEBrick on 127.0.0.1 and a free port, over real HTTP (WEBrick reads
# the whole body before a Rack app runs, so only the answer is observable here).
class TestRackBodyLimitRealServer < Minitest::Test
  include BodyLimitApp
  include RealServer

  def setup = start_server(BodyLimitApp.build(lint: false))

  def deliver(path, body, chunked: false) = post(path, body, sign(body), chunked: chunked)

  def assert_answer(response, code, json)
    assert_equal code.to_s, response.code, response.body
    assert_equal json, JSON.parse(response.body)
  end

  def test_limits_over_http
    refute_equal 0, @port
    assert_answer deliver("/default", "a" * MIB), 200, { "n" => MIB }
    assert_answer deliver("/default", "a" * (MIB + 1)), 413, { "error" => "body_too_large" }
    assert_answer deliver("/default", "a" * MIB, chunked: true), 200, { "n" => MIB }
    assert_answer deliver("/default", "a" * (MIB + 1), chunked: true), 413, { "error" => "body_too_large" }
    assert_answer deliver("/small", "b" * SMALL, chunked: true), 200, { "n" => SMALL }
    assert_answer deliver("/small", "b" * (SMALL + 1)), 413, { "error" => "body_too_large" }
    assert_answer deliver("/off", "c" * ((2 * MIB) + 1)), 200, { "n" => (2 * MIB) + 1 }
    assert_answer deliver("/off", "c" * ((2 * MIB) + 1), chunked: true), 200, { "n" => (2 * MIB) + 1 }
    response = deliver("/custom", "d" * (SMALL + 1), chunked: true)
    assert_equal ["422", "body_too_large:Hooksig::VerificationError"], [response.code, response.body]
  end
end
