//! How leads and figures are written for people (tables, text) and for scripts (JSON, CSV).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::domain::analytics::{FollowUpCounts, SlaCounts};
use crate::domain::sla::countdown;
use crate::domain::text::{fit, printable, truncate};
use crate::domain::time::{format_time, Shown};
use crate::domain::{Action, Lead, SlaState, Touch};
use crate::store::{FollowUpMarks, Stats, WeekVolume};
use unicode_width::UnicodeWidthStr;

pub use crate::export::{CsvWriter, JsonArrayWriter, LeadRow};

/// `show --format json`: the lead, its touch log, and every lead of its contact.
#[derive(Serialize)]
pub struct ShowJson<'a> {
    pub lead: LeadRow<'a>,
    pub touches: Vec<TouchJson<'a>>,
    pub contact_leads: Vec<LeadRow<'a>>,
}

#[derive(Serialize)]
pub struct TouchJson<'a> {
    pub id: i64,
    pub kind: &'static str,
    pub note: Option<&'a str>,
    pub at: String,
}

impl<'a> ShowJson<'a> {
    pub fn new(
        lead: &'a Lead,
        touches: &'a [Touch],
        contact: &'a [Lead],
        now: DateTime<Utc>,
        marks: &'a FollowUpMarks,
    ) -> ShowJson<'a> {
        ShowJson {
            lead: LeadRow::new(lead, now).marked(marks, lead, false),
            touches: touches
                .iter()
                .map(|t| TouchJson {
                    id: t.id,
                    kind: t.kind.as_str(),
                    note: t.note.as_deref(),
                    at: format_time(t.at),
                })
                .collect(),
            contact_leads: contact
                .iter()
                .map(|l| LeadRow::new(l, now).marked(marks, l, false))
                .collect(),
        }
    }
}

const TABLE: [(&str, usize); 8] = [
    ("ID", 6),
    ("SLA", 14),
    ("ACTION", 14),
    ("NAME", 22),
    ("COMPANY", 22),
    ("OFFER", 28),
    ("SOURCE", 16),
    ("RECEIVED", 16),
];

pub fn table_header() -> String {
    table_heading(&TABLE.map(|(name, _)| name), &TABLE.map(|(_, w)| w))
}

/// A lead as a line of the `list` table: the cells of its [`LeadRow`], with the SLA as a
/// countdown and the time in the local zone; its SLA cell in colour with `color` (as the
/// inbox shows it: overdue in bold red, due soon in yellow, met or exempt dimmed).
pub fn table_row(lead: &Lead, now: DateTime<Utc>, shown: &Shown, color: bool) -> String {
    let row = LeadRow::new(lead, now);
    let text = |value: Option<Cow<'_, str>>, missing: &str| {
        value.map_or_else(|| missing.to_string(), Cow::into_owned)
    };
    let cells = [
        row.id.to_string(),
        countdown(
            lead.sla_state(now),
            lead.sla_due_at,
            lead.action == Some(Action::Dnc),
            now,
        ),
        text(row.action, "-"),
        text(row.name, "(withheld)"),
        text(row.company, ""),
        text(row.offer, ""),
        text(row.source, ""),
        shown.time(lead.received_at),
    ];
    let sla = color.then(|| sla_color(lead, now)).flatten();
    let widths = TABLE.map(|(_, w)| w);
    table_line(&cells, &widths, sla.map(|sgr| (1, sgr)))
}

/// Cells fitted to their widths, made printable, one of them (`colored`: its index and SGR
/// parameters) in colour around its text, not its padding.
pub fn table_line(cells: &[String], widths: &[usize], colored: Option<(usize, &str)>) -> String {
    cells
        .iter()
        .zip(widths)
        .enumerate()
        .map(|(i, (cell, &w))| match colored {
            Some((at, sgr)) if at == i => {
                let text = truncate(&printable(cell), w).into_owned();
                let pad = " ".repeat(w.saturating_sub(text.width()));
                format!("\x1b[{sgr}m{text}\x1b[0m{pad}")
            }
            _ => fit(&printable(cell), w),
        })
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end()
        .to_string()
}

