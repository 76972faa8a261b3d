//! The binding's speed tricks, in one place. Each has a plain equivalent in `input.rs`, which
//! is what runs when a trick does not apply (or on a platform without it), and each names the
//! benchmark cells it wins (`bench/python.md`, "Plain path and fast path": `make bench-python`
//! runs the matrix once more with `HOOKSIG_PY_PLAIN=1`, which turns this module off at import;
//! the test suite runs the vectors both ways).
//!
//! 1. [`utf8`]: a `str`'s UTF-8 form read in place instead of a new `bytes` per string. Wins
//!    every cell whose headers are `str` (the dict containers): the stable ABI of Python 3.9
//!    only offers `PyUnicode_AsUTF8String`, which allocates per string.
//! 2. [`pairs`]: an exact `dict`, or an exact `list` of exact 2-tuples (ASGI headers,
//!    Starlette's `raw`), read without a new reference per name and value. Wins the
//!    "request (dict)", "request (Starlette)" and "request (ASGI list)" cells: two
//!    reference-count calls per string, 24 for a 12-header request, under the stable ABI.
//! 3. [`starlette_list`]: Starlette `Headers` read through the ASGI list it wraps (`_list`)
//!    instead of its `raw` property, which runs Python code and copies the list per call.
//!    Wins the "request (Starlette)" cells (FastAPI's `request.headers`).

use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString, PyType};

use crate::input::{Borrow, HeaderList, Text};

static ENABLED: AtomicBool = AtomicBool::new(true);

/// Turns the tricks on or off for this process (`HOOKSIG_PY_PLAIN=1` at import: off;
/// `_hooksig._set_fast_path` for the benchmark, which measures both in one process).
pub(crate) fn set_enabled(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

/// Whether the tricks are on.
pub(crate) fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

// SAFETY: the declaration is CPython's own (`Include/unicodeobject.h`:
// `const char *PyUnicode_AsUTF8AndSize(PyObject *unicode, Py_ssize_t *size)`), exported by
// CPython since 3.3 and in the stable ABI from 3.10; declared here so that an abi3-py39
// module can call it.
#[cfg(unix)]
unsafe extern "C" {
    fn PyUnicode_AsUTF8AndSize(
        unicode: *mut ffi::PyObject,
        size: *mut ffi::Py_ssize_t,
    ) -> *const std::os::raw::c_char;
}

/// Trick 1: a `str`'s UTF-8 form, in place (for an ASCII `str`, its own data; no allocation).
/// `None` when the trick is off or unavailable; `Some(None)` for a `str` with no UTF-8 form
/// (a lone surrogate).
pub(crate) fn utf8<'py>(text: &Bound<'py, PyString>) -> Option<Option<Text<'py>>> {
    if !enabled() {
        return None;
    }
    #[cfg(unix)]
    {
        // SAFETY: `text` is a live str and the GIL is held.
        let found = unsafe { utf8_of(text.as_ptr()) };
        Some(found.map(|(data, len)| Text::in_place(Some(text.clone().into_any()), data, len)))
    }
    #[cfg(not(unix))]
    {
        let _ = text;
        None
    }
}

/// The UTF-8 buffer of a live `str`, owned by it; `None` (the error cleared) when it has none.
///
/// # Safety
///
/// `obj` must be a live `str` and the GIL must be held.
#[cfg(unix)]
unsafe fn utf8_of(obj: *mut ffi::PyObject) -> Option<(*const u8, usize)> {
    let mut len: ffi::Py_ssize_t = 0;
    // SAFETY: per this function's contract; the result points into the str, or is NULL with
    // an exception set.
    let data = unsafe { PyUnicode_AsUTF8AndSize(obj, &mut len) };
    if data.is_null() {
        // SAFETY: the GIL is held. The caller raises a clearer error of its own.
        unsafe { ffi::PyErr_Clear() };
        return None;
    }
    Some((data.cast(), usize::try_from(len).ok()?))
}

/// Trick 2: the pairs of an exact `dict`, or of an exact `list` of exact 2-tuples, of exact
/// `str`/`bytes`, read without new references. `None` when the trick is off, `borrow` is
/// `No`, or any item is of another shape (the caller then takes the plain path).
pub(crate) fn pairs<'py>(obj: &Bound<'py, PyAny>, borrow: Borrow) -> Option<HeaderList<'py>> {
    if !enabled() || borrow == Borrow::No {
        return None;
    }
    #[cfg(unix)]
    {
        // SAFETY: `Borrow::Yes` is the caller's promise that no Python code runs until the
        // headers are dropped (see `Borrow`), so the container keeps every item alive.
        unsafe { borrowed_pairs(obj) }
    }
    #[cfg(not(unix))]
    {
        let _ = obj;
        None
    }
}

