//! Verify for a timestamped hex preset (`noyo`), beside the same HMAC computed by
//! OpenSSL the way a handler computes it: a fresh HMAC per request; and the public-key
//! presets (`discord`: Ed25519, `sendgrid`: ECDSA P-256) beside OpenSSL's verify with a
//! key parsed once.
//!
//! `make bench-rust`; the figures and the machine are in `bench/README.md`.

#![allow(missing_docs)] // criterion_group! generates undocumented items.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hooksig::{Config, Signer, Verifier};
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;

const SECRET: &str = "noyo-bench-secret-0123456789abcdef";
const NOW: u64 = 1_700_000_000;
const SIZES: [usize; 4] = [0, 1 << 10, 16 << 10, 1 << 20];

fn label(size: usize) -> String {
    match size {
        0 => "0B".into(),
        s if s >= 1 << 20 => format!("{}MiB", s >> 20),
        s => format!("{}KiB", s >> 10),
    }
}

/// What a provider-docs handler does: HMAC from scratch, hex-decode, constant-time compare.
fn openssl_verify(body: &[u8], timestamp: &str, signature: &str) -> bool {
    let key = PKey::hmac(SECRET.as_bytes()).unwrap();
    let mut signer = openssl::sign::Signer::new(MessageDigest::sha256(), &key).unwrap();
    signer.update(timestamp.as_bytes()).unwrap();
    signer.update(b".").unwrap();
    signer.update(body).unwrap();
    let mac = signer.sign_to_vec().unwrap();
    let Ok(given) = base16ct::mixed::decode_vec(signature) else {
        return false;
    };
    given.len() == mac.len() && openssl::memcmp::eq(&given, &mac)
}

fn bench(c: &mut Criterion) {
    let config = Config::preset("noyo").unwrap().secret(SECRET);
    let verifier = Verifier::new(&config).unwrap();
    let signer = Signer::new(&config).unwrap();

    let mut group = c.benchmark_group("verify noyo");
    for size in SIZES {
        let body: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let headers = signer.sign(&body, Some(NOW), None).unwrap();
        let timestamp = headers[0].1.clone();
        let signature = headers[1].1.clone();
        assert!(verifier.verify_at(&body, &headers, NOW).is_ok());
        assert!(openssl_verify(&body, &timestamp, &signature));

        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(
            BenchmarkId::new("hooksig", label(size)),
            &body,
            |b, body| b.iter(|| verifier.verify_at(black_box(body), black_box(&headers), NOW)),
        );
        group.bench_with_input(
            BenchmarkId::new("openssl", label(size)),
            &body,
            |b, body| b.iter(|| openssl_verify(black_box(body), &timestamp, &signature)),
        );
    }
    group.finish();
}

/// RFC 8032 TEST 1, and a P-256 key made with openssl for the benchmark.
const ED25519_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const ED25519_PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const P256_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgXgBHtRa9xMYWxIBb
utB30ItgpZ/sB9LjPQImidUp6eChRANCAATiHnzxKri9fY2765PdxmTvCSQQR4os
C41szMyYMmPvrnztWzAwPXd98wOFQK3uP03QTlCagrezpvjy6WjtxyzA
-----END PRIVATE KEY-----
";
const P256_PUBLIC: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE4h588Sq4vX2Nu+uT3cZk7wkkEEeKLAuNbMzMmDJj76587VswMD13ffMDhUCt7j9N0E5QmoK3s6b48ulo7ccswA==";

/// What a snippet does with a key parsed at startup: decode the signature, join the
/// signed bytes, verify with OpenSSL.
fn openssl_public_verify(
    key: &PKey<openssl::pkey::Public>,
    ed25519: bool,
    message: &[u8],
    signature: &[u8],
) -> bool {
    let mut verifier = if ed25519 {
        openssl::sign::Verifier::new_without_digest(key).unwrap()
    } else {
        openssl::sign::Verifier::new(MessageDigest::sha256(), key).unwrap()
    };
    verifier.verify_oneshot(signature, message).unwrap_or(false)
}

fn bench_public_keys(c: &mut Criterion) {
    use base64ct::{Base64, Encoding as _};
    for (preset, private, public) in [
        ("discord", ED25519_SEED, ED25519_PUBLIC),
        ("sendgrid", P256_PRIVATE, P256_PUBLIC),
    ] {
        let signer = Signer::new(&Config::preset(preset).unwrap().private_key(private)).unwrap();
        let verifier = Verifier::new(&Config::preset(preset).unwrap().public_key(public)).unwrap();
        let ed25519 = preset == "discord";
        let key = if ed25519 {
            PKey::public_key_from_raw_bytes(
                &base16ct::mixed::decode_vec(public).unwrap(),
                openssl::pkey::Id::ED25519,
            )
            .unwrap()
        } else {
            PKey::public_key_from_der(&Base64::decode_vec(public).unwrap()).unwrap()
        };
        let mut group = c.benchmark_group(format!("verify {preset}"));
        for size in [1 << 10, 1 << 20] {
            let body: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            let headers = signer.sign(&body, Some(NOW), None).unwrap();
            let (signature, timestamp) = (headers[1].1.clone(), headers[0].1.clone());
            assert!(verifier.verify_at(&body, &headers, NOW).is_ok());
            let decode = |s: &str| {
                if ed25519 {
                    base16ct::mixed::decode_vec(s).unwrap()
                } else {
                    Base64::decode_vec(s).unwrap()
                }
            };
            assert!(openssl_public_verify(
                &key,
                ed25519,
                &[timestamp.as_bytes(), &body].concat(),
                &decode(&signature)
            ));
            group.throughput(Throughput::Bytes(size as u64));
            group.bench_with_input(
                BenchmarkId::new("hooksig", label(size)),
                &body,
                |b, body| b.iter(|| verifier.verify_at(black_box(body), black_box(&headers), NOW)),
            );
            group.bench_with_input(
                BenchmarkId::new("openssl", label(size)),
                &body,
                |b, body| {
                    b.iter(|| {
                        let message = [timestamp.as_bytes(), body].concat();
                        openssl_public_verify(
                            &key,
                            ed25519,
                            &message,
                            &decode(black_box(&signature)),
                        )
                    })
                },
            );
        }
        group.finish();
    }
}

criterion_group!(benches, bench, bench_public_keys);
criterion_main!(benches);
