"""`make soak` (Python): 10^6 verifications in one process, RSS at the start and the end.

A mix of 8 valid, 1 tampered-body and 1 stale-timestamp request in every 10 (so the error
path, which builds an exception each time, runs 200 000 times too), each answer checked.
RSS (VmRSS of /proc/self/status) after a warm-up of 20 000 verifications and a gc.collect(),
then every 100 000, then at the end after gc.collect(). Exits 1 on a wrong answer or RSS
growth above 10 %.

    .venv/bin/python load/soak.py [N]
"""

from __future__ import annotations

import gc
import re
import sys
import time
from pathlib import Path

import hooksig

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
WARMUP = 20_000
SAMPLE_EVERY = 100_000
SECRET = "soak-aghanim-secret"  # a local test value


def rss_kib() -> int:
    match = re.search(r"^VmRSS:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M)
    assert match
    return int(match.group(1))


verifier = hooksig.Verifier("aghanim", secret=SECRET)
signer = hooksig.Signer("aghanim", secret=SECRET)
body = b'{"event_type":"item.add","event_data":{"player_id":"p_1024","items":[{"sku":"gems_500"}]}}'
now = int(time.time())
valid = signer.sign(body, timestamp=now)
stale = signer.sign(body, timestamp=now - 3600)  # outside the 300 s window
tampered = body.replace(b"gems_500", b"gems_900")
# (body, headers, expected code or None for valid)
CASES = [(body, valid, None)] * 8 + [
    (tampered, valid, "signature_mismatch"),
    (body, stale, "timestamp_too_old"),
]


def run(n: int, start: int) -> int:
    wrong = 0
    for i in range(start, start + n):
        b, h, want = CASES[i % 10]
        try:
            verifier.verify(b, h)
            got = None
        except hooksig.VerificationError as error:
            got = error.code
        if got != want:
            wrong += 1
    return wrong


wrong = run(WARMUP, 0)
gc.collect()
rss_start = rss_kib()
t0 = time.perf_counter()
samples = [rss_start]
done = 0
while done < N:
    step = min(SAMPLE_EVERY, N - done)
    wrong += run(step, done)
    done += step
    samples.append(rss_kib())
elapsed = time.perf_counter() - t0
gc.collect()
rss_end = rss_kib()
growth = (rss_end - rss_start) / rss_start
print(
    f"python: {N} verifications in {elapsed:.1f} s ({N / elapsed:,.0f}/s), wrong answers: {wrong}"
)
print(
    f"python: RSS start {rss_start} KiB, end {rss_end} KiB ({growth:+.2%}), "
    f"max {max(samples)} KiB; samples every {SAMPLE_EVERY}: {samples}"
)
sys.exit(1 if wrong or growth > 0.10 else 0)
