"""A Flask view decorator that verifies a webhook before the view runs.

::

    import hooksig
    from hooksig.flask import verify_webhook

    @app.post("/webhooks/github")
    @verify_webhook(hooksig.Verifier("github", secret=GITHUB_SECRET))
    def github_webhook():
        event = flask.request.get_json()
        ...

The decorator reads the raw body (``request.get_data(cache=True)``, so the view can still read
it), verifies it with the request headers (and, for a scheme that signs them, ``request.url``
and ``request.method``; behind a proxy give ``public_url=``) and stores the
:class:`hooksig.Verified` result in ``flask.g.webhook``; a provider's handshake (Slack, Zoom,
Twitch, Discord, Meta, Dropbox, Asana, Okta) is answered by the decorator, never by the view
(a ``GET`` handshake needs the route to accept ``GET``); a rejected request answers 403
``{"error": code}`` by default.

Header values are verified as the bytes that arrived: WSGI hands them over as latin-1-decoded
``str`` (PEP 3333), so the decorator encodes them back to latin-1, and a header byte >= 0x80
verifies here as it does under ASGI.

A body over ``max_body`` bytes (default 1 MiB) answers 413 ``{"error": "body_too_large"}``
without being hashed: at once when its Content-Length says so; a chunked body is read at most
``max_body + 1`` bytes far (through ``request.max_content_length``, Flask 3.1 and later).

With ``replay=`` (a sync store: :class:`hooksig.MemoryReplayStore` in one process,
:class:`hooksig.RedisReplayStore` across instances), each verified delivery is claimed once: a
duplicate answers 200 ``{"status": "duplicate"}`` and the view never runs; when the view raises
or answers 5xx the claim is released, so the provider's retry is processed; a store that
cannot be reached answers 503 ``{"error": "replay_store_unavailable"}`` unless
``on_store_error="allow"``.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Mapping
from typing import Any, Callable, TypeVar, Union, cast

from flask import Response, current_app, g, jsonify, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from hooksig._errors import VerificationError
from hooksig._hooksig import Reply, Verifier
from hooksig._http import (
    DEFAULT_MAX_BODY,
    DEFAULT_STATUS,
    TOO_LARGE_STATUS,
    ErrorBody,
    WebhookCheck,
    check_max_body,
    check_public_url,
    declared_length,
    default_error_body,
    too_large,
)
from hooksig._replay import (
    DUPLICATE_BODY,
    DUPLICATE_STATUS,
    UNAVAILABLE_STATUS,
    Outcome,
    ReplayStore,
    replay_of,
    unavailable,
)

__all__ = ["DEFAULT_MAX_BODY", "verify_webhook"]

View = TypeVar("View", bound=Callable[..., Any])
PublicUrl = Union[str, Callable[[Any], str], None]
"""The URL the provider calls, or a function of ``flask.request`` that returns it."""


def verify_webhook(
    verifier: Verifier,
    *,
    status_code: int = DEFAULT_STATUS,
    error_body: ErrorBody = default_error_body,
    max_body: int | None = DEFAULT_MAX_BODY,
    public_url: PublicUrl = None,
    replay: ReplayStore | None = None,
    on_store_error: str = "fail",
    duplicate_status: int = DUPLICATE_STATUS,
    duplicate_body: Any = DUPLICATE_BODY,
) -> Callable[[View], View]:
    """Returns a decorator that verifies the request before the view runs.

    Arguments:
        verifier: the :class:`hooksig.Verifier` for this view's provider.
        status_code: the status of a rejection (default 403).
        error_body: builds the JSON body of a rejection (default ``{"error": code}``).
        max_body: the largest body read, in bytes (default 1 MiB); a larger one answers 413
            with ``error_body`` of an error whose code is ``body_too_large``. None: no limit
            of ours (the app's ``MAX_CONTENT_LENGTH`` still applies).
        public_url: for a scheme that signs the URL: the URL the provider calls, exactly as
            its dashboard has it, or a function of ``flask.request`` returning it. Needed
            behind a proxy that changes the host, scheme or path; by default ``request.url``
            (which honours werkzeug's ``ProxyFix`` when the app uses it).
        replay: a sync replay store, to process each delivery once (see the module's docs).
        on_store_error: ``"fail"`` (default: 503 when the store cannot be reached) or
            ``"allow"`` (process the delivery unclaimed, and log it).
        duplicate_status: the status of a duplicate's answer (default 200: the provider
            stops retrying).
        duplicate_body: the JSON body of a duplicate's answer (default
            ``{"status": "duplicate"}``).
    """
    if not isinstance(verifier, Verifier):
        raise TypeError(f"verifier must be a hooksig.Verifier, not {type(verifier).__name__}")
    limit = check_max_body(max_body)
    check_public_url(public_url)
    environ_keys = [(name, _environ_key(name)) for name in verifier.header_names]
    claims = replay_of(replay, on_store_error, duplicate_status, duplicate_body, sync_only=True)
    check = WebhookCheck(verifier, public_url, _server_url, replay_key=claims is not None)

    def reject(error: VerificationError, status: int) -> Any:
        response = jsonify(error_body(error))
        response.status_code = status
        return response

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                body = _read(limit)
            except _TooLarge as over:
                return reject(too_large(over.limit), TOO_LARGE_STATUS)
            headers = _headers(request.environ, environ_keys)
            try:
                verified = check(body, headers, request.method, request)
            except VerificationError as error:
                return reject(error, status_code)
            if isinstance(verified, Reply):
                # A provider checking the endpoint: answered here, not by the view.
                return Response(
                    verified.body,
                    status=verified.status,
                    headers=verified.headers,
                    content_type=verified.content_type,
                )
            g.webhook = verified
            if claims is None:
                return view(*args, **kwargs)
            key = verified.replay_key
            outcome = claims.claim(key, verified.replay_ttl)
            if outcome is Outcome.DUPLICATE:
                return Response(
                    claims.duplicate_rendered,
                    status=claims.duplicate_status,
                    content_type="application/json",
                )
            if outcome is Outcome.UNAVAILABLE:
                return reject(unavailable(), UNAVAILABLE_STATUS)
            if outcome is Outcome.UNCLAIMED:
                return view(*args, **kwargs)
            try:
                response = current_app.make_response(view(*args, **kwargs))
            except BaseException:
                claims.release(key)  # not processed: the provider's retry must be
                raise
            if response.status_code >= 500:
                claims.release(key)
            return response

        return cast(View, wrapper)

    return decorator


def _server_url(flask_request: Any) -> str:
    return str(flask_request.url)


def _environ_key(name: str) -> str:
    """Where WSGI puts a header: ``HTTP_X_NAME``, but ``CONTENT_TYPE`` and ``CONTENT_LENGTH``."""
    key = name.upper().replace("-", "_")
    return key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key


def _headers(environ: Mapping[str, Any], keys: list[tuple[str, str]]) -> list[tuple[str, bytes]]:
    """The headers the verifier reads, as the bytes that arrived: WSGI decodes each value as
    latin-1 (PEP 3333), so encoding it back gives those bytes. A server that put text outside
    latin-1 there gets it read as UTF-8."""
    out = []
    for name, key in keys:
        value = environ.get(key)
        if isinstance(value, str):
            try:
                out.append((name, value.encode("latin-1")))
            except UnicodeEncodeError:
                out.append((name, value.encode("utf-8", "surrogateescape")))
    return out


class _TooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def _read(limit: int | None) -> bytes:
    """The raw body (cached for the view); raises _TooLarge when it is over the limit, and
    BadRequest for a Content-Length that is not a length."""
    declared = request.environ.get("CONTENT_LENGTH")
    chunked = "chunked" in request.environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    if declared is not None and declared_length(declared) is None and not chunked:
        # werkzeug would read such a body as empty (and verify that); the request is malformed.
        raise BadRequest("the Content-Length header is not a number of bytes")
    app_limit = request.max_content_length  # MAX_CONTENT_LENGTH, or None
    if limit is not None:
        length = request.content_length
        if length is not None and length > limit:
            raise _TooLarge(limit)  # before reading anything
        # werkzeug then reads a body without Content-Length (chunked) at most this far,
        # raising RequestEntityTooLarge past it. One byte more than the limit, so that a
        # chunked body of exactly the limit passes; the length check below refuses more.
        # (Flask < 3.1: read-only, AttributeError; Content-Length is still checked.)
        with contextlib.suppress(AttributeError):
            request.max_content_length = (
                limit + 1 if app_limit is None else min(limit + 1, app_limit)
            )
    try:
        body = request.get_data(cache=True)
    except RequestEntityTooLarge:
        if limit is not None and (app_limit is None or limit < app_limit):
            raise _TooLarge(limit) from None
        raise _TooLarge(app_limit or 0) from None
    if limit is not None and len(body) > limit:
        raise _TooLarge(limit)  # read (by something before the view?) but never hashed
    return body
