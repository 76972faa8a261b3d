//! Verification: the normative rules of DESIGN.md, in order.

use core::fmt;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use subtle::Choice;
use zeroize::Zeroize;

use crate::config::{Compiled, ItemKind, Message, Purpose};
use crate::encoding::MAX_MAC_LEN;
use crate::keys::Decoded;
use crate::replay::Matched;
use crate::scheme::{Algorithm, MAX_SCHEME_HEADERS, UrlPort};
use crate::time::{self, Window};
use crate::{Config, Error, Headers, Scheme, body_fields, escape, form, url};

/// The most signature items one request may hold; more is `invalid_header`.
pub const MAX_SIGNATURE_ITEMS: usize = 32;

/// The longest header value read, in bytes after trimming; longer is `invalid_header`.
pub const MAX_HEADER_LEN: usize = 8192;

/// Verifies webhook requests for one scheme under one or more secrets or public keys.
///
/// Built once (all configuration errors surface here), then shared: it is
/// immutable, `Send` and `Sync`. Verifying an HMAC, token or Ed25519 scheme allocates
/// nothing.
///
/// ```
/// use hooksig::{Config, Verifier};
///
/// // GitHub's documented example.
/// let verifier = Verifier::new(&Config::preset("github")?.secret("It's a Secret to Everybody"))?;
/// let headers = [(
///     "X-Hub-Signature-256",
///     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
/// )];
/// let verified = verifier.verify(b"Hello, World!", &headers)?;
/// assert_eq!(verified.secret_index, 0);
///
/// let err = verifier.verify(b"Hello, World?", &headers).unwrap_err();
/// assert_eq!(err.code(), "signature_mismatch");
/// # Ok::<(), hooksig::Error>(())
/// ```
pub struct Verifier {
    inner: Compiled,
}

/// What a successful verification established.
#[derive(Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified<'a> {
    /// The timestamp sent, in Unix seconds (milliseconds are floored), when the scheme has one.
    pub timestamp: Option<u64>,
    /// The message id sent, when the scheme has an id header.
    pub id: Option<&'a [u8]>,
    /// Which key matched: secrets first (0 is the first), then public keys. Watch it to
    /// finish a rotation.
    pub secret_index: usize,
    /// The body verified, for the replay key of a token scheme.
    body: &'a [u8],
    /// The signature that matched, for the replay key.
    matched: Matched,
}

impl Verified<'_> {
    /// Returns the id as text, when there is one and it is UTF-8.
    pub fn id_str(&self) -> Option<&str> {
        self.id.and_then(|id| core::str::from_utf8(id).ok())
    }
}

impl fmt::Debug for Verified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("timestamp", &self.timestamp)
            .field("id", &self.id.map(String::from_utf8_lossy))
            .field("secret_index", &self.secret_index)
            .finish_non_exhaustive()
    }
}

/// The request around a body and its headers: the time of verification and, for schemes
/// that sign them, the URL the provider called and the method.
///
/// ```
/// use hooksig::{Config, Context, Verifier};
///
/// // Square signs the notification URL, then the body.
/// let verifier = Verifier::new(&Config::preset("square")?.secret("signature-key"))?;
/// let headers = [("x-square-hmacsha256-signature", "W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA=")];
/// let context = Context::new().url("https://webhook.site/webhooks");
/// verifier.verify_with(br#"{"data":{"type":"webhooks","id":"fake_id"}}"#, &headers, &context)?;
///
/// // Without the URL, verify cannot tell: a programming error, not a bad request.
/// let err = verifier.verify(b"{}", &headers).unwrap_err();
/// assert_eq!(err.code(), "missing_param");
/// # Ok::<(), hooksig::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct Context<'a> {
    /// The time of verification in Unix seconds (`None`: the system clock).
    pub now: Option<u64>,
    /// The URL as the provider called it: scheme, host, path and query.
    pub url: Option<&'a [u8]>,
    /// The request method (`POST`).
    pub method: Option<&'a [u8]>,
}

