//! Verification: the normative rules of DESIGN.md, in order.

use core::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use subtle::Choice;
use zeroize::Zeroize;

use crate::config::{Compiled, Config};
use crate::encoding::MAX_MAC_LEN;
use crate::{Error, Headers, Scheme};

/// The most signature items one header may hold; more is `invalid_header`.
pub const MAX_SIGNATURE_ITEMS: usize = 32;

/// The longest header value read, in bytes after trimming; longer is `invalid_header`.
pub const MAX_HEADER_LEN: usize = 8192;

/// The longest timestamp, in digits; 18 digits always fit in a `u64`.
const MAX_TIMESTAMP_DIGITS: usize = 18;

/// Verifies webhook requests for one scheme under one or more secrets.
///
/// Built once (all configuration errors surface here), then shared: it is
/// immutable, `Send` and `Sync`. Verifying allocates nothing.
///
/// ```
/// use hooksig::{Config, Verifier};
///
/// // GitHub's documented example.
/// let verifier = Verifier::new(&Config::preset("github")?.secret("It's a Secret to Everybody"))?;
/// let headers = [(
///     "X-Hub-Signature-256",
///     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
/// )];
/// let verified = verifier.verify(b"Hello, World!", &headers)?;
/// assert_eq!(verified.secret_index, 0);
///
/// let err = verifier.verify(b"Hello, World?", &headers).unwrap_err();
/// assert_eq!(err.code(), "signature_mismatch");
/// # Ok::<(), hooksig::Error>(())
/// ```
pub struct Verifier {
    inner: Compiled,
}

/// What a successful verification established.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified<'h> {
    /// The timestamp sent, in Unix seconds, when the scheme has one.
    pub timestamp: Option<u64>,
    /// The message id sent, when the scheme has an id header.
    pub id: Option<&'h [u8]>,
    /// Which secret matched (0 is the first): watch it to finish a rotation.
    pub secret_index: usize,
}

impl Verified<'_> {
    /// Returns the id as text, when there is one and it is UTF-8.
    pub fn id_str(&self) -> Option<&str> {
        self.id.and_then(|id| core::str::from_utf8(id).ok())
    }
}

impl Verifier {
    /// Builds a verifier, checking the scheme, secrets and params.
    pub fn new(config: &Config) -> Result<Self, Error> {
        Ok(Verifier {
            inner: config.compile()?,
        })
    }

    /// Returns the scheme this verifier checks.
    pub fn scheme(&self) -> &Scheme {
        &self.inner.scheme
    }

    /// Returns the replay window in force, in seconds (`None`: no window).
    pub fn tolerance(&self) -> Option<u64> {
        self.inner.tolerance
    }

