//! Signing: the headers a provider would send, for tests and for senders.

use core::fmt;

use crate::config::{Compiled, Config};
use crate::encoding::MAX_MAC_LEN;
use crate::verify::unix_now;
use crate::{Error, Scheme};

/// Produces the signature headers of a scheme, as its provider would send them.
///
/// It signs with the config's first secret. The timestamp defaults to now and the
/// id, where the scheme has one, to a random `msg_` id.
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
    /// Builds a signer, checking the scheme, secrets and params.
    pub fn new(config: &Config) -> Result<Self, Error> {
        Ok(Signer {
            inner: config.compile()?,
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
        let c = &self.inner;
        let timestamp = timestamp.unwrap_or_else(unix_now);
        if timestamp >= 1_000_000_000_000_000_000 {
            return Err(Error::InvalidHeader {
                header: c
                    .timestamp_header
                    .clone()
                    .unwrap_or_else(|| c.signature_header.clone()),
                reason: "the timestamp must be Unix seconds: 1 to 18 ASCII digits",
            });
        }
        let timestamp = timestamp.to_string();
        let id = match (&c.id_header, id) {
            (Some(header), Some(id)) => {
                if id.trim_matches([' ', '\t']).is_empty()
                    || id.len() > crate::MAX_HEADER_LEN
                    || id.chars().any(char::is_control)
                {
                    return Err(Error::InvalidHeader {
                        header: header.clone(),
                        reason: "the id must be non-empty text without control characters",
                    });
                }
                id.to_owned()
            }
            (Some(_), None) => random_id(),
            (None, _) => String::new(),
        };

        let mut mac = [0u8; MAX_MAC_LEN];
        let len = c.mac(
            &c.keys[0],
            body,
            timestamp.as_bytes(),
            id.as_bytes(),
            &mut mac,
        );
        let signature = c.encoding.encode(&mac[..len]);
        let scheme = &c.scheme;

        let mut headers = Vec::with_capacity(3);
        if let Some(name) = &scheme.id_header {
            headers.push((name.clone(), id));
        }
        if let Some(name) = &scheme.timestamp_header {
            headers.push((name.clone(), timestamp.clone()));
        }
        let value = match &scheme.fields {
            Some(fields) => match &fields.timestamp {
                Some(key) => format!(
                    "{key}={timestamp}{sep}{sig}={signature}",
                    sep = fields.separator,
                    sig = fields.signature
                ),
                None => format!("{}={signature}", fields.signature),
            },
            None => format!("{}{signature}", scheme.prefix.as_deref().unwrap_or("")),
        };
        headers.push((scheme.signature_header.clone(), value));
        Ok(headers)
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
