//! Handshakes: the requests some providers send to check an endpoint, which must be
//! answered rather than processed. A pure function of the request; a signed handshake is
//! verified first.

use core::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use crate::{Context, Error, Headers, Verifier, form};

/// The longest challenge echoed back, in bytes.
const MAX_CHALLENGE: usize = 1024;

/// Which provider's handshake a scheme answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Handshake {
    /// Slack Events API: a signed `{"type": "url_verification", "challenge": ..}` POST,
    /// answered with the challenge.
    Slack,
    /// Zoom: a signed `endpoint.url_validation` event, answered with `plainToken` and
    /// `encryptedToken` (hex HMAC-SHA256 of the plain token under the secret token).
    Zoom,
    /// Twitch EventSub: a signed `webhook_callback_verification` message, answered with the
    /// challenge as text.
    Twitch,
    /// Discord interactions: a signed PING (`{"type": 1}`), answered with `{"type": 1}`.
    Discord,
    /// Meta: `GET ?hub.mode=subscribe&hub.verify_token=..&hub.challenge=..`, answered with
    /// the challenge when the verify token (the param `verify_token`) matches.
    Meta,
    /// Dropbox: `GET ?challenge=..`, answered with it as text (with `nosniff`).
    Dropbox,
    /// Asana: the first POST carries `X-Hook-Secret`, echoed back; the app stores it.
    Asana,
    /// Okta event hooks: `GET` with `X-Okta-Verification-Challenge`, answered with
    /// `{"verification": ..}`.
    Okta,
}

/// The header in which Asana hands over the secret of a new webhook (its handshake).
pub(crate) const ASANA_SECRET_HEADER: &str = "X-Hook-Secret";

impl Handshake {
    /// The headers this handshake reads besides the scheme's own.
    pub(crate) fn headers(self) -> &'static [&'static str] {
        match self {
            Handshake::Twitch => &["Twitch-Eventsub-Message-Type"],
            Handshake::Asana => &[ASANA_SECRET_HEADER],
            Handshake::Okta => &["X-Okta-Verification-Challenge"],
            _ => &[],
        }
    }
}

/// What to answer a handshake: status, content type, headers and body.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` of the body.
    pub content_type: &'static str,
    /// Other headers to send.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// A secret the provider handed over, which the app must store before answering
    /// (Asana's `X-Hook-Secret`); never printed.
    pub secret: Option<String>,
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("secret", &self.secret.as_ref().map(|_| ".."))
            .finish()
    }
}

impl Reply {
    fn text(challenge: &str) -> Reply {
        Reply {
            status: 200,
            content_type: "text/plain; charset=utf-8",
            headers: vec![("X-Content-Type-Options", "nosniff".into())],
            body: challenge.as_bytes().to_vec(),
            secret: None,
        }
    }

    fn json(status: u16, value: &Value) -> Reply {
        Reply {
            status,
            content_type: "application/json",
            headers: Vec::new(),
            body: value.to_string().into_bytes(),
            secret: None,
        }
    }

    fn bad_challenge() -> Reply {
        Reply::json(400, &json!({"error": "invalid_challenge"}))
    }
}

/// A challenge echoed back: 1 to 1024 printable ASCII characters, or none.
fn challenge(text: &str) -> Option<&str> {
    (!text.is_empty()
        && text.len() <= MAX_CHALLENGE
        && text.bytes().all(|b| (b' '..=b'~').contains(&b)))
    .then_some(text)
}

/// The body as JSON, when it might be a handshake (`needle` appears in it). Every ordinary
/// delivery of a handshake preset meets this check, so it is a SIMD substring search, not a
/// parse (1 KiB: ~1.1 us with a byte-by-byte window, ~40 ns with `memmem`).
fn json_with(body: &[u8], needle: &[u8]) -> Option<Value> {
    if body.len() > 64 * 1024 || memchr::memmem::find(body, needle).is_none() {
        return None;
    }
    serde_json::from_slice(body).ok()
}

/// Discord's PING: the body's top-level `type` is 1. Every interaction has a `type` (and
/// most a nested `data.type`), so no substring rules a body out; this reads the top level
/// only, skipping the rest without building it.
fn discord_ping(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Top {
        #[serde(rename = "type")]
        kind: Option<u64>,
    }
    body.len() <= 64 * 1024
        && memchr::memmem::find(body, b"\"type\"").is_some()
        && serde_json::from_slice::<Top>(body).is_ok_and(|top| top.kind == Some(1))
}

fn header<'h, H: Headers + ?Sized>(headers: &'h H, name: &str) -> Option<&'h [u8]> {
    let mut found = None;
    headers.visit(&mut |n, v| {
        if found.is_none() && n.eq_ignore_ascii_case(name.as_bytes()) {
            found = Some(v.trim_ascii());
        }
    });
    found
}

