//! Maps core errors to the exception classes of `hooksig._errors`, by code.
//!
//! The classes come from one table: the core's `hooksig::CODES`, which this module exposes as
//! `_hooksig.CODES` and from which `hooksig._errors` derives its code -> class map.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

/// One class per entry of `hooksig::CODES`, in its order, read once from
/// `hooksig._errors.CLASSES`. They are defined in Python so that `ConfigurationError` can
/// subclass both `HooksigError` and `ValueError`, and so they pickle under `hooksig`.
static CLASSES: PyOnceLock<Vec<Py<PyType>>> = PyOnceLock::new();

fn classes(py: Python<'_>) -> PyResult<&Vec<Py<PyType>>> {
    CLASSES.get_or_try_init(py, || {
        let by_code = py
            .import("hooksig._errors")?
            .getattr("CLASSES")?
            .cast_into::<PyDict>()?;
        hooksig::CODES
            .iter()
            .map(|code| {
                let class = by_code.get_item(code.name)?.ok_or_else(|| {
                    PyTypeError::new_err(format!("hooksig._errors has no class for {}", code.name))
                })?;
                Ok(class.cast_into::<PyType>()?.unbind())
            })
            .collect()
    })
}

/// The kind of a code, as `_hooksig.CODES` spells it.
fn kind_name(kind: hooksig::ErrorKind) -> &'static str {
    match kind {
        hooksig::ErrorKind::Verification => "verification",
        hooksig::ErrorKind::Configuration => "configuration",
    }
}

/// `_hooksig.CODES`: every error code as a `(name, kind)` pair, in the core's order.
pub(crate) fn codes(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    let pairs = hooksig::CODES
        .iter()
        .map(|code| (code.name, kind_name(code.kind)))
        .collect::<Vec<_>>();
    PyTuple::new(py, pairs)
}

/// Turns a core error into the Python exception of its code, carrying `.code`.
pub(crate) fn to_py(py: Python<'_>, err: &hooksig::Error) -> PyErr {
    let classes = match classes(py) {
        Ok(classes) => classes,
        Err(import_error) => return import_error,
    };
    let info = err.info();
    let index = usize::try_from(info.number - 1).unwrap_or(usize::MAX);
    let Some(class) = classes.get(index) else {
        return PyTypeError::new_err(format!("unknown error code {}", info.name));
    };
    match class.bind(py).call1((err.to_string(), info.name)) {
        Ok(instance) => PyErr::from_value(instance),
        Err(e) => e,
    }
}

/// A `TypeError` for an argument of the wrong type, naming what was given.
pub(crate) fn type_error(what: &str, expected: &str, got: &Bound<'_, PyAny>) -> PyErr {
    let got = got
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string());
    PyTypeError::new_err(format!("{what} must be {expected}, not {got}"))
}

/// A `ValueError` for an argument of the right type but an impossible value.
pub(crate) fn value_error(message: String) -> PyErr {
    PyValueError::new_err(message)
}
