//! Constant-time evidence, the dudect way: time `verify` with signatures that differ
//! from the expected MAC in the first byte, in the last byte, or everywhere (random),
//! interleaved at random, and compare the classes with Welch's t-test.
//!
//! `make ct` runs 10^6 measurements per class and encoding; |t| < 4.5 means no timing
//! difference was detected. Under `cargo test` (no `--bench`) it only runs a smoke pass.

use std::hint::black_box;
use std::time::Instant;

use hooksig::{Config, Encoding, Scheme, Signer, Verifier};

const BODY: &[u8] = b"{\"event_type\":\"payment.succeeded\",\"amount\":4200}";

/// A small xorshift generator: no dependency, good enough to interleave classes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Running mean and variance (Welford) of one class.
#[derive(Default)]
struct Stats {
    n: f64,
    mean: f64,
    m2: f64,
}

impl Stats {
    fn push(&mut self, x: f64) {
        self.n += 1.0;
        let d = x - self.mean;
        self.mean += d / self.n;
        self.m2 += d * (x - self.mean);
    }

    fn var(&self) -> f64 {
        self.m2 / (self.n - 1.0)
    }
}

fn welch(a: &Stats, b: &Stats) -> f64 {
    (a.mean - b.mean) / (a.var() / a.n + b.var() / b.n).sqrt()
}

fn encode(encoding: Encoding, mac: &[u8]) -> String {
    // Sign a scheme whose "MAC" we control is not possible, so encode directly.
    use base64ct::{Base64, Base64UrlUnpadded, Encoding as _};
    match encoding {
        Encoding::Hex => base16ct::lower::encode_string(mac),
        Encoding::Base64 => Base64::encode_string(mac),
        Encoding::Base64url => Base64UrlUnpadded::encode_string(mac),
    }
}

fn decode(encoding: Encoding, text: &str) -> Vec<u8> {
    use base64ct::{Base64, Base64UrlUnpadded, Encoding as _};
    match encoding {
        Encoding::Hex => base16ct::mixed::decode_vec(text).unwrap(),
        Encoding::Base64 => Base64::decode_vec(text).unwrap(),
        Encoding::Base64url => Base64UrlUnpadded::decode_vec(text).unwrap(),
    }
}

fn run(encoding: Encoding, per_class: usize, rng: &mut Rng) -> (f64, f64, f64) {
    let mut scheme = Scheme::new("x-signature");
    scheme.encoding = encoding;
    let config = Config::new(scheme).secret("constant-time-secret");
    let verifier = Verifier::new(&config).unwrap();
    let signed = Signer::new(&config)
        .unwrap()
        .sign(BODY, None, None)
        .unwrap();
    let expected = decode(encoding, &signed[0].1);

    let mut first = expected.clone();
    first[0] ^= 0x01;
    let mut last = expected.clone();
    *last.last_mut().unwrap() ^= 0x01;
    let fixed = [encode(encoding, &first), encode(encoding, &last)];
    let randoms: Vec<String> = (0..1024)
        .map(|_| {
            let mac: Vec<u8> = (0..expected.len()).map(|_| rng.next() as u8).collect();
            encode(encoding, &mac)
        })
        .collect();

    let mut stats = [Stats::default(), Stats::default(), Stats::default()];
    let mut headers = [("x-signature", String::new())];
    let total = per_class * 3;
    let mut samples = Vec::with_capacity(total);
    for i in 0..total {
        let class = (rng.next() % 3) as usize;
        headers[0].1.clone_from(match class {
            0 | 1 => &fixed[class],
            _ => &randoms[i % randoms.len()],
        });
        let start = Instant::now();
        let result = verifier.verify(black_box(BODY), black_box(&headers));
        let elapsed = start.elapsed().as_nanos() as f64;
        assert!(result.is_err());
        samples.push((class, elapsed));
    }
    // dudect crops the slow tail (interrupts, migrations): keep measurements under the 90th percentile.
    let mut times: Vec<f64> = samples.iter().map(|s| s.1).collect();
    times.sort_by(f64::total_cmp);
    let cut = times[times.len() * 9 / 10];
    for (class, t) in samples {
        if t <= cut {
            stats[class].push(t);
        }
    }
    (
        welch(&stats[0], &stats[1]),
        welch(&stats[0], &stats[2]),
        welch(&stats[1], &stats[2]),
    )
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let per_class = if full { 1_000_000 } else { 2_000 };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    println!("Welch t over verify timings, {per_class} measurements per class (cropped at p90)");
    println!(
        "{:<10} {:>14} {:>14} {:>14}",
        "encoding", "first/last", "first/random", "last/random"
    );
    let mut worst: f64 = 0.0;
    for encoding in [Encoding::Hex, Encoding::Base64, Encoding::Base64url] {
        let (a, b, c) = run(encoding, per_class, &mut rng);
        worst = worst.max(a.abs()).max(b.abs()).max(c.abs());
        println!(
            "{:<10} {a:>14.2} {b:>14.2} {c:>14.2}",
            format!("{encoding:?}").to_lowercase()
        );
    }
    println!("max |t| = {worst:.2} (bar: < 4.5)");
}
