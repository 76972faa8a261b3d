# frozen_string_literal: true

require "json"
require "stringio"
require "rack/request"
require_relative "../hooksig"

module Hooksig
  # Rack integration (Sinatra, Rails, Hanami, plain Rack).
  module Rack
    # Verifies webhook requests before the app sees them.
    #
    # It reads the raw body itself (so no parser can alter the signed bytes), rewinds it
    # for the app, and stores the Hooksig::Verified result in env["hooksig.verified"].
    # A request that does not verify gets 403 and {"error": "<code>"} by default.
    # A body over max_body: bytes (default 1 MiB) gets 413 and {"error": "body_too_large"}
    # without being hashed: at once when its Content-Length says so, otherwise (chunked) once
    # max_body + 1 bytes were read.
    #
    #   use Hooksig::Rack::Middleware, "github", secret: ENV.fetch("GITHUB_WEBHOOK_SECRET"),
    #                                  path: "/webhooks/github"
    #   # or with a verifier built elsewhere:
    #   use Hooksig::Rack::Middleware, verifier: my_verifier, path: %r{\A/hooks/}
    class Middleware
      # The env key of the Hooksig::Verified result.
      ENV_KEY = "hooksig.verified"
      # The default max_body:, in bytes (1 MiB).
      DEFAULT_MAX_BODY = 1_048_576
      # The code (and VerificationError#code given to on_error) of a body over max_body:.
      TOO_LARGE_CODE = "body_too_large"
      # The error of the 400 answered to a Content-Length that is not a number.
      INVALID_LENGTH_CODE = "invalid_content_length"

      # app:: the Rack app
      # preset_or_scheme, secret:, secrets:, public_key:, public_keys:, params:, tolerance:::
      #   as Hooksig::Verifier.new, unless verifier: is given
      # verifier:: a Hooksig::Verifier to use
      # public_url:: for schemes that sign the URL (Square, Twilio, HubSpot, ...): the exact
      #              URL the provider calls, as its dashboard has it (a String), or a Proc
      #              taking the env and returning it; default: the request's URL as Rack
      #              sees it (Rack::Request#url), which behind a proxy may differ
      # on_secret:: for Asana, whose handshake hands over the webhook's secret: a Proc
      #             (secret, env) that stores it before the handshake is answered; without
      #             it that handshake answers 500 {"error": "handshake_secret_not_stored"}
      # path:: which requests to verify: a String (that path and the paths under it), a
      #        Regexp, an Array of these, a Proc taking the env, or nil for every request
      # methods:: which HTTP methods to verify (default POST, PUT, PATCH; nil for all)
      # status:: the status of a rejection (default 403)
      # on_error:: a Proc (error, env) returning a Rack response, replacing the default
      # env_key:: where the result goes (default "hooksig.verified")
      # max_body:: the largest body read, in bytes (default 1 MiB); a larger one answers 413
      #            (or on_error with a VerificationError whose code is "body_too_large");
      #            nil for no limit
      def initialize(app, preset_or_scheme = nil, verifier: nil, path: nil,
                     methods: %w[POST PUT PATCH], status: 403, on_error: nil,
                     env_key: ENV_KEY, max_body: DEFAULT_MAX_BODY, public_url: nil, on_secret: nil,
                     **verifier_options)
        @app = app
        @verifier = verifier || build_verifier(preset_or_scheme, verifier_options)
        unless public_url.nil? || public_url.is_a?(String) || public_url.respond_to?(:call)
          raise TypeError, "public_url: must be a String or a Proc taking the env, not #{public_url.class}"
        end

        @public_url = public_url
        @on_secret = on_secret
        @paths = path.nil? ? nil : Array(path).freeze
        @methods = methods&.map { |m| m.to_s.upcase }&.freeze
        @status = Integer(status)
        @on_error = on_error
        @env_key = env_key
        @max_body = check_max_body(max_body)
      end

      # Verifies a request in scope, then calls the app or rejects it. A provider's
      # handshake (a GET one too) is answered here and never reaches the app.
      def call(env)
        return @app.call(env) unless path_in_scope?(env)

        verified = @methods.nil? || @methods.include?(env["REQUEST_METHOD"])
        return @app.call(env) unless verified || @verifier.handshakes?

        # A Content-Length that is not a number (1e6, 0x10, +6, empty) is refused as a server
        # would refuse it, whatever this server made of it.
        return json(400, error: INVALID_LENGTH_CODE) if Body.declared_length(env) == :invalid

        body = Body.read(env, @max_body)
        return reject(too_large, env, 413) if body.nil?

        begin
          reply = handshake(body, env) if @verifier.handshakes?
          return reply if reply
          return @app.call(env) unless verified

          env[@env_key] = verify(body, env)
        rescue VerificationError => e
          return reject(e, env)
        end
        @app.call(env)
      end

      private

      # The request's URL and method go only to a verifier whose scheme signs them.
      def verify(body, env)
        url = request_url(env) if @verifier.needs_url?
        method = env["REQUEST_METHOD"] if @verifier.needs_method?
        @verifier.verify(body, env, url: url, method: method)
      end

      # The Rack response to a handshake, or nil for any other request.
      def handshake(body, env)
        reply = @verifier.handshake(body, env, url: request_url(env), method: env["REQUEST_METHOD"])
        return nil if reply.nil?
        return reply.to_rack if reply.secret.nil?
        return json(500, error: "handshake_secret_not_stored") if @on_secret.nil?

        @on_secret.call(reply.secret, env)
        reply.to_rack
      end

      def request_url(env)
        case @public_url
        when nil then ::Rack::Request.new(env).url
        when String then @public_url
        else @public_url.call(env)
        end
      end

      def build_verifier(preset_or_scheme, options)
        if preset_or_scheme.nil?
          raise ArgumentError, "Hooksig::Rack::Middleware needs a preset or scheme (with " \
                               "secret:) or verifier:"
        end
        Verifier.new(preset_or_scheme, **options)
      end

      def path_in_scope?(env)
        return true if @paths.nil?

        path = "#{env['SCRIPT_NAME']}#{env['PATH_INFO']}"
        @paths.any? do |pattern|
          case pattern
          when String then path == pattern || path.start_with?(pattern.end_with?("/") ? pattern : "#{pattern}/")
          when Regexp then pattern.match?(path)
          when Proc then pattern.call(env)
          else raise TypeError, "path: must be String, Regexp, Proc or an Array of them"
          end
        end
      end

      def check_max_body(max_body)
        return nil if max_body.nil?
        raise TypeError, "max_body: must be an Integer or nil, not #{max_body.class}" unless max_body.is_a?(Integer)
        raise ArgumentError, "max_body: must be >= 0, not #{max_body}" if max_body.negative?

        max_body
      end

      def too_large
        VerificationError.new("the body is larger than the #{@max_body}-byte limit", code: TOO_LARGE_CODE)
      end

      def reject(error, env, status = @status)
        return @on_error.call(error, env) if @on_error

        json(status, error: error.code)
      end

      def json(status, payload)
        payload = JSON.generate(payload)
        [status, { "content-type" => "application/json", "content-length" => payload.bytesize.to_s }, [payload]]
      end
    end

    # Reading the raw body within a limit. Private.
    module Body
      module_function

      # Reads the raw body and leaves it readable for the app; nil when it is over max_body:
      # (then at most max_body + 1 bytes were read, none when Content-Length says so).
      def read(env, max_body)
        length = declared_length(env)
        return nil if max_body && length.is_a?(Integer) && length > max_body

        input = env["rack.input"]
        return +"" if input.nil?

        input.rewind if input.respond_to?(:rewind)
        body = max_body ? read_at_most(input, max_body + 1) : (input.read || +"")
        return nil if max_body && body.bytesize > max_body

        begin
          input.rewind
        rescue NoMethodError, IOError, Errno::ESPIPE
          env["rack.input"] = StringIO.new(body)
        end
        body
      end

      # The CONTENT_LENGTH as an Integer (digits, spaces around them allowed); nil when there
      # is none (chunked); :invalid when it is anything else.
      def declared_length(env)
        value = env["CONTENT_LENGTH"]
        return nil if value.nil?
        return :invalid unless value.is_a?(String) && value.match?(/\A[ \t]*\d+[ \t]*\z/)

        Integer(value.strip, 10)
      end

      # Reads until EOF or `limit` bytes, whichever comes first (read(n) may return fewer).
      def read_at_most(input, limit)
        body = String.new(encoding: Encoding::BINARY)
        while body.bytesize < limit
          chunk = input.read(limit - body.bytesize)
          break if chunk.nil? || chunk.empty?

          body << chunk
        end
        body
      end
    end
    private_constant :Body
  end
end
