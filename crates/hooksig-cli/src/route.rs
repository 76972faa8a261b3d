//! The routes of `hooksig listen`: a path, the scheme that verifies what arrives there, and
//! that scheme's keys.
//!
//! One route comes from `--preset`/`--scheme`, `--path` and the top-level key flags; others
//! from `--route PATH=PRESET[,OPTION=VALUE...]`, each with its own keys:
//!
//! ```text
//! --route /webhooks/stripe=stripe,secret-env=STRIPE_SECRET
//! --route /webhooks/discord=discord,public-key=d75a98...
//! --route /webhooks/square=square,secret-env=SQUARE_KEY,public-url=https://example.com/webhooks/square
//! --route /hooks/acme=acme.json,secret-file=acme.key,param=business_id=42,tolerance=600
//! ```

use hooksig::{Config, MemoryReplayStore, Scheme, Signer, Verifier};
use zeroize::Zeroizing;

use crate::input::Keys;

/// The options a `--route` spec takes after `PATH=PRESET`, for messages.
pub const ROUTE_OPTIONS: &str = "secret, secret-env, secret-file, public-key, public-key-file, \
    private-key-env, private-key-file, param=NAME=VALUE, tolerance=SECONDS, no-tolerance, \
    public-url, forward-to";

/// One receiving path and how deliveries there are verified.
pub struct Route {
    /// The path deliveries are POSTed to (the query is not part of it).
    pub path: String,
    /// The preset name or the scheme file, for the list and the log.
    pub label: String,
    /// Verifies each delivery.
    pub verifier: Verifier,
    /// Signs tampered copies with a stale timestamp, when the route has a signing key.
    pub signer: Option<Signer>,
    /// Deliveries verified on this route, so that a repeat shows as a duplicate.
    pub replay: MemoryReplayStore,
    /// The URL the provider calls, for URL-signed schemes behind a tunnel or proxy.
    pub public_url: Option<String>,
    /// Where this route's deliveries are forwarded, when not the listener's --forward-to.
    pub forward_to: Option<String>,
    /// The text of the route's secrets and private key: never shown, and redacted
    /// wherever a delivery's header or body would show one.
    pub private_texts: Vec<Zeroizing<Vec<u8>>>,
}

impl Route {
    /// Builds a route from its scheme config (without keys) and keys.
    pub fn new(path: &str, label: String, config: Config, keys: &Keys) -> Result<Self, String> {
        check_path(path)?;
        let config = keys.apply(config);
        let verifier = Verifier::new(&config).map_err(|e| format!("route {path}: {e}"))?;
        Ok(Route {
            path: path.to_owned(),
            label,
            signer: Signer::new(&config).ok(),
            verifier,
            replay: MemoryReplayStore::default(),
            public_url: None,
            forward_to: None,
            private_texts: keys.private_texts(),
        })
    }

    /// Parses `PATH=PRESET[,OPTION=VALUE...]` (PRESET may be a `.json` scheme file).
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut parts = spec.split(',');
        let head = parts.next().unwrap_or_default();
        let (path, target) = head.split_once('=').ok_or_else(|| {
            format!("--route {spec:?}: expected PATH=PRESET[,OPTION=VALUE...], e.g. /webhooks/stripe=stripe,secret-env=STRIPE_SECRET")
        })?;
        let (mut config, label) = if target.ends_with(".json") {
            let json = std::fs::read_to_string(target)
                .map_err(|e| format!("--route {path}: {target}: {e}"))?;
            let scheme =
                Scheme::from_json(&json).map_err(|e| format!("--route {path}: {target}: {e}"))?;
            (Config::new(scheme), target.to_owned())
        } else {
            let config = Config::preset(target).map_err(|e| format!("--route {path}: {e}"))?;
            (config, target.to_owned())
        };
        let mut keys = Keys::default();
        let (mut public_url, mut forward_to) = (None, None);
        for part in parts {
            let (option, value) = part.split_once('=').unwrap_or((part, ""));
            let bad = || format!("--route {path}: `{part}` needs a value ({option}=...)");
            match option {
                "no-tolerance" => config = config.tolerance(None),
                _ if value.is_empty() => {
                    return Err(if ROUTE_OPTIONS.contains(option) && !option.is_empty() {
                        bad()
                    } else {
                        format!(
                            "--route {path}: unknown option `{part}`; the options are {ROUTE_OPTIONS}"
                        )
                    });
                }
                "param" => {
                    let (name, value) = value.split_once('=').ok_or_else(|| {
                        format!("--route {path}: param={value}: expected param=NAME=VALUE")
                    })?;
                    config = config.param(name, value);
                }
                "tolerance" => {
                    let seconds = value.parse().map_err(|_| {
                        format!("--route {path}: tolerance={value}: expected whole seconds")
                    })?;
                    config = config.tolerance(Some(seconds));
                }
                "public-url" => public_url = Some(value.to_owned()),
                "forward-to" => forward_to = Some(crate::forward::check_url(value)?),
                _ => {
                    if !keys.read_option(option, value)? {
                        return Err(format!(
                            "--route {path}: unknown option `{option}`; the options are {ROUTE_OPTIONS}"
                        ));
                    }
                }
            }
        }
        if keys.is_empty() {
            return Err(format!(
                "--route {path}: no key for {label}; add one to the route, e.g. \
                 --route {path}={label},secret-env=NAME (or public-key=KEY for a public-key scheme)"
            ));
        }
        let mut route = Route::new(path, label, config, &keys)?;
        route.public_url = public_url;
        route.forward_to = forward_to;
        Ok(route)
    }

    /// Returns whether a header of this name carries a secret as it is: a token scheme's
    /// header, or the secret Asana hands over in its handshake.
    pub fn is_secret_header(&self, name: &str) -> bool {
        self.verifier.is_secret_header(name.as_bytes())
    }
}

fn check_path(path: &str) -> Result<(), String> {
    if !path.starts_with('/') || path.contains(['?', '#', ' ']) {
        return Err(format!(
            "route path {path:?}: a path starts with / and has no query (e.g. /webhooks/stripe)"
        ));
    }
    if path.starts_with(crate::inspector::PREFIX)
        || path == crate::inspector::PREFIX.trim_end_matches('/')
    {
        return Err(format!(
            "route path {path}: {} is the inspector's",
            crate::inspector::PREFIX
        ));
    }
    Ok(())
}
