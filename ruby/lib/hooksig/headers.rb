# frozen_string_literal: true

module Hooksig
  # Turns the caller's headers into the packed buffer of hooksig_verify_packed.
  #
  # Private. It only converts: matching names, trimming, duplicates are the core's rules.
  module Headers
    PACK = Hash.new { |cache, n| cache[n] = ("L<a*L<a*" * n).freeze }
    ENV_NAMES = {} # "HTTP_X_HUB_SIGNATURE" => "x-hub-signature", bounded below
    ENV_NAMES_MAX = 4096
    MAX_BYTES = 0xFFFF_FFFF
    ENV_SPECIAL = { "CONTENT_TYPE" => "content-type", "CONTENT_LENGTH" => "content-length" }.freeze
    private_constant :PACK, :ENV_NAMES, :ENV_NAMES_MAX, :ENV_SPECIAL, :MAX_BYTES

    module_function

    # Returns the packed buffer for a Hash of headers (any name case; a value may be an
    # Array for a repeated header), a Rack env, or an Array of [name, value] pairs.
    def pack(headers)
      flat = []
      case headers
      when Hash
        if headers.key?("REQUEST_METHOD") || headers.key?("rack.input")
          rack_env(headers, flat)
        else
          headers.each_pair { |name, value| add(flat, name, value) }
        end
      when Array
        headers.each do |pair|
          unless pair.is_a?(Array) && pair.size == 2
            raise TypeError, "headers: an Array must hold [name, value] pairs, got #{pair.class}"
          end

          add(flat, pair[0], pair[1])
        end
      else
        unless headers.respond_to?(:each_pair)
          raise TypeError, "headers must be a Hash, a Rack env or [name, value] pairs, " \
                           "got #{headers.class}"
        end
        headers.each_pair { |name, value| add(flat, name, value) }
      end
      flat.pack(PACK[flat.size / 4])
    end

    # HTTP_X_FOO_BAR => x-foo-bar, CONTENT_TYPE => content-type; other keys are not headers.
    def rack_env(env, flat)
      env.each_pair do |key, value|
        next unless key.is_a?(String)

        name = ENV_NAMES[key] || ENV_SPECIAL[key]
        unless name
          next unless key.start_with?("HTTP_")

          name = key[5..].downcase.tr("_", "-").freeze
          ENV_NAMES.clear if ENV_NAMES.size >= ENV_NAMES_MAX
          ENV_NAMES[key] = name
        end
        add(flat, name, value)
      end
    end

    def add(flat, name, value)
      name = name.to_s if name.is_a?(Symbol)
      raise TypeError, "header names must be Strings, got #{name.class}" unless name.is_a?(String)

      case value
      when String
        if value.bytesize > MAX_BYTES || name.bytesize > MAX_BYTES
          raise ArgumentError, "header #{name[0, 64].inspect} is longer than 4 GiB"
        end

        flat.push(name.bytesize, name, value.bytesize, value)
      when Array
        value.each { |item| add(flat, name, item) }
      when nil
        nil # an absent header
      else
        raise TypeError, "header #{name.inspect}: values must be Strings, got #{value.class}"
      end
    end
  end
end