impl<'a> Context<'a> {
    /// Returns an empty context: the system clock, no URL, no method.
    pub fn new() -> Self {
        Context::default()
    }

    /// Sets the time of verification, in Unix seconds.
    #[must_use]
    pub fn now(mut self, now: u64) -> Self {
        self.now = Some(now);
        self
    }

    /// Sets the URL the provider called (behind a proxy, the public one).
    #[must_use]
    pub fn url<U: AsRef<[u8]> + ?Sized>(mut self, url: &'a U) -> Self {
        self.url = Some(url.as_ref());
        self
    }

    /// Sets the request method.
    #[must_use]
    pub fn method<M: AsRef<[u8]> + ?Sized>(mut self, method: &'a M) -> Self {
        self.method = Some(method.as_ref());
        self
    }
}

impl Verifier {
    /// Builds a verifier, checking the scheme, secrets, public keys and params.
    pub fn new(config: &Config) -> Result<Self, Error> {
        Ok(Verifier {
            inner: config.compile(Purpose::Verify)?,
        })
    }

    /// Returns the scheme this verifier checks.
    pub fn scheme(&self) -> &Scheme {
        &self.inner.scheme
    }

    /// Returns the replay window in force, in seconds (`None`: no window).
    pub fn tolerance(&self) -> Option<u64> {
        self.inner.tolerance
    }

    /// Returns the names of the headers verify reads: the signature header(s), then the
    /// timestamp and id headers, the headers the message signs, the required ones, and
    /// their alternate spellings; then the headers only [`Verifier::handshake`] reads
    /// (Asana's `X-Hook-Secret`, Okta's challenge, Twitch's message type).
    ///
    /// Every other header is ignored, and names match ASCII-case-insensitively, so a
    /// binding may pass only the headers whose names equal one of these (ignoring case)
    /// instead of converting all of them.
    ///
    /// ```
    /// use hooksig::{Config, Verifier};
    ///
    /// let verifier = Verifier::new(&Config::preset("standard-webhooks")?.secret("whsec_c2VjcmV0"))?;
    /// let names: Vec<&str> = verifier.header_names().collect();
    /// assert_eq!(names, ["webhook-signature", "webhook-timestamp", "webhook-id"]);
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn header_names(&self) -> impl Iterator<Item = &str> {
        self.inner.headers.names()
    }

    /// Returns whether verify reads a header of this name (ASCII case ignored): the one
    /// rule a binding needs to skip converting the headers verify would ignore.
    ///
    /// ```
    /// use hooksig::{Config, Verifier};
    ///
    /// let verifier = Verifier::new(&Config::preset("github")?.secret("s"))?;
    /// assert!(verifier.reads_header(b"x-hub-signature-256"));
    /// assert!(!verifier.reads_header(b"Content-Type"));
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn reads_header(&self, name: &[u8]) -> bool {
        self.inner.headers.find(name).is_some() || self.inner.headers.handshake_reads(name)
    }

    /// Returns whether a header of this name carries a secret as it is, which a tool must
    /// never show or log: a header a token scheme reads (the token is the secret), or the
    /// secret Asana's handshake hands over (`X-Hook-Secret`, whatever the scheme: a
    /// delivery can reach the wrong route).
    ///
    /// ```
    /// use hooksig::{Config, Verifier};
    ///
    /// let gitlab = Verifier::new(&Config::preset("gitlab")?.secret("token"))?;
    /// assert!(gitlab.is_secret_header(b"X-Gitlab-Token"));
    /// let github = Verifier::new(&Config::preset("github")?.secret("s"))?;
    /// assert!(!github.is_secret_header(b"X-Hub-Signature-256"));
    /// assert!(github.is_secret_header(b"x-hook-secret"));
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn is_secret_header(&self, name: &[u8]) -> bool {
        name.eq_ignore_ascii_case(crate::handshake::ASANA_SECRET_HEADER.as_bytes())
            || (self.inner.primary.algorithm == Algorithm::Token && self.reads_header(name))
    }

