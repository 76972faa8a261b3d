# frozen_string_literal: true

require_relative "lib/hooksig/version"

Gem::Specification.new do |spec|
  spec.name = "hooksig"
  spec.version = Hooksig::VERSION
  spec.summary = "Constant-time webhook signature verification, with provider schemes as data"
  spec.description = <<~DESC
    Verifies (and signs) webhook signatures for GitHub, Stripe, Svix / Standard Webhooks,
    Slack, Shopify, Paddle and more, or any HMAC scheme described as data: constant-time,
    with key rotation and replay windows. A Rust core reached through its C ABI with the
    ffi gem; Rack middleware for Sinatra and Rails.
  DESC
  spec.license = "MIT OR Apache-2.0"
  spec.authors = ["hooksig contributors"]
  spec.homepage = "https://example.invalid/hooksig"
  spec.required_ruby_version = ">= 3.0"
  spec.metadata["rubygems_mfa_required"] = "true"

  # The native library goes in lib/hooksig/native/ (libhooksig_c.so / .dylib / .dll):
  # cargo build --release -p hooksig-c && cp target/release/libhooksig_c.* ruby/lib/hooksig/native/
  spec.files = Dir[File.join(__dir__, "lib", "**", "*.rb")].map { |f| f.delete_prefix("#{__dir__}/") } +
               Dir[File.join(__dir__, "lib", "hooksig", "native", "*")].map { |f| f.delete_prefix("#{__dir__}/") } +
               %w[sig/hooksig.rbs]
  spec.require_paths = ["lib"]

  spec.add_dependency "ffi", "~> 1.15"
end
