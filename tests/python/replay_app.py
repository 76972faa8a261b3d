"""The app of the multi-instance replay tests (test_replay_instances.py), run as its own server
process, two at a time, sharing one Redis.

``--framework fastapi``: FastAPI under uvicorn, ``/dep`` behind the dependency
(:class:`hooksig.fastapi.WebhookJSON`) and ``/mw`` behind the ASGI middleware, both with
:class:`hooksig.AsyncRedisReplayStore`. ``--framework flask``: Flask under werkzeug's threaded
server, ``/dep`` behind the decorator with :class:`hooksig.RedisReplayStore`.

The handler processes an event by appending its ``id`` to the file ``REPLAY_COUNT`` (one line
per run of the handler, from every process: the count is kept outside the apps). An event
with ``"fail": "raise"`` or ``"fail": "500"`` fails the first time its handler runs (a marker
file in ``REPLAY_MARKERS`` remembers it), as a handler whose database was down would; an event
with ``"hold"`` (seconds) sleeps that long first, so that concurrent deliveries overlap.

Environment: ``REDIS_URL``, ``REPLAY_COUNT``, ``REPLAY_MARKERS``, ``WEBHOOK_SECRET``.

No `from __future__ import annotations`: FastAPI resolves the routes' annotations at runtime.
"""

import argparse
import asyncio
import json
import os
import time
from pathlib import Path
from typing import Annotated, Any

import hooksig

SECRET = os.environ.get("WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
COUNT = Path(os.environ.get("REPLAY_COUNT", "replay-count.txt"))
MARKERS = Path(os.environ.get("REPLAY_MARKERS", "replay-markers"))
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
TIMEOUTS: dict[str, Any] = {"socket_timeout": 2, "socket_connect_timeout": 2}


def verifier() -> hooksig.Verifier:
    return hooksig.Verifier("standard-webhooks", secret=SECRET)


class Failed(Exception):
    """The handler's first run of a ``fail`` event."""


def first_run_fails(event: dict[str, Any]) -> bool:
    """Whether this run should fail: the first run of an event marked ``fail``."""
    if not event.get("fail"):
        return False
    marker = MARKERS / str(event["id"])
    try:
        marker.touch(exist_ok=False)
    except FileExistsError:
        return False
    return True


def processed(event: dict[str, Any]) -> dict[str, Any]:
    with COUNT.open("a") as out:  # O_APPEND: one whole line per write, from any process
        out.write(f"{event['id']}\n")
    return {"status": "processed", "id": event["id"], "pid": os.getpid()}


def fastapi_app() -> Any:
    import redis.asyncio
    from fastapi import Depends, FastAPI, Request
    from fastapi.responses import JSONResponse

    from hooksig.asgi import WebhookMiddleware
    from hooksig.fastapi import WebhookJSON, install

    store = hooksig.AsyncRedisReplayStore(redis.asyncio.Redis.from_url(REDIS_URL, **TIMEOUTS))
    app = FastAPI()
    install(app)
    app.add_middleware(WebhookMiddleware, verifiers={"/mw": verifier()}, replay=store)
    dependency = WebhookJSON(verifier(), replay=store)

    async def handle(event: dict[str, Any]) -> Any:
        if event.get("hold"):
            await asyncio.sleep(float(event["hold"]))
        if first_run_fails(event):
            if event["fail"] == "500":
                return JSONResponse({"status": "failed"}, status_code=500)
            raise Failed(event["id"])
        return processed(event)

    @app.get("/")
    async def up() -> dict[str, str]:
        return {"status": "up"}

    @app.post("/dep")
    async def dep(event: Annotated[Any, Depends(dependency)]) -> Any:
        return await handle(event)

    @app.post("/mw")
    async def mw(request: Request) -> Any:
        return await handle(json.loads(await request.body()))

    return app


def flask_app() -> Any:
    import redis
    from flask import Flask, request

    from hooksig.flask import verify_webhook

    store = hooksig.RedisReplayStore(redis.Redis.from_url(REDIS_URL, **TIMEOUTS))
    app = Flask(__name__)

    @app.get("/")
    def up() -> Any:
        return {"status": "up"}

    @app.post("/dep")
    @verify_webhook(verifier(), replay=store)
    def dep() -> Any:
        event = request.get_json()
        if event.get("hold"):
            time.sleep(float(event["hold"]))
        if first_run_fails(event):
            if event["fail"] == "500":
                return {"status": "failed"}, 500
            raise Failed(event["id"])
        return processed(event)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framework", choices=["fastapi", "flask"], required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    MARKERS.mkdir(parents=True, exist_ok=True)
    if args.framework == "fastapi":
        import uvicorn

        uvicorn.run(fastapi_app(), host=args.host, port=args.port, log_level="critical")
    else:
        from werkzeug.serving import run_simple

        run_simple(args.host, args.port, flask_app(), threaded=True)


if __name__ == "__main__":
    main()
