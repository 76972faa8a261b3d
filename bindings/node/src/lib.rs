//! The Node.js binding of hooksig: a thin napi-rs layer over the core.
//!
//! It converts arguments, calls the core and maps errors; every rule lives in the core.
//! The public API is the JavaScript package in `node/`, which checks argument types and
//! turns the errors thrown here (a JS `Error` whose `code` is the core's stable code) into
//! `VerificationError` / `ConfigurationError` by the core's table of codes (`codes()`).
//!
//! This file is the plain path: `NativeVerifier.verify` takes the body and every header
//! as napi-rs converts them. The per-request fast path (`fastFunctions`) lives in
//! `fast.rs`, with the benchmark cells that justify it.

#![deny(clippy::undocumented_unsafe_blocks)]

mod bytes;
mod fast;
mod replay;

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use hooksig::{Config, Context, ErrorKind, Scheme};
use napi::Unknown;
use napi::bindgen_prelude::{BigInt, Buffer, Either, Uint8Array};
use napi::{Env, Error, Result};
use napi_derive::napi;

/// A native error whose JS `code` is the core's stable code and whose message is the core's.
fn core_error(err: hooksig::Error) -> Error<&'static str> {
    Error::new(err.code(), err.to_string())
}

/// An error about the arguments, which the JS layer should have caught first.
fn argument_error(message: impl Into<String>) -> Error<&'static str> {
    Error::new("ERR_INVALID_ARG_TYPE", message.into())
}

/// A number of seconds from JS: a safe non-negative integer (number) or a BigInt.
fn seconds(value: &Either<f64, BigInt>, what: &str) -> Result<u64, &'static str> {
    match value {
        Either::A(n) if n.is_finite() && *n >= 0.0 && n.fract() == 0.0 && *n < 2f64.powi(64) => {
            // The bounds were checked just above, so the conversion is exact.
            Ok(*n as u64)
        }
        Either::B(big) => match big.get_u64() {
            (false, n, true) => Ok(n),
            _ => Err(argument_error(format!(
                "{what} must be a non-negative integer below 2^64"
            ))),
        },
        Either::A(_) => Err(argument_error(format!(
            "{what} must be a non-negative integer"
        ))),
    }
}

/// How a verifier or signer is built, as the JS layer prepared it.
#[napi(object)]
pub struct ConfigArgs {
    /// A preset name or a scheme's JSON text (the core tells which).
    pub scheme: String,
    pub secrets: Vec<Uint8Array>,
    /// Public keys, each the bytes of its text (hex, base64, SPKI, PEM, `whpk_`).
    pub public_keys: Vec<Uint8Array>,
    /// A signer's private key, the bytes of its text.
    pub private_key: Option<Uint8Array>,
    pub params: Option<HashMap<String, String>>,
    /// Whether `tolerance` overrides the scheme's window (then absent means no window).
    pub tolerance_given: bool,
    pub tolerance: Option<Either<f64, BigInt>>,
    /// The start of every replay key (default: the preset's name).
    pub namespace: Option<String>,
    /// How long a claim lives without a replay window, in seconds (default 24 h).
    pub replay_ttl: Option<Either<f64, BigInt>>,
}

/// Builds a core config from the arguments the JS layer prepared.
fn config(args: &ConfigArgs) -> Result<Config, &'static str> {
    // A preset keeps its name as the replay namespace.
    let mut config = Config::from_text(&args.scheme).map_err(core_error)?;
    for secret in &args.secrets {
        config = config.secret(&secret[..]);
    }
    for key in &args.public_keys {
        config = config.public_key(&key[..]);
    }
    if let Some(key) = &args.private_key {
        config = config.private_key(&key[..]);
    }
    for (name, value) in args.params.iter().flatten() {
        config = config.param(name, value);
    }
    if args.tolerance_given {
        let tolerance = match &args.tolerance {
            Some(t) => Some(seconds(t, "tolerance")?),
            None => None,
        };
        config = config.tolerance(tolerance);
    }
    if let Some(namespace) = &args.namespace {
        config = config.namespace(namespace.as_str());
    }
    if let Some(ttl) = &args.replay_ttl {
        config = config.replay_ttl(seconds(ttl, "replayTtl")?);
    }
    Ok(config)
}

/// The request context of a verify or sign call.
fn context<'a>(now: Option<u64>, url: &'a Option<Bytes>, method: &'a Option<Bytes>) -> Context<'a> {
    let mut context = Context::new();
    context.now = now;
    if let Some(url) = url {
        context = context.url(&url.0);
    }
    if let Some(method) = method {
        context = context.method(&method.0);
    }
    context
}

