"""Replay protection across instances (issue 11): two server processes of one app share one
real Redis (started by the suite on a free loopback port, persistence off).

For FastAPI under uvicorn (the dependency and the ASGI middleware, with
``AsyncRedisReplayStore``) and Flask under werkzeug's threaded server (the decorator, with
``RedisReplayStore``), each instance a process of tests/python/replay_app.py:

- the same signed delivery sent 20 times at once, split across both instances: the handler
  ran exactly once (counted in a file the handlers append to, outside the apps), one answer
  is the handler's and 19 are 200 ``{"status": "duplicate"}``;
- a handler that fails once (raises, or answers 500): the provider's retry is processed;
- Redis stopped: every answer is 503 ``{"error": "replay_store_unavailable"}`` and no
  handler runs; Redis started again: the next delivery (the provider's retry) is processed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import ROOT, RedisServer, free_port, wait_until_up

import hooksig

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
APP = ROOT / "tests/python/replay_app.py"
ROUTES = {"fastapi": ["/dep", "/mw"], "flask": ["/dep"]}
CASES = [(framework, route) for framework, routes in ROUTES.items() for route in routes]
DUPLICATE = {"status": "duplicate"}
UNAVAILABLE = {"error": "replay_store_unavailable"}


@dataclass
class Instances:
    """Two processes of one app, and the file their handlers count in."""

    urls: list[str]  # the route on each instance
    count: Path
    processes: list[subprocess.Popen[bytes]]

    def processed(self, event_id: str) -> int:
        """How many times a handler processed this event, in either process."""
        if not self.count.exists():
            return 0
        return self.count.read_text().splitlines().count(event_id)


@pytest.fixture(scope="module", params=CASES, ids=[f"{f} {r}" for f, r in CASES])
def instances(
    request: pytest.FixtureRequest,
    redis_server: RedisServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Instances]:
    framework, route = request.param
    tmp = tmp_path_factory.mktemp(f"replay-{framework}")
    env = {
        **os.environ,
        "REDIS_URL": redis_server.url,
        "REPLAY_COUNT": str(tmp / "count.txt"),
        "REPLAY_MARKERS": str(tmp / "markers"),
        "WEBHOOK_SECRET": SECRET,
    }
    processes = []
    urls = []
    try:
        for n in range(2):
            port = free_port()
            log = (tmp / f"instance{n}.log").open("wb")
            process = subprocess.Popen(
                [sys.executable, str(APP), "--framework", framework, "--port", str(port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            processes.append(process)
            url = f"http://127.0.0.1:{port}"
            wait_until_up(url + "/", process)
            urls.append(url + route)
        yield Instances(urls, tmp / "count.txt", processes)
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def delivery(**fields: Any) -> tuple[str, bytes, dict[str, str]]:
    """A signed Standard Webhooks delivery of a new event: its id, body and headers."""
    event_id = f"evt_{uuid.uuid4().hex}"
    body = json.dumps({"id": event_id, **fields}).encode()
    headers = hooksig.Signer("standard-webhooks", secret=SECRET).sign(body, id=f"msg_{event_id}")
    return event_id, body, {**headers, "Content-Type": "application/json"}


def send_all(urls: list[str], body: bytes, headers: dict[str, str]) -> list[httpx.Response]:
    """Sends the same delivery to each URL, all at once."""
    with httpx.Client(timeout=30) as client, ThreadPoolExecutor(len(urls)) as pool:
        return list(pool.map(lambda u: client.post(u, content=body, headers=headers), urls))


def test_twenty_concurrent_deliveries_are_processed_once(
    instances: Instances, redis_db: RedisServer
) -> None:
    event_id, body, headers = delivery(hold=0.2)
    answers = send_all([instances.urls[i % 2] for i in range(20)], body, headers)
    assert Counter(a.status_code for a in answers) == {200: 20}, [a.text for a in answers]
    kinds = Counter(a.json()["status"] for a in answers)
    assert kinds == {"processed": 1, "duplicate": 19}
    assert [a.json() for a in answers].count(DUPLICATE) == 19
    assert instances.processed(event_id) == 1


@pytest.mark.parametrize("fail", ["raise", "500"])
def test_a_handler_that_fails_once_gets_the_retry(
    instances: Instances, fail: str, redis_db: RedisServer
) -> None:
    event_id, body, headers = delivery(fail=fail)
    first = httpx.post(instances.urls[0], content=body, headers=headers, timeout=30)
    assert first.status_code == 500
    assert instances.processed(event_id) == 0
    # The provider's retry, on the other instance.
    retry = httpx.post(instances.urls[1], content=body, headers=headers, timeout=30)
    assert (retry.status_code, retry.json()["status"]) == (200, "processed"), retry.text
    again = httpx.post(instances.urls[0], content=body, headers=headers, timeout=30)
    assert (again.status_code, again.json()) == (200, DUPLICATE)
    assert instances.processed(event_id) == 1


def test_redis_down_answers_503_and_up_again_processes(
    instances: Instances, redis_db: RedisServer
) -> None:
    deliveries = [delivery() for _ in range(20)]
    redis_db.stop()
    with httpx.Client(timeout=30) as client, ThreadPoolExecutor(20) as pool:
        answers = list(
            pool.map(
                lambda i: client.post(
                    instances.urls[i % 2], content=deliveries[i][1], headers=deliveries[i][2]
                ),
                range(20),
            )
        )
    assert [(a.status_code, a.json()) for a in answers] == [(503, UNAVAILABLE)] * 20
    assert all(instances.processed(event_id) == 0 for event_id, _, _ in deliveries)

    redis_db.start()
    # The provider retries the first delivery: processed once, whichever instance gets it.
    event_id, body, headers = deliveries[0]
    retry = httpx.post(instances.urls[1], content=body, headers=headers, timeout=30)
    assert (retry.status_code, retry.json()["status"]) == (200, "processed"), retry.text
    other = httpx.post(instances.urls[0], content=body, headers=headers, timeout=30)
    assert (other.status_code, other.json()) == (200, DUPLICATE)
    assert instances.processed(event_id) == 1