    /// Returns how many keys are accepted: secrets, then public keys (`secret_index` is
    /// below this).
    pub fn secret_count(&self) -> usize {
        self.inner.shared_count + self.inner.public.len()
    }

    pub(crate) fn inner(&self) -> &Compiled {
        &self.inner
    }

    /// Returns the hex HMAC of `data` under the first secret (Zoom's `encryptedToken`).
    pub(crate) fn mac_hex(&self, data: &[u8]) -> String {
        let Some(key) = self.inner.macs.first() else {
            return String::new();
        };
        let mut mac = key.start();
        mac.update(data);
        let mut out = [0u8; MAX_MAC_LEN];
        let len = mac.finish(&mut out);
        base16ct::lower::encode_string(&out[..len])
    }

    /// Returns the replay namespace: the start of every replay key.
    pub fn namespace(&self) -> &str {
        &self.inner.namespace
    }

    /// Returns how long a claim of a verified delivery lives, in seconds: twice the
    /// tolerance plus 60 with a replay window (a replay older than that fails the window
    /// anyway), the configured TTL (default 24 hours) without one.
    pub fn replay_ttl(&self) -> u64 {
        self.inner.replay_ttl
    }

    /// Returns the key that names a verified delivery, to claim in a replay store:
    /// `{namespace}:{id}` when the scheme signs an id, else `{namespace}:sig:{hex}` of the
    /// signature that matched (ECDSA's with a low S, so its malleable twin names the same
    /// delivery), or for a token scheme, which signs nothing, `{namespace}:body:{hex}` of
    /// the body's SHA-256.
    ///
    /// ```
    /// use hooksig::{Config, Signer, Verifier};
    ///
    /// let config = Config::preset("standard-webhooks")?.secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    /// let headers = Signer::new(&config)?.sign(b"{}", Some(1_700_000_000), Some("msg_1"))?;
    /// let verifier = Verifier::new(&config)?;
    /// let verified = verifier.verify_at(b"{}", &headers, 1_700_000_000)?;
    /// assert_eq!(verifier.replay_key(&verified), "standard-webhooks:msg_1");
    /// assert_eq!(verifier.replay_ttl(), 660);
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn replay_key(&self, verified: &Verified<'_>) -> String {
        let c = &self.inner;
        let hex = |bytes: &[u8]| base16ct::lower::encode_string(bytes);
        match (c.signs_id, verified.id) {
            (true, Some(id)) => match core::str::from_utf8(id) {
                Ok(text) => format!("{}:{text}", c.namespace),
                Err(_) => format!("{}:idhex:{}", c.namespace, hex(id)),
            },
            _ if !verified.matched.bytes().is_empty() => {
                format!("{}:sig:{}", c.namespace, hex(verified.matched.bytes()))
            }
            _ => format!(
                "{}:body:{}",
                c.namespace,
                hex(&Sha256::digest(verified.body))
            ),
        }
    }

    /// Returns whether [`replay_key`](Self::replay_key) reads the body: a token scheme
    /// signs nothing, so its key is the body's digest, and a binding that makes keys after
    /// verify must make this one while the body is the one that was verified (a token still
    /// verifies a body changed since).
    ///
    /// ```
    /// use hooksig::{Config, Verifier};
    ///
    /// let gitlab = Verifier::new(&Config::preset("gitlab")?.secret("token"))?;
    /// let github = Verifier::new(&Config::preset("github")?.secret("secret"))?;
    /// assert!(gitlab.replay_key_reads_body() && !github.replay_key_reads_body());
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn replay_key_reads_body(&self) -> bool {
        self.inner.primary.algorithm == Algorithm::Token
    }

    /// Returns whether verify needs the request's URL (`{url}`, `{path}`, Twilio's `{form}`).
    pub fn needs_url(&self) -> bool {
        self.inner.needs_url
    }

