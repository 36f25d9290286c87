//! The analytics view (`A`): the figures of `leadbox stats` over a window of local days, drawn
//! with ratatui's own charts and tables; and the offers gone silent, which the status bar
//! warns of in every view. The state is here ([`Analytics`], [`Period`]); the figures come
//! from the counts worker ([`super::app::StatsRequest`]). Drawing reads the state only.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Bar, BarChart, BarGroup, Block, Borders, Cell, Chart, Dataset, GraphType, Paragraph, Row,
    Sparkline, Table, Wrap,
};
use ratatui::Frame;
use std::collections::{BTreeMap, BTreeSet};

use super::app::App;
use super::theme::Theme;
use crate::domain::analytics::{self as figures, Window, DELAY_BUCKETS, DELAY_LABELS};
use crate::domain::text::{printable, truncate};
use crate::store::{OfferHealth, Stats};

/// The windows `w` goes through, in order: the last 7, 30 or 90 local days (today
/// included), or all time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Period {
    Days7,
    #[default]
    Days30,
    Days90,
    All,
}

impl Period {
    pub const ALL: [Period; 4] = [Period::Days7, Period::Days30, Period::Days90, Period::All];

    /// The next window `w` shows.
    pub fn next(self) -> Period {
        let i = Period::ALL.iter().position(|p| *p == self).unwrap_or(0);
        Period::ALL[(i + 1) % Period::ALL.len()]
    }

    pub fn label(self) -> &'static str {
        match self {
            Period::Days7 => "last 7 days",
            Period::Days30 => "last 30 days",
            Period::Days90 => "last 90 days",
            Period::All => "all time",
        }
    }

    /// The window of local days it stands for, today being `today` (in the settings' zone).
    pub fn window(self, today: NaiveDate) -> Window {
        let days = match self {
            Period::Days7 => 7,
            Period::Days30 => 30,
            Period::Days90 => 90,
            Period::All => return Window::default(),
        };
        Window {
            since: Some(today - Duration::days(days - 1)),
            until: Some(today),
        }
    }
}

/// The analytics view's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analytics {
    pub period: Period,
    /// The figures of `period`; none while the worker computes them ("computing…").
    pub stats: Option<Box<Stats>>,
    /// Why the figures could not be computed, if they could not.
    pub failed: Option<String>,
    /// The selected row of the offers table.
    pub selected: usize,
}

impl Analytics {
    /// The offers of the table, in its order: by name.
    pub fn offers(&self) -> Vec<(&String, &OfferHealth)> {
        self.stats
            .as_ref()
            .map(|s| s.offers.iter().collect())
            .unwrap_or_default()
    }

    /// The offer of the selected row.
    pub fn selected_offer(&self) -> Option<&str> {
        self.offers()
            .get(self.selected)
            .map(|(name, _)| name.as_str())
    }
}

/// The offers gone silent that are not muted, the longest silent first, with the whole days
/// since their last lead.
pub fn silent_offers<'a>(
    health: &'a BTreeMap<String, OfferHealth>,
    muted: &BTreeSet<String>,
    now: DateTime<Utc>,
) -> Vec<(&'a str, i64)> {
    let mut silent: Vec<(&str, i64)> = health
        .iter()
        .filter(|(name, h)| h.silent && !muted.contains(*name))
        .map(|(name, h)| {
            let days = h.last_lead_at.map_or(0, |at| (now - at).num_days());
            (name.as_str(), days)
        })
        .collect();
    silent.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    silent
}

/// The status bar's warning: `offer contoso.x silent for 45 days`, and how many more.
pub fn silent_warning(app: &App) -> Option<String> {
    let silent = silent_offers(&app.health, &app.muted, app.now);
    let (name, days) = silent.first()?;
    let more = match silent.len() {
        1 => String::new(),
        n => format!(" (+{} more)", n - 1),
    };
    Some(format!(
        "offer {} silent for {days} day{}{more}",
        printable(name),
        if *days == 1 { "" } else { "s" }
    ))
}

