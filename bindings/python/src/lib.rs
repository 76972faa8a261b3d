//! `hooksig._hooksig`: the native module behind the `hooksig` Python package.
//!
//! Thin by design: it converts Python arguments, calls the core, and maps errors to
//! the exception classes of `hooksig._errors` by their code. No rule lives here.

mod config;
mod errors;
mod input;

use std::sync::atomic::{AtomicUsize, Ordering};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use config::{Built, Origin};
use input::Body;

/// Bodies of at least this many bytes are verified with the GIL released (the default).
///
/// The release path costs about 150 ns more per call (a reference to each header string,
/// releasing and re-taking the GIL), and next to busy Python threads the wait to get the GIL
/// back; at 64 KiB the MAC takes ~45 us, so the fixed cost is under 0.5% while other
/// threads get the interpreter during the MAC. Measured with
/// `python bench/python_bench.py --gil`; figures in bench/python.md.
const DEFAULT_GIL_RELEASE_AT: usize = 64 * 1024;

/// The threshold in force: `HOOKSIG_GIL_RELEASE_AT` (bytes) when set at import, for tuning
/// and for the benchmark; else the default.
static GIL_RELEASE_AT: AtomicUsize = AtomicUsize::new(DEFAULT_GIL_RELEASE_AT);

fn gil_release_at() -> usize {
    GIL_RELEASE_AT.load(Ordering::Relaxed)
}

/// Verifies webhook requests for one scheme under one or more secrets.
#[pyclass(module = "hooksig", name = "Verifier", frozen)]
struct Verifier {
    inner: hooksig::Verifier,
    origin: Origin,
}

#[pymethods]
impl Verifier {
    /// Builds a verifier from a preset name or a scheme, with one or more secrets.
    #[new]
    #[pyo3(
        signature = (scheme, *, secret=None, secrets=None, params=None, **options),
        text_signature = "(scheme, *, secret=None, secrets=None, params=None, tolerance=...)"
    )]
    fn new(
        py: Python<'_>,
        scheme: &Bound<'_, PyAny>,
        secret: Option<&Bound<'_, PyAny>>,
        secrets: Option<&Bound<'_, PyAny>>,
        params: Option<&Bound<'_, PyAny>>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let Built { config, origin } =
            config::build(py, scheme, secret, secrets, params, options, &["tolerance"])?;
        let inner = hooksig::Verifier::new(&config).map_err(|e| errors::to_py(py, &e))?;
        Ok(Verifier { inner, origin })
    }

    /// Verifies a request (raw body, headers) and returns what it established.
    #[pyo3(signature = (body, headers, *, now=None))]
    fn verify(
        &self,
        py: Python<'_>,
        body: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Verified> {
        self.run(py, body, headers, now)?
            .map_err(|e| errors::to_py(py, &e))
    }

    /// Returns whether a request verifies.
    #[pyo3(signature = (body, headers, *, now=None))]
    fn is_valid(
        &self,
        py: Python<'_>,
        body: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        Ok(self.run(py, body, headers, now)?.is_ok())
    }

    /// The preset name, or None for a custom scheme.
    #[getter]
    fn preset(&self) -> Option<&str> {
        match &self.origin {
            Origin::Preset(name) => Some(name),
            Origin::Custom => None,
        }
    }

    /// The scheme as a dict.
    #[getter]
    fn scheme<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        scheme_dict(py, self.inner.scheme())
    }

    /// The replay window in force, in seconds (None: no window).
    #[getter]
    fn tolerance(&self) -> Option<u64> {
        self.inner.tolerance()
    }

    /// How many secrets are accepted.
    #[getter]
    fn secret_count(&self) -> usize {
        self.inner.secret_count()
    }

    fn __repr__(&self) -> String {
        format!(
            "Verifier({}, secrets={}, tolerance={})",
            describe(&self.origin, self.inner.scheme()),
            self.inner.secret_count(),
            self.inner
                .tolerance()
                .map_or_else(|| "None".to_owned(), |t| t.to_string()),
        )
    }
}

