//! Where the scheme, the secrets and the body come from.

use std::io::Read;
use std::path::PathBuf;

use clap::Args;
use hooksig::{Config, Scheme};

/// The scheme: a preset or a JSON file, with params and a tolerance.
#[derive(Args)]
pub struct SchemeArgs {
    /// A preset name (see `hooksig presets`).
    #[arg(long, required_unless_present = "scheme", conflicts_with = "scheme")]
    pub preset: Option<String>,
    /// A scheme in JSON (see `hooksig presets NAME --json` for the format).
    #[arg(long, value_name = "FILE.json")]
    pub scheme: Option<PathBuf>,
    /// A construction param, `name=value` (repeat for each), e.g. --param business_id=42.
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,
    /// The replay window in seconds (default: the scheme's, 300 with a timestamp).
    #[arg(long, conflicts_with = "no_tolerance")]
    pub tolerance: Option<u64>,
    /// Turn the replay window off.
    #[arg(long)]
    pub no_tolerance: bool,
}

impl SchemeArgs {
    /// Returns the config these flags describe, without secrets.
    pub fn config(&self) -> Result<Config, String> {
        let scheme = match (&self.preset, &self.scheme) {
            (Some(name), _) => Scheme::preset(name).map_err(|e| e.to_string())?,
            (None, Some(path)) => {
                let json = std::fs::read_to_string(path)
                    .map_err(|e| format!("--scheme {}: {e}", path.display()))?;
                Scheme::from_json(&json).map_err(|e| format!("--scheme {}: {e}", path.display()))?
            }
            (None, None) => return Err("give --preset NAME or --scheme FILE.json".into()),
        };
        let mut config = Config::new(scheme);
        for (name, value) in &self.params {
            config = config.param(name, value);
        }
        if self.no_tolerance {
            config = config.tolerance(None);
        } else if let Some(seconds) = self.tolerance {
            config = config.tolerance(Some(seconds));
        }
        Ok(config)
    }

    /// Returns the preset name or the scheme file, for messages.
    pub fn label(&self) -> String {
        match (&self.preset, &self.scheme) {
            (Some(name), _) => name.clone(),
            (None, Some(path)) => path.display().to_string(),
            (None, None) => String::new(),
        }
    }
}

fn parse_param(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("{text:?} is not NAME=VALUE"))
}

/// The secrets: the first one given is current, the others are accepted too.
#[derive(Args)]
pub struct SecretArgs {
    /// A secret on the command line (visible in `ps`: prefer --secret-env or --secret-file).
    #[arg(long = "secret", value_name = "SECRET")]
    pub secrets: Vec<String>,
    /// The name of an environment variable holding a secret.
    #[arg(long = "secret-env", value_name = "NAME")]
    pub secret_env: Vec<String>,
    /// A file holding a secret (one trailing newline is ignored).
    #[arg(long = "secret-file", value_name = "FILE")]
    pub secret_file: Vec<PathBuf>,
}

impl SecretArgs {
    /// Reads every secret, in the order: --secret, --secret-env, --secret-file.
    pub fn read(&self) -> Result<Vec<Vec<u8>>, String> {
        let mut out: Vec<Vec<u8>> = self.secrets.iter().map(|s| s.as_bytes().to_vec()).collect();
        for name in &self.secret_env {
            let value = std::env::var_os(name)
                .ok_or_else(|| format!("--secret-env {name}: the variable is not set"))?;
            out.push(value.into_encoded_bytes());
        }
        for path in &self.secret_file {
            let mut bytes = std::fs::read(path)
                .map_err(|e| format!("--secret-file {}: {e}", path.display()))?;
            if bytes.ends_with(b"\n") {
                bytes.pop();
                if bytes.ends_with(b"\r") {
                    bytes.pop();
                }
            }
            out.push(bytes);
        }
        if out.is_empty() {
            return Err(
                "give a secret: --secret-env NAME, --secret-file FILE or --secret S".into(),
            );
        }
        Ok(out)
    }
}

/// The body, exactly as given: no newline is added or removed.
#[derive(Args)]
pub struct BodyArgs {
    /// The body as text.
    #[arg(long, conflicts_with = "data_file")]
    pub data: Option<String>,
    /// A file holding the body (default: standard input).
    #[arg(long, value_name = "FILE")]
    pub data_file: Option<PathBuf>,
}

impl BodyArgs {
    /// Reads the body from --data, --data-file or standard input.
    pub fn read(&self) -> Result<Vec<u8>, String> {
        match (&self.data, &self.data_file) {
            (Some(text), _) => Ok(text.as_bytes().to_vec()),
            (None, Some(path)) => {
                std::fs::read(path).map_err(|e| format!("--data-file {}: {e}", path.display()))
            }
            (None, None) => {
                let mut body = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut body)
                    .map_err(|e| format!("reading the body from standard input: {e}"))?;
                Ok(body)
            }
        }
    }
}
