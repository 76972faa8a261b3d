//! `hooksig._hooksig`: the native module behind the `hooksig` Python package.
//!
//! Thin by design: it converts Python arguments (`input`, `config`), calls the core, and maps
//! errors to the exception classes of `hooksig._errors` by their code (`errors`). No rule
//! lives here. The speed tricks are in `fast`, each with the benchmark cell it wins.

mod config;
mod errors;
mod fast;
mod input;
mod replay;

use std::sync::atomic::{AtomicUsize, Ordering};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyIterator, PyString, PyTuple};

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
                          public_keys=None, params=None, tolerance=..., namespace=None, \
                          replay_ttl=None)"
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
            config::build(py, scheme, &keys, params, options, VERIFIER_OPTIONS)?;
        let inner = hooksig::Verifier::new(&config).map_err(|e| errors::to_py(py, &e))?;
        Ok(Verifier { inner, origin })
    }

    /// Verifies a request (raw body, headers) and returns what it established.
    #[pyo3(signature = (body, headers, *, now=None, url=None, method=None, replay_key=false))]
    #[allow(clippy::too_many_arguments)]
    fn verify(
        slf: &Bound<'_, Self>,
        body: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
        url: Option<&Bound<'_, PyAny>>,
        method: Option<&Bound<'_, PyAny>>,
        replay_key: bool,
    ) -> PyResult<Verified> {
        let py = slf.py();
        let this = slf.get();
        let now = input::optional(now, |n| input::seconds(n, "now"))?;
        // The replay key is made when first read, from the request kept here (references to
        // the caller's objects, nothing copied): making it at every verify cost 115-160 ns,
        // 10-30 % of a small verification (bench/python.md, "Replay"). It is made now
        // when the caller will read it (`replay_key=True`: the helpers with a store; reading
        // it later verifies the request once more), and for a request that may change before
        // then (a bytearray or memoryview body, headers as an iterator).
        let later = !replay_key
            && (body.is_instance_of::<PyBytes>() || body.is_instance_of::<PyString>())
            && !headers.is_instance_of::<PyIterator>();
        let key = PyOnceLock::new();
        let (found, request) = if later {
            let found = this.run(py, body, headers, now, url, method, |_, _| ())?;
            let request = Request {
                verifier: slf.clone().unbind(),
                body: body.clone().unbind(),
                headers: headers.clone().unbind(),
                url: url.filter(|u| !u.is_none()).map(|u| u.clone().unbind()),
                method: method.filter(|m| !m.is_none()).map(|m| m.clone().unbind()),
            };
            (found, Some(request))
        } else {
            let found = this.run(py, body, headers, now, url, method, |inner, verified| {
                inner.replay_key(verified)
            })?;
            let found = found.map(|(found, made)| {
                let _ = key.set(py, PyString::new(py, &made).unbind());
                (found, ())
            });
            (found, None)
        };
        let ((timestamp, id, secret_index), ()) = found.map_err(|e| errors::to_py(py, &e))?;
        Ok(Verified {
            timestamp,
            id,
            secret_index,
            replay_ttl: this.inner.replay_ttl(),
            key,
            request,
        })
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
        let now = input::optional(now, |n| input::seconds(n, "now"))?;
        match self.run(py, body, headers, now, url, method, |_, _| ())? {
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

    /// The start of every replay key: the preset's name unless `namespace=` was given.
    #[getter]
    fn namespace(&self) -> &str {
        self.inner.namespace()
    }

    /// How long a claim of a verified delivery lives, in seconds.
    #[getter]
    fn replay_ttl(&self) -> u64 {
        self.inner.replay_ttl()
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

/// The keyword arguments `Verifier` takes besides the keys and params.
const VERIFIER_OPTIONS: &[&str] = &["tolerance", "namespace", "replay_ttl"];

/// What a verification established, as the binding keeps it: timestamp, id, key index.
type Found = (Option<u64>, Option<Box<[u8]>>, usize);

impl Verifier {
    /// Converts the arguments, verifies, and runs `then` on the result while the request is
    /// borrowed (`|_, _| ()` on the hot path, whose result is then what it was before replay
    /// keys; the replay key otherwise); the outer error is a Python one (bad arguments), the
    /// inner one the core's verdict.
    #[allow(clippy::too_many_arguments)]
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        body: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        now: Option<u64>,
        url: Option<&Bound<'_, PyAny>>,
        method: Option<&Bound<'_, PyAny>>,
        then: impl FnOnce(&hooksig::Verifier, &hooksig::Verified<'_>) -> T + Send,
    ) -> PyResult<Result<(Found, T), hooksig::Error>> {
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
            let made = then(inner, &verified);
            Ok((
                (
                    verified.timestamp,
                    verified.id.map(Box::from),
                    verified.secret_index,
                ),
                made,
            ))
        }))
    }
}

