"""hooksig: constant-time webhook signature verification (and signing).

Build a :class:`Verifier` once, from a preset name or a scheme, then verify each
request's raw body and headers::

    import hooksig

    verifier = hooksig.Verifier("aghanim", secret="...")
    verifier.verify(body, request.headers)   # raises a VerificationError subclass

    # Public-key schemes take the provider's public key; URL-signed ones the request URL.
    hooksig.Verifier("discord", public_key="...").verify(body, request.headers)
    hooksig.Verifier("square", secret="...").verify(body, headers, url=public_url)

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
from hooksig._hooksig import CODES, PRESETS, Reply, Signer, Verified, Verifier, __version__

__all__ = [
    "CODES",
    "PRESETS",
    "ConfigurationError",
    "HooksigError",
    "InvalidHeaderError",
    "MissingHeaderError",
    "Reply",
    "SignatureMismatchError",
    "Signer",
    "TimestampError",
    "VerificationError",
    "Verified",
    "Verifier",
    "__version__",
]
