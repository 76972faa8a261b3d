//! A provider's signing rules, as plain data.

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::template::Template;

/// The tolerance used when a scheme has a timestamp and names none, in seconds.
pub const DEFAULT_TOLERANCE: u64 = 300;

/// The hash function under HMAC.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    /// HMAC-SHA256, the default.
    #[default]
    Sha256,
    /// HMAC-SHA1, for legacy providers.
    Sha1,
    /// HMAC-SHA512.
    Sha512,
}

impl Algorithm {
    /// Returns the length of the MAC in bytes.
    ///
    /// ```
    /// assert_eq!(hooksig::Algorithm::Sha256.output_len(), 32);
    /// ```
    pub fn output_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 32,
            Algorithm::Sha1 => 20,
            Algorithm::Sha512 => 64,
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
    /// The hash function under HMAC.
    #[serde(default)]
    pub algorithm: Algorithm,
    /// The header holding the signature(s).
    pub signature_header: String,
    /// The header holding a Unix-seconds timestamp, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_header: Option<String>,
    /// The header holding the message id, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_header: Option<String>,
    /// The template of the signed bytes: `{body}`, `{timestamp}`, `{id}`, `{NAME}` for a param.
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
    /// The replay window in seconds, or `None` for none; ignored without a timestamp.
    ///
    /// Left out of the JSON it is [`DEFAULT_TOLERANCE`]; an explicit `null` turns
    /// the window off.
    #[serde(default = "default_tolerance")]
    pub tolerance: Option<u64>,
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
            signature_header: signature_header.into(),
            timestamp_header: None,
            id_header: None,
            message: body_template(),
            fallback_message: None,
            encoding: Encoding::Hex,
            prefix: None,
            separator: None,
            fields: None,
            secret_encoding: SecretEncoding::Utf8,
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

    /// Returns true when requests carry a timestamp (a header or a field).
    pub fn has_timestamp(&self) -> bool {
        self.timestamp_header.is_some()
            || self.fields.as_ref().is_some_and(|f| f.timestamp.is_some())
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
        check_header("signature_header", &self.signature_header)?;
        if let Some(name) = &self.timestamp_header {
            check_header("timestamp_header", name)?;
        }
        if let Some(name) = &self.id_header {
            check_header("id_header", name)?;
        }
        let names = [
            ("signature_header", Some(&self.signature_header)),
            ("timestamp_header", self.timestamp_header.as_ref()),
            ("id_header", self.id_header.as_ref()),
        ];
        for (i, (_, a)) in names.iter().enumerate() {
            for (field, b) in &names[i + 1..] {
                if let (Some(a), Some(b)) = (a, b)
                    && a.eq_ignore_ascii_case(b)
                {
                    return Err(Error::scheme(
                        field,
                        format!("`{b}` is already another of the scheme's headers"),
                    ));
                }
            }
        }
        for template in [Some(&self.message), self.fallback_message.as_ref()]
            .into_iter()
            .flatten()
        {
            let parsed = Template::parse(template)?;
            if parsed.uses_timestamp() && !self.has_timestamp() {
                return Err(Error::scheme(
                    "message",
                    "uses {timestamp} but the scheme has no timestamp_header or fields.timestamp",
                ));
            }
            if parsed.uses_id() && self.id_header.is_none() {
                return Err(Error::scheme(
                    "message",
                    "uses {id} but the scheme has no id_header",
                ));
            }
        }
        if let Some(separator) = &self.separator {
            check_separator("separator", separator)?;
        }
        if let Some(prefix) = &self.prefix {
            check_text("prefix", prefix)?;
            if prefix.starts_with([' ', '\t']) || prefix.ends_with([' ', '\t']) {
                return Err(Error::scheme(
                    "prefix",
                    "cannot start or end with a space (items are trimmed)",
                ));
            }
            if let Some(separator) = self.separator.as_deref().filter(|s| prefix.contains(s)) {
                return Err(Error::scheme(
                    "prefix",
                    format!("cannot contain the separator `{separator}`"),
                ));
            }
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
        Ok(())
    }
}

fn check_header(field: &'static str, name: &str) -> Result<(), Error> {
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if name.is_empty() || !name.bytes().all(token) {
        return Err(Error::scheme(
            field,
            format!("`{name}` is not a valid HTTP header name"),
        ));
    }
    Ok(())
}

/// The longest prefix, separator or field key, in bytes.
const MAX_TOKEN_LEN: usize = 64;

/// Printable ASCII (or space), short: these end up inside header values.
fn check_text(field: &'static str, text: &str) -> Result<(), Error> {
    if text.len() > MAX_TOKEN_LEN || !text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return Err(Error::scheme(
            field,
            format!("must be at most {MAX_TOKEN_LEN} printable ASCII characters"),
        ));
    }
    Ok(())
}

/// A separator cannot be empty nor use a character that an encoded signature or a
/// `key=value` item may contain, or it would split them.
fn check_separator(field: &'static str, separator: &str) -> Result<(), Error> {
    check_text(field, separator)?;
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
    check_text(field, key)?;
    if key.is_empty() || key.contains('=') || key.trim() != key || key.contains(separator) {
        return Err(Error::scheme(
            field,
            "must be non-empty, without `=`, the separator, or surrounding spaces",
        ));
    }
    Ok(())
}
