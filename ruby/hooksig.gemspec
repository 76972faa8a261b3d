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
  spec.licenses = %w[MIT Apache-2.0]
  spec.authors = ["hooksig contributors"]
  spec.homepage = "https://example.invalid/hooksig"
  spec.required_ruby_version = ">= 3.0"
  spec.metadata["rubygems_mfa_required"] = "true"

  # The plain gem (platform "ruby") carries no native library; the platform gem
  # (hooksig-platform.gemspec, built by `make dist`) adds lib/hooksig/native/libhooksig_c.so.
  # The licenses are copied next to this file when the gem is staged (`make dist`).
  spec.files = Dir.chdir(__dir__) { Dir["lib/**/*.rb"] + Dir["{LICENSE-MIT,LICENSE-APACHE}"] } +
               %w[sig/hooksig.rbs]
  spec.require_paths = ["lib"]
  spec.post_install_message = <<~MSG
    hooksig: this gem has no native library (libhooksig_c); RubyGems chose it because no
    platform gem fits this machine (there is one for x86_64-linux with glibc 2.17+). Build the
    library with Rust in a checkout of hooksig: `cargo build --release -p hooksig-c`, then set
    HOOKSIG_LIB=/path/to/target/release/libhooksig_c.so (.dylib on macOS, .dll on Windows) or
    copy it into this gem's lib/hooksig/native/ directory.
  MSG

  spec.add_dependency "ffi", "~> 1.15"
end
