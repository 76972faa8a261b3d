//! Builds a core `Config` from the constructor arguments shared by `Verifier` and `Signer`.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyDict, PyInt, PyString};

use crate::errors::{to_py, type_error};

/// How a verifier was described, for its repr: a preset name or the scheme itself.
pub(crate) enum Origin {
    Preset(String),
    Custom,
}

/// The parsed arguments, ready for `Verifier::new` or `Signer::new`.
pub(crate) struct Built {
    pub(crate) config: hooksig::Config,
    pub(crate) origin: Origin,
}

/// Reads `scheme`, `secret`/`secrets`, `params` and, from `options`, `tolerance`.
///
/// `scheme` is a preset name, a JSON object as text, or a mapping (the JSON of
/// DESIGN.md as a dict). `options` holds the keywords that must tell "not given"
/// from `None`; anything else in it is a `TypeError`, as for any unknown keyword.
pub(crate) fn build(
    py: Python<'_>,
    scheme: &Bound<'_, PyAny>,
    secret: Option<&Bound<'_, PyAny>>,
    secrets: Option<&Bound<'_, PyAny>>,
    params: Option<&Bound<'_, PyAny>>,
    options: Option<&Bound<'_, PyDict>>,
    allowed: &[&str],
) -> PyResult<Built> {
    let (scheme, origin) = read_scheme(py, scheme)?;
    let mut config = hooksig::Config::new(scheme);

    match (secret, secrets) {
        (Some(_), Some(_)) => {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "pass secret= or secrets=, not both",
            ));
        }
        (Some(one), None) => config = config.secret(secret_bytes(one, "secret")?),
        (None, Some(many)) => {
            if many.is_instance_of::<PyString>() || many.is_instance_of::<PyBytes>() {
                return Err(type_error(
                    "secrets",
                    "a list of secrets (use secret= for one)",
                    many,
                ));
            }
            let iter = many
                .try_iter()
                .map_err(|_| type_error("secrets", "a list of str or bytes", many))?;
            for item in iter {
                config = config.secret(secret_bytes(&item?, "each secret")?);
            }
        }
        // The core reports the missing secret as `invalid_secret`.
        (None, None) => {}
    }

    if let Some(params) = params {
        let items = params
            .getattr_opt("items")?
            .ok_or_else(|| type_error("params", "a mapping of str to str", params))?
            .call0()?;
        for pair in items.try_iter()? {
            let (name, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair?.extract()?;
            let name = name
                .cast::<PyString>()
                .map_err(|_| type_error("a param name", "str", &name))?
                .to_cow()?
                .into_owned();
            let value = value
                .cast::<PyString>()
                .map_err(|_| type_error(&format!("param `{name}`"), "str", &value))?
                .to_cow()?
                .into_owned();
            config = config.param(name, value);
        }
    }

    if let Some(options) = options {
        for (key, value) in options.iter() {
            let key = key.extract::<String>()?;
            if !allowed.contains(&key.as_str()) {
                return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                    "unexpected keyword argument `{key}`"
                )));
            }
            if key == "tolerance" {
                config = config.tolerance(tolerance(py, &value)?);
            }
        }
    }
    Ok(Built { config, origin })
}

fn read_scheme(py: Python<'_>, scheme: &Bound<'_, PyAny>) -> PyResult<(hooksig::Scheme, Origin)> {
    if let Ok(text) = scheme.cast::<PyString>() {
        let text = text.to_cow()?;
        let parsed = hooksig::Scheme::from_text(&text).map_err(|e| to_py(py, &e))?;
        let origin = if hooksig::Scheme::is_json_text(&text) {
            Origin::Custom
        } else {
            Origin::Preset(text.into_owned())
        };
        return Ok((parsed, origin));
    }
    if scheme.getattr_opt("items")?.is_none() {
        return Err(type_error(
            "scheme",
            "a preset name (str) or a scheme (a dict, or its JSON text)",
            scheme,
        ));
    }
    let json = py.import("json")?;
    let as_dict = PyDict::new(py);
    as_dict.call_method1("update", (scheme,))?;
    let text = json
        .call_method1("dumps", (as_dict,))
        .map_err(|e| {
            pyo3::exceptions::PyTypeError::new_err(format!(
                "scheme must hold JSON values only (str, int, None, dict): {e}"
            ))
        })?
        .extract::<String>()?;
    let parsed = hooksig::Scheme::from_json(&text).map_err(|e| to_py(py, &e))?;
    Ok((parsed, Origin::Custom))
}

fn secret_bytes(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<hooksig::Secret> {
    if let Ok(text) = obj.cast::<PyString>() {
        let text = text.to_cow().map_err(|_| {
            crate::errors::value_error(format!("{what} is a str with no UTF-8 form"))
        })?;
        return Ok(hooksig::Secret::new(text.as_bytes()));
    }
    if let Ok(bytes) = obj.cast::<PyBytes>() {
        return Ok(hooksig::Secret::new(bytes.as_bytes()));
    }
    if let Ok(array) = obj.cast::<PyByteArray>() {
        return Ok(hooksig::Secret::new(array.to_vec()));
    }
    Err(type_error(what, "str or bytes", obj))
}

fn tolerance(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Option<u64>> {
    if value.is_none() {
        return Ok(None);
    }
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(type_error(
            "tolerance",
            "an int (seconds) or None (no window)",
            value,
        ));
    }
    if value.lt(0)? {
        let err = hooksig::Error::InvalidScheme {
            field: "tolerance",
            reason: "must be a non-negative number of seconds, or None for no window".into(),
        };
        return Err(to_py(py, &err));
    }
    Ok(Some(value.extract::<u64>().unwrap_or(u64::MAX)))
}
