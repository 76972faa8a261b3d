//! The Node.js binding of hooksig: a thin napi-rs layer over the core.
//!
//! It converts arguments, calls the core and maps errors; every rule lives in the
//! core. The public API is the JavaScript package in `node/`, which checks argument
//! types, normalizes headers into a flat `[name, value, ...]` array, and turns the
//! errors thrown here (a JS `Error` whose `code` is the core's stable code) into
//! `VerificationError` / `ConfigurationError`.

#![deny(clippy::undocumented_unsafe_blocks)]

use std::collections::HashMap;
use std::mem::MaybeUninit;
use std::ptr;
use std::sync::Arc;

use hooksig::{Config, Scheme};
use napi::Unknown;
use napi::bindgen_prelude::{BigInt, Either, Uint8Array};
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
        // A string from the user: a preset name or a scheme's JSON (the core's rule).
        (Some(text), None) => Scheme::from_text(&text),
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
    inner: Arc<hooksig::Verifier>,
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
        Ok(NativeVerifier {
            inner: Arc::new(inner),
        })
    }

    /// Returns `[verify, isValid]`, the hot-path functions bound to this verifier:
    /// `verify(body, now, out, ...headers)` and `isValid(body, now, out, ...headers)`.
    #[napi(ts_return_type = "[Function, Function]")]
    pub fn hot_functions<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        let raw = env.raw();
        let verify = bound_function(raw, b"verify\0", verify_callback, &self.inner)?;
        let is_valid = bound_function(raw, b"isValid\0", is_valid_callback, &self.inner)?;
        let mut array = ptr::null_mut();
        // SAFETY: a live env and a valid out-pointer.
        let status = unsafe { sys::napi_create_array_with_length(raw, 2, &mut array) };
        check(status, "creating an array")?;
        for (index, function) in [verify, is_valid].into_iter().enumerate() {
            // SAFETY: live handles of this call.
            let status = unsafe { sys::napi_set_element(raw, array, index as u32, function) };
            check(status, "filling an array")?;
        }
        // SAFETY: `array` is a live value of this env.
        Ok(unsafe { Unknown::from_raw_unchecked(raw, array) })
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

// The hot path: `verify(body, now, out, ...headers)` and `isValid(...)`, two functions
// bound to one verifier (`NativeVerifier.hotFunctions()`).
//
// They are plain N-API functions rather than `#[napi]` methods: the headers come as the
// call's own arguments (one `napi_get_cb_info` for all of them instead of one
// `napi_get_element` each), and the result goes into the caller's Float64Array instead
// of a new object (properties set from native code cost more than the MAC of a small
// body). These few hundred nanoseconds are most of a small webhook's verification.
//
// Each function carries its verifier as its N-API `data` (an `Arc`, released by a
// finalizer when the function is collected): only this file sets it, so no JS value can
// make the function read anything but a verifier.

/// Creates a JS function running `callback` with a counted reference to `verifier`.
fn bound_function(
    env: sys::napi_env,
    name: &'static [u8],
    callback: RawCallback,
    verifier: &Arc<hooksig::Verifier>,
) -> Result<sys::napi_value> {
    let data = Arc::into_raw(Arc::clone(verifier))
        .cast_mut()
        .cast::<std::ffi::c_void>();
    let mut function = ptr::null_mut();
    // SAFETY: `name` is NUL-terminated (length -1 means "up to the NUL"), `callback` has
    // the N-API callback signature, `data` is a live Arc pointer, `function` an out-pointer.
    let status = unsafe {
        sys::napi_create_function(
            env,
            name.as_ptr().cast(),
            -1,
            Some(callback),
            data,
            &mut function,
        )
    };
    if status != sys::Status::napi_ok {
        // SAFETY: `data` came from `Arc::into_raw` just above and was not handed out.
        drop(unsafe { Arc::from_raw(data.cast_const().cast::<hooksig::Verifier>()) });
        check(status, "creating a function")?;
    }
    // SAFETY: the function is a live handle; `release` drops the Arc behind `data` once,
    // when the function is collected.
    let status = unsafe {
        sys::napi_add_finalizer(
            env,
            function,
            data,
            Some(release),
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    check(status, "registering a finalizer")?;
    Ok(function)
}

/// Drops the verifier reference a bound function carried.
unsafe extern "C" fn release(
    _env: sys::napi_env,
    data: *mut std::ffi::c_void,
    _hint: *mut std::ffi::c_void,
) {
    // SAFETY: `data` is the `Arc::into_raw` pointer of `bound_function`, finalized once.
    drop(unsafe { Arc::from_raw(data.cast_const().cast::<hooksig::Verifier>()) });
}

type RawCallback = unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value;

/// The fixed arguments before the headers: body, now, out.
const FIXED_ARGS: usize = 3;

/// Why a call failed: a core error (thrown as an Error with its code) or a bad argument.
enum Failure {
    Core(hooksig::Error),
    Argument(String),
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        Failure::Argument(err.reason.clone())
    }
}

impl From<Error<&'static str>> for Failure {
    fn from(err: Error<&'static str>) -> Self {
        Failure::Argument(err.reason.clone())
    }
}

