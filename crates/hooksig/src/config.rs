//! What a verifier or signer is built from: a scheme, secrets, params, a tolerance.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::mac::Key;
use crate::scheme::{Encoding, Fields, Scheme};
use crate::template::{Part, Template};
use crate::{Error, Secret};

/// A scheme with its secrets, params and tolerance, ready to build a
/// [`Verifier`](crate::Verifier) or a [`Signer`](crate::Signer).
///
/// Nothing is checked until one is built; building checks everything, so that
/// verifying can only fail because of the request.
///
/// ```
/// use hooksig::{Config, Verifier};
///
/// let verifier = Verifier::new(
///     &Config::preset("noyo")?.secret("new-secret").secret("old-secret").tolerance(Some(600)),
/// )?;
/// # Ok::<(), hooksig::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    scheme: Scheme,
    secrets: Vec<Secret>,
    params: BTreeMap<String, String>,
    tolerance: Option<Option<u64>>,
}

impl Config {
    /// Starts from a scheme.
    pub fn new(scheme: Scheme) -> Self {
        Config {
            scheme,
            secrets: Vec::new(),
            params: BTreeMap::new(),
            tolerance: None,
        }
    }

    /// Starts from a named preset (`unknown_preset` when there is none).
    pub fn preset(name: &str) -> Result<Self, Error> {
        Scheme::preset(name).map(Config::new)
    }

    /// Adds a secret; with several, the first is current and the rest are accepted
    /// while a rotation is under way.
    #[must_use]
    pub fn secret(mut self, secret: impl Into<Secret>) -> Self {
        self.secrets.push(secret.into());
        self
    }

    /// Adds a construction param, a value the scheme's message names as `{NAME}`.
    #[must_use]
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.insert(name.into(), value.into());
        self
    }

    /// Overrides the scheme's replay window: `Some(seconds)`, or `None` for no window.
    #[must_use]
    pub fn tolerance(mut self, tolerance: Option<u64>) -> Self {
        self.tolerance = Some(tolerance);
        self
    }

    /// Returns the scheme.
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// Checks everything and prepares the keys: the shared work of building.
    pub(crate) fn compile(&self) -> Result<Compiled, Error> {
        let scheme = &self.scheme;
        scheme.validate()?;
        let message = Template::parse(&scheme.message)?;
        let message = match (
            message.missing_param(&self.params),
            &scheme.fallback_message,
        ) {
            (None, _) => message,
            (Some(_), Some(fallback)) => Template::parse(fallback)?,
            (Some(name), None) => {
                return Err(Error::MissingParam {
                    name: name.to_owned(),
                });
            }
        };
        if let Some(name) = message.missing_param(&self.params) {
            return Err(Error::MissingParam {
                name: name.to_owned(),
            });
        }
        if self.secrets.is_empty() {
            return Err(Error::InvalidSecret {
                reason: "no secret was given",
            });
        }
        let keys = self
            .secrets
            .iter()
            .map(|s| Ok(Key::new(scheme.algorithm, &s.key(scheme.secret_encoding)?)))
            .collect::<Result<Vec<_>, Error>>()?;
        let tolerance = match self.tolerance {
            Some(t) => t,
            None => scheme.tolerance,
        }
        .filter(|_| scheme.has_timestamp());
        Ok(Compiled {
            signature_header: scheme.signature_header.as_str().into(),
            timestamp_header: scheme.timestamp_header.as_deref().map(Into::into),
            id_header: scheme.id_header.as_deref().map(Into::into),
            parts: message.bind(&self.params),
            encoding: scheme.encoding,
            prefix: scheme
                .prefix
                .clone()
                .unwrap_or_default()
                .into_bytes()
                .into(),
            separator: scheme.separator.clone().map(|s| s.into_bytes().into()),
            fields: scheme.fields.clone(),
            tolerance,
            keys,
            scheme: scheme.clone(),
        })
    }
}

/// A config after checking: what verify and sign run on.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub(crate) signature_header: Arc<str>,
    pub(crate) timestamp_header: Option<Arc<str>>,
    pub(crate) id_header: Option<Arc<str>>,
    pub(crate) parts: Vec<Part>,
    pub(crate) encoding: Encoding,
    pub(crate) prefix: Box<[u8]>,
    pub(crate) separator: Option<Box<[u8]>>,
    pub(crate) fields: Option<Fields>,
    pub(crate) tolerance: Option<u64>,
    pub(crate) keys: Vec<Key>,
    pub(crate) scheme: Scheme,
}

impl Compiled {
    /// Feeds the message to a fresh MAC, piece by piece, and finishes it into `out`.
    pub(crate) fn mac(
        &self,
        key: &Key,
        body: &[u8],
        timestamp: &[u8],
        id: &[u8],
        out: &mut [u8; crate::encoding::MAX_MAC_LEN],
    ) -> usize {
        let mut mac = key.start();
        for part in &self.parts {
            mac.update(match part {
                Part::Literal(bytes) => bytes,
                Part::Body => body,
                Part::Timestamp => timestamp,
                Part::Id => id,
                // `bind` has replaced every param by a literal.
                Part::Param(_) => &[],
            });
        }
        mac.finish(out)
    }
}