/// A delay as the view writes it: `45m`, `7h15m`, `1d02h`.
pub fn duration_text(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    match minutes {
        m if m < 60 => format!("{m}m"),
        m if m < 24 * 60 => format!("{}h{:02}m", m / 60, m % 60),
        m => format!("{}d{:02}h", m / (24 * 60), m % (24 * 60) / 60),
    }
}

fn percent(share: Option<f64>) -> String {
    share.map_or("-".to_string(), |s| format!("{:.0}%", s * 100.0))
}

fn share(part: u64, whole: u64) -> String {
    match whole {
        0 => format!("{part} of 0"),
        _ => format!(
            "{part} of {whole} ({:.0}%)",
            part as f64 * 100.0 / whole as f64
        ),
    }
}

/// Draws the view into `area`: its title line, then the panels that fit.
pub fn draw(frame: &mut Frame<'_>, app: &App, theme: Theme, area: Rect) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let title = Rect { height: 1, ..area };
    let body = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    draw_title(frame, app, theme, title);
    let view = &app.analytics;
    let Some(stats) = &view.stats else {
        let text = match &view.failed {
            Some(problem) => format!("The figures could not be computed: {}", printable(problem)),
            None => "computing…".to_string(),
        };
        frame.render_widget(
            Paragraph::new(text)
                .style(theme.quiet())
                .wrap(Wrap { trim: true }),
            body,
        );
        return;
    };
    if body.width >= 120 && body.height >= 30 {
        draw_wide(frame, app, stats, theme, body);
    } else if body.width >= 60 && body.height >= 14 {
        draw_narrow(frame, app, stats, theme, body);
    } else {
        draw_summary(frame, app, stats, theme, body);
    }
}

/// Every panel: the SLA by day and the first touches on top, the volume, the funnel and
/// pipeline and the lost reasons in the middle, the offers and the owners below.
fn draw_wide(frame: &mut Frame<'_>, app: &App, stats: &Stats, theme: Theme, area: Rect) {
    let [top, middle, bottom] = Layout::vertical([
        Constraint::Percentage(36),
        Constraint::Percentage(30),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [sla, touch] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Fill(1)]).areas(top);
    draw_sla_by_day(frame, app, stats, theme, sla);
    draw_first_touch(frame, stats, theme, touch);
    let [volume, funnel, lost] = Layout::horizontal([
        Constraint::Percentage(50),
        Constraint::Percentage(25),
        Constraint::Fill(1),
    ])
    .areas(middle);
    draw_volume(frame, stats, theme, volume);
    draw_funnel(frame, stats, theme, funnel);
    draw_lost_reasons(frame, stats, theme, lost);
    let [offers, owners] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Fill(1)]).areas(bottom);
    draw_offers(frame, app, stats, theme, offers);
    draw_owners(frame, stats, theme, owners);
}

/// Fewer panels: the two charts on top, the offers and a summary of the rest below.
fn draw_narrow(frame: &mut Frame<'_>, app: &App, stats: &Stats, theme: Theme, area: Rect) {
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Fill(1)]).areas(area);
    let [sla, touch] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Fill(1)]).areas(top);
    draw_sla_by_day(frame, app, stats, theme, sla);
    draw_first_touch(frame, stats, theme, touch);
    let [offers, rest] =
        Layout::horizontal([Constraint::Percentage(54), Constraint::Fill(1)]).areas(bottom);
    draw_offers(frame, app, stats, theme, offers);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Funnel, owners ");
    let inner = block.inner(rest);
    frame.render_widget(block, rest);
    frame.render_widget(Paragraph::new(summary_lines(stats, theme)), inner);
}

