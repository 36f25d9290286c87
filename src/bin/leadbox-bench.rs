//! Key-replay benchmark of the inbox: opens a store, builds the real [`App`], draws it with the
//! real drawing code into a `TestBackend`, then replays a fixed key sequence and times every
//! key from before `handle_key` until the frame that follows it is drawn.
//!
//! ```sh
//! cargo build --release --bin leadbox-bench
//! LEADBOX_NOW=2026-11-21T18:00:00Z target/release/leadbox-bench --db leads.db
//! ```
//!
//! Prints one JSON object: per-category percentiles (move, page, jump, filter, sort, detail,
//! search), `key_p99_ms` over every non-search key, `search_p99_ms`, the in-process first
//! frame (`first_frame_ms`: open the store, build the app, draw once) and the peak RSS of the
//! process (`rss_hwm_mb`, from /proc/self/status). As in the inbox, the filter-bar counts
//! run on a worker thread with its own connection (`--inline-counts` puts them back on the
//! keystroke path); the worker's time per request is reported as `counts_worker`.
//!
//! Then the same for the Today view, with an inbox of its own opened after the list's is
//! closed: its in-process first frame (`today_first_frame_ms`: open the store, build the
//! app, show the queue's start, draw once), that start alone (`today_queue_ms`: the time of
//! `App::show_today(true)` within that first frame), the time until the worker's whole
//! queue is drawn (`today_whole_queue_ms`, from opening the store) and a replay of moves, pages,
//! jumps and the lead's pane in the queue (`today_key_p99_ms`, with p50/p95/max; the details
//! under `today`). `rss_hwm_mb` is the peak after the list's replay, `today_rss_hwm_mb` the
//! peak after the Today view's.
//!
//! Last, in the Today view's inbox once everything it asked for has come: `A` opens the
//! analytics view, whose figures come from the worker: `analytics_s` is the time from
//! pressing `A` until the frame with the figures is drawn (`analytics_open_ms`: the key's
//! own frame, "computing…"); `w` then goes through the other windows, each timed the same
//! way (`analytics.windows`), and `analytics_rss_hwm_mb` is the peak at the end.
//! `bench/run.sh` runs it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use chrono::{DateTime, FixedOffset, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use leadbox::store::Store;
use leadbox::tui::app::{App, Mode, Zone};
use leadbox::tui::theme::Theme;
use leadbox::tui::view::draw;
use leadbox::tui::worker::Worker;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use serde_json::{json, Value};

/// The categories, in report order; `search` is kept apart from the `key_*` overall figures.
const CATEGORIES: [&str; 7] = ["move", "page", "jump", "filter", "sort", "detail", "search"];

struct Options {
    db: PathBuf,
    width: u16,
    height: u16,
    /// Replays of the whole sequence (more samples for the percentiles).
    rounds: u32,
    /// Keep the per-key samples in the output.
    samples: bool,
    /// Filter-bar counts on a worker thread with its own connection, as the inbox does;
    /// `--inline-counts` computes them on the keystroke path instead.
    worker_counts: bool,
}

fn usage() -> &'static str {
    "usage: leadbox-bench --db PATH [--width 160] [--height 50] [--rounds 1] [--samples]\n\
     \x20                    [--inline-counts]\n\
     Replays a fixed key sequence against the inbox (the list, then the Today view) and\n\
     prints latency percentiles as JSON.\n\
     LEADBOX_NOW (RFC 3339) pins the clock, as for leadbox."
}

fn parse_args() -> Result<Options> {
    let mut db = None;
    let mut width = 160;
    let mut height = 50;
    let mut rounds = 1;
    let mut samples = false;
    let mut worker_counts = true;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .with_context(|| format!("{name} needs a value\n{}", usage()))
        };
        match arg.as_str() {
            "--db" => db = Some(PathBuf::from(value("--db")?)),
            "--width" => width = value("--width")?.parse()?,
            "--height" => height = value("--height")?.parse()?,
            "--rounds" => rounds = value("--rounds")?.parse()?,
            "--samples" => samples = true,
            "--inline-counts" => worker_counts = false,
            "-h" | "--help" => {
                println!("{}", usage());
                std::process::exit(0);
            }
            other => bail!("unknown argument {other}\n{}", usage()),
        }
    }
    let db = db.with_context(|| format!("--db is required\n{}", usage()))?;
    if !db.exists() {
        bail!("{}: no such store", db.display());
    }
    Ok(Options {
        db,
        width,
        height,
        rounds: rounds.max(1),
        samples,
        worker_counts,
    })
}

