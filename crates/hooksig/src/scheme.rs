//! A provider's signing rules, as plain data.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::template::{Part, Template};

/// The tolerance used when a scheme has a timestamp and names none, in seconds.
pub const DEFAULT_TOLERANCE: u64 = 300;

/// The most header names one scheme may read (signature, timestamp, id, the headers its
/// message signs, the required ones, and their alternate spellings).
pub const MAX_SCHEME_HEADERS: usize = 16;

/// How a signature is made: an HMAC, a public-key signature, or a plain token.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Algorithm {
    /// HMAC-SHA256, the default (`hmac-sha256` is accepted as well).
    #[default]
    #[serde(rename = "sha256", alias = "hmac-sha256")]
    Sha256,
    /// HMAC-SHA1, for legacy providers (`hmac-sha1`).
    #[serde(rename = "sha1", alias = "hmac-sha1")]
    Sha1,
    /// HMAC-SHA512 (`hmac-sha512`).
    #[serde(rename = "sha512", alias = "hmac-sha512")]
    Sha512,
    /// Ed25519 (RFC 8032), verified strictly with public keys.
    #[serde(rename = "ed25519")]
    Ed25519,
    /// ECDSA over P-256 with SHA-256, verified with public keys.
    #[serde(rename = "ecdsa-p256-sha256")]
    EcdsaP256Sha256,
    /// No signature: the header's value is itself a shared token, compared in constant time.
    #[serde(rename = "token")]
    Token,
}

impl Algorithm {
    /// Returns the length of a signature in bytes: the MAC's for an HMAC, 64 for Ed25519
    /// and for ECDSA's raw `r || s` form, 0 for a token.
    ///
    /// ```
    /// assert_eq!(hooksig::Algorithm::Sha256.output_len(), 32);
    /// assert_eq!(hooksig::Algorithm::Ed25519.output_len(), 64);
    /// ```
    pub fn output_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 32,
            Algorithm::Sha1 => 20,
            Algorithm::Sha512 | Algorithm::Ed25519 | Algorithm::EcdsaP256Sha256 => 64,
            Algorithm::Token => 0,
        }
    }

    /// Returns true for the HMACs, which verify with shared secrets.
    ///
    /// ```
    /// assert!(hooksig::Algorithm::Sha1.is_hmac());
    /// assert!(!hooksig::Algorithm::Token.is_hmac());
    /// ```
    pub fn is_hmac(self) -> bool {
        matches!(
            self,
            Algorithm::Sha256 | Algorithm::Sha1 | Algorithm::Sha512
        )
    }

    /// Returns true for the public-key algorithms, which verify with public keys.
    ///
    /// ```
    /// assert!(hooksig::Algorithm::EcdsaP256Sha256.is_asymmetric());
    /// ```
    pub fn is_asymmetric(self) -> bool {
        matches!(self, Algorithm::Ed25519 | Algorithm::EcdsaP256Sha256)
    }

    /// The name used in a scheme's JSON.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha512 => "sha512",
            Algorithm::Ed25519 => "ed25519",
            Algorithm::EcdsaP256Sha256 => "ecdsa-p256-sha256",
            Algorithm::Token => "token",
        }
    }
}

/// How a signature is written in its header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// Hexadecimal, either case accepted; lower case produced.
    #[default]
    Hex,
    /// Standard base64 alphabet; padding optional when verifying, produced when signing.
    Base64,
    /// URL-safe base64 alphabet; padding optional when verifying, omitted when signing.
    Base64url,
}

/// How the secret string becomes HMAC key bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretEncoding {
    /// The secret's bytes are the key (text is used as UTF-8), the default.
    #[default]
    Utf8,
    /// The secret is base64 of the key.
    Base64,
    /// An optional `whsec_` prefix, then base64 of the key (Standard Webhooks, Svix).
    Whsec,
}

/// How a bare public key is written (PEM text and `whpk_` keys are recognised whatever
/// the scheme says, since they name their own form).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyEncoding {
    /// Hexadecimal: Ed25519's 32 bytes, or a P-256 SEC1 point (Discord's form).
    Hex,
    /// Base64 of the same bytes.
    Base64,
    /// Base64 of a DER SubjectPublicKeyInfo (SendGrid's form).
    Spki,
    /// A PEM `PUBLIC KEY` block (a SubjectPublicKeyInfo).
    Pem,
    /// `whpk_` then base64 of the Ed25519 key (Standard Webhooks).
    Whpk,
}

