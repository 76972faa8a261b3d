"""hooksig (Python) against the standard library, `cryptography` and PyPI peers, in one process.

Run: ``make bench-python`` (builds the native module in release mode first), or
``python bench/python_bench.py [--quick] [--only matrix,asym,peers,threads]`` inside the venv.

1. **The matrix** (issue 14): shapes {``github`` (1 signed header), ``aghanim`` and ``noyo``
   (2), ``standard-webhooks`` (3)} x containers {only the signed headers as a dict; a request
   of about 12 headers as a dict with canonical-case names, as Starlette ``Headers``, as an
   ASGI header list} x {0 B, 1 KiB, 1 MiB}. In each cell hooksig's ``verify(body, headers)``
   (the clock read, the window checked, the result object built) races the fastest
   standard-library form reading the same container: the signed headers read by exact key
   as a provider snippet does (an ASGI list turned into a dict first), the signature decoded
   per call, the MAC by ``hmac.digest`` over the joined message or by a keyed ``hmac`` object
   copied and fed piece by piece (the faster of the two in that cell is the baseline), and
   ``hmac.compare_digest``. No window check on the stdlib side. Bars (issue 14): worst cell
   at 1 KiB >= 2.5x, at 1 MiB >= 0.95x.
2. **Public-key schemes**, for the record: ``discord`` (Ed25519) and ``sendgrid`` (ECDSA
   P-256) against ``cryptography``'s ``verify`` with the key loaded once.
3. **Peers**: ``standardwebhooks``, ``svix`` and ``stripe`` from PyPI against hooksig's
   matching preset.
4. **Replay** (issue 11; ``--only replay``, not in the default run): ``claim`` on the core's
   memory store (a new key, a duplicate, claim + release) in thread CPU time; ``claim`` on Redis
   over loopback (a redis-server this run starts on a free port, persistence off) through
   ``RedisReplayStore``, ``AsyncRedisReplayStore`` and the bare ``redis`` client's ``SET NX PX``,
   in wall time (a round trip is mostly waiting); and what reading ``Verified.replay_key``
   adds to a verification (the key is made on first read).

Every contestant verifies the same valid request and must accept it (and refuse it with the
body changed). Timing: 25 rounds over all contestants of a cell, interleaved (the order
flipped every round); in each round each contestant runs a batch of calls, timed in the
thread's CPU time (``time.thread_time``: time spent descheduled by other jobs does not
count); a contestant's figure is its best batch (ns per call). A
ratio is baseline time over hooksig time (above 1: hooksig is faster); "round median" is the
median over the rounds of the same ratio taken per round.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import hashlib
import hmac
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
import timeit
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

import redis
import redis.asyncio
import standardwebhooks
import stripe
import svix
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from starlette.datastructures import Headers as StarletteHeaders

import hooksig

SIZES = [0, 1024, 1024 * 1024]
# Many short rounds: on a shared machine a contestant's best batch is then one that ran
# undisturbed. Batches are timed in this thread's CPU time, which time spent descheduled
# (other jobs on the same cores) does not inflate.
ROUNDS = 25
CLOCK = time.thread_time
SECRET = "bench-secret-0123456789abcdef"
WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
STRIPE_SECRET = "whsec_stripe_bench_secret"
MSG_ID = "msg_2Lc8Pz2QmB8k0Xbq9mDnJzQeHfK"
SHAPES = ["github", "aghanim", "noyo", "standard-webhooks"]
CONTAINERS = ["signed only (dict)", "request (dict)", "request (Starlette)", "request (ASGI list)"]

# The rest of a request as a provider's delivery reaches a server behind a proxy: with the
# signed headers, 11 to 13 headers.
REQUEST_HEADERS = {
    "Host": "hooks.example.com",
    "User-Agent": "Provider-Hookshot/1.0",
    "Accept": "*/*",
    "Accept-Encoding": "gzip",
    "Content-Type": "application/json",
    "Connection": "close",
    "X-Forwarded-For": "203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Request-Id": "6f1c2f7e-8d4b-4a8e-9a51-0d3b2c1e9f00",
}


def payload(size: int) -> bytes:
    """A JSON-looking body of exactly ``size`` bytes."""
    unit = b'{"event_type":"item.add","event_data":{"player_id":"2D2R-OP3C","sku":"gems_100"}}'
    return (unit * (size // len(unit) + 1))[:size]


def batch_ns(fn: Callable[[], object], number: int) -> float:
    return timeit.Timer(fn, timer=CLOCK).timeit(number=number) / number * 1e9


def calibrate(fn: Callable[[], object], seconds: float) -> int:
    """Calls per batch so that one batch takes about ``seconds``."""
    number = 1
    while True:
        elapsed = timeit.Timer(fn, timer=CLOCK).timeit(number=number)
        if elapsed >= 0.005 or number >= 1 << 20:
            return max(1, int(number * seconds / max(elapsed, 1e-9)))
        number *= 4


def race(
    contestants: Mapping[str, Callable[[], object]], budget: float
) -> tuple[dict[str, float], list[dict[str, float]]]:
    """Interleaved rounds; each contestant's best batch, and every round's figures."""
    numbers = {
        name: calibrate(fn, budget / ROUNDS / len(contestants)) for name, fn in contestants.items()
    }
    best = {name: float("inf") for name in contestants}
    rounds = []
    for r in range(ROUNDS):
        order = list(contestants) if r % 2 == 0 else list(contestants)[::-1]
        this = {}
        for name in order:
            this[name] = batch_ns(contestants[name], numbers[name])
            best[name] = min(best[name], this[name])
        rounds.append(this)
    return best, rounds


def table(title: str, header: str, rule: str) -> None:
    """Prints a section's title and its table's header."""
    print(title)
    print()
    print(header)
    print(rule)


def against(
    other: str,
    verifier: hooksig.Verifier,
    headers: Any,
    body: bytes,
    theirs: Callable[[], object],
    budget: float,
) -> dict[str, float]:
    """hooksig's ``verify`` and one other verifier of the same valid request (each must accept
    it), raced: each one's best ns per call, and ``ratio``, the other's over hooksig's."""

    def ours() -> object:
        return verifier.verify(body, headers)

    contestants = {"hooksig": ours, other: theirs}
    for name, fn in contestants.items():
        if not fn():
            sys.exit(f"{name} refused a valid request")
    best, _ = race(contestants, budget)
    return {**best, "ratio": best[other] / best["hooksig"]}


