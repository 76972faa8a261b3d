//! What a verifier or signer is built from: a scheme, secrets or keys, params, a tolerance.

use core::fmt;
use std::collections::BTreeMap;
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::keys::{PrivateKey, PublicKey};
use crate::mac::{Key, Token};
use crate::replay::DEFAULT_REPLAY_TTL;
use crate::scheme::{
    Algorithm, Encoding, Fields, KeyEncoding, MAX_SCHEME_HEADERS, Scheme, SignatureFormat,
    TimestampFormat,
};
use crate::template::{Part, Template};
use crate::{Error, Secret};

/// A scheme with its secrets or public keys, params and tolerance, ready to build a
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
///
/// // Public-key schemes take the provider's public key instead (Discord's is hex).
/// let discord = Verifier::new(&Config::preset("discord")?.public_key(
///     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
/// ))?;
/// # Ok::<(), hooksig::Error>(())
/// ```
#[derive(Clone)]
pub struct Config {
    scheme: Scheme,
    secrets: Vec<Secret>,
    public_keys: Vec<Vec<u8>>,
    private_key: Option<Secret>,
    params: BTreeMap<String, String>,
    tolerance: Option<Option<u64>>,
    namespace: Option<String>,
    replay_ttl: u64,
}

impl Config {
    /// Starts from a scheme.
    pub fn new(scheme: Scheme) -> Self {
        Config {
            scheme,
            secrets: Vec::new(),
            public_keys: Vec::new(),
            private_key: None,
            params: BTreeMap::new(),
            tolerance: None,
            namespace: None,
            replay_ttl: DEFAULT_REPLAY_TTL,
        }
    }

    /// Starts from a named preset (`unknown_preset` when there is none); its name is the
    /// replay namespace.
    pub fn preset(name: &str) -> Result<Self, Error> {
        Ok(Config {
            namespace: Some(name.to_owned()),
            ..Config::new(Scheme::preset(name)?)
        })
    }

    /// Starts from the text every binding takes: a scheme in JSON, else a preset name
    /// (see [`Scheme::from_text`]).
    pub fn from_text(text: &str) -> Result<Self, Error> {
        if Scheme::is_json_text(text) {
            Scheme::from_json(text).map(Config::new)
        } else {
            Config::preset(text)
        }
    }

    /// Sets the replay namespace, the start of every replay key (default: the preset's
    /// name, or the signature header's for a custom scheme).
    #[must_use]
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Sets how long a claim lives when the scheme has no replay window, in seconds
    /// (default 24 hours); with a window it lives `2 * tolerance + 60` seconds.
    #[must_use]
    pub fn replay_ttl(mut self, seconds: u64) -> Self {
        self.replay_ttl = seconds;
        self
    }

    /// Adds a secret; with several, the first is current and the rest are accepted
    /// while a rotation is under way.
    #[must_use]
    pub fn secret(mut self, secret: impl Into<Secret>) -> Self {
        self.secrets.push(secret.into());
        self
    }

    /// Adds a public key (text as the provider shows it: hex, base64, base64 SPKI, PEM,
    /// `whpk_`); with several, any may match. Counted after the secrets in `secret_index`.
    #[must_use]
    pub fn public_key(mut self, key: impl AsRef<[u8]>) -> Self {
        self.public_keys.push(key.as_ref().to_vec());
        self
    }

    /// Sets the private key a [`Signer`](crate::Signer) of a public-key scheme signs with:
    /// `whsk_...`, a PKCS#8 PEM block, or a 64-hex-digit seed.
    #[must_use]
    pub fn private_key(mut self, key: impl Into<Secret>) -> Self {
        self.private_key = Some(key.into());
        self
    }

