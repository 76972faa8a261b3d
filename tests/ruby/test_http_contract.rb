# frozen_string_literal: true

require_relative "test_helper"
require "socket"
require "webrick"
require "rack"
require "rack/handler/webrick"
require "hooksig/rack"

# tests/vectors/http.json, the helper contract, against Hooksig::Rack::Middleware behind a
# real WEBrick on 127.0.0.1. Every request is written on a raw socket, so header bytes
# >= 0x80 and malformed Content-Length values go out exactly as the case says.
class TestHttpContract < Minitest::Test
  CASES = Vectors.http_cases
  # The middleware hands the app the raw body; it parses no JSON, so the cases about a
  # helper that does (invalid_json) are not its contract.
  APPLICABLE = CASES.reject { |kase| kase["expect"]["json_helpers_only"] }
  # WEBrick reads a Content-Length of "0x10" or "" as 0 (String#to_i): it reads no body and
  # leaves CONTENT_LENGTH out of the env, so the middleware sees an empty body, not the
  # malformed header, and refuses it as a mismatch (403, which the contract allows; the app
  # never runs). The other malformed forms reach the middleware, which answers 400
  # invalid_content_length (tests/ruby/test_rack.rb pins that one).

  # One server for the whole class: case i is served at /case/i by its own middleware.
  def self.server
    @server ||= begin
      handled = Queue.new
      apps = APPLICABLE.each_with_index.map { |kase, i| middleware(kase, i, handled) }
      dispatch = lambda do |env|
        index = env["PATH_INFO"][%r{\A/case/(\d+)\z}, 1]
        index ? apps.fetch(Integer(index)).call(env) : [404, {}, []]
      end
      server = WEBrick::HTTPServer.new(BindAddress: "127.0.0.1", Port: 0,
                                       Logger: WEBrick::Log.new(File::NULL), AccessLog: [])
      server.mount "/", Rack::Handler::WEBrick, dispatch
      Thread.new { server.start }
      Minitest.after_run { server.shutdown }
      { port: server.config[:Port], handled: handled }
    end
  end

  def self.middleware(kase, index, handled)
    app = lambda do |env|
      handled << [index, env["rack.input"].read]
      [200, { "content-type" => "application/json" }, ['{"ok":true}']]
    end
    options = { path: "/case/#{index}" }
    options[:secrets] = kase["secrets"].map { |s| Vectors.bytes(s) } if kase["secrets"]
    options[:public_keys] = kase["public_keys"] if kase["public_keys"]
    options[:tolerance] = kase["tolerance"] if kase.key?("tolerance")
    options[:max_body] = kase["max_body"] if kase.key?("max_body")
    options[:public_url] = kase["public_url"] if kase["public_url"]
    Hooksig::Rack::Middleware.new(app, kase["preset"], **options)
  end

  # The request's header lines: the signed headers, then the case's own.
  def header_lines(kase, index, port, body)
    lines = []
    if (sign = kase["sign"])
      keys = kase["private_key"] ? { private_key: kase["private_key"] } : { secret: Vectors.bytes(kase["secrets"][0]) }
      url = sign["url"] == "request" ? "http://127.0.0.1:#{port}/case/#{index}" : sign["url"]
      signed = Hooksig::Signer.new(kase["preset"], **keys)
                              .sign(body, timestamp: Time.now.to_i - sign["age"], url: url, method: "POST")
      signed.each { |name, value| lines << "#{name}: #{value}".b }
    end
    (kase["headers"] || []).each { |name, value| lines << ("#{Vectors.bytes(name)}: ".b << Vectors.bytes(value)) }
    lines
  end

  # Writes the request, reads the whole answer: [status, body].
  def exchange(kase, index)
    server = self.class.server
    body = Vectors.bytes(kase["body"])
    head = ["POST /case/#{index} HTTP/1.1".b, "Host: 127.0.0.1:#{server[:port]}".b,
            "Content-Type: application/json".b, "Connection: close".b]
    head.concat(header_lines(kase, index, server[:port], body))
    payload = body
    if !kase.key?("content_length")
      head << "Content-Length: #{body.bytesize}".b
    elsif kase["content_length"].nil?
      head << "Transfer-Encoding: chunked".b
      chunks = body.bytes.each_slice(1000).map { |c| "#{c.size.to_s(16)}\r\n#{c.pack('C*')}\r\n" }
      payload = "#{chunks.join}0\r\n\r\n".b
    else
      head << "Content-Length: #{kase['content_length']}".b
    end
    Socket.tcp("127.0.0.1", server[:port], connect_timeout: 5) do |socket|
      socket.write("#{head.join("\r\n")}\r\n\r\n".b << payload)
      socket.close_write
      answer = socket.read
      status = Integer(answer[%r{\AHTTP/1\.[01] (\d{3})}, 1])
      [status, answer.split("\r\n\r\n", 2)[1].to_s]
    end
  end

  def drain(queue)
    items = []
    items << queue.pop until queue.empty?
    items
  end

  APPLICABLE.each_with_index do |kase, index|
    define_method("test_#{kase['name'].gsub(/[^A-Za-z0-9]+/, '_')}") do
      handled = self.class.server[:handled]
      drain(handled)
      status, body = exchange(kase, index)
      expect = kase["expect"]
      ran = drain(handled).any? { |i, _| i == index }
      assert_includes Array(expect["status"]), status, "#{kase['name']}: answered #{status} #{body}"
      # A list of codes: any one of them (a Rack env, like a WSGI environ, holds a repeated
      # header as one value joined by commas, which is a mismatch, not a repeat).
      if expect["error"]
        assert_includes Array(expect["error"]).map { |code| { "error" => code } }, JSON.parse(body), kase["name"]
      end
      assert_equal expect["handler"], ran, "#{kase['name']}: handler ran?" if expect.key?("handler")
      assert_equal(expect["handler_if_status"] == status, ran, kase["name"]) if expect.key?("handler_if_status")
    end
  end

  # The app sees the verified bytes unchanged, a body over the limit never reaches it, and
  # every case of the contract that applies to the middleware ran.
  def test_the_contract_is_covered
    assert_operator APPLICABLE.size, :>=, 20
    assert_equal(["invalid_json"], (CASES - APPLICABLE).map { |k| k["expect"]["error"] })
    handled = self.class.server[:handled]
    drain(handled)
    kase = APPLICABLE.find { |k| k["name"].start_with?("a valid delivery") }
    exchange(kase, APPLICABLE.index(kase))
    assert_equal [[APPLICABLE.index(kase), Vectors.bytes(kase["body"])]], drain(handled)
  end
end
