"""ASGI middleware (Starlette, FastAPI, any ASGI app) that verifies webhooks on given paths.

::

    from hooksig.asgi import WebhookMiddleware

    app.add_middleware(
        WebhookMiddleware,
        verifiers={"/webhooks/stripe": hooksig.Verifier("stripe", secret=STRIPE_SECRET)},
    )

For a request to one of the paths, the middleware reads the whole body, answers a provider's
handshake itself (Slack, Zoom, Twitch, Discord, Meta, Dropbox, Asana, Okta: see
:meth:`hooksig.Verifier.handshake`; the app never sees one), verifies any other request with the
raw ASGI headers (and, for a scheme that signs them, the request URL and method: behind a
proxy, give ``public_url=``) and either answers (403 ``{"error": code}`` by default) or
passes the request on with the body replayed, and the :class:`hooksig.Verified` result in
``scope["state"]["webhook"]`` (``request.state.webhook`` in Starlette). Other paths pass
through untouched.

A body over ``max_body`` bytes (default 1 MiB) answers 413 ``{"error": "body_too_large"}``
without being hashed: at once when its Content-Length says so, otherwise (a chunked body) as
soon as the chunks read add up to more than the limit.

With ``replay=`` (a store: :class:`hooksig.MemoryReplayStore` in one process,
:class:`hooksig.AsyncRedisReplayStore` across instances), each verified delivery is claimed
once: a duplicate answers 200 ``{"status": "duplicate"}`` without reaching the app; when the
app raises or answers 5xx the claim is released, so the provider's retry is processed; a store
that cannot be reached answers 503 ``{"error": "replay_store_unavailable"}`` unless
``on_store_error="allow"``. A sync store other than the memory store runs in a worker thread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, MutableMapping
from typing import Any, Callable, Union

from hooksig._errors import VerificationError
from hooksig._hooksig import Reply, Verifier
from hooksig._http import (
    DEFAULT_MAX_BODY,
    DEFAULT_STATUS,
    TOO_LARGE_STATUS,
    ErrorBody,
    WebhookCheck,
    asgi_content_length,
    asgi_url,
    check_max_body,
    check_public_url,
    default_error_body,
    error_json,
    too_large,
)
from hooksig._replay import (
    DUPLICATE_BODY,
    DUPLICATE_STATUS,
    UNAVAILABLE_STATUS,
    AnyStore,
    Outcome,
    replay_of,
    unavailable,
)

__all__ = ["DEFAULT_MAX_BODY", "WebhookMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
PublicUrl = Union[str, Callable[[Scope], str]]
"""The URL the provider calls, or a function of the ASGI scope that returns it."""


class WebhookMiddleware:
    """Verifies requests to the given paths before the app sees them.

    Arguments:
        app: the ASGI app to protect.
        verifiers: exact request path to the :class:`hooksig.Verifier` for it.
        status_code: the status of a rejection (default 403).
        error_body: builds the JSON body of a rejection (default ``{"error": code}``).
        max_body: the largest body read, in bytes (default 1 MiB); a larger one answers 413
            with ``error_body`` of an error whose code is ``body_too_large``. None: no limit.
        public_url: for schemes that sign the URL: request path to the URL the provider calls
            (exactly as its dashboard has it) or to a function of the ASGI scope returning it;
            or one function of the scope for every path. Needed behind a proxy that changes
            the host, scheme or path; by default the URL is the server's view of the request
            (the scope's scheme, the Host header, the raw path and the query), which honours
            the proxy headers uvicorn applies when ``--proxy-headers`` is on.
        replay: a replay store, to process each delivery once (see the module's docs).
        on_store_error: ``"fail"`` (default: 503 when the store cannot be reached) or
            ``"allow"`` (process the delivery unclaimed, and log it).
        duplicate_status: the status of a duplicate's answer (default 200: the provider
            stops retrying).
        duplicate_body: the JSON body of a duplicate's answer (default
            ``{"status": "duplicate"}``).
    """

    def __init__(
        self,
        app: ASGIApp,
        verifiers: Mapping[str, Verifier],
        *,
        status_code: int = DEFAULT_STATUS,
        error_body: ErrorBody = default_error_body,
        max_body: int | None = DEFAULT_MAX_BODY,
        public_url: Mapping[str, PublicUrl] | Callable[[Scope], str] | None = None,
        replay: AnyStore | None = None,
        on_store_error: str = "fail",
        duplicate_status: int = DUPLICATE_STATUS,
        duplicate_body: Any = DUPLICATE_BODY,
    ) -> None:
        for path, verifier in verifiers.items():
            if not isinstance(verifier, Verifier):
                raise TypeError(
                    f"verifiers[{path!r}] must be a hooksig.Verifier, not {type(verifier).__name__}"
                )
        if isinstance(public_url, str):
            raise TypeError(
                "public_url must map each request path to its public URL "
                "({path: url}), or be a function of the scope"
            )
        if isinstance(public_url, Mapping):
            for path, url in public_url.items():
                check_public_url(url, f"public_url[{path!r}]")
                if path not in verifiers:
                    raise ValueError(f"public_url[{path!r}]: no verifier for this path")
        else:
            check_public_url(public_url)
        self.app = app
        self.verifiers = dict(verifiers)
        self.status_code = status_code
        self.error_body = error_body
        self.max_body = check_max_body(max_body)
        self.public_url = public_url
        self.replay = replay_of(replay, on_store_error, duplicate_status, duplicate_body)
        self._checks = {
            path: WebhookCheck(
                verifier,
                public_url.get(path) if isinstance(public_url, Mapping) else public_url,
                asgi_url,
                replay_key=self.replay is not None,
            )
            for path, verifier in self.verifiers.items()
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        check = self._checks.get(scope.get("path", "")) if scope["type"] == "http" else None
        if check is None:
            await self.app(scope, receive, send)
            return

        limit = self.max_body
        if limit is not None and (asgi_content_length(scope) or 0) > limit:
            await self._too_large(send, limit)
            return

        chunks = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if limit is not None and size > limit:
                # Stop reading: what was read is dropped, never hashed.
                await self._too_large(send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)

        try:
            verified = check(body, scope.get("headers", []), scope["method"], scope)
        except VerificationError as error:
            await self._reject(send, self.status_code, error)
            return
        if isinstance(verified, Reply):
            # A provider checking the endpoint: answered here, never passed on.
            await _send_reply(send, verified)
            return
        scope.setdefault("state", {})["webhook"] = verified

        given = False

        async def receive_body() -> Message:
            nonlocal given
            if not given:
                given = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        replay = self.replay
        if replay is None:
            await self.app(scope, receive_body, send)
            return
        key = verified.replay_key
        outcome = await replay.aclaim(key, verified.replay_ttl)
        if outcome is Outcome.CLAIMED:
            await run_releasing(self.app, scope, receive_body, send, lambda: replay.arelease(key))
        elif outcome is Outcome.DUPLICATE:
            await _send_json(send, replay.duplicate_status, replay.duplicate_rendered)
        elif outcome is Outcome.UNAVAILABLE:
            await self._reject(send, UNAVAILABLE_STATUS, unavailable())
        else:
            await self.app(scope, receive_body, send)

    async def _too_large(self, send: Send, limit: int) -> None:
        await self._reject(send, TOO_LARGE_STATUS, too_large(limit))

    async def _reject(self, send: Send, status: int, error: VerificationError) -> None:
        await _send_json(send, status, error_json(self.error_body, error))


async def run_releasing(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, release: Callable[[], Awaitable[None]]
) -> None:
    """Runs the app for claimed deliveries and calls ``release`` (once) when the app answers
    5xx or raises: the delivery was not processed, so the provider's retry must be."""
    released = False

    async def watch(message: Message) -> None:
        nonlocal released
        if not released and message["type"] == "http.response.start" and message["status"] >= 500:
            released = True
            await release()
        await send(message)

    try:
        await app(scope, receive, watch)
    except BaseException:
        if not released:
            released = True
            await release()
        raise


async def _send_reply(send: Send, reply: Reply) -> None:
    headers = [
        (b"content-type", reply.content_type.encode("latin-1")),
        (b"content-length", str(len(reply.body)).encode()),
    ]
    headers += [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in reply.headers]
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body})


async def _send_json(send: Send, status: int, payload: bytes) -> None:
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