/// What a verification established (the plain path's answer).
#[napi(object)]
pub struct NativeVerified {
    pub secret_index: u32,
    pub timestamp: Option<f64>,
    /// The id as text, when it is UTF-8.
    pub id: Option<String>,
    /// The id's bytes, as sent.
    pub id_bytes: Option<Buffer>,
    /// The replay key, when asked for.
    pub replay_key: Option<String>,
}

/// What to answer a provider's handshake (the core's `Reply`).
#[napi(object)]
pub struct NativeReply {
    pub status: u32,
    pub content_type: String,
    /// `[name, value, ...]`.
    pub headers: Vec<String>,
    /// The body, as text (a challenge of printable ASCII, or JSON).
    pub body: String,
    /// The secret the provider handed over (Asana), to store.
    pub secret: Option<String>,
}

/// Verifies webhook requests for one scheme under its secrets and public keys (wrapped by
/// `Verifier` in JS).
#[napi]
pub struct NativeVerifier {
    inner: Arc<hooksig::Verifier>,
}

#[napi]
impl NativeVerifier {
    /// Builds a verifier; every configuration error surfaces here.
    #[napi(constructor)]
    pub fn new(args: ConfigArgs) -> Result<Self, &'static str> {
        let inner = hooksig::Verifier::new(&config(&args)?).map_err(core_error)?;
        Ok(NativeVerifier {
            inner: Arc::new(inner),
        })
    }

    /// Verifies a request: `headers` is a flat `[name, value, ...]` list. With `key`, the
    /// answer carries the replay key.
    #[napi]
    pub fn verify(
        &self,
        body: &[u8],
        headers: Vec<Bytes>,
        now: Option<Either<f64, BigInt>>,
        url: Option<Bytes>,
        method: Option<Bytes>,
        key: Option<bool>,
    ) -> Result<NativeVerified, &'static str> {
        let pairs = pairs(&headers)?;
        let now = now.as_ref().map(|n| seconds(n, "now")).transpose()?;
        let verified = self
            .inner
            .verify_with(body, &pairs, &context(now, &url, &method))
            .map_err(core_error)?;
        Ok(NativeVerified {
            secret_index: u32::try_from(verified.secret_index).unwrap_or(u32::MAX),
            // A timestamp has at most 18 digits; above 2^53 the nearest double is given.
            timestamp: verified.timestamp.map(|t| t as f64),
            id: verified.id_str().map(str::to_owned),
            id_bytes: verified.id.map(|id| id.to_vec().into()),
            replay_key: key
                .unwrap_or(false)
                .then(|| self.inner.replay_key(&verified)),
        })
    }

    /// Answers a provider's handshake, or returns null for any other request; a signed
    /// handshake that does not verify throws as verify does. `headers` as for verify.
    #[napi]
    pub fn handshake(
        &self,
        body: &[u8],
        headers: Vec<Bytes>,
        now: Option<Either<f64, BigInt>>,
        url: Option<Bytes>,
        method: Option<Bytes>,
    ) -> Result<Option<NativeReply>, &'static str> {
        let pairs = pairs(&headers)?;
        let now = now.as_ref().map(|n| seconds(n, "now")).transpose()?;
        let Some(reply) = self
            .inner
            .handshake(body, &pairs, &context(now, &url, &method))
            .map_err(core_error)?
        else {
            return Ok(None);
        };
        Ok(Some(NativeReply {
            status: u32::from(reply.status),
            content_type: reply.content_type.to_owned(),
            headers: reply
                .headers
                .into_iter()
                .flat_map(|(name, value)| [name.to_owned(), value])
                .collect(),
            body: String::from_utf8_lossy(&reply.body).into_owned(),
            secret: reply.secret,
        }))
    }

    /// Whether the replay key reads the body (a token scheme): made at verify, then.
    #[napi]
    pub fn replay_key_reads_body(&self) -> bool {
        self.inner.replay_key_reads_body()
    }

    /// Whether the scheme has a handshake (the helpers ask `handshake` only then).
    #[napi]
    pub fn has_handshake(&self) -> bool {
        self.inner.scheme().handshake.is_some()
    }

    /// The start of every replay key.
    #[napi]
    pub fn namespace(&self) -> String {
        self.inner.namespace().to_owned()
    }

    /// How long a claim of a verified delivery lives, in seconds.
    #[napi]
    pub fn replay_ttl(&self) -> f64 {
        // At most 2^64 - 1; above 2^53 the nearest double is given.
        self.inner.replay_ttl() as f64
    }

    /// Returns `[verify, isValid]`, the per-request functions of `fast.rs`.
    #[napi(ts_return_type = "[Function, Function]")]
    pub fn fast_functions<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        fast::bound_functions(env, &self.inner)
    }

    /// The names of the headers verify reads, in the core's order (every other is ignored).
    #[napi]
    pub fn header_names(&self) -> Vec<String> {
        self.inner.header_names().map(str::to_owned).collect()
    }

    /// Whether verify needs the request URL (`{url}`, `{path}`, `{form}`).
    #[napi]
    pub fn needs_url(&self) -> bool {
        self.inner.needs_url()
    }

    /// Whether verify needs the request method (`{method}`).
    #[napi]
    pub fn needs_method(&self) -> bool {
        self.inner.needs_method()
    }

    /// The scheme this verifier checks, as JSON.
    #[napi]
    pub fn scheme_json(&self) -> String {
        self.inner.scheme().to_json()
    }

    /// The replay window in force in seconds, or null for none.
    #[napi]
    pub fn tolerance(&self) -> Option<f64> {
        self.inner.tolerance().map(|t| t as f64)
    }

    /// How many keys are accepted: secrets, then public keys.
    #[napi]
    pub fn secret_count(&self) -> u32 {
        u32::try_from(self.inner.secret_count()).unwrap_or(u32::MAX)
    }
}

