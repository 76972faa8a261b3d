//! The per-request fast path: `verify` and `isValid` as two plain N-API functions bound to
//! one verifier. Everything here is a speed trick; `NativeVerifier::verify` in `lib.rs` is
//! the plain path that gives the same answers. Figures: bench/node.md (`make bench-node`).
//!
//! - Only the headers the scheme reads cross the boundary, one value per name the verifier
//!   reads (`header_names`), in that order; JavaScript looks them up by the spelling its
//!   container uses (node/fast.js). A 12-header request then costs about what its signed
//!   headers alone cost (bench cells aghanim/noyo/standard-webhooks x "12-header object",
//!   1 KiB: converting every header cost ~50 ns per unread header).
//! - The values come as the call's own arguments: one `napi_get_cb_info` for all of them,
//!   no array to walk; the request context (`now`, `url`, `method`) follows only when given,
//!   so the common call reads no more than the body and the values.
//! - The result goes into numbers JavaScript reads through a Float64Array over this file's
//!   memory (no object built, no typed array looked up per call), and the bytes of all values
//!   go into one reused buffer: no allocation per request. With the two above: cells
//!   github/standard-webhooks x "signed headers only", 0 B and 1 KiB, against the plain path
//!   (bench/node.md, "The fast path against the plain path": 369 ns against 1.00 µs, github 0 B).
//! - A failure is returned, not thrown: JavaScript builds one error instead of two (same
//!   table, "wrong signature" columns: 1.76 against 3.06 µs, github 0 B; the Express
//!   rejection path of `make load-ab`).
//!
//! - A third function, `verifyKeyed`, also makes the replay key (the core's rule): only the
//!   helpers given a replay store call it, and `Verified.replayKey` when first read. Making
//!   the key at every verify cost 0.15-0.21 µs (a string made and formatted, then a JS
//!   string): 13-46 % of the 0 B and 1 KiB cells of the matrix, for a key most callers never
//!   read (bench/node.md, "Replay protection").
//!
//! Each function carries its verifier as its N-API `data` (an `Rc`, released by a
//! finalizer when the function is collected): only this file sets it, so no JavaScript
//! value can make the function read anything but a verifier.

use std::cell::{Cell, UnsafeCell};
use std::ptr;
use std::rc::Rc;
use std::sync::Arc;

use napi::bindgen_prelude::Either;
use napi::{Env, Result, Unknown, sys};

use crate::bytes::{self, check};

/// What a bound function needs: the verifier, the names of the headers it reads, and the
/// numbers of the last call's result.
struct Bound {
    verifier: Arc<hooksig::Verifier>,
    names: Box<[Box<str>]>,
    /// `[secretIndex, timestamp or NaN, idKind, code, idLength, keyKind]`, read by
    /// JavaScript through a Float64Array over this memory. Written only by the functions of
    /// one JavaScript thread, while JavaScript waits for them.
    results: UnsafeCell<Results>,
    /// The last call's buffers, kept to spare two allocations per call (taken while in use).
    scratch: Cell<Option<Values>>,
}

/// The numbers of a call's result (see [`Bound::results`]).
type Results = [f64; RESULTS];
const RESULTS: usize = 6;

