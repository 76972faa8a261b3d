//! The C ABI of hooksig: constant-time webhook signature verification from any
//! language with a C FFI (Ruby uses it through the `ffi` gem).
//!
//! The header `include/hooksig.h` is generated from this file by cbindgen and checked
//! in; `tests/header.rs` fails when it is stale (`HOOKSIG_BLESS=1 cargo test -p
//! hooksig-c --test header` rewrites it).
//!
//! Conventions, the same for every function:
//!
//! - Every fallible function returns a [`hooksig_code`]: `HOOKSIG_OK` (0), one code per
//!   stable core error code, or `HOOKSIG_INVALID_ARGUMENT` for a misuse of the ABI (a
//!   NULL pointer where one is required, text that must be UTF-8 and is not, ...).
//! - A byte string is a pointer and a length. A NULL pointer with length 0 is the empty
//!   string; a NULL pointer with any other length is `HOOKSIG_INVALID_ARGUMENT`.
//! - `message_out`, when not NULL, receives on failure a NUL-terminated detailed message
//!   owned by the library (free it with [`hooksig_string_free`]), and NULL on success.
//!   It never contains a secret or an expected signature.
//! - No panic crosses the boundary: every entry point catches unwinding and reports
//!   `HOOKSIG_INTERNAL_ERROR` instead.
//! - Everything the library allocates has its free function, which accepts NULL.

#![allow(non_camel_case_types)]

use std::ffi::{CString, c_char};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use hooksig::{Config, Context, Error, Headers, Scheme, Verified};

/// The result of every fallible function: 0 is success, 1 to 10 are the core's stable
/// error codes (its table `hooksig::CODES`: the same strings in every language, see
/// [`hooksig_code_name`] and [`hooksig_code_kind`]), 100 and 101 the ABI's own.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum hooksig_code {
    /// Success.
    HOOKSIG_OK = 0,
    /// `missing_header`: a required header (signature, timestamp, id) is absent or empty.
    HOOKSIG_MISSING_HEADER = 1,
    /// `invalid_header`: a header is present but cannot be used.
    HOOKSIG_INVALID_HEADER = 2,
    /// `timestamp_too_old`: the timestamp is older than the tolerance allows.
    HOOKSIG_TIMESTAMP_TOO_OLD = 3,
    /// `timestamp_in_future`: the timestamp is further ahead than the tolerance allows.
    HOOKSIG_TIMESTAMP_IN_FUTURE = 4,
    /// `signature_mismatch`: no signature matches under any secret.
    HOOKSIG_SIGNATURE_MISMATCH = 5,
    /// `unknown_preset`: no preset has this name.
    HOOKSIG_UNKNOWN_PRESET = 6,
    /// `invalid_scheme`: the scheme is not valid.
    HOOKSIG_INVALID_SCHEME = 7,
    /// `invalid_secret`: no secret, an empty secret, or one not in its declared encoding.
    HOOKSIG_INVALID_SECRET = 8,
    /// `missing_param`: a param the scheme's message needs, or the request URL or method,
    /// was not given.
    HOOKSIG_MISSING_PARAM = 9,
    /// `invalid_key`: a public or private key is malformed, or of the wrong kind.
    HOOKSIG_INVALID_KEY = 10,
    /// `invalid_argument`: the ABI was misused (a NULL pointer, non-UTF-8 text, ...).
    HOOKSIG_INVALID_ARGUMENT = 100,
    /// `internal_error`: a bug in hooksig (a caught panic); please report it.
    HOOKSIG_INTERNAL_ERROR = 101,
}

use hooksig_code::*;

/// `hooksig_config.tolerance_mode`: the scheme's own replay window (the zero value).
pub const HOOKSIG_TOLERANCE_DEFAULT: u32 = 0;
/// `hooksig_config.tolerance_mode`: no replay window at all.
pub const HOOKSIG_TOLERANCE_NONE: u32 = 1;
/// `hooksig_config.tolerance_mode`: a window of `tolerance_seconds`.
pub const HOOKSIG_TOLERANCE_SECONDS: u32 = 2;

/// A bit of [`hooksig_verifier_needs`]: verify needs the request URL (`context->url`).
pub const HOOKSIG_NEEDS_URL: u32 = 1;
/// A bit of [`hooksig_verifier_needs`]: verify needs the request method (`context->method`).
pub const HOOKSIG_NEEDS_METHOD: u32 = 2;
/// A bit of [`hooksig_verifier_needs`]: the provider sends handshakes (Slack, Zoom, Twitch,
/// Discord, Meta, Dropbox, Asana, Okta): offer each request to [`hooksig_handshake`] first,
/// with every header, the URL and the method.
pub const HOOKSIG_NEEDS_HANDSHAKE: u32 = 4;
/// A bit of [`hooksig_verifier_needs`]: the replay key reads the body (a token scheme, whose
/// key is the body's digest): make it in the verify call ([`hooksig_verify_keyed`]), not
/// later, since a token still verifies a body changed since.
pub const HOOKSIG_NEEDS_KEY_AT_VERIFY: u32 = 8;

/// A byte string: `len` bytes at `ptr` (NULL only when `len` is 0).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hooksig_bytes {
    /// The first byte.
    pub ptr: *const u8,
    /// How many bytes.
    pub len: usize,
}

/// One request header, or one construction param: a name and a value, as bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hooksig_header {
    /// The name's bytes (matched case-insensitively for headers).
    pub name: *const u8,
    /// The name's length.
    pub name_len: usize,
    /// The value's bytes.
    pub value: *const u8,
    /// The value's length.
    pub value_len: usize,
}

/// What a verifier or signer is built from. Zero-initialise it, then set a preset or a
/// scheme, the keys (secrets, public keys, or for a signer a private key), and optionally
/// params, a tolerance, a replay namespace and a replay TTL. Fields are only ever added at
/// the end, each with zero meaning its default, so a zeroed config stays valid.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hooksig_config {
    /// A preset name (`"github"`, `"stripe"`, ...) or, when it starts with `{`, a scheme in
    /// JSON (as every binding reads a string); NULL when `scheme_json` is given.
    pub preset: *const u8,
    /// The preset name's length.
    pub preset_len: usize,
    /// A scheme as JSON (see DESIGN.md), or NULL when `preset` is given.
    pub scheme_json: *const u8,
    /// The JSON's length.
    pub scheme_json_len: usize,
    /// The secrets (HMAC and token schemes): the first is current, the rest are accepted
    /// during a rotation.
    pub secrets: *const hooksig_bytes,
    /// How many secrets.
    pub secrets_len: usize,
    /// The provider's public keys (Ed25519, ECDSA, Standard Webhooks `v1a`), each as text
    /// the provider shows it: hex, base64, base64 SPKI, PEM, `whpk_...`. Any may match;
    /// they count after the secrets in `secret_index`.
    pub public_keys: *const hooksig_bytes,
    /// How many public keys.
    pub public_keys_len: usize,
    /// A signer's private key for a public-key scheme (`whsk_...`, a PKCS#8 PEM block, a
    /// 64-hex-digit Ed25519 seed); `ptr` NULL (and `len` 0) for none.
    pub private_key: hooksig_bytes,
    /// Construction params (`{NAME}` in the scheme's message), as UTF-8 name/value pairs.
    pub params: *const hooksig_header,
    /// How many params.
    pub params_len: usize,
    /// `HOOKSIG_TOLERANCE_DEFAULT`, `HOOKSIG_TOLERANCE_NONE` or `HOOKSIG_TOLERANCE_SECONDS`.
    pub tolerance_mode: u32,
    /// The window in seconds, read when `tolerance_mode` is `HOOKSIG_TOLERANCE_SECONDS`.
    pub tolerance_seconds: u64,
    /// The replay namespace, the start of every replay key (see
    /// [`hooksig_verify_keyed`]): UTF-8, not empty; `ptr` NULL (and `len` 0) for the
    /// default, the preset's name (a custom scheme's: its signature header's). Give one per
    /// endpoint when two endpoints of one preset share a replay store.
    pub replay_namespace: hooksig_bytes,
    /// How long a claim of a verified delivery lives when the scheme has no replay window,
    /// in seconds; 0 for the default, 24 hours. With a window a claim lives
    /// `2 * tolerance + 60` seconds (see [`hooksig_verifier_replay_ttl`]).
    pub replay_ttl: u64,
}

/// The request around a body and its headers, for verify and sign. Zero-initialise it;
/// a NULL `hooksig_context *` is the same as a zeroed one: the system clock, no URL, no
/// method.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hooksig_context {
    /// The time in Unix seconds (verify: the time of verification; sign: the timestamp
    /// sent), read when `has_now` is true; otherwise the system clock.
    pub now: u64,
    /// Whether `now` is given.
    pub has_now: bool,
    /// The URL as the provider called it (scheme, host, path, query; behind a proxy the
    /// public one), for schemes that sign it; `ptr` NULL (and `len` 0) when not given.
    pub url: hooksig_bytes,
    /// The request method (`"POST"`), for schemes that sign it; `ptr` NULL (and `len` 0)
    /// when not given.
    pub method: hooksig_bytes,
}

