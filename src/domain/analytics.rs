//! The figures of `leadbox stats`: the window of local days they cover, the SLA counts and
//! their compliance, medians and the nearest-rank percentile, ISO weeks, the funnel's and
//! the pipeline's rules, the follow-up backlog's counts, the owners figures are grouped by,
//! and when an offer has gone silent. The store gathers the rows (`store/analytics.rs`) and
//! asks these; the command line only writes the answers.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};

use super::follow_up::{Next, Reason};
use super::time::Zone;
use super::{Action, OwnerFilter, SlaState, Status};

/// The days `sla_by_day` covers when the window has no start: the last 30, today included.
pub const DEFAULT_DAYS: i64 = 30;

/// The percentile of `sla.p90_first_touch_s`.
pub const P90: usize = 90;

/// An offer is silent when its last lead is older than this many of its median gaps...
pub const SILENT_GAPS: i32 = 3;

/// ...and older than this many days.
pub const SILENT_DAYS: i64 = 7;

/// The fewest distinct arrival times an offer's median gap is taken over.
pub const GAP_TIMES: usize = 3;

/// The owner key of customers without an owner.
pub const UNASSIGNED: &str = "unassigned";

/// Reads a day as `--since` and `--until` take it: `YYYY-MM-DD`, in the years a time may
/// fall in ([`super::time::YEARS`]).
pub fn read_day(raw: &str) -> Result<NaiveDate, String> {
    let raw = raw.trim();
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
        format!("cannot read the date '{raw}' (expected YYYY-MM-DD, e.g. 2026-11-20)")
    })?;
    let years = super::time::YEARS;
    if !years.contains(&day.year()) {
        return Err(format!(
            "the date '{raw}' is outside the years {}-{}",
            years.start(),
            years.end()
        ));
    }
    Ok(day)
}

/// The days the figures cover: local days (in the configured zone), both ends included;
/// `None` leaves that end open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl Window {
    /// The window from `since` to `until`; an end before the start is refused.
    pub fn new(since: Option<NaiveDate>, until: Option<NaiveDate>) -> Result<Window, String> {
        match (since, until) {
            (Some(since), Some(until)) if until < since => Err(format!(
                "--until {until} is before --since {since}: the window would hold no day"
            )),
            _ => Ok(Window { since, until }),
        }
    }

    /// The instants the window holds in `zone`: from the first instant of `since` to the
    /// first instant of the day after `until`.
    pub fn span(&self, zone: Zone) -> Span {
        Span {
            from: self.since.map(|day| day_start(zone, day)),
            to: self.until.map(|day| day_start(zone, next_day(day))),
        }
    }

    /// The first and last day of `sla_by_day`: the window's days, up to `today` when it has
    /// no end; the last [`DEFAULT_DAYS`] days up to its end (else today) when it has no start.
    pub fn days(&self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let last = self
            .until
            .unwrap_or_else(|| self.since.map_or(today, |since| since.max(today)));
        let first = self
            .since
            .unwrap_or_else(|| last - Duration::days(DEFAULT_DAYS - 1));
        (first, last)
    }

    /// The first and last day of `volume_by_week`: the window's ends, else the local days of
    /// the earliest arrival in it (none: no week) and of today or its latest arrival, whichever
    /// is later.
    pub fn weeks(
        &self,
        today: NaiveDate,
        earliest: Option<NaiveDate>,
        latest: Option<NaiveDate>,
    ) -> Option<(NaiveDate, NaiveDate)> {
        let first = self.since.or(earliest)?;
        let last = self
            .until
            .unwrap_or_else(|| today.max(latest.unwrap_or(first)).max(first));
        Some((first, last))
    }
}

/// The first instant of local day `day`.
fn day_start(zone: Zone, day: NaiveDate) -> DateTime<Utc> {
    zone.instant(day.and_time(NaiveTime::MIN))
}

fn next_day(day: NaiveDate) -> NaiveDate {
    day.succ_opt().unwrap_or(NaiveDate::MAX)
}

