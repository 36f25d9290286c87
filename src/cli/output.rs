//! How leads and figures are written for people (tables, text) and for scripts (JSON, CSV).

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::borrow::Cow;

use crate::domain::sla::countdown;
use crate::domain::text::{fit, printable, truncate};
use crate::domain::time::{format_time, Shown};
use crate::domain::{Action, Lead, SlaState, Touch};
use crate::store::{FollowUpMarks, Stats};
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

#[derive(Serialize)]
pub struct StatsJson<'a> {
    pub by_action: &'a std::collections::BTreeMap<String, u64>,
    pub by_source: &'a std::collections::BTreeMap<String, u64>,
    pub by_offer: &'a std::collections::BTreeMap<String, u64>,
    pub by_status: &'a std::collections::BTreeMap<String, u64>,
    pub sla: SlaJson,
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
}

impl<'a> StatsJson<'a> {
    pub fn new(stats: &'a Stats) -> StatsJson<'a> {
        StatsJson {
            by_action: &stats.by_action,
            by_source: &stats.by_source,
            by_offer: &stats.by_offer,
            by_status: &stats.by_status,
            sla: SlaJson {
                contactable: stats.contactable,
                met: stats.met,
                missed: stats.missed,
                due: stats.due,
                overdue: stats.overdue,
                exempt: stats.exempt,
                compliance: stats.compliance(),
                median_first_touch_s: stats.median_first_touch_s,
            },
        }
    }
}

pub fn stats_text(stats: &Stats) -> String {
    let mut out = format!("{} leads (test leads left out)\n\n", stats.total);
    let compliance = stats
        .compliance()
        .map_or("n/a".to_string(), |c| format!("{:.0}%", c * 100.0));
    let median = stats.median_first_touch_s.map_or("n/a".to_string(), |s| {
        crate::domain::sla::short_duration(chrono::Duration::seconds(s))
    });
    out.push_str(&format!(
        "SLA (first touch within 24h)\n  compliance {compliance}   median first touch {median}\n  \
         {} contactable: {} met, {} missed, {} due, {} overdue; {} exempt (DNC, test, closed in time)\n",
        stats.contactable, stats.met, stats.missed, stats.due, stats.overdue, stats.exempt
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
