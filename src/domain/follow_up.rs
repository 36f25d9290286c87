//! Following a customer up after the first touch: the cadence, snoozes, the Today queue's
//! groups, and the guards on qualifying and closing. The unit is the customer (every lead
//! of one contact); statuses stay per lead.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc, Weekday};
use std::collections::BTreeSet;

use super::time::Zone;
use super::{Action, Status};

/// The `[follow_up]` settings, with their defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// Each value: the calendar days after the previous customer touch the next follow-up
    /// is due. After the last step, a decision (qualify or close) is due that many days on.
    pub cadence_days: Vec<u32>,
    /// When `tomorrow` and a weekday start, as a snooze.
    pub day_start: NaiveTime,
    /// What qualifying a customer requires.
    pub checklist: Vec<String>,
    /// The reasons a lead may be lost for (beside `other: TEXT`).
    pub lost_reasons: Vec<String>,
    /// Closing a customer with fewer touch days than this asks for confirmation.
    pub min_touch_days: u32,
}

impl Default for Rules {
    fn default() -> Rules {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect();
        Rules {
            cadence_days: vec![2, 5, 10],
            day_start: NaiveTime::from_hms_opt(9, 0, 0).expect("a valid time"),
            checklist: words(&["budget", "authority", "need", "timeline"]),
            lost_reasons: words(&[
                "no response",
                "no budget",
                "not a fit",
                "competitor",
                OPTED_OUT,
            ]),
            min_touch_days: 3,
        }
    }
}

/// The lost reason that also stops every email and the cadence for the customer.
pub const OPTED_OUT: &str = "opted out";

impl Status {
    /// New or contacted: still being worked. Only open contactable leads enter the queue.
    pub fn is_open(self) -> bool {
        matches!(self, Status::New | Status::Contacted)
    }

    /// [`Status::is_open`] in SQL over the status column `column`.
    pub fn is_open_sql(column: &str) -> String {
        let open: Vec<String> = Status::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        format!("{column} IN ({})", open.join(", "))
    }
}

/// Why a customer is in the Today queue, in the queue's order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, strum::IntoStaticStr, strum::Display,
)]
#[strum(serialize_all = "snake_case")]
pub enum Reason {
    /// An untouched lead past its first-touch due time.
    Overdue,
    /// Untouched leads not yet due.
    FirstTouch,
    /// A cadence step, a qualified customer's next step, or an ended snooze.
    FollowUp,
    /// The cadence is done: qualify or close.
    Decide,
}

impl Reason {
    pub const ALL: [Reason; 4] = [
        Reason::Overdue,
        Reason::FirstTouch,
        Reason::FollowUp,
        Reason::Decide,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// What a customer is owed next, whenever it falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owed {
    /// A first touch of `lead`; `hot` when it is a test drive (first among first touches).
    FirstTouch { hot: bool },
    /// Cadence step `step` (1 after the first touch day).
    Step { step: usize },
    /// The next step set when the customer was qualified.
    NextStep,
    /// The cadence is exhausted: qualify or close.
    Decide,
}

/// A customer's next item: what is owed, on which lead, from when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Next {
    pub owed: Owed,
    pub lead_id: i64,
    pub due_at: DateTime<Utc>,
    /// A snooze moved `due_at`.
    pub snoozed: bool,
}

impl Next {
    /// The queue group the item is in at `now` ("today" ends at `end_of_today`); none when
    /// it is not due today.
    pub fn reason(&self, now: DateTime<Utc>, end_of_today: DateTime<Utc>) -> Option<Reason> {
        match self.owed {
            Owed::FirstTouch { .. } if self.due_at <= now => Some(Reason::Overdue),
            Owed::FirstTouch { .. } => Some(Reason::FirstTouch),
            _ if self.due_at >= end_of_today => None,
            Owed::Decide => Some(Reason::Decide),
            Owed::Step { .. } | Owed::NextStep => Some(Reason::FollowUp),
        }
    }