/// `verify(verifier, body, now, out, ...headers)`: writes `[secretIndex, timestamp or NaN]`
/// into `out` and returns the id (UTF-8 text, or the bytes as latin1) or undefined.
unsafe extern "C" fn verify_callback(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    guard(env, |env| {
        let mut call = Call::read(env, info)?;
        let out = call
            .out
            .take()
            .ok_or_else(|| Failure::Argument("out must be a Float64Array of 2".into()))?;
        let verified = call.verify()?;
        out[0] = verified.secret_index as f64;
        // A timestamp has at most 18 digits; above 2^53 the nearest double is given.
        out[1] = verified.timestamp.map_or(f64::NAN, |t| t as f64);
        let mut result = ptr::null_mut();
        let status = match verified.id.map(|id| (id, std::str::from_utf8(id).ok())) {
            None => {
                // SAFETY: a live env and a valid out-pointer.
                unsafe { sys::napi_get_undefined(env, &mut result) }
            }
            Some((bytes, Some(_))) if bytes.is_ascii() => {
                // SAFETY: ASCII is latin1 (a one-byte string, the cheapest to make).
                unsafe {
                    sys::napi_create_string_latin1(
                        env,
                        bytes.as_ptr().cast(),
                        bytes.len() as isize,
                        &mut result,
                    )
                }
            }
            Some((_, Some(text))) => {
                // SAFETY: `text` is valid UTF-8 of the given length; `result` is an out-pointer.
                unsafe {
                    sys::napi_create_string_utf8(
                        env,
                        text.as_ptr().cast(),
                        text.len() as isize,
                        &mut result,
                    )
                }
            }
            Some((bytes, None)) => {
                // SAFETY: latin1 takes any bytes; the length is given; `result` is an out-pointer.
                unsafe {
                    sys::napi_create_string_latin1(
                        env,
                        bytes.as_ptr().cast(),
                        bytes.len() as isize,
                        &mut result,
                    )
                }
            }
        };
        check(status, "returning the id")?;
        Ok(result)
    })
}

/// `isValid(verifier, body, now, out, ...headers)`: a boolean; only a bad argument throws.
unsafe extern "C" fn is_valid_callback(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    guard(env, |env| {
        let call = Call::read(env, info)?;
        let valid = match call.verify() {
            Ok(_) => true,
            Err(Failure::Core(_)) => false,
            Err(other) => return Err(other),
        };
        let mut result = ptr::null_mut();
        // SAFETY: a live env and a valid out-pointer.
        let status = unsafe { sys::napi_get_boolean(env, valid, &mut result) };
        check(status, "returning")?;
        Ok(result)
    })
}

