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
# No wheel cache and an empty target directory: pip would reuse the wheel it built from an
# earlier sdist of the same name and version, and the sdist's files all carry one old mtime,
# so cargo would take an earlier build in a reused directory as up to date.
CARGO_TARGET_DIR=$work/target "$work/venv/bin/python" -m pip install --quiet \
  --disable-pip-version-check --no-cache-dir --no-binary hooksig "$sdist"
echo "built and installed from the sdist in $(($(date +%s) - start)) s"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/tests/dist/requirements.txt"

mkdir -p "$work/suite/tests/python"
cp "$ROOT/tests/python/conftest.py" "$ROOT/tests/python/test_vectors.py" "$work/suite/tests/python/"
cp -r "$ROOT/tests/vectors" "$work/suite/tests/"
(cd "$work/suite" && offline "$work/venv/bin/python" -m pytest -q -p no:cacheprovider tests/python/test_vectors.py)
say "sdist: built with pip and passed"