    /// The queue's order: by group, test drives first among first touches, then the
    /// earliest due time.
    pub fn queue_key(&self, reason: Reason) -> (Reason, bool, DateTime<Utc>) {
        let cold = !matches!(self.owed, Owed::FirstTouch { hot: true });
        (reason, reason == Reason::FirstTouch && cold, self.due_at)
    }
}

impl Next {
    /// A queue row's reason with the cadence step, a test drive or the snooze:
    /// `follow_up 2`, `first_touch TD`, `decide (snoozed)`.
    pub fn label(&self, reason: Reason) -> String {
        let mut label = reason.as_str().to_string();
        match self.owed {
            Owed::Step { step } => label.push_str(&format!(" {step}")),
            Owed::FirstTouch { hot: true } => label.push_str(" TD"),
            _ => {}
        }
        if self.snoozed {
            label.push_str(" (snoozed)");
        }
        label
    }

    /// When a queue row fell or falls due: `overdue 5h`, `3h12m left`, or the local time
    /// (`11-23 10:00`) of a follow-up that is waiting.
    pub fn due_text(&self, reason: Reason, now: DateTime<Utc>, zone: Zone) -> String {
        let due = self.due_at;
        match reason {
            Reason::Overdue => format!("overdue {}", super::sla::short_duration(now - due)),
            _ if due > now => format!("{} left", super::sla::short_duration(due - now)),
            _ => zone.format(due, "%m-%d %H:%M"),
        }
    }
}

/// One lead of a customer, as the follow-up rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerLead {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    pub action: Option<Action>,
    pub status: Status,
    /// Its first-touch due time: `None` when it is not contactable.
    pub sla_due_at: Option<DateTime<Utc>>,
    pub first_touch_at: Option<DateTime<Utc>>,
}

impl CustomerLead {
    fn is_contactable(&self) -> bool {
        self.sla_due_at.is_some()
    }

    fn waits_for_first_touch(&self) -> bool {
        self.is_contactable() && self.status.is_open() && self.first_touch_at.is_none()
    }
}

/// What is kept per customer beside the leads: a snooze, a next step, an opt-out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerState {
    /// Until when, and when it was set: a later lead or customer touch ends it.
    pub snooze: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// The next step set when qualifying: what and when.
    pub next_step: Option<(String, DateTime<Utc>)>,
    /// A lead of the customer was lost as [`OPTED_OUT`].
    pub opted_out: bool,
}

/// The number of distinct local days (in `zone`) with a customer touch in `touches`: three
/// calls in ten minutes are one step.
pub fn touch_days(touches: &[DateTime<Utc>], zone: Zone) -> usize {
    touches
        .iter()
        .map(|&t| zone.date_of(t))
        .collect::<BTreeSet<NaiveDate>>()
        .len()
}

/// When the customer's cadence started: their newest contactable lead's arrival.
fn cadence_start(leads: &[CustomerLead]) -> Option<DateTime<Utc>> {
    leads
        .iter()
        .filter(|l| l.is_contactable())
        .map(|l| l.received_at)
        .max()
}

/// The cadence's count: the days with a customer touch since the customer's newest
/// contactable lead arrived (what closing a customer early is judged by).
pub fn cadence_touch_days(leads: &[CustomerLead], touches: &[DateTime<Utc>], zone: Zone) -> usize {
    let Some(since) = cadence_start(leads) else {
        return touch_days(touches, zone);
    };
    let recent: Vec<DateTime<Utc>> = touches.iter().copied().filter(|&t| t >= since).collect();
    touch_days(&recent, zone)
}

