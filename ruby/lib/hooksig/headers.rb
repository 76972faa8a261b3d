# frozen_string_literal: true

module Hooksig
  # Turns the caller's headers into the arguments of hooksig_verify_one (one header) or
  # hooksig_verify_packed (any number, packed in one buffer).
  #
  # Private. It converts and nothing more: matching names, trimming, rejecting repeats
  # are the core's rules. To keep a Rack env (dozens of keys) cheap, it leaves out the
  # headers the verifier cannot read: the core matches names ASCII-case-insensitively,
  # so a name of another byte length, or an ASCII name that casecmp finds unequal to each
  # of the verifier's names (Native.hooksig_verifier_header_name), never matches there.
  # Any other name is passed on for the core to decide.
  class Headers
    PACK = Hash.new { |cache, n| cache[n] = ("L<a*L<a*" * n).freeze }
    # "HTTP_X_HUB_SIGNATURE" => "x-hub-signature": a cache, bounded by ENV_NAMES_MAX.
    ENV_NAMES = {} # rubocop:disable Style/MutableConstant
    ENV_NAMES_MAX = 4096
    ENV_SPECIAL = { "CONTENT_TYPE" => "content-type", "CONTENT_LENGTH" => "content-length" }.freeze
    MAX_BYTES = 0xFFFF_FFFF
    private_constant :PACK, :ENV_NAMES, :ENV_NAMES_MAX, :ENV_SPECIAL, :MAX_BYTES

    # names: the header names the verifier reads.
    def initialize(names)
      @names = names.map { |n| n.b.freeze }.freeze
      @lengths = @names.map(&:bytesize).uniq.freeze
      @env_lengths = @lengths.map { |n| n + 5 }.freeze
      # CONTENT_TYPE and CONTENT_LENGTH, when a name has their length (rarely).
      @env_special = ENV_SPECIAL.select { |_, name| @lengths.include?(name.bytesize) }.freeze
      freeze
    end

    # Packs what #collect returns: the buffer of hooksig_verify_packed. The buffer is
    # always on the heap (never embedded in the object), so a compacting GC cannot move
    # the bytes a verified id points into.
    def self.pack(flat) = flat.pack(PACK[flat.size / 4], buffer: String.new(capacity: 64))

    # Returns [name length, name, value length, value, ...] for a Hash of headers (any name case; a value may be an
    # Array for a repeated header), a Rack env, or an Array of [name, value] pairs.
    # Names are Strings or Symbols, values Strings: anything else is a TypeError.
    def collect(headers)
      case headers
      when Hash
        return collect_env(headers) if headers.key?("REQUEST_METHOD") || headers.key?("rack.input")

        collect_hash(headers)
      when Array
        collect_pairs(headers)
      else
        unless headers.respond_to?(:each_pair)
          raise TypeError, "headers must be a Hash, a Rack env or [name, value] pairs, " \
                           "got #{headers.class}"
        end
        collect_hash(headers)
      end
    end

    private

    # The common case first: String names and values, most of them not read (told apart
    # by byte length alone), the others ASCII and equal to one of the names but for case.
    def collect_hash(headers)
      flat = []
      lengths = @lengths
      names = @names
      headers.each_pair do |name, value|
        if String === name && String === value # rubocop:disable Style/CaseEquality
          next unless lengths.include?(name.bytesize)

          if name.ascii_only? && value.bytesize <= MAX_BYTES
            flat.push(name.bytesize, name, value.bytesize, value) if names.any? { |n| n.casecmp(name).zero? }
            next
          end
        end
        add(flat, name, value)
      end
      flat
    end

    def collect_pairs(pairs)
      flat = []
      pairs.each do |pair|
        unless pair.is_a?(Array) && pair.size == 2
          raise TypeError, "headers: an Array must hold [name, value] pairs, got #{pair.inspect[0, 40]}"
        end

        add(flat, pair[0], pair[1])
      end
      flat
    end

    # Whether the core could match `name` to one of the verifier's header names.
    def readable?(name)
      @lengths.include?(name.bytesize) &&
        (!name.ascii_only? || @names.any? { |wanted| wanted.casecmp(name).zero? })
    end

    # HTTP_X_FOO_BAR => x-foo-bar, CONTENT_TYPE => content-type; other keys are not headers.
    def collect_env(env)
      flat = []
      lengths = @env_lengths
      env.each_pair do |key, value|
        next unless String === key && lengths.include?(key.bytesize) # rubocop:disable Style/CaseEquality

        add(flat, env_name(key), value) if key.start_with?("HTTP_")
      end
      @env_special.each { |key, name| add(flat, name, env[key]) if env.key?(key) }
      flat
    end

    def env_name(key)
      ENV_NAMES[key] || begin
        # Binary, so downcase is ASCII-only and keeps the byte length.
        name = key.byteslice(5, key.bytesize).b
        name.downcase!
        name.tr!("_", "-")
        ENV_NAMES.clear if ENV_NAMES.size >= ENV_NAMES_MAX
        ENV_NAMES[key.frozen? ? key : key.dup.freeze] = name.freeze
      end
    end

    def add(flat, name, value)
      name = name.to_s if name.is_a?(Symbol)
      raise TypeError, "header names must be Strings, got #{name.class}" unless name.is_a?(String)

      case value
      when String
        return unless readable?(name)
        if value.bytesize > MAX_BYTES || name.bytesize > MAX_BYTES
          raise ArgumentError, "header #{name[0, 64].inspect} is longer than 4 GiB"
        end

        flat.push(name.bytesize, name, value.bytesize, value)
      when Array
        value.each { |item| add(flat, name, item) }
      else
        raise TypeError, "header #{name.inspect}: values must be Strings, got #{value.class}"
      end
    end
  end
end
