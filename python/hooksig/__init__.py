"""hooksig: constant-time webhook signature verification (and signing).

Build a :class:`Verifier` once, from a preset name or a scheme, then verify each
request's raw body and headers::

    import hooksig

    verifier = hooksig.Verifier("aghanim", secret="...")
    verifier.verify(body, request.headers)   # raises a VerificationError subclass

Framework helpers: :mod:`hooksig.fastapi`, :mod:`hooksig.asgi`, :mod:`hooksig.flask`.
"""

from __future__ import annotations

from hooksig._errors import (
    ConfigurationError,
    HooksigError,
    InvalidHeaderError,
    MissingHeaderError,
    SignatureMismatchError,
    TimestampError,
    VerificationError,
)
from hooksig._hooksig import PRESETS, Signer, Verified, Verifier, __version__

__all__ = [
    "PRESETS",
    "ConfigurationError",
    "HooksigError",
    "InvalidHeaderError",
    "MissingHeaderError",
    "SignatureMismatchError",
    "Signer",
    "TimestampError",
    "VerificationError",
    "Verified",
    "Verifier",
    "__version__",
]
