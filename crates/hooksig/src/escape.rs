//! The body as Box may sign it: escaped to printable ASCII (`body_escape: "ascii"`).

/// Returns whether the escaped form of `body` differs from it, or `None` when the body is
/// not UTF-8 (a provider that escapes text has no escaped form of it).
pub(crate) fn differs(body: &[u8]) -> Option<bool> {
    let text = std::str::from_utf8(body).ok()?;
    Some(
        text.bytes()
            .any(|b| !(0x20..=0x7e).contains(&b) || b == b'\\'),
    )
}

/// Feeds the escaped form of a UTF-8 `body` to `sink`, a piece at a time (no copy of the
/// whole): every backslash not followed by `/` doubled; LF, CR and TAB as `\n`, `\r`, `\t`;
/// any other character outside 0x20..=0x7E as `\uXXXX` in lower-case hex (a UTF-16
/// surrogate pair above U+FFFF). The rules of Box's Python SDK (`escape_unicode`).
pub(crate) fn ascii(body: &str, sink: &mut impl FnMut(&[u8])) {
    let bytes = body.as_bytes();
    let mut plain = 0; // start of the run of bytes copied as they are
    let mut chars = body.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let mut units = [0u16; 2];
        let replacement: Option<&[u8]> = match c {
            '\\' if chars.peek().map(|&(_, next)| next) != Some('/') => Some(b"\\\\"),
            '\n' => Some(b"\\n"),
            '\r' => Some(b"\\r"),
            '\t' => Some(b"\\t"),
            ' '..='~' => None,
            _ => {
                flush(bytes, &mut plain, at, sink);
                for unit in c.encode_utf16(&mut units) {
                    let mut out = *b"\\u0000";
                    out[2..].copy_from_slice(
                        base16ct::lower::encode_string(&unit.to_be_bytes()).as_bytes(),
                    );
                    sink(&out);
                }
                plain = at + c.len_utf8();
                continue;
            }
        };
        if let Some(replacement) = replacement {
            flush(bytes, &mut plain, at, sink);
            sink(replacement);
            plain = at + c.len_utf8();
        }
    }
    flush(bytes, &mut plain, bytes.len(), sink);
}

fn flush(bytes: &[u8], plain: &mut usize, end: usize, sink: &mut impl FnMut(&[u8])) {
    if *plain < end {
        sink(&bytes[*plain..end]);
    }
    *plain = end;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str) -> String {
        let mut out = Vec::new();
        ascii(text, &mut |piece| out.extend_from_slice(piece));
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_as_box_python_sdk_does() {
        assert_eq!(escaped("plain {\"a\":1}"), "plain {\"a\":1}");
        assert_eq!(escaped("a\\b \\/ \\\\"), "a\\\\b \\/ \\\\\\\\");
        assert_eq!(escaped("\n\r\t\u{7f}\u{1}"), "\\n\\r\\t\\u007f\\u0001");
        assert_eq!(escaped("スク"), "\\u30b9\\u30af");
        assert_eq!(escaped("😀 x"), "\\ud83d\\ude00 x");
        assert_eq!(differs(b"plain"), Some(false));
        assert_eq!(differs(b"a\\/"), Some(true));
        assert_eq!(differs(b"\xff"), None);
    }
}
