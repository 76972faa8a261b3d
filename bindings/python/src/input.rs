//! Converts Python arguments to what the core takes, without copying where Python allows.

use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyInt, PyList, PyMemoryView, PyString, PyTuple,
};

use crate::errors::{type_error, value_error};

/// Header text held for the length of one call: Python `bytes` borrowed as they are,
/// `str` as its UTF-8 bytes.
pub(crate) enum Text {
    Bytes(PyBackedBytes),
    Str(Utf8),
}

impl AsRef<[u8]> for Text {
    fn as_ref(&self) -> &[u8] {
        match self {
            Text::Bytes(bytes) => bytes,
            Text::Str(text) => text.as_bytes(),
        }
    }
}

/// The UTF-8 bytes of a Python `str`, borrowed from the str itself where possible.
///
/// The stable ABI of Python 3.9 only offers `PyUnicode_AsUTF8String`, which allocates a
/// new `bytes` per string: for the dozen header strings of a request that was a third of
/// the time of a 1 KiB verification. CPython has exported `PyUnicode_AsUTF8AndSize` since
/// 3.3 (and it is in the stable ABI from 3.10), so on Unix it is called directly: for an
/// ASCII str it returns the str's own data, with no allocation.
pub(crate) enum Utf8 {
    #[cfg(unix)]
    Borrowed {
        _owner: Py<PyString>,
        data: std::ptr::NonNull<u8>,
        len: usize,
    },
    #[allow(dead_code)]
    Encoded(PyBackedStr),
}

// SAFETY: `data` points into the UTF-8 buffer of the str that `_owner` keeps alive; a str
// is immutable and CPython never frees or moves that buffer before the str itself, so the
// bytes may be read from any thread (as `PyBackedStr` does for the same buffer).
#[cfg(unix)]
unsafe impl Send for Utf8 {}
// SAFETY: as for `Send`: shared reads of immutable bytes.
#[cfg(unix)]
unsafe impl Sync for Utf8 {}

#[cfg(unix)]
unsafe extern "C" {
    fn PyUnicode_AsUTF8AndSize(
        unicode: *mut pyo3::ffi::PyObject,
        size: *mut pyo3::ffi::Py_ssize_t,
    ) -> *const std::os::raw::c_char;
}

impl Utf8 {
    /// Reads a str; `None` when it has no UTF-8 form (a lone surrogate).
    pub(crate) fn new(text: &Bound<'_, PyString>) -> Option<Self> {
        #[cfg(unix)]
        {
            let mut len: pyo3::ffi::Py_ssize_t = 0;
            // SAFETY: `text` is a live str and we hold the GIL; the function either returns
            // a pointer to `len` bytes owned by the str, or NULL with an exception set.
            let data = unsafe { PyUnicode_AsUTF8AndSize(text.as_ptr(), &mut len) };
            match std::ptr::NonNull::new(data as *mut u8) {
                Some(data) => Some(Utf8::Borrowed {
                    _owner: text.clone().unbind(),
                    data,
                    len: usize::try_from(len).ok()?,
                }),
                None => {
                    // Clear the UnicodeEncodeError: the caller raises a clearer one.
                    drop(PyErr::take(text.py()));
                    None
                }
            }
        }
        #[cfg(not(unix))]
        {
            PyBackedStr::try_from(text.clone()).ok().map(Utf8::Encoded)
        }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            #[cfg(unix)]
            // SAFETY: see the `Send` impl: `len` bytes at `data`, alive while `self` is.
            Utf8::Borrowed { data, len, .. } => unsafe {
                std::slice::from_raw_parts(data.as_ptr(), *len)
            },
            Utf8::Encoded(text) => text.as_bytes(),
        }
    }
}

const HEADERS_EXPECTED: &str =
    "a mapping (dict, Starlette or werkzeug Headers) or an iterable of (name, value) pairs";

/// Reads request headers in any of the shapes frameworks hold them.
///
/// - a `dict`, read directly;
/// - Starlette `Headers` (anything with a `raw` list of byte pairs, as ASGI gives them);
/// - any other object with `items()`: a `Mapping`, werkzeug `Headers`/`EnvironHeaders`,
///   `email.message.Message`, multidicts (their `items()` repeat a repeated header);
/// - an iterable of `(name, value)` pairs, `str` or `bytes`.
///
/// A value may also be a list or tuple of values: the header is then repeated. Names are
/// handed on as they are: matching them (case-insensitively) is the core's rule.
pub(crate) fn headers(obj: &Bound<'_, PyAny>) -> PyResult<Vec<(Text, Text)>> {
    let mut out = Vec::with_capacity(16);
    if let Ok(dict) = obj.cast_exact::<PyDict>() {
        for (name, value) in dict.iter() {
            push(&mut out, &name, &value)?;
        }
        return Ok(out);
    }
    if obj.is_instance_of::<PyString>()
        || obj.is_instance_of::<PyBytes>()
        || obj.is_instance_of::<PyByteArray>()
    {
        return Err(type_error("headers", HEADERS_EXPECTED, obj));
    }
    let py = obj.py();
    let pairs = if let Some(raw) = obj
        .getattr_opt(pyo3::intern!(py, "raw"))?
        .filter(|raw| raw.is_instance_of::<PyList>())
    {
        raw
    } else if let Some(items) = obj.getattr_opt(pyo3::intern!(py, "items"))? {
        items.call0()?
    } else {
        obj.clone()
    };
    let iter = pairs
        .try_iter()
        .map_err(|_| type_error("headers", HEADERS_EXPECTED, obj))?;
    for pair in iter {
        let pair = pair?;
        let (name, value) = match pair.cast::<PyTuple>() {
            Ok(tuple) if tuple.len() == 2 => (tuple.get_item(0)?, tuple.get_item(1)?),
            _ => match pair.cast::<PyList>() {
                Ok(list) if list.len() == 2 => (list.get_item(0)?, list.get_item(1)?),
                _ => {
                    return Err(type_error("each header", "a (name, value) pair", &pair));
                }
            },
        };
        push(&mut out, &name, &value)?;
    }
    Ok(out)
}

