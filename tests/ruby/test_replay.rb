# frozen_string_literal: true

require_relative "test_helper"
require "rack"
require "rack/mock"
require "rack/lint"
require "hooksig/rack"

# Replay protection in one process (issue 11): the key and TTL of a verification, the
# verifier's namespace: and replay_ttl:, the core's memory store through the C ABI, the Redis
# store over the `redis` gem against a real redis-server (started on a free loopback port,
# persistence off), and what the Rack middleware does with replay:.
class TestReplay < Minitest::Test
  WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
  NOW = 1_700_000_000
  GITHUB_SIG = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

  def sw_headers(body, id: "msg_1", timestamp: NOW)
    Hooksig::Signer.new("standard-webhooks", secret: WHSEC).sign(body, timestamp: timestamp, id: id)
  end

  def test_the_key_and_ttl_of_each_kind_of_scheme
    # A signed id: the key is it; a 300 s window: 2 * 300 + 60 s.
    sw = Hooksig::Verifier.new("standard-webhooks", secret: WHSEC)
    found = sw.verify("{}", sw_headers("{}"), now: NOW)
    assert_equal ["standard-webhooks:msg_1", 660], [found.replay_key, found.replay_ttl]
    assert_equal ["standard-webhooks", 660], [sw.namespace, sw.replay_ttl]
    # No id: the signature that matched; no window: 24 hours.
    github = Hooksig::Verifier.new("github", secret: "It's a Secret to Everybody")
    found = github.verify("Hello, World!", { "X-Hub-Signature-256" => GITHUB_SIG })
    assert_equal ["github:sig:#{GITHUB_SIG.delete_prefix('sha256=')}", 86_400], [found.replay_key, found.replay_ttl]
    # A token scheme signs nothing: the body's SHA-256.
    gitlab = Hooksig::Verifier.new("gitlab", secret: "token-1")
    found = gitlab.verify("{}", { "X-Gitlab-Token" => "token-1" })
    assert_equal "gitlab:body:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", found.replay_key
    # ... made at verify: the key names the body that was verified, even when the String is
    # changed before the key is read (a token still verifies any body).
    body = +"{}"
    found = gitlab.verify(body, { "X-Gitlab-Token" => "token-1" })
    body.replace("{\"x\":1}")
    assert_equal "gitlab:body:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", found.replay_key
    # An id that is not UTF-8 (latin-1 bytes, as a server hands them over): its hex.
    latin1 = Hooksig::Verifier.new("standard-webhooks", secret: "whsec_aG9va3NpZyBodHRwIGNvbnRyYWN0")
    env = { "REQUEST_METHOD" => "POST", "HTTP_WEBHOOK_ID" => "msg_caf\xE9".b, "HTTP_WEBHOOK_TIMESTAMP" => "1700000000",
            "HTTP_WEBHOOK_SIGNATURE" => "v1,N0H85svtvK7pwuE8KlIQqETBfS7Y4R+lmLt3y66/+Js=" }
    found = latin1.verify('{"type":"latin1.test"}', env, now: NOW)
    assert_equal "standard-webhooks:idhex:6d73675f636166e9", found.replay_key
    assert_equal Encoding::UTF_8, found.replay_key.encoding
    assert_predicate found.replay_key, :frozen?
  end

  # Different deliveries, different keys; the same delivery again (a replay), the same key.
  def test_a_replay_has_the_same_key_and_another_delivery_another
    noyo = Hooksig::Verifier.new("noyo", secret: "s")
    signer = Hooksig::Signer.new("noyo", secret: "s")
    first = signer.sign("{}", timestamp: NOW)
    key = noyo.verify("{}", first, now: NOW).replay_key
    assert_equal key, noyo.verify("{}", first, now: NOW + 10).replay_key
    refute_equal key, noyo.verify("{}", signer.sign("{}", timestamp: NOW + 1), now: NOW).replay_key
    refute_equal key, noyo.verify("{ }", signer.sign("{ }", timestamp: NOW), now: NOW).replay_key
  end

  def test_namespace_and_replay_ttl_options
    v = Hooksig::Verifier.new("github", secret: "It's a Secret to Everybody", namespace: "orders", replay_ttl: 120)
    found = v.verify("Hello, World!", { "X-Hub-Signature-256" => GITHUB_SIG })
    assert found.replay_key.start_with?("orders:sig:"), found.replay_key
    assert_equal [120, 120, "orders"], [found.replay_ttl, v.replay_ttl, v.namespace]
    assert_equal "shop", Hooksig::Verifier.new("github", secret: "s", namespace: :shop).namespace
    latin1 = (+"caf\xE9").force_encoding("ISO-8859-1")
    assert_equal "café", Hooksig::Verifier.new("github", secret: "s", namespace: latin1).namespace
    # With a window the claim lives 2 * tolerance + 60 seconds, whatever replay_ttl: says.
    assert_equal 150, Hooksig::Verifier.new("noyo", secret: "s", tolerance: 45, replay_ttl: 5).replay_ttl
    assert_equal 86_400, Hooksig::Verifier.new("noyo", secret: "s", tolerance: nil).replay_ttl
    # A custom scheme's namespace is its signature header's name.
    custom = Hooksig::Verifier.new({ signature_header: "x-sig" }, secret: "s")
    assert_equal custom.namespace, custom.verify("{}", { "x-sig" => custom_sig("{}") }).replay_key.split(":sig:")[0]

    assert_raises(ArgumentError) { Hooksig::Verifier.new("github", secret: "s", namespace: "") }
    assert_raises(ArgumentError) { Hooksig::Verifier.new("github", secret: "s", namespace: "\xFF".b) }
    assert_raises(TypeError) { Hooksig::Verifier.new("github", secret: "s", namespace: 5) }
    assert_raises(ArgumentError) { Hooksig::Verifier.new("github", secret: "s", replay_ttl: 0) }
    assert_raises(ArgumentError) { Hooksig::Verifier.new("github", secret: "s", replay_ttl: -1) }
    assert_raises(ArgumentError) { Hooksig::Verifier.new("github", secret: "s", replay_ttl: 2**64) }
    assert_raises(TypeError) { Hooksig::Verifier.new("github", secret: "s", replay_ttl: "60") }
  end

  def custom_sig(body)
    Hooksig::Signer.new({ signature_header: "x-sig" }, secret: "s").sign(body).fetch("x-sig")
  end

  # The key of a result of #verify is made when first read, by verifying its request again:
  # the URL of a URL-signed scheme too; a body changed since is a RuntimeError, not a key.
  def test_the_key_is_made_from_the_request_when_first_read
    square = Hooksig::Verifier.new("square", secret: "signature-key")
    body = '{"data":{"type":"webhooks","id":"fake_id"}}'
    headers = { "x-square-hmacsha256-signature" => "W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA=" }
    found = square.verify(body, headers, url: "https://webhook.site/webhooks")
    assert_equal "square:sig:#{'W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA='.unpack1('m0').unpack1('H*')}",
                 found.replay_key

    body = +"{}"
    sw = Hooksig::Verifier.new("standard-webhooks", secret: WHSEC)
    found = sw.verify(body, sw_headers(body), now: NOW)
    body << " "
    error = assert_raises(RuntimeError) { found.replay_key }
    assert_includes error.message, "changed after verify"
    # Read before the change, it stays.
    body = +"{}"
    found = sw.verify(body, sw_headers(body), now: NOW)
    key = found.replay_key
    body << " "
    assert_equal key, found.replay_key
  end

  def test_a_verified_made_by_hand
    plain = Hooksig::Verified.new(1, "id", 0)
    assert_nil plain.replay_key
    assert_nil plain.replay_ttl
    keyed = Hooksig::Verified.new(1, "id", 0, replay_key: "ns:id", replay_ttl: 60)
    assert_equal ["ns:id", 60], [keyed.replay_key, keyed.replay_ttl]
    assert_predicate keyed, :frozen?
    assert_equal plain, keyed
  end

  def test_the_memory_store
    store = Hooksig::MemoryReplayStore.new
    assert_equal 100_000, store.max_keys
    assert store.claim("stripe:evt_1", 660)
    refute store.claim("stripe:evt_1", 660)
    assert_equal 1, store.size
    assert_nil store.release("stripe:evt_1")
    assert store.claim("stripe:evt_1", 660)
    store.release("never-claimed")
    # A claim of 0 s is over at once.
    assert store.claim("brief", 0)
    assert store.claim("brief", 60)
    # Keys are text: in any encoding with a UTF-8 form, the same key.
    assert store.claim("café", 60)
    refute store.claim("café".encode("UTF-16LE"), 60)
    refute store.claim("café".b, 60)
    assert_match(/MemoryReplayStore max_keys=100000 claims=\d+/, store.inspect)

    assert_raises(TypeError) { store.claim(:key, 60) }
    assert_raises(TypeError) { store.claim("k", 1.5) }
    assert_raises(ArgumentError) { store.claim("k", -1) }
    assert_raises(ArgumentError) { store.claim("k", 2**64) }
    assert_raises(ArgumentError) { store.claim("\xFF".b, 60) }
    assert_raises(ArgumentError) { store.release("\xFF".b) }
    assert_raises(ArgumentError) { Hooksig::MemoryReplayStore.new(max_keys: 0) }
    assert_raises(TypeError) { Hooksig::MemoryReplayStore.new(max_keys: "10") }
  end

  def test_the_memory_store_is_bounded
    store = Hooksig::MemoryReplayStore.new(max_keys: 3)
    %w[a b c d].each { |key| assert store.claim(key, 60) }
    assert_equal 3, store.size
    refute store.claim("d", 60)
    assert store.claim("a", 60), "the oldest claim went first"
  end

  def test_the_memory_store_is_shared_between_threads
    store = Hooksig::MemoryReplayStore.new
    wins = Array.new(8) { Thread.new { (0...500).count { |i| store.claim("evt_#{i}", 60) } } }.sum(&:value)
    assert_equal 500, wins
  end

  def test_the_redis_store_against_a_real_redis
    redis = RedisServer.shared.fresh.client
    store = Hooksig::RedisReplayStore.new(redis)
    assert_equal "hooksig:", store.prefix
    assert store.claim("stripe:evt_1", 660)
    refute store.claim("stripe:evt_1", 660)
    assert_equal "1", redis.get("hooksig:stripe:evt_1")
    assert_includes (650_000..660_000), redis.pttl("hooksig:stripe:evt_1")
    assert_nil store.release("stripe:evt_1")
    assert_equal 0, redis.exists("hooksig:stripe:evt_1")
    assert store.claim("stripe:evt_1", 660)
    # Another prefix, another set of claims; a TTL of 0 claims nothing.
    other = Hooksig::RedisReplayStore.new(redis, prefix: "app2:")
    assert other.claim("stripe:evt_1", 60)
    assert other.claim("nothing", 0)
    assert_equal 0, redis.exists("app2:nothing")
    # A key in UTF-16 is its UTF-8 text.
    assert other.claim("café", 60)
    refute other.claim("café".encode("UTF-16LE"), 60)
    assert_match(/RedisReplayStore Redis prefix="hooksig:"/, store.inspect)

    assert_raises(TypeError) { Hooksig::RedisReplayStore.new(Object.new) }
    assert_raises(TypeError) { Hooksig::RedisReplayStore.new(redis, prefix: :p) }
    assert_raises(TypeError) { store.claim("k", "60") }
    assert_raises(ArgumentError) { store.claim("k", -1) }
  ensure
    redis&.close
  end

  def test_the_redis_store_raises_replay_store_error_when_redis_is_unreachable
    server = RedisServer.shared.fresh
    redis = server.client(timeout: 1)
    store = Hooksig::RedisReplayStore.new(redis)
    assert store.claim("before", 60)
    server.stop
    error = assert_raises(Hooksig::ReplayStoreError) { store.claim("during", 60) }
    assert_equal "replay_store_unavailable", error.code
    assert_kind_of Redis::BaseConnectionError, error.cause
    assert_raises(Hooksig::ReplayStoreError) { store.release("before") }
    server.start
    assert store.claim("after", 60), "the client reconnects"
  ensure
    server.start unless server.nil? || server.running?
    redis&.close
  end

  # The middleware with a store: each verified delivery once.
  class Counting
    attr_reader :runs

    def initialize(&answer)
      @runs = []
      @answer = answer || ->(_env) { [200, { "content-type" => "application/json" }, ['{"status":"processed"}']] }
    end

    def call(env)
      @runs << env["hooksig.verified"]
      @answer.call(env)
    end
  end

  def app(store, inner, **options)
    middleware = Hooksig::Rack::Middleware.new(Rack::Lint.new(inner), "standard-webhooks",
                                               secret: WHSEC, replay: store, **options)
    Rack::Lint.new(middleware)
  end

  def deliver(app, body = "{}", id: "msg_1", errors: StringIO.new)
    env = Rack::MockRequest.env_for("/hooks", method: "POST", input: body, "rack.errors" => errors)
    sw_headers(body, id: id, timestamp: Time.now.to_i).each do |name, value|
      env["HTTP_#{name.upcase.tr('-', '_')}"] = value
    end
    status, headers, chunks = app.call(env)
    text = +""
    chunks.each { |chunk| text << chunk }
    chunks.close if chunks.respond_to?(:close)
    [status, headers, text]
  end

  def stores
    redis = RedisServer.shared.fresh.client
    { "memory" => Hooksig::MemoryReplayStore.new, "redis" => Hooksig::RedisReplayStore.new(redis) }
  end

  def test_duplicates_are_answered_without_the_app
    stores.each do |name, store|
      inner = Counting.new
      mw = app(store, inner)
      assert_equal [200, '{"status":"processed"}'], deliver(mw).values_at(0, 2), name
      status, headers, body = deliver(mw)
      assert_equal [200, "application/json", '{"status":"duplicate"}'], [status, headers["content-type"], body], name
      assert_equal 1, inner.runs.size, name
      assert_equal "standard-webhooks:msg_1", inner.runs[0].replay_key, name
      assert_equal 200, deliver(mw, id: "msg_2")[0], name
      assert_equal 2, inner.runs.size, name
      custom = app(store, inner, duplicate_status: 409, duplicate_body: { duplicate: true, id: 1 })
      assert_equal [409, '{"duplicate":true,"id":1}'], deliver(custom).values_at(0, 2), name
    end
  end

  def test_a_failed_app_releases_its_claim
    stores.each do |name, store|
      failures = %i[raise status500 status503]
      inner = Counting.new do |_env|
        case failures.shift
        when :raise then raise "database down"
        when :status500 then [500, {}, ["failed"]]
        when :status503 then [503, {}, ["unavailable"]]
        else [200, {}, ["ok"]]
        end
      end
      mw = app(store, inner)
      assert_raises(RuntimeError, name) { deliver(mw) }
      assert_equal 500, deliver(mw)[0], name
      assert_equal 503, deliver(mw)[0], name
      assert_equal [200, "ok"], deliver(mw).values_at(0, 2), "#{name}: the retry is processed"
      assert_equal [200, '{"status":"duplicate"}'], deliver(mw).values_at(0, 2), name
      assert_equal 4, inner.runs.size, name
      # A 4xx answer is the app's decision about the delivery: the claim stays.
      rejecting = Counting.new { |_env| [422, {}, ["no"]] }
      mw = app(store, rejecting)
      assert_equal 422, deliver(mw, id: "msg_422")[0], name
      assert_equal 200, deliver(mw, id: "msg_422")[0], name
      assert_equal 1, rejecting.runs.size, name
    end
  end

  # A store that raises: 503, the app never runs, the log says why; :allow goes on unclaimed.
  class Down
    def claim(_key, _ttl) = raise(Hooksig::ReplayStoreError, "Redis could not claim the key: connection refused")
    def release(_key) = raise(Hooksig::ReplayStoreError, "down")
  end

  def test_a_store_that_cannot_be_reached
    inner = Counting.new
    errors = StringIO.new
    status, _headers, body = deliver(app(Down.new, inner), errors: errors)
    assert_equal [503, '{"error":"replay_store_unavailable"}'], [status, body]
    assert_empty inner.runs
    assert_includes errors.string, "the replay store failed (Hooksig::ReplayStoreError: Redis could not claim"
    assert_includes errors.string, "answering 503"

    errors = StringIO.new
    allowing = app(Down.new, inner, on_store_error: :allow)
    assert_equal 200, deliver(allowing, errors: errors)[0]
    assert_equal 200, deliver(allowing, errors: errors)[0]
    assert_equal 2, inner.runs.size
    assert_includes errors.string, "processing the delivery unclaimed (on_store_error: :allow)"
  end

  def test_a_release_that_fails_is_logged_and_the_answer_kept
    store = Class.new(Hooksig::MemoryReplayStore) { def release(_key) = raise(Hooksig::ReplayStoreError, "down") }.new
    errors = StringIO.new
    mw = app(store, Counting.new { |_env| [500, {}, ["failed"]] })
    assert_equal [500, "failed"], deliver(mw, errors: errors).values_at(0, 2)
    assert_includes errors.string, "could not be released"
  end

  def test_replay_options_are_checked_when_built
    inner = Counting.new
    assert_raises(TypeError) { app(Object.new, inner) }
    assert_raises(ArgumentError) { app(nil, inner, on_store_error: :allow) }
    assert_raises(ArgumentError) { app(nil, inner, duplicate_status: 200) }
    assert_raises(ArgumentError) { app(Hooksig::MemoryReplayStore.new, inner, on_store_error: :ignore) }
    assert_raises(TypeError) { app(Hooksig::MemoryReplayStore.new, inner, duplicate_status: "200") }
    assert_raises(ArgumentError) { app(Hooksig::MemoryReplayStore.new, inner, duplicate_status: 100) }
    assert_equal 200, deliver(app(Hooksig::MemoryReplayStore.new, inner, on_store_error: "fail"))[0]
    # A claim that answers neither true nor false is a bug of the store.
    odd = Class.new(Hooksig::MemoryReplayStore) { def claim(_key, _ttl) = "OK" }.new
    assert_raises(TypeError) { deliver(app(odd, inner)) }
  end

  # A handshake is answered, never claimed; a rejected request claims nothing.
  def test_handshakes_and_rejections_claim_nothing
    store = Hooksig::MemoryReplayStore.new
    stored = []
    keep = ->(secret, _env) { stored << secret }
    asana = Hooksig::Rack::Middleware.new(Counting.new, "asana", secret: "old", replay: store, on_secret: keep)
    env = Rack::MockRequest.env_for("/asana", method: "POST", input: "", "HTTP_X_HOOK_SECRET" => "handed-over")
    assert_equal 200, asana.call(env)[0]
    assert_equal 0, store.size
    env = Rack::MockRequest.env_for("/hooks", method: "POST", input: "{}", "HTTP_WEBHOOK_ID" => "x")
    assert_equal 403, app(store, Counting.new).call(env)[0]
    assert_equal 0, store.size
  end

  # Asana's secret is answered only once on_secret stored it, and never written to the log.
  def test_asana_on_secret_refusals
    secret = "b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81"
    [[->(_s, _e) { false }, 403, "handshake_secret_refused"],
     [->(s, _e) { raise "cannot store #{s}" }, 403, "handshake_secret_refused"],
     [nil, 500, "handshake_secret_not_stored"],
     [->(_s, _e) {}, 200, nil]].each do |on_secret, status, code|
      inner = Counting.new
      errors = StringIO.new
      mw = Rack::Lint.new(Hooksig::Rack::Middleware.new(inner, "asana", secret: "old", on_secret: on_secret))
      env = Rack::MockRequest.env_for("/asana", method: "POST", input: "", "HTTP_X_HOOK_SECRET" => secret,
                                                "rack.errors" => errors)
      got_status, headers, body = mw.call(env)
      text = +""
      body.each { |chunk| text << chunk }
      body.close if body.respond_to?(:close)
      assert_equal status, got_status, code
      if code
        assert_equal({ "error" => code }, JSON.parse(text))
        assert_nil headers["x-hook-secret"], "the secret is not echoed when not stored"
      else
        assert_equal secret, headers["x-hook-secret"]
      end
      assert_empty inner.runs
      refute_includes errors.string, secret
    end
  end
end
