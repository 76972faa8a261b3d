//! The receiving side of `hooksig listen`, on axum and tokio: read a delivery (refusing a
//! body over the limit before reading it), answer a handshake or verify it, mark a repeat as
//! a duplicate, record it for the inspector, forward it to the app, print its line.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hooksig::{Context, Error, TimestampFormat};
use http_body_util::BodyExt;
use tokio::sync::watch;

use crate::clock;
use crate::forward::{self, Forwarded};
use crate::inspector::{BODY_CAP, Delivery, Inspector};
use crate::route::Route;

/// Everything the handlers share.
pub struct Listener {
    /// The receiving paths, in the order given.
    pub routes: Vec<Route>,
    /// The largest body read, in bytes.
    pub max_body: usize,
    /// Where deliveries go on to, and which.
    pub forward: Forwarding,
    /// The page's history and event stream (`--ui`).
    pub inspector: Option<Inspector>,
    /// `--save`: each delivery as a JSON line.
    pub save: Option<Mutex<std::fs::File>>,
    /// `--max-requests`.
    pub max_requests: Option<u64>,
    /// Deliveries received over the network so far.
    pub served: AtomicU64,
    /// Set to true to stop serving.
    pub shutdown: watch::Sender<bool>,
    /// `--allow-remote`: the inspector answers any Host.
    pub allow_remote: bool,
    next_id: AtomicU64,
}

/// `--forward-to` and `--only-valid`.
pub struct Forwarding {
    /// The default target (a route's `forward-to=` overrides it).
    pub to: Option<String>,
    /// Forward only what verified (ok, duplicate, handshake).
    pub only_valid: bool,
    /// The client, which adds no header of its own.
    pub agent: ureq::Agent,
}

impl Listener {
    /// Builds the shared state.
    pub fn new(
        routes: Vec<Route>,
        max_body: usize,
        forward: Forwarding,
        inspector: Option<Inspector>,
        save: Option<std::fs::File>,
        max_requests: Option<u64>,
        allow_remote: bool,
    ) -> Self {
        Listener {
            routes,
            max_body,
            forward,
            inspector,
            save: save.map(Mutex::new),
            max_requests,
            served: AtomicU64::new(0),
            shutdown: watch::channel(false).0,
            allow_remote,
            next_id: AtomicU64::new(1),
        }
    }

    fn forward_target(&self, route: &Route, path: &str) -> Option<String> {
        let base = route.forward_to.as_ref().or(self.forward.to.as_ref())?;
        Some(forward::target(base, path))
    }
}

/// Where a delivery came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A request to one of the routes.
    Network,
    /// The inspector's "replay" of an earlier delivery.
    Replay(u64),
    /// The inspector's tampered copy of an earlier delivery.
    Tamper(u64, &'static str),
}

/// One request to verify, from the network or from the inspector.
pub struct Incoming {
    /// The route's index.
    pub route: usize,
    /// The HTTP method.
    pub method: String,
    /// The path and query as received.
    pub path: String,
    /// The URL verified over (URL-signed schemes).
    pub url: String,
    /// The headers as received (names in lower case), in order.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body, when it was read.
    pub body: Vec<u8>,
    /// What stopped the body from being read: a verdict of its own.
    pub refused: Option<Refusal>,
    /// Where it came from.
    pub origin: Origin,
}

/// A body that was not read.
#[derive(Clone, Copy)]
pub enum Refusal {
    /// Over `--max-body`: its declared length, or what had arrived when it passed the limit.
    TooLarge(u64),
    /// The connection failed while reading it.
    Unreadable,
}

/// What verifying one request decided, and what to answer.
pub struct Verdict {
    /// The HTTP status.
    pub status: u16,
    /// The answer's content type.
    pub content_type: String,
    /// The answer's other headers (a handshake's).
    pub headers: Vec<(&'static str, String)>,
    /// The answer's body.
    pub body: Vec<u8>,
    /// `ok`, `duplicate`, `handshake`, or the error code.
    pub result: String,
    /// The rest of the log line after the status.
    pub line: String,
    /// The error's message (never a secret or an expected signature).
    pub message: Option<String>,
    /// What to check, from what the inspector saw.
    pub hint: Option<String>,
    /// The timestamp the delivery carried, in Unix seconds.
    pub timestamp: Option<u64>,
    /// Which key matched.
    pub secret_index: Option<usize>,
    /// The delivery's id, when the scheme signs one.
    pub webhook_id: Option<String>,
    /// The event type read from a JSON body.
    pub event: Option<String>,
}

impl Verdict {
    fn json(status: u16, body: &str, result: &str, line: String) -> Self {
        Verdict {
            status,
            content_type: "application/json".into(),
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
            result: result.into(),
            line,
            message: None,
            hint: None,
            timestamp: None,
            secret_index: None,
            webhook_id: None,
            event: None,
        }
    }

