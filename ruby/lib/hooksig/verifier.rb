# frozen_string_literal: true

module Hooksig
  # What a successful verification established.
  class Verified
    # The timestamp sent, in Unix seconds (nil when the scheme has none).
    attr_reader :timestamp
    # The message id sent, as its raw bytes (a binary String), nil when the scheme has no
    # id header.
    attr_reader :id_bytes
    # Which key matched, 0 for the first: secrets first, then public keys. Watch it to
    # finish a rotation.
    attr_reader :secret_index

    # id_bytes: the id's bytes (any String; kept as a frozen binary copy), or nil.
    # replay_key:, replay_ttl:: what #replay_key and #replay_ttl give (a verifier sets them;
    # nil for a Verified made by hand).
    def initialize(timestamp, id_bytes, secret_index, replay_key: nil, replay_ttl: nil)
      @timestamp = timestamp
      @id_bytes = id_bytes && (id_bytes.encoding == Encoding::BINARY && id_bytes.frozen? ? id_bytes : id_bytes.b.freeze)
      @secret_index = secret_index
      @replay_key = replay_key && -replay_key.dup.force_encoding(Encoding::UTF_8)
      @replay_ttl = replay_ttl
      freeze
    end

    # The message id sent, as text (a UTF-8 String) when its bytes are UTF-8; nil when they
    # are not, or when the scheme has no id header (see #id_bytes). The same rule in every
    # language.
    def id
      bytes = id_bytes
      return nil if bytes.nil?

      text = bytes.dup.force_encoding(Encoding::UTF_8)
      text.valid_encoding? ? text.freeze : nil
    end

    # The key that names this delivery in a replay store (the core's rule, the same in
    # every language): "{namespace}:{id}" when the scheme signs a message id, else
    # "{namespace}:sig:{hex}" of the signature that matched, and for a token scheme
    # "{namespace}:body:{hex of the body's SHA-256}". A frozen UTF-8 String.
    #
    # Claim it with #replay_ttl in a store (Hooksig::MemoryReplayStore,
    # Hooksig::RedisReplayStore): true the first time, false for a replay or a retry.
    # The key needs the signature that matched, which only the core sees while verifying:
    # for a result of Verifier#verify it is made when first read, by verifying the request
    # once more (the Rack middleware, given replay:, makes it in the same call instead).
    # Read it before changing the body: a changed body raises RuntimeError then, except
    # under a token scheme, whose key is the hash of the body as it is when read.
    attr_reader :replay_key

    # How long a claim of this delivery lives, in seconds: twice the tolerance plus 60 when
    # the scheme has a replay window, else the verifier's replay_ttl: (default 24 hours).
    attr_reader :replay_ttl

    # Always true: a failed verification raises instead.
    def valid? = true

    # Returns {timestamp:, id:, id_bytes:, secret_index:}.
    def to_h = { timestamp: timestamp, id: id, id_bytes: id_bytes, secret_index: secret_index }

    def ==(other) = other.is_a?(Verified) && to_h == other.to_h
    alias eql? ==

    def hash = to_h.hash

    def inspect
      id = id_bytes && (self.id || id_bytes).inspect
      "#<Hooksig::Verified timestamp=#{timestamp.inspect} id=#{id || 'nil'} secret_index=#{secret_index}>"
    end
  end

  # Verifies webhook requests for one scheme under one or more secrets or public keys.
  #
  # Build it once (every configuration error is raised here) and share it: it is
  # immutable and safe to use from many threads.
  #
  #   v = Hooksig::Verifier.new("noyo", secrets: [new_secret, old_secret], tolerance: 600)
  #   v = Hooksig::Verifier.new("discord", public_key: DISCORD_PUBLIC_KEY)
  #   v = Hooksig::Verifier.new({ signature_header: "x-sig", message: "{timestamp}.{body}",
  #                               timestamp_header: "x-ts" }, secret: "...")
  #   v.verify(body, headers)   # => #<Hooksig::Verified timestamp=.. id=.. secret_index=0>
  #   v.verify(body, headers, url: "https://example.com/hooks")   # Square, Twilio, ...
  #   v.valid?(body, headers)   # => true / false
  class Verifier
    # Builds a verifier.
    #
    # preset_or_scheme:: a preset name ("github", "stripe", "discord", ...), or a scheme as
    #                    a Hash or a JSON String
    # secret: / secrets:: one secret, or several (current first) during a rotation: Strings,
    #                     text or raw bytes (HMAC and token schemes)
    # public_key: / public_keys:: the provider's public key(s) as it shows them (hex,
    #                             base64, base64 SPKI, PEM, whpk_...): Ed25519, ECDSA,
    #                             Standard Webhooks v1a
    # params:: construction params, the `{NAME}`s of the scheme's message
    # tolerance:: the replay window in seconds; nil for none; absent for the scheme's own
    # namespace:: the start of every replay key (default: the preset's name; a custom
    #             scheme's: its signature header's): give one per endpoint when two
    #             endpoints of one preset share a replay store
    # replay_ttl:: how long a claim lives when the scheme has no replay window, in seconds
    #              (default 24 hours); with a window it lives 2 * tolerance + 60 seconds
    #
    # Raises ConfigurationError (UnknownPresetError, InvalidSchemeError,
    # InvalidSecretError, MissingParamError, InvalidKeyError), or TypeError / ArgumentError
    # for arguments of the wrong kind.
    def initialize(preset_or_scheme, secret: nil, secrets: nil, public_key: nil, public_keys: nil,
                   params: nil, tolerance: Config::DEFAULT, namespace: nil, replay_ttl: nil)
      keys = { secret: secret, secrets: secrets, public_key: public_key, public_keys: public_keys }
      ptr, described = Config.build(:verifier, preset_or_scheme, keys: keys, params: params, tolerance: tolerance,
                                                                 namespace: namespace, replay_ttl: replay_ttl)
      @described = described.freeze
      @native = FFI::AutoPointer.new(ptr, Native.method(:hooksig_verifier_free))
      @replay_ttl = Native.hooksig_verifier_replay_ttl(@native)
      length = "\0".b * FFI.type_size(:size_t)
      @namespace = -Native.hooksig_verifier_namespace(@native, length).read_bytes(length.unpack1("J"))
                          .force_encoding(Encoding::UTF_8)
      @key_count = [secret, *secrets].compact.size + [public_key, *public_keys].compact.size
      needs = Native.hooksig_verifier_needs(@native)
      @needs_url = needs.anybits?(Native::NEEDS_URL)
      @needs_method = needs.anybits?(Native::NEEDS_METHOD)
      @handshakes = needs.anybits?(Native::NEEDS_HANDSHAKE)
      # A token scheme's key is the body's digest: made in the verify call, while the body is
      # the one verified (a token still verifies a body changed since).
      @key_at_verify = needs.anybits?(Native::NEEDS_KEY_AT_VERIFY)
      @tolerance = tolerance
      @headers = Fast::Headers.new(header_names)
      @all_headers = Fast::AllHeaders.new if @handshakes
      @results = Fast::Results.new(@key_count)
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
    # url:: the URL the provider called (scheme, host, path, query; behind a proxy the
    #       public one), for schemes that sign it (see #needs_url?)
    # method:: the request method ("POST"), for schemes that sign it (see #needs_method?)
    #
    # A scheme that signs the URL or method, verified without it, raises
    # MissingParamError: a programming error, not a bad request.
    def verify(body, headers, now: nil, url: nil, method: nil)
      unless String === body
        raise TypeError, "body must be a String of the raw request bytes, got #{Fast.describe(body)}"
      end

      packed = @headers.pack(headers)
      return keyed(body, packed, now, url, method) if @key_at_verify

      unless now.nil? && url.nil? && method.nil?
        memory = [] # the native copies of url: and method:, alive until the call returns
        context = Config.context(now, url, method, memory)
      end
      buffers = Thread.current[Fast::BUFFERS] || Fast.buffers
      out = buffers[0]
      size = body.bytesize
      code = if size < Native::NOGVL_BODY_BYTES
               Native.hooksig_verify_packed(@native, body, size, packed, packed.bytesize, context, out, buffers[1])
             else # hashed without the GVL, so other threads run meanwhile
               # A String this short has its bytes inside the object, which a compacting GC
               # in another thread could move during the call: a copy with room has them on
               # the heap.
               packed = String.new(packed, capacity: 64) if packed.bytesize < 64
               Native.hooksig_verify_packed_nogvl(@native, body, size, packed, packed.bytesize, context, out,
                                                  buffers[1])
             end
      Native.check!(code, buffers[1]) unless code == 0 # rubocop:disable Style/NumericPredicate
      @results.read(out, self, body, packed, url, method) # before `packed` goes: a reported id points into it
    end

    # Returns whether the request verifies (see #verify); never raises for a bad request.
    def valid?(body, headers, now: nil, url: nil, method: nil)
      verify(body, headers, now: now, url: url, method: method)
      true
    rescue VerificationError
      false
    end

    # Answers a provider's handshake: returns the Hooksig::Reply to send, or nil for any
    # other request (verify it as usual). A signed handshake (Slack, Zoom, Twitch, Discord)
    # is verified first and raises as #verify does; a GET handshake (Meta, Dropbox, Okta)
    # needs url: and method:. Arguments as #verify; every header is read.
    def handshake(body, headers, now: nil, url: nil, method: nil)
      return nil unless @handshakes
      raise TypeError, "body must be a String, got #{Fast.describe(body)}" unless String === body

      packed = @all_headers.pack(headers)
      memory = [] # the native copies of url: and method:, alive until the call returns
      context = Config.context(now, url, method, memory)
      out = FFI::MemoryPointer.new(:pointer)
      message = FFI::MemoryPointer.new(:pointer)
      code = Native.hooksig_handshake_packed(@native, body, body.bytesize, packed, packed.bytesize, context, out,
                                             message)
      Native.check!(code, message)
      out.read_pointer.null? ? nil : Reply.send(:take, out.read_pointer)
    end

    # The start of every replay key (Verified#replay_key): the preset's name unless
    # namespace: was given. A frozen UTF-8 String.
    attr_reader :namespace

    # How long a claim of a verified delivery lives, in seconds (Verified#replay_ttl): twice
    # the tolerance plus 60 with a replay window, else replay_ttl: (default 24 hours).
    attr_reader :replay_ttl

    # Whether the provider sends handshakes (see #handshake).
    def handshakes? = @handshakes

    # Whether verify needs url: (the scheme signs the URL: Square, Twilio, HubSpot, ...).
    def needs_url? = @needs_url

    # Whether verify needs method: (the scheme signs the method: HubSpot v3).
    def needs_method? = @needs_method

    # Shows the scheme and the number of keys, never a secret.
    def inspect
      tolerance = @tolerance.equal?(Config::DEFAULT) ? "default" : @tolerance.inspect
      "#<#{self.class.name} #{@described} keys=#{@key_count} tolerance=#{tolerance}>"
    end
    alias to_s inspect

    private

    # #verify, with the replay key made in the same call (the Rack middleware, given a
    # replay store, calls this instead).
    def verify_keyed(body, headers, now: nil, url: nil, method: nil)
      unless String === body
        raise TypeError, "body must be a String of the raw request bytes, got #{Fast.describe(body)}"
      end

      keyed(body, @headers.pack(headers), now, url, method)
    end

    # The replay key of a result of #verify (Fast::LazyVerified), made by verifying its
    # request once more at the time it was sent: the core makes the key from the signature
    # that matched, which it sees only while verifying. The headers are the packed copy
    # kept with the result, so a request that verifies again is the same delivery (same
    # timestamp, id and key); only the caller's body (or url:) can have changed, and then
    # it no longer verifies. (A token scheme signs no body, so its key, the body's digest,
    # is made at verify: HOOKSIG_NEEDS_KEY_AT_VERIFY.)
    def key_of(timestamp, body, packed, url, method)
      keyed(body, packed, timestamp, url, method).replay_key
    rescue VerificationError
      raise "hooksig: the request's body changed after verify, so its replay key cannot be made: " \
            "read replay_key before changing the body (or freeze it)"
    end

    # Calls hooksig_verify_keyed_packed; returns a Verified with its replay key.
    def keyed(body, packed, now, url, method)
      memory = [] # the native copies of url: and method:, alive until the call returns
      context = Config.context(now, url, method, memory) unless now.nil? && url.nil? && method.nil?
      out, message, key, length = Thread.current[Fast::KEYED_BUFFERS] || Fast.keyed_buffers
      # A key is at most the namespace, 133 bytes and twice its id, a header in `packed`.
      needed = @namespace.bytesize + 133 + (2 * packed.bytesize)
      key = "\0".b * needed if needed > key.bytesize
      size = body.bytesize
      # As in #verify: a short String's bytes would sit inside the object, which a compacting
      # GC could move while the call runs without the GVL. (The key buffer is at least 512
      # bytes: on the heap.)
      packed = String.new(packed, capacity: 64) if size >= Native::NOGVL_BODY_BYTES && packed.bytesize < 64
      code = if size < Native::NOGVL_BODY_BYTES
               Native.hooksig_verify_keyed_packed(@native, body, size, packed, packed.bytesize, context, out, key,
                                                  key.bytesize, length, message)
             else
               Native.hooksig_verify_keyed_packed_nogvl(@native, body, size, packed, packed.bytesize, context, out,
                                                        key, key.bytesize, length, message)
             end
      Native.check!(code, message) unless code == 0 # rubocop:disable Style/NumericPredicate
      @results.read_keyed(out, key.byteslice(0, length.unpack1("J")), @replay_ttl)
    end

    def header_names
      count = Native.hooksig_verifier_header_names(@native, nil, 0)
      array = FFI::MemoryPointer.new(Native::Bytes, count)
      Native.hooksig_verifier_header_names(@native, array, count)
      Array.new(count) do |i|
        name = Native::Bytes.new(array + (i * Native::Bytes.size))
        name[:ptr].read_bytes(name[:len])
      end
    end
  end
end
