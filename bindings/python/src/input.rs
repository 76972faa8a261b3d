//! Converts Python arguments to what the core takes, without copying where Python allows.

use hooksig::Headers;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyInt, PyList, PyMemoryView, PyString, PyTuple,
};

use crate::errors::{type_error, value_error};

/// A header name or value for the length of one call: the Python object, kept alive, and
/// its bytes, read in place (a `bytes` object's own buffer, a `str`'s UTF-8 form).
pub(crate) struct Text<'py> {
    _owner: Bound<'py, PyAny>,
    data: *const u8,
    len: usize,
}

impl AsRef<[u8]> for Text<'_> {
    fn as_ref(&self) -> &[u8] {
        // SAFETY: `data` and `len` describe the buffer of `_owner`, a `bytes` object or the
        // UTF-8 form a `str` keeps; both are immutable and live as long as the object, which
        // `_owner` keeps alive for as long as `self`.
        unsafe { std::slice::from_raw_parts(self.data, self.len) }
    }
}

impl<'py> Text<'py> {
    fn bytes(bytes: &Bound<'py, PyBytes>) -> Self {
        let slice = bytes.as_bytes();
        Text {
            data: slice.as_ptr(),
            len: slice.len(),
            _owner: bytes.clone().into_any(),
        }
    }

    /// Reads a str as UTF-8; `None` when it has none (a lone surrogate).
    ///
    /// The stable ABI of Python 3.9 only offers `PyUnicode_AsUTF8String`, which allocates a
    /// new `bytes` per string: for the dozen header strings of a request that was a third
    /// of the time of a 1 KiB verification. CPython has exported `PyUnicode_AsUTF8AndSize`
    /// since 3.3 (it is in the stable ABI from 3.10), so on Unix it is called directly: for
    /// an ASCII str it returns the str's own data, with no allocation.
    fn str(text: &Bound<'py, PyString>) -> Option<Self> {
        #[cfg(unix)]
        {
            let mut len: pyo3::ffi::Py_ssize_t = 0;
            // SAFETY: `text` is a live str and we hold the GIL; the function returns a pointer
            // to `len` bytes owned by the str, or NULL with an exception set.
            let data = unsafe { PyUnicode_AsUTF8AndSize(text.as_ptr(), &mut len) };
            if data.is_null() {
                // Clear the UnicodeEncodeError: the caller raises a clearer one.
                drop(PyErr::take(text.py()));
                return None;
            }
            Some(Text {
                data: data.cast(),
                len: usize::try_from(len).ok()?,
                _owner: text.clone().into_any(),
            })
        }
        #[cfg(not(unix))]
        {
            text.encode_utf8().ok().map(|bytes| Text::bytes(&bytes))
        }
    }
}

#[cfg(unix)]
unsafe extern "C" {
    fn PyUnicode_AsUTF8AndSize(
        unicode: *mut pyo3::ffi::PyObject,
        size: *mut pyo3::ffi::Py_ssize_t,
    ) -> *const std::os::raw::c_char;
}

/// The headers of one call, as the core reads them.
pub(crate) type HeaderList<'py> = Vec<(Text<'py>, Text<'py>)>;

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
pub(crate) fn headers<'py>(obj: &Bound<'py, PyAny>) -> PyResult<HeaderList<'py>> {
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
    // Lists and tuples of pairs (ASGI raw headers) first: probing them for `raw` and `items`
    // would raise and swallow two AttributeErrors per call.
    let pairs = if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        obj.clone()
    } else if let Some(raw) = obj
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

fn push<'py>(
    out: &mut HeaderList<'py>,
    name: &Bound<'py, PyAny>,
    value: &Bound<'py, PyAny>,
) -> PyResult<()> {
    // The common case first: exact type checks are pointer compares.
    if name.is_exact_instance_of::<PyString>() && value.is_exact_instance_of::<PyString>() {
        out.push((text(name, "a header name")?, text(value, "a header value")?));
        return Ok(());
    }
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

fn text<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Text<'py>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Text::str(s).ok_or_else(|| {
            value_error(format!(
                "{what} holds a lone surrogate and has no UTF-8 form; pass it as bytes"
            ))
        });
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Text::bytes(b));
    }
    Err(type_error(what, "str or bytes", obj))
}

/// A request body: `bytes` and `str` read in place, `bytearray` in place under the GIL,
/// `memoryview` turned into `bytes` once.
pub(crate) enum Body<'py> {
    Immutable(Text<'py>),
    ByteArray(Bound<'py, PyByteArray>),
}

impl<'py> Body<'py> {
    /// Reads a body argument; anything but bytes, bytearray, memoryview or str is a `TypeError`.
    pub(crate) fn extract(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        if let Ok(bytes) = obj.cast::<PyBytes>() {
            return Ok(Body::Immutable(Text::bytes(bytes)));
        }
        if let Ok(array) = obj.cast::<PyByteArray>() {
            return Ok(Body::ByteArray(array.clone()));
        }
        if let Ok(view) = obj.cast::<PyMemoryView>() {
            // The stable ABI of Python 3.9 has no buffer protocol: `bytes(view)` is the one copy.
            let bytes = obj.py().get_type::<PyBytes>().call1((view,))?;
            return Ok(Body::Immutable(Text::bytes(bytes.cast::<PyBytes>()?)));
        }
        if let Ok(text) = obj.cast::<PyString>() {
            return Text::str(text).map(Body::Immutable).ok_or_else(|| {
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

    /// Runs `f` on the body's bytes and the headers.
    ///
    /// At `release_at` bytes or more, the GIL is released while `f` runs, so other threads
    /// go on during a long MAC: `f` then gets the headers as plain slices, and a `bytearray`
    /// is copied first, since another thread could resize it.
    pub(crate) fn with<T: Send>(
        &self,
        py: Python<'py>,
        headers: &HeaderList<'py>,
        release_at: usize,
        f: impl FnOnce(&[u8], &dyn Headers) -> T + Send,
    ) -> T {
        match self {
            Body::Immutable(text) => {
                let bytes = text.as_ref();
                if bytes.len() >= release_at {
                    let slices = plain(headers);
                    py.detach(|| f(bytes, &slices))
                } else {
                    f(bytes, headers)
                }
            }
            Body::ByteArray(array) => {
                if array.len() >= release_at {
                    let copy = array.to_vec();
                    let slices = plain(headers);
                    py.detach(|| f(&copy, &slices))
                } else {
                    // SAFETY: the slice lives only during `f`, which runs Rust code alone with
                    // the GIL held: no Python code can run to resize or free the bytearray.
                    f(unsafe { array.as_bytes() }, headers)
                }
            }
        }
    }
}

/// The headers as plain slices, to hand to another thread while the GIL is released: they
/// point into immutable `bytes` and `str` objects that the caller keeps alive.
fn plain<'a>(headers: &'a HeaderList<'_>) -> Vec<(&'a [u8], &'a [u8])> {
    headers
        .iter()
        .map(|(name, value)| (name.as_ref(), value.as_ref()))
        .collect()
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
