//! Drawing: reads the state, changes nothing.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Clear, Gauge, Paragraph, Row, Table, Wrap};
use ratatui::Frame;

use super::app::{App, Detail, Mode, Tab, CALL_OUTCOMES};
use super::keys::Context;
use super::layout::Areas;
use super::theme::Theme;
use super::today::Queue;
use crate::domain::follow_up::{Owed, Reason};
use crate::domain::sla::{self, countdown};
use crate::domain::text::{pretty_notes, printable, printable_multiline, truncate, truncate_start};
use crate::domain::{Action, Lead, SlaState, Status, TouchKind};
use unicode_width::UnicodeWidthStr;

pub fn draw(frame: &mut Frame<'_>, app: &App, theme: Theme) {
    let size = frame.area();
    let areas = Areas::new(size.width, size.height);
    // An overlay opened from the lead pane or the analytics view keeps it under it.
    let (on_detail, on_analytics) = match app.mode {
        Mode::Detail => (true, false),
        Mode::Analytics => (false, true),
        Mode::List => (false, false),
        _ => (
            matches!(app.base, Mode::Detail),
            matches!(app.base, Mode::Analytics),
        ),
    };
    if on_analytics {
        let area = Rect {
            height: areas.message.y.min(size.height),
            ..areas.tabs
        };
        super::analytics::draw(frame, app, theme, area);
    } else {
        match &app.queue {
            Some(queue) => draw_today_counts(frame, app, queue, theme, areas.tabs),
            None => draw_tabs(frame, app, theme, areas.tabs),
        }
        match &app.queue {
            _ if on_detail => draw_detail(frame, app, theme, areas.body()),
            Some(queue) => draw_today(frame, app, queue, theme, &areas),
            None => draw_list(frame, app, theme, &areas),
        }
    }
    draw_message(frame, app, theme, areas.message);
    draw_status(frame, app, theme, areas.status);
    draw_hints(frame, app, theme, areas.hints);
    match &app.mode {
        Mode::Help => draw_help(frame, app, theme, size),
        Mode::Status { selected } => draw_status_picker(frame, theme, size, *selected),
        Mode::Importing { file, done, total } => {
            draw_progress(frame, theme, size, file, *done, *total)
        }
        Mode::ImportSummary(reports) => draw_import_summary(frame, theme, size, reports),
        Mode::Compose(draft) => draw_compose(frame, theme, size, draft),
        Mode::Checklist { items, selected } => draw_checklist(frame, theme, size, items, *selected),
        _ => {}
    }
}

const NO_LEADS: &str =
    "No leads yet. Press i to import a lead export (JSON, NDJSON or CSV), or run `leadbox import FILE`.";

/// An overlay's keys, for its bottom border: ` Space check  Esc close `.
fn footer(theme: Theme, keys: &[(&str, &str)]) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (i, (key, what)) in keys.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(format!("{key} "), theme.key()));
        spans.push(Span::raw(what.to_string()));
    }
    spans.push(Span::raw(" "));
    Line::from(spans)
}

/// The customer's qualification checklist, the selected item highlighted.
fn draw_checklist(
    frame: &mut Frame<'_>,
    theme: Theme,
    size: Rect,
    items: &[(String, bool)],
    selected: usize,
) {
    let area = centered(size, 48, items.len() as u16 + 2);
    let lines: Vec<Line<'_>> = items
        .iter()
        .enumerate()
        .map(|(i, (item, on))| {
            let mark = if *on { "[x]" } else { "[ ]" };
            let line = Line::raw(format!(" {mark} {}", printable(item)));
            match i == selected {
                true => line.style(theme.selected()),
                false => line,
            }
        })
        .collect();
    let done = items.iter().filter(|(_, on)| *on).count();
    let keys = footer(theme, &[("Space", "check"), ("Esc", "close")]);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" Qualification {done}/{} ", items.len()))
        .title_bottom(keys);
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The composed email, as it will go out: `o` hands it to the mail program, `y` copies it.
fn draw_compose(frame: &mut Frame<'_>, theme: Theme, size: Rect, draft: &crate::compose::Draft) {
    let area = centered(size, 84, size.height.saturating_sub(4).max(8));
    let mut lines = vec![
        Line::from(vec![
            Span::styled("To       ", theme.label()),
            Span::raw(printable(&draft.to).into_owned()),
        ]),
        Line::from(vec![
            Span::styled("Subject  ", theme.label()),
            Span::raw(printable(&draft.subject).into_owned()),
        ]),
        Line::raw(""),
    ];
    lines.extend(
        printable_multiline(&draft.body)
            .lines()
            .map(|line| Line::raw(line.to_string())),
    );
    let keys = footer(
        theme,
        &[
            ("o", "open in the mail program"),
            ("e", "edit ($EDITOR)"),
            ("y", "copy"),
            ("Esc", "close"),
        ],
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Email (E) ")
        .title_bottom(keys);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// The Today view's title line: each group's count, the overdue one first.
fn draw_today_counts(frame: &mut Frame<'_>, app: &App, queue: &Queue, theme: Theme, area: Rect) {
    let mut spans = vec![Span::styled(" Today ", theme.tab_active())];
    if !queue.complete {
        spans.push(Span::styled(" counting…", theme.quiet()));
    }
    let counts = Reason::ALL.iter().zip(queue.counts);
    for (&reason, n) in counts.filter(|_| queue.complete) {
        let style = match reason {
            Reason::Overdue if n > 0 => theme.overdue(),
            _ if n == 0 => theme.quiet(),
            _ => Style::default(),
        };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            format!("{n} {}", reason.as_str().replace('_', " ")),
            style,
        ));
    }
    if app.tab > 0 {
        let tab = app.tabs.get(app.tab).map_or("", |t| t.label());
        spans.push(Span::styled(
            format!("  {}:{tab}", app.tab + 1),
            theme.tab_active(),
        ));
    }
    if app.mine {
        spans.push(Span::styled("  mine", theme.label()));
    }
    frame.render_widget(Paragraph::new(fit_line(spans, area.width)), area);
}