    /// Returns whether verify needs the request's method (`{method}`).
    pub fn needs_method(&self) -> bool {
        self.inner.needs_method
    }

    /// Verifies a request against the system clock.
    ///
    /// `body` must be the raw request bytes, exactly as received.
    pub fn verify<'a, H: Headers + ?Sized>(
        &self,
        body: &'a [u8],
        headers: &'a H,
    ) -> Result<Verified<'a>, Error> {
        self.verify_with(body, headers, &Context::default())
    }

    /// Returns whether a request verifies against the system clock.
    pub fn is_valid<H: Headers + ?Sized>(&self, body: &[u8], headers: &H) -> bool {
        self.verify(body, headers).is_ok()
    }

    /// Verifies a request as if the time were `now` (Unix seconds).
    pub fn verify_at<'a, H: Headers + ?Sized>(
        &self,
        body: &'a [u8],
        headers: &'a H,
        now: u64,
    ) -> Result<Verified<'a>, Error> {
        self.verify_with(body, headers, &Context::default().now(now))
    }

    /// Verifies a request in its context: the time, and the URL and method for schemes
    /// that sign them (`missing_param` when one is needed and not given).
    pub fn verify_with<'a, H: Headers + ?Sized>(
        &self,
        body: &'a [u8],
        headers: &'a H,
        context: &Context<'_>,
    ) -> Result<Verified<'a>, Error> {
        let c = &self.inner;
        if c.needs_url && context.url.is_none() {
            return Err(Error::MissingParam { name: "url".into() });
        }
        if c.needs_method && context.method.is_none() {
            return Err(Error::MissingParam {
                name: "method".into(),
            });
        }
        let mut found = Found::new();
        found.collect(c, headers)?;
        let fields = if c.body_fields.is_empty() {
            Vec::new()
        } else {
            body_fields::read(body, c.body_fields.iter().map(|(_, path)| &**path))?
        };
        let field = |name: &str| -> Option<(usize, &[u8])> {
            let index = c.body_fields.iter().position(|(n, _)| &**n == name)?;
            Some((index, fields[index].as_deref().unwrap_or(b"")))
        };
        let missing_field = |index: usize| Error::MissingField {
            path: c.body_fields[index].1.as_ref().into(),
        };

        // Rule 1: the signature values (headers, or a body field), timestamp and id.
        let mut values = Values::default();
        if let Some((index, value)) = field("signature") {
            let value = trim(value);
            if value.is_empty() {
                return Err(missing_field(index));
            }
            values.push(value);
        } else {
            for slot in 0..c.headers.signatures {
                match found.slots[slot] {
                    Lookup::Absent => {}
                    Lookup::One(value) => {
                        let value = trim(value);
                        if !value.is_empty() {
                            values.push(found.checked(c, slot, value)?);
                        }
                    }
                    Lookup::Repeated => return Err(found.repeated(c, slot)),
                }
            }
            if values.len == 0 {
                return Err(Error::MissingHeader {
                    header: found.name(c, 0),
                });
            }
        }
        let timestamp_header = match c.headers.timestamp {
            Some(slot) => Some((slot, found.required(c, slot)?)),
            None => None,
        };
        let id = match c.headers.id {
            Some(slot) => Some(found.required(c, slot)?),
            None => None,
        };
        let mut signed = [&b""[..]; MAX_SCHEME_HEADERS];
        for (slot, _) in &c.signed_headers {
            signed[*slot] = found.required(c, *slot)?;
        }
        for (slot, wanted) in &c.headers.required {
            if found.required(c, *slot)? != &wanted[..] {
                return Err(Error::InvalidHeader {
                    header: found.name(c, *slot),
                    reason: "it does not hold the value this scheme requires (required_headers)",
                });
            }
        }

        // Rule 2: items, classified once, and the timestamp field of a `key=value` header.
        let mut candidates = Candidates {
            items: [(false, &[][..]); MAX_SIGNATURE_ITEMS],
            len: 0,
        };
        let field_timestamp = scan(c, &values, &mut candidates, || found.name(c, 0))?;
        if candidates.len == 0 {
            return Err(Error::InvalidHeader {
                header: found.name(c, 0),
                reason: if c.fields.is_some() {
                    "no signature field in it: check the scheme's fields.signature key"
                } else {
                    "no signature item in it: check the scheme's prefix and separator"
                },
            });
        }

        // Rules 3 and 4: the timestamp, then the window, before any MAC.
        let (timestamp_text, timestamp) = match (timestamp_header, field_timestamp) {
            (Some((slot, text)), _) => {
                let name = || found.name(c, slot);
                (text, Some(parse_timestamp(c, name, text)?))
            }
            (None, Some(text)) => (text, Some(parse_timestamp(c, || found.name(c, 0), text)?)),
            (None, None) => match field("timestamp") {
                Some((index, text)) => {
                    let text = trim(text);
                    if text.is_empty() {
                        return Err(missing_field(index));
                    }
                    let name = || c.body_fields[index].1.as_ref().into();
                    (text, Some(parse_timestamp(c, name, text)?))
                }
                None => (&b""[..], None),
            },
        };
        if let (Some(tolerance), Some(timestamp)) = (c.tolerance, timestamp) {
            let now = context.now.unwrap_or_else(time::unix_now);
            match time::window(timestamp, now, tolerance) {
                Window::Inside => {}
                Window::TooOld => {
                    return Err(Error::TimestampTooOld {
                        timestamp,
                        now,
                        tolerance,
                    });
                }
                Window::InFuture => {
                    return Err(Error::TimestampInFuture {
                        timestamp,
                        now,
                        tolerance,
                    });
                }
            }
        }

        // Rule 5: the message, and one check per key.
        let url = context.url.unwrap_or(b"");
        let form = if c.uses_form {
            form::form(url, body).ok_or(Error::SignatureMismatch)?
        } else {
            Vec::new()
        };
        let message = Message {
            body,
            timestamp: timestamp_text,
            id: id.unwrap_or(b""),
            url,
            method: context.method.unwrap_or(b""),
            form: &form,
            escaped_body: false,
            headers: &signed[..c.headers.slots.len()],
            fields: &fields,
        };
        // The forms a provider may have signed: Twilio's two URLs, Box's escaped body; one
        // form (not copied) for every other scheme.
        let mut ports = [Vec::new(), Vec::new()];
        let mut variants = [message; 4];
        let forms: &[Message<'_>] = if c.has_forms {
            let n = variant_forms(c, body, url, &mut variants, &mut ports);
            &variants[..n]
        } else {
            std::slice::from_ref(&message)
        };
        match matching_key(c, &candidates, forms) {
            Some((secret_index, matched)) => Ok(Verified {
                timestamp,
                id,
                secret_index,
                body,
                matched,
            }),
            None => Err(Error::SignatureMismatch),
        }
    }
}