/// How an ECDSA signature is laid out before its text encoding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureFormat {
    /// ASN.1 DER `SEQUENCE { r, s }`, strictly DER (the default; SendGrid's form).
    #[default]
    Der,
    /// `r || s`, 32 bytes each (IEEE P1363, as JOSE writes it).
    Raw,
}

/// How a timestamp is written. The replay window is in seconds whatever the format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimestampFormat {
    /// Unix seconds, 1 to 18 ASCII digits (the default).
    #[default]
    Unix,
    /// Unix milliseconds, 1 to 18 ASCII digits (HubSpot, Sanity, WorkOS, Webflow).
    UnixMs,
    /// An RFC 3339 date and time with an offset (Box, Twitch).
    Rfc3339,
}

/// Which forms of the request URL a signature may be over.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UrlPort {
    /// The URL as given (the default).
    #[default]
    AsSent,
    /// The URL with its port removed, or with the default port (443, 80) added: Twilio's
    /// SDKs accept both, since proxies differ in what they pass on.
    Either,
}

/// A second form of the body a provider may have signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyEscape {
    /// The body escaped to printable ASCII: every backslash not before `/` doubled, LF, CR
    /// and TAB as `\n` `\r` `\t`, any other character outside 0x20..=0x7E as `\uXXXX`
    /// (Box, whose SDK tries the raw body first, then this).
    Ascii,
}

/// The provider's other keys, which users paste instead of the webhook signing secret.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretHint {
    /// Prefixes of the provider's API keys (Stripe: `sk_`, `rk_`, `pk_`): a secret that
    /// starts with one is refused as `invalid_secret`, naming the right one.
    pub rejects: Vec<String>,
    /// The prefix the provider's signing secrets start with (`whsec_`), for that message.
    pub expects: String,
}

/// A `key=value` signature header such as Stripe's `t=1492774577,v1=5257a8...`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fields {
    /// What separates the `key=value` items: `,` for Stripe, `;` for Paddle.
    pub separator: String,
    /// The key holding the timestamp (`t`, `ts`), if the header carries one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// The key of each signature item (`v1`, `h1`); it may repeat.
    pub signature: String,
}

/// A second kind of signature item in the same header, made with a public-key algorithm
/// (Standard Webhooks and Svix send `v1,<hmac>` and `v1a,<ed25519>` side by side).
///
/// A verifier built with secrets checks the scheme's own items, one built with public keys
/// checks these, one built with both checks both.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Asymmetric {
    /// `ed25519` or `ecdsa-p256-sha256`.
    pub algorithm: Algorithm,
    /// What these items start with (`v1a,`); it must differ from the scheme's `prefix`.
    pub prefix: String,
    /// How these signatures are written.
    #[serde(default)]
    pub encoding: Encoding,
    /// How a bare public key is written (default: `hex`, or `spki` for ECDSA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_encoding: Option<KeyEncoding>,
    /// The ECDSA signature layout (default `der`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_format: Option<SignatureFormat>,
}

