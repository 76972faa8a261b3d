"""Every ```python block of docs/python.md runs, each in its own process from the repository
root, and every ```python block of the README's Python section compiles."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from conftest import ROOT

DOC = (ROOT / "docs" / "python.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", DOC, flags=re.S)
README = (ROOT / "README.md").read_text()
README_PYTHON = README.split("## Python", 1)[1].split("\n## ", 1)[0]
README_BLOCKS = re.findall(r"```python\n(.*?)```", README_PYTHON, flags=re.S)


def test_the_docs_have_runnable_examples() -> None:
    assert len(BLOCKS) >= 8, f"only {len(BLOCKS)} python blocks in docs/python.md"
    assert any("public_key=" in block for block in BLOCKS), "an asymmetric example"
    assert any("url=" in block for block in BLOCKS), "a URL-signed example"


@pytest.mark.parametrize("index", range(len(BLOCKS)), ids=lambda i: f"docs/python.md block {i + 1}")
def test_docs_python_block_runs(index: int) -> None:
    code = BLOCKS[index]
    env = {k: v for k, v in os.environ.items() if not k.endswith("_SECRET")}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, f"block {index + 1} failed:\n{code}\n{result.stderr}"


@pytest.mark.parametrize(
    "index", range(len(README_BLOCKS)), ids=lambda i: f"README Python block {i + 1}"
)
def test_readme_python_block_compiles(index: int) -> None:
    compile(README_BLOCKS[index], f"README.md python block {index + 1}", "exec")