/// Fills `forms` (each a copy of `forms[0]`) with the forms of the message a provider may
/// have signed: Twilio's URL with and without its port, Box's escaped body; returns how many.
fn variant_forms<'a>(
    c: &Compiled,
    body: &[u8],
    url: &[u8],
    forms: &mut [Message<'a>; 4],
    ports: &'a mut [Vec<u8>; 2],
) -> usize {
    let mut n = 1;
    {
        if c.scheme.url_port == UrlPort::Either {
            *ports = url::port_forms(url);
            let [without, with] = &*ports;
            forms[0].url = without;
            if with != without {
                forms[n] = Message {
                    url: with,
                    ..forms[0]
                };
                n += 1;
            }
        }
        if c.scheme.body_escape.is_some() && escape::differs(body) == Some(true) {
            for i in 0..n {
                forms[n + i] = Message {
                    escaped_body: true,
                    ..forms[i]
                };
            }
            n *= 2;
        }
    }
    n
}

/// Returns the index of the first key that matches a candidate over one of the message's
/// forms: secrets, then public keys.
fn matching_key(
    c: &Compiled,
    candidates: &Candidates<'_>,
    forms: &[Message<'_>],
) -> Option<(usize, Matched)> {
    let primary = || {
        candidates
            .iter()
            .filter_map(|(asym, text)| (!asym).then_some(text))
    };
    match c.primary.algorithm {
        Algorithm::Token => {
            for (index, token) in c.tokens.iter().enumerate() {
                let mut hit = Choice::from(0);
                for text in primary() {
                    hit |= token.matches(text);
                }
                if bool::from(hit) {
                    return Some((index, Matched::NONE));
                }
            }
        }
        algorithm if algorithm.is_hmac() => {
            let mut expected = [0u8; MAX_MAC_LEN];
            let mut matched = None;
            'keys: for (index, key) in c.macs.iter().enumerate() {
                for message in forms {
                    let mut mac = key.start();
                    c.feed(message, &mut |piece| mac.update(piece));
                    let len = mac.finish(&mut expected);
                    let mut hit = Choice::from(0);
                    for text in primary() {
                        hit |= c.primary.encoding.matches(text, &expected[..len]);
                    }
                    if bool::from(hit) {
                        matched = Some((index, Matched::new(&expected[..len])));
                        break 'keys;
                    }
                }
            }
            expected.zeroize();
            if matched.is_some() {
                return matched;
            }
        }
        _ => {}
    }
    if c.public.is_empty() {
        return None;
    }
    let (kind, want_asym): (&ItemKind, bool) = match &c.asym {
        Some(kind) => (kind, true),
        None => (&c.primary, false),
    };
    for (index, key) in c.public.iter().enumerate() {
        for message in forms {
            if let Some(matched) = public_key_matches(c, candidates, message, kind, want_asym, key)
            {
                return Some((c.shared_count + index, matched));
            }
        }
    }
    None
}

