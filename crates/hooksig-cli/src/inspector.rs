//! `hooksig listen --ui`: the page at `/_hooksig/`, its JSON API and its event stream.
//!
//! The history is bounded (`--history`, bodies capped at [`BODY_CAP`]). What the page is
//! sent never holds a configured secret or private key, nor an expected signature: nothing
//! here computes one, a token scheme's header (the secret itself) and Asana's handed-over
//! `X-Hook-Secret` are shown as redacted, and any header, path or body that contains the
//! text of a route's secret shows `[secret]` in its place.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, OnceLock};

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64ct::{Base64, Encoding};
use futures_util::Stream;
use hooksig::Context;
use serde_json::{Value, json};
use tokio::sync::broadcast;

use crate::clock;
use crate::forward::{self, Forwarded};
use crate::route::Route;
use crate::server::{self, Incoming, Listener, Origin, Verdict};

/// Where the page lives; no route may start with it.
pub const PREFIX: &str = "/_hooksig/";

/// The most bytes of one body the history keeps.
pub const BODY_CAP: usize = 1 << 20;

/// The most bytes of a body the detail view shows (as text; a quarter of it as hex).
const SHOWN_CAP: usize = 256 << 10;

const PAGE: &str = include_str!("../ui/index.html");
const SCRIPT: &str = include_str!("../ui/app.js");
const STYLE: &str = include_str!("../ui/style.css");

/// The history and the live stream of changes to it.
pub struct Inspector {
    history: Mutex<VecDeque<Arc<Delivery>>>,
    capacity: usize,
    events: broadcast::Sender<Arc<Note>>,
}

/// One server-sent event: `delivery` (a new row), `update` (a row changed) or `resync`.
struct Note {
    event: &'static str,
    data: String,
}

impl Inspector {
    /// An empty history of at most `capacity` deliveries.
    pub fn new(capacity: usize) -> Self {
        Inspector {
            history: Mutex::new(VecDeque::with_capacity(capacity.min(4096))),
            capacity,
            events: broadcast::channel(1024).0,
        }
    }

    /// Adds a delivery (dropping the oldest beyond the bound) and tells the page.
    pub fn record(&self, delivery: &Arc<Delivery>, route: &Route) {
        if let Ok(mut history) = self.history.lock() {
            history.push_back(Arc::clone(delivery));
            while history.len() > self.capacity {
                history.pop_front();
            }
        }
        self.publish("delivery", delivery, route);
    }

    /// Tells the page that a delivery changed (its forward finished).
    pub fn update(&self, delivery: &Arc<Delivery>, route: &Route) {
        self.publish("update", delivery, route);
    }

    fn publish(&self, event: &'static str, delivery: &Delivery, route: &Route) {
        let data = delivery.summary(route).to_string();
        let _ = self.events.send(Arc::new(Note { event, data }));
    }

    fn find(&self, id: u64) -> Option<Arc<Delivery>> {
        let history = self.history.lock().ok()?;
        // Ids increase along the history.
        let index = history.binary_search_by_key(&id, |d| d.id).ok()?;
        history.get(index).cloned()
    }

    fn all(&self) -> Vec<Arc<Delivery>> {
        self.history
            .lock()
            .map(|h| h.iter().cloned().collect())
            .unwrap_or_default()
    }
}

/// One delivery as the history keeps it.
pub struct Delivery {
    /// Its number, from 1.
    pub id: u64,
    /// When it arrived, Unix seconds.
    pub unix: u64,
    /// The HTTP method.
    pub method: String,
    /// The path and query as received.
    pub path: String,
    /// The route's index.
    pub route: usize,
    /// The URL verified over.
    pub url: String,
    /// The headers as received, in order (names in lower case).
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body, at most [`BODY_CAP`] bytes of it.
    pub body: Vec<u8>,
    /// The body's full size (for a refused body: its declared or counted length).
    pub size: u64,
    /// Whether `body` is only the start of it (or the body was not read at all).
    pub truncated: bool,
    /// The answer's status.
    pub status: u16,
    /// `ok`, `duplicate`, `handshake` or the error code.
    pub result: String,
    /// The error's message.
    pub message: Option<String>,
    /// What to check.
    pub hint: Option<String>,
    /// Now minus the delivery's timestamp, in seconds.
    pub skew: Option<i64>,
    /// Which key matched.
    pub secret_index: Option<usize>,
    /// The signed id.
    pub webhook_id: Option<String>,
    /// The event type of a JSON body.
    pub event: Option<String>,
    /// Where it came from.
    pub origin: Origin,
    forwarded: OnceLock<Forwarded>,
}