/// What a successful verification established.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hooksig_verified {
    /// The timestamp sent, in Unix seconds; meaningful when `has_timestamp` is true.
    pub timestamp: u64,
    /// Which secret matched (0 is the first): watch it to finish a rotation.
    pub secret_index: usize,
    /// The message id sent, pointing into the caller's header value (valid as long as
    /// the headers are); NULL when the scheme has no id header.
    pub id: *const u8,
    /// The id's length.
    pub id_len: usize,
    /// Whether the scheme has a timestamp (and `timestamp` holds it).
    pub has_timestamp: bool,
}

/// A verifier: immutable, safe to share between threads. Free it with
/// [`hooksig_verifier_free`].
pub struct hooksig_verifier {
    inner: hooksig::Verifier,
}

/// A signer, producing the headers a provider would send. Free it with
/// [`hooksig_signer_free`].
pub struct hooksig_signer {
    inner: hooksig::Signer,
}

/// The headers [`hooksig_sign`] produced, NUL-terminated UTF-8 names and values. Free it
/// with [`hooksig_signed_free`].
pub struct hooksig_signed {
    headers: Vec<(CString, CString)>,
}

/// A failure on its way to the caller: a code and a detailed message.
struct Fail {
    code: hooksig_code,
    message: String,
}

impl Fail {
    fn argument(message: impl Into<String>) -> Self {
        Fail {
            code: HOOKSIG_INVALID_ARGUMENT,
            message: message.into(),
        }
    }
}

impl From<Error> for Fail {
    fn from(error: Error) -> Self {
        Fail {
            code: code_of(error.info().number),
            message: error.to_string(),
        }
    }
}

/// The `hooksig_code` of a number of the core's table (`hooksig::CODES`); a test checks
/// that the two agree, name by name.
fn code_of(number: i32) -> hooksig_code {
    match number {
        1 => HOOKSIG_MISSING_HEADER,
        2 => HOOKSIG_INVALID_HEADER,
        3 => HOOKSIG_TIMESTAMP_TOO_OLD,
        4 => HOOKSIG_TIMESTAMP_IN_FUTURE,
        5 => HOOKSIG_SIGNATURE_MISMATCH,
        6 => HOOKSIG_UNKNOWN_PRESET,
        7 => HOOKSIG_INVALID_SCHEME,
        8 => HOOKSIG_INVALID_SECRET,
        9 => HOOKSIG_MISSING_PARAM,
        10 => HOOKSIG_INVALID_KEY,
        _ => HOOKSIG_INTERNAL_ERROR,
    }
}

/// Runs an entry point: clears `message_out`, catches a panic, reports a failure.
fn guard(message_out: *mut *mut c_char, body: impl FnOnce() -> Result<(), Fail>) -> hooksig_code {
    if !message_out.is_null() {
        // SAFETY: the caller passes NULL or a valid, writable `char **` (documented).
        unsafe { message_out.write(ptr::null_mut()) };
    }
    let result = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| {
        Err(Fail {
            code: HOOKSIG_INTERNAL_ERROR,
            message: "internal error in hooksig (a caught panic): please report it".into(),
        })
    });
    match result {
        Ok(()) => HOOKSIG_OK,
        Err(fail) => {
            if !message_out.is_null() {
                // A message may quote user input (a preset name) that holds a NUL.
                let text = CString::new(fail.message.replace('\0', "\\0"))
                    .unwrap_or_else(|_| CString::from(c"error"));
                // SAFETY: as above; the string is the caller's until hooksig_string_free.
                unsafe { message_out.write(text.into_raw()) };
            }
            fail.code
        }
    }
}

/// Borrows `len` bytes at `ptr`, checking the NULL and length rules.
///
/// # Safety
/// A non-NULL `ptr` must be valid for reads of `len` bytes for `'a`.
unsafe fn bytes<'a>(ptr: *const u8, len: usize, what: impl fmt::Display) -> Result<&'a [u8], Fail> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Fail::argument(format!(
                "`{what}` is NULL with a length of {len}"
            )))
        };
    }
    if len > isize::MAX as usize {
        return Err(Fail::argument(format!("`{what}` has an impossible length")));
    }
    // SAFETY: `ptr` is non-NULL and, per this function's contract, valid for `len` bytes.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Borrows an array of `len` values at `ptr`, with the same rules as [`bytes`].
///
/// # Safety
/// A non-NULL `ptr` must point to `len` initialised, aligned values that live for `'a`.
unsafe fn array<'a, T>(
    ptr: *const T,
    len: usize,
    what: impl fmt::Display,
) -> Result<&'a [T], Fail> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Fail::argument(format!(
                "`{what}` is NULL with a length of {len}"
            )))
        };
    }
    if len > isize::MAX as usize / size_of::<T>().max(1) {
        return Err(Fail::argument(format!("`{what}` has an impossible length")));
    }
    // SAFETY: non-NULL, and per the contract valid for `len` values of `T`.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Borrows an optional byte string: `ptr` NULL (with `len` 0) is "not given", any other
/// pointer a value (the empty one with `len` 0).
///
/// # Safety
/// As [`bytes`].
unsafe fn optional<'a>(value: hooksig_bytes, what: &str) -> Result<Option<&'a [u8]>, Fail> {
    if value.ptr.is_null() && value.len == 0 {
        return Ok(None);
    }
    // SAFETY: per this function's contract.
    unsafe { bytes(value.ptr, value.len, what) }.map(Some)
}

/// Reads a `hooksig_context` (NULL: the clock, no URL, no method) into the core's.
///
/// # Safety
/// `context` is NULL or points to a valid `hooksig_context` whose byte strings follow the
/// rules and outlive `'a`.
unsafe fn context<'a>(context: *const hooksig_context) -> Result<Context<'a>, Fail> {
    let mut out = Context::new();
    // SAFETY: NULL or a valid context, per the contract.
    if let Some(c) = unsafe { context.as_ref() } {
        if c.has_now {
            out = out.now(c.now);
        }
        // SAFETY: the caller's byte strings, per the contract.
        if let Some(url) = unsafe { optional(c.url, "context.url") }? {
            out = out.url(url);
        }
        // SAFETY: as above.
        if let Some(method) = unsafe { optional(c.method, "context.method") }? {
            out = out.method(method);
        }
    }
    Ok(out)
}

fn utf8(bytes: &[u8], what: impl fmt::Display) -> Result<&str, Fail> {
    std::str::from_utf8(bytes).map_err(|_| Fail::argument(format!("`{what}` is not UTF-8")))
}

/// Turns a `hooksig_config` into a core [`Config`].
///
/// # Safety
/// `config` is NULL or points to a valid `hooksig_config` whose pointers follow the rules.
unsafe fn config(config: *const hooksig_config) -> Result<Config, Fail> {
    // SAFETY: NULL or a valid `hooksig_config`, per the contract.
    let c = unsafe { config.as_ref() }.ok_or_else(|| Fail::argument("`config` is NULL"))?;
    let mut out = match (c.preset.is_null(), c.scheme_json.is_null()) {
        (false, true) => {
            // SAFETY: the caller's pointer and length (the rules of `bytes`).
            let name = unsafe { bytes(c.preset, c.preset_len, "preset") }?;
            // A preset name, or a scheme's JSON text (the core's rule, as in every
            // binding); a preset keeps its name as the replay namespace. A name that is not
            // UTF-8 is no preset's: `unknown_preset` says so.
            Config::from_text(&String::from_utf8_lossy(name))?
        }
        (true, false) => {
            // SAFETY: the caller's pointer and length.
            let json = unsafe { bytes(c.scheme_json, c.scheme_json_len, "scheme_json") }?;
            let json = std::str::from_utf8(json).map_err(|_| Fail {
                code: HOOKSIG_INVALID_SCHEME,
                message: "invalid scheme: the JSON is not UTF-8".into(),
            })?;
            Config::new(Scheme::from_json(json)?)
        }
        _ => {
            return Err(Fail::argument(
                "set exactly one of `preset` and `scheme_json` (the other NULL)",
            ));
        }
    };
    // SAFETY: the caller's array and length.
    for (i, secret) in unsafe { array(c.secrets, c.secrets_len, "secrets") }?
        .iter()
        .enumerate()
    {
        // SAFETY: each entry's pointer and length, per the rules.
        let secret = unsafe { bytes(secret.ptr, secret.len, format_args!("secrets[{i}]")) }?;
        out = out.secret(secret);
    }
    // SAFETY: the caller's array and length.
    for (i, key) in unsafe { array(c.public_keys, c.public_keys_len, "public_keys") }?
        .iter()
        .enumerate()
    {
        // SAFETY: each entry's pointer and length, per the rules.
        let key = unsafe { bytes(key.ptr, key.len, format_args!("public_keys[{i}]")) }?;
        out = out.public_key(key);
    }
    // SAFETY: the caller's pointer and length.
    if let Some(key) = unsafe { optional(c.private_key, "private_key") }? {
        out = out.private_key(key);
    }
    // SAFETY: the caller's array and length.
    for (i, param) in unsafe { array(c.params, c.params_len, "params") }?
        .iter()
        .enumerate()
    {
        // SAFETY: each entry's pointers and lengths, per the rules.
        let (name, value) = unsafe {
            (
                bytes(param.name, param.name_len, format_args!("params[{i}].name"))?,
                bytes(
                    param.value,
                    param.value_len,
                    format_args!("params[{i}].value"),
                )?,
            )
        };
        out = out.param(
            utf8(name, format_args!("params[{i}].name"))?,
            utf8(value, format_args!("params[{i}].value"))?,
        );
    }
    out = match c.tolerance_mode {
        HOOKSIG_TOLERANCE_DEFAULT => out,
        HOOKSIG_TOLERANCE_NONE => out.tolerance(None),
        HOOKSIG_TOLERANCE_SECONDS => out.tolerance(Some(c.tolerance_seconds)),
        other => return Err(Fail::argument(format!("unknown `tolerance_mode` {other}"))),
    };
    // SAFETY: the caller's pointer and length.
    if let Some(namespace) = unsafe { optional(c.replay_namespace, "replay_namespace") }? {
        if namespace.is_empty() {
            return Err(Fail::argument(
                "`replay_namespace` is empty: it starts every replay key (NULL for the default)",
            ));
        }
        out = out.namespace(utf8(namespace, "replay_namespace")?);
    }
    if c.replay_ttl != 0 {
        out = out.replay_ttl(c.replay_ttl);
    }
    Ok(out)
}