impl Verifier {
    /// Answers a provider's handshake, or returns `None` for any other request (verify it
    /// as usual). A signed handshake (Slack, Zoom, Twitch, Discord) is verified first, and
    /// fails as verify fails; a GET handshake (Meta, Dropbox, Okta) needs the method and
    /// URL in `context`.
    ///
    /// ```
    /// use hooksig::{Config, Context, Verifier};
    ///
    /// let dropbox = Verifier::new(&Config::preset("dropbox")?.secret("app-secret"))?;
    /// let context = Context::new().method("GET").url("https://example.com/hook?challenge=abc123");
    /// let reply = dropbox.handshake(b"", &[("Host", "example.com")], &context)?.unwrap();
    /// assert_eq!((reply.status, &reply.body[..]), (200, &b"abc123"[..]));
    ///
    /// // Any other request is not a handshake.
    /// let post = Context::new().method("POST").url("https://example.com/hook");
    /// assert!(dropbox.handshake(b"{}", &[("Host", "example.com")], &post)?.is_none());
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn handshake<H: Headers + ?Sized>(
        &self,
        body: &[u8],
        headers: &H,
        context: &Context<'_>,
    ) -> Result<Option<Reply>, Error> {
        let Some(kind) = self.scheme().handshake else {
            return Ok(None);
        };
        let get = context
            .method
            .is_some_and(|m| m.eq_ignore_ascii_case(b"GET"));
        let query = |name: &str| -> Option<String> {
            let value = form::query_param(context.url?, name.as_bytes())?;
            String::from_utf8(value).ok()
        };
        let reply = match kind {
            Handshake::Slack => {
                let Some(event) = json_with(body, b"url_verification") else {
                    return Ok(None);
                };
                if event["type"] != "url_verification" {
                    return Ok(None);
                }
                self.verify_with(body, headers, context)?;
                match event["challenge"].as_str().and_then(challenge) {
                    Some(c) => Reply::json(200, &json!({ "challenge": c })),
                    None => Reply::bad_challenge(),
                }
            }
            Handshake::Zoom => {
                let Some(event) = json_with(body, b"endpoint.url_validation") else {
                    return Ok(None);
                };
                if event["event"] != "endpoint.url_validation" {
                    return Ok(None);
                }
                self.verify_with(body, headers, context)?;
                match event["payload"]["plainToken"].as_str().and_then(challenge) {
                    Some(plain) => {
                        let encrypted = self.mac_hex(plain.as_bytes());
                        Reply::json(
                            200,
                            &json!({"plainToken": plain, "encryptedToken": encrypted}),
                        )
                    }
                    None => Reply::bad_challenge(),
                }
            }
            Handshake::Twitch => {
                let kind = header(headers, "Twitch-Eventsub-Message-Type");
                if kind != Some(&b"webhook_callback_verification"[..]) {
                    return Ok(None);
                }
                self.verify_with(body, headers, context)?;
                let event: Value = serde_json::from_slice(body).unwrap_or_default();
                match event["challenge"].as_str().and_then(challenge) {
                    Some(c) => Reply::text(c),
                    None => Reply::bad_challenge(),
                }
            }
            Handshake::Discord => {
                if !discord_ping(body) {
                    return Ok(None);
                }
                self.verify_with(body, headers, context)?;
                Reply::json(200, &json!({"type": 1}))
            }
            Handshake::Meta => {
                if !get || query("hub.mode").as_deref() != Some("subscribe") {
                    return Ok(None);
                }
                let sent = query("hub.verify_token").unwrap_or_default();
                let matches =
                    self.inner().verify_token.as_ref().is_some_and(|token| {
                        bool::from(token.expose_bytes().ct_eq(sent.as_bytes()))
                    });
                match (
                    matches,
                    query("hub.challenge").as_deref().and_then(challenge),
                ) {
                    (true, Some(c)) => Reply::text(c),
                    (true, None) => Reply::bad_challenge(),
                    (false, _) => Reply::json(403, &json!({"error": "verify_token_mismatch"})),
                }
            }
            Handshake::Dropbox => {
                if !get {
                    return Ok(None);
                }
                let Some(value) = query("challenge") else {
                    return Ok(None);
                };
                match challenge(&value) {
                    Some(c) => Reply::text(c),
                    None => Reply::bad_challenge(),
                }
            }
            Handshake::Asana => {
                let Some(secret) = header(headers, ASANA_SECRET_HEADER) else {
                    return Ok(None);
                };
                let Some(secret) = std::str::from_utf8(secret).ok().and_then(challenge) else {
                    return Ok(Some(Reply::bad_challenge()));
                };
                Reply {
                    status: 200,
                    content_type: "text/plain; charset=utf-8",
                    headers: vec![("X-Hook-Secret", secret.to_owned())],
                    body: Vec::new(),
                    secret: Some(secret.to_owned()),
                }
            }
            Handshake::Okta => {
                let Some(value) = header(headers, "X-Okta-Verification-Challenge") else {
                    return Ok(None);
                };
                match std::str::from_utf8(value).ok().and_then(challenge) {
                    Some(c) => Reply::json(200, &json!({ "verification": c })),
                    None => Reply::bad_challenge(),
                }
            }
        };
        Ok(Some(reply))
    }
}

#[cfg(test)]
mod tests {
    use super::discord_ping;

    #[test]
    fn a_discord_ping_is_a_top_level_type_1() {
        assert!(discord_ping(br#"{"id":"1","type":1,"version":1}"#));
        assert!(discord_ping(br#"{ "type" : 1 }"#));
        // An application command: its nested data.type is 1, the interaction's is 2.
        assert!(!discord_ping(
            br#"{"type":2,"data":{"type":1,"name":"ping"}}"#
        ));
        assert!(!discord_ping(br#"{"data":{"type":1}}"#));
        assert!(!discord_ping(br#"{"type":"1"}"#));
        assert!(!discord_ping(br#"{"type":1.0}"#));
        assert!(!discord_ping(br#"{"type":1,"type":2}"#));
        assert!(!discord_ping(b"type 1"));
        assert!(!discord_ping(b""));
    }
}