/// A terminal too small for charts: the figures as lines of text.
fn draw_summary(frame: &mut Frame<'_>, _app: &App, stats: &Stats, theme: Theme, area: Rect) {
    let sla = &stats.sla;
    let mut lines = vec![Line::raw(format!(
        "SLA {} ({} met, {} missed, {} overdue) · median {} · p90 {}",
        percent(sla.compliance()),
        sla.met,
        sla.missed,
        sla.overdue,
        stats.median_first_touch_s.map_or("-".into(), duration_text),
        stats.p90_first_touch_s.map_or("-".into(), duration_text),
    ))];
    lines.extend(summary_lines(stats, theme));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}

/// The funnel, the pipeline, the follow-up backlog by owner, the lost reasons: short lines.
fn summary_lines(stats: &Stats, theme: Theme) -> Vec<Line<'static>> {
    let f = &stats.funnel;
    let p = &stats.pipeline;
    let u = &stats.follow_up;
    let mut lines = vec![
        Line::raw(format!(
            "Contact me → acquired {}",
            share(f.contact_me_then_acquired, f.contact_me)
        )),
        Line::raw(format!(
            "Test drive → acquired {}",
            share(f.test_drive_then_acquired, f.test_drive)
        )),
        Line::raw(format!("{} customers · {} touched", p.customers, p.touched)),
        Line::raw(format!(
            "{} qualified · {} won · {} lost",
            p.qualified, p.won, p.lost
        )),
        Line::styled("follow-ups  today  late  decide", theme.header()),
    ];
    for (owner, o) in &stats.by_owner {
        lines.push(Line::raw(format!(
            "{:<11} {:>5} {:>5} {:>7}",
            truncate(&printable(owner), 11),
            o.follow_up.due_today,
            o.follow_up.overdue,
            o.follow_up.decisions_due
        )));
    }
    lines.push(Line::raw(format!(
        "{:<11} {:>5} {:>5} {:>7}",
        "all", u.due_today, u.overdue, u.decisions_due
    )));
    lines
}

/// The view's title: the window, the headline figures, the leads per day as a sparkline.
fn draw_title(frame: &mut Frame<'_>, app: &App, theme: Theme, area: Rect) {
    let view = &app.analytics;
    let mut spans = vec![
        Span::styled(" Analytics ", theme.tab_active()),
        Span::raw(" "),
        Span::styled(view.period.label(), theme.key()),
        Span::styled(" (w) ", theme.quiet()),
    ];
    match &view.stats {
        None if view.failed.is_none() => spans.push(Span::styled(" computing…", theme.quiet())),
        None => {}
        Some(stats) => {
            let (median, p90) = (
                stats.median_first_touch_s.map_or("-".into(), duration_text),
                stats.p90_first_touch_s.map_or("-".into(), duration_text),
            );
            let sla = percent(stats.sla.compliance());
            spans.push(Span::raw(match area.width {
                w if w >= 120 => format!(
                    " {} leads · SLA {sla} (target {}%) · median first touch {median} · p90 {p90}",
                    stats.total, app.sla_target,
                ),
                _ => format!(
                    " {} leads · SLA {sla} (target {}%) · median {median}",
                    stats.total, app.sla_target,
                ),
            }));
        }
    }
    let used: u16 = spans.iter().map(|s| s.width() as u16).sum();
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    // The leads of each day of the SLA chart, where there is room for them.
    if let Some(stats) = &view.stats {
        let days = stats.sla_by_day.len() as u16;
        let room = area.width.saturating_sub(used + 2);
        if days > 0 && room >= days.min(30) + 12 {
            let width = days.min(room - 12);
            let spark = Rect {
                x: area.x + area.width - width,
                width,
                ..area
            };
            let label = Rect {
                x: spark.x.saturating_sub(12),
                width: 12,
                ..area
            };
            let data: Vec<u64> = stats
                .sla_by_day
                .iter()
                .rev()
                .take(width as usize)
                .rev()
                .map(|d| d.sla.contactable())
                .collect();
            frame.render_widget(Paragraph::new("leads a day ").style(theme.quiet()), label);
            frame.render_widget(Sparkline::default().data(data).style(theme.key()), spark);
        }
    }
}

