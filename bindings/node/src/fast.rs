//! The per-request fast path: `verify` and `isValid` as two plain N-API functions bound to
//! one verifier. Everything here is a speed trick; `NativeVerifier::verify` in `lib.rs` is
//! the plain path that gives the same answers. Figures: bench/node.md (`make bench-node`).
//!
//! - Only the headers the scheme reads cross the boundary, as one value per header name
//!   the verifier reads (`header_names`), in that order; JavaScript looks them up by the
//!   spelling its container uses (node/fast.js). A 12-header request then costs what the
//!   signed headers alone cost (bench cells `aghanim`/`noyo` x "12-header object" and
//!   x "Headers", 1 KiB: converting every header cost ~50 ns per unread header).
//! - The values come as the call's own arguments: one `napi_get_cb_info` for all of them,
//!   no array to walk (bench cell `standard-webhooks` x "signed headers only", 0 B).
//! - The result goes into the caller's Float64Array and a failure is returned, not
//!   thrown: no object is built here, and JavaScript builds one error instead of two (the
//!   Express rejection path of `make load-ab`).
//! - The bytes of all values go into one reused buffer: no allocation per request.
//!
//! Each function carries its verifier as its N-API `data` (an `Arc`, released by a
//! finalizer when the function is collected): only this file sets it, so no JavaScript
//! value can make the function read anything but a verifier.

use std::ptr;
use std::sync::Arc;

use napi::bindgen_prelude::Either;
use napi::{Env, Result, Unknown, sys};

use crate::bytes::{self, check};

/// What a bound function needs: the verifier and the names of the headers it reads.
struct Bound {
    verifier: Arc<hooksig::Verifier>,
    names: Box<[Box<str>]>,
}

/// Returns `[verify, isValid]`, each `(body, now, url, method, out, ...values)`: `values`
/// holds one header value (a string, a Uint8Array, or undefined when absent) per name of
/// `header_names()`, in that order.
///
/// `out` is a Float64Array of 4: `[secretIndex, timestamp or NaN, idKind, code]`.
/// - verify: on success `code` is 0 and it returns the id's bytes as a latin1 string
///   (or undefined); `idKind` is 0 (no id), 1 (ASCII), 2 (UTF-8) or 3 (not UTF-8).
///   On a core error `code` is its number in `hooksig::CODES` and it returns the message.
/// - isValid: true or false; a configuration error (a missing URL) sets `code` and
///   returns the message.
pub fn bound_functions<'env>(
    env: &'env Env,
    verifier: &Arc<hooksig::Verifier>,
) -> Result<Unknown<'env>> {
    let raw = env.raw();
    let bound = Arc::new(Bound {
        verifier: Arc::clone(verifier),
        names: verifier.header_names().map(Box::from).collect(),
    });
    let verify = bound_function(raw, b"verify\0", verify_callback, &bound)?;
    let is_valid = bound_function(raw, b"isValid\0", is_valid_callback, &bound)?;
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

type RawCallback = unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value;

/// Creates a JS function running `callback` with a counted reference to `bound`.
fn bound_function(
    env: sys::napi_env,
    name: &'static [u8],
    callback: RawCallback,
    bound: &Arc<Bound>,
) -> Result<sys::napi_value> {
    let data = Arc::into_raw(Arc::clone(bound))
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
        drop(unsafe { Arc::from_raw(data.cast_const().cast::<Bound>()) });
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

/// Drops the reference a bound function carried.
unsafe extern "C" fn release(
    _env: sys::napi_env,
    data: *mut std::ffi::c_void,
    _hint: *mut std::ffi::c_void,
) {
    // SAFETY: `data` is the `Arc::into_raw` pointer of `bound_function`, finalized once.
    drop(unsafe { Arc::from_raw(data.cast_const().cast::<Bound>()) });
}

/// The fixed arguments before the header values: body, now, url, method, out.
const FIXED_ARGS: usize = 5;

/// Why a call failed: a core error (reported by its number) or a bad argument (thrown).
enum Failure {
    Core(hooksig::Error),
    Argument(String),
}

impl From<napi::Error> for Failure {
    fn from(err: napi::Error) -> Self {
        Failure::Argument(err.reason.clone())
    }
}

impl From<napi::Error<&'static str>> for Failure {
    fn from(err: napi::Error<&'static str>) -> Self {
        Failure::Argument(err.reason.clone())
    }
}

