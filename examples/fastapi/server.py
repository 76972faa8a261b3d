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

Run it (the secrets default to local-testing values; set the env vars in production)::

    AGHANIM_SECRET=... python examples/fastapi/server.py --port 8000

Environment (each defaults to a local-testing value; set them in production):
    AGHANIM_SECRET: Aghanim's S2S key.
    AQID_SECRET, ANYCOINS_SECRET, NOYO_SECRET: those providers' webhook secrets.
    SIGMA_SECRET: Sigma's API key followed by its secret key, concatenated.

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


def webhook(preset: str, env: str, default: str, **options: Any) -> WebhookJSON:
    """The verifying dependency of one provider, its secret read from ``env``."""
    return WebhookJSON(hooksig.Verifier(preset, secret=os.environ.get(env, default), **options))


# --- Aghanim: verified by the middleware, before routing ----------------------------------

AGHANIM_PATH = "/webhooks/aghanim"
app.add_middleware(
    WebhookMiddleware,
    verifiers={
        AGHANIM_PATH: hooksig.Verifier(
            "aghanim", secret=os.environ.get("AGHANIM_SECRET", "aghanim-local-test-secret")
        )
    },
)


def player_verify(data: Event) -> Event:
    return {"status": "ok", "player_id": data.get("player_id")}


def item_add(data: Event) -> Event:
    # Credit data["items"] to data["player_id"] here (idempotently: see idempotency_key).
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
    return handler(event.get("event_data") or {})


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