/// A line of quiet text in place of the rows (no lead, no match, all caught up).
fn quiet_message(frame: &mut Frame<'_>, theme: Theme, text: &str, area: Rect) {
    let message = Paragraph::new(text.to_string())
        .style(theme.quiet())
        .wrap(Wrap { trim: true });
    frame.render_widget(message, area);
}

/// The Today view's columns: the reason and due time fixed, the rest shared.
fn today_columns(width: u16) -> Vec<Constraint> {
    let wide = width >= 120;
    vec![
        Constraint::Length(if wide { 22 } else { 15 }),
        Constraint::Length(14),
        Constraint::Fill(3),
        Constraint::Fill(2),
        Constraint::Length(if wide { 14 } else { 6 }),
        Constraint::Length(if width >= 100 { 12 } else { 0 }),
        Constraint::Length(7),
    ]
}

fn draw_today(frame: &mut Frame<'_>, app: &App, queue: &Queue, theme: Theme, areas: &Areas) {
    let wide = areas.list.width >= 120;
    let header = Row::new([
        "REASON", "DUE", "NAME", "COMPANY", "ACTION", "OWNER", "TOUCHES",
    ])
    .style(theme.header());
    let columns = today_columns(areas.list.width);
    frame.render_widget(
        Table::new([header], columns.clone()).column_spacing(1),
        areas.header,
    );
    if queue.items.is_empty() && !queue.complete {
        quiet_message(frame, theme, "Reading today's queue…", areas.list);
        return;
    }
    if queue.items.is_empty() {
        let next = queue.next_due.map_or(String::new(), |at| {
            format!(
                " The next item falls due {}.",
                app.zone.format(at, "%a %b %d %H:%M")
            )
        });
        let text = match queue.no_leads {
            true => NO_LEADS.to_string(),
            false => format!("All caught up.{next} T shows the full list."),
        };
        quiet_message(frame, theme, &text, areas.list);
        return;
    }
    let widths: Vec<usize> = Layout::horizontal(columns.clone())
        .spacing(1)
        .split(areas.list)
        .iter()
        .map(|r| r.width as usize)
        .collect();
    let rows = queue.rows.iter().enumerate().map(|(i, row)| {
        let item = &queue.items[queue.scroll + i];
        let lead = &row.lead;
        let cell = |column: usize, text: &str| {
            Cell::from(truncate(&printable(text), widths[column]).into_owned())
        };
        let due = match app.is_unsaved(lead.id) {
            true => "saving…".to_string(),
            false => item.next.due_text(item.reason, app.now, app.zone),
        };
        let due_style = match item.reason {
            Reason::Overdue => theme.overdue(),
            _ if item.next.due_at - app.now < chrono::Duration::hours(sla::DUE_SOON_HOURS) => {
                theme.due_soon()
            }
            _ => Style::default(),
        };
        let name = lead.name().unwrap_or_else(|| "(withheld)".into());
        let row = Row::new(vec![
            cell(0, &item.next.label(item.reason)),
            Cell::from(due).style(due_style),
            cell(2, &name),
            cell(3, lead.company.as_deref().unwrap_or("")),
            cell(4, &short_action(lead.action.as_ref(), wide))
                .style(theme.badge(lead.action.as_ref())),
            cell(5, lead.owner.as_deref().unwrap_or("-")),
            cell(6, &row.customer_touches.to_string()),
        ]);
        let marked = marked_style(app, lead.id);
        match queue.scroll + i == queue.selected {
            true => row.style(theme.selected().patch(marked)),
            false => row.style(marked),
        }
    });
    frame.render_widget(Table::new(rows, columns).column_spacing(1), areas.list);
}

