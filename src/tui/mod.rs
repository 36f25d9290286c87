//! The interactive inbox: state ([`app`]), keys ([`keys`]), drawing ([`view`]), and the
//! event loop here, which owns the terminal and the import thread.

pub mod analytics;
pub mod app;
pub mod keys;
pub mod layout;
pub mod prompt;
pub mod theme;
pub mod today;
pub mod view;
pub mod worker;
pub mod writer;

use anyhow::{Context as _, Result};
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::Stdout;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use crate::store::Store;
use app::{App, Effect, ExportOutcome, ExportRequest, Zone};
use theme::Theme;

/// The inbox connection's page cache: well inside the inbox's memory budget, large enough
/// that a session of moving and searching reads each page from disk once.
pub const INBOX_CACHE_MIB: i64 = 16;

/// What the rep's settings change in the inbox.
#[derive(Debug, Clone)]
pub struct Options {
    pub theme: Theme,
    /// Take the mouse (wheel, clicks) from the terminal.
    pub mouse: bool,
    pub keymap: keys::Keymap,
    /// A drop folder to import from while the inbox is open (`leadbox --watch DIR`).
    pub watch: Option<PathBuf>,
    /// The zone times are shown in.
    pub zone: Zone,
    /// Who `me` is in the owner prompt.
    pub me: Option<String>,
    /// The view, filter, sort and test leads it opens with.
    pub start: crate::config::InboxStart,
    /// The follow-up rules of the Today view.
    pub follow_up: crate::domain::follow_up::Rules,
    /// The settings' mail command and templates folder (`E`).
    pub mail_command: Option<String>,
    pub templates: Option<PathBuf>,
    /// The settings' `date_format`.
    pub date_format: Option<String>,
    /// The settings' `sla_target`: the analytics view's line, in percent.
    pub sla_target: u8,
}

/// Runs the inbox until the rep quits. `cleanup` is removed on the way out however the
/// program ends (the demo's throwaway store); Tab in the import prompt completes paths with
/// `complete`.
pub fn run(
    store: Store,
    cleanup: Option<PathBuf>,
    complete: app::PathCompletion,
    options: Options,
) -> Result<()> {
    let now = crate::clock::now()?;
    let counts = worker::Worker::spawn(&store)?;
    let folder = match &options.watch {
        Some(dir) => Some(FolderWatch::start(&store, dir.clone())?),
        None => None,
    };
    let mut store = store;
    store.set_cache_mib(INBOX_CACHE_MIB)?;
    let mut app = if counts.is_some() {
        App::with_counts_worker(store, now, options.zone)?
    } else {
        App::new(store, now, options.zone)?
    };
    app.me = options.me.clone();
    app.rules = options.follow_up.clone();
    app.sla_target = options.sla_target;
    app.mail_command = options.mail_command.clone();
    app.templates = options.templates.clone();
    if let Some(pattern) = &options.date_format {
        app.date_format = pattern.clone();
    }
    let start = options.start;
    if start != crate::config::InboxStart::default() {
        app.start_with(start.tab, start.sort, start.test_leads)?;
    }
    app.show_today(start.today)?;
    app.complete_paths_with(complete);
    app.keymap = options.keymap;
    let theme = options.theme;

    let quit_signal = watch_signals(cleanup, app.writer_queue())?;
    let mut terminal = setup_terminal(options.mouse)?;
    tracing::info!(leads = app.store_total, "inbox opened");
    let result = event_loop(
        &mut terminal,
        &mut app,
        theme,
        &quit_signal,
        counts.as_ref(),
        folder.as_ref(),
        options.mouse,
    );
    if let Some(folder) = folder {
        folder.stop();
    }
    restore_terminal();
    tracing::info!(
        ok = result.is_ok(),
        notes = app.quit_notes.len(),
        "inbox closed"
    );
    // Say what quitting waited for, and anything that could not be saved.
    for line in &app.quit_notes {
        eprintln!("leadbox: {line}");
    }
    result
}

/// SIGTERM, SIGHUP and SIGINT end the inbox cleanly: the loop sees the flag within a poll,
/// saves what is queued and returns. When the terminal is gone the loop can stall in the
/// terminal library, so this thread also waits for the queued changes to be saved, gives
/// the loop a moment more, then restores what it can and exits itself: no queued change is
/// dropped either way.
fn watch_signals(
    cleanup: Option<PathBuf>,
    queue: Option<Arc<writer::Shared>>,
) -> Result<Arc<AtomicBool>> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let quit = Arc::new(AtomicBool::new(false));
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])
        .context("cannot install signal handlers")?;
    let flag = Arc::clone(&quit);
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            flag.store(true, Ordering::Relaxed);
            if let Some(queue) = &queue {
                queue.wait_until_saved(Duration::from_secs(24 * 3600));
            }
            std::thread::sleep(Duration::from_millis(600));
            restore_terminal();
            if let Some(dir) = cleanup {
                let _ = std::fs::remove_dir_all(dir);
            }
            std::process::exit(0);
        }
    });
    Ok(quit)
}

