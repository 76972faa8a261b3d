//! Verifying allocates nothing: every path, success and each error, under a counting allocator.
#![allow(unsafe_code)] // A counting global allocator is the only way to observe allocations.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

mod common;

use common::{Keys, fixture};
use hooksig::{Config, Signer, Verifier};

/// Counts allocations made on a thread while that thread has counting switched on.
struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    // Per thread, like the switch: tests run in parallel, each on its own thread.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            ALLOCATIONS.with(|n| n.set(n.get() + 1));
        }
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with this layout (see `alloc`).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            ALLOCATIONS.with(|n| n.set(n.get() + 1));
        }
        // SAFETY: as for `dealloc`; the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Returns how many allocations `f` made on this thread.
fn allocations<T>(f: impl FnOnce() -> T) -> usize {
    ALLOCATIONS.with(|n| n.set(0));
    COUNTING.with(|c| c.set(true));
    let out = f();
    COUNTING.with(|c| c.set(false));
    drop(out);
    ALLOCATIONS.with(Cell::get)
}

const NOW: u64 = 1_700_000_000;

/// What verify may allocate for a scheme: nothing, except to sort Twilio's form params
/// (`{form}`), to parse a JSON body for its fields (`body_fields`), and for ECDSA the
/// message in one piece (ring verifies it whole). SECURITY.md says why.
fn may_allocate(scheme: &hooksig::Scheme) -> bool {
    scheme.message.contains("{form}")
        || !scheme.body_fields.is_empty()
        || scheme.algorithm == hooksig::Algorithm::EcdsaP256Sha256
}

#[test]
fn verify_allocates_nothing_on_any_path() {
    let raw = vec![b'x'; 100_000];
    let mut checked = 0;
    for preset in hooksig::PRESETS {
        for keys in [Keys::Secret, Keys::PublicKey, Keys::Both] {
            let Some(f) = fixture(preset.name, b"seed", keys) else {
                continue;
            };
            if may_allocate(&f.scheme) {
                continue;
            }
            let context = f.context(NOW);
            let body = f.body(&raw, NOW);
            let verifier = Verifier::new(&f.verifier).unwrap();
            let good = Signer::new(&f.signer)
                .unwrap()
                .sign_with(&body, None, &context)
                .unwrap();
            let mut tampered = body.clone();
            tampered[5] ^= 1;
            let empty: [(&str, &str); 0] = [];
            let garbage: Vec<(String, String)> = good
                .iter()
                .map(|(n, _)| (n.to_uppercase(), "t=x;v1=zz, garbage ".repeat(20)))
                .collect();

            let ok = allocations(|| verifier.verify_with(&body, &good, &context).unwrap());
            let mismatch = allocations(|| verifier.verify_with(&tampered, &good, &context));
            let missing =
                allocations(|| verifier.verify_with(&body, &empty, &context).unwrap_err());
            let invalid =
                allocations(|| verifier.verify_with(&body, &garbage, &context).unwrap_err());
            assert_eq!(
                (ok, mismatch, missing, invalid),
                (0, 0, 0, 0),
                "{} ({keys:?}): allocations on (ok, mismatch, missing, invalid)",
                preset.name
            );
            if verifier.tolerance().is_some() {
                let later = f.context(NOW + 10_000);
                let old = allocations(|| verifier.verify_with(&body, &good, &later).unwrap_err());
                assert_eq!(old, 0, "{}: allocations on an old timestamp", preset.name);
            }
            checked += 1;
        }
    }
    assert!(
        checked > 50,
        "only {checked} preset and key combinations were checked"
    );
}

#[test]
fn the_counter_sees_allocations() {
    // Guards the test above against a counter that never counts.
    assert!(allocations(|| vec![1u8; 10]) >= 1);
    let config = Config::preset("github").unwrap().secret("s");
    assert!(allocations(|| Verifier::new(&config).unwrap()) >= 1);
}
