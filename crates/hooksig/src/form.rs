//! Twilio's `{form}`: the params of an `application/x-www-form-urlencoded` body, sorted by
//! name, each name then value, concatenated.

use sha2::{Digest, Sha256};

/// Returns the bytes `{form}` stands for in a request to `url` with `body`.
///
/// The params are percent-decoded (`+` is a space; a malformed escape is kept as sent, as
/// Twilio's SDKs keep it), sorted by name and then by value, a value repeated under one
/// name counted once (as both SDKs do), and written name then value.
/// When the URL's query has a `bodySHA256` param (how Twilio signs a JSON body), no param
/// is signed: the result is empty, and `None` when the body does not hash to that value.
pub(crate) fn form(url: &[u8], body: &[u8]) -> Option<Vec<u8>> {
    if let Some(expected) = query_param(url, b"bodySHA256") {
        let actual = Sha256::digest(body);
        let matches = expected.len() == 64
            && base16ct::mixed::decode_vec(&expected).is_ok_and(|d| d[..] == actual[..]);
        return matches.then(Vec::new);
    }
    let mut params: Vec<(Vec<u8>, Vec<u8>)> = body
        .split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &b""[..]),
            };
            (decode(name), decode(value))
        })
        .collect();
    params.sort_unstable();
    params.dedup();
    let mut out = Vec::with_capacity(body.len());
    for (name, value) in &params {
        out.extend_from_slice(name);
        out.extend_from_slice(value);
    }
    Some(out)
}

/// The decoded value of the first `name` param in a URL's query.
pub(crate) fn query_param(url: &[u8], name: &[u8]) -> Option<Vec<u8>> {
    let query = &url[url.iter().position(|&b| b == b'?')? + 1..];
    let query = query.split(|&b| b == b'#').next().unwrap_or(query);
    query.split(|&b| b == b'&').find_map(|pair| {
        let i = pair.iter().position(|&b| b == b'=')?;
        (decode(&pair[..i]) == name).then(|| decode(&pair[i + 1..]))
    })
}

/// Percent-decodes form text: `+` is a space, `%XX` a byte, anything malformed as sent.
fn decode(text: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                text.get(i + 1).and_then(|&b| hex(b)),
                text.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_and_decodes_params() {
        let body = b"To=%2B18005551212&From=%2B14158675309&Digits=1234&CallSid=CA1234567890ABCDE&Caller=%2B14158675309";
        let out = form(b"https://mycompany.com/myapp.php?foo=1&bar=2", body).unwrap();
        assert_eq!(
            out,
            b"CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212"
        );
        assert_eq!(decode(b"a+b%20c%zz%4"), b"a b c%zz%4");
    }

    #[test]
    fn a_body_hash_in_the_url_replaces_the_params() {
        let body = br#"{"property": "value", "boolean": true}"#;
        let url = b"https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
        assert_eq!(form(url, body), Some(Vec::new()));
        assert_eq!(form(url, b"{}"), None);
    }
}