/// A customer's next item, or none when nothing more is owed. `leads` are all the
/// customer's leads; `touches` the times of every customer touch on any of them.
pub fn next(
    leads: &[CustomerLead],
    touches: &[DateTime<Utc>],
    state: &CustomerState,
    rules: &Rules,
    zone: Zone,
) -> Option<Next> {
    if let Some(first) = first_touch(leads) {
        return Some(first);
    }
    if leads.iter().any(|l| l.status == Status::Won) {
        return None;
    }
    let newest_open = |status: fn(Status) -> bool| {
        leads
            .iter()
            .filter(|l| l.is_contactable() && status(l.status))
            .max_by_key(|l| (l.received_at, l.id))
    };
    if leads.iter().any(|l| l.status == Status::Qualified) {
        let lead = newest_open(|s| s == Status::Qualified)?;
        let (_, at) = state.next_step.as_ref()?;
        let last = touches.iter().copied().max();
        return Some(snoozed(
            Owed::NextStep,
            lead.id,
            *at,
            state,
            last,
            cadence_start(leads),
        ));
    }
    if state.opted_out {
        return None;
    }
    let lead = newest_open(Status::is_open)?;
    let since = cadence_start(leads)?;
    let recent: Vec<DateTime<Utc>> = touches.iter().copied().filter(|&t| t >= since).collect();
    let last = *recent.iter().max()?;
    let n = touch_days(&recent, zone);
    let (owed, days) = match rules.cadence_days.get(n - 1) {
        Some(&days) => (Owed::Step { step: n }, days),
        None => (Owed::Decide, *rules.cadence_days.last().unwrap_or(&0)),
    };
    let due_at = zone.add_days(last, days.into());
    Some(snoozed(
        owed,
        lead.id,
        due_at,
        state,
        Some(last),
        Some(since),
    ))
}

/// The item, moved by the customer's snooze unless a customer touch (`last`) or a lead
/// (`since`: the newest one's arrival) came after the snooze was set.
fn snoozed(
    owed: Owed,
    lead_id: i64,
    due_at: DateTime<Utc>,
    state: &CustomerState,
    last: Option<DateTime<Utc>>,
    since: Option<DateTime<Utc>>,
) -> Next {
    let snooze = state
        .snooze
        .filter(|&(_, set_at)| Some(set_at) >= last && Some(set_at) >= since);
    Next {
        owed,
        lead_id,
        due_at: snooze.map_or(due_at, |(until, _)| until),
        snoozed: snooze.is_some(),
    }
}

/// The first touch owed, if a contactable open lead waits for one: the customer's most
/// urgent such lead, a test drive's before any other.
fn first_touch(leads: &[CustomerLead]) -> Option<Next> {
    let waiting = leads.iter().filter(|l| l.waits_for_first_touch());
    let earliest = waiting.clone().min_by_key(|l| (l.sla_due_at, l.id))?;
    let hot = waiting
        .filter(|l| l.action == Some(Action::StartTestDrive))
        .min_by_key(|l| (l.sla_due_at, l.id));
    let lead = hot.unwrap_or(earliest);
    Some(Next {
        owed: Owed::FirstTouch { hot: hot.is_some() },
        lead_id: lead.id,
        // The customer's earliest due time: a test drive never hides an overdue lead.
        due_at: earliest.sla_due_at?,
        snoozed: false,
    })
}

/// Why a snooze time was refused.
pub const SNOOZE_FORMS: &str =
    "give 1h (hours), 3d (days), tomorrow, a weekday (monday...) or a date/time";

/// The time a snooze given as `raw` ends: `1h` (N hours later), `3d` (N days later, same
/// local time), `tomorrow` (next day at `day_start`), a weekday (`monday`: the first one
/// strictly after today, at `day_start`), a date (at `day_start`) or a date and time.
pub fn snooze_until(
    raw: &str,
    now: DateTime<Utc>,
    zone: Zone,
    day_start: NaiveTime,
) -> Result<DateTime<Utc>, String> {
    let word = raw.trim().to_ascii_lowercase();
    let refused = || format!("cannot snooze until '{}': {SNOOZE_FORMS}", raw.trim());
    let at_start = |date: NaiveDate| zone.instant(date.and_time(day_start));
    let today = zone.date_of(now);
    let count = |suffix: char| {
        word.strip_suffix(suffix)
            .and_then(|n| n.trim().parse::<u32>().ok())
            .filter(|&n| (1..=3650).contains(&n))
    };
    let until = if let Some(hours) = count('h') {
        now + chrono::Duration::hours(hours.into())
    } else if let Some(days) = count('d') {
        zone.add_days(now, days.into())
    } else if word == "tomorrow" {
        at_start(today.succ_opt().ok_or_else(refused)?)
    } else if let Ok(day) = word.parse::<Weekday>() {
        let ahead = (7 + day.num_days_from_monday() as i64
            - today.weekday().num_days_from_monday() as i64
            - 1)
            % 7
            + 1;
        at_start(today + chrono::Duration::days(ahead))
    } else if let Ok(date) = NaiveDate::parse_from_str(&word, "%Y-%m-%d") {
        at_start(date)
    } else {
        super::time::read_time(raw.trim()).map_err(|_| refused())?
    };
    if until <= now {
        return Err(format!(
            "cannot snooze until '{}': that is not in the future",
            raw.trim()
        ));
    }
    Ok(until)
}

