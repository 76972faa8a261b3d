"""The plain path: with ``HOOKSIG_PY_PLAIN=1`` at import, the binding's speed tricks
(bindings/python/src/fast.rs) are off; every vector and API test must give the same answers."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

import hooksig


def test_the_fast_path_is_on_by_default() -> None:
    assert hooksig._hooksig.FAST_PATH is True


def test_vectors_and_api_on_the_plain_path() -> None:
    env = {**os.environ, "HOOKSIG_PY_PLAIN": "1"}
    check = "import hooksig; assert hooksig._hooksig.FAST_PATH is False"
    subprocess.run([sys.executable, "-c", check], env=env, check=True)
    tests = ["tests/python/test_vectors.py", "tests/python/test_api.py"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in summary and "failed" not in summary, summary