# --- the matrix ------------------------------------------------------------------------------


def containers(signed: dict[str, str]) -> dict[str, Any]:
    """The four containers of one signed request."""
    request = {**REQUEST_HEADERS, **signed}
    raw = [(name.lower().encode(), value.encode()) for name, value in request.items()]
    return {
        "signed only (dict)": dict(signed),
        "request (dict)": request,
        "request (Starlette)": StarletteHeaders(raw=raw),
        "request (ASGI list)": raw,
    }


# The standard-library verifiers, one straight function per shape, container kind and MAC
# form (no helper call, no branch on the container at run time): {H} reads the container,
# {E} turns a str value into bytes (nothing for an ASGI list, whose values are bytes).
STDLIB_SOURCES = {
    ("github", "hmac.digest"): """
def run():
    h = {H}
    signature = h[K_SIG]
    if signature[:7] != {PREFIX}:
        return False
    return compare_digest(digest(key, body, "sha256"), unhex(signature[7:]))
""",
    ("aghanim", "hmac.digest"): """
def run():
    h = {H}
    ts = h[K_TS]{E}
    expected = unhex(h[K_SIG])
    return compare_digest(digest(key, ts + b"." + body, "sha256"), expected)
""",
    ("aghanim", "keyed hmac, copied"): """
def run():
    h = {H}
    ts = h[K_TS]{E}
    expected = unhex(h[K_SIG])
    m = keyed.copy()
    m.update(ts)
    m.update(b".")
    m.update(body)
    return compare_digest(m.digest(), expected)
""",
    ("noyo", "hmac.digest"): """
def run():
    h = {H}
    ts = h[K_TS]{E}
    signatures = [unhex(item.strip()) for item in h[K_SIG].split({COMMA})]
    mac = digest(key, ts + b"." + body, "sha256")
    for signature in signatures:
        if compare_digest(mac, signature):
            return True
    return False
""",
    ("noyo", "keyed hmac, copied"): """
def run():
    h = {H}
    ts = h[K_TS]{E}
    signatures = [unhex(item.strip()) for item in h[K_SIG].split({COMMA})]
    m = keyed.copy()
    m.update(ts)
    m.update(b".")
    m.update(body)
    mac = m.digest()
    for signature in signatures:
        if compare_digest(mac, signature):
            return True
    return False
""",
    ("standard-webhooks", "hmac.digest"): """
def run():
    h = {H}
    msg_id = h[K_ID]{E}
    ts = h[K_TS]{E}
    signature = h[K_SIG]{E}
    mac = digest(key, msg_id + b"." + ts + b"." + body, "sha256")
    for item in signature.split(b" "):
        version, _, sig = item.partition(b",")
        if version == b"v1" and compare_digest(mac, b64(sig)):
            return True
    return False
""",
    ("standard-webhooks", "keyed hmac, copied"): """
def run():
    h = {H}
    msg_id = h[K_ID]{E}
    ts = h[K_TS]{E}
    signature = h[K_SIG]{E}
    m = keyed.copy()
    m.update(msg_id)
    m.update(b".")
    m.update(ts)
    m.update(b".")
    m.update(body)
    mac = m.digest()
    for item in signature.split(b" "):
        version, _, sig = item.partition(b",")
        if version == b"v1" and compare_digest(mac, b64(sig)):
            return True
    return False
""",
}


