# frozen_string_literal: true

# examples/sinatra/server.rb, verified the way the provider's template does it instead.
#
# The baseline for `make load`: OpenSSL::HMAC.hexdigest("SHA256", secret,
# "#{timestamp}.#{raw_body}") compared with Rack::Utils.secure_compare; no replay window.
# Same Sinatra app shape and the same server (Sinatra's run!, WEBrick here) as the hooksig
# example, so requests/s compare the verifiers.
#
#   AGHANIM_WEBHOOK_SECRET=... PORT=4568 ruby load/snippet_sinatra.rb

require "json"
require "openssl"
require "rack/utils"
require "sinatra/base"

# Aghanim's webhook events, verified by the provider-docs snippet.
class SnippetAghanimApp < Sinatra::Base
  set :secret, ENV.fetch("AGHANIM_WEBHOOK_SECRET", "change-me")

  HANDLERS = {
    "player.verify" => lambda do |data|
      { player_id: data["player_id"], name: "Player #{data['player_id']}", verified: true }
    end,
    "item.add" => ->(data) { { status: "added", item: data["sku"] } },
    "item.remove" => ->(data) { { status: "removed", item: data["sku"] } }
  }.freeze

  post "/webhook" do
    content_type :json
    raw = request.body.read
    timestamp = request.env["HTTP_X_AGHANIM_SIGNATURE_TIMESTAMP"].to_s
    signature = request.env["HTTP_X_AGHANIM_SIGNATURE"].to_s
    expected = OpenSSL::HMAC.hexdigest("SHA256", settings.secret, "#{timestamp}.#{raw}")
    halt 403, JSON.generate(error: "signature_mismatch") unless Rack::Utils.secure_compare(expected, signature)

    event = JSON.parse(raw)
    handler = HANDLERS[event["event_type"]]
    halt 400, JSON.generate(error: "unknown event_type #{event['event_type'].inspect}") unless handler

    JSON.generate(handler.call(event["data"] || {}).merge(timestamp: timestamp.to_i))
  rescue JSON::ParserError
    halt 400, JSON.generate(error: "the body is not JSON")
  end
end

SnippetAghanimApp.run!(bind: "127.0.0.1", port: Integer(ENV.fetch("PORT", "4568"))) if __FILE__ == $PROGRAM_NAME
