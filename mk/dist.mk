# Packaging (issue 12; DESIGN.md "Packaging"): `make dist` writes what `pip install hooksig`,
# `npm install hooksig`, `gem install hooksig` and crates.io would serve, for x86_64 Linux
# with glibc 2.17 or newer (zig from PyPI links every native file against glibc 2.17), and
# `make test-dist` installs each artifact where no Rust toolchain is on PATH and nothing can
# be fetched, then runs the conformance vectors and a real framework request through it.
# docs/releasing.md: the full release matrix and which part of it is built here.

DIST := dist
DIST_TOOLS := .venv-dist
DIST_STAGE := target/dist
DIST_TRIPLE := x86_64-unknown-linux-gnu
DIST_GLIBC := 2.17
DIST_RELEASE := target/$(DIST_TRIPLE)/release
DIST_VERSION := $(shell sed -n 's/^version = "\(.*\)"$$/\1/p' Cargo.toml | head -n 1)
DIST_CLI := hooksig-cli-$(DIST_VERSION)-$(DIST_TRIPLE)
# The tools venv first on PATH (maturin, cargo-zigbuild, and python -m ziglang for zig);
# every native file stripped of its symbols.
DIST_ENV := PATH="$(abspath $(DIST_TOOLS))/bin:$$PATH" CARGO_PROFILE_RELEASE_STRIP=symbols
# cargo publish refuses uncommitted changes in the packages; a checkout being worked on
# packages them anyway (a clean clone, as CI has, does not need the flag).
DIST_DIRTY = $(if $(shell git status --porcelain -- crates/hooksig crates/hooksig-cli README.md LICENSE-MIT LICENSE-APACHE 2>/dev/null),--allow-dirty)

.PHONY: dist dist-tools dist-versions dist-python dist-native dist-node dist-ruby dist-cli dist-crates \
	test-dist test-dist-artifacts test-dist-python test-dist-node test-dist-ruby test-dist-cli test-dist-sdist \
	bench-packages

## dist-tools: .venv-dist with the pinned packaging tools of tests/dist/tools.txt (PyPI).
dist-tools: $(DIST_TOOLS)/.installed