/// Writes a freshly built object through `out`.
///
/// # Safety
/// `out` is NULL (reported) or valid for a write.
unsafe fn put<T>(out: *mut *mut T, value: T) -> Result<(), Fail> {
    if out.is_null() {
        return Err(Fail::argument("`out` is NULL"));
    }
    // SAFETY: non-NULL and writable per the contract; ownership passes to the caller.
    unsafe { out.write(Box::into_raw(Box::new(value))) };
    Ok(())
}

/// The body of every `_new` function: clear `*out`, read the config, build, hand over.
///
/// # Safety
/// As the `_new` functions: `config` valid, `out` NULL or writable, `message_out` NULL
/// or writable.
unsafe fn build<T>(
    config: *const hooksig_config,
    out: *mut *mut T,
    message_out: *mut *mut c_char,
    make: impl FnOnce(&Config) -> Result<T, hooksig::Error>,
) -> hooksig_code {
    guard(message_out, || {
        if !out.is_null() {
            // SAFETY: non-NULL and writable per the contract; NULL until success.
            unsafe { out.write(ptr::null_mut()) };
        }
        // SAFETY: the caller's config, per the contract.
        let config = unsafe { self::config(config) }?;
        let value = make(&config)?;
        // SAFETY: the caller's `out`, per the contract.
        unsafe { put(out, value) }
    })
}

/// The body of every `_free` function: NULL is ignored, and a panic in a destructor
/// does not unwind into C.
///
/// # Safety
/// `ptr` is NULL or came from `put` (`Box::into_raw`) and is not used afterwards.
unsafe fn release<T>(ptr: *mut T) {
    if !ptr.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: the pointer came from Box::into_raw in `put`, per the contract.
            drop(unsafe { Box::from_raw(ptr) });
        }));
    }
}

/// Builds a verifier from `config`; on success writes it to `*out` (free it with
/// [`hooksig_verifier_free`]). Every configuration error surfaces here, never in verify:
/// `HOOKSIG_UNKNOWN_PRESET`, `HOOKSIG_INVALID_SCHEME`, `HOOKSIG_INVALID_SECRET`,
/// `HOOKSIG_MISSING_PARAM`, `HOOKSIG_INVALID_KEY`, or `HOOKSIG_INVALID_ARGUMENT`.
///
/// # Safety
/// `config` points to a valid config whose pointers follow the byte-string rules;
/// `out` is writable; `message_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verifier_new(
    config: *const hooksig_config,
    out: *mut *mut hooksig_verifier,
    message_out: *mut *mut c_char,
) -> hooksig_code {
    // SAFETY: the caller's pointers, per the contract above.
    unsafe {
        build(config, out, message_out, |config| {
            hooksig::Verifier::new(config).map(|inner| hooksig_verifier { inner })
        })
    }
}

/// Frees a verifier (NULL is ignored).
///
/// # Safety
/// `verifier` is NULL or came from [`hooksig_verifier_new`] and is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verifier_free(verifier: *mut hooksig_verifier) {
    // SAFETY: NULL or from hooksig_verifier_new, per the contract.
    unsafe { release(verifier) }
}

/// Writes the names of the headers `verifier` reads to `names[0..capacity]` and returns
/// how many there are (call it with `capacity` 0 to size the array; 0 for NULL). The
/// names are owned by the verifier (valid while it lives) and not NUL-terminated.
///
/// Every header whose name is not one of these, ASCII case ignored, is ignored by
/// [`hooksig_verify`], so a binding that converts many headers per request may pass only
/// the matching ones (every one of them, repeats included: a repeat is the core's
/// `invalid_header`).
///
/// # Safety
/// `verifier` is NULL or live; `names` is NULL (with `capacity` 0) or writable for
/// `capacity` entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verifier_header_names(
    verifier: *const hooksig_verifier,
    names: *mut hooksig_bytes,
    capacity: usize,
) -> usize {
    // SAFETY: NULL or live, per the contract.
    let verifier = unsafe { verifier.as_ref() };
    catch_unwind(AssertUnwindSafe(|| {
        let Some(verifier) = verifier else { return 0 };
        let mut count = 0;
        for name in verifier.inner.header_names() {
            if count < capacity && !names.is_null() {
                // SAFETY: below `capacity`, writable per the contract.
                unsafe {
                    names.add(count).write(hooksig_bytes {
                        ptr: name.as_ptr(),
                        len: name.len(),
                    });
                }
            }
            count += 1;
        }
        count
    }))
    .unwrap_or(0)
}

/// Returns what a framework helper must give besides the body, the headers and the time,
/// as bits: `HOOKSIG_NEEDS_URL` when the scheme signs the URL (`{url}`, `{path}`, Twilio's
/// `{form}`), `HOOKSIG_NEEDS_METHOD` when it signs the method (verify without them is
/// `HOOKSIG_MISSING_PARAM`), `HOOKSIG_NEEDS_HANDSHAKE` when the provider sends handshakes
/// (see [`hooksig_handshake`]), `HOOKSIG_NEEDS_KEY_AT_VERIFY` when a replay key must be made
/// in the verify call; 0 for NULL. A helper builds the URL only when it is needed.
///
/// # Safety
/// `verifier` is NULL or a live verifier.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verifier_needs(verifier: *const hooksig_verifier) -> u32 {
    // SAFETY: NULL or live, per the contract.
    let verifier = unsafe { verifier.as_ref() };
    catch_unwind(AssertUnwindSafe(|| {
        verifier.map_or(0, |v| {
            let url = if v.inner.needs_url() {
                HOOKSIG_NEEDS_URL
            } else {
                0
            };
            let method = if v.inner.needs_method() {
                HOOKSIG_NEEDS_METHOD
            } else {
                0
            };
            let handshake = if v.inner.scheme().handshake.is_some() {
                HOOKSIG_NEEDS_HANDSHAKE
            } else {
                0
            };
            let key = if v.inner.replay_key_reads_body() {
                HOOKSIG_NEEDS_KEY_AT_VERIFY
            } else {
                0
            };
            url | method | handshake | key
        })
    }))
    .unwrap_or(0)
}

/// Request headers as a C array, checked once so that visiting cannot fail.
struct HeaderArray<'a>(&'a [hooksig_header]);

impl<'a> HeaderArray<'a> {
    /// # Safety
    /// Every entry's pointers must be valid for their lengths for `'a`.
    unsafe fn new(headers: &'a [hooksig_header]) -> Result<Self, Fail> {
        for (i, h) in headers.iter().enumerate() {
            // SAFETY: per the contract; this only checks the NULL and length rules.
            unsafe {
                bytes(h.name, h.name_len, format_args!("headers[{i}].name"))?;
                bytes(h.value, h.value_len, format_args!("headers[{i}].value"))?;
            }
        }
        Ok(HeaderArray(headers))
    }
}

impl Headers for HeaderArray<'_> {
    fn visit<'a>(&'a self, visit: &mut dyn FnMut(&'a [u8], &'a [u8])) {
        for h in self.0 {
            // SAFETY: `new` checked every entry, and the contract keeps them valid.
            let pair = unsafe {
                (
                    bytes(h.name, h.name_len, ""),
                    bytes(h.value, h.value_len, ""),
                )
            };
            if let (Ok(name), Ok(value)) = pair {
                visit(name, value);
            }
        }
    }
}

