"""What the framework helpers share: the default answer to a rejected request, and the cap on
the body they read."""

from __future__ import annotations

from typing import Any, Callable

from hooksig._errors import VerificationError

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
    text = text.strip()
    if not text or not text.isascii() or not text.isdigit():
        return None
    return int(text)
