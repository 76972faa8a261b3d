//! Sending a delivery on as it was received: `listen --forward-to` and `send --from`.
//!
//! The body bytes and the headers go unchanged, except the hop-by-hop headers (RFC 9110
//! 7.6.1: `Connection` and the headers it names, `Keep-Alive`, `Proxy-*`, `TE`, `Trailer`,
//! `Transfer-Encoding`, `Upgrade`), and `Host` and `Content-Length`, which describe the
//! new connection and are written for it (the length is the same).

use std::time::{Duration, Instant};

use ureq::http;

/// Headers that belong to one connection, never forwarded.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Checks a forward URL: `http://` or `https://` with a host.
pub fn check_url(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| {
            format!("forward URL {url:?}: expected http://HOST[:PORT][/PATH] or https://...")
        })?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("forward URL {url:?}: no host"));
    }
    Ok(url.to_owned())
}

/// Returns whether an `http://` URL points at this port on this machine (a loopback
/// address, `localhost`, or `0.0.0.0`): forwarding there would send each delivery back in.
pub fn is_local_port(url: &str, port: u16) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let (host, at) = match authority.rsplit_once(':') {
        Some((host, at)) if !at.contains(']') => (host, at.parse().ok()),
        _ => (authority, Some(80)),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let local = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified());
    local && at == Some(port)
}

/// The URL a delivery to `path` (with its query) goes to: `base` as it is when it has a
/// path, else `base` followed by the delivery's path.
pub fn target(base: &str, path: &str) -> String {
    let after_scheme = base.split_once("://").map_or(base, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(i) if after_scheme.len() > i + 1 => base.to_owned(),
        Some(_) => format!("{}{path}", base.trim_end_matches('/')),
        None => format!("{base}{path}"),
    }
}

/// The headers to send on: all but the hop-by-hop ones, `Host` and `Content-Length`.
pub fn headers_to_send(headers: &[(String, Vec<u8>)]) -> impl Iterator<Item = &(String, Vec<u8>)> {
    let named_by_connection: Vec<String> = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("connection"))
        .flat_map(|(_, v)| {
            String::from_utf8_lossy(v)
                .split(',')
                .map(|t| t.trim().to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .collect();
    headers.iter().filter(move |(name, _)| {
        let lower = name.to_ascii_lowercase();
        !(HOP_BY_HOP.contains(&lower.as_str())
            || lower == "host"
            || lower == "content-length"
            || named_by_connection.contains(&lower))
    })
}

/// What came back from the app.
#[derive(Clone, Debug)]
pub enum Forwarded {
    /// The app answered with this status, after this many milliseconds.
    Answered {
        /// The HTTP status.
        status: u16,
        /// The time from sending to the answer's head.
        ms: u64,
        /// The answer's body (at most 64 KiB read), for `send --from`.
        body: String,
    },
    /// No answer: the connection failed or timed out.
    Failed {
        /// Why.
        error: String,
    },
}

/// A blocking HTTP client that adds no header of its own and follows no redirect.
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(ureq::config::AutoHeaderValue::None)
        .accept(ureq::config::AutoHeaderValue::None)
        .accept_encoding(ureq::config::AutoHeaderValue::None)
        .allow_non_standard_methods(true)
        .timeout_global(Some(timeout))
        .build()
        .new_agent()
}

/// Sends one request: `method` to `url` with `headers` (less the hop-by-hop ones) and `body`.
pub fn send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    headers: &[(String, Vec<u8>)],
    body: &[u8],
) -> Forwarded {
    let failed = |error: String| Forwarded::Failed { error };
    let mut request = http::Request::builder().method(method).uri(url);
    for (name, value) in headers_to_send(headers) {
        request = request.header(name.as_str(), value.as_slice());
    }
    let started = Instant::now();
    let result = if body.is_empty() {
        request.body(()).map(|r| agent.run(r))
    } else {
        request.body(body.to_vec()).map(|r| agent.run(r))
    };
    let mut response = match result {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => return failed(e.to_string()),
        Err(e) => return failed(format!("not a request: {e}")),
    };
    let ms = started.elapsed().as_millis() as u64;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_vec()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    Forwarded::Answered { status, ms, body }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_keeps_the_delivery_path_only_when_the_base_has_none() {
        assert_eq!(
            target("http://127.0.0.1:3000", "/w/s?x=1"),
            "http://127.0.0.1:3000/w/s?x=1"
        );
        assert_eq!(
            target("http://127.0.0.1:3000/", "/w/s"),
            "http://127.0.0.1:3000/w/s"
        );
        assert_eq!(
            target("http://127.0.0.1:3000/app", "/w/s"),
            "http://127.0.0.1:3000/app"
        );
    }

    #[test]
    fn a_forward_to_the_listener_itself_is_recognised() {
        assert!(is_local_port("http://127.0.0.1:8000/x", 8000));
        assert!(is_local_port("http://localhost:8000", 8000));
        assert!(is_local_port("http://[::1]:8000/", 8000));
        assert!(!is_local_port("http://127.0.0.1:3000", 8000));
        assert!(!is_local_port("https://127.0.0.1:8000", 8000));
        assert!(!is_local_port("http://example.com:8000", 8000));
    }

    #[test]
    fn hop_by_hop_headers_are_dropped() {
        let headers: Vec<(String, Vec<u8>)> = [
            ("host", "a"),
            ("connection", "keep-alive, x-private"),
            ("x-private", "1"),
            ("transfer-encoding", "chunked"),
            ("content-length", "3"),
            ("stripe-signature", "t=1,v1=00"),
            ("Keep-Alive", "timeout=5"),
        ]
        .iter()
        .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
        .collect();
        let kept: Vec<&str> = headers_to_send(&headers).map(|(n, _)| n.as_str()).collect();
        assert_eq!(kept, ["stripe-signature"]);
    }
}