$(DIST_TOOLS)/.installed: tests/dist/tools.txt
	@test -x $(DIST_TOOLS)/bin/python || $(PYTHON) -m venv $(DIST_TOOLS)
	$(DIST_TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(DIST_TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/dist/tools.txt
	@touch $@

## dist: every artifact, from scratch, into dist/ (wheel + sdist, npm tarballs, gems, crates, CLI).
dist: dist-tools dist-versions
	rm -rf $(DIST) $(DIST_STAGE)
	mkdir -p $(DIST) $(DIST_STAGE)
	$(MAKE) --no-print-directory dist-python dist-native
	$(MAKE) --no-print-directory dist-node dist-ruby dist-cli dist-crates
	@echo "make dist: $(DIST)/"; ls -l $(DIST)

# One version everywhere: Cargo's, package.json's, npm/*/package.json's, the gem's.
dist-versions:
	@bash tests/dist/versions.sh

## dist-python: the abi3 wheel (manylinux2014 = glibc 2.17, maturin --zig) and the sdist.
dist-python: dist-tools
	$(DIST_ENV) maturin build --release --strip --zig --target $(DIST_TRIPLE) --compatibility manylinux2014 --out $(DIST)
	$(DIST_ENV) maturin sdist --out $(DIST)
	$(DIST_TOOLS)/bin/auditwheel show $(DIST)/hooksig-$(DIST_VERSION)-*.whl | tee $(DIST_STAGE)/auditwheel.txt
	@tr -s ' \n' ' ' < $(DIST_STAGE)/auditwheel.txt | grep -q 'consistent with the following platform tag: "manylinux_2_17_x86_64"' \
	  || { echo "auditwheel: the wheel is not manylinux_2_17_x86_64" >&2; exit 1; }
	$(DIST_TOOLS)/bin/twine check --strict $(DIST)/hooksig-$(DIST_VERSION)-*.whl $(DIST)/hooksig-$(DIST_VERSION).tar.gz

## dist-native: the Node addon, the C library (for the gem) and the CLI, linked by zig for glibc 2.17.
dist-native: dist-tools
	$(DIST_ENV) cargo zigbuild --release --target $(DIST_TRIPLE).$(DIST_GLIBC) -p hooksig-node -p hooksig-c -p hooksig-cli

## dist-node: hooksig-<version>.tgz (no addon; optionalDependencies) and hooksig-linux-x64-gnu-<version>.tgz.
dist-node:
	node npm/pack.js $(DIST) $(DIST_STAGE)/npm linux-x64-gnu=$(DIST_RELEASE)/libhooksig_node.so

## dist-ruby: the plain gem (no library; says how to build it) and the x86_64-linux gem with libhooksig_c.so.
dist-ruby:
	rm -rf $(DIST_STAGE)/gem && cp -r ruby $(DIST_STAGE)/gem
	rm -rf $(DIST_STAGE)/gem/lib/hooksig/native
	cp LICENSE-MIT LICENSE-APACHE $(DIST_STAGE)/gem/
	cd $(DIST_STAGE)/gem && gem build hooksig.gemspec --output $(abspath $(DIST))/hooksig-$(DIST_VERSION).gem
	mkdir -p $(DIST_STAGE)/gem/lib/hooksig/native
	cp $(DIST_RELEASE)/libhooksig_c.so $(DIST_STAGE)/gem/lib/hooksig/native/
	cd $(DIST_STAGE)/gem && gem build hooksig-platform.gemspec --output $(abspath $(DIST))/hooksig-$(DIST_VERSION)-x86_64-linux.gem

## dist-cli: the `hooksig` release binary in a .tar.gz with the README and the licenses.
dist-cli:
	rm -rf $(DIST_STAGE)/$(DIST_CLI) && mkdir -p $(DIST_STAGE)/$(DIST_CLI)
	cp $(DIST_RELEASE)/hooksig README.md LICENSE-MIT LICENSE-APACHE $(DIST_STAGE)/$(DIST_CLI)/
	tar -C $(DIST_STAGE) --owner=0 --group=0 --numeric-owner --sort=name -czf $(DIST)/$(DIST_CLI).tar.gz $(DIST_CLI)

## dist-crates: `cargo publish --dry-run` of hooksig and hooksig-cli (packages and builds them), then the .crate files.
# To verify hooksig-cli, cargo builds it against the packaged hooksig, which it unpacks into
# $CARGO_HOME/registry/src/-<hash>/ and compiles as a registry crate: it reuses both the
# unpacked copy and the build on the next run of the same version, even when the sources
# changed. So the copy is removed first, and the builds go to a target directory that
# `make dist` starts empty.
DIST_CARGO_HOME := $(or $(CARGO_HOME),$(HOME)/.cargo)
DIST_CRATES_TARGET := $(DIST_STAGE)/crates-target
dist-crates:
	rm -rf $(DIST_CARGO_HOME)/registry/src/-*/hooksig-$(DIST_VERSION) $(DIST_CARGO_HOME)/registry/src/-*/hooksig-cli-$(DIST_VERSION)
	CARGO_TARGET_DIR=$(DIST_CRATES_TARGET) cargo publish --dry-run $(DIST_DIRTY) -p hooksig -p hooksig-cli
	CARGO_TARGET_DIR=$(DIST_CRATES_TARGET) cargo package --no-verify $(DIST_DIRTY) -p hooksig -p hooksig-cli
	cp $(DIST_CRATES_TARGET)/package/hooksig-$(DIST_VERSION).crate $(DIST_CRATES_TARGET)/package/hooksig-cli-$(DIST_VERSION).crate $(DIST)/

## test-dist: each artifact of dist/ installed offline with no Rust on PATH, then tested (see tests/dist/).
test-dist:
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory test-dist-artifacts test-dist-python test-dist-node test-dist-ruby test-dist-cli test-dist-sdist \
	  && echo "make test-dist: every artifact passed in $$(( $$(date +%s) - start )) s"

test-dist-artifacts: dist-tools
	$(DIST_TOOLS)/bin/python tests/dist/artifacts.py $(DIST) $(DIST_VERSION)

test-dist-python:
	bash tests/dist/python.sh

test-dist-node:
	bash tests/dist/node.sh

test-dist-ruby: ruby-deps
	bash tests/dist/ruby.sh

test-dist-cli:
	bash tests/dist/cli.sh

## test-dist-sdist: the sdist builds with pip where Rust is present (online), and the wheel it makes works.
test-dist-sdist:
	bash tests/dist/sdist.sh

## bench-packages: import/require time of the installed packages of test-dist (bench/packages.md).
bench-packages:
	$(PYTHON) bench/packages.py
