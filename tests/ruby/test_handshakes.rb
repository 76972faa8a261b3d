# frozen_string_literal: true

require_relative "test_helper"
require "socket"
require "webrick"
require "rack"
require "rack/handler/webrick"
require "hooksig/rack"

# Every handshake of tests/vectors/handshakes.json sent, as the provider documents it (its
# method, its URL's path and query, its headers and body, written on a raw socket), to
# Hooksig::Rack::Middleware behind a real WEBrick on 127.0.0.1. A handshake is answered by
# the middleware and never reaches the app, GET ones (Meta, Dropbox, Okta) too; any other
# request is verified as usual. The vectors' signed handshakes carry their providers' old
# timestamps, so these middlewares verify without a window (the vector runner checks the
# windows at the case's `now`).
class TestHandshakes < Minitest::Test
  CASES = JSON.parse(File.read(File.join(Vectors::DIR, "handshakes.json")))["cases"]

  # The verifier options of a case: its keys and params, and no window (see above).
  def self.options(kase)
    options = { tolerance: nil }
    options[:secrets] = kase["secrets"] if kase["secrets"]
    options[:public_keys] = kase["public_keys"] if kase["public_keys"]
    options[:params] = kase["params"] if kase["params"]
    options
  end

  # One server for the class: case i is served under /case/i by its own middleware, which
  # verifies every method (methods: nil) and stores Asana's secret with on_secret:.
  def self.server
    @server ||= begin
      seen = { handled: Queue.new, secrets: Queue.new }
      apps = CASES.each_with_index.map do |kase, i|
        app = lambda do |_env|
          seen[:handled] << i
          [200, { "content-type" => "application/json" }, ['{"handled":true}']]
        end
        on_secret = lambda do |secret, env|
          seen[:secrets] << [i, secret, env["REQUEST_METHOD"]]
          true
        end
        Hooksig::Rack::Middleware.new(app, kase["preset"], path: "/case/#{i}", methods: nil, on_secret: on_secret,
                                                           **options(kase))
      end
      dispatch = lambda do |env|
        index = env["PATH_INFO"][%r{\A/case/(\d+)/}, 1]
        index ? apps.fetch(Integer(index)).call(env) : [404, {}, []]
      end
      server = WEBrick::HTTPServer.new(BindAddress: "127.0.0.1", Port: 0,
                                       Logger: WEBrick::Log.new(File::NULL), AccessLog: [])
      server.mount "/", Rack::Handler::WEBrick, dispatch
      Thread.new { server.start }
      Minitest.after_run { server.shutdown }
      seen.merge(port: server.config[:Port])
    end
  end

  def drain(queue)
    items = []
    items << queue.pop until queue.empty?
    items
  end

  # The request line's target: the provider's path and query, under /case/i.
  def target(kase, index)
    uri = URI(kase["url"])
    "/case/#{index}#{uri.path}#{"?#{uri.query}" if uri.query}"
  end

  # Writes the case's request on a socket and reads the whole answer: [status, headers, body].
  def exchange(kase, index)
    port = self.class.server[:port]
    body = Vectors.bytes(kase["body"])
    head = ["#{kase['method']} #{target(kase, index)} HTTP/1.1".b, "Host: 127.0.0.1:#{port}".b, "Connection: close".b]
    kase["headers"].each { |name, value| head << ("#{Vectors.bytes(name)}: ".b << Vectors.bytes(value)) }
    head << "Content-Length: #{body.bytesize}".b unless kase["method"] == "GET"
    Socket.tcp("127.0.0.1", port, connect_timeout: 5) do |socket|
      socket.write("#{head.join("\r\n")}\r\n\r\n".b << body)
      socket.close_write
      answer = socket.read
      header_text, answer_body = answer.split("\r\n\r\n", 2)
      lines = header_text.split("\r\n")
      status = Integer(lines.shift[%r{\AHTTP/1\.[01] (\d{3})}, 1])
      headers = lines.to_h { |line| line.split(":", 2).then { |name, value| [name.downcase, value.strip] } }
      [status, headers, answer_body.to_s.force_encoding(Encoding::UTF_8)]
    end
  end

  # What verify says of a request that is not a handshake: "ok", or a code.
  def verdict(kase)
    verifier = Hooksig::Verifier.new(kase["preset"], **self.class.options(kase))
    verifier.verify(Vectors.bytes(kase["body"]), Vectors.pairs(kase), url: kase["url"], method: kase["method"])
    "ok"
  rescue Hooksig::VerificationError => e
    e.code
  end

  CASES.each_with_index do |kase, index|
    define_method("test_#{index}_#{kase['name'].gsub(/[^A-Za-z0-9]+/, '_')}") do
      seen = self.class.server
      drain(seen[:handled])
      drain(seen[:secrets])
      status, headers, body = exchange(kase, index)
      handled = drain(seen[:handled]).include?(index)
      secrets = drain(seen[:secrets])
      expect = kase["expect"]
      if expect["error"]
        # A signed handshake that does not verify: refused as any failed delivery.
        assert_equal [403, { "error" => expect["error"] }], [status, JSON.parse(body)]
        refute handled
      elsif expect["reply"].nil?
        # Not a handshake: verified as usual, and handled when it verifies.
        code = verdict(kase)
        expected = code == "ok" ? [200, { "handled" => true }] : [403, { "error" => code }]
        assert_equal expected, [status, JSON.parse(body)]
        assert_equal code == "ok", handled
      else
        reply = expect["reply"]
        assert_equal reply["status"], status, body
        assert_equal reply["content_type"], headers["content-type"]
        reply["headers"].each { |name, value| assert_equal value, headers[name.downcase], name }
        assert_equal reply["body"], body
        refute handled, "a handshake never reaches the app"
        assert_equal(reply["secret"] ? [[index, reply["secret"], kase["method"]]] : [], secrets)
      end
    end
  end

  # Every provider's handshake is among the cases: Slack, Zoom, Twitch, Discord, Meta,
  # Dropbox, Asana, Okta.
  def test_every_provider_is_covered
    providers = CASES.select { |kase| kase["expect"]["reply"] }.map { |kase| kase["preset"] }.uniq.sort
    assert_equal %w[asana discord dropbox meta okta slack twitch zoom], providers
    assert(CASES.any? { |kase| kase["method"] == "GET" && kase["expect"]["reply"] })
  end
end