/// A window's instants: `from` included, `to` excluded; `None` is open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl Span {
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.from.is_none_or(|from| t >= from) && self.to.is_none_or(|to| t < to)
    }
}

/// The local day of instants in one zone, remembering the last day's bounds: rows read in
/// arrival order ask the zone about each day once.
#[derive(Debug, Clone)]
pub struct LocalDays {
    zone: Zone,
    /// The last day found: its first instant, the first of the next, and its date.
    last: Option<(DateTime<Utc>, DateTime<Utc>, NaiveDate)>,
}

impl LocalDays {
    pub fn new(zone: Zone) -> LocalDays {
        LocalDays { zone, last: None }
    }

    /// The local day `t` falls on ([`Zone::date_of`]).
    pub fn date_of(&mut self, t: DateTime<Utc>) -> NaiveDate {
        match self.last {
            Some((start, end, day)) if start <= t && t < end => day,
            _ => {
                let day = self.zone.date_of(t);
                let start = day_start(self.zone, day);
                self.last = Some((start, self.zone.end_of_day(t), day));
                day
            }
        }
    }
}

/// An ISO week as `stats` writes it: `2026-W47` (the ISO year, which a week around New Year
/// may not share with its days).
pub fn iso_week(day: NaiveDate) -> String {
    let week = day.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

/// The Monday that starts the ISO week of `day`.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(day.weekday().num_days_from_monday().into())
}

/// The Mondays of the ISO weeks from the one holding `first` to the one holding `last`.
pub fn weeks(first: NaiveDate, last: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    let (first, last) = (week_start(first), week_start(last));
    first.iter_weeks().take_while(move |&monday| monday <= last)
}

/// The median of `values` (the mean of the middle two, rounded toward zero, for an even
/// count); none when empty. Sorts `values`.
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2
    } else {
        values[mid]
    })
}

/// The nearest-rank `percent`-th percentile of `values`: the ceil(percent/100 × n)-th
/// smallest (at least the first); none when empty. Sorts `values`.
pub fn nearest_rank(values: &mut [i64], percent: usize) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = (values.len() * percent)
        .div_ceil(100)
        .clamp(1, values.len());
    Some(values[rank - 1])
}

/// The median gap in seconds between consecutive distinct `times` (seconds, any order);
/// none under [`GAP_TIMES`] distinct times.
pub fn median_gap(mut times: Vec<i64>) -> Option<i64> {
    times.sort_unstable();
    times.dedup();
    if times.len() < GAP_TIMES {
        return None;
    }
    let mut gaps: Vec<i64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    median(&mut gaps)
}

/// Whether an offer has gone silent at `now`: its last lead is older than the larger of
/// [`SILENT_GAPS`] median gaps and [`SILENT_DAYS`] days. Never without a median gap.
pub fn is_silent(
    now: DateTime<Utc>,
    last_lead_at: Option<DateTime<Utc>>,
    median_gap_s: Option<i64>,
) -> bool {
    match (last_lead_at, median_gap_s) {
        (Some(last), Some(gap)) => {
            let quiet = (Duration::seconds(gap) * SILENT_GAPS).max(Duration::days(SILENT_DAYS));
            now - last > quiet
        }
        _ => false,
    }
}

/// The upper bounds, in seconds and included, of the buckets the delays from arrival to first
/// customer touch are counted in (`Stats::first_touch_buckets`): up to 1 h, 1-2 h, 2-4 h,
/// 4-8 h, 8-12 h, 12-24 h, 1-2 days, 2-3 days, 3-7 days; the last bucket, over 7 days, is
/// open. A first touch exactly 24 h after arrival is met, and falls in 12-24 h.
pub const DELAY_BOUNDS_S: [i64; 9] = [
    3_600,
    2 * 3_600,
    4 * 3_600,
    8 * 3_600,
    12 * 3_600,
    24 * 3_600,
    48 * 3_600,
    72 * 3_600,
    7 * 86_400,
];