/// Runs a callback body, turning a failure into a thrown JS error and catching any panic
/// so that none crosses into Node.
fn guard(
    env: sys::napi_env,
    body: impl FnOnce(sys::napi_env) -> std::result::Result<sys::napi_value, Failure>,
) -> sys::napi_value {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(env)));
    let (code, message) = match outcome {
        Ok(Ok(value)) => return value,
        Ok(Err(Failure::Core(err))) => (err.code(), err.to_string()),
        Ok(Err(Failure::Argument(message))) => ("ERR_INVALID_ARG_TYPE", message),
        Err(_) => (
            "ERR_HOOKSIG_INTERNAL",
            "hooksig: internal error (a bug): please report it".to_owned(),
        ),
    };
    let code = std::ffi::CString::new(code).unwrap_or_default();
    let message = std::ffi::CString::new(message.replace('\0', " ")).unwrap_or_default();
    // SAFETY: both strings are NUL-terminated and live across the call.
    unsafe { sys::napi_throw_error(env, code.as_ptr(), message.as_ptr()) };
    ptr::null_mut()
}

/// One call's arguments, converted.
struct Call<'a> {
    verifier: &'a hooksig::Verifier,
    body: &'a [u8],
    now: Option<u64>,
    out: Option<&'a mut [f64]>,
    headers: FlatHeaders,
}

impl Call<'_> {
    fn read(
        env: sys::napi_env,
        info: sys::napi_callback_info,
    ) -> std::result::Result<Self, Failure> {
        let mut stack = [ptr::null_mut(); 64];
        let mut argc = stack.len();
        let mut data = ptr::null_mut();
        // SAFETY: `stack` has room for `argc` values; the call writes at most that many and
        // sets `argc` to the number of arguments actually passed; `data` is an out-pointer.
        let status = unsafe {
            sys::napi_get_cb_info(
                env,
                info,
                &mut argc,
                stack.as_mut_ptr(),
                ptr::null_mut(),
                &mut data,
            )
        };
        check(status, "reading the arguments")?;
        let heap;
        let args: &[sys::napi_value] = if argc <= stack.len() {
            &stack[..argc]
        } else {
            heap = {
                let mut all = vec![ptr::null_mut(); argc];
                let mut n = argc;
                // SAFETY: `all` has room for `n` values.
                let status = unsafe {
                    sys::napi_get_cb_info(
                        env,
                        info,
                        &mut n,
                        all.as_mut_ptr(),
                        ptr::null_mut(),
                        ptr::null_mut(),
                    )
                };
                check(status, "reading the arguments")?;
                all
            };
            &heap
        };
        if args.len() < FIXED_ARGS {
            return Err(Failure::Argument(
                "expected (body, now, out, ...headers)".into(),
            ));
        }
        if data.is_null() {
            return Err(Failure::Argument("not a bound verifier function".into()));
        }
        // SAFETY: only `bound_function` creates these functions, with `data` a live
        // `Arc<Verifier>` that its finalizer releases after the function is gone; the
        // function is running, so it is alive.
        let verifier = unsafe { &*data.cast_const().cast::<hooksig::Verifier>() };
        let body = typed_array(env, args[0], sys::TypedarrayType::uint8_array, "body")?;
        let now = now_of(env, args[1])?;
        let out = typed_array(env, args[2], sys::TypedarrayType::float64_array, "out")?;
        Ok(Call {
            verifier,
            // SAFETY: the bytes of a live Uint8Array argument, not touched by JS during this call.
            body: unsafe { slice_of(body.0.cast::<u8>(), body.1) },
            now,
            out: if out.1 >= 2 {
                // SAFETY: the caller's own Float64Array, not touched by JS during this call.
                Some(unsafe { std::slice::from_raw_parts_mut(out.0.cast::<f64>(), out.1) })
            } else {
                None
            },
            headers: FlatHeaders::read(env, &args[FIXED_ARGS..])?,
        })
    }

    fn verify(&self) -> std::result::Result<hooksig::Verified<'_>, Failure> {
        match self.now {
            Some(now) => self.verifier.verify_at(self.body, &self.headers, now),
            None => self.verifier.verify(self.body, &self.headers),
        }
        .map_err(Failure::Core)
    }
}

