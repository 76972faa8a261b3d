//! How JavaScript values become the bytes the core reads: one rule for header names and
//! values, the URL and the method.
//!
//! A string is a byte string when every UTF-16 unit is at most 0xFF: that is how Node's
//! http and fetch hand header bytes (and the request line) to JavaScript, one character per
//! byte, so those bytes are what was signed. Any other string cannot have come off the wire
//! and is taken as text, encoded as UTF-8 (a lone surrogate becomes U+FFFD). A `Uint8Array`
//! is its bytes.

use std::mem::MaybeUninit;
use std::ptr;

use napi::bindgen_prelude::{FromNapiValue, TypeName, ValidateNapiValue};
use napi::{Error, Result, Status, ValueType, sys};

/// Bytes converted by the rule above: a header name or value, a URL, a method.
pub struct Bytes(pub Vec<u8>);

impl FromNapiValue for Bytes {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut out = Vec::new();
        read(env, value, &mut out)?;
        Ok(Bytes(out))
    }
}

impl TypeName for Bytes {
    fn type_name() -> &'static str {
        "string | Uint8Array"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for Bytes {}

/// Appends the bytes of `value` (a string or a Uint8Array) to `out`.
pub fn read(env: sys::napi_env, value: sys::napi_value, out: &mut Vec<u8>) -> Result<()> {
    if read_string(env, value, out)? {
        return Ok(());
    }
    if let Some(bytes) = uint8_array(env, value)? {
        out.extend_from_slice(bytes);
        return Ok(());
    }
    Err(Error::new(
        Status::InvalidArg,
        "a header name or value, URL or method must be a string or a Uint8Array".to_owned(),
    ))
}

/// Appends the bytes of `value` when it is a string (and returns true); false for any
/// other value.
///
/// The string is read as UTF-16 in one call (into a stack buffer when it fits), then
/// narrowed to bytes or encoded as UTF-8 by the rule of this module.
pub fn read_string(env: sys::napi_env, value: sys::napi_value, out: &mut Vec<u8>) -> Result<bool> {
    const STACK: usize = 512;
    let mut stack = MaybeUninit::<[u16; STACK]>::uninit();
    let mut len = 0usize;
    // SAFETY: live handles of this call; the buffer has room for STACK units (the call
    // writes at most STACK - 1 units and a terminating NUL) and `len` is a valid out-pointer.
    let status = unsafe {
        sys::napi_get_value_string_utf16(env, value, stack.as_mut_ptr().cast(), STACK, &mut len)
    };
    if status == sys::Status::napi_string_expected {
        return Ok(false);
    }
    check(status, "reading a string")?;
    if len < STACK - 1 {
        // SAFETY: the call above initialized the first `len` units.
        let units = unsafe { std::slice::from_raw_parts(stack.as_ptr().cast::<u16>(), len) };
        push_units(units, out);
        return Ok(true);
    }
    // Perhaps cut short: ask for the length and read it whole.
    let mut full = 0usize;
    // SAFETY: a null buffer asks only for the length in UTF-16 units.
    let status =
        unsafe { sys::napi_get_value_string_utf16(env, value, ptr::null_mut(), 0, &mut full) };
    check(status, "reading a string")?;
    let mut units = vec![0u16; full + 1];
    let mut written = 0usize;
    // SAFETY: `units` has room for `full + 1` units, the text and its NUL.
    let status = unsafe {
        sys::napi_get_value_string_utf16(env, value, units.as_mut_ptr(), units.len(), &mut written)
    };
    check(status, "reading a string")?;
    push_units(&units[..written.min(full)], out);
    Ok(true)
}

/// Returns the bytes of a Uint8Array, or None when `value` is not one.
///
/// The slice borrows the array's memory: use it before JavaScript runs again.
pub fn uint8_array<'a>(env: sys::napi_env, value: sys::napi_value) -> Result<Option<&'a [u8]>> {
    let mut is_typed_array = false;
    // SAFETY: live handles of this call and a valid out-pointer.
    let status = unsafe { sys::napi_is_typedarray(env, value, &mut is_typed_array) };
    check(status, "checking a typed array")?;
    if !is_typed_array {
        return Ok(None);
    }
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
    check(status, "reading a typed array")?;
    if kind != sys::TypedarrayType::uint8_array {
        return Ok(None);
    }
    if len == 0 || data.is_null() {
        return Ok(Some(&[]));
    }
    // SAFETY: a Uint8Array of `len` bytes starts at `data`; it stays alive and, on this
    // thread, unchanged until JavaScript runs again, which the caller waits for.
    Ok(Some(unsafe {
        std::slice::from_raw_parts(data.cast::<u8>(), len)
    }))
}

/// Appends UTF-16 text: as bytes when it is a byte string, else as UTF-8.
#[inline]
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

/// Turns an N-API status into an error naming what failed.
#[inline]
pub fn check(status: sys::napi_status, what: &str) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::new(
            Status::from(status),
            format!("{what} failed: {}", Status::from(status)),
        ))
    }
}
