//! Public keys for the public-key schemes, and private keys to sign with (tests, the CLI).
//!
//! Nothing here is secret on the verifying side: public keys and signatures are public,
//! so decoding them may take variable time. Private keys are zeroized on drop.

use core::fmt;

use base64ct::{Base64, Base64Unpadded, Base64Url, Base64UrlUnpadded, Encoding as _};
use ed25519_dalek::Signer as _;
use p256::ecdsa::signature::hazmat::PrehashSigner;
use p256::pkcs8::DecodePrivateKey;
use zeroize::Zeroizing;

use crate::Error;
use crate::replay::Matched;
use crate::scheme::{Algorithm, Encoding, KeyEncoding, SignatureFormat};

/// The DER SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410), before its 32 bytes.
const ED25519_SPKI: &[u8] = &[
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];
/// The DER SubjectPublicKeyInfo prefix of an uncompressed P-256 key (RFC 5480).
const P256_SPKI: &[u8] = &[
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];
/// The same for a compressed P-256 key.
const P256_SPKI_COMPRESSED: &[u8] = &[
    0x30, 0x39, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x22, 0x00,
];
/// The PKCS#8 prefix of an Ed25519 private key (RFC 8410), before its 32-byte seed.
const ED25519_PKCS8: &[u8] = &[
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// The longest encoded signature decoded: a DER ECDSA signature is at most 72 bytes.
pub(crate) const MAX_SIGNATURE_LEN: usize = 80;

/// Feeds the message, piece by piece, to the sink it is given (Ed25519 hashes it per key).
pub(crate) type Feed<'a> = dyn FnMut(&mut dyn FnMut(&[u8])) + 'a;

/// A public key, parsed and checked when the verifier is built.
#[derive(Clone)]
pub(crate) enum PublicKey {
    Ed25519(ed25519_dalek::VerifyingKey),
    /// The uncompressed point (p256 checked it is on the curve), as ring takes it.
    P256(Box<[u8]>),
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PublicKey::Ed25519(_) => "PublicKey(ed25519)",
            PublicKey::P256(..) => "PublicKey(p256)",
        })
    }
}

fn invalid(reason: &'static str) -> Error {
    Error::InvalidKey { reason }
}

impl PublicKey {
    /// Parses a public key for `algorithm`, written as `encoding` unless it names its own
    /// form (PEM, `whpk_`).
    pub(crate) fn parse(
        algorithm: Algorithm,
        encoding: KeyEncoding,
        text: &[u8],
    ) -> Result<Self, Error> {
        let text = text.trim_ascii();
        if text.is_empty() {
            return Err(invalid("the public key is empty"));
        }
        if text.starts_with(b"whsec_") {
            return Err(invalid(
                "this is a signing secret (whsec_), not a public key: pass it as a secret",
            ));
        }
        if text.starts_with(b"whsk_") || contains(text, b"PRIVATE KEY") {
            return Err(invalid(
                "this is a private key: verifying needs the provider's public key, which is \
                 safe to share",
            ));
        }
        let der;
        let bytes: &[u8] = if text.starts_with(b"-----BEGIN") {
            der = pem(text, b"PUBLIC KEY")
                .ok_or(invalid("not a PEM `PUBLIC KEY` block with base64 inside"))?;
            return Self::from_spki(algorithm, &der);
        } else if let Some(rest) = text.strip_prefix(b"whpk_") {
            if algorithm != Algorithm::Ed25519 {
                return Err(invalid(
                    "a whpk_ key is an Ed25519 key; this scheme is not Ed25519",
                ));
            }
            der = base64(rest).ok_or(invalid("not base64 after `whpk_`"))?;
            &der
        } else {
            match encoding {
                KeyEncoding::Hex => {
                    der = hex(text).ok_or(invalid(
                        "not hex (the scheme's key_encoding); check that the whole key was copied",
                    ))?;
                    &der
                }
                KeyEncoding::Base64 => {
                    der = base64(text).ok_or(invalid("not base64 (the scheme's key_encoding)"))?;
                    &der
                }
                KeyEncoding::Spki => {
                    der = base64(text).ok_or(invalid(
                        "not base64 of a SubjectPublicKeyInfo (the scheme's key_encoding)",
                    ))?;
                    return Self::from_spki(algorithm, &der);
                }
                KeyEncoding::Pem => {
                    return Err(invalid(
                        "not PEM: expected -----BEGIN PUBLIC KEY----- (the scheme's key_encoding)",
                    ));
                }
                KeyEncoding::Whpk => {
                    return Err(invalid("expected a whpk_ key (the scheme's key_encoding)"));
                }
            }
        };
        Self::from_raw(algorithm, bytes)
    }

