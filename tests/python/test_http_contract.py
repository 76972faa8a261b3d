"""The helper contract, tests/vectors/http.json (format: tests/vectors/README.md), run against
every Python helper on a real server on 127.0.0.1: the FastAPI dependencies (``WebhookBody``
and ``WebhookJSON``) and the ASGI middleware under uvicorn, the Flask decorator under
werkzeug's server. A case that sends a malformed Content-Length is written on a raw socket.

Each helper serves every case at once, one route per case (``/case/<n>``), built from the
case's preset, keys, tolerance, ``max_body`` and ``public_url``; a route's handler counts its
calls, so the test knows whether it ran.

No `from __future__ import annotations`: FastAPI resolves the routes' annotations at runtime.
"""

import json
import socket
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from typing import Annotated, Any, Union
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
from hooksig.fastapi import WebhookBody, WebhookJSON, install
from hooksig.flask import verify_webhook

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"
CASES: list[dict[str, Any]] = json.loads((VECTORS / "http.json").read_text())["cases"]
HELPERS = ["fastapi-body", "fastapi-json", "asgi", "flask"]
CALLS: Counter[str] = Counter()  # "<helper> <path>" -> handler calls


def byte_string(value: Any) -> bytes:
    """A vector byte string: text (UTF-8), {"hex": ...}, or {"repeat": unit, "length": n}."""
    if isinstance(value, dict) and "hex" in value:
        return bytes.fromhex(value["hex"])
    if isinstance(value, dict) and "repeat" in value:
        unit = str(value["repeat"]).encode()
        length = int(value["length"])
        return (unit * (length // len(unit) + 1))[:length]
    assert isinstance(value, str), value
    return value.encode()


def is_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


def applies(helper: str, case: dict[str, Any]) -> bool:
    """json_helpers_only cases run on the helper that parses JSON; that helper runs the other
    cases whose body is JSON (WebhookBody runs the rest)."""
    json_only = case["expect"].get("json_helpers_only", False)
    if helper == "fastapi-json":
        return json_only or is_json(byte_string(case.get("body", "")))
    return not json_only


def path_of(index: int) -> str:
    return f"/case/{index}"


def verifier_of(case: dict[str, Any]) -> hooksig.Verifier:
    options: dict[str, Any] = {}
    if "tolerance" in case:
        options["tolerance"] = case["tolerance"]
    return hooksig.Verifier(
        case["preset"],
        secrets=[byte_string(s) for s in case.get("secrets", [])],
        public_keys=case.get("public_keys"),
        **options,
    )


def helper_options(case: dict[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if "max_body" in case:
        options["max_body"] = case["max_body"]
    return options


# --- the apps: one route per case ---------------------------------------------------------


def fastapi_app(helper: str) -> FastAPI:
    app = FastAPI()
    install(app)
    kind = WebhookJSON if helper == "fastapi-json" else WebhookBody
    for index, case in enumerate(CASES):
        if not applies(helper, case):
            continue
        dependency = kind(
            verifier_of(case), public_url=case.get("public_url"), **helper_options(case)
        )
        path = path_of(index)

        def route(
            event: Annotated[Any, Depends(dependency)], _key: str = f"{helper} {path}"
        ) -> dict[str, bool]:
            CALLS[_key] += 1
            return {"ok": True}

        app.post(path, response_model=None)(route)
    return app


def asgi_app() -> Any:
    async def endpoint(request: StarletteRequest) -> Response:
        await request.body()
        CALLS[f"asgi {request.url.path}"] += 1
        return JSONResponse({"ok": True})

    paths = [path_of(i) for i, case in enumerate(CASES) if applies("asgi", case)]
    app: Any = Starlette(routes=[Route(path, endpoint, methods=["POST"]) for path in paths])
    # One middleware per case, each with its own body limit and public URL.
    for index, case in enumerate(CASES):
        if not applies("asgi", case):
            continue
        path = path_of(index)
        public = {path: case["public_url"]} if "public_url" in case else None
        app = WebhookMiddleware(
            app, verifiers={path: verifier_of(case)}, public_url=public, **helper_options(case)
        )
    return app


def flask_app() -> Flask:
    app = Flask(__name__)
    for index, case in enumerate(CASES):
        if not applies("flask", case):
            continue
        path = path_of(index)

        def view(_key: str = f"flask {path}") -> Any:
            CALLS[_key] += 1
            return {"ok": True}

        decorated = verify_webhook(
            verifier_of(case), public_url=case.get("public_url"), **helper_options(case)
        )(view)
        app.add_url_rule(path, endpoint=f"case{index}", view_func=decorated, methods=["POST"])
    return app


def serve(helper: str) -> AbstractContextManager[str]:
    if helper == "asgi":
        return serve_asgi(asgi_app())
    if helper == "flask":
        return serve_wsgi(flask_app())
    return serve_asgi(fastapi_app(helper))


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, str]]:
    """Every helper's server, up for the whole module: helper -> base URL."""
    with ExitStack() as stack:
        yield {helper: stack.enter_context(serve(helper)) for helper in HELPERS}


# --- sending a case ------------------------------------------------------------------------


def request_headers(case: dict[str, Any], url: str, body: bytes) -> list[tuple[bytes, bytes]]:
    """The signed headers (when the case signs), then the case's own, in order."""
    out: list[tuple[bytes, bytes]] = []
    sign = case.get("sign")
    if sign is not None:
        signer = hooksig.Signer(
            case["preset"],
            secrets=[byte_string(s) for s in case.get("secrets", [])],
            private_key=case.get("private_key"),
        )
        signed_url = url if sign.get("url") == "request" else sign.get("url")
        signed = signer.sign(
            body, timestamp=int(time.time()) - sign["age"], url=signed_url, method="POST"
        )
        out += [(name.encode(), value.encode("latin-1")) for name, value in signed.items()]
    out += [(name.encode(), byte_string(value)) for name, value in case.get("headers", [])]
    return out


def send(url: str, case: dict[str, Any]) -> tuple[int, bytes]:
    body = byte_string(case.get("body", ""))
    headers = request_headers(case, url, body)
    if isinstance(case.get("content_length"), str):
        return send_raw(url, headers, body, case["content_length"])
    content: Union[bytes, Iterator[bytes]] = body
    if "content_length" in case and case["content_length"] is None:
        content = iter([body[i : i + 1000] for i in range(0, len(body), 1000)])  # chunked
    response = httpx.post(url, content=content, headers=headers, timeout=30)
    return response.status_code, response.content


def send_raw(
    url: str, headers: list[tuple[bytes, bytes]], body: bytes, content_length: str
) -> tuple[int, bytes]:
    """A request written on a socket, with the Content-Length value exactly as given."""
    parts = urlsplit(url)
    head = [f"POST {parts.path} HTTP/1.1".encode(), f"Host: {parts.netloc}".encode()]
    head += [b"Connection: close", f"Content-Length: {content_length}".encode()]
    head += [name + b": " + value for name, value in headers]
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        # No half-close: a server may take the end of the input for a client gone away.
        sock.sendall(b"\r\n".join(head) + b"\r\n\r\n" + body)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return parse_response(received)


def parse_response(raw: bytes) -> tuple[int, bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(b":") for line in lines)}
    if fields.get(b"transfer-encoding") == b"chunked":
        out = b""
        while body:
            size_line, _, body = body.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                break
            out, body = out + body[:size], body[size + 2 :]
        body = out
    return status, body


# --- the contract --------------------------------------------------------------------------


RUNS = [(h, i) for i, case in enumerate(CASES) for h in HELPERS if applies(h, case)]


@pytest.mark.parametrize(
    ("helper", "index"), RUNS, ids=[f"{h}: {CASES[i]['name']}" for h, i in RUNS]
)
def test_http_contract(servers: dict[str, str], helper: str, index: int) -> None:
    base = servers[helper]
    case = CASES[index]
    expect = case["expect"]
    key = f"{helper} {path_of(index)}"
    before = CALLS[key]
    status, body = send(base + path_of(index), case)

    allowed = expect["status"] if isinstance(expect["status"], list) else [expect["status"]]
    assert status in allowed, f"{helper}: {status} {body!r}"
    if "error" in expect:
        # One code, or the codes a helper may answer (a WSGI server joins a repeated header
        # into one value, which then does not verify: signature_mismatch).
        codes = expect["error"] if isinstance(expect["error"], list) else [expect["error"]]
        assert json.loads(body) in [{"error": code} for code in codes], f"{helper}: {body!r}"
    ran = CALLS[key] > before
    if "handler" in expect:
        assert ran == expect["handler"], f"{helper}: handler ran: {ran}"
    if "handler_if_status" in expect:
        assert ran == (status == expect["handler_if_status"]), f"{helper}: {status}, ran {ran}"


def test_every_case_ran_on_every_helper_it_applies_to() -> None:
    """The json_helpers_only cases run on the JSON helper; every other case on the others."""
    for case in CASES:
        runs = [h for h in HELPERS if applies(h, case)]
        assert runs, case["name"]
        if not case["expect"].get("json_helpers_only"):
            assert {"fastapi-body", "asgi", "flask"} <= set(runs), case["name"]