/// A provider's webhook signing rules, as data.
///
/// Presets are schemes ([`Scheme::preset`]); a provider without a preset is one
/// JSON object away ([`Scheme::from_json`]). A scheme is checked when a
/// [`Verifier`](crate::Verifier) or [`Signer`](crate::Signer) is built from it.
///
/// ```
/// let scheme = hooksig::Scheme::from_json(r#"{
///     "signature_header": "x-acme-signature",
///     "timestamp_header": "x-acme-timestamp",
///     "message": "{timestamp}.{body}",
///     "encoding": "base64"
/// }"#).unwrap();
/// assert_eq!(scheme.tolerance, Some(300));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    /// How signatures are made: an HMAC, Ed25519, ECDSA, or a plain token.
    #[serde(default)]
    pub algorithm: Algorithm,
    /// The header holding the signature(s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_header: Option<String>,
    /// Several signature headers, any one of which may match (instead of `signature_header`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signature_headers: Vec<String>,
    /// The header holding the timestamp, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_header: Option<String>,
    /// How the timestamp is written (Unix seconds unless said otherwise).
    #[serde(default, skip_serializing_if = "is_default")]
    pub timestamp_format: TimestampFormat,
    /// The header holding the message id, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_header: Option<String>,
    /// The template of the signed bytes: `{body}`, `{timestamp}`, `{id}`, `{url}`,
    /// `{method}`, `{path}`, `{form}`, `{header:NAME}`, `{body_field:NAME}`, and `{NAME}`
    /// for a construction param.
    #[serde(default = "body_template")]
    pub message: String,
    /// The template used instead of `message` when a param it needs is not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_message: Option<String>,
    /// How signatures are written.
    #[serde(default)]
    pub encoding: Encoding,
    /// What each signature item starts with (`sha256=`, `v1,`); it is stripped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// What separates signature items when the header holds a list (`,` or a space).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub separator: Option<String>,
    /// The header is `key=value` items instead (Stripe, Paddle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Fields>,
    /// How the secret becomes key bytes.
    #[serde(default)]
    pub secret_encoding: SecretEncoding,
    /// The provider's API keys, refused as secrets with a message that names the signing
    /// secret instead (Stripe).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_hint: Option<SecretHint>,
    /// How a bare public key is written, for `ed25519` and `ecdsa-p256-sha256`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_encoding: Option<KeyEncoding>,
    /// The ECDSA signature layout (default `der`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_format: Option<SignatureFormat>,
    /// A second, public-key kind of signature item in the same header (`v1a,`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asymmetric: Option<Asymmetric>,
    /// Values read from a JSON body by dotted path: `signature`, `timestamp`, or any name
    /// the message signs as `{body_field:NAME}` (Mailgun).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub body_fields: BTreeMap<String, String>,
    /// Headers that must be present with exactly this value (Box's signature version).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub required_headers: BTreeMap<String, String>,
    /// A second spelling of the scheme's headers; a request uses one set or the other.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub alternate_headers: BTreeMap<String, String>,
    /// Which forms of `{url}` a signature may be over (Twilio: with or without the port).
    #[serde(default, skip_serializing_if = "is_default")]
    pub url_port: UrlPort,
    /// A second form of `{body}` the provider may have signed (Box: escaped to ASCII).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_escape: Option<BodyEscape>,
    /// The handshake the provider sends to check an endpoint, answered by
    /// [`Verifier::handshake`](crate::Verifier::handshake).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handshake: Option<crate::Handshake>,
    /// The replay window in seconds, or `None` for none; ignored without a timestamp.
    ///
    /// Left out of the JSON it is [`DEFAULT_TOLERANCE`]; an explicit `null` turns
    /// the window off.
    #[serde(default = "default_tolerance")]
    pub tolerance: Option<u64>,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

fn default_tolerance() -> Option<u64> {
    Some(DEFAULT_TOLERANCE)
}

fn body_template() -> String {
    "{body}".to_owned()
}

impl Scheme {
    /// Returns a scheme that signs the body with HMAC-SHA256 into `signature_header`, hex.
    ///
    /// Every other field takes its default; change them as fields.
    ///
    /// ```
    /// let mut scheme = hooksig::Scheme::new("x-signature");
    /// scheme.prefix = Some("sha256=".into());
    /// ```
    pub fn new(signature_header: impl Into<String>) -> Self {
        Scheme {
            algorithm: Algorithm::Sha256,
            signature_header: Some(signature_header.into()),
            signature_headers: Vec::new(),
            timestamp_header: None,
            timestamp_format: TimestampFormat::Unix,
            id_header: None,
            message: body_template(),
            fallback_message: None,
            encoding: Encoding::Hex,
            prefix: None,
            separator: None,
            fields: None,
            secret_encoding: SecretEncoding::Utf8,
            secret_hint: None,
            key_encoding: None,
            signature_format: None,
            asymmetric: None,
            body_fields: BTreeMap::new(),
            required_headers: BTreeMap::new(),
            alternate_headers: BTreeMap::new(),
            url_port: UrlPort::AsSent,
            body_escape: None,
            handshake: None,
            tolerance: default_tolerance(),
        }
    }

