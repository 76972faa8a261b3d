# frozen_string_literal: true

require_relative "test_helper"
require "net/http"
require "fileutils"
require "securerandom"
require "tmpdir"

# Replay protection across instances (issue 11): two server processes of one Rack app
# (tests/ruby/replay_app.rb: Hooksig::Rack::Middleware with Hooksig::RedisReplayStore, under
# WEBrick) share one real Redis, started by the suite on a free loopback port with
# persistence off.
#
# - the same signed delivery sent 20 times at once, split across both instances: the app ran
#   exactly once (counted in a file the apps append to, outside them); one answer is the
#   app's, 19 are 200 {"status": "duplicate"};
# - an app that fails once (raises, or answers 500): the provider's retry is processed;
# - Redis stopped: every answer is 503 {"error": "replay_store_unavailable"} and the app never
#   runs; Redis started again: the next delivery (the provider's retry) is processed.
class TestReplayInstances < Minitest::Test
  SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
  APP = File.join(ROOT, "tests", "ruby", "replay_app.rb")
  DUPLICATE = { "status" => "duplicate" }.freeze
  UNAVAILABLE = { "error" => "replay_store_unavailable" }.freeze

  # The two instances, started once for the class and stopped when the run ends.
  def self.instances
    @instances ||= begin
      redis = RedisServer.shared
      dir = Dir.mktmpdir("hooksig-replay")
      env = { "REDIS_URL" => redis.url, "REPLAY_COUNT" => File.join(dir, "count.txt"),
              "REPLAY_MARKERS" => File.join(dir, "markers"), "WEBHOOK_SECRET" => SECRET }
      ports = Array.new(2) { free_port }
      pids = ports.each_with_index.map do |port, n|
        Process.spawn(env.merge("PORT" => port.to_s), RbConfig.ruby, APP,
                      out: File.join(dir, "instance#{n}.log"), err: %i[child out])
      end
      Minitest.after_run do
        pids.map { |pid| Process.kill("TERM", pid) && pid }.each { |pid| Process.wait(pid) }
        FileUtils.rm_rf(dir)
      end
      ports.zip(pids).each { |port, pid| wait_until_up(port, pid, dir) }
      { ports: ports, count: env["REPLAY_COUNT"], redis: redis }
    end
  end

  def self.wait_until_up(port, pid, dir)
    deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + 60
    begin
      Net::HTTP.get_response(URI("http://127.0.0.1:#{port}/"))
    rescue SystemCallError, IOError
      if Process.waitpid(pid, Process::WNOHANG) || Process.clock_gettime(Process::CLOCK_MONOTONIC) > deadline
        logs = Dir[File.join(dir, "*.log")].map { |f| File.read(f) }.join("\n")
        raise "the replay app on port #{port} did not start:\n#{logs}"
      end
      sleep 0.1
      retry
    end
  end

  def setup
    @instances = self.class.instances
    @instances[:redis].fresh
  end

  # How many times an app processed this event, in either process.
  def processed(event_id)
    File.exist?(@instances[:count]) ? File.readlines(@instances[:count], chomp: true).count(event_id) : 0
  end

  # A signed Standard Webhooks delivery of a new event: its id, body and headers.
  def delivery(**fields)
    event_id = "evt_#{SecureRandom.hex(8)}"
    body = JSON.generate({ id: event_id }.merge(fields))
    headers = Hooksig::Signer.new("standard-webhooks", secret: SECRET).sign(body, id: "msg_#{event_id}")
    [event_id, body, headers.merge("Content-Type" => "application/json")]
  end

  # Sends the delivery to instance 0 or 1: [status, the body parsed as JSON, or its text (the
  # server's own page for an app that raised)].
  def send_to(instance, body, headers)
    Net::HTTP.start("127.0.0.1", @instances[:ports][instance], open_timeout: 5, read_timeout: 30) do |http|
      answer = http.post("/hooks", body, headers)
      parsed = begin
        JSON.parse(answer.body)
      rescue JSON::ParserError
        answer.body
      end
      [Integer(answer.code), parsed]
    end
  end

  # Sends the delivery `count` times at once, alternately to each instance.
  def send_all(count, body, headers)
    start = Queue.new
    threads = Array.new(count) do |i|
      Thread.new do
        start.pop
        send_to(i % 2, body, headers)
      end
    end
    count.times { start << true }
    threads.map(&:value)
  end

  def test_twenty_concurrent_deliveries_are_processed_once
    event_id, body, headers = delivery(hold: 0.2)
    answers = send_all(20, body, headers)
    assert_equal [200] * 20, answers.map(&:first), answers.inspect
    handled = answers.map(&:last).reject { |answer| answer == DUPLICATE }
    assert_equal 1, handled.size, answers.inspect
    assert_equal event_id, handled[0]["id"]
    assert_equal 1, processed(event_id)
    # Both instances answered some of them (each got 10 of the 20).
    assert_equal [200, DUPLICATE], send_to(0, body, headers)
    assert_equal [200, DUPLICATE], send_to(1, body, headers)
    assert_equal 1, processed(event_id)
  end

  def test_an_app_that_fails_once_gets_the_retry
    %w[raise 500].each do |how|
      event_id, body, headers = delivery(fail: how)
      assert_equal 500, send_to(0, body, headers).first, how
      assert_equal 0, processed(event_id), how
      # The provider retries; the other instance gets it this time.
      status, answer = send_to(1, body, headers)
      assert_equal [200, "processed", event_id], [status, answer["status"], answer["id"]], how
      assert_equal [200, DUPLICATE], send_to(0, body, headers), how
      assert_equal 1, processed(event_id), how
    end
  end

  def test_redis_stopped_answers_503_and_started_again_processes
    redis = @instances[:redis]
    event_id, body, headers = delivery
    redis.stop
    answers = send_all(20, body, headers)
    assert_equal [[503, UNAVAILABLE]] * 20, answers
    assert_equal 0, processed(event_id)
    redis.start
    status, answer = send_to(0, body, headers)
    assert_equal [200, "processed"], [status, answer["status"]]
    assert_equal [200, DUPLICATE], send_to(1, body, headers)
    assert_equal 1, processed(event_id)
  ensure
    redis.start unless redis.nil? || redis.running?
  end
end