    /// Adds a construction param, a value the scheme's message names as `{NAME}`. A signer
    /// takes the value of a header the message signs (`{header:NAME}`) as the param
    /// `header:NAME`, and sends that header.
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
    pub(crate) fn compile(&self, purpose: Purpose) -> Result<Compiled, Error> {
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
        let headers = HeaderTable::new(scheme, &message)?;
        let body_fields: Vec<(Box<str>, Box<str>)> = scheme
            .body_fields
            .iter()
            .map(|(name, path)| (name.as_str().into(), path.as_str().into()))
            .collect();
        let parts = message
            .bind(&self.params)
            .into_iter()
            .map(|part| match part {
                Part::Header(name) => Part::HeaderSlot(headers.slot_of(&name)),
                other => other,
            })
            .collect::<Vec<_>>();

        let primary = ItemKind {
            algorithm: scheme.algorithm,
            prefix: scheme
                .prefix
                .clone()
                .unwrap_or_default()
                .into_bytes()
                .into(),
            encoding: scheme.encoding,
            format: scheme.signature_format.unwrap_or_default(),
        };
        let (asym_algorithm, key_encoding) = match &scheme.asymmetric {
            Some(asym) => (
                Some(asym.algorithm),
                asym.key_encoding
                    .unwrap_or(default_key_encoding(asym.algorithm)),
            ),
            None if scheme.algorithm.is_asymmetric() => (
                Some(scheme.algorithm),
                scheme
                    .key_encoding
                    .unwrap_or(default_key_encoding(scheme.algorithm)),
            ),
            None => (None, KeyEncoding::Hex),
        };
        let asym = scheme.asymmetric.as_ref().map(|a| ItemKind {
            algorithm: a.algorithm,
            prefix: a.prefix.clone().into_bytes().into(),
            encoding: a.encoding,
            format: a.signature_format.unwrap_or_default(),
        });
        let shared = !scheme.algorithm.is_asymmetric();

        self.check_keys(purpose, shared, asym_algorithm.is_some())?;
        let mut macs = Vec::new();
        let mut tokens = Vec::new();
        let mut token_values = Vec::new();
        for secret in &self.secrets {
            if scheme.algorithm == Algorithm::Token {
                let key = secret.key(scheme.secret_encoding)?;
                tokens.push(Token::new(&key));
                if purpose == Purpose::Sign {
                    token_values.push(key);
                }
            } else {
                macs.push(Key::new(
                    scheme.algorithm,
                    &secret.key(scheme.secret_encoding)?,
                ));
            }
        }
        let public = match asym_algorithm {
            Some(algorithm) if purpose == Purpose::Verify => self
                .public_keys
                .iter()
                .map(|key| PublicKey::parse(algorithm, key_encoding, key))
                .collect::<Result<Vec<_>, _>>()?,
            _ => Vec::new(),
        };
        let signing_key = match (&self.private_key, asym_algorithm) {
            (Some(key), Some(algorithm)) if purpose == Purpose::Sign => {
                Some(PrivateKey::parse(algorithm, key.expose_bytes())?)
            }
            _ => None,
        };
        // A signer sends the headers its message signs; their values come as params
        // `header:NAME` (a verifier reads them from the request).
        let signed_headers = parts
            .iter()
            .filter_map(|p| match p {
                Part::HeaderSlot(slot) => Some(*slot),
                _ => None,
            })
            .map(|slot| {
                let name = &headers.slots[slot];
                let value = self.params.iter().find_map(|(k, v)| {
                    k.strip_prefix("header:")
                        .filter(|n| n.eq_ignore_ascii_case(name))
                        .map(|_| v.clone())
                });
                (slot, value)
            })
            .collect();
        let tolerance = match self.tolerance {
            Some(t) => t,
            None => scheme.tolerance,
        }
        .filter(|_| scheme.has_timestamp());
        let parts_sign_id = parts.contains(&Part::Id);
        let parts_use_form = parts.contains(&Part::Form);
        let namespace = self.namespace.clone().unwrap_or_else(|| {
            scheme
                .signature_header_names()
                .next()
                .map_or_else(|| "custom".to_owned(), str::to_ascii_lowercase)
        });
        let replay_ttl = match tolerance {
            Some(t) => t.saturating_mul(2).saturating_add(60),
            None => self.replay_ttl,
        };
        Ok(Compiled {
            headers,
            body_fields,
            needs_url: parts
                .iter()
                .any(|p| matches!(p, Part::Url | Part::Path | Part::Form)),
            needs_method: parts.contains(&Part::Method),
            parts,
            primary,
            asym,
            separator: scheme.separator.clone().map(|s| s.into_bytes().into()),
            fields: scheme.fields.clone(),
            timestamp_format: scheme.timestamp_format,
            tolerance,
            shared_count: self.secrets.len(),
            namespace,
            replay_ttl,
            signs_id: parts_sign_id,
            uses_form: parts_use_form,
            has_forms: scheme.url_port != crate::UrlPort::AsSent || scheme.body_escape.is_some(),
            verify_token: self.params.get("verify_token").map(Secret::new),
            macs,
            tokens,
            token_values,
            signed_headers,
            public,
            signing_key,
            scheme: scheme.clone(),
        })
    }

