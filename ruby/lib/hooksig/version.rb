# frozen_string_literal: true

module Hooksig
  # The gem's version; the native library reports its own with Hooksig.native_version.
  VERSION = "0.1.0"
end
