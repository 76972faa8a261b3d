//! Secret bytes that are zeroized on drop and never printed.

use core::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::Error;
use crate::scheme::SecretEncoding;

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

    /// Returns the raw bytes, for callers that must hand them on.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Applies the scheme's secret encoding and returns the HMAC key bytes.
    pub(crate) fn key(&self, encoding: SecretEncoding) -> Result<Zeroizing<Vec<u8>>, Error> {
        let raw = trim(&self.0);
        if raw.is_empty() {
            return Err(Error::InvalidSecret {
                reason: "the secret is empty",
            });
        }
        let key = match encoding {
            SecretEncoding::Utf8 => Zeroizing::new(self.0.clone()),
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

fn trim(bytes: &[u8]) -> &[u8] {
    bytes.trim_ascii()
}

/// Decodes a base64 secret, padded or not, in constant time.
fn decode_base64(text: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
    use base64ct::{Base64, Base64Unpadded, Encoding};
    let mut out = Zeroizing::new(vec![0u8; text.len()]);
    let len = if text.ends_with(b"=") {
        Base64::decode(text, &mut out).map(|d| d.len())
    } else {
        Base64Unpadded::decode(text, &mut out).map(|d| d.len())
    }
    .map_err(|_| Error::InvalidSecret {
        reason: "the secret is not valid base64 (after an optional `whsec_` prefix)",
    })?;
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
    fn empty_and_bad_secrets_are_rejected() {
        for (secret, encoding) in [
            ("", SecretEncoding::Utf8),
            ("  ", SecretEncoding::Utf8),
            ("whsec_", SecretEncoding::Whsec),
            ("not base64!", SecretEncoding::Base64),
        ] {
            let err = Secret::new(secret).key(encoding).unwrap_err();
            assert_eq!(err.code(), "invalid_secret", "{secret:?}");
        }
    }
}