    /// Returns the names of the headers verify reads: the signature header, then the
    /// timestamp and id headers when the scheme has them.
    ///
    /// Every other header is ignored, and names match ASCII-case-insensitively, so a
    /// binding may pass only the headers whose names equal one of these (ignoring case)
    /// instead of converting all of them.
    ///
    /// ```
    /// use hooksig::{Config, Verifier};
    ///
    /// let verifier = Verifier::new(&Config::preset("svix")?.secret("whsec_c2VjcmV0"))?;
    /// let names: Vec<&str> = verifier.header_names().collect();
    /// assert_eq!(names, ["svix-signature", "svix-timestamp", "svix-id"]);
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn header_names(&self) -> impl Iterator<Item = &str> {
        let c = &self.inner;
        [
            Some(&c.signature_header),
            c.timestamp_header.as_ref(),
            c.id_header.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(|name| &**name)
    }

    /// Returns whether verify reads a header of this name (ASCII case ignored): the one
    /// rule a binding needs to skip converting the headers verify would ignore.
    ///
    /// ```
    /// use hooksig::{Config, Verifier};
    ///
    /// let verifier = Verifier::new(&Config::preset("github")?.secret("s"))?;
    /// assert!(verifier.reads_header(b"x-hub-signature-256"));
    /// assert!(!verifier.reads_header(b"Content-Type"));
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn reads_header(&self, name: &[u8]) -> bool {
        self.inner.slot(name).is_some()
    }

    /// Returns how many secrets are accepted.
    pub fn secret_count(&self) -> usize {
        self.inner.keys.len()
    }

    /// Verifies a request against the system clock.
    ///
    /// `body` must be the raw request bytes, exactly as received.
    pub fn verify<'h, H: Headers + ?Sized>(
        &self,
        body: &[u8],
        headers: &'h H,
    ) -> Result<Verified<'h>, Error> {
        // The clock is read only when a timestamp is checked against a window.
        self.verify_when(body, headers, unix_now)
    }

    /// Returns whether a request verifies against the system clock.
    pub fn is_valid<H: Headers + ?Sized>(&self, body: &[u8], headers: &H) -> bool {
        self.verify(body, headers).is_ok()
    }

    /// Verifies a request as if the time were `now` (Unix seconds).
    pub fn verify_at<'h, H: Headers + ?Sized>(
        &self,
        body: &[u8],
        headers: &'h H,
        now: u64,
    ) -> Result<Verified<'h>, Error> {
        self.verify_when(body, headers, || now)
    }

    /// Verifies a request; `now` is called only when a timestamp meets a window.
    fn verify_when<'h, H: Headers + ?Sized>(
        &self,
        body: &[u8],
        headers: &'h H,
        now: impl FnOnce() -> u64,
    ) -> Result<Verified<'h>, Error> {
        let c = &self.inner;
        let found = Found::collect(c, headers);
        let signature = required(&c.signature_header, found.signature)?;
        let timestamp_header = match &c.timestamp_header {
            Some(name) => Some((name, required(name, found.timestamp)?)),
            None => None,
        };
        let id = match &c.id_header {
            Some(name) => Some(required(name, found.id)?),
            None => None,
        };
        let items = Items::new(c, signature);
        let (count, field_timestamp) = items.scan(&c.signature_header)?;
        if count == 0 {
            return Err(Error::InvalidHeader {
                header: c.signature_header.clone(),
                reason: if c.fields.is_some() {
                    "no signature field in it: check the scheme's fields.signature key"
                } else {
                    "no signature item in it: check the scheme's prefix and separator"
                },
            });
        }
        let (timestamp_text, timestamp) = match (timestamp_header, field_timestamp) {
            (Some((name, text)), _) => (text, Some(parse_timestamp(name, text)?)),
            (None, Some(text)) => (text, Some(parse_timestamp(&c.signature_header, text)?)),
            (None, None) => (&b""[..], None),
        };
        if let (Some(tolerance), Some(timestamp)) = (c.tolerance, timestamp) {
            check_window(timestamp, now(), tolerance)?;
        }

        let mut expected = [0u8; MAX_MAC_LEN];
        let mut matched = None;
        for (index, key) in c.keys.iter().enumerate() {
            let len = c.mac(key, body, timestamp_text, id.unwrap_or(b""), &mut expected);
            let mut hit = Choice::from(0);
            for text in items.candidates() {
                hit |= c.encoding.matches(text, &expected[..len]);
            }
            if bool::from(hit) {
                matched = Some(index);
                break;
            }
        }
        expected.zeroize();
        match matched {
            Some(secret_index) => Ok(Verified {
                timestamp,
                id,
                secret_index,
            }),
            None => Err(Error::SignatureMismatch),
        }
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("scheme", &self.inner.scheme)
            .field("secrets", &self.inner.keys.len())
            .field("tolerance", &self.inner.tolerance)
            .finish()
    }
}

/// Returns the system clock in Unix seconds (0 before 1970).
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The values of the scheme's headers, found in one pass.
#[derive(Default)]
struct Found<'h> {
    signature: Lookup<'h>,
    timestamp: Lookup<'h>,
    id: Lookup<'h>,
}

#[derive(Clone, Copy, Default)]
enum Lookup<'h> {
    #[default]
    Absent,
    One(&'h [u8]),
    Repeated,
}

impl<'h> Lookup<'h> {
    fn add(&mut self, value: &'h [u8]) {
        *self = match self {
            Lookup::Absent => Lookup::One(value),
            _ => Lookup::Repeated,
        };
    }
}