    /// Checks that secrets and keys fit the scheme, with a message that names the mix-up.
    fn check_keys(&self, purpose: Purpose, shared: bool, asym: bool) -> Result<(), Error> {
        for secret in &self.secrets {
            secret.check_not_a_key()?;
            if let Some(hint) = &self.scheme.secret_hint {
                secret.check_hint(hint)?;
            }
        }
        let has_secret = !self.secrets.is_empty();
        let has_public = !self.public_keys.is_empty();
        let has_private = self.private_key.is_some();
        if !shared && has_secret {
            return Err(Error::InvalidSecret {
                reason: "this scheme signs with a private key: verify with the provider's \
                         public key (public_key=), not a secret",
            });
        }
        if !asym && (has_public || has_private) {
            return Err(Error::InvalidKey {
                reason: "this scheme uses a shared secret (secret=), not public or private keys",
            });
        }
        match purpose {
            Purpose::Verify => {
                if shared && !asym && !has_secret {
                    return Err(Error::InvalidSecret {
                        reason: "no secret was given",
                    });
                }
                if !shared && !has_public {
                    return Err(Error::InvalidKey {
                        reason: if has_private {
                            "no public key was given (a private key is for signing; verify with \
                             the public key)"
                        } else {
                            "no public key was given: pass the provider's public key"
                        },
                    });
                }
                if shared && asym && !has_secret && !has_public {
                    return Err(Error::InvalidSecret {
                        reason: "no secret or public key was given",
                    });
                }
            }
            Purpose::Sign => {
                if shared && !has_secret && !(asym && has_private) {
                    return Err(Error::InvalidSecret {
                        reason: "no secret was given",
                    });
                }
                if !shared && !has_private {
                    return Err(Error::InvalidKey {
                        reason: "no private key was given: signing a public-key scheme needs \
                                 the private key",
                    });
                }
                if self.scheme.body_fields.contains_key("signature") {
                    return Err(Error::scheme(
                        "body_fields",
                        "puts the signature in the body; hooksig signs headers only",
                    ));
                }
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Config {
    // Param values are left out: Meta's verify_token is a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("scheme", &self.scheme)
            .field("secrets", &self.secrets.len())
            .field("public_keys", &self.public_keys.len())
            .field("private_key", &self.private_key.is_some())
            .field("params", &self.params.keys().collect::<Vec<_>>())
            .field("tolerance", &self.tolerance)
            .field("namespace", &self.namespace)
            .finish()
    }
}

/// What a compiled config is for: verifying needs public keys, signing a private key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    Verify,
    Sign,
}

fn default_key_encoding(algorithm: Algorithm) -> KeyEncoding {
    match algorithm {
        Algorithm::EcdsaP256Sha256 => KeyEncoding::Spki,
        _ => KeyEncoding::Hex,
    }
}

/// One kind of signature item: the scheme's own, or its `asymmetric` one.
#[derive(Debug)]
pub(crate) struct ItemKind {
    pub(crate) algorithm: Algorithm,
    pub(crate) prefix: Box<[u8]>,
    pub(crate) encoding: Encoding,
    pub(crate) format: SignatureFormat,
}

/// A config after checking: what verify and sign run on.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub(crate) headers: HeaderTable,
    pub(crate) body_fields: Vec<(Box<str>, Box<str>)>,
    pub(crate) parts: Vec<Part>,
    pub(crate) needs_url: bool,
    pub(crate) needs_method: bool,
    pub(crate) primary: ItemKind,
    pub(crate) asym: Option<ItemKind>,
    pub(crate) separator: Option<Box<[u8]>>,
    pub(crate) fields: Option<Fields>,
    pub(crate) timestamp_format: TimestampFormat,
    pub(crate) tolerance: Option<u64>,
    /// How many secrets were given: public keys are counted after them in `secret_index`.
    pub(crate) shared_count: usize,
    /// The start of every replay key.
    pub(crate) namespace: String,
    /// How long a claim lives, in seconds.
    pub(crate) replay_ttl: u64,
    /// Whether the message signs the id (then the id names a delivery).
    pub(crate) signs_id: bool,
    /// Whether the message uses Twilio's `{form}`.
    pub(crate) uses_form: bool,
    /// Whether the provider may sign other forms of the message (URL ports, escaped body).
    pub(crate) has_forms: bool,
    /// Meta's verify token (the param `verify_token`), for its GET handshake.
    pub(crate) verify_token: Option<Secret>,
    pub(crate) macs: Vec<Key>,
    pub(crate) tokens: Vec<Token>,
    /// A signer's tokens as sent (a token scheme's header is the token itself).
    pub(crate) token_values: Vec<Zeroizing<Vec<u8>>>,
    /// The headers the message signs (`{header:NAME}`), by slot, with a signer's values.
    pub(crate) signed_headers: Vec<(usize, Option<String>)>,
    pub(crate) public: Vec<PublicKey>,
    pub(crate) signing_key: Option<PrivateKey>,
    pub(crate) scheme: Scheme,
}

/// The parts of a request a message is made of.
#[derive(Clone, Copy, Default)]
pub(crate) struct Message<'a> {
    pub(crate) body: &'a [u8],
    pub(crate) timestamp: &'a [u8],
    pub(crate) id: &'a [u8],
    pub(crate) url: &'a [u8],
    pub(crate) method: &'a [u8],
    pub(crate) form: &'a [u8],
    /// Feed `{body}` escaped to ASCII (a body the caller checked is UTF-8).
    pub(crate) escaped_body: bool,
    pub(crate) headers: &'a [&'a [u8]],
    pub(crate) fields: &'a [Option<Vec<u8>>],
}

