# frozen_string_literal: true

module Hooksig
  # Turns the caller's headers into the arguments of hooksig_verify_one (one header) or
  # hooksig_verify_packed (any number, packed in one buffer).
  #
  # Private. It converts and nothing more: matching names, trimming, rejecting repeats
  # are the core's rules. To keep verify cheap it passes on only the headers the verifier
  # reads, as the core says (Native.hooksig_verifier_reads_header), asking once per
  # spelling: the verifier's names (Native.hooksig_verifier_header_name) are ASCII tokens,
  # so a name of another length is left out without asking, and a spelling the core said
  # yes to is remembered. Every header it reads goes on, repeats included. (A name in
  # UTF-16 or UTF-32 is text, never one of the names: see EnvNames.bytewise?.)
  class Headers
    KNOWN_MAX = 64
    private_constant :KNOWN_MAX
    # The longest name or value the C ABI's packed buffer holds (a 32-bit length); longer
    # is an ArgumentError in every form of headers.
    MAX_BYTES = 0xFFFF_FFFF

    # native: the verifier (hooksig_verifier_reads_header decides whether it reads a name);
    # names: the header names it reads, for their lengths.
    def initialize(native, names)
      @native = native
      @lengths = names.map(&:bytesize).uniq.freeze
      # Indexed by a name's length: true where one of the names has it. A header is told
      # apart with String#length and Array#[], which the interpreter runs without a method
      # call: most headers cost no more than that.
      @by_length = table(@lengths)
      @by_env_length = table(@lengths.map { |n| n + 5 })
      # CONTENT_TYPE and CONTENT_LENGTH, when a name has their length (rarely).
      @env_special = EnvNames::SPECIAL.select { |_, name| @lengths.include?(name.bytesize) }.freeze
      # Spellings seen to match one of the names ("X-Hub-Signature-256"): a Hash read is
      # cheaper than matching again. Bounded by KNOWN_MAX; only ever holds matches. The
      # one mutable part of a verifier: each change is a single Hash call, atomic under
      # the GVL, and a lost or extra entry changes nothing but speed.
      @known = {}
      freeze
    end

    # Fills `flat` (emptied first; the caller reuses it, so no Array is made per request)
    # with [name length, name, value length, value, ...] for a Hash of headers (any name
    # case; a value may be an Array for a repeated header), a Rack env (a Hash with a
    # REQUEST_METHOD key, as Rack's SPEC requires), or an Array of [name, value] pairs, and
    # returns it. Names are Strings or Symbols, values Strings: anything else is a TypeError.
    def collect(headers, flat = [])
      flat.clear
      case headers
      when Hash
        return collect_env(headers, flat) if headers.key?("REQUEST_METHOD")

        collect_hash(headers, flat)
      when Array
        collect_pairs(headers, flat)
      else
        unless defined?(headers.each_pair)
          raise TypeError, "headers must be a Hash, a Rack env or [name, value] pairs, " \
                           "got #{Headers.describe(headers)}"
        end
        collect_hash(headers, flat)
      end
    end

    # The class of `object` for a message, a BasicObject too (which has no #class).
    def self.describe(object) = Object === object ? object.class.to_s : "a BasicObject"

    private

    def table(lengths) = lengths.each_with_object([]) { |n, table| table[n] = true }.freeze

    # The common case first: String names and values, most of them of a length none of the
    # names has (two type tests and one table read), the others spelled as a name seen to
    # match before (one Hash read). Everything else goes through #add, which checks the
    # types and matches names as the core would.
    def collect_hash(headers, flat)
      by_length = @by_length
      known = @known
      headers.each_pair do |name, value|
        if String === value && String === name
          next unless by_length[name.length]

          if known[name]
            flat.push(name.bytesize, name, value.bytesize, value)
            next
          end
        end
        add(flat, name, value)
      end
      flat
    end

    def collect_pairs(pairs, flat)
      pairs.each do |pair|
        unless Array === pair && pair.size == 2
          got = Array === pair ? pair.inspect[0, 40] : Headers.describe(pair)
          raise TypeError, "headers: an Array must hold [name, value] pairs, got #{got}"
        end

        add(flat, pair[0], pair[1])
      end
      flat
    end

    # HTTP_X_FOO_BAR => x-foo-bar, CONTENT_TYPE => content-type; other keys are not headers.
    def collect_env(env, flat)
      by_length = @by_env_length
      known = @known
      env.each_pair do |key, value|
        next unless String === key && by_length[key.length] && EnvNames.http?(key)

        name = EnvNames[key]
        if String === value && known[name]
          flat.push(name.bytesize, name, value.bytesize, value)
        else
          add(flat, name, value)
        end
      end
      @env_special.each { |key, name| add(flat, name, env[key]) if env.key?(key) }
      flat
    end

    def add(flat, name, value)
      name = name.to_s if Symbol === name
      raise TypeError, "header names must be Strings, got #{Headers.describe(name)}" unless String === name

      case value
      when String
        return unless readable?(name)

        flat.push(name.bytesize, name, value.bytesize, value)
        remember(name)
      when Array
        value.each { |item| add(flat, name, item) }
      else
        raise TypeError, "header #{name.inspect}: values must be Strings, got #{Headers.describe(value)}"
      end
    end

    # Whether the verifier reads `name`: the core decides (one ffi call, for a spelling
    # not seen before), after two cheap tests of names it never reads, of another byte
    # length or in UTF-16/UTF-32 (see EnvNames.bytewise?).
    def readable?(name)
      EnvNames.bytewise?(name) && @lengths.include?(name.bytesize) &&
        Native.hooksig_verifier_reads_header(@native, name, name.bytesize)
    end

    # Adds a spelling the verifier reads to the known ones.
    def remember(name)
      @known.clear if @known.size >= KNOWN_MAX
      @known[name] = true
    end

    # Rack env keys to header names: "HTTP_X_HUB_SIGNATURE" => "x-hub-signature".
    module EnvNames
      SPECIAL = { "CONTENT_TYPE" => "content-type", "CONTENT_LENGTH" => "content-length" }.freeze
      CACHE = {} # rubocop:disable Style/MutableConstant
      CACHE_MAX = 4096

      # Whether a name's bytes are its characters' for ASCII: true in every encoding but
      # UTF-16 and UTF-32 with a byte order (String#length counts their code units), whose
      # names are text and never one of the verifier's, whatever their bytes.
      def self.bytewise?(name) = name.encoding.ascii_compatible? || name.encoding.dummy?

      # Whether an env key starts with HTTP_, in bytes (never an encoding error).
      def self.http?(key)
        encoding = key.encoding
        return key.start_with?("HTTP_") if encoding.ascii_compatible?

        encoding.dummy? && key.byteslice(0, 5).b == "HTTP_"
      end

      # The header name of an HTTP_ key, from a cache bounded by CACHE_MAX.
      def self.[](key)
        CACHE[key] || begin
          # Binary, so downcase is ASCII-only and keeps the byte length.
          name = key.byteslice(5, key.bytesize).b
          name.downcase!
          name.tr!("_", "-")
          CACHE.clear if CACHE.size >= CACHE_MAX
          CACHE[key.frozen? ? key : key.dup.freeze] = name.freeze
        end
      end
    end
    private_constant :EnvNames

    # The buffer of hooksig_verify_packed, from what #collect returns.
    module Packed
      FORMATS = Hash.new { |cache, n| cache[n] = ("L<a*L<a*" * n).freeze }

      # The buffer is always on the heap (never embedded in the object), so a compacting
      # GC cannot move the bytes a verified id points into.
      def self.pack(flat)
        i = 0
        while i < flat.size
          if flat[i] > MAX_BYTES || flat[i + 2] > MAX_BYTES
            raise ArgumentError, "header #{flat[i + 1].byteslice(0, 64).inspect} is longer than 4 GiB"
          end

          i += 4
        end
        flat.pack(FORMATS[flat.size / 4], buffer: String.new(capacity: 64))
      end
    end
  end
end
