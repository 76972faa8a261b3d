# frozen_string_literal: true

module Hooksig
  # Produces the headers a provider would send: for tests, and for sending webhooks.
  #
  #   signer = Hooksig::Signer.new("stripe", secret: "whsec_...")
  #   headers = signer.sign(body)   # => {"Stripe-Signature" => "t=...,v1=..."}
  #   Hooksig::Signer.new("discord", private_key: seed_hex).sign(body)
  #   Hooksig::Signer.new("square", secret: key).sign(body, url: "https://example.com/hooks")
  class Signer
    # Builds a signer; arguments and errors as Hooksig::Verifier.new. It signs with the
    # first secret, or for a public-key scheme with private_key: (whsk_..., a PKCS#8 PEM
    # block, or a 64-hex-digit Ed25519 seed).
    def initialize(preset_or_scheme, secret: nil, secrets: nil, private_key: nil, params: nil)
      keys = { secret: secret, secrets: secrets, private_key: private_key }
      ptr, @described = Config.build(:signer, preset_or_scheme, keys: keys, params: params,
                                                                tolerance: Config::DEFAULT)
      @native = FFI::AutoPointer.new(ptr, Native.method(:hooksig_signer_free))
      freeze
    end

    # Signs `body` (a String; its bytes) and returns the headers to send, a Hash of
    # name => value in the provider's order. `timestamp` defaults to now (Integer Unix
    # seconds or a Time); `id` to a random `msg_` id when the scheme has an id header;
    # `url` and `method` are the request's, for schemes that sign them.
    def sign(body, timestamp: nil, id: nil, url: nil, method: nil)
      raise TypeError, "body must be a String, got #{body.class}" unless body.is_a?(String)
      raise TypeError, "id: must be a String or nil, got #{id.class}" unless id.nil? || id.is_a?(String)

      memory = [] # the native copies of url: and method:, alive until the call returns
      context = Config.context(timestamp, url, method, memory)
      out = FFI::MemoryPointer.new(:pointer)
      message = FFI::MemoryPointer.new(:pointer)
      code = Native.hooksig_sign(@native, body, body.bytesize, id, id ? id.bytesize : 0, context, out, message)
      Native.check!(code, message)
      read_headers(out.read_pointer)
    end

    # Shows the scheme, never a secret or key.
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