/// SLA compliance per local day of arrival, as bars against the target line.
fn draw_sla_by_day(frame: &mut Frame<'_>, app: &App, stats: &Stats, theme: Theme, area: Rect) {
    let days = &stats.sla_by_day;
    let target = f64::from(app.sla_target);
    let judged: Vec<(usize, f64)> = days
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.sla.compliance().map(|c| (i, c * 100.0)))
        .collect();
    let met = judged.iter().filter(|(_, c)| *c >= target).count();
    let title = match area.width {
        w if w >= 50 => format!(
            " SLA by day · target {}% · {met} of {} days met ",
            app.sla_target,
            judged.len()
        ),
        _ => format!(
            " SLA by day · {}% · {met}/{} met ",
            app.sla_target,
            judged.len()
        ),
    };
    let block = Block::default().borders(Borders::ALL).title(title);
    let n = days.len().max(1) as f64;
    // Each day's bar is several dots wide where the chart is wide enough.
    let dots_per_day = (f64::from(area.width.saturating_sub(8)) * 2.0 / n).floor();
    let strokes = ((dots_per_day * 0.6) as usize).clamp(1, 12);
    let bars: Vec<(f64, f64)> = judged
        .iter()
        .flat_map(|&(i, c)| {
            (0..strokes).map(move |k| {
                let offset = match strokes {
                    1 => 0.0,
                    s => -0.3 + 0.6 * k as f64 / (s - 1) as f64,
                };
                (i as f64 + offset, c.max(1.0))
            })
        })
        .collect();
    let line = [(-0.5, target), (n - 0.5, target)];
    let first = days
        .first()
        .map_or(String::new(), |d| d.date.format("%m-%d").to_string());
    let last = days
        .last()
        .map_or(String::new(), |d| d.date.format("%m-%d").to_string());
    let chart = Chart::new(vec![
        Dataset::default()
            .name("compliance")
            .marker(Marker::Braille)
            .graph_type(GraphType::Bar)
            .style(theme.key())
            .data(&bars),
        Dataset::default()
            .name(format!("target {}%", app.sla_target))
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.overdue())
            .data(&line),
    ])
    .block(block)
    .legend_position(None)
    .x_axis(
        Axis::default()
            .bounds([-0.5, n - 0.5])
            .labels([first, last])
            .style(theme.quiet()),
    )
    .y_axis(
        Axis::default()
            .bounds([0.0, 100.0])
            .labels(["0%", "100%"])
            .style(theme.quiet()),
    );
    frame.render_widget(chart, area);
}

/// The delays from arrival to first touch, by bucket: those within 24 hours, then those
/// after (the 24-hour line between them), with the median and p90.
fn draw_first_touch(frame: &mut Frame<'_>, stats: &Stats, theme: Theme, area: Rect) {
    let (median, p90) = (
        stats.median_first_touch_s.map_or("-".into(), duration_text),
        stats.p90_first_touch_s.map_or("-".into(), duration_text),
    );
    let title = match area.width {
        w if w >= 50 => format!(" First touch · median {median} · p90 {p90} "),
        _ => format!(" First touch · med {median} · p90 {p90} "),
    };
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let line = figures::delay_bucket(24 * 3600) + 1;
    // Each side of the line says whether the median and the p90 fall on it.
    let side = |after: bool| {
        let mut name = match after {
            false => "≤ 24h".to_string(),
            true => "│ > 24h".to_string(),
        };
        for (what, delay) in [
            ("median", stats.median_first_touch_s),
            ("p90", stats.p90_first_touch_s),
        ] {
            if delay.is_some_and(|d| (figures::delay_bucket(d) >= line) == after) {
                name.push_str(&format!(" · {what}"));
            }
        }
        name
    };
    // Bars as wide as the panel allows: named in full, else by their upper bound.
    let groups_gap = 3u16;
    let room = inner.width.saturating_sub(groups_gap) / DELAY_BUCKETS as u16;
    let (bar_width, bar_gap, labels) = match room {
        r if r >= 7 => ((r - 1).min(6), 1, &DELAY_LABELS),
        r if r >= 4 => (3, 1, &UPPER_BOUNDS),
        r => (r.clamp(1, 3), 0, &UPPER_BOUNDS),
    };
    let bar = |i: usize| {
        let style = match i >= line {
            true => theme.overdue(),
            false => theme.key(),
        };
        Bar::default()
            .value(stats.first_touch_buckets[i])
            .label(Line::raw(labels[i]))
            .style(style)
    };
    let within: Vec<Bar> = (0..line).map(bar).collect();
    let after: Vec<Bar> = (line..DELAY_BUCKETS).map(bar).collect();
    let chart = BarChart::grouped([
        BarGroup::new(within).label(Line::raw(side(false)).centered()),
        BarGroup::new(after).label(Line::raw(side(true)).centered()),
    ])
    .bar_width(bar_width)
    .bar_gap(bar_gap)
    .group_gap(groups_gap)
    .value_style(theme.selected());
    frame.render_widget(chart, inner);
}

