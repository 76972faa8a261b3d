# frozen_string_literal: true

module Hooksig
  # Produces the headers a provider would send: for tests, and for sending webhooks.
  #
  #   signer = Hooksig::Signer.new("stripe", secret: "whsec_...")
  #   headers = signer.sign(body)   # => {"Stripe-Signature" => "t=...,v1=..."}
  class Signer
    # Builds a signer; arguments and errors as Hooksig::Verifier.new. It signs with the
    # first secret.
    def initialize(preset_or_scheme, secret: nil, secrets: nil, params: nil,
                   tolerance: Config::DEFAULT)
      ptr, @described = Config.build(:signer, preset_or_scheme, secret: secret, secrets: secrets,
                                                                params: params, tolerance: tolerance)
      @native = FFI::AutoPointer.new(ptr, Native.method(:hooksig_signer_free))
      freeze
    end

    # Signs `body` (a String; its bytes) and returns the headers to send, a Hash of
    # name => value in the provider's order. `timestamp` defaults to now (Integer Unix
    # seconds or a Time); `id` to a random `msg_` id when the scheme has an id header.
    def sign(body, timestamp: nil, id: nil)
      raise TypeError, "body must be a String, got #{body.class}" unless body.is_a?(String)
      raise TypeError, "id: must be a String or nil, got #{id.class}" unless id.nil? || id.is_a?(String)

      timestamp = timestamp.to_i if timestamp.is_a?(Time)
      unless timestamp.nil? || (timestamp.is_a?(Integer) && timestamp.between?(0, 0xFFFF_FFFF_FFFF_FFFF))
        raise TypeError, "timestamp: must be Unix seconds (a non-negative Integer), a Time, or nil"
      end

      out = FFI::MemoryPointer.new(:pointer)
      message = FFI::MemoryPointer.new(:pointer)
      code = Native.hooksig_sign(@native, body, body.bytesize, timestamp && [timestamp].pack("Q"),
                                 id, id ? id.bytesize : 0, out, message)
      Native.check!(code, message)
      read_headers(out.read_pointer)
    end

    # Shows the scheme, never a secret.
    def inspect = "#<#{self.class.name} #{@described}>"
    alias to_s inspect

    private

    def read_headers(signed)
      header = Native::Header.new
      Array.new(Native.hooksig_signed_len(signed)) do |i|
        Native.check!(Native.hooksig_signed_get(signed, i, header))
        [header[:name].read_bytes(header[:name_len]).force_encoding(Encoding::UTF_8),
         header[:value].read_bytes(header[:value_len]).force_encoding(Encoding::UTF_8)]
      end.to_h
    ensure
      Native.hooksig_signed_free(signed)
    end
  end
end
