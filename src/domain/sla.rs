//! The follow-up rule every view and report shares.
//!
//! A contactable lead (not DNC, not a test lead) is due for a first customer touch
//! a fixed number of hours after it arrived.

use chrono::{DateTime, Duration, Utc};
use std::fmt;
use std::str::FromStr;

use super::Action;

pub const DEFAULT_SLA_HOURS: i64 = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SlaState {
    /// DNC or test lead: no follow-up owed.
    Exempt,
    /// First customer touch by the due time.
    Met,
    /// First customer touch after the due time.
    Missed,
    /// No customer touch yet, still in time.
    Due,
    /// No customer touch and past the due time.
    Overdue,
}

impl SlaState {
    pub const ALL: [SlaState; 5] = [
        SlaState::Exempt,
        SlaState::Met,
        SlaState::Missed,
        SlaState::Due,
        SlaState::Overdue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SlaState::Exempt => "exempt",
            SlaState::Met => "met",
            SlaState::Missed => "missed",
            SlaState::Due => "due",
            SlaState::Overdue => "overdue",
        }
    }

    /// Still waiting for a first touch.
    pub fn is_open(self) -> bool {
        matches!(self, SlaState::Due | SlaState::Overdue)
    }
}

impl fmt::Display for SlaState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SlaState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SlaState::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown SLA state '{s}' (expected exempt, met, missed, due or overdue)")
            })
    }
}

pub fn is_contactable(action: Option<&Action>, is_test: bool) -> bool {
    !is_test && action != Some(&Action::Dnc)
}

/// When the first touch is owed; `None` for an exempt lead.
pub fn due_at(
    received_at: DateTime<Utc>,
    action: Option<&Action>,
    is_test: bool,
    sla_hours: i64,
) -> Option<DateTime<Utc>> {
    is_contactable(action, is_test).then(|| received_at + Duration::hours(sla_hours))
}

pub fn state(
    due_at: Option<DateTime<Utc>>,
    first_touch_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> SlaState {
    match (due_at, first_touch_at) {
        (None, _) => SlaState::Exempt,
        (Some(due), Some(touch)) if touch <= due => SlaState::Met,
        (Some(_), Some(_)) => SlaState::Missed,
        (Some(due), None) if now < due => SlaState::Due,
        (Some(_), None) => SlaState::Overdue,
    }
}

/// Compact countdown for lists: `3h12m left`, `overdue 5h`, `met`, `DNC`.
pub fn countdown(
    state: SlaState,
    due_at: Option<DateTime<Utc>>,
    is_dnc: bool,
    now: DateTime<Utc>,
) -> String {
    match (state, due_at) {
        (SlaState::Exempt, _) if is_dnc => "DNC".to_string(),
        (SlaState::Exempt, _) => "exempt".to_string(),
        (SlaState::Met, _) => "met".to_string(),
        (SlaState::Missed, _) => "missed".to_string(),
        (SlaState::Due, Some(due)) => format!("{} left", short_duration(due - now)),
        (SlaState::Overdue, Some(due)) => format!("overdue {}", short_duration(now - due)),
        (_, None) => String::new(),
    }
}

/// `2d3h`, `3h12m`, `45m`: two units at most, never negative.
pub fn short_duration(d: Duration) -> String {
    let mins = d.num_minutes().max(0);
    let (days, hours, m) = (mins / (60 * 24), (mins / 60) % 24, mins % 60);
    if days > 0 {
        format!("{days}d{hours}h")
    } else if hours > 0 && m == 0 {
        format!("{hours}h")
    } else if hours > 0 {
        format!("{hours}h{m:02}m")
    } else {
        format!("{m}m")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, h, m, 0).unwrap()
    }

    #[test]
    fn dnc_and_test_leads_are_exempt() {
        assert_eq!(due_at(t(8, 0), Some(&Action::Dnc), false, 24), None);
        assert_eq!(due_at(t(8, 0), Some(&Action::Ins), true, 24), None);
        assert_eq!(state(None, None, t(9, 0)), SlaState::Exempt);
    }

    #[test]
    fn unknown_actions_are_contactable() {
        let due = due_at(t(8, 0), Some(&Action::Other("XSELL".into())), false, 24).unwrap();
        assert_eq!(due, t(8, 0) + Duration::hours(24));
        assert!(due_at(t(8, 0), None, false, 24).is_some());
    }

    #[test]
    fn states_follow_the_first_touch() {
        let due = Some(t(12, 0));
        assert_eq!(state(due, Some(t(12, 0)), t(23, 0)), SlaState::Met);
        assert_eq!(state(due, Some(t(12, 1)), t(23, 0)), SlaState::Missed);
        assert_eq!(state(due, None, t(11, 59)), SlaState::Due);
        assert_eq!(state(due, None, t(12, 0)), SlaState::Overdue);
    }

    #[test]
    fn countdowns_read_like_a_clock() {
        let due = Some(t(12, 0));
        assert_eq!(countdown(SlaState::Due, due, false, t(8, 48)), "3h12m left");
        assert_eq!(
            countdown(SlaState::Overdue, due, false, t(17, 0)),
            "overdue 5h"
        );
        assert_eq!(countdown(SlaState::Due, due, false, t(11, 15)), "45m left");
        assert_eq!(countdown(SlaState::Exempt, None, true, t(1, 0)), "DNC");
        assert_eq!(short_duration(Duration::hours(50)), "2d2h");
    }
}