/// `verify(body, now, url, method, out, ...values)`: see [`bound_functions`].
unsafe extern "C" fn verify_callback(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    guard(env, |env| {
        let (call, out) = Call::read(env, info)?;
        let outcome = call.verify();
        let mut result = ptr::null_mut();
        let status = match outcome {
            Ok(verified) => {
                out[0] = verified.secret_index as f64;
                // A timestamp has at most 18 digits; above 2^53 the nearest double is given.
                out[1] = verified.timestamp.map_or(f64::NAN, |t| t as f64);
                out[3] = 0.0;
                match verified.id {
                    None => {
                        out[2] = 0.0;
                        // SAFETY: a live env and a valid out-pointer.
                        unsafe { sys::napi_get_undefined(env, &mut result) }
                    }
                    Some(id) => {
                        out[2] = if id.is_ascii() {
                            1.0
                        } else if std::str::from_utf8(id).is_ok() {
                            2.0
                        } else {
                            3.0
                        };
                        // SAFETY: latin1 takes any bytes; the length is given; `result` is
                        // an out-pointer.
                        unsafe {
                            sys::napi_create_string_latin1(
                                env,
                                id.as_ptr().cast(),
                                id.len() as isize,
                                &mut result,
                            )
                        }
                    }
                }
            }
            Err(Failure::Core(err)) => return report(env, out, &err),
            Err(argument) => return Err(argument),
        };
        check(status, "returning the id")?;
        Ok(result)
    })
}

/// `isValid(body, now, url, method, out, ...values)`: see [`bound_functions`].
unsafe extern "C" fn is_valid_callback(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    guard(env, |env| {
        let (call, out) = Call::read(env, info)?;
        let valid = match call.verify() {
            Ok(_) => true,
            Err(Failure::Core(err)) if err.is_verification() => false,
            Err(Failure::Core(err)) => return report(env, out, &err),
            Err(argument) => return Err(argument),
        };
        out[3] = 0.0;
        let mut result = ptr::null_mut();
        // SAFETY: a live env and a valid out-pointer.
        let status = unsafe { sys::napi_get_boolean(env, valid, &mut result) };
        check(status, "returning")?;
        Ok(result)
    })
}

/// Reports a core error: its number in `out[3]`, its message as the return value.
fn report(
    env: sys::napi_env,
    out: &mut [f64],
    err: &hooksig::Error,
) -> std::result::Result<sys::napi_value, Failure> {
    out[3] = f64::from(err.info().number);
    let message = err.to_string();
    let mut result = ptr::null_mut();
    // SAFETY: `message` is valid UTF-8 of the given length; `result` is an out-pointer.
    let status = unsafe {
        sys::napi_create_string_utf8(
            env,
            message.as_ptr().cast(),
            message.len() as isize,
            &mut result,
        )
    };
    check(status, "returning the error")?;
    Ok(result)
}

/// Runs a callback body, turning an argument failure into a thrown JS error and catching
/// any panic so that none crosses into Node.
fn guard(
    env: sys::napi_env,
    body: impl FnOnce(sys::napi_env) -> std::result::Result<sys::napi_value, Failure>,
) -> sys::napi_value {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(env)));
    let (code, message) = match outcome {
        Ok(Ok(value)) => return value,
        // Core errors are reported through `out`; one reaching here is still thrown with its code.
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
    bound: &'a Bound,
    body: &'a [u8],
    now: Option<u64>,
    values: Values,
}

/// The bytes of the URL, the method and each present header value, in one buffer.
#[derive(Default)]
struct Values {
    bytes: Vec<u8>,
    /// `(start, end)` of the URL, the method, then each header slot; `None` when absent.
    ranges: Vec<Option<(usize, usize)>>,
}

thread_local! {
    /// The last call's buffers, kept to spare two allocations per verification.
    static SCRATCH: std::cell::Cell<Option<Values>> = const { std::cell::Cell::new(None) };
}