impl Delivery {
    /// Records a delivery and its verdict.
    pub fn new(id: u64, incoming: Incoming, verdict: &Verdict) -> Self {
        let unix = clock::unix_now();
        let (size, truncated) = match incoming.refused {
            Some(server::Refusal::TooLarge(size)) => (size, true),
            Some(server::Refusal::Unreadable) => (0, true),
            None => (incoming.body.len() as u64, incoming.body.len() > BODY_CAP),
        };
        let mut body = incoming.body;
        body.truncate(BODY_CAP);
        body.shrink_to_fit();
        Delivery {
            id,
            unix,
            method: incoming.method,
            path: incoming.path,
            route: incoming.route,
            url: incoming.url,
            headers: incoming.headers,
            body,
            size,
            truncated,
            status: verdict.status,
            result: verdict.result.clone(),
            message: verdict.message.clone(),
            hint: verdict.hint.clone(),
            skew: verdict.timestamp.map(|t| unix as i64 - t as i64),
            secret_index: verdict.secret_index,
            webhook_id: verdict.webhook_id.clone(),
            event: verdict.event.clone(),
            origin: incoming.origin,
            forwarded: OnceLock::new(),
        }
    }

    /// Sets what the app answered.
    pub fn set_forwarded(&self, forwarded: Forwarded) {
        let _ = self.forwarded.set(forwarded);
    }

    /// Returns what the app answered, once it has.
    pub fn forwarded(&self) -> Option<&Forwarded> {
        self.forwarded.get()
    }

    /// The row of the list.
    fn summary(&self, route: &Route) -> Value {
        let forward = match self.forwarded() {
            Some(Forwarded::Answered { status, ms, .. }) => json!({"status": status, "ms": ms}),
            Some(Forwarded::Failed { error }) => json!({"error": error}),
            None => Value::Null,
        };
        let origin = match self.origin {
            Origin::Network => Value::Null,
            Origin::Replay(of) => json!({"replay_of": of}),
            Origin::Tamper(of, what) => json!({"tamper": what, "of": of}),
        };
        json!({
            "id": self.id,
            "time": clock::rfc3339(self.unix),
            "method": self.method,
            "path": text(&redact(route, self.path.as_bytes())),
            "route": route.path,
            "preset": route.label,
            "status": self.status,
            "result": self.result,
            "skew": self.skew,
            "secret_index": self.secret_index,
            "webhook_id": self.webhook_id.as_deref().map(|id| text(&redact(route, id.as_bytes()))),
            "event": self.event.as_deref().map(|e| text(&redact(route, e.as_bytes()))),
            "size": self.size,
            "truncated": self.truncated,
            "forward": forward,
            "origin": origin,
        })
    }

    /// The detail view: the summary, the headers the scheme read and the others, the body,
    /// the message and hint, a curl command, and what can be sent again.
    fn detail(&self, route: &Route, origin: &str) -> Value {
        let mut value = self.summary(route);
        let headers: Vec<Value> = self
            .headers
            .iter()
            .map(|(name, raw)| {
                let read = route.verifier.reads_header(name.as_bytes());
                match shown_header(route, name, raw) {
                    Some(text) => {
                        json!({"name": name, "value": text, "read": read, "redacted": false})
                    }
                    None => json!({"name": name, "value": null, "read": read, "redacted": true}),
                }
            })
            .collect();
        let replayable = !self.truncated;
        let object = value.as_object_mut().expect("an object");
        object.insert(
            "url".into(),
            text(&redact(route, self.url.as_bytes())).into(),
        );
        object.insert("headers".into(), headers.into());
        object.insert(
            "body".into(),
            shown_body(route, &self.body, self.size, self.truncated),
        );
        object.insert("message".into(), json!(self.message));
        object.insert("hint".into(), json!(self.hint));
        object.insert(
            "reads".into(),
            json!(route.verifier.header_names().collect::<Vec<_>>()),
        );
        object.insert("replayable".into(), replayable.into());
        object.insert(
            "tampers".into(),
            json!(if replayable {
                tampers(route, self)
            } else {
                Vec::new()
            }),
        );
        object.insert(
            "curl".into(),
            json!(replayable.then(|| curl(route, self, origin))),
        );
        if let Some(Forwarded::Answered { body, .. }) = self.forwarded() {
            let shown: String = body.chars().take(4096).collect();
            object.insert(
                "forward_body".into(),
                text(&redact(route, shown.as_bytes())).into(),
            );
        }
        value
    }

