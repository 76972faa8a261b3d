"""Type stubs of the native module ``hooksig._hooksig`` (checked by ``mypy.stubtest``)."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Protocol, final

from typing_extensions import TypeAlias

__all__ = [
    "CODES",
    "FAST_PATH",
    "GIL_RELEASE_AT",
    "PRESETS",
    "MemoryReplayStore",
    "Reply",
    "Signer",
    "Verified",
    "Verifier",
    "__version__",
    "_set_fast_path",
]

__version__: Final[str]

PRESETS: Final[dict[str, str]]
"""Every preset, name to a one-line summary of the provider's rules."""

CODES: Final[tuple[tuple[str, str], ...]]
"""Every error code as ``(name, kind)``, kind ``"verification"`` or ``"configuration"``: the
core's one table, from which :mod:`hooksig` derives its exception classes."""

FAST_PATH: Final[bool]
"""Whether the binding's speed tricks are on (``HOOKSIG_PY_PLAIN=1`` at import turns them off:
the plain path, for tests and benchmarks)."""

def _set_fast_path(on: bool) -> None:
    """Turns the speed tricks on or off in this process (for the benchmark)."""

GIL_RELEASE_AT: Final[int]
"""Bodies of at least this many bytes are verified with the GIL released."""

_Body: TypeAlias = bytes | bytearray | memoryview | str
"""A request body: the raw bytes exactly as received (a ``str`` is taken as UTF-8)."""

_Text: TypeAlias = str | bytes
_Value: TypeAlias = str | bytes | Sequence[str | bytes]

class _HasItems(Protocol):
    def items(self) -> Iterable[tuple[_Text, _Value]]: ...

_Headers: TypeAlias = _HasItems | Iterable[tuple[_Text, _Value]]
"""Request headers: a dict (any key case), Starlette ``Headers``, werkzeug ``Headers`` or
``EnvironHeaders``, any object with ``items()``, or an iterable of ``(name, value)`` pairs of
``str`` or ``bytes`` (ASGI raw headers). A value may be a list: the header is then repeated."""

_Scheme: TypeAlias = str | Mapping[str, Any]
"""A preset name (see :data:`PRESETS`), a scheme as a dict, or a scheme as JSON text."""

_Secret: TypeAlias = str | bytes | bytearray
"""A secret: text (its UTF-8 bytes) or bytes."""

_Key: TypeAlias = str | bytes | bytearray
"""A key as the provider shows it: hex, base64, base64 SPKI, PEM, ``whpk_``/``whsk_``."""