/// A header's name and value.
type Pair<'a> = (&'a [u8], &'a [u8]);

/// The `(name, value)` pairs of a flat `[name, value, ...]` list.
fn pairs(headers: &[Bytes]) -> Result<Vec<Pair<'_>>, &'static str> {
    if headers.len() % 2 == 1 {
        return Err(argument_error(
            "headers must be a flat list of name, value pairs",
        ));
    }
    Ok(headers
        .chunks_exact(2)
        .map(|pair| (&pair[0].0[..], &pair[1].0[..]))
        .collect())
}

/// Produces a scheme's signature headers (wrapped by `Signer` in JS).
#[napi]
pub struct NativeSigner {
    inner: hooksig::Signer,
}

#[napi]
impl NativeSigner {
    /// Builds a signer; every configuration error surfaces here.
    #[napi(constructor)]
    pub fn new(args: ConfigArgs) -> Result<Self, &'static str> {
        let inner = hooksig::Signer::new(&config(&args)?).map_err(core_error)?;
        Ok(NativeSigner { inner })
    }

    /// Signs `body`; returns a flat `[name, value, ...]` array. Values are byte strings
    /// (one character per byte), the form Node's http and fetch send as those bytes.
    #[napi]
    pub fn sign(
        &self,
        body: &[u8],
        timestamp: Option<Either<f64, BigInt>>,
        id: Option<String>,
        url: Option<Bytes>,
        method: Option<Bytes>,
    ) -> Result<Vec<String>, &'static str> {
        let timestamp = timestamp
            .as_ref()
            .map(|t| seconds(t, "timestamp"))
            .transpose()?;
        let headers = self
            .inner
            .sign_with(body, id.as_deref(), &context(timestamp, &url, &method))
            .map_err(core_error)?;
        let mut flat = Vec::with_capacity(headers.len() * 2);
        for (name, value) in headers {
            flat.push(name);
            flat.push(if value.is_ascii() {
                value
            } else {
                value.bytes().map(char::from).collect()
            });
        }
        Ok(flat)
    }

    /// The scheme this signer follows, as JSON.
    #[napi]
    pub fn scheme_json(&self) -> String {
        self.inner.scheme().to_json()
    }
}

/// One stable error code of the core's table.
#[napi(object)]
pub struct CodeInfo {
    pub name: String,
    /// `verification` (about the request) or `configuration` (about how it was built).
    pub kind: String,
    /// Its number in the C ABI, from 1; the fast path reports errors by it.
    pub number: i32,
    pub summary: String,
}

/// Returns the core's table of error codes, which the JS error classes derive from.
#[napi]
pub fn codes() -> Vec<CodeInfo> {
    hooksig::CODES
        .iter()
        .map(|code| CodeInfo {
            name: code.name.to_owned(),
            kind: match code.kind {
                ErrorKind::Verification => "verification",
                ErrorKind::Configuration => "configuration",
            }
            .to_owned(),
            number: code.number,
            summary: code.summary.to_owned(),
        })
        .collect()
}

/// Returns the preset names and summaries as a flat `[name, summary, ...]` array.
#[napi]
pub fn presets() -> Vec<&'static str> {
    hooksig::PRESETS
        .iter()
        .flat_map(|p| [p.name, p.summary])
        .collect()
}

/// Returns the JSON of a preset's scheme.
#[napi]
pub fn preset_json(name: String) -> Result<String, &'static str> {
    Scheme::preset(&name)
        .map(|s| s.to_json())
        .map_err(core_error)
}