def stdlib_forms(
    shape: str, container: str, headers: Any, body: bytes, names: list[str]
) -> dict[str, Callable[[], object]]:
    """The standard-library verifiers of one cell: (name -> fn), each returning True.

    ``names`` are the signed headers as the provider spells them (signature, timestamp, id);
    a dict is read by them, a Starlette ``Headers`` by the lower-case name (its lookup lowers
    the key anyway), an ASGI list by lower-case bytes after ``dict()``.
    """
    asgi = container == "request (ASGI list)"
    if asgi:
        keys: list[Any] = [n.lower().encode() for n in names]
    elif container == "request (Starlette)":
        keys = [n.lower() for n in names]
    else:
        keys = list(names)
    key = SECRET.encode()
    if shape == "standard-webhooks":
        key = base64.b64decode(WHSEC.removeprefix("whsec_"))
    scope = {
        "digest": hmac.digest,
        "compare_digest": hmac.compare_digest,
        "unhex": binascii.unhexlify,  # bytes or ASCII str
        "b64": binascii.a2b_base64,
        "key": key,
        "keyed": hmac.new(key, digestmod=hashlib.sha256),
        "body": body,
        "headers": headers,
        "K_SIG": keys[0],
        "K_TS": keys[1] if len(keys) > 1 else None,
        "K_ID": keys[2] if len(keys) > 2 else None,
    }
    forms: dict[str, Callable[[], object]] = {}
    for (of_shape, form), source in STDLIB_SOURCES.items():
        if of_shape != shape:
            continue
        code = (
            source.replace("{H}", "dict(headers)" if asgi else "headers")
            .replace("{E}", "" if asgi else ".encode()")
            .replace("{PREFIX}", 'b"sha256="' if asgi else '"sha256="')
            .replace("{COMMA}", 'b","' if asgi else '","')
        )
        namespace = dict(scope)
        exec(code, namespace)
        forms[f"stdlib ({form})"] = namespace["run"]
    return forms


def signed_names(shape: str) -> list[str]:
    """The signed headers of a shape, signature first, as its provider spells them."""
    return {
        "github": ["X-Hub-Signature-256"],
        "aghanim": ["X-Aghanim-Signature", "X-Aghanim-Signature-Timestamp"],
        "noyo": ["X-Noyo-Signature", "X-Noyo-Timestamp"],
        "standard-webhooks": ["webhook-signature", "webhook-timestamp", "webhook-id"],
    }[shape]


