# frozen_string_literal: true

require_relative "test_helper"
require "rack/test"
require "fileutils"
require "net/http"
require "tmpdir"
require "webrick"
require "rack/handler/webrick"

ENV["AGHANIM_WEBHOOK_SECRET"] = "aghanim-test-secret"
require File.join(ROOT, "examples", "sinatra", "server.rb")

# The Aghanim example (examples/sinatra/server.rb) through rack-test and a real server.
module AghanimRequests
  SECRET = ENV.fetch("AGHANIM_WEBHOOK_SECRET")
  EVENT = JSON.generate(event_type: "player.verify", data: { player_id: "p-42" })

  def sign(body, timestamp: nil)
    Hooksig::Signer.new("aghanim", secret: SECRET).sign(body, timestamp: timestamp)
  end
end

class TestSinatraExample < Minitest::Test
  include Rack::Test::Methods
  include AghanimRequests

  def app
    AghanimApp
  end

  def deliver(body, headers)
    env = headers.transform_keys { |name| "HTTP_#{name.upcase.tr('-', '_')}" }
    post "/webhook", body, env.merge("CONTENT_TYPE" => "application/json")
  end

  def test_valid_event_is_handled
    headers = sign(EVENT)
    deliver(EVENT, headers)
    assert_equal 200, last_response.status
    reply = JSON.parse(last_response.body)
    assert_equal "p-42", reply["player_id"]
    assert reply["verified"]
    assert_equal Integer(headers["X-Aghanim-Signature-Timestamp"]), reply["timestamp"]
  end

  def test_tampered_missing_and_stale_are_403_with_the_code
    deliver(EVENT.sub("p-42", "p-43"), sign(EVENT))
    assert_equal [403, { "error" => "signature_mismatch" }], [last_response.status, JSON.parse(last_response.body)]
    deliver(EVENT, {})
    assert_equal [403, { "error" => "missing_header" }], [last_response.status, JSON.parse(last_response.body)]
    deliver(EVENT, sign(EVENT, timestamp: Time.now.to_i - 3600))
    assert_equal [403, { "error" => "timestamp_too_old" }], [last_response.status, JSON.parse(last_response.body)]
  end

  def test_unknown_event_type_is_400
    body = JSON.generate(event_type: "player.explode", data: {})
    deliver(body, sign(body))
    assert_equal 400, last_response.status
    assert_includes JSON.parse(last_response.body)["error"], "player.explode"
  end

  def test_signed_body_that_is_not_json_is_400
    deliver("not json", sign("not json"))
    assert_equal 400, last_response.status
    assert_equal({ "error" => "the body is not JSON" }, JSON.parse(last_response.body))
  end

  def test_other_events_dispatch
    body = JSON.generate(event_type: "item.add", data: { sku: "gem-pack" })
    deliver(body, sign(body))
    assert_equal 200, last_response.status
    assert_equal({ "status" => "added", "item" => "gem-pack" }, JSON.parse(last_response.body).slice("status", "item"))
  end
end

# The same app behind WEBrick on 127.0.0.1 and a free port, over real HTTP.
class TestSinatraRealServer < Minitest::Test
  include AghanimRequests
  include RealServer

  def setup = start_server(AghanimApp)

  def deliver(body, headers) = post("/webhook", body, headers, read_timeout: 5)

  def test_valid_tampered_and_missing_over_http
    refute_equal 0, @port
    response = deliver(EVENT, sign(EVENT))
    assert_equal "200", response.code
    assert_equal "p-42", JSON.parse(response.body)["player_id"]

    response = deliver("#{EVENT} ", sign(EVENT))
    assert_equal "403", response.code
    assert_equal({ "error" => "signature_mismatch" }, JSON.parse(response.body))

    response = deliver(EVENT, {})
    assert_equal "403", response.code
    assert_equal({ "error" => "missing_header" }, JSON.parse(response.body))
  end
end

# The example as `make load` runs it: two processes sharing a Redis (REDIS_URL), each
# appending the events it processed to a PROCESSED_LOG; and one claiming in its own memory
# (REPLAY=memory).
class TestSinatraReplay < Minitest::Test
  include AghanimRequests

  def spawn_example(env, log)
    port = free_port
    pid = Process.spawn(ENV.to_h.merge("PORT" => port.to_s).merge(env), RbConfig.ruby,
                        File.join(ROOT, "examples", "sinatra", "server.rb"), out: log, err: %i[child out])
    @pids << pid
    deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + 60
    begin
      Net::HTTP.get_response(URI("http://127.0.0.1:#{port}/"))
    rescue SystemCallError, IOError
      raise "the example did not start: #{File.read(log)}" if Process.waitpid(pid, Process::WNOHANG) ||
                                                              Process.clock_gettime(Process::CLOCK_MONOTONIC) > deadline

      sleep 0.1
      retry
    end
    port
  end

  def setup
    @pids = []
    @dir = Dir.mktmpdir("hooksig-sinatra")
  end

  def teardown
    @pids.each { |pid| Process.kill("TERM", pid) }.each { |pid| Process.wait(pid) }
    FileUtils.rm_rf(@dir)
  end

  def deliver(port, body, headers)
    Net::HTTP.start("127.0.0.1", port, open_timeout: 5, read_timeout: 10) do |http|
      answer = http.post("/webhook", body, headers.merge("Content-Type" => "application/json"))
      [Integer(answer.code), JSON.parse(answer.body)]
    end
  end

  def test_two_instances_behind_redis_process_each_event_once
    log = File.join(@dir, "processed.log")
    env = { "REDIS_URL" => RedisServer.shared.fresh.url, "PROCESSED_LOG" => log, "AGHANIM_WEBHOOK_SECRET" => SECRET }
    ports = Array.new(2) { |n| spawn_example(env, File.join(@dir, "instance#{n}.log")) }
    body = JSON.generate(event_type: "player.verify", event_id: "whevt_1", data: { player_id: "p-1" })
    headers = sign(body)
    status, answer = deliver(ports[0], body, headers)
    assert_equal [200, "p-1"], [status, answer["player_id"]]
    assert_equal [200, { "status" => "duplicate" }], deliver(ports[1], body, headers)
    assert_equal [200, { "status" => "duplicate" }], deliver(ports[0], body, headers)
    other = JSON.generate(event_type: "player.verify", event_id: "whevt_2", data: { player_id: "p-2" })
    assert_equal 200, deliver(ports[1], other, sign(other))[0]
    assert_equal %w[whevt_1 whevt_2], File.readlines(log, chomp: true)
  end

  def test_replay_memory_claims_in_the_process
    port = spawn_example({ "REPLAY" => "memory", "AGHANIM_WEBHOOK_SECRET" => SECRET }, File.join(@dir, "memory.log"))
    headers = sign(EVENT)
    assert_equal 200, deliver(port, EVENT, headers)[0]
    assert_equal [200, { "status" => "duplicate" }], deliver(port, EVENT, headers)
  end
end
