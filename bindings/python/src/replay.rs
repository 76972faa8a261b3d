//! `hooksig.MemoryReplayStore`: the core's store, for one process.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyString};

use crate::errors::{type_error, value_error};

/// Remembers claimed deliveries in this process: bounded, each claim forgotten after its
/// TTL, safe to share between threads.
///
/// `claim` and `release` keep the GIL: each takes well under a microsecond
/// (bench/python.md, "Replay stores"), and the store's lock is only ever taken under the
/// GIL, so it never waits for another thread.
#[pyclass(module = "hooksig", name = "MemoryReplayStore", frozen)]
pub(crate) struct MemoryReplayStore {
    inner: hooksig::MemoryReplayStore,
}

#[pymethods]
impl MemoryReplayStore {
    /// Makes a store holding at most `max_keys` claims (the oldest goes first when full).
    #[new]
    #[pyo3(signature = (max_keys = None), text_signature = "(max_keys=100000)")]
    fn new(max_keys: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let Some(max_keys) = max_keys else {
            return Ok(MemoryReplayStore {
                inner: hooksig::MemoryReplayStore::new(hooksig::DEFAULT_MAX_KEYS),
            });
        };
        if max_keys.is_instance_of::<PyBool>() || !max_keys.is_instance_of::<PyInt>() {
            return Err(type_error("max_keys", "an int", max_keys));
        }
        let max_keys = max_keys
            .extract::<usize>()
            .ok()
            .filter(|&n| n >= 1)
            .ok_or_else(|| {
                value_error(format!(
                    "max_keys must be a whole number from 1 to {}, not {max_keys}",
                    usize::MAX
                ))
            })?;
        Ok(MemoryReplayStore {
            inner: hooksig::MemoryReplayStore::new(max_keys),
        })
    }

    /// Claims `key` for `ttl` seconds: True the first time within that time, False while an
    /// earlier claim lives.
    fn claim(&self, key: &Bound<'_, PyAny>, ttl: &Bound<'_, PyAny>) -> PyResult<bool> {
        let ttl = crate::input::whole_seconds(ttl, "ttl", "an int (seconds)")?;
        Ok(self.inner.claim(&read_key(key)?, ttl))
    }

    /// Forgets a claim, so that the provider's retry is processed (the handler failed).
    fn release(&self, key: &Bound<'_, PyAny>) -> PyResult<()> {
        self.inner.release(&read_key(key)?);
        Ok(())
    }

    /// The largest number of claims held.
    #[getter]
    fn max_keys(&self) -> usize {
        self.inner.max_keys()
    }

    /// How many claims are held (expired ones count until they are evicted).
    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "MemoryReplayStore(max_keys={}, claims={})",
            self.inner.max_keys(),
            self.inner.len()
        )
    }
}

/// A key: a `str` (replay keys are text; `Verified.replay_key` gives one).
fn read_key<'a>(key: &'a Bound<'_, PyAny>) -> PyResult<std::borrow::Cow<'a, str>> {
    key.cast::<PyString>()
        .map_err(|_| type_error("key", "a str", key))?
        .to_cow()
        .map_err(|_| value_error("key is a str with no UTF-8 form".to_owned()))
}