    fn error(status: u16, code: &str, line: String) -> Self {
        Verdict::json(status, &format!("{{\"error\":\"{code}\"}}"), code, line)
    }

    /// Returns whether the delivery verified (or was a handshake answered as such).
    pub fn verified(&self) -> bool {
        matches!(self.result.as_str(), "ok" | "duplicate" | "handshake")
    }
}

/// The fallback handler: every request that is not the inspector's.
pub async fn receive(State(listener): State<Arc<Listener>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some(index) = listener
        .routes
        .iter()
        .position(|r| r.path == parts.uri.path())
    else {
        return answer(
            404,
            "application/json",
            &[],
            b"{\"error\":\"not_found\"}".to_vec(),
        );
    };
    let route = &listener.routes[index];
    let path = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
    let url = match &route.public_url {
        Some(url) => url.clone(),
        None => {
            let host = parts
                .headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            format!("http://{host}{path}")
        }
    };
    let headers = parts
        .headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect();
    let (body, refused) = match read_body(&parts.headers, body, listener.max_body).await {
        Ok(body) => (body, None),
        Err(refusal) => (Vec::new(), Some(refusal)),
    };
    let incoming = Incoming {
        route: index,
        method: parts.method.as_str().to_owned(),
        path,
        url,
        headers,
        body,
        refused,
        origin: Origin::Network,
    };
    let (verdict, _) = deliver(&listener, incoming).await;
    let served = listener.served.fetch_add(1, Ordering::SeqCst) + 1;
    if listener.max_requests.is_some_and(|max| served >= max) {
        listener.shutdown.send_replace(true);
    }
    answer(
        verdict.status,
        &verdict.content_type,
        &verdict.headers,
        verdict.body,
    )
}

/// Reads a body of at most `max` bytes: a declared length over it is refused before any
/// byte is read, a chunked one as soon as it passes the limit.
async fn read_body(headers: &HeaderMap, body: Body, max: usize) -> Result<Vec<u8>, Refusal> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(length) = declared.filter(|&n| n > max as u64) {
        return Err(Refusal::TooLarge(length));
    }
    let mut body = body;
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0) as usize);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| Refusal::Unreadable)?;
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > max {
                return Err(Refusal::TooLarge((bytes.len() + data.len()) as u64));
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(bytes)
}

fn answer(
    status: u16,
    content_type: &str,
    headers: &[(&'static str, String)],
    body: Vec<u8>,
) -> Response {
    let mut response = Body::from(body).into_response();
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let map = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        map.insert(header::CONTENT_TYPE, value);
    }
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(value) {
            map.append(*name, value);
        }
    }
    response
}

