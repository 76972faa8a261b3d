//! Named schemes for the providers hooksig knows, each with the source it follows.

use std::collections::BTreeMap;

use crate::scheme::{
    Algorithm, Asymmetric, BodyEscape, Encoding, Fields, KeyEncoding, Scheme, SecretEncoding,
    SecretHint, SignatureFormat, TimestampFormat, UrlPort,
};
use crate::{Error, Handshake};

/// A named scheme: the provider's rules in one line, and where they come from.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// The name passed to [`Scheme::preset`].
    pub name: &'static str,
    /// The provider's headers and signed bytes, in one line.
    pub summary: &'static str,
    /// The document or SDK the scheme follows.
    pub source: &'static str,
    build: fn() -> Scheme,
}

impl Preset {
    /// Returns the preset's scheme.
    ///
    /// ```
    /// let github = hooksig::PRESETS.iter().find(|p| p.name == "github").unwrap();
    /// assert_eq!(github.scheme().prefix.as_deref(), Some("sha256="));
    /// ```
    pub fn scheme(&self) -> Scheme {
        (self.build)()
    }
}

const fn preset(
    name: &'static str,
    summary: &'static str,
    source: &'static str,
    build: fn() -> Scheme,
) -> Preset {
    Preset {
        name,
        summary,
        source,
        build,
    }
}

