//! Keys and request context for any preset, shared by the fuzz targets.

use hooksig::{Algorithm, Config, Context, Scheme, SecretEncoding};

/// The URL and method URL-signed presets get.
pub const URL: &str = "https://example.com/webhooks/in?x=1";

/// RFC 8032 TEST 1, and a P-256 key made with openssl (public key as base64 SPKI).
pub const ED25519_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
pub const ED25519_PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
pub const P256_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgXgBHtRa9xMYWxIBb
utB30ItgpZ/sB9LjPQImidUp6eChRANCAATiHnzxKri9fY2765PdxmTvCSQQR4os
C41szMyYMmPvrnztWzAwPXd98wOFQK3uP03QTlCagrezpvjy6WjtxyzA
-----END PRIVATE KEY-----
";
pub const P256_PUBLIC: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE4h588Sq4vX2Nu+uT3cZk7wkkEEeKLAuNbMzMmDJj76587VswMD13ffMDhUCt7j9N0E5QmoK3s6b48ulo7ccswA==";

/// The context every target verifies in: a time, the URL, POST.
pub fn context(now: u64) -> Context<'static> {
    Context::new().now(now).url(URL).method("POST")
}

/// A secret in the form the scheme reads, from raw bytes.
pub fn secret_for(scheme: &Scheme, raw: &[u8]) -> Vec<u8> {
    if scheme.algorithm == Algorithm::Token {
        return hex(raw).into_bytes();
    }
    match scheme.secret_encoding {
        SecretEncoding::Utf8 => raw.to_vec(),
        SecretEncoding::Base64 => base64(raw).into_bytes(),
        SecretEncoding::Whsec => format!("whsec_{}", base64(raw)).into_bytes(),
    }
}

/// The verifier's and the signer's configs of a preset: a secret for shared-secret
/// schemes, the fixed key pair for public-key ones.
pub fn configs(preset: &str, secret: &[u8]) -> (Config, Config) {
    let scheme = Scheme::preset(preset).unwrap();
    let (verify, sign) = (Config::new(scheme.clone()), Config::new(scheme.clone()));
    match scheme.algorithm {
        Algorithm::Ed25519 => (
            verify.public_key(ED25519_PUBLIC),
            sign.private_key(ED25519_SEED),
        ),
        Algorithm::EcdsaP256Sha256 => (
            verify.public_key(P256_PUBLIC),
            sign.private_key(P256_PRIVATE),
        ),
        _ => {
            let secret = secret_for(&scheme, secret);
            (verify.secret(&secret), sign.secret(&secret))
        }
    }
}

/// The body to send: `raw`, or for a scheme that reads its timestamp from the JSON body,
/// a JSON document carrying it. (Used by `roundtrip` only; every target compiles this file.)
#[allow(dead_code)]
pub fn body(scheme: &Scheme, raw: &[u8], timestamp: u64) -> Vec<u8> {
    match scheme.body_fields.get("timestamp") {
        Some(path) => format!(
            r#"{{"{path}":{},"d":"{}"}}"#,
            timestamp.saturating_mul(1000),
            hex(raw)
        )
        .into_bytes(),
        None => raw.to_vec(),
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, &b| n << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
