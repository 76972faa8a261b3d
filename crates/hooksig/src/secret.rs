//! Secret bytes that are zeroized on drop and never printed.

use core::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::Error;
use crate::scheme::{SecretEncoding, SecretHint};

/// A webhook secret as given by the user, before its encoding is applied.
///
/// The bytes are wiped when the value is dropped, and `Debug` shows `Secret(..)`.
///
/// ```
/// let secret = hooksig::Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
/// assert_eq!(format!("{secret:?}"), "Secret(..)");
/// ```
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Wraps secret bytes (or text, taken as its UTF-8 bytes).
    pub fn new(bytes: impl AsRef<[u8]>) -> Self {
        Secret(bytes.as_ref().to_vec())
    }

    /// The raw bytes, for the crate's own use (parsing a private key, comparing Meta's
    /// verify token in constant time).
    pub(crate) fn expose_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Refuses a public or private key passed as a secret, saying what it is.
    pub(crate) fn check_not_a_key(&self) -> Result<(), Error> {
        let raw = self.0.trim_ascii();
        let contains = |needle: &[u8]| raw.windows(needle.len()).any(|w| w == needle);
        if raw.starts_with(b"whpk_") || contains(b"-----BEGIN PUBLIC KEY") {
            return Err(Error::InvalidSecret {
                reason: "this is a public key, not a secret: pass it as public_key",
            });
        }
        if raw.starts_with(b"whsk_") || contains(b"PRIVATE KEY-----") {
            return Err(Error::InvalidSecret {
                reason: "this is a private key, not a shared secret: verifying takes the \
                         provider's public key (public_key), signing takes private_key",
            });
        }
        Ok(())
    }

    /// Refuses one of the provider's API keys passed as the signing secret.
    pub(crate) fn check_hint(&self, hint: &SecretHint) -> Result<(), Error> {
        let raw = self.0.trim_ascii();
        match hint.rejects.iter().find(|p| raw.starts_with(p.as_bytes())) {
            Some(prefix) => Err(Error::WrongSecret {
                given: prefix.clone(),
                expected: hint.expects.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Applies the scheme's secret encoding and returns the key bytes.
    ///
    /// A secret used as text must not start or end with white space (a `.env` file's
    /// newline is the usual cause); base64 and `whsec_` secrets are trimmed, as the
    /// Standard Webhooks libraries trim them, and decode whatever their last character's
    /// unused bits hold, as those libraries' decoders do.
    pub(crate) fn key(&self, encoding: SecretEncoding) -> Result<Zeroizing<Vec<u8>>, Error> {
        let raw = self.0.trim_ascii();
        if raw.is_empty() {
            return Err(Error::InvalidSecret {
                reason: "the secret is empty",
            });
        }
        let key = match encoding {
            SecretEncoding::Utf8 => {
                if raw.len() != self.0.len() {
                    return Err(Error::InvalidSecret {
                        reason: "the secret starts or ends with white space (a newline from a \
                                 .env file?); it is used as is, so strip it",
                    });
                }
                Zeroizing::new(self.0.clone())
            }
            SecretEncoding::Base64 => decode_base64(raw)?,
            SecretEncoding::Whsec => decode_base64(raw.strip_prefix(b"whsec_").unwrap_or(raw))?,
        };
        if key.is_empty() {
            return Err(Error::InvalidSecret {
                reason: "the secret decodes to no bytes",
            });
        }
        Ok(key)
    }
}

impl<T: AsRef<[u8]>> From<T> for Secret {
    fn from(bytes: T) -> Self {
        Secret::new(bytes)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// Decodes a base64 secret, padded or not, ignoring the unused bits of its last
/// character (as the decoders of Node.js, Python and Go do); the decoding itself is
/// base64ct's, in constant time.
fn decode_base64(text: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
    use base64ct::{Base64Unpadded, Encoding};
    let bad = Error::InvalidSecret {
        reason: "the secret is not valid base64 (after an optional `whsec_` prefix)",
    };
    let unpadded = match text.iter().position(|&b| b == b'=') {
        Some(at) if text[at..].iter().all(|&b| b == b'=') && text.len() % 4 == 0 => &text[..at],
        Some(_) => return Err(bad),
        None => text,
    };
    let mut canonical = Zeroizing::new(unpadded.to_vec());
    // With 2 or 3 characters in the last group, the last one carries 4 or 2 unused bits.
    let spare = match unpadded.len() % 4 {
        2 => 0b1111,
        3 => 0b11,
        1 => return Err(bad),
        _ => 0,
    };
    if let Some(last) = canonical.last_mut() {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        if let Some(value) = ALPHABET.iter().position(|c| c == last) {
            *last = ALPHABET[value & !spare];
        }
    }
    let mut out = Zeroizing::new(vec![0u8; canonical.len()]);
    let len = Base64Unpadded::decode(&canonical, &mut out)
        .map_err(|_| bad)?
        .len();
    out.truncate(len);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whsec_prefix_is_optional() {
        let with = Secret::new("whsec_aGVsbG8=")
            .key(SecretEncoding::Whsec)
            .unwrap();
        let without = Secret::new("aGVsbG8").key(SecretEncoding::Whsec).unwrap();
        assert_eq!(&*with, b"hello");
        assert_eq!(&*without, b"hello");
    }

    #[test]
    fn spare_bits_are_ignored_as_the_standard_webhooks_libraries_ignore_them() {
        // The Standard Webhooks libraries' example: `S` carries two set unused bits.
        let spare = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS")
            .key(SecretEncoding::Whsec)
            .unwrap();
        let canonical = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaQ")
            .key(SecretEncoding::Whsec)
            .unwrap();
        assert_eq!(spare, canonical);
        assert_eq!(spare.len(), 23);
    }

    #[test]
    fn empty_bad_and_padded_text_secrets_are_rejected() {
        for (secret, encoding) in [
            ("", SecretEncoding::Utf8),
            ("  ", SecretEncoding::Utf8),
            ("secret\n", SecretEncoding::Utf8),
            (" secret", SecretEncoding::Utf8),
            ("whsec_", SecretEncoding::Whsec),
            ("not base64!", SecretEncoding::Base64),
            ("aGk=a", SecretEncoding::Base64),
            ("aGVsb", SecretEncoding::Base64),
        ] {
            let err = Secret::new(secret).key(encoding).unwrap_err();
            assert_eq!(err.code(), "invalid_secret", "{secret:?}");
        }
        assert_eq!(
            &*Secret::new(" aGk= \n").key(SecretEncoding::Base64).unwrap(),
            b"hi"
        );
    }
}