/// Column names fitted to their widths.
pub fn table_heading(names: &[&str], widths: &[usize]) -> String {
    names
        .iter()
        .zip(widths)
        .map(|(name, &w)| fit(name, w))
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end()
        .to_string()
}

/// The SGR parameters of a lead's SLA cell, when it has a colour.
pub fn sla_color(lead: &Lead, now: DateTime<Utc>) -> Option<&'static str> {
    let state = lead.sla_state(now);
    match state {
        SlaState::Overdue => Some("1;91"),
        _ if crate::domain::sla::is_due_soon(state, lead.sla_due_at, now) => Some("33"),
        SlaState::Met | SlaState::Exempt => Some("2"),
        _ => None,
    }
}

/// A person-readable page about one lead.
pub fn lead_text(
    lead: &Lead,
    touches: &[Touch],
    contact: &[Lead],
    now: DateTime<Utc>,
    shown: &Shown,
) -> String {
    let action = lead.action.as_ref().map_or("no action".to_string(), |a| {
        format!("{a} ({})", a.describe())
    });
    let mut out = format!(
        "Lead {} · {}{}\n",
        lead.id,
        printable(&action),
        if lead.is_test { " · TEST LEAD" } else { "" }
    );
    for (label, value) in lead_fields(lead, contact.len(), now, shown) {
        if let Some(value) = value {
            out.push_str(&format!("{label:<11} {}\n", printable(&value)));
        }
    }
    if let Some(notes) = lead.description.as_deref().filter(|d| !d.trim().is_empty()) {
        out.push_str("\nNotes\n");
        for line in
            crate::domain::text::printable_multiline(&crate::domain::text::pretty_notes(notes))
                .lines()
        {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out.push_str(&touches_text(touches, shown));
    if contact.len() > 1 {
        out.push_str(&contact_text(lead, contact, shown));
    }
    out
}

/// `show`'s labelled fields, `None` where the lead has no value.
fn lead_fields(
    lead: &Lead,
    contact_leads: usize,
    now: DateTime<Utc>,
    shown: &Shown,
) -> [(&'static str, Option<String>); 17] {
    let local_time = |t: DateTime<Utc>| shown.time(t);
    let state = lead.sla_state(now);
    let sla = match state {
        SlaState::Exempt => "exempt (no follow-up owed)".to_string(),
        _ => format!(
            "{} ({})",
            state,
            countdown(state, lead.sla_due_at, false, now)
        ),
    };
    [
        (
            "Name",
            Some(lead.name().unwrap_or_else(|| "(withheld)".into())),
        ),
        ("Email", lead.email.clone()),
        ("Phone", lead.phone.clone()),
        ("Company", lead.company.clone()),
        ("Title", lead.title.clone()),
        ("Country", lead.country.clone()),
        ("Offer", lead.offer.clone()),
        ("Offer name", lead.offer_name.clone()),
        ("Source", lead.source.clone()),
        ("LeadSource", lead.lead_source.clone()),
        (
            "Received",
            Some(format!(
                "{} ({})",
                local_time(lead.received_at),
                format_time(lead.received_at)
            )),
        ),
        ("SLA", Some(sla)),
        ("Due", lead.sla_due_at.map(local_time)),
        ("Status", Some(lead.status.to_string())),
        ("Closed", lead.closed_at.map(local_time)),
        ("Owner", lead.owner.clone()),
        (
            "Contact",
            Some(format!(
                "#{} ({} lead{})",
                lead.contact_id,
                contact_leads,
                if contact_leads == 1 { "" } else { "s" }
            )),
        ),
    ]
}

/// `show`'s touch log.
fn touches_text(touches: &[Touch], shown: &Shown) -> String {
    let mut out = String::from("\nTouches\n");
    if touches.is_empty() {
        out.push_str("  none yet\n");
    }
    for touch in touches {
        let note = touch
            .note
            .as_deref()
            .map(|n| format!("  {}", printable(n)))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {}  {:<7}{note}\n",
            shown.time(touch.at),
            touch.kind.as_str()
        ));
    }
    out
}

/// `show`'s list of the customer's leads, this one marked.
fn contact_text(lead: &Lead, contact: &[Lead], shown: &Shown) -> String {
    let mut out = String::from("\nThis customer's leads\n");
    for other in contact {
        let marker = if other.id == lead.id {
            "  ← this lead"
        } else {
            ""
        };
        out.push_str(&format!(
            "  {}  #{:<5} {:<15} {}{marker}\n",
            shown.time(other.received_at),
            other.id,
            printable(other.action.as_ref().map_or("-", Action::as_str)),
            printable(other.offer.as_deref().unwrap_or(""))
        ));
    }
    out
}

/// `stats --format json`. Scripts rely on the keys: add, never rename.
#[derive(Serialize)]
pub struct StatsJson<'a> {
    pub by_action: &'a BTreeMap<String, u64>,
    pub by_source: &'a BTreeMap<String, u64>,
    pub by_offer: &'a BTreeMap<String, u64>,
    pub by_status: &'a BTreeMap<String, u64>,
    pub sla: SlaJson,
    pub window: WindowJson,
    pub sla_by_day: Vec<DayJson>,
    pub volume_by_week: Vec<WeekJson<'a>>,
    pub funnel: FunnelJson,
    pub pipeline: PipelineJson,
    pub follow_up: FollowUpJson,
    pub by_owner: BTreeMap<&'a str, OwnerJson>,
    pub lost_reasons: &'a BTreeMap<String, u64>,
    pub overrides: OverridesJson,
    pub offers: BTreeMap<&'a str, OfferJson>,
}

