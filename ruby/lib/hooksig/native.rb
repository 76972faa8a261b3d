# frozen_string_literal: true

require "ffi"

module Hooksig
  # The C ABI of libhooksig_c (bindings/c/include/hooksig.h), through the `ffi` gem.
  #
  # Private: use Hooksig::Verifier and Hooksig::Signer.
  module Native
    extend FFI::Library

    LIB_NAME = FFI.map_library_name("hooksig_c")

    # Where the library is looked for, in order: HOOKSIG_LIB, next to the gem
    # (lib/hooksig/native/, where the platform gem carries it), then, in a checkout of the
    # repository, cargo's target directory.
    def self.candidates
      root = File.expand_path("../../..", __dir__)
      checkout = File.file?(File.join(root, "Cargo.toml"))
      [
        ENV.fetch("HOOKSIG_LIB", nil),
        File.join(__dir__, "native", LIB_NAME),
        (File.join(root, "target", "release", LIB_NAME) if checkout),
        (File.join(root, "target", "debug", LIB_NAME) if checkout)
      ].compact.reject(&:empty?)
    end

    def self.find_library
      explicit = ENV.fetch("HOOKSIG_LIB", "")
      unless explicit.empty? || File.file?(explicit)
        raise LoadError, "HOOKSIG_LIB=#{explicit} is not a file: point it at #{LIB_NAME}"
      end

      found = candidates.find { |path| File.file?(path) }
      return found if found

      raise LoadError, <<~MSG
        hooksig: the native library #{LIB_NAME} was not found. Looked in:
          #{candidates.join("\n  ")}
        This hooksig gem carries no library for #{RUBY_PLATFORM}: only the platform gem
        (x86_64-linux, glibc 2.17+) does. Either install that one
        (`gem install hooksig --platform x86_64-linux`), or build the library with Rust in a
        checkout of hooksig: `cargo build --release -p hooksig-c`, then copy
        target/release/#{LIB_NAME} to #{File.join(__dir__, 'native')}/ or set
        HOOKSIG_LIB=/path/to/#{LIB_NAME}.
      MSG
    end

    ffi_lib find_library

    # hooksig_bytes
    class Bytes < FFI::Struct
      layout :ptr, :pointer, :len, :size_t
    end

    # hooksig_header (also used for params)
    class Header < FFI::Struct
      layout :name, :pointer, :name_len, :size_t, :value, :pointer, :value_len, :size_t
    end

    # hooksig_config
    class Config < FFI::Struct
      layout :preset, :pointer, :preset_len, :size_t,
             :scheme_json, :pointer, :scheme_json_len, :size_t,
             :secrets, :pointer, :secrets_len, :size_t,
             :public_keys, :pointer, :public_keys_len, :size_t,
             :private_key, Bytes,
             :params, :pointer, :params_len, :size_t,
             :tolerance_mode, :uint32, :tolerance_seconds, :uint64,
             :replay_namespace, Bytes, :replay_ttl, :uint64
    end

    # hooksig_reply
    class Reply < FFI::Struct
      layout :status, :uint16, :content_type, :pointer, :headers, :pointer, :headers_len, :size_t,
             :body, Bytes, :secret, Bytes
    end

    # hooksig_context, written with Array#pack: now, has_now, url (ptr, len), method (ptr, len).
    CONTEXT_FORMAT = "QCx7JJJJ"

    # hooksig_verified, read from the String C writes it into: timestamp, secret_index,
    # id (ptr, len), has_timestamp.
    VERIFIED_SIZE = 8 + (FFI.type_size(:size_t) * 3) + 8
    VERIFIED_FORMAT = "QJJJC"

    TOLERANCE_DEFAULT = 0
    TOLERANCE_NONE = 1
    TOLERANCE_SECONDS = 2
    NEEDS_URL = 1
    NEEDS_METHOD = 2
    NEEDS_HANDSHAKE = 4
    NEEDS_KEY_AT_VERIFY = 8
    KIND_VERIFICATION = 1
    KIND_CONFIGURATION = 2
    # The largest Unix time or tolerance the ABI holds.
    U64_MAX = 0xFFFF_FFFF_FFFF_FFFF

    attach_function :hooksig_verifier_new, %i[pointer pointer pointer], :int
    attach_function :hooksig_verifier_free, [:pointer], :void
    attach_function :hooksig_verifier_header_names, %i[pointer pointer size_t], :size_t
    attach_function :hooksig_verifier_needs, [:pointer], :uint32
    # verify_packed(verifier, body, len, packed, len, context, out, message): the
    # out-parameters are Strings, read with String#unpack (cheaper than FFI::Struct).
    attach_function :hooksig_verify_packed,
                    %i[pointer buffer_in size_t buffer_in size_t buffer_in buffer_out buffer_out], :int
    # The same function releasing the GVL, for large bodies: other threads run meanwhile.
    attach_function :hooksig_verify_packed_nogvl, :hooksig_verify_packed,
                    %i[pointer buffer_in size_t buffer_in size_t buffer_in buffer_out buffer_out], :int,
                    blocking: true
    # verify_keyed_packed(verifier, body, len, packed, len, context, out, key, capacity,
    # key_len, message): verify and the replay key, into Strings as above.
    KEYED = %i[pointer buffer_in size_t buffer_in size_t buffer_in buffer_out buffer_out size_t buffer_out
               buffer_out].freeze
    attach_function :hooksig_verify_keyed_packed, KEYED, :int
    attach_function :hooksig_verify_keyed_packed_nogvl, :hooksig_verify_keyed_packed, KEYED, :int, blocking: true
    attach_function :hooksig_verifier_replay_ttl, [:pointer], :uint64
    attach_function :hooksig_verifier_namespace, %i[pointer buffer_out], :pointer
    attach_function :hooksig_replay_store_new, [:size_t], :pointer
    attach_function :hooksig_replay_store_free, [:pointer], :void
    attach_function :hooksig_replay_store_claim, %i[pointer buffer_in size_t uint64], :int32
    attach_function :hooksig_replay_store_release, %i[pointer buffer_in size_t], :int
    attach_function :hooksig_replay_store_len, [:pointer], :size_t
    attach_function :hooksig_handshake_packed,
                    %i[pointer buffer_in size_t buffer_in size_t buffer_in pointer pointer], :int
    attach_function :hooksig_reply_free, [:pointer], :void
    attach_function :hooksig_signer_new, %i[pointer pointer pointer], :int
    attach_function :hooksig_signer_free, [:pointer], :void
    attach_function :hooksig_sign,
                    %i[pointer buffer_in size_t buffer_in size_t buffer_in pointer pointer], :int
    attach_function :hooksig_signed_len, [:pointer], :size_t
    attach_function :hooksig_signed_get, %i[pointer size_t pointer], :int
    attach_function :hooksig_signed_free, [:pointer], :void
    attach_function :hooksig_string_free, [:pointer], :void
    attach_function :hooksig_code_name, [:int32], :string
    attach_function :hooksig_code_message, [:int32], :string
    attach_function :hooksig_code_kind, [:int32], :uint32
    attach_function :hooksig_version, [], :string

    # Bodies at least this long are verified without holding the GVL.
    NOGVL_BODY_BYTES = 64 * 1024

    # The core's error table, read once at load: code number => [name, class]. Codes are
    # 1..N with no gap; hooksig_code_kind is 0 past the last.
    CODES = (1..).lazy.map { |n| [n, hooksig_code_name(n).freeze, hooksig_code_kind(n)] }
                 .take_while { |_, _, kind| kind.positive? }
                 .to_h { |n, name, kind| [n, [name, Hooksig.error_class(name, kind)]] }.freeze

    # Raises the error for a result code: the Hooksig::Error subclass of the core's code,
    # carrying #code, or ArgumentError for a misuse of the ABI (invalid_argument).
    # `message` is a message_out (a char ** in a String, or an FFI::Pointer) to read and free.
    def self.check!(code, message = nil)
      return if code.zero?

      text = take_message(message) || hooksig_code_message(code)
      name, klass = CODES[code]
      raise klass.new(text, code: name) if klass
      raise ArgumentError, "hooksig: #{text}" if hooksig_code_name(code) == "invalid_argument"

      raise Error.new(text, code: hooksig_code_name(code))
    end

    # Reads and frees a message_out, or nil when there is none.
    def self.take_message(message)
      return nil unless message

      ptr = message.is_a?(String) ? FFI::Pointer.new(message.unpack1("J")) : message.read_pointer
      return nil if ptr.null?

      text = ptr.read_string.force_encoding(Encoding::UTF_8)
      hooksig_string_free(ptr)
      text
    end
  end

  # Error classes by stable code, every code of the core's table.
  ERRORS = Native::CODES.values.to_h.freeze
end