fn push(
    out: &mut Vec<(Text, Text)>,
    name: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
) -> PyResult<()> {
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        for one in value.try_iter()? {
            let one = one?;
            out.push((text(name, "a header name")?, text(&one, "a header value")?));
        }
        return Ok(());
    }
    out.push((text(name, "a header name")?, text(value, "a header value")?));
    Ok(())
}

fn text(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Text> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Utf8::new(s).map(Text::Str).ok_or_else(|| {
            value_error(format!(
                "{what} holds a lone surrogate and has no UTF-8 form; pass it as bytes"
            ))
        });
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Text::Bytes(PyBackedBytes::from(b.clone())));
    }
    Err(type_error(what, "str or bytes", obj))
}

/// A request body: `bytes` borrowed, `bytearray` borrowed under the GIL (or copied
/// before the GIL is released), `memoryview` and `str` turned into bytes once.
pub(crate) enum Body<'py> {
    Bytes(Bound<'py, PyBytes>),
    ByteArray(Bound<'py, PyByteArray>),
    Str(Utf8),
}

impl<'py> Body<'py> {
    /// Reads a body argument; anything but bytes, bytearray, memoryview or str is a `TypeError`.
    pub(crate) fn extract(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        if let Ok(bytes) = obj.cast::<PyBytes>() {
            return Ok(Body::Bytes(bytes.clone()));
        }
        if let Ok(array) = obj.cast::<PyByteArray>() {
            return Ok(Body::ByteArray(array.clone()));
        }
        if let Ok(view) = obj.cast::<PyMemoryView>() {
            // The stable ABI of Python 3.9 has no buffer protocol: `bytes(view)` is the one copy.
            let bytes = obj.py().get_type::<PyBytes>().call1((view,))?;
            return Ok(Body::Bytes(bytes.cast_into::<PyBytes>()?));
        }
        if let Ok(text) = obj.cast::<PyString>() {
            return Utf8::new(text).map(Body::Str).ok_or_else(|| {
                value_error(
                    "body is a str with a lone surrogate and has no UTF-8 form; pass the raw \
                     request bytes"
                        .to_owned(),
                )
            });
        }
        Err(type_error(
            "body",
            "bytes, bytearray, memoryview or str (the raw request body)",
            obj,
        ))
    }

    /// Runs `f` on the body's bytes.
    ///
    /// At `release_at` bytes or more, the GIL is released while `f` runs, so other
    /// threads go on during a long MAC; a `bytearray` is then copied first, since
    /// another thread could resize it.
    pub(crate) fn with<T: Send>(
        &self,
        py: Python<'py>,
        release_at: usize,
        f: impl FnOnce(&[u8]) -> T + Send,
    ) -> T {
        match self {
            Body::Bytes(bytes) => run(py, bytes.as_bytes(), release_at, f),
            Body::Str(text) => run(py, text.as_bytes(), release_at, f),
            Body::ByteArray(array) => {
                if array.len() >= release_at {
                    let copy = array.to_vec();
                    py.detach(|| f(&copy))
                } else {
                    // SAFETY: the slice lives only during `f`, which runs Rust code alone with
                    // the GIL held: no Python code can run to resize or free the bytearray.
                    f(unsafe { array.as_bytes() })
                }
            }
        }
    }
}

fn run<T: Send>(
    py: Python<'_>,
    bytes: &[u8],
    release_at: usize,
    f: impl FnOnce(&[u8]) -> T + Send,
) -> T {
    if bytes.len() >= release_at {
        // `bytes` is immutable and kept alive by the caller's reference.
        py.detach(|| f(bytes))
    } else {
        f(bytes)
    }
}

/// Reads a whole number of seconds (`now`, `timestamp`): an int, not a bool, not negative.
/// Values past `u64::MAX` saturate; the core then reports what is wrong with them.
pub(crate) fn seconds(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<u64> {
    if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
        return Err(type_error(what, "an int (Unix seconds)", obj));
    }
    if let Ok(seconds) = obj.extract::<u64>() {
        return Ok(seconds);
    }
    if obj.lt(0)? {
        return Err(value_error(format!(
            "{what} must be a non-negative number of seconds, not {obj}"
        )));
    }
    Ok(obj.extract::<u64>().unwrap_or(u64::MAX))
}
