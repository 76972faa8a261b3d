# frozen_string_literal: true

require_relative "test_helper"
require "hooksig/rack"

# ruby/sig/hooksig.rbs cannot drift from the code: every class, method, attribute and
# constant it declares exists, and every public method of the API is declared.
# (Debian has no `rbs` to type-check it; this keeps the names honest.)
class TestSignatures < Minitest::Test
  SIG = File.join(ROOT, "ruby", "sig", "hooksig.rbs")

  # [[namespace path, kind, name]] from the .rbs: classes, defs, attr_readers, constants.
  def declarations
    stack = []
    File.readlines(SIG).each_with_object([]) do |line, out|
      next if line.strip.empty? || line.lstrip.start_with?("#")

      indent = line[/\A */].size / 2
      stack = stack.first(indent)
      next if stack.include?(:interface) # an interface's methods are duck types, not code

      case line
      when /\A\s*interface _\w+/ then stack[indent] = :interface
      when /\A\s*(?:class|module) (\w+)/
        stack[indent] = Regexp.last_match(1)
        out << [stack.compact.dup, :class, nil]
      when /\A\s*def (self\.)?(\w+[?!]?):/
        out << [stack.compact.dup, Regexp.last_match(1) ? :smethod : :method, Regexp.last_match(2)]
      when /\A\s*attr_reader (\w+):/ then out << [stack.compact.dup, :method, Regexp.last_match(1)]
      when /\A\s*([A-Z][A-Z_]+):/ then out << [stack.compact.dup, :const, Regexp.last_match(1)]
      end
    end
  end

  def resolve(path) = path.reduce(Object) { |mod, name| mod.const_get(name, false) }

  def test_everything_declared_exists
    decls = declarations
    assert_operator decls.size, :>=, 35
    decls.each do |path, kind, name|
      mod = resolve(path)
      case kind
      when :method
        assert(mod.method_defined?(name) || (name == "initialize" && mod.private_method_defined?(name)),
               "#{path.join('::')}##{name}")
      when :smethod then assert mod.respond_to?(name), "#{path.join('::')}.#{name}"
      when :const then assert mod.const_defined?(name, false), "#{path.join('::')}::#{name}"
      end
    end
  end

  def test_every_public_method_is_declared
    decls = declarations
    [Hooksig::Verifier, Hooksig::Signer, Hooksig::Verified, Hooksig::Reply, Hooksig::Rack::Middleware,
     Hooksig::MemoryReplayStore, Hooksig::RedisReplayStore].each do |klass|
      path = klass.name.split("::")
      declared = decls.select { |p, kind, _| p == path && kind == :method }.map(&:last)
      public = klass.public_instance_methods(false).map(&:to_s) - %w[inspect to_s == eql? hash]
      assert_empty public - declared, "#{klass} methods missing from #{SIG}"
    end
  end
end