def matrix(budget: float) -> list[dict[str, Any]]:
    table(
        "## The matrix: hooksig vs the fastest stdlib form reading the same container",
        "| shape | container | size | hooksig ns | stdlib ns (fastest form) "
        "| stdlib / hooksig | round median | `hmac.digest` form / hooksig |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    )
    cells: list[dict[str, Any]] = []
    for size in SIZES:
        body = payload(size)
        for shape in SHAPES:
            secret = WHSEC if shape == "standard-webhooks" else SECRET
            verifier = hooksig.Verifier(shape, secret=secret)
            for container in CONTAINERS:
                # Signed now, for each cell: the window (300 s) must hold while it runs.
                signed = hooksig.Signer(shape, secret=secret).sign(body, id=MSG_ID)
                assert set(signed) == set(signed_names(shape)), signed
                headers = containers(signed)[container]
                forms = stdlib_forms(shape, container, headers, body, signed_names(shape))

                def ours(
                    v: hooksig.Verifier = verifier, headers: Any = headers, body: bytes = body
                ) -> object:
                    return v.verify(body, headers)

                contestants = {"hooksig": ours, **forms}
                for name, fn in contestants.items():
                    if not fn():
                        sys.exit(f"{name} refused a valid request: {shape}, {container}, {size}")
                tampered = payload(size + 1)[1:] if size else b"x"
                if verifier.is_valid(tampered, headers):
                    sys.exit(f"hooksig accepted a changed body: {shape}, {container}")
                best, rounds = race(contestants, budget)
                base_name = min(forms, key=lambda n: best[n])
                ratio = best[base_name] / best["hooksig"]
                per_round = [min(r[n] for n in forms) / r["hooksig"] for r in rounds]
                cell: dict[str, Any] = {
                    "shape": shape,
                    "container": container,
                    "size": size,
                    "hooksig_ns": best["hooksig"],
                    "stdlib_ns": best[base_name],
                    "stdlib_form": base_name,
                    "ratio": ratio,
                    "round_median": statistics.median(per_round),
                    # The one-call form a provider snippet is closest to, for comparison.
                    "digest_ratio": best["stdlib (hmac.digest)"] / best["hooksig"],
                }
                cells.append(cell)
                print(
                    f"| {shape} | {container} | {size} | {best['hooksig']:,.0f} | "
                    f"{best[base_name]:,.0f} {base_name.removeprefix('stdlib ')} | "
                    f"{ratio:.2f}x | {cell['round_median']:.2f}x | {cell['digest_ratio']:.2f}x |",
                    flush=True,
                )
    print()
    print("| size | baseline | worst cell | stdlib / hooksig | bar | met |")
    print("|---:|---|---|---:|---:|---|")
    for size, bar in ((0, None), (1024, 2.5), (1024 * 1024, 0.95)):
        for key, baseline in (("ratio", "fastest form"), ("digest_ratio", "`hmac.digest` form")):
            worst = min((c for c in cells if c["size"] == size), key=lambda c: c[key])
            met = "-" if bar is None else ("yes" if worst[key] >= bar else "NO")
            print(
                f"| {size} | {baseline} | {worst['shape']}, {worst['container']} | "
                f"{worst[key]:.2f}x | {'-' if bar is None else f'{bar}x'} | {met} |"
            )
    print()
    return cells


def fast_vs_plain(budget: float) -> list[dict[str, Any]]:
    """hooksig with bindings/python/src/fast.rs on and off, interleaved in this process."""
    table(
        "## Plain path and fast path (bindings/python/src/fast.rs on and off)",
        "| shape | container | size | plain ns | fast ns | plain / fast |",
        "|---|---|---:|---:|---:|---:|",
    )
    rows = []
    set_fast = hooksig._hooksig._set_fast_path
    for size in (0, 1024):
        body = payload(size)
        for shape in SHAPES:
            secret = WHSEC if shape == "standard-webhooks" else SECRET
            verifier = hooksig.Verifier(shape, secret=secret)
            for container in CONTAINERS:
                signed = hooksig.Signer(shape, secret=secret).sign(body, id=MSG_ID)
                headers = containers(signed)[container]

                def ours(
                    v: hooksig.Verifier = verifier, headers: Any = headers, body: bytes = body
                ) -> object:
                    return v.verify(body, headers)

                number = calibrate(ours, budget / ROUNDS / 2)
                best = {"fast": float("inf"), "plain": float("inf")}
                try:
                    for r in range(ROUNDS):
                        for mode in ("fast", "plain") if r % 2 == 0 else ("plain", "fast"):
                            set_fast(mode == "fast")
                            best[mode] = min(best[mode], batch_ns(ours, number))
                finally:
                    set_fast(True)
                ratio = best["plain"] / best["fast"]
                rows.append(
                    {"shape": shape, "container": container, "size": size, **best, "ratio": ratio}
                )
                print(
                    f"| {shape} | {container} | {size} | {best['plain']:,.0f} | "
                    f"{best['fast']:,.0f} | {ratio:.2f}x |",
                    flush=True,
                )
    print()
    return rows


# --- public-key schemes -------------------------------------------------------------------


def asymmetric(budget: float) -> list[dict[str, Any]]:
    table(
        "## Public-key schemes: hooksig vs `cryptography` (no bar)",
        "| preset | size | hooksig ns | cryptography ns | cryptography / hooksig |",
        "|---|---:|---:|---:|---:|",
    )
    ed_private = ed25519.Ed25519PrivateKey.generate()
    seed = ed_private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    ed_public = ed_private.public_key()
    ed_public_hex = ed_public.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    ).hex()
    ec_private = ec.generate_private_key(ec.SECP256R1())
    ec_pem = ec_private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    ec_public = ec_private.public_key()
    ec_spki = base64.b64encode(
        ec_public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    ).decode()
    d_sig, d_ts = "X-Signature-Ed25519", "X-Signature-Timestamp"
    s_sig = "X-Twilio-Email-Event-Webhook-Signature"
    s_ts = "X-Twilio-Email-Event-Webhook-Timestamp"
    ecdsa = ec.ECDSA(hashes.SHA256())
    rows = []
    for size in SIZES:
        body = payload(size)
        # Discord: hex Ed25519 signature of "{timestamp}{body}".
        discord = hooksig.Verifier("discord", public_key=ed_public_hex)
        d_headers = hooksig.Signer("discord", private_key=seed.hex()).sign(body)

        def crypto_discord(h: dict[str, str] = d_headers, body: bytes = body) -> bool:
            ed_public.verify(bytes.fromhex(h[d_sig]), h[d_ts].encode() + body)
            return True

        # SendGrid: base64 DER ECDSA P-256/SHA-256 signature of "{timestamp}{body}".
        sendgrid = hooksig.Verifier("sendgrid", public_key=ec_spki)
        s_headers = hooksig.Signer("sendgrid", private_key=ec_pem).sign(body)

        def crypto_sendgrid(h: dict[str, str] = s_headers, body: bytes = body) -> bool:
            ec_public.verify(base64.b64decode(h[s_sig]), h[s_ts].encode() + body, ecdsa)
            return True

        pairs: list[tuple[str, hooksig.Verifier, dict[str, str], Callable[[], object]]] = [
            ("discord (Ed25519)", discord, d_headers, crypto_discord),
            ("sendgrid (ECDSA P-256)", sendgrid, s_headers, crypto_sendgrid),
        ]
        for preset, verifier, headers, theirs in pairs:
            row = against("cryptography", verifier, headers, body, theirs, budget)
            rows.append({"preset": preset, "size": size, **row})
            ns = f"{row['hooksig']:,.0f} | {row['cryptography']:,.0f}"
            print(f"| {preset} | {size} | {ns} | {row['ratio']:.2f}x |", flush=True)
    print()
    return rows