    /// Parses a scheme from JSON, the form shared by every language.
    ///
    /// Unknown fields and wrong types are `invalid_scheme`; so is anything that
    /// [`Scheme::validate`] rejects.
    ///
    /// ```
    /// let err = hooksig::Scheme::from_json(r#"{"signature_header": "x", "encodng": "hex"}"#);
    /// assert_eq!(err.unwrap_err().code(), "invalid_scheme");
    /// ```
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let scheme: Scheme = serde_json::from_str(json)
            .map_err(|e| Error::scheme("json", format!("does not parse: {e}")))?;
        scheme.validate()?;
        Ok(scheme)
    }

    /// Returns the scheme as JSON, the form [`Scheme::from_json`] reads.
    ///
    /// ```
    /// let github = hooksig::Scheme::preset("github").unwrap();
    /// let again = hooksig::Scheme::from_json(&github.to_json()).unwrap();
    /// assert_eq!(github, again);
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scheme always serializes")
    }

    /// Returns true when requests carry a timestamp (a header, a field, or a body field).
    pub fn has_timestamp(&self) -> bool {
        self.timestamp_header.is_some()
            || self.fields.as_ref().is_some_and(|f| f.timestamp.is_some())
            || self.body_fields.contains_key("timestamp")
    }

    /// Returns the signature headers: `signature_header`, or the `signature_headers` list.
    ///
    /// ```
    /// let github = hooksig::Scheme::preset("github")?;
    /// assert_eq!(github.signature_header_names().collect::<Vec<_>>(), ["X-Hub-Signature-256"]);
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn signature_header_names(&self) -> impl Iterator<Item = &str> {
        self.signature_header
            .iter()
            .chain(&self.signature_headers)
            .map(String::as_str)
    }

    /// Returns true when the message signs the request's URL or method, so that verify
    /// needs them (`{url}`, `{path}`, `{method}`, `{form}` with Twilio's body hash).
    pub fn signs_request_line(&self) -> bool {
        [Some(&self.message), self.fallback_message.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(|t| Template::parse(t).ok())
            .any(|t| t.parts().iter().any(|p| p.is_request_line()))
    }

    /// Checks that the fields fit together, naming the first one at fault.
    ///
    /// ```
    /// let mut scheme = hooksig::Scheme::new("x-sig");
    /// scheme.message = "{timestamp}.{body}".into();
    /// let err = scheme.validate().unwrap_err();
    /// assert_eq!(err.code(), "invalid_scheme");
    /// assert!(err.to_string().contains("message"));
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        self.validate_headers()?;
        self.validate_templates()?;
        self.validate_signatures()?;
        self.validate_asymmetric()?;
        if self.timestamp_format != TimestampFormat::Unix && !self.has_timestamp() {
            return Err(Error::scheme(
                "timestamp_format",
                "is set but the scheme has no timestamp",
            ));
        }
        Ok(())
    }

    fn validate_headers(&self) -> Result<(), Error> {
        let body_signature = self.body_fields.contains_key("signature");
        match (
            &self.signature_header,
            self.signature_headers.is_empty(),
            body_signature,
        ) {
            (Some(_), true, false) | (None, false, false) | (None, true, true) => {}
            (None, true, false) => {
                return Err(Error::scheme(
                    "signature_header",
                    "is required (or signature_headers, or body_fields.signature)",
                ));
            }
            (Some(_), false, _) => {
                return Err(Error::scheme(
                    "signature_headers",
                    "cannot be used with signature_header: list every header in signature_headers",
                ));
            }
            (_, _, true) => {
                return Err(Error::scheme(
                    "body_fields",
                    "has `signature`, so the scheme cannot also name signature headers",
                ));
            }
        }
        if self.signature_headers.len() > 16 {
            return Err(Error::scheme(
                "signature_headers",
                "may list at most 16 headers",
            ));
        }
        let mut names: Vec<(&'static str, &str)> = Vec::new();
        for name in self.signature_header_names() {
            let field = if self.signature_header.is_some() {
                "signature_header"
            } else {
                "signature_headers"
            };
            names.push((field, name));
        }
        if let Some(name) = &self.timestamp_header {
            names.push(("timestamp_header", name));
        }
        if let Some(name) = &self.id_header {
            names.push(("id_header", name));
        }
        for name in self.required_headers.keys() {
            names.push(("required_headers", name));
        }
        for (field, name) in &names {
            check_header(field, name)?;
        }
        for (name, value) in &self.required_headers {
            check_text("required_headers", value, 256)?;
            if value.trim_matches([' ', '\t']) != value || value.is_empty() {
                return Err(Error::scheme(
                    "required_headers",
                    format!("the value for `{name}` must be non-empty, without surrounding spaces"),
                ));
            }
        }
        for (from, to) in &self.alternate_headers {
            check_header("alternate_headers", to)?;
            if !names.iter().any(|(_, n)| n.eq_ignore_ascii_case(from)) {
                return Err(Error::scheme(
                    "alternate_headers",
                    format!("`{from}` is not one of the scheme's headers"),
                ));
            }
            names.push(("alternate_headers", to));
        }
        // Headers signed with `{header:NAME}` count as read, too.
        let mut extra = Vec::new();
        for template in self.templates() {
            for part in Template::parse(template)?.parts() {
                if let Part::Header(name) = part {
                    check_header("message", name)?;
                    extra.push(name.to_string());
                }
            }
        }
        for (i, (_, a)) in names.iter().enumerate() {
            for (field, b) in &names[i + 1..] {
                if a.eq_ignore_ascii_case(b) {
                    return Err(Error::scheme(
                        field,
                        format!("`{b}` is already another of the scheme's headers"),
                    ));
                }
            }
        }
        let mut total = names.len();
        extra.sort_by_key(|n| n.to_ascii_lowercase());
        extra.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        total += extra
            .iter()
            .filter(|e| !names.iter().any(|(_, n)| n.eq_ignore_ascii_case(e)))
            .count();
        if total > MAX_SCHEME_HEADERS {
            return Err(Error::scheme(
                "signature_headers",
                format!("the scheme reads more than {MAX_SCHEME_HEADERS} headers"),
            ));
        }
        Ok(())
    }

    fn templates(&self) -> impl Iterator<Item = &String> {
        [Some(&self.message), self.fallback_message.as_ref()]
            .into_iter()
            .flatten()
    }

    fn validate_templates(&self) -> Result<(), Error> {
        for (path_name, path) in &self.body_fields {
            check_identifier("body_fields", path_name)?;
            if path.is_empty()
                || path.len() > 256
                || path.split('.').any(str::is_empty)
                || !path.bytes().all(|b| (b' '..=b'~').contains(&b))
            {
                return Err(Error::scheme(
                    "body_fields",
                    format!(
                        "the path of `{path_name}` must be dot-separated names of printable ASCII"
                    ),
                ));
            }
        }
        for template in self.templates() {
            let parsed = Template::parse(template)?;
            if parsed.uses_timestamp() && !self.has_timestamp() {
                return Err(Error::scheme(
                    "message",
                    "uses {timestamp} but the scheme has no timestamp_header, fields.timestamp \
                     or body_fields.timestamp",
                ));
            }
            if parsed.uses_id() && self.id_header.is_none() {
                return Err(Error::scheme(
                    "message",
                    "uses {id} but the scheme has no id_header",
                ));
            }
            for part in parsed.parts() {
                if let Part::BodyField(name) = part
                    && !self.body_fields.contains_key(&**name)
                {
                    return Err(Error::scheme(
                        "message",
                        format!("uses {{body_field:{name}}} but body_fields has no `{name}`"),
                    ));
                }
            }
            if self.url_port != UrlPort::AsSent && !parsed.parts().contains(&Part::Url) {
                return Err(Error::scheme(
                    "url_port",
                    "is set but the message signs no {url}",
                ));
            }
            if self.body_escape.is_some() && !parsed.parts().contains(&Part::Body) {
                return Err(Error::scheme(
                    "body_escape",
                    "is set but the message signs no {body}",
                ));
            }
            if self.algorithm == Algorithm::Token && parsed.parts() != [Part::Body] {
                return Err(Error::scheme(
                    "message",
                    "must be left out for a token scheme: a token signs nothing",
                ));
            }
        }
        Ok(())
    }

    fn validate_signatures(&self) -> Result<(), Error> {
        if let Some(separator) = &self.separator {
            check_separator("separator", separator)?;
        }
        if let Some(prefix) = &self.prefix {
            check_prefix("prefix", prefix, self.separator.as_deref())?;
        }
        if let Some(fields) = &self.fields {
            if self.separator.is_some() {
                return Err(Error::scheme(
                    "separator",
                    "cannot be used with fields (fields.separator splits the header)",
                ));
            }
            check_separator("fields.separator", &fields.separator)?;
            check_key("fields.signature", &fields.signature, &fields.separator)?;
            if let Some(key) = &fields.timestamp {
                check_key("fields.timestamp", key, &fields.separator)?;
                if key == &fields.signature {
                    return Err(Error::scheme(
                        "fields.timestamp",
                        "must differ from fields.signature",
                    ));
                }
                if self.timestamp_header.is_some() {
                    return Err(Error::scheme(
                        "timestamp_header",
                        "cannot be used with fields.timestamp (the timestamp comes from one place)",
                    ));
                }
            }
        }
        if self.body_fields.contains_key("timestamp")
            && (self.timestamp_header.is_some()
                || self.fields.as_ref().is_some_and(|f| f.timestamp.is_some()))
        {
            return Err(Error::scheme(
                "body_fields",
                "has `timestamp`, so the scheme cannot also read a timestamp from a header",
            ));
        }
        if self.body_fields.contains_key("signature")
            && (self.fields.is_some() || self.separator.is_some())
        {
            return Err(Error::scheme(
                "body_fields",
                "has `signature`: a body field holds one signature (no fields or separator)",
            ));
        }
        if self.algorithm == Algorithm::Token {
            for (field, set) in [
                ("prefix", self.prefix.is_some()),
                ("separator", self.separator.is_some()),
                ("fields", self.fields.is_some()),
                ("asymmetric", self.asymmetric.is_some()),
                (
                    "secret_encoding",
                    self.secret_encoding != SecretEncoding::Utf8,
                ),
            ] {
                if set {
                    return Err(Error::scheme(
                        field,
                        "cannot be used with a token scheme: the header holds the token itself",
                    ));
                }
            }
        }
        if let Some(hint) = &self.secret_hint {
            check_text("secret_hint.expects", &hint.expects, MAX_TOKEN_LEN)?;
            if hint.rejects.is_empty() || hint.rejects.len() > 8 {
                return Err(Error::scheme(
                    "secret_hint.rejects",
                    "must list 1 to 8 prefixes",
                ));
            }
            for prefix in &hint.rejects {
                check_text("secret_hint.rejects", prefix, MAX_TOKEN_LEN)?;
                if prefix.is_empty() {
                    return Err(Error::scheme(
                        "secret_hint.rejects",
                        "holds an empty prefix",
                    ));
                }
            }
        }
        if !self.algorithm.is_asymmetric() {
            if self.key_encoding.is_some() {
                return Err(Error::scheme(
                    "key_encoding",
                    format!(
                        "is for public keys, but the algorithm is {}",
                        self.algorithm.name()
                    ),
                ));
            }
        } else if self.secret_encoding != SecretEncoding::Utf8 {
            return Err(Error::scheme(
                "secret_encoding",
                "cannot be used with a public-key algorithm (it takes public keys, not secrets)",
            ));
        }
        check_key_encoding("key_encoding", self.algorithm, self.key_encoding)?;
        if self.signature_format.is_some() && self.algorithm != Algorithm::EcdsaP256Sha256 {
            return Err(Error::scheme(
                "signature_format",
                "is for ecdsa-p256-sha256 only",
            ));
        }
        Ok(())
    }

    fn validate_asymmetric(&self) -> Result<(), Error> {
        let Some(asym) = &self.asymmetric else {
            return Ok(());
        };
        if !self.algorithm.is_hmac() {
            return Err(Error::scheme(
                "asymmetric",
                "adds public-key items to an HMAC scheme; the algorithm is not an HMAC",
            ));
        }
        if !asym.algorithm.is_asymmetric() {
            return Err(Error::scheme(
                "asymmetric.algorithm",
                "must be ed25519 or ecdsa-p256-sha256",
            ));
        }
        let Some(prefix) = &self.prefix else {
            return Err(Error::scheme(
                "prefix",
                "is required with asymmetric: the two kinds of items are told apart by prefix",
            ));
        };
        if self.fields.is_some() {
            return Err(Error::scheme(
                "asymmetric",
                "cannot be used with fields (items are told apart by prefix)",
            ));
        }
        check_prefix("asymmetric.prefix", &asym.prefix, self.separator.as_deref())?;
        if asym.prefix == *prefix {
            return Err(Error::scheme(
                "asymmetric.prefix",
                "must differ from the scheme's prefix",
            ));
        }
        check_key_encoding("asymmetric.key_encoding", asym.algorithm, asym.key_encoding)?;
        if asym.signature_format.is_some() && asym.algorithm != Algorithm::EcdsaP256Sha256 {
            return Err(Error::scheme(
                "asymmetric.signature_format",
                "is for ecdsa-p256-sha256 only",
            ));
        }
        Ok(())
    }
}

