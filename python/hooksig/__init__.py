"""hooksig: constant-time webhook signature verification (and signing).

Build a :class:`Verifier` once, from a preset name or a scheme, then verify each
request's raw body and headers::

    import hooksig

    verifier = hooksig.Verifier("aghanim", secret="...")
    verifier.verify(body, request.headers)   # raises a VerificationError subclass

    # Public-key schemes take the provider's public key; URL-signed ones the request URL.
    hooksig.Verifier("discord", public_key="...").verify(body, request.headers)
    hooksig.Verifier("square", secret="...").verify(body, headers, url=public_url)

Replay protection: claim each verified delivery once in a store, the embedded one for one
process or Redis for many::

    store = hooksig.MemoryReplayStore()          # or hooksig.RedisReplayStore(redis.Redis(...))
    verified = verifier.verify(body, request.headers)
    if not store.claim(verified.replay_key, verified.replay_ttl):
        ...  # a duplicate: answer 200, do nothing

Framework helpers (they verify, answer handshakes and, with ``replay=``, claim):
:mod:`hooksig.fastapi`, :mod:`hooksig.asgi`, :mod:`hooksig.flask`.
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
from hooksig._hooksig import (
    CODES,
    PRESETS,
    MemoryReplayStore,
    Reply,
    Signer,
    Verified,
    Verifier,
    __version__,
)
from hooksig._replay import (
    AsyncRedisReplayStore,
    AsyncReplayStore,
    RedisReplayStore,
    ReplayStore,
    ReplayStoreError,
)

__all__ = [
    "CODES",
    "PRESETS",
    "AsyncRedisReplayStore",
    "AsyncReplayStore",
    "ConfigurationError",
    "HooksigError",
    "InvalidHeaderError",
    "MemoryReplayStore",
    "MissingHeaderError",
    "RedisReplayStore",
    "ReplayStore",
    "ReplayStoreError",
    "Reply",
    "SignatureMismatchError",
    "Signer",
    "TimestampError",
    "VerificationError",
    "Verified",
    "Verifier",
    "__version__",
]
