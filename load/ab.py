#!/usr/bin/env python3
"""`make load-ab`: requests/s of each example app vs its snippet twin, interleaved.

On a shared machine one 20 s run per app drifts with whatever else runs. Here both servers of
a pair run at once (the idle one costs nothing), each gets a warm-up, then wrk alternates
between them for ROUNDS short runs each (hooksig first in odd rounds, snippet first in even
ones), with load/mix.lua and its answer checks. Prints each round's ratio and the median.
Exits 1 on a wrong answer. Standard library only; uses load/run.py's helpers.

    python3 load/ab.py [--rounds 6] [--seconds 5] [--only fastapi,express,sinatra]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run


def start(name: str, tmp: Path) -> tuple[subprocess.Popen[bytes], str, Path, int]:
    _, cmd, route, kind = next(a for a in run.APPS if a[0] == name)
    port = run.free_port()
    cmd = [str(port) if c == "PORT" else c for c in cmd]
    log = tmp / f"{name}.log"
    env = {**os.environ, **run.ENV, **run.APP_ENV.get(name, {}), "PORT": str(port)}
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            cmd, cwd=run.ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    run.wait_port(port, proc, log)
    return (
        proc,
        f"http://127.0.0.1:{port}{route}",
        tmp / f"{name}.lua",
        403 if kind == "hooksig" else 200,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=5, help="one wrk run")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--only", default="fastapi,express,sinatra")
    args = parser.parse_args()
    wrong = 0
    summary = []
    with tempfile.TemporaryDirectory(prefix="hooksig-ab-") as tmp_dir:
        tmp = Path(tmp_dir)
        for base in args.only.split(","):
            names = [base, f"{base}-snippet"]
            servers = {n: start(n, tmp) for n in names}
            try:
                for _, url, reqs, replay in servers.values():
                    run.write_requests(reqs, "/" + url.split("/", 3)[3], replay)
                    wrong += int(run.wrk(args, url, args.warmup, reqs)["wrong"])
                rps: dict[str, list[float]] = {n: [] for n in names}
                for r in range(args.rounds):
                    for n in names if r % 2 == 0 else names[::-1]:
                        _, url, reqs, replay = servers[n]
                        run.write_requests(reqs, "/" + url.split("/", 3)[3], replay)
                        res = run.wrk(args, url, args.seconds, reqs)
                        wrong += int(res["wrong"])
                        rps[n].append(float(res["rps"]))
                    ratio = rps[base][-1] / rps[names[1]][-1]
                    print(
                        f"{base} round {r + 1}: hooksig {rps[base][-1]:.0f}, "
                        f"snippet {rps[names[1]][-1]:.0f} req/s, ratio {ratio:.2f}",
                        flush=True,
                    )
            finally:
                for proc, *_ in servers.values():
                    proc.terminate()
                    proc.wait(10)
            ratios = [a / b for a, b in zip(rps[base], rps[names[1]])]
            summary.append(
                f"| {base} | {statistics.median(rps[base]):.0f} | "
                f"{statistics.median(rps[names[1]]):.0f} | {statistics.median(ratios):.2f} | "
                f"{min(ratios):.2f} to {max(ratios):.2f} |"
            )
    print()
    print(f"{args.rounds} interleaved rounds of {args.seconds} s per server, medians:")
    print("| app | hooksig req/s | snippet req/s | median ratio | ratio range |")
    print("|---|---:|---:|---:|---|")
    print("\n".join(summary))
    print(f"wrong answers (hooksig and snippet, warm-ups included): {wrong}")
    sys.exit(1 if wrong else 0)


if __name__ == "__main__":
    main()
