//! Replay protection: which key a verified delivery claims, for how long, and the
//! embedded store that remembers claims in one process.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

/// How long a claim lives when the scheme has no replay window, in seconds (24 hours).
pub const DEFAULT_REPLAY_TTL: u64 = 24 * 60 * 60;

/// How many keys a [`MemoryReplayStore`] holds by default.
pub const DEFAULT_MAX_KEYS: usize = 100_000;

/// Remembers which deliveries were claimed, in this process: bounded (the oldest claim
/// goes first when it is full), each claim forgotten after its time to live, and safe to
/// share between threads.
///
/// One process only: apps on several instances share a Redis store instead (each
/// language's own client, one `SET key 1 NX PX ttl` per claim).
///
/// ```
/// use hooksig::MemoryReplayStore;
///
/// let store = MemoryReplayStore::new(100_000);
/// assert!(store.claim("stripe:evt_1", 660));   // the first delivery is processed
/// assert!(!store.claim("stripe:evt_1", 660));  // a replay or a retry is not
/// store.release("stripe:evt_1");               // the handler failed: let the retry in
/// assert!(store.claim("stripe:evt_1", 660));
/// ```
#[derive(Debug)]
pub struct MemoryReplayStore {
    max_keys: usize,
    start: Instant,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Each claimed key: when it expires (milliseconds since `start`) and its claim number.
    keys: HashMap<Arc<str>, (u64, u64)>,
    /// Claims in the order they were made; an entry whose number no longer matches `keys`
    /// (released, or claimed again after expiring) is stale and skipped.
    order: VecDeque<(u64, Arc<str>)>,
    next: u64,
}

impl MemoryReplayStore {
    /// Makes a store holding at most `max_keys` claims (at least one).
    pub fn new(max_keys: usize) -> Self {
        MemoryReplayStore {
            max_keys: max_keys.max(1),
            start: Instant::now(),
            state: Mutex::new(State::default()),
        }
    }

    /// Claims `key` for `ttl` seconds: true the first time within that time, false while
    /// an earlier claim lives.
    pub fn claim(&self, key: &str, ttl: u64) -> bool {
        self.claim_at(key, ttl, self.now())
    }

    /// Forgets a claim, so that the provider's retry is processed (the handler failed).
    pub fn release(&self, key: &str) {
        self.lock().keys.remove(key);
    }

    /// Returns how many claims are held (expired ones may still count until evicted).
    pub fn len(&self) -> usize {
        self.lock().keys.len()
    }

    /// Returns true when no claim is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Returns the largest number of claims held.
    pub fn max_keys(&self) -> usize {
        self.max_keys
    }

    fn now(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the maps inconsistent in a way that
        // matters (at worst a stale order entry): carry on.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `claim` at a given time, in milliseconds since the store was made.
    fn claim_at(&self, key: &str, ttl: u64, now: u64) -> bool {
        let mut state = self.lock();
        if let Some(&(expires, _)) = state.keys.get(key)
            && expires > now
        {
            return false;
        }
        let number = state.next;
        state.next += 1;
        let key: Arc<str> = key.into();
        let expires = now.saturating_add(ttl.saturating_mul(1000));
        state.keys.insert(key.clone(), (expires, number));
        state.order.push_back((number, key));
        while state.keys.len() > self.max_keys {
            let Some((number, oldest)) = state.order.pop_front() else {
                break;
            };
            if state.keys.get(&oldest).is_some_and(|&(_, n)| n == number) {
                state.keys.remove(&oldest);
            }
        }
        // Released keys leave stale entries behind: drop them once they outnumber the rest.
        if state.order.len() > 2 * self.max_keys {
            let State { keys, order, .. } = &mut *state;
            order.retain(|(n, k)| keys.get(k).is_some_and(|&(_, m)| m == *n));
        }
        true
    }
}

/// The signature that matched, in a canonical form that names the delivery: the MAC, the
/// Ed25519 signature, or the ECDSA `r || s` with a low S (so that the malleable `n - s`
/// twin of a captured signature names the same delivery). Empty for a token scheme.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Matched {
    bytes: [u8; 64],
    len: u8,
}

impl Matched {
    pub(crate) const NONE: Matched = Matched {
        bytes: [0; 64],
        len: 0,
    };

    /// Keeps the first 64 bytes of a signature (all of every kind hooksig verifies).
    pub(crate) fn new(signature: &[u8]) -> Self {
        let len = signature.len().min(64);
        let mut bytes = [0; 64];
        bytes[..len].copy_from_slice(&signature[..len]);
        Matched {
            bytes,
            len: len as u8,
        }
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl core::fmt::Debug for Matched {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Matched({} bytes)", self.len)
    }
}

impl Default for MemoryReplayStore {
    fn default() -> Self {
        MemoryReplayStore::new(DEFAULT_MAX_KEYS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_lives_for_its_ttl() {
        let store = MemoryReplayStore::new(10);
        assert!(store.claim_at("a", 2, 0));
        assert!(!store.claim_at("a", 2, 1999));
        assert!(store.claim_at("a", 2, 2000));
    }

    #[test]
    fn the_oldest_claim_goes_when_full() {
        let store = MemoryReplayStore::new(3);
        for key in ["a", "b", "c", "d"] {
            assert!(store.claim_at(key, 60, 0));
        }
        assert_eq!(store.len(), 3);
        assert!(store.claim_at("a", 60, 1), "a was evicted");
        assert!(!store.claim_at("d", 60, 1));
    }

    #[test]
    fn released_keys_can_be_claimed_and_do_not_grow_the_order() {
        let store = MemoryReplayStore::new(4);
        for i in 0..1000 {
            let key = format!("k{}", i % 7);
            assert!(store.claim_at(&key, 60, i));
            store.release(&key);
        }
        let state = store.lock();
        assert!(state.keys.is_empty());
        assert!(state.order.len() <= 2 * 4 + 1, "{}", state.order.len());
    }

    #[test]
    fn threads_claim_each_key_once() {
        let store = Arc::new(MemoryReplayStore::new(100_000));
        let wins: usize = (0..8)
            .map(|_| {
                let store = Arc::clone(&store);
                std::thread::spawn(move || {
                    (0..1000)
                        .filter(|i| store.claim(&format!("k{i}"), 60))
                        .count()
                })
            })
            .map(|t| t.join().unwrap())
            .sum();
        assert_eq!(wins, 1000);
    }
}
