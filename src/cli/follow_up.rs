//! The follow-up commands: `today`, `touch`, `status`, `assign`, `snooze`, `qualify`. The
//! commands that change leads take several ids and check them all before changing any.

use anyhow::{bail, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::io::{BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use super::args::{StatusArgs, TodayFormat};
use super::output::{self, JsonArrayWriter};
use super::{open_store, owner_filter, who_is_me, Ctx, UsageError};
use crate::domain::follow_up::{self, Owed, Reason};
use crate::domain::text::printable;
use crate::domain::time::{format_time, Shown};
use crate::domain::{Status, TouchKind};
use crate::store::{QueueItem, QueueRow, Store, StoreError, Today};

/// `leadbox today`: the queue, one customer a row.
pub fn today(
    ctx: &Ctx,
    owner: Option<&str>,
    format: TodayFormat,
    now: DateTime<Utc>,
) -> Result<ExitCode> {
    let owner = owner_filter(&ctx.config, owner)?;
    let store = open_store(ctx)?;
    let zone = ctx.config.zone();
    // One snapshot: the queue and its rows' leads as of one moment.
    store.snapshot(|store| {
        let today = store.today(&ctx.config.follow_up, zone, now, &owner)?;
        match format {
            TodayFormat::Json => write_today_json(store, &today, BufWriter::new(std::io::stdout())),
            TodayFormat::Table => {
                let out = BufWriter::new(std::io::stdout().lock());
                let color = ctx.color.colors(std::io::stdout().is_terminal());
                write_today_table(store, &today, now, &ctx.config.shown(), color, out)
            }
        }
    })?;
    Ok(ExitCode::SUCCESS)
}

/// A row of `today --format json`. Scripts rely on the keys: add, never rename.
#[derive(Serialize)]
struct TodayRow<'a> {
    contact_id: i64,
    lead_id: i64,
    reason: &'static str,
    due_at: String,
    name: Option<&'a str>,
    company: Option<&'a str>,
    action: Option<&'a str>,
    owner: Option<&'a str>,
    customer_touches: u32,
    last_touch_at: Option<String>,
    /// The cadence step a follow-up is (1, 2...); none for other rows.
    step: Option<usize>,
    /// A snooze moved the row to today.
    snoozed: bool,
}

fn today_row<'a>(item: &QueueItem, row: &'a QueueRow) -> TodayRow<'a> {
    TodayRow {
        contact_id: item.contact_id,
        lead_id: row.lead_id,
        reason: item.reason.as_str(),
        due_at: format_time(item.next.due_at),
        name: row.name.as_deref(),
        company: row.company.as_deref(),
        action: row.action.as_ref().map(|a| a.as_str()),
        owner: row.owner.as_deref(),
        customer_touches: row.customer_touches,
        last_touch_at: row.last_touch_at.map(format_time),
        step: match item.next.owed {
            Owed::Step { step } => Some(step),
            _ => None,
        },
        snoozed: item.next.snoozed,
    }
}

/// The rows are made into JSON by a second thread while the next ones are read: at a
/// million rows the two cost about the same.
fn write_today_json(store: &Store, today: &Today, out: impl Write + Send) -> Result<()> {
    const BATCH: usize = 1024;
    std::thread::scope(|scope| {
        // `None` ends the array; a queue left unread leaves it open, as JSON that no
        // script can take for the whole queue.
        let (send, batches) = std::sync::mpsc::sync_channel::<Option<Vec<_>>>(4);
        let writer = scope.spawn(move || -> std::io::Result<()> {
            let mut array = JsonArrayWriter::new(out)?;
            for batch in batches {
                let Some(rows) = batch else {
                    array.finish()?;
                    break;
                };
                for (item, row) in &rows {
                    array.push(&today_row(item, row))?;
                }
            }
            Ok(())
        });
        let mut rows = Vec::with_capacity(BATCH);
        let hand_on = |rows: Option<Vec<(QueueItem, QueueRow)>>| {
            // Refused only when the writer has stopped: its error is the one to tell.
            send.send(rows)
                .map_err(|_| anyhow::anyhow!("the writer stopped"))
        };
        let read = store
            .queue_rows(&today.items, |item, row| {
                rows.push((*item, row));
                if rows.len() == BATCH {
                    hand_on(Some(std::mem::replace(
                        &mut rows,
                        Vec::with_capacity(BATCH),
                    )))?;
                }
                Ok(())
            })
            .and_then(|()| hand_on(Some(rows)))
            .and_then(|()| hand_on(None));
        // The writer ends with the queue, read or not.
        drop(send);
        writer.join().expect("writing JSON does not panic")?;
        read
    })
}