impl Compiled {
    /// Feeds the message to `sink`, piece by piece (the body is never copied).
    #[inline]
    pub(crate) fn feed(&self, m: &Message<'_>, sink: &mut impl FnMut(&[u8])) {
        for part in &self.parts {
            match part {
                Part::Literal(bytes) => sink(bytes),
                // Only a verify that tries Box's escaped form sets `escaped_body`.
                Part::Body if m.escaped_body => match std::str::from_utf8(m.body) {
                    Ok(text) => crate::escape::ascii(text, sink),
                    Err(_) => sink(m.body),
                },
                Part::Body => sink(m.body),
                Part::Timestamp => sink(m.timestamp),
                Part::Id => sink(m.id),
                Part::Url => sink(m.url),
                Part::Method => sink(m.method),
                Part::Path => sink(crate::url::path_of(m.url)),
                Part::Form => sink(m.form),
                Part::HeaderSlot(slot) => sink(m.headers.get(*slot).copied().unwrap_or(b"")),
                Part::BodyField(name) => {
                    let index = self
                        .body_fields
                        .iter()
                        .position(|(n, _)| **n == **name)
                        .expect("validated: every {body_field:NAME} is in body_fields");
                    sink(
                        m.fields
                            .get(index)
                            .and_then(Option::as_deref)
                            .unwrap_or(b""),
                    );
                }
                // `bind` has replaced params by literals, `compile` headers by slots.
                Part::Param(_) | Part::Header(_) => {}
            }
        }
    }
}

