//! `hooksig send`: POST a signed (or deliberately broken) webhook.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, ValueEnum};
use hooksig::{Context, Scheme, Signer};

use crate::input::{BodyArgs, SchemeArgs, SecretArgs};

/// The arguments of `hooksig send`.
#[derive(Args)]
pub struct SendArgs {
    /// Where to POST, e.g. http://127.0.0.1:8000/webhook.
    url: String,
    #[command(flatten)]
    scheme: SchemeArgs,
    #[command(flatten)]
    secrets: SecretArgs,
    #[command(flatten)]
    body: BodyArgs,
    /// The message id, for schemes with one (default: a random msg_ id).
    #[arg(long)]
    id: Option<String>,
    /// Send a broken request, to check that the endpoint rejects it.
    #[arg(long, value_enum)]
    tamper: Option<Tamper>,
    /// The Content-Type header.
    #[arg(long, default_value = "application/json")]
    content_type: String,
    /// Seconds to wait for the response.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// The URL to sign for URL-signed schemes, when the endpoint's public URL (as the
    /// provider's dashboard has it) differs from URL (a tunnel, a proxy).
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Send again each delivery that `hooksig listen --save FILE` wrote (JSON lines): the
    /// method, headers and body as received, to URL itself when it has a path, else to each
    /// delivery's own path there. A secret header (saved as null) takes the --secret-env value.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["tamper", "id", "data", "data_file", "public_url", "preset", "scheme"])]
    from: Option<PathBuf>,
}

/// What `--tamper` breaks.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Tamper {
    /// Change one byte of the body after signing.
    Body,
    /// Change one character of the signature.
    Signature,
    /// Sign with a timestamp an hour outside the replay window.
    Timestamp,
}

