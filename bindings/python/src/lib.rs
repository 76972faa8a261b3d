//! `hooksig._hooksig`: the native module behind the `hooksig` Python package.
//!
//! Thin by design: it converts Python arguments (`input`, `config`), calls the core, and maps
//! errors to the exception classes of `hooksig._errors` by their code (`errors`). No rule
//! lives here. The speed tricks are in `fast`, each with the benchmark cell it wins.

mod config;
mod errors;
mod fast;
mod input;

use std::sync::atomic::{AtomicUsize, Ordering};

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString, PyTuple};

use config::{Built, Keys, Origin};
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

/// Verifies webhook requests for one scheme under one or more secrets or public keys.
#[pyclass(module = "hooksig", name = "Verifier", frozen)]
struct Verifier {
    inner: hooksig::Verifier,
    origin: Origin,
}

#[pymethods]
impl Verifier {
    /// Builds a verifier from a preset name or a scheme, with its secrets or public keys.
    #[new]
    #[pyo3(
        signature = (
            scheme, *, secret=None, secrets=None, public_key=None, public_keys=None, params=None,
            **options
        ),
        text_signature = "(scheme, *, secret=None, secrets=None, public_key=None, \
                          public_keys=None, params=None, tolerance=...)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        scheme: &Bound<'_, PyAny>,
        secret: Option<&Bound<'_, PyAny>>,
        secrets: Option<&Bound<'_, PyAny>>,
        public_key: Option<&Bound<'_, PyAny>>,
        public_keys: Option<&Bound<'_, PyAny>>,
        params: Option<&Bound<'_, PyAny>>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let keys = Keys {
            secret,
            secrets,
            public_key,
            public_keys,
            private_key: None,
        };
        let Built { config, origin } =
            config::build(py, scheme, &keys, params, options, &["tolerance"])?;
        let inner = hooksig::Verifier::new(&config).map_err(|e| errors::to_py(py, &e))?;
        Ok(Verifier { inner, origin })
    }

    /// Verifies a request (raw body, headers) and returns what it established.
    #[pyo3(signature = (body, headers, *, now=None, url=None, method=None))]
    fn verify(
        &self,
        py: Python<'_>,
        body: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
        url: Option<&Bound<'_, PyAny>>,
        method: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Verified> {
        self.run(py, body, headers, now, url, method)?
            .map_err(|e| errors::to_py(py, &e))
    }

    /// Returns whether a request verifies; a configuration error (a URL-signed scheme
    /// called without `url=`) still raises.
    #[pyo3(signature = (body, headers, *, now=None, url=None, method=None))]
    fn is_valid(
        &self,
        py: Python<'_>,
        body: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
        url: Option<&Bound<'_, PyAny>>,
        method: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        match self.run(py, body, headers, now, url, method)? {
            Ok(_) => Ok(true),
            Err(e) if e.is_verification() => Ok(false),
            Err(e) => Err(errors::to_py(py, &e)),
        }
    }

    /// Answers a provider's handshake (Slack, Zoom, Twitch, Discord, Meta, Dropbox, Asana,
    /// Okta), or returns None for any other request.
    #[pyo3(signature = (body, headers, *, now=None, url=None, method=None))]
    fn handshake(
        &self,
        py: Python<'_>,
        body: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
        url: Option<&Bound<'_, PyAny>>,
        method: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<Reply>> {
        let now = input::optional(now, |n| input::seconds(n, "now"))?;
        let url = input::optional(url, |u| input::request_text(u, "url"))?;
        let method = input::optional(method, |m| input::request_text(m, "method"))?;
        let body = Body::extract(body)?;
        let headers = input::headers(headers, input::Borrow::No)?;
        let inner = &self.inner;
        let url = url.as_ref().map(AsRef::as_ref);
        let method = method.as_ref().map(AsRef::as_ref);
        let reply = body
            .with(py, &headers, gil_release_at(), |bytes, headers| {
                let mut context = hooksig::Context::new();
                context.now = now;
                context.url = url;
                context.method = method;
                inner.handshake(bytes, headers, &context)
            })
            .map_err(|e| errors::to_py(py, &e))?;
        Ok(reply.map(|r| Reply {
            status: r.status,
            content_type: r.content_type,
            headers: r
                .headers
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect(),
            body: r.body,
            secret: r.secret,
        }))
    }

    /// Whether the scheme has a handshake to answer.
    #[getter]
    fn has_handshake(&self) -> bool {
        self.inner.scheme().handshake.is_some()
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

    /// How many keys are accepted: secrets, then public keys.
    #[getter]
    fn secret_count(&self) -> usize {
        self.inner.secret_count()
    }

    /// Whether verify needs `url=`: the scheme signs the URL the provider called.
    #[getter]
    fn needs_url(&self) -> bool {
        self.inner.needs_url()
    }

    /// Whether verify needs `method=`: the scheme signs the request method.
    #[getter]
    fn needs_method(&self) -> bool {
        self.inner.needs_method()
    }

    /// The names of the headers verify reads (every other header is ignored), lower case
    /// or as the scheme spells them; names match case-insensitively.
    #[getter]
    fn header_names<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.header_names().collect::<Vec<_>>())
    }

    fn __repr__(&self) -> String {
        format!(
            "Verifier({}, keys={}, tolerance={})",
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
        url: Option<&Bound<'_, PyAny>>,
        method: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Result<Verified, hooksig::Error>> {
        let now = input::optional(now, |n| input::seconds(n, "now"))?;
        let url = input::optional(url, |u| input::request_text(u, "url"))?;
        let method = input::optional(method, |m| input::request_text(m, "method"))?;
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
        let url = url.as_ref().map(AsRef::as_ref);
        let method = method.as_ref().map(AsRef::as_ref);
        Ok(body.with(py, &headers, release_at, |bytes, headers| {
            let mut context = hooksig::Context::new();
            context.now = now;
            context.url = url;
            context.method = method;
            let verified = inner.verify_with(bytes, headers, &context)?;
            Ok(Verified {
                timestamp: verified.timestamp,
                id: verified.id.map(Box::from),
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
    id: Option<Box<[u8]>>,
    /// Which key matched: secrets first (0 is the first), then public keys.
    #[pyo3(get)]
    secret_index: usize,
}

#[pymethods]
impl Verified {
    /// The message id sent, as text, when the scheme has an id and its bytes are UTF-8.
    #[getter]
    fn id(&self) -> Option<&str> {
        self.id
            .as_deref()
            .and_then(|id| std::str::from_utf8(id).ok())
    }

    /// The message id sent, as its bytes, when the scheme has an id.
    #[getter]
    fn id_bytes<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.id.as_deref().map(|id| PyBytes::new(py, id))
    }

    fn __repr__(&self) -> String {
        let id = match (&self.id, self.id()) {
            (None, _) => "None".to_owned(),
            (Some(_), Some(text)) => format!("{text:?}"),
            (Some(bytes), None) => format!("{:?} (bytes)", String::from_utf8_lossy(bytes)),
        };
        format!(
            "Verified(timestamp={}, id={id}, secret_index={})",
            self.timestamp
                .map_or_else(|| "None".to_owned(), |t| t.to_string()),
            self.secret_index,
        )
    }
}

/// What to answer a provider's handshake: status, content type, headers and body.
#[pyclass(module = "hooksig", name = "Reply", frozen, eq)]
#[derive(PartialEq)]
struct Reply {
    /// The HTTP status.
    #[pyo3(get)]
    status: u16,
    /// The `Content-Type` of the body.
    #[pyo3(get)]
    content_type: &'static str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// A secret the provider handed over (Asana's `X-Hook-Secret`), to store before answering.
    #[pyo3(get)]
    secret: Option<String>,
}

#[pymethods]
impl Reply {
    /// Other headers to send, as (name, value) pairs.
    #[getter]
    fn headers(&self) -> Vec<(String, String)> {
        self.headers.clone()
    }

    /// The body.
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.body)
    }

    fn __repr__(&self) -> String {
        // Never the handed-over secret, nor the header that carries it.
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        format!(
            "Reply(status={}, content_type={:?}, headers={names:?}, body=<{} bytes>)",
            self.status,
            self.content_type,
            self.body.len()
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
    /// Builds a signer from a preset name or a scheme; it signs with the first secret, or
    /// with the private key of a public-key scheme.
    #[new]
    #[pyo3(signature = (scheme, *, secret=None, secrets=None, private_key=None, params=None))]
    fn new(
        py: Python<'_>,
        scheme: &Bound<'_, PyAny>,
        secret: Option<&Bound<'_, PyAny>>,
        secrets: Option<&Bound<'_, PyAny>>,
        private_key: Option<&Bound<'_, PyAny>>,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let keys = Keys {
            secret,
            secrets,
            private_key,
            ..Keys::default()
        };
        let Built { config, origin } = config::build(py, scheme, &keys, params, None, &[])?;
        let inner = hooksig::Signer::new(&config).map_err(|e| errors::to_py(py, &e))?;
        Ok(Signer { inner, origin })
    }

    /// Signs a body and returns the headers to send, in the provider's order.
    #[pyo3(signature = (body, *, timestamp=None, id=None, url=None, method=None))]
    fn sign<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'py, PyAny>,
        timestamp: Option<&Bound<'py, PyAny>>,
        id: Option<&Bound<'py, PyAny>>,
        url: Option<&Bound<'py, PyAny>>,
        method: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let timestamp = input::optional(timestamp, |t| input::seconds(t, "timestamp"))?;
        let id = input::optional(id, |id| {
            Ok(id
                .cast::<PyString>()
                .map_err(|_| errors::type_error("id", "a str", id))?
                .to_cow()?
                .into_owned())
        })?;
        let url = input::optional(url, |u| input::request_text(u, "url"))?;
        let method = input::optional(method, |m| input::request_text(m, "method"))?;
        let url = url.as_ref().map(AsRef::as_ref);
        let method = method.as_ref().map(AsRef::as_ref);
        let body = Body::extract(body)?;
        let inner = &self.inner;
        let headers = body
            .with(
                py,
                &input::HeaderList::new(),
                gil_release_at(),
                |bytes, _| {
                    let mut context = hooksig::Context::new();
                    context.now = timestamp;
                    context.url = url;
                    context.method = method;
                    inner.sign_with(bytes, id.as_deref(), &context)
                },
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

/// Turns the speed tricks of `fast.rs` on or off, for the benchmark's plain-vs-fast rows.
#[pyfunction]
#[pyo3(name = "_set_fast_path")]
fn set_fast_path(on: bool) {
    fast::set_enabled(on);
}

/// The native module of hooksig; import `hooksig` instead.
#[pymodule]
fn _hooksig(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Verifier>()?;
    m.add_class::<Verified>()?;
    m.add_class::<Signer>()?;
    m.add_class::<Reply>()?;
    m.add("PRESETS", presets(m.py())?)?;
    m.add("CODES", errors::codes(m.py())?)?;
    if let Some(bytes) = std::env::var("HOOKSIG_GIL_RELEASE_AT")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        GIL_RELEASE_AT.store(bytes, Ordering::Relaxed);
    }
    m.add("GIL_RELEASE_AT", gil_release_at())?;
    // `HOOKSIG_PY_PLAIN=1`: the plain path only (fast.rs off), for the tests and the bench.
    if std::env::var("HOOKSIG_PY_PLAIN").is_ok_and(|v| v == "1") {
        fast::set_enabled(false);
    }
    m.add("FAST_PATH", fast::enabled())?;
    m.add_function(wrap_pyfunction!(set_fast_path, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