/// Starlette's `Headers` and `MutableHeaders`, once `starlette.datastructures` is imported
/// (only then can a request hold one).
static STARLETTE: PyOnceLock<[Py<PyType>; 2]> = PyOnceLock::new();

/// Trick 3: the ASGI header list a Starlette `Headers` wraps; `None` for any other object, or
/// when the trick is off.
pub(crate) fn starlette_list<'py>(obj: &Bound<'py, PyAny>) -> Option<Bound<'py, PyList>> {
    if !enabled() {
        return None;
    }
    let py = obj.py();
    let types = STARLETTE
        .get_or_try_init(py, || -> PyResult<[Py<PyType>; 2]> {
            // Not imported yet: no such object exists, and nothing is cached (an error).
            let module = py
                .import("sys")?
                .getattr("modules")?
                .get_item("starlette.datastructures")?;
            let class = |name: &str| -> PyResult<Py<PyType>> {
                Ok(module.getattr(name)?.cast_into::<PyType>()?.unbind())
            };
            Ok([class("Headers")?, class("MutableHeaders")?])
        })
        .ok()?;
    let kind = obj.get_type();
    if !types.iter().any(|t| t.bind(py).is(&kind)) {
        return None;
    }
    // An instance attribute of these exact classes: reading it runs no Python code.
    obj.getattr(pyo3::intern!(py, "_list"))
        .ok()?
        .cast_into_exact::<PyList>()
        .ok()
}

/// Reads an exact `str` or `bytes` without a new reference; `None` for anything else.
///
/// # Safety
///
/// `obj` must be a live object that the caller's container keeps alive for `'py`, and the
/// GIL must be held.
#[cfg(unix)]
unsafe fn borrowed<'py>(obj: *mut ffi::PyObject) -> Option<Text<'py>> {
    // SAFETY (all below): `obj` is live and the GIL is held, per this function's contract.
    let kind = unsafe { ffi::Py_TYPE(obj) };
    if std::ptr::eq(kind, &raw mut ffi::PyUnicode_Type) {
        let (data, len) = unsafe { utf8_of(obj) }?;
        return Some(Text::in_place(None, data, len));
    }
    if std::ptr::eq(kind, &raw mut ffi::PyBytes_Type) {
        let data = unsafe { ffi::PyBytes_AsString(obj) };
        let len = unsafe { ffi::PyBytes_Size(obj) };
        return Some(Text::in_place(
            None,
            data.cast(),
            usize::try_from(len).ok()?,
        ));
    }
    None
}

/// # Safety
///
/// As for [`borrowed`]: no Python code may run until the returned texts are dropped.
#[cfg(unix)]
unsafe fn borrowed_pairs<'py>(obj: &Bound<'py, PyAny>) -> Option<HeaderList<'py>> {
    let mut out = HeaderList::new();
    if obj.is_exact_instance_of::<PyDict>() {
        let (mut pos, mut key, mut value) = (0, std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: an exact dict, the GIL held; PyDict_Next hands out borrowed references,
        // which the dict keeps alive while it is not changed (this function's contract).
        while unsafe { ffi::PyDict_Next(obj.as_ptr(), &mut pos, &mut key, &mut value) } != 0 {
            // SAFETY: as above.
            out.push(unsafe { (borrowed(key)?, borrowed(value)?) });
        }
        return Some(out);
    }
    if obj.is_exact_instance_of::<PyList>() {
        // SAFETY: an exact list, the GIL held; the items are borrowed references the list
        // keeps alive, and an exact tuple's items are fixed while the tuple lives.
        unsafe {
            let n = ffi::PyList_Size(obj.as_ptr());
            for i in 0..n {
                let pair = ffi::PyList_GetItem(obj.as_ptr(), i);
                if pair.is_null()
                    || !std::ptr::eq(ffi::Py_TYPE(pair), &raw mut ffi::PyTuple_Type)
                    || ffi::PyTuple_Size(pair) != 2
                {
                    ffi::PyErr_Clear();
                    return None;
                }
                out.push((
                    borrowed(ffi::PyTuple_GetItem(pair, 0))?,
                    borrowed(ffi::PyTuple_GetItem(pair, 1))?,
                ));
            }
        }
        return Some(out);
    }
    None
}