/// Every preset, in alphabetical order.
///
/// ```
/// assert!(hooksig::PRESETS.len() >= 45);
/// for preset in hooksig::PRESETS {
///     assert_eq!(hooksig::Scheme::preset(preset.name)?, preset.scheme());
///     preset.scheme().validate()?;
/// }
/// # Ok::<(), hooksig::Error>(())
/// ```
pub const PRESETS: &[Preset] = &[
    preset(
        "aghanim",
        "Aghanim: X-Aghanim-Signature = hex HMAC-SHA256 of `{timestamp}.{body}`, timestamp in \
         X-Aghanim-Signature-Timestamp",
        "Aghanim webhook docs (provider-docs/aghanim.txt)",
        || {
            timestamped(
                "X-Aghanim-Signature",
                "X-Aghanim-Signature-Timestamp",
                "{timestamp}.{body}",
            )
        },
    ),
    preset(
        "airtable",
        "Airtable: X-Airtable-Content-MAC = `hmac-sha256=` + hex HMAC-SHA256 of the body; the \
         secret is the base64 macSecretBase64",
        "https://airtable.com/developers/web/api/webhooks-overview",
        || Scheme {
            prefix: Some("hmac-sha256=".into()),
            secret_encoding: SecretEncoding::Base64,
            ..Scheme::new("X-Airtable-Content-MAC")
        },
    ),
    preset(
        "anycoins",
        "AnyCoins: X-Any-Coins-Signature = hex HMAC-SHA256 of the body",
        "AnyCoins webhook docs (provider-docs/anycoins.txt)",
        || Scheme::new("X-Any-Coins-Signature"),
    ),
    preset(
        "aqid",
        "AQID: X-AQID-Signature = base64 HMAC-SHA256 of the body",
        "AQID webhook docs (provider-docs/aqid.txt)",
        || base64("X-AQID-Signature"),
    ),
    preset(
        "asana",
        "Asana: X-Hook-Signature = hex HMAC-SHA256 of the body; the secret is the X-Hook-Secret \
         of the handshake",
        "https://developers.asana.com/docs/webhooks-guide",
        || Scheme {
            handshake: Some(Handshake::Asana),
            ..Scheme::new("X-Hook-Signature")
        },
    ),
    preset(
        "bitbucket",
        "Bitbucket: X-Hub-Signature = `sha256=` + hex HMAC-SHA256 of the body",
        "https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/",
        || prefixed("X-Hub-Signature", "sha256="),
    ),
    preset(
        "box",
        "Box: box-signature-primary / -secondary = base64 HMAC-SHA256 of `{body}{timestamp}` \
         with the primary / secondary key (the body raw, else escaped to ASCII), RFC 3339 \
         box-delivery-timestamp, 600 s window",
        "box/box-python-sdk box_sdk_gen/internal/utils.py compute_webhook_signature",
        || Scheme {
            signature_headers: vec![
                "box-signature-primary".into(),
                "box-signature-secondary".into(),
            ],
            timestamp_header: Some("box-delivery-timestamp".into()),
            timestamp_format: TimestampFormat::Rfc3339,
            id_header: Some("box-delivery-id".into()),
            message: "{body}{timestamp}".into(),
            body_escape: Some(BodyEscape::Ascii),
            encoding: Encoding::Base64,
            required_headers: BTreeMap::from([
                ("box-signature-algorithm".into(), "HmacSHA256".into()),
                ("box-signature-version".into(), "1".into()),
            ]),
            tolerance: Some(600),
            ..headerless()
        },
    ),
    preset(
        "calcom",
        "Cal.com: X-Cal-Signature-256 = hex HMAC-SHA256 of the body",
        "https://cal.com/docs/developing/guides/automation/webhooks",
        || Scheme::new("X-Cal-Signature-256"),
    ),
    preset(
        "calendly",
        "Calendly: Calendly-Webhook-Signature = `t=..,v1=..`, hex HMAC-SHA256 of \
         `{timestamp}.{body}`, 180 s window",
        "https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures",
        || Scheme {
            tolerance: Some(180),
            ..stripe_like("Calendly-Webhook-Signature", Encoding::Hex)
        },
    ),
    preset(
        "clerk",
        "Clerk: Svix (svix-id, svix-timestamp, svix-signature), whsec_ secret",
        "clerk/javascript packages/backend/src/webhooks.ts (standardwebhooks)",
        || standard_webhooks("svix", SecretEncoding::Whsec),
    ),
    preset(
        "coinbase-commerce",
        "Coinbase Commerce: X-CC-Webhook-Signature = hex HMAC-SHA256 of the body",
        "coinbase/coinbase-commerce-node lib/Webhook.js",
        || Scheme::new("X-CC-Webhook-Signature"),
    ),
    preset(
        "discord",
        "Discord interactions: X-Signature-Ed25519 = hex Ed25519 signature of \
         `{timestamp}{body}`, timestamp in X-Signature-Timestamp; hex public key",
        "https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint",
        || Scheme {
            handshake: Some(Handshake::Discord),
            algorithm: Algorithm::Ed25519,
            key_encoding: Some(KeyEncoding::Hex),
            ..timestamped(
                "X-Signature-Ed25519",
                "X-Signature-Timestamp",
                "{timestamp}{body}",
            )
        },
    ),
    preset(
        "docusign",
        "DocuSign Connect: X-DocuSign-Signature-1 .. -10 = base64 HMAC-SHA256 of the body, one \
         per active key",
        "https://developers.docusign.com/platform/webhooks/connect/hmac/",
        || Scheme {
            signature_headers: (1..=10)
                .map(|n| format!("X-DocuSign-Signature-{n}"))
                .collect(),
            ..headerless_base64()
        },
    ),
    preset(
        "dropbox",
        "Dropbox: X-Dropbox-Signature = hex HMAC-SHA256 of the body (app secret)",
        "https://www.dropbox.com/developers/reference/webhooks",
        || Scheme {
            handshake: Some(Handshake::Dropbox),
            ..Scheme::new("X-Dropbox-Signature")
        },
    ),
    preset(
        "gitea",
        "Gitea / Forgejo: X-Gitea-Signature = hex HMAC-SHA256 of the body",
        "go-gitea/gitea services/webhook/deliver.go",
        || Scheme::new("X-Gitea-Signature"),
    ),
    preset(
        "github",
        "GitHub: X-Hub-Signature-256 = `sha256=` + hex HMAC-SHA256 of the body",
        "https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries",
        || prefixed("X-Hub-Signature-256", "sha256="),
    ),
    preset(
        "gitlab",
        "GitLab: X-Gitlab-Token = the secret token itself (compared in constant time)",
        "https://docs.gitlab.com/user/project/integrations/webhooks/#validate-payloads-by-using-a-secret-token",
        || token("X-Gitlab-Token"),
    ),
    preset(
        "hookdeck",
        "Hookdeck: x-hookdeck-signature = base64 HMAC-SHA256 of the body",
        "https://hookdeck.com/docs/authentication",
        || base64("x-hookdeck-signature"),
    ),
    preset(
        "hubspot",
        "HubSpot v3: X-HubSpot-Signature-v3 = base64 HMAC-SHA256 of \
         `{method}{url}{body}{timestamp}`, X-HubSpot-Request-Timestamp in milliseconds",
        "HubSpot/hubspot-api-python hubspot/utils/signature.py (v3)",
        || Scheme {
            timestamp_format: TimestampFormat::UnixMs,
            encoding: Encoding::Base64,
            ..timestamped(
                "X-HubSpot-Signature-v3",
                "X-HubSpot-Request-Timestamp",
                "{method}{url}{body}{timestamp}",
            )
        },
    ),
    preset(
        "intercom",
        "Intercom: X-Hub-Signature = `sha1=` + hex HMAC-SHA1 of the body (client secret)",
        "https://developers.intercom.com/docs/references/webhooks/webhook-models",
        || Scheme {
            algorithm: Algorithm::Sha1,
            ..prefixed("X-Hub-Signature", "sha1=")
        },
    ),
    preset(
        "lemonsqueezy",
        "Lemon Squeezy: X-Signature = hex HMAC-SHA256 of the body",
        "https://docs.lemonsqueezy.com/help/webhooks/signing-requests",
        || Scheme::new("X-Signature"),
    ),
    preset(
        "linear",
        "Linear: Linear-Signature = hex HMAC-SHA256 of the body; webhookTimestamp (ms) in the \
         JSON body within 60 s",
        "linear/linear packages/sdk/src/webhooks/client.ts",
        || Scheme {
            body_fields: BTreeMap::from([("timestamp".into(), "webhookTimestamp".into())]),
            timestamp_format: TimestampFormat::UnixMs,
            tolerance: Some(60),
            ..Scheme::new("Linear-Signature")
        },
    ),
    preset(
        "mailgun",
        "Mailgun: the JSON body's signature.signature = hex HMAC-SHA256 of \
         `{timestamp}{token}` (signature.timestamp, signature.token)",
        "mailgun/mailgun-php src/Api/Webhook.php verifyWebhookSignature",
        || Scheme {
            body_fields: BTreeMap::from([
                ("signature".into(), "signature.signature".into()),
                ("timestamp".into(), "signature.timestamp".into()),
                ("token".into(), "signature.token".into()),
            ]),
            message: "{timestamp}{body_field:token}".into(),
            ..headerless()
        },
    ),
    preset(
        "meta",
        "Meta (Facebook, Instagram, WhatsApp): X-Hub-Signature-256 = `sha256=` + hex \
         HMAC-SHA256 of the body (app secret)",
        "https://developers.facebook.com/docs/graph-api/webhooks/getting-started",
        || Scheme {
            handshake: Some(Handshake::Meta),
            ..prefixed("X-Hub-Signature-256", "sha256=")
        },
    ),
    preset(
        "notion",
        "Notion: X-Notion-Signature = `sha256=` + hex HMAC-SHA256 of the body \
         (verification_token)",
        "https://developers.notion.com/reference/webhooks",
        || prefixed("X-Notion-Signature", "sha256="),
    ),
    preset(
        "noyo",
        "Noyo: X-Noyo-Signature = comma list of hex HMAC-SHA256 of `{timestamp}.{body}`, \
         timestamp in X-Noyo-Timestamp",
        "Noyo webhook docs (provider-docs/noyo.txt)",
        || Scheme {
            separator: Some(",".into()),
            ..timestamped("X-Noyo-Signature", "X-Noyo-Timestamp", "{timestamp}.{body}")
        },
    ),
    preset(
        "okta",
        "Okta event hooks: Authorization = the configured secret itself (constant time)",
        "https://developer.okta.com/docs/concepts/event-hooks/",
        || Scheme {
            handshake: Some(Handshake::Okta),
            ..token("Authorization")
        },
    ),
    preset(
        "paddle",
        "Paddle Billing: Paddle-Signature = `ts=..;h1=..`, hex HMAC-SHA256 of \
         `{timestamp}:{body}`",
        "https://developer.paddle.com/webhooks/signature-verification",
        || Scheme {
            message: "{timestamp}:{body}".into(),
            fields: Some(Fields {
                separator: ";".into(),
                timestamp: Some("ts".into()),
                signature: "h1".into(),
            }),
            ..Scheme::new("Paddle-Signature")
        },
    ),
    preset(
        "pagerduty",
        "PagerDuty v3: X-PagerDuty-Signature = comma list of `v1=` + hex HMAC-SHA256 of the body",
        "PagerDuty/go-pagerduty webhookv3/webhookv3.go",
        || Scheme {
            separator: Some(",".into()),
            ..prefixed("X-PagerDuty-Signature", "v1=")
        },
    ),
    preset(
        "paystack",
        "Paystack: x-paystack-signature = hex HMAC-SHA512 of the body (secret key)",
        "https://paystack.com/docs/payments/webhooks/#verify-event-origin",
        || Scheme {
            algorithm: Algorithm::Sha512,
            ..Scheme::new("x-paystack-signature")
        },
    ),
    preset(
        "polar",
        "Polar: Standard Webhooks headers (webhook-*); the secret text itself is the key",
        "polarsource/polar-js src/webhooks.ts validateEvent",
        || standard_webhooks("webhook", SecretEncoding::Utf8),
    ),
    preset(
        "quickbooks",
        "QuickBooks (Intuit): intuit-signature = base64 HMAC-SHA256 of the body (verifier token)",
        "intuit/QuickBooks-V3-Java-SDK WebhooksService.verifyPayload",
        || base64("intuit-signature"),
    ),
    preset(
        "razorpay",
        "Razorpay: X-Razorpay-Signature = hex HMAC-SHA256 of the body",
        "razorpay/razorpay-python razorpay/utility/utility.py verify_webhook_signature",
        || Scheme::new("X-Razorpay-Signature"),
    ),
    preset(
        "replicate",
        "Replicate: Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature), \
         whsec_ secret",
        "replicate/replicate-javascript lib/util.js validateWebhook",
        || standard_webhooks("webhook", SecretEncoding::Whsec),
    ),
    preset(
        "resend",
        "Resend: Svix (svix-id, svix-timestamp, svix-signature), whsec_ secret",
        "resend/resend-node src/webhooks/webhooks.ts",
        || standard_webhooks("svix", SecretEncoding::Whsec),
    ),
    preset(
        "sanity",
        "Sanity: sanity-webhook-signature = `t=<ms>,v1=..`, unpadded base64url HMAC-SHA256 of \
         `{timestamp}.{body}`",
        "sanity-io/webhook-toolkit src/signature.ts",
        || Scheme {
            timestamp_format: TimestampFormat::UnixMs,
            ..stripe_like("sanity-webhook-signature", Encoding::Base64url)
        },
    ),
    preset(
        "segment",
        "Segment: X-Signature = hex HMAC-SHA1 of the body",
        "https://segment.com/docs/connections/destinations/catalog/webhooks/",
        || Scheme {
            algorithm: Algorithm::Sha1,
            ..Scheme::new("X-Signature")
        },
    ),
    preset(
        "sendgrid",
        "SendGrid Event Webhook: X-Twilio-Email-Event-Webhook-Signature = base64 DER ECDSA \
         P-256/SHA-256 of `{timestamp}{body}`; public key as base64 SPKI",
        "sendgrid/sendgrid-nodejs packages/eventwebhook/src/eventwebhook.js",
        || Scheme {
            algorithm: Algorithm::EcdsaP256Sha256,
            encoding: Encoding::Base64,
            key_encoding: Some(KeyEncoding::Spki),
            signature_format: Some(SignatureFormat::Der),
            ..timestamped(
                "X-Twilio-Email-Event-Webhook-Signature",
                "X-Twilio-Email-Event-Webhook-Timestamp",
                "{timestamp}{body}",
            )
        },
    ),
    preset(
        "sentry",
        "Sentry integrations: Sentry-Hook-Signature = hex HMAC-SHA256 of the body (client secret)",
        "https://docs.sentry.io/organization/integrations/integration-platform/webhooks/",
        || Scheme::new("Sentry-Hook-Signature"),
    ),
    preset(
        "shopify",
        "Shopify: X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256 of the body",
        "https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-5-verify-the-webhook",
        || base64("X-Shopify-Hmac-Sha256"),
    ),
    preset(
        "sigma",
        "Sigma: X-Signature = hex HMAC-SHA256 of the `business_id` param when given, else of the \
         body; secret = API key + secret key",
        "Sigma webhook docs (provider-docs/sigma.txt)",
        || Scheme {
            message: "{business_id}".into(),
            fallback_message: Some("{body}".into()),
            ..Scheme::new("X-Signature")
        },
    ),
    preset(
        "slack",
        "Slack: X-Slack-Signature = `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`, \
         timestamp in X-Slack-Request-Timestamp",
        "https://api.slack.com/authentication/verifying-requests-from-slack",
        || Scheme {
            handshake: Some(Handshake::Slack),
            prefix: Some("v0=".into()),
            ..timestamped(
                "X-Slack-Signature",
                "X-Slack-Request-Timestamp",
                "v0:{timestamp}:{body}",
            )
        },
    ),
    preset(
        "square",
        "Square: x-square-hmacsha256-signature = base64 HMAC-SHA256 of `{url}{body}` (the \
         notification URL)",
        "square/square-nodejs-sdk src/wrapper/WebhooksHelper.ts",
        || Scheme {
            message: "{url}{body}".into(),
            ..base64("x-square-hmacsha256-signature")
        },
    ),
    preset(
        "standard-webhooks",
        "Standard Webhooks: webhook-signature = space list of `v1,` + base64 HMAC-SHA256 of \
         `{id}.{timestamp}.{body}` (whsec_ secret) and `v1a,` + base64 Ed25519 (whpk_ key)",
        "standard-webhooks/standard-webhooks spec/standard-webhooks.md",
        || standard_webhooks("webhook", SecretEncoding::Whsec),
    ),
    preset(
        "stripe",
        "Stripe: Stripe-Signature = `t=..,v1=..[,v1=..]`, hex HMAC-SHA256 of \
         `{timestamp}.{body}`; the whsec_ secret is used as text",
        "https://docs.stripe.com/webhooks#verify-manually",
        || Scheme {
            secret_hint: Some(SecretHint {
                rejects: vec!["sk_".into(), "rk_".into(), "pk_".into()],
                expects: "whsec_".into(),
            }),
            ..stripe_like("Stripe-Signature", Encoding::Hex)
        },
    ),
    preset(
        "stytch",
        "Stytch: Svix (svix-id, svix-timestamp, svix-signature), whsec_ secret",
        "https://stytch.com/docs/guides/webhooks/overview",
        || standard_webhooks("svix", SecretEncoding::Whsec),
    ),
    preset(
        "svix",
        "Svix: as Standard Webhooks with svix-id, svix-timestamp, svix-signature (or the \
         unbranded webhook-* set)",
        "svix/svix-webhooks javascript/src/webhook.ts",
        || Scheme {
            alternate_headers: BTreeMap::from([
                ("svix-id".into(), "webhook-id".into()),
                ("svix-signature".into(), "webhook-signature".into()),
                ("svix-timestamp".into(), "webhook-timestamp".into()),
            ]),
            ..standard_webhooks("svix", SecretEncoding::Whsec)
        },
    ),
    preset(
        "telegram",
        "Telegram Bot API: X-Telegram-Bot-Api-Secret-Token = the secret_token of setWebhook \
         (constant time)",
        "https://core.telegram.org/bots/api#setwebhook",
        || token("X-Telegram-Bot-Api-Secret-Token"),
    ),
    preset(
        "trello",
        "Trello: X-Trello-Webhook = base64 HMAC-SHA1 of `{body}{url}` (the callback URL)",
        "https://developer.atlassian.com/cloud/trello/guides/rest-api/webhooks/",
        || Scheme {
            algorithm: Algorithm::Sha1,
            message: "{body}{url}".into(),
            ..base64("X-Trello-Webhook")
        },
    ),
    preset(
        "twilio",
        "Twilio: X-Twilio-Signature = base64 HMAC-SHA1 of `{url}{form}` (the URL with or \
         without its port, then the form params sorted, name then value; JSON bodies: \
         bodySHA256 in the URL)",
        "twilio/twilio-node lib/webhooks/webhooks.ts",
        || Scheme {
            algorithm: Algorithm::Sha1,
            message: "{url}{form}".into(),
            url_port: UrlPort::Either,
            ..base64("X-Twilio-Signature")
        },
    ),
    preset(
        "twitch",
        "Twitch EventSub: Twitch-Eventsub-Message-Signature = `sha256=` + hex HMAC-SHA256 of \
         `{id}{timestamp}{body}`, RFC 3339 timestamp, 600 s window",
        "https://dev.twitch.tv/docs/eventsub/handling-webhook-events/",
        || Scheme {
            handshake: Some(Handshake::Twitch),
            id_header: Some("Twitch-Eventsub-Message-Id".into()),
            timestamp_format: TimestampFormat::Rfc3339,
            prefix: Some("sha256=".into()),
            tolerance: Some(600),
            ..timestamped(
                "Twitch-Eventsub-Message-Signature",
                "Twitch-Eventsub-Message-Timestamp",
                "{id}{timestamp}{body}",
            )
        },
    ),
    preset(
        "typeform",
        "Typeform: Typeform-Signature = `sha256=` + base64 HMAC-SHA256 of the body",
        "https://www.typeform.com/developers/webhooks/secure-your-webhooks/",
        || Scheme {
            encoding: Encoding::Base64,
            ..prefixed("Typeform-Signature", "sha256=")
        },
    ),
    preset(
        "vercel",
        "Vercel: x-vercel-signature = hex HMAC-SHA1 of the body",
        "https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks",
        || Scheme {
            algorithm: Algorithm::Sha1,
            ..Scheme::new("x-vercel-signature")
        },
    ),
    preset(
        "webflow",
        "Webflow: x-webflow-signature = hex HMAC-SHA256 of `{timestamp}:{body}`, \
         x-webflow-timestamp in milliseconds",
        "webflow/js-webflow-api src/wrapper/WebhooksClient.ts",
        || Scheme {
            timestamp_format: TimestampFormat::UnixMs,
            ..timestamped(
                "x-webflow-signature",
                "x-webflow-timestamp",
                "{timestamp}:{body}",
            )
        },
    ),
    preset(
        "woocommerce",
        "WooCommerce: X-WC-Webhook-Signature = base64 HMAC-SHA256 of the body",
        "woocommerce includes/class-wc-webhook.php generate_signature",
        || base64("X-WC-Webhook-Signature"),
    ),
    preset(
        "workos",
        "WorkOS: WorkOS-Signature = `t=<ms>, v1=..`, hex HMAC-SHA256 of `{timestamp}.{body}`, \
         180 s window",
        "workos/workos-python workos/webhooks.py",
        || Scheme {
            timestamp_format: TimestampFormat::UnixMs,
            tolerance: Some(180),
            ..stripe_like("WorkOS-Signature", Encoding::Hex)
        },
    ),
    preset(
        "xero",
        "Xero: x-xero-signature = base64 HMAC-SHA256 of the body (webhook key)",
        "https://developer.xero.com/documentation/guides/webhooks/configuring-your-server/",
        || base64("x-xero-signature"),
    ),
    preset(
        "zoom",
        "Zoom: x-zm-signature = `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`, timestamp \
         in x-zm-request-timestamp",
        "https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events",
        || Scheme {
            handshake: Some(Handshake::Zoom),
            prefix: Some("v0=".into()),
            ..timestamped(
                "x-zm-signature",
                "x-zm-request-timestamp",
                "v0:{timestamp}:{body}",
            )
        },
    ),
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
        PRESETS
            .iter()
            .find(|p| p.name == name)
            .map(Preset::scheme)
            .ok_or_else(|| Error::UnknownPreset {
                name: name.to_owned(),
            })
    }
}

