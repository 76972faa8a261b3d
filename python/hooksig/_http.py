"""What the framework helpers share: the default answer to a rejected request, the cap on the
body they read, the request URL for schemes that sign it, and what they do with a body once
read (:class:`WebhookCheck`: answer a handshake, or verify)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Callable, Union
from urllib.parse import quote

from hooksig._errors import VerificationError
from hooksig._hooksig import Reply, Verified, Verifier

ErrorBody = Callable[[VerificationError], Any]
"""Builds the JSON body of a rejection from the error (default: ``{"error": code}``)."""

DEFAULT_STATUS = 403

DEFAULT_MAX_BODY = 1_048_576
"""The largest body the helpers read by default, in bytes (1 MiB)."""

TOO_LARGE_STATUS = 413
TOO_LARGE_CODE = "body_too_large"


def default_error_body(error: VerificationError) -> dict[str, str]:
    """``{"error": code}``: the code only, never the message (it could help an attacker probe)."""
    return {"error": error.code}


_RENDERED: dict[str, bytes] = {}


def rendered_error(code: str) -> bytes:
    """The default error body of a code as JSON bytes, rendered once per code (a rejection
    then costs no JSON encoding: ``json.dumps`` with options builds an encoder per call)."""
    body = _RENDERED.get(code)
    if body is None:
        body = _RENDERED[code] = json.dumps({"error": code}, separators=(",", ":")).encode()
    return body


def error_json(error_body: ErrorBody, error: VerificationError) -> bytes:
    """The JSON body of a rejection: the default one rendered once per code, else
    ``error_body(error)`` encoded."""
    if error_body is default_error_body:
        return rendered_error(error.code)
    return json.dumps(error_body(error), separators=(",", ":")).encode()


def check_max_body(max_body: int | None) -> int | None:
    """The ``max_body=`` argument, checked when the helper is built: an ``int`` >= 0 or None."""
    if max_body is None:
        return None
    if isinstance(max_body, bool) or not isinstance(max_body, int):
        raise TypeError(f"max_body must be an int or None, not {type(max_body).__name__}")
    if max_body < 0:
        raise ValueError(f"max_body must be >= 0, not {max_body}")
    return max_body


def too_large(max_body: int) -> VerificationError:
    """The error a body over ``max_body`` bytes answers with (413, code ``body_too_large``)."""
    return VerificationError(f"the body is larger than the {max_body}-byte limit", TOO_LARGE_CODE)


def declared_length(value: str | bytes | None) -> int | None:
    """The Content-Length value as an int, or None when absent or not plain ASCII digits (the
    server refuses those; the helper then counts the bytes it reads instead)."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip(" \t")  # as every helper: spaces and tabs around the digits, nothing else
    if not text or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def asgi_content_length(scope: Mapping[str, Any]) -> int | None:
    """The declared Content-Length of an ASGI request; None when there is none (a chunked
    body) or it is not plain digits (servers refuse those before the app sees them)."""
    for name, value in scope["headers"]:
        if name == b"content-length":  # ASGI header names are lower case
            return declared_length(value)
    return None


def check_public_url(public_url: object, what: str = "public_url") -> None:
    """The ``public_url=`` argument, checked when the helper is built: None, a str or a
    callable."""
    if public_url is None or isinstance(public_url, str) or callable(public_url):
        return
    raise TypeError(
        f"{what} must be a str (the URL the provider calls), a callable of the request "
        f"returning one, or None, not {type(public_url).__name__}"
    )


PublicUrl = Union[str, Callable[[Any], str], None]
"""The URL the provider calls, or a function of the helper's request object returning it."""


class WebhookCheck:
    """What every helper does with a body it has read, for one verifier: answer the
    provider's handshake, or verify the request with the URL and method where the scheme
    signs them (and make its replay key at once when the helper claims it).

    Arguments:
        verifier: the :class:`hooksig.Verifier`.
        public_url: the helper's ``public_url=`` (None: the server's view of the URL).
        server_url: the request's URL as the server sees it, from the helper's request object.
        replay_key: whether the helper reads ``replay_key`` (it has a store).
    """

    __slots__ = (
        "handshake",
        "needs_method",
        "needs_url",
        "public_url",
        "replay_key",
        "server_url",
        "simple",
        "verifier",
    )

    def __init__(
        self,
        verifier: Verifier,
        public_url: PublicUrl,
        server_url: Callable[[Any], str],
        *,
        replay_key: bool,
    ) -> None:
        self.verifier = verifier
        self.public_url = public_url
        self.server_url = server_url
        self.replay_key = replay_key
        self.handshake = verifier.has_handshake
        self.needs_url = verifier.needs_url
        self.needs_method = verifier.needs_method
        # Nothing but the body and headers to pass: the plain call.
        self.simple = not (self.needs_url or self.needs_method or replay_key)

    def url(self, request: Any) -> str:
        """The URL the provider called: the public one when configured, else the server's."""
        public = self.public_url
        if public is None:
            return self.server_url(request)
        return public if isinstance(public, str) else public(request)

    def __call__(self, body: bytes, headers: Any, method: str, request: Any) -> Reply | Verified:
        """The handshake's :class:`hooksig.Reply`, or the :class:`hooksig.Verified` result;
        raises :class:`hooksig.VerificationError` for a request that does not verify."""
        verifier = self.verifier
        if self.handshake:
            # A handshake reads the query (Meta's and Dropbox's challenges): the server's
            # URL unless the scheme signs the public one.
            url = self.url(request) if self.needs_url else self.server_url(request)
            reply = verifier.handshake(body, headers, url=url, method=method)
            if reply is not None:
                return reply
        if self.simple:
            return verifier.verify(body, headers)
        return verifier.verify(
            body,
            headers,
            url=self.url(request) if self.needs_url else None,
            method=method if self.needs_method else None,
            replay_key=self.replay_key,
        )


def asgi_url(scope: Mapping[str, Any]) -> str:
    """The URL of an ASGI request as the server sees it: the scope's scheme (which uvicorn's
    proxy headers set when enabled), the Host header (else the server address), the raw path
    as received, and the query string."""
    scheme = scope.get("scheme", "http")
    host = None
    for name, value in scope.get("headers", ()):
        if name == b"host":
            host = value.decode("latin-1")
            break
    if host is None:
        server = scope.get("server")
        if server:
            address, port = server[0], server[1]
            default = _DEFAULT_PORTS.get(scheme)
            host = address if port is None or port == default else f"{address}:{port}"
        else:
            host = ""
    raw_path = scope.get("raw_path")
    if raw_path:
        path = raw_path.decode("latin-1")
    else:
        path = quote(scope.get("root_path", "") + scope.get("path", ""), safe="/%;:@&=+$,!~*'()")
    query = scope.get("query_string", b"")
    url = f"{scheme}://{host}{path}"
    return f"{url}?{query.decode('latin-1')}" if query else url


_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