#[derive(Serialize)]
pub struct FunnelJson {
    pub contact_me: u64,
    pub contact_me_then_acquired: u64,
    pub test_drive: u64,
    pub test_drive_then_acquired: u64,
}

#[derive(Serialize)]
pub struct PipelineJson {
    pub customers: u64,
    pub touched: u64,
    pub qualified: u64,
    pub won: u64,
    pub lost: u64,
}

#[derive(Serialize)]
pub struct FollowUpJson {
    pub due_today: u64,
    pub overdue: u64,
    pub decisions_due: u64,
}

impl FollowUpJson {
    fn new(f: &FollowUpCounts) -> FollowUpJson {
        FollowUpJson {
            due_today: f.due_today,
            overdue: f.overdue,
            decisions_due: f.decisions_due,
        }
    }
}

#[derive(Serialize)]
pub struct OverridesJson {
    pub qualified_without_checklist: u64,
    pub lost_forced: u64,
}

#[derive(Serialize)]
pub struct SlaJson {
    pub contactable: u64,
    pub met: u64,
    pub missed: u64,
    pub due: u64,
    pub overdue: u64,
    pub exempt: u64,
    pub compliance: Option<f64>,
    pub median_first_touch_s: Option<i64>,
    pub p90_first_touch_s: Option<i64>,
    pub untouched: u64,
}

/// The window as applied: `YYYY-MM-DD`, null when open.
#[derive(Serialize)]
pub struct WindowJson {
    pub since: Option<String>,
    pub until: Option<String>,
}

/// The SLA counts of one day, or of one owner's leads.
#[derive(Serialize)]
pub struct SlaCountsJson {
    pub contactable: u64,
    pub met: u64,
    pub missed: u64,
    pub due: u64,
    pub overdue: u64,
    pub compliance: Option<f64>,
}

impl SlaCountsJson {
    fn new(sla: &SlaCounts) -> SlaCountsJson {
        SlaCountsJson {
            contactable: sla.contactable(),
            met: sla.met,
            missed: sla.missed,
            due: sla.due,
            overdue: sla.overdue,
            compliance: sla.compliance(),
        }
    }
}

#[derive(Serialize)]
pub struct DayJson {
    pub date: String,
    #[serde(flatten)]
    pub sla: SlaCountsJson,
}

/// `{"week": "2026-W47", "INS": 3, ..., "other": 0}`.
pub struct WeekJson<'a>(&'a WeekVolume);

