//! Named schemes for the providers hooksig knows.

use crate::Error;
use crate::scheme::{Encoding, Fields, Scheme, SecretEncoding};

/// A named scheme, with a one-line description of the provider's rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    /// The name passed to [`Scheme::preset`].
    pub name: &'static str,
    /// The provider's headers and signed bytes, in one line.
    pub summary: &'static str,
}

/// Every preset, in alphabetical order.
///
/// ```
/// assert!(hooksig::PRESETS.iter().any(|p| p.name == "stripe"));
/// for preset in hooksig::PRESETS {
///     hooksig::Scheme::preset(preset.name).unwrap();
/// }
/// ```
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "aghanim",
        summary: "Aghanim: X-Aghanim-Signature = hex HMAC-SHA256 of `{timestamp}.{body}`, \
                  timestamp in X-Aghanim-Signature-Timestamp",
    },
    Preset {
        name: "anycoins",
        summary: "AnyCoins: X-Any-Coins-Signature = hex HMAC-SHA256 of the body",
    },
    Preset {
        name: "aqid",
        summary: "AQID: X-AQID-Signature = base64 HMAC-SHA256 of the body",
    },
    Preset {
        name: "github",
        summary: "GitHub: X-Hub-Signature-256 = `sha256=` + hex HMAC-SHA256 of the body",
    },
    Preset {
        name: "noyo",
        summary: "Noyo: X-Noyo-Signature = comma list of hex HMAC-SHA256 of \
                  `{timestamp}.{body}`, timestamp in X-Noyo-Timestamp",
    },
    Preset {
        name: "paddle",
        summary: "Paddle Billing: Paddle-Signature = `ts=..;h1=..`, hex HMAC-SHA256 of \
                  `{timestamp}:{body}`",
    },
    Preset {
        name: "shopify",
        summary: "Shopify: X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256 of the body",
    },
    Preset {
        name: "sigma",
        summary: "Sigma: X-Signature = hex HMAC-SHA256 of the `business_id` param when given, \
                  else of the body; secret = API key + secret key",
    },
    Preset {
        name: "slack",
        summary: "Slack: X-Slack-Signature = `v0=` + hex HMAC-SHA256 of \
                  `v0:{timestamp}:{body}`, timestamp in X-Slack-Request-Timestamp",
    },
    Preset {
        name: "standard-webhooks",
        summary: "Standard Webhooks: webhook-signature = space list of `v1,` + base64 \
                  HMAC-SHA256 of `{id}.{timestamp}.{body}`; whsec_ secret",
    },
    Preset {
        name: "stripe",
        summary: "Stripe: Stripe-Signature = `t=..,v1=..[,v1=..]`, hex HMAC-SHA256 of \
                  `{timestamp}.{body}`; the whsec_ secret is used as text",
    },
    Preset {
        name: "svix",
        summary: "Svix: as Standard Webhooks with svix-id, svix-timestamp, svix-signature",
    },
];

impl Scheme {
    /// Returns whether text names a scheme in JSON rather than a preset: it starts, after
    /// white space, with `{`. The rule every binding uses for a string argument.
    ///
    /// ```
    /// assert!(hooksig::Scheme::is_json_text(r#" {"signature_header": "x-sig"}"#));
    /// assert!(!hooksig::Scheme::is_json_text("stripe"));
    /// ```
    pub fn is_json_text(text: &str) -> bool {
        text.trim_start().starts_with('{')
    }

    /// Returns the scheme a string names: a scheme in JSON (see [`Scheme::is_json_text`]),
    /// else a preset.
    ///
    /// ```
    /// assert_eq!(hooksig::Scheme::from_text("github")?, hooksig::Scheme::preset("github")?);
    /// assert_eq!(hooksig::Scheme::from_text("{}").unwrap_err().code(), "invalid_scheme");
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn from_text(text: &str) -> Result<Scheme, Error> {
        if Self::is_json_text(text) {
            Scheme::from_json(text)
        } else {
            Scheme::preset(text)
        }
    }

    /// Returns the scheme of a named preset (see [`PRESETS`]).
    ///
    /// ```
    /// let slack = hooksig::Scheme::preset("slack")?;
    /// assert_eq!(slack.message, "v0:{timestamp}:{body}");
    /// assert_eq!(hooksig::Scheme::preset("nope").unwrap_err().code(), "unknown_preset");
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn preset(name: &str) -> Result<Scheme, Error> {
        let scheme = match name {
            "aghanim" => timestamped(
                "X-Aghanim-Signature",
                "X-Aghanim-Signature-Timestamp",
                "{timestamp}.{body}",
            ),
            "anycoins" => Scheme::new("X-Any-Coins-Signature"),
            "aqid" => Scheme {
                encoding: Encoding::Base64,
                ..Scheme::new("X-AQID-Signature")
            },
            "github" => Scheme {
                prefix: Some("sha256=".into()),
                ..Scheme::new("X-Hub-Signature-256")
            },
            "noyo" => Scheme {
                separator: Some(",".into()),
                ..timestamped("X-Noyo-Signature", "X-Noyo-Timestamp", "{timestamp}.{body}")
            },
            "paddle" => Scheme {
                message: "{timestamp}:{body}".into(),
                fields: Some(Fields {
                    separator: ";".into(),
                    timestamp: Some("ts".into()),
                    signature: "h1".into(),
                }),
                ..Scheme::new("Paddle-Signature")
            },
            "shopify" => Scheme {
                encoding: Encoding::Base64,
                ..Scheme::new("X-Shopify-Hmac-Sha256")
            },
            "sigma" => Scheme {
                message: "{business_id}".into(),
                fallback_message: Some("{body}".into()),
                ..Scheme::new("X-Signature")
            },
            "slack" => Scheme {
                prefix: Some("v0=".into()),
                ..timestamped(
                    "X-Slack-Signature",
                    "X-Slack-Request-Timestamp",
                    "v0:{timestamp}:{body}",
                )
            },
            "standard-webhooks" => standard_webhooks("webhook"),
            "stripe" => Scheme {
                message: "{timestamp}.{body}".into(),
                fields: Some(Fields {
                    separator: ",".into(),
                    timestamp: Some("t".into()),
                    signature: "v1".into(),
                }),
                ..Scheme::new("Stripe-Signature")
            },
            "svix" => standard_webhooks("svix"),
            _ => {
                return Err(Error::UnknownPreset {
                    name: name.to_owned(),
                });
            }
        };
        Ok(scheme)
    }
}

fn timestamped(signature: &str, timestamp: &str, message: &str) -> Scheme {
    Scheme {
        timestamp_header: Some(timestamp.into()),
        message: message.into(),
        ..Scheme::new(signature)
    }
}

fn standard_webhooks(prefix: &str) -> Scheme {
    Scheme {
        id_header: Some(format!("{prefix}-id")),
        encoding: Encoding::Base64,
        prefix: Some("v1,".into()),
        separator: Some(" ".into()),
        secret_encoding: SecretEncoding::Whsec,
        ..timestamped(
            &format!("{prefix}-signature"),
            &format!("{prefix}-timestamp"),
            "{id}.{timestamp}.{body}",
        )
    }
}