fn setup_terminal(mouse: bool) -> Result<Terminal<CrosstermBackend<Stdout>>> {
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous_hook(info);
    }));
    enable_raw_mode().context("cannot put the terminal in raw mode (is this a terminal?)")?;
    execute!(std::io::stdout(), EnterAlternateScreen)?;
    if mouse {
        execute!(std::io::stdout(), EnableMouseCapture)?;
    }
    Ok(Terminal::new(CrosstermBackend::new(std::io::stdout()))?)
}

fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// Puts `text` on the terminal's clipboard (OSC 52).
fn copy(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout();
    out.write_all(crate::compose::send::osc52(text).as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Hands a `mailto:` URL to the mail program (the settings' mail command, else the
/// system's opener), off the inbox's screen, then comes back to it.
fn open_mail(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &mut App,
    url: &str,
    mouse: bool,
) -> Result<()> {
    let sent = off_screen(terminal, mouse, || {
        crate::compose::send::open_url(url, app.mail_command.as_deref())
    })?;
    if let Err(problem) = sent {
        app.mail_failed(problem.to_string());
    }
    Ok(())
}

/// Opens the draft in the rep's editor (`$VISUAL`, else `$EDITOR`, else `vi`) on a private
/// draft file removed afterwards, off the inbox's screen, then comes back to its preview
/// with the draft as saved.
fn edit_draft(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &mut App,
    draft: &crate::compose::Draft,
    mouse: bool,
) -> Result<()> {
    let edited = off_screen(terminal, mouse, || {
        crate::compose::send::edit_draft(draft, None)
    })?;
    match edited {
        Ok(draft) => app.draft_edited(draft),
        Err(problem) => app.editor_failed(problem.to_string()),
    }
    Ok(())
}

/// Runs `program` with the terminal as it was before the inbox (a mail program or an
/// editor may use it), then takes the screen back.
fn off_screen<T>(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    mouse: bool,
    program: impl FnOnce() -> T,
) -> Result<T> {
    restore_terminal();
    let result = program();
    enable_raw_mode()?;
    execute!(std::io::stdout(), EnterAlternateScreen)?;
    if mouse {
        execute!(std::io::stdout(), EnableMouseCapture)?;
    }
    terminal.clear()?;
    Ok(result)
}

/// Writes the leads `request` names to its file and tells the inbox how it went
/// ([`App::export_finished`]), on the UI thread: for a store in memory, which has no worker
/// ([`worker::Worker::export`] writes the others' exports).
pub fn export(app: &mut App, request: ExportRequest) {
    let outcome = write_export(&app.store, &request, app.now, &app.rules, app.zone);
    app.export_finished(request, outcome);
}

/// Writes the leads `request` names to its file, reading them from `store`. The file is
/// created private (0600), is never one of the store's files, and a file already there is
/// replaced only when the request says the rep agreed.
fn write_export(
    store: &Store,
    request: &ExportRequest,
    now: chrono::DateTime<chrono::Utc>,
    rules: &crate::domain::follow_up::Rules,
    zone: Zone,
) -> ExportOutcome {
    use crate::export::{create_private, create_private_new, Format, LeadWriter};
    let path = &request.path;
    let file = path.display();
    if store.is_own_file(path) {
        return ExportOutcome::Failed(format!(
            "{file} is the store itself (or one of its files): choose another file"
        ));
    }
    // Read before the file is made: a store that fails leaves no empty file behind.
    let marks = match store.follow_up_marks(rules, zone) {
        Ok(marks) => marks,
        Err(e) => return ExportOutcome::Failed(format!("cannot read the leads: {e}")),
    };
    let created = match request.overwrite {
        true => create_private(path),
        false => create_private_new(path),
    };
    let out = match created {
        Ok(out) => std::io::BufWriter::new(out),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && !request.overwrite => {
            return ExportOutcome::Exists
        }
        Err(e) => {
            return ExportOutcome::Failed(format!(
                "cannot create {file}: {}",
                crate::io_error::describe(&e)
            ))
        }
    };
    let written = (|| -> Result<u64> {
        let mut leads = LeadWriter::new(Format::of_path(path), out)?;
        store.for_each_of(&request.ids, crate::domain::SortKey::Urgency, |lead| {
            leads.push(&lead, now, &marks)
        })?;
        leads.finish()
    })();
    match written {
        Ok(count) => ExportOutcome::Written(count),
        Err(e) => ExportOutcome::Failed(format!(
            "cannot write {file}: {}",
            crate::io_error::describe_chain(e.as_ref())
        )),
    }
}

fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &mut App,
    theme: Theme,
    quit_signal: &AtomicBool,
    counts: Option<&worker::Worker>,
    folder: Option<&FolderWatch>,
    mouse: bool,
) -> Result<()> {
    let size = terminal.size()?;
    app.resize(size.width, size.height)?;
    // The first frame waits for the queue only a little: at a million leads it shows the
    // queue's start instead.
    if let Some(worker) = counts {
        worker.exchange(app, Duration::from_millis(15))?;
    }
    loop {
        terminal.draw(|frame| view::draw(frame, app, theme))?;
        if quit_signal.load(Ordering::Relaxed) {
            return quit(terminal, app, theme, counts);
        }
        // Short polls while changes are on their way keep the gauge and the marks moving;
        // otherwise wake a few times a second to notice the clock and other writers.
        let timeout = if app.unsaved_count() > 0
            || app.counts_stale
            || app.queue_pending()
            || app.stats_pending()
            || app.exports_pending()
        {
            Duration::from_millis(50)
        } else {
            Duration::from_millis(250)
        };
        if event::poll(timeout)? {
            // Every event waiting is handled, in order, before the next frame.
            loop {
                // A touch is stamped with the moment its key was pressed.
                app.set_clock(crate::clock::now()?);
                match app.handle_event(&event::read()?) {
                    Effect::Quit => return quit(terminal, app, theme, counts),
                    Effect::Copy(text) => copy(&text)?,
                    Effect::OpenMail(url) => open_mail(terminal, app, &url, mouse)?,
                    Effect::EditDraft(draft) => edit_draft(terminal, app, &draft, mouse)?,
                    Effect::Export(request) => match counts {
                        // A million leads take seconds: the worker writes them.
                        Some(worker) => worker.export(app, request),
                        None => export(app, request),
                    },
                    Effect::None => {}
                }
                if !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        app.apply_reports()?;
        if let Some(folder) = folder {
            // Its imports reach the list as any other process's do (`tick`).
            while let Ok((line, clean)) = folder.reports.try_recv() {
                match clean {
                    true => app.flash_info(line),
                    false => app.flash_error(line),
                }
            }
        }
        app.tick(crate::clock::now()?)?;
        if let Some(worker) = counts {
            worker.exchange(app, Duration::from_millis(40))?;
        }
    }
}

/// Quitting waits for every change on its way to the store, saying so on screen.
fn quit(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &mut App,
    theme: Theme,
    worker: Option<&worker::Worker>,
) -> Result<()> {
    // An export on its way is written whole: quitting now would cut its file short.
    app.quit_after_exports();
    if let Some(worker) = worker.filter(|_| app.exports_pending()) {
        terminal.draw(|frame| view::draw(frame, app, theme))?;
        while app.exports_pending() {
            worker.exchange(app, Duration::ZERO)?;
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let unsaved = app.unsaved_count();
    if unsaved > 0 {
        app.flash_info(format!(
            "saving {unsaved} change{} before quitting…",
            if unsaved == 1 { "" } else { "s" }
        ));
        terminal.draw(|frame| view::draw(frame, app, theme))?;
        let failed_before = app.quit_notes.len();
        app.wait_until_saved()?;
        let failed = app.quit_notes.len() - failed_before;
        app.quit_notes.insert(
            0,
            format!(
                "saved {} of {unsaved} change{} that were on their way when you quit",
                unsaved.saturating_sub(failed),
                if unsaved == 1 { "" } else { "s" }
            ),
        );
    }
    Ok(())
}

/// A drop folder watched beside the inbox: a thread with its own connection imports what
/// arrives (`import::watch`); each file's report comes back as a line for the status bar.
/// The inbox's UI thread writes nothing.
struct FolderWatch {
    stop: Arc<AtomicBool>,
    /// Each report's line, and whether it was clean.
    reports: mpsc::Receiver<(String, bool)>,
    thread: std::thread::JoinHandle<()>,
}

impl FolderWatch {
    fn start(main: &Store, dir: PathBuf) -> Result<FolderWatch> {
        anyhow::ensure!(
            !main.is_in_memory(),
            "a store in memory cannot take a watched folder's leads"
        );
        let mut store = Store::open(main.path())
            .context("cannot open a second connection to the store for the watched folder")?;
        let stop = Arc::new(AtomicBool::new(false));
        let (send, reports) = mpsc::channel();
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            use crate::import::watch::{watch, WatchOptions};
            let now = || crate::clock::now().unwrap_or_else(|_| chrono::Utc::now());
            let result = watch(
                &mut store,
                &dir,
                &WatchOptions::default(),
                &flag,
                &now,
                &mut |report| {
                    let line = crate::domain::text::printable(&report.to_string()).into_owned();
                    let _ = send.send((line, report.is_clean()));
                },
            );
            if let Err(e) = result {
                let line = format!("stopped watching the folder: {e}");
                let _ = send.send((crate::domain::text::printable(&line).into_owned(), false));
            }
        });
        Ok(FolderWatch {
            stop,
            reports,
            thread,
        })
    }

    /// Stops between two files and waits for the thread.
    fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
    }
}