    /// One line of `--save`: what `hooksig send --from` sends again. Secret headers are
    /// saved as null (`send --from` takes the secret from --secret-env).
    pub fn save_line(&self, route: &Route) -> String {
        let headers: Vec<Value> = self
            .headers
            .iter()
            .map(|(name, raw)| {
                let value = if route.is_secret_header(name) || holds_secret(route, raw) {
                    Value::Null
                } else {
                    match std::str::from_utf8(raw) {
                        Ok(text) => text.into(),
                        Err(_) => json!({"base64": Base64::encode_string(raw)}),
                    }
                };
                json!([name, value])
            })
            .collect();
        json!({
            "id": self.id,
            "time": clock::rfc3339(self.unix),
            "method": self.method,
            "path": self.path,
            "route": route.path,
            "preset": route.label,
            "status": self.status,
            "result": self.result,
            "headers": headers,
            "body_base64": Base64::encode_string(&self.body),
            "size": self.size,
            "truncated": self.truncated,
        })
        .to_string()
    }
}

/// The text of a header value as shown, or `None` when it is a secret.
fn shown_header(route: &Route, name: &str, raw: &[u8]) -> Option<String> {
    if route.is_secret_header(name) || holds_secret(route, raw) {
        return None;
    }
    Some(text(&redact(route, raw)))
}

/// Whether a value equals a configured secret (of any length).
fn holds_secret(route: &Route, raw: &[u8]) -> bool {
    let trimmed = raw.trim_ascii();
    route
        .private_texts
        .iter()
        .any(|secret| !secret.is_empty() && trimmed == secret.as_slice())
}

/// `bytes` with every occurrence of a route's secret text (8 bytes or more) replaced by
/// `[secret]`.
fn redact<'a>(route: &Route, bytes: &'a [u8]) -> Cow<'a, [u8]> {
    let mut out = Cow::Borrowed(bytes);
    for secret in route.private_texts.iter().filter(|s| s.len() >= 8) {
        if out.windows(secret.len()).any(|w| w == secret.as_slice()) {
            let mut replaced = Vec::with_capacity(out.len());
            let mut i = 0;
            while i < out.len() {
                if out[i..].starts_with(secret) {
                    replaced.extend_from_slice(b"[secret]");
                    i += secret.len();
                } else {
                    replaced.push(out[i]);
                    i += 1;
                }
            }
            out = Cow::Owned(replaced);
        }
    }
    out
}

/// Bytes as text: UTF-8 as it is, other bytes as `\xNN`.
fn text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.escape_ascii().to_string(),
    }
}

/// The body as the detail view shows it: pretty JSON, text, or a hex dump.
fn shown_body(route: &Route, body: &[u8], size: u64, truncated: bool) -> Value {
    if body.is_empty() {
        return json!({"kind": "empty", "text": "", "size": size, "truncated": truncated});
    }
    let body = redact(route, body);
    let (kind, shown) = match std::str::from_utf8(&body) {
        Ok(text) if !truncated && serde_json::from_str::<Value>(text).is_ok() => {
            let pretty = pretty_json(text);
            ("json", cut(&pretty, SHOWN_CAP * 2).to_owned())
        }
        Ok(text) if !text.contains('\0') => ("text", cut(text, SHOWN_CAP).to_owned()),
        _ => ("binary", hex_dump(&body[..body.len().min(SHOWN_CAP / 4)])),
    };
    let shown_bytes = match kind {
        "binary" => body.len().min(SHOWN_CAP / 4),
        "text" => shown.len(),
        _ => body.len(),
    };
    json!({
        "kind": kind,
        "text": shown,
        "size": size,
        "shown": shown_bytes,
        "truncated": truncated || (shown_bytes as u64) < size,
    })
}

