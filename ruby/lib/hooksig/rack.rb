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

      # app:: the Rack app
      # preset_or_scheme, secret:, secrets:, public_key:, public_keys:, params:, tolerance:::
      #   as Hooksig::Verifier.new, unless verifier: is given
      # verifier:: a Hooksig::Verifier to use
      # public_url:: for schemes that sign the URL (Square, Twilio, HubSpot, ...): the exact
      #              URL the provider calls, as its dashboard has it (a String), or a Proc
      #              taking the env and returning it; default: the request's URL as Rack
      #              sees it (Rack::Request#url), which behind a proxy may differ
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
                     env_key: ENV_KEY, max_body: DEFAULT_MAX_BODY, public_url: nil, **verifier_options)
        @app = app
        @verifier = verifier || build_verifier(preset_or_scheme, verifier_options)
        unless public_url.nil? || public_url.is_a?(String) || public_url.respond_to?(:call)
          raise TypeError, "public_url: must be a String or a Proc taking the env, not #{public_url.class}"
        end

        @public_url = public_url
        @paths = path.nil? ? nil : Array(path).freeze
        @methods = methods&.map { |m| m.to_s.upcase }&.freeze
        @status = Integer(status)
        @on_error = on_error
        @env_key = env_key
        @max_body = check_max_body(max_body)
      end

      # Verifies a request in scope, then calls the app or rejects it.
      def call(env)
        return @app.call(env) unless in_scope?(env)

        body = Body.read(env, @max_body)
        return reject(too_large, env, 413) if body.nil?

        begin
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

      def in_scope?(env)
        return false if @methods && !@methods.include?(env["REQUEST_METHOD"])
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

        payload = JSON.generate(error: error.code)
        [status, { "content-type" => "application/json",
                   "content-length" => payload.bytesize.to_s }, [payload]]
      end
    end

    # Reading the raw body within a limit. Private.
    module Body
      module_function

      # Reads the raw body and leaves it readable for the app; nil when it is over max_body:
      # (then at most max_body + 1 bytes were read, none when Content-Length says so).
      def read(env, max_body)
        return nil if max_body && declared_length(env) > max_body

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

      # The CONTENT_LENGTH as an Integer, or -1 when absent or not plain digits (chunked).
      def declared_length(env)
        value = env["CONTENT_LENGTH"]
        value.is_a?(String) && value.match?(/\A\s*\d+\s*\z/) ? Integer(value.strip, 10) : -1
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
