//! Reading the timestamps that exports carry.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// Accepts RFC 3339, `YYYY-MM-DD[ HH:MM[:SS[.f]]]` (a `T` works too) and the US form
/// `M/D/YYYY h:mm[:ss] AM/PM` that Azure Table exports use, with up to 9 fractional digits.
/// A time without an offset is UTC.
pub fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    if let Some(t) = parse_plain(s) {
        return Some(t);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    // RFC 3339 with a space instead of `T`, or a lowercase `z`.
    if let Ok(t) = DateTime::parse_from_rfc3339(&s.replacen(' ', "T", 1).replace('z', "Z")) {
        return Some(t.with_timezone(&Utc));
    }
    const NAIVE: [&str; 8] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%m/%d/%Y %I:%M:%S%.f %p",
        "%m/%d/%Y %I:%M %p",
        "%m/%d/%Y %H:%M:%S%.f",
        "%m/%d/%Y %H:%M",
    ];
    for format in NAIVE {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return Some(t.and_utc());
        }
    }
    for format in ["%Y-%m-%d", "%m/%d/%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, format) {
            return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        }
    }
    None
}

/// The common shapes `YYYY-MM-DD HH:MM:SS` and `YYYY-MM-DDTHH:MM:SSZ`, read without the
/// general parser: imports of a million rows spend real time here.
fn parse_plain(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    let utc = match b.len() {
        19 => true,
        20 if b[19] == b'Z' => true,
        _ => return None,
    };
    let shape = b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b' ' || b[10] == b'T')
        && b[13] == b':'
        && b[16] == b':';
    if !(utc && shape) {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let date = NaiveDate::from_ymd_opt(num(0, 4)? as i32, num(5, 7)?, num(8, 10)?)?;
    Some(
        date.and_hms_opt(num(11, 13)?, num(14, 16)?, num(17, 19)?)?
            .and_utc(),
    )
}

/// RFC 3339 in UTC, whole seconds: `2026-11-19T16:05:11Z`.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str, want: &str) {
        assert_eq!(
            parse_time(raw).map(format_time).as_deref(),
            Some(want),
            "{raw}"
        );
    }

    #[test]
    fn every_form_the_exports_use() {
        ok("2026-11-19T16:05:11Z", "2026-11-19T16:05:11Z");
        ok("2026-11-19T18:05:11+02:00", "2026-11-19T16:05:11Z");
        ok("2026-11-17T14:02:31.5120000Z", "2026-11-17T14:02:31Z");
        ok("2026-11-19 10:20:00", "2026-11-19T10:20:00Z");
        ok("2026-11-19T10:20:00.1234567", "2026-11-19T10:20:00Z");
        ok("2026-11-16", "2026-11-16T00:00:00Z");
        ok("11/17/2026 2:02:30 PM", "2026-11-17T14:02:30Z");
        ok("9/28/2026 12:00:00 PM", "2026-09-28T12:00:00Z");
        ok("9/28/2026 12:00:00 AM", "2026-09-28T00:00:00Z");
        ok("11/18/2026 9:15:01 am", "2026-11-18T09:15:01Z");
    }

    #[test]
    fn nonsense_is_rejected() {
        assert_eq!(parse_time("yesterday"), None);
        assert_eq!(parse_time("13/45/2026"), None);
        assert_eq!(parse_time(""), None);
    }
}
