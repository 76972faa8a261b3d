"""The exception hierarchy. Each error carries ``.code``, the same string in every language.

The classes are plain Python so that :class:`ConfigurationError` can also be a
:class:`ValueError`. Which class a code raises comes from one table, the core's list of codes
(``hooksig._hooksig.CODES``: name and kind): the verification codes with a class of their own
below get it, and every other code gets :class:`VerificationError` or
:class:`ConfigurationError` by its kind, so a code added to the core later still raises the
right base class.
"""

from __future__ import annotations

from hooksig._hooksig import CODES

__all__ = [
    "CLASSES",
    "ConfigurationError",
    "HooksigError",
    "InvalidHeaderError",
    "MissingHeaderError",
    "SignatureMismatchError",
    "TimestampError",
    "VerificationError",
    "error_class",
]


class HooksigError(Exception):
    """Base of every hooksig error.

    Attributes:
        code: the stable error code, for example ``"signature_mismatch"``.
    """

    code: str

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code

    def __reduce__(self) -> tuple[type[HooksigError], tuple[str, str]]:
        return (type(self), (str(self), self.code))


class VerificationError(HooksigError):
    """The request does not verify: answer it with 4xx and do not process it."""


class MissingHeaderError(VerificationError):
    """A required header (signature, timestamp or id) or body field is absent or empty:
    ``missing_header``."""


class InvalidHeaderError(VerificationError):
    """A header is present but cannot be used (repeated, malformed, too long).

    ``code`` is ``invalid_header``.
    """


class TimestampError(VerificationError):
    """The timestamp is outside the replay window.

    ``code`` is ``timestamp_too_old`` or ``timestamp_in_future``.
    """


class SignatureMismatchError(VerificationError):
    """No signature matched under any secret or public key: ``signature_mismatch``."""


class ConfigurationError(HooksigError, ValueError):
    """The verifier cannot be built, or was called without what its scheme needs.

    ``code`` is ``unknown_preset``, ``invalid_scheme``, ``invalid_secret``, ``invalid_key``
    or ``missing_param``. Raised when a verifier or signer is built; ``verify`` raises it
    only as ``missing_param``, for a scheme that signs the URL or method called without
    ``url=`` / ``method=`` (a programming error, not a bad request).
    """


_OWN_CLASS: dict[str, type[VerificationError]] = {
    "missing_header": MissingHeaderError,
    "invalid_header": InvalidHeaderError,
    "timestamp_too_old": TimestampError,
    "timestamp_in_future": TimestampError,
    "signature_mismatch": SignatureMismatchError,
}


def error_class(code: str, kind: str) -> type[HooksigError]:
    """The class a code raises: its own, else the base class of its kind."""
    own = _OWN_CLASS.get(code)
    if own is not None:
        return own
    return VerificationError if kind == "verification" else ConfigurationError


CLASSES: dict[str, type[HooksigError]] = {code: error_class(code, kind) for code, kind in CODES}
"""Every code of the core's table to the class it raises."""

for _cls in (
    HooksigError,
    VerificationError,
    MissingHeaderError,
    InvalidHeaderError,
    TimestampError,
    SignatureMismatchError,
    ConfigurationError,
):
    _cls.__module__ = "hooksig"
del _cls
