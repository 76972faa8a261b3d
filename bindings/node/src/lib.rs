//! The Node.js binding of hooksig: a thin napi-rs layer over the core.
//!
//! It converts arguments, calls the core and maps errors; every rule lives in the
//! core. The public API is the JavaScript package in `node/`, which checks argument
//! types, normalizes headers into a flat `[name, value, ...]` array, and turns the
//! errors thrown here (a JS `Error` whose `code` is the core's stable code) into
//! `VerificationError` / `ConfigurationError`.

#![deny(clippy::undocumented_unsafe_blocks)]

use std::collections::HashMap;
use std::ptr;

use hooksig::{Config, Scheme};
use napi::bindgen_prelude::{Array, BigInt, Either, Uint8Array};
use napi::{Env, Error, Result, Status, sys};
use napi_derive::napi;

/// A native error whose JS `code` is the core's stable code and whose message is the core's.
fn core_error(err: hooksig::Error) -> Error<&'static str> {
    Error::new(err.code(), err.to_string())
}

/// An error about the arguments, which the JS layer should have caught first.
fn argument_error(message: impl Into<String>) -> Error<&'static str> {
    Error::new("ERR_INVALID_ARG_TYPE", message.into())
}

fn from_status(err: Error) -> Error<&'static str> {
    argument_error(err.reason.clone())
}

/// Returns a BigInt as a u64, or an argument error naming `what`.
fn to_u64(value: &BigInt, what: &str) -> Result<u64, &'static str> {
    match value.get_u64() {
        (false, n, true) => Ok(n),
        _ => Err(argument_error(format!(
            "{what} must be a non-negative integer below 2^64"
        ))),
    }
}

/// A number of seconds from JS: a safe non-negative integer (number) or a BigInt.
fn seconds(value: &Either<f64, BigInt>, what: &str) -> Result<u64, &'static str> {
    match value {
        Either::A(n) if n.is_finite() && *n >= 0.0 && n.fract() == 0.0 && *n < 2f64.powi(64) => {
            // The bounds were checked just above, so the conversion is exact.
            Ok(*n as u64)
        }
        Either::A(_) => Err(argument_error(format!(
            "{what} must be a non-negative integer"
        ))),
        Either::B(big) => to_u64(big, what),
    }
}

/// Builds a core config from the arguments the JS layer prepared.
fn config(
    preset: Option<String>,
    scheme_json: Option<String>,
    secrets: Vec<Uint8Array>,
    params: Option<HashMap<String, String>>,
    tolerance_given: bool,
    tolerance: Option<Either<f64, BigInt>>,
) -> Result<Config, &'static str> {
    let scheme = match (preset, scheme_json) {
        (Some(name), None) => Scheme::preset(&name),
        (None, Some(json)) => Scheme::from_json(&json),
        _ => return Err(argument_error("give a preset name or a scheme")),
    }
    .map_err(core_error)?;
    let mut config = Config::new(scheme);
    for secret in &secrets {
        config = config.secret(&secret[..]);
    }
    for (name, value) in params.unwrap_or_default() {
        config = config.param(name, value);
    }
    if tolerance_given {
        let tolerance = match &tolerance {
            Some(t) => Some(seconds(t, "tolerance")?),
            None => None,
        };
        config = config.tolerance(tolerance);
    }
    Ok(config)
}

/// Verifies webhook requests for one scheme under one or more secrets (wrapped by `Verifier` in JS).
#[napi]
pub struct NativeVerifier {
    inner: hooksig::Verifier,
}

/// What a successful verification established.
#[napi(object)]
pub struct NativeVerified {
    /// The timestamp sent, in Unix seconds, or null when the scheme has none.
    pub timestamp: Option<f64>,
    /// The message id sent (UTF-8 text, or the bytes as latin1 when not UTF-8), or null.
    pub id: Option<String>,
    /// Which secret matched: 0 is the first.
    pub secret_index: u32,
}