/// The overdue count comes first so that no terminal is too narrow to show it.
fn draw_tabs(frame: &mut Frame<'_>, app: &App, theme: Theme, area: Rect) {
    let overdue = app.counts.overdue;
    let mut spans = vec![Span::styled(
        format!("{} overdue ", count(app, overdue)),
        if overdue > 0 {
            theme.overdue()
        } else {
            theme.quiet()
        },
    )];
    let narrow = area.width < 110;
    for (i, tab) in app.tabs.iter().enumerate() {
        let name = match tab {
            Tab::Action(Action::StartTestDrive) if narrow => "TD",
            _ => tab.label(),
        };
        let style = if i == app.tab {
            theme.tab_active()
        } else {
            Style::default()
        };
        spans.push(Span::raw(if narrow { "" } else { " " }));
        spans.push(Span::styled(
            format!(" {}:{name} {} ", i + 1, count(app, app.tab_count(tab))),
            style,
        ));
    }
    frame.render_widget(Paragraph::new(fit_line(spans, area.width)), area);
}

/// Columns: fixed widths for short facts, the rest shared by name, company and offer; the
/// status and the owner where the width allows (140 columns).
fn list_columns(width: u16) -> Vec<Constraint> {
    let wide = width >= 120;
    let mut columns = vec![
        Constraint::Length(15),
        Constraint::Length(if wide { 14 } else { 6 }),
        Constraint::Fill(3),
        Constraint::Fill(2),
        Constraint::Fill(2),
        Constraint::Length(if wide { 16 } else { 0 }),
        Constraint::Length(12),
    ];
    if with_status(width) {
        columns.splice(6..6, [Constraint::Length(9), Constraint::Length(12)]);
    }
    columns
}

/// Whether the list has room for the status and owner columns.
fn with_status(width: u16) -> bool {
    width >= 140
}

/// A count, or `…` while fresh counts are on their way.
fn count(app: &App, n: u64) -> String {
    if app.counts_stale {
        "…".to_string()
    } else {
        n.to_string()
    }
}

fn short_action(action: Option<&Action>, wide: bool) -> String {
    match action {
        None => "-".into(),
        Some(a) if wide => a.as_str().to_string(),
        Some(Action::StartTestDrive) => "TD".into(),
        Some(a) => truncate(a.as_str(), 6).into_owned(),
    }
}

fn draw_list(frame: &mut Frame<'_>, app: &App, theme: Theme, areas: &Areas) {
    let wide = areas.list.width >= 120;
    let mut names = vec![
        "SLA", "ACTION", "NAME", "COMPANY", "OFFER", "SOURCE", "RECEIVED",
    ];
    if with_status(areas.list.width) {
        names.splice(6..6, ["STATUS", "OWNER"]);
    }
    let header = Row::new(names).style(theme.header());
    frame.render_widget(
        Table::new([header], list_columns(areas.list.width)).column_spacing(1),
        areas.header,
    );
    if app.rows.is_empty() {
        let text = if app.search.is_empty() && app.counts.all == 0 {
            NO_LEADS
        } else {
            "No lead matches. Esc clears the search; 1 shows all leads."
        };
        quiet_message(frame, theme, text, areas.list);
        return;
    }
    let widths: Vec<usize> = Layout::horizontal(list_columns(areas.list.width))
        .spacing(1)
        .split(areas.list)
        .iter()
        .map(|r| r.width as usize)
        .collect();
    let rows = app.rows.iter().enumerate().map(|(i, lead)| {
        let selected = app.scroll + i as u64 == app.selected;
        list_row(app, lead, selected, &widths, wide, theme)
    });
    frame.render_widget(
        Table::new(rows, list_columns(areas.list.width)).column_spacing(1),
        areas.list,
    );
}

/// A lead's row of the list, its cells fitted to the columns' `widths`.
fn list_row(
    app: &App,
    lead: &Lead,
    selected: bool,
    widths: &[usize],
    wide: bool,
    theme: Theme,
) -> Row<'static> {
    // Cut by display width with an ellipsis, so CJK names line up and a cut shows.
    let cell = |column: usize, text: &str| {
        Cell::from(truncate(&printable(text), widths[column]).into_owned())
    };
    let state = lead.sla_state(app.now);
    let sla = if app.is_unsaved(lead.id) {
        "saving…".to_string()
    } else {
        countdown(
            state,
            lead.sla_due_at,
            lead.action == Some(Action::Dnc),
            app.now,
        )
    };
    let name = lead.name().unwrap_or_else(|| "(withheld)".into());
    let style = row_style(lead, theme);
    let mut cells = vec![
        Cell::from(sla).style(sla_style(lead, state, app, theme)),
        cell(1, &short_action(lead.action.as_ref(), wide)).style(theme.badge(lead.action.as_ref())),
        cell(2, &name),
        cell(3, lead.company.as_deref().unwrap_or("")),
        cell(4, lead.offer.as_deref().unwrap_or("")),
        cell(5, lead.source.as_deref().unwrap_or("")),
        Cell::from(app.short_time(lead.received_at)),
    ];
    if widths.len() > cells.len() {
        let status = cell(6, lead.status.as_str());
        cells.splice(6..6, [status, cell(7, lead.owner.as_deref().unwrap_or(""))]);
    }
    Row::new(cells).style(
        match selected {
            true => style.patch(theme.selected()),
            false => style,
        }
        .patch(marked_style(app, lead.id)),
    )
}

