//! Converts Python arguments to what the core takes, without copying where Python allows.

use hooksig::Headers;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyInt, PyList, PyMemoryView, PyString, PyTuple,
};
use smallvec::SmallVec;

use crate::errors::{type_error, value_error};
use crate::fast;

/// A header name or value for the length of one call: its bytes, read in place (a `bytes`
/// object's own buffer, or the UTF-8 form of a `str`), and the object that owns them, kept
/// alive, unless the container it came from keeps it alive (`fast::pairs`).
pub(crate) struct Text<'py> {
    _owner: Option<Bound<'py, PyAny>>,
    data: *const u8,
    len: usize,
}

impl AsRef<[u8]> for Text<'_> {
    fn as_ref(&self) -> &[u8] {
        // SAFETY: `data` and `len` describe the buffer of a `bytes` object or the UTF-8 form
        // a `str` keeps; both are immutable and live as long as the object, which `_owner`
        // keeps alive for as long as `self`, or else the caller's container does.
        unsafe { std::slice::from_raw_parts(self.data, self.len) }
    }
}

/// Whether headers may be read without taking a reference to each name and value.
///
/// `Yes` only when no Python code can run between reading the headers and the end of the
/// verification: the GIL stays held (the body is under the release threshold) and nothing in
/// between allocates a Python object (which could run the garbage collector, and through it
/// a finaliser that changes the container).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Borrow {
    Yes,
    No,
}

impl<'py> Text<'py> {
    /// Bytes that `owner` keeps alive (or, with no owner, the caller's container).
    pub(crate) fn in_place(owner: Option<Bound<'py, PyAny>>, data: *const u8, len: usize) -> Self {
        Text {
            _owner: owner,
            data,
            len,
        }
    }

    fn bytes(bytes: &Bound<'py, PyBytes>) -> Self {
        let slice = bytes.as_bytes();
        Text::in_place(Some(bytes.clone().into_any()), slice.as_ptr(), slice.len())
    }

    /// Reads a str as UTF-8; `None` when it has none (a lone surrogate).
    fn str(text: &Bound<'py, PyString>) -> Option<Self> {
        if let Some(in_place) = fast::utf8(text) {
            return in_place;
        }
        text.encode_utf8().ok().map(|bytes| Text::bytes(&bytes))
    }
}

/// The headers of one call, as the core reads them; a request's usual dozen or so stay on
/// the stack (a heap allocation and its free were ~5% of a small verification).
pub(crate) type HeaderList<'py> = SmallVec<[(Text<'py>, Text<'py>); 16]>;

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
pub(crate) fn headers<'py>(obj: &Bound<'py, PyAny>, borrow: Borrow) -> PyResult<HeaderList<'py>> {
    if let Some(out) = fast::pairs(obj, borrow) {
        return Ok(out);
    }
    let mut out = HeaderList::new();
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
    } else if let Some(list) = fast::starlette_list(obj) {
        list.into_any()
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
    // Starlette's `raw` list, now that its property has run.
    if let Some(out) = fast::pairs(&pairs, borrow) {
        return Ok(out);
    }
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
    /// Returns the body's length in bytes.
    pub(crate) fn len(&self) -> usize {
        match self {
            Body::Immutable(text) => text.as_ref().len(),
            Body::ByteArray(array) => array.len(),
        }
    }

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
                    f(bytes, &&headers[..])
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
                    f(unsafe { array.as_bytes() }, &&headers[..])
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

/// An optional keyword argument: `None` (given or not) is absent, anything else is read.
pub(crate) fn optional<'py, T>(
    obj: Option<&Bound<'py, PyAny>>,
    read: impl FnOnce(&Bound<'py, PyAny>) -> PyResult<T>,
) -> PyResult<Option<T>> {
    obj.filter(|o| !o.is_none()).map(read).transpose()
}

/// Reads the request's `url` or `method`: a `str` (its UTF-8 form) or `bytes`, in place.
pub(crate) fn request_text<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Text<'py>> {
    text(obj, what)
}

/// Reads a whole number of seconds (`now`, `timestamp`): an int, not a bool, from 0 to
/// 2^64 - 1; anything else is the caller's mistake (`TypeError`, `ValueError`).
pub(crate) fn seconds(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<u64> {
    whole_seconds(obj, what, "an int (Unix seconds)")
}

/// Reads a whole, non-negative number of seconds that fits in 64 bits.
pub(crate) fn whole_seconds(obj: &Bound<'_, PyAny>, what: &str, expected: &str) -> PyResult<u64> {
    if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
        return Err(type_error(what, expected, obj));
    }
    obj.extract::<u64>().map_err(|_| {
        value_error(format!(
            "{what} must be a whole number of seconds from 0 to 2**64 - 1, not {obj}"
        ))
    })
}