#[napi]
impl NativeVerifier {
    /// Builds a verifier; every configuration error surfaces here.
    #[napi(constructor)]
    pub fn new(
        preset: Option<String>,
        scheme_json: Option<String>,
        secrets: Vec<Uint8Array>,
        params: Option<HashMap<String, String>>,
        tolerance_given: bool,
        tolerance: Option<Either<f64, BigInt>>,
    ) -> Result<Self, &'static str> {
        let config = config(
            preset,
            scheme_json,
            secrets,
            params,
            tolerance_given,
            tolerance,
        )?;
        let inner = hooksig::Verifier::new(&config).map_err(core_error)?;
        Ok(NativeVerifier { inner })
    }

    /// Verifies `body` with `headers` (a flat `[name, value, ...]` array of strings or
    /// Uint8Arrays) at `now` (Unix seconds; the system clock when absent).
    #[napi]
    pub fn verify(
        &self,
        env: Env,
        body: &[u8],
        headers: Array,
        now: Option<Either<f64, BigInt>>,
    ) -> Result<NativeVerified, &'static str> {
        let pairs = FlatHeaders::read(&env, &headers).map_err(from_status)?;
        let pairs = pairs.pairs();
        let verified = match now {
            Some(now) => self.inner.verify_at(body, &pairs, seconds(&now, "now")?),
            None => self.inner.verify(body, &pairs),
        }
        .map_err(core_error)?;
        Ok(NativeVerified {
            // A timestamp has at most 18 digits; above 2^53 the nearest double is given.
            timestamp: verified.timestamp.map(|t| t as f64),
            id: verified.id.map(|id| match verified.id_str() {
                Some(text) => text.to_owned(),
                None => id.iter().map(|&b| char::from(b)).collect(),
            }),
            secret_index: u32::try_from(verified.secret_index).unwrap_or(u32::MAX),
        })
    }

    /// Returns whether the request verifies; never throws for a bad request.
    #[napi]
    pub fn is_valid(
        &self,
        env: Env,
        body: &[u8],
        headers: Array,
        now: Option<Either<f64, BigInt>>,
    ) -> Result<bool, &'static str> {
        let pairs = FlatHeaders::read(&env, &headers).map_err(from_status)?;
        let pairs = pairs.pairs();
        Ok(match now {
            Some(now) => self
                .inner
                .verify_at(body, &pairs, seconds(&now, "now")?)
                .is_ok(),
            None => self.inner.is_valid(body, &pairs),
        })
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

    /// How many secrets are accepted.
    #[napi]
    pub fn secret_count(&self) -> u32 {
        u32::try_from(self.inner.secret_count()).unwrap_or(u32::MAX)
    }
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
    pub fn new(
        preset: Option<String>,
        scheme_json: Option<String>,
        secrets: Vec<Uint8Array>,
        params: Option<HashMap<String, String>>,
        tolerance_given: bool,
        tolerance: Option<Either<f64, BigInt>>,
    ) -> Result<Self, &'static str> {
        let config = config(
            preset,
            scheme_json,
            secrets,
            params,
            tolerance_given,
            tolerance,
        )?;
        let inner = hooksig::Signer::new(&config).map_err(core_error)?;
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
    ) -> Result<Vec<String>, &'static str> {
        let timestamp = match &timestamp {
            Some(t) => Some(seconds(t, "timestamp")?),
            None => None,
        };
        let headers = self
            .inner
            .sign(body, timestamp, id.as_deref())
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

/// Header names and values copied into one buffer, with their ranges.
///
/// One allocation for all the bytes (plus one for the ranges) instead of one per string.
struct FlatHeaders {
    bytes: Vec<u8>,
    ranges: Vec<(usize, usize, usize)>,
}

impl FlatHeaders {
    /// Reads a flat `[name, value, ...]` array of strings and Uint8Arrays.
    ///
    /// A string is a byte string when every character is at most U+00FF (how Node's
    /// http and fetch hand header bytes to JS: one character per byte); otherwise it
    /// cannot have come off the wire and is taken as UTF-8 text.
    fn read(env: &Env, array: &Array) -> Result<Self> {
        let len = array.len();
        let mut flat = FlatHeaders {
            bytes: Vec::with_capacity(256),
            ranges: Vec::with_capacity(len as usize / 2),
        };
        let raw_env = env.raw();
        let mut start_of_pair = 0;
        for index in 0..len {
            let start = flat.bytes.len();
            let mut value = ptr::null_mut();
            // SAFETY: `raw_env` and the array are the live handles of this call; `value`
            // is a valid out-pointer.
            let status =
                unsafe { sys::napi_get_element(raw_env, array_raw(array), index, &mut value) };
            check(status, "reading a header")?;
            read_bytes(raw_env, value, &mut flat.bytes)?;
            if index % 2 == 0 {
                start_of_pair = start;
            } else {
                flat.ranges.push((start_of_pair, start, flat.bytes.len()));
            }
        }
        if len % 2 == 1 {
            return Err(Error::new(
                Status::InvalidArg,
                "headers: the flat array must hold name, value pairs".to_owned(),
            ));
        }
        Ok(flat)
    }

