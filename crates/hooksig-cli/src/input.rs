//! Where the scheme, the secrets and the body come from.

use std::io::Read;
use std::path::PathBuf;

use clap::Args;
use hooksig::{Config, Scheme};
use zeroize::Zeroizing;

/// The scheme: a preset or a JSON file, with params and a tolerance.
///
/// Neither is required when parsing: `listen --route` and `send --from` do without, and
/// [`SchemeArgs::config`] says what is missing for the others.
#[derive(Args)]
pub struct SchemeArgs {
    /// A preset name (see `hooksig presets`).
    #[arg(long, conflicts_with = "scheme")]
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
    /// Returns whether --preset or --scheme was given.
    pub fn is_given(&self) -> bool {
        self.preset.is_some() || self.scheme.is_some()
    }

    /// Returns the config these flags describe, without secrets.
    pub fn config(&self) -> Result<Config, String> {
        let mut config = match (&self.preset, &self.scheme) {
            (Some(name), _) => Config::preset(name).map_err(|e| e.to_string())?,
            (None, Some(path)) => {
                let json = std::fs::read_to_string(path)
                    .map_err(|e| format!("--scheme {}: {e}", path.display()))?;
                let scheme = Scheme::from_json(&json)
                    .map_err(|e| format!("--scheme {}: {e}", path.display()))?;
                Config::new(scheme)
            }
            (None, None) => return Err("give --preset NAME or --scheme FILE.json".into()),
        };
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

/// The keys: shared secrets (the first is current, the others are accepted too), the
/// provider's public keys for public-key schemes, and a private key to sign those with.
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
    /// A public key of a public-key scheme (hex, base64, base64 SPKI, PEM or whpk_).
    #[arg(long = "public-key", value_name = "KEY")]
    pub public_keys: Vec<String>,
    /// A file holding a public key (a PEM file, say).
    #[arg(long = "public-key-file", value_name = "FILE")]
    pub public_key_file: Vec<PathBuf>,
    /// The name of an environment variable holding the private key to sign with (whsk_,
    /// PKCS#8 PEM, or a hex seed): public-key schemes only, for tests.
    #[arg(
        long = "private-key-env",
        value_name = "NAME",
        conflicts_with = "private_key_file"
    )]
    pub private_key_env: Option<String>,
    /// A file holding the private key to sign with.
    #[arg(long = "private-key-file", value_name = "FILE")]
    pub private_key_file: Option<PathBuf>,
}

impl SecretArgs {
    /// Adds every key to `config`: secrets in the order --secret, --secret-env,
    /// --secret-file, then public keys, then the private key.
    pub fn apply(&self, config: Config) -> Result<Config, String> {
        Ok(self.keys()?.apply(config))
    }

    /// Reads every key these flags name (variables and files), in the order of [`apply`].
    ///
    /// [`apply`]: SecretArgs::apply
    pub fn keys(&self) -> Result<Keys, String> {
        let mut keys = Keys::default();
        for secret in &self.secrets {
            keys.secrets.push(secret.as_bytes().to_vec().into());
        }
        for name in &self.secret_env {
            keys.secrets.push(env(name, "--secret-env")?);
        }
        for path in &self.secret_file {
            keys.secrets.push(file(path, "--secret-file")?);
        }
        for key in &self.public_keys {
            keys.public_keys.push(key.as_bytes().to_vec());
        }
        for path in &self.public_key_file {
            keys.public_keys
                .push(file(path, "--public-key-file")?.to_vec());
        }
        if let Some(name) = &self.private_key_env {
            keys.private_key = Some(env(name, "--private-key-env")?);
        }
        if let Some(path) = &self.private_key_file {
            keys.private_key = Some(file(path, "--private-key-file")?);
        }
        Ok(keys)
    }

    /// Returns whether any key flag was given.
    pub fn is_given(&self) -> bool {
        !(self.secrets.is_empty()
            && self.secret_env.is_empty()
            && self.secret_file.is_empty()
            && self.public_keys.is_empty()
            && self.public_key_file.is_empty()
            && self.private_key_env.is_none()
            && self.private_key_file.is_none())
    }
}

/// Keys read from their flags (or from a `listen --route` spec), wiped from memory on drop.
#[derive(Default)]
pub struct Keys {
    /// Shared secrets, the current one first.
    pub secrets: Vec<Zeroizing<Vec<u8>>>,
    /// The provider's public keys.
    pub public_keys: Vec<Vec<u8>>,
    /// A private key to sign with.
    pub private_key: Option<Zeroizing<Vec<u8>>>,
}

impl Keys {
    /// Adds the keys to `config`: secrets, public keys, then the private key.
    pub fn apply(&self, mut config: Config) -> Config {
        for secret in &self.secrets {
            config = config.secret(secret.as_slice());
        }
        for key in &self.public_keys {
            config = config.public_key(key);
        }
        if let Some(key) = &self.private_key {
            config = config.private_key(key.as_slice());
        }
        config
    }

    /// Reads one key from a `listen --route` option (`secret-env=NAME`, ...); false when
    /// `option` names no key.
    pub fn read_option(&mut self, option: &str, value: &str) -> Result<bool, String> {
        let flag = format!("--{option}");
        match option {
            "secret" => self.secrets.push(value.as_bytes().to_vec().into()),
            "secret-env" => self.secrets.push(env(value, &flag)?),
            "secret-file" => self.secrets.push(file(value.as_ref(), &flag)?),
            "public-key" => self.public_keys.push(value.as_bytes().to_vec()),
            "public-key-file" => self.public_keys.push(file(value.as_ref(), &flag)?.to_vec()),
            "private-key-env" => self.private_key = Some(env(value, &flag)?),
            "private-key-file" => self.private_key = Some(file(value.as_ref(), &flag)?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Returns whether no key was given.
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty() && self.public_keys.is_empty() && self.private_key.is_none()
    }

    /// Returns the text of every secret and the private key, which nothing shown to a
    /// user may contain (public keys are public).
    pub fn private_texts(&self) -> Vec<Zeroizing<Vec<u8>>> {
        self.secrets
            .iter()
            .chain(&self.private_key)
            .map(|k| Zeroizing::new(k.to_vec()))
            .collect()
    }
}

fn env(name: &str, flag: &str) -> Result<Zeroizing<Vec<u8>>, String> {
    std::env::var_os(name)
        .map(|v| Zeroizing::new(v.into_encoded_bytes()))
        .ok_or_else(|| format!("{flag} {name}: the variable is not set"))
}

/// A file's bytes, one trailing newline (or CRLF) dropped: editors add one.
fn file(path: &std::path::Path, flag: &str) -> Result<Zeroizing<Vec<u8>>, String> {
    let mut bytes =
        Zeroizing::new(std::fs::read(path).map_err(|e| format!("{flag} {}: {e}", path.display()))?);
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    Ok(bytes)
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
