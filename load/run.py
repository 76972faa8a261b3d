#!/usr/bin/env python3
"""`make load`: wrk against each example app and its provider-docs twin, RSS before and after.

For each app (FastAPI, Express, Sinatra) and its snippet twin (load/snippet_*): start the
server on 127.0.0.1 (a free port), sign the three kinds of request with the release CLI
(`hooksig sign --format json`), run wrk with load/mix.lua for a warm-up, read VmRSS from
/proc/PID/status, run wrk for the measured time, read VmRSS again, stop the server. Prints a
table and exits 1 when any hooksig app gave a wrong answer or grew its RSS by more than
the bar (10 %). Standard library only; run from the repository root.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / "target/release/hooksig"
SECRET = "load-aghanim-secret"  # a local test value, never a real one
RSS_BAR = 0.10
# The request mix: 60 % valid, 20 % tampered, 20 % replayed (--mix valid: valid only,
# --mix invalid: tampered and replayed only; to see where a difference in requests/s lies).
MIXES = {
    "default": ["valid", "valid", "tampered", "valid", "replayed"] * 2,
    "valid": ["valid"],
    "invalid": ["tampered", "replayed"],
}
PATTERN = MIXES["default"]
ENV = {
    "AGHANIM_SECRET": SECRET,
    "AGHANIM_WEBHOOK_SECRET": SECRET,
    "NOYO_SECRET": "load-noyo-secret",
    "RACK_ENV": "production",
    "NODE_ENV": "production",
    "HOOKSIG_LIB": str(ROOT / "target/release/libhooksig_c.so"),
}

# name, command (PORT is replaced), path, which verifier
APPS = [
    (
        "fastapi",
        [".venv/bin/python", "examples/fastapi/server.py", "--port", "PORT"],
        "/webhooks/aghanim",
        "hooksig",
    ),
    (
        "fastapi-snippet",
        [".venv/bin/python", "load/snippet_fastapi.py", "--port", "PORT"],
        "/webhooks/aghanim",
        "snippet",
    ),
    ("express", ["node", "examples/express/server.js"], "/webhooks/aghanim", "hooksig"),
    ("express-snippet", ["node", "load/snippet_express.js"], "/webhooks/aghanim", "snippet"),
    ("sinatra", ["ruby", "examples/sinatra/server.rb"], "/webhook", "hooksig"),
    ("sinatra-snippet", ["ruby", "load/snippet_sinatra.rb"], "/webhook", "snippet"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    assert match, status
    return int(match.group(1))


def body(player_id: str) -> str:
    # "event_data" for the FastAPI and Express apps, "data" for the Sinatra one.
    data = {"player_id": player_id}
    return json.dumps(
        {"event_type": "player.verify", "event_id": "whevt_load", "event_data": data, "data": data},
        separators=(",", ":"),
    )


def sign(text: str, timestamp: int) -> dict[str, str]:
    out = subprocess.run(
        [
            str(CLI),
            "sign",
            "--preset",
            "aghanim",
            "--secret-env",
            "AGHANIM_SECRET",
            "--data",
            text,
            "--timestamp",
            str(timestamp),
            "--format",
            "json",
        ],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **ENV},
    ).stdout
    headers: dict[str, str] = json.loads(out)
    return headers


def lua_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_requests(path: Path, route: str, replay_expect: int) -> None:
    now = int(time.time())
    valid = body("load-valid-ok")
    signed_tampered = body("load-tamper-org")
    tampered = signed_tampered.replace("load-tamper-org", "load-tamper-acc")
    replayed = body("load-replay-old")
    kinds = {
        "valid": (valid, sign(valid, now)),
        "tampered": (tampered, sign(signed_tampered, now)),
        "replayed": (replayed, sign(replayed, now - 3600)),  # outside the 300 s window
    }
    lines = [
        "return {",
        f"  path = {lua_str(route)},",
        f"  replay_expect = {replay_expect},",
        "  pattern = {" + ", ".join(lua_str(k) for k in PATTERN) + "},",
    ]
    for kind, (text, headers) in kinds.items():
        hs = {**headers, "Content-Type": "application/json"}
        items = ", ".join(f"[{lua_str(k)}] = {lua_str(v)}" for k, v in hs.items())
        lines.append(f"  {kind} = {{ body = {lua_str(text)}, headers = {{ {items} }} }},")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n")


def wait_port(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server exited ({proc.returncode}):\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"the server did not listen on {port} within 60 s:\n{log.read_text()}")


def wrk(args: argparse.Namespace, url: str, seconds: int, requests_file: Path) -> dict[str, str]:
    cmd = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "load/mix.lua"),
        url,
    ]
    out = subprocess.run(
        cmd,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "HOOKSIG_LOAD_REQUESTS": str(requests_file)},
    ).stdout
    result_line = next((ln for ln in out.splitlines() if ln.startswith("HOOKSIG_RESULT ")), None)
    if result_line is None:
        sys.exit(f"no result from wrk:\n{out}")
    result = dict(kv.split("=", 1) for kv in result_line.split()[1:])
    other = next((ln for ln in out.splitlines() if ln.startswith("HOOKSIG_FIRST_OTHER ")), None)
    if other:
        result["first_other"] = other.split(" ", 1)[1]
    result["command"] = " ".join([*cmd[:-3], "load/mix.lua", url])
    return result


def run_app(
    args: argparse.Namespace, name: str, cmd: list[str], route: str, kind: str, tmp: Path
) -> dict[str, object]:
    port = free_port()
    cmd = [str(port) if c == "PORT" else c for c in cmd]
    log = tmp / f"{name}.log"
    env = {**os.environ, **ENV, "PORT": str(port)}
    with log.open("wb") as log_file:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        wait_port(port, proc, log)
        url = f"http://127.0.0.1:{port}{route}"
        requests_file = tmp / f"{name}.lua"
        # Signed right before the run: the valid ones stay inside the 300 s window.
        write_requests(requests_file, route, 403 if kind == "hooksig" else 200)
        rss_start = rss_kib(proc.pid)
        warm = wrk(args, url, args.warmup, requests_file)
        rss_before = rss_kib(proc.pid)
        write_requests(requests_file, route, 403 if kind == "hooksig" else 200)
        res = wrk(args, url, args.seconds, requests_file)
        rss_after = rss_kib(proc.pid)
        time.sleep(1)
        rss_idle = rss_kib(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    growth = (rss_after - rss_before) / rss_before
    row: dict[str, object] = {
        "app": name,
        "verifier": kind,
        "pid_cmd": " ".join(cmd),
        "rss_start_kib": rss_start,
        "rss_before_kib": rss_before,
        "rss_after_kib": rss_after,
        "rss_idle_kib": rss_idle,
        "rss_growth": growth,
        "warmup_wrong": int(warm["wrong"]),
        **res,
    }
    print(
        f"{name:16} {float(res['rps']):9.1f} req/s  wrong={res['wrong']} (warm-up {warm['wrong']}) "
        f"replayed_accepted={res['replayed_accepted']}  RSS {rss_before} -> {rss_after} KiB "
        f"({growth:+.1%})",
        flush=True,
    )
    if "first_other" in res:
        print(f"   first unexpected answer: {res['first_other']}", flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20, help="measured wrk run per app")
    parser.add_argument("--warmup", type=int, default=10, help="warm-up wrk run per app")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--only", help="comma list of app names (default: all)")
    parser.add_argument(
        "--mix",
        choices=sorted(MIXES),
        default="default",
        help="default: 60 %% valid, 20 %% tampered, 20 %% replayed",
    )
    parser.add_argument("--json", type=Path, help="write the rows here as JSON")
    args = parser.parse_args()
    global PATTERN
    PATTERN = MIXES[args.mix]
    if not CLI.exists():
        sys.exit(f"{CLI} is missing: cargo build --release -p hooksig-cli")
    only = set(args.only.split(",")) if args.only else None
    rows = []
    with tempfile.TemporaryDirectory(prefix="hooksig-load-") as tmp:
        for name, cmd, route, kind in APPS:
            if only is None or name in only:
                rows.append(run_app(args, name, cmd, route, kind, Path(tmp)))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")

    print()
    print(
        "| app | verifier | requests/s | answers | wrong | replayed accepted | "
        "RSS after warm-up (KiB) | RSS after load (KiB) | growth |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['app']} | {r['verifier']} | {float(str(r['rps'])):.0f} | {r['answered']} | "
            f"{r['wrong']} | {r['replayed_accepted']} | {r['rss_before_kib']} | "
            f"{r['rss_after_kib']} | {float(str(r['rss_growth'])):+.1%} |"
        )
    by_name = {str(r["app"]): r for r in rows}
    for base in ("fastapi", "express", "sinatra"):
        if base in by_name and f"{base}-snippet" in by_name:
            ratio = float(str(by_name[base]["rps"])) / float(str(by_name[f"{base}-snippet"]["rps"]))
            print(f"{base}: hooksig / snippet requests/s = {ratio:.2f}")
    failed = [
        r
        for r in rows
        if r["verifier"] == "hooksig"
        and (
            int(str(r["wrong"]))
            or int(str(r["warmup_wrong"]))
            or float(str(r["rss_growth"])) > RSS_BAR
        )
    ]
    snippet_wrong = [r for r in rows if r["verifier"] == "snippet" and int(str(r["wrong"]))]
    if failed or snippet_wrong:
        print(
            "FAILED: " + ", ".join(str(r["app"]) for r in failed + snippet_wrong), file=sys.stderr
        )
        sys.exit(1)
    print("load: every hooksig app answered every request as expected; RSS within 10 %.")


if __name__ == "__main__":
    main()
