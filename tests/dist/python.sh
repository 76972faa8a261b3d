#!/usr/bin/env bash
# make test-dist, Python: the wheel in dist/ installed into a fresh venv of every CPython
# 3.9..3.13 found (pyenv's, then python3.X on PATH), offline, then the conformance vectors
# (tests/python/test_vectors.py) and one FastAPI request through uvicorn
# (tests/dist/test_installed.py) run against the installed package.
#
# DIST_PYTHONS="/path/to/python ..." replaces the search; every one of 3.9..3.13 must be
# found unless DIST_PYTHONS is given.

# shellcheck source=tests/dist/lib.sh
source "$(dirname "$0")/lib.sh"

wheel=$(artifact "hooksig-$VERSION-cp39-abi3-manylinux*_x86_64.whl")

find_pythons() {
  local pyenv_root=${PYENV_ROOT:-$HOME/.pyenv} minor candidate found
  for minor in 3.9 3.10 3.11 3.12 3.13; do
    found=
    for candidate in $(printf '%s\n' "$pyenv_root"/versions/"$minor".* | sort -V -r); do
      if [ -x "$candidate/bin/python$minor" ]; then
        found=$candidate/bin/python$minor
        break
      fi
    done
    if [ -z "$found" ] && command -v "python$minor" >/dev/null 2>&1; then
      found=$(command -v "python$minor")
    fi
    if [ -n "$found" ]; then
      printf '%s\n' "$found"
    else
      echo "test-dist: no CPython $minor found (pyenv or python$minor on PATH)" >&2
    fi
  done
}

if [ -n "${DIST_PYTHONS:-}" ]; then
  read -r -a pythons <<<"$DIST_PYTHONS"
else
  mapfile -t pythons < <(find_pythons)
  [ ${#pythons[@]} -eq 5 ] || fail "the wheel is tested on CPython 3.9 to 3.13: found ${#pythons[@]} of 5 (set DIST_PYTHONS to choose)"
fi

check_sandbox
empty=$DIST_TEST/python/empty-index
rm -rf "$DIST_TEST/python"
mkdir -p "$empty"

tested=()
for python in "${pythons[@]}"; do
  minor=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  say "Python $minor ($python): $(basename "$wheel")"
  venv=$DIST_TEST/python/venv-$minor
  "$python" -m venv "$venv"
  # Online, before the sandbox: the test runner and the framework, never hooksig.
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/tests/dist/requirements.txt"

  # The missing-artifact check: without the wheel, pip in the sandbox finds no hooksig at
  # all (no index, no network), so the install below can only have come from dist/.
  log=$DIST_TEST/python/missing-$minor.log
  expect_failure "$log" offline "$venv/bin/python" -m pip install --no-index --find-links "$empty" "hooksig==$VERSION"
  grep -q "No matching distribution found for hooksig==$VERSION" "$log" || { cat "$log" >&2; fail "pip: unexpected failure"; }
  echo "without the wheel: pip fails (No matching distribution found for hooksig==$VERSION)"

  offline "$venv/bin/python" -m pip install --quiet --no-index --find-links "$DIST" --only-binary hooksig "hooksig==$VERSION"

  # The suites run from a copy, so nothing of the checkout (python/hooksig) is importable.
  tests=$DIST_TEST/python/tests-$minor
  mkdir -p "$tests/tests/python" "$tests/tests/dist"
  cp "$ROOT/tests/python/conftest.py" "$ROOT/tests/python/test_vectors.py" "$tests/tests/python/"
  cp -r "$ROOT/tests/vectors" "$tests/tests/"
  cp "$ROOT/tests/dist/test_installed.py" "$tests/tests/dist/"
  (cd "$tests" && offline env HOOKSIG_DIST_VERSION="$VERSION" "$venv/bin/python" -m pytest -q -p no:cacheprovider \
    tests/python/test_vectors.py tests/dist/test_installed.py)
  tested+=("$minor")
done
say "Python: the wheel passed on CPython ${tested[*]}"