@final
class Verified:
    """What a successful verification established."""

    @property
    def timestamp(self) -> int | None:
        """The timestamp sent, in Unix seconds, when the scheme has one."""

    @property
    def id(self) -> str | None:
        """The message id sent, as text, when the scheme has an id and its bytes are UTF-8
        (else ``None``: read :attr:`id_bytes`)."""

    @property
    def id_bytes(self) -> bytes | None:
        """The message id sent, as its bytes exactly, when the scheme has an id."""

    @property
    def secret_index(self) -> int:
        """Which key matched: secrets first (0 is the first), then public keys. Watch it to
        finish a rotation."""

    @property
    def replay_key(self) -> str:
        """The key that names this delivery in a replay store: ``{namespace}:{id}`` when the
        scheme signs an id, else ``{namespace}:sig:{hex}`` of the signature that matched
        (``{namespace}:body:{hex}`` of the body's SHA-256 for a token scheme, which signs
        nothing). Made when first read, from the request verified.

        Raises:
            RuntimeError: the body or headers passed to ``verify`` changed since (a key is
                made at ``verify`` instead for a ``bytearray`` or ``memoryview`` body and for
                headers given as an iterator).
        """

    @property
    def replay_ttl(self) -> int:
        """How long to claim it, in seconds: ``2 * tolerance + 60`` with a replay window
        (a replay older than that fails the window anyway), else the verifier's
        ``replay_ttl`` (24 hours by default)."""

    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class Reply:
    """What to answer a provider's handshake (:meth:`Verifier.handshake`)."""

    @property
    def status(self) -> int:
        """The HTTP status."""

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` of the body."""

    @property
    def headers(self) -> list[tuple[str, str]]:
        """Other headers to send."""

    @property
    def body(self) -> bytes:
        """The body."""

    @property
    def secret(self) -> str | None:
        """A secret the provider handed over (Asana's ``X-Hook-Secret``): store it before
        answering. Never shown by ``repr``."""

    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class Verifier:
    """Verifies webhook requests for one scheme under one or more secrets or public keys.

    Build it once, at startup (every configuration error is raised here), then share it:
    it is immutable and safe to use from many threads at once.

    Arguments:
        scheme: a preset name such as ``"stripe"``, or a scheme (dict or JSON text).
        secret: the secret, as text or bytes (HMAC and token schemes).
        secrets: several secrets, the current one first, during a rotation.
        public_key: the provider's public key (Ed25519 and ECDSA schemes), as it shows it:
            hex, base64, base64 SPKI, PEM or ``whpk_``.
        public_keys: several public keys; any may match.
        params: construction params the scheme's message names (``{"business_id": ...}``).
        tolerance: the replay window in seconds; ``None`` turns it off; when not given,
            the scheme's own (300 s where there is a timestamp).
        namespace: the start of every replay key (default: the preset's name; for a custom
            scheme, its signature header's). Give each endpoint that shares a store with
            another of the same preset its own.
        replay_ttl: how long a claim lives when the scheme has no replay window, in seconds
            (default 86400); with a window it is ``2 * tolerance + 60``.

    Raises:
        ConfigurationError: ``unknown_preset``, ``invalid_scheme``, ``invalid_secret``,
            ``invalid_key``, ``missing_param``.
        TypeError: an argument of the wrong type.
        ValueError: an impossible value (a negative ``tolerance``, an empty ``namespace``,
            a ``replay_ttl`` of 0).
    """

    def __new__(
        cls,
        scheme: _Scheme,
        *,
        secret: _Secret | None = None,
        secrets: Sequence[_Secret] | None = None,
        public_key: _Key | None = None,
        public_keys: Sequence[_Key] | None = None,
        params: Mapping[str, str] | None = None,
        tolerance: int | None = ...,
        namespace: str | None = None,
        replay_ttl: int | None = None,
    ) -> Verifier: ...
    def verify(
        self,
        body: _Body,
        headers: _Headers,
        *,
        now: int | None = None,
        url: str | bytes | None = None,
        method: str | bytes | None = None,
        replay_key: bool = False,
    ) -> Verified:
        """Verifies a request and returns what it established.

        Arguments:
            body: the raw request body, exactly as received.
            headers: the request headers, in any shape (see :data:`Headers`).
            now: the time to check the window against, in Unix seconds (default: the clock).
            url: the URL the provider called (scheme, host, path, query; behind a proxy the
                public one), for schemes that sign it (:attr:`needs_url`).
            method: the request method (``"POST"``), for schemes that sign it
                (:attr:`needs_method`).
            replay_key: make :attr:`Verified.replay_key` now; pass True when you will read
                it (to claim the delivery in a store): made later, on first read, it costs
                one more verification of the request.

        Raises:
            MissingHeaderError, InvalidHeaderError, TimestampError, SignatureMismatchError:
                the request does not verify (all are :class:`VerificationError`).
            ConfigurationError: ``missing_param`` naming ``url`` or ``method`` when the scheme
                signs it and it was not given (a programming error, not a bad request).
            TypeError: ``body`` or ``headers`` of the wrong type.
        """

    def is_valid(
        self,
        body: _Body,
        headers: _Headers,
        *,
        now: int | None = None,
        url: str | bytes | None = None,
        method: str | bytes | None = None,
    ) -> bool:
        """Returns whether the request verifies (``verify`` without the
        :class:`VerificationError`; a :class:`ConfigurationError` is still raised)."""

    def handshake(
        self,
        body: _Body,
        headers: _Headers,
        *,
        now: int | None = None,
        url: str | bytes | None = None,
        method: str | bytes | None = None,
    ) -> Reply | None:
        """Answers a provider's handshake (Slack ``url_verification``, Zoom
        ``endpoint.url_validation``, Twitch ``webhook_callback_verification``, Discord PING,
        Meta and Dropbox ``GET`` challenges, Asana's ``X-Hook-Secret``, Okta's verification),
        or returns ``None`` for any other request (verify it as usual). A signed handshake is
        verified first and raises as :meth:`verify` does; a ``GET`` handshake needs ``url=``
        and ``method=``."""

    @property
    def has_handshake(self) -> bool:
        """Whether the scheme has a handshake (:meth:`handshake` can answer)."""

    @property
    def preset(self) -> str | None:
        """The preset name, or ``None`` for a custom scheme."""

    @property
    def scheme(self) -> dict[str, Any]:
        """The scheme as a dict (the form a custom scheme is written in)."""

    @property
    def tolerance(self) -> int | None:
        """The replay window in force, in seconds (``None``: no window)."""

    @property
    def namespace(self) -> str:
        """The start of every replay key."""

    @property
    def replay_ttl(self) -> int:
        """How long a claim of a verified delivery lives, in seconds."""

    @property
    def secret_count(self) -> int:
        """How many keys are accepted: secrets, then public keys."""

    @property
    def needs_url(self) -> bool:
        """Whether :meth:`verify` needs ``url=``: the scheme signs the URL (Square, Twilio,
        HubSpot, Trello)."""

    @property
    def header_names(self) -> tuple[str, ...]:
        """The names of the headers :meth:`verify` reads, as the scheme spells them (they
        match in any case); every other header is ignored."""

    @property
    def needs_method(self) -> bool:
        """Whether :meth:`verify` needs ``method=``: the scheme signs the method (HubSpot)."""

@final
class Signer:
    """Produces the signature headers of a scheme, as its provider would send them.

    It signs with the first secret, or with ``private_key`` for a public-key scheme; use it
    in tests and to send webhooks.

    Arguments:
        scheme: a preset name or a scheme, as for :class:`Verifier`.
        secret: the secret (HMAC and token schemes).
        secrets: several secrets; the first signs.
        private_key: the signing key of a public-key scheme: ``whsk_...``, a PKCS#8 PEM block
            (Ed25519 or P-256), or 64 hex digits (an Ed25519 seed).
        params: construction params, as for :class:`Verifier`.

    Raises:
        ConfigurationError: as :class:`Verifier` does (``invalid_key`` for a bad private key).
    """

    def __new__(
        cls,
        scheme: _Scheme,
        *,
        secret: _Secret | None = None,
        secrets: Sequence[_Secret] | None = None,
        private_key: _Key | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Signer: ...
    def sign(
        self,
        body: _Body,
        *,
        timestamp: int | None = None,
        id: str | None = None,
        url: str | bytes | None = None,
        method: str | bytes | None = None,
    ) -> dict[str, str]:
        """Signs ``body`` and returns the headers to send, in the provider's order.

        Arguments:
            timestamp: Unix seconds (default: the clock).
            id: the message id, for schemes with an id header (default: a random ``msg_`` id).
            url: the URL the request goes to, for schemes that sign it.
            method: the request method, for schemes that sign it.

        Raises:
            InvalidHeaderError: a timestamp of more than 18 digits, or an id with control
                characters.
            ConfigurationError: ``missing_param`` when the scheme signs the URL or method and
                it was not given.
        """

    @property
    def preset(self) -> str | None:
        """The preset name, or ``None`` for a custom scheme."""

    @property
    def scheme(self) -> dict[str, Any]:
        """The scheme as a dict."""

@final
class MemoryReplayStore:
    """Remembers claimed deliveries in this process: the core's store, bounded (the oldest
    claim goes first when it is full), each claim forgotten after its TTL, safe to share
    between threads. One process only: several instances share a
    :class:`hooksig.RedisReplayStore` instead.

    ``claim`` and ``release`` hold the GIL: each takes well under a microsecond, and the
    store's lock is only taken under the GIL, so it never waits.

    Arguments:
        max_keys: the most claims held (default 100 000).

    Raises:
        TypeError: ``max_keys`` is not an int.
        ValueError: ``max_keys`` is below 1.
    """

    def __new__(cls, max_keys: int = 100_000) -> MemoryReplayStore: ...
    def claim(self, key: str, ttl: int) -> bool:
        """Claims ``key`` for ``ttl`` seconds: True the first time within that time, False
        while an earlier claim lives.

        Raises:
            TypeError: ``key`` is not a str, or ``ttl`` not an int.
            ValueError: ``ttl`` is negative.
        """

    def release(self, key: str) -> None:
        """Forgets a claim, so that the provider's retry is processed (the handler failed)."""

    @property
    def max_keys(self) -> int:
        """The most claims held."""

    def __len__(self) -> int:
        """How many claims are held (expired ones count until they are evicted)."""