const TODAY_TABLE: [(&str, usize); 8] = [
    ("REASON", 22),
    ("DUE", 14),
    ("ID", 6),
    ("NAME", 22),
    ("COMPANY", 22),
    ("ACTION", 14),
    ("OWNER", 12),
    ("TOUCHES", 7),
];

/// The queue as a table: a line of counts per group, then a row per customer; the due cell
/// coloured as the SLA cell of `list` is (overdue in bold red).
fn write_today_table(
    store: &Store,
    today: &Today,
    now: DateTime<Utc>,
    shown: &Shown,
    color: bool,
    mut out: impl Write,
) -> Result<()> {
    let zone = shown.zone;
    if today.items.is_empty() {
        let next = today.next_due.map_or(String::new(), |at| {
            format!(" The next item falls due {}.", shown.time(at))
        });
        writeln!(out, "All caught up.{next}")?;
        out.flush()?;
        return Ok(());
    }
    writeln!(out, "{}", group_counts(today))?;
    let widths = TODAY_TABLE.map(|(_, w)| w);
    writeln!(
        out,
        "{}",
        output::table_heading(&TODAY_TABLE.map(|(n, _)| n), &widths)
    )?;
    store.queue_rows(&today.items, |item, details| {
        let row = today_row(item, &details);
        let cells = [
            item.next.label(item.reason),
            item.next.due_text(item.reason, now, zone),
            row.lead_id.to_string(),
            row.name.unwrap_or("(withheld)").to_string(),
            row.company.unwrap_or("").to_string(),
            row.action.unwrap_or("-").to_string(),
            row.owner.unwrap_or("-").to_string(),
            row.customer_touches.to_string(),
        ];
        let sgr = (color && item.reason == Reason::Overdue).then_some((1, "1;91"));
        writeln!(out, "{}", output::table_line(&cells, &widths, sgr)).map_err(anyhow::Error::from)
    })?;
    out.flush()?;
    Ok(())
}

