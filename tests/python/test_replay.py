"""Replay protection (issue 11) in one process: the replay key and TTL through the binding, the
core's memory store (bound, TTL, threads), the Redis stores against a real Redis, and every
helper (FastAPI dependency, ASGI middleware, Flask decorator) on a real server with each kind
of store: duplicates, release on failure, a store that fails, the options.

The multi-instance proof is test_replay_instances.py.

No `from __future__ import annotations`: FastAPI resolves the routes' annotations at runtime.
"""

import asyncio
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from typing import Annotated, Any

import httpx
import pytest
import redis
import redis.asyncio
from conftest import RedisServer, free_port, serve_asgi, serve_wsgi
from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse
from flask import Flask
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response
from starlette.routing import Route

import hooksig
from hooksig.asgi import WebhookMiddleware
from hooksig.fastapi import WebhookBody, WebhookJSON, install
from hooksig.flask import verify_webhook

WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
GITHUB_SECRET = "It's a Secret to Everybody"
DUPLICATE = {"status": "duplicate"}
UNAVAILABLE = {"error": "replay_store_unavailable"}

# --- the key and the TTL --------------------------------------------------------------------


def test_replay_key_of_a_scheme_with_an_id() -> None:
    headers = hooksig.Signer("standard-webhooks", secret=WHSEC).sign(b"{}", id="msg_1")
    verifier = hooksig.Verifier("standard-webhooks", secret=WHSEC)
    verified = verifier.verify(b"{}", headers)
    assert verified.replay_key == "standard-webhooks:msg_1"
    assert verified.replay_ttl == 2 * 300 + 60 == verifier.replay_ttl
    assert verifier.namespace == "standard-webhooks"
    # A retry (signed again, same id) names the same delivery.
    again = hooksig.Signer("standard-webhooks", secret=WHSEC).sign(
        b"{}", id="msg_1", timestamp=int(time.time()) - 5
    )
    assert verifier.verify(b"{}", again).replay_key == verified.replay_key


def test_replay_key_of_a_scheme_without_an_id_is_the_signature() -> None:
    body = b"Hello, World!"
    mac = hmac.new(GITHUB_SECRET.encode(), body, hashlib.sha256).hexdigest()
    verifier = hooksig.Verifier("github", secret=GITHUB_SECRET)
    verified = verifier.verify(body, {"X-Hub-Signature-256": f"sha256={mac}"})
    assert verified.replay_key == f"github:sig:{mac}"
    assert verified.replay_ttl == verifier.replay_ttl == 86400  # no window: the default
    assert verifier.tolerance is None
    # The hex of the signature, whatever its case on the wire.
    upper = verifier.verify(body, {"X-Hub-Signature-256": f"sha256={mac.upper()}"})
    assert upper.replay_key == verified.replay_key


def test_replay_key_of_a_token_scheme_is_the_body_hash() -> None:
    verifier = hooksig.Verifier("gitlab", secret="token", replay_ttl=600)
    verified = verifier.verify(b"{}", {"X-Gitlab-Token": "token"})
    assert verified.replay_key == "gitlab:body:" + hashlib.sha256(b"{}").hexdigest()
    assert verified.replay_ttl == 600