    /// The pairs as slices, the form the core's `Headers` takes.
    fn pairs(&self) -> Vec<(&[u8], &[u8])> {
        self.ranges
            .iter()
            .map(|&(n, v, end)| (&self.bytes[n..v], &self.bytes[v..end]))
            .collect()
    }
}

fn array_raw(array: &Array) -> sys::napi_value {
    use napi::JsValue;
    array.raw()
}

fn check(status: sys::napi_status, what: &str) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::new(
            Status::from(status),
            format!("{what} failed: {}", Status::from(status)),
        ))
    }
}

/// Appends the bytes of a header name or value (a string or a Uint8Array) to `out`.
fn read_bytes(env: sys::napi_env, value: sys::napi_value, out: &mut Vec<u8>) -> Result<()> {
    let mut kind = 0;
    // SAFETY: live handles of this call and a valid out-pointer.
    let status = unsafe { sys::napi_typeof(env, value, &mut kind) };
    check(status, "typeof")?;
    if kind == sys::ValueType::napi_string {
        let start = out.len();
        let mut len = 0usize;
        // SAFETY: a null buffer asks only for the UTF-8 length, written to `len`.
        let status =
            unsafe { sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut len) };
        check(status, "reading a header string")?;
        out.reserve(len + 1);
        let mut written = 0usize;
        // SAFETY: `out` has room for `len + 1` more bytes (the API writes a NUL after the
        // text); `written` receives how many text bytes were written, at most `len`.
        let status = unsafe {
            sys::napi_get_value_string_utf8(
                env,
                value,
                out.as_mut_ptr().add(start).cast(),
                len + 1,
                &mut written,
            )
        };
        check(status, "reading a header string")?;
        // SAFETY: the bytes up to `start + written` were just initialized by the call above.
        unsafe { out.set_len(start + written.min(len)) };
        latin1_when_possible(out, start);
        return Ok(());
    }
    let mut is_typed_array = false;
    // SAFETY: live handles of this call and a valid out-pointer.
    let status = unsafe { sys::napi_is_typedarray(env, value, &mut is_typed_array) };
    check(status, "checking a header value")?;
    if is_typed_array {
        let mut kind = 0;
        let mut len = 0usize;
        let mut data = ptr::null_mut();
        let mut buffer = ptr::null_mut();
        let mut offset = 0usize;
        // SAFETY: live handles and valid out-pointers.
        let status = unsafe {
            sys::napi_get_typedarray_info(
                env,
                value,
                &mut kind,
                &mut len,
                &mut data,
                &mut buffer,
                &mut offset,
            )
        };
        check(status, "reading a header value")?;
        if kind == sys::TypedarrayType::uint8_array && len > 0 && !data.is_null() {
            // SAFETY: a Uint8Array of `len` bytes starts at `data` and stays alive (and, on
            // this thread, unchanged) for the duration of this call.
            out.extend_from_slice(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) });
            return Ok(());
        }
        if kind == sys::TypedarrayType::uint8_array {
            return Ok(());
        }
    }
    Err(Error::new(
        Status::InvalidArg,
        "a header name or value must be a string or a Uint8Array".to_owned(),
    ))
}

/// Turns the UTF-8 text in `out[start..]` into latin1 bytes when every character fits
/// in one byte (a byte string); leaves it as UTF-8 otherwise. ASCII needs nothing.
fn latin1_when_possible(out: &mut Vec<u8>, start: usize) {
    let text = &out[start..];
    if text.is_ascii() {
        return;
    }
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    if text.chars().all(|c| u32::from(c) <= 0xFF) {
        let latin1: Vec<u8> = text.chars().map(|c| u32::from(c) as u8).collect();
        out.truncate(start);
        out.extend_from_slice(&latin1);
    }
}
