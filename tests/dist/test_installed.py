"""The installed wheel (make test-dist): what was installed, and one FastAPI request.

tests/dist/python.sh runs this in a fresh venv into which only dist/'s wheel brought hooksig,
with no network and no Rust toolchain.
"""

# No `from __future__ import annotations`: FastAPI reads the endpoint's annotations at run
# time, and the dependency in them is a local of the fixture.
import importlib.metadata
import os
import socket
import sysconfig
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
import uvicorn
from fastapi import Depends, FastAPI

import hooksig
from hooksig.fastapi import WebhookJSON, install

SECRET = "dist-test-secret"


def test_hooksig_comes_from_the_wheel() -> None:
    site = Path(sysconfig.get_paths()["platlib"]).resolve()
    package = Path(hooksig.__file__).resolve().parent
    assert package == site / "hooksig", package
    assert Path(hooksig._hooksig.__file__).name == "_hooksig.abi3.so"
    dist = importlib.metadata.distribution("hooksig")
    assert dist.version == os.environ["HOOKSIG_DIST_VERSION"]
    assert "Tag: cp39-abi3-manylinux_2_17_x86_64" in (dist.read_text("WHEEL") or "")
    for typed in ("py.typed", "_hooksig.pyi"):
        assert (package / typed).is_file(), typed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def server() -> Iterator[str]:
    app = FastAPI()
    install(app)
    aghanim = WebhookJSON(hooksig.Verifier("aghanim", secret=SECRET))

    @app.post("/webhooks/aghanim")
    async def aghanim_webhook(event: Annotated[Any, Depends(aghanim)]) -> dict[str, Any]:
        return {"status": "ok", "event": event}

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/webhooks/aghanim"
    finally:
        uv.should_exit = True
        thread.join(timeout=10)


def test_fastapi_request_under_uvicorn(server: str) -> None:
    body = b'{"event_type":"item.sold","item":7}'
    headers = hooksig.Signer("aghanim", secret=SECRET).sign(body)
    ok = httpx.post(server, content=body, headers=headers)
    assert ok.status_code == 200, ok.text
    assert ok.json() == {"status": "ok", "event": {"event_type": "item.sold", "item": 7}}

    tampered = httpx.post(server, content=body.replace(b"7", b"8"), headers=headers)
    assert tampered.status_code == 403
    assert tampered.json() == {"error": "signature_mismatch"}
