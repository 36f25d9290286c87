//! Reading the timestamps that exports carry, and the zone times are shown in.

use chrono::{DateTime, Datelike, FixedOffset, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// How times are shown: the system's zone (`TZ`, else the system's setting), a zone of the
/// IANA database (`time_zone` in the settings), or a fixed offset (tests pin it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zone {
    Local,
    Named(chrono_tz::Tz),
    Fixed(FixedOffset),
}

impl Zone {
    pub fn format(self, t: DateTime<Utc>, pattern: &str) -> String {
        match self {
            Zone::Local => t.with_timezone(&Local).format(pattern).to_string(),
            Zone::Named(tz) => t.with_timezone(&tz).format(pattern).to_string(),
            Zone::Fixed(offset) => t.with_timezone(&offset).format(pattern).to_string(),
        }
    }

    /// A zone by its IANA name (`Europe/Berlin`, `America/New_York`, `UTC`).
    pub fn named(name: &str) -> Option<Zone> {
        name.parse::<chrono_tz::Tz>().ok().map(Zone::Named)
    }

    /// The calendar day `t` falls on in this zone.
    pub fn date_of(self, t: DateTime<Utc>) -> NaiveDate {
        self.local(t).date()
    }

    /// The wall-clock time `t` shows in this zone.
    pub fn local(self, t: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Zone::Local => t.with_timezone(&Local).naive_local(),
            Zone::Named(tz) => t.with_timezone(&tz).naive_local(),
            Zone::Fixed(offset) => t.with_timezone(&offset).naive_local(),
        }
    }

    /// The instant a wall-clock time of this zone names. A time a daylight-saving change
    /// skips is read as the same time an hour later; one it repeats, as the earlier.
    pub fn instant(self, wall: NaiveDateTime) -> DateTime<Utc> {
        fn pick<Tz: TimeZone>(tz: &Tz, wall: NaiveDateTime) -> DateTime<Utc> {
            let found = tz.from_local_datetime(&wall).earliest().or_else(|| {
                tz.from_local_datetime(&(wall + chrono::Duration::hours(1)))
                    .earliest()
            });
            found.map_or_else(|| wall.and_utc(), |t| t.with_timezone(&Utc))
        }
        match self {
            Zone::Local => pick(&Local, wall),
            Zone::Named(tz) => pick(&tz, wall),
            Zone::Fixed(offset) => pick(&offset, wall),
        }
    }

    /// The first instant of the local day after the one `t` falls on ("the end of today").
    pub fn end_of_day(self, t: DateTime<Utc>) -> DateTime<Utc> {
        let next = self.date_of(t).succ_opt().unwrap_or(NaiveDate::MAX);
        self.instant(next.and_time(chrono::NaiveTime::MIN))
    }

    /// `days` calendar days after `t`, at the same local time (across a daylight-saving
    /// change that is 23 or 25 hours a day).
    pub fn add_days(self, t: DateTime<Utc>, days: i64) -> DateTime<Utc> {
        self.instant(self.local(t) + chrono::Duration::days(days))
    }
}

/// How a time is shown: in a zone, with a date format (`strftime`'s: `%Y-%m-%d %H:%M`).
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub zone: Zone,
    pub pattern: String,
}

impl Shown {
    pub fn time(&self, t: DateTime<Utc>) -> String {
        self.zone.format(t, &self.pattern)
    }
}

/// Whether `pattern` is a date format chrono can write (`%Y-%m-%d %H:%M`): an unknown or
/// unfinished `%` sequence is not, and would fail each time a time is shown.
pub fn is_date_format(pattern: &str) -> bool {
    use chrono::format::{Item, StrftimeItems};
    !pattern.trim().is_empty()
        && StrftimeItems::new(pattern).all(|item| !matches!(item, Item::Error))
}

/// The years a time may fall in (in UTC). Leads, touches and the clock are all in this
/// range; outside it a time is a typo or hostile (year 9999 plus a day of SLA would print as
/// `+10000-01-01...`, which is no RFC 3339), and every time leadbox writes stays RFC 3339.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// Why a time was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeProblem {
    /// In none of the accepted forms.
    Unreadable,
    /// A readable time in this year (UTC), outside [`YEARS`].
    OutOfRange(i32),
}

impl TimeProblem {
    /// What is wrong with `raw`, for a message.
    pub fn describe(self, raw: &str) -> String {
        match self {
            TimeProblem::Unreadable => format!("cannot read the time '{raw}'"),
            TimeProblem::OutOfRange(year) => format!(
                "the time '{raw}' is in the year {year}, outside {}-{}",
                YEARS.start(),
                YEARS.end()
            ),
        }
    }
}

/// [`read_time`], without the reason.
pub fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    read_time(raw).ok()
}

/// Accepts RFC 3339, `YYYY-MM-DD[ HH:MM[:SS[.f]]]` (a `T` works too) and the US form
/// `M/D/YYYY h:mm[:ss] AM/PM` that Azure Table exports use, with up to 9 fractional digits,
/// in the years [`YEARS`]. A time without an offset is UTC.
pub fn read_time(raw: &str) -> Result<DateTime<Utc>, TimeProblem> {
    let time = parse_any(raw).ok_or(TimeProblem::Unreadable)?;
    match time.year() {
        year if YEARS.contains(&year) => Ok(time),
        year => Err(TimeProblem::OutOfRange(year)),
    }
}

fn parse_any(raw: &str) -> Option<DateTime<Utc>> {
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

    #[test]
    fn only_the_years_1900_to_2200_are_times() {
        ok("1900-01-01T00:00:00Z", "1900-01-01T00:00:00Z");
        ok("2200-12-31T23:59:59Z", "2200-12-31T23:59:59Z");
        for (raw, year) in [
            ("1800-06-01T00:00:00Z", 1800),
            ("1899-12-31 23:59:59", 1899),
            ("2300-01-01", 2300),
            ("2201-01-01T00:00:00Z", 2201),
            ("9999-12-31T23:59:59Z", 9999),
            // Within range as written, past it in UTC.
            ("2200-12-31T23:30:00-01:00", 2201),
            ("12/31/9999 11:59:59 PM", 9999),
            ("0001-01-01T00:00:00Z", 1),
        ] {
            assert_eq!(read_time(raw), Err(TimeProblem::OutOfRange(year)), "{raw}");
            assert_eq!(parse_time(raw), None, "{raw}");
        }
        assert_eq!(
            TimeProblem::OutOfRange(9999).describe("9999-12-31"),
            "the time '9999-12-31' is in the year 9999, outside 1900-2200"
        );
        assert_eq!(read_time("soon"), Err(TimeProblem::Unreadable));
    }
}
