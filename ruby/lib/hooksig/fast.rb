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

    # Per-thread buffers (Thread#[] is fiber-local), so that a request allocates none of
    # them (every cell; an allocation costs ~0.3 us on the interpreter once GC is counted).
    module Buffers
      KEY = :__hooksig_verify_buffers

      # The out-parameters of hooksig_verify_packed: the hooksig_verified and the
      # message_out. They are used only between the call and reading its result, where no
      # caller code runs, so a verify nested in another cannot meet them in use.
      def self.out
        Thread.current[KEY] ||= ["\0".b * Native::VERIFIED_SIZE, "\0".b * FFI.type_size(:pointer), []]
      end

      # The Array the headers are collected in. It is taken while in use, so a verify run
      # from inside a headers walk (a headers object's #each_pair) makes its own.
      def self.take_flat
        buffers = out
        flat = buffers[2] || []
        buffers[2] = nil
        flat
      end

      # Empties `flat` (it holds no header past the call) and gives it back.
      def self.give_back(flat)
        flat.clear
        out[2] ||= flat
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
    class Headers
      # names: the header names the verifier reads.
      def initialize(names)
        @names = names.to_h { |name| [name.b.downcase.freeze, true] }.freeze
        # Rack env keys (HTTP_X_HUB_SIGNATURE_256, CONTENT_TYPE) and the name each is read
        # as: a Rack env holds each header once, under this key, so it is read by key
        # instead of walked (Rack env cells: 25 keys, 1-3 read).
        @env_keys = @names.keys.to_h do |name|
          key = name.upcase.tr("-", "_")
          [%w[CONTENT_TYPE CONTENT_LENGTH].include?(key) ? key : "HTTP_#{key}", name]
        end.freeze
        # By a name's length: whether one of the names has it. String#length and Array#[]
        # run without a method call, so most headers of a Hash cost no more than that
        # (Hash cells: 12 headers, 1-3 read). The names are ASCII, so a name of another
        # length in characters is none of them.
        @by_length = @names.keys.each_with_object([]) { |name, table| table[name.length] = true }.freeze
        # The spellings a provider or framework sends (x-hub-signature-256,
        # X-Hub-Signature-256, X-HUB-SIGNATURE-256): one Hash read instead of a downcased
        # copy (Hash cells, 1 KiB: ~0.1 us a header).
        @spellings = @names.keys.each_with_object({}) do |name, table|
          [name, name.split("-").map(&:capitalize).join("-"), name.upcase].each { |s| table[s] = name }
        end.freeze
        @formats = Array.new(8) { |n| ("L<a*L<a*" * n).freeze }.freeze
        freeze
      end

      # Returns the packed headers read from `headers`: a Rack env (a Hash with a
      # REQUEST_METHOD key, as Rack's SPEC requires), a Hash of name => value (any case), an
      # Array of [name, value] pairs, or anything with #each_pair.
      def pack(headers)
        flat = Buffers.take_flat
        case headers
        when Hash
          headers.key?("REQUEST_METHOD") ? collect_env(headers, flat) : collect_hash(headers, flat)
        when Array then collect_pairs(headers, flat)
        else
          unless defined?(headers.each_pair)
            raise TypeError, "headers must be a Hash, a Rack env or [name, value] pairs, " \
                             "got #{Headers.describe(headers)}"
          end
          collect_hash(headers, flat)
        end
        pack_flat(flat)
      ensure
        Buffers.give_back(flat) if flat
      end

      # The class of `object` for a message, a BasicObject too (which has no #class).
      def self.describe(object) = Object === object ? object.class.to_s : "a BasicObject"

      private

      def pack_flat(flat)
        count = flat.size / 4
        i = 0
        while i < flat.size
          if flat[i] > MAX_BYTES || flat[i + 2] > MAX_BYTES
            raise ArgumentError, "header #{flat[i + 1].inspect} is longer than 4 GiB: not a request header"
          end

          i += 4
        end
        # Into a String whose bytes are on the heap, never embedded in the object, so a
        # compacting GC cannot move what a reported id points into.
        flat.pack(@formats[count] || ("L<a*L<a*" * count), buffer: String.new(capacity: 64))
      end

      def collect_env(env, flat)
        @env_keys.each do |key, name|
          value = env[key]
          next if value.nil?
          unless String === value
            raise TypeError, "Rack env #{key}: values must be Strings, got #{Headers.describe(value)}"
          end

          flat.push(name.bytesize, name, value.bytesize, value)
        end
      end

      # The common case first: String names and values, most of them of a length none of the
      # names has (two type tests and one table read).
      def collect_hash(headers, flat)
        by_length = @by_length
        headers.each_pair do |name, value|
          next if String === name && String === value && !by_length[name.length]

          add(flat, name, value)
        end
      end

      def collect_pairs(pairs, flat)
        pairs.each do |pair|
          unless Array === pair && pair.size == 2
            got = Array === pair ? pair.inspect[0, 40] : Headers.describe(pair)
            raise TypeError, "headers: an Array must hold [name, value] pairs, got #{got}"
          end

          add(flat, pair[0], pair[1])
        end
      end

      def add(flat, name, value)
        name = name.to_s if Symbol === name
        raise TypeError, "header names must be Strings, got #{Headers.describe(name)}" unless String === name

        case value
        when String
          read = spelled(name)
          flat.push(read.bytesize, read, value.bytesize, value) if read
        when Array then value.each { |item| add(flat, name, item) }
        else
          raise TypeError, "header #{name.inspect}: values must be Strings, got #{Headers.describe(value)}"
        end
      end

      # The name the verifier reads that `name` spells (ASCII case ignored, compared as
      # bytes), or nil. A name in UTF-16 or UTF-32 with a byte order is text whose bytes are
      # not its characters': never one of the names, whatever its bytes.
      def spelled(name)
        encoding = name.encoding
        return nil unless @by_length[name.length] && (encoding.ascii_compatible? || encoding.dummy?)

        @spellings[name] || begin
          bytes = name.b.downcase
          bytes if @names[bytes]
        end
      end
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
        id = FFI::Pointer.new(id_ptr).read_bytes(id_len) unless id_ptr.zero?
        Verified.new(has_timestamp.zero? ? nil : timestamp, id, index)
      end
    end
  end
  private_constant :Fast
end
