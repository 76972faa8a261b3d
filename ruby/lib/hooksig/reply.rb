# frozen_string_literal: true

module Hooksig
  # What to answer a provider's handshake (Verifier#handshake): status, content type,
  # headers, body, and for Asana the secret it handed over.
  class Reply
    # The HTTP status.
    attr_reader :status
    # The Content-Type of the body.
    attr_reader :content_type
    # Other headers to send, name => value.
    attr_reader :headers
    # The body (binary).
    attr_reader :body
    # A secret the provider handed over (Asana's X-Hook-Secret): store it before answering;
    # nil for every other provider. Never shown by #inspect.
    attr_reader :secret

    def initialize(status, content_type, headers, body, secret)
      @status = status
      @content_type = content_type
      @headers = headers.freeze
      @body = body.freeze
      @secret = secret&.freeze
      freeze
    end

    # The reply as a Rack response: [status, headers, [body]].
    def to_rack
      headers = { "content-type" => @content_type, "content-length" => @body.bytesize.to_s }
      @headers.each { |name, value| headers[name.downcase] = value }
      [@status, headers, [@body]]
    end

    # Shows the status, content type, header names and body, never the secret.
    def inspect
      "#<#{self.class.name} status=#{@status} content_type=#{@content_type.inspect} " \
        "headers=#{@headers.keys.inspect} body=#{@body.inspect}#{' secret=[hidden]' if @secret}>"
    end
    alias to_s inspect

    # Reads a hooksig_reply and frees it. Private.
    def self.take(ptr)
      reply = Native::Reply.new(ptr)
      text = ->(p) { p.read_string.force_encoding(Encoding::UTF_8) }
      headers = Array.new(reply[:headers_len]) do |i|
        header = Native::Header.new(reply[:headers] + (i * Native::Header.size))
        [text.call(header[:name]), text.call(header[:value])]
      end.to_h
      body = reply[:body][:ptr].read_bytes(reply[:body][:len])
      secret = reply[:secret][:ptr].null? ? nil : reply[:secret][:ptr].read_bytes(reply[:secret][:len])
      new(reply[:status], text.call(reply[:content_type]), headers, body, secret&.force_encoding(Encoding::UTF_8))
    ensure
      Native.hooksig_reply_free(ptr)
    end
    private_class_method :take
  end
end
