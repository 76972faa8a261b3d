//! Builds a core `Config` from the constructor arguments shared by `Verifier` and `Signer`.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString};

use crate::errors::{to_py, type_error, value_error};

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

/// The key arguments, each as given (`None`: not given).
#[derive(Default)]
pub(crate) struct Keys<'a, 'py> {
    pub(crate) secret: Option<&'a Bound<'py, PyAny>>,
    pub(crate) secrets: Option<&'a Bound<'py, PyAny>>,
    pub(crate) public_key: Option<&'a Bound<'py, PyAny>>,
    pub(crate) public_keys: Option<&'a Bound<'py, PyAny>>,
    pub(crate) private_key: Option<&'a Bound<'py, PyAny>>,
}

/// Reads `scheme`, the keys, `params` and, from `options`, `tolerance`, `namespace` and
/// `replay_ttl`.
///
/// `scheme` is a preset name, a JSON object as text, or a mapping (the JSON of
/// DESIGN.md as a dict). `options` holds the keywords that must tell "not given"
/// from `None`; anything else in it is a `TypeError`, as for any unknown keyword.
pub(crate) fn build(
    py: Python<'_>,
    scheme: &Bound<'_, PyAny>,
    keys: &Keys<'_, '_>,
    params: Option<&Bound<'_, PyAny>>,
    options: Option<&Bound<'_, PyDict>>,
    allowed: &[&str],
) -> PyResult<Built> {
    let (mut config, origin) = read_scheme(py, scheme)?;

    // The core reports what is missing (`invalid_secret`, `invalid_key`).
    for (secret, what) in one_or_many(keys.secret, keys.secrets, "secret", "secrets")? {
        config = config.secret(read_key(&secret, what, |b| hooksig::Secret::new(b))?);
    }
    for (key, what) in one_or_many(
        keys.public_key,
        keys.public_keys,
        "public_key",
        "public_keys",
    )? {
        config = read_key(&key, what, |bytes| config.public_key(bytes))?;
    }
    if let Some(key) = keys.private_key.filter(|k| !k.is_none()) {
        config = config.private_key(read_key(key, "private_key", |b| hooksig::Secret::new(b))?);
    }

    if let Some(params) = params.filter(|p| !p.is_none()) {
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
                return Err(PyTypeError::new_err(format!(
                    "unexpected keyword argument `{key}`"
                )));
            }
            match key.as_str() {
                "tolerance" => config = config.tolerance(tolerance(&value)?),
                "namespace" if !value.is_none() => config = config.namespace(namespace(&value)?),
                "replay_ttl" if !value.is_none() => config = config.replay_ttl(replay_ttl(&value)?),
                _ => {}
            }
        }
    }
    Ok(Built { config, origin })
}

/// `secret=` or `secrets=` (likewise `public_key=` / `public_keys=`): at most one of them,
/// the plural a list (not a str, which would be one key read as its characters). Each key
/// comes with how an error names it.
fn one_or_many<'py>(
    one: Option<&Bound<'py, PyAny>>,
    many: Option<&Bound<'py, PyAny>>,
    one_name: &'static str,
    many_name: &'static str,
) -> PyResult<Vec<(Bound<'py, PyAny>, &'static str)>> {
    let one = one.filter(|o| !o.is_none());
    let many = many.filter(|m| !m.is_none());
    match (one, many) {
        (Some(_), Some(_)) => Err(PyTypeError::new_err(format!(
            "pass {one_name}= or {many_name}=, not both"
        ))),
        (Some(one), None) => Ok(vec![(one.clone(), one_name)]),
        (None, Some(many)) => {
            if many.is_instance_of::<PyString>() || many.is_instance_of::<PyBytes>() {
                return Err(type_error(
                    many_name,
                    &format!("a list (use {one_name}= for one)"),
                    many,
                ));
            }
            let each = if one_name == "secret" {
                "each secret"
            } else {
                "each public key"
            };
            many.try_iter()
                .map_err(|_| type_error(many_name, "a list of str or bytes", many))?
                .map(|item| item.map(|item| (item, each)))
                .collect()
        }
        (None, None) => Ok(Vec::new()),
    }
}

/// The scheme as a config: a preset by name (which is then its replay namespace), or a
/// custom scheme as JSON text or a mapping.
fn read_scheme(py: Python<'_>, scheme: &Bound<'_, PyAny>) -> PyResult<(hooksig::Config, Origin)> {
    if let Ok(text) = scheme.cast::<PyString>() {
        let text = text.to_cow()?;
        let parsed = hooksig::Config::from_text(&text).map_err(|e| to_py(py, &e))?;
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
            PyTypeError::new_err(format!(
                "scheme must hold JSON values only (str, int, None, dict): {e}"
            ))
        })?
        .extract::<String>()?;
    let parsed = hooksig::Scheme::from_json(&text).map_err(|e| to_py(py, &e))?;
    Ok((hooksig::Config::new(parsed), Origin::Custom))
}

/// Hands a secret or key to `take` as bytes (a str's UTF-8 form, bytes as they are), without
/// a copy of ours that would outlive the call.
fn read_key<T>(obj: &Bound<'_, PyAny>, what: &str, take: impl FnOnce(&[u8]) -> T) -> PyResult<T> {
    if let Ok(text) = obj.cast::<PyString>() {
        let text = text
            .to_cow()
            .map_err(|_| value_error(format!("{what} is a str with no UTF-8 form")))?;
        return Ok(take(text.as_bytes()));
    }
    if let Ok(bytes) = obj.cast::<PyBytes>() {
        return Ok(take(bytes.as_bytes()));
    }
    if let Ok(array) = obj.cast::<PyByteArray>() {
        // SAFETY: read under the GIL by Rust code alone; nothing can resize it meanwhile.
        return Ok(take(unsafe { array.as_bytes() }));
    }
    Err(type_error(what, "str or bytes", obj))
}

/// `tolerance=`: an int of seconds (0 to 2^64 - 1), or None for no window.
fn tolerance(value: &Bound<'_, PyAny>) -> PyResult<Option<u64>> {
    if value.is_none() {
        return Ok(None);
    }
    crate::input::whole_seconds(value, "tolerance", "an int (seconds) or None (no window)")
        .map(Some)
}

/// `namespace=`: the start of every replay key, a non-empty str.
fn namespace(value: &Bound<'_, PyAny>) -> PyResult<String> {
    let text = value
        .cast::<PyString>()
        .map_err(|_| type_error("namespace", "a str or None (the preset's name)", value))?
        .to_cow()?;
    if text.is_empty() {
        return Err(value_error(
            "namespace must not be empty: it starts every replay key".to_owned(),
        ));
    }
    Ok(text.into_owned())
}

/// `replay_ttl=`: how long a claim lives without a replay window, an int of seconds >= 1.
fn replay_ttl(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    let seconds =
        crate::input::whole_seconds(value, "replay_ttl", "an int (seconds) or None (24 hours)")?;
    if seconds == 0 {
        return Err(value_error(
            "replay_ttl must be at least 1 second: a claim that lives 0 s protects nothing"
                .to_owned(),
        ));
    }
    Ok(seconds)
}
