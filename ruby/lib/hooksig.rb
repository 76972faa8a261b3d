# frozen_string_literal: true

require_relative "hooksig/version"
require_relative "hooksig/errors"
require_relative "hooksig/native"
require_relative "hooksig/config"
require_relative "hooksig/reply"
require_relative "hooksig/verifier"
require_relative "hooksig/fast"
require_relative "hooksig/signer"
require_relative "hooksig/replay"

# Constant-time webhook signature verification (and signing), with provider schemes as
# data. One Rust core holds every rule; this gem reaches it through the C ABI.
#
#   verifier = Hooksig::Verifier.new("github", secret: ENV.fetch("GITHUB_WEBHOOK_SECRET"))
#   result = verifier.verify(request.body.read, request.env)   # raises VerificationError
#   result.secret_index                                        # which secret matched
#
# See Hooksig::Rack::Middleware (require "hooksig/rack") for Rack, Sinatra and Rails.
module Hooksig
  # Returns the version of the native library in use.
  def self.native_version
    Native.hooksig_version
  end
end
