# frozen_string_literal: true

# make test-dist (tests/dist/ruby.sh): the platform gem as `gem install --local` put it in a
# fresh GEM_HOME, with HOOKSIG_LIB unset: where the library comes from, and one Rack request
# through the middleware behind a real WEBrick on 127.0.0.1.

require "minitest/autorun"
require "json"
require "net/http"
require "webrick"
require "rack"
require "rack/handler/webrick"
require "hooksig"
require "hooksig/rack"

# The installed platform gem: its library, and a Rack app behind WEBrick.
class TestInstalledGem < Minitest::Test
  SECRET = "dist-test-secret"

  def test_the_library_comes_from_the_platform_gem
    assert_nil ENV.fetch("HOOKSIG_LIB", nil)
    spec = Gem.loaded_specs.fetch("hooksig")
    assert_equal ENV.fetch("HOOKSIG_DIST_VERSION"), spec.version.to_s
    assert_equal "x86_64-linux", spec.platform.to_s
    assert spec.full_gem_path.start_with?(File.realpath(ENV.fetch("GEM_HOME"))), spec.full_gem_path
    assert_equal File.join(spec.full_gem_path, "lib", "hooksig", "native", "libhooksig_c.so"),
                 Hooksig::Native.find_library
  end

  def test_a_rack_app_verifies_a_webhook
    start(app)
    body = JSON.generate(event_type: "item.sold", item: 7)
    headers = Hooksig::Signer.new("aghanim", secret: SECRET).sign(body)

    ok = post(body, headers)
    assert_equal "200", ok.code
    assert_equal({ "status" => "ok", "secret_index" => 0 }, JSON.parse(ok.body))

    tampered = post(body.sub("7", "8"), headers)
    assert_equal "403", tampered.code
    assert_equal({ "error" => "signature_mismatch" }, JSON.parse(tampered.body))
  end

  def teardown
    @server&.shutdown
    @thread&.join(5)
  end

  private

  def app
    secret = SECRET
    Rack::Builder.new do
      use Hooksig::Rack::Middleware, "aghanim", secret: secret, path: "/webhooks/aghanim"
      run(lambda do |env|
        answer = { status: "ok", secret_index: env["hooksig.verified"].secret_index }
        [200, { "content-type" => "application/json" }, [JSON.generate(answer)]]
      end)
    end.to_app
  end

  def start(app)
    @server = WEBrick::HTTPServer.new(BindAddress: "127.0.0.1", Port: 0,
                                      Logger: WEBrick::Log.new(File::NULL), AccessLog: [])
    @server.mount "/", Rack::Handler::WEBrick, app
    @thread = Thread.new { @server.start }
  end

  def post(body, headers)
    Net::HTTP.start("127.0.0.1", @server.config[:Port], open_timeout: 5, read_timeout: 30) do |http|
      http.post("/webhooks/aghanim", body, headers.merge("Content-Type" => "application/json"))
    end
  end
end
