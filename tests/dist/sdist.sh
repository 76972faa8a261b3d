#!/usr/bin/env bash
# make test-dist, the sdist: `pip install dist/hooksig-<version>.tar.gz` builds it where Rust
# is present, as a user without a matching wheel would. This is the one step of test-dist
# with a toolchain and the network (maturin is the build backend, from PyPI; the crates come
# from crates.io); the wheel it builds then runs the conformance vectors, offline.

# shellcheck source=tests/dist/lib.sh
source "$(dirname "$0")/lib.sh"

sdist=$(artifact "hooksig-$VERSION.tar.gz")
command -v cargo >/dev/null || fail "the sdist check needs cargo on PATH"
work=$DIST_TEST/sdist
rm -rf "$work"
python=${PYTHON:-python3}
"$python" -m venv "$work/venv"
say "pip install $(basename "$sdist") with $("$python" --version) and $(cargo --version)"
start=$(date +%s)
# A target directory of its own outlives the run, so a second run rebuilds only hooksig.
CARGO_TARGET_DIR=$ROOT/target/sdist-build "$work/venv/bin/python" -m pip install --quiet \
  --disable-pip-version-check --no-binary hooksig "$sdist"
echo "built and installed from the sdist in $(($(date +%s) - start)) s"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/tests/dist/requirements.txt"

mkdir -p "$work/suite/tests/python"
cp "$ROOT/tests/python/conftest.py" "$ROOT/tests/python/test_vectors.py" "$work/suite/tests/python/"
cp -r "$ROOT/tests/vectors" "$work/suite/tests/"
(cd "$work/suite" && offline "$work/venv/bin/python" -m pytest -q -p no:cacheprovider tests/python/test_vectors.py)
say "sdist: built with pip and passed"
