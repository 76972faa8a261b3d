//! The one error type, with the stable codes every language shares.

use core::fmt;
use std::sync::Arc;

/// Everything that can go wrong, building a verifier or verifying a request.
///
/// [`Error::code`] gives the stable string that the Python, Node.js, Ruby and C
/// bindings report as well. Messages say what is wrong and what to check; they
/// never contain a secret or an expected signature.
///
/// ```
/// let err = hooksig::Scheme::preset("nope").unwrap_err();
/// assert_eq!(err.code(), "unknown_preset");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A required header (signature, timestamp or id) is absent or empty.
    MissingHeader {
        /// The header's name as the scheme spells it.
        header: Arc<str>,
    },
    /// A header is present but cannot be used.
    InvalidHeader {
        /// The header's name as the scheme spells it.
        header: Arc<str>,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The timestamp is older than the tolerance allows.
    TimestampTooOld {
        /// The timestamp sent, in Unix seconds.
        timestamp: u64,
        /// The time of verification, in Unix seconds.
        now: u64,
        /// The tolerance in seconds.
        tolerance: u64,
    },
    /// The timestamp is further in the future than the tolerance allows.
    TimestampInFuture {
        /// The timestamp sent, in Unix seconds.
        timestamp: u64,
        /// The time of verification, in Unix seconds.
        now: u64,
        /// The tolerance in seconds.
        tolerance: u64,
    },
    /// No signature in the header matches under any secret.
    SignatureMismatch,
    /// No preset has this name.
    UnknownPreset {
        /// The name asked for.
        name: String,
    },
    /// The scheme is not valid.
    InvalidScheme {
        /// The field at fault.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A secret is absent, empty, or not in its declared encoding.
    InvalidSecret {
        /// What is wrong (never the secret itself).
        reason: &'static str,
    },
    /// The message template needs a construction parameter that was not given.
    MissingParam {
        /// The parameter's name.
        name: String,
    },
}

impl Error {
    /// Returns the stable code of this error, the same string in every language.
    ///
    /// ```
    /// assert_eq!(hooksig::Error::SignatureMismatch.code(), "signature_mismatch");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Error::MissingHeader { .. } => "missing_header",
            Error::InvalidHeader { .. } => "invalid_header",
            Error::TimestampTooOld { .. } => "timestamp_too_old",
            Error::TimestampInFuture { .. } => "timestamp_in_future",
            Error::SignatureMismatch => "signature_mismatch",
            Error::UnknownPreset { .. } => "unknown_preset",
            Error::InvalidScheme { .. } => "invalid_scheme",
            Error::InvalidSecret { .. } => "invalid_secret",
            Error::MissingParam { .. } => "missing_param",
        }
    }

    /// Returns true for errors about the request (as opposed to the configuration).
    ///
    /// ```
    /// assert!(hooksig::Error::SignatureMismatch.is_verification());
    /// ```
    pub fn is_verification(&self) -> bool {
        matches!(
            self,
            Error::MissingHeader { .. }
                | Error::InvalidHeader { .. }
                | Error::TimestampTooOld { .. }
                | Error::TimestampInFuture { .. }
                | Error::SignatureMismatch
        )
    }

    pub(crate) fn scheme(field: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidScheme {
            field,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::MissingHeader { header } => write!(
                f,
                "missing header `{header}`: check that the request comes from the provider and \
                 that your framework passes all request headers"
            ),
            Error::InvalidHeader { header, reason } => {
                write!(f, "invalid header `{header}`: {reason}")
            }
            Error::TimestampTooOld {
                timestamp,
                now,
                tolerance,
            } => write!(
                f,
                "timestamp {timestamp} is more than {tolerance}s older than now ({now}): \
                 a replayed request, or check the server clock"
            ),
            Error::TimestampInFuture {
                timestamp,
                now,
                tolerance,
            } => write!(
                f,
                "timestamp {timestamp} is more than {tolerance}s ahead of now ({now}): \
                 check the server clock"
            ),
            Error::SignatureMismatch => f.write_str(
                "no signature matched: check the secret, and that the body is the raw request \
                 bytes exactly as received (not parsed and re-encoded JSON)",
            ),
            Error::UnknownPreset { name } => {
                write!(f, "unknown preset `{name}`: the presets are ")?;
                for (i, preset) in crate::PRESETS.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}{}", preset.name)?;
                }
                f.write_str("; or pass a scheme")
            }
            Error::InvalidScheme { field, reason } => {
                write!(f, "invalid scheme: `{field}` {reason}")
            }
            Error::InvalidSecret { reason } => write!(f, "invalid secret: {reason}"),
            Error::MissingParam { name } => write!(
                f,
                "missing param `{name}`: the scheme's message uses `{{{name}}}`; pass it as a param"
            ),
        }
    }
}

impl std::error::Error for Error {}
