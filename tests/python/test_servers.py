"""Real servers on 127.0.0.1: the FastAPI example under uvicorn, the Flask example under
werkzeug's server (each its own process), and the helpers (FastAPI dependency, ASGI
middleware, Flask decorator) configured otherwise, served in a thread.

No `from __future__ import annotations`: FastAPI resolves the routes' annotations at runtime,
and these routes are local functions."""

import json
import time
from typing import Annotated, Any

import httpx
import pytest
from conftest import AGHANIM_TEST_SECRET, Server, serve_asgi, serve_wsgi
from fastapi import Depends, FastAPI, Request
from flask import Flask, g
from flask import request as flask_request
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import hooksig
from hooksig.asgi import WebhookMiddleware
from hooksig.fastapi import WebhookBody, WebhookJSON, WebhookRejected, install
from hooksig.flask import verify_webhook

PATH = "/webhooks/aghanim"


def aghanim_request(
    event: dict[str, Any], secret: str = AGHANIM_TEST_SECRET
) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event).encode()
    headers = hooksig.Signer("aghanim", secret=secret).sign(body)
    return body, {**headers, "Content-Type": "application/json", "User-Agent": "Aghanim/0.1.0"}


ITEM_ADD = {
    "event_type": "item.add",
    "event_data": {"player_id": "2D2R-OP3C", "items": [{"sku": "gems_100"}]},
    "event_id": "whevt_eBZXsUEITGeDcILaZFUvPthxkr",
}


@pytest.fixture(params=["fastapi", "flask"])
def example(request: pytest.FixtureRequest) -> Server:
    server: Server = request.getfixturevalue(f"{request.param}_server")
    return server


