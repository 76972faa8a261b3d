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
"""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar, cast

from flask import g, jsonify, request

from hooksig._errors import VerificationError
from hooksig._hooksig import Verifier
from hooksig._http import DEFAULT_STATUS, ErrorBody, default_error_body

__all__ = ["verify_webhook"]

View = TypeVar("View", bound=Callable[..., Any])


def verify_webhook(
    verifier: Verifier,
    *,
    status_code: int = DEFAULT_STATUS,
    error_body: ErrorBody = default_error_body,
) -> Callable[[View], View]:
    """Returns a decorator that verifies the request before the view runs.

    Arguments:
        verifier: the :class:`hooksig.Verifier` for this view's provider.
        status_code: the status of a rejection (default 403).
        error_body: builds the JSON body of a rejection (default ``{"error": code}``).
    """
    if not isinstance(verifier, Verifier):
        raise TypeError(f"verifier must be a hooksig.Verifier, not {type(verifier).__name__}")

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            body = request.get_data(cache=True)
            try:
                g.webhook = verifier.verify(body, request.headers)
            except VerificationError as error:
                response = jsonify(error_body(error))
                response.status_code = status_code
                return response
            return view(*args, **kwargs)

        return cast(View, wrapper)

    return decorator
