//! `NativeMemoryReplayStore`: the core's replay store, for one process (wrapped by
//! `MemoryReplayStore` in node/replay.js, which checks the arguments first).

use napi::bindgen_prelude::{BigInt, Either};
use napi_derive::napi;

use crate::seconds;

/// Remembers claimed deliveries in this process: bounded, each claim forgotten after its
/// time to live.
#[napi]
pub struct NativeMemoryReplayStore {
    inner: hooksig::MemoryReplayStore,
}

#[napi]
impl NativeMemoryReplayStore {
    /// Makes a store holding at most `max_keys` claims (the oldest goes first when full).
    #[napi(constructor)]
    pub fn new(max_keys: Option<f64>) -> napi::Result<Self, &'static str> {
        let max_keys = match max_keys {
            None => hooksig::DEFAULT_MAX_KEYS,
            Some(n) if n.is_finite() && n >= 1.0 && n.fract() == 0.0 && n <= 2f64.powi(53) => {
                // Checked just above: a whole number that a usize holds.
                n as usize
            }
            Some(_) => {
                return Err(napi::Error::new(
                    "ERR_INVALID_ARG_TYPE",
                    "maxKeys must be a whole number from 1 to 2^53".to_owned(),
                ));
            }
        };
        Ok(NativeMemoryReplayStore {
            inner: hooksig::MemoryReplayStore::new(max_keys),
        })
    }

    /// Claims `key` for `ttl` seconds: true the first time within that time.
    #[napi]
    pub fn claim(&self, key: String, ttl: Either<f64, BigInt>) -> napi::Result<bool, &'static str> {
        Ok(self.inner.claim(&key, seconds(&ttl, "ttl")?))
    }

    /// Forgets a claim, so that the provider's retry is processed.
    #[napi]
    pub fn release(&self, key: String) {
        self.inner.release(&key);
    }

    /// How many claims are held (expired ones count until they are evicted).
    #[napi]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }

    /// The largest number of claims held.
    #[napi]
    pub fn max_keys(&self) -> f64 {
        self.inner.max_keys() as f64
    }
}