/// Request headers packed in one buffer: for each header a little-endian `u32` name
/// length, the name, a little-endian `u32` value length, the value.
struct PackedHeaders<'a>(&'a [u8]);

impl<'a> PackedHeaders<'a> {
    fn new(packed: &'a [u8]) -> Result<Self, Fail> {
        let headers = PackedHeaders(packed);
        let mut rest = packed;
        while !rest.is_empty() {
            for _ in 0..2 {
                rest = Self::field(rest)
                    .ok_or_else(|| Fail::argument("`packed` headers are truncated"))?
                    .1;
            }
        }
        Ok(headers)
    }

    /// Splits one length-prefixed field off the front.
    fn field(buf: &[u8]) -> Option<(&[u8], &[u8])> {
        let (len, rest) = buf.split_first_chunk::<4>()?;
        let len = usize::try_from(u32::from_le_bytes(*len)).ok()?;
        (rest.len() >= len).then(|| rest.split_at(len))
    }
}

impl Headers for PackedHeaders<'_> {
    fn visit<'a>(&'a self, visit: &mut dyn FnMut(&'a [u8], &'a [u8])) {
        let mut rest = self.0;
        while let Some((name, after)) = Self::field(rest) {
            let Some((value, after)) = Self::field(after) else {
                return;
            };
            visit(name, value);
            rest = after;
        }
    }
}

/// The shared part of the verify functions: verifies, runs `then` on the result (the
/// keyed functions make the replay key there; a failure of `then` fails the call), then
/// writes the result to `out`.
///
/// # Safety
/// The pointers follow the contract of [`hooksig_verify`].
unsafe fn verify_with<H: Headers>(
    verifier: *const hooksig_verifier,
    body: *const u8,
    body_len: usize,
    headers: &H,
    context: *const hooksig_context,
    out: *mut hooksig_verified,
    then: impl FnOnce(&hooksig::Verifier, &Verified<'_>) -> Result<(), Fail>,
) -> Result<(), Fail> {
    // SAFETY: NULL or a live verifier, per the contract.
    let verifier =
        unsafe { verifier.as_ref() }.ok_or_else(|| Fail::argument("`verifier` is NULL"))?;
    // SAFETY: the caller's body pointer and length.
    let body = unsafe { bytes(body, body_len, "body") }?;
    // SAFETY: NULL or a valid context, per the contract.
    let context = unsafe { self::context(context) }?;
    let verified = verifier.inner.verify_with(body, headers, &context)?;
    then(&verifier.inner, &verified)?;
    if !out.is_null() {
        let (id, id_len) = verified
            .id
            .map_or((ptr::null(), 0), |id| (id.as_ptr(), id.len()));
        // SAFETY: non-NULL and writable per the contract.
        unsafe {
            out.write(hooksig_verified {
                timestamp: verified.timestamp.unwrap_or(0),
                secret_index: verified.secret_index,
                id,
                id_len,
                has_timestamp: verified.timestamp.is_some(),
            });
        }
    }
    Ok(())
}

/// What [`hooksig_verify`] does after verifying: nothing more.
fn unkeyed(_: &hooksig::Verifier, _: &Verified<'_>) -> Result<(), Fail> {
    Ok(())
}

/// The replay key's buffer of a keyed verify, checked before verifying.
struct KeyBuffer {
    key: *mut u8,
    capacity: usize,
    len: *mut usize,
}

impl KeyBuffer {
    /// # Safety
    /// `len` is NULL (reported) or writable; `key` is NULL with `capacity` 0 (reported
    /// otherwise) or writable for `capacity` bytes.
    unsafe fn new(key: *mut u8, capacity: usize, len: *mut usize) -> Result<Self, Fail> {
        if len.is_null() {
            return Err(Fail::argument("`key_len` is NULL"));
        }
        // SAFETY: non-NULL and writable per the contract; 0 until a key is made.
        unsafe { len.write(0) };
        if key.is_null() && capacity != 0 {
            return Err(Fail::argument(format!(
                "`key` is NULL with a capacity of {capacity}"
            )));
        }
        Ok(KeyBuffer { key, capacity, len })
    }

    /// Makes the replay key of a verified delivery and copies it in; a key longer than
    /// the buffer fails the call, with its length in `*len`.
    fn put(&self, verifier: &hooksig::Verifier, verified: &Verified<'_>) -> Result<(), Fail> {
        let made = verifier.replay_key(verified);
        // SAFETY: checked writable in `new`.
        unsafe { self.len.write(made.len()) };
        if made.len() > self.capacity {
            return Err(Fail::argument(format!(
                "`key_capacity` is {} bytes and this replay key needs {}: call again with a \
                 buffer of `*key_len` bytes",
                self.capacity,
                made.len()
            )));
        }
        // SAFETY: `key` is writable for `capacity` >= `made.len()` bytes (checked in `new`
        // and above); the key is the library's own String, so the two do not overlap.
        unsafe { ptr::copy_nonoverlapping(made.as_ptr(), self.key, made.len()) };
        Ok(())
    }
}

/// Verifies a request: `body` must be the raw request bytes exactly as received, and
/// `headers` every request header (names in any case; repeats allowed), or at least every
/// one whose name [`hooksig_verifier_header_names`] lists. `context` gives the time of
/// verification and, for schemes that sign them (see [`hooksig_verifier_needs`]), the
/// request URL and method; NULL is the system clock, no URL, no method. On success writes
/// what was established to `*out` when `out` is not NULL.
///
/// Returns `HOOKSIG_OK` or a verification code (`HOOKSIG_MISSING_HEADER`,
/// `HOOKSIG_INVALID_HEADER`, `HOOKSIG_TIMESTAMP_TOO_OLD`, `HOOKSIG_TIMESTAMP_IN_FUTURE`,
/// `HOOKSIG_SIGNATURE_MISMATCH`), `HOOKSIG_MISSING_PARAM` when the scheme signs the URL
/// or method and `context` lacks it (a programming error), or `HOOKSIG_INVALID_ARGUMENT`.
///
/// # Safety
/// `verifier` is a live verifier; `body` and each header follow the byte-string rules;
/// `headers` points to `headers_len` entries (or is NULL with 0); `context` is NULL or
/// valid; `out` and `message_out` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verify(
    verifier: *const hooksig_verifier,
    body: *const u8,
    body_len: usize,
    headers: *const hooksig_header,
    headers_len: usize,
    context: *const hooksig_context,
    out: *mut hooksig_verified,
    message_out: *mut *mut c_char,
) -> hooksig_code {
    guard(message_out, || {
        // SAFETY: the caller's array, and each entry, per the contract.
        let headers = unsafe { HeaderArray::new(array(headers, headers_len, "headers")?) }?;
        // SAFETY: per the contract.
        unsafe { verify_with(verifier, body, body_len, &headers, context, out, unkeyed) }
    })
}

/// Like [`hooksig_verify`], with the headers packed in one buffer, which suits FFI
/// bindings that would otherwise allocate per header: for each header a little-endian
/// `uint32_t` name length, the name bytes, a little-endian `uint32_t` value length, the
/// value bytes. A truncated buffer is `HOOKSIG_INVALID_ARGUMENT`. A reported `id` points
/// into `packed`.
///
/// # Safety
/// As [`hooksig_verify`]; `packed` follows the byte-string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verify_packed(
    verifier: *const hooksig_verifier,
    body: *const u8,
    body_len: usize,
    packed: *const u8,
    packed_len: usize,
    context: *const hooksig_context,
    out: *mut hooksig_verified,
    message_out: *mut *mut c_char,
) -> hooksig_code {
    guard(message_out, || {
        // SAFETY: the caller's buffer and length.
        let headers = PackedHeaders::new(unsafe { bytes(packed, packed_len, "packed") }?)?;
        // SAFETY: per the contract.
        unsafe { verify_with(verifier, body, body_len, &headers, context, out, unkeyed) }
    })
}

/// Like [`hooksig_verify`], and on success also makes the delivery's replay key, the name to
/// claim it under in a replay store (see [`hooksig_replay_store_claim`]) for
/// [`hooksig_verifier_replay_ttl`] seconds. The rule is the core's: `{namespace}:{id}` when
/// the scheme signs a message id, else `{namespace}:sig:{hex}` of the signature that matched
/// (ECDSA's with a low S), and for a token scheme, which signs nothing,
/// `{namespace}:body:{hex of the body's SHA-256}`. The key is made here because it needs the
/// signature that matched, which only verify sees.
///
/// The key is UTF-8 text (an id that is not UTF-8 goes as `{namespace}:idhex:{hex}`),
/// written to `key` without a NUL; `*key_len` receives its length. It is at most the
/// namespace's length plus 133 bytes plus twice the id's length (a header value, at most
/// 8192 bytes), and usually far shorter. A key longer than
/// `key_capacity` fails the call with `HOOKSIG_INVALID_ARGUMENT`, nothing written to `out`
/// or `key`, and its length in `*key_len`: call again with a buffer that large.
///
/// # Safety
/// As [`hooksig_verify`]; `key` is NULL with `key_capacity` 0 or writable for
/// `key_capacity` bytes; `key_len` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verify_keyed(
    verifier: *const hooksig_verifier,
    body: *const u8,
    body_len: usize,
    headers: *const hooksig_header,
    headers_len: usize,
    context: *const hooksig_context,
    out: *mut hooksig_verified,
    key: *mut u8,
    key_capacity: usize,
    key_len: *mut usize,
    message_out: *mut *mut c_char,
) -> hooksig_code {
    guard(message_out, || {
        // SAFETY: the caller's buffer and length, per the contract.
        let key = unsafe { KeyBuffer::new(key, key_capacity, key_len) }?;
        // SAFETY: the caller's array, and each entry, per the contract.
        let headers = unsafe { HeaderArray::new(array(headers, headers_len, "headers")?) }?;
        // SAFETY: per the contract.
        unsafe {
            verify_with(
                verifier,
                body,
                body_len,
                &headers,
                context,
                out,
                |v, verified| key.put(v, verified),
            )
        }
    })
}

