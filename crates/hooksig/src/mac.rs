//! Shared-secret keys prepared once: HMAC states cloned per message, and token digests.

use core::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::encoding::MAX_MAC_LEN;
use crate::scheme::Algorithm;

/// An HMAC with its key schedule (inner and outer padded blocks) already absorbed.
///
/// Cloning it is the cheap start of every MAC; the states are zeroized on drop.
#[derive(Clone)]
pub(crate) enum Key {
    Sha256(Hmac<Sha256>),
    Sha1(Hmac<Sha1>),
    Sha512(Hmac<Sha512>),
}

impl Key {
    pub(crate) fn new(algorithm: Algorithm, key: &[u8]) -> Self {
        // HMAC takes keys of any length, so `new_from_slice` cannot fail here.
        match algorithm {
            Algorithm::Sha256 => Key::Sha256(Hmac::new_from_slice(key).expect("any key length")),
            Algorithm::Sha1 => Key::Sha1(Hmac::new_from_slice(key).expect("any key length")),
            Algorithm::Sha512 => Key::Sha512(Hmac::new_from_slice(key).expect("any key length")),
            // Only HMAC algorithms reach here (`Compiled` sorts keys by kind).
            _ => unreachable!("an HMAC key for a non-HMAC algorithm"),
        }
    }

    /// Starts a MAC from the prepared state.
    #[inline]
    pub(crate) fn start(&self) -> Self {
        self.clone()
    }

    #[inline]
    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Key::Sha256(m) => m.update(data),
            Key::Sha1(m) => m.update(data),
            Key::Sha512(m) => m.update(data),
        }
    }

    /// Finishes the MAC into `out` and returns its length.
    #[inline]
    pub(crate) fn finish(self, out: &mut [u8; MAX_MAC_LEN]) -> usize {
        fn put(out: &mut [u8; MAX_MAC_LEN], mac: &[u8]) -> usize {
            out[..mac.len()].copy_from_slice(mac);
            mac.len()
        }
        match self {
            Key::Sha256(m) => put(out, &m.finalize().into_bytes()),
            Key::Sha1(m) => put(out, &m.finalize().into_bytes()),
            Key::Sha512(m) => put(out, &m.finalize().into_bytes()),
        }
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(..)")
    }
}

/// A token scheme's secret, kept as its SHA-256: comparing digests in constant time hides
/// the token's length as well as its bytes.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct Token([u8; 32]);

impl Token {
    pub(crate) fn new(secret: &[u8]) -> Self {
        Token(Sha256::digest(secret).into())
    }

    /// Returns whether `value` is the token, in constant time.
    pub(crate) fn matches(&self, value: &[u8]) -> Choice {
        let digest: [u8; 32] = Sha256::digest(value).into();
        digest.ct_eq(&self.0)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(..)")
    }
}