/// The delay buckets named by their upper bound, where their full names do not fit.
const UPPER_BOUNDS: [&str; DELAY_BUCKETS] =
    ["1h", "2h", "4h", "8h", "12", "24", "2d", "3d", "7d", ">7d"];

/// The leads of each ISO week of the window, by action (each week's bars in one group),
/// or each week's total where the groups do not fit.
fn draw_volume(frame: &mut Frame<'_>, stats: &Stats, theme: Theme, area: Rect) {
    let weeks = &stats.volume_by_week;
    let mut totals: Vec<(&'static str, u64)> = Vec::new();
    for week in weeks {
        for (i, (action, n)) in week.by_action().enumerate() {
            match totals.get_mut(i) {
                Some(total) => total.1 += n,
                None => totals.push((action, n)),
            }
        }
    }
    let shown: Vec<usize> = (0..totals.len()).filter(|&i| totals[i].1 > 0).collect();
    let legend: Vec<String> = shown
        .iter()
        .map(|&i| format!("{} {}", short_action(totals[i].0), totals[i].1))
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" Leads by week · {} ", legend.join(" · ")));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let k = shown.len().max(1) as u16;
    // Each week's group: a bar per action, a column between bars and two between weeks.
    let group_room = (inner.width / weeks.len().max(1) as u16).saturating_sub(2);
    let fits_groups = group_room >= 2 * k - 1;
    let chart = if fits_groups && !shown.is_empty() {
        let width = ((group_room + 1) / k).saturating_sub(1).clamp(1, 3);
        let groups: Vec<BarGroup> = weeks
            .iter()
            .map(|week| {
                let counts: Vec<(&str, u64)> = week.by_action().collect();
                let bars: Vec<Bar> = shown
                    .iter()
                    .map(|&i| {
                        let (action, n) = counts[i];
                        Bar::default()
                            .value(n)
                            .label(Line::raw(match width {
                                w if w >= 2 => short_action(action),
                                _ => "",
                            }))
                            .style(
                                theme.badge(
                                    crate::domain::Action::KNOWN
                                        .iter()
                                        .find(|a| a.as_str() == action),
                                ),
                            )
                    })
                    .collect();
                let label = week.week.rsplit('-').next().unwrap_or("").to_string();
                BarGroup::new(bars).label(Line::raw(label))
            })
            .collect();
        BarChart::grouped(groups)
            .bar_width(width)
            .bar_gap(1)
            .group_gap(2)
    } else {
        // The latest weeks that fit, one bar each.
        let fit = (inner.width / 2).max(1) as usize;
        let bars: Vec<Bar> = weeks
            .iter()
            .rev()
            .take(fit)
            .rev()
            .map(|week| {
                let total: u64 = week.by_action().map(|(_, n)| n).sum();
                Bar::default().value(total).style(theme.key())
            })
            .collect();
        BarChart::new(bars).bar_width(1).bar_gap(1)
    };
    frame.render_widget(chart.value_style(theme.selected()), inner);
}

