"""The body cap of the framework helpers (``max_body=``), against real servers on 127.0.0.1:
the FastAPI dependency and the ASGI middleware under uvicorn, the Flask decorator under
werkzeug's server.

Each app has the same four routes, all verifying GitHub webhooks:
``/default`` (1 MiB), ``/small`` (SMALL bytes), ``/off`` (``max_body=None``) and ``/custom``
(SMALL bytes, a custom status-free error body). A verified request answers
``{"n": len(body), "again": len(body read again by the app)}``.

No `from __future__ import annotations`: FastAPI resolves the routes' annotations at runtime.
"""

import asyncio
import json
import socket
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Annotated, Any, Callable

import httpx
import pytest
from conftest import serve_asgi, serve_wsgi
from fastapi import Depends, FastAPI, Request
from flask import Flask
from flask import request as flask_request
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from werkzeug.test import EnvironBuilder

import hooksig
from hooksig import asgi, fastapi, flask
from hooksig.asgi import WebhookMiddleware
from hooksig.fastapi import WebhookBody, install
from hooksig.flask import verify_webhook

SECRET = "body-limit-secret"
MIB = 1_048_576
SMALL = 100
ROUTES = {"/default": MIB, "/small": SMALL, "/off": None}


def verifier() -> hooksig.Verifier:
    return hooksig.Verifier("github", secret=SECRET)


def custom_error(error: hooksig.VerificationError) -> dict[str, Any]:
    return {"rejected": error.code}


def sign(body: bytes) -> dict[str, str]:
    return hooksig.Signer("github", secret=SECRET).sign(body)


def fastapi_app() -> FastAPI:
    app = FastAPI()
    install(app)
    deps = {path: WebhookBody(verifier(), max_body=limit) for path, limit in ROUTES.items()}
    deps["/custom"] = WebhookBody(verifier(), max_body=SMALL, error_body=custom_error)
    assert WebhookBody(verifier()).max_body == MIB

    def route(dep: WebhookBody) -> Callable[..., Any]:
        async def endpoint(request: Request, body: Annotated[bytes, Depends(dep)]) -> Any:
            again = await request.body()  # still readable after the dependency
            return {"n": len(body), "again": len(again)}

        return endpoint

    for path, dep in deps.items():
        app.post(path)(route(dep))
    return app


def asgi_app() -> Any:
    async def endpoint(request: StarletteRequest) -> Response:
        body = await request.body()
        assert isinstance(request.state.webhook, hooksig.Verified)
        return JSONResponse({"n": len(body), "again": len(await request.body())})

    paths = [*ROUTES, "/custom"]
    inner = Starlette(routes=[Route(path, endpoint, methods=["POST"]) for path in paths])
    app: Any = inner
    for path, limit in ROUTES.items():
        app = WebhookMiddleware(app, verifiers={path: verifier()}, max_body=limit)
    assert WebhookMiddleware(inner, verifiers={}).max_body == MIB
    return WebhookMiddleware(
        app, verifiers={"/custom": verifier()}, max_body=SMALL, error_body=custom_error
    )


def flask_app() -> Flask:
    app = Flask(__name__)

    def view() -> Any:
        body = flask_request.get_data()
        return {"n": len(body), "again": len(flask_request.get_data())}

    for path, limit in ROUTES.items():
        app.post(path, endpoint=path)(verify_webhook(verifier(), max_body=limit)(view))
    app.post("/custom", endpoint="custom")(
        verify_webhook(verifier(), max_body=SMALL, error_body=custom_error)(view)
    )
    return app


SERVERS: dict[str, Callable[[], AbstractContextManager[str]]] = {
    "fastapi": lambda: serve_asgi(fastapi_app()),
    "asgi": lambda: serve_asgi(asgi_app()),
    "flask": lambda: serve_wsgi(flask_app()),
}


@pytest.fixture(scope="module", params=list(SERVERS))
def url(request: pytest.FixtureRequest) -> Iterator[str]:
    with SERVERS[request.param]() as base:
        yield base


def post(url: str, body: bytes, chunked: bool = False) -> httpx.Response:
    headers = sign(body)
    content: Any = body
    if chunked:

        def chunks() -> Iterator[bytes]:
            for start in range(0, len(body), 65_536):
                yield body[start : start + 65_536]

        content = chunks()
    response = httpx.post(url, content=content, headers=headers, timeout=30)
    if chunked:
        assert "content-length" not in response.request.headers
        assert response.request.headers["transfer-encoding"] == "chunked"
    return response


def assert_verified(response: httpx.Response, size: int) -> None:
    assert response.status_code == 200, response.text
    assert response.json() == {"n": size, "again": size}


def assert_too_large(response: httpx.Response) -> None:
    assert response.status_code == 413, response.text
    assert response.json() == {"error": "body_too_large"}
    assert response.headers["content-type"] == "application/json"


def test_default_limit_is_one_mib(url: str) -> None:
    assert asgi.DEFAULT_MAX_BODY == fastapi.DEFAULT_MAX_BODY == flask.DEFAULT_MAX_BODY == MIB
    assert_verified(post(url + "/default", b"a" * MIB), MIB)
    assert_too_large(post(url + "/default", b"a" * (MIB + 1)))
    # A signed body over the limit is refused even though its signature is right.
    assert_verified(post(url + "/default", b"{}"), 2)


