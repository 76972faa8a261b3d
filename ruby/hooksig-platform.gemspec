# frozen_string_literal: true

# The platform gem: the plain gem (hooksig.gemspec) plus the prebuilt native library in
# lib/hooksig/native/, which Hooksig::Native finds without HOOKSIG_LIB. `make dist` stages
# ruby/ with the zig-built libhooksig_c.so (glibc 2.17) copied there and builds this spec.
# HOOKSIG_GEM_PLATFORM names the platform (default x86_64-linux).
plain = Gem::Specification.load(File.join(__dir__, "hooksig.gemspec"))
plain.dup.tap do |spec|
  libs = Dir.chdir(__dir__) { Dir["lib/hooksig/native/*"] }
  raise "hooksig-platform.gemspec: no native library in #{__dir__}/lib/hooksig/native/" if libs.empty?

  spec.platform = Gem::Platform.new(ENV.fetch("HOOKSIG_GEM_PLATFORM", "x86_64-linux"))
  spec.required_ruby_version = plain.required_ruby_version
  spec.files += libs
  spec.post_install_message = nil
end
