//! Values a scheme reads from a JSON body by dotted path (Mailgun's signature fields).

use serde_json::Value;

use crate::Error;

/// The largest body read for its fields, in bytes; a larger one is `invalid_header`.
pub const MAX_FIELDS_BODY: usize = 1 << 20;

/// Reads each dotted path of `paths` from `body`, in order: a string gives its text, a
/// number its JSON text; anything else (absent, null, an object) is `None`.
///
/// A body that is not JSON, nested deeper than serde_json's limit of 128, or larger than
/// [`MAX_FIELDS_BODY`] is `invalid_header` (as [`Error::InvalidBody`]).
pub(crate) fn read<'p>(
    body: &[u8],
    paths: impl Iterator<Item = &'p str>,
) -> Result<Vec<Option<Vec<u8>>>, Error> {
    if body.len() > MAX_FIELDS_BODY {
        return Err(Error::InvalidBody {
            reason: "the body is larger than 1 MiB",
        });
    }
    let root: Value = serde_json::from_slice(body).map_err(|e| Error::InvalidBody {
        reason: if e.is_syntax() && e.to_string().contains("recursion limit") {
            "the JSON is nested too deeply"
        } else {
            "the body is not a JSON document"
        },
    })?;
    Ok(paths
        .map(|path| {
            let value = path
                .split('.')
                .try_fold(&root, |node, key| node.as_object()?.get(key))?;
            match value {
                Value::String(text) => Some(text.as_bytes().to_vec()),
                Value::Number(n) => Some(n.to_string().into_bytes()),
                _ => None,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_strings_and_numbers_by_path() {
        let body = br#"{"signature": {"timestamp": "1403645220", "token": "t", "n": 7}}"#;
        let got = read(
            body,
            [
                "signature.timestamp",
                "signature.token",
                "signature.n",
                "x.y",
            ]
            .into_iter(),
        )
        .unwrap();
        assert_eq!(
            got,
            [
                Some(b"1403645220".to_vec()),
                Some(b"t".to_vec()),
                Some(b"7".to_vec()),
                None
            ]
        );
    }

    #[test]
    fn hostile_bodies_are_typed_errors() {
        let deep = "[".repeat(100_000);
        for body in [
            &b"not json"[..],
            deep.as_bytes(),
            &vec![b' '; MAX_FIELDS_BODY + 1],
        ] {
            let err = read(body, ["a"].into_iter()).unwrap_err();
            assert_eq!(err.code(), "invalid_header");
        }
    }
}
