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
             :params, :pointer, :params_len, :size_t,
             :tolerance_mode, :uint32, :tolerance_seconds, :uint64
    end

    # hooksig_verified, read with String#unpack from a reused buffer.
    VERIFIED_SIZE = 8 + (FFI.type_size(:size_t) * 3) + 8
    VERIFIED_FORMAT = "QJJJC"
    VERIFIED_SECRET_INDEX = 8
    VERIFIED_ID = 8 + FFI.type_size(:size_t)
    VERIFIED_HAS_TIMESTAMP = 8 + (FFI.type_size(:size_t) * 3)
    # The byte of secret_index that holds an index below 256 (getbyte is the cheapest read).
    VERIFIED_SECRET_INDEX_LOW = VERIFIED_SECRET_INDEX +
                                ([1].pack("J").getbyte(0) == 1 ? 0 : FFI.type_size(:size_t) - 1)

    TOLERANCE_DEFAULT = 0
    TOLERANCE_NONE = 1
    TOLERANCE_SECONDS = 2

    attach_function :hooksig_verifier_new, %i[pointer pointer pointer], :int
    attach_function :hooksig_verifier_free, [:pointer], :void
    attach_function :hooksig_verifier_header_count, [:pointer], :size_t
    attach_function :hooksig_verifier_header_name, %i[pointer size_t pointer], :int
    attach_function :hooksig_verifier_yields, [:pointer], :uint32
    attach_function :hooksig_verifier_reads_header, %i[pointer buffer_in size_t], :bool
    # The out-parameters are Strings that verify unpacks: cheaper than FFI::Struct reads.
    attach_function :hooksig_verify_packed,
                    %i[pointer buffer_in size_t buffer_in size_t buffer_in buffer_out buffer_out], :int
    attach_function :hooksig_verify_one,
                    %i[pointer buffer_in size_t buffer_in size_t buffer_in size_t buffer_in buffer_out buffer_out],
                    :int
    # The same functions, releasing the GVL: for large bodies, so other threads run meanwhile.
    attach_function :hooksig_verify_packed_nogvl, :hooksig_verify_packed,
                    %i[pointer buffer_in size_t buffer_in size_t buffer_in buffer_out buffer_out], :int,
                    blocking: true
    attach_function :hooksig_verify_one_nogvl, :hooksig_verify_one,
                    %i[pointer buffer_in size_t buffer_in size_t buffer_in size_t buffer_in buffer_out buffer_out],
                    :int, blocking: true
    attach_function :hooksig_signer_new, %i[pointer pointer pointer], :int
    attach_function :hooksig_signer_free, [:pointer], :void
    attach_function :hooksig_sign,
                    %i[pointer buffer_in size_t buffer_in buffer_in size_t pointer pointer], :int
    attach_function :hooksig_signed_len, [:pointer], :size_t
    attach_function :hooksig_signed_get, %i[pointer size_t pointer], :int
    attach_function :hooksig_signed_free, [:pointer], :void
    attach_function :hooksig_string_free, [:pointer], :void
    attach_function :hooksig_code_name, [:int32], :string
    attach_function :hooksig_code_message, [:int32], :string
    attach_function :hooksig_version, [], :string

    CODE_NAMES = Hash.new { |cache, code| cache[code] = hooksig_code_name(code).freeze }

    # Raises the error for a result code: a Hooksig::Error subclass carrying #code, or
    # ArgumentError for invalid_argument. `message` is a message_out (a char **) to read
    # and free.
    def self.check!(code, message = nil)
      return if code.zero?

      text = nil
      if message
        ptr = message.is_a?(String) ? FFI::Pointer.new(message.unpack1("J")) : message.read_pointer
        unless ptr.null?
          text = ptr.read_string.force_encoding(Encoding::UTF_8)
          Native.hooksig_string_free(ptr)
        end
      end
      name = CODE_NAMES[code]
      text ||= Native.hooksig_code_message(code)
      raise ArgumentError, "hooksig: #{text}" if name == "invalid_argument"

      raise ERRORS.fetch(name) { Error }.new(text, code: name)
    end

    # Bodies at least this long are verified without holding the GVL.
    NOGVL_BODY_BYTES = 64 * 1024
  end
end
