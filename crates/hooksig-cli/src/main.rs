//! The `hooksig` command: sign, verify, send and receive test webhooks for any preset.

mod clock;
mod forward;
mod input;
mod inspector;
mod listen;
mod route;
mod send;
mod server;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use hooksig::{Algorithm, Config, Context, Signer, Verifier};

use crate::input::{BodyArgs, SchemeArgs, SecretArgs};

/// Sign, verify, send and receive webhooks for any provider scheme.
///
/// Secrets come from --secret, --secret-env NAME or --secret-file FILE (prefer the last
/// two: argv is visible to other users of the machine). A secret is never printed.
#[derive(Parser)]
#[command(name = "hooksig", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the presets, or show one scheme in full.
    #[command(after_help = "Examples:\n  hooksig presets\n  hooksig presets stripe --json")]
    Presets {
        /// A preset to show.
        name: Option<String>,
        /// Print JSON (the scheme format every language reads).
        #[arg(long)]
        json: bool,
    },
    /// Sign a body: print the headers, a ready curl command, or JSON.
    #[command(after_help = "Examples:\n  \
        hooksig sign --preset github --secret-env GITHUB_SECRET --data 'Hello, World!'\n  \
        hooksig sign --preset stripe --secret-file stripe.key --data-file event.json --format curl \\\n      \
        --url http://127.0.0.1:8000/webhooks/stripe")]
    Sign {
        #[command(flatten)]
        scheme: SchemeArgs,
        #[command(flatten)]
        secrets: SecretArgs,
        #[command(flatten)]
        body: BodyArgs,
        /// The timestamp to sign, Unix seconds (default: now).
        #[arg(long)]
        timestamp: Option<u64>,
        /// The message id, for schemes with one (default: a random msg_ id).
        #[arg(long)]
        id: Option<String>,
        /// What to print.
        #[arg(long, value_enum, default_value_t = Format::Headers)]
        format: Format,
        /// The URL the request goes to: signed by URL-signed schemes (Square, Twilio,
        /// HubSpot, Trello), and used by --format curl.
        #[arg(long, default_value = "http://127.0.0.1:8000/webhook")]
        url: String,
        /// The method, for schemes that sign it (HubSpot).
        #[arg(long, default_value = "POST")]
        method: String,
    },
    /// Verify a request: exit 0 and print `ok`, or exit 1 and print the error code.
    #[command(after_help = "Example:\n  \
        hooksig verify --preset github --secret-env GITHUB_SECRET --data 'Hello, World!' \\\n      \
        -H 'X-Hub-Signature-256: sha256=757107ea...'")]
    Verify {
        #[command(flatten)]
        scheme: SchemeArgs,
        #[command(flatten)]
        secrets: SecretArgs,
        #[command(flatten)]
        body: BodyArgs,
        /// A request header, `Name: value` (repeat for each).
        #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
        headers: Vec<String>,
        /// Verify as if it were this time, Unix seconds.
        #[arg(long)]
        now: Option<u64>,
        /// The URL the provider called, for URL-signed schemes (Square, Twilio, HubSpot, Trello).
        #[arg(long)]
        url: Option<String>,
        /// The method, for schemes that sign it (HubSpot).
        #[arg(long, default_value = "POST")]
        method: String,
    },
    /// POST a signed webhook to URL and print the response; --tamper sends a broken one.
    #[command(after_help = "Examples:\n  \
        hooksig send http://127.0.0.1:8000/webhooks/noyo --preset noyo --secret-env NOYO_SECRET \\\n      \
        --data-file event.json\n  \
        hooksig send http://127.0.0.1:8000/webhooks/noyo --preset noyo --secret-env NOYO_SECRET \\\n      \
        --data-file event.json --tamper signature")]
    Send(send::SendArgs),
    /// Receive webhooks on a local port, verify each one and print a line per delivery; with
    /// --ui, a page that shows each delivery and why it failed; --forward-to sends them on.
    #[command(after_help = "Examples:\n  \
        hooksig listen --preset noyo --secret-env NOYO_SECRET --port 8000 --path /webhook\n  \
        hooksig listen --ui --forward-to http://127.0.0.1:3000 \\\n      \
        --route /webhooks/stripe=stripe,secret-env=STRIPE_SECRET \\\n      \
        --route /webhooks/noyo=noyo,secret-env=NOYO_SECRET\n  \
        (then open http://127.0.0.1:8000/_hooksig/)")]
    Listen(listen::ListenArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// `Name: value` lines.
    Headers,
    /// A curl command that sends the signed request.
    Curl,
    /// A JSON object of the headers.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Presets { name, json } => presets(name.as_deref(), json),
        Command::Sign {
            scheme,
            secrets,
            body,
            timestamp,
            id,
            format,
            url,
            method,
        } => sign(
            &scheme,
            &secrets,
            &body,
            Request {
                timestamp,
                id: id.as_deref(),
                url: Some(&url),
                method: &method,
            },
            format,
        ),
        Command::Verify {
            scheme,
            secrets,
            body,
            headers,
            now,
            url,
            method,
        } => verify(
            &scheme,
            &secrets,
            &body,
            &headers,
            Request {
                timestamp: now,
                id: None,
                url: url.as_deref(),
                method: &method,
            },
        ),
        Command::Send(args) => send::run(&args),
        Command::Listen(args) => listen::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("hooksig: {message}");
            ExitCode::from(2)
        }
    }
}

