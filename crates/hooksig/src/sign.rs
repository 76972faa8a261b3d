//! Signing: the headers a provider would send, for tests and for senders.

use core::fmt;

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::config::{Compiled, Config, ItemKind, Message, Purpose};
use crate::encoding::MAX_MAC_LEN;
use crate::scheme::{Algorithm, TimestampFormat};
use crate::time::unix_now;
use crate::{Context, Error, Scheme, form};

/// Produces the signature headers of a scheme, as its provider would send them.
///
/// It signs with the config's first secret (a scheme with several signature headers signs
/// the n-th with the n-th secret), or with its private key for a public-key scheme. The
/// timestamp defaults to now and the id, where the scheme has one, to a random `msg_` id.
///
/// ```
/// use hooksig::{Config, Signer, Verifier};
///
/// let config = Config::preset("stripe")?.secret("whsec_test_secret");
/// let headers = Signer::new(&config)?.sign(b"{}", Some(1_700_000_000), None)?;
/// assert_eq!(headers[0].0, "Stripe-Signature");
/// assert!(headers[0].1.starts_with("t=1700000000,v1="));
///
/// let verified = Verifier::new(&config)?.verify_at(b"{}", &headers, 1_700_000_000)?;
/// assert_eq!(verified.timestamp, Some(1_700_000_000));
/// # Ok::<(), hooksig::Error>(())
/// ```
pub struct Signer {
    inner: Compiled,
}

impl Signer {
    /// Builds a signer, checking the scheme, secrets or private key, and params.
    pub fn new(config: &Config) -> Result<Self, Error> {
        Ok(Signer {
            inner: config.compile(Purpose::Sign)?,
        })
    }

    /// Returns the scheme this signer follows.
    pub fn scheme(&self) -> &Scheme {
        &self.inner.scheme
    }

    /// Signs `body` and returns the headers to send, as (name, value) pairs.
    ///
    /// `timestamp` defaults to the system clock; `id` to a random `msg_` id when
    /// the scheme has an id header (it is ignored otherwise). An id with control
    /// characters or a timestamp of more than 18 digits is `invalid_header`.
    pub fn sign(
        &self,
        body: &[u8],
        timestamp: Option<u64>,
        id: Option<&str>,
    ) -> Result<Vec<(String, String)>, Error> {
        let mut context = Context::new();
        context.now = timestamp;
        self.sign_with(body, id, &context)
    }

    /// Signs `body` for a request in `context`: its time (the timestamp, in Unix seconds)
    /// and, for schemes that sign them, its URL and method.
    ///
    /// ```
    /// use hooksig::{Config, Context, Signer};
    ///
    /// let signer = Signer::new(&Config::preset("square")?.secret("signature-key"))?;
    /// let body = br#"{"data":{"type":"webhooks","id":"fake_id"}}"#;
    /// let headers = signer.sign_with(body, None, &Context::new().url("https://webhook.site/webhooks"))?;
    /// assert_eq!(headers[0].1, "W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA=");
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn sign_with(
        &self,
        body: &[u8],
        id: Option<&str>,
        context: &Context<'_>,
    ) -> Result<Vec<(String, String)>, Error> {
        let c = &self.inner;
        let scheme = &c.scheme;
        let seconds = context.now.unwrap_or_else(unix_now);
        let timestamp = timestamp_text(c, seconds)?;
        let id = match (&scheme.id_header, id) {
            (Some(header), Some(id)) => {
                if id.trim_matches([' ', '\t']).is_empty()
                    || id.len() > crate::MAX_HEADER_LEN
                    || id.chars().any(char::is_control)
                {
                    return Err(Error::InvalidHeader {
                        header: header.as_str().into(),
                        reason: "the id must be non-empty text without control characters",
                    });
                }
                id.to_owned()
            }
            (Some(_), None) => random_id(),
            (None, _) => String::new(),
        };
        if c.needs_url && context.url.is_none() {
            return Err(Error::MissingParam { name: "url".into() });
        }
        if c.needs_method && context.method.is_none() {
            return Err(Error::MissingParam {
                name: "method".into(),
            });
        }
        let mut signed = vec![&b""[..]; c.headers.slots.len()];
        for (slot, value) in &c.signed_headers {
            match value {
                Some(value) => signed[*slot] = value.as_bytes(),
                None => {
                    return Err(Error::MissingParam {
                        name: format!("header:{}", c.headers.slots[*slot]),
                    });
                }
            }
        }
        let url = context.url.unwrap_or(b"");
        let form = if c.uses_form {
            form::form(url, body).ok_or(Error::InvalidHeader {
                header: "bodySHA256".into(),
                reason: "the URL's bodySHA256 is not the SHA-256 of the body",
            })?
        } else {
            Vec::new()
        };
        let message = Message {
            body,
            timestamp: timestamp.as_bytes(),
            id: id.as_bytes(),
            url,
            method: context.method.unwrap_or(b""),
            form: &form,
            escaped_body: false,
            headers: &signed,
            fields: &[],
        };

        // Each signature header's value: the scheme's own item, then the asymmetric one.
        let mut values: Vec<String> = Vec::new();
        for (index, _) in scheme.signature_header_names().enumerate() {
            let mut items = Vec::new();
            if let Some(item) = self.shared_item(index, &message) {
                items.push(item);
            }
            if index == 0
                && let Some(key) = &c.signing_key
            {
                let kind = c.asym.as_ref().unwrap_or(&c.primary);
                let mut whole = Vec::new();
                c.feed(&message, &mut |piece| whole.extend_from_slice(piece));
                let digest: [u8; 32] = Sha256::digest(&whole).into();
                let signature = key.sign(&whole, &digest, kind.format);
                items.push(item(c, kind, &kind.encoding.encode(&signature)));
            }
            if items.is_empty() {
                break;
            }
            let separator = scheme.separator.as_deref().unwrap_or(" ");
            values.push(items.join(separator));
        }

        let mut headers = Vec::with_capacity(3 + scheme.required_headers.len());
        if let Some(name) = &scheme.id_header {
            headers.push((name.clone(), id));
        }
        if let Some(name) = &scheme.timestamp_header {
            headers.push((name.clone(), timestamp.clone()));
        }
        for (name, value) in &scheme.required_headers {
            headers.push((name.clone(), value.clone()));
        }
        for (slot, value) in &c.signed_headers {
            let name = c.headers.slots[*slot].to_string();
            if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
                headers.push((name, value.clone().unwrap_or_default()));
            }
        }
        for (name, value) in scheme.signature_header_names().zip(values) {
            let value = match &scheme.fields {
                Some(fields) => match &fields.timestamp {
                    Some(key) => format!("{key}={timestamp}{}{value}", fields.separator),
                    None => value,
                },
                None => value,
            };
            headers.push((name.to_owned(), value));
        }
        Ok(headers)
    }

    /// The item the n-th secret signs (the token itself for a token scheme).
    fn shared_item(&self, index: usize, message: &Message<'_>) -> Option<String> {
        let c = &self.inner;
        if c.primary.algorithm == Algorithm::Token {
            let token = c.token_values.get(index)?;
            return Some(String::from_utf8_lossy(token).into_owned());
        }
        let key = c.macs.get(index)?;
        let mut mac = key.start();
        c.feed(message, &mut |piece| mac.update(piece));
        let mut out = Zeroizing::new([0u8; MAX_MAC_LEN]);
        let len = mac.finish(&mut out);
        Some(item(c, &c.primary, &c.primary.encoding.encode(&out[..len])))
    }
}