fn check_key_encoding(
    field: &'static str,
    algorithm: Algorithm,
    encoding: Option<KeyEncoding>,
) -> Result<(), Error> {
    if encoding == Some(KeyEncoding::Whpk) && algorithm != Algorithm::Ed25519 {
        return Err(Error::scheme(
            field,
            "`whpk` keys are Ed25519 keys (Standard Webhooks)",
        ));
    }
    Ok(())
}

fn check_header(field: &'static str, name: &str) -> Result<(), Error> {
    if !is_header_name(name) {
        return Err(Error::scheme(
            field,
            format!("`{name}` is not a valid HTTP header name"),
        ));
    }
    Ok(())
}

/// Returns whether text is an HTTP header name (an RFC 9110 token).
pub(crate) fn is_header_name(name: &str) -> bool {
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    !name.is_empty() && name.len() <= 256 && name.bytes().all(token)
}

/// The longest prefix, separator or field key, in bytes.
const MAX_TOKEN_LEN: usize = 64;

/// Printable ASCII (or space), short: these end up inside header values.
fn check_text(field: &'static str, text: &str, max: usize) -> Result<(), Error> {
    if text.len() > max || !text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return Err(Error::scheme(
            field,
            format!("must be at most {max} printable ASCII characters"),
        ));
    }
    Ok(())
}

