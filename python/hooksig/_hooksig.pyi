"""Type stubs of the native module ``hooksig._hooksig`` (checked by ``mypy.stubtest``)."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Protocol, final

from typing_extensions import TypeAlias

__all__ = ["GIL_RELEASE_AT", "PRESETS", "Signer", "Verified", "Verifier", "__version__"]

__version__: Final[str]

PRESETS: Final[dict[str, str]]
"""Every preset, name to a one-line summary of the provider's rules."""

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

@final
class Verified:
    """What a successful verification established."""

    @property
    def timestamp(self) -> int | None:
        """The timestamp sent, in Unix seconds, when the scheme has one."""

    @property
    def id(self) -> str | None:
        """The message id sent, when the scheme has an id header."""

    @property
    def secret_index(self) -> int:
        """Which secret matched (0 is the first): watch it to finish a rotation."""

    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class Verifier:
    """Verifies webhook requests for one scheme under one or more secrets.

    Build it once, at startup (every configuration error is raised here), then share it:
    it is immutable and safe to use from many threads at once.

    Arguments:
        scheme: a preset name such as ``"stripe"``, or a scheme (dict or JSON text).
        secret: the secret, as text or bytes.
        secrets: several secrets, the current one first, during a rotation.
        params: construction params the scheme's message names (``{"business_id": ...}``).
        tolerance: the replay window in seconds; ``None`` turns it off; when not given,
            the scheme's own (300 s where there is a timestamp).

    Raises:
        ConfigurationError: ``unknown_preset``, ``invalid_scheme``, ``invalid_secret``,
            ``missing_param``.
        TypeError: an argument of the wrong type.
    """

    def __new__(
        cls,
        scheme: _Scheme,
        *,
        secret: _Secret | None = None,
        secrets: Sequence[_Secret] | None = None,
        params: Mapping[str, str] | None = None,
        tolerance: int | None = ...,
    ) -> Verifier: ...
    def verify(self, body: _Body, headers: _Headers, *, now: int | None = None) -> Verified:
        """Verifies a request and returns what it established.

        Arguments:
            body: the raw request body, exactly as received.
            headers: the request headers, in any shape (see :data:`Headers`).
            now: the time to check the window against, in Unix seconds (default: the clock).

        Raises:
            MissingHeaderError, InvalidHeaderError, TimestampError, SignatureMismatchError:
                the request does not verify (all are :class:`VerificationError`).
            TypeError: ``body`` or ``headers`` of the wrong type.
        """

    def is_valid(self, body: _Body, headers: _Headers, *, now: int | None = None) -> bool:
        """Returns whether the request verifies (``verify`` without the exception)."""

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
    def secret_count(self) -> int:
        """How many secrets are accepted."""

@final
class Signer:
    """Produces the signature headers of a scheme, as its provider would send them.

    It signs with the first secret; use it in tests and to send webhooks.

    Raises:
        ConfigurationError: as :class:`Verifier` does.
    """

    def __new__(
        cls,
        scheme: _Scheme,
        *,
        secret: _Secret | None = None,
        secrets: Sequence[_Secret] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Signer: ...
    def sign(
        self, body: _Body, *, timestamp: int | None = None, id: str | None = None
    ) -> dict[str, str]:
        """Signs ``body`` and returns the headers to send, in the provider's order.

        Arguments:
            timestamp: Unix seconds (default: the clock).
            id: the message id, for schemes with an id header (default: a random ``msg_`` id).

        Raises:
            InvalidHeaderError: a timestamp of more than 18 digits, or an id with control
                characters.
        """

    @property
    def preset(self) -> str | None:
        """The preset name, or ``None`` for a custom scheme."""

    @property
    def scheme(self) -> dict[str, Any]:
        """The scheme as a dict."""
