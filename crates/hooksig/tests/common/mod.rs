//! Key material and request context for any preset: what the property, allocation and
//! vector tests need to sign and verify every kind of scheme alike.

#![allow(dead_code)] // Each test file uses a part of this module.

use base64ct::{Base64, Encoding as _};
use hooksig::{Algorithm, Config, Context, KeyEncoding, Scheme, SecretEncoding};
use sha2::{Digest, Sha256, Sha512};

/// The URL and method given to schemes that sign them.
pub const URL: &str = "https://example.com/webhooks/in?x=1";
pub const METHOD: &str = "POST";

/// A signer's and a verifier's config for one preset, from a seed.
pub struct Fixture {
    pub signer: Config,
    pub verifier: Config,
    pub scheme: Scheme,
}

impl Fixture {
    /// The request context verify and sign need for this scheme.
    pub fn context(&self, now: u64) -> Context<'static> {
        Context::new().now(now).url(URL).method(METHOD)
    }

    /// The body to send: `raw` itself, or for a scheme that reads its timestamp from the
    /// JSON body, a JSON document carrying the timestamp and `raw` (as hex).
    pub fn body(&self, raw: &[u8], timestamp: u64) -> Vec<u8> {
        let Some(path) = self.scheme.body_fields.get("timestamp") else {
            return raw.to_vec();
        };
        let value = match self.scheme.timestamp_format {
            hooksig::TimestampFormat::UnixMs => timestamp * 1000,
            _ => timestamp,
        };
        format!(
            r#"{{"{path}": {value}, "data": "{}"}}"#,
            base16ct::lower::encode_string(raw)
        )
        .into_bytes()
    }

    /// Whether the message signs the body (a token scheme signs nothing).
    pub fn signs_body(&self) -> bool {
        self.scheme.algorithm != Algorithm::Token
    }
}

/// Which keys a scheme with both HMAC and public-key items is built with.
#[derive(Clone, Copy, Debug)]
pub enum Keys {
    Secret,
    PublicKey,
    Both,
}

/// Returns the fixture of a preset, or `None` for one that hooksig cannot sign (its
/// signature goes in the body).
pub fn fixture(name: &str, seed: &[u8], keys: Keys) -> Option<Fixture> {
    let scheme = Scheme::preset(name).unwrap();
    if scheme.body_fields.contains_key("signature") {
        return None;
    }
    let mut signer = Config::preset(name).unwrap();
    let mut verifier = Config::preset(name).unwrap();
    let asym = scheme
        .asymmetric
        .as_ref()
        .map(|a| (a.algorithm, a.key_encoding))
        .or_else(|| {
            scheme
                .algorithm
                .is_asymmetric()
                .then_some((scheme.algorithm, scheme.key_encoding))
        });
    let shared = !scheme.algorithm.is_asymmetric();
    let use_secret = shared && (asym.is_none() || !matches!(keys, Keys::PublicKey));
    let use_key = asym.is_some() && (!shared || !matches!(keys, Keys::Secret));
    if use_secret {
        let secret = secret_for(&scheme, seed);
        signer = signer.secret(&secret);
        verifier = verifier.secret(&secret);
    }
    if let (true, Some((algorithm, encoding))) = (use_key, asym) {
        let (private, public) = key_pair(algorithm, encoding, seed);
        signer = signer.private_key(private);
        verifier = verifier.public_key(public);
    }
    Some(Fixture {
        signer,
        verifier,
        scheme,
    })
}

/// A secret in the form the scheme's secret encoding reads.
pub fn secret_for(scheme: &Scheme, seed: &[u8]) -> String {
    if scheme.algorithm == Algorithm::Token {
        return base16ct::lower::encode_string(seed);
    }
    match scheme.secret_encoding {
        SecretEncoding::Utf8 => format!("s{}", base16ct::lower::encode_string(seed)),
        SecretEncoding::Base64 => Base64::encode_string(seed),
        SecretEncoding::Whsec => format!("whsec_{}", Base64::encode_string(seed)),
    }
}

/// A private key (as `Config::private_key` reads it) and the matching public key in the
/// scheme's key encoding.
pub fn key_pair(
    algorithm: Algorithm,
    encoding: Option<KeyEncoding>,
    seed: &[u8],
) -> (String, String) {
    match algorithm {
        Algorithm::Ed25519 => {
            let secret: [u8; 32] = Sha512::digest(seed)[..32].try_into().unwrap();
            let public = ed25519_dalek::SigningKey::from_bytes(&secret)
                .verifying_key()
                .to_bytes();
            let public = match encoding {
                Some(KeyEncoding::Whpk) => format!("whpk_{}", Base64::encode_string(&public)),
                Some(KeyEncoding::Base64) => Base64::encode_string(&public),
                _ => base16ct::lower::encode_string(&public),
            };
            (base16ct::lower::encode_string(&secret), public)
        }
        Algorithm::EcdsaP256Sha256 => {
            let mut scalar: [u8; 32] = Sha256::digest(seed).into();
            scalar[0] &= 0x7f; // below the group order
            let key = p256::ecdsa::SigningKey::from_slice(&scalar).unwrap();
            let point = key.verifying_key().to_sec1_point(false);
            let mut spki = hex_bytes("3059301306072a8648ce3d020106082a8648ce3d030107034200");
            spki.extend_from_slice(point.as_bytes());
            (
                base16ct::lower::encode_string(&scalar),
                Base64::encode_string(&spki),
            )
        }
        _ => unreachable!("not a public-key algorithm"),
    }
}

fn hex_bytes(text: &str) -> Vec<u8> {
    base16ct::mixed::decode_vec(text).unwrap()
}
