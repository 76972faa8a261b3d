# frozen_string_literal: true

# The Aghanim webhook handler, rebuilt on hooksig.
#
# Aghanim signs each webhook with X-Aghanim-Signature: the lowercase hex HMAC-SHA256,
# keyed with your webhook secret, of "{timestamp}.{raw body}", where the timestamp is
# X-Aghanim-Signature-Timestamp. The provider's template computes that by hand and
# compares with `==`-style code; here Hooksig::Rack::Middleware does it in constant time,
# on the raw bytes, with a replay window, before Sinatra parses anything.
#
# Replay protection: with REDIS_URL set, every instance of the app claims each verified
# delivery in that Redis (Hooksig::RedisReplayStore over the redis gem, Debian's ruby-redis),
# so a delivery sent again, to any instance, is answered 200 {"status": "duplicate"} without
# running its handler; a handler that fails releases its claim, so Aghanim's retry is
# processed. REPLAY=memory claims in this process only (Hooksig::MemoryReplayStore);
# REPLAY=off (or no REDIS_URL) turns it off. PROCESSED_LOG names a file to append the
# event_id of each processed event to (make load counts them).
#
#   AGHANIM_WEBHOOK_SECRET=... PORT=4567 ruby examples/sinatra/server.rb
#   REDIS_URL=redis://127.0.0.1:6379/0 AGHANIM_WEBHOOK_SECRET=... PORT=4568 ruby examples/sinatra/server.rb
#   # sign a test request (the hooksig gem's Signer does what Aghanim does):
#   ruby -Iruby/lib -rhooksig -e 'puts Hooksig::Signer.new("aghanim", secret: "...")
#     .sign(%({"event_type":"player.verify","data":{"player_id":"p1"}}))'

$LOAD_PATH.unshift File.expand_path("../../ruby/lib", __dir__)
require "json"
require "sinatra/base"
require "hooksig/rack"

# Aghanim's webhook events, answered as its docs describe.
class AghanimApp < Sinatra::Base
  set :secret, ENV.fetch("AGHANIM_WEBHOOK_SECRET", "change-me")
  set :processed_log, ENV.fetch("PROCESSED_LOG", nil)

  # Where verified deliveries are claimed: Redis (REDIS_URL), this process (REPLAY=memory),
  # or nowhere (REPLAY=off, or neither given).
  def self.replay_store
    return nil if ENV["REPLAY"] == "off"
    return Hooksig::MemoryReplayStore.new if ENV["REPLAY"] == "memory"
    return nil unless ENV["REDIS_URL"]

    require "redis"
    # Short timeouts: a Redis that stops answering fails the request (503, Aghanim retries)
    # instead of holding it.
    Hooksig::RedisReplayStore.new(Redis.new(url: ENV.fetch("REDIS_URL"), connect_timeout: 1, read_timeout: 1,
                                            write_timeout: 1))
  end

  # Every POST under /webhook is verified (a failure answers 403 {"error": "<code>"}) and,
  # with a store, claimed once.
  use Hooksig::Rack::Middleware, "aghanim", secret: settings.secret, path: "/webhook", replay: replay_store

  HANDLERS = {
    "player.verify" => lambda do |data|
      { player_id: data["player_id"], name: "Player #{data['player_id']}", verified: true }
    end,
    "item.add" => ->(data) { { status: "added", item: data["sku"] } },
    "item.remove" => ->(data) { { status: "removed", item: data["sku"] } }
  }.freeze

  post "/webhook" do
    content_type :json
    # The middleware rewound the body: it is the same bytes that were verified.
    event = JSON.parse(request.body.read)
    handler = HANDLERS[event["event_type"]]
    halt 400, JSON.generate(error: "unknown event_type #{event['event_type'].inspect}") unless handler

    verified = request.env[Hooksig::Rack::Middleware::ENV_KEY]
    answer = JSON.generate(handler.call(event["data"] || {}).merge(timestamp: verified.timestamp))
    # One whole line per write (O_APPEND), from any instance.
    File.write(settings.processed_log, "#{event['event_id']}\n", mode: "a") if settings.processed_log
    answer
  rescue JSON::ParserError
    halt 400, JSON.generate(error: "the body is not JSON")
  end
end

AghanimApp.run!(bind: "127.0.0.1", port: Integer(ENV.fetch("PORT", "4567"))) if __FILE__ == $PROGRAM_NAME
