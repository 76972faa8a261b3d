"""FastAPI dependencies that verify a webhook before the endpoint runs.

::

    from fastapi import Depends, FastAPI
    import hooksig
    from hooksig.fastapi import WebhookJSON, install

    app = FastAPI()
    install(app)  # rejected webhooks answer 403 {"error": code}
    aghanim = WebhookJSON(hooksig.Verifier("aghanim", secret=SECRET))

    @app.post("/webhooks/aghanim")
    async def aghanim_webhook(event: dict = Depends(aghanim)) -> dict:
        ...

The dependency reads the raw body itself (no parser touches it first), verifies it with the
request headers (and, for a scheme that signs them, the request URL and method) and stores the
:class:`hooksig.Verified` result in ``request.state.webhook``. Behind a proxy, a URL-signed
scheme (Square, Twilio, HubSpot, Trello) needs ``public_url=``: the URL the provider calls.
A provider's handshake (Slack ``url_verification``, Zoom, Twitch, Discord PING, Meta and Dropbox
``GET`` challenges, Asana, Okta) never reaches the endpoint: the dependency raises
:class:`WebhookHandshake` and :func:`install` answers it as the provider expects (a ``GET``
handshake needs the route to accept ``GET``).
A body over ``max_body`` bytes (default 1 MiB) is rejected with 413 and code ``body_too_large``
without being hashed (and, unless something read it before the dependency, without being read
past the limit). A rejected request raises :class:`WebhookRejected`; :func:`install` makes the
app answer it with the configured status and JSON body. Without :func:`install`, FastAPI's own
handler answers it with the same status and ``{"detail": <body>}``.

With ``replay=`` (a store: :class:`hooksig.MemoryReplayStore` in one process,
:class:`hooksig.AsyncRedisReplayStore` across instances), each verified delivery is claimed
once: a duplicate answers 200 ``{"status": "duplicate"}`` and the endpoint never runs; when the
endpoint raises or answers 5xx the claim is released, so the provider's retry is processed; a
store that cannot be reached answers 503 ``{"error": "replay_store_unavailable"}`` unless
``on_store_error="allow"``. The release needs :func:`install`, which adds the small ASGI
middleware that watches the answer.
"""

# No `from __future__ import annotations` here: FastAPI reads the dependency's annotations
# (`request: Request`) at runtime, and cannot resolve them as strings on a callable instance.
import json
from typing import Any, Callable, Optional, Union

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from hooksig._errors import VerificationError
from hooksig._hooksig import Reply, Verified, Verifier
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
    rendered_error,
    too_large,
)
from hooksig._replay import (
    DUPLICATE_BODY,
    DUPLICATE_STATUS,
    UNAVAILABLE_STATUS,
    AnyStore,
    Outcome,
    Replay,
    replay_of,
    unavailable,
)
from hooksig.asgi import Receive, Scope, Send, run_releasing

PublicUrl = Union[str, Callable[[Request], str], None]
"""The URL the provider calls, or a function of the request that returns it."""

__all__ = [
    "DEFAULT_MAX_BODY",
    "WebhookBody",
    "WebhookDuplicate",
    "WebhookHandshake",
    "WebhookJSON",
    "WebhookRejected",
    "install",
]


class WebhookRejected(HTTPException):
    """A webhook that did not verify (or, for :class:`WebhookJSON`, is not JSON).

    Attributes:
        code: the hooksig error code (``"invalid_json"`` for a verified body that is not JSON).
        content: the JSON body to answer with.
    """

    def __init__(
        self, status_code: int, code: str, content: Any, rendered: Optional[bytes] = None
    ) -> None:
        super().__init__(status_code=status_code, detail=content)
        self.code = code
        self.content = content
        self.rendered = rendered


async def _answer(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebhookRejected)
    if exc.rendered is not None:
        # The default body, rendered once per code: a rejection costs no JSON encoding.
        return Response(exc.rendered, status_code=exc.status_code, media_type="application/json")
    return JSONResponse(exc.content, status_code=exc.status_code)


class WebhookHandshake(HTTPException):
    """A provider's handshake (Slack ``url_verification``, Zoom, Twitch, Discord PING, Meta,
    Dropbox, Asana, Okta), raised by the dependency so the endpoint never runs for it;
    :func:`install` answers it with its reply.

    Attributes:
        reply: the :class:`hooksig.Reply` to send (status, content type, headers, body;
            ``reply.secret`` holds Asana's handed-over secret, to store).
    """

    def __init__(self, reply: Reply) -> None:
        super().__init__(status_code=reply.status, detail="handshake")
        self.reply = reply