/// Returns `[verify, isValid, results, verifyKeyed]`. The functions take `(body, ...values)` or
/// `(body, ...values, now, url, method)`: `values` holds one header value (a string, a
/// Uint8Array, or undefined when absent) per name of `header_names()`, in that order.
///
/// `results` is a Float64Array of 6: `[secretIndex, timestamp or NaN, idKind, code,
/// idLength, keyKind]`.
/// - verify: on success `code` is 0 and it returns the id's bytes as a latin1 string
///   (or undefined); `idKind` is 0 (no id), 1 (ASCII), 2 (UTF-8) or 3 (not UTF-8).
///   On a core error `code` is its number in `hooksig::CODES` and it returns the message.
/// - verifyKeyed: as verify, but on success it returns the id's bytes followed by the
///   replay key's UTF-8 bytes as one latin1 string, `idLength` bytes of id first; `keyKind`
///   is 1 (ASCII) or 2 (UTF-8).
/// - isValid: true or false; a configuration error (a missing URL) sets `code` and
///   returns the message.
///
/// Fails where the runtime allows no external ArrayBuffer (Node.js always does): the JS
/// layer then takes the plain path.
pub fn bound_functions<'env>(
    env: &'env Env,
    verifier: &Arc<hooksig::Verifier>,
) -> Result<Unknown<'env>> {
    let raw = env.raw();
    let bound = Rc::new(Bound {
        verifier: Arc::clone(verifier),
        names: verifier.header_names().map(Box::from).collect(),
        results: UnsafeCell::new([0.0; RESULTS]),
        scratch: Cell::new(None),
    });
    let verify = bound_function(raw, b"verify\0", verify_callback, &bound)?;
    let is_valid = bound_function(raw, b"isValid\0", is_valid_callback, &bound)?;
    let results = results_array(raw, &bound)?;
    let keyed = bound_function(raw, b"verifyKeyed\0", verify_keyed_callback, &bound)?;
    let mut array = ptr::null_mut();
    // SAFETY: a live env and a valid out-pointer.
    let status = unsafe { sys::napi_create_array_with_length(raw, 4, &mut array) };
    check(status, "creating an array")?;
    for (index, function) in [verify, is_valid, results, keyed].into_iter().enumerate() {
        // SAFETY: live handles of this call.
        let status = unsafe { sys::napi_set_element(raw, array, index as u32, function) };
        check(status, "filling an array")?;
    }
    // SAFETY: `array` is a live value of this env.
    Ok(unsafe { Unknown::from_raw_unchecked(raw, array) })
}

/// A Float64Array over `bound.results`; its ArrayBuffer holds a counted reference to `bound`.
fn results_array(env: sys::napi_env, bound: &Rc<Bound>) -> Result<sys::napi_value> {
    let hint = Rc::into_raw(Rc::clone(bound))
        .cast_mut()
        .cast::<std::ffi::c_void>();
    let mut buffer = ptr::null_mut();
    // SAFETY: the memory is the bytes of `results`, alive while `hint`'s Rc is, which the
    // finalizer releases once V8 no longer needs the memory.
    let status = unsafe {
        sys::napi_create_external_arraybuffer(
            env,
            bound.results.get().cast(),
            std::mem::size_of::<Results>(),
            Some(release_results),
            hint,
            &mut buffer,
        )
    };
    if status != sys::Status::napi_ok {
        // SAFETY: `hint` came from `Rc::into_raw` just above and was not handed out.
        drop(unsafe { Rc::from_raw(hint.cast_const().cast::<Bound>()) });
        check(status, "creating the results buffer")?;
    }
    let mut array = ptr::null_mut();
    // SAFETY: a live ArrayBuffer of `Results`' size holds that many f64 at offset 0.
    let status = unsafe {
        sys::napi_create_typedarray(
            env,
            sys::TypedarrayType::float64_array,
            RESULTS,
            buffer,
            0,
            &mut array,
        )
    };
    check(status, "creating the results array")?;
    Ok(array)
}

/// Drops the reference the results buffer carried.
unsafe extern "C" fn release_results(
    _env: sys::napi_env,
    _data: *mut std::ffi::c_void,
    hint: *mut std::ffi::c_void,
) {
    // SAFETY: `hint` is the `Rc::into_raw` pointer of `results_array`, finalized once, on
    // the JavaScript thread that made it.
    drop(unsafe { Rc::from_raw(hint.cast_const().cast::<Bound>()) });
}

type RawCallback = unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value;

