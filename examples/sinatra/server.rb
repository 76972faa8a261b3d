# frozen_string_literal: true

# The Aghanim webhook handler, rebuilt on hooksig.
#
# Aghanim signs each webhook with X-Aghanim-Signature: the lowercase hex HMAC-SHA256,
# keyed with your webhook secret, of "{timestamp}.{raw body}", where the timestamp is
# X-Aghanim-Signature-Timestamp. The provider's template computes that by hand and
# compares with `==`-style code; here Hooksig::Rack::Middleware does it in constant time,
# on the raw bytes, with a replay window, before Sinatra parses anything.
#
#   AGHANIM_WEBHOOK_SECRET=... PORT=4567 ruby examples/sinatra/server.rb
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

  # Every POST under /webhook is verified; a failure answers 403 {"error": "<code>"}.
  use Hooksig::Rack::Middleware, "aghanim", secret: settings.secret, path: "/webhook"

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
    JSON.generate(handler.call(event["data"] || {}).merge(timestamp: verified.timestamp))
  rescue JSON::ParserError
    halt 400, JSON.generate(error: "the body is not JSON")
  end
end

AghanimApp.run!(bind: "127.0.0.1", port: Integer(ENV.fetch("PORT", "4567"))) if __FILE__ == $PROGRAM_NAME
