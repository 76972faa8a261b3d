//! `hooksig listen`: a local receiver that verifies and logs each delivery.

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::Args;
use hooksig::{Context, MemoryReplayStore, Verifier};
use tiny_http::{Header, Response, Server};

use crate::input::{SchemeArgs, SecretArgs};

/// The arguments of `hooksig listen`.
#[derive(Args)]
pub struct ListenArgs {
    #[command(flatten)]
    scheme: SchemeArgs,
    #[command(flatten)]
    secrets: SecretArgs,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The port (0 picks a free one; the line `listening on ...` says which).
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// The path webhooks are POSTed to; other paths answer 404.
    #[arg(long, default_value = "/webhook")]
    path: String,
    /// The largest body read, in bytes; a larger one answers 413 without being hashed.
    #[arg(long, default_value_t = 1 << 20)]
    max_body: usize,
    /// Stop after this many deliveries (default: run until interrupted).
    #[arg(long)]
    max_requests: Option<u64>,
    /// The URL the provider calls, as its dashboard has it, for URL-signed schemes behind a
    /// tunnel or proxy (default: http://, the Host header, then the request's path and query).
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
}

/// Serves until interrupted (or `--max-requests`), printing one line per delivery.
pub fn run(args: &ListenArgs) -> Result<ExitCode, String> {
    let config = args.secrets.apply(args.scheme.config()?)?;
    let verifier = Verifier::new(&config).map_err(|e| e.to_string())?;
    let server = Server::http((args.host.as_str(), args.port))
        .map_err(|e| format!("listening on {}:{}: {e}", args.host, args.port))?;
    let address = server
        .server_addr()
        .to_ip()
        .ok_or("the server has no IP address")?;
    println!(
        "listening on http://{address}{} ({}); Ctrl-C to stop",
        args.path,
        args.scheme.label()
    );
    let _ = std::io::stdout().flush();

    // Deliveries verified here, so that a replay or a retry shows as a duplicate.
    let replay = MemoryReplayStore::default();
    let mut served = 0u64;
    for mut request in server.incoming_requests() {
        let path = request.url().split('?').next().unwrap_or("").to_owned();
        if path != args.path {
            let header = Header::from_bytes("Content-Type", "application/json").expect("valid");
            let not_found = Response::from_string("{\"error\":\"not_found\"}")
                .with_status_code(404)
                .with_header(header);
            let _ = request.respond(not_found);
            continue;
        }
        let url = match &args.public_url {
            Some(url) => url.clone(),
            None => {
                let host = request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("Host"))
                    .map_or_else(|| address.to_string(), |h| h.value.as_str().to_owned());
                format!("http://{host}{}", request.url())
            }
        };
        let answer = deliver(&verifier, &replay, &mut request, args.max_body, &url);
        println!(
            "{} {} {path} {} {}",
            utc_now(),
            request.method(),
            answer.status,
            answer.line
        );
        let _ = std::io::stdout().flush();
        let mut response = Response::from_data(answer.body).with_status_code(answer.status);
        for (name, value) in [("Content-Type", answer.content_type.as_str())]
            .into_iter()
            .chain(answer.headers.iter().map(|(n, v)| (*n, v.as_str())))
        {
            if let Ok(header) = Header::from_bytes(name, value) {
                response = response.with_header(header);
            }
        }
        let _ = request.respond(response);
        served += 1;
        if args.max_requests.is_some_and(|max| served >= max) {
            break;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The answer to one request, and its log line (the code first on failure).
struct Answer {
    status: u16,
    content_type: String,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    line: String,
}

impl Answer {
    fn json(status: u16, body: String, line: String) -> Self {
        Answer {
            status,
            content_type: "application/json".into(),
            headers: Vec::new(),
            body: body.into_bytes(),
            line,
        }
    }

    fn error(status: u16, code: &str, detail: String) -> Self {
        Answer::json(status, format!("{{\"error\":\"{code}\"}}"), detail)
    }
}

/// Answers one delivery: a handshake's reply, or verify and claim it (a repeat is a
/// duplicate, answered 200 without being processed, as the helpers do).
fn deliver(
    verifier: &Verifier,
    replay: &MemoryReplayStore,
    request: &mut tiny_http::Request,
    max_body: usize,
    url: &str,
) -> Answer {
    if request.body_length().is_some_and(|n| n > max_body) {
        return Answer::error(413, "body_too_large", "body_too_large".into());
    }
    let mut body = Vec::new();
    let read = request
        .as_reader()
        .take(max_body as u64 + 1)
        .read_to_end(&mut body);
    if read.is_err() {
        return Answer::error(400, "unreadable_body", "unreadable_body".into());
    }
    if body.len() > max_body {
        return Answer::error(413, "body_too_large", "body_too_large".into());
    }
    let headers: Vec<(&str, &str)> = request
        .headers()
        .iter()
        .map(|h| (h.field.as_str().as_str(), h.value.as_str()))
        .collect();
    let method = request.method().as_str().to_owned();
    let context = Context::new().url(url).method(&method);
    match verifier.handshake(&body, &headers, &context) {
        Ok(Some(reply)) => {
            let mut line = format!("handshake ({})", reply.content_type);
            if reply.secret.is_some() {
                line.push_str(": the provider handed over a secret (X-Hook-Secret); store it");
            }
            return Answer {
                status: reply.status,
                content_type: reply.content_type.into(),
                headers: reply.headers,
                body: reply.body,
                line,
            };
        }
        Ok(None) => {}
        Err(e) => return Answer::error(403, e.code(), format!("{} ({e})", e.code())),
    }
    match verifier.verify_with(&body, &headers, &context) {
        Ok(verified) => {
            let key = verifier.replay_key(&verified);
            if !replay.claim(&key, verifier.replay_ttl()) {
                return Answer::json(
                    200,
                    "{\"status\":\"duplicate\"}".into(),
                    format!("duplicate {key}"),
                );
            }
            let mut line = String::from("ok");
            if let Some(event) = event_type(&body) {
                line.push_str(&format!(" event={event}"));
            }
            if verified.secret_index > 0 {
                line.push_str(&format!(" secret={}", verified.secret_index));
            }
            Answer::json(200, "{\"ok\":true}".into(), line)
        }
        Err(e) => Answer::error(403, e.code(), format!("{} ({e})", e.code())),
    }
}

/// The event type of a JSON body, under the names providers use for it.
fn event_type(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    ["event_type", "type", "event", "topic"]
        .iter()
        .find_map(|key| value.get(key)?.as_str().map(str::to_owned))
}

/// Now as `YYYY-MM-DDTHH:MM:SSZ`.
fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil-from-days (Howard Hinnant), for days since 1970-01-01.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