/// Creates a JS function running `callback` with a counted reference to `bound`.
fn bound_function(
    env: sys::napi_env,
    name: &'static [u8],
    callback: RawCallback,
    bound: &Rc<Bound>,
) -> Result<sys::napi_value> {
    let data = Rc::into_raw(Rc::clone(bound))
        .cast_mut()
        .cast::<std::ffi::c_void>();
    let mut function = ptr::null_mut();
    // SAFETY: `name` is NUL-terminated (length -1 means "up to the NUL"), `callback` has
    // the N-API callback signature, `data` is a live Rc pointer, `function` an out-pointer.
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
        // SAFETY: `data` came from `Rc::into_raw` just above and was not handed out.
        drop(unsafe { Rc::from_raw(data.cast_const().cast::<Bound>()) });
        check(status, "creating a function")?;
    }
    // SAFETY: the function is a live handle; `release` drops the Rc behind `data` once,
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
    // SAFETY: `data` is the `Rc::into_raw` pointer of `bound_function`, finalized once, on
    // the JavaScript thread that made it.
    drop(unsafe { Rc::from_raw(data.cast_const().cast::<Bound>()) });
}

/// The request context, after the header values when given: now, url, method.
const CONTEXT_ARGS: usize = 3;

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

/// `verify(body, ...values[, now, url, method])`: see [`bound_functions`].
unsafe extern "C" fn verify_callback(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    guard(env, |env| verify_call(env, info, false))
}

/// `verifyKeyed(body, ...values[, now, url, method])`: see [`bound_functions`].
unsafe extern "C" fn verify_keyed_callback(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    guard(env, |env| verify_call(env, info, true))
}