impl Serialize for WeekJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("week", &self.0.week)?;
        for (action, count) in self.0.by_action() {
            map.serialize_entry(action, &count)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
pub struct OwnerJson {
    pub leads: u64,
    #[serde(flatten)]
    pub sla: SlaCountsJson,
    pub median_first_touch_s: Option<i64>,
    pub follow_up: FollowUpJson,
}

#[derive(Serialize)]
pub struct OfferJson {
    pub leads: u64,
    pub last_lead_at: Option<String>,
    pub last_test_lead_at: Option<String>,
    pub median_gap_s: Option<i64>,
    pub silent: bool,
}

impl<'a> StatsJson<'a> {
    pub fn new(stats: &'a Stats) -> StatsJson<'a> {
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        StatsJson {
            by_action: &stats.by_action,
            by_source: &stats.by_source,
            by_offer: &stats.by_offer,
            by_status: &stats.by_status,
            sla: SlaJson {
                contactable: stats.sla.contactable(),
                met: stats.sla.met,
                missed: stats.sla.missed,
                due: stats.sla.due,
                overdue: stats.sla.overdue,
                exempt: stats.sla.exempt,
                compliance: stats.sla.compliance(),
                median_first_touch_s: stats.median_first_touch_s,
                p90_first_touch_s: stats.p90_first_touch_s,
                untouched: stats.untouched,
            },
            window: WindowJson {
                since: stats.window.since.map(day),
                until: stats.window.until.map(day),
            },
            sla_by_day: stats
                .sla_by_day
                .iter()
                .map(|d| DayJson {
                    date: day(d.date),
                    sla: SlaCountsJson::new(&d.sla),
                })
                .collect(),
            volume_by_week: stats.volume_by_week.iter().map(WeekJson).collect(),
            funnel: FunnelJson {
                contact_me: stats.funnel.contact_me,
                contact_me_then_acquired: stats.funnel.contact_me_then_acquired,
                test_drive: stats.funnel.test_drive,
                test_drive_then_acquired: stats.funnel.test_drive_then_acquired,
            },
            pipeline: PipelineJson {
                customers: stats.pipeline.customers,
                touched: stats.pipeline.touched,
                qualified: stats.pipeline.qualified,
                won: stats.pipeline.won,
                lost: stats.pipeline.lost,
            },
            follow_up: FollowUpJson::new(&stats.follow_up),
            by_owner: stats
                .by_owner
                .iter()
                .map(|(owner, o)| {
                    let json = OwnerJson {
                        leads: o.leads,
                        sla: SlaCountsJson::new(&o.sla),
                        median_first_touch_s: o.median_first_touch_s,
                        follow_up: FollowUpJson::new(&o.follow_up),
                    };
                    (owner.as_str(), json)
                })
                .collect(),
            lost_reasons: &stats.lost_reasons,
            overrides: OverridesJson {
                qualified_without_checklist: stats.overrides.qualified_without_checklist,
                lost_forced: stats.overrides.lost_forced,
            },
            offers: stats
                .offers
                .iter()
                .map(|(offer, h)| {
                    let json = OfferJson {
                        leads: h.leads,
                        last_lead_at: h.last_lead_at.map(format_time),
                        last_test_lead_at: h.last_test_lead_at.map(format_time),
                        median_gap_s: h.median_gap_s,
                        silent: h.silent,
                    };
                    (offer.as_str(), json)
                })
                .collect(),
        }
    }
}

/// A percentage (`83%`), or `n/a`.
fn percent(share: Option<f64>) -> String {
    share.map_or("n/a".to_string(), |c| format!("{:.0}%", c * 100.0))
}

/// A duration in seconds as `2d3h`, or `n/a`.
fn seconds(s: Option<i64>) -> String {
    s.map_or("n/a".to_string(), |s| {
        crate::domain::sla::short_duration(chrono::Duration::seconds(s))
    })
}

/// A share of a whole for the funnel: `3 of 5 (60%)`.
fn share(part: u64, whole: u64) -> String {
    let of = (whole > 0).then(|| part as f64 / whole as f64);
    format!("{part} of {whole} ({})", percent(of))
}

/// `stats` for reading; every text from files or users escaped.
/// `stats` for people; `sla_hours` is the first touch's deadline the figures judge.
pub fn stats_text(stats: &Stats, shown: &Shown, sla_hours: i64) -> String {
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let window = match (stats.window.since, stats.window.until) {
        (None, None) => "all time".to_string(),
        (Some(since), None) => format!("received from {}", day(since)),
        (None, Some(until)) => format!("received until {}", day(until)),
        (Some(since), Some(until)) => format!("received {} to {}", day(since), day(until)),
    };
    let mut out = format!("{} leads (test leads left out), {window}\n\n", stats.total);
    let sla = &stats.sla;
    out.push_str(&format!(
        "SLA (first touch within {sla_hours}h)\n  compliance {}   median first touch {}   p90 {}\n  \
         {} contactable: {} met, {} missed, {} due, {} overdue; {} exempt (DNC, test, closed in time)\n  \
         {} contactable leads not touched yet\n",
        percent(sla.compliance()),
        seconds(stats.median_first_touch_s),
        seconds(stats.p90_first_touch_s),
        sla.contactable(),
        sla.met,
        sla.missed,
        sla.due,
        sla.overdue,
        sla.exempt,
        stats.untouched
    ));
    for (title, map) in [
        ("By action", &stats.by_action),
        ("By source", &stats.by_source),
        ("By status", &stats.by_status),
        ("By offer", &stats.by_offer),
    ] {
        out.push_str(&format!("\n{title}\n"));
        let mut rows: Vec<_> = map.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (name, count) in rows {
            out.push_str(&format!("  {:<40} {count:>7}\n", fit(&printable(name), 40)));
        }
    }

    if let (Some(first), Some(last)) = (stats.sla_by_day.first(), stats.sla_by_day.last()) {
        out.push_str(&format!(
            "\nSLA by day of arrival, {} to {} (days without a contactable lead left out)\n",
            day(first.date),
            day(last.date)
        ));
    }
    out.push_str(&format!(
        "  {:<10} {:>11} {:>7} {:>7} {:>7} {:>7} {:>10}\n",
        "day", "contactable", "met", "missed", "due", "overdue", "compliance"
    ));
    for d in stats.sla_by_day.iter().filter(|d| d.sla.contactable() > 0) {
        out.push_str(&format!(
            "  {:<10} {:>11} {:>7} {:>7} {:>7} {:>7} {:>10}\n",
            day(d.date),
            d.sla.contactable(),
            d.sla.met,
            d.sla.missed,
            d.sla.due,
            d.sla.overdue,
            percent(d.sla.compliance())
        ));
    }

    out.push_str("\nLeads by week of arrival\n");
    if let Some(first) = stats.volume_by_week.first() {
        let widths: Vec<usize> = first.by_action().map(|(a, _)| a.len().max(6)).collect();
        out.push_str(&format!("  {:<8}", "week"));
        for ((action, _), width) in first.by_action().zip(&widths) {
            out.push_str(&format!(" {action:>width$}"));
        }
        out.push('\n');
        for week in &stats.volume_by_week {
            out.push_str(&format!("  {:<8}", week.week));
            for ((_, count), width) in week.by_action().zip(&widths) {
                out.push_str(&format!(" {count:>width$}"));
            }
            out.push('\n');
        }
    }

    let f = &stats.funnel;
    let p = &stats.pipeline;
    out.push_str(&format!(
        "\nFunnel (customers)\n  Contact me, then acquired  {}\n  Test drive, then acquired  {}\n",
        share(f.contact_me_then_acquired, f.contact_me),
        share(f.test_drive_then_acquired, f.test_drive)
    ));
    out.push_str(&format!(
        "\nPipeline (customers with a contactable lead)\n  {} customers: {} touched, {} qualified, {} won, {} lost\n",
        p.customers, p.touched, p.qualified, p.won, p.lost
    ));
    let u = &stats.follow_up;
    out.push_str(&format!(
        "\nFollow-up now\n  due today {}, of them past due {}; decisions due {}\n",
        u.due_today, u.overdue, u.decisions_due
    ));

    out.push_str("\nBy owner\n");
    out.push_str(&format!(
        "  {:<24} {:>7} {:>11} {:>10} {:>8} {:>9} {:>8} {:>9}\n",
        "owner",
        "leads",
        "contactable",
        "compliance",
        "median",
        "due today",
        "past due",
        "decisions"
    ));
    for (owner, o) in &stats.by_owner {
        out.push_str(&format!(
            "  {:<24} {:>7} {:>11} {:>10} {:>8} {:>9} {:>8} {:>9}\n",
            fit(&printable(owner), 24),
            o.leads,
            o.sla.contactable(),
            percent(o.sla.compliance()),
            seconds(o.median_first_touch_s),
            o.follow_up.due_today,
            o.follow_up.overdue,
            o.follow_up.decisions_due
        ));
    }

    out.push_str("\nLost reasons\n");
    let mut reasons: Vec<_> = stats.lost_reasons.iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (reason, count) in reasons {
        out.push_str(&format!(
            "  {:<40} {count:>7}\n",
            fit(&printable(reason), 40)
        ));
    }
    out.push_str(&format!(
        "\nOverrides\n  {} qualified without the checklist, {} lost with --force\n",
        stats.overrides.qualified_without_checklist, stats.overrides.lost_forced
    ));

    out.push_str("\nOffers (health over all history)\n");
    out.push_str(&format!(
        "  {:<32} {:>7} {:<16} {:<16} {:>10}\n",
        "offer", "leads", "last lead", "last test lead", "median gap"
    ));
    for (offer, h) in &stats.offers {
        let when = |t: Option<DateTime<Utc>>| t.map_or("-".to_string(), |t| shown.time(t));
        out.push_str(&format!(
            "  {:<32} {:>7} {:<16} {:<16} {:>10}{}\n",
            fit(&printable(offer), 32),
            h.leads,
            when(h.last_lead_at),
            when(h.last_test_lead_at),
            seconds(h.median_gap_s),
            if h.silent { "  SILENT" } else { "" }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Status;
    use chrono::TimeZone;

    /// The CSV an export of `leads` writes.
    fn csv_text(leads: &[Lead], now: DateTime<Utc>) -> String {
        let mut out = Vec::new();
        let mut csv = CsvWriter::new(&mut out).unwrap();
        for lead in leads {
            csv.push(lead, now, &FollowUpMarks::default()).unwrap();
        }
        csv.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    fn lead(id: i64) -> Lead {
        Lead {
            contact_id: id,
            ..crate::domain::bare_lead(id, Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap())
        }
    }

    /// Every cell a spreadsheet would run gets a `'`, whatever column it is in; empty values
    /// are empty cells; quotes, commas and line breaks are quoted as CSV quotes them.
    #[test]
    fn csv_rows_are_exactly_these_bytes() {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap();
        let bare = lead(1);
        let full = Lead {
            source: Some("AzureMarketplace".into()),
            action: Action::parse("INS"),
            offer: Some("-offer".into()),
            offer_name: Some("+Offer, \"the\" one".into()),
            lead_source: Some("@source".into()),
            first_name: Some("\tAna".into()),
            last_name: Some("\rSilva".into()),
            email: Some("ana@example.com".into()),
            phone: Some("+1 425 555 0100".into()),
            country: Some("=1+1".into()),
            company: Some("Multi\nline".into()),
            title: Some("CTO".into()),
            description: Some("a\r\nb".into()),
            is_test: true,
            status: Status::Contacted,
            owner: Some("@ops".into()),
            touches: 2,
            last_touch_at: Some(Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap()),
            first_touch_at: Some(Utc.with_ymd_and_hms(2026, 11, 20, 9, 30, 0).unwrap()),
            sla_due_at: Some(Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap()),
            ..lead(2)
        };
        assert_eq!(
            csv_text(&[bare, full], now),
            "id,contact_id,received_at,source,action,offer,offer_name,lead_source,first_name,\
             last_name,name,email,phone,country,company,title,description,is_test,status,owner,\
             touches,last_touch_at,sla_due_at,sla_state,next_follow_up_at,snoozed_until,\
             lost_reason\n\
             1,1,2026-11-20T09:00:00Z,,,,,,,,,,,,,,,false,new,,0,,,exempt,,,\n\
             2,2,2026-11-20T09:00:00Z,AzureMarketplace,INS,'-offer,\"'+Offer, \"\"the\"\" one\",\
             '@source,'\tAna,\"'\rSilva\",\"'\tAna \rSilva\",ana@example.com,'+1 425 555 0100,\
             '=1+1,\"Multi\nline\",CTO,\"a\r\nb\",true,contacted,'@ops,2,2026-11-20T10:00:00Z,\
             2026-11-21T09:00:00Z,met,,,\n"
        );
    }
}