    fn from_raw(algorithm: Algorithm, bytes: &[u8]) -> Result<Self, Error> {
        match algorithm {
            Algorithm::Ed25519 => {
                let bytes: &[u8; 32] = bytes
                    .try_into()
                    .map_err(|_| invalid("an Ed25519 public key is 32 bytes"))?;
                ed25519_dalek::VerifyingKey::from_bytes(bytes)
                    .map(PublicKey::Ed25519)
                    .map_err(|_| invalid("not a point of Ed25519"))
            }
            Algorithm::EcdsaP256Sha256 => p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
                .map(|key| PublicKey::P256(key.to_sec1_point(false).as_bytes().into()))
                .map_err(|_| {
                    invalid("not a P-256 public key (a 65-byte uncompressed or 33-byte SEC1 point)")
                }),
            _ => Err(invalid("this algorithm takes no public key")),
        }
    }

    fn from_spki(algorithm: Algorithm, der: &[u8]) -> Result<Self, Error> {
        let (raw, of) = if let Some(raw) = der.strip_prefix(ED25519_SPKI) {
            (raw, Algorithm::Ed25519)
        } else if let Some(raw) = der
            .strip_prefix(P256_SPKI)
            .or_else(|| der.strip_prefix(P256_SPKI_COMPRESSED))
        {
            (raw, Algorithm::EcdsaP256Sha256)
        } else {
            return Err(invalid(
                "not an Ed25519 or P-256 (named curve) SubjectPublicKeyInfo",
            ));
        };
        if of != algorithm {
            return Err(invalid(if of == Algorithm::Ed25519 {
                "this is an Ed25519 key, but the scheme uses ECDSA P-256"
            } else {
                "this is a P-256 key, but the scheme uses Ed25519"
            }));
        }
        Self::from_raw(algorithm, raw)
    }

    /// Checks one encoded signature over a message; returns it in its canonical form when
    /// it verifies. Ed25519 streams the message through `feed`; ECDSA takes it `whole`
    /// (ring verifies a message in one piece).
    pub(crate) fn verify(
        &self,
        signature: &Decoded,
        format: SignatureFormat,
        whole: &[u8],
        feed: &mut Feed<'_>,
    ) -> Option<Matched> {
        match self {
            PublicKey::Ed25519(key) => {
                let bytes = <&[u8; 64]>::try_from(signature.bytes()).ok()?;
                let parsed = ed25519_dalek::Signature::from_bytes(bytes);
                // `verify_stream` rejects a non-canonical S; the final check compares the
                // recomputed R with the bytes sent, so a non-canonical R fails as well.
                let mut stream = key.verify_stream(&parsed).ok()?;
                feed(&mut |piece| stream.update(piece));
                stream.finalize_and_verify().ok()?;
                Some(Matched::new(bytes))
            }
            PublicKey::P256(point) => {
                // p256 parses strictly (DER only, 0 < r, s < n); ring does the arithmetic.
                let parsed = match format {
                    SignatureFormat::Der => p256::ecdsa::Signature::from_der(signature.bytes()),
                    SignatureFormat::Raw => p256::ecdsa::Signature::from_slice(signature.bytes()),
                }
                .ok()?;
                ring::signature::UnparsedPublicKey::new(
                    &ring::signature::ECDSA_P256_SHA256_FIXED,
                    point,
                )
                .verify(whole, &parsed.to_bytes())
                .ok()?;
                Some(Matched::new(&parsed.normalize_s().to_bytes()))
            }
        }
    }
}

/// A signature decoded from its text, on the stack.
pub(crate) struct Decoded {
    buf: [u8; MAX_SIGNATURE_LEN],
    len: usize,
}

