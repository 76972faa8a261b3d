//! The pieces of a request URL a message signs, and the forms of it a provider may sign.

/// The path and query of a URL: everything from the first `/` or `?` after the host (`/`
/// when there is neither). A URL that is already a path is returned as it is.
pub(crate) fn path_of(url: &[u8]) -> &[u8] {
    let Some(start) = authority_start(url) else {
        return url;
    };
    match url[start..]
        .iter()
        .position(|&b| b == b'/' || b == b'?' || b == b'#')
    {
        Some(i) => &url[start + i..],
        None => b"/",
    }
}

/// The two forms of a URL Twilio accepts a signature over (`url_port: "either"`): with
/// the port removed, and with the scheme's default port added when there is none (a URL
/// with a port is used as given). Either may equal the URL itself.
pub(crate) fn port_forms(url: &[u8]) -> [Vec<u8>; 2] {
    let Some(start) = authority_start(url) else {
        return [url.to_vec(), url.to_vec()];
    };
    let end = url[start..]
        .iter()
        .position(|&b| b == b'/' || b == b'?' || b == b'#')
        .map_or(url.len(), |i| start + i);
    // The host follows any `user:password@`; its port follows the last `:` outside `[...]`.
    let host = url[start..end]
        .iter()
        .rposition(|&b| b == b'@')
        .map_or(start, |i| start + i + 1);
    let port = url[host..end]
        .iter()
        .rposition(|&b| b == b':')
        .map(|i| host + i)
        .filter(|&colon| !url[colon..end].contains(&b']'));
    match port {
        Some(colon) => {
            let without = [&url[..colon], &url[end..]].concat();
            [without, url.to_vec()]
        }
        None => {
            let default: &[u8] = if url[..start].eq_ignore_ascii_case(b"https://") {
                b":443"
            } else {
                b":80"
            };
            let with = [&url[..end], default, &url[end..]].concat();
            [url.to_vec(), with]
        }
    }
}

/// Where the authority starts: after `scheme://`.
fn authority_start(url: &[u8]) -> Option<usize> {
    url.windows(3).position(|w| w == b"://").map(|i| i + 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_of_keeps_path_and_query() {
        assert_eq!(path_of(b"https://a.example/x/y?q=1"), b"/x/y?q=1");
        assert_eq!(path_of(b"https://a.example"), b"/");
        assert_eq!(path_of(b"https://a.example?q=1"), b"?q=1");
        assert_eq!(path_of(b"/only/path"), b"/only/path");
    }

    #[test]
    fn port_forms_remove_and_add_the_port() {
        let forms = |url: &str| port_forms(url.as_bytes()).map(|f| String::from_utf8(f).unwrap());
        assert_eq!(
            forms("https://a.example/x?y=1"),
            ["https://a.example/x?y=1", "https://a.example:443/x?y=1"]
        );
        assert_eq!(
            forms("http://a.example:1234/x"),
            ["http://a.example/x", "http://a.example:1234/x"]
        );
        assert_eq!(
            forms("https://u:p@a.example?x"),
            ["https://u:p@a.example?x", "https://u:p@a.example:443?x"]
        );
        assert_eq!(
            forms("https://[::1]/x"),
            ["https://[::1]/x", "https://[::1]:443/x"]
        );
        assert_eq!(
            forms("https://[::1]:8443/x"),
            ["https://[::1]/x", "https://[::1]:8443/x"]
        );
    }
}
