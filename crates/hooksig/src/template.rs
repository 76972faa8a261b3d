//! The message template, parsed once into the pieces the MAC is fed.

use std::collections::BTreeMap;

use crate::Error;

/// One piece of a parsed template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    /// Fixed bytes: template text, or a param's value.
    Literal(Box<[u8]>),
    /// The raw request body.
    Body,
    /// The timestamp exactly as sent.
    Timestamp,
    /// The message id exactly as sent.
    Id,
    /// The URL the provider called (scheme, host, path, query), from the request context.
    Url,
    /// The request method, from the request context.
    Method,
    /// The path and query of the URL.
    Path,
    /// The form body's params sorted by name, each name then value (Twilio).
    Form,
    /// Another header's value, by name (only before `Compiled` resolves it to a slot).
    Header(Box<str>),
    /// Another header's value, by its slot in the compiled scheme.
    HeaderSlot(usize),
    /// A value read from the JSON body, by its name in `body_fields`.
    BodyField(Box<str>),
    /// A construction param, by name (only before [`Template::bind`]).
    Param(Box<str>),
}

impl Part {
    /// Returns true for the pieces that come from the request line, which verify needs
    /// in its context (`url`, `method`).
    pub(crate) fn is_request_line(&self) -> bool {
        matches!(self, Part::Url | Part::Method | Part::Path)
    }
}

/// A parsed message template: `{body}`, `{timestamp}`, `{id}`, `{url}`, `{method}`,
/// `{path}`, `{form}`, `{header:NAME}`, `{body_field:NAME}`, `{NAME}`; `{{` and `}}` are braces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Parses a template, rejecting unbalanced braces and bad names.
    pub(crate) fn parse(text: &str) -> Result<Self, Error> {
        let bad = || {
            Error::scheme(
                "message",
                format!(
                    "`{text}` has a bad placeholder: names are letters, digits and `_` inside \
                     `{{}}` (`{{header:NAME}}` takes a header name); write `{{{{` for a brace"
                ),
            )
        };
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) if c.is_ascii_graphic() && c != '{' => name.push(c),
                            _ => return Err(bad()),
                        }
                    }
                    if name.is_empty() {
                        return Err(Error::scheme(
                            "message",
                            format!("`{text}` has an empty `{{}}`"),
                        ));
                    }
                    let part = placeholder(&name).ok_or_else(bad)?;
                    if !literal.is_empty() {
                        parts.push(Part::Literal(
                            std::mem::take(&mut literal).into_bytes().into(),
                        ));
                    }
                    parts.push(part);
                }
                '}' => {
                    return Err(Error::scheme(
                        "message",
                        format!("`{text}` has a lone `}}`; write `}}}}` for a brace"),
                    ));
                }
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(literal.into_bytes().into()));
        }
        if parts.is_empty() {
            return Err(Error::scheme("message", "is empty"));
        }
        Ok(Template { parts })
    }

    /// Returns the pieces.
    pub(crate) fn parts(&self) -> &[Part] {
        &self.parts
    }

    pub(crate) fn uses_timestamp(&self) -> bool {
        self.parts.contains(&Part::Timestamp)
    }

    pub(crate) fn uses_id(&self) -> bool {
        self.parts.contains(&Part::Id)
    }

    /// Returns the first param the template needs that `params` lacks.
    pub(crate) fn missing_param(&self, params: &BTreeMap<String, String>) -> Option<&str> {
        self.parts.iter().find_map(|part| match part {
            Part::Param(name) if !params.contains_key(&**name) => Some(&**name),
            _ => None,
        })
    }

    /// Replaces params by their values and merges neighbouring literals.
    ///
    /// The caller has checked [`Template::missing_param`] first.
    pub(crate) fn bind(&self, params: &BTreeMap<String, String>) -> Vec<Part> {
        let mut out: Vec<Part> = Vec::with_capacity(self.parts.len());
        for part in &self.parts {
            let part = match part {
                Part::Param(name) => Part::Literal(params[&**name].as_bytes().into()),
                other => other.clone(),
            };
            match (out.last_mut(), part) {
                (Some(Part::Literal(prev)), Part::Literal(next)) => {
                    let mut joined = prev.to_vec();
                    joined.extend_from_slice(&next);
                    *prev = joined.into();
                }
                (_, part) => out.push(part),
            }
        }
        out
    }
}

/// The piece a `{name}` stands for; `None` when the name is malformed.
fn placeholder(name: &str) -> Option<Part> {
    let identifier =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if let Some(header) = name.strip_prefix("header:") {
        return crate::scheme::is_header_name(header).then(|| Part::Header(header.into()));
    }
    if let Some(field) = name.strip_prefix("body_field:") {
        return identifier(field).then(|| Part::BodyField(field.into()));
    }
    if !identifier(name) {
        return None;
    }
    Some(match name {
        "body" => Part::Body,
        "timestamp" => Part::Timestamp,
        "id" => Part::Id,
        "url" => Part::Url,
        "method" => Part::Method,
        "path" => Part::Path,
        "form" => Part::Form,
        _ => Part::Param(name.into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Part {
        Part::Literal(s.as_bytes().into())
    }

    #[test]
    fn parses_placeholders_and_literals() {
        let t = Template::parse("v0:{timestamp}:{body}").unwrap();
        assert_eq!(t.parts, [lit("v0:"), Part::Timestamp, lit(":"), Part::Body]);
        let t = Template::parse("{method}{url}{header:X-Ts}{body_field:token}{form}").unwrap();
        assert_eq!(
            t.parts,
            [
                Part::Method,
                Part::Url,
                Part::Header("X-Ts".into()),
                Part::BodyField("token".into()),
                Part::Form
            ]
        );
    }

    #[test]
    fn binds_params_into_literals() {
        let t = Template::parse("{{{a}-{b}}}").unwrap();
        let params = BTreeMap::from([("a".into(), "1".into()), ("b".into(), "2".into())]);
        assert_eq!(t.missing_param(&BTreeMap::new()), Some("a"));
        assert_eq!(t.bind(&params), [lit("{1-2}")]);
    }

    #[test]
    fn rejects_bad_templates() {
        for bad in [
            "",
            "{",
            "{}",
            "}",
            "{bo dy}",
            "{body",
            "{header:}",
            "{header:a b}",
            "{body_field:a.b}",
            "{x:y}",
        ] {
            let err = Template::parse(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_scheme", "{bad:?}");
        }
    }
}