impl Verifier {
    /// Converts the arguments and verifies; the outer error is a Python one (bad arguments),
    /// the inner one the core's verdict.
    fn run(
        &self,
        py: Python<'_>,
        body: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Result<Verified, hooksig::Error>> {
        let now = now
            .filter(|n| !n.is_none())
            .map(|n| input::seconds(n, "now"))
            .transpose()?;
        // The body first: reading a memoryview runs Python code, which must not happen
        // once headers are borrowed.
        let body = Body::extract(body)?;
        let release_at = gil_release_at();
        let borrow = if body.len() < release_at {
            input::Borrow::Yes
        } else {
            input::Borrow::No
        };
        let headers = input::headers(headers, borrow)?;
        let inner = &self.inner;
        Ok(body.with(py, &headers, release_at, |bytes, headers| {
            let verified = match now {
                Some(now) => inner.verify_at(bytes, headers, now),
                None => inner.verify(bytes, headers),
            }?;
            Ok(Verified {
                timestamp: verified.timestamp,
                id: verified.id.map(|id| match verified.id_str() {
                    Some(text) => text.to_owned(),
                    // A non-UTF-8 id cannot be a str as sent: show its bytes as U+FFFD.
                    None => String::from_utf8_lossy(id).into_owned(),
                }),
                secret_index: verified.secret_index,
            })
        }))
    }
}

/// What a successful verification established.
#[pyclass(module = "hooksig", name = "Verified", frozen, eq)]
#[derive(PartialEq)]
struct Verified {
    /// The timestamp sent, in Unix seconds, when the scheme has one.
    #[pyo3(get)]
    timestamp: Option<u64>,
    /// The message id sent, when the scheme has an id header.
    #[pyo3(get)]
    id: Option<String>,
    /// Which secret matched (0 is the first).
    #[pyo3(get)]
    secret_index: usize,
}

#[pymethods]
impl Verified {
    fn __repr__(&self) -> String {
        format!(
            "Verified(timestamp={}, id={}, secret_index={})",
            self.timestamp
                .map_or_else(|| "None".to_owned(), |t| t.to_string()),
            self.id
                .as_deref()
                .map_or_else(|| "None".to_owned(), |id| format!("{id:?}")),
            self.secret_index,
        )
    }
}

/// Produces the signature headers of a scheme, as its provider would send them.
#[pyclass(module = "hooksig", name = "Signer", frozen)]
struct Signer {
    inner: hooksig::Signer,
    origin: Origin,
}

#[pymethods]
impl Signer {
    /// Builds a signer from a preset name or a scheme; it signs with the first secret.
    #[new]
    #[pyo3(signature = (scheme, *, secret=None, secrets=None, params=None))]
    fn new(
        py: Python<'_>,
        scheme: &Bound<'_, PyAny>,
        secret: Option<&Bound<'_, PyAny>>,
        secrets: Option<&Bound<'_, PyAny>>,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let Built { config, origin } =
            config::build(py, scheme, secret, secrets, params, None, &[])?;
        let inner = hooksig::Signer::new(&config).map_err(|e| errors::to_py(py, &e))?;
        Ok(Signer { inner, origin })
    }

    /// Signs a body and returns the headers to send, in the provider's order.
    #[pyo3(signature = (body, *, timestamp=None, id=None))]
    fn sign<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'py, PyAny>,
        timestamp: Option<&Bound<'py, PyAny>>,
        id: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let timestamp = timestamp
            .filter(|t| !t.is_none())
            .map(|t| input::seconds(t, "timestamp"))
            .transpose()?;
        let id = match id.filter(|i| !i.is_none()) {
            Some(id) => Some(
                id.cast::<PyString>()
                    .map_err(|_| errors::type_error("id", "a str", id))?
                    .to_cow()?
                    .into_owned(),
            ),
            None => None,
        };
        let body = Body::extract(body)?;
        let inner = &self.inner;
        let headers = body
            .with(
                py,
                &input::HeaderList::new(),
                gil_release_at(),
                |bytes, _| inner.sign(bytes, timestamp, id.as_deref()),
            )
            .map_err(|e| errors::to_py(py, &e))?;
        let out = PyDict::new(py);
        for (name, value) in headers {
            out.set_item(name, value)?;
        }
        Ok(out)
    }

    /// The preset name, or None for a custom scheme.
    #[getter]
    fn preset(&self) -> Option<&str> {
        match &self.origin {
            Origin::Preset(name) => Some(name),
            Origin::Custom => None,
        }
    }

    /// The scheme as a dict.
    #[getter]
    fn scheme<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        scheme_dict(py, self.inner.scheme())
    }

    fn __repr__(&self) -> String {
        format!("Signer({})", describe(&self.origin, self.inner.scheme()))
    }
}

/// The scheme as a dict, the form a custom scheme is written in.
fn scheme_dict<'py>(py: Python<'py>, scheme: &hooksig::Scheme) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?
        .call_method1("loads", (scheme.to_json(),))
}

/// A preset by name, or a custom scheme by its headers: never a secret.
fn describe(origin: &Origin, scheme: &hooksig::Scheme) -> String {
    match origin {
        Origin::Preset(name) => format!("{name:?}"),
        Origin::Custom => format!(
            "scheme={}",
            serde_json::to_string(scheme).unwrap_or_else(|_| "{..}".to_owned())
        ),
    }
}

/// The presets, name to summary.
fn presets(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let out = PyDict::new(py);
    for preset in hooksig::PRESETS {
        out.set_item(preset.name, preset.summary)?;
    }
    Ok(out)
}

/// The native module of hooksig; import `hooksig` instead.
#[pymodule]
fn _hooksig(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Verifier>()?;
    m.add_class::<Verified>()?;
    m.add_class::<Signer>()?;
    m.add("PRESETS", presets(m.py())?)?;
    if let Some(bytes) = std::env::var("HOOKSIG_GIL_RELEASE_AT")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        GIL_RELEASE_AT.store(bytes, Ordering::Relaxed);
    }
    m.add("GIL_RELEASE_AT", gil_release_at())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