fn check_identifier(field: &'static str, name: &str) -> Result<(), Error> {
    if name.is_empty()
        || name.len() > MAX_TOKEN_LEN
        || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(Error::scheme(
            field,
            format!("`{name}` must be a name of letters, digits and `_`"),
        ));
    }
    Ok(())
}

fn check_prefix(field: &'static str, prefix: &str, separator: Option<&str>) -> Result<(), Error> {
    check_text(field, prefix, MAX_TOKEN_LEN)?;
    if prefix.starts_with([' ', '\t']) || prefix.ends_with([' ', '\t']) {
        return Err(Error::scheme(
            field,
            "cannot start or end with a space (items are trimmed)",
        ));
    }
    if let Some(separator) = separator.filter(|s| prefix.contains(s)) {
        return Err(Error::scheme(
            field,
            format!("cannot contain the separator `{separator}`"),
        ));
    }
    Ok(())
}

/// A separator cannot be empty nor use a character that an encoded signature or a
/// `key=value` item may contain, or it would split them.
fn check_separator(field: &'static str, separator: &str) -> Result<(), Error> {
    check_text(field, separator, MAX_TOKEN_LEN)?;
    if separator.is_empty()
        || separator
            .bytes()
            .any(|b| b.is_ascii_alphanumeric() || b"+/=-_".contains(&b))
    {
        return Err(Error::scheme(
            field,
            "must be non-empty punctuation or space, without letters, digits or `+/=-_`",
        ));
    }
    Ok(())
}

fn check_key(field: &'static str, key: &str, separator: &str) -> Result<(), Error> {
    check_text(field, key, MAX_TOKEN_LEN)?;
    if key.is_empty() || key.contains('=') || key.trim() != key || key.contains(separator) {
        return Err(Error::scheme(
            field,
            "must be non-empty, without `=`, the separator, or surrounding spaces",
        ));
    }
    Ok(())
}
