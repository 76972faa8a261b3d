# frozen_string_literal: true

# The app of the multi-instance replay test (test_replay_instances.rb), run as its own server
# process, two at a time, sharing one Redis: a Rack app behind Hooksig::Rack::Middleware
# (Standard Webhooks, Hooksig::RedisReplayStore over the redis gem), served by WEBrick on
# 127.0.0.1:PORT. GET / answers "up".
#
# The app processes an event by appending its `id` to the file REPLAY_COUNT (one line per run,
# from either process: the count is kept outside the apps). An event with "fail": "raise" or
# "fail": "500" fails the first time it runs (a marker file in REPLAY_MARKERS remembers it),
# as an app whose database was down would; an event with "hold" (seconds) sleeps that long
# first, so that concurrent deliveries overlap.
#
#   PORT=... REDIS_URL=... REPLAY_COUNT=... REPLAY_MARKERS=... WEBHOOK_SECRET=... ruby tests/ruby/replay_app.rb

$LOAD_PATH.unshift File.expand_path("../../ruby/lib", __dir__)
require "fileutils"
require "json"
require "redis"
require "webrick"
require "rack"
require "rack/handler/webrick"
require "hooksig/rack"

SECRET = ENV.fetch("WEBHOOK_SECRET")
COUNT = ENV.fetch("REPLAY_COUNT")
MARKERS = ENV.fetch("REPLAY_MARKERS")

# Whether this run should fail: the first run of an event marked "fail".
def first_run_fails?(event)
  return false unless event["fail"]

  File.open(File.join(MARKERS, event["id"]), File::WRONLY | File::CREAT | File::EXCL).close
  true
rescue Errno::EEXIST
  false
end

HANDLER = lambda do |env|
  next [200, { "content-type" => "text/plain" }, ["up"]] if env["REQUEST_METHOD"] == "GET"

  event = JSON.parse(env["rack.input"].read)
  sleep Float(event["hold"]) if event["hold"]
  if first_run_fails?(event)
    raise "the database is down (#{event['id']})" if event["fail"] == "raise"

    next [500, { "content-type" => "application/json" }, ['{"status":"failed"}']]
  end
  File.open(COUNT, "a") { |out| out.write("#{event['id']}\n") } # O_APPEND: one whole line per write
  body = JSON.generate(status: "processed", id: event["id"], pid: Process.pid)
  [200, { "content-type" => "application/json" }, [body]]
end

# Short timeouts: a Redis that stops answering fails the request (503) instead of holding it.
redis = Redis.new(url: ENV.fetch("REDIS_URL"), connect_timeout: 1, read_timeout: 1, write_timeout: 1)
app = Rack::Builder.new do
  use Hooksig::Rack::Middleware, "standard-webhooks", secret: SECRET, path: "/hooks",
                                                      replay: Hooksig::RedisReplayStore.new(redis)
  run HANDLER
end

# Both instances start at once: mkdir_p tolerates the other one having made it first.
FileUtils.mkdir_p(MARKERS)
server = WEBrick::HTTPServer.new(BindAddress: "127.0.0.1", Port: Integer(ENV.fetch("PORT")),
                                 Logger: WEBrick::Log.new($stderr, WEBrick::Log::WARN), AccessLog: [])
server.mount "/", Rack::Handler::WEBrick, app
%w[TERM INT].each { |signal| trap(signal) { server.shutdown } }
server.start