/// Returns the candidate a public key verifies over one form of the message, if any.
fn public_key_matches(
    c: &Compiled,
    candidates: &Candidates<'_>,
    message: &Message<'_>,
    kind: &ItemKind,
    want_asym: bool,
    key: &crate::keys::PublicKey,
) -> Option<Matched> {
    // ring verifies ECDSA over the message in one piece: the one copy verify makes.
    let mut whole = Vec::new();
    if kind.algorithm == Algorithm::EcdsaP256Sha256 {
        c.feed(message, &mut |piece| whole.extend_from_slice(piece));
    }
    candidates.iter().find_map(|(asym, text)| {
        if asym != want_asym {
            return None;
        }
        let decoded = Decoded::new(kind.encoding, text)?;
        let mut feed = |sink: &mut dyn FnMut(&[u8])| c.feed(message, &mut |p| sink(p));
        key.verify(&decoded, kind.format, &whole, &mut feed)
    })
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("scheme", &self.inner.scheme)
            .field("secrets", &self.inner.shared_count)
            .field("public_keys", &self.inner.public.len())
            .field("tolerance", &self.inner.tolerance)
            .finish()
    }
}

/// The signature values of one request: up to 16 headers' values, or one body field.
#[derive(Default)]
struct Values<'a> {
    values: [&'a [u8]; 16],
    len: usize,
}

impl<'a> Values<'a> {
    fn push(&mut self, value: &'a [u8]) {
        self.values[self.len] = value;
        self.len += 1;
    }

    /// Every item of every value: trimmed, non-empty pieces between separators.
    fn items<'s>(&'s self, c: &'s Compiled) -> impl Iterator<Item = &'a [u8]> + 's {
        let separator: &'s [u8] = match (&c.fields, &c.separator) {
            (Some(fields), _) => fields.separator.as_bytes(),
            (None, Some(separator)) => separator,
            (None, None) => &[],
        };
        self.values[..self.len].iter().flat_map(move |&value| {
            Split::new(value, separator)
                .map(trim)
                .filter(|item| !item.is_empty())
        })
    }
}

