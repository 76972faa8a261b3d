#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), forbid(unsafe_code))]
// Tests may not forbid it: the valgrind check in encoding.rs issues client requests.
#![cfg_attr(test, deny(unsafe_code))]
#![warn(missing_docs)]

mod config;
mod encoding;
mod error;
mod headers;
mod mac;
mod presets;
mod scheme;
mod secret;
mod sign;
mod template;
mod verify;

pub use config::Config;
pub use error::Error;
pub use headers::Headers;
pub use presets::{PRESETS, Preset};
pub use scheme::{Algorithm, DEFAULT_TOLERANCE, Encoding, Fields, Scheme, SecretEncoding};
pub use secret::Secret;
pub use sign::Signer;
pub use verify::{MAX_HEADER_LEN, MAX_SIGNATURE_ITEMS, Verified, Verifier};