/// A scheme whose signatures are not in one `signature_header` (several, or the body).
fn headerless() -> Scheme {
    Scheme {
        signature_header: None,
        ..Scheme::new(String::new())
    }
}

fn headerless_base64() -> Scheme {
    Scheme {
        encoding: Encoding::Base64,
        ..headerless()
    }
}

fn timestamped(signature: &str, timestamp: &str, message: &str) -> Scheme {
    Scheme {
        timestamp_header: Some(timestamp.into()),
        message: message.into(),
        ..Scheme::new(signature)
    }
}

fn prefixed(signature: &str, prefix: &str) -> Scheme {
    Scheme {
        prefix: Some(prefix.into()),
        ..Scheme::new(signature)
    }
}

fn base64(signature: &str) -> Scheme {
    Scheme {
        encoding: Encoding::Base64,
        ..Scheme::new(signature)
    }
}

fn token(header: &str) -> Scheme {
    Scheme {
        algorithm: Algorithm::Token,
        ..Scheme::new(header)
    }
}

/// `t=<timestamp>,v1=<signature>` over `{timestamp}.{body}` (Stripe's form).
fn stripe_like(header: &str, encoding: Encoding) -> Scheme {
    Scheme {
        message: "{timestamp}.{body}".into(),
        encoding,
        fields: Some(Fields {
            separator: ",".into(),
            timestamp: Some("t".into()),
            signature: "v1".into(),
        }),
        ..Scheme::new(header)
    }
}

/// Standard Webhooks under a header prefix (`webhook`, `svix`): `v1,` HMAC items and
/// `v1a,` Ed25519 items in a space list.
fn standard_webhooks(prefix: &str, secret_encoding: SecretEncoding) -> Scheme {
    Scheme {
        id_header: Some(format!("{prefix}-id")),
        encoding: Encoding::Base64,
        prefix: Some("v1,".into()),
        separator: Some(" ".into()),
        secret_encoding,
        asymmetric: Some(Asymmetric {
            algorithm: Algorithm::Ed25519,
            prefix: "v1a,".into(),
            encoding: Encoding::Base64,
            key_encoding: Some(KeyEncoding::Whpk),
            signature_format: None,
        }),
        ..timestamped(
            &format!("{prefix}-signature"),
            &format!("{prefix}-timestamp"),
            "{id}.{timestamp}.{body}",
        )
    }
}
