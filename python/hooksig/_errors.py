"""The exception hierarchy. Each error carries ``.code``, the same string in every language.

The native module raises these classes; they are plain Python so that
:class:`ConfigurationError` can also be a :class:`ValueError`.
"""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "HooksigError",
    "InvalidHeaderError",
    "MissingHeaderError",
    "SignatureMismatchError",
    "TimestampError",
    "VerificationError",
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
    """A required header (signature, timestamp or id) is absent or empty: ``missing_header``."""


class InvalidHeaderError(VerificationError):
    """A header is present but cannot be used (repeated, malformed, too long).

    ``code`` is ``invalid_header``.
    """


class TimestampError(VerificationError):
    """The timestamp is outside the replay window.

    ``code`` is ``timestamp_too_old`` or ``timestamp_in_future``.
    """


class SignatureMismatchError(VerificationError):
    """No signature matched under any secret: ``signature_mismatch``."""


class ConfigurationError(HooksigError, ValueError):
    """The verifier cannot be built: ``unknown_preset``, ``invalid_scheme``, ``invalid_secret``
    or ``missing_param``. Raised when a verifier or signer is built, never by verify."""


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