impl Drop for Call<'_> {
    fn drop(&mut self) {
        std::mem::take(&mut self.headers).recycle();
    }
}

/// Returns the data pointer and element count of a typed array of the given kind.
fn typed_array(
    env: sys::napi_env,
    value: sys::napi_value,
    wanted: sys::napi_typedarray_type,
    what: &str,
) -> std::result::Result<(*mut std::ffi::c_void, usize), Failure> {
    let (mut kind, mut len, mut data, mut buffer, mut offset) =
        (0, 0usize, ptr::null_mut(), ptr::null_mut(), 0usize);
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
    // Not a typed array at all is `napi_invalid_arg`, with no exception pending.
    if status == sys::Status::napi_invalid_arg {
        return Err(Failure::Argument(format!("{what} must be a typed array")));
    }
    check(status, what)?;
    if kind != wanted {
        return Err(Failure::Argument(format!(
            "{what} has the wrong typed array kind"
        )));
    }
    Ok((data, len))
}

/// A slice over `len` elements at `data`; empty when `len` is 0 (whatever `data` is).
///
/// # Safety
/// `data` must point to `len` initialized bytes that stay alive and unchanged while the
/// slice is used.
unsafe fn slice_of<'a>(data: *const u8, len: usize) -> &'a [u8] {
    if len == 0 || data.is_null() {
        &[]
    } else {
        // SAFETY: as the caller guarantees.
        unsafe { std::slice::from_raw_parts(data, len) }
    }
}

/// `now`: undefined/null (the system clock), a safe non-negative integer, or a bigint.
fn now_of(env: sys::napi_env, value: sys::napi_value) -> std::result::Result<Option<u64>, Failure> {
    let mut kind = 0;
    // SAFETY: live handles and a valid out-pointer.
    check(unsafe { sys::napi_typeof(env, value, &mut kind) }, "now")?;
    match kind {
        sys::ValueType::napi_undefined | sys::ValueType::napi_null => Ok(None),
        sys::ValueType::napi_number => {
            let mut n = 0f64;
            // SAFETY: a number value and a valid out-pointer.
            let status = unsafe { sys::napi_get_value_double(env, value, &mut n) };
            check(status, "now")?;
            Ok(Some(seconds(&Either::A(n), "now")?))
        }
        sys::ValueType::napi_bigint => {
            let (mut n, mut lossless) = (0u64, false);
            // SAFETY: a bigint value and valid out-pointers.
            let status =
                unsafe { sys::napi_get_value_bigint_uint64(env, value, &mut n, &mut lossless) };
            check(status, "now")?;
            if lossless {
                Ok(Some(n))
            } else {
                Err(Failure::Argument(
                    "now must be a non-negative integer below 2^64".into(),
                ))
            }
        }
        _ => Err(Failure::Argument("now must be a number or a bigint".into())),
    }
}

/// Header names and values copied into one buffer, with their ranges.
///
/// One allocation for all the bytes (plus one for the ranges) instead of one per string.
#[derive(Default)]
struct FlatHeaders {
    bytes: Vec<u8>,
    ranges: Vec<(usize, usize, usize)>,
}

thread_local! {
    /// The last call's buffers, kept to spare two allocations per verification.
    static SCRATCH: std::cell::Cell<Option<FlatHeaders>> = const { std::cell::Cell::new(None) };
}

impl FlatHeaders {
    /// Reads `[name, value, ...]` strings and Uint8Arrays (the call's trailing arguments).
    fn read(env: sys::napi_env, values: &[sys::napi_value]) -> Result<Self> {
        if values.len() % 2 == 1 {
            return Err(Error::new(
                Status::InvalidArg,
                "headers: the flat list must hold name, value pairs".to_owned(),
            ));
        }
        let mut flat = SCRATCH.with(std::cell::Cell::take).unwrap_or_default();
        flat.bytes.clear();
        flat.ranges.clear();
        for pair in values.chunks_exact(2) {
            let name = flat.bytes.len();
            read_bytes(env, pair[0], &mut flat.bytes)?;
            let value = flat.bytes.len();
            read_bytes(env, pair[1], &mut flat.bytes)?;
            flat.ranges.push((name, value, flat.bytes.len()));
        }
        Ok(flat)
    }