/// An action as the volume chart names it.
fn short_action(action: &str) -> &str {
    match action {
        "StartTestDrive" => "TD",
        "Create" => "Crt",
        "other" => "oth",
        a => a,
    }
}

/// The funnel and the pipeline, over customers.
fn draw_funnel(frame: &mut Frame<'_>, stats: &Stats, theme: Theme, area: Rect) {
    let f = &stats.funnel;
    let p = &stats.pipeline;
    let rows = vec![
        Row::new(vec![
            Cell::from("Contact me → acquired"),
            Cell::from(share(f.contact_me_then_acquired, f.contact_me)),
        ]),
        Row::new(vec![
            Cell::from("Test drive → acquired"),
            Cell::from(share(f.test_drive_then_acquired, f.test_drive)),
        ]),
        Row::new(vec![Cell::from(""), Cell::from("")]),
        Row::new(vec![
            Cell::from("Customers").style(theme.label()),
            Cell::from(p.customers.to_string()),
        ]),
        Row::new(vec![
            Cell::from("  touched"),
            Cell::from(share(p.touched, p.customers)),
        ]),
        Row::new(vec![
            Cell::from("  qualified"),
            Cell::from(share(p.qualified, p.customers)),
        ]),
        Row::new(vec![
            Cell::from("  won"),
            Cell::from(share(p.won, p.customers)),
        ]),
        Row::new(vec![
            Cell::from("  lost"),
            Cell::from(share(p.lost, p.customers)),
        ]),
    ];
    let table = Table::new(rows, [Constraint::Length(22), Constraint::Fill(1)])
        .column_spacing(1)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Funnel and pipeline "),
        );
    frame.render_widget(table, area);
}

/// Lost leads by reason, most first, as horizontal bars.
fn draw_lost_reasons(frame: &mut Frame<'_>, stats: &Stats, theme: Theme, area: Rect) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Lost reasons ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if stats.lost_reasons.is_empty() {
        frame.render_widget(Paragraph::new("none").style(theme.quiet()), inner);
        return;
    }
    let mut reasons: Vec<(&String, &u64)> = stats.lost_reasons.iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let label_width = (inner.width / 2).clamp(4, 20) as usize;
    let bars: Vec<Bar> = reasons
        .iter()
        .take(usize::from(inner.height / 2).max(1))
        .map(|(reason, n)| {
            Bar::default()
                .value(**n)
                .label(Line::raw(
                    truncate(&printable(reason), label_width).into_owned(),
                ))
                .style(theme.key())
        })
        .collect();
    let chart = BarChart::horizontal(bars)
        .bar_width(1)
        .bar_gap(1)
        .value_style(theme.selected());
    frame.render_widget(chart, inner);
}

