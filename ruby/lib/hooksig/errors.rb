# frozen_string_literal: true

# The errors of hooksig, and the rule that maps the core's codes to them.
module Hooksig
  # The base of every hooksig error. #code is the stable string shared by every
  # language (Python, Node.js, C, Go, PHP, Ruby): "signature_mismatch", "missing_header", ...
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

  # A required header (signature, timestamp or id) or body field is absent or empty.
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

  # No signature matched under any secret or public key: check the secret and that the
  # body is the raw request bytes.
  class SignatureMismatchError < VerificationError
    CODE = "signature_mismatch"
  end

  # The verifier or signer cannot be built from what was given, or verify lacks the
  # request URL or method its scheme signs: a programming or deployment error.
  class ConfigurationError < Error; end

  # No preset has this name.
  class UnknownPresetError < ConfigurationError
    CODE = "unknown_preset"
  end

  # The scheme (Hash or JSON) is not valid.
  class InvalidSchemeError < ConfigurationError
    CODE = "invalid_scheme"
  end

  # No secret, an empty secret, one not in the scheme's secret encoding, or a key given
  # as a secret.
  class InvalidSecretError < ConfigurationError
    CODE = "invalid_secret"
  end

  # A construction param the scheme's message needs, or the url: / method: a verify or
  # sign of a URL-signed scheme needs, was not given.
  class MissingParamError < ConfigurationError
    CODE = "missing_param"
  end

  # A public or private key is malformed, or of the wrong kind for the scheme.
  class InvalidKeyError < ConfigurationError
    CODE = "invalid_key"
  end

  # The classes of the codes this gem names; the table of codes itself is the core's.
  NAMED_ERRORS = [
    MissingHeaderError, InvalidHeaderError, TimestampTooOldError, TimestampInFutureError,
    SignatureMismatchError, UnknownPresetError, InvalidSchemeError, InvalidSecretError,
    MissingParamError, InvalidKeyError
  ].to_h { |klass| [klass::CODE, klass] }.freeze
  private_constant :NAMED_ERRORS

  # The one rule for a code of the core's table: its named class, or for a code this gem
  # does not name (a newer library), the class of its kind (Native::KIND_*, from the C ABI).
  def self.error_class(code, kind)
    NAMED_ERRORS.fetch(code) { kind == Native::KIND_VERIFICATION ? VerificationError : ConfigurationError }
  end
end
