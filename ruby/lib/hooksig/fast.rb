# frozen_string_literal: true

module Hooksig
  # Every speed trick of the Ruby binding, in one place. Private.
  #
  # The plain path (Verifier#verify) converts, calls hooksig_verify_packed and maps the
  # error; what is here only makes the converting and the reading of the result cheap on
  # the interpreter, where each method call and each allocation shows. Each trick names
  # the cell of bench/ruby.md (`make bench-ruby`; shape x container x body) it wins. None
  # of it holds state that changes after a verifier is built: the tables are built then and
  # frozen, and the buffers below belong to the calling thread.
  module Fast
    # The longest name or value the packed buffer holds (its lengths are 32-bit); longer is
    # an ArgumentError in every form of headers.
    MAX_BYTES = 0xFFFF_FFFF
    # Little-endian u32 of 0...LENGTHS.size, the lengths of the usual header values.
    LENGTHS = Array.new(1024) { |n| [n].pack("L<").freeze }.freeze

    # The class of `object` for a message, a BasicObject too (which has no #class).
    def self.describe(object) = Object === object ? object.class.to_s : "a BasicObject"

    # A table of the names' first bytes, by byte | 0x20 (ASCII lower case).
    def self.first_bytes(names)
      names.each_with_object([]) { |name, table| table[name.getbyte(0) | 0x20] = true }.freeze
    end

    # The Rack env key of a header name: HTTP_X_HUB_SIGNATURE_256, CONTENT_TYPE.
    def self.env_key(name)
      key = name.upcase.tr("-", "_")
      %w[CONTENT_TYPE CONTENT_LENGTH].include?(key) ? key : "HTTP_#{key}"
    end

    # The Thread#[] key of the out-parameters of hooksig_verify_packed (the hooksig_verified
    # and the message_out), reused per thread (Thread#[] is fiber-local): no allocation for
    # them per request (every cell; an allocation costs ~0.1 us on the interpreter once GC
    # is counted). Verifier#verify reads them with one Thread#[] (no method of its own
    # around it: ~0.03 us, every cell). They are used only between the call and reading its
    # result, where no caller code runs, so a verify nested in another (from a headers
    # object's #each_pair) cannot meet them in use.
    BUFFERS = :__hooksig_verify_buffers

    # The calling thread's buffers, made on its first verify. Each has its bytes on the heap
    # (a String of 23 bytes or fewer holds them inside the object, which a compacting GC could
    # move while a call runs without the GVL).
    def self.buffers
      Thread.current[BUFFERS] = [out_buffer(Native::VERIFIED_SIZE), out_buffer(FFI.type_size(:pointer))]
    end

    # A zeroed binary String of `size` bytes, its bytes on the heap.
    def self.out_buffer(size) = String.new("\0".b * size, capacity: [size, 64].max)

    # The Thread#[] key of the out-parameters of hooksig_verify_keyed_packed: the
    # hooksig_verified, the message_out, the replay key (grown past 512 bytes by a copy for
    # that call) and its length. Used as BUFFERS are.
    KEYED_BUFFERS = :__hooksig_keyed_buffers

    # The calling thread's keyed buffers, made on its first keyed verify.
    def self.keyed_buffers
      Thread.current[KEYED_BUFFERS] = [out_buffer(Native::VERIFIED_SIZE), out_buffer(FFI.type_size(:pointer)),
                                       out_buffer(512), out_buffer(FFI.type_size(:size_t))]
    end

    # Appends a header to a packed buffer: `prefix` (the name with its length), then the
    # value with its length. The value goes as its bytes: a binary copy of one that is
    # neither ASCII nor binary, which String#<< would otherwise re-tag or refuse (a UTF-8
    # value beside a length byte >= 0x80, a UTF-16 value).
    def self.append(packed, prefix, value)
      value = value.b unless value.ascii_only? || value.encoding == Encoding::BINARY
      length = value.bytesize
      packed << prefix << (LENGTHS[length] || u32(length, value)) << value
    end

    # A length as a little-endian u32; ArgumentError past MAX_BYTES.
    def self.u32(length, text)
      raise ArgumentError, "header #{text.byteslice(0, 64).inspect}... is longer than 4 GiB" if length > MAX_BYTES

      [length].pack("L<")
    end

    # Reads the headers a verifier needs from a Rack env by key (HTTP_X_HUB_SIGNATURE_256,
    # CONTENT_TYPE): an env holds each header once, under that key, so it is read by key
    # instead of walked (Rack env cells: 25 keys, 1-3 read), in a `while` over two Arrays.
    # Env1, Env2 and Env3 read one to three headers with no loop: see Env.for.
    class Env
      # The reader for these env keys and, at the same index, the prefix of each header.
      def self.for(keys, prefixes) = ([nil, Env1, Env2, Env3][keys.size] || Env).new(keys, prefixes)

      def initialize(keys, prefixes)
        @keys = keys.map { |key| key.dup.freeze }.freeze
        @prefixes = prefixes.freeze
        freeze
      end

      # Returns the packed headers of `env`.
      def pack(env)
        packed = String.new # binary
        keys = @keys
        i = 0
        while (key = keys[i])
          value = env[key]
          unless value.nil?
            unless String === value
              raise TypeError, "Rack env #{key}: values must be Strings, got #{Fast.describe(value)}"
            end

            Fast.append(packed, @prefixes[i], value)
          end
          i += 1
        end
        packed
      end
    end

    # One header read, a String in ASCII of a usual length (else Env#pack): the buffer made
    # by one interpolation, one String sized once instead of String.new and three String#<<
    # (Rack env cells: ~0.08 us with one header, ~0.13 us with two).
    class Env1 < Env
      def pack(env)
        a = env[@keys[0]]
        return super unless String === a && a.ascii_only? && (la = LENGTHS[a.bytesize])

        "#{@prefixes[0]}#{la}#{a}"
      end
    end

    # Two headers, as Env1.
    class Env2 < Env
      def pack(env)
        a = env[@keys[0]]
        b = env[@keys[1]]
        unless String === a && String === b && a.ascii_only? && b.ascii_only? &&
               (la = LENGTHS[a.bytesize]) && (lb = LENGTHS[b.bytesize])
          return super
        end

        "#{@prefixes[0]}#{la}#{a}#{@prefixes[1]}#{lb}#{b}"
      end
    end

    # Three headers, as Env1.
    class Env3 < Env
      def pack(env)
        keys = @keys
        a = env[keys[0]]
        b = env[keys[1]]
        c = env[keys[2]]
        unless String === a && String === b && String === c && a.ascii_only? && b.ascii_only? && c.ascii_only? &&
               (la = LENGTHS[a.bytesize]) && (lb = LENGTHS[b.bytesize]) && (lc = LENGTHS[c.bytesize])
          return super
        end

        prefixes = @prefixes
        "#{prefixes[0]}#{la}#{a}#{prefixes[1]}#{lb}#{b}#{prefixes[2]}#{lc}#{c}"
      end
    end

    # Reads the headers a verifier needs from the caller's container and packs them for
    # hooksig_verify_packed (per header: u32 name length, name, u32 value length, value).
    #
    # Only headers whose names the verifier reads go (hooksig_verifier_header_names, ASCII
    # case ignored: the core's rule, applied again by the core), each under its own name in
    # lower case; every one of them goes, repeats included, since a repeat is the core's
    # invalid_header. Names are Strings or Symbols and values Strings (or Arrays of them)
    # in every entry of a Hash or pair list, read or not: anything else is a TypeError.
    # Values go as their bytes, whatever their encoding.
    #
    # The buffer is built by appending to one String, the name and its length from a table
    # made with the verifier and a value's length from a table of the short ones: no
    # Array#pack and its format per request (every cell: ~0.3 us a request).
    class Headers
      # The key Rack's SPEC requires in every env, and no header map has.
      RACK_KEY = "REQUEST_METHOD"

      # names: the header names the verifier reads.
      def initialize(names)
        names = names.map { |name| name.b.downcase.freeze }.uniq
        # Each name as it goes in the buffer: its length, then its bytes.
        @prefixes = names.to_h { |name| [name, ([name.bytesize].pack("L<") + name).freeze] }.freeze
        @env = Env.for(names.map { |name| Fast.env_key(name) }, names.map { |name| @prefixes[name] })
        # By a name's length: the names of that length, and a table of their first bytes
        # (ASCII lower case, by byte | 0x20). String#length and Array#[] run without a method
        # call, so most headers of a Hash cost no more than that, and one of the same length
        # (User-Agent beside webhook-id) one getbyte more (Hash cells: 12 headers, 1-3 read).
        # The names are ASCII, so a name of another length in characters is none of them.
        @candidates = names.group_by(&:length).each_with_object([]) { |(n, same), table| table[n] = same.freeze }.freeze
        @by_length = @candidates.map { |same| same && Fast.first_bytes(same) }.freeze
        @spellings = Headers.spellings(names, @prefixes)
        freeze
      end

      # The spellings a provider or framework sends (x-hub-signature-256,
      # X-Hub-Signature-256, X-HUB-SIGNATURE-256), to the name's prefix: one Hash read
      # instead of a downcased copy (Hash cells, 1 KiB: ~0.1 us a header).
      def self.spellings(names, prefixes)
        names.each_with_object({}) do |name, table|
          [name, name.split("-").map(&:capitalize).join("-"), name.upcase].each { |s| table[s] = prefixes[name] }
        end.freeze
      end

      # Returns the packed headers read from `headers`: a Rack env (a Hash with a
      # REQUEST_METHOD key, as Rack's SPEC requires), a Hash of name => value (any case), an
      # Array of [name, value] pairs, or anything with #each_pair.
      def pack(headers)
        case headers
        when Hash
          return @env.pack(headers) if headers.key?(RACK_KEY)

          collect_hash(headers, packed = String.new) # binary
        when Array then collect_pairs(headers, packed = String.new)
        else
          unless defined?(headers.each_pair)
            raise TypeError, "headers must be a Hash, a Rack env or [name, value] pairs, " \
                             "got #{Fast.describe(headers)}"
          end
          collect_hash(headers, packed = String.new)
        end
        packed
      end

      private

      # The common case first: String names and values, most of them of a length none of the
      # names has (two type tests and one table read); a usual spelling with an ASCII value
      # of a usual length is appended here, without a call (Hash cells: ~0.05 us a header read).
      def collect_hash(headers, packed)
        by_length = @by_length
        spellings = @spellings
        headers.each_pair do |name, value|
          if String === name && String === value
            firsts = by_length[name.length]
            next unless firsts && firsts[name.getbyte(0) | 0x20]

            if (prefix = spellings[name]) && value.ascii_only? && (length = LENGTHS[value.bytesize])
              packed << prefix << length << value
              next
            end
          end
          add(packed, name, value)
        end
      end

      def collect_pairs(pairs, packed)
        pairs.each do |pair|
          unless Array === pair && pair.size == 2
            got = Array === pair ? pair.inspect[0, 40] : Fast.describe(pair)
            raise TypeError, "headers: an Array must hold [name, value] pairs, got #{got}"
          end

          add(packed, pair[0], pair[1])
        end
      end

      def add(packed, name, value)
        name = name.to_s if Symbol === name
        raise TypeError, "header names must be Strings, got #{Fast.describe(name)}" unless String === name

        case value
        when String
          prefix = prefix_of(name)
          Fast.append(packed, prefix, value) if prefix
        when Array then value.each { |item| add(packed, name, item) }
        else
          raise TypeError, "header #{name.inspect}: values must be Strings, got #{Fast.describe(value)}"
        end
      end

      # The prefix of the name the verifier reads that `name` spells (ASCII case ignored,
      # compared as bytes), or nil. A name in UTF-16 or UTF-32 with a byte order is text
      # whose bytes are not its characters': never one of the names, whatever its bytes.
      def prefix_of(name)
        # A String of another encoding is never eql? to these: a hit is a name of them.
        found = @spellings[name]
        return found if found

        candidates = @candidates[name.length]
        return nil unless candidates

        encoding = name.encoding
        if encoding.ascii_compatible?
          # ASCII case ignored, without a downcased copy: another header of the same length
          # (User-Agent beside webhook-id) costs no allocation (Hash cells).
          candidates.each { |candidate| return @prefixes[candidate] if candidate.casecmp(name)&.zero? }
          nil
        elsif encoding.dummy? # UTF-7, ISO-2022-JP: ASCII as bytes
          @prefixes[name.b.downcase]
        end
      end
    end

    # Every header, for a handshake: it reads headers that the verifier's names do not list
    # (Asana's X-Hook-Secret, Okta's challenge, Twitch's message type).
    class AllHeaders < Headers
      def initialize = super([])

      # A Rack env walked: HTTP_X_FOO as x-foo, CONTENT_TYPE, CONTENT_LENGTH.
      def pack(headers)
        return super unless Hash === headers && headers.key?(RACK_KEY)

        packed = String.new # binary
        headers.each_pair do |key, value|
          next unless String === key

          if key.start_with?("HTTP_")
            add(packed, key.byteslice(5, key.bytesize).downcase.tr("_", "-"), value)
          elsif %w[CONTENT_TYPE CONTENT_LENGTH].include?(key)
            add(packed, key.downcase.tr("_", "-"), value)
          end
        end
        packed
      end

      private

      def collect_hash(headers, packed) = headers.each_pair { |name, value| add(packed, name, value) }

      def prefix_of(name) = Fast.u32(name.bytesize, name) + name.b
    end

    # A result of Verifier#verify: a Verified whose replay key is made when first read, from
    # the request it keeps (the verifier, the body and the packed headers: references, nothing
    # copied), by verifying that request once more (Verifier#key_of). Making the key at every
    # verify would cost every cell ~0.4 us (bench/ruby.md, "Replay protection": the keyed
    # call, the core's formatting, a second String); keeping the request costs three
    # instance variables. Not frozen: the key is kept once made.
    class LazyVerified < Verified
      # rubocop:disable Lint/MissingSuper -- Verified#initialize normalises ids from callers; these are made here.
      def initialize(timestamp, id_bytes, secret_index, verifier, body, packed, url, method)
        @timestamp = timestamp
        @id_bytes = id_bytes
        @secret_index = secret_index
        @verifier = verifier
        @body = body
        @packed = packed
        # Rarely given (URL-signed schemes): instance variables set only then.
        @url = url unless url.nil?
        @method = method unless method.nil?
      end
      # rubocop:enable Lint/MissingSuper

      def replay_key = @replay_key ||= @verifier.__send__(:key_of, timestamp, @body, @packed, @url, @method)

      def replay_ttl = @verifier.replay_ttl
    end

    # The result of the first key with no timestamp and no id (GitHub, Shopify, ... and
    # every HMAC scheme without a timestamp): three instance variables, which Ruby 3.1 keeps
    # inside the object, where LazyVerified's need a table of their own (github cells:
    # ~0.035 us).
    class Plain < LazyVerified
      # rubocop:disable Lint/MissingSuper -- as LazyVerified.
      def initialize(verifier, body, packed)
        @verifier = verifier
        @body = body
        @packed = packed
      end
      # rubocop:enable Lint/MissingSuper

      def timestamp = nil
      def id_bytes = nil
      def secret_index = 0
    end

    # Reads a hooksig_verified into a Fast::LazyVerified (or Plain), a field at a time (String#getbyte,
    # String#unpack1 at an offset: no Array per call). A result without timestamp or id
    # (GitHub, Shopify, ... and every HMAC scheme without a timestamp) is recognised by
    # comparing the struct's first bytes, with nothing unpacked (github cells); with a
    # timestamp, one object and nothing else is made (aghanim, noyo cells: ~0.13 us), and an
    # id one String more.
    class Results
      # struct hooksig_verified: timestamp (u64) at 0, secret_index at 8, id (pointer) at
      # 16, id_len at 24, has_timestamp at 32 (Native::VERIFIED_FORMAT, 64-bit size_t).
      INDEX = 8
      HAS_TIMESTAMP = 32
      # A pointer at address 1, never read itself: ORIGIN.get_bytes(address - 1, n) reads n
      # bytes at `address` (an id: standard-webhooks cells, ~0.09 us and one object less).
      ORIGIN = FFI::Pointer.new(1).freeze

      def initialize(key_count)
        # timestamp 0, secret_index 0, id NULL, id_len 0, has_timestamp false.
        @first = [0, 0, 0, 0, 0].pack(Native::VERIFIED_FORMAT).freeze
        # Below 256 keys an index is its first byte (little-endian).
        @byte_index = key_count <= 256
        freeze
      end

      # The result of a verify, keeping its request (see LazyVerified).
      def read(out, verifier, body, packed, url, method)
        if out.start_with?(@first)
          return Plain.new(verifier, body, packed) if url.nil? && method.nil?

          return LazyVerified.new(nil, nil, 0, verifier, body, packed, url, method)
        end

        index = @byte_index ? out.getbyte(INDEX) : out.unpack1("@8J")
        timestamp = out.unpack1("Q") unless out.getbyte(HAS_TIMESTAMP) == 0 # rubocop:disable Style/NumericPredicate
        id_ptr = out.unpack1("@16J")
        # The id points into the packed headers, alive until the caller's verify returns;
        # read at its address as an offset from ORIGIN, without an FFI::Pointer per call.
        id = ORIGIN.get_bytes(id_ptr - 1, out.unpack1("@24J")).freeze unless id_ptr == 0 # rubocop:disable Style/NumericPredicate
        LazyVerified.new(timestamp, id, index, verifier, body, packed, url, method)
      end

      # The result of a keyed verify: a Verified with its replay key (a fresh binary String,
      # retagged) and TTL.
      def read_keyed(out, key, ttl)
        index = @byte_index ? out.getbyte(INDEX) : out.unpack1("@8J")
        timestamp = out.unpack1("Q") unless out.getbyte(HAS_TIMESTAMP) == 0 # rubocop:disable Style/NumericPredicate
        id_ptr = out.unpack1("@16J")
        id = ORIGIN.get_bytes(id_ptr - 1, out.unpack1("@24J")).freeze unless id_ptr == 0 # rubocop:disable Style/NumericPredicate
        Keyed.new(timestamp, id, index, key.force_encoding(Encoding::UTF_8).freeze, ttl)
      end
    end

    # A result with its replay key made in the verify call: a Verified built without the
    # checks Verified.new makes of what callers pass (~0.9 us a keyed verify: keywords, an
    # id copy, the key interned).
    class Keyed < Verified
      # rubocop:disable Lint/MissingSuper -- as LazyVerified.
      def initialize(timestamp, id_bytes, secret_index, replay_key, replay_ttl)
        @timestamp = timestamp
        @id_bytes = id_bytes
        @secret_index = secret_index
        @replay_key = replay_key
        @replay_ttl = replay_ttl
        freeze
      end
      # rubocop:enable Lint/MissingSuper
    end
  end
  private_constant :Fast
end