/// How many delay buckets there are: one per bound, and the open one.
pub const DELAY_BUCKETS: usize = DELAY_BOUNDS_S.len() + 1;

/// The buckets' names, as the analytics view writes them.
pub const DELAY_LABELS: [&str; DELAY_BUCKETS] = [
    "≤1h", "1-2h", "2-4h", "4-8h", "8-12h", "12-24h", "1-2d", "2-3d", "3-7d", ">7d",
];

/// The bucket a delay of `seconds` is counted in.
pub fn delay_bucket(seconds: i64) -> usize {
    DELAY_BOUNDS_S.partition_point(|&bound| bound < seconds)
}

/// Where a delay of `seconds` falls on an axis of the buckets, each one unit wide: bucket
/// `i` spans `i` to `i + 1`, placed linearly inside it (the open bucket as if it ended at 14
/// days). The 24-hour line is at 6.
pub fn delay_position(seconds: i64) -> f64 {
    let bucket = delay_bucket(seconds);
    let low = match bucket {
        0 => 0,
        i => DELAY_BOUNDS_S[i - 1],
    };
    let high = DELAY_BOUNDS_S
        .get(bucket)
        .copied()
        .unwrap_or(14 * 86_400)
        .max(low + 1);
    let within = (seconds.clamp(low, high) - low) as f64 / (high - low) as f64;
    bucket as f64 + within
}

/// The SLA states of some leads, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SlaCounts {
    pub met: u64,
    pub missed: u64,
    pub due: u64,
    pub overdue: u64,
    /// DNC, test and unreachable leads, and leads closed before their due time untouched.
    pub exempt: u64,
}

impl SlaCounts {
    pub fn count(&mut self, state: SlaState) {
        match state {
            SlaState::Met => self.met += 1,
            SlaState::Missed => self.missed += 1,
            SlaState::Due => self.due += 1,
            SlaState::Overdue => self.overdue += 1,
            SlaState::Exempt => self.exempt += 1,
        }
    }

    /// The leads the SLA judges or waits on: met + missed + due + overdue.
    pub fn contactable(&self) -> u64 {
        self.met + self.missed + self.due + self.overdue
    }

    /// Met over everything whose clock has run out or been answered: met / (met + missed +
    /// overdue); none while nothing is.
    pub fn compliance(&self) -> Option<f64> {
        let judged = self.met + self.missed + self.overdue;
        (judged > 0).then(|| self.met as f64 / judged as f64)
    }
}

/// The follow-up backlog: the Today queue's `follow_up` rows (a cadence step or a qualified
/// customer's next step due before the end of today), those of them past due, and its
/// `decide` rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FollowUpCounts {
    pub due_today: u64,
    pub overdue: u64,
    pub decisions_due: u64,
}

impl FollowUpCounts {
    /// Counts a customer's next item, by its group in the Today queue ([`Next::reason`]).
    pub fn count(&mut self, next: &Next, now: DateTime<Utc>, end_of_today: DateTime<Utc>) {
        match next.reason(now, end_of_today) {
            Some(Reason::FollowUp) => {
                self.due_today += 1;
                if next.due_at <= now {
                    self.overdue += 1;
                }
            }
            Some(Reason::Decide) => self.decisions_due += 1,
            Some(Reason::Overdue | Reason::FirstTouch) | None => {}
        }
    }
}

/// The key of a customer's owner in `by_owner`: the name folded as owners compare
/// ([`OwnerFilter::fold`]), [`UNASSIGNED`] for none.
pub fn owner_key(owner: Option<&str>) -> String {
    owner.map_or_else(|| UNASSIGNED.to_string(), OwnerFilter::fold)
}

/// One lead as the funnel and the pipeline see it.
#[derive(Debug, Clone, Copy)]
pub struct PathLead<'a> {
    pub action: Option<&'a Action>,
    pub received_at: DateTime<Utc>,
    pub status: Status,
    /// Not DNC, not a test lead, reachable ([`super::sla::is_contactable`]).
    pub contactable: bool,
    /// A customer touch was logged on it.
    pub touched: bool,
    /// It arrived in the window.
    pub in_window: bool,
}

