# frozen_string_literal: true

require_relative "test_helper"
require "open3"

# Every ```ruby block of docs/ruby.md runs, each in its own process from the repository root
# with no *_SECRET in its environment (a block that reads REDIS_URL gets the suite's
# redis-server); every ```ruby block of the README's Ruby section is valid Ruby (ruby -c: its
# config.ru lines need an app around them).
class TestDocs < Minitest::Test
  DOC_BLOCKS = File.read(File.join(ROOT, "docs", "ruby.md")).scan(/```ruby\n(.*?)```/m).flatten
  README_RUBY = File.read(File.join(ROOT, "README.md")).split("## Ruby", 2)[1].split("\n## ", 2)[0]
  README_BLOCKS = README_RUBY.scan(/```ruby\n(.*?)```/m).flatten

  def run_ruby(*args, stdin: "", redis: false)
    env = ENV.to_h.reject { |name, _| name.end_with?("_SECRET") }.merge("HOOKSIG_LIB" => Hooksig::Native.find_library)
    env["REDIS_URL"] = RedisServer.shared.fresh.url if redis
    Open3.capture3(env, RbConfig.ruby, "-I#{File.join(ROOT, 'ruby', 'lib')}", *args, chdir: ROOT, stdin_data: stdin)
  end

  def test_the_docs_have_runnable_examples
    assert_operator DOC_BLOCKS.size, :>=, 8
    assert DOC_BLOCKS.any? { |block| block.include?("public_key:") }, "an asymmetric example"
    assert DOC_BLOCKS.any? { |block| block.include?("url:") }, "a URL-signed example"
    assert DOC_BLOCKS.any? { |block| block.include?("RedisReplayStore") }, "a Redis replay example"
    refute_empty README_BLOCKS
  end

  DOC_BLOCKS.each_with_index do |block, i|
    define_method("test_docs_ruby_block_#{i + 1}_runs") do
      _out, err, status = run_ruby("-e", block, redis: block.include?("REDIS_URL"))
      assert status.success?, "docs/ruby.md block #{i + 1} failed:\n#{block}\n#{err}"
    end
  end

  README_BLOCKS.each_with_index do |block, i|
    define_method("test_readme_ruby_block_#{i + 1}_is_valid_ruby") do
      _out, err, status = run_ruby("-c", stdin: block)
      assert status.success?, "README Ruby block #{i + 1}:\n#{err}"
    end
  end
end