/// Verifies one delivery, records it, forwards it and prints its line; returns the verdict
/// and the delivery's number.
pub async fn deliver(listener: &Arc<Listener>, incoming: Incoming) -> (Verdict, u64) {
    let route = &listener.routes[incoming.route];
    let verdict = match incoming.refused {
        Some(Refusal::TooLarge(_)) => {
            Verdict::error(413, "body_too_large", "body_too_large".into())
        }
        Some(Refusal::Unreadable) => {
            Verdict::error(400, "unreadable_body", "unreadable_body".into())
        }
        None => judge(route, &incoming),
    };
    let id = listener.next_id.fetch_add(1, Ordering::SeqCst);
    let target = match incoming.refused {
        Some(_) => None,
        None if listener.forward.only_valid && !verdict.verified() => None,
        None => listener.forward_target(route, &incoming.path),
    };
    // The history keeps at most BODY_CAP bytes of a body; the app gets all of it.
    let oversized = (incoming.body.len() > BODY_CAP).then(|| incoming.body.clone());
    let delivery = Arc::new(Delivery::new(id, incoming, &verdict));
    if let Some(inspector) = &listener.inspector {
        inspector.record(&delivery, route);
    }
    if let Some(url) = target {
        let agent = listener.forward.agent.clone();
        let sent = Arc::clone(&delivery);
        let forwarded = tokio::task::spawn_blocking(move || {
            let body = oversized.as_deref().unwrap_or(&sent.body);
            forward::send(&agent, &sent.method, &url, &sent.headers, body)
        })
        .await
        .unwrap_or_else(|e| Forwarded::Failed {
            error: e.to_string(),
        });
        delivery.set_forwarded(forwarded);
        if let Some(inspector) = &listener.inspector {
            inspector.update(&delivery, route);
        }
    }
    if let Some(file) = &listener.save {
        let line = delivery.save_line(route);
        if let Ok(mut file) = file.lock() {
            let _ = writeln!(file, "{line}");
            let _ = file.flush();
        }
    }
    println!("{}", log_line(&delivery, &verdict));
    let _ = std::io::stdout().flush();
    (verdict, id)
}

/// `TIME METHOD PATH STATUS DETAIL [-> app STATUS in MS ms] [(replay of #N)]`.
fn log_line(delivery: &Delivery, verdict: &Verdict) -> String {
    let path = delivery.path.split('?').next().unwrap_or_default();
    let mut line = format!(
        "{} {} {path} {} {}",
        clock::rfc3339(delivery.unix),
        delivery.method,
        verdict.status,
        verdict.line
    );
    match delivery.forwarded() {
        Some(Forwarded::Answered { status, ms, .. }) => {
            line.push_str(&format!(" -> app {status} in {ms} ms"));
        }
        Some(Forwarded::Failed { error }) => line.push_str(&format!(" -> app failed: {error}")),
        None => {}
    }
    match delivery.origin {
        Origin::Network => {}
        Origin::Replay(of) => line.push_str(&format!(" (replay of #{of})")),
        Origin::Tamper(of, what) => line.push_str(&format!(" (tampered {what}, copy of #{of})")),
    }
    line
}

/// Answers a handshake, or verifies and claims the delivery (a repeat is a duplicate,
/// answered 200 without being processed, as the helpers do).
fn judge(route: &Route, incoming: &Incoming) -> Verdict {
    let verifier = &route.verifier;
    let headers = &incoming.headers;
    let body = &incoming.body;
    let context = Context::new().url(&incoming.url).method(&incoming.method);
    let failed = |e: Error| {
        let mut verdict = Verdict::error(403, e.code(), format!("{} ({e})", e.code()));
        verdict.message = Some(e.to_string());
        verdict.hint = Some(hint(route, incoming, &e));
        verdict.timestamp = match e {
            Error::TimestampTooOld { timestamp, .. }
            | Error::TimestampInFuture { timestamp, .. } => Some(timestamp),
            _ => header_timestamp(route, headers),
        };
        verdict
    };
    match verifier.handshake(body, headers, &context) {
        Ok(Some(reply)) => {
            let mut line = format!("handshake ({})", reply.content_type);
            if reply.secret.is_some() {
                line.push_str(": the provider handed over a secret (X-Hook-Secret); store it");
            }
            let mut verdict = Verdict::json(reply.status, "", "handshake", line);
            verdict.content_type = reply.content_type.into();
            verdict.headers = reply.headers;
            verdict.body = reply.body;
            return verdict;
        }
        Ok(None) => {}
        Err(e) => return failed(e),
    }
    match verifier.verify_with(body, headers, &context) {
        Ok(verified) => {
            let key = verifier.replay_key(&verified);
            let mut verdict = if route.replay.claim(&key, verifier.replay_ttl()) {
                let mut line = String::from("ok");
                let event = event_type(body);
                if let Some(event) = &event {
                    line.push_str(&format!(" event={event}"));
                }
                if verified.secret_index > 0 {
                    line.push_str(&format!(" secret={}", verified.secret_index));
                }
                let mut verdict = Verdict::json(200, "{\"ok\":true}", "ok", line);
                verdict.event = event;
                verdict
            } else {
                let mut verdict = Verdict::json(
                    200,
                    "{\"status\":\"duplicate\"}",
                    "duplicate",
                    format!("duplicate {key}"),
                );
                verdict.hint = Some(format!(
                    "This delivery verified, and one with the same replay key ({key}) was \
                     verified before: a provider's retry or a replay. The helpers answer it \
                     200 {{\"status\":\"duplicate\"}} without calling your handler."
                ));
                verdict
            };
            verdict.timestamp = verified.timestamp;
            verdict.secret_index = Some(verified.secret_index);
            verdict.webhook_id = verified.id_str().map(str::to_owned);
            verdict
        }
        Err(e) => failed(e),
    }
}

