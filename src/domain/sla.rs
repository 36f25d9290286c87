//! The follow-up rule every view and report shares.
//!
//! A contactable lead (not DNC, not a test lead, reachable) is due for a first customer touch
//! a fixed number of hours after it arrived. Closing it (won or lost) stops the clock: a
//! closed lead without a customer touch is never overdue, and counts as missed when it was
//! closed at or after its due time, as exempt when closed before.

use chrono::{DateTime, Duration, Utc};
use std::str::FromStr;

use super::{Action, Status};

pub const DEFAULT_SLA_HOURS: i64 = 24;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::Display,
)]
#[strum(serialize_all = "lowercase")]
pub enum SlaState {
    /// DNC or test lead, or a lead closed before its due time without a customer touch: no
    /// follow-up owed.
    Exempt,
    /// First customer touch by the due time.
    Met,
    /// First customer touch after the due time, or none and closed at or after it.
    Missed,
    /// No customer touch yet, still in time.
    Due,
    /// No customer touch and past the due time.
    Overdue,
}

impl SlaState {
    pub const ALL: &'static [SlaState] = <SlaState as strum::VariantArray>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Still waiting for a first touch.
    pub fn is_open(self) -> bool {
        matches!(self, SlaState::Due | SlaState::Overdue)
    }
}

impl FromStr for SlaState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        super::names::parse("SLA state", s)
    }
}

/// Whom a lead can be followed up with: not DNC, not a Microsoft test lead, and reachable
/// ([`is_reachable`]). The SLA, the Today queue and every figure count only these; the
/// others are `exempt`. The store keeps the answer as `sla_due_at IS NOT NULL`.
pub fn is_contactable(action: Option<&Action>, is_test: bool, reachable: bool) -> bool {
    !is_test && action != Some(&Action::Dnc) && reachable
}

/// A lead with no email, no phone and no name (its personal data was withheld) has no one
/// to contact.
pub fn is_reachable(email: Option<&str>, phone: Option<&str>, name: Option<&str>) -> bool {
    [email, phone, name].iter().any(Option::is_some)
}

/// [`is_reachable`] in SQL over the lead's columns.
pub fn reachable_sql() -> &'static str {
    "(email IS NOT NULL OR phone IS NOT NULL OR first_name IS NOT NULL \
     OR last_name IS NOT NULL OR full_name IS NOT NULL)"
}

/// When the first touch is owed; `None` for a lead that is not contactable.
pub fn due_at(
    received_at: DateTime<Utc>,
    action: Option<&Action>,
    is_test: bool,
    reachable: bool,
    sla_hours: i64,
) -> Option<DateTime<Utc>> {
    is_contactable(action, is_test, reachable).then(|| received_at + Duration::hours(sla_hours))
}

/// A lead still owed its first touch within this many hours is shown as due soon (the
/// inbox's and `list`'s SLA cell).
pub const DUE_SOON_HOURS: i64 = 4;

/// Whether a lead in state `state`, due at `due_at`, is due within [`DUE_SOON_HOURS`].
pub fn is_due_soon(state: SlaState, due_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    state == SlaState::Due && due_at.is_some_and(|due| due - now < Duration::hours(DUE_SOON_HOURS))
}

/// [`due_at`] of a contactable lead in SQL: the column (or expression) `received_at` in
/// seconds plus the hours bound as `hours`.
pub fn due_at_sql(received_at: &str, hours: &str) -> String {
    format!("{received_at} + {hours} * 3600")
}