/// A marked lead's row is bold and underlined (Space marks; the next change applies to it).
fn marked_style(app: &App, lead_id: i64) -> Style {
    match app.marks.contains(&lead_id) {
        true => Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        false => Style::default(),
    }
}

/// A row is quiet once its lead is closed; its SLA cell alone says how urgent it is (a
/// screen of red rows would be a wall of alarm).
fn row_style(lead: &Lead, theme: Theme) -> Style {
    match lead.status {
        Status::Won | Status::Lost => theme.quiet(),
        _ => Style::default(),
    }
}

fn sla_style(lead: &Lead, state: SlaState, app: &App, theme: Theme) -> Style {
    match state {
        SlaState::Overdue => theme.overdue(),
        _ if sla::is_due_soon(state, lead.sla_due_at, app.now) => theme.due_soon(),
        SlaState::Met | SlaState::Exempt => theme.quiet(),
        _ => Style::default(),
    }
}

fn field<'a>(label: &'a str, value: String, theme: Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<11}"), theme.label()),
        Span::raw(value),
    ])
}

fn draw_detail(frame: &mut Frame<'_>, app: &App, theme: Theme, area: Rect) {
    let Some(detail) = &app.detail else {
        frame.render_widget(Paragraph::new("No lead selected."), area);
        return;
    };
    let mut lines = detail_fields(app, &detail.lead, theme);
    lines.push(Line::raw(""));
    lines.push(Line::styled("Customer notes", theme.label()));
    // The rows under what is above, less the border and the line that says more.
    let rows = usize::from(area.height).saturating_sub(lines.len() + 2);
    lines.extend(notes_lines(detail, rows, usize::from(area.width), theme));
    lines.push(Line::raw(""));
    lines.extend(next_line(app, detail, theme));
    lines.extend(touch_lines(app, detail, theme));
    if detail.contact.len() > 1 {
        lines.push(Line::raw(""));
        lines.extend(path_lines(app, detail, theme));
    }
    let block = Block::default()
        .borders(Borders::TOP)
        .title(format!(" Lead {} ", detail.lead.id));
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// The lead's name and action, SLA, and every field.
fn detail_fields(app: &App, lead: &Lead, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = vec![title_line(lead, theme), sla_line(app, lead, theme)];
    lines.extend(field_lines(app, lead, theme));
    lines
}

/// The lead's name and action, and whether it is a test lead.
fn title_line(lead: &Lead, theme: Theme) -> Line<'static> {
    let action = lead
        .action
        .as_ref()
        .map_or("no action code".to_string(), |a| {
            format!("{a} · {}", a.describe())
        });
    Line::from(vec![
        Span::styled(
            printable(&lead.name().unwrap_or_else(|| "(withheld)".into())).into_owned(),
            theme.header(),
        ),
        Span::raw("  "),
        Span::styled(
            printable(&action).into_owned(),
            theme.badge(lead.action.as_ref()),
        ),
        Span::raw(if lead.is_test { "  TEST LEAD" } else { "" }),
    ])
}

/// The time left to the first touch and when it is due, or why none is owed.
fn sla_line(app: &App, lead: &Lead, theme: Theme) -> Line<'static> {
    let state = lead.sla_state(app.now);
    let sla = match state {
        SlaState::Exempt if lead.action == Some(Action::Dnc) => "DNC: do not contact".to_string(),
        SlaState::Exempt => "exempt (test lead)".to_string(),
        _ => format!(
            "{}  (due {})",
            countdown(state, lead.sla_due_at, false, app.now),
            lead.sla_due_at.map_or("—".into(), |d| app.short_time(d))
        ),
    };
    let sla_style = match state {
        SlaState::Overdue => theme.overdue(),
        SlaState::Due => theme.due_soon(),
        _ => theme.quiet(),
    };
    Line::from(vec![
        Span::styled(format!("{:<11}", "SLA"), theme.label()),
        Span::styled(sla, sla_style),
    ])
}

