# frozen_string_literal: true

module Hooksig
  # What a successful verification established.
  #
  # timestamp:: the timestamp sent, in Unix seconds (nil when the scheme has none)
  # id:: the message id sent (nil when the scheme has no id header)
  # secret_index:: which secret matched, 0 for the first: watch it to finish a rotation
  Verified = Struct.new(:timestamp, :id, :secret_index, keyword_init: true) do
    # Always true: a failed verification raises instead.
    def valid? = true
  end

  # Verifies webhook requests for one scheme under one or more secrets.
  #
  # Build it once (every configuration error is raised here) and share it: it is
  # immutable and safe to use from many threads.
  #
  #   v = Hooksig::Verifier.new("noyo", secrets: [new_secret, old_secret], tolerance: 600)
  #   v = Hooksig::Verifier.new({ signature_header: "x-sig", message: "{timestamp}.{body}",
  #                               timestamp_header: "x-ts" }, secret: "...")
  #   v.verify(body, headers)   # => #<struct Hooksig::Verified timestamp=.., id=.., secret_index=0>
  #   v.valid?(body, headers)   # => true / false
  class Verifier
    # Builds a verifier.
    #
    # preset_or_scheme:: a preset name ("github", "stripe", "standard-webhooks", ...), or a
    #                    scheme as a Hash or a JSON String
    # secret: / secrets:: one secret, or several (current first) during a rotation: Strings,
    #                     text or raw bytes
    # params:: construction params, the `{NAME}`s of the scheme's message
    # tolerance:: the replay window in seconds; nil for none; absent for the scheme's own
    #
    # Raises ConfigurationError (UnknownPresetError, InvalidSchemeError,
    # InvalidSecretError, MissingParamError), or TypeError / ArgumentError for arguments
    # of the wrong kind.
    def initialize(preset_or_scheme, secret: nil, secrets: nil, params: nil,
                   tolerance: Config::DEFAULT)
      ptr, @described = Config.build(:verifier, preset_or_scheme, secret: secret,
                                                                  secrets: secrets, params: params, tolerance: tolerance)
      @native = FFI::AutoPointer.new(ptr, Native.method(:hooksig_verifier_free))
      @secret_count = secrets.nil? ? 1 : secrets.size
      @tolerance = tolerance
      freeze
    end

    # Verifies a request and returns a Hooksig::Verified, or raises a
    # Hooksig::VerificationError subclass carrying #code.
    #
    # body:: the raw request bytes exactly as received (a String in any encoding; its
    #        bytes are used, never re-encoded)
    # headers:: a Hash with names in any case (an Array value is a repeated header), a Rack
    #           env (HTTP_X_FOO keys, CONTENT_TYPE), or an Array of [name, value] pairs
    # now:: the time of verification (Integer Unix seconds or a Time); nil for the clock
    def verify(body, headers, now: nil)
      raise TypeError, "body must be a String of the raw request bytes, got #{body.class}" unless body.is_a?(String)

      packed = Headers.pack(headers)
      now = now_arg(now)
      out = buffers
      fn = body.bytesize >= Native::NOGVL_BODY_BYTES ? :hooksig_verify_packed_nogvl : :hooksig_verify_packed
      code = Native.public_send(fn, @native, body, body.bytesize, packed, packed.bytesize,
                                now, out[0], out[1])
      Native.check!(code, out[1]) unless code.zero?
      timestamp, secret_index, id_ptr, id_len, has_timestamp = out[0].get_bytes(0, Native::VERIFIED_SIZE)
                                                                     .unpack(Native::VERIFIED_FORMAT)
      Verified.new(
        timestamp: has_timestamp.zero? ? nil : timestamp,
        id: id_ptr.zero? ? nil : read_id(id_ptr, id_len),
        secret_index: secret_index
      )
    end

    # Returns whether the request verifies (see #verify); never raises for a bad request.
    def valid?(body, headers, now: nil)
      verify(body, headers, now: now)
      true
    rescue VerificationError
      false
    end

    # Shows the scheme and the number of secrets, never a secret.
    def inspect
      tolerance = @tolerance.equal?(Config::DEFAULT) ? "default" : @tolerance.inspect
      "#<#{self.class.name} #{@described} secrets=#{@secret_count} tolerance=#{tolerance}>"
    end
    alias to_s inspect

    private

    # The out-parameters, reused per thread (and fiber): verify never re-enters itself.
    def buffers
      Thread.current[:__hooksig_verify_buffers] ||= [
        FFI::MemoryPointer.new(:uint8, Native::VERIFIED_SIZE),
        FFI::MemoryPointer.new(:pointer)
      ]
    end

    def now_arg(now)
      return nil if now.nil?

      now = now.to_i if now.is_a?(Time)
      unless now.is_a?(Integer) && now.between?(0, 0xFFFF_FFFF_FFFF_FFFF)
        raise TypeError, "now: must be Unix seconds (a non-negative Integer), a Time, or nil"
      end

      [now].pack("Q")
    end

    def read_id(ptr, len)
      id = FFI::Pointer.new(ptr).read_bytes(len)
      id.force_encoding(Encoding::UTF_8)
      id.valid_encoding? ? id : id.force_encoding(Encoding::BINARY)
    end
  end
end
