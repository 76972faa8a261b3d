# frozen_string_literal: true

require "json"

module Hooksig
  # Builds the native verifier or signer from Ruby arguments: converts them, calls
  # hooksig_verifier_new / hooksig_signer_new, maps the error. Private.
  module Config
    # The default of `tolerance:`: the scheme's own window.
    DEFAULT = Object.new.tap { |o| def o.inspect = "(scheme default)" }.freeze

    module_function

    # Returns [native pointer, description for #inspect]. kind: :verifier or :signer;
    # keys: {secrets:, public_keys:, private_key:} as given (see #key_list); namespace: and
    # replay_ttl: as Verifier.new takes them (nil: the defaults).
    def build(kind, preset_or_scheme, keys:, params:, tolerance:, namespace: nil, replay_ttl: nil)
      text, described = scheme_text(preset_or_scheme)
      secrets = key_list(keys[:secret], keys[:secrets], "secret")
      public_keys = key_list(keys[:public_key], keys[:public_keys], "public_key")
      private_key = keys[:private_key]
      unless private_key.nil? || private_key.is_a?(String)
        raise TypeError, "private_key: must be a String, got #{private_key.class}"
      end

      memory = [] # keeps every buffer alive until the call returns
      config = native_config(text, secrets, public_keys, private_key, memory)
      config[:params], config[:params_len] = param_array(param_list(params), memory)
      config[:tolerance_mode], config[:tolerance_seconds] = tolerance_mode(tolerance)
      Replay.options(config, namespace, replay_ttl, memory)

      out = FFI::MemoryPointer.new(:pointer)
      message = FFI::MemoryPointer.new(:pointer)
      Native.check!(Native.public_send(:"hooksig_#{kind}_new", config, out, message), message)
      [out.read_pointer, described]
    ensure
      # Wipe the copies of the secrets and keys made here.
      memory&.each(&:clear)
    end

    # A hooksig_config with the scheme and the keys, copied to native memory held by `memory`.
    def native_config(text, secrets, public_keys, private_key, memory)
      config = Native::Config.new
      config[:preset] = buffer(text, memory)
      config[:preset_len] = text.bytesize
      config[:secrets], config[:secrets_len] = bytes_array(secrets, memory)
      config[:public_keys], config[:public_keys_len] = bytes_array(public_keys, memory)
      if private_key
        config[:private_key][:ptr] = buffer(private_key, memory)
        config[:private_key][:len] = private_key.bytesize
      end
      config
    end

    # A preset name or a scheme's JSON text go as they are (the core tells them apart); a
    # Hash goes as its JSON.
    def scheme_text(value)
      case value
      when Hash then [JSON.generate(value), "scheme"]
      when String, Symbol then [value.to_s, value.to_s.inspect]
      else
        raise TypeError, "the first argument must be a preset name (String), or a scheme " \
                         "as a Hash or a JSON String, got #{value.class}"
      end
    end

    # `secret:` or `secrets:` (likewise `public_key:` / `public_keys:`): at most one of the
    # two, the plural an Array, each a String (text or raw bytes). Neither is an empty list:
    # the core says what is missing (invalid_secret, invalid_key).
    def key_list(one, many, name)
      raise ArgumentError, "pass #{name}: or #{name}s:, not both" unless one.nil? || many.nil?

      list = many.nil? ? [one].compact : many
      raise TypeError, "#{name}s: must be an Array of Strings, got #{list.class}" unless list.is_a?(Array)

      list.each_with_index do |key, i|
        next if key.is_a?(String)

        raise TypeError, "#{name} #{i} must be a String (text or raw bytes), got #{key.class}"
      end
      list
    end

    def param_list(params)
      return [] if params.nil?
      raise TypeError, "params: must be a Hash, got #{params.class}" unless params.is_a?(Hash)

      params.map do |name, value|
        unless name.is_a?(String) || name.is_a?(Symbol)
          raise TypeError, "param names must be Strings or Symbols, got #{name.class}"
        end
        unless value.is_a?(String) || value.is_a?(Symbol)
          raise TypeError, "param #{name.to_s.inspect} must be a String, got #{value.class}"
        end

        [name.to_s, value.to_s]
      end
    end

    # [tolerance_mode, tolerance_seconds]: the scheme's window, none (nil), or seconds.
    def tolerance_mode(tolerance)
      case tolerance
      when DEFAULT then [Native::TOLERANCE_DEFAULT, 0]
      when nil then [Native::TOLERANCE_NONE, 0]
      when Integer then [Native::TOLERANCE_SECONDS, Config.seconds(tolerance, "tolerance:")]
      else
        raise TypeError, "tolerance: must be seconds (Integer) or nil for no window, got #{tolerance.class}"
      end
    end

    # A whole number of seconds (`now:`, `timestamp:`, `tolerance:`): an Integer or a Time,
    # from 0 to 2**64 - 1 (the ABI's 64 bits).
    def seconds(value, what)
      value = value.to_i if value.is_a?(Time)
      raise TypeError, "#{what} must be Unix seconds (Integer) or a Time, not #{value.class}" unless Integer === value
      unless value.between?(0, Native::U64_MAX)
        raise ArgumentError, "#{what} must be a number of seconds from 0 to 2**64 - 1, got #{value}"
      end

      value
    end

    # The hooksig_context of now:, url: and method:, as a packed String; the url and
    # method bytes are copied to native memory that `memory` keeps alive.
    def context(now, url, method, memory)
      seconds = now.nil? ? 0 : seconds(now, "now:")
      url_ptr, url_len = request_text(url, "url:", memory)
      method_ptr, method_len = request_text(method, "method:", memory)
      [seconds, now.nil? ? 0 : 1, url_ptr, url_len, method_ptr, method_len].pack(Native::CONTEXT_FORMAT)
    end

    # [address, length] of a copy of a url: or method: String (a URI is taken as its text);
    # [0, 0] for nil, "not given".
    def request_text(value, what, memory)
      return [0, 0] if value.nil?

      value = value.to_s if defined?(URI::Generic) && value.is_a?(URI::Generic)
      raise TypeError, "#{what} must be a String, got #{value.class}" unless value.is_a?(String)

      [buffer(value, memory).address, value.bytesize]
    end

    def buffer(string, memory)
      ptr = FFI::MemoryPointer.new(:uint8, [string.bytesize, 1].max)
      ptr.put_bytes(0, string)
      memory << ptr
      ptr
    end

    def bytes_array(strings, memory)
      return [nil, 0] if strings.empty?

      array = FFI::MemoryPointer.new(Native::Bytes, strings.size)
      memory << array
      strings.each_with_index do |string, i|
        entry = Native::Bytes.new(array + (i * Native::Bytes.size))
        entry[:ptr] = buffer(string, memory)
        entry[:len] = string.bytesize
      end
      [array, strings.size]
    end

    def param_array(pairs, memory)
      return [nil, 0] if pairs.empty?

      array = FFI::MemoryPointer.new(Native::Header, pairs.size)
      memory << array
      pairs.each_with_index do |(name, value), i|
        entry = Native::Header.new(array + (i * Native::Header.size))
        entry[:name] = buffer(name, memory)
        entry[:name_len] = name.bytesize
        entry[:value] = buffer(value, memory)
        entry[:value_len] = value.bytesize
      end
      [array, pairs.size]
    end
  end
  private_constant :Config
end
