# frozen_string_literal: true

module Hooksig
  # What a successful verification established.
  class Verified
    # The timestamp sent, in Unix seconds (nil when the scheme has none).
    attr_reader :timestamp
    # The message id sent (nil when the scheme has no id header): UTF-8 when it is
    # valid UTF-8, else binary.
    attr_reader :id
    # Which secret matched, 0 for the first: watch it to finish a rotation.
    attr_reader :secret_index

    def initialize(timestamp, id, secret_index)
      @timestamp = timestamp
      @id = id
      @secret_index = secret_index
      freeze
    end

    # Always true: a failed verification raises instead.
    def valid? = true

    # Returns {timestamp:, id:, secret_index:}.
    def to_h = { timestamp: @timestamp, id: @id, secret_index: @secret_index }

    def ==(other) = other.is_a?(Verified) && to_h == other.to_h
    alias eql? ==

    def hash = to_h.hash

    def inspect
      "#<#{self.class.name} timestamp=#{@timestamp.inspect} id=#{@id.inspect} " \
        "secret_index=#{@secret_index}>"
    end
  end

  # Verifies webhook requests for one scheme under one or more secrets.
  #
  # Build it once (every configuration error is raised here) and share it: it is
  # immutable and safe to use from many threads.
  #
  #   v = Hooksig::Verifier.new("noyo", secrets: [new_secret, old_secret], tolerance: 600)
  #   v = Hooksig::Verifier.new({ signature_header: "x-sig", message: "{timestamp}.{body}",
  #                               timestamp_header: "x-ts" }, secret: "...")
  #   v.verify(body, headers)   # => #<Hooksig::Verified timestamp=.. id=.. secret_index=0>
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
      ptr, @described = Config.build(:verifier, preset_or_scheme, secret: secret, secrets: secrets,
                                                                  params: params, tolerance: tolerance)
      @native = FFI::AutoPointer.new(ptr, Native.method(:hooksig_verifier_free))
      @headers = Headers.new(@native, header_names)
      @secret_count = secret_list_size(secret, secrets)
      # When the scheme sends no timestamp and no id, a result is its secret index alone:
      # share those, and read only the index (one byte, for up to 256 secrets).
      plain = Native.hooksig_verifier_yields(@native).zero? && @secret_count <= 256
      @plain = (Array.new(@secret_count) { |i| Verified.new(nil, nil, i) }.freeze if plain)
      @only = (@plain.first if plain && @secret_count == 1)
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
    def verify(body, headers, now: nil) # rubocop:disable Metrics/PerceivedComplexity -- the hot path, in one piece
      unless String === body
        raise TypeError, "body must be a String of the raw request bytes, got #{Headers.describe(body)}"
      end

      buffers = Thread.current[:__hooksig_verify_buffers] || new_buffers
      # The Array is taken while in use: a verify that runs meanwhile on this thread (from
      # a headers object's each_pair, a signal trap) finds none and makes its own buffers.
      if (flat = buffers[2])
        buffers[2] = nil
      else
        flat = (buffers = fresh_buffers)[2]
      end
      @headers.collect(headers, flat)
      now = now_arg(now) unless now.nil?
      out = buffers[0]
      size = body.bytesize
      code = if flat.size == 4 && size < Native::NOGVL_BODY_BYTES && flat[2] <= Headers::MAX_BYTES
               Native.hooksig_verify_one(@native, body, size, flat[1], flat[0], flat[3], flat[2], now, out,
                                         buffers[1])
             else
               call(body, flat, now, out, buffers[1])
             end
      Native.check!(code, buffers[1]) unless code.zero?
      return @only if @only
      return @plain[out.getbyte(Native::VERIFIED_SECRET_INDEX_LOW)] if @plain

      result(out)
    ensure
      # Back, holding no header past the call.
      buffers[2] = flat.clear if flat
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

    # The Verified in `out` (a hooksig_verified). The id points into a header value the
    # caller still holds (or into the packed buffer `flat` holds), and nothing has run
    # since the call that could move it.
    def result(out)
      timestamp, secret_index, id_ptr, id_len, has_timestamp = out.unpack(Native::VERIFIED_FORMAT)
      Verified.new(has_timestamp.zero? ? nil : timestamp,
                   id_ptr.zero? ? nil : read_id(id_ptr, id_len), secret_index)
    end

    # One readable header goes as it is; more are packed in one buffer. Large bodies are
    # hashed without the GVL.
    def call(body, flat, now, out, message)
      size = body.bytesize
      gvl = size < Native::NOGVL_BODY_BYTES
      if flat.size == 4 && flat[2] <= Headers::MAX_BYTES
        Native.public_send(gvl ? :hooksig_verify_one : :hooksig_verify_one_nogvl,
                           @native, body, size, flat[1], flat[0], flat[3], flat[2], now, out, message)
      else
        packed = Headers::Packed.pack(flat)
        flat << packed # keeps it alive as long as `flat`, for the id pointing into it
        Native.public_send(gvl ? :hooksig_verify_packed : :hooksig_verify_packed_nogvl,
                           @native, body, size, packed, packed.bytesize, now, out, message)
      end
    end

    # The out-parameters, binary Strings, and the Array the headers are collected in,
    # reused per thread (and fiber); a verify nested in another on the same thread makes
    # its own (see #verify).
    def new_buffers = Thread.current[:__hooksig_verify_buffers] = fresh_buffers

    # `"\0".b * n` is a new String that shares its bytes with no other, as C writes them.
    def fresh_buffers = ["\0".b * Native::VERIFIED_SIZE, "\0".b * FFI.type_size(:pointer), []]

    def secret_list_size(_secret, secrets) = secrets.nil? ? 1 : secrets.size

    def header_names
      out = Native::Bytes.new
      Array.new(Native.hooksig_verifier_header_count(@native)) do |i|
        Native.check!(Native.hooksig_verifier_header_name(@native, i, out))
        out[:ptr].read_bytes(out[:len])
      end
    end

    def now_arg(now)
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