impl<'a> Call<'a> {
    /// Reads the arguments; returns them and the caller's `out` array.
    fn read(
        env: sys::napi_env,
        info: sys::napi_callback_info,
    ) -> std::result::Result<(Self, &'a mut [f64]), Failure> {
        let mut data = ptr::null_mut();
        let mut stack = [ptr::null_mut(); FIXED_ARGS + 16];
        let mut argc = stack.len();
        // SAFETY: `stack` has room for `argc` values; the call writes at most that many
        // (undefined for those not passed) and sets `argc` to the number passed; `data` is
        // an out-pointer.
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
        if data.is_null() {
            return Err(Failure::Argument("not a bound verifier function".into()));
        }
        // SAFETY: only `bound_function` creates these functions, with `data` a live
        // `Arc<Bound>` that its finalizer releases after the function is gone; the
        // function is running, so it is alive.
        let bound = unsafe { &*data.cast_const().cast::<Bound>() };
        let wanted = FIXED_ARGS + bound.names.len();
        if argc < FIXED_ARGS || argc > wanted {
            return Err(Failure::Argument(format!(
                "expected (body, now, url, method, out, ...{} header values)",
                bound.names.len()
            )));
        }
        let heap;
        let args: &[sys::napi_value] = if wanted <= stack.len() {
            &stack[..wanted]
        } else {
            heap = {
                let mut all = vec![ptr::null_mut(); wanted];
                let mut n = wanted;
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
        let body = match bytes::uint8_array(env, args[0])? {
            Some(body) => body,
            None => return Err(Failure::Argument("body must be a Uint8Array".into())),
        };
        let now = now_of(env, args[1])?;
        let out = float64_array(env, args[4])?;
        let mut values = SCRATCH.with(std::cell::Cell::take).unwrap_or_default();
        values.bytes.clear();
        values.ranges.clear();
        let mut call = Call {
            bound,
            body,
            now,
            values,
        };
        for (index, &value) in args[2..4].iter().chain(&args[FIXED_ARGS..]).enumerate() {
            let range = if is_undefined(env, value)? {
                None
            } else {
                let start = call.values.bytes.len();
                bytes::read(env, value, &mut call.values.bytes).map_err(|err| {
                    Failure::Argument(match index {
                        0 => "url must be a string or a Uint8Array".to_owned(),
                        1 => "method must be a string or a Uint8Array".to_owned(),
                        _ => err.reason.clone(),
                    })
                })?;
                Some((start, call.values.bytes.len()))
            };
            call.values.ranges.push(range);
        }
        Ok((call, out))
    }

    fn verify(&self) -> std::result::Result<hooksig::Verified<'_>, Failure> {
        let part = |index: usize| {
            self.values.ranges[index].map(|(start, end)| &self.values.bytes[start..end])
        };
        let mut context = hooksig::Context::new();
        context.now = self.now;
        context.url = part(0);
        context.method = part(1);
        self.bound
            .verifier
            .verify_with(self.body, self, &context)
            .map_err(Failure::Core)
    }
}

impl Drop for Call<'_> {
    fn drop(&mut self) {
        let values = std::mem::take(&mut self.values);
        // Hands the buffers back for the next call (unless a huge header made them big).
        if values.bytes.capacity() <= 64 * 1024 {
            SCRATCH.with(|scratch| scratch.set(Some(values)));
        }
    }
}

/// The header values of one call, each under the name the verifier reads.
impl hooksig::Headers for Call<'_> {
    fn visit<'a>(&'a self, visit: &mut dyn FnMut(&'a [u8], &'a [u8])) {
        // The first two ranges are the URL and the method.
        for (name, range) in self.bound.names.iter().zip(&self.values.ranges[2..]) {
            if let Some((start, end)) = *range {
                visit(name.as_bytes(), &self.values.bytes[start..end]);
            }
        }
    }
}

fn is_undefined(env: sys::napi_env, value: sys::napi_value) -> Result<bool> {
    let mut kind = 0;
    // SAFETY: live handles and a valid out-pointer.
    check(unsafe { sys::napi_typeof(env, value, &mut kind) }, "typeof")?;
    Ok(kind == sys::ValueType::napi_undefined)
}

/// The caller's Float64Array of at least 4 elements.
fn float64_array<'a>(
    env: sys::napi_env,
    value: sys::napi_value,
) -> std::result::Result<&'a mut [f64], Failure> {
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
    if status != sys::Status::napi_ok || kind != sys::TypedarrayType::float64_array || len < 4 {
        return Err(Failure::Argument("out must be a Float64Array of 4".into()));
    }
    // SAFETY: the caller's own Float64Array of `len` elements, not touched by JS during
    // this call.
    Ok(unsafe { std::slice::from_raw_parts_mut(data.cast::<f64>(), len) })
}

/// `now`: undefined (the system clock), a safe non-negative integer, or a bigint.
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
            Ok(Some(crate::seconds(&Either::A(n), "now")?))
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
