# frozen_string_literal: true

module Hooksig
  # A replay store could not claim or release: Redis unreachable, timed out, or answering an
  # error. #cause is the client's exception. Hooksig::Rack::Middleware answers 503
  # {"error": "replay_store_unavailable"} for it (unless on_store_error: :allow).
  class ReplayStoreError < Error
    CODE = "replay_store_unavailable"
  end

  # Remembers which deliveries were claimed, in this process: the core's store (through the
  # C ABI), bounded (the oldest claim goes first when it is full), each claim forgotten after
  # its TTL, safe to share between threads. One process only: apps on several instances (or
  # Puma in cluster mode) share a Hooksig::RedisReplayStore instead.
  #
  #   store = Hooksig::MemoryReplayStore.new
  #   store.claim(verified.replay_key, verified.replay_ttl)   # => true the first time
  #   store.release(verified.replay_key)                     # the handler failed: let the retry in
  class MemoryReplayStore
    # The default max_keys:.
    DEFAULT_MAX_KEYS = 100_000

    # The most claims held.
    attr_reader :max_keys

    # max_keys:: the most claims held (at least 1); the oldest goes first when full
    def initialize(max_keys: DEFAULT_MAX_KEYS)
      raise TypeError, "max_keys: must be an Integer, got #{max_keys.class}" unless Integer === max_keys
      unless max_keys.between?(1, (2**(8 * FFI.type_size(:size_t))) - 1)
        raise ArgumentError, "max_keys: must be at least 1, got #{max_keys}"
      end

      @max_keys = max_keys
      @native = FFI::AutoPointer.new(Native.hooksig_replay_store_new(max_keys),
                                     Native.method(:hooksig_replay_store_free))
      freeze
    end

    # Claims `key` for `ttl` seconds: true the first time within that time (process the
    # delivery), false while an earlier claim lives (a replay or a retry).
    def claim(key, ttl)
      key = Replay.key(key)
      got = Native.hooksig_replay_store_claim(@native, key, key.bytesize, Replay.ttl(ttl))
      Native.check!(-got) if got.negative?
      got == 1
    end

    # Forgets a claim, so that the provider's retry is processed (the handler failed).
    def release(key)
      key = Replay.key(key)
      Native.check!(Native.hooksig_replay_store_release(@native, key, key.bytesize))
      nil
    end

    # How many claims are held (expired ones count until they are evicted).
    def size = Native.hooksig_replay_store_len(@native)

    def inspect = "#<#{self.class.name} max_keys=#{@max_keys} claims=#{size}>"
    alias to_s inspect
  end

  # Claims in Redis (or Valkey), shared by every instance of an app: one
  # `SET <prefix><key> 1 NX PX <ttl in ms>` per claim, one `DEL` per release, over the
  # `redis` gem's client (or anything with its #set(key, value, nx:, px:) and #del).
  #
  #   redis = Redis.new(url: ENV.fetch("REDIS_URL"), connect_timeout: 1, read_timeout: 1,
  #                     write_timeout: 1, reconnect_attempts: 0)
  #   store = Hooksig::RedisReplayStore.new(redis)
  #
  # Give the client short timeouts, so that a Redis that stops answering fails the request
  # (503, the provider retries) instead of holding it. Any error of the client is raised as
  # Hooksig::ReplayStoreError, its #cause the client's.
  class RedisReplayStore
    # The default prefix:.
    DEFAULT_PREFIX = "hooksig:"

    # The client, and the start of every key.
    attr_reader :redis, :prefix

    # redis:: a Redis client (Redis.new(...))
    # prefix:: the start of every key (default "hooksig:")
    def initialize(redis, prefix: DEFAULT_PREFIX)
      unless redis.respond_to?(:set) && redis.respond_to?(:del)
        raise TypeError, "redis must be a Redis client (with #set and #del), got #{redis.class}"
      end
      raise TypeError, "prefix: must be a String, got #{prefix.class}" unless prefix.is_a?(String)

      @redis = redis
      @prefix = prefix.b.freeze
      freeze
    end

    # `SET <prefix><key> 1 NX PX <ttl in ms>`: true when the key was set (the first claim),
    # false when it was there. A ttl of 0 claims nothing and is true.
    def claim(key, ttl)
      key = @prefix + Replay.key(key).b
      ttl = Replay.ttl(ttl)
      return true if ttl.zero?

      begin
        set = @redis.set(key, "1", nx: true, px: ttl * 1000)
      rescue StandardError => e
        raise ReplayStoreError, "Redis could not claim the key: #{e.class}: #{e.message}"
      end
      # redis-rb answers true / false to SET NX; "OK" / nil are the raw replies.
      [true, "OK"].include?(set)
    end

    # `DEL <prefix><key>`.
    def release(key)
      key = @prefix + Replay.key(key).b
      begin
        @redis.del(key)
      rescue StandardError => e
        raise ReplayStoreError, "Redis could not release the key: #{e.class}: #{e.message}"
      end
      nil
    end

    def inspect = "#<#{self.class.name} #{@redis.class} prefix=#{@prefix.inspect}>"
    alias to_s inspect
  end

  # What the stores share (checking a key and a TTL), and the verifier's replay options. Private.
  module Replay
    module_function

    # Verifier.new's namespace: (a non-empty String or Symbol; its UTF-8 text) and replay_ttl:
    # (whole seconds, at least 1) into a Native::Config, the namespace copied to native memory
    # that `memory` keeps alive; nil leaves the default (the preset's name, 24 hours).
    def options(config, namespace, replay_ttl, memory)
      unless namespace.nil?
        unless namespace.is_a?(String) || namespace.is_a?(Symbol)
          raise TypeError, "namespace: must be a String, got #{namespace.class}"
        end

        text = utf8(namespace.to_s, "namespace:")
        raise ArgumentError, "namespace: must not be empty: it starts every replay key" if text.empty?

        config[:replay_namespace][:ptr] = Config.buffer(text, memory)
        config[:replay_namespace][:len] = text.bytesize
      end
      return if replay_ttl.nil?
      raise TypeError, "replay_ttl: must be seconds (Integer), not #{replay_ttl.class}" unless Integer === replay_ttl
      return config[:replay_ttl] = replay_ttl if replay_ttl.between?(1, Native::U64_MAX)

      raise ArgumentError, "replay_ttl: must be 1 to 2**64 - 1 seconds (0 s protects nothing), got #{replay_ttl}"
    end

    # A key as UTF-8 text (Verified#replay_key gives one); ArgumentError when it has none.
    def key(key)
      raise TypeError, "key must be a String, got #{Fast.describe(key)}" unless String === key
      return key if key.encoding == Encoding::UTF_8 && key.valid_encoding?

      utf8(key, "key")
    end

    # The UTF-8 text of a String in any encoding (its bytes, for a binary one), a copy;
    # ArgumentError when it has none.
    def utf8(text, what)
      text = text.encode(Encoding::UTF_8) unless text.encoding == Encoding::UTF_8 || text.encoding == Encoding::BINARY
      copy = text.dup.force_encoding(Encoding::UTF_8)
      raise ArgumentError, "#{what} must be UTF-8 text" unless copy.valid_encoding?

      copy
    rescue EncodingError
      raise ArgumentError, "#{what} must be text with a UTF-8 form"
    end

    # A TTL in whole seconds, from 0 to 2**64 - 1.
    def ttl(ttl)
      raise TypeError, "ttl must be whole seconds (Integer), got #{Fast.describe(ttl)}" unless Integer === ttl
      raise ArgumentError, "ttl must be from 0 to 2**64 - 1 seconds, got #{ttl}" unless ttl.between?(0, Native::U64_MAX)

      ttl
    end
  end
  private_constant :Replay
end
