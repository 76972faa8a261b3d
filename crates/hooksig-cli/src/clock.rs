//! The time, as Unix seconds and as the log's `YYYY-MM-DDTHH:MM:SSZ`.

/// Now, in Unix seconds.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A timestamp an hour older than a window of `tolerance` seconds (the default window when
/// `None`) allows: what `send --tamper timestamp` and the inspector's stale copy sign with.
pub fn stale(tolerance: Option<u64>) -> u64 {
    unix_now().saturating_sub(tolerance.unwrap_or(hooksig::DEFAULT_TOLERANCE) + 3600)
}

/// Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (the core's RFC 3339 form).
pub fn rfc3339(secs: u64) -> String {
    hooksig::TimestampFormat::Rfc3339.format(secs)
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_formats_known_instants() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(super::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }
}
