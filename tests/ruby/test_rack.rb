# frozen_string_literal: true

require_relative "test_helper"
require "rack"
require "rack/test"
require "rack/lint"
require "hooksig/rack"

# Hooksig::Rack::Middleware through rack-test, wrapped in Rack::Lint on both sides.
class TestRackMiddleware < Minitest::Test
  include Rack::Test::Methods

  SECRET = "rack-secret"

  # The app echoes what it read and what the middleware stored.
  ECHO = lambda do |env|
    body = env["rack.input"].read
    verified = env["hooksig.verified"]
    payload = JSON.generate(body: body, secret_index: verified&.secret_index, verified: !verified.nil?)
    [200, { "content-type" => "application/json" }, [payload]]
  end

  def setup
    @options = { path: "/hooks" }
  end

  def app
    options = @options
    Rack::Builder.new do
      use Rack::Lint
      use Hooksig::Rack::Middleware, "github", secret: SECRET, **options
      use Rack::Lint
      run ECHO
    end
  end

  def signed_post(path, body, headers = sign(body))
    env = headers.transform_keys { |name| "HTTP_#{name.upcase.tr('-', '_')}" }
    post path, body, env.merge("CONTENT_TYPE" => "application/json")
  end

  def sign(body)
    Hooksig::Signer.new("github", secret: SECRET).sign(body)
  end

  def test_valid_request_reaches_the_app_with_the_body_rewound
    body = %({"action":"opened","n":#{rand(1000)}})
    signed_post "/hooks", body
    assert_equal 200, last_response.status
    echoed = JSON.parse(last_response.body)
    assert_equal body, echoed["body"]
    assert echoed["verified"]
    assert_equal 0, echoed["secret_index"]
  end

  def test_rejections_are_403_with_the_code
    signed_post "/hooks", "tampered", sign("original")
    assert_equal 403, last_response.status
    assert_equal "application/json", last_response.content_type
    assert_equal({ "error" => "signature_mismatch" }, JSON.parse(last_response.body))

    post "/hooks", "{}"
    assert_equal 403, last_response.status
    assert_equal({ "error" => "missing_header" }, JSON.parse(last_response.body))
  end

  def test_scope_by_path_and_method
    post "/other", "{}"
    assert_equal 200, last_response.status
    refute JSON.parse(last_response.body)["verified"]
    get "/hooks"
    assert_equal 200, last_response.status
    post "/hooks/github", "{}" # under the path
    assert_equal 403, last_response.status
    post "/hooksmith", "{}" # a prefix of the name is not under the path
    assert_equal 200, last_response.status
  end

  def test_regexp_proc_and_array_paths
    @options = { path: [%r{\A/a/\d+\z}, ->(env) { env["PATH_INFO"] == "/b" }] }
    post "/a/12", "{}"
    assert_equal 403, last_response.status
    post "/b", "{}"
    assert_equal 403, last_response.status
    post "/a/x", "{}"
    assert_equal 200, last_response.status
  end

  def test_status_is_configurable
    @options = { path: "/hooks", status: 401 }
    post "/hooks", "{}"
    assert_equal 401, last_response.status
  end

  def test_error_response_is_configurable
    @options = { path: "/hooks", on_error: ->(error, _env) { [418, { "content-type" => "text/plain" }, [error.code]] } }
    post "/hooks", "{}"
    assert_equal 418, last_response.status
    assert_equal "missing_header", last_response.body
  end

  def test_a_verifier_and_env_key_can_be_given
    verifier = Hooksig::Verifier.new("github", secrets: ["old", SECRET])
    seen = nil
    inner = lambda do |env|
      seen = env["my.key"]
      [204, {}, []]
    end
    middleware = Hooksig::Rack::Middleware.new(inner, verifier: verifier, env_key: "my.key")
    env = Rack::MockRequest.env_for("/anything", method: "POST", input: "{}")
    sign("{}").each { |name, value| env["HTTP_#{name.upcase.tr('-', '_')}"] = value }
    assert_equal 204, middleware.call(env)[0]
    assert_equal 1, seen.secret_index
  end

  # An input that cannot rewind (Rack 3 allows it) is replaced by one that can.
  def test_non_rewindable_input_is_replaced
    input = Class.new do
      def initialize(body)
        super()
        @io = StringIO.new(body)
      end

      def read(*args) = @io.read(*args)
    end
    inner = ->(env) { [200, {}, [env["rack.input"].read]] }
    middleware = Hooksig::Rack::Middleware.new(inner, "github", secret: SECRET)
    env = Rack::MockRequest.env_for("/", method: "POST")
    env["rack.input"] = input.new("payload")
    sign("payload").each { |name, value| env["HTTP_#{name.upcase.tr('-', '_')}"] = value }
    status, _headers, body = middleware.call(env)
    assert_equal 200, status
    assert_equal ["payload"], body
  end

  # Square signs the URL it calls: the middleware passes the request's (Rack::Request#url),
  # or public_url: as a String or a Proc of the env, and the method where it is signed.
  def test_url_signed_schemes_get_the_request_url_or_public_url
    body = '{"data":{}}'
    inner = ->(env) { [200, {}, [env["hooksig.verified"].secret_index.to_s]] }
    public_url = "https://hooks.example.com/webhooks/square"
    {
      nil => "http://example.org/webhooks/square?x=1",
      public_url => public_url,
      ->(env) { "https://hooks.example.com#{env['PATH_INFO']}" } => public_url
    }.each do |option, signed_url|
      middleware = Hooksig::Rack::Middleware.new(inner, "square", secret: "k", public_url: option)
      env = Rack::MockRequest.env_for("http://example.org/webhooks/square?x=1", method: "POST", input: body)
      Hooksig::Signer.new("square", secret: "k").sign(body, url: signed_url)
                     .each { |name, value| env["HTTP_#{name.upcase.tr('-', '_')}"] = value }
      assert_equal 200, middleware.call(env)[0], option.inspect
      env["rack.input"].rewind
      env["PATH_INFO"] = "/webhooks/other"
      env["REQUEST_URI"] = "/webhooks/other"
      assert_equal option.is_a?(String) ? 200 : 403, middleware.call(env)[0], option.inspect
    end
    assert_raises(TypeError) { Hooksig::Rack::Middleware.new(inner, "square", secret: "k", public_url: 42) }
  end

  def test_hubspot_gets_the_method_too
    body = '[{"eventId":1}]'
    middleware = Hooksig::Rack::Middleware.new(->(_env) { [204, {}, []] }, "hubspot", secret: "s")
    env = Rack::MockRequest.env_for("https://example.org/hs", method: "POST", input: body)
    Hooksig::Signer.new("hubspot", secret: "s").sign(body, url: "https://example.org/hs", method: "POST")
                   .each { |name, value| env["HTTP_#{name.upcase.tr('-', '_')}"] = value }
    assert_equal 204, middleware.call(env)[0]
  end

  # A handshake is answered by the middleware and never reaches the app: Slack's signed
  # url_verification, Dropbox's GET (outside methods:), Asana's secret (stored by on_secret:).
  def test_handshakes_are_answered_without_the_app
    reached = []
    inner = lambda do |env|
      reached << env["PATH_INFO"]
      [200, {}, ["app"]]
    end
    slack = Hooksig::Rack::Middleware.new(inner, "slack", secret: "slack-secret")
    challenge = JSON.generate(type: "url_verification", challenge: "abc123")
    env = Rack::MockRequest.env_for("/slack", method: "POST", input: challenge)
    Hooksig::Signer.new("slack", secret: "slack-secret").sign(challenge)
                   .each { |name, value| env["HTTP_#{name.upcase.tr('-', '_')}"] = value }
    status, headers, body = slack.call(env)
    assert_equal [200, "application/json", ['{"challenge":"abc123"}']], [status, headers["content-type"], body]
    env = Rack::MockRequest.env_for("/slack", method: "POST", input: challenge, "HTTP_X_SLACK_SIGNATURE" => "v0=00")
    assert_equal 403, slack.call(env)[0]

    dropbox = Hooksig::Rack::Middleware.new(inner, "dropbox", secret: "d")
    status, headers, body = dropbox.call(Rack::MockRequest.env_for("/dropbox?challenge=xyz", method: "GET"))
    assert_equal [200, "nosniff", ["xyz"]], [status, headers["x-content-type-options"], body]
    assert_equal 200, dropbox.call(Rack::MockRequest.env_for("/dropbox", method: "GET"))[0] # not a handshake
    assert_equal ["/dropbox"], reached

    stored = []
    store = ->(secret, _env) { stored << secret }
    asana = Hooksig::Rack::Middleware.new(inner, "asana", secret: "old", on_secret: store)
    env = Rack::MockRequest.env_for("/asana", method: "POST", input: "", "HTTP_X_HOOK_SECRET" => "handed-over")
    status, headers, = asana.call(env)
    assert_equal [200, "handed-over", ["handed-over"]], [status, headers["x-hook-secret"], stored]
    unstored = Hooksig::Rack::Middleware.new(inner, "asana", secret: "old")
    env = Rack::MockRequest.env_for("/asana", method: "POST", input: "", "HTTP_X_HOOK_SECRET" => "handed-over")
    status, _headers, body = unstored.call(env)
    assert_equal [500, ['{"error":"handshake_secret_not_stored"}']], [status, body]
    assert_equal ["/dropbox"], reached
  end

  # A Content-Length that is not a number is refused as a server would refuse it.
  def test_a_malformed_content_length_is_400
    ["1e6", "+6", "6 6", "abc"].each do |length|
      env = Rack::MockRequest.env_for("/hooks", method: "POST", input: "{}")
      env["CONTENT_LENGTH"] = length
      status, _headers, body = Hooksig::Rack::Middleware.new(ECHO, "github", secret: SECRET).call(env)
      assert_equal [400, ['{"error":"invalid_content_length"}']], [status, body], length
    end
  end

  def test_configuration_is_checked_when_built
    assert_raises(ArgumentError) { Hooksig::Rack::Middleware.new(ECHO) }
    assert_raises(Hooksig::UnknownPresetError) { Hooksig::Rack::Middleware.new(ECHO, "nope", secret: "s") }
  end
end