/// The lead's labelled fields, `—` where it has no value.
fn field_lines(app: &App, lead: &Lead, theme: Theme) -> Vec<Line<'static>> {
    let text_of = |v: &Option<String>| printable(v.as_deref().unwrap_or("—")).into_owned();
    let fields = [
        (
            "Status",
            format!("{}   Owner: {}", lead.status, text_of(&lead.owner)),
        ),
        ("Email", text_of(&lead.email)),
        ("Phone", text_of(&lead.phone)),
        (
            "Company",
            format!("{}  ·  {}", text_of(&lead.company), text_of(&lead.title)),
        ),
        ("Country", text_of(&lead.country)),
        (
            "Offer",
            format!("{}  ({})", text_of(&lead.offer), text_of(&lead.offer_name)),
        ),
        (
            "Source",
            format!(
                "{}   raw: {}",
                text_of(&lead.source),
                text_of(&lead.lead_source)
            ),
        ),
        (
            "Received",
            app.zone.format(lead.received_at, "%a %b %d %Y %H:%M %Z"),
        ),
    ];
    fields
        .into_iter()
        .map(|(label, value)| field(label, value, theme))
        .collect()
}

/// The customer's notes: only what `rows` rows of `width` show is escaped and wrapped,
/// however long the notes, with a last line saying how much more there is.
fn notes_lines(detail: &Detail, rows: usize, width: usize, theme: Theme) -> Vec<Line<'static>> {
    let (lead, notes_len) = (&detail.lead, detail.notes_len);
    let Some(notes) = lead.description.as_deref().filter(|d| !d.trim().is_empty()) else {
        return vec![Line::styled("  none", theme.quiet())];
    };
    let (shown, whole) = visible_notes(notes, notes_len, rows, width);
    let text = match whole {
        true => pretty_notes(shown),
        false => shown.to_string(),
    };
    let mut lines: Vec<Line<'static>> = printable_multiline(&text)
        .lines()
        .map(|line| Line::raw(format!("  {line}")))
        .collect();
    if !whole {
        let more = notes_len.saturating_sub(shown.len());
        lines.push(Line::styled(
            format!(
                "  … ({} more; full text: leadbox show {})",
                human_bytes(more),
                lead.id
            ),
            theme.quiet(),
        ));
    }
    lines
}

/// The lead's touch log.
/// What the customer is owed next: `Next  follow-up 2 due Tue Nov 24 10:00 (snoozed)`.
fn next_line(app: &App, detail: &Detail, theme: Theme) -> Option<Line<'static>> {
    let next = detail.next?;
    let what = match next.owed {
        Owed::FirstTouch { .. } => "first touch".to_string(),
        Owed::Step { step } => format!("follow-up {step}"),
        Owed::NextStep => "the next step".to_string(),
        Owed::Decide => "a decision: qualify or close".to_string(),
    };
    let snoozed = if next.snoozed { " (snoozed)" } else { "" };
    let due = app.zone.format(next.due_at, "%a %b %d %H:%M");
    Some(field("Next", format!("{what} due {due}{snoozed}"), theme))
}

/// The customer's timeline: every touch and note on any of their leads, each on another
/// lead than this one naming it.
fn touch_lines(app: &App, detail: &Detail, theme: Theme) -> Vec<Line<'static>> {
    let touches = &detail.touches;
    let mut lines = vec![Line::styled(
        format!("Touches ({}, all of the customer's leads)", touches.len()),
        theme.label(),
    )];
    if touches.is_empty() {
        lines.push(Line::styled(
            "  none yet: e email, c call, m meeting, n note",
            theme.quiet(),
        ));
    }
    for touch in touches {
        let note = touch
            .note
            .as_deref()
            .map(|n| format!("  {}", printable(n)))
            .unwrap_or_default();
        let on = match touch.lead_id == detail.lead.id {
            true => String::new(),
            false => format!("  (lead {})", touch.lead_id),
        };
        lines.push(Line::raw(format!(
            "  {}  {:<8}{note}{on}",
            app.short_time(touch.at),
            touch.kind.as_str()
        )));
    }
    lines
}

/// The customer's leads in arrival order, this one marked.
fn path_lines(app: &App, detail: &Detail, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        format!("This customer's path ({} leads)", detail.contact.len()),
        theme.label(),
    )];
    for other in &detail.contact {
        let this = other.id == detail.lead.id;
        let step = other
            .action
            .as_ref()
            .map_or("no action", |a| a.describe())
            .to_string();
        let text = format!(
            "  {} {}  {:<22} {}",
            if this { "▶" } else { "·" },
            app.short_time(other.received_at),
            step,
            printable(other.offer.as_deref().unwrap_or(""))
        );
        lines.push(if this {
            Line::styled(text, Style::default().add_modifier(Modifier::BOLD))
        } else {
            Line::raw(text)
        });
    }
    lines
}

