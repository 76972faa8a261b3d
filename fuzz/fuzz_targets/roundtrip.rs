//! Sign then verify, for every preset, any secret, body, timestamp and id: always succeeds,
//! and reports what was signed.
//!
//! Input: byte 0 picks the preset, bytes 1..9 the timestamp (little endian, cut to 18
//! digits), byte 9 the secret length; then the secret, then the body.
#![no_main]

use hooksig::{Config, Scheme, SecretEncoding, Signer, Verifier};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 10 {
        return;
    }
    let preset = hooksig::PRESETS[usize::from(data[0]) % hooksig::PRESETS.len()].name;
    let timestamp = u64::from_le_bytes(data[1..9].try_into().unwrap()) % 1_000_000_000_000_000_000;
    let secret_len = usize::from(data[9]).min(data.len() - 10);
    let (secret, body) = data[10..].split_at(secret_len);
    if secret.trim_ascii().is_empty() {
        return;
    }
    let scheme = Scheme::preset(preset).unwrap();
    let secret = match scheme.secret_encoding {
        SecretEncoding::Utf8 => secret.to_vec(),
        _ => {
            // whsec_ + standard base64 of the raw bytes.
            let mut text = b"whsec_".to_vec();
            text.extend(base64(secret).bytes());
            text
        }
    };
    let config = Config::new(scheme).secret(secret).tolerance(None);
    let headers = Signer::new(&config)
        .unwrap()
        .sign(body, Some(timestamp), Some("msg_fuzz"))
        .unwrap();
    let verifier = Verifier::new(&config).unwrap();
    let verified = match verifier.verify_at(body, &headers, timestamp) {
        Ok(v) => v,
        Err(e) => panic!("{preset}: round trip failed: {e}\n{headers:?}"),
    };
    assert_eq!(verified.secret_index, 0);
    if verifier.scheme().has_timestamp() {
        assert_eq!(verified.timestamp, Some(timestamp));
    }
    if verifier.scheme().id_header.is_some() {
        assert_eq!(verified.id_str(), Some("msg_fuzz"));
    }
});

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