/// The longest prefix of `text` of at most `max` bytes, on a character boundary.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Re-indents valid JSON without parsing its values, so numbers and strings show exactly as
/// sent (a parser would round a 64-bit id and reorder keys).
fn pretty_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                let mut escaped = false;
                for c in chars.by_ref() {
                    out.push(c);
                    match (escaped, c) {
                        (true, _) => escaped = false,
                        (false, '\\') => escaped = true,
                        (false, '"') => break,
                        _ => {}
                    }
                }
            }
            '{' | '[' => {
                out.push(c);
                while chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
                    chars.next();
                }
                if chars.peek().is_some_and(|&n| n == '}' || n == ']') {
                    out.push(chars.next().unwrap_or(']'));
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// `00000000  7b 22 61 22 ...  |{"a"...|`, 16 bytes a line.
fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 4 + 16);
    for (i, chunk) in bytes.chunks(16).enumerate() {
        out.push_str(&format!("{:08x}  ", i * 16));
        for j in 0..16 {
            match chunk.get(j) {
                Some(b) => out.push_str(&format!("{b:02x} ")),
                None => out.push_str("   "),
            }
            if j == 7 {
                out.push(' ');
            }
        }
        out.push_str(" |");
        out.extend(chunk.iter().map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            }
        }));
        out.push_str("|\n");
    }
    out
}

/// Quotes a word for a POSIX shell.
fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// A curl command that sends the delivery again as received (a secret header reads it from
/// `$HOOKSIG_SECRET`), to the page's own origin.
fn curl(route: &Route, d: &Delivery, origin: &str) -> String {
    let mut line = format!(
        "curl -sS -X {} {}",
        d.method,
        quote(&format!(
            "{origin}{}",
            text(&redact(route, d.path.as_bytes()))
        ))
    );
    for (name, raw) in forward::headers_to_send(&d.headers) {
        match shown_header(route, name, raw) {
            Some(value) => {
                line.push_str(&format!(" \\\n  -H {}", quote(&format!("{name}: {value}"))))
            }
            None => line.push_str(&format!(" \\\n  -H \"{name}: $HOOKSIG_SECRET\"")),
        }
    }
    if d.body.is_empty() {
        return line;
    }
    let body = redact(route, &d.body);
    match std::str::from_utf8(&body) {
        Ok(text) if !text.contains('\0') => {
            line.push_str(&format!(" \\\n  --data-binary {}", quote(text)));
            line
        }
        _ => {
            // Bytes that are not text: printf's octal escapes are POSIX.
            let mut printf = String::from("printf '");
            for &b in body.iter() {
                printf.push_str(&format!("\\{b:03o}"));
            }
            format!("{printf}' | {line} \\\n  --data-binary @-")
        }
    }
}

/// The tampered copies this delivery allows.
fn tampers(route: &Route, d: &Delivery) -> Vec<&'static str> {
    let scheme = route.verifier.scheme();
    let mut out = vec!["body"];
    if scheme
        .signature_header_names()
        .any(|n| d.headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(n)))
    {
        out.push("signature");
    }
    if timestamp_in_headers(scheme) {
        out.push("timestamp");
    }
    out
}

/// Whether the timestamp travels in a header (its own, or a field of the signature header),
/// where a tampered copy can change it; Linear's is in the body.
fn timestamp_in_headers(scheme: &hooksig::Scheme) -> bool {
    scheme.timestamp_header.is_some()
        || scheme
            .fields
            .as_ref()
            .is_some_and(|f| f.timestamp.is_some())
}

/// The delivery changed as `what` says, to verify and forward as a new one.
fn tampered(route: &Route, d: &Delivery, what: &str) -> Result<Incoming, String> {
    let scheme = route.verifier.scheme();
    let mut headers = d.headers.clone();
    let mut body = d.body.clone();
    let what: &'static str = match what {
        "body" => {
            crate::send::tamper_body(&mut body);
            "body"
        }
        "signature" => {
            let (_, value) = headers
                .iter_mut()
                .find(|(n, _)| {
                    scheme
                        .signature_header_names()
                        .any(|s| n.eq_ignore_ascii_case(s))
                })
                .ok_or("this delivery carries no signature header")?;
            let mut text =
                String::from_utf8(value.clone()).map_err(|_| "the signature header is not text")?;
            crate::send::tamper_signature_value(scheme, &mut text);
            *value = text.into_bytes();
            "signature"
        }
        "timestamp" => {
            if !timestamp_in_headers(scheme) {
                return Err("this scheme sends no timestamp header".into());
            }
            let stale = clock::stale(route.verifier.tolerance());
            let id = scheme.id_header.as_deref().and_then(|id| {
                let (_, v) = d.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(id))?;
                String::from_utf8(v.clone()).ok()
            });
            let mut context = Context::new().url(&d.url).method(&d.method);
            context.now = Some(stale);
            // Signed again at the stale time when the route can sign (its secret, or a
            // private key): the signature is right and only the clock refuses it.
            let signed = route
                .signer
                .as_ref()
                .and_then(|s| s.sign_with(&d.body, id.as_deref(), &context).ok());
            match (signed, &scheme.timestamp_header) {
                (Some(signed), _) => {
                    for (name, value) in signed {
                        set_header(&mut headers, &name, value.into_bytes());
                    }
                }
                // A public-key route without the private key: the stale time alone.
                (None, Some(name)) => {
                    let value = scheme.timestamp_format.format(stale);
                    set_header(&mut headers, name, value.into_bytes());
                }
                // A field of the signature header (`t=..,v1=..`) is not rewritten here: every
                // such preset has a secret, so its route signs the stale copy above.
                (None, None) => {
                    return Err(
                        "this route cannot sign a stale copy: give it a secret or a private key"
                            .into(),
                    );
                }
            }
            "timestamp"
        }
        _ => {
            return Err(format!(
                "no tampered copy `{what}`: body, signature or timestamp"
            ));
        }
    };
    Ok(Incoming {
        route: d.route,
        method: d.method.clone(),
        path: d.path.clone(),
        url: d.url.clone(),
        headers,
        body,
        refused: None,
        origin: Origin::Tamper(d.id, what),
    })
}

