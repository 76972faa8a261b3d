"""hooksig (Python) against the standard library and peer libraries, in one process.

Run: ``make bench-python`` (builds the native module in release mode first), or
``python bench/python_bench.py [--quick]`` inside the project venv.

Every contestant verifies the same signed request (same body, same headers, a dict with
lower-case names as an ASGI framework hands them over) and must accept it; each figure is the
best of several timed runs, in nanoseconds per verification. Ratios are contestant time
divided by hooksig time (above 1: hooksig is faster).

- ``stdlib (docs)``: the provider docs' snippet: ``hmac.new(key, f"{ts}.{payload}".encode(),
  sha256).hexdigest()`` and ``hmac.compare_digest`` (the Aghanim example, decode included).
- ``stdlib (fastest)``: ``hmac.digest`` over the same bytes and ``compare_digest`` against
  ``bytes.fromhex`` of the header: the quickest one-call stdlib form (the bar's baseline).
- ``stdlib (keyed HMAC, copied)``: for reference, an ``hmac.new`` object keyed once and
  ``copy()``-ed per request, as hooksig keys its MAC once.
- peers: ``standardwebhooks.Webhook.verify``, ``svix.Webhook.verify``,
  ``stripe.WebhookSignature.verify_header``, each against hooksig's matching preset.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import platform
import sys
import threading
import time
import timeit
from collections.abc import Callable
from datetime import datetime, timezone

import standardwebhooks
import stripe
import svix

import hooksig

SIZES = [0, 1024, 16 * 1024, 1024 * 1024]
# Rounds over all contestants, keeping each one's best: a noisy neighbour on a shared
# machine then slows one round, not one contestant.
ROUNDS = 7
AGHANIM_SECRET = "sk_aghanim_bench_secret_0123456789"
WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
STRIPE_SECRET = "whsec_stripe_bench_secret"
MSG_ID = "msg_2Lc8Pz2QmB8k0Xbq9mDnJzQeHfK"

COMMON_HEADERS = {
    "host": "hooks.example.com",
    "user-agent": "Bench/1.0",
    "content-type": "application/json",
    "accept": "*/*",
    "accept-encoding": "gzip",
}


def payload(size: int) -> bytes:
    """A JSON-looking body of exactly ``size`` bytes."""
    unit = b'{"event_type":"item.add","event_data":{"player_id":"2D2R-OP3C","sku":"gems_100"}}'
    return (unit * (size // len(unit) + 1))[:size]


def best_ns(fn: Callable[[], object], budget: float) -> float:
    """Best time per call in ns: calls are batched to ~budget/3 s, best of 3 batches."""
    number = 1
    while True:
        elapsed = timeit.timeit(fn, number=number)
        if elapsed >= budget / 20 or number >= 1 << 22:
            break
        number *= 4
    number = max(1, int(number * (budget / 3) / max(elapsed, 1e-9)))
    return min(timeit.repeat(fn, number=number, repeat=3)) / number * 1e9


def lowered(headers: dict[str, str]) -> dict[str, str]:
    return {**COMMON_HEADERS, "content-length": "0", **{k.lower(): v for k, v in headers.items()}}


def contestants(size: int) -> list[tuple[str, str, Callable[[], object]]]:
    """(group, name, fn): every fn verifies one valid request and returns truthy."""
    body = payload(size)
    text = body.decode()
    now = int(time.time())
    out: list[tuple[str, str, Callable[[], object]]] = []

    # Aghanim: hex HMAC-SHA256 of "{timestamp}.{body}".
    aghanim = hooksig.Verifier("aghanim", secret=AGHANIM_SECRET)
    headers = lowered(hooksig.Signer("aghanim", secret=AGHANIM_SECRET).sign(body, timestamp=now))
    key = AGHANIM_SECRET.encode()

    def stdlib_docs() -> bool:
        ts = headers["x-aghanim-signature-timestamp"]
        received = headers["x-aghanim-signature"]
        signed = f"{ts}.{body.decode()}"
        computed = hmac.new(key, signed.encode(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(computed, received)

    def stdlib_fastest() -> bool:
        ts = headers["x-aghanim-signature-timestamp"].encode()
        received = bytes.fromhex(headers["x-aghanim-signature"])
        return hmac.compare_digest(hmac.digest(key, ts + b"." + body, "sha256"), received)

    keyed = hmac.new(key, digestmod="sha256")

    def stdlib_keyed() -> bool:
        ts = headers["x-aghanim-signature-timestamp"].encode()
        received = bytes.fromhex(headers["x-aghanim-signature"])
        mac = keyed.copy()
        mac.update(ts)
        mac.update(b".")
        mac.update(body)
        return hmac.compare_digest(mac.digest(), received)

    out += [
        ("aghanim", "hooksig", lambda: aghanim.verify(body, headers)),
        ("aghanim", "stdlib (docs)", stdlib_docs),
        ("aghanim", "stdlib (fastest)", stdlib_fastest),
        ("aghanim", "stdlib (keyed HMAC, copied)", stdlib_keyed),
    ]

    # Standard Webhooks and Svix: base64 HMAC-SHA256 of "{id}.{timestamp}.{body}".
    stamp = datetime.fromtimestamp(now, tz=timezone.utc)

    def signed(prefix: str, signature: str) -> dict[str, str]:
        return lowered(
            {
                f"{prefix}-id": MSG_ID,
                f"{prefix}-timestamp": str(now),
                f"{prefix}-signature": signature,
            }
        )

    std = standardwebhooks.Webhook(WHSEC)
    std_sent = signed("webhook", std.sign(MSG_ID, stamp, text))
    ours_std = hooksig.Verifier("standard-webhooks", secret=WHSEC)

    def std_peer() -> object:
        # json_parse=False: the peer must not pay for a JSON parse hooksig does not do.
        return std.verify(body, std_sent, json_parse=False) is not False

    sv = svix.Webhook(WHSEC)
    svix_sent = signed("svix", sv.sign(MSG_ID, stamp, text))
    ours_svix = hooksig.Verifier("svix", secret=WHSEC)

    def svix_peer() -> object:
        sv.verify(body, svix_sent)
        return True

    out += [
        ("standard-webhooks", "hooksig", lambda: ours_std.verify(body, std_sent)),
        ("standard-webhooks", "standard-webhooks (PyPI)", std_peer),
        ("svix", "hooksig", lambda: ours_svix.verify(body, svix_sent)),
        ("svix", "svix (PyPI)", svix_peer),
    ]

    # Stripe: t=..,v1=.. with hex HMAC-SHA256 of "{timestamp}.{body}".
    ours_stripe = hooksig.Verifier("stripe", secret=STRIPE_SECRET)
    stripe_header = stripe.WebhookSignature.generate_signature_header(
        text, STRIPE_SECRET, timestamp=now
    )
    stripe_sent = lowered({"stripe-signature": stripe_header})
    out += [
        ("stripe", "hooksig", lambda: ours_stripe.verify(body, stripe_sent)),
        (
            "stripe",
            "stripe (PyPI)",
            lambda: stripe.WebhookSignature.verify_header(
                body, stripe_sent["stripe-signature"], STRIPE_SECRET, 300
            ),
        ),
    ]
    return out


def threads_table(budget: float) -> None:
    """Aggregate throughput of 1 and 2 threads sharing one verifier.

    Under the GIL-release threshold two threads take turns; above it they hash at once
    (given two free cores).
    """
    verifier = hooksig.Verifier("aghanim", secret=AGHANIM_SECRET)
    signer = hooksig.Signer("aghanim", secret=AGHANIM_SECRET)
    print()
    print(f"GIL released from {hooksig._hooksig.GIL_RELEASE_AT} B on; 1 vs 2 threads:")
    print()
    print("| size | 1 thread MB/s | 2 threads MB/s | speed-up |")
    print("|---:|---:|---:|---:|")
    for size in [16 * 1024, 64 * 1024 - 1, 64 * 1024, 1024 * 1024]:
        body = payload(size)
        headers = signer.sign(body, timestamp=1_700_000_000)
        calls = max(4, int(budget * 4e8 / max(size, 1) / 4))

        def work(body: bytes = body, headers: dict[str, str] = headers, calls: int = calls) -> None:
            for _ in range(calls):
                verifier.verify(body, headers, now=1_700_000_000)

        rates = []
        for n in (1, 2):
            best = float("inf")
            for _ in range(3):
                threads = [threading.Thread(target=work) for _ in range(n)]
                start = time.perf_counter()
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                best = min(best, time.perf_counter() - start)
            rates.append(n * calls * size / best / 1e6)
        print(f"| {size} | {rates[0]:,.0f} | {rates[1]:,.0f} | {rates[1] / rates[0]:.2f}x |")


GIL_SIZES = [0, 1024, 4096, 16 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024]


def gil_worker() -> None:
    """One side of ``--gil``: per size, ns per verify on 1 thread and per call on 2 threads."""
    verifier = hooksig.Verifier("aghanim", secret=AGHANIM_SECRET)
    signer = hooksig.Signer("aghanim", secret=AGHANIM_SECRET)
    out = {}
    for size in GIL_SIZES:
        body = payload(size)
        headers = signer.sign(body, timestamp=1_700_000_000)

        def call(body: bytes = body, headers: dict[str, str] = headers) -> object:
            return verifier.verify(body, headers, now=1_700_000_000)

        one = best_ns(call, 0.3)
        calls = max(8, int(0.05e9 / one))

        def work(call: Callable[[], object] = call, calls: int = calls) -> None:
            for _ in range(calls):
                call()

        two = float("inf")
        for _ in range(3):
            threads = [threading.Thread(target=work) for _ in range(2)]
            start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            two = min(two, (time.perf_counter() - start) / (2 * calls) * 1e9)
        # Next to a thread that runs pure Python: the verifying thread's calls per second,
        # and how much the other thread got done meanwhile (its loop iterations per second).
        stop = threading.Event()
        spins = [0]

        def spin(stop: threading.Event = stop, spins: list[int] = spins) -> None:
            n = 0
            while not stop.is_set():
                n += 1
            spins[0] = n

        spinner = threading.Thread(target=spin)
        spinner.start()
        start = time.perf_counter()
        done = 0
        while time.perf_counter() - start < 0.5:
            call()
            done += 1
        elapsed = time.perf_counter() - start
        stop.set()
        spinner.join()
        out[size] = (one, two, done / elapsed, spins[0] / elapsed)
    print(json.dumps(out))


def gil_experiment() -> None:
    """Held vs released GIL at each size, to choose the threshold.

    Runs this script twice per round in subprocesses, with ``HOOKSIG_GIL_RELEASE_AT`` at a
    huge value (never released) and at 0 (always released); keeps each side's best of 3.
    """
    import os
    import subprocess

    best: dict[str, dict[str, list[float]]] = {"held": {}, "released": {}}
    for _round in range(3):
        for side, value in (("held", str(1 << 62)), ("released", "0")):
            env = {**os.environ, "HOOKSIG_GIL_RELEASE_AT": value}
            result = subprocess.run(
                [sys.executable, __file__, "--gil-worker"],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            for size, row in json.loads(result.stdout).items():
                old = best[side].get(size, [float("inf"), float("inf"), 0.0, 0.0])
                best[side][size] = [
                    min(old[0], row[0]),
                    min(old[1], row[1]),
                    max(old[2], row[2]),
                    max(old[3], row[3]),
                ]
    print(
        "| size | held ns | released ns | cost of releasing | 2 verifying threads: ns per call "
        "held / released | next to a pure-Python thread: verifies/s held / released "
        "| that thread's loops/s held / released |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in map(str, GIL_SIZES):
        held, released = best["held"][size], best["released"][size]
        cost = released[0] - held[0]
        print(
            f"| {size} | {held[0]:,.0f} | {released[0]:,.0f} | {cost:+,.0f} ns "
            f"({cost / held[0]:+.1%}) | {held[1]:,.0f} / {released[1]:,.0f} "
            f"| {held[2]:,.0f} / {released[2]:,.0f} | {held[3] / 1e6:,.1f}M / "
            f"{released[3] / 1e6:,.1f}M |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (noisier)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--gil", action="store_true", help="measure GIL held vs released")
    parser.add_argument("--gil-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.gil_worker:
        gil_worker()
        return
    if args.gil:
        gil_experiment()
        return
    budget = 0.3 if args.quick else 1.5

    print(f"# hooksig Python benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(
        f"python {platform.python_version()}, {platform.machine()}, hooksig {hooksig.__version__}"
    )
    print()
    print("| size | group | contestant | ns/verify | MB/s | contestant / hooksig |")
    print("|---:|---|---|---:|---:|---:|")
    figures: dict[str, dict[str, dict[str, float]]] = {}
    for size in SIZES:
        rows = contestants(size)
        for _group, name, fn in rows:
            if fn() is False:
                sys.exit(f"{name} rejected a valid request at {size} B")
        # Interleave contestants so a noisy neighbour hurts them alike; keep each best.
        times: dict[tuple[str, str], float] = {}
        for _round in range(ROUNDS):
            for group, name, fn in rows:
                ns = best_ns(fn, budget / ROUNDS)
                times[(group, name)] = min(ns, times.get((group, name), float("inf")))
        for group, name, _fn in rows:
            ns = times[(group, name)]
            ratio = ns / times[(group, "hooksig")]
            mbps = size / ns * 1e3 if size else 0.0
            figures.setdefault(str(size), {}).setdefault(group, {})[name] = ns
            print(f"| {size} | {group} | {name} | {ns:,.0f} | {mbps:,.0f} | {ratio:.2f}x |")
    print()
    kib = figures[str(1024)]
    mib = figures[str(1024 * 1024)]
    bars = [
        (
            "1 KiB: stdlib (fastest) / hooksig >= 2",
            kib["aghanim"]["stdlib (fastest)"] / kib["aghanim"]["hooksig"],
            2.0,
        ),
        *[
            (
                f"1 KiB: {peer} / hooksig >= 5",
                kib[group][peer] / kib[group]["hooksig"],
                5.0,
            )
            for group, peer in [
                ("standard-webhooks", "standard-webhooks (PyPI)"),
                ("svix", "svix (PyPI)"),
                ("stripe", "stripe (PyPI)"),
            ]
        ],
        (
            "1 MiB: hooksig throughput / stdlib (fastest) >= 0.95",
            mib["aghanim"]["stdlib (fastest)"] / mib["aghanim"]["hooksig"],
            0.95,
        ),
    ]
    print("| bar | measured | met |")
    print("|---|---:|---|")
    for label, value, need in bars:
        print(f"| {label} | {value:.2f} | {'yes' if value >= need else 'NO'} |")
    threads_table(budget)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"figures": figures, "bars": bars}, f, indent=2)


if __name__ == "__main__":
    main()
