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

    # The out-parameters of hooksig_verify_packed (the hooksig_verified and the message_out),
    # reused per thread (Thread#[] is fiber-local): no allocation for them per request (every
    # cell; an allocation costs ~0.3 us on the interpreter once GC is counted). They are used
    # only between the call and reading its result, where no caller code runs, so a verify
    # nested in another (from a headers object's #each_pair) cannot meet them in use.
    module Buffers
      KEY = :__hooksig_verify_buffers

      def self.get = Thread.current[KEY] ||= ["\0".b * Native::VERIFIED_SIZE, "\0".b * FFI.type_size(:pointer)]
    end

    # Reads the headers a verifier needs from the caller's container and packs them for
    # hooksig_verify_packed (per header: u32 name length, name, u32 value length, value).
    #
    # Only headers whose names the verifier reads go (hooksig_verifier_header_names, ASCII
    # case ignored: the core's rule, applied again by the core), each under its own name in
    # lower case; every one of them goes, repeats included, since a repeat is the core's
    # invalid_header. Names are Strings or Symbols and values Strings (or Arrays of them)
    # in every entry of a Hash or pair list, read or not: anything else is a TypeError.
    #
    # The buffer is built by appending to one String, the name and its length from a table
    # made with the verifier and a value's length from a table of the short ones: no
    # Array#pack and its format per request (every cell: ~0.3 us a request).
    class Headers
      # Little-endian u32 of 0...LENGTHS.size, the lengths of the usual header values.
      LENGTHS = Array.new(1024) { |n| [n].pack("L<").freeze }.freeze

      # names: the header names the verifier reads.
      def initialize(names)
        names = names.map { |name| name.b.downcase.freeze }.uniq
        # Each name as it goes in the buffer: its length, then its bytes.
        @prefixes = names.to_h { |name| [name, ([name.bytesize].pack("L<") + name).freeze] }.freeze
        # Rack env keys (HTTP_X_HUB_SIGNATURE_256, CONTENT_TYPE) and the prefix of the name
        # each is read as: a Rack env holds each header once, under this key, so it is read
        # by key instead of walked (Rack env cells: 25 keys, 1-3 read).
        @env_keys = names.to_h { |name| [Fast.env_key(name), @prefixes[name]] }.freeze
        # By a name's length: the names of that length, and a table of their first bytes
        # (ASCII lower case, by byte | 0x20). String#length and Array#[] run without a method
        # call, so most headers of a Hash cost no more than that, and one of the same length
        # (User-Agent beside webhook-id) one getbyte more (Hash cells: 12 headers, 1-3 read).
        # The names are ASCII, so a name of another length in characters is none of them.
        @candidates = names.group_by(&:length).each_with_object([]) { |(n, same), table| table[n] = same.freeze }.freeze
        @by_length = @candidates.map { |same| same && Fast.first_bytes(same) }.freeze
        # The spellings a provider or framework sends (x-hub-signature-256,
        # X-Hub-Signature-256, X-HUB-SIGNATURE-256), to the name's prefix: one Hash read
        # instead of a downcased copy (Hash cells, 1 KiB: ~0.1 us a header).
        @spellings = names.each_with_object({}) do |name, table|
          [name, name.split("-").map(&:capitalize).join("-"), name.upcase].each { |s| table[s] = @prefixes[name] }
        end.freeze
        freeze
      end

      # Returns the packed headers read from `headers`: a Rack env (a Hash with a
      # REQUEST_METHOD key, as Rack's SPEC requires), a Hash of name => value (any case), an
      # Array of [name, value] pairs, or anything with #each_pair.
      def pack(headers)
        packed = String.new # binary
        case headers
        when Hash
          headers.key?("REQUEST_METHOD") ? collect_env(headers, packed) : collect_hash(headers, packed)
        when Array then collect_pairs(headers, packed)
        else
          unless defined?(headers.each_pair)
            raise TypeError, "headers must be a Hash, a Rack env or [name, value] pairs, " \
                             "got #{Fast.describe(headers)}"
          end
          collect_hash(headers, packed)
        end
        # A String this short has its bytes inside the object, where a compacting GC could
        # move what a reported id points into; a copy with room has them on the heap.
        packed.bytesize < 64 ? String.new(packed, capacity: 64) : packed
      end

      private

      # Appends a header: `prefix` (the name with its length), then the value with its length.
      def append(packed, prefix, value)
        length = value.bytesize
        packed << prefix << (LENGTHS[length] || u32(length, value)) << value
      end

      def u32(length, text)
        raise ArgumentError, "header #{text.byteslice(0, 64).inspect}... is longer than 4 GiB" if length > MAX_BYTES

        [length].pack("L<")
      end

      def collect_env(env, packed)
        @env_keys.each do |key, prefix|
          value = env[key]
          next if value.nil?
          unless String === value
            raise TypeError, "Rack env #{key}: values must be Strings, got #{Fast.describe(value)}"
          end

          append(packed, prefix, value)
        end
      end

      # The common case first: String names and values, most of them of a length none of the
      # names has (two type tests and one table read).
      def collect_hash(headers, packed)
        by_length = @by_length
        spellings = @spellings
        headers.each_pair do |name, value|
          if String === name && String === value
            firsts = by_length[name.length]
            next unless firsts && firsts[name.getbyte(0) | 0x20]

            # A usual spelling: appended here, without the checks of #add (Hash cells).
            if (prefix = spellings[name])
              append(packed, prefix, value)
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
          append(packed, prefix, value) if prefix
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

      private

      def collect_hash(headers, packed) = headers.each_pair { |name, value| add(packed, name, value) }

      # HTTP_X_FOO as x-foo, CONTENT_TYPE, CONTENT_LENGTH.
      def collect_env(env, packed)
        env.each_pair do |key, value|
          next unless String === key

          if key.start_with?("HTTP_")
            add(packed, key.byteslice(5, key.bytesize).downcase.tr("_", "-"), value)
          elsif %w[CONTENT_TYPE CONTENT_LENGTH].include?(key)
            add(packed, key.downcase.tr("_", "-"), value)
          end
        end
      end

      def prefix_of(name) = u32(name.bytesize, name) + name.b
    end

    # Reads a hooksig_verified into a Hooksig::Verified. A result without timestamp or id
    # (GitHub, Shopify, ... and every HMAC scheme without a timestamp) is one of the
    # Verified objects built with the verifier, recognised by comparing the struct's first
    # bytes, without unpacking it (github cells: ~0.25 us at 0 B and 1 KiB).
    class Results
      def initialize(key_count)
        @plain = Array.new([key_count, 256].min) { |i| Verified.new(nil, nil, i) }.freeze
        # timestamp 0, secret_index 0, id NULL, id_len 0, has_timestamp false.
        @first = [0, 0, 0, 0, 0].pack(Native::VERIFIED_FORMAT).freeze
        freeze
      end

      def read(out)
        return @plain[0] if out.start_with?(@first)

        timestamp, index, id_ptr, id_len, has_timestamp = out.unpack(Native::VERIFIED_FORMAT)
        return @plain[index] if id_ptr.zero? && has_timestamp.zero? && index < @plain.size

        # The id points into the packed headers, alive until the caller's verify returns.
        id = FFI::Pointer.new(id_ptr).read_bytes(id_len).freeze unless id_ptr.zero? # binary: kept as it is
        Verified.new(has_timestamp.zero? ? nil : timestamp, id, index)
      end
    end
  end
  private_constant :Fast
end