/// Like [`hooksig_verify_keyed`], with the headers packed as for [`hooksig_verify_packed`].
///
/// # Safety
/// As [`hooksig_verify_keyed`]; `packed` follows the byte-string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verify_keyed_packed(
    verifier: *const hooksig_verifier,
    body: *const u8,
    body_len: usize,
    packed: *const u8,
    packed_len: usize,
    context: *const hooksig_context,
    out: *mut hooksig_verified,
    key: *mut u8,
    key_capacity: usize,
    key_len: *mut usize,
    message_out: *mut *mut c_char,
) -> hooksig_code {
    guard(message_out, || {
        // SAFETY: the caller's buffer and length, per the contract.
        let key = unsafe { KeyBuffer::new(key, key_capacity, key_len) }?;
        // SAFETY: the caller's buffer and length.
        let headers = PackedHeaders::new(unsafe { bytes(packed, packed_len, "packed") }?)?;
        // SAFETY: per the contract.
        unsafe {
            verify_with(
                verifier,
                body,
                body_len,
                &headers,
                context,
                out,
                |v, verified| key.put(v, verified),
            )
        }
    })
}

/// Returns how long a claim of a delivery this verifier verified lives, in seconds: twice
/// the tolerance plus 60 when the scheme has a replay window (a replay older than that
/// fails the window anyway), else the config's `replay_ttl` (default 24 hours); 0 for NULL.
///
/// # Safety
/// `verifier` is NULL or a live verifier.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verifier_replay_ttl(verifier: *const hooksig_verifier) -> u64 {
    // SAFETY: NULL or live, per the contract.
    let verifier = unsafe { verifier.as_ref() };
    catch_unwind(AssertUnwindSafe(|| {
        verifier.map_or(0, |v| v.inner.replay_ttl())
    }))
    .unwrap_or(0)
}

/// Returns the verifier's replay namespace, the start of every replay key, as UTF-8 bytes
/// owned by the verifier (valid while it lives, not NUL-terminated), its length written to
/// `*len` when `len` is not NULL; NULL (and length 0) for a NULL verifier.
///
/// # Safety
/// `verifier` is NULL or a live verifier; `len` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verifier_namespace(
    verifier: *const hooksig_verifier,
    len: *mut usize,
) -> *const u8 {
    // SAFETY: NULL or live, per the contract.
    let verifier = unsafe { verifier.as_ref() };
    let (ptr, n) = catch_unwind(AssertUnwindSafe(|| {
        verifier.map_or((ptr::null(), 0), |v| {
            let namespace = v.inner.namespace();
            (namespace.as_ptr(), namespace.len())
        })
    }))
    .unwrap_or((ptr::null(), 0));
    if !len.is_null() {
        // SAFETY: non-NULL and writable per the contract.
        unsafe { len.write(n) };
    }
    ptr
}

/// The memory replay store: the core's, for one process. Bounded (the oldest claim goes
/// first when it is full), each claim forgotten after its time to live, safe to share
/// between threads. Free it with [`hooksig_replay_store_free`].
///
/// Apps on several instances share a Redis instead (one `SET key 1 NX PX ttl` per claim,
/// through the language's own client).
pub struct hooksig_replay_store {
    inner: hooksig::MemoryReplayStore,
}

/// Makes a memory replay store holding at most `max_keys` claims (0: the default,
/// 100 000). Returns NULL only on a caught internal error.
#[unsafe(no_mangle)]
pub extern "C" fn hooksig_replay_store_new(max_keys: usize) -> *mut hooksig_replay_store {
    catch_unwind(|| {
        let max_keys = if max_keys == 0 {
            hooksig::DEFAULT_MAX_KEYS
        } else {
            max_keys
        };
        Box::into_raw(Box::new(hooksig_replay_store {
            inner: hooksig::MemoryReplayStore::new(max_keys),
        }))
    })
    .unwrap_or(ptr::null_mut())
}

/// Reads a store and a key (UTF-8 bytes) for claim and release.
///
/// # Safety
/// `store` is NULL or live; `key` follows the byte-string rules.
unsafe fn store_and_key<'a>(
    store: *const hooksig_replay_store,
    key: *const u8,
    key_len: usize,
) -> Result<(&'a hooksig::MemoryReplayStore, &'a str), Fail> {
    // SAFETY: NULL or live, per the contract.
    let store = unsafe { store.as_ref() }.ok_or_else(|| Fail::argument("`store` is NULL"))?;
    // SAFETY: the caller's pointer and length.
    let key = utf8(unsafe { bytes(key, key_len, "key") }?, "key")?;
    Ok((&store.inner, key))
}

/// Claims `key` (UTF-8 bytes, e.g. from [`hooksig_verify_keyed`]) for `ttl` seconds.
/// Returns 1 the first time within that time (process the delivery), 0 while an earlier
/// claim lives (a replay or a retry: do not process it again), or a negative
/// `hooksig_code`: `-HOOKSIG_INVALID_ARGUMENT` for a NULL store, a NULL key with a length
/// or a key that is not UTF-8, `-HOOKSIG_INTERNAL_ERROR` for a caught panic. Atomic: of
/// two concurrent claims of one key, one gets 1.
///
/// # Safety
/// `store` is NULL or live; `key` follows the byte-string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_replay_store_claim(
    store: *const hooksig_replay_store,
    key: *const u8,
    key_len: usize,
    ttl: u64,
) -> i32 {
    catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: per the contract.
        match unsafe { store_and_key(store, key, key_len) } {
            Ok((store, key)) => i32::from(store.claim(key, ttl)),
            Err(fail) => -(fail.code as i32),
        }
    }))
    .unwrap_or(-(HOOKSIG_INTERNAL_ERROR as i32))
}

/// Forgets a claim, so that the provider's retry is processed (the handler failed);
/// releasing a key that is not claimed does nothing. Returns `HOOKSIG_OK`, or
/// `HOOKSIG_INVALID_ARGUMENT` as [`hooksig_replay_store_claim`].
///
/// # Safety
/// `store` is NULL or live; `key` follows the byte-string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_replay_store_release(
    store: *const hooksig_replay_store,
    key: *const u8,
    key_len: usize,
) -> hooksig_code {
    guard(ptr::null_mut(), || {
        // SAFETY: per the contract.
        let (store, key) = unsafe { store_and_key(store, key, key_len) }?;
        store.release(key);
        Ok(())
    })
}

/// Returns how many claims the store holds (expired ones count until they are evicted);
/// 0 for NULL.
///
/// # Safety
/// `store` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_replay_store_len(store: *const hooksig_replay_store) -> usize {
    // SAFETY: NULL or live, per the contract.
    let store = unsafe { store.as_ref() };
    catch_unwind(AssertUnwindSafe(|| store.map_or(0, |s| s.inner.len()))).unwrap_or(0)
}

/// Frees a memory replay store (NULL is ignored).
///
/// # Safety
/// `store` is NULL or came from [`hooksig_replay_store_new`], no other thread uses it, and
/// it is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_replay_store_free(store: *mut hooksig_replay_store) {
    // SAFETY: NULL or from hooksig_replay_store_new (Box::into_raw), per the contract.
    unsafe { release(store) }
}

/// The answer to a provider's handshake, owned by the library: free it with
/// [`hooksig_reply_free`]. Every pointer in it is valid until then.
#[repr(C)]
#[derive(Debug)]
pub struct hooksig_reply {
    /// The HTTP status to answer.
    pub status: u16,
    /// The `Content-Type` of the body, NUL-terminated.
    pub content_type: *const c_char,
    /// Other headers to send, as NUL-terminated UTF-8 names and values.
    pub headers: *const hooksig_header,
    /// How many headers.
    pub headers_len: usize,
    /// The body to answer.
    pub body: hooksig_bytes,
    /// A secret the provider handed over (Asana's `X-Hook-Secret`), which the app must
    /// store before answering; `ptr` NULL when there is none. Wiped when the reply is freed.
    pub secret: hooksig_bytes,
}

