//! Verify for a timestamped hex preset (`noyo`), beside the same HMAC computed by
//! OpenSSL the way a handler computes it: a fresh HMAC per request.
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

criterion_group!(benches, bench);
criterion_main!(benches);