def test_namespace_and_replay_ttl_options() -> None:
    verifier = hooksig.Verifier("github", secret="s", namespace="github-prod", replay_ttl=3600)
    headers = hooksig.Signer("github", secret="s").sign(b"x")
    verified = verifier.verify(b"x", headers)
    assert verified.replay_key.startswith("github-prod:sig:")
    assert (verifier.namespace, verifier.replay_ttl, verified.replay_ttl) == (
        "github-prod",
        3600,
        3600,
    )
    # With a window, the TTL follows it, not replay_ttl.
    aghanim = hooksig.Verifier("aghanim", secret="s", tolerance=100, replay_ttl=5)
    assert aghanim.replay_ttl == 260
    # A custom scheme's namespace is its signature header's name.
    custom = hooksig.Verifier({"signature_header": "x-acme-signature"}, secret="s")
    assert custom.namespace == "x-acme-signature"
    assert hooksig.Verifier('{"signature_header": "x-acme"}', secret="s").namespace == "x-acme"


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"namespace": ""}, ValueError),
        ({"namespace": 3}, TypeError),
        ({"namespace": b"github"}, TypeError),
        ({"replay_ttl": 0}, ValueError),
        ({"replay_ttl": -1}, ValueError),
        ({"replay_ttl": 2**64}, ValueError),
        ({"replay_ttl": True}, TypeError),
        ({"replay_ttl": 1.5}, TypeError),
        ({"replay_ttl": "60"}, TypeError),
    ],
)
def test_bad_replay_options(options: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        hooksig.Verifier("github", secret="s", **options)
    with pytest.raises(TypeError):
        hooksig.Signer("github", secret="s", **options)


def test_the_key_is_the_same_from_every_body_and_header_form() -> None:
    body = b'{"a":1}'
    headers = hooksig.Signer("standard-webhooks", secret=WHSEC).sign(body, id="msg_forms")
    verifier = hooksig.Verifier("standard-webhooks", secret=WHSEC)
    pairs = [(k.encode(), v.encode()) for k, v in headers.items()]
    forms: list[tuple[Any, Any]] = [
        (body, headers),
        (body.decode(), headers),
        (bytearray(body), headers),  # made at verify: a bytearray can change
        (memoryview(body), headers),
        (body, pairs),
        (body, iter(pairs)),  # made at verify: an iterator cannot be read again
        (body, headers.items()),
    ]
    keys = {verifier.verify(b, h).replay_key for b, h in forms}
    assert keys == {"standard-webhooks:msg_forms"}


def test_a_request_changed_before_the_key_is_read() -> None:
    verifier = hooksig.Verifier("gitlab", secret="token")
    headers = {"X-Gitlab-Token": "token"}
    verified = verifier.verify(b"{}", headers)
    headers["X-Gitlab-Token"] = "other"
    with pytest.raises(RuntimeError, match="read replay_key before changing them"):
        _ = verified.replay_key
    # Made at verify (replay_key=True), the key does not depend on the request after.
    headers = {"X-Gitlab-Token": "token"}
    made = verifier.verify(b"{}", headers, replay_key=True)
    headers["X-Gitlab-Token"] = "other"
    assert made.replay_key == "gitlab:body:" + hashlib.sha256(b"{}").hexdigest()
    with pytest.raises(TypeError):
        verifier.verify(b"{}", headers, replay_key="yes")  # type: ignore[arg-type]
    # Read first, the key stays.
    headers = {"X-Gitlab-Token": "token"}
    verified = verifier.verify(b"{}", headers)
    key = verified.replay_key
    headers.clear()
    assert verified.replay_key == key


def test_the_key_is_made_at_the_timestamp_the_delivery_carried() -> None:
    # Read long after the window closed (verify at `now`), the key is still made.
    headers = hooksig.Signer("aghanim", secret="s").sign(b"x", timestamp=1_000_000)
    verified = hooksig.Verifier("aghanim", secret="s").verify(b"x", headers, now=1_000_100)
    assert verified.replay_key.startswith("aghanim:sig:")
    square = hooksig.Verifier("square", secret="k")
    url = "https://example.com/hook"
    signed = hooksig.Signer("square", secret="k").sign(b"{}", url=url)
    assert square.verify(b"{}", signed, url=url).replay_key.startswith("square:sig:")


# --- the memory store -----------------------------------------------------------------------


def test_memory_store_claims_once_and_releases() -> None:
    store = hooksig.MemoryReplayStore()
    assert store.max_keys == 100_000
    assert store.claim("k", 60) is True
    assert store.claim("k", 60) is False
    store.release("k")
    assert store.claim("k", 60) is True
    store.release("never-claimed")  # nothing to forget: no error
    assert len(store) == 1
    assert repr(store) == "MemoryReplayStore(max_keys=100000, claims=1)"


def test_memory_store_bound() -> None:
    store = hooksig.MemoryReplayStore(max_keys=3)
    for key in "abcd":
        assert store.claim(key, 3600)
    assert len(store) == 3
    assert store.claim("a", 3600), "the oldest claim went when the store was full"
    assert not store.claim("d", 3600)
    assert len(store) == 3


def test_memory_store_ttl() -> None:
    store = hooksig.MemoryReplayStore()
    assert store.claim("zero", 0)
    assert store.claim("zero", 0), "a claim of 0 s is over at once"
    assert store.claim("short", 1)
    assert store.claim("long", 3600)
    time.sleep(1.05)
    assert store.claim("short", 1), "claimable again once its TTL is over"
    assert not store.claim("long", 3600)


def test_memory_store_threads_claim_each_key_once() -> None:
    store = hooksig.MemoryReplayStore()
    wins: list[int] = []

    def work() -> None:
        wins.append(sum(store.claim(f"k{i}", 60) for i in range(2000)))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(wins) == 2000


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((b"k", 1), TypeError),
        ((None, 1), TypeError),
        (("k", -1), ValueError),
        (("k", 2**64), ValueError),
        (("k", 1.0), TypeError),
        (("k", True), TypeError),
        (("\ud800", 1), ValueError),
    ],
)
def test_memory_store_bad_arguments(args: tuple[Any, Any], error: type[Exception]) -> None:
    store = hooksig.MemoryReplayStore()
    with pytest.raises(error):
        store.claim(*args)


