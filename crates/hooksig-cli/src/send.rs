//! `hooksig send`: POST a signed (or deliberately broken) webhook.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, ValueEnum};
use hooksig::{Scheme, Signer};

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

/// Signs, sends, prints `HTTP <status>` and the response body; exit 0 when a response came.
pub fn run(args: &SendArgs) -> Result<ExitCode, String> {
    let mut config = args.scheme.config()?;
    for secret in args.secrets.read()? {
        config = config.secret(secret);
    }
    let signer = Signer::new(&config).map_err(|e| e.to_string())?;
    let mut body = args.body.read()?;
    let timestamp = match args.tamper {
        Some(Tamper::Timestamp) => Some(stale_timestamp(signer.scheme())?),
        _ => None,
    };
    let mut headers = signer
        .sign(&body, timestamp, args.id.as_deref())
        .map_err(|e| e.to_string())?;
    match args.tamper {
        Some(Tamper::Body) => match body.last_mut() {
            Some(last) => *last = if *last == b' ' { b'\n' } else { b' ' },
            None => body.push(b' '),
        },
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
    Ok(ExitCode::SUCCESS)
}

/// A timestamp an hour older than the scheme's window allows.
fn stale_timestamp(scheme: &Scheme) -> Result<u64, String> {
    if !scheme.has_timestamp() {
        return Err("--tamper timestamp: this scheme has no timestamp".into());
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let window = scheme.tolerance.unwrap_or(hooksig::DEFAULT_TOLERANCE);
    Ok(now.saturating_sub(window + 3600))
}

/// Changes the first character of the encoded signature to another of the same alphabet.
fn tamper_signature(scheme: &Scheme, headers: &mut [(String, String)]) {
    let Some((_, value)) = headers
        .iter_mut()
        .find(|(n, _)| n == &scheme.signature_header)
    else {
        return;
    };
    let start = match (&scheme.fields, &scheme.prefix) {
        (Some(fields), _) => value
            .find(&format!("{}=", fields.signature))
            .map_or(0, |i| i + fields.signature.len() + 1),
        (None, Some(prefix)) => prefix.len(),
        (None, None) => 0,
    };
    if let Some(c) = value[start..].chars().next() {
        let swapped = if c == 'a' { "b" } else { "a" };
        value.replace_range(start..start + c.len_utf8(), swapped);
    }
}