impl<'h> Found<'h> {
    fn collect<H: Headers + ?Sized>(c: &Compiled, headers: &'h H) -> Self {
        let mut found = Found::default();
        headers.visit(&mut |name, value| match c.slot(name) {
            Some(Slot::Signature) => found.signature.add(value),
            Some(Slot::Timestamp) => found.timestamp.add(value),
            Some(Slot::Id) => found.id.add(value),
            None => {}
        });
        found
    }
}

/// Which of the scheme's headers a name is.
enum Slot {
    Signature,
    Timestamp,
    Id,
}

impl Compiled {
    /// Matches a header name against the scheme's, ASCII case ignored.
    fn slot(&self, name: &[u8]) -> Option<Slot> {
        let is = |wanted: &Option<Arc<str>>| {
            wanted
                .as_deref()
                .is_some_and(|w| name.eq_ignore_ascii_case(w.as_bytes()))
        };
        if name.eq_ignore_ascii_case(self.signature_header.as_bytes()) {
            Some(Slot::Signature)
        } else if is(&self.timestamp_header) {
            Some(Slot::Timestamp)
        } else if is(&self.id_header) {
            Some(Slot::Id)
        } else {
            None
        }
    }
}

/// Rule 1: present, not repeated, not empty after trimming, not huge.
fn required<'h>(header: &Arc<str>, lookup: Lookup<'h>) -> Result<&'h [u8], Error> {
    let value = match lookup {
        Lookup::Absent => &b""[..],
        Lookup::One(value) => trim(value),
        Lookup::Repeated => {
            return Err(Error::InvalidHeader {
                header: header.clone(),
                reason: "it appears more than once; a request must carry it once",
            });
        }
    };
    if value.is_empty() {
        return Err(Error::MissingHeader {
            header: header.clone(),
        });
    }
    if value.len() > MAX_HEADER_LEN {
        return Err(Error::InvalidHeader {
            header: header.clone(),
            reason: "the value is longer than 8192 bytes",
        });
    }
    Ok(value)
}

/// Trims spaces and tabs (and nothing else) from both ends.
fn trim(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

/// Rule 3: ASCII digits only, at most 18 of them.
fn parse_timestamp(header: &Arc<str>, text: &[u8]) -> Result<u64, Error> {
    if text.is_empty() || text.len() > MAX_TIMESTAMP_DIGITS || !text.iter().all(u8::is_ascii_digit)
    {
        return Err(Error::InvalidHeader {
            header: header.clone(),
            reason: "the timestamp must be Unix seconds: 1 to 18 ASCII digits",
        });
    }
    Ok(text.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0')))
}

/// Rule 4: within `tolerance` seconds of `now`, both bounds inclusive.
fn check_window(timestamp: u64, now: u64, tolerance: u64) -> Result<(), Error> {
    if timestamp.saturating_add(tolerance) < now {
        return Err(Error::TimestampTooOld {
            timestamp,
            now,
            tolerance,
        });
    }
    if timestamp > now.saturating_add(tolerance) {
        return Err(Error::TimestampInFuture {
            timestamp,
            now,
            tolerance,
        });
    }
    Ok(())
}

/// The signature header split into items (rule 2).
#[derive(Clone, Copy)]
struct Items<'a> {
    c: &'a Compiled,
    value: &'a [u8],
}

impl<'a> Items<'a> {
    fn new(c: &'a Compiled, value: &'a [u8]) -> Self {
        Items { c, value }
    }

    /// The raw, trimmed, non-empty pieces of the header.
    fn pieces(self) -> impl Iterator<Item = &'a [u8]> {
        let separator: &[u8] = match (&self.c.fields, &self.c.separator) {
            (Some(fields), _) => fields.separator.as_bytes(),
            (None, Some(separator)) => separator,
            (None, None) => &[],
        };
        Split::new(self.value, separator)
            .map(trim)
            .filter(|item| !item.is_empty())
    }

    /// The encoded signatures, prefix stripped, items without it skipped.
    fn candidates(self) -> impl Iterator<Item = &'a [u8]> {
        let c = self.c;
        self.pieces().filter_map(move |item| match &c.fields {
            Some(fields) => field(item, &fields.signature),
            None => item.strip_prefix(&*c.prefix),
        })
    }

    /// Counts the candidates and finds the timestamp field in one pass, checking the caps.
    fn scan(self, header: &Arc<str>) -> Result<(usize, Option<&'a [u8]>), Error> {
        let invalid = |reason| Error::InvalidHeader {
            header: header.clone(),
            reason,
        };
        let c = self.c;
        let timestamp_key = c.fields.as_ref().and_then(|f| f.timestamp.as_deref());
        let (mut count, mut timestamp) = (0, None);
        for item in self.pieces() {
            let is_candidate = match &c.fields {
                Some(fields) => field(item, &fields.signature).is_some(),
                None => item.starts_with(&c.prefix),
            };
            count += usize::from(is_candidate);
            if let Some(value) = timestamp_key.and_then(|key| field(item, key)) {
                if timestamp.replace(value).is_some() {
                    return Err(invalid("it has more than one timestamp field"));
                }
            }
        }
        if count > MAX_SIGNATURE_ITEMS {
            return Err(invalid("it holds more than 32 signatures"));
        }
        if timestamp_key.is_some() && timestamp.is_none() {
            return Err(invalid("it has no timestamp field"));
        }
        Ok((count, timestamp))
    }
}