/// A Unix timestamp header read as the scheme reads it, for the skew of a delivery that
/// failed before its timestamp was checked.
fn header_timestamp(route: &Route, headers: &[(String, Vec<u8>)]) -> Option<u64> {
    let scheme = route.verifier.scheme();
    let header = |name: &str| {
        let (_, value) = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name))?;
        std::str::from_utf8(value).ok().map(str::trim)
    };
    let text = match (&scheme.timestamp_header, &scheme.fields) {
        (Some(name), _) => header(name)?,
        (None, Some(fields)) => {
            // `t=..,v1=..`: the timestamp field of the signature header.
            let key = format!("{}=", fields.timestamp.as_deref()?);
            let value = scheme.signature_header_names().find_map(header)?;
            value
                .split(fields.separator.as_str())
                .find_map(|part| part.trim().strip_prefix(key.as_str()))?
        }
        (None, None) => return None,
    };
    let number: u64 = text.parse().ok()?;
    match scheme.timestamp_format {
        TimestampFormat::Unix => Some(number),
        TimestampFormat::UnixMs => Some(number / 1000),
        _ => None,
    }
}

/// What to check, from the error and what the inspector saw (never a secret or an expected
/// signature: only names, counts, the URL verified over and the clock).
fn hint(route: &Route, incoming: &Incoming, error: &Error) -> String {
    let verifier = &route.verifier;
    let summary = error.info().summary;
    let names: Vec<&str> = verifier.header_names().collect();
    // What the message does not say already; the code's summary when there is nothing more.
    let mut hint = String::new();
    match error.code() {
        "missing_header" | "invalid_header" => {
            let present: Vec<&str> = incoming
                .headers
                .iter()
                .filter(|(n, _)| verifier.reads_header(n.as_bytes()))
                .map(|(n, _)| n.as_str())
                .collect();
            hint.push_str(&format!(
                " The {} scheme reads {}; this request carried {}. A proxy or framework that \
                 drops or merges headers causes this too.",
                route.label,
                names.join(", "),
                if present.is_empty() {
                    "none of them".to_owned()
                } else {
                    present.join(", ")
                }
            ));
        }
        "timestamp_too_old" | "timestamp_in_future" => {
            let now = clock::unix_now();
            let window = verifier.tolerance().unwrap_or_default();
            hint.push_str(&format!(
                " This machine's clock reads {}; the window is {window} s either way. A \
                 delivery replayed later than that is refused by design.",
                clock::rfc3339(now)
            ));
        }
        "signature_mismatch" => {
            let keys = verifier.secret_count();
            hint.push_str(&format!(
                " {keys} key{} tried for this route. Check that it is the endpoint's signing \
                 secret from the provider's dashboard (not an API key), and that nothing between \
                 the provider and here changes the body (a proxy that re-encodes JSON, a charset \
                 conversion, a trailing newline).",
                if keys == 1 { " was" } else { "s were" }
            ));
            if verifier.needs_url() {
                hint.push_str(&format!(
                    " This scheme signs the URL, checked here as {}: if the provider calls \
                     another one (a tunnel, a proxy), give the route public-url=THAT_URL.",
                    incoming.url
                ));
            }
        }
        _ => {}
    }
    match hint.trim_start() {
        "" => format!("{}{}.", summary[..1].to_uppercase(), &summary[1..]),
        more => more.to_owned(),
    }
}

/// The event type of a JSON body, under the names providers use for it.
fn event_type(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    ["event_type", "type", "event", "topic"]
        .iter()
        .find_map(|key| value.get(key)?.as_str().map(str::to_owned))
}
