"""What the framework helpers share: the default answer to a rejected request."""

from __future__ import annotations

from typing import Any, Callable

from hooksig._errors import VerificationError

ErrorBody = Callable[[VerificationError], Any]
"""Builds the JSON body of a rejection from the error (default: ``{"error": code}``)."""

DEFAULT_STATUS = 403


def default_error_body(error: VerificationError) -> dict[str, str]:
    """``{"error": code}``: the code only, never the message (it could help an attacker probe)."""
    return {"error": error.code}