@pytest.mark.parametrize(
    "args", [(b"k", 1), (None, 1), (1, 1), ("k", -1), ("k", 1.0), ("k", True)], ids=repr
)
def test_every_store_refuses_bad_arguments_before_the_store(args: tuple[Any, Any]) -> None:
    """A wrong key or TTL is the caller's TypeError or ValueError in every store, never a
    ReplayStoreError (which a helper answers 503 for): nothing listens on the Redis port."""
    down = redis.Redis(port=free_port(), socket_connect_timeout=2)
    stores: list[Any] = [hooksig.MemoryReplayStore(), hooksig.RedisReplayStore(down)]
    for store in stores:
        with pytest.raises((TypeError, ValueError)) as caught:
            store.claim(*args)
        assert not isinstance(caught.value, hooksig.ReplayStoreError)
        if not isinstance(args[0], str):
            with pytest.raises(TypeError):
                store.release(args[0])
    astore = hooksig.AsyncRedisReplayStore(redis.asyncio.Redis(port=free_port()))
    with pytest.raises((TypeError, ValueError)):
        asyncio.run(astore.claim(*args))


@pytest.mark.parametrize(
    ("max_keys", "error"), [(0, ValueError), (-1, ValueError), (True, TypeError), ("1", TypeError)]
)
def test_memory_store_bad_max_keys(max_keys: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        hooksig.MemoryReplayStore(max_keys)


# --- the Redis stores -----------------------------------------------------------------------


def test_redis_store(redis_db: RedisServer) -> None:
    client = redis_db.client()
    client.config_resetstat()
    store = hooksig.RedisReplayStore(client)
    assert isinstance(store, hooksig.ReplayStore)
    assert store.claim("github:sig:ab", 660) is True
    assert store.claim("github:sig:ab", 660) is False
    assert client.get("hooksig:github:sig:ab") == b"1"
    assert 0 < client.pttl("hooksig:github:sig:ab") <= 660_000
    store.release("github:sig:ab")
    assert client.exists("hooksig:github:sig:ab") == 0
    assert store.claim("github:sig:ab", 660) is True
    other = hooksig.RedisReplayStore(client, prefix="app2:")
    assert other.claim("github:sig:ab", 660) is True
    assert store.claim("zero", 0) is True and store.claim("zero", 0) is True
    # One SET (NX PX) per claim that stores something, one DEL per release, nothing else.
    stats = client.info("commandstats")
    assert (stats["cmdstat_set"]["calls"], stats["cmdstat_del"]["calls"]) == (4, 1)
    with pytest.raises(ValueError):
        store.claim("k", -1)
    with pytest.raises(TypeError):
        hooksig.RedisReplayStore("redis://localhost")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        hooksig.RedisReplayStore(client, prefix=b"x")  # type: ignore[arg-type]
    client.close()


def test_redis_store_unreachable() -> None:
    port = free_port()  # nothing listens there
    store = hooksig.RedisReplayStore(redis.Redis(port=port, socket_connect_timeout=2))
    with pytest.raises(hooksig.ReplayStoreError) as caught:
        store.claim("k", 60)
    assert isinstance(caught.value.__cause__, redis.ConnectionError)
    with pytest.raises(hooksig.ReplayStoreError):
        store.release("k")


def test_async_redis_store(redis_db: RedisServer) -> None:
    async def run() -> None:
        client = redis.asyncio.Redis(port=redis_db.port)
        store = hooksig.AsyncRedisReplayStore(client, prefix="a:")
        assert isinstance(store, hooksig.AsyncReplayStore)
        results = await asyncio.gather(*(store.claim("k", 60) for _ in range(20)))
        assert sorted(results) == [False] * 19 + [True]
        await store.release("k")
        assert await store.claim("k", 60)
        assert await client.exists("a:k") == 1
        await client.aclose()
        down = hooksig.AsyncRedisReplayStore(redis.asyncio.Redis(port=free_port()))
        with pytest.raises(hooksig.ReplayStoreError):
            await down.claim("k", 60)

    asyncio.run(run())


# --- the helpers ----------------------------------------------------------------------------


class FailingStore:
    """A store whose backend is down."""

    def claim(self, key: str, ttl: int) -> bool:
        raise ConnectionError("down")

    def release(self, key: str) -> None:
        raise ConnectionError("down")


def signed(event: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event).encode()
    return body, hooksig.Signer("github", secret=GITHUB_SECRET).sign(body)


def verifier() -> hooksig.Verifier:
    return hooksig.Verifier("github", secret=GITHUB_SECRET)


CALLS: list[str] = []


def outcome(event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """What a handler does with an event: ``fail`` raises, ``status`` answers that status."""
    CALLS.append(event["id"])
    if event.get("fail"):
        raise RuntimeError("the handler failed")
    return event.get("status", 200), {"handled": event["id"]}


def fastapi_app(stores: dict[str, Any], **options: Any) -> FastAPI:
    app = FastAPI()
    install(app)
    for name, store in stores.items():
        dependency = WebhookJSON(verifier(), replay=store, **options)

        def route(event: Annotated[Any, Depends(dependency)]) -> Any:
            status, answer = outcome(event)
            return JSONResponse(answer, status_code=status)

        app.post(f"/{name}")(route)
    bare = WebhookBody(verifier(), replay=hooksig.MemoryReplayStore())

    @app.post("/no-install")
    def no_install(body: Annotated[bytes, Depends(bare)]) -> Any:
        CALLS.append("no-install")
        return {}

    return app


def asgi_app(stores: dict[str, Any], **options: Any) -> Any:
    async def endpoint(request: StarletteRequest) -> Response:
        status, answer = outcome(json.loads(await request.body()))
        return Response(json.dumps(answer), status_code=status, media_type="application/json")

    app: Any = Starlette(routes=[Route(f"/{n}", endpoint, methods=["POST"]) for n in stores])
    for name, store in stores.items():
        app = WebhookMiddleware(app, verifiers={f"/{name}": verifier()}, replay=store, **options)
    return app


def flask_app(stores: dict[str, Any], **options: Any) -> Flask:
    app = Flask(__name__)
    for name, store in stores.items():

        def view() -> Any:
            from flask import request

            status, answer = outcome(request.get_json(force=True))
            return answer, status

        decorated = verify_webhook(verifier(), replay=store, **options)(view)
        app.add_url_rule(f"/{name}", endpoint=name, view_func=decorated, methods=["POST"])
    return app


@pytest.fixture
def stores(redis_db: RedisServer) -> Iterator[dict[str, dict[str, Any]]]:
    """Each helper family's stores: the memory store, Redis (async for ASGI, sync for Flask;
    a sync Redis store in an ASGI helper runs in a thread), and one that is down."""
    sync_client = redis_db.client()
    async_client = redis.asyncio.Redis(port=redis_db.port)
    yield {
        "asgi": {
            "memory": hooksig.MemoryReplayStore(),
            "redis": hooksig.AsyncRedisReplayStore(async_client),
            "redis-sync": hooksig.RedisReplayStore(sync_client, prefix="sync:"),
            "down": FailingStore(),
        },
        "flask": {
            "memory": hooksig.MemoryReplayStore(),
            "redis": hooksig.RedisReplayStore(sync_client),
            "down": FailingStore(),
        },
    }
    sync_client.close()


HELPERS = ["fastapi", "asgi", "flask"]


def serve(helper: str, stores: dict[str, Any], **options: Any) -> Any:
    if helper == "flask":
        return serve_wsgi(flask_app(stores, **options))
    if helper == "asgi":
        return serve_asgi(asgi_app(stores, **options))
    return serve_asgi(fastapi_app(stores, **options))


def family(helper: str) -> str:
    return "flask" if helper == "flask" else "asgi"


@pytest.mark.parametrize("helper", HELPERS)
def test_helpers_process_a_delivery_once(helper: str, stores: dict[str, dict[str, Any]]) -> None:
    working = {k: v for k, v in stores[family(helper)].items() if k != "down"}
    with serve(helper, working) as url:
        for name in working:
            event = {"id": f"{helper}-{name}-once"}
            body, headers = signed(event)
            first = httpx.post(f"{url}/{name}", content=body, headers=headers)
            assert (first.status_code, first.json()) == (200, {"handled": event["id"]})
            for _ in range(3):
                again = httpx.post(f"{url}/{name}", content=body, headers=headers)
                assert (again.status_code, again.json()) == (200, DUPLICATE), name
                assert again.headers["content-type"] == "application/json"
            assert CALLS.count(event["id"]) == 1, name
            # A tampered copy is refused before any claim.
            bad = httpx.post(f"{url}/{name}", content=body + b" ", headers=headers)
            assert (bad.status_code, bad.json()) == (403, {"error": "signature_mismatch"})


@pytest.mark.parametrize("helper", HELPERS)
def test_helpers_release_when_the_handler_fails(
    helper: str, stores: dict[str, dict[str, Any]]
) -> None:
    working = {k: v for k, v in stores[family(helper)].items() if k != "down"}
    with serve(helper, working) as url:
        for name in working:
            for failure in ({"fail": True}, {"status": 500}, {"status": 503}):
                event: dict[str, Any] = {"id": f"{helper}-{name}-{failure}", **failure}
                body, headers = signed(event)
                first = httpx.post(f"{url}/{name}", content=body, headers=headers)
                assert first.status_code >= 500
                assert CALLS.count(event["id"]) == 1
                # The provider's retry reaches the handler again (here it fails again, and
                # is released again; test_replay_instances.py has a retry that succeeds).
                second = httpx.post(f"{url}/{name}", content=body, headers=headers)
                assert second.status_code >= 500, (name, failure)
                assert CALLS.count(event["id"]) == 2
            # A 4xx from the handler keeps the claim: the delivery was answered.
            event = {"id": f"{helper}-{name}-400", "status": 400}
            body, headers = signed(event)
            assert httpx.post(f"{url}/{name}", content=body, headers=headers).status_code == 400
            again = httpx.post(f"{url}/{name}", content=body, headers=headers)
            assert (again.status_code, again.json()) == (200, DUPLICATE)


@pytest.mark.parametrize("helper", HELPERS)
def test_helpers_when_the_store_fails(helper: str, stores: dict[str, dict[str, Any]]) -> None:
    down = {"down": stores[family(helper)]["down"]}
    event: dict[str, Any] = {"id": f"{helper}-down"}
    body, headers = signed(event)
    with serve(helper, down) as url:
        for _ in range(2):
            answer = httpx.post(f"{url}/down", content=body, headers=headers)
            assert (answer.status_code, answer.json()) == (503, UNAVAILABLE)
        assert CALLS.count(event["id"]) == 0
    with serve(helper, down, on_store_error="allow") as url:
        for n in (1, 2):
            answer = httpx.post(f"{url}/down", content=body, headers=headers)
            assert (answer.status_code, answer.json()) == (200, {"handled": event["id"]})
            assert CALLS.count(event["id"]) == n


@pytest.mark.parametrize("helper", HELPERS)
def test_helpers_duplicate_answer_options(helper: str) -> None:
    options = {"duplicate_status": 409, "duplicate_body": {"seen": True}}
    with serve(helper, {"memory": hooksig.MemoryReplayStore()}, **options) as url:
        body, headers = signed({"id": f"{helper}-options"})
        assert httpx.post(f"{url}/memory", content=body, headers=headers).status_code == 200
        again = httpx.post(f"{url}/memory", content=body, headers=headers)
        assert (again.status_code, again.json()) == (409, {"seen": True})


def test_fastapi_dependency_needs_install_for_replay() -> None:
    app = FastAPI()  # install() not called
    dependency = WebhookJSON(verifier(), replay=hooksig.MemoryReplayStore())

    @app.post("/hook")
    def hook(event: Annotated[Any, Depends(dependency)]) -> Any:
        CALLS.append("without-install")
        return {}

    body, headers = signed({"id": "without-install"})
    with serve_asgi(app) as url:
        answer = httpx.post(f"{url}/hook", content=body, headers=headers)
    assert answer.status_code == 500
    assert "without-install" not in CALLS


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"replay": "redis://localhost"}, TypeError),
        ({"replay": hooksig.MemoryReplayStore(), "on_store_error": "ignore"}, ValueError),
        ({"on_store_error": "ignore"}, ValueError),
        ({"replay": hooksig.MemoryReplayStore(), "duplicate_status": 1000}, ValueError),
        ({"replay": hooksig.MemoryReplayStore(), "duplicate_status": "200"}, TypeError),
        ({"replay": hooksig.MemoryReplayStore(), "duplicate_body": {1, 2}}, TypeError),
    ],
)
def test_helpers_check_replay_options(options: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        WebhookBody(verifier(), **options)
    with pytest.raises(error):
        WebhookMiddleware(Starlette(), verifiers={"/": verifier()}, **options)
    with pytest.raises(error):
        verify_webhook(verifier(), **options)


def test_flask_needs_a_sync_store() -> None:
    client = redis.asyncio.Redis(port=free_port())
    with pytest.raises(TypeError, match="needs a sync store"):
        verify_webhook(verifier(), replay=hooksig.AsyncRedisReplayStore(client))  # type: ignore[arg-type]