/// A `hooksig_reply` and the storage its pointers point into (the reply comes first, so a
/// pointer to this is a pointer to it).
#[repr(C)]
struct OwnedReply {
    reply: hooksig_reply,
    content_type: CString,
    names_values: Vec<(CString, CString)>,
    headers: Vec<hooksig_header>,
    body: Vec<u8>,
    secret: Option<Vec<u8>>,
}

impl Drop for OwnedReply {
    fn drop(&mut self) {
        if let Some(secret) = &mut self.secret {
            for byte in secret.iter_mut() {
                // SAFETY: a valid, aligned byte of our own buffer; volatile so the wipe stays.
                unsafe { ptr::write_volatile(byte, 0) };
            }
        }
    }
}

/// The shared part of the two handshake functions.
///
/// # Safety
/// The pointers follow the contract of [`hooksig_handshake`].
unsafe fn handshake_with<H: Headers>(
    verifier: *const hooksig_verifier,
    body: *const u8,
    body_len: usize,
    headers: &H,
    context: *const hooksig_context,
    out: *mut *mut hooksig_reply,
) -> Result<(), Fail> {
    if out.is_null() {
        return Err(Fail::argument("`out` is NULL"));
    }
    // SAFETY: non-NULL and writable per the contract; NULL unless a reply is written.
    unsafe { out.write(ptr::null_mut()) };
    // SAFETY: NULL or a live verifier, per the contract.
    let verifier =
        unsafe { verifier.as_ref() }.ok_or_else(|| Fail::argument("`verifier` is NULL"))?;
    // SAFETY: the caller's body pointer and length.
    let body = unsafe { bytes(body, body_len, "body") }?;
    // SAFETY: NULL or a valid context, per the contract.
    let context = unsafe { self::context(context) }?;
    let Some(reply) = verifier.inner.handshake(body, headers, &context)? else {
        return Ok(());
    };
    let text = |s: &str| {
        CString::new(s).map_err(|_| Fail {
            code: HOOKSIG_INTERNAL_ERROR,
            message: "a handshake reply holds a NUL byte".into(),
        })
    };
    let names_values = reply
        .headers
        .iter()
        .map(|(name, value)| Ok((text(name)?, text(value)?)))
        .collect::<Result<Vec<_>, Fail>>()?;
    let headers = names_values
        .iter()
        .map(|(name, value)| hooksig_header {
            name: name.as_ptr().cast(),
            name_len: name.as_bytes().len(),
            value: value.as_ptr().cast(),
            value_len: value.as_bytes().len(),
        })
        .collect::<Vec<_>>();
    let mut owned = Box::new(OwnedReply {
        reply: hooksig_reply {
            status: reply.status,
            content_type: ptr::null(),
            headers: ptr::null(),
            headers_len: 0,
            body: hooksig_bytes {
                ptr: ptr::null(),
                len: 0,
            },
            secret: hooksig_bytes {
                ptr: ptr::null(),
                len: 0,
            },
        },
        content_type: text(reply.content_type)?,
        names_values,
        headers,
        body: reply.body.clone(),
        secret: reply.secret.as_ref().map(|s| s.as_bytes().to_vec()),
    });
    // The heap buffers do not move with the box: point into them.
    owned.reply.content_type = owned.content_type.as_ptr();
    owned.reply.headers = owned.headers.as_ptr();
    owned.reply.headers_len = owned.headers.len();
    owned.reply.body = hooksig_bytes {
        ptr: owned.body.as_ptr(),
        len: owned.body.len(),
    };
    if let Some(secret) = &owned.secret {
        owned.reply.secret = hooksig_bytes {
            ptr: secret.as_ptr(),
            len: secret.len(),
        };
    }
    // SAFETY: writable per the contract; the caller owns the reply until hooksig_reply_free.
    unsafe { out.write(Box::into_raw(owned).cast::<hooksig_reply>()) };
    Ok(())
}

/// Answers a provider's handshake: on a handshake request writes the reply to send to
/// `*out` (free it with [`hooksig_reply_free`]), and on any other request writes NULL:
/// verify it as usual. A signed handshake (Slack, Zoom, Twitch, Discord) is verified first
/// and fails with verify's codes; a GET handshake (Meta, Dropbox, Okta) needs `context`'s
/// URL and method. Pass every request header: a handshake reads headers that
/// [`hooksig_verifier_header_names`] does not list.
///
/// # Safety
/// As [`hooksig_verify`]; `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_handshake(
    verifier: *const hooksig_verifier,
    body: *const u8,
    body_len: usize,
    headers: *const hooksig_header,
    headers_len: usize,
    context: *const hooksig_context,
    out: *mut *mut hooksig_reply,
    message_out: *mut *mut c_char,
) -> hooksig_code {
    guard(message_out, || {
        // SAFETY: the caller's array, and each entry, per the contract.
        let headers = unsafe { HeaderArray::new(array(headers, headers_len, "headers")?) }?;
        // SAFETY: per the contract.
        unsafe { handshake_with(verifier, body, body_len, &headers, context, out) }
    })
}

/// Like [`hooksig_handshake`], with the headers packed as for [`hooksig_verify_packed`].
///
/// # Safety
/// As [`hooksig_handshake`]; `packed` follows the byte-string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_handshake_packed(
    verifier: *const hooksig_verifier,
    body: *const u8,
    body_len: usize,
    packed: *const u8,
    packed_len: usize,
    context: *const hooksig_context,
    out: *mut *mut hooksig_reply,
    message_out: *mut *mut c_char,
) -> hooksig_code {
    guard(message_out, || {
        // SAFETY: the caller's buffer and length.
        let headers = PackedHeaders::new(unsafe { bytes(packed, packed_len, "packed") }?)?;
        // SAFETY: per the contract.
        unsafe { handshake_with(verifier, body, body_len, &headers, context, out) }
    })
}

/// Frees a handshake reply (NULL is ignored), wiping a handed-over secret.
///
/// # Safety
/// `reply` is NULL or came from [`hooksig_handshake`] and is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_reply_free(reply: *mut hooksig_reply) {
    // SAFETY: NULL or from `handshake_with`, where it is a `Box<OwnedReply>`.
    unsafe { release(reply.cast::<OwnedReply>()) }
}

/// Builds a signer from `config` (it signs with the first secret, or the private key of a
/// public-key scheme); on success writes it to `*out` (free it with
/// [`hooksig_signer_free`]). Errors as [`hooksig_verifier_new`].
///
/// # Safety
/// As [`hooksig_verifier_new`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_signer_new(
    config: *const hooksig_config,
    out: *mut *mut hooksig_signer,
    message_out: *mut *mut c_char,
) -> hooksig_code {
    // SAFETY: the caller's pointers, per the contract above.
    unsafe {
        build(config, out, message_out, |config| {
            hooksig::Signer::new(config).map(|inner| hooksig_signer { inner })
        })
    }
}

/// Frees a signer (NULL is ignored).
///
/// # Safety
/// `signer` is NULL or came from [`hooksig_signer_new`] and is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_signer_free(signer: *mut hooksig_signer) {
    // SAFETY: NULL or from hooksig_signer_new, per the contract.
    unsafe { release(signer) }
}

/// Signs `body` and writes the headers to send to `*out` (free them with
/// [`hooksig_signed_free`]). `id` is NULL for a random `msg_` id (used only when the
/// scheme has an id header) or UTF-8 text. `context` gives the timestamp (`now`; else
/// the system clock) and, for schemes that sign them, the URL and method; NULL is the
/// clock, no URL, no method.
///
/// # Safety
/// `signer` is a live signer; `body` and `id` follow the byte-string rules (`id` NULL
/// means "none"); `context` is NULL or valid; `out` is writable; `message_out` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_sign(
    signer: *const hooksig_signer,
    body: *const u8,
    body_len: usize,
    id: *const u8,
    id_len: usize,
    context: *const hooksig_context,
    out: *mut *mut hooksig_signed,
    message_out: *mut *mut c_char,
) -> hooksig_code {
    guard(message_out, || {
        if !out.is_null() {
            // SAFETY: non-NULL and writable per the contract; NULL until success.
            unsafe { out.write(ptr::null_mut()) };
        }
        // SAFETY: NULL or a live signer, per the contract.
        let signer =
            unsafe { signer.as_ref() }.ok_or_else(|| Fail::argument("`signer` is NULL"))?;
        // SAFETY: the caller's body pointer and length.
        let body = unsafe { bytes(body, body_len, "body") }?;
        let id = if id.is_null() {
            None
        } else {
            // SAFETY: the caller's id pointer and length.
            Some(utf8(unsafe { bytes(id, id_len, "id") }?, "id")?)
        };
        // SAFETY: NULL or a valid context, per the contract.
        let context = unsafe { self::context(context) }?;
        let headers = signer.inner.sign_with(body, id, &context)?;
        let headers = headers
            .into_iter()
            .map(|(name, value)| {
                match (CString::new(name), CString::new(value)) {
                    (Ok(name), Ok(value)) => Ok((name, value)),
                    // The core validates ids; a NUL here would be a core bug.
                    _ => Err(Fail {
                        code: HOOKSIG_INTERNAL_ERROR,
                        message: "a signed header holds a NUL byte".into(),
                    }),
                }
            })
            .collect::<Result<Vec<_>, Fail>>()?;
        // SAFETY: the caller's `out`, per the contract.
        unsafe { put(out, hooksig_signed { headers }) }
    })
}

