"""Handshakes (tests/vectors/handshakes.json) answered by every Python helper on a real server
on 127.0.0.1: the FastAPI dependency and the ASGI middleware under uvicorn, the Flask
decorator under werkzeug's server. A handshake gets the provider's expected reply and never
reaches the app's handler; any other request is verified as usual.

Each case is a route of its own (``/hs/<n>``, GET and POST), its verifier built from the
case without a replay window (the published requests are old), sent with the case's method,
headers, body and the query of its URL.

No `from __future__ import annotations`: FastAPI resolves the routes' annotations at runtime.
"""

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import httpx
import pytest
from conftest import serve_asgi, serve_wsgi
from fastapi import Depends, FastAPI
from flask import Flask
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import hooksig
from hooksig.asgi import WebhookMiddleware
from hooksig.fastapi import WebhookBody, install
from hooksig.flask import verify_webhook

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"
CASES: list[dict[str, Any]] = [
    c
    for c in json.loads((VECTORS / "handshakes.json").read_text())["cases"]
    if c.get("op") == "handshake"
]
HELPERS = ["fastapi", "asgi", "flask"]
CALLS: Counter[str] = Counter()
METHODS = ["GET", "POST"]


def byte_string(value: Any) -> bytes:
    if isinstance(value, dict) and "hex" in value:
        return bytes.fromhex(value["hex"])
    assert isinstance(value, str), value
    return value.encode()


def verifier_of(case: dict[str, Any]) -> hooksig.Verifier:
    scheme: Any = case.get("preset", case.get("scheme"))
    return hooksig.Verifier(
        scheme,
        secrets=[byte_string(s) for s in case.get("secrets", [])],
        public_keys=case.get("public_keys"),
        params=case.get("params"),
        tolerance=None,
    )


def path_of(index: int) -> str:
    return f"/hs/{index}"


def fastapi_app() -> FastAPI:
    app = FastAPI()
    install(app)
    for index, case in enumerate(CASES):
        dependency = WebhookBody(verifier_of(case))
        key = f"fastapi {path_of(index)}"

        def route(body: Annotated[bytes, Depends(dependency)], _key: str = key) -> Any:
            CALLS[_key] += 1
            return {"handler": True}

        app.api_route(path_of(index), methods=METHODS, response_model=None)(route)
    return app


def asgi_app() -> Any:
    async def endpoint(request: StarletteRequest) -> Response:
        await request.body()
        CALLS[f"asgi {request.url.path}"] += 1
        return JSONResponse({"handler": True})

    routes = [Route(path_of(i), endpoint, methods=METHODS) for i in range(len(CASES))]
    verifiers = {path_of(i): verifier_of(case) for i, case in enumerate(CASES)}
    return WebhookMiddleware(Starlette(routes=routes), verifiers=verifiers)


def flask_app() -> Flask:
    app = Flask(__name__)
    for index, case in enumerate(CASES):

        def view(_key: str = f"flask {path_of(index)}") -> Any:
            CALLS[_key] += 1
            return {"handler": True}

        decorated = verify_webhook(verifier_of(case))(view)
        app.add_url_rule(
            path_of(index), endpoint=f"hs{index}", view_func=decorated, methods=METHODS
        )
    return app


def serve(helper: str) -> AbstractContextManager[str]:
    if helper == "asgi":
        return serve_asgi(asgi_app())
    if helper == "flask":
        return serve_wsgi(flask_app())
    return serve_asgi(fastapi_app())


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, str]]:
    with ExitStack() as stack:
        yield {helper: stack.enter_context(serve(helper)) for helper in HELPERS}


def expected_without_handshake(case: dict[str, Any]) -> tuple[int, Any]:
    """What a request that is not a handshake gets: the handler, or its verify error."""
    verifier = verifier_of(case)
    headers = [(byte_string(n), byte_string(v)) for n, v in case.get("headers", [])]
    try:
        verifier.verify(
            byte_string(case.get("body", "")), headers, url=case.get("url"), method=case["method"]
        )
    except hooksig.VerificationError as error:
        return 403, {"error": error.code}
    return 200, {"handler": True}


RUNS = [(h, i) for i in range(len(CASES)) for h in HELPERS]


@pytest.mark.parametrize(
    ("helper", "index"), RUNS, ids=[f"{h}: {CASES[i]['name']}" for h, i in RUNS]
)
def test_handshake_over_a_real_server(servers: dict[str, str], helper: str, index: int) -> None:
    case = CASES[index]
    query = urlsplit(case.get("url", "")).query
    url = servers[helper] + path_of(index) + (f"?{query}" if query else "")
    headers = [(byte_string(n), byte_string(v)) for n, v in case.get("headers", [])]
    key = f"{helper} {path_of(index)}"
    before = CALLS[key]
    response = httpx.request(
        case["method"], url, content=byte_string(case.get("body", "")), headers=headers
    )
    ran = CALLS[key] > before
    expect = case["expect"]
    if "error" in expect:
        assert (response.status_code, response.json()) == (403, {"error": expect["error"]})
        assert not ran
    elif expect["reply"] is None:
        status, answer = expected_without_handshake(case)
        assert (response.status_code, response.json()) == (status, answer), helper
        assert ran == (status == 200)
    else:
        reply = expect["reply"]
        assert response.status_code == reply["status"], (helper, response.text)
        assert response.headers["content-type"] == reply["content_type"]
        for name, value in reply["headers"]:
            assert response.headers[name] == value
        assert response.content == reply["body"].encode()
        assert not ran, "a handshake never reaches the handler"