/// Signs, sends, prints `HTTP <status>` and the response body.
///
/// The exit status says whether the endpoint behaved: 0 when a valid delivery got a 2xx
/// answer or a tampered one a 4xx, 1 otherwise (so `hooksig send --tamper body` can guard
/// an endpoint in CI); 2 when nothing was sent or no answer came.
pub fn run(args: &SendArgs) -> Result<ExitCode, String> {
    if let Some(path) = &args.from {
        return send_saved(args, path);
    }
    let config = args.secrets.apply(args.scheme.config()?)?;
    let signer = Signer::new(&config).map_err(|e| e.to_string())?;
    let mut body = args.body.read()?;
    let timestamp = match args.tamper {
        Some(Tamper::Timestamp) => Some(stale_timestamp(signer.scheme())?),
        _ => None,
    };
    let mut context = Context::new()
        .url(args.public_url.as_deref().unwrap_or(&args.url))
        .method("POST");
    context.now = timestamp;
    let mut headers = signer
        .sign_with(&body, args.id.as_deref(), &context)
        .map_err(|e| e.to_string())?;
    match args.tamper {
        Some(Tamper::Body) => tamper_body(&mut body),
        Some(Tamper::Signature) => tamper_signature(signer.scheme(), &mut headers),
        _ => {}
    }

    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(args.timeout)))
        .build()
        .new_agent();
    let mut request = agent
        .post(&args.url)
        .header("Content-Type", &args.content_type);
    for (name, value) in &headers {
        request = request.header(name, value);
    }
    let mut response = request
        .send(&body[..])
        .map_err(|e| format!("POST {}: {e}", args.url))?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .read_to_string()
        .unwrap_or_else(|e| format!("(unreadable body: {e})"));
    println!("HTTP {status}");
    if !text.is_empty() {
        println!("{text}");
    }
    let behaved = match args.tamper {
        None => (200..300).contains(&status),
        Some(_) => (400..500).contains(&status),
    };
    if !behaved {
        eprintln!(
            "hooksig: the endpoint answered {status} to a {} delivery; expected {}",
            if args.tamper.is_some() {
                "tampered"
            } else {
                "valid"
            },
            if args.tamper.is_some() { "4xx" } else { "2xx" },
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// One saved delivery, ready to send.
struct Saved {
    line: usize,
    method: String,
    path: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

/// `--from FILE`: reads every line first (a bad one sends nothing), then sends each and
/// prints `METHOD URL: HTTP STATUS BODY`. Exit 0 when each got an answer, 2 otherwise.
fn send_saved(args: &SendArgs, path: &Path) -> Result<ExitCode, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("--from {}: {e}", path.display()))?;
    let keys = args.secrets.keys()?;
    let mut saved = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = |what: String| format!("--from {} line {}: {what}", path.display(), index + 1);
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| at(format!("not JSON ({e})")))?;
        saved.push(parse_saved(&value, index + 1, &keys).map_err(at)?);
    }
    if saved.is_empty() {
        return Err(format!("--from {}: no delivery in it", path.display()));
    }
    let agent = crate::forward::agent(Duration::from_secs(args.timeout));
    let mut failed = 0;
    for delivery in &saved {
        let url = crate::forward::target(&args.url, &delivery.path);
        match crate::forward::send(
            &agent,
            &delivery.method,
            &url,
            &delivery.headers,
            &delivery.body,
        ) {
            crate::forward::Forwarded::Answered { status, body, .. } => {
                println!(
                    "{} {url}: HTTP {status} {}",
                    delivery.method,
                    body.trim_end()
                );
            }
            crate::forward::Forwarded::Failed { error } => {
                failed += 1;
                println!("{} {url}: no answer ({error})", delivery.method);
                eprintln!(
                    "hooksig: line {}: {} {url}: {error}",
                    delivery.line, delivery.method
                );
            }
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn parse_saved(
    value: &serde_json::Value,
    line: usize,
    keys: &crate::input::Keys,
) -> Result<Saved, String> {
    use base64ct::{Base64, Encoding};
    let field = |name: &str| {
        value
            .get(name)
            .and_then(|v| v.as_str())
            .ok_or_else(|| format!("no \"{name}\""))
    };
    if value.get("truncated").and_then(|v| v.as_bool()) == Some(true) {
        return Err("the listener kept only part of this body (over 1 MiB, or refused): it cannot be sent again".into());
    }
    let body = Base64::decode_vec(field("body_base64")?)
        .map_err(|_| "body_base64 is not base64".to_owned())?;
    let mut headers = Vec::new();
    for pair in value
        .get("headers")
        .and_then(|v| v.as_array())
        .ok_or("no \"headers\"")?
    {
        let (name, value) = match pair.as_array().map(Vec::as_slice) {
            Some([name, value]) => (name.as_str().ok_or("a header name is not text")?, value),
            _ => return Err("a header is not [name, value]".into()),
        };
        let bytes = match value {
            serde_json::Value::String(text) => text.as_bytes().to_vec(),
            serde_json::Value::Null => keys
                .secrets
                .first()
                .map(|s| s.to_vec())
                .ok_or_else(|| format!("{name} held a secret, which --save does not write: pass --secret-env NAME (or --secret-file) to send it"))?,
            other => match other.get("base64").and_then(|b| b.as_str()) {
                Some(b64) => Base64::decode_vec(b64).map_err(|_| format!("{name}: bad base64"))?,
                None => return Err(format!("{name}: a value is text, null or {{\"base64\": ...}}")),
            },
        };
        headers.push((name.to_owned(), bytes));
    }
    Ok(Saved {
        line,
        method: field("method")?.to_owned(),
        path: field("path")?.to_owned(),
        headers,
        body,
    })
}

/// A timestamp an hour older than the scheme's window allows.
fn stale_timestamp(scheme: &Scheme) -> Result<u64, String> {
    if !scheme.has_timestamp() {
        return Err("--tamper timestamp: this scheme has no timestamp".into());
    }
    Ok(crate::clock::stale(scheme.tolerance))
}

/// Changes the first character of the encoded signature to another of the same alphabet.
fn tamper_signature(scheme: &Scheme, headers: &mut [(String, String)]) {
    let Some(name) = scheme.signature_header_names().next() else {
        return;
    };
    if let Some((_, value)) = headers.iter_mut().find(|(n, _)| n == name) {
        tamper_signature_value(scheme, value);
    }
}

/// Changes the first character of the encoded signature in a signature header's value (after
/// the scheme's prefix, or its `key=` field) to another of the same alphabet.
pub fn tamper_signature_value(scheme: &Scheme, value: &mut String) {
    let start = match (&scheme.fields, &scheme.prefix) {
        (Some(fields), _) => value
            .find(&format!("{}=", fields.signature))
            .map_or(0, |i| i + fields.signature.len() + 1),
        (None, Some(prefix)) => value.find(prefix.as_str()).map_or(0, |i| i + prefix.len()),
        (None, None) => 0,
    };
    if let Some(c) = value[start..].chars().next() {
        let swapped = if c == 'a' { "b" } else { "a" };
        value.replace_range(start..start + c.len_utf8(), swapped);
    }
}

/// Changes the last byte of a body (a space becomes a newline, anything else a space).
pub fn tamper_body(body: &mut Vec<u8>) {
    match body.last_mut() {
        Some(last) => *last = if *last == b' ' { b'\n' } else { b' ' },
        None => body.push(b' '),
    }
}