def test_chunked_body_over_the_default_limit(url: str) -> None:
    assert_verified(post(url + "/default", b"b" * MIB, chunked=True), MIB)
    assert_too_large(post(url + "/default", b"b" * (MIB + 1), chunked=True))


@pytest.mark.parametrize("chunked", [False, True])
def test_custom_limit(url: str, chunked: bool) -> None:
    assert_verified(post(url + "/small", b"c" * SMALL, chunked), SMALL)
    assert_too_large(post(url + "/small", b"c" * (SMALL + 1), chunked))
    assert_too_large(post(url + "/small", b"c" * (10 * SMALL), chunked))
    assert_verified(post(url + "/small", b"", chunked), 0)
    # The error body builder answers the 413 too, with its code.
    over = post(url + "/custom", b"c" * (SMALL + 1), chunked)
    assert (over.status_code, over.json()) == (413, {"rejected": "body_too_large"})
    bad = httpx.post(url + "/custom", content=b"x", headers=sign(b"y"))
    assert (bad.status_code, bad.json()) == (403, {"rejected": "signature_mismatch"})


@pytest.mark.parametrize("chunked", [False, True])
def test_limit_disabled(url: str, chunked: bool) -> None:
    size = 2 * MIB + 1
    assert_verified(post(url + "/off", b"d" * size, chunked), size)
    tampered = httpx.post(url + "/off", content=b"e" * size, headers=sign(b"d" * size))
    assert (tampered.status_code, tampered.json()) == (403, {"error": "signature_mismatch"})


def test_declared_length_is_refused_before_reading(url: str) -> None:
    """Content-Length says 64 MiB and no byte of the body is sent: the answer comes at once
    (a helper that waited for the body would time out here)."""
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        head = (
            "POST /default HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "".join(f"{name}: {value}\r\n" for name, value in sign(b"x").items())
            + f"Content-Length: {64 * MIB}\r\nConnection: close\r\n\r\n"
        )
        conn.sendall(head.encode())
        reply = b""
        while data := conn.recv(65_536):  # until the server closes (a timeout fails the test)
            reply += data
    head_part, _, payload = reply.partition(b"\r\n\r\n")
    assert head_part.startswith(b"HTTP/1.1 413 "), reply[:200]
    assert json.loads(payload) == {"error": "body_too_large"}


def test_max_body_is_checked_when_built() -> None:
    for bad in ("1024", 1.5, True):
        with pytest.raises(TypeError, match="max_body must be an int or None"):
            WebhookBody(verifier(), max_body=bad)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="max_body must be an int or None"):
            WebhookMiddleware(asgi_app(), verifiers={}, max_body=bad)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="max_body must be an int or None"):
            verify_webhook(verifier(), max_body=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_body must be >= 0"):
        verify_webhook(verifier(), max_body=-1)


# --- an endless chunked body, straight into each helper ----------------------------------
# (no server could send one whole: the helper must stop on its own, reading little past the
# limit; a helper that read to the end would never return)


def endless_receive(chunk: bytes, reads: list[int]) -> Callable[[], Any]:
    async def receive() -> dict[str, Any]:
        reads.append(len(chunk))
        return {"type": "http.request", "body": chunk, "more_body": True}

    return receive


def call_asgi(app: Any, path: str, receive: Callable[[], Any]) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in sign(b"x").items()],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    asyncio.run(app(scope, receive, send))
    start, body = sent[0], b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], body


@pytest.mark.parametrize("build", [fastapi_app, asgi_app], ids=["fastapi", "asgi"])
def test_endless_body_asgi(build: Callable[[], Any]) -> None:
    reads: list[int] = []
    status, body = call_asgi(build(), "/small", endless_receive(b"z" * 30, reads))
    assert (status, json.loads(body)) == (413, {"error": "body_too_large"})
    assert sum(reads) == 120  # the chunk that went past the limit of 100 is the last read


class EndlessInput:
    """A WSGI input that never ends; counts what is read from it."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        n = 4096 if size is None or size < 0 else min(size, 4096)
        self.read_bytes += n
        return b"z" * n

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def test_endless_body_flask() -> None:
    headers = list(sign(b"x").items())
    environ = EnvironBuilder(path="/small", method="POST", headers=headers).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    stream = EndlessInput()
    environ["wsgi.input"] = stream
    environ["wsgi.input_terminated"] = True  # what a server that de-chunks sets
    status: list[str] = []

    def start_response(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        status.append(code)
        return lambda data: None

    body = b"".join(flask_app()(environ, start_response))
    assert status[0].startswith("413") and json.loads(body) == {"error": "body_too_large"}
    assert stream.read_bytes == SMALL + 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (" 12\t", 12),
        (b"7", 7),
        ("0", 0),
        # Anything but digits with spaces or tabs around them, as Node's and Ruby's helpers.
        ("1\n", None),
        ("\r5", None),
        ("+5", None),
        ("1e6", None),
        ("0x10", None),
        ("", None),
        ("\u0661", None),  # ARABIC-INDIC DIGIT ONE: a digit to str.isdigit, not ASCII
        (None, None),
    ],
)
def test_declared_length_forms(value: Any, expected: Any) -> None:
    from hooksig._http import declared_length

    assert declared_length(value) == expected
