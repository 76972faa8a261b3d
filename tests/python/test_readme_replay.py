"""The README's "Replay protection" example runs: its FastAPI + Redis block, as written, in two
uvicorn processes sharing the suite's real Redis. One Stripe delivery sent to both at once is
processed once; a tampered one is refused; Redis holds the claim under the ``hooksig:`` prefix.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from conftest import ROOT, RedisServer, free_port, wait_until_up

import hooksig

SECTION = (ROOT / "README.md").read_text().split("## Replay protection\n", 1)[1].split("\n## ")[0]
BLOCKS = re.findall(r"```python\n(.*?)```", SECTION, flags=re.S)
SECRET = "whsec_readme_replay_test"


@pytest.fixture(scope="module")
def instances(
    redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[str]]:
    assert len(BLOCKS) == 1, "one python block in the README's Replay protection section"
    tmp = tmp_path_factory.mktemp("readme-replay")
    (tmp / "readme_replay.py").write_text(BLOCKS[0])
    env = {
        **os.environ,
        "REDIS_URL": redis_server.url,
        "STRIPE_WEBHOOK_SECRET": SECRET,
        "PYTHONPATH": str(tmp),
    }
    processes = []
    urls = []
    try:
        for n in range(2):
            port = free_port()
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "readme_replay:app",
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                ],
                cwd=tmp,
                env=env,
                stdout=(tmp / f"uvicorn{n}.log").open("wb"),
                stderr=subprocess.STDOUT,
            )
            processes.append(process)
            url = f"http://127.0.0.1:{port}"
            wait_until_up(url + "/", process)
            urls.append(url + "/webhooks/stripe")
        yield urls
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def test_the_readme_example_processes_a_delivery_once(
    instances: list[str], redis_db: RedisServer
) -> None:
    body = json.dumps({"id": "evt_readme", "type": "invoice.paid"}).encode()
    headers = hooksig.Signer("stripe", secret=SECRET).sign(body)
    with httpx.Client(timeout=30) as client, ThreadPoolExecutor(10) as pool:
        answers = list(
            pool.map(
                lambda i: client.post(instances[i % 2], content=body, headers=headers), range(10)
            )
        )
    bodies = sorted(json.dumps(a.json()) for a in answers)
    assert [a.status_code for a in answers] == [200] * 10
    assert bodies == [json.dumps({"status": "duplicate"})] * 9 + [json.dumps({"status": "ok"})]
    keys = redis_db.client().keys("hooksig:stripe:sig:*")
    assert len(keys) == 1
    tampered = httpx.post(instances[0], content=body + b" ", headers=headers)
    assert (tampered.status_code, tampered.json()) == (403, {"error": "signature_mismatch"})


def test_the_readme_table_names_python_stores() -> None:
    for name in ("MemoryReplayStore", "RedisReplayStore", "AsyncRedisReplayStore"):
        assert f"hooksig.{name}" in SECTION
        assert hasattr(hooksig, name)
