"""The Aghanim webhook handler as a Flask app, verified by hooksig's view decorator.

Each verified delivery is claimed once (replay protection): a retry or a captured request sent
again answers 200 ``{"status": "duplicate"}`` and the view does not run; a view that fails
releases its claim. One process claims in :class:`hooksig.MemoryReplayStore` (a Flask app run
by several worker processes needs Redis: set ``REDIS_URL``).

Run it (the secret defaults to a local-testing value; set the env var in production)::

    AGHANIM_SECRET=... python examples/flask/app.py --port 8001

Environment:
    AGHANIM_SECRET: Aghanim's S2S key (default ``aghanim-local-test-secret``).
    REDIS_URL: the Redis every process claims deliveries in (default: in this process).
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

import hooksig
from hooksig.flask import verify_webhook

app = Flask(__name__)

aghanim = hooksig.Verifier(
    "aghanim", secret=os.environ.get("AGHANIM_SECRET", "aghanim-local-test-secret")
)

KNOWN_EVENTS = {"player.verify", "item.add", "item.remove"}


def replay_store() -> hooksig.MemoryReplayStore | hooksig.RedisReplayStore:
    """Redis when ``REDIS_URL`` is set (every process shares it), else this process's memory."""
    url = os.environ.get("REDIS_URL")
    if url is None:
        return hooksig.MemoryReplayStore()
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return hooksig.RedisReplayStore(client)


@app.post("/webhooks/aghanim")
@verify_webhook(aghanim, replay=replay_store())  # 403 {"error": code} unless it verifies
def aghanim_webhook() -> ResponseReturnValue:
    event: Any = request.get_json(silent=True)
    if not isinstance(event, dict) or event.get("event_type") not in KNOWN_EVENTS:
        return jsonify({"detail": "Unknown event type"}), 400
    return jsonify({"status": "ok"})


def main() -> None:
    parser = argparse.ArgumentParser(description="hooksig Flask example")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    app.run(host=args.host, port=args.port)


if __name__ == "__main__":
    main()