impl Decoded {
    /// Decodes a public signature (variable time is fine: it is not secret); `None` when
    /// it is not in `encoding` or too long to be a signature.
    pub(crate) fn new(encoding: Encoding, text: &[u8]) -> Option<Self> {
        let mut buf = [0u8; MAX_SIGNATURE_LEN];
        let len = match encoding {
            Encoding::Hex => {
                if text.len() % 2 != 0 || text.len() / 2 > MAX_SIGNATURE_LEN {
                    return None;
                }
                base16ct::mixed::decode(text, &mut buf).ok()?.len()
            }
            Encoding::Base64 | Encoding::Base64url => {
                if text.len() > MAX_SIGNATURE_LEN * 4 / 3 + 4 {
                    return None;
                }
                let url = encoding == Encoding::Base64url;
                let padded = text.ends_with(b"=");
                match (url, padded) {
                    (false, true) => Base64::decode(text, &mut buf).ok()?.len(),
                    (false, false) => Base64Unpadded::decode(text, &mut buf).ok()?.len(),
                    (true, true) => Base64Url::decode(text, &mut buf).ok()?.len(),
                    (true, false) => Base64UrlUnpadded::decode(text, &mut buf).ok()?.len(),
                }
            }
        };
        Some(Decoded { buf, len })
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// A private key, for signing (tests, the CLI, senders); zeroized on drop.
pub(crate) enum PrivateKey {
    Ed25519(ed25519_dalek::SigningKey),
    P256(p256::ecdsa::SigningKey),
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKey(..)")
    }
}

impl PrivateKey {
    /// Parses `whsk_` + base64(seed || public key), a 64-hex-digit seed or scalar, or a
    /// PKCS#8 PEM `PRIVATE KEY` block.
    pub(crate) fn parse(algorithm: Algorithm, text: &[u8]) -> Result<Self, Error> {
        let text = text.trim_ascii();
        if text.is_empty() {
            return Err(invalid("the private key is empty"));
        }
        if text.starts_with(b"whpk_") || contains(text, b"PUBLIC KEY") {
            return Err(invalid(
                "this is a public key: signing needs the private key (whsk_, PKCS#8 PEM, or a \
                 hex seed)",
            ));
        }
        let seed: Zeroizing<Vec<u8>> = if let Some(rest) = text.strip_prefix(b"whsk_") {
            if algorithm != Algorithm::Ed25519 {
                return Err(invalid(
                    "a whsk_ key is an Ed25519 key; this scheme is not Ed25519",
                ));
            }
            let both = Zeroizing::new(base64(rest).ok_or(invalid("not base64 after `whsk_`"))?);
            if both.len() != 64 {
                return Err(invalid(
                    "a whsk_ key is base64 of 64 bytes (seed, then public key)",
                ));
            }
            let key = Self::from_seed(algorithm, &both[..32])?;
            if let PrivateKey::Ed25519(signing) = &key
                && signing.verifying_key().as_bytes()[..] != both[32..]
            {
                return Err(invalid(
                    "the whsk_ key's public half does not belong to its seed",
                ));
            }
            return Ok(key);
        } else if text.starts_with(b"-----BEGIN") {
            let der = Zeroizing::new(
                pem(text, b"PRIVATE KEY")
                    .ok_or(invalid("not a PEM `PRIVATE KEY` (PKCS#8) block"))?,
            );
            if let Some(seed) = der.strip_prefix(ED25519_PKCS8) {
                if algorithm != Algorithm::Ed25519 {
                    return Err(invalid(
                        "this is an Ed25519 key; this scheme is not Ed25519",
                    ));
                }
                Zeroizing::new(seed.to_vec())
            } else {
                if algorithm != Algorithm::EcdsaP256Sha256 {
                    return Err(invalid("not an Ed25519 PKCS#8 key"));
                }
                return p256::ecdsa::SigningKey::from_pkcs8_der(&der)
                    .map(PrivateKey::P256)
                    .map_err(|_| invalid("not a P-256 PKCS#8 private key"));
            }
        } else {
            Zeroizing::new(hex(text).ok_or(invalid(
                "not a private key: expected whsk_..., a PKCS#8 PEM block, or 64 hex digits",
            ))?)
        };
        Self::from_seed(algorithm, &seed)
    }

