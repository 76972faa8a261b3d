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
    /// The message template needs a construction parameter that was not given, or verify
    /// was called without the request context (`url`, `method`) the scheme signs.
    MissingParam {
        /// The parameter's name.
        name: String,
    },
    /// One of the provider's API keys was given as the webhook signing secret (code
    /// `invalid_secret`).
    WrongSecret {
        /// The prefix of what was given (`sk_`): never the rest of it.
        given: String,
        /// The prefix signing secrets start with (`whsec_`).
        expected: String,
    },
    /// A public or private key is malformed, or of the wrong kind for the scheme.
    InvalidKey {
        /// What is wrong (never the key itself).
        reason: &'static str,
    },
    /// A value the scheme reads from the JSON body is absent (code `missing_header`).
    MissingField {
        /// The field's dotted path.
        path: Arc<str>,
    },
    /// The body cannot hold the scheme's body fields (code `invalid_header`).
    InvalidBody {
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// Whether an error is about the request (answer it 4xx) or about how the verifier was
/// built (a programming or deployment error).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The request does not verify.
    Verification,
    /// The scheme, secrets, keys, params or request context are wrong.
    Configuration,
}

/// One stable error code: the table every binding derives its error classes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Code {
    /// The code itself, the same string in every language (`signature_mismatch`).
    pub name: &'static str,
    /// Whether it is about the request or the configuration.
    pub kind: ErrorKind,
    /// Its number in the C ABI (`hooksig_code`), from 1.
    pub number: i32,
    /// A one-line explanation, without the details of one failure.
    pub summary: &'static str,
}

const fn code(name: &'static str, kind: ErrorKind, number: i32, summary: &'static str) -> Code {
    Code {
        name,
        kind,
        number,
        summary,
    }
}

/// Every error code, in the order of their numbers. A binding that meets a code it does
/// not know treats it by its kind.
///
/// ```
/// use hooksig::{CODES, ErrorKind};
///
/// let mismatch = CODES.iter().find(|c| c.name == "signature_mismatch").unwrap();
/// assert_eq!((mismatch.kind, mismatch.number), (ErrorKind::Verification, 5));
/// assert!(CODES.iter().enumerate().all(|(i, c)| c.number == i as i32 + 1));
/// ```
pub const CODES: &[Code] = &[
    code(
        "missing_header",
        ErrorKind::Verification,
        1,
        "a required header (signature, timestamp or id) or body field is absent or empty",
    ),
    code(
        "invalid_header",
        ErrorKind::Verification,
        2,
        "a header is present but cannot be used",
    ),
    code(
        "timestamp_too_old",
        ErrorKind::Verification,
        3,
        "the timestamp is older than the tolerance allows: a replay, or check the clock",
    ),
    code(
        "timestamp_in_future",
        ErrorKind::Verification,
        4,
        "the timestamp is further ahead than the tolerance allows: check the clock",
    ),
    code(
        "signature_mismatch",
        ErrorKind::Verification,
        5,
        "no signature matched: check the secret and that the body is the raw request bytes",
    ),
    code(
        "unknown_preset",
        ErrorKind::Configuration,
        6,
        "no preset has this name",
    ),
    code(
        "invalid_scheme",
        ErrorKind::Configuration,
        7,
        "the scheme is not valid",
    ),
    code(
        "invalid_secret",
        ErrorKind::Configuration,
        8,
        "no secret, an empty secret, or one not in its declared encoding",
    ),
    code(
        "missing_param",
        ErrorKind::Configuration,
        9,
        "a param the scheme's message needs, or the request URL or method, was not given",
    ),
    code(
        "invalid_key",
        ErrorKind::Configuration,
        10,
        "a public or private key is malformed, or of the wrong kind for the scheme",
    ),
];

impl Error {
    /// Returns the stable code of this error, the same string in every language.
    ///
    /// ```
    /// assert_eq!(hooksig::Error::SignatureMismatch.code(), "signature_mismatch");
    /// ```
    pub fn code(&self) -> &'static str {
        self.info().name
    }

    /// Returns this error's entry in [`CODES`]: its code, kind and C number.
    ///
    /// ```
    /// let err = hooksig::Scheme::preset("nope").unwrap_err();
    /// assert_eq!(err.info().kind, hooksig::ErrorKind::Configuration);
    /// ```
    pub fn info(&self) -> &'static Code {
        let number = match self {
            Error::MissingHeader { .. } | Error::MissingField { .. } => 1,
            Error::InvalidHeader { .. } | Error::InvalidBody { .. } => 2,
            Error::TimestampTooOld { .. } => 3,
            Error::TimestampInFuture { .. } => 4,
            Error::SignatureMismatch => 5,
            Error::UnknownPreset { .. } => 6,
            Error::InvalidScheme { .. } => 7,
            Error::InvalidSecret { .. } | Error::WrongSecret { .. } => 8,
            Error::MissingParam { .. } => 9,
            Error::InvalidKey { .. } => 10,
        };
        &CODES[number - 1]
    }

    /// Returns true for errors about the request (as opposed to the configuration).
    ///
    /// ```
    /// assert!(hooksig::Error::SignatureMismatch.is_verification());
    /// ```
    pub fn is_verification(&self) -> bool {
        self.info().kind == ErrorKind::Verification
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
            } => {
                write!(
                    f,
                    "timestamp {timestamp} is more than {tolerance}s ahead of now ({now}): "
                )?;
                // 13 digits near now/1000 is the usual mistake: a timestamp in milliseconds.
                let seconds = timestamp / 1000;
                if *timestamp >= 100_000_000_000
                    && seconds <= now.saturating_add(*tolerance)
                    && seconds.saturating_add(366 * 86_400) >= *now
                {
                    f.write_str(
                        "milliseconds? it reads as now in milliseconds, and this scheme's \
                         timestamps are Unix seconds (set timestamp_format: unix_ms)",
                    )
                } else {
                    f.write_str("check the server clock")
                }
            }
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
            Error::MissingParam { name } if name == "url" => f.write_str(
                "missing `url`: the scheme signs the request's URL; give verify the URL (the URL \
                 as the provider called it, behind a proxy the public one)",
            ),
            Error::MissingParam { name } if name == "method" => f.write_str(
                "missing `method`: the scheme signs the request's method; give verify the method",
            ),
            Error::MissingParam { name } => write!(
                f,
                "missing param `{name}`: the scheme's message uses `{{{name}}}`; pass it as a param"
            ),
            Error::InvalidKey { reason } => write!(f, "invalid key: {reason}"),
            Error::WrongSecret { given, expected } => write!(
                f,
                "invalid secret: this is an API key (`{given}...`), not the webhook signing \
                 secret; the endpoint's signing secret starts with `{expected}`"
            ),
            Error::MissingField { path } => write!(
                f,
                "missing body field `{path}`: the scheme reads it from the JSON body; check that \
                 the request comes from the provider and the body is the raw bytes"
            ),
            Error::InvalidBody { reason } => write!(
                f,
                "invalid body: {reason}; the scheme reads its signature fields from the JSON body"
            ),
        }
    }
}

impl std::error::Error for Error {}