impl Compiled {
    /// Returns which kind an item is (true: the `asymmetric` one) and its encoded
    /// signature, prefix or field key stripped; `None` for an item of neither kind.
    fn classify<'a>(&self, item: &'a [u8]) -> Option<(bool, &'a [u8])> {
        if let Some(fields) = &self.fields {
            return field(item, &fields.signature).map(|v| (false, v));
        }
        let primary = || strip(item, &self.primary.prefix).map(|v| (false, v));
        match &self.asym {
            // The longer prefix first, so that neither can swallow the other's items.
            Some(asym) => {
                let other = || strip(item, &asym.prefix).map(|v| (true, v));
                if asym.prefix.len() >= self.primary.prefix.len() {
                    other().or_else(primary)
                } else {
                    primary().or_else(other)
                }
            }
            None => primary(),
        }
    }
}

/// The signature items of one request, each classified once: the encoded signature,
/// and whether it is of the scheme's `asymmetric` kind.
struct Candidates<'a> {
    items: [(bool, &'a [u8]); MAX_SIGNATURE_ITEMS],
    len: usize,
}

impl<'a> Candidates<'a> {
    fn iter(&self) -> impl Iterator<Item = (bool, &'a [u8])> + '_ {
        self.items[..self.len].iter().copied()
    }
}

/// Splits and classifies the items of every value, and finds the timestamp field,
/// checking the caps (rule 2).
fn scan<'a>(
    c: &Compiled,
    values: &Values<'a>,
    candidates: &mut Candidates<'a>,
    header: impl Fn() -> Arc<str>,
) -> Result<Option<&'a [u8]>, Error> {
    let invalid = |reason| Error::InvalidHeader {
        header: header(),
        reason,
    };
    let timestamp_key = c.fields.as_ref().and_then(|f| f.timestamp.as_deref());
    let mut timestamp = None;
    for item in values.items(c) {
        if let Some(candidate) = c.classify(item) {
            if candidates.len == MAX_SIGNATURE_ITEMS {
                return Err(invalid("it holds more than 32 signatures"));
            }
            candidates.items[candidates.len] = candidate;
            candidates.len += 1;
        }
        if let Some(value) = timestamp_key.and_then(|key| field(item, key))
            && timestamp.replace(value).is_some()
        {
            return Err(invalid("it has more than one timestamp field"));
        }
    }
    if timestamp_key.is_some() && timestamp.is_none() {
        return Err(invalid("it has no timestamp field"));
    }
    Ok(timestamp)
}

fn parse_timestamp(
    c: &Compiled,
    header: impl FnOnce() -> Arc<str>,
    text: &[u8],
) -> Result<u64, Error> {
    time::parse(c.timestamp_format, text).map_err(|reason| Error::InvalidHeader {
        header: header(),
        reason,
    })
}

/// The values of the scheme's headers, found in one pass.
struct Found<'h> {
    slots: [Lookup<'h>; MAX_SCHEME_HEADERS],
    /// Which spelling the request used: 0 the scheme's own, 1 its alternate one.
    set: u8,
}

#[derive(Clone, Copy, Default)]
enum Lookup<'h> {
    #[default]
    Absent,
    One(&'h [u8]),
    Repeated,
}

impl<'h> Found<'h> {
    fn new() -> Self {
        Found {
            slots: [Lookup::Absent; MAX_SCHEME_HEADERS],
            set: 0,
        }
    }