/// The body of `verify` and `verifyKeyed`.
fn verify_call(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    keyed: bool,
) -> std::result::Result<sys::napi_value, Failure> {
    let call = Call::read(env, info)?;
    // SAFETY: only this thread's functions write `results`, and not during this borrow.
    let results = unsafe { &mut *call.bound.results.get() };
    let mut result = ptr::null_mut();
    let status = match call.verify() {
        Ok(verified) => {
            let id_kind = match verified.id {
                None => 0.0,
                Some(id) if id.is_ascii() => 1.0,
                Some(id) if std::str::from_utf8(id).is_ok() => 2.0,
                Some(_) => 3.0,
            };
            // A timestamp has at most 18 digits; above 2^53 the nearest double is given.
            let timestamp = verified.timestamp.map_or(f64::NAN, |t| t as f64);
            let id = verified.id.unwrap_or_default();
            results[..4].copy_from_slice(&[verified.secret_index as f64, timestamp, id_kind, 0.0]);
            if keyed {
                let key = call.bound.verifier.replay_key(&verified);
                results[4] = id.len() as f64;
                results[5] = if key.is_ascii() { 1.0 } else { 2.0 };
                let mut both = Vec::with_capacity(id.len() + key.len());
                both.extend_from_slice(id);
                both.extend_from_slice(key.as_bytes());
                // SAFETY: latin1 takes any bytes; the length is given; `result` is an
                // out-pointer.
                unsafe {
                    sys::napi_create_string_latin1(
                        env,
                        both.as_ptr().cast(),
                        both.len() as isize,
                        &mut result,
                    )
                }
            } else if verified.id.is_none() {
                // SAFETY: a live env and a valid out-pointer.
                unsafe { sys::napi_get_undefined(env, &mut result) }
            } else {
                // SAFETY: latin1 takes any bytes; the length is given; `result` is an
                // out-pointer.
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
        Err(Failure::Core(err)) => return report(env, results, &err),
        Err(argument) => return Err(argument),
    };
    check(status, "returning the id")?;
    Ok(result)
}

/// `isValid(body, ...values[, now, url, method])`: see [`bound_functions`].
unsafe extern "C" fn is_valid_callback(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    guard(env, |env| {
        let call = Call::read(env, info)?;
        // SAFETY: only this thread's functions write `results`, and not during this borrow.
        let results = unsafe { &mut *call.bound.results.get() };
        let valid = match call.verify() {
            Ok(_) => true,
            Err(Failure::Core(err)) if err.is_verification() => false,
            Err(Failure::Core(err)) => return report(env, results, &err),
            Err(argument) => return Err(argument),
        };
        results[3] = 0.0;
        let mut result = ptr::null_mut();
        // SAFETY: a live env and a valid out-pointer.
        let status = unsafe { sys::napi_get_boolean(env, valid, &mut result) };
        check(status, "returning")?;
        Ok(result)
    })
}

/// Reports a core error: its number in `results[3]`, its message as the return value.
fn report(
    env: sys::napi_env,
    results: &mut Results,
    err: &hooksig::Error,
) -> std::result::Result<sys::napi_value, Failure> {
    results[3] = f64::from(err.info().number);
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

impl Call<'_> {
    fn read(
        env: sys::napi_env,
        info: sys::napi_callback_info,
    ) -> std::result::Result<Self, Failure> {
        let mut data = ptr::null_mut();
        let mut stack = [ptr::null_mut(); 1 + 16 + CONTEXT_ARGS];
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
        // `Rc<Bound>` that its finalizer releases after the function is gone; the
        // function is running, so it is alive.
        let bound = unsafe { &*data.cast_const().cast::<Bound>() };
        let count = bound.names.len();
        let wanted = 1 + count + CONTEXT_ARGS;
        if argc < 1 || argc > wanted {
            return Err(Failure::Argument(format!(
                "expected (body, ...{count} header values[, now, url, method])"
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
        let body = match typed_array(env, args[0], sys::TypedarrayType::uint8_array) {
            Some(body) => body,
            None => return Err(Failure::Argument("body must be a Uint8Array".into())),
        };
        let with_context = argc > 1 + count;
        let context = &args[1 + count..];
        let now = if with_context {
            now_of(env, context[0])?
        } else {
            None
        };
        let mut values = bound.scratch.take().unwrap_or_default();
        values.bytes.clear();
        values.ranges.clear();
        let mut call = Call {
            bound,
            body,
            now,
            values,
        };
        for (index, what) in [(1, "url"), (2, "method")] {
            let range = if with_context {
                call.push(env, context[index]).map_err(|_| {
                    Failure::Argument(format!("{what} must be a string or a Uint8Array"))
                })?
            } else {
                None
            };
            call.values.ranges.push(range);
        }
        for &value in &args[1..=count] {
            let range = call.push(env, value)?;
            call.values.ranges.push(range);
        }
        Ok(call)
    }

    /// Reads a value (a string, a Uint8Array, or undefined) into the buffer.
    fn push(
        &mut self,
        env: sys::napi_env,
        value: sys::napi_value,
    ) -> Result<Option<(usize, usize)>> {
        let start = self.values.bytes.len();
        match bytes::read_string(env, value, &mut self.values.bytes)? {
            true => Ok(Some((start, self.values.bytes.len()))),
            false if is_undefined(env, value)? => Ok(None),
            false => match bytes::uint8_array(env, value)? {
                Some(bytes) => {
                    self.values.bytes.extend_from_slice(bytes);
                    Ok(Some((start, self.values.bytes.len())))
                }
                None => Err(napi::Error::new(
                    napi::Status::InvalidArg,
                    "a header value must be a string or a Uint8Array".to_owned(),
                )),
            },
        }
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
            self.bound.scratch.set(Some(values));
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

/// The elements of a typed array of the given kind, or None for any other value.
///
/// The slice borrows the array's memory: use it before JavaScript runs again.
fn typed_array<'a>(
    env: sys::napi_env,
    value: sys::napi_value,
    wanted: sys::napi_typedarray_type,
) -> Option<&'a [u8]> {
    let (mut kind, mut len, mut data, mut buffer, mut offset) =
        (0, 0usize, ptr::null_mut(), ptr::null_mut(), 0usize);
    // SAFETY: live handles and valid out-pointers. Not a typed array at all is
    // `napi_invalid_arg`, with no exception pending.
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
    if status != sys::Status::napi_ok || kind != wanted {
        return None;
    }
    if len == 0 || data.is_null() {
        return Some(&[]);
    }
    // SAFETY: a Uint8Array of `len` bytes at `data`, alive and unchanged until JavaScript
    // runs again.
    Some(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) })
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