fn presets(name: Option<&str>, json: bool) -> Result<ExitCode, String> {
    let mut out = std::io::stdout().lock();
    match name {
        Some(name) => {
            let scheme = hooksig::Scheme::preset(name).map_err(|e| e.to_string())?;
            if !json {
                let summary = hooksig::PRESETS.iter().find(|p| p.name == name);
                if let Some(preset) = summary {
                    let _ = writeln!(out, "{}\n", preset.summary);
                }
            }
            let _ = writeln!(out, "{}", scheme.to_json());
        }
        None if json => {
            let all: serde_json::Map<String, serde_json::Value> = hooksig::PRESETS
                .iter()
                .map(|p| {
                    let scheme = hooksig::Scheme::preset(p.name).expect("every preset builds");
                    (
                        p.name.to_owned(),
                        serde_json::to_value(&scheme).expect("serializes"),
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&all).expect("serializes")
            );
        }
        None => {
            for preset in hooksig::PRESETS {
                let _ = writeln!(out, "{:<18} {}", preset.name, preset.summary);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn config(scheme: &SchemeArgs, secrets: &SecretArgs) -> Result<Config, String> {
    secrets.apply(scheme.config()?)
}

/// The request-line flags of `sign` and `verify`.
struct Request<'a> {
    timestamp: Option<u64>,
    id: Option<&'a str>,
    url: Option<&'a str>,
    method: &'a str,
}

impl<'a> Request<'a> {
    fn context(&self) -> Context<'a> {
        let mut context = Context::new().method(self.method);
        context.now = self.timestamp;
        if let Some(url) = self.url {
            context = context.url(url);
        }
        context
    }
}

fn sign(
    scheme: &SchemeArgs,
    secrets: &SecretArgs,
    body_args: &BodyArgs,
    request: Request<'_>,
    format: Format,
) -> Result<ExitCode, String> {
    let signer = Signer::new(&config(scheme, secrets)?).map_err(|e| e.to_string())?;
    if signer.scheme().algorithm == Algorithm::Token {
        return Err(format!(
            "{}: a token scheme's header is the secret itself, and hooksig never prints a \
             secret; `hooksig send` sends it",
            scheme.label()
        ));
    }
    let body = body_args.read()?;
    let url = request.url.unwrap_or_default();
    let headers = signer
        .sign_with(&body, request.id, &request.context())
        .map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    match format {
        Format::Headers => {
            for (name, value) in &headers {
                let _ = writeln!(out, "{name}: {value}");
            }
        }
        Format::Json => {
            let object: serde_json::Map<String, serde_json::Value> = headers
                .iter()
                .map(|(n, v)| (n.clone(), v.clone().into()))
                .collect();
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&object).expect("json")
            );
        }
        Format::Curl => {
            let mut line = format!("curl -sS -X POST {}", quote(url));
            line.push_str(" -H 'Content-Type: application/json'");
            for (name, value) in &headers {
                line.push_str(&format!(" -H {}", quote(&format!("{name}: {value}"))));
            }
            match &body_args.data_file {
                Some(path) => line.push_str(&format!(
                    " --data-binary {}",
                    quote(&format!("@{}", path.display()))
                )),
                None => {
                    let text = std::str::from_utf8(&body).map_err(|_| {
                        "the body is not UTF-8: pass it with --data-file so curl can send it as is"
                            .to_owned()
                    })?;
                    line.push_str(&format!(" --data-binary {}", quote(text)));
                }
            }
            let _ = writeln!(out, "{line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn verify(
    scheme: &SchemeArgs,
    secrets: &SecretArgs,
    body_args: &BodyArgs,
    headers: &[String],
    request: Request<'_>,
) -> Result<ExitCode, String> {
    let verifier = Verifier::new(&config(scheme, secrets)?).map_err(|e| e.to_string())?;
    let pairs = headers
        .iter()
        .map(|h| {
            h.split_once(':')
                .map(|(n, v)| (n.trim().to_owned(), v.to_owned()))
                .ok_or_else(|| format!("-H {h:?}: expected `Name: value`"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let body = body_args.read()?;
    let result = verifier.verify_with(&body, &pairs, &request.context());
    match result {
        Ok(verified) => {
            let mut line = String::from("ok");
            if let Some(ts) = verified.timestamp {
                line.push_str(&format!(" timestamp={ts}"));
            }
            if let Some(id) = verified.id_str() {
                line.push_str(&format!(" id={id}"));
            }
            line.push_str(&format!(" secret={}", verified.secret_index));
            println!("{line}");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("{}: {e}", e.code());
            Ok(ExitCode::from(1))
        }
    }
}

/// Quotes a word for a POSIX shell.
fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn quote_survives_single_quotes() {
        assert_eq!(super::quote("It's"), r"'It'\''s'");
    }
}