async def _answer_handshake(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebhookHandshake)
    reply = exc.reply
    return Response(
        reply.body,
        status_code=reply.status,
        headers=dict(reply.headers),
        media_type=reply.content_type,
    )


class WebhookDuplicate(HTTPException):
    """A delivery claimed before (``replay=``), raised by the dependency so the endpoint never
    runs for it; :func:`install` answers it (200 ``{"status": "duplicate"}`` by default)."""

    def __init__(self, replay: Replay) -> None:
        super().__init__(status_code=replay.duplicate_status, detail=replay.duplicate_body)
        self.rendered = replay.duplicate_rendered


async def _answer_duplicate(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebhookDuplicate)
    return Response(exc.rendered, status_code=exc.status_code, media_type="application/json")


CLAIMS = "hooksig.claims"
"""The scope key where the dependency lists its claims for :class:`_ReleaseOnFailure`."""


class _ReleaseOnFailure:
    """The ASGI middleware :func:`install` adds: releases the request's claims (``replay=``)
    when the endpoint raises or answers 5xx."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        claims: list[tuple[Replay, str]] = []
        scope[CLAIMS] = claims

        async def release() -> None:
            while claims:
                replay, key = claims.pop()
                await replay.arelease(key)

        await run_releasing(self.app, scope, receive, send, release)


def install(app: FastAPI) -> None:
    """Answers :class:`WebhookRejected` with its status and JSON body, as configured,
    :class:`WebhookHandshake` with the provider's expected reply and
    :class:`WebhookDuplicate` with the duplicate's answer; and releases a delivery's claim
    (``replay=``) when its endpoint raises or answers 5xx. Call it before the app starts."""
    app.add_exception_handler(WebhookRejected, _answer)
    app.add_exception_handler(WebhookHandshake, _answer_handshake)
    app.add_exception_handler(WebhookDuplicate, _answer_duplicate)
    app.add_middleware(_ReleaseOnFailure)


class WebhookBody:
    """A dependency giving the verified raw body (``bytes``).

    Arguments:
        verifier: the :class:`hooksig.Verifier` for this endpoint's provider.
        status_code: the status of a rejection (default 403).
        error_body: builds the JSON body of a rejection (default ``{"error": code}``).
        max_body: the largest body read, in bytes (default 1 MiB); a larger one is rejected
            with 413 and ``error_body`` of an error whose code is ``body_too_large``.
            None: no limit.
        public_url: for a scheme that signs the URL: the URL the provider calls, exactly as
            its dashboard has it, or a function of the :class:`~fastapi.Request` returning it.
            Needed behind a proxy that changes the host, scheme or path; by default the URL is
            the server's view of the request (scheme, Host header, path, query), which honours
            the proxy headers uvicorn applies when ``--proxy-headers`` is on.
        replay: a replay store, to process each delivery once (see the module's docs; needs
            :func:`install`).
        on_store_error: ``"fail"`` (default: 503 when the store cannot be reached) or
            ``"allow"`` (process the delivery unclaimed, and log it).
        duplicate_status: the status of a duplicate's answer (default 200: the provider
            stops retrying).
        duplicate_body: the JSON body of a duplicate's answer (default
            ``{"status": "duplicate"}``).
    """

    def __init__(
        self,
        verifier: Verifier,
        *,
        status_code: int = DEFAULT_STATUS,
        error_body: ErrorBody = default_error_body,
        max_body: Optional[int] = DEFAULT_MAX_BODY,
        public_url: PublicUrl = None,
        replay: Optional[AnyStore] = None,
        on_store_error: str = "fail",
        duplicate_status: int = DUPLICATE_STATUS,
        duplicate_body: Any = DUPLICATE_BODY,
    ) -> None:
        if not isinstance(verifier, Verifier):
            raise TypeError(f"verifier must be a hooksig.Verifier, not {type(verifier).__name__}")
        check_public_url(public_url)
        self.verifier = verifier
        self.status_code = status_code
        self.error_body = error_body
        self.max_body = check_max_body(max_body)
        self.public_url = public_url
        self.replay = replay_of(replay, on_store_error, duplicate_status, duplicate_body)
        self._check = WebhookCheck(
            verifier, public_url, _server_url, replay_key=self.replay is not None
        )

    async def __call__(self, request: Request) -> bytes:
        if self._declared_within_limit(request.scope):
            body = await request.body()
        else:
            body = await self._read(request)
        verified = self._verify(request, body)
        if self.replay is not None:
            await self._claim(request.scope, verified, self.replay)
        return body

    def _declared_within_limit(self, scope: Any) -> bool:
        """Whether the body can be read whole at once: no limit, or a Content-Length within
        it (the server then reads exactly that many bytes: no more can arrive). A larger
        declared length is refused here, before a byte is read."""
        limit = self.max_body
        if limit is None:
            return True
        length = asgi_content_length(scope)
        if length is None:
            return False  # chunked: read chunk by chunk, up to the limit
        if length > limit:
            raise self._too_large(limit)
        return True

    def _verify(self, request: Request, body: bytes) -> Verified:
        """Verifies the body with the raw ASGI headers (what ``request.headers`` wraps), and
        the URL and method where the scheme signs them; the result goes to
        ``request.state.webhook``."""
        scope = request.scope
        try:
            verified = self._check(body, scope["headers"], scope["method"], request)
        except VerificationError as error:
            raise self._rejected(self.status_code, error) from None
        if isinstance(verified, Reply):
            raise WebhookHandshake(verified)
        # What `request.state` reads (Starlette keeps its State in the scope).
        scope.setdefault("state", {})["webhook"] = verified
        return verified

    async def _claim(self, scope: Any, verified: Verified, replay: Replay) -> None:
        """Claims the delivery; raises :class:`WebhookDuplicate` for one claimed before, and
        :class:`WebhookRejected` (503) when the store cannot be reached."""
        claims = scope.get(CLAIMS)
        if claims is None:
            raise RuntimeError(
                "replay= needs hooksig.fastapi.install(app): it releases the claim when the "
                "endpoint fails, so that the provider's retry is processed"
            )
        key = verified.replay_key
        outcome = await replay.aclaim(key, verified.replay_ttl)
        if outcome is Outcome.CLAIMED:
            claims.append((replay, key))
        elif outcome is Outcome.DUPLICATE:
            raise WebhookDuplicate(replay)
        elif outcome is Outcome.UNAVAILABLE:
            raise self._rejected(UNAVAILABLE_STATUS, unavailable())

    def _rejected(self, status_code: int, error: VerificationError) -> WebhookRejected:
        if self.error_body is default_error_body:
            rendered = rendered_error(error.code)
            return WebhookRejected(status_code, error.code, {"error": error.code}, rendered)
        return WebhookRejected(status_code, error.code, self.error_body(error))

    async def _read(self, request: Request) -> bytes:
        """A body without Content-Length (chunked), read at most ``max_body`` + one chunk far."""
        limit = self.max_body
        assert limit is not None
        chunks = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise self._too_large(limit)
            chunks.append(chunk)
        body = b"".join(chunks)
        # Where Request.body() caches it, so that the endpoint and other dependencies can
        # still call `await request.body()` (the stream is consumed).
        request._body = body
        return body

    def _too_large(self, limit: int) -> WebhookRejected:
        return self._rejected(TOO_LARGE_STATUS, too_large(limit))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.verifier!r})"


def _server_url(request: Request) -> str:
    return asgi_url(request.scope)


class WebhookJSON(WebhookBody):
    """A dependency giving the verified body parsed as JSON.

    A verified body that is not JSON answers 400 ``{"error": "invalid_json"}``.
    """

    async def __call__(self, request: Request) -> Any:
        # WebhookBody.__call__, inline: one coroutine less per request.
        if self._declared_within_limit(request.scope):
            body = await request.body()
        else:
            body = await self._read(request)
        verified = self._verify(request, body)
        try:
            event = json.loads(body)
        except ValueError:
            rendered = rendered_error("invalid_json")
            raise WebhookRejected(
                400, "invalid_json", {"error": "invalid_json"}, rendered
            ) from None
        if self.replay is not None:
            # Claimed once the event is known to be usable: a body that is not JSON is
            # refused the same way on every retry.
            await self._claim(request.scope, verified, self.replay)
        return event