# --- PyPI peers ----------------------------------------------------------------------------


def peers(budget: float) -> list[dict[str, Any]]:
    table(
        "## PyPI peers against hooksig's matching preset (headers: a lower-case dict)",
        "| size | group | hooksig ns | peer ns | peer / hooksig |",
        "|---:|---|---:|---:|---:|",
    )
    rows = []
    for size in SIZES:
        body = payload(size)
        text = body.decode()
        now = int(time.time())
        stamp = datetime.fromtimestamp(now, tz=timezone.utc)

        def lowered(headers: dict[str, str]) -> dict[str, str]:
            return {k.lower(): v for k, v in {**REQUEST_HEADERS, **headers}.items()}

        std = standardwebhooks.Webhook(WHSEC)
        std_sent = lowered(
            {
                "webhook-id": MSG_ID,
                "webhook-timestamp": str(now),
                "webhook-signature": std.sign(MSG_ID, stamp, text),
            }
        )
        sv = svix.Webhook(WHSEC)
        svix_sent = lowered(
            {
                "svix-id": MSG_ID,
                "svix-timestamp": str(now),
                "svix-signature": sv.sign(MSG_ID, stamp, text),
            }
        )
        stripe_sent = lowered(
            {
                "stripe-signature": stripe.WebhookSignature.generate_signature_header(
                    text, STRIPE_SECRET, timestamp=now
                )
            }
        )

        def std_peer(w: Any = std, b: bytes = body, h: dict[str, str] = std_sent) -> object:
            return w.verify(b, h, json_parse=False) is not False

        def svix_peer(w: Any = sv, b: bytes = body, h: dict[str, str] = svix_sent) -> object:
            return w.verify(b, h) is not False

        def stripe_peer(b: bytes = body, h: dict[str, str] = stripe_sent) -> object:
            return stripe.WebhookSignature.verify_header(
                b, h["stripe-signature"], STRIPE_SECRET, 300
            )

        groups: list[tuple[str, hooksig.Verifier, dict[str, str], Callable[[], object]]] = [
            (
                "standard-webhooks",
                hooksig.Verifier("standard-webhooks", secret=WHSEC),
                std_sent,
                std_peer,
            ),
            ("svix", hooksig.Verifier("svix", secret=WHSEC), svix_sent, svix_peer),
            ("stripe", hooksig.Verifier("stripe", secret=STRIPE_SECRET), stripe_sent, stripe_peer),
        ]
        for group, verifier, headers, theirs in groups:
            row = against("peer", verifier, headers, body, theirs, budget)
            rows.append({"group": group, "size": size, **row})
            ns = f"{row['hooksig']:,.0f} | {row['peer']:,.0f}"
            print(f"| {size} | {group} | {ns} | {row['ratio']:.2f}x |", flush=True)
    print()
    return rows


