#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), forbid(unsafe_code))]
// Tests may not forbid it: the valgrind check in encoding.rs issues client requests.
#![cfg_attr(test, deny(unsafe_code))]
#![warn(missing_docs)]

mod body_fields;
mod config;
mod encoding;
mod error;
mod escape;
mod form;
mod handshake;
mod headers;
mod keys;
mod mac;
mod presets;
mod replay;
mod scheme;
mod secret;
mod sign;
mod template;
mod time;
mod url;
mod verify;

pub use body_fields::MAX_FIELDS_BODY;
pub use config::Config;
pub use error::{CODES, Code, Error, ErrorKind};
pub use handshake::{Handshake, Reply};
pub use headers::Headers;
pub use presets::{PRESETS, Preset};
pub use replay::{DEFAULT_MAX_KEYS, DEFAULT_REPLAY_TTL, MemoryReplayStore};
pub use scheme::{
    Algorithm, Asymmetric, BodyEscape, DEFAULT_TOLERANCE, Encoding, Fields, KeyEncoding,
    MAX_SCHEME_HEADERS, Scheme, SecretEncoding, SecretHint, SignatureFormat, TimestampFormat,
    UrlPort,
};
pub use secret::Secret;
pub use sign::Signer;
pub use verify::{Context, MAX_HEADER_LEN, MAX_SIGNATURE_ITEMS, Verified, Verifier};