/// Returns how many headers `result` holds (0 for NULL).
///
/// # Safety
/// `result` is NULL or a live result of [`hooksig_sign`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_signed_len(result: *const hooksig_signed) -> usize {
    // SAFETY: NULL or live, per the contract.
    let result = unsafe { result.as_ref() };
    catch_unwind(AssertUnwindSafe(|| result.map_or(0, |s| s.headers.len()))).unwrap_or(0)
}

/// Writes header `index` of `result` to `*out`: NUL-terminated name and value, owned by
/// `result` (valid until [`hooksig_signed_free`]); lengths exclude the NUL.
///
/// # Safety
/// `result` is NULL or live; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_signed_get(
    result: *const hooksig_signed,
    index: usize,
    out: *mut hooksig_header,
) -> hooksig_code {
    guard(ptr::null_mut(), || {
        // SAFETY: NULL or live, per the contract.
        let result =
            unsafe { result.as_ref() }.ok_or_else(|| Fail::argument("`result` is NULL"))?;
        let (name, value) = result
            .headers
            .get(index)
            .ok_or_else(|| Fail::argument("`index` is out of range"))?;
        if out.is_null() {
            return Err(Fail::argument("`out` is NULL"));
        }
        // SAFETY: non-NULL and writable per the contract.
        unsafe {
            out.write(hooksig_header {
                name: name.as_ptr().cast(),
                name_len: name.as_bytes().len(),
                value: value.as_ptr().cast(),
                value_len: value.as_bytes().len(),
            });
        }
        Ok(())
    })
}

/// Frees the result of [`hooksig_sign`] (NULL is ignored).
///
/// # Safety
/// `result` is NULL or came from [`hooksig_sign`] and is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_signed_free(result: *mut hooksig_signed) {
    // SAFETY: NULL or from hooksig_sign, per the contract.
    unsafe { release(result) }
}

/// Frees a message written through a `message_out` (NULL is ignored).
///
/// # Safety
/// `message` is NULL or came from this library and is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_string_free(message: *mut c_char) {
    if !message.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: the pointer came from CString::into_raw in `guard`.
            drop(unsafe { CString::from_raw(message) });
        }));
    }
}

/// Returns the stable code string of a result code (`"signature_mismatch"`, ...; `"ok"`
/// for 0 and `"unknown"` for a value that is not a code): static, never freed.
#[unsafe(no_mangle)]
pub extern "C" fn hooksig_code_name(code: i32) -> *const c_char {
    catch_unwind(|| code_text(code).0.as_ptr()).unwrap_or(c"unknown".as_ptr())
}

/// Returns a static one-line explanation of a result code, never freed. The detailed
/// message of one failure comes through `message_out`.
#[unsafe(no_mangle)]
pub extern "C" fn hooksig_code_message(code: i32) -> *const c_char {
    catch_unwind(|| code_text(code).1.as_ptr()).unwrap_or(c"unknown".as_ptr())
}

/// The longest code name or summary, its NUL included (checked when compiling).
const TEXT_MAX: usize = 128;

/// The core's table as NUL-terminated text, made when compiling: nothing is allocated,
/// so nothing is left on the heap at exit.
static CODE_TEXT: [[[u8; TEXT_MAX]; 2]; hooksig::CODES.len()] = {
    const fn c_text(text: &str) -> [u8; TEXT_MAX] {
        let bytes = text.as_bytes();
        assert!(
            bytes.len() < TEXT_MAX,
            "a code's name or summary is too long"
        );
        let mut out = [0; TEXT_MAX];
        let mut i = 0;
        while i < bytes.len() {
            assert!(bytes[i] != 0, "a code's name or summary holds a NUL");
            out[i] = bytes[i];
            i += 1;
        }
        out
    }
    let mut table = [[[0; TEXT_MAX]; 2]; hooksig::CODES.len()];
    let mut i = 0;
    while i < table.len() {
        table[i] = [
            c_text(hooksig::CODES[i].name),
            c_text(hooksig::CODES[i].summary),
        ];
        i += 1;
    }
    table
};

/// A result code's name and summary as C strings: the core's table, plus the three codes
/// of the ABI itself (`ok`, `invalid_argument`, `internal_error`).
fn code_text(code: i32) -> (&'static std::ffi::CStr, &'static std::ffi::CStr) {
    let text = |bytes: &'static [u8]| std::ffi::CStr::from_bytes_until_nul(bytes).ok();
    match code {
        0 => (c"ok", c"success"),
        100 => (
            c"invalid_argument",
            c"the C ABI was misused: a NULL pointer, non-UTF-8 text, or a bad value",
        ),
        101 => (
            c"internal_error",
            c"internal error in hooksig: please report it",
        ),
        n => usize::try_from(n)
            .ok()
            .and_then(|n| CODE_TEXT.get(n.checked_sub(1)?))
            .and_then(|[name, summary]| Some((text(name)?, text(summary)?)))
            .unwrap_or((c"unknown", c"not a hooksig result code")),
    }
}

/// `hooksig_code_kind`: the code is about the request (answer 4xx).
pub const HOOKSIG_KIND_VERIFICATION: u32 = 1;
/// `hooksig_code_kind`: the code is about the configuration (a programming error).
pub const HOOKSIG_KIND_CONFIGURATION: u32 = 2;

/// Returns the kind of a result code: `HOOKSIG_KIND_VERIFICATION`,
/// `HOOKSIG_KIND_CONFIGURATION`, or 0 (success, an ABI code, or unknown). The core's codes
/// are 1 to N with no gap, so 0 for N + 1 ends the table: bindings build their error
/// classes from this and [`hooksig_code_name`] for 1, 2, ... at load.
#[unsafe(no_mangle)]
pub extern "C" fn hooksig_code_kind(code: i32) -> u32 {
    let kind = usize::try_from(code)
        .ok()
        .and_then(|n| hooksig::CODES.get(n.checked_sub(1)?))
        .map(|c| c.kind);
    match kind {
        Some(hooksig::ErrorKind::Verification) => HOOKSIG_KIND_VERIFICATION,
        Some(hooksig::ErrorKind::Configuration) => HOOKSIG_KIND_CONFIGURATION,
        None => 0,
    }
}