# --- threads and the GIL ------------------------------------------------------------------

AGHANIM_SECRET = SECRET


def best_ns(fn: Callable[[], object], budget: float) -> float:
    """Best time per call in ns: calls are batched to ~budget/3 s, best of 3 batches."""
    number = calibrate(fn, budget / 3)
    return min(timeit.repeat(fn, number=number, repeat=3)) / number * 1e9


def in_threads(work: Callable[[], None], n: int) -> float:
    """Seconds for ``n`` threads to run ``work`` once each, all at once."""
    threads = [threading.Thread(target=work) for _ in range(n)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


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
            best = min(in_threads(work, n) for _ in range(3))
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

        two = min(in_threads(work, 2) for _ in range(3)) / (2 * calls) * 1e9
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


# --- replay stores (issue 11) ------------------------------------------------------------------


def start_redis() -> tuple[subprocess.Popen[bytes], int]:
    """redis-server on a free loopback port, persistence off (stopped by the caller)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--loglevel",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    client = redis.Redis(port=port)
    for _ in range(300):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    client.close()
    return process, port


def replay(budget: float) -> list[dict[str, Any]]:
    """The replay stores' ``claim`` and the cost of reading ``replay_key``."""
    rows: list[dict[str, Any]] = []
    n_keys = 240_000
    keys = [f"aghanim:sig:{i:064x}" for i in range(n_keys)]

    # The memory store, thread CPU time: each batch claims keys no batch claimed before.
    def fresh_claims() -> Callable[[], object]:
        store = hooksig.MemoryReplayStore()
        it = iter(keys)
        claim = store.claim
        return lambda: claim(next(it), 660)

    def duplicate_claims() -> Callable[[], object]:
        store = hooksig.MemoryReplayStore()
        store.claim(keys[0], 660)
        key = keys[0]
        claim = store.claim
        return lambda: claim(key, 660)

    def claim_release() -> Callable[[], object]:
        store = hooksig.MemoryReplayStore()
        key = keys[1]
        claim, release = store.claim, store.release
        return lambda: (claim(key, 660), release(key))

    def key_iteration() -> Callable[[], object]:
        it = iter(keys)
        return lambda: next(it)

    contestants = {
        "memory: claim, a new key (store filling to 100 000, then evicting)": fresh_claims(),
        "memory: claim, a duplicate": duplicate_claims(),
        "memory: claim + release": claim_release(),
        "(next key from the list, for reference)": key_iteration(),
    }
    # Fresh keys run out: a fixed batch (a few hundred microseconds), the list's share.
    numbers = dict.fromkeys(contestants, n_keys // (ROUNDS + 5))
    best = {name: float("inf") for name in contestants}
    for r in range(ROUNDS):
        order = list(contestants) if r % 2 == 0 else list(contestants)[::-1]
        for name in order:
            best[name] = min(best[name], batch_ns(contestants[name], numbers[name]))
    for name, ns in best.items():
        rows.append({"store": name, "clock": "thread CPU", "ns": ns})

    # Redis over loopback, wall time.
    process, port = start_redis()
    try:
        client = redis.Redis(port=port)
        store = hooksig.RedisReplayStore(client)
        counter = iter(range(10**9))

        def redis_store() -> object:
            return store.claim(f"k{next(counter)}", 660)

        def redis_bare() -> object:
            return client.set(f"hooksig:b{next(counter)}", 1, nx=True, px=660_000)

        def redis_duplicate() -> object:
            return store.claim("dup", 660)

        wall: Mapping[str, Callable[[], object]] = {
            "Redis (RedisReplayStore): claim, a new key": redis_store,
            "Redis (RedisReplayStore): claim, a duplicate": redis_duplicate,
            "Redis (redis.Redis.set nx px, bare client)": redis_bare,
        }
        n = 2000
        best = {name: float("inf") for name in wall}
        for r in range(ROUNDS // 5):
            for name in wall if r % 2 == 0 else list(wall)[::-1]:
                fn = wall[name]
                start = time.perf_counter()
                for _ in range(n):
                    fn()
                best[name] = min(best[name], (time.perf_counter() - start) / n * 1e9)

        async def run_async() -> tuple[float, float]:
            aclient = redis.asyncio.Redis(port=port)
            astore = hooksig.AsyncRedisReplayStore(aclient)
            seq = float("inf")
            conc = float("inf")
            for _ in range(ROUNDS // 5):
                start = time.perf_counter()
                for _ in range(n):
                    await astore.claim(f"a{next(counter)}", 660)
                seq = min(seq, (time.perf_counter() - start) / n * 1e9)
                start = time.perf_counter()
                for _ in range(n // 50):
                    await asyncio.gather(
                        *(astore.claim(f"c{next(counter)}", 660) for _ in range(50))
                    )
                conc = min(conc, (time.perf_counter() - start) / n * 1e9)
            await aclient.aclose()
            return seq, conc

        seq, conc = asyncio.run(run_async())
        best["Redis (AsyncRedisReplayStore): claim, one at a time"] = seq
        best["Redis (AsyncRedisReplayStore): claim, 50 at once (per claim)"] = conc
        client.close()
    finally:
        process.terminate()
        process.wait()
    for name, ns in best.items():
        rows.append({"store": name, "clock": "wall", "ns": ns})

    # What reading the replay key adds to a verification (made on first read).
    for shape in ("github", "aghanim", "standard-webhooks"):
        body = payload(1024)
        secret = WHSEC if shape == "standard-webhooks" else SECRET
        signer = hooksig.Signer(shape, secret=secret)
        headers = containers(
            signer.sign(body, id=MSG_ID) if shape == "standard-webhooks" else signer.sign(body)
        )["request (dict)"]
        verifier = hooksig.Verifier(shape, secret=secret)

        def plain(v: hooksig.Verifier = verifier, h: Any = headers, b: bytes = body) -> object:
            return v.verify(b, h)

        def keyed(v: hooksig.Verifier = verifier, h: Any = headers, b: bytes = body) -> object:
            return v.verify(b, h).replay_key

        def eager(v: hooksig.Verifier = verifier, h: Any = headers, b: bytes = body) -> object:
            return v.verify(b, h, replay_key=True).replay_key

        figures, _ = race(
            {
                "verify": plain,
                "verify, then replay_key (made on first read)": keyed,
                "verify(replay_key=True), then replay_key": eager,
            },
            budget,
        )
        for name, ns in figures.items():
            rows.append(
                {"store": f"{shape} 1 KiB, request (dict): {name}", "clock": "thread CPU", "ns": ns}
            )

    table(
        "### Replay stores",
        "| what | clock | ns per call |",
        "|---|---|---:|",
    )
    for row in rows:
        print(f"| {row['store']} | {row['clock']} | {row['ns']:,.0f} |")
    print()
    return rows


def machine() -> str:
    model = "?"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{model}, {os.cpu_count()} CPUs, load average {load}; python "
        f"{platform.python_version()}; hooksig {hooksig.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (noisier)")
    parser.add_argument("--only", default="matrix,fast,asym,peers,threads", help="sections to run")
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
    budget = 0.4 if args.quick else 2.0
    only = set(args.only.split(","))

    print(f"# hooksig Python benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print()
    print(f"Machine: {machine()}")
    print()
    figures: dict[str, Any] = {"machine": machine()}
    if "matrix" in only:
        figures["matrix"] = matrix(budget)
    if "fast" in only:
        figures["fast_vs_plain"] = fast_vs_plain(budget)
    if "asym" in only:
        figures["asymmetric"] = asymmetric(budget)
    if "peers" in only:
        figures["peers"] = peers(budget)
    if "threads" in only:
        threads_table(budget)
    if "replay" in only:
        figures["replay"] = replay(budget)
    print(f"Load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=2)


if __name__ == "__main__":
    main()
