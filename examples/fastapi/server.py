"""Aghanim's webhook handler from the provider's docs, rebuilt on hooksig.

The docs' version reads the raw body, rebuilds ``{timestamp}.{payload}``, compares hex HMACs,
then dispatches on ``event_type`` and answers 400 to an unknown one. Here hooksig does the
verifying (raw bytes, constant time, replay window, header case), and the route only dispatches.

Both FastAPI helpers are shown:

- Aghanim's route sits behind :class:`hooksig.asgi.WebhookMiddleware`, which verifies before
  FastAPI routes the request: a rejected delivery is answered without reaching FastAPI at all,
  and a valid one skips FastAPI's dependency resolution. This is the cheaper of the two per
  request (load/README.md has the figures), so it is the route under load in ``make load``.
- The other providers use the dependency :class:`hooksig.fastapi.WebhookJSON`, which hands the
  route the parsed event as a parameter. To add one, build its verifier with :func:`webhook`
  and write a route that takes ``event: Annotated[Any, Depends(<verifier>)]``.

Every route is replay-protected: each verified delivery is claimed once, so a provider's retry
or a captured request sent again is answered 200 ``{"status": "duplicate"}`` without running
the handler (a handler that fails releases its claim, so the retry is processed). One process
claims in :class:`hooksig.MemoryReplayStore`; with ``REDIS_URL`` set, every instance of the app
claims in that Redis (:class:`hooksig.AsyncRedisReplayStore`), so a delivery is processed once
whichever instance gets it.

Run it (the secrets default to local-testing values; set the env vars in production)::

    AGHANIM_SECRET=... python examples/fastapi/server.py --port 8000
    REDIS_URL=redis://127.0.0.1:6379/0 python examples/fastapi/server.py --port 8001  # and more

Environment (each defaults to a local-testing value; set them in production):
    AGHANIM_SECRET: Aghanim's S2S key.
    AQID_SECRET, ANYCOINS_SECRET, NOYO_SECRET: those providers' webhook secrets.
    SIGMA_SECRET: Sigma's API key followed by its secret key, concatenated.
    REDIS_URL: the Redis every instance claims deliveries in (default: in this process).
    REPLAY: ``off`` turns replay protection off (``make load`` measures the difference).
    PROCESSED_LOG: a file to append the id of each processed Aghanim event to (``make load``
        counts them to prove none was processed twice).

``make demo`` starts this server and sends each route valid and tampered webhooks.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Annotated, Any, Callable

from fastapi import Depends, FastAPI, HTTPException, Request

import hooksig
from hooksig.asgi import WebhookMiddleware
from hooksig.fastapi import WebhookJSON, install

Event = dict[str, Any]

app = FastAPI(title="hooksig webhook receiver")
install(app)  # a webhook that does not verify answers 403 {"error": code}


def replay_store() -> hooksig.MemoryReplayStore | hooksig.AsyncRedisReplayStore | None:
    """Where deliveries are claimed: Redis when ``REDIS_URL`` is set (every instance shares
    it), else this process's memory; None with ``REPLAY=off``."""
    if os.environ.get("REPLAY") == "off":
        return None
    url = os.environ.get("REDIS_URL")
    if url is None:
        return hooksig.MemoryReplayStore()
    import redis.asyncio

    # Timeouts: a Redis that stops answering fails the request (503, retried) instead of
    # holding it.
    client = redis.asyncio.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return hooksig.AsyncRedisReplayStore(client)


STORE = replay_store()
PROCESSED_LOG = os.environ.get("PROCESSED_LOG")


def webhook(preset: str, env: str, default: str, **options: Any) -> WebhookJSON:
    """The verifying dependency of one provider, its secret read from ``env``."""
    verifier = hooksig.Verifier(preset, secret=os.environ.get(env, default), **options)
    return WebhookJSON(verifier, replay=STORE)


# --- Aghanim: verified by the middleware, before routing ----------------------------------

AGHANIM_PATH = "/webhooks/aghanim"
app.add_middleware(
    WebhookMiddleware,
    verifiers={
        AGHANIM_PATH: hooksig.Verifier(
            "aghanim", secret=os.environ.get("AGHANIM_SECRET", "aghanim-local-test-secret")
        )
    },
    replay=STORE,
)


def player_verify(data: Event) -> Event:
    return {"status": "ok", "player_id": data.get("player_id")}


def item_add(data: Event) -> Event:
    # Credit data["items"] to data["player_id"] here. Replay protection runs this once per
    # delivery; a provider that sends the same event as two deliveries still needs the
    # event's own id (idempotency_key) to be honoured here.
    return {"status": "ok"}


def item_remove(data: Event) -> Event:
    return {"status": "ok"}


AGHANIM_EVENTS: dict[str, Callable[[Event], Event]] = {
    "player.verify": player_verify,
    "item.add": item_add,
    "item.remove": item_remove,
}


@app.post(AGHANIM_PATH)
async def aghanim_webhook(request: Request) -> Event:
    """Verified by the middleware (``request.state.webhook`` holds the result); dispatches on
    ``event_type``, 400 for a body that is not JSON or an unknown event type."""
    try:
        event = json.loads(await request.body())
    except ValueError:
        raise HTTPException(status_code=400, detail="invalid_json") from None
    kind = event.get("event_type") if isinstance(event, dict) else None
    handler = AGHANIM_EVENTS.get(kind) if isinstance(kind, str) else None
    if handler is None:
        raise HTTPException(status_code=400, detail="Unknown event type")
    answer = handler(event.get("event_data") or {})
    if PROCESSED_LOG is not None:
        with open(PROCESSED_LOG, "a") as log:  # one whole line per write (O_APPEND)
            log.write(f"{event.get('event_id')}\n")
    return answer


# --- AQID, AnyCoins, Sigma, Noyo -------------------------------------------------------------
# The same shape for each: verify (the dependency), then acknowledge the event. Their docs'
# handlers do their own work here; the demo only needs the verified answer.

aqid = webhook("aqid", "AQID_SECRET", "aqid-local-test-secret")
anycoins = webhook("anycoins", "ANYCOINS_SECRET", "anycoins-local-test-secret")
sigma = webhook("sigma", "SIGMA_SECRET", "sigma-local-api-key" + "sigma-local-secret-key")
noyo = webhook("noyo", "NOYO_SECRET", "noyo-local-test-secret")


def acknowledge(event: Any) -> Event:
    kind = event.get("event_type") if isinstance(event, dict) else None
    return {"status": "ok", "event_type": kind}


@app.post("/webhooks/aqid")
async def aqid_webhook(event: Annotated[Any, Depends(aqid)]) -> Event:
    return acknowledge(event)


@app.post("/webhooks/anycoins")
async def anycoins_webhook(event: Annotated[Any, Depends(anycoins)]) -> Event:
    return acknowledge(event)


@app.post("/webhooks/sigma")
async def sigma_webhook(event: Annotated[Any, Depends(sigma)]) -> Event:
    return acknowledge(event)


@app.post("/webhooks/noyo")
async def noyo_webhook(event: Annotated[Any, Depends(noyo)]) -> Event:
    return acknowledge(event)


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="hooksig FastAPI example")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