/// `3 overdue · 2 first touch · 1 follow-up · 0 decide`.
fn group_counts(today: &Today) -> String {
    Reason::ALL
        .iter()
        .map(|&reason| {
            let n = today.items.iter().filter(|i| i.reason == reason).count();
            format!("{n} {}", reason.as_str().replace('_', " "))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Checks that every id names a lead before a command changes any.
fn check_ids(store: &Store, ids: &[i64]) -> Result<()> {
    let mut missing = Vec::new();
    for &id in ids {
        match store.lead(id) {
            Err(StoreError::NoSuchLead(_)) => missing.push(id),
            found => drop(found?),
        }
    }
    match missing.as_slice() {
        [] => Ok(()),
        [one] => bail!("no lead with id {one}: nothing was changed"),
        many => bail!(
            "no leads with ids {}: nothing was changed",
            many.iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `leadbox touch ID... --kind K`: the touch on each lead; every lead is checked first.
pub fn touch(
    ctx: &Ctx,
    ids: &[i64],
    kind: TouchKind,
    note: Option<&str>,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<ExitCode> {
    let mut store = open_store(ctx)?;
    check_ids(&store, ids)?;
    let at = at.unwrap_or(now);
    for &id in ids {
        store.lead(id)?.check_touch(kind, at, now)?;
    }
    for &id in ids {
        store.add_touch(id, kind, note, at, now)?;
        let lead = store.lead(id)?;
        println!(
            "Lead {id}: {kind} logged at {}; status {}, SLA {}",
            format_time(at),
            lead.status,
            lead.sla_state(now)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The ids and the last word of `ID... WORD`.
fn ids_then<'a>(args: &'a [String], what: &str) -> Result<(Vec<i64>, &'a str)> {
    let (last, ids) = args
        .split_last()
        .expect("clap asks for two values at least");
    let ids = ids
        .iter()
        .map(|id| {
            id.trim().parse::<i64>().map_err(|_| {
                anyhow::anyhow!("'{}' is no lead id (give ID... {what})", printable(id))
            })
        })
        .collect::<Result<_>>()?;
    Ok((ids, last))
}

/// `leadbox status ID... STATUS`, with the guards of qualified and lost.
pub fn status(ctx: &Ctx, asked: StatusArgs, now: DateTime<Utc>) -> Result<ExitCode> {
    let (ids, status) = ids_then(&asked.args, "STATUS")?;
    let status: Status = status.parse().map_err(UsageError)?;
    let rules = &ctx.config.follow_up;
    let zone = ctx.config.zone();
    if status != Status::Lost && (asked.reason.is_some() || asked.force) {
        return Err(UsageError("--reason and --force are for lost".into()).into());
    }
    if status != Status::Qualified && (asked.override_reason.is_some() || asked.next_step.is_some())
    {
        let problem = "--override, --next-step and --next-at are for qualified";
        return Err(UsageError(problem.into()).into());
    }
    let next_step = match (&asked.next_step, &asked.next_at) {
        (Some(step), Some(at)) => Some((
            step.as_str(),
            follow_up::snooze_until(at, now, zone, rules.day_start)
                .map_err(|e| anyhow::anyhow!(e.replace("snooze until", "set the next step at")))?,
        )),
        _ => None,
    };
    let mut store = open_store(ctx)?;
    check_ids(&store, &ids)?;
    if status == Status::Lost && asked.reason.is_none() {
        let reasons: Vec<String> = rules
            .lost_reasons
            .iter()
            .map(|r| format!("\"{r}\""))
            .collect();
        let problem = format!(
            "a lost lead needs a reason: --reason with one of {}, or \"other: TEXT\"",
            reasons.join(", ")
        );
        return Err(UsageError(problem).into());
    }
    let previous: Vec<Status> = match status {
        Status::Qualified => {
            let reason = asked.override_reason.as_deref();
            store.qualify(&ids, reason, next_step, rules, now)?
        }
        Status::Lost => {
            let reason = asked.reason.as_deref().unwrap_or_default();
            store.lose(&ids, reason, asked.force, rules, zone, now)?
        }
        _ => ids
            .iter()
            .map(|&id| store.set_status_at(id, status, now))
            .collect::<Result<_, _>>()?,
    }
    .into_iter()
    .map(|(previous, _)| previous)
    .collect();
    for (id, previous) in ids.iter().zip(previous) {
        println!("Lead {id}: status {previous} → {status}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `leadbox assign ID... OWNER`, where `me` is the rep (the owner setting, else the login
/// name), whatever its case. Assigning a lead assigns its customer.
pub fn assign(ctx: &Ctx, args: &[String]) -> Result<ExitCode> {
    let (ids, owner) = ids_then(args, "OWNER")?;
    let owner = match owner.trim().eq_ignore_ascii_case("me") {
        true => who_is_me(&ctx.config)?,
        false => owner.to_string(),
    };
    let mut store = open_store(ctx)?;
    check_ids(&store, &ids)?;
    for id in ids {
        match store.set_owner(id, Some(&owner))?.1 {
            Some(owner) => println!(
                "Lead {id}: owner {} (every lead of its customer)",
                printable(&owner)
            ),
            None => println!("Lead {id}: no owner (every lead of its customer)"),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `leadbox snooze ID... --until WHEN`.
pub fn snooze(ctx: &Ctx, ids: &[i64], until: &str, now: DateTime<Utc>) -> Result<ExitCode> {
    let rules = &ctx.config.follow_up;
    let zone = ctx.config.zone();
    let until =
        follow_up::snooze_until(until, now, zone, rules.day_start).map_err(anyhow::Error::msg)?;
    let mut store = open_store(ctx)?;
    check_ids(&store, ids)?;
    for (id, next) in ids.iter().zip(store.snooze(ids, until, now, rules, zone)?) {
        println!(
            "Lead {id}: its customer's {} is snoozed until {}",
            owed_words(next.owed),
            ctx.config.shown().time(next.due_at)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn owed_words(owed: Owed) -> String {
    match owed {
        Owed::FirstTouch { .. } => "first touch".into(),
        Owed::Step { step } => format!("follow-up {step}"),
        Owed::NextStep => "next step".into(),
        Owed::Decide => "decision".into(),
    }
}

/// `leadbox qualify ID [--check ITEM]... [--uncheck ITEM]...`: the checklist after.
pub fn qualify(
    ctx: &Ctx,
    id: i64,
    check: &[String],
    uncheck: &[String],
    now: DateTime<Utc>,
) -> Result<ExitCode> {
    let rules = &ctx.config.follow_up;
    let mut changes = Vec::new();
    for (items, on) in [(check, true), (uncheck, false)] {
        for item in items {
            let item = follow_up::checklist_item(item, rules).map_err(anyhow::Error::msg)?;
            changes.push((item, on));
        }
    }
    let mut store = open_store(ctx)?;
    let checked = store.set_checks(id, &changes, now)?;
    let missing = follow_up::unchecked(&checked, rules);
    println!("Lead {id}: its customer's qualification checklist");
    for item in &rules.checklist {
        let mark = if missing.contains(&item.as_str()) {
            ' '
        } else {
            'x'
        };
        println!("  [{mark}] {}", printable(item));
    }
    if missing.is_empty() {
        println!("Complete: leadbox status {id} qualified");
    }
    Ok(ExitCode::SUCCESS)
}