/// Returns the library's version, e.g. `"0.1.0"`: static, never freed.
#[unsafe(no_mangle)]
pub extern "C" fn hooksig_version() -> *const c_char {
    // A constant: nothing here can panic, so there is nothing to catch.
    const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    VERSION.as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(name: &'static str, value: &'static str) -> hooksig_header {
        hooksig_header {
            name: name.as_ptr(),
            name_len: name.len(),
            value: value.as_ptr(),
            value_len: value.len(),
        }
    }

    fn github() -> *mut hooksig_verifier {
        let secret = b"It's a Secret to Everybody";
        let secrets = [hooksig_bytes {
            ptr: secret.as_ptr(),
            len: secret.len(),
        }];
        let config = hooksig_config {
            preset: b"github".as_ptr(),
            preset_len: 6,
            scheme_json: ptr::null(),
            scheme_json_len: 0,
            secrets: secrets.as_ptr(),
            secrets_len: 1,
            public_keys: ptr::null(),
            public_keys_len: 0,
            private_key: hooksig_bytes {
                ptr: ptr::null(),
                len: 0,
            },
            params: ptr::null(),
            params_len: 0,
            tolerance_mode: HOOKSIG_TOLERANCE_DEFAULT,
            tolerance_seconds: 0,
            replay_namespace: hooksig_bytes {
                ptr: ptr::null(),
                len: 0,
            },
            replay_ttl: 0,
        };
        let mut out = ptr::null_mut();
        // SAFETY: valid config and out.
        let code = unsafe { hooksig_verifier_new(&config, &mut out, ptr::null_mut()) };
        assert_eq!(code, HOOKSIG_OK);
        out
    }

    const SIG: &str = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    #[test]
    fn packed_and_array_agree() {
        let v = github();
        let body = b"Hello, World!";
        let headers = [header("X-Hub-Signature-256", SIG)];
        let mut packed = Vec::new();
        for (name, value) in [
            ("content-type", "application/json"),
            ("x-hub-signature-256", SIG),
        ] {
            packed.extend_from_slice(&(name.len() as u32).to_le_bytes());
            packed.extend_from_slice(name.as_bytes());
            packed.extend_from_slice(&(value.len() as u32).to_le_bytes());
            packed.extend_from_slice(value.as_bytes());
        }
        // SAFETY: all pointers are valid for their lengths.
        unsafe {
            let code = hooksig_verify(
                v,
                body.as_ptr(),
                13,
                headers.as_ptr(),
                1,
                ptr::null(),
                ptr::null_mut(),
                ptr::null_mut(),
            );
            assert_eq!(code, HOOKSIG_OK);
            let code = hooksig_verify_packed(
                v,
                body.as_ptr(),
                13,
                packed.as_ptr(),
                packed.len(),
                ptr::null(),
                ptr::null_mut(),
                ptr::null_mut(),
            );
            assert_eq!(code, HOOKSIG_OK);
            let code = hooksig_verify_packed(
                v,
                body.as_ptr(),
                12,
                packed.as_ptr(),
                packed.len(),
                ptr::null(),
                ptr::null_mut(),
                ptr::null_mut(),
            );
            assert_eq!(code, HOOKSIG_SIGNATURE_MISMATCH);
            // A truncated buffer is a misuse, never a read past its end.
            let code = hooksig_verify_packed(
                v,
                body.as_ptr(),
                13,
                packed.as_ptr(),
                packed.len() - 1,
                ptr::null(),
                ptr::null_mut(),
                ptr::null_mut(),
            );
            assert_eq!(code, HOOKSIG_INVALID_ARGUMENT);
            hooksig_verifier_free(v);
        }
    }

    #[test]
    fn keyed_verify_makes_the_cores_key() {
        let v = github();
        let body = b"Hello, World!";
        let headers = [header("X-Hub-Signature-256", SIG)];
        let want = format!("github:sig:{}", &SIG[7..]);
        let mut key = [0u8; 256];
        let mut len = 0;
        // SAFETY: all pointers are valid for their lengths.
        unsafe {
            let code = hooksig_verify_keyed(
                v,
                body.as_ptr(),
                13,
                headers.as_ptr(),
                1,
                ptr::null(),
                ptr::null_mut(),
                key.as_mut_ptr(),
                key.len(),
                &mut len,
                ptr::null_mut(),
            );
            assert_eq!(code, HOOKSIG_OK);
            assert_eq!(&key[..len], want.as_bytes());
            assert_eq!(hooksig_verifier_replay_ttl(v), hooksig::DEFAULT_REPLAY_TTL);
            let mut ns_len = 0;
            let ns = hooksig_verifier_namespace(v, &mut ns_len);
            assert_eq!(std::slice::from_raw_parts(ns, ns_len), b"github");
            // Too small: the length is reported, nothing written.
            let mut small = [0u8; 8];
            let code = hooksig_verify_keyed(
                v,
                body.as_ptr(),
                13,
                headers.as_ptr(),
                1,
                ptr::null(),
                ptr::null_mut(),
                small.as_mut_ptr(),
                small.len(),
                &mut len,
                ptr::null_mut(),
            );
            assert_eq!(code, HOOKSIG_INVALID_ARGUMENT);
            assert_eq!(len, want.len());
            assert_eq!(small, [0; 8]);
            // A request that does not verify makes no key.
            let code = hooksig_verify_keyed(
                v,
                body.as_ptr(),
                12,
                headers.as_ptr(),
                1,
                ptr::null(),
                ptr::null_mut(),
                key.as_mut_ptr(),
                key.len(),
                &mut len,
                ptr::null_mut(),
            );
            assert_eq!((code, len), (HOOKSIG_SIGNATURE_MISMATCH, 0));
            // key_len is required.
            let code = hooksig_verify_keyed(
                v,
                body.as_ptr(),
                13,
                headers.as_ptr(),
                1,
                ptr::null(),
                ptr::null_mut(),
                key.as_mut_ptr(),
                key.len(),
                ptr::null_mut(),
                ptr::null_mut(),
            );
            assert_eq!(code, HOOKSIG_INVALID_ARGUMENT);
            hooksig_verifier_free(v);
        }
    }

    #[test]
    fn the_memory_store_claims_once() {
        let store = hooksig_replay_store_new(0);
        // SAFETY: a live store and keys valid for their lengths.
        unsafe {
            assert_eq!(hooksig_replay_store_claim(store, b"k".as_ptr(), 1, 60), 1);
            assert_eq!(hooksig_replay_store_claim(store, b"k".as_ptr(), 1, 60), 0);
            assert_eq!(hooksig_replay_store_len(store), 1);
            assert_eq!(
                hooksig_replay_store_release(store, b"k".as_ptr(), 1),
                HOOKSIG_OK
            );
            assert_eq!(hooksig_replay_store_claim(store, b"k".as_ptr(), 1, 60), 1);
            assert_eq!(
                hooksig_replay_store_claim(store, b"\xff".as_ptr(), 1, 60),
                -(HOOKSIG_INVALID_ARGUMENT as i32)
            );
            assert_eq!(
                hooksig_replay_store_claim(ptr::null(), b"k".as_ptr(), 1, 60),
                -(HOOKSIG_INVALID_ARGUMENT as i32)
            );
            assert_eq!(
                hooksig_replay_store_release(store, ptr::null(), 3),
                HOOKSIG_INVALID_ARGUMENT
            );
            hooksig_replay_store_free(store);
        }
    }

    #[test]
    fn header_names_and_needs() {
        let v = github();
        // SAFETY: a live verifier; the array has room for `capacity` entries.
        unsafe {
            assert_eq!(hooksig_verifier_header_names(v, ptr::null_mut(), 0), 1);
            let mut names = [hooksig_bytes {
                ptr: ptr::null(),
                len: 0,
            }; 2];
            assert_eq!(hooksig_verifier_header_names(v, names.as_mut_ptr(), 2), 1);
            let name = std::slice::from_raw_parts(names[0].ptr, names[0].len);
            assert!(name.eq_ignore_ascii_case(b"x-hub-signature-256"));
            assert!(names[1].ptr.is_null());
            assert_eq!(hooksig_verifier_needs(v), 0);
            assert_eq!(
                hooksig_verifier_header_names(ptr::null(), ptr::null_mut(), 0),
                0
            );
            assert_eq!(hooksig_verifier_needs(ptr::null()), 0);
            hooksig_verifier_free(v);
        }
    }

    #[test]
    fn context_bytes_follow_the_rules() {
        let none = hooksig_bytes {
            ptr: ptr::null(),
            len: 0,
        };
        let mut c = hooksig_context {
            now: 7,
            has_now: true,
            url: none,
            method: none,
        };
        // SAFETY: a valid context whose strings outlive the calls.
        unsafe {
            let got = context(&c).ok().unwrap();
            assert_eq!((got.now, got.url, got.method), (Some(7), None, None));
            c.url = hooksig_bytes {
                ptr: b"".as_ptr(),
                len: 0,
            };
            assert_eq!(context(&c).ok().unwrap().url, Some(&b""[..]));
            c.method = hooksig_bytes {
                ptr: ptr::null(),
                len: 4,
            };
            assert_eq!(
                context(&c).err().map(|f| f.code),
                Some(HOOKSIG_INVALID_ARGUMENT)
            );
            let got = context(ptr::null()).ok().unwrap();
            assert_eq!((got.now, got.url, got.method), (None, None, None));
        }
    }

    #[test]
    fn a_panic_becomes_internal_error_with_a_message() {
        let mut message: *mut c_char = ptr::null_mut();
        let code = guard(&mut message, || panic!("boom"));
        assert_eq!(code, HOOKSIG_INTERNAL_ERROR);
        assert!(!message.is_null());
        // SAFETY: `guard` wrote a string from CString::into_raw.
        let text = unsafe { std::ffi::CStr::from_ptr(message) }
            .to_str()
            .unwrap()
            .to_owned();
        assert!(text.contains("internal error"), "{text}");
        // SAFETY: the same pointer, freed once.
        unsafe { hooksig_string_free(message) };
    }

    #[test]
    fn codes_match_the_core_table() {
        for code in hooksig::CODES {
            let c = code_of(code.number);
            assert_eq!(c as i32, code.number, "{}", code.name);
            // The enum's name is the code's, in upper case.
            assert_eq!(
                format!("{c:?}"),
                format!("HOOKSIG_{}", code.name.to_uppercase())
            );
            assert_eq!(code_text(code.number).0.to_str().unwrap(), code.name);
            let kind = match code.kind {
                hooksig::ErrorKind::Verification => HOOKSIG_KIND_VERIFICATION,
                hooksig::ErrorKind::Configuration => HOOKSIG_KIND_CONFIGURATION,
            };
            assert_eq!(hooksig_code_kind(code.number), kind);
        }
        let after = hooksig::CODES.len() as i32 + 1;
        assert_eq!(code_of(after), HOOKSIG_INTERNAL_ERROR);
        assert_eq!(code_text(after).0, c"unknown");
        assert_eq!(hooksig_code_kind(0), 0);
        assert_eq!(hooksig_code_kind(100), 0);
        let fail = Fail::from(Error::MissingParam { name: "p".into() });
        assert_eq!(fail.code, HOOKSIG_MISSING_PARAM);
    }
}