/// Returns the value of a `key=value` item when its key is `key`.
fn field<'a>(item: &'a [u8], key: &str) -> Option<&'a [u8]> {
    item.strip_prefix(key.as_bytes())?.strip_prefix(b"=")
}

/// Splits bytes on a separator of any length; an empty separator yields the whole.
struct Split<'a> {
    rest: Option<&'a [u8]>,
    separator: &'a [u8],
}

impl<'a> Split<'a> {
    fn new(bytes: &'a [u8], separator: &'a [u8]) -> Self {
        Split {
            rest: Some(bytes),
            separator,
        }
    }
}

impl<'a> Iterator for Split<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        let n = self.separator.len();
        let at = match self.separator.first() {
            None => None,
            // Scan for the first byte, then check the rest: no per-byte slice compare.
            Some(&first) => {
                (0..rest.len()).find(|&i| rest[i] == first && rest[i..].starts_with(self.separator))
            }
        };
        match at {
            Some(i) => {
                self.rest = Some(&rest[i + n..]);
                Some(&rest[..i])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_handles_long_separators_and_edges() {
        let parts: Vec<&[u8]> = Split::new(b"a, b, , c", b", ").collect();
        assert_eq!(parts, [&b"a"[..], b"b", b"", b"c"]);
        let whole: Vec<&[u8]> = Split::new(b"abc", b"").collect();
        assert_eq!(whole, [&b"abc"[..]]);
    }

    #[test]
    fn window_bounds_are_inclusive() {
        assert!(check_window(700, 1000, 300).is_ok());
        assert!(check_window(1300, 1000, 300).is_ok());
        assert_eq!(
            check_window(699, 1000, 300).unwrap_err().code(),
            "timestamp_too_old"
        );
        assert_eq!(
            check_window(1301, 1000, 300).unwrap_err().code(),
            "timestamp_in_future"
        );
        assert!(check_window(u64::MAX, u64::MAX, u64::MAX).is_ok());
    }

    #[test]
    fn timestamps_are_plain_digits() {
        let h: Arc<str> = "t".into();
        assert_eq!(parse_timestamp(&h, b"0001").unwrap(), 1);
        assert_eq!(
            parse_timestamp(&h, b"999999999999999999").unwrap(),
            999_999_999_999_999_999
        );
        for bad in [
            &b""[..],
            b"1e9",
            b"+1",
            b"-1",
            b"1234567890123456789",
            "١".as_bytes(),
        ] {
            assert_eq!(
                parse_timestamp(&h, bad).unwrap_err().code(),
                "invalid_header"
            );
        }
    }
}
