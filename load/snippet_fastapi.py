"""examples/fastapi/server.py's Aghanim route, verified the way Aghanim's docs do it instead.

The baseline for `make load`: the provider-docs snippet (stdlib ``hmac`` of
``f"{timestamp}.{body}"``, ``hexdigest``, ``hmac.compare_digest``; no replay window), in the
same FastAPI app shape and the same uvicorn server as the hooksig example, so requests/s
compare the verifiers and nothing else. A replayed (stale) request passes here: the snippet
has no window.

    AGHANIM_SECRET=... .venv/bin/python load/snippet_fastapi.py --port 8001
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
from typing import Any, Callable

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

Event = dict[str, Any]

app = FastAPI(title="provider-docs snippet webhook receiver")
SECRET = os.environ.get("AGHANIM_SECRET", "aghanim-local-test-secret")


def verify_signature(secret_key: str, raw_payload: str, timestamp: str, received: str) -> bool:
    """Aghanim's docs: hex HMAC-SHA256 of "{timestamp}.{payload}", compare_digest."""
    payload = f"{timestamp}.{raw_payload}"
    expected = hmac.new(secret_key.encode(), payload.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received)


def player_verify(data: Event) -> Event:
    return {"status": "ok", "player_id": data.get("player_id")}


def item_add(data: Event) -> Event:
    return {"status": "ok"}


def item_remove(data: Event) -> Event:
    return {"status": "ok"}


AGHANIM_EVENTS: dict[str, Callable[[Event], Event]] = {
    "player.verify": player_verify,
    "item.add": item_add,
    "item.remove": item_remove,
}


@app.post("/webhooks/aghanim", response_model=None)
async def aghanim_webhook(request: Request) -> Event | JSONResponse:
    raw = (await request.body()).decode()
    timestamp = request.headers.get("x-aghanim-signature-timestamp", "")
    signature = request.headers.get("x-aghanim-signature", "")
    if not verify_signature(SECRET, raw, timestamp, signature):
        return JSONResponse({"error": "signature_mismatch"}, status_code=403)
    event = json.loads(raw)
    kind = event.get("event_type") if isinstance(event, dict) else None
    handler = AGHANIM_EVENTS.get(kind) if isinstance(kind, str) else None
    if handler is None:
        raise HTTPException(status_code=400, detail="Unknown event type")
    return handler(event.get("event_data") or {})


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="provider-docs snippet FastAPI app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
