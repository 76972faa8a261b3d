"""ASGI middleware (Starlette, FastAPI, any ASGI app) that verifies webhooks on given paths.

::

    from hooksig.asgi import WebhookMiddleware

    app.add_middleware(
        WebhookMiddleware,
        verifiers={"/webhooks/stripe": hooksig.Verifier("stripe", secret=STRIPE_SECRET)},
    )

For a request to one of the paths, the middleware reads the whole body, verifies it with the
raw ASGI headers and either answers (403 ``{"error": code}`` by default) or passes the request
on with the body replayed, and the :class:`hooksig.Verified` result in
``scope["state"]["webhook"]`` (``request.state.webhook`` in Starlette). Other paths pass
through untouched.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Mapping, MutableMapping
from typing import Any, Callable

from hooksig._errors import VerificationError
from hooksig._hooksig import Verifier
from hooksig._http import DEFAULT_STATUS, ErrorBody, default_error_body

__all__ = ["WebhookMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class WebhookMiddleware:
    """Verifies requests to the given paths before the app sees them.

    Arguments:
        app: the ASGI app to protect.
        verifiers: exact request path to the :class:`hooksig.Verifier` for it.
        status_code: the status of a rejection (default 403).
        error_body: builds the JSON body of a rejection (default ``{"error": code}``).
    """

    def __init__(
        self,
        app: ASGIApp,
        verifiers: Mapping[str, Verifier],
        *,
        status_code: int = DEFAULT_STATUS,
        error_body: ErrorBody = default_error_body,
    ) -> None:
        for path, verifier in verifiers.items():
            if not isinstance(verifier, Verifier):
                raise TypeError(
                    f"verifiers[{path!r}] must be a hooksig.Verifier, not {type(verifier).__name__}"
                )
        self.app = app
        self.verifiers = dict(verifiers)
        self.status_code = status_code
        self.error_body = error_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        verifier = self.verifiers.get(scope.get("path", "")) if scope["type"] == "http" else None
        if verifier is None:
            await self.app(scope, receive, send)
            return

        chunks = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)

        try:
            verified = verifier.verify(body, scope.get("headers", []))
        except VerificationError as error:
            await _send_json(send, self.status_code, self.error_body(error))
            return
        scope.setdefault("state", {})["webhook"] = verified

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _send_json(send: Send, status: int, content: Any) -> None:
    payload = json.dumps(content, separators=(",", ":")).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
