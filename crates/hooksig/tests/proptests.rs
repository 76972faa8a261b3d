//! Properties over random input: sign-then-verify round-trips for every preset and every
//! kind of key, any flipped bit of the body or the signature fails, and verify never panics.

mod common;

use base64ct::{Base64, Base64UrlUnpadded, Encoding as _};
use common::{Fixture, Keys, fixture};
use hooksig::{Algorithm, Encoding, Scheme, Signer, Verifier};
use proptest::prelude::*;

fn preset_names() -> impl Strategy<Value = &'static str> {
    prop::sample::select(hooksig::PRESETS.iter().map(|p| p.name).collect::<Vec<_>>())
}

fn keys() -> impl Strategy<Value = Keys> {
    prop_oneof![Just(Keys::Secret), Just(Keys::PublicKey), Just(Keys::Both)]
}

/// The fixture with a business id for Sigma, whose message then signs it instead of the body.
fn build(name: &str, seed: &[u8], keys: Keys, business_id: Option<&str>) -> Option<Fixture> {
    let mut f = fixture(name, seed, keys)?;
    if let Some(id) = business_id {
        f.signer = f.signer.param("business_id", id);
        f.verifier = f.verifier.param("business_id", id);
    }
    Some(f)
}

/// Returns the header pairs with one bit of the first (decoded) signature flipped.
fn flip_signature_bit(
    scheme: &Scheme,
    headers: &[(String, String)],
    bit: usize,
) -> Vec<(String, String)> {
    let mut out = headers.to_vec();
    let name = scheme.signature_header_names().next().unwrap();
    let value = &mut out
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .unwrap()
        .1;
    // The first item only: after the field key or the prefix, up to the separator.
    let (start, encoding) = match (&scheme.fields, &scheme.prefix) {
        (Some(f), _) => (
            value.rfind(&format!("{}=", f.signature)).unwrap() + f.signature.len() + 1,
            scheme.encoding,
        ),
        (None, Some(prefix)) => (prefix.len(), scheme.encoding),
        (None, None) => (0, scheme.encoding),
    };
    let end = scheme
        .separator
        .as_deref()
        .and_then(|s| value[start..].find(s).map(|i| start + i))
        .unwrap_or(value.len());
    let encoded = &value[start..end];
    let mut mac = match encoding {
        Encoding::Hex => base16ct::mixed::decode_vec(encoded).unwrap(),
        Encoding::Base64 => Base64::decode_vec(encoded).unwrap(),
        Encoding::Base64url => Base64UrlUnpadded::decode_vec(encoded).unwrap(),
    };
    let bit = bit % (mac.len() * 8);
    mac[bit / 8] ^= 1 << (bit % 8);
    let reencoded = match encoding {
        Encoding::Hex => base16ct::lower::encode_string(&mac),
        Encoding::Base64 => Base64::encode_string(&mac),
        _ => Base64UrlUnpadded::encode_string(&mac),
    };
    value.replace_range(start..end, &reencoded);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn sign_then_verify_round_trips(
        name in preset_names(),
        keys in keys(),
        body in prop::collection::vec(any::<u8>(), 0..2048),
        seed in prop::collection::vec(any::<u8>(), 1..64),
        timestamp in 0u64..4_000_000_000,
        id in "[a-zA-Z0-9_]{1,40}",
        business_id in prop::option::of("[a-z0-9_]{1,20}"),
    ) {
        let Some(f) = build(name, &seed, keys, business_id.as_deref()) else { return Ok(()) };
        let context = f.context(timestamp);
        let body = f.body(&body, timestamp);
        let headers = Signer::new(&f.signer).unwrap().sign_with(&body, Some(&id), &context).unwrap();
        let verifier = Verifier::new(&f.verifier).unwrap();
        let verified = verifier.verify_with(&body, &headers, &context).unwrap();
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
        keys in keys(),
        body in "[a-zA-Z0-9 {}:\"]{1,1024}",
        seed in prop::collection::vec(any::<u8>(), 1..64),
        bit in any::<usize>(),
    ) {
        let Some(f) = build(name, &seed, keys, None) else { return Ok(()) };
        let context = f.context(1_700_000_000);
        let body = f.body(body.as_bytes(), 1_700_000_000);
        let headers = Signer::new(&f.signer).unwrap().sign_with(&body, None, &context).unwrap();
        let verifier = Verifier::new(&f.verifier).unwrap();

        if f.signs_body() {
            let mut tampered = body.clone();
            let at = bit % (body.len() * 8);
            tampered[at / 8] ^= 1 << (at % 8);
            let err = verifier.verify_with(&tampered, &headers, &context).unwrap_err();
            if f.scheme.body_fields.is_empty() {
                prop_assert_eq!(err.code(), "signature_mismatch");
            } else {
                // A tampered body may no longer be JSON, or lose the field it carries.
                prop_assert!(err.is_verification(), "{err}");
            }
        }
        // A scheme with both kinds of items verifies through the other kind: flip only
        // the one there is.
        let one_kind = f.scheme.asymmetric.is_none() || matches!(keys, Keys::Secret);
        if f.scheme.algorithm != Algorithm::Token && one_kind {
            let flipped = flip_signature_bit(&f.scheme, &headers, bit);
            let err = verifier.verify_with(&body, &flipped, &context).unwrap_err();
            prop_assert_eq!(err.code(), "signature_mismatch");
        }
    }

    #[test]
    fn verify_never_panics(
        name in preset_names(),
        body in prop::collection::vec(any::<u8>(), 0..256),
        // Real header names of the scheme in random case, and random ones, with random bytes.
        headers in prop::collection::vec(
            (prop_oneof![
                Just(0usize), Just(1usize), Just(2usize), Just(3usize)
            ], any::<bool>(), prop::collection::vec(any::<u8>(), 0..20),
            prop::collection::vec(any::<u8>(), 0..80)),
            0..6,
        ),
        now in any::<u64>(),
        tolerance in prop::option::of(any::<u64>()),
    ) {
        let Some(f) = fixture(name, b"secret", Keys::Both) else { return Ok(()) };
        let verifier = Verifier::new(&f.verifier.clone().tolerance(tolerance)).unwrap();
        let scheme = verifier.scheme();
        let pairs: Vec<(Vec<u8>, Vec<u8>)> = headers
            .into_iter()
            .map(|(which, upper, name, value)| {
                let known = match which {
                    0 => scheme.signature_header_names().next().map(str::to_owned),
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
        let context = f.context(now);
        match verifier.verify_with(&body, &pairs, &context) {
            Ok(_) => prop_assert!(false, "random bytes verified"),
            Err(e) => prop_assert!(e.is_verification(), "{e}"),
        }
    }

    #[test]
    fn scheme_json_never_panics(json in "\\PC{0,200}") {
        let _ = Scheme::from_json(&json);
    }
}