/// Where a lead stands: its due time (`None` when exempt), its first customer touch, when it
/// was closed (won or lost; `None` while open). A touch decides whenever there is one; without
/// one, closing stops the clock (closing never improves compliance: closed late is missed).
/// The store's `--sla` filter ([`state_sql`]) and its `urgency` sort key follow this.
pub fn state(
    due_at: Option<DateTime<Utc>>,
    first_touch_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> SlaState {
    let Some(due) = due_at else {
        return SlaState::Exempt;
    };
    match (first_touch_at, closed_at) {
        (Some(touch), _) if touch <= due => SlaState::Met,
        (Some(_), _) => SlaState::Missed,
        (None, Some(closed)) if closed < due => SlaState::Exempt,
        (None, Some(_)) => SlaState::Missed,
        (None, None) if now < due => SlaState::Due,
        (None, None) => SlaState::Overdue,
    }
}

/// [`state`] as a SQL condition on the columns `sla_due_at`, `first_touch_at` and `closed_at`
/// (times in seconds), for filtering in the store; true in the second value when the
/// condition compares with now, bound as its one `?`. Written beside [`state`] so that the
/// two change together; a test runs both over the same cases.
pub fn state_sql(state: SlaState) -> (&'static str, bool) {
    match state {
        SlaState::Exempt => (
            "(sla_due_at IS NULL OR (first_touch_at IS NULL AND closed_at < sla_due_at))",
            false,
        ),
        SlaState::Met => ("first_touch_at <= sla_due_at", false),
        SlaState::Missed => (
            "(first_touch_at > sla_due_at OR (first_touch_at IS NULL AND closed_at >= sla_due_at))",
            false,
        ),
        SlaState::Due => (
            "(first_touch_at IS NULL AND closed_at IS NULL AND sla_due_at > ?)",
            true,
        ),
        SlaState::Overdue => (
            "(first_touch_at IS NULL AND closed_at IS NULL AND sla_due_at <= ?)",
            true,
        ),
    }
}

/// When a lead whose status becomes `status` was closed: kept from `closed_at` while it stays
/// closed (won to lost keeps the first close), `now` when it closes, none when it reopens.
pub fn closed_at(
    status: Status,
    closed_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    status.is_closed().then(|| closed_at.unwrap_or(now))
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
    fn unreachable_leads_are_exempt() {
        assert_eq!(due_at(t(8, 0), Some(&Action::Plt), false, false, 24), None);
        assert!(!is_reachable(None, None, None));
        assert!(is_reachable(None, Some("+1 425"), None));
        assert!(is_reachable(None, None, Some("Ada")));
    }

    #[test]
    fn dnc_and_test_leads_are_exempt() {
        assert_eq!(due_at(t(8, 0), Some(&Action::Dnc), false, true, 24), None);
        assert_eq!(due_at(t(8, 0), Some(&Action::Ins), true, true, 24), None);
        assert_eq!(state(None, None, None, t(9, 0)), SlaState::Exempt);
    }

    #[test]
    fn unknown_actions_are_contactable() {
        let due = due_at(
            t(8, 0),
            Some(&Action::Other("XSELL".into())),
            false,
            true,
            24,
        )
        .unwrap();
        assert_eq!(due, t(8, 0) + Duration::hours(24));
        assert!(due_at(t(8, 0), None, false, true, 24).is_some());
    }

    #[test]
    fn states_follow_the_first_touch() {
        let due = Some(t(12, 0));
        assert_eq!(state(due, Some(t(12, 0)), None, t(23, 0)), SlaState::Met);
        assert_eq!(state(due, Some(t(12, 1)), None, t(23, 0)), SlaState::Missed);
        assert_eq!(state(due, None, None, t(11, 59)), SlaState::Due);
        assert_eq!(state(due, None, None, t(12, 0)), SlaState::Overdue);
    }

    #[test]
    fn closing_stops_the_clock() {
        let due = Some(t(12, 0));
        // Without a touch: closed before the due time is exempt, at or after it missed,
        // whatever the time now.
        for now in [t(11, 0), t(23, 0)] {
            assert_eq!(state(due, None, Some(t(11, 59)), now), SlaState::Exempt);
        }
        assert_eq!(state(due, None, Some(t(12, 0)), t(23, 0)), SlaState::Missed);
        assert_eq!(state(due, None, Some(t(20, 0)), t(23, 0)), SlaState::Missed);
        // A touch decides as before.
        assert_eq!(
            state(due, Some(t(11, 0)), Some(t(13, 0)), t(23, 0)),
            SlaState::Met
        );
        assert_eq!(
            state(due, Some(t(13, 0)), Some(t(10, 0)), t(23, 0)),
            SlaState::Missed
        );
        // Exempt leads stay exempt.
        assert_eq!(
            state(None, None, Some(t(20, 0)), t(23, 0)),
            SlaState::Exempt
        );
    }

    #[test]
    fn a_lead_keeps_its_first_close_until_it_reopens() {
        let (first, later) = (t(9, 0), t(10, 0));
        assert_eq!(closed_at(Status::Won, None, later), Some(later));
        assert_eq!(closed_at(Status::Lost, Some(first), later), Some(first));
        assert_eq!(closed_at(Status::Won, Some(first), later), Some(first));
        for open in [Status::New, Status::Contacted, Status::Qualified] {
            assert_eq!(closed_at(open, Some(first), later), None);
            assert_eq!(closed_at(open, None, later), None);
        }
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

    /// Every combination of due, touch and close times around now: the SQL condition of
    /// each state holds exactly where `state` gives that state.
    #[test]
    fn the_sql_due_time_agrees_with_due_at() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let received = Utc.with_ymd_and_hms(2026, 11, 20, 9, 30, 0).unwrap();
        for hours in [1, 24, 72] {
            let sql = format!("SELECT {}", due_at_sql("?1", "?2"));
            let got: i64 = conn
                .query_row(&sql, [received.timestamp(), hours], |r| r.get(0))
                .unwrap();
            let due = due_at(received, Some(&Action::Plt), false, true, hours).unwrap();
            assert_eq!(got, due.timestamp(), "{hours} hours");
        }
    }

    #[test]
    fn the_sql_of_each_state_agrees_with_state() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let now = t(12, 0);
        let times = [
            None,
            Some(t(9, 0)),
            Some(t(11, 0)),
            Some(t(12, 0)),
            Some(t(13, 0)),
        ];
        let mut cases = 0;
        for due in times {
            for touch in times {
                for closed in times {
                    let expected = state(due, touch, closed, now);
                    for &candidate in SlaState::ALL {
                        let (condition, with_now) = state_sql(candidate);
                        let sql = if with_now {
                            format!(
                                "SELECT coalesce(({}), 0) FROM (SELECT ?1 AS sla_due_at,
                                     ?2 AS first_touch_at, ?3 AS closed_at)",
                                condition.replace('?', "?4")
                            )
                        } else {
                            format!(
                                "SELECT coalesce(({condition}), 0) FROM (SELECT ?1 AS sla_due_at,
                                     ?2 AS first_touch_at, ?3 AS closed_at)"
                            )
                        };
                        let ts = |t: Option<DateTime<Utc>>| t.map(|t| t.timestamp());
                        let holds: bool = conn
                            .query_row(
                                &sql,
                                rusqlite::params![ts(due), ts(touch), ts(closed), now.timestamp()]
                                    .get(..if with_now { 4 } else { 3 })
                                    .unwrap(),
                                |r| r.get(0),
                            )
                            .unwrap();
                        assert_eq!(
                            holds,
                            candidate == expected,
                            "{candidate:?} for due {due:?} touch {touch:?} closed {closed:?}"
                        );
                        cases += 1;
                    }
                }
            }
        }
        assert_eq!(cases, 125 * 5);
    }
}