/// The start of `notes` that fits in `rows` rows of `width` columns (counting a character
/// a column, the two-space indent included), and whether that is all of the notes (`len`
/// bytes). Only this much is ever escaped and wrapped, however long the notes.
fn visible_notes(notes: &str, len: usize, rows: usize, width: usize) -> (&str, bool) {
    let width = width.saturating_sub(2).max(1);
    let mut rows_left = rows.max(1);
    let mut end = 0;
    while rows_left > 0 && end < notes.len() {
        let rest = &notes[end..];
        let line = rest.find('\n').map_or(rest.len(), |i| i + 1);
        // At most the rows left of characters (4 bytes at most each).
        let mut cut = line.min(rows_left * width * 4);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let chars = rest[..cut].trim_end_matches('\n').chars().count();
        let needs = chars.div_ceil(width).max(1);
        if needs > rows_left {
            let fits = rest[..cut]
                .char_indices()
                .nth(rows_left * width)
                .map_or(cut, |(i, _)| i);
            end += fits;
            break;
        }
        end += cut;
        rows_left -= needs;
        if cut < line {
            break;
        }
    }
    (&notes[..end], end == notes.len() && end == len)
}

/// `bytes` as a size a person reads: `512 bytes`, `3.4 KB`, `49.9 MB`.
fn human_bytes(bytes: usize) -> String {
    match bytes {
        b if b < 1000 => format!("{b} bytes"),
        b if b < 1_000_000 => format!("{:.1} KB", b as f64 / 1e3),
        b if b < 1_000_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b => format!("{:.1} GB", b as f64 / 1e9),
    }
}