/// The headers a scheme reads, under every spelling, each mapped to its logical slot.
#[derive(Debug)]
pub(crate) struct HeaderTable {
    /// Every spelling: the name, its slot, and which set (0 primary, 1 alternate) it is in.
    names: Vec<(Arc<str>, usize, u8)>,
    /// The primary spelling of each slot, for messages.
    pub(crate) slots: Vec<Arc<str>>,
    /// Slots `0..signatures` are the signature headers.
    pub(crate) signatures: usize,
    pub(crate) timestamp: Option<usize>,
    pub(crate) id: Option<usize>,
    /// Headers that must carry exactly this value.
    pub(crate) required: Vec<(usize, Box<[u8]>)>,
    /// Headers only a handshake reads (verify ignores them).
    handshake: &'static [&'static str],
}

impl HeaderTable {
    fn new(scheme: &Scheme, message: &Template) -> Result<Self, Error> {
        let mut table = HeaderTable {
            names: Vec::new(),
            slots: Vec::new(),
            signatures: 0,
            timestamp: None,
            id: None,
            required: Vec::new(),
            handshake: scheme.handshake.map_or(&[], crate::Handshake::headers),
        };
        for name in scheme.signature_header_names() {
            table.add(name);
            table.signatures += 1;
        }
        table.timestamp = scheme.timestamp_header.as_deref().map(|n| table.add(n));
        table.id = scheme.id_header.as_deref().map(|n| table.add(n));
        for part in message.parts() {
            if let Part::Header(name) = part {
                table.add(name);
            }
        }
        for (name, value) in &scheme.required_headers {
            let slot = table.add(name);
            table.required.push((slot, value.as_bytes().into()));
        }
        for (from, to) in &scheme.alternate_headers {
            let slot = table.slot_of(from);
            table.names.push((to.as_str().into(), slot, 1));
        }
        if table.slots.len() > MAX_SCHEME_HEADERS {
            return Err(Error::scheme(
                "signature_headers",
                format!("the scheme reads more than {MAX_SCHEME_HEADERS} headers"),
            ));
        }
        Ok(table)
    }

    /// Returns the slot of `name`, adding it when it is new.
    fn add(&mut self, name: &str) -> usize {
        if let Some(slot) = self.find_slot(name.as_bytes()) {
            return slot;
        }
        let slot = self.slots.len();
        self.slots.push(name.into());
        self.names.push((name.into(), slot, 0));
        slot
    }

    fn find_slot(&self, name: &[u8]) -> Option<usize> {
        self.find(name).map(|(slot, _)| slot)
    }

    /// The slot of a name the table holds (validated beforehand).
    fn slot_of(&self, name: &str) -> usize {
        self.find_slot(name.as_bytes())
            .expect("validated: every header name is in the table")
    }

    /// Returns the slot and set of a header name, ASCII case ignored.
    #[inline]
    pub(crate) fn find(&self, name: &[u8]) -> Option<(usize, u8)> {
        self.names
            .iter()
            .find(|(wanted, _, _)| name.eq_ignore_ascii_case(wanted.as_bytes()))
            .map(|&(_, slot, set)| (slot, set))
    }

    /// Returns every spelling of every header read, primary first, then the headers only a
    /// handshake reads.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.names
            .iter()
            .map(|(name, _, _)| &**name)
            .chain(self.handshake.iter().copied())
    }

    /// Returns whether a handshake reads this header (and verify does not).
    pub(crate) fn handshake_reads(&self, name: &[u8]) -> bool {
        self.handshake
            .iter()
            .any(|wanted| name.eq_ignore_ascii_case(wanted.as_bytes()))
    }

    /// Returns a slot's name in a set (the alternate spelling when it has one).
    pub(crate) fn name(&self, slot: usize, set: u8) -> Arc<str> {
        self.names
            .iter()
            .find(|&&(_, s, t)| s == slot && t == set)
            .map_or_else(|| self.slots[slot].clone(), |(name, _, _)| name.clone())
    }
}