/// Replaces the value of a header (ASCII case ignored), or adds it.
fn set_header(headers: &mut Vec<(String, Vec<u8>)>, name: &str, value: Vec<u8>) {
    match headers
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
    {
        Some((_, v)) => *v = value,
        None => headers.push((name.to_ascii_lowercase(), value)),
    }
}

/// The page, its API and its event stream, all under [`PREFIX`].
pub fn router(listener: &Arc<Listener>) -> Router<Arc<Listener>> {
    Router::new()
        .route("/_hooksig", get(|| async { Redirect::permanent(PREFIX) }))
        .route("/_hooksig/", get(page))
        .route("/_hooksig/app.js", get(script))
        .route("/_hooksig/style.css", get(style))
        .route("/_hooksig/api/deliveries", get(list))
        .route("/_hooksig/api/deliveries/{id}", get(detail))
        .route("/_hooksig/api/deliveries/{id}/replay", post(replay))
        .route("/_hooksig/api/deliveries/{id}/tamper/{what}", post(tamper))
        .route("/_hooksig/api/events", get(events))
        .route_layer(middleware::from_fn_with_state(Arc::clone(listener), guard))
}

/// Refuses what a page on another site could send: a Host that is not this machine (DNS
/// rebinding) unless `--allow-remote`, and a POST that is not same-origin JSON (which a
/// cross-site form or fetch cannot send without a preflight this server never grants).
async fn guard(State(listener): State<Arc<Listener>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if !listener.allow_remote && !is_loopback_host(&host) {
        return refuse(
            StatusCode::FORBIDDEN,
            "the inspector answers only to 127.0.0.1, localhost and [::1]",
        );
    }
    let site = headers
        .get("sec-fetch-site")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("same-origin");
    if !matches!(site, "same-origin" | "none") {
        return refuse(StatusCode::FORBIDDEN, "cross-site requests are refused");
    }
    if request.method() == axum::http::Method::POST {
        let json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|h| h.to_str().ok())
            .is_some_and(|t| t.starts_with("application/json"));
        let origin_ok = headers
            .get(header::ORIGIN)
            .and_then(|h| h.to_str().ok())
            .is_none_or(|o| o == format!("http://{host}"));
        if !json || !origin_ok {
            return refuse(
                StatusCode::FORBIDDEN,
                "send the page's own JSON requests only",
            );
        }
    }
    next.run(request).await
}

fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']')
            .next()
            .map(|h| format!("[{h}]"))
            .unwrap_or_default()
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h).to_owned()
    };
    name == "localhost"
        || name == "[::1]"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn refuse(status: StatusCode, message: &str) -> Response {
    json_response(status, json!({"error": message}))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                 img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            ),
        ],
        body,
    )
        .into_response()
}

async fn page() -> Response {
    asset("text/html; charset=utf-8", PAGE)
}

async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}

fn inspector(listener: &Listener) -> &Inspector {
    listener
        .inspector
        .as_ref()
        .expect("the inspector's routes exist only with --ui")
}

fn json_response(status: StatusCode, value: Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        value.to_string(),
    )
        .into_response()
}