/// One replayed key and the category its latency is reported under.
struct Step {
    category: &'static str,
    label: String,
    key: KeyEvent,
}

fn step(category: &'static str, code: KeyCode) -> Step {
    step_with(category, code, KeyModifiers::NONE)
}

fn step_with(category: &'static str, code: KeyCode, modifiers: KeyModifiers) -> Step {
    let label = match code {
        KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => format!("^{c}"),
        KeyCode::Char(c) => c.to_string(),
        other => format!("{other:?}"),
    };
    Step {
        category,
        label,
        key: KeyEvent::new(code, modifiers),
    }
}

fn repeat(keys: &mut Vec<Step>, n: usize, category: &'static str, code: KeyCode) {
    for _ in 0..n {
        keys.push(step(category, code));
    }
}

fn chars(category: &'static str, text: &str) -> Vec<Step> {
    text.chars()
        .map(|c| step(category, KeyCode::Char(c)))
        .collect()
}

/// The keys both replays begin with: moves across several page boundaries, pages, jumps to
/// the end and back (moving and paging at the far end), and the lead's pane opened, moved
/// in and closed.
fn moves_pages_jumps_and_pane(keys: &mut Vec<Step>) {
    use KeyCode::*;
    // Moving in the default (urgency) order, across several page boundaries.
    repeat(keys, 120, "move", Char('j'));
    repeat(keys, 60, "move", Char('k'));
    repeat(keys, 20, "move", Down);
    repeat(keys, 20, "move", Up);
    // Paging.
    repeat(keys, 40, "page", PageDown);
    repeat(keys, 20, "page", PageUp);
    keys.push(step_with("page", Char('d'), KeyModifiers::CONTROL));
    keys.push(step_with("page", Char('u'), KeyModifiers::CONTROL));
    // Jumps to the end and back, and moving/paging at the far end of the list.
    for _ in 0..3 {
        keys.push(step("jump", Char('G')));
        repeat(keys, 5, "move", Char('k'));
        repeat(keys, 3, "page", PageUp);
        keys.push(step("jump", Char('g')));
    }
    // Detail pane: open, move inside it, back.
    for _ in 0..8 {
        keys.push(step("detail", Enter));
        keys.push(step("detail", Char('j')));
        keys.push(step("detail", Esc));
        keys.push(step("move", Char('j')));
    }
}

/// The fixed key sequence: the same keys, in the same order, on every run.
// The fixed key sequence, one line per step as BENCHMARKS.md lists it: longer than 60 lines
// because it is a list.
fn sequence() -> Vec<Step> {
    use KeyCode::*;
    let mut keys = Vec::new();
    moves_pages_jumps_and_pane(&mut keys);
    // Action filters by digit and by Tab, moving a little in each.
    for round in 0..2 {
        for digit in ['2', '3', '4', '5', '6', '1'] {
            keys.push(step("filter", Char(digit)));
            repeat(&mut keys, 3, "move", Char('j'));
            keys.push(step("page", PageDown));
            if round == 1 {
                keys.push(step("jump", Char('G')));
                keys.push(step("jump", Char('g')));
            }
        }
    }
    repeat(&mut keys, 7, "filter", Tab);
    keys.push(step("filter", BackTab));
    keys.push(step("filter", Char('1')));
    // Each sort order, moving, paging and jumping in it (the cycle ends back on urgency).
    for _ in 0..4 {
        keys.push(step("sort", Char('s')));
        repeat(&mut keys, 5, "move", Char('j'));
        repeat(&mut keys, 2, "page", PageDown);
        keys.push(step("jump", Char('G')));
        keys.push(step("jump", Char('g')));
        keys.push(step("detail", Enter));
        keys.push(step("detail", Esc));
    }
    // Incremental search: type, correct, type more, clear.
    keys.push(step("search", Char('/')));
    keys.extend(chars("search", "john"));
    repeat(&mut keys, 4, "search", Backspace);
    keys.extend(chars("search", "martin"));
    keys.push(step("search", Enter));
    repeat(&mut keys, 3, "move", Char('j'));
    keys.push(step("page", PageDown));
    keys.push(step("detail", Enter));
    keys.push(step("detail", Esc));
    keys.push(step("search", Char('/')));
    repeat(&mut keys, 6, "search", Backspace);
    keys.extend(chars("search", "contoso ai"));
    repeat(&mut keys, 2, "search", Backspace);
    keys.push(step("search", Esc));
    keys.push(step("search", Char('/')));
    keys.extend(chars("search", "zzq"));
    keys.push(step("search", Esc));
    keys.push(step("jump", Char('g')));
    keys
}