    fn from_seed(algorithm: Algorithm, seed: &[u8]) -> Result<Self, Error> {
        match algorithm {
            Algorithm::Ed25519 => {
                let seed: &[u8; 32] = seed
                    .try_into()
                    .map_err(|_| invalid("an Ed25519 private key (seed) is 32 bytes"))?;
                Ok(PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(
                    seed,
                )))
            }
            Algorithm::EcdsaP256Sha256 => p256::ecdsa::SigningKey::from_slice(seed)
                .map(PrivateKey::P256)
                .map_err(|_| invalid("not a P-256 private scalar (32 bytes, below the order)")),
            _ => Err(invalid("this algorithm takes no private key")),
        }
    }

    /// Signs a whole message; ECDSA is deterministic (RFC 6979), written as `format`.
    pub(crate) fn sign(
        &self,
        message: &[u8],
        digest: &[u8; 32],
        format: SignatureFormat,
    ) -> Vec<u8> {
        match self {
            PrivateKey::Ed25519(key) => key.sign(message).to_bytes().to_vec(),
            PrivateKey::P256(key) => {
                let signature: p256::ecdsa::Signature = key
                    .sign_prehash(digest)
                    .expect("a 32-byte digest always signs");
                match format {
                    SignatureFormat::Der => signature.to_der().as_bytes().to_vec(),
                    SignatureFormat::Raw => signature.to_bytes().to_vec(),
                }
            }
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Hex (either case) to bytes.
fn hex(text: &[u8]) -> Option<Vec<u8>> {
    base16ct::mixed::decode_vec(text).ok()
}

/// Standard base64, padding optional, white space ignored (keys get pasted).
fn base64(text: &[u8]) -> Option<Vec<u8>> {
    let compact: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if compact.ends_with(b"=") {
        Base64::decode_vec(std::str::from_utf8(&compact).ok()?).ok()
    } else {
        Base64Unpadded::decode_vec(std::str::from_utf8(&compact).ok()?).ok()
    }
}

/// The DER inside a PEM block whose label ends with `label` (`PUBLIC KEY`, `PRIVATE KEY`).
fn pem(text: &[u8], label: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(text).ok()?;
    let label = std::str::from_utf8(label).ok()?;
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)? + begin.len();
    let stop = start + text[start..].find(&end)?;
    base64(&text.as_bytes()[start..stop])
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 8032 section 7.1, TEST 1.
    const SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    const SIGNATURE: &str = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    fn verify(key: &PublicKey, signature: &str, message: &[u8]) -> bool {
        let decoded = Decoded::new(Encoding::Hex, signature.as_bytes()).unwrap();
        key.verify(&decoded, SignatureFormat::Der, message, &mut |sink| {
            sink(message)
        })
        .is_some()
    }

    #[test]
    fn ed25519_rfc8032_test_1_signs_and_verifies() {
        let key =
            PublicKey::parse(Algorithm::Ed25519, KeyEncoding::Hex, PUBLIC.as_bytes()).unwrap();
        assert!(verify(&key, SIGNATURE, b""));
        assert!(!verify(&key, SIGNATURE, b"x"));
        let private = PrivateKey::parse(Algorithm::Ed25519, SEED.as_bytes()).unwrap();
        let signed = private.sign(b"", &[0; 32], SignatureFormat::Der);
        assert_eq!(base16ct::lower::encode_string(&signed), SIGNATURE);
    }

    #[test]
    fn keys_of_the_wrong_kind_say_so() {
        for (text, algorithm) in [
            ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Algorithm::Ed25519),
            ("whsk_AAAA", Algorithm::Ed25519),
            ("", Algorithm::Ed25519),
            ("abcd", Algorithm::Ed25519),
            ("zz", Algorithm::EcdsaP256Sha256),
            (
                "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=",
                Algorithm::EcdsaP256Sha256,
            ),
        ] {
            let err = PublicKey::parse(algorithm, KeyEncoding::Hex, text.as_bytes()).unwrap_err();
            assert_eq!(err.code(), "invalid_key", "{text:?}");
        }
    }
}
