//! Maps core errors to the exception classes of `hooksig._errors`, by code.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

/// The exception classes, imported once from the pure-Python `hooksig._errors`.
///
/// They are defined in Python so that `ConfigurationError` can subclass both
/// `HooksigError` and `ValueError`, and so they pickle under `hooksig`.
struct Classes {
    missing_header: Py<PyType>,
    invalid_header: Py<PyType>,
    timestamp: Py<PyType>,
    signature_mismatch: Py<PyType>,
    configuration: Py<PyType>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

fn classes(py: Python<'_>) -> PyResult<&Classes> {
    CLASSES.get_or_try_init(py, || {
        let module = py.import("hooksig._errors")?;
        let get = |name: &str| -> PyResult<Py<PyType>> {
            Ok(module.getattr(name)?.cast_into::<PyType>()?.unbind())
        };
        Ok(Classes {
            missing_header: get("MissingHeaderError")?,
            invalid_header: get("InvalidHeaderError")?,
            timestamp: get("TimestampError")?,
            signature_mismatch: get("SignatureMismatchError")?,
            configuration: get("ConfigurationError")?,
        })
    })
}

/// Turns a core error into the Python exception of its code, carrying `.code`.
pub(crate) fn to_py(py: Python<'_>, err: &hooksig::Error) -> PyErr {
    let classes = match classes(py) {
        Ok(classes) => classes,
        Err(import_error) => return import_error,
    };
    let class = match err.code() {
        "missing_header" => &classes.missing_header,
        "invalid_header" => &classes.invalid_header,
        "timestamp_too_old" | "timestamp_in_future" => &classes.timestamp,
        "signature_mismatch" => &classes.signature_mismatch,
        // Every other code is about the configuration (unknown_preset, invalid_scheme,
        // invalid_secret, missing_param), and so is any code a newer core adds.
        _ => &classes.configuration,
    };
    match class.bind(py).call1((err.to_string(), err.code())) {
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