/// The categories of the Today view's sequence, in report order.
const TODAY_CATEGORIES: [&str; 4] = ["move", "page", "jump", "detail"];

/// The fixed key sequence of the Today view: the list's moves, pages, jumps and lead's pane,
/// in the queue (its filters, sorts and search are the list's).
fn today_sequence() -> Vec<Step> {
    use KeyCode::*;
    let mut keys = Vec::new();
    moves_pages_jumps_and_pane(&mut keys);
    keys.push(step("jump", Char('G')));
    keys.push(step("detail", Enter));
    keys.push(step("detail", Esc));
    keys.push(step("jump", Char('g')));
    keys
}

/// The filter-bar counts on a thread with its own connection, as the inbox's event loop
/// runs them; replies carry the time the worker spent on them.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    // Nearest rank: the smallest sample with at least p% of the samples at or below it.
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn summary(samples: &[f64]) -> Value {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mean = sorted.iter().sum::<f64>() / sorted.len().max(1) as f64;
    json!({
        "n": sorted.len(),
        "p50_ms": round3(percentile(&sorted, 50.0)),
        "p95_ms": round3(percentile(&sorted, 95.0)),
        "p99_ms": round3(percentile(&sorted, 99.0)),
        "max_ms": round3(sorted.last().copied().unwrap_or(f64::NAN)),
        "mean_ms": round3(mean),
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Peak resident set size of this process, in MB, from /proc/self/status.
fn rss_hwm_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(round3(kb / 1024.0))
}

/// The inbox as the bench drives it: the app, its terminal, its counts worker.
struct Inbox {
    app: App,
    terminal: Terminal<TestBackend>,
    worker: Option<Worker>,
    theme: Theme,
}

/// What the first frame took and showed.
struct FirstFrame {
    took: Duration,
    total: u64,
    rows_on_screen: usize,
    rss_mb: Option<f64>,
    /// The Today view's: `show_today(true)` within the first frame, and the queue's length.
    queue_took: Option<Duration>,
    /// From opening the store until the Today view's whole queue is drawn (worker only).
    whole_queue: Option<Duration>,
    customers: Option<usize>,
}

/// The in-process first frame: open, load, size, draw (in the order the inbox does it);
/// with `today`, the Today view's queue is computed before the size, as the inbox does when
/// it opens on it.
fn open_inbox(options: &Options, now: DateTime<Utc>, today: bool) -> Result<(Inbox, FirstFrame)> {
    let zone = Zone::Fixed(FixedOffset::east_opt(0).expect("UTC is a valid offset"));
    let theme = Theme::from_env(leadbox::config::ThemeName::Default);
    let start = Instant::now();
    let mut store = Store::open(&options.db)
        .with_context(|| format!("cannot open the store {}", options.db.display()))?;
    // As the inbox does for its own connection.
    store.set_cache_mib(leadbox::tui::INBOX_CACHE_MIB)?;
    let (mut app, worker) = if options.worker_counts {
        // The inbox's own worker, on a connection of its own.
        let worker = Worker::spawn(&store)?;
        (App::with_counts_worker(store, now, zone)?, worker)
    } else {
        (App::new(store, now, zone)?, None)
    };
    let queue_took = if today {
        let t = Instant::now();
        app.show_today(true)?;
        Some(t.elapsed())
    } else {
        None
    };
    app.resize(options.width, options.height)?;
    let mut terminal = Terminal::new(TestBackend::new(options.width, options.height))?;
    terminal.draw(|frame| draw(frame, &app, theme))?;
    let took = start.elapsed();
    // The Today view's whole queue, from the worker: how long after the first frame the
    // counts and the last rows are there.
    let whole_queue = match &worker {
        Some(worker) if today => {
            let deadline = Instant::now() + Duration::from_secs(120);
            while app.queue_pending() && Instant::now() < deadline {
                worker.exchange(&mut app, Duration::ZERO)?;
                std::thread::sleep(Duration::from_millis(1));
            }
            terminal.draw(|frame| draw(frame, &app, theme))?;
            Some(start.elapsed())
        }
        _ => None,
    };
    let first = FirstFrame {
        took,
        whole_queue,
        total: app.total,
        rows_on_screen: match &app.queue {
            Some(queue) => queue.rows.len(),
            None => app.rows.len(),
        },
        rss_mb: rss_hwm_mb(),
        queue_took,
        customers: app.queue.as_ref().map(|queue| queue.items.len()),
    };
    let inbox = Inbox {
        app,
        terminal,
        worker,
        theme,
    };
    Ok((inbox, first))
}

/// The times of a replay of the key sequence.
#[derive(Default)]
struct Replay {
    by_category: BTreeMap<&'static str, Vec<f64>>,
    slowest: Vec<(f64, usize, &'static str, String)>,
    samples: Vec<Value>,
    /// Redraws when the worker's counts arrive, and the worker's time per request.
    counts_redraw: Vec<f64>,
    counts_worker: Vec<f64>,
    seconds: f64,
}

/// Replays `steps` `options.rounds` times, timing each key from before it is handled until
/// its frame is drawn; `in_today` says the replay is in the Today view (and must end there).
fn replay(inbox: &mut Inbox, steps: &[Step], options: &Options, in_today: bool) -> Result<Replay> {
    let mut times = Replay::default();
    let start = Instant::now();
    let theme = inbox.theme;
    for round in 0..options.rounds {
        for (i, s) in steps.iter().enumerate() {
            let t = Instant::now();
            inbox
                .app
                .handle_key(&s.key)
                .with_context(|| format!("key {} (#{i}) failed", s.label))?;
            let app = &inbox.app;
            inbox.terminal.draw(|frame| draw(frame, app, theme))?;
            let elapsed = ms(t.elapsed());
            times
                .by_category
                .entry(s.category)
                .or_default()
                .push(elapsed);
            times
                .slowest
                .push((elapsed, i, s.category, s.label.clone()));
            if options.samples {
                times.samples.push(json!({
                    "round": round,
                    "i": i,
                    "category": s.category,
                    "key": s.label,
                    "ms": round3(elapsed),
                }));
            }
            // What the event loop does between keys: hand on a counts request, take
            // whatever counts came back, and draw them.
            if let Some(worker) = &inbox.worker {
                let t = Instant::now();
                let exchanged = worker.exchange(&mut inbox.app, Duration::ZERO)?;
                times
                    .counts_worker
                    .extend(exchanged.counts_took.iter().map(|&d| ms(d)));
                if exchanged.answers > 0 {
                    let app = &inbox.app;
                    inbox.terminal.draw(|frame| draw(frame, app, theme))?;
                    times.counts_redraw.push(ms(t.elapsed()));
                }
            }
        }
    }
    times.seconds = start.elapsed().as_secs_f64();
    if let Some(worker) = &inbox.worker {
        // Let the last counts arrive, so that the final state is the settled one.
        let deadline = Instant::now() + Duration::from_secs(120);
        while (inbox.app.counts_stale || inbox.app.queue_pending() || inbox.app.stats_pending())
            && Instant::now() < deadline
        {
            let exchanged = worker.exchange(&mut inbox.app, Duration::ZERO)?;
            times
                .counts_worker
                .extend(exchanged.counts_took.iter().map(|&d| ms(d)));
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    // The sequence must end where it started: the list or the Today view, no search.
    let ended_in_today = inbox.app.queue.is_some();
    if inbox.app.mode != Mode::List || !inbox.app.search.is_empty() || ended_in_today != in_today {
        bail!(
            "the key sequence ended in {:?} with search {:?} (Today view: {ended_in_today})",
            inbox.app.mode,
            inbox.app.search
        );
    }
    Ok(times)
}

fn main() -> Result<()> {
    let options = parse_args()?;
    let now = leadbox::clock::now()?;
    let (mut inbox, first) = open_inbox(&options, now, false)?;
    let steps = sequence();
    let times = replay(&mut inbox, &steps, &options, false)?;
    let mut out = report(&options, now, &inbox.app, &first, &times, steps.len());
    // The list's inbox is closed (its writer and counts threads end) before the Today
    // view's opens, as if the inbox were started again.
    drop(inbox);
    let (mut inbox, first) = open_inbox(&options, now, true)?;
    let steps = today_sequence();
    let times = replay(&mut inbox, &steps, &options, true)?;
    report_today(&mut out, options.rounds, &first, &times, steps.len());
    // Last: its peak memory is the figures' and is reported on its own.
    let analytics = analytics(&mut inbox)?;
    out["analytics_s"] = analytics["open_s"].clone();
    out["analytics_open_ms"] = analytics["open_frame_ms"].clone();
    out["analytics_rss_hwm_mb"] = json!(rss_hwm_mb());
    out["analytics"] = analytics;
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

/// Presses `key` and times it: the key's own frame (ms), then the time until the frame with
/// the worker's figures is drawn (s).
fn time_figures(inbox: &mut Inbox, key: char) -> Result<(f64, f64)> {
    let theme = inbox.theme;
    let start = Instant::now();
    inbox
        .app
        .handle_key(&KeyEvent::new(KeyCode::Char(key), KeyModifiers::NONE))?;
    let app = &inbox.app;
    inbox.terminal.draw(|frame| draw(frame, app, theme))?;
    let own_frame = ms(start.elapsed());
    let deadline = Instant::now() + Duration::from_secs(120);
    while inbox.app.analytics_pending() && Instant::now() < deadline {
        if let Some(worker) = &inbox.worker {
            worker.exchange(&mut inbox.app, Duration::ZERO)?;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    if inbox.app.analytics.stats.is_none() {
        bail!(
            "the analytics view got no figures: {:?}",
            inbox.app.analytics.failed
        );
    }
    let app = &inbox.app;
    inbox.terminal.draw(|frame| draw(frame, app, theme))?;
    Ok((own_frame, start.elapsed().as_secs_f64()))
}

/// `A` in the inbox (every other request answered first), then `w` through the other
/// windows, then Esc back.
fn analytics(inbox: &mut Inbox) -> Result<Value> {
    let (open_ms, open_s) = time_figures(inbox, 'A')?;
    // Each window: how long its figures took, and how many leads they cover.
    let mut windows = serde_json::Map::new();
    let mut took = open_s;
    for i in 0..leadbox::tui::analytics::Period::ALL.len() {
        if i > 0 {
            took = time_figures(inbox, 'w')?.1;
        }
        let label = inbox.app.analytics.period.label();
        let leads = inbox.app.analytics.stats.as_ref().map(|s| s.total);
        windows.insert(
            label.to_string(),
            json!({"s": round3(took), "leads": leads}),
        );
    }
    inbox
        .app
        .handle_key(&KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE))?;
    if inbox.app.mode == Mode::Analytics {
        bail!("Esc did not leave the analytics view");
    }
    Ok(json!({
        "open_s": round3(open_s),
        "open_frame_ms": round3(open_ms),
        "windows": windows,
    }))
}

/// The percentiles of a replay: every key but search, search, and each category.
fn replay_figures(
    times: &Replay,
    categories: &[&str],
) -> (Value, Value, serde_json::Map<String, Value>) {
    let by_category = &times.by_category;
    let keys: Vec<f64> = by_category
        .iter()
        .filter(|(c, _)| **c != "search")
        .flat_map(|(_, v)| v.iter().copied())
        .collect();
    let search = by_category.get("search").cloned().unwrap_or_default();
    let mut per_category = serde_json::Map::new();
    for category in categories {
        if let Some(samples) = by_category.get(category) {
            per_category.insert(category.to_string(), summary(samples));
        }
    }
    (summary(&keys), summary(&search), per_category)
}

/// The slowest keys of a replay, slowest first.
fn slowest_keys(times: &Replay) -> Vec<Value> {
    let mut slowest = times.slowest.clone();
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    slowest.truncate(15);
    slowest
        .iter()
        .map(|(ms, i, category, key)| {
            json!({
                "i": i, "category": category, "key": key, "ms": round3(*ms)
            })
        })
        .collect()
}

/// Adds the Today view's figures to `out`: the headline ones at the top level (`today_*`),
/// the rest under `today`.
fn report_today(out: &mut Value, rounds: u32, first: &FirstFrame, times: &Replay, steps: usize) {
    let (keys, _, categories) = replay_figures(times, &TODAY_CATEGORIES);
    out["today_first_frame_ms"] = json!(round3(ms(first.took)));
    out["today_queue_ms"] = json!(first.queue_took.map(|d| round3(ms(d))));
    out["today_whole_queue_ms"] = json!(first.whole_queue.map(|d| round3(ms(d))));
    out["today_customers"] = json!(first.customers);
    out["today_key_p50_ms"] = keys["p50_ms"].clone();
    out["today_key_p95_ms"] = keys["p95_ms"].clone();
    out["today_key_p99_ms"] = keys["p99_ms"].clone();
    out["today_key_max_ms"] = keys["max_ms"].clone();
    out["today_rss_hwm_mb"] = json!(rss_hwm_mb());
    let mut today = json!({
        "rows_on_screen": first.rows_on_screen,
        "keys_replayed": steps as u64 * u64::from(rounds),
        "replay_s": round3(times.seconds),
        "rss_after_first_frame_mb": first.rss_mb,
        "counts_worker": summary(&times.counts_worker),
        "counts_redraw": summary(&times.counts_redraw),
        "categories": categories,
        "slowest": slowest_keys(times),
    });
    if !times.samples.is_empty() {
        today["samples"] = Value::Array(times.samples.clone());
    }
    out["today"] = today;
}

/// The run's figures, as JSON.
fn report(
    options: &Options,
    now: DateTime<Utc>,
    app: &App,
    first: &FirstFrame,
    times: &Replay,
    steps: usize,
) -> Value {
    let (key_summary, search_summary, categories) = replay_figures(times, &CATEGORIES);
    let mut out = json!({
        "db": options.db.display().to_string(),
        // The list's total once the counts are in (the first frame may show them pending).
        "leads": app.total,
        "total_at_first_frame": first.total,
        "now": leadbox::domain::time::format_time(now),
        "size": [options.width, options.height],
        "rows_on_screen": first.rows_on_screen,
        "rounds": options.rounds,
        "keys_replayed": steps as u64 * u64::from(options.rounds),
        "replay_s": round3(times.seconds),
        "first_frame_ms": round3(ms(first.took)),
        "rss_after_first_frame_mb": first.rss_mb,
        "rss_hwm_mb": rss_hwm_mb(),
        "key_p50_ms": key_summary["p50_ms"],
        "key_p95_ms": key_summary["p95_ms"],
        "key_p99_ms": key_summary["p99_ms"],
        "key_max_ms": key_summary["max_ms"],
        "search_p50_ms": search_summary["p50_ms"],
        "search_p95_ms": search_summary["p95_ms"],
        "search_p99_ms": search_summary["p99_ms"],
        "search_max_ms": search_summary["max_ms"],
        "counts": if options.worker_counts { "worker" } else { "inline" },
        "counts_worker": summary(&times.counts_worker),
        "counts_redraw": summary(&times.counts_redraw),
        "categories": categories,
        "slowest": slowest_keys(times),
    });
    if options.samples {
        out["samples"] = Value::Array(times.samples.clone());
    }
    out
}