/// What a successful verification established.
#[pyclass(module = "hooksig", name = "Verified", frozen, eq)]
struct Verified {
    /// The timestamp sent, in Unix seconds, when the scheme has one.
    #[pyo3(get)]
    timestamp: Option<u64>,
    id: Option<Box<[u8]>>,
    /// Which key matched: secrets first (0 is the first), then public keys.
    #[pyo3(get)]
    secret_index: usize,
    /// How long a claim of this delivery lives, in seconds.
    #[pyo3(get)]
    replay_ttl: u64,
    /// The replay key, once made (at verify, or when first read).
    key: PyOnceLock<Py<PyString>>,
    /// The request to make it from, when it was not made at verify.
    request: Option<Request>,
}

/// A verified request as the caller passed it (`bytes` or `str`, and headers that can be read
/// again), kept to make its replay key when first read: by verifying it once more at the
/// timestamp it carried (so the window passes as it did) and asking the core, which owns the
/// rule.
struct Request {
    verifier: Py<Verifier>,
    body: Py<PyAny>,
    headers: Py<PyAny>,
    url: Option<Py<PyAny>>,
    method: Option<Py<PyAny>>,
}

impl PartialEq for Verified {
    fn eq(&self, other: &Self) -> bool {
        (self.timestamp, &self.id, self.secret_index)
            == (other.timestamp, &other.id, other.secret_index)
    }
}

impl Verified {
    fn make_key(&self, py: Python<'_>) -> PyResult<Py<PyString>> {
        let Some(Request {
            verifier,
            body,
            headers,
            url,
            method,
        }) = &self.request
        else {
            // Not reached: a key made at verify is set in `key` from the start.
            return Err(pyo3::exceptions::PyRuntimeError::new_err("no replay key"));
        };
        let verifier = verifier.get();
        let changed = || {
            pyo3::exceptions::PyRuntimeError::new_err(
                "the request's body or headers changed after verify, so its replay key cannot \
                 be made: read replay_key before changing them",
            )
        };
        let found = verifier.run(
            py,
            body.bind(py),
            headers.bind(py),
            self.timestamp,
            url.as_ref().map(|u| u.bind(py)),
            method.as_ref().map(|m| m.bind(py)),
            |inner, verified| inner.replay_key(verified),
        )?;
        match found {
            Ok(((timestamp, id, secret_index), key))
                if (timestamp, &id, secret_index)
                    == (self.timestamp, &self.id, self.secret_index) =>
            {
                Ok(PyString::new(py, &key).unbind())
            }
            _ => Err(changed()),
        }
    }
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

    /// The key that names this delivery in a replay store (the core's rule).
    #[getter]
    fn replay_key(&self, py: Python<'_>) -> PyResult<Py<PyString>> {
        self.key
            .get_or_try_init(py, || self.make_key(py))
            .map(|key| key.clone_ref(py))
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
    m.add_class::<replay::MemoryReplayStore>()?;
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
