//! The parsers of schemes v2 on arbitrary input: public and private keys, DER and raw
//! ECDSA signatures, RFC 3339 timestamps, Twilio's form bodies and URL port forms, JSON
//! body fields, Box's escaped body. Never a panic; keys give `invalid_key` or a working
//! key; requests give a verification error, never a configuration one or a success.
//!
//! Input: byte 0 picks the parser; the rest is split at the first `\n` into a header value
//! (or URL) and a body.
#![no_main]

#[path = "common.rs"]
mod common;

use hooksig::{Config, Signer, Verifier};
use libfuzzer_sys::fuzz_target;

/// A verification that must fail, with a verification code.
fn refused(preset: &str, body: &[u8], headers: &[(&str, &[u8])], url: &[u8]) {
    let config = common::configs(preset, b"secret").0;
    let verifier = Verifier::new(&config).unwrap();
    let mut context = common::context(1_700_000_000);
    context.url = Some(url);
    match verifier.verify_with(body, headers, &context) {
        Ok(v) => panic!("{preset}: arbitrary input verified: {v:?}"),
        Err(e) => assert!(e.is_verification(), "{preset}: {e}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let (line, body) = match rest.iter().position(|&b| b == b'\n') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    match pick % 8 {
        // A public key for each public-key algorithm and key form.
        0 => {
            for preset in ["discord", "sendgrid", "standard-webhooks"] {
                let config = Config::preset(preset).unwrap().public_key(rest);
                if let Err(e) = Verifier::new(&config) {
                    assert_eq!(e.code(), "invalid_key", "{preset}: {e}");
                }
            }
        }
        // A private key: a working signer, or invalid_key.
        1 => {
            for preset in ["discord", "sendgrid", "svix"] {
                let config = Config::preset(preset).unwrap().private_key(rest);
                match Signer::new(&config) {
                    Ok(signer) => {
                        signer.sign_with(b"{}", None, &common::context(1)).unwrap();
                    }
                    Err(e) => assert_eq!(e.code(), "invalid_key", "{preset}: {e}"),
                }
            }
        }
        // An ECDSA signature, as sent and as base64 of arbitrary bytes (DER parsing).
        2 => {
            let ts = b"1700000000";
            for sig in [line.to_vec(), common::base64(line).into_bytes()] {
                let headers = [
                    ("X-Twilio-Email-Event-Webhook-Signature", &sig[..]),
                    ("X-Twilio-Email-Event-Webhook-Timestamp", &ts[..]),
                ];
                refused("sendgrid", body, &headers, b"");
            }
        }
        // An RFC 3339 timestamp (Box, Twitch) with a body Box may escape.
        3 => {
            let headers = [
                ("box-delivery-timestamp", line),
                ("box-delivery-id", &b"1"[..]),
                ("box-signature-primary", &b"AAAA"[..]),
                ("box-signature-version", &b"1"[..]),
                ("box-signature-algorithm", &b"HmacSHA256"[..]),
            ];
            refused("box", body, &headers, b"");
        }
        // A Twilio form body under an arbitrary URL (bodySHA256, ports, percent-escapes).
        4 => refused(
            "twilio",
            body,
            &[("X-Twilio-Signature", &b"AAAA"[..])],
            line,
        ),
        // Mailgun's fields in an arbitrary body.
        5 => refused("mailgun", rest, &[], b""),
        // Linear's timestamp in an arbitrary body.
        6 => refused("linear", rest, &[("Linear-Signature", &b"00"[..])], b""),
        // HubSpot: the method and URL signed, a millisecond timestamp.
        _ => {
            let headers = [
                ("X-HubSpot-Signature-v3", &b"AAAA"[..]),
                ("X-HubSpot-Request-Timestamp", line),
            ];
            refused("hubspot", body, &headers, line);
        }
    }
});