async fn list(State(listener): State<Arc<Listener>>) -> Response {
    let inspector = inspector(&listener);
    let deliveries: Vec<Value> = inspector
        .all()
        .iter()
        .map(|d| d.summary(&listener.routes[d.route]))
        .collect();
    let routes: Vec<Value> = listener
        .routes
        .iter()
        .map(|r| {
            json!({
                "path": r.path,
                "preset": r.label,
                "signs_url": r.verifier.needs_url(),
                "public_url": r.public_url,
                "forward_to": r.forward_to.as_ref().or(listener.forward.to.as_ref()),
            })
        })
        .collect();
    json_response(
        StatusCode::OK,
        json!({
            "history": inspector.capacity,
            "body_cap": BODY_CAP,
            "only_valid": listener.forward.only_valid,
            "routes": routes,
            "deliveries": deliveries,
        }),
    )
}

fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

async fn detail(
    State(listener): State<Arc<Listener>>,
    Path(id): Path<u64>,
    headers: HeaderMap,
) -> Response {
    match inspector(&listener).find(id) {
        Some(d) => json_response(
            StatusCode::OK,
            d.detail(&listener.routes[d.route], &origin(&headers)),
        ),
        None => gone(id),
    }
}

fn gone(id: u64) -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        json!({"error": format!("delivery #{id} is not in the history (it keeps the latest ones only)")}),
    )
}

async fn again(listener: &Arc<Listener>, incoming: Incoming) -> Response {
    let (verdict, id) = server::deliver(listener, incoming).await;
    json_response(
        StatusCode::OK,
        json!({"id": id, "status": verdict.status, "result": verdict.result}),
    )
}

async fn replay(State(listener): State<Arc<Listener>>, Path(id): Path<u64>) -> Response {
    let Some(d) = inspector(&listener).find(id) else {
        return gone(id);
    };
    if d.truncated {
        return json_response(
            StatusCode::CONFLICT,
            json!({"error": "the history kept only part of this body; it cannot be sent again"}),
        );
    }
    let incoming = Incoming {
        route: d.route,
        method: d.method.clone(),
        path: d.path.clone(),
        url: d.url.clone(),
        headers: d.headers.clone(),
        body: d.body.clone(),
        refused: None,
        origin: Origin::Replay(d.id),
    };
    again(&listener, incoming).await
}

async fn tamper(
    State(listener): State<Arc<Listener>>,
    Path((id, what)): Path<(u64, String)>,
) -> Response {
    let Some(d) = inspector(&listener).find(id) else {
        return gone(id);
    };
    if d.truncated {
        return json_response(
            StatusCode::CONFLICT,
            json!({"error": "the history kept only part of this body; it cannot be sent again"}),
        );
    }
    match tampered(&listener.routes[d.route], &d, &what) {
        Ok(incoming) => again(&listener, incoming).await,
        Err(error) => json_response(StatusCode::BAD_REQUEST, json!({"error": error})),
    }
}

async fn events(
    State(listener): State<Arc<Listener>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let notes = inspector(&listener).events.subscribe();
    let shutdown = listener.shutdown.subscribe();
    let stream =
        futures_util::stream::unfold((notes, shutdown), |(mut notes, mut shutdown)| async move {
            let event = tokio::select! {
                _ = shutdown.wait_for(|stop| *stop) => return None,
                note = notes.recv() => match note {
                    Ok(note) => Event::default().event(note.event).data(&note.data),
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        Event::default().event("resync").data("{}")
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
            };
            Some((Ok(event), (notes, shutdown)))
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_json_keeps_every_token_as_sent() {
        let text = r#"{"id":12345678901234567890,"b":[],"a":{"s":"x,\"y\":{"},"e":{}}"#;
        let pretty = pretty_json(text);
        assert_eq!(
            pretty,
            "{\n  \"id\": 12345678901234567890,\n  \"b\": [],\n  \"a\": {\n    \"s\": \"x,\\\"y\\\":{\"\n  },\n  \"e\": {}\n}"
        );
    }

    #[test]
    fn hex_dump_shows_offsets_bytes_and_text() {
        let dump = hex_dump(b"\x00\x01hello, world!\xff\xfe");
        assert!(dump.starts_with(
            "00000000  00 01 68 65 6c 6c 6f 2c  20 77 6f 72 6c 64 21 ff  |..hello, world!.|\n"
        ));
        assert!(dump.ends_with("|.|\n") && dump.contains("\n00000010  fe "));
    }

    #[test]
    fn loopback_hosts() {
        for host in [
            "127.0.0.1:8000",
            "localhost:1",
            "[::1]:80",
            "127.0.0.1",
            "localhost",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "",
            "example.com:8000",
            "10.0.0.1:80",
            "127.0.0.1.example.com",
            "[::2]:1",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}