    /// Hands the buffers back for the next call (unless a huge header made them big).
    fn recycle(self) {
        if self.bytes.capacity() <= 64 * 1024 && self.ranges.capacity() <= 1024 {
            SCRATCH.with(|scratch| scratch.set(Some(self)));
        }
    }
}

impl hooksig::Headers for FlatHeaders {
    fn visit<'a>(&'a self, visit: &mut dyn FnMut(&'a [u8], &'a [u8])) {
        for &(name, value, end) in &self.ranges {
            visit(&self.bytes[name..value], &self.bytes[value..end]);
        }
    }
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
///
/// A string is read as UTF-16 in one call (into a stack buffer when it fits): a byte
/// string (every unit at most 0xFF, how Node's http and fetch hand header bytes to JS)
/// becomes those bytes; any other string cannot have come off the wire and is taken as
/// text, encoded as UTF-8 (a lone surrogate becomes U+FFFD).
fn read_bytes(env: sys::napi_env, value: sys::napi_value, out: &mut Vec<u8>) -> Result<()> {
    const STACK: usize = 512;
    let mut stack = MaybeUninit::<[u16; STACK]>::uninit();
    let mut len = 0usize;
    // SAFETY: live handles of this call; the buffer has room for STACK units (the call
    // writes at most STACK - 1 units and a terminating NUL) and `len` is a valid out-pointer.
    let status = unsafe {
        sys::napi_get_value_string_utf16(env, value, stack.as_mut_ptr().cast(), STACK, &mut len)
    };
    if status == sys::Status::napi_ok {
        if len < STACK - 1 {
            // SAFETY: the call above initialized the first `len` units.
            let units = unsafe { std::slice::from_raw_parts(stack.as_ptr().cast::<u16>(), len) };
            push_units(units, out);
            return Ok(());
        }
        // Perhaps cut short: ask for the length and read it whole.
        let mut full = 0usize;
        // SAFETY: a null buffer asks only for the length in UTF-16 units.
        let status =
            unsafe { sys::napi_get_value_string_utf16(env, value, ptr::null_mut(), 0, &mut full) };
        check(status, "reading a header string")?;
        let mut units = vec![0u16; full + 1];
        let mut written = 0usize;
        // SAFETY: `units` has room for `full + 1` units, the text and its NUL.
        let status = unsafe {
            sys::napi_get_value_string_utf16(
                env,
                value,
                units.as_mut_ptr(),
                units.len(),
                &mut written,
            )
        };
        check(status, "reading a header string")?;
        push_units(&units[..written.min(full)], out);
        return Ok(());
    }
    if status != sys::Status::napi_string_expected {
        check(status, "reading a header string")?;
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
        if kind == sys::TypedarrayType::uint8_array {
            if len > 0 && !data.is_null() {
                // SAFETY: a Uint8Array of `len` bytes starts at `data` and stays alive (and,
                // on this thread, unchanged) for the duration of this call.
                out.extend_from_slice(unsafe {
                    std::slice::from_raw_parts(data.cast::<u8>(), len)
                });
            }
            return Ok(());
        }
    }
    Err(Error::new(
        Status::InvalidArg,
        "a header name or value must be a string or a Uint8Array".to_owned(),
    ))
}

/// Appends UTF-16 text: as bytes when it is a byte string, else as UTF-8.
fn push_units(units: &[u16], out: &mut Vec<u8>) {
    // Written to vectorize: OR every unit together, then narrow in place.
    if units.iter().fold(0u16, |acc, &u| acc | u) <= 0xFF {
        let start = out.len();
        out.resize(start + units.len(), 0);
        for (byte, &unit) in out[start..].iter_mut().zip(units) {
            *byte = unit as u8;
        }
    } else {
        let text: String = char::decode_utf16(units.iter().copied())
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        out.extend_from_slice(text.as_bytes());
    }
}
