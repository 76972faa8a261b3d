# frozen_string_literal: true

module Hooksig
  # The base of every hooksig error. #code is the stable string shared by every
  # language (Python, Node.js, C, Ruby): "signature_mismatch", "missing_header", ...
  class Error < StandardError
    # The stable error code, e.g. "signature_mismatch".
    attr_reader :code

    def initialize(message = nil, code: nil)
      super(message)
      @code = code || self.class::CODE
    end

    CODE = "internal_error"
  end

  # The request does not verify: reject it (Hooksig::Rack::Middleware answers 403).
  class VerificationError < Error; end

  # A required header (signature, timestamp or id) is absent or empty.
  class MissingHeaderError < VerificationError
    CODE = "missing_header"
  end

  # A header is present but cannot be used (malformed, repeated, too long, ...).
  class InvalidHeaderError < VerificationError
    CODE = "invalid_header"
  end

  # The timestamp is outside the replay window (see its subclasses).
  class TimestampError < VerificationError; end

  # The timestamp is older than the tolerance allows: a replay, or a slow clock.
  class TimestampTooOldError < TimestampError
    CODE = "timestamp_too_old"
  end

  # The timestamp is further ahead than the tolerance allows: check the clock.
  class TimestampInFutureError < TimestampError
    CODE = "timestamp_in_future"
  end

  # No signature matched under any secret: check the secret and that the body is the
  # raw request bytes.
  class SignatureMismatchError < VerificationError
    CODE = "signature_mismatch"
  end

  # The verifier or signer cannot be built from what was given.
  class ConfigurationError < Error; end

  # No preset has this name (see Hooksig::PRESETS).
  class UnknownPresetError < ConfigurationError
    CODE = "unknown_preset"
  end

  # The scheme (Hash or JSON) is not valid.
  class InvalidSchemeError < ConfigurationError
    CODE = "invalid_scheme"
  end

  # No secret, an empty secret, or one not in the scheme's secret encoding.
  class InvalidSecretError < ConfigurationError
    CODE = "invalid_secret"
  end

  # The scheme's message needs a construction param that was not given.
  class MissingParamError < ConfigurationError
    CODE = "missing_param"
  end

  # Error classes by stable code.
  ERRORS = [
    MissingHeaderError, InvalidHeaderError, TimestampTooOldError, TimestampInFutureError,
    SignatureMismatchError, UnknownPresetError, InvalidSchemeError, InvalidSecretError,
    MissingParamError
  ].to_h { |klass| [klass::CODE, klass] }.freeze
end
