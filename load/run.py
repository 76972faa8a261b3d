#!/usr/bin/env python3
"""`make load`: wrk against each example app and its provider-docs twin, RSS before and after;
then the replay run.

For each app (FastAPI, Express, Sinatra) and its snippet twin (load/snippet_*): start the
server on 127.0.0.1 (a free port), sign the three kinds of request with the release CLI
(`hooksig sign --format json`), run wrk with load/mix.lua for a warm-up, read VmRSS from
/proc/PID/status, run wrk for the measured time, read VmRSS again, stop the server. Prints a
table and exits 1 when any hooksig app gave a wrong answer or grew its RSS by more than
the bar (10 %).

The replay run (issue 11; one line of REPLAY_APPS per app): a redis-server on a free port;
for each app, two instances sharing it, under two wrk at once (load/replay.lua), one per
instance, sending the same fresh deliveries to both and then repeats; once with replay
protection and once without (REPLAY=off). Each instance appends every event it processes to
its PROCESSED_LOG; fails when, with replay protection, any event was processed twice or any
answer was wrong, and when any request got no answer. Standard library only (the deliveries
are signed by load/replay_sign.py in the project venv); run from the repository root.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
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


# Extra environment of an app in the runs above: the FastAPI example claims deliveries by
# default, and mix.lua sends one valid request again and again (the replay run measures that).
APP_ENV = {"fastapi": {"REPLAY": "off"}}


@dataclass
class ReplayApp:
    """One app of the replay run. It must verify Aghanim's deliveries on ``path`` and claim
    them in the Redis of ``REDIS_URL`` (``REPLAY=off``: no replay protection), answer a
    processed ``player.verify`` with 200 and the player id in the body, a duplicate with 200
    ``{"status": "duplicate"}``, and append the ``event_id`` of each processed event as a line
    to the file ``PROCESSED_LOG``. ``PORT`` in ``command`` is replaced by the port."""

    name: str
    command: list[str]
    path: str
    env: dict[str, str] = field(default_factory=dict)


REPLAY_APPS = [
    ReplayApp(
        "fastapi",
        [".venv/bin/python", "examples/fastapi/server.py", "--port", "PORT"],
        "/webhooks/aghanim",
    ),
    ReplayApp("express", ["node", "examples/express/server.js"], "/webhooks/aghanim"),
    ReplayApp("sinatra", ["ruby", "examples/sinatra/server.rb"], "/webhook"),
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
    env = {**os.environ, **ENV, **APP_ENV.get(name, {}), "PORT": str(port)}
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


# --- the replay run --------------------------------------------------------------------------


class Redis:
    """redis-server on a free loopback port, persistence off."""

    def __init__(self, tmp: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            sys.exit("the replay run needs redis-server: bash .ci/install-redis.sh")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        log = (tmp / "redis.log").open("wb")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_port(self.port, self.process, tmp / "redis.log")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def sign_deliveries(out: Path, count: int, first: int) -> None:
    subprocess.run(
        [
            str(ROOT / ".venv/bin/python"),
            str(ROOT / "load/replay_sign.py"),
            str(out),
            str(count),
            str(first),
        ],
        check=True,
        env={**os.environ, **ENV},
    )


def replay_wrk(
    args: argparse.Namespace, urls: list[str], seconds: int, deliveries: Path
) -> list[dict[str, str]]:
    """Two wrk at once, one per instance, with the same deliveries."""
    results: list[dict[str, str]] = [{} for _ in urls]
    errors: list[str] = []

    def one(n: int, url: str) -> None:
        cmd = [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "load/replay.lua"),
            url,
        ]
        done = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            env={
                **os.environ,
                "HOOKSIG_LOAD_DELIVERIES": str(deliveries),
                "HOOKSIG_LOAD_THREADS": str(args.threads),
            },
        )
        line = next(
            (ln for ln in done.stdout.splitlines() if ln.startswith("HOOKSIG_RESULT ")), None
        )
        if line is None:
            errors.append(f"no result from wrk:\n{done.stdout}\n{done.stderr}")
            return
        result = dict(kv.split("=", 1) for kv in line.split()[1:])
        other = next(
            (ln for ln in done.stdout.splitlines() if ln.startswith("HOOKSIG_FIRST_OTHER ")), None
        )
        if other:
            result["first_other"] = other.split(" ", 1)[1]
        results[n] = result

    runs = [threading.Thread(target=one, args=(n, url)) for n, url in enumerate(urls)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    if errors:
        sys.exit(errors[0])
    return results


def run_replay_app(
    args: argparse.Namespace, app: ReplayApp, protected: bool, redis_url: str, tmp: Path
) -> dict[str, object]:
    mode = "replay" if protected else "no-replay"
    logs = [tmp / f"{app.name}-{mode}-{n}.processed" for n in range(2)]
    procs = []
    urls = []
    try:
        for n, log_path in enumerate(logs):
            port = free_port()
            cmd = [str(port) if c == "PORT" else c for c in app.command]
            env = {
                **os.environ,
                **ENV,
                **app.env,
                "PORT": str(port),
                "REDIS_URL": redis_url,
                "PROCESSED_LOG": str(log_path),
            }
            if not protected:
                env["REPLAY"] = "off"
            server_log = tmp / f"{app.name}-{mode}-{n}.log"
            with server_log.open("wb") as out:
                proc = subprocess.Popen(
                    cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
                )
            procs.append(proc)
            wait_port(port, proc, server_log)
            urls.append(f"http://127.0.0.1:{port}{app.path}")
        # Warm-up on deliveries of their own, then as many fresh deliveries as the warm-up
        # rate says both instances answer in the measured time (each is sent to both).
        stamp = int(time.time() * 1000) % 10_000 * 10_000_000
        warm_file = tmp / f"{app.name}-{mode}-warm.lua"
        sign_deliveries(warm_file, 20_000, stamp)
        warm = replay_wrk(args, urls, args.warmup, warm_file)
        rate = sum(float(r["rps"]) for r in warm) / 2
        count = max(1000, int(rate * args.seconds * 1.1))
        deliveries = tmp / f"{app.name}-{mode}.lua"
        sign_deliveries(deliveries, count, stamp + 1_000_000)
        for log_path in logs:
            log_path.unlink(missing_ok=True)  # the warm-up's
        res = replay_wrk(args, urls, args.seconds, deliveries)
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    events = Counter(
        line for log_path in logs if log_path.exists() for line in log_path.read_text().split()
    )
    twice = sum(1 for n in events.values() if n > 1)
    total = {
        k: sum(int(r[k]) for r in res) for k in ("requests", "processed", "duplicate", "other")
    }
    # A request wrk sent and got no answer to (connection refused or reset, timeout): an
    # instance that died or hung would otherwise leave no wrong answer behind.
    errors = ("err_connect", "err_read", "err_write", "err_timeout")
    no_answer = sum(int(r[k]) for r in res + warm for k in errors)
    # Without replay protection a duplicate answer is wrong too (there is no store to say it).
    wrong = total["other"] + (0 if protected else total["duplicate"])
    row: dict[str, object] = {
        "app": app.name,
        "replay": protected,
        "rps": sum(float(r["rps"]) for r in res),
        "deliveries": count,
        **total,
        "events_processed": len(events),
        "processed_twice": twice,
        "wrong": wrong,
        "warmup_wrong": sum(int(r["other"]) for r in warm),
        "no_answer": no_answer,
        "lat_p50_us": max(int(r["lat_p50_us"]) for r in res),
        "lat_p99_us": max(int(r["lat_p99_us"]) for r in res),
    }
    first_other = next((r["first_other"] for r in res if "first_other" in r), None)
    print(
        f"{app.name:10} {'with' if protected else 'without'} replay protection: "
        f"{row['rps']:8.1f} req/s  processed={total['processed']} duplicate={total['duplicate']} "
        f"wrong={wrong} no answer={no_answer} events processed twice={twice}",
        flush=True,
    )
    if first_other:
        print(f"   first unexpected answer: {first_other}", flush=True)
    return row


def replay_run(
    args: argparse.Namespace, only: set[str] | None, tmp: Path
) -> list[dict[str, object]]:
    apps = [a for a in REPLAY_APPS if only is None or f"{a.name}-replay" in only]
    if not apps:
        return []
    redis = Redis(tmp)
    rows = []
    try:
        for app in apps:
            for protected in (True, False):
                rows.append(run_replay_app(args, app, protected, redis.url, tmp))
    finally:
        redis.stop()
    print()
    print(
        "| app | replay protection | requests/s (2 instances) | answers | processed | "
        "duplicate | wrong | events processed twice | p99 latency (ms) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['app']} | {'Redis' if r['replay'] else 'off'} | {float(str(r['rps'])):.0f} | "
            f"{r['requests']} | {r['processed']} | {r['duplicate']} | {r['wrong']} | "
            f"{r['processed_twice']} | {int(str(r['lat_p99_us'])) / 1000:.1f} |"
        )
    by = {(r["app"], r["replay"]): r for r in rows}
    for app in apps:
        if (app.name, True) in by and (app.name, False) in by:
            ratio = float(str(by[app.name, True]["rps"])) / float(str(by[app.name, False]["rps"]))
            print(f"{app.name}: requests/s with / without replay protection = {ratio:.2f}")
    return rows


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
    parser.add_argument(
        "--no-replay", action="store_true", help="skip the replay run (two instances + Redis)"
    )
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
        replay_rows = replay_run(args, only, Path(tmp)) if not args.no_replay else []
    if args.json:
        args.json.write_text(json.dumps(rows + replay_rows, indent=2) + "\n")
    replay_failed = [
        r
        for r in replay_rows
        if r["replay"]
        and (int(str(r["wrong"])) or int(str(r["processed_twice"])) or int(str(r["warmup_wrong"])))
    ]
    replay_failed += [r for r in replay_rows if not r["replay"] and int(str(r["wrong"]))]
    replay_failed += [r for r in replay_rows if int(str(r["no_answer"])) and r not in replay_failed]
    if not rows:
        if replay_failed:
            sys.exit("FAILED: " + ", ".join(f"{r['app']}-replay" for r in replay_failed))
        return

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
    if failed or snippet_wrong or replay_failed:
        print(
            "FAILED: " + ", ".join(str(r["app"]) for r in failed + snippet_wrong + replay_failed),
            file=sys.stderr,
        )
        sys.exit(1)
    print("load: every hooksig app answered every request as expected; RSS within 10 %.")


if __name__ == "__main__":
    main()