/// One customer's way through the funnel and the pipeline, gathered from each of their
/// non-test leads, whatever the window.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CustomerPath {
    first_contact_me: Option<DateTime<Utc>>,
    first_test_drive: Option<DateTime<Utc>>,
    /// Their latest Get it now (INS) or Create lead up to now.
    last_acquired: Option<DateTime<Utc>>,
    contactable_in_window: bool,
    touched: bool,
    contactable: u32,
    lost: u32,
    qualified: bool,
    won: bool,
}

impl CustomerPath {
    pub fn add(&mut self, lead: &PathLead, now: DateTime<Utc>) {
        let at = Some(lead.received_at);
        match lead.action {
            Some(Action::Plt) => self.first_contact_me = earliest(self.first_contact_me, at),
            Some(Action::StartTestDrive) => {
                self.first_test_drive = earliest(self.first_test_drive, at)
            }
            Some(Action::Ins | Action::Create) if lead.received_at <= now => {
                self.last_acquired = self.last_acquired.max(at)
            }
            _ => {}
        }
        self.touched |= lead.touched;
        if lead.contactable {
            self.contactable_in_window |= lead.in_window;
            self.contactable += 1;
            self.lost += u32::from(lead.status == Status::Lost);
            self.qualified |= lead.status == Status::Qualified;
            self.won |= lead.status == Status::Won;
        }
    }

    /// Acquired (an INS or Create lead, up to now) strictly after `t`.
    fn acquired_after(&self, t: DateTime<Utc>) -> bool {
        self.last_acquired.is_some_and(|acquired| acquired > t)
    }

    /// Where the customer stands, by the statuses of their contactable leads: won when one
    /// is won, else qualified when one is qualified, else lost when every one is lost.
    pub fn stage(&self) -> Stage {
        if self.won {
            Stage::Won
        } else if self.qualified {
            Stage::Qualified
        } else if self.contactable > 0 && self.lost == self.contactable {
            Stage::Lost
        } else {
            Stage::Open
        }
    }
}

fn earliest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        _ => a.or(b),
    }
}

/// Where a customer stands in the pipeline ([`CustomerPath::stage`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Open,
    Qualified,
    Won,
    Lost,
}

/// The funnel, over customers: those whose earliest Contact me (PLT) lead arrived in the
/// window, and of them those with an INS or Create lead received strictly after it (up to
/// now); the same from their earliest test drive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Funnel {
    pub contact_me: u64,
    pub contact_me_then_acquired: u64,
    pub test_drive: u64,
    pub test_drive_then_acquired: u64,
}

impl Funnel {
    pub fn count(&mut self, path: &CustomerPath, span: &Span) {
        for (first, entered, acquired) in [
            (
                path.first_contact_me,
                &mut self.contact_me,
                &mut self.contact_me_then_acquired,
            ),
            (
                path.first_test_drive,
                &mut self.test_drive,
                &mut self.test_drive_then_acquired,
            ),
        ] {
            if let Some(first) = first.filter(|&t| span.contains(t)) {
                *entered += 1;
                *acquired += u64::from(path.acquired_after(first));
            }
        }
    }
}

/// The pipeline, over customers with a contactable lead in the window: how many, how many
/// were touched (a customer touch on any lead of theirs), and how many stand qualified, won
/// and lost ([`CustomerPath::stage`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pipeline {
    pub customers: u64,
    pub touched: u64,
    pub qualified: u64,
    pub won: u64,
    pub lost: u64,
}

impl Pipeline {
    pub fn count(&mut self, path: &CustomerPath) {
        if !path.contactable_in_window {
            return;
        }
        self.customers += 1;
        self.touched += u64::from(path.touched);
        match path.stage() {
            Stage::Qualified => self.qualified += 1,
            Stage::Won => self.won += 1,
            Stage::Lost => self.lost += 1,
            Stage::Open => {}
        }
    }
}

#[cfg(test)]
mod tests;