fn draw_message(frame: &mut Frame<'_>, app: &App, theme: Theme, area: Rect) {
    let prompt = |label: &str, text: &str| {
        Line::from(vec![
            Span::styled(label.to_string(), theme.key()),
            Span::raw(printable(text).into_owned()),
            Span::raw("▏"),
        ])
    };
    let line = match &app.mode {
        Mode::Search(input) => prompt("/", &input.text),
        Mode::Touch {
            kind,
            input,
            outcome,
        } => {
            let label = match (kind, outcome) {
                (TouchKind::Note, _) => "note: ".to_string(),
                (TouchKind::Call, None) => "call, Enter logs (Tab: outcome), note: ".to_string(),
                (TouchKind::Call, Some(i)) => format!("call, {}: ", CALL_OUTCOMES[*i]),
                (kind, _) => format!("{kind}, Enter logs, note: "),
            };
            prompt(&label, &input.text)
        }
        Mode::Owner(input) => prompt("owner (Tab: the known ones; me: you): ", &input.text),
        Mode::Snooze(input) => prompt(
            "snooze until (1h, 3d, tomorrow, monday, a date): ",
            &input.text,
        ),
        Mode::LostReason(input) => {
            let reasons = app.rules.lost_reasons.join(", ");
            prompt(
                &format!("lost because ({reasons}, other: TEXT): "),
                &input.text,
            )
        }
        Mode::Override { input, missing } => prompt(
            &format!(
                "the checklist lacks {}: qualify anyway because: ",
                missing.join(", ")
            ),
            &input.text,
        ),
        Mode::NextStep { input, .. } => {
            prompt("next step, as TEXT @ WHEN (Enter: none): ", &input.text)
        }
        Mode::ConfirmMarkAll { count } => Line::from(vec![
            Span::raw(format!("Mark all {count} leads shown? ")),
            Span::styled("y/N", theme.key()),
        ]),
        Mode::LogEmail => Line::from(vec![
            Span::raw("Log the email as sent? "),
            Span::styled("y/N", theme.key()),
        ]),
        Mode::ConfirmClose { days, .. } => Line::from(vec![
            Span::styled(
                format!(
                    "Touched on {days} day(s), fewer than the {} the settings ask: close anyway? ",
                    app.rules.min_touch_days
                ),
                theme.error(),
            ),
            Span::styled("y/N", theme.key()),
        ]),
        Mode::ImportPath(input) => prompt("import file (Tab completes): ", &input.text),
        Mode::ExportPath(input) => {
            let what = match app.marks.len() {
                0 => "this lead".to_string(),
                1 => "1 marked lead".to_string(),
                n => format!("{n} marked leads"),
            };
            prompt(
                &format!("export {what} to (.json: JSON, else CSV): "),
                &input.text,
            )
        }
        Mode::ConfirmOverwrite(request) => Line::from(vec![
            Span::styled(
                format!(
                    "{} is there already: replace it? ",
                    printable(&request.path.display().to_string())
                ),
                theme.error(),
            ),
            Span::styled("y/N", theme.key()),
        ]),
        Mode::ConfirmDelete { lead_id, name } => Line::from(vec![
            Span::styled(
                format!(
                    "Delete lead {lead_id} ({}) and its touches? It cannot be undone. ",
                    printable(name)
                ),
                theme.error(),
            ),
            Span::styled("y/N", theme.key()),
        ]),
        _ => match &app.flash {
            Some(flash) => Line::styled(
                printable(&flash.text).into_owned(),
                if flash.error {
                    theme.error()
                } else {
                    Style::default()
                },
            ),
            None if !app.search.is_empty() => Line::from(vec![
                Span::styled("search: ", theme.label()),
                Span::raw(printable(&app.search).into_owned()),
                Span::styled("  (Esc clears)", theme.quiet()),
            ]),
            None => Line::raw(""),
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_status(frame: &mut Frame<'_>, app: &App, theme: Theme, area: Rect) {
    let last_import = app
        .last_import
        .as_ref()
        .map_or("no import yet".to_string(), |i| {
            format!("import {}", app.short_time(i.imported_at))
        });
    let overdue = app.counts.overdue;
    let mut spans = Vec::new();
    // Changes on their way to the store come first: the rep must see they are not saved.
    let unsaved = app.unsaved_count();
    if unsaved > 0 {
        let (done, total) = app.import_done;
        let text = match app.unsaved.iter().find(|u| u.lead_id.is_none()) {
            Some(import) if total > 0 => format!(
                "{} {}% · ",
                truncate(&printable(&import.label), 40),
                done * 100 / total
            ),
            _ => format!("{unsaved} saving… · "),
        };
        spans.push(Span::styled(text, theme.due_soon()));
    }
    if !app.marks.is_empty() {
        spans.push(Span::styled(
            format!("{} marked (Esc clears) · ", app.marks.len()),
            theme.key(),
        ));
    }
    // An offer whose leads stopped coming: a broken lead connection loses leads for good.
    if let Some(warning) = super::analytics::silent_warning(app) {
        spans.push(Span::styled(warning, theme.overdue()));
        spans.push(Span::raw(" · "));
    }
    let shown = match &app.queue {
        Some(queue) if !queue.complete => "reading today's queue… · ".to_string(),
        Some(queue) => format!("{} customers today · ", queue.items.len()),
        None => format!(
            "{} shown of {} · ",
            count(app, app.total),
            count(app, app.store_total)
        ),
    };
    // Beside the Today queue's customers, the overdue count says it counts leads: the
    // queue's title counts overdue customers.
    let overdue_text = match app.queue {
        Some(_) => format!("{} overdue leads", count(app, overdue)),
        None => format!("{} overdue", count(app, overdue)),
    };
    spans.extend(vec![
        Span::raw(shown),
        Span::styled(
            overdue_text,
            if overdue > 0 {
                theme.overdue()
            } else {
                Style::default()
            },
        ),
        Span::raw(format!(
            " · sort {} · {}{} · ",
            app.sort.as_str(),
            last_import,
            if app.include_test {
                " · test leads shown"
            } else {
                ""
            },
        )),
    ]);
    // The store's path gets the room left, losing its start first: its file name stays.
    let used: usize = spans.iter().map(Span::width).sum();
    let room = usize::from(area.width).saturating_sub(used).max(12);
    let path = printable(&app.store.path().display().to_string()).into_owned();
    spans.push(Span::raw(truncate_start(&path, room).into_owned()));
    let line = fit_line(spans, area.width);
    frame.render_widget(Paragraph::new(line).style(theme.quiet()), area);
}

fn draw_hints(frame: &mut Frame<'_>, app: &App, theme: Theme, area: Rect) {
    let context = app.context();
    let mut spans = Vec::new();
    let mut used = 0;
    for (key, hint) in app.keymap.hints(context) {
        let (key, hint) = (format!("{key} "), format!("{hint}  "));
        // Whole hints only: the last one may lose its trailing spaces.
        used += key.width() + hint.trim_end().width();
        if used > usize::from(area.width) {
            break;
        }
        used += 2;
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(hint));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `spans` cut to `width` columns, the last one shown ending in `…` when anything was cut.
fn fit_line(spans: Vec<Span<'static>>, width: u16) -> Line<'static> {
    let total: usize = spans.iter().map(Span::width).sum();
    let mut room = usize::from(width);
    if total <= room {
        return Line::from(spans);
    }
    let mut kept = Vec::new();
    for span in spans {
        let w = span.width();
        if w < room {
            room -= w;
            kept.push(span);
            continue;
        }
        // This span reaches the edge with more after it: it ends in the ellipsis.
        kept.push(Span::styled(
            cut_before_more(&span.content, room),
            span.style,
        ));
        break;
    }
    Line::from(kept)
}

/// `text` cut to end in `…` within `width` columns, for text followed by more not shown.
fn cut_before_more(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

fn draw_help(frame: &mut Frame<'_>, app: &App, theme: Theme, size: Rect) {
    // The keys of the view the help was opened from.
    let context = match app.base {
        Mode::Detail => Context::Detail,
        Mode::Analytics => Context::Analytics,
        _ => Context::List,
    };
    let entries: Vec<Line<'_>> = app
        .keymap
        .bindings()
        .iter()
        .filter(|binding| binding.contexts.contains(&context))
        .map(|binding| {
            Line::from(vec![
                Span::styled(format!(" {:<8} ", binding.label), theme.key()),
                Span::raw(binding.help),
            ])
        })
        .collect();
    let footer = Line::styled(
        " In prompts: Enter accepts, Esc cancels, ^u clears, ^w deletes a word",
        theme.quiet(),
    );
    // One column when it fits, else two.
    let room = size.height.saturating_sub(5).max(1) as usize;
    let columns = if entries.len() <= room { 1 } else { 2 };
    let per_column = entries.len().div_ceil(columns);
    let width = if columns == 1 {
        72
    } else {
        size.width.saturating_sub(2).min(140)
    };
    let area = centered(size, width, per_column as u16 + 4);
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Keys (Esc closes) ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let body = Rect {
        height: inner.height.saturating_sub(2),
        ..inner
    };
    let halves = Layout::horizontal(vec![Constraint::Fill(1); columns]).split(body);
    for (column, chunk) in entries.chunks(per_column).enumerate() {
        frame.render_widget(Paragraph::new(chunk.to_vec()), halves[column]);
    }
    let footer_area = Rect {
        y: inner.y + inner.height.saturating_sub(1),
        height: 1,
        ..inner
    };
    frame.render_widget(Paragraph::new(footer), footer_area);
}

fn draw_status_picker(frame: &mut Frame<'_>, theme: Theme, size: Rect, selected: usize) {
    let lines: Vec<Line<'_>> = Status::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let text = format!(" {} ", s.as_str());
            if i == selected {
                Line::styled(text, theme.selected())
            } else {
                Line::raw(text)
            }
        })
        .collect();
    let area = centered(size, 24, Status::ALL.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Status ")),
        area,
    );
}

fn draw_progress(
    frame: &mut Frame<'_>,
    theme: Theme,
    size: Rect,
    file: &str,
    done: u64,
    total: u64,
) {
    let area = centered(size, 60, 3);
    frame.render_widget(Clear, area);
    let ratio = if total == 0 {
        0.0
    } else {
        (done as f64 / total as f64).clamp(0.0, 1.0)
    };
    let gauge = Gauge::default()
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" Importing {} ", truncate(&printable(file), 40))),
        )
        .gauge_style(theme.key())
        .ratio(ratio);
    frame.render_widget(gauge, area);
}

fn draw_import_summary(
    frame: &mut Frame<'_>,
    theme: Theme,
    size: Rect,
    reports: &[crate::import::FileReport],
) {
    let mut lines = Vec::new();
    for report in reports {
        lines.push(Line::raw(printable(&report.to_string()).into_owned()));
        for error in report.error_lines().iter().take(8) {
            lines.push(Line::styled(
                format!("  {}", printable(error)),
                theme.error(),
            ));
        }
        if report.errors.len() > 8 {
            lines.push(Line::styled(
                format!("  … and {} more", report.errors.len() - 8),
                theme.error(),
            ));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Enter or Esc closes", theme.quiet()));
    let area = centered(size, size.width.saturating_sub(4), lines.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(" Import ")),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_notes_that_fit_are_taken() {
        // Whole notes that fit.
        assert_eq!(visible_notes("a\nb", 3, 5, 12), ("a\nb", true));
        // Kept notes shorter than the whole: never "whole".
        assert_eq!(visible_notes("a\nb", 9, 5, 12), ("a\nb", false));
        // One line per row, 10 characters a row (2 go to the indent).
        let lines = "one\ntwo\nthree\nfour\n";
        assert_eq!(
            visible_notes(lines, lines.len(), 2, 12),
            ("one\ntwo\n", false)
        );
        // A line that wraps takes its rows; one too long is cut at the rows left.
        let long = format!("{}\nnext", "x".repeat(25));
        assert_eq!(
            visible_notes(&long, long.len(), 3, 12),
            (&long[..26], false)
        );
        assert_eq!(
            visible_notes(&long, long.len(), 2, 12),
            (&long[..20], false)
        );
        // 50 MB on one line: two rows of it.
        let huge = "山".repeat(1 << 20);
        let (shown, whole) = visible_notes(&huge, huge.len(), 2, 12);
        assert_eq!((shown.chars().count(), whole), (20, false));
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(human_bytes(999), "999 bytes");
        assert_eq!(human_bytes(52_428_000), "52.4 MB");
        assert_eq!(human_bytes(3_400), "3.4 KB");
    }
}
