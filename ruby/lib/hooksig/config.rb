# frozen_string_literal: true

require "json"

module Hooksig
  # Builds the native verifier or signer from Ruby arguments. Private.
  module Config
    # The default of `tolerance:`: the scheme's own window.
    DEFAULT = Object.new.tap { |o| def o.inspect = "(scheme default)" }.freeze

    module_function

    # Returns [native pointer, description for #inspect]; raises ConfigurationError.
    def build(kind, preset_or_scheme, secret:, secrets:, params:, tolerance:)
      scheme, described = scheme_text(preset_or_scheme)
      secrets = secret_list(secret, secrets)
      params = param_list(params)
      mode, seconds = tolerance_mode(tolerance)

      memory = [] # keeps every buffer alive until the call returns
      config = Native::Config.new
      key = scheme[:json] ? :scheme_json : :preset
      text = scheme[:json] || scheme[:preset]
      config[key] = buffer(text, memory)
      config[:"#{key}_len"] = text.bytesize
      config[:secrets], config[:secrets_len] = bytes_array(secrets, memory)
      config[:params], config[:params_len] = param_array(params, memory)
      config[:tolerance_mode] = mode
      config[:tolerance_seconds] = seconds

      out = FFI::MemoryPointer.new(:pointer)
      message = FFI::MemoryPointer.new(:pointer)
      code = Native.public_send(:"hooksig_#{kind}_new", config, out, message)
      Native.check!(code, message)
      [out.read_pointer, described]
    ensure
      # Wipe the copies of the secrets made here.
      memory&.each(&:clear)
    end

    def scheme_text(value)
      case value
      when Hash
        [{ json: JSON.generate(value) }, "scheme"]
      when String, Symbol
        # A preset name or a scheme's JSON text: the core tells them apart.
        text = value.to_s
        [{ preset: text }, text.inspect]
      else
        raise TypeError, "the first argument must be a preset name (String), or a scheme " \
                         "as a Hash or a JSON String, got #{value.class}"
      end
    end

    def secret_list(secret, secrets)
      raise ArgumentError, "pass exactly one of secret: and secrets: (current first)" if secret.nil? == secrets.nil?

      list = secrets.nil? ? [secret] : secrets
      raise TypeError, "secrets: must be an Array of Strings, got #{list.class}" unless list.is_a?(Array)

      list.each_with_index do |s, i|
        next if s.is_a?(String)

        raise TypeError, "secret #{i} must be a String (text or raw bytes), got #{s.class}"
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

    def tolerance_mode(tolerance)
      case tolerance
      when DEFAULT then [Native::TOLERANCE_DEFAULT, 0]
      when nil then [Native::TOLERANCE_NONE, 0]
      when Integer
        unless tolerance.between?(0, 0xFFFF_FFFF_FFFF_FFFF)
          raise ArgumentError, "tolerance: must be a non-negative number of seconds, got #{tolerance}"
        end

        [Native::TOLERANCE_SECONDS, tolerance]
      else
        raise TypeError, "tolerance: must be seconds (Integer) or nil for no window, " \
                         "got #{tolerance.class}"
      end
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