/// Every offer the store has seen: its leads in the window, its last lead, its median gap,
/// and whether it has gone silent (or is muted). `j`/`k` select a row, `m` mutes it.
fn draw_offers(frame: &mut Frame<'_>, app: &App, stats: &Stats, theme: Theme, area: Rect) {
    let silent = stats.offers.values().filter(|h| h.silent).count();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" Offers · {silent} silent · m mutes "));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let wide = inner.width >= 64;
    let mut header = vec!["OFFER", "LEADS", "LAST LEAD", "STATE"];
    if wide {
        header.insert(3, "GAP");
    }
    let mut widths = vec![
        Constraint::Fill(1),
        Constraint::Length(5),
        Constraint::Length(if wide { 12 } else { 9 }),
        Constraint::Length(if wide { 14 } else { 11 }),
    ];
    if wide {
        widths.insert(3, Constraint::Length(6));
    }
    let offers: Vec<(&String, &OfferHealth)> = stats.offers.iter().collect();
    let visible = usize::from(inner.height.saturating_sub(1)).max(1);
    let selected = app.analytics.selected.min(offers.len().saturating_sub(1));
    let scroll = selected.saturating_sub(visible - 1);
    let name_width = usize::from(inner.width.saturating_sub(if wide { 41 } else { 29 })).max(4);
    let rows = offers
        .iter()
        .enumerate()
        .skip(scroll)
        .take(visible)
        .map(|(i, (name, h))| {
            let muted = app.muted.contains(*name);
            let days = h.last_lead_at.map_or(0, |at| (app.now - at).num_days());
            let state = match (h.silent, muted) {
                (true, false) => format!("SILENT {days}d"),
                (true, true) => format!("muted {days}d"),
                (false, true) => "ok, muted".to_string(),
                (false, false) => "ok".to_string(),
            };
            let last = h.last_lead_at.map_or("-".to_string(), |at| {
                app.zone.format(at, if wide { "%Y-%m-%d" } else { "%m-%d" })
            });
            let mut cells = vec![
                Cell::from(truncate(&printable(name), name_width).into_owned()),
                Cell::from(format!("{:>5}", h.leads)),
                Cell::from(last),
                Cell::from(state).style(match (h.silent, muted) {
                    (true, false) => theme.overdue(),
                    (_, true) => theme.quiet(),
                    _ => Style::default(),
                }),
            ];
            if wide {
                let gap = h.median_gap_s.map_or("-".to_string(), duration_text);
                cells.insert(3, Cell::from(gap));
            }
            let row = Row::new(cells);
            match i == selected {
                true => row.style(theme.selected()),
                false => row,
            }
        });
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.header()))
        .column_spacing(1);
    frame.render_widget(table, inner);
}

/// Each owner's SLA and follow-up backlog.
fn draw_owners(frame: &mut Frame<'_>, stats: &Stats, theme: Theme, area: Rect) {
    let u = &stats.follow_up;
    let block = Block::default().borders(Borders::ALL).title(format!(
        " Follow-up backlog by owner · {} due today, {} past due, {} decisions ",
        u.due_today, u.overdue, u.decisions_due
    ));
    let header = Row::new(["OWNER", "LEADS", "SLA", "MEDIAN", "TODAY", "LATE", "DECIDE"])
        .style(theme.header());
    let rows = stats.by_owner.iter().map(|(owner, o)| {
        let late = Cell::from(o.follow_up.overdue.to_string()).style(match o.follow_up.overdue {
            0 => Style::default(),
            _ => theme.overdue(),
        });
        Row::new(vec![
            Cell::from(printable(owner).into_owned()),
            Cell::from(o.leads.to_string()),
            Cell::from(percent(o.sla.compliance())),
            Cell::from(o.median_first_touch_s.map_or("-".into(), duration_text)),
            Cell::from(o.follow_up.due_today.to_string()),
            late,
            Cell::from(o.follow_up.decisions_due.to_string()),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Fill(1),
            Constraint::Length(6),
            Constraint::Length(5),
            Constraint::Length(7),
            Constraint::Length(6),
            Constraint::Length(5),
            Constraint::Length(6),
        ],
    )
    .header(header)
    .column_spacing(1)
    .block(block);
    frame.render_widget(table, area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cycle_and_cover_local_days() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        assert_eq!(Period::default().next(), Period::Days90);
        assert_eq!(Period::All.next(), Period::Days7);
        let week = Period::Days7.window(today);
        assert_eq!(week.since, NaiveDate::from_ymd_opt(2026, 11, 15));
        assert_eq!(week.until, Some(today));
        assert_eq!(Period::All.window(today), Window::default());
    }

    #[test]
    fn delays_read_as_people_say_them() {
        assert_eq!(duration_text(45 * 60), "45m");
        assert_eq!(duration_text(26_100), "7h15m");
        assert_eq!(duration_text(93_600), "1d02h");
    }
}
