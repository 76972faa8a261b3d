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
it), verifies it with ``request.headers`` and stores the :class:`hooksig.Verified` result in
``flask.g.webhook``; a rejected request answers 403 ``{"error": code}`` by default.

A body over ``max_body`` bytes (default 1 MiB) answers 413 ``{"error": "body_too_large"}``
without being hashed: at once when its Content-Length says so; a chunked body is read at most
``max_body + 1`` bytes far (through ``request.max_content_length``, Flask 3.1 and later).
"""

from __future__ import annotations

import contextlib
import functools
from typing import Any, Callable, TypeVar, cast

from flask import g, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from hooksig._errors import VerificationError
from hooksig._hooksig import Verifier
from hooksig._http import (
    DEFAULT_MAX_BODY,
    DEFAULT_STATUS,
    TOO_LARGE_STATUS,
    ErrorBody,
    check_max_body,
    default_error_body,
    too_large,
)

__all__ = ["DEFAULT_MAX_BODY", "verify_webhook"]

View = TypeVar("View", bound=Callable[..., Any])


def verify_webhook(
    verifier: Verifier,
    *,
    status_code: int = DEFAULT_STATUS,
    error_body: ErrorBody = default_error_body,
    max_body: int | None = DEFAULT_MAX_BODY,
) -> Callable[[View], View]:
    """Returns a decorator that verifies the request before the view runs.

    Arguments:
        verifier: the :class:`hooksig.Verifier` for this view's provider.
        status_code: the status of a rejection (default 403).
        error_body: builds the JSON body of a rejection (default ``{"error": code}``).
        max_body: the largest body read, in bytes (default 1 MiB); a larger one answers 413
            with ``error_body`` of an error whose code is ``body_too_large``. None: no limit
            of ours (the app's ``MAX_CONTENT_LENGTH`` still applies).
    """
    if not isinstance(verifier, Verifier):
        raise TypeError(f"verifier must be a hooksig.Verifier, not {type(verifier).__name__}")
    limit = check_max_body(max_body)

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
            try:
                g.webhook = verifier.verify(body, request.headers)
            except VerificationError as error:
                return reject(error, status_code)
            return view(*args, **kwargs)

        return cast(View, wrapper)

    return decorator


class _TooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def _read(limit: int | None) -> bytes:
    """The raw body (cached for the view); raises _TooLarge when it is over the limit."""
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
