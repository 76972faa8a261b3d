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
    # Given a replay store (replay:), it claims each verified delivery once: a duplicate
    # gets 200 {"status": "duplicate"} without calling the app; when the app raises or
    # answers 5xx the claim is released, so the provider's retry is processed; a store that
    # cannot be reached gets 503 {"error": "replay_store_unavailable"} (fail closed: the
    # provider retries) unless on_store_error: :allow.
    #
    #   use Hooksig::Rack::Middleware, "github", secret: ENV.fetch("GITHUB_WEBHOOK_SECRET"),
    #                                  path: "/webhooks/github"
    #   # or with a verifier built elsewhere, and claims shared by every instance:
    #   use Hooksig::Rack::Middleware, verifier: my_verifier, path: %r{\A/hooks/},
    #                                  replay: Hooksig::RedisReplayStore.new(Redis.new(url: ...))
    class Middleware
      # The env key of the Hooksig::Verified result.
      ENV_KEY = "hooksig.verified"
      # The default max_body:, in bytes (1 MiB).
      DEFAULT_MAX_BODY = 1_048_576
      # The code (and VerificationError#code given to on_error) of a body over max_body:.
      TOO_LARGE_CODE = "body_too_large"
      # The error of the 400 answered to a Content-Length that is not a number.
      INVALID_LENGTH_CODE = "invalid_content_length"
      # The default duplicate_body: (answered with duplicate_status:, default 200).
      DUPLICATE_BODY = { status: "duplicate" }.freeze
      # The error of the 503 answered when the replay store cannot be reached.
      UNAVAILABLE_CODE = ReplayStoreError::CODE
      # The error of the 403 answered when on_secret: refuses Asana's handed-over secret.
      SECRET_REFUSED_CODE = "handshake_secret_refused"

      # app:: the Rack app
      # preset_or_scheme, secret:, secrets:, public_key:, public_keys:, params:, tolerance:::
      #   as Hooksig::Verifier.new, unless verifier: is given
      # verifier:: a Hooksig::Verifier to use
      # public_url:: for schemes that sign the URL (Square, Twilio, HubSpot, ...): the exact
      #              URL the provider calls, as its dashboard has it (a String), or a Proc
      #              taking the env and returning it; default: the request's URL as Rack
      #              sees it (Rack::Request#url), which behind a proxy may differ
      # on_secret:: for Asana, whose handshake hands over the webhook's secret: a Proc
      #             (secret, env) that stores it before the handshake is answered; when it
      #             returns false or raises, the handshake answers 403
      #             {"error": "handshake_secret_refused"}; without it 500
      #             {"error": "handshake_secret_not_stored"}. The secret is never logged.
      # replay:: a replay store (Hooksig::MemoryReplayStore for one process,
      #          Hooksig::RedisReplayStore for many, or anything with claim(key, ttl) -> true
      #          or false and release(key)); nil (default) for no replay protection
      # on_store_error:: :fail (default): a store that raises answers 503
      #                  {"error": "replay_store_unavailable"}; :allow: the delivery goes on
      #                  unclaimed. Either way the failure is written to env["rack.errors"].
      # duplicate_status:, duplicate_body:: the answer to a duplicate (default 200 and
      #                                     {"status": "duplicate"}, as JSON)
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
                     replay: nil, on_store_error: nil, duplicate_status: nil, duplicate_body: nil,
                     **verifier_options)
        @app = app
        @verifier = verifier || build_verifier(preset_or_scheme, verifier_options)
        @replay = Claims.new(replay, on_store_error, duplicate_status, duplicate_body)
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

          env[@env_key] = found = verify(body, env)
        rescue VerificationError => e
          return reject(e, env)
        end
        @replay.enabled? ? @replay.call(@app, env, found) : @app.call(env)
      end

      private

      # The request's URL and method go only to a verifier whose scheme signs them.
      def verify(body, env)
        url = request_url(env) if @verifier.needs_url?
        method = env["REQUEST_METHOD"] if @verifier.needs_method?
        # With a store, the replay key is made in the same call.
        return @verifier.__send__(:verify_keyed, body, env, url: url, method: method) if @replay.enabled?

        @verifier.verify(body, env, url: url, method: method)
      end

      # The Rack response to a handshake, or nil for any other request.
      def handshake(body, env)
        reply = @verifier.handshake(body, env, url: request_url(env), method: env["REQUEST_METHOD"])
        return nil if reply.nil?
        return reply.to_rack if reply.secret.nil?
        return json(500, error: "handshake_secret_not_stored") if @on_secret.nil?

        stored = begin
          @on_secret.call(reply.secret, env)
        rescue StandardError => e
          # The class only: a message may quote the secret.
          log(env, "hooksig: on_secret raised #{e.class}: the handshake secret was refused")
          false
        end
        stored == false ? json(403, error: SECRET_REFUSED_CODE) : reply.to_rack
      end

      def log(env, line)
        env["rack.errors"]&.puts(line)
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

    # The replay options of a middleware, checked when it is built, and the claim and
    # release it makes around the app for each verified delivery. Private.
    class Claims
      def initialize(store, on_store_error, duplicate_status, duplicate_body)
        @store = store
        unless store.nil? || (store.respond_to?(:claim) && store.respond_to?(:release))
          raise TypeError, "replay: must be a replay store with claim(key, ttl) and release(key) " \
                           "(Hooksig::MemoryReplayStore, Hooksig::RedisReplayStore, or your own), got #{store.class}"
        end
        if store.nil? && !(on_store_error.nil? && duplicate_status.nil? && duplicate_body.nil?)
          raise ArgumentError, "on_store_error:, duplicate_status: and duplicate_body: need a replay store (replay:)"
        end

        @allow = allow?(on_store_error)
        @duplicate_status = status(duplicate_status)
        @duplicate_body = JSON.generate(duplicate_body.nil? ? Middleware::DUPLICATE_BODY : duplicate_body).freeze
        @unavailable = JSON.generate(error: Middleware::UNAVAILABLE_CODE).freeze
        freeze
      end

      def enabled? = !@store.nil?

      # Claims the delivery, then calls the app (or answers the duplicate, or 503); releases
      # the claim when the app raises or answers 5xx.
      def call(app, env, found)
        key = found.replay_key
        case claim(key, found.replay_ttl, env)
        when :duplicate then answer(@duplicate_status, @duplicate_body)
        when :unavailable then answer(503, @unavailable)
        when :unclaimed then app.call(env)
        else
          done = false
          begin
            response = app.call(env)
            done = response[0].to_i < 500
            response
          ensure
            release(key, env) unless done
          end
        end
      end

      private

      def claim(key, ttl, env)
        claimed = @store.claim(key, ttl)
      rescue StandardError => e
        log(env, "the replay store failed (#{e.class}: #{e.message}); " +
                 (@allow ? "processing the delivery unclaimed (on_store_error: :allow)" : "answering 503"))
        @allow ? :unclaimed : :unavailable
      else
        return :claimed if claimed == true
        return :duplicate if claimed == false

        raise TypeError, "a replay store's claim must return true or false, got #{Fast.describe(claimed)}"
      end

      # A release that fails leaves the claim to its TTL: retries until then are answered
      # as duplicates, which the log says.
      def release(key, env)
        @store.release(key)
      rescue StandardError => e
        log(env, "the app failed and its delivery's replay claim could not be released (#{e.class}: " \
                 "#{e.message}); the provider's retries are answered as duplicates until the claim expires")
      end

      def log(env, text)
        env["rack.errors"]&.puts("hooksig: #{text}")
      end

      def answer(status, body)
        [status, { "content-type" => "application/json", "content-length" => body.bytesize.to_s }, [body]]
      end

      def allow?(value)
        case value
        when nil, :fail, "fail" then false
        when :allow, "allow" then true
        else raise ArgumentError, "on_store_error: must be :fail or :allow, not #{value.inspect}"
        end
      end

      def status(value)
        return 200 if value.nil?
        raise TypeError, "duplicate_status: must be an Integer, not #{value.class}" unless Integer === value
        return value if value.between?(200, 599)

        raise ArgumentError, "duplicate_status: must be an HTTP status (200-599), not #{value}"
      end
    end
    private_constant :Claims

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