/// An item as the header writes it: the prefix or field key, then the encoded signature.
fn item(c: &Compiled, kind: &ItemKind, encoded: &str) -> String {
    match &c.fields {
        Some(fields) => format!("{}={encoded}", fields.signature),
        None => format!("{}{encoded}", String::from_utf8_lossy(&kind.prefix)),
    }
}

/// The timestamp as the scheme writes it.
fn timestamp_text(c: &Compiled, seconds: u64) -> Result<String, Error> {
    let too_big = || Error::InvalidHeader {
        header: c.headers.timestamp.map_or_else(
            || c.headers.slots[0].clone(),
            |slot| c.headers.slots[slot].clone(),
        ),
        reason: "the timestamp must be Unix seconds: 1 to 18 ASCII digits",
    };
    let fits = match c.timestamp_format {
        TimestampFormat::Unix => seconds < 1_000_000_000_000_000_000,
        TimestampFormat::UnixMs => seconds < 1_000_000_000_000_000,
        TimestampFormat::Rfc3339 => seconds < 253_402_300_800,
    };
    if fits {
        Ok(c.timestamp_format.format(seconds))
    } else {
        Err(too_big())
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("scheme", &self.inner.scheme)
            .finish_non_exhaustive()
    }
}

/// A `msg_` id with 128 random bits, as hex.
fn random_id() -> String {
    let mut bytes = [0u8; 16];
    // Without an OS random source there is no safe fallback; the id only needs to be unique,
    // so the clock's nanoseconds serve then.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        bytes = nanos.to_le_bytes();
    }
    format!("msg_{}", base16ct::lower::encode_string(&bytes))
}

#[cfg(test)]
mod tests {
    use crate::{Config, Context, Scheme, Signer, Verifier};

    #[test]
    fn a_signed_header_comes_as_a_header_param_and_is_sent() {
        let mut scheme = Scheme::new("x-sig");
        scheme.message = "{header:X-Tenant}.{body}".into();
        let config = Config::new(scheme.clone()).secret("s");
        let err = Signer::new(&config)
            .unwrap()
            .sign(b"{}", None, None)
            .unwrap_err();
        assert_eq!(err.code(), "missing_param");
        assert!(err.to_string().contains("header:X-Tenant"), "{err}");

        let config = config.param("header:x-tenant", "acme");
        let headers = Signer::new(&config)
            .unwrap()
            .sign(b"{}", None, None)
            .unwrap();
        assert!(
            headers.contains(&("X-Tenant".into(), "acme".into())),
            "{headers:?}"
        );
        let verifier = Verifier::new(&Config::new(scheme).secret("s")).unwrap();
        verifier
            .verify_with(b"{}", &headers, &Context::new())
            .unwrap();
    }
}