    /// Fills the slots in place (a return by value would copy them).
    fn collect<H: Headers + ?Sized>(&mut self, c: &Compiled, headers: &'h H) -> Result<(), Error> {
        let slots = &mut self.slots;
        let mut sets = 0u8;
        headers.visit(&mut |name, value| {
            if let Some((slot, set)) = c.headers.find(name) {
                sets |= 1 << set;
                slots[slot] = match slots[slot] {
                    Lookup::Absent => Lookup::One(value),
                    _ => Lookup::Repeated,
                };
            }
        });
        if sets == 0b11 {
            return Err(Error::InvalidHeader {
                header: c.headers.slots[0].clone(),
                reason: "the request carries the scheme's headers under both of their spellings \
                         (alternate_headers); it must use one set",
            });
        }
        self.set = u8::from(sets == 0b10);
        Ok(())
    }

    /// The name of a slot as the request spells it (its set), for messages.
    fn name(&self, c: &Compiled, slot: usize) -> Arc<str> {
        c.headers.name(slot, self.set)
    }

    fn repeated(&self, c: &Compiled, slot: usize) -> Error {
        Error::InvalidHeader {
            header: self.name(c, slot),
            reason: "it appears more than once; a request must carry it once",
        }
    }

    /// Checks a present value's length.
    fn checked(&self, c: &Compiled, slot: usize, value: &'h [u8]) -> Result<&'h [u8], Error> {
        if value.len() > MAX_HEADER_LEN {
            return Err(Error::InvalidHeader {
                header: self.name(c, slot),
                reason: "the value is longer than 8192 bytes",
            });
        }
        Ok(value)
    }

    /// Rule 1: present, not repeated, not empty after trimming, not huge.
    fn required(&self, c: &Compiled, slot: usize) -> Result<&'h [u8], Error> {
        let value = match self.slots[slot] {
            Lookup::Absent => &b""[..],
            Lookup::One(value) => trim(value),
            Lookup::Repeated => return Err(self.repeated(c, slot)),
        };
        if value.is_empty() {
            return Err(Error::MissingHeader {
                header: self.name(c, slot),
            });
        }
        self.checked(c, slot, value)
    }
}

/// Trims spaces and tabs (and nothing else) from both ends.
fn trim(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

/// `bytes.strip_prefix(prefix)` for the few bytes of a prefix, key or separator, compared
/// inline: a call to the C library's `memcmp` costs more than the compare (an empty prefix
/// took ~0.14 us per verify with glibc's AVX-512 routine).
#[inline]
fn strip<'a>(bytes: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    if prefix.len() > bytes.len() {
        return None;
    }
    let (head, rest) = bytes.split_at(prefix.len());
    // An OR of differences has no early exit for LLVM to turn back into a memcmp call.
    let differ = head
        .iter()
        .zip(prefix)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    (differ == 0).then_some(rest)
}

/// Returns the value of a `key=value` item when its key is `key`.
fn field<'a>(item: &'a [u8], key: &str) -> Option<&'a [u8]> {
    strip(strip(item, key.as_bytes())?, b"=")
}

/// Splits bytes on a separator of any length; an empty separator yields the whole.
struct Split<'a, 's> {
    rest: Option<&'a [u8]>,
    separator: &'s [u8],
}

impl<'a, 's> Split<'a, 's> {
    fn new(bytes: &'a [u8], separator: &'s [u8]) -> Self {
        Split {
            rest: Some(bytes),
            separator,
        }
    }
}

impl<'a> Iterator for Split<'a, '_> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        let n = self.separator.len();
        let at = match self.separator.first() {
            None => None,
            // Scan for the first byte, then check the rest: no per-byte slice compare.
            Some(&first) => (0..rest.len())
                .find(|&i| rest[i] == first && strip(&rest[i..], self.separator).is_some()),
        };
        match at {
            Some(i) => {
                self.rest = Some(&rest[i + n..]);
                Some(&rest[..i])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_handles_long_separators_and_edges() {
        let parts: Vec<&[u8]> = Split::new(b"a, b, , c", b", ").collect();
        assert_eq!(parts, [&b"a"[..], b"b", b"", b"c"]);
        let whole: Vec<&[u8]> = Split::new(b"abc", b"").collect();
        assert_eq!(whole, [&b"abc"[..]]);
    }
}
