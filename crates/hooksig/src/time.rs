//! Timestamps as providers write them, and the replay window (rules 3 and 4).

use std::time::{SystemTime, UNIX_EPOCH};

use crate::scheme::TimestampFormat;

/// The longest Unix timestamp, in digits; 18 digits always fit in a `u64`.
const MAX_DIGITS: usize = 18;

/// The longest RFC 3339 timestamp read, in bytes (a long fraction is allowed, not a novel).
const MAX_RFC3339_LEN: usize = 64;

/// Returns the system clock in Unix seconds (0 before 1970).
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Reads a timestamp in `format` as Unix seconds (milliseconds are floored), or says
/// what is wrong with it.
pub(crate) fn parse(format: TimestampFormat, text: &[u8]) -> Result<u64, &'static str> {
    match format {
        TimestampFormat::Unix => {
            digits(text).ok_or("the timestamp must be Unix seconds: 1 to 18 ASCII digits")
        }
        TimestampFormat::UnixMs => digits(text)
            .map(|ms| ms / 1000)
            .ok_or("the timestamp must be Unix milliseconds: 1 to 18 ASCII digits"),
        TimestampFormat::Rfc3339 => parse_rfc3339(text).ok_or(
            "the timestamp must be an RFC 3339 date and time after 1970, such as \
             2024-01-31T12:00:00Z or 2024-01-31T12:00:00.5+02:00",
        ),
    }
}

/// 1 to 18 ASCII digits (leading zeros allowed) as a number.
fn digits(text: &[u8]) -> Option<u64> {
    if text.is_empty() || text.len() > MAX_DIGITS || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(text.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0')))
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`, `T` and `Z` in either case, a leap
/// second (`:60`) counted as the next second; `None` for anything else or before 1970.
fn parse_rfc3339(text: &[u8]) -> Option<u64> {
    if text.len() < 20 || text.len() > MAX_RFC3339_LEN {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let expect = |at: usize, wanted: &[u8]| text.get(at).is_some_and(|c| wanted.contains(c));
    if !(expect(4, b"-")
        && expect(7, b"-")
        && expect(10, b"Tt")
        && expect(13, b":")
        && expect(16, b":"))
    {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &text[19..];
    if let [b'.', fraction @ ..] = rest {
        let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = &fraction[n..];
    }
    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let two = |a: u8, b: u8| -> Option<i64> {
                (a.is_ascii_digit() && b.is_ascii_digit())
                    .then(|| i64::from(a - b'0') * 10 + i64::from(b - b'0'))
            };
            let (h, m) = (two(*h1, *h2)?, two(*m1, *m2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            if *sign == b'+' { minutes } else { -minutes }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset * 60;
    u64::try_from(seconds).ok()
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl TimestampFormat {
    /// Returns the text a provider writes for a time in Unix seconds: digits, digits of
    /// milliseconds, or `YYYY-MM-DDTHH:MM:SSZ`.
    ///
    /// ```
    /// use hooksig::TimestampFormat;
    ///
    /// assert_eq!(TimestampFormat::Unix.format(1_700_000_000), "1700000000");
    /// assert_eq!(TimestampFormat::UnixMs.format(1_700_000_000), "1700000000000");
    /// assert_eq!(TimestampFormat::Rfc3339.format(1_700_000_000), "2023-11-14T22:13:20Z");
    /// ```
    pub fn format(self, seconds: u64) -> String {
        match self {
            TimestampFormat::Unix => seconds.to_string(),
            TimestampFormat::UnixMs => u128::from(seconds).saturating_mul(1000).to_string(),
            TimestampFormat::Rfc3339 => format_rfc3339(seconds),
        }
    }
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
fn format_rfc3339(seconds: u64) -> String {
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    // Civil-from-days (Howard Hinnant), for days since 1970-01-01.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Where a timestamp stands against the window.
pub(crate) enum Window {
    /// Inside it (both bounds inclusive).
    Inside,
    /// Older than `now - tolerance`.
    TooOld,
    /// Newer than `now + tolerance`.
    InFuture,
}

/// Rule 4: within `tolerance` seconds of `now`, both bounds inclusive.
pub(crate) fn window(timestamp: u64, now: u64, tolerance: u64) -> Window {
    if timestamp.saturating_add(tolerance) < now {
        Window::TooOld
    } else if timestamp > now.saturating_add(tolerance) {
        Window::InFuture
    } else {
        Window::Inside
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_bounds_are_inclusive() {
        assert!(matches!(window(700, 1000, 300), Window::Inside));
        assert!(matches!(window(1300, 1000, 300), Window::Inside));
        assert!(matches!(window(699, 1000, 300), Window::TooOld));
        assert!(matches!(window(1301, 1000, 300), Window::InFuture));
        assert!(matches!(
            window(u64::MAX, u64::MAX, u64::MAX),
            Window::Inside
        ));
    }

    #[test]
    fn unix_timestamps_are_plain_digits() {
        let unix = |t: &[u8]| parse(TimestampFormat::Unix, t);
        assert_eq!(unix(b"0001"), Ok(1));
        assert_eq!(unix(b"999999999999999999"), Ok(999_999_999_999_999_999));
        for bad in [
            &b""[..],
            b"1e9",
            b"+1",
            b"-1",
            b"1234567890123456789",
            "١".as_bytes(),
        ] {
            assert!(unix(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            parse(TimestampFormat::UnixMs, b"1633519811129"),
            Ok(1_633_519_811)
        );
    }

    #[test]
    fn rfc3339_round_trips() {
        for seconds in [
            0,
            951_782_400,
            1_577_862_000,
            1_709_208_000,
            253_402_300_799,
        ] {
            let text = format_rfc3339(seconds);
            assert_eq!(
                parse(TimestampFormat::Rfc3339, text.as_bytes()),
                Ok(seconds),
                "{text}"
            );
        }
    }

    #[test]
    fn rfc3339_reads_offsets_fractions_and_leap_seconds() {
        let at = |t: &str| parse(TimestampFormat::Rfc3339, t.as_bytes());
        assert_eq!(at("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(at("2020-01-01T00:00:00-07:00"), Ok(1_577_862_000));
        assert_eq!(at("2023-07-15T17:16:03.17106713Z"), Ok(1_689_441_363));
        assert_eq!(at("2016-12-31t23:59:60z"), Ok(1_483_228_800));
        assert_eq!(at("2024-02-29T12:00:00+00:00"), Ok(1_709_208_000));
        assert_eq!(
            at("2023-07-15T17:16:03.123456789012345678901234567890Z"),
            Ok(1_689_441_363)
        );
        for bad in [
            "",
            "2023-02-29T00:00:00Z",
            "2023-13-01T00:00:00Z",
            "2023-01-01 00:00:00Z",
            "2023-01-01T24:00:00Z",
            "2023-01-01T00:00:61Z",
            "2023-01-01T00:00:00",
            "2023-01-01T00:00:00+2400",
            "2023-01-01T00:00:00+24:00",
            "2023-01-01T00:00:00.Z",
            "1969-12-31T23:59:59Z",
            "+2023-01-01T00:00:00Z",
            "２023-01-01T00:00:00Z",
        ] {
            assert!(at(bad).is_err(), "{bad:?}");
        }
    }
}