/// A lost reason as given: one of the configured reasons (any case), or `other: TEXT`.
pub fn lost_reason(raw: &str, rules: &Rules) -> Result<String, String> {
    let given = raw.trim();
    if let Some(known) = rules
        .lost_reasons
        .iter()
        .find(|r| r.eq_ignore_ascii_case(given))
    {
        return Ok(known.clone());
    }
    match given.split_once(':') {
        Some((other, text))
            if other.trim().eq_ignore_ascii_case("other") && !text.trim().is_empty() =>
        {
            Ok(format!("other: {}", text.trim()))
        }
        _ => Err(format!(
            "'{given}' is no lost reason: give one of {}, or \"other: TEXT\"",
            rules
                .lost_reasons
                .iter()
                .map(|r| format!("\"{r}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The checklist items not yet checked, in the configured order. Items no longer in the
/// configured list do not count.
pub fn unchecked<'a>(checked: &[String], rules: &'a Rules) -> Vec<&'a str> {
    rules
        .checklist
        .iter()
        .filter(|item| !checked.iter().any(|c| c.eq_ignore_ascii_case(item)))
        .map(String::as_str)
        .collect()
}

/// A checklist item as configured, from a name in any case.
pub fn checklist_item<'a>(raw: &str, rules: &'a Rules) -> Result<&'a str, String> {
    rules
        .checklist
        .iter()
        .find(|item| item.eq_ignore_ascii_case(raw.trim()))
        .map(String::as_str)
        .ok_or_else(|| {
            format!(
                "'{}' is not on the checklist: {}",
                raw.trim(),
                rules.checklist.join(", ")
            )
        })
}

/// Why a follow-up write was refused (nothing was written).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error(
        "cannot qualify lead {lead}: the checklist lacks {}; check them, or qualify with an \
         override and its reason",
        .missing.join(", ")
    )]
    ChecklistIncomplete { lead: i64, missing: Vec<String> },
    #[error(
        "lead {lead}'s customer was touched on {days} day(s), fewer than the {min} the \
         settings ask before closing: confirm to close it anyway"
    )]
    TooFewTouches { lead: i64, days: usize, min: u32 },
    #[error("a lost lead needs a reason: {0}")]
    LostReason(String),
    #[error(
        "cannot snooze lead {lead}: its customer waits for a first touch, which is never \
         snoozed"
    )]
    FirstTouchOwed { lead: i64 },
    #[error("nothing to snooze for lead {lead}: its customer has no follow-up to come")]
    NothingOwed { lead: i64 },
    #[error("cannot write to lead {lead}: its customer opted out")]
    OptedOut { lead: i64 },
    #[error(
        "\"{name}\" cannot be an owner: \"none\" stands for customers nobody owns (--owner \
         none) and \"unassigned\" for their row in stats"
    )]
    ReservedOwner { name: String },
}

/// An owner's name as kept: trimmed, none when blank (no owner). `none` and `unassigned`
/// (any case) are refused: they stand for customers without an owner.
pub fn owner_name(raw: Option<&str>) -> Result<Option<String>, Refused> {
    let Some(name) = raw.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    let reserved = ["none", super::analytics::UNASSIGNED];
    match reserved.iter().any(|r| name.eq_ignore_ascii_case(r)) {
        true => Err(Refused::ReservedOwner {
            name: name.to_string(),
        }),
        false => Ok(Some(name.to_string())),
    }
}

#[cfg(test)]
mod tests;
