//! Header parsing and verify for every preset, on arbitrary requests: never a panic,
//! never a configuration error, never a success by chance.
//!
//! Input: byte 0 picks the preset; then header lines `name: value` separated by `\n`,
//! an empty line, and the body (the framing `fuzz/seed.py` writes from the vectors).
#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::OnceLock;

use hooksig::Verifier;
use libfuzzer_sys::fuzz_target;

fn verifiers() -> &'static [Verifier] {
    static ALL: OnceLock<Vec<Verifier>> = OnceLock::new();
    ALL.get_or_init(|| {
        hooksig::PRESETS
            .iter()
            .map(|p| Verifier::new(&common::configs(p.name, b"secret").0).unwrap())
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let verifier = &verifiers()[usize::from(pick) % verifiers().len()];
    let (head, body) = match rest.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&rest[..i], &rest[i + 2..]),
        None => (rest, &[][..]),
    };
    let headers: Vec<(&[u8], &[u8])> = head
        .split(|&b| b == b'\n')
        .map(|line| match line.iter().position(|&b| b == b':') {
            Some(i) => (&line[..i], &line[i + 1..]),
            None => (line, &[][..]),
        })
        .collect();
    for now in [1_700_000_000, 0, u64::MAX] {
        if let Err(e) = verifier.verify_with(body, &headers, &common::context(now)) {
            assert!(
                e.is_verification(),
                "verify gave a configuration error: {e}"
            );
            let _ = e.to_string();
        }
    }
});
