"""Import/require time of the installed packages (make bench-packages; figures in packages.md).

Measures the environments `make test-dist` leaves in target/dist-test/: hooksig from the wheel
in each CPython venv, from the npm tarballs in a fresh app, and from the platform gem in a
fresh GEM_HOME. Each figure is timed inside a fresh process (the clock read just before and
just after the import), over ROUNDS processes, interleaved across the packages; the table
gives the median and the minimum in milliseconds, and the median wall time of the whole
process next to that of an empty one of the same interpreter. `fastapi`, `ffi` and `rack`
alone are there for reference: what the helpers and the gem's dependency cost by themselves.

usage: python bench/packages.py [ROUNDS]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "target" / "dist-test"

PY_TIMED = (
    "import time; t = time.perf_counter(); import {m}; print((time.perf_counter() - t) * 1e3)"
)
NODE_CJS = (
    "const t = process.hrtime.bigint(); require('{m}');"
    " console.log(Number(process.hrtime.bigint() - t) / 1e6)"
)
NODE_ESM = "const t = performance.now(); await import('{m}'); console.log(performance.now() - t)"
RUBY_TIMED = (
    "t = Process.clock_gettime(Process::CLOCK_MONOTONIC); require %q({m});"
    " puts((Process.clock_gettime(Process::CLOCK_MONOTONIC) - t) * 1000)"
)


def cases() -> list[tuple[str, list[str], list[str], dict[str, str], str]]:
    """(label, timed command, empty command, environment, cwd) for each measured import."""
    out: list[tuple[str, list[str], list[str], dict[str, str], str]] = []
    for venv in sorted(
        (WORK / "python").glob("venv-3.*"), key=lambda p: [int(x) for x in p.name[5:].split(".")]
    ):
        py = str(venv / "bin" / "python")
        minor = venv.name[5:]
        for module in ("hooksig", "hooksig.fastapi", "fastapi"):
            out.append(
                (
                    f"Python {minor}: `import {module}`",
                    [py, "-c", PY_TIMED.format(m=module)],
                    [py, "-c", "pass"],
                    {},
                    str(ROOT),
                )
            )
    app = WORK / "node" / "app"
    if app.is_dir():
        for module in ("hooksig", "hooksig/express"):
            out.append(
                (
                    f"Node {node_version()}: `require('{module}')`",
                    ["node", "-e", NODE_CJS.format(m=module)],
                    ["node", "-e", ""],
                    {},
                    str(app),
                )
            )
        out.append(
            (
                f"Node {node_version()}: `await import('hooksig')`",
                ["node", "--input-type=module", "-e", NODE_ESM.format(m="hooksig")],
                ["node", "--input-type=module", "-e", ""],
                {},
                str(app),
            )
        )
    gems = WORK / "ruby" / "gems"
    if gems.is_dir():
        env = {"GEM_HOME": str(gems)}
        ruby = subprocess.run(
            ["ruby", "-e", "print RUBY_VERSION"], capture_output=True, text=True
        ).stdout
        for feature in ("hooksig", "hooksig/rack", "ffi", "rack"):
            out.append(
                (
                    f'Ruby {ruby}: `require "{feature}"`',
                    ["ruby", "-e", RUBY_TIMED.format(m=feature)],
                    ["ruby", "-e", ""],
                    env,
                    str(ROOT),
                )
            )
    return out


def node_version() -> str:
    return subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()


def run(command: list[str], env: dict[str, str], cwd: str) -> tuple[float, float]:
    """(the time the command printed, in ms, or 0; the process wall time in ms)."""
    environ = {k: v for k, v in os.environ.items() if k != "HOOKSIG_LIB"} | env
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=environ, cwd=cwd, check=True)
    wall = (time.perf_counter() - start) * 1e3
    printed = done.stdout.strip().splitlines()
    return (float(printed[-1]) if printed else 0.0), wall


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 21
    measured = cases()
    if not measured:
        sys.exit("no test-dist environment in target/dist-test: run `make dist test-dist` first")
    timed: dict[str, list[float]] = {label: [] for label, *_ in measured}
    walls: dict[str, list[float]] = {label: [] for label, *_ in measured}
    empties: dict[str, list[float]] = {label: [] for label, *_ in measured}
    for _ in range(rounds):
        for label, command, empty, env, cwd in measured:
            t, wall = run(command, env, cwd)
            timed[label].append(t)
            walls[label].append(wall)
            empties[label].append(run(empty, env, cwd)[1])
    print(f"{rounds} processes each, interleaved; milliseconds\n")
    print("| import | median | min | process, median | empty process, median |")
    print("|---|---:|---:|---:|---:|")
    for label, *_ in measured:
        print(
            f"| {label} | {statistics.median(timed[label]):.1f} | {min(timed[label]):.1f} "
            f"| {statistics.median(walls[label]):.0f} | {statistics.median(empties[label]):.0f} |"
        )


if __name__ == "__main__":
    main()