def test_example_accepts_a_valid_webhook(example: Server) -> None:
    body, headers = aghanim_request(ITEM_ADD)
    response = httpx.post(example.url + PATH, content=body, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ok"

    verify = {"event_type": "player.verify", "event_data": {"player_id": "2D2R-OP3C"}}
    body, headers = aghanim_request(verify)
    lower = {k.lower(): v for k, v in headers.items()}
    response = httpx.post(example.url + PATH, content=body, headers=lower)
    assert response.status_code == 200, response.text


def test_example_rejects_a_tampered_body(example: Server) -> None:
    body, headers = aghanim_request(ITEM_ADD)
    tampered = body.replace(b"gems_100", b"gems_999")
    response = httpx.post(example.url + PATH, content=tampered, headers=headers)
    assert response.status_code == 403
    assert response.json() == {"error": "signature_mismatch"}


def test_example_rejects_a_wrong_secret(example: Server) -> None:
    body, headers = aghanim_request(ITEM_ADD, secret="aghanim-local-test-secret")
    response = httpx.post(example.url + PATH, content=body, headers=headers)
    assert response.status_code == 403
    assert response.json() == {"error": "signature_mismatch"}


@pytest.mark.parametrize("drop", ["X-Aghanim-Signature", "X-Aghanim-Signature-Timestamp"])
def test_example_rejects_a_missing_header(example: Server, drop: str) -> None:
    body, headers = aghanim_request(ITEM_ADD)
    del headers[drop]
    response = httpx.post(example.url + PATH, content=body, headers=headers)
    assert response.status_code == 403
    assert response.json() == {"error": "missing_header"}


def test_example_rejects_a_replayed_webhook(example: Server) -> None:
    body = json.dumps(ITEM_ADD).encode()
    stale = hooksig.Signer("aghanim", secret=AGHANIM_TEST_SECRET).sign(
        body, timestamp=int(time.time()) - 3600
    )
    response = httpx.post(example.url + PATH, content=body, headers=stale)
    assert response.status_code == 403
    assert response.json() == {"error": "timestamp_too_old"}


def test_example_answers_a_duplicate_once_processed(example: Server) -> None:
    body, headers = aghanim_request({**ITEM_ADD, "event_id": "whevt_duplicate_test"})
    first = httpx.post(example.url + PATH, content=body, headers=headers)
    assert (first.status_code, first.json()["status"]) == (200, "ok")
    again = httpx.post(example.url + PATH, content=body, headers=headers)
    assert (again.status_code, again.json()) == (200, {"status": "duplicate"})


def test_example_answers_400_to_an_unknown_event(example: Server) -> None:
    body, headers = aghanim_request({"event_type": "no.such.event", "event_data": {}})
    response = httpx.post(example.url + PATH, content=body, headers=headers)
    assert response.status_code == 400
    assert "Unknown event type" in response.text


# --- the FastAPI dependency, configured --------------------------------------------------

GITHUB_SECRET = "It's a Secret to Everybody"
GITHUB_BODY = b"Hello, World!"
GITHUB_HEADERS = {
    "X-Hub-Signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
}


def github() -> hooksig.Verifier:
    return hooksig.Verifier("github", secret=GITHUB_SECRET)


def test_fastapi_dependency_options() -> None:
    app = FastAPI()
    install(app)
    raw = WebhookBody(github())
    custom = WebhookBody(
        github(), status_code=401, error_body=lambda e: {"rejected": e.code, "ok": False}
    )
    as_json = WebhookJSON(github())

    @app.post("/raw")
    async def raw_route(request: Request, body: Annotated[bytes, Depends(raw)]) -> dict[str, Any]:
        verified: hooksig.Verified = request.state.webhook
        return {"body": body.decode(), "index": verified.secret_index}

    @app.post("/custom")
    async def custom_route(body: Annotated[bytes, Depends(custom)]) -> dict[str, Any]:
        return {"n": len(body)}

    @app.post("/json")
    async def json_route(event: Annotated[Any, Depends(as_json)]) -> Any:
        return {"event": event}

    bare = FastAPI()  # without install(): FastAPI's own handler answers

    @bare.post("/raw")
    async def bare_route(body: Annotated[bytes, Depends(raw)]) -> dict[str, int]:
        return {"n": len(body)}

    with serve_asgi(app) as url, serve_asgi(bare) as bare_url:
        ok = httpx.post(url + "/raw", content=GITHUB_BODY, headers=GITHUB_HEADERS)
        assert ok.status_code == 200
        assert ok.json() == {"body": "Hello, World!", "index": 0}
        bad = httpx.post(url + "/raw", content=b"Hello, World?", headers=GITHUB_HEADERS)
        assert (bad.status_code, bad.json()) == (403, {"error": "signature_mismatch"})
        bad = httpx.post(url + "/custom", content=b"Hello", headers=GITHUB_HEADERS)
        assert (bad.status_code, bad.json()) == (
            401,
            {"rejected": "signature_mismatch", "ok": False},
        )
        missing = httpx.post(url + "/custom", content=GITHUB_BODY)
        assert (missing.status_code, missing.json()["rejected"]) == (401, "missing_header")
        # A verified body that is not JSON.
        not_json = httpx.post(url + "/json", content=GITHUB_BODY, headers=GITHUB_HEADERS)
        assert (not_json.status_code, not_json.json()) == (400, {"error": "invalid_json"})
        event = b'{"action":"opened"}'
        signed = hooksig.Signer("github", secret=GITHUB_SECRET).sign(event)
        parsed = httpx.post(url + "/json", content=event, headers=signed)
        assert parsed.json() == {"event": {"action": "opened"}}

        bad = httpx.post(bare_url + "/raw", content=b"x", headers=GITHUB_HEADERS)
        assert (bad.status_code, bad.json()) == (403, {"detail": {"error": "signature_mismatch"}})

    with pytest.raises(TypeError, match=r"hooksig\.Verifier"):
        WebhookBody("github")  # type: ignore[arg-type]
    assert issubclass(WebhookRejected, Exception)


# --- the ASGI middleware ------------------------------------------------------------------


def test_asgi_middleware_on_its_paths_only() -> None:
    seen: list[tuple[bytes, Any]] = []

    async def endpoint(request: StarletteRequest) -> Response:
        body = await request.body()
        seen.append((body, getattr(request.state, "webhook", None)))
        return JSONResponse({"got": len(body)})

    inner = Starlette(
        routes=[
            Route("/hooks/github", endpoint, methods=["POST"]),
            Route("/hooks/teapot", endpoint, methods=["POST"]),
            Route("/open", endpoint, methods=["POST"]),
        ]
    )
    app = WebhookMiddleware(inner, verifiers={"/hooks/github": github()})
    teapot = WebhookMiddleware(
        app,
        verifiers={"/hooks/teapot": github()},
        status_code=418,
        error_body=lambda e: {"code": e.code},
    )

    with serve_asgi(teapot) as url:
        ok = httpx.post(url + "/hooks/github", content=GITHUB_BODY, headers=GITHUB_HEADERS)
        assert (ok.status_code, ok.json()) == (200, {"got": len(GITHUB_BODY)})
        body, verified = seen[-1]
        assert body == GITHUB_BODY
        assert isinstance(verified, hooksig.Verified) and verified.secret_index == 0

        # A body sent in chunks is read whole before verifying.
        def chunks() -> Any:
            yield b"Hello, "
            yield b"World!"

        chunked = httpx.post(url + "/hooks/github", content=chunks(), headers=GITHUB_HEADERS)
        assert chunked.status_code == 200 and seen[-1][0] == GITHUB_BODY

        count = len(seen)
        bad = httpx.post(url + "/hooks/github", content=b"Hello, World?", headers=GITHUB_HEADERS)
        assert (bad.status_code, bad.json()) == (403, {"error": "signature_mismatch"})
        assert bad.headers["content-type"] == "application/json"
        missing = httpx.post(url + "/hooks/github", content=GITHUB_BODY)
        assert (missing.status_code, missing.json()) == (403, {"error": "missing_header"})
        tea = httpx.post(url + "/hooks/teapot", content=b"x", headers=GITHUB_HEADERS)
        assert (tea.status_code, tea.json()) == (418, {"code": "signature_mismatch"})
        assert len(seen) == count, "a rejected request never reaches the app"

        # Other paths pass through untouched.
        other = httpx.post(url + "/open", content=b"anything")
        assert (other.status_code, other.json()) == (200, {"got": 8})
        assert seen[-1] == (b"anything", None)

    with pytest.raises(TypeError, match=r"hooksig\.Verifier"):
        WebhookMiddleware(inner, verifiers={"/x": "github"})  # type: ignore[dict-item]


# --- the Flask decorator ------------------------------------------------------------------


def test_flask_decorator_options() -> None:
    app = Flask(__name__)

    @app.post("/default")
    @verify_webhook(github())
    def default() -> Any:
        return {"body": flask_request.get_data().decode(), "index": g.webhook.secret_index}

    @app.post("/custom")
    @verify_webhook(github(), status_code=401, error_body=lambda e: {"rejected": e.code})
    def custom() -> Any:
        return {"ok": True}

    with serve_wsgi(app) as url:
        ok = httpx.post(url + "/default", content=GITHUB_BODY, headers=GITHUB_HEADERS)
        assert (ok.status_code, ok.json()) == (200, {"body": "Hello, World!", "index": 0})
        bad = httpx.post(url + "/default", content=b"Hello, World?", headers=GITHUB_HEADERS)
        assert (bad.status_code, bad.json()) == (403, {"error": "signature_mismatch"})
        bad = httpx.post(url + "/custom", content=GITHUB_BODY)
        assert (bad.status_code, bad.json()) == (401, {"rejected": "missing_header"})
        ok = httpx.post(url + "/custom", content=GITHUB_BODY, headers=GITHUB_HEADERS)
        assert ok.json() == {"ok": True}

    with pytest.raises(TypeError, match=r"hooksig\.Verifier"):
        verify_webhook(None)  # type: ignore[arg-type]


# --- URL-signed schemes: the request URL, public_url as a string or a function ----------

SQUARE_KEY = "square-signature-key"
PUBLIC = "https://hooks.example.com/square?shop=1"


def square() -> hooksig.Verifier:
    return hooksig.Verifier("square", secret=SQUARE_KEY)


def square_signed(url: str, body: bytes = b'{"data":{}}') -> tuple[bytes, dict[str, str]]:
    return body, hooksig.Signer("square", secret=SQUARE_KEY).sign(body, url=url)


def test_url_signed_schemes_under_every_helper() -> None:
    seen_urls: list[str] = []

    def from_request(request: Any) -> str:
        seen_urls.append(str(getattr(request, "url", None) or request.get("path")))
        return PUBLIC

    api = FastAPI()
    install(api)
    as_server = WebhookBody(square())
    as_text = WebhookBody(square(), public_url=PUBLIC)
    as_function = WebhookBody(square(), public_url=from_request)

    @api.post("/server")
    async def server_view(body: Annotated[bytes, Depends(as_server)]) -> dict[str, int]:
        return {"n": len(body)}

    @api.post("/text")
    async def text_view(body: Annotated[bytes, Depends(as_text)]) -> dict[str, int]:
        return {"n": len(body)}

    @api.post("/function")
    async def function_view(body: Annotated[bytes, Depends(as_function)]) -> dict[str, int]:
        return {"n": len(body)}

    async def endpoint(request: StarletteRequest) -> Response:
        return JSONResponse({"n": len(await request.body())})

    inner = Starlette(
        routes=[Route(p, endpoint, methods=["POST"]) for p in ("/server", "/text", "/function")]
    )
    middleware = WebhookMiddleware(
        inner,
        verifiers={"/server": square(), "/text": square(), "/function": square()},
        public_url={"/text": PUBLIC, "/function": from_request},
    )
    flask_app = Flask(__name__)
    flask_views = {
        "/server": verify_webhook(square()),
        "/text": verify_webhook(square(), public_url=PUBLIC),
        "/function": verify_webhook(square(), public_url=from_request),
    }
    for path, decorate in flask_views.items():
        flask_app.add_url_rule(
            path, endpoint=path, view_func=decorate(lambda: {"ok": True}), methods=["POST"]
        )

    with serve_asgi(api) as a, serve_asgi(middleware) as m, serve_wsgi(flask_app) as f:
        for base in (a, m, f):
            # The server's view: the URL the request was sent to, query included.
            body, headers = square_signed(base + "/server?x=1")
            ok = httpx.post(base + "/server?x=1", content=body, headers=headers)
            assert ok.status_code == 200, (base, ok.text)
            # A delivery signed for the public URL fails on the server's view of it...
            body, headers = square_signed(PUBLIC)
            bad = httpx.post(base + "/server", content=body, headers=headers)
            assert (bad.status_code, bad.json()) == (403, {"error": "signature_mismatch"})
            # ...and verifies with public_url, as a string or as a function of the request.
            for path in ("/text", "/function"):
                ok = httpx.post(base + path, content=body, headers=headers)
                assert ok.status_code == 200, (base, path, ok.text)
    assert len(seen_urls) == 3, seen_urls

    with pytest.raises(TypeError, match="public_url"):
        WebhookBody(square(), public_url=42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="public_url"):
        verify_webhook(square(), public_url=b"https://x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="public_url"):
        WebhookMiddleware(inner, verifiers={"/server": square()}, public_url=PUBLIC)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no verifier"):
        WebhookMiddleware(inner, verifiers={"/server": square()}, public_url={"/x": PUBLIC})
