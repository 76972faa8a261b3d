//! Properties over random input: sign-then-verify round-trips for every preset, any
//! flipped bit of the body or the signature fails, and verify never panics.

use base64ct::{Base64, Base64UrlUnpadded, Encoding as _};
use hooksig::{Config, Encoding, Scheme, Signer, Verifier};
use proptest::prelude::*;

fn preset_names() -> impl Strategy<Value = &'static str> {
    prop::sample::select(hooksig::PRESETS.iter().map(|p| p.name).collect::<Vec<_>>())
}

/// A secret the preset's secret encoding accepts: text, or `whsec_` + base64.
fn secret_for(scheme: &Scheme, raw: &[u8]) -> Vec<u8> {
    match scheme.secret_encoding {
        hooksig::SecretEncoding::Utf8 => raw.to_vec(),
        _ => format!("whsec_{}", Base64::encode_string(raw)).into_bytes(),
    }
}

fn config(name: &str, secret: &[u8], business_id: Option<&str>) -> Config {
    let scheme = Scheme::preset(name).unwrap();
    let mut config = Config::new(scheme.clone()).secret(secret_for(&scheme, secret));
    if let Some(id) = business_id {
        config = config.param("business_id", id);
    }
    config
}

/// Returns the header pairs with one bit of the (decoded) signature flipped.
fn flip_signature_bit(
    scheme: &Scheme,
    headers: &[(String, String)],
    bit: usize,
) -> Vec<(String, String)> {
    let mut out = headers.to_vec();
    let value = &mut out
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case(&scheme.signature_header))
        .unwrap()
        .1;
    // The encoded signature is the text after the last `=` of a fields header or after the prefix.
    let start = match (&scheme.fields, &scheme.prefix) {
        (Some(f), _) => value.rfind(&format!("{}=", f.signature)).unwrap() + f.signature.len() + 1,
        (None, Some(prefix)) => prefix.len(),
        (None, None) => 0,
    };
    let encoded = &value[start..];
    let mut mac = match scheme.encoding {
        Encoding::Hex => base16ct::mixed::decode_vec(encoded).unwrap(),
        Encoding::Base64 => Base64::decode_vec(encoded).unwrap(),
        Encoding::Base64url => Base64UrlUnpadded::decode_vec(encoded).unwrap(),
    };
    let bit = bit % (mac.len() * 8);
    mac[bit / 8] ^= 1 << (bit % 8);
    let reencoded = match scheme.encoding {
        Encoding::Hex => base16ct::lower::encode_string(&mac),
        Encoding::Base64 => Base64::encode_string(&mac),
        _ => Base64UrlUnpadded::encode_string(&mac),
    };
    value.replace_range(start.., &reencoded);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn sign_then_verify_round_trips(
        name in preset_names(),
        body in prop::collection::vec(any::<u8>(), 0..2048),
        secret in prop::collection::vec(33u8..=255, 1..64),
        timestamp in 0u64..4_000_000_000,
        id in "[a-zA-Z0-9_]{1,40}",
        business_id in prop::option::of("[a-z0-9_]{1,20}"),
    ) {
        let config = config(name, &secret, business_id.as_deref());
        let headers = Signer::new(&config).unwrap().sign(&body, Some(timestamp), Some(&id)).unwrap();
        let verifier = Verifier::new(&config).unwrap();
        let verified = verifier.verify_at(&body, &headers, timestamp).unwrap();
        prop_assert_eq!(verified.secret_index, 0);
        if verifier.scheme().has_timestamp() {
            prop_assert_eq!(verified.timestamp, Some(timestamp));
        }
        if verifier.scheme().id_header.is_some() {
            prop_assert_eq!(verified.id_str(), Some(id.as_str()));
        }
    }

    #[test]
    fn any_flipped_bit_fails(
        name in preset_names(),
        body in prop::collection::vec(any::<u8>(), 1..1024),
        secret in prop::collection::vec(33u8..=255, 1..64),
        bit in any::<usize>(),
    ) {
        let config = config(name, &secret, None);
        let headers = Signer::new(&config).unwrap().sign(&body, Some(1_700_000_000), None).unwrap();
        let verifier = Verifier::new(&config).unwrap();

        let mut tampered = body.clone();
        let at = bit % (body.len() * 8);
        tampered[at / 8] ^= 1 << (at % 8);
        let err = verifier.verify_at(&tampered, &headers, 1_700_000_000).unwrap_err();
        prop_assert_eq!(err.code(), "signature_mismatch");

        let flipped = flip_signature_bit(verifier.scheme(), &headers, bit);
        let err = verifier.verify_at(&body, &flipped, 1_700_000_000).unwrap_err();
        prop_assert_eq!(err.code(), "signature_mismatch");
    }

    #[test]
    fn verify_never_panics(
        name in preset_names(),
        body in prop::collection::vec(any::<u8>(), 0..256),
        // Real header names of the scheme in random case, and random ones, with random bytes.
        headers in prop::collection::vec(
            (prop_oneof![
                Just(0usize), Just(1usize), Just(2usize), Just(3usize)
            ], any::<bool>(), prop::collection::vec(any::<u8>(), 0..24), prop::collection::vec(any::<u8>(), 0..200)),
            0..6,
        ),
        now in any::<u64>(),
        tolerance in prop::option::of(any::<u64>()),
    ) {
        let verifier = Verifier::new(&config(name, b"secret", None).tolerance(tolerance)).unwrap();
        let scheme = verifier.scheme();
        let pairs: Vec<(Vec<u8>, Vec<u8>)> = headers
            .into_iter()
            .map(|(which, upper, name, value)| {
                let known = match which {
                    0 => Some(scheme.signature_header.clone()),
                    1 => scheme.timestamp_header.clone(),
                    2 => scheme.id_header.clone(),
                    _ => None,
                };
                let name = match known {
                    Some(n) if upper => n.to_uppercase().into_bytes(),
                    Some(n) => n.into_bytes(),
                    None => name,
                };
                (name, value)
            })
            .collect();
        match verifier.verify_at(&body, &pairs, now) {
            Ok(_) => prop_assert!(false, "random bytes verified"),
            Err(e) => prop_assert!(e.is_verification(), "{e}"),
        }
    }

    #[test]
    fn scheme_json_never_panics(json in "\\PC{0,200}") {
        let _ = Scheme::from_json(&json);
    }
}
