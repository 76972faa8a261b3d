//! Sign then verify, for every preset, any secret, body, timestamp and id: always succeeds,
//! and reports what was signed. Public-key presets sign with a fixed key pair.
//!
//! Input: byte 0 picks the preset, bytes 1..9 the timestamp (little endian, cut to 18
//! digits), byte 9 the secret length; then the secret, then the body.
#![no_main]

#[path = "common.rs"]
mod common;

use hooksig::{Scheme, Signer, Verifier};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 10 {
        return;
    }
    let preset = hooksig::PRESETS[usize::from(data[0]) % hooksig::PRESETS.len()].name;
    // A millisecond timestamp must fit 18 digits too.
    let timestamp = u64::from_le_bytes(data[1..9].try_into().unwrap()) % 1_000_000_000_000_000;
    let secret_len = usize::from(data[9]).min(data.len() - 10);
    let (secret, raw) = data[10..].split_at(secret_len);
    let scheme = Scheme::preset(preset).unwrap();
    let (verify, sign) = common::configs(preset, secret);
    // A secret the scheme refuses (empty, padded with spaces, an API key) is a
    // configuration error, which both sides report alike.
    let (Ok(signer), Ok(verifier)) = (
        Signer::new(&sign.tolerance(None)),
        Verifier::new(&verify.tolerance(None)),
    ) else {
        return;
    };
    // RFC 3339 stops at year 9999.
    let timestamp = timestamp % 253_402_300_800;
    let body = common::body(&scheme, raw, timestamp);
    let context = common::context(timestamp);
    let headers = signer.sign_with(&body, Some("msg_fuzz"), &context).unwrap();
    let verified = match verifier.verify_with(&body, &headers, &context) {
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
