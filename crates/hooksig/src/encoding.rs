//! Signature text to bytes and back, in constant time (`base16ct`, `base64ct`).

use base64ct::{Base64, Base64Unpadded, Base64Url, Base64UrlUnpadded, Encoding as _};

use crate::scheme::Encoding;

/// The longest MAC, HMAC-SHA512's, in bytes.
pub(crate) const MAX_MAC_LEN: usize = 64;

impl Encoding {
    /// Decodes one signature item into `out`, or returns `None` when it is not
    /// exactly `len` bytes in this encoding.
    ///
    /// The decoders are constant-time in the value of the input; only its length
    /// and its validity decide the branches, and both are public.
    pub(crate) fn decode<'o>(
        self,
        text: &[u8],
        len: usize,
        out: &'o mut [u8; MAX_MAC_LEN],
    ) -> Option<&'o [u8]> {
        if text.len() != self.encoded_len(len) && text.len() != self.padded_len(len) {
            return None;
        }
        let out = &mut out[..len];
        let padded = text.last() == Some(&b'=');
        let decoded = match (self, padded) {
            (Encoding::Hex, _) => base16ct::mixed::decode(text, out).ok()?,
            (Encoding::Base64, true) => Base64::decode(text, out).ok()?,
            (Encoding::Base64, false) => Base64Unpadded::decode(text, out).ok()?,
            (Encoding::Base64url, true) => Base64Url::decode(text, out).ok()?,
            (Encoding::Base64url, false) => Base64UrlUnpadded::decode(text, out).ok()?,
        };
        (decoded.len() == len).then_some(decoded)
    }

    /// Encodes a MAC the way the provider writes it (lower-case hex; padded base64;
    /// unpadded base64url).
    pub(crate) fn encode(self, mac: &[u8]) -> String {
        match self {
            Encoding::Hex => base16ct::lower::encode_string(mac),
            Encoding::Base64 => Base64::encode_string(mac),
            Encoding::Base64url => Base64UrlUnpadded::encode_string(mac),
        }
    }

    /// The length of `len` bytes encoded without padding.
    fn encoded_len(self, len: usize) -> usize {
        match self {
            Encoding::Hex => 2 * len,
            Encoding::Base64 | Encoding::Base64url => (4 * len).div_ceil(3),
        }
    }

    /// The length of `len` bytes encoded with padding.
    fn padded_len(self, len: usize) -> usize {
        match self {
            Encoding::Hex => 2 * len,
            Encoding::Base64 | Encoding::Base64url => len.div_ceil(3) * 4,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_encoding() {
        let mac: Vec<u8> = (0u8..32).map(|i| i.wrapping_mul(37)).collect();
        for encoding in [Encoding::Hex, Encoding::Base64, Encoding::Base64url] {
            let text = encoding.encode(&mac);
            let mut out = [0u8; MAX_MAC_LEN];
            assert_eq!(
                encoding.decode(text.as_bytes(), 32, &mut out),
                Some(&mac[..])
            );
        }
    }

    #[test]
    fn hex_accepts_either_case_and_base64_either_padding() {
        let mut out = [0u8; MAX_MAC_LEN];
        assert_eq!(
            Encoding::Hex.decode(b"aBcD", 2, &mut out),
            Some(&[0xab, 0xcd][..])
        );
        assert_eq!(
            Encoding::Base64.decode(b"aGk=", 2, &mut out),
            Some(&b"hi"[..])
        );
        assert_eq!(
            Encoding::Base64.decode(b"aGk", 2, &mut out),
            Some(&b"hi"[..])
        );
    }

    #[test]
    fn wrong_length_or_alphabet_is_none() {
        let mut out = [0u8; MAX_MAC_LEN];
        assert_eq!(Encoding::Hex.decode(b"abc", 2, &mut out), None);
        assert_eq!(Encoding::Hex.decode(b"zzzz", 2, &mut out), None);
        assert_eq!(Encoding::Base64.decode(b"a-k=", 2, &mut out), None);
        assert_eq!(Encoding::Base64url.decode(b"a+k", 2, &mut out), None);
        assert_eq!(Encoding::Base64.decode(b"aGk==", 2, &mut out), None);
    }
}
