//! The interactive inbox: state ([`app`]), keys ([`keys`]), drawing ([`view`]), and the
//! event loop here, which owns the terminal and the import thread.

pub mod app;
pub mod keys;
pub mod layout;
pub mod theme;
pub mod view;

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

use crate::import::{import_path_with_progress, FileReport, ImportOptions};
use crate::store::Store;
use app::{App, Effect, Zone};
use theme::Theme;

/// The inbox connection's page cache: well inside the inbox's memory budget, large enough
/// that a session of moving and searching reads each page from disk once.
pub const INBOX_CACHE_MIB: i64 = 16;

/// Messages from the import thread.
enum ImportMsg {
    Progress(u64, u64),
    Done(Result<FileReport, String>),
}

/// Runs the inbox until the rep quits. `cleanup` is removed on the way out however the
/// program ends (the demo's throwaway store).
pub fn run(store: Store, cleanup: Option<PathBuf>) -> Result<()> {
    let now = crate::cli::now()?;
    let counts = spawn_counts_worker(&store);
    let mut store = store;
    store.set_cache_mib(INBOX_CACHE_MIB)?;
    let mut app = if counts.is_some() {
        App::with_counts_worker(store, now, Zone::Local)?
    } else {
        App::new(store, now, Zone::Local)?
    };
    let theme = Theme::from_env();

    let quit_signal = watch_signals(cleanup)?;
    let mut terminal = setup_terminal()?;
    let result = event_loop(
        &mut terminal,
        &mut app,
        theme,
        &quit_signal,
        counts.as_ref(),
    );
    restore_terminal();
    result
}

/// SIGTERM, SIGHUP and SIGINT end the inbox cleanly: the loop sees the flag within a poll.
/// When the terminal is gone the loop can stall in the terminal library, so after a grace
/// period this thread restores what it can and exits itself; every change is already
/// committed, so nothing is lost.
fn watch_signals(cleanup: Option<PathBuf>) -> Result<Arc<AtomicBool>> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let quit = Arc::new(AtomicBool::new(false));
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])
        .context("cannot install signal handlers")?;
    let flag = Arc::clone(&quit);
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            flag.store(true, Ordering::Relaxed);
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

fn setup_terminal() -> Result<Terminal<CrosstermBackend<Stdout>>> {
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous_hook(info);
    }));
    enable_raw_mode().context("cannot put the terminal in raw mode (is this a terminal?)")?;
    execute!(std::io::stdout(), EnterAlternateScreen, EnableMouseCapture)?;
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

fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &mut App,
    theme: Theme,
    quit_signal: &AtomicBool,
    counts: Option<&CountsWorker>,
) -> Result<()> {
    let size = terminal.size()?;
    app.resize(size.width, size.height)?;
    let mut import: Option<mpsc::Receiver<ImportMsg>> = None;
    loop {
        terminal.draw(|frame| view::draw(frame, app, theme))?;
        if quit_signal.load(Ordering::Relaxed) {
            return Ok(());
        }
        // Short polls while importing keep the gauge moving; otherwise wake a few times a
        // second to notice the clock and other writers.
        let timeout = if import.is_some() || app.counts_stale {
            Duration::from_millis(50)
        } else {
            Duration::from_millis(250)
        };
        if event::poll(timeout)? {
            match app.handle_event(&event::read()?) {
                Effect::Quit => return Ok(()),
                Effect::Import(path) => import = Some(spawn_import(app, path)),
                Effect::None => {}
            }
        }
        if let Some(rx) = &import {
            if let Some(done) = drain_import(app, rx)? {
                import = None;
                app.finish_import(vec![done])?;
            }
        } else {
            app.tick(crate::cli::now()?)?;
        }
        if let Some(worker) = counts {
            if let Some(request) = app.take_counts_request() {
                let _ = worker.requests.send(request);
            }
            while let Ok(reply) = worker.replies.try_recv() {
                app.apply_counts(reply);
            }
        }
    }
}

/// Counts on a thread with its own connection: at a million leads they take longer than a
/// keystroke may.
struct CountsWorker {
    requests: mpsc::Sender<app::CountsRequest>,
    replies: mpsc::Receiver<app::CountsReply>,
}

fn spawn_counts_worker(main: &Store) -> Option<CountsWorker> {
    if main.is_in_memory() {
        return None;
    }
    let store = Store::open(main.path()).ok()?;
    let (request_tx, request_rx) = mpsc::channel::<app::CountsRequest>();
    let (reply_tx, reply_rx) = mpsc::channel();
    std::thread::spawn(move || {
        while let Ok(mut request) = request_rx.recv() {
            // Only the newest request matters.
            while let Ok(newer) = request_rx.try_recv() {
                request = newer;
            }
            match request.run(&store) {
                Ok(reply) => {
                    if reply_tx.send(reply).is_err() {
                        return;
                    }
                }
                Err(_) => continue,
            }
        }
    });
    Some(CountsWorker {
        requests: request_tx,
        replies: reply_rx,
    })
}

/// Imports on a thread of its own, with its own connection, so the gauge keeps moving.
fn spawn_import(app: &mut App, path: PathBuf) -> mpsc::Receiver<ImportMsg> {
    let (tx, rx) = mpsc::channel();
    let db = app.store.path().to_path_buf();
    let now = app.now;
    app.start_import(path.display().to_string());
    std::thread::spawn(move || {
        let result = Store::open(&db)
            .map_err(|e| e.to_string())
            .and_then(|mut store| {
                let progress_tx = tx.clone();
                import_path_with_progress(
                    &mut store,
                    &path,
                    &ImportOptions::default(),
                    now,
                    &mut |done, total| {
                        let _ = progress_tx.send(ImportMsg::Progress(done, total));
                    },
                )
                .map_err(|e| e.to_string())
            });
        let _ = tx.send(ImportMsg::Done(result));
    });
    rx
}

fn drain_import(app: &mut App, rx: &mpsc::Receiver<ImportMsg>) -> Result<Option<FileReport>> {
    loop {
        match rx.try_recv() {
            Ok(ImportMsg::Progress(done, total)) => app.import_progress(done, total),
            Ok(ImportMsg::Done(Ok(report))) => return Ok(Some(report)),
            Ok(ImportMsg::Done(Err(e))) => {
                app.mode = app::Mode::List;
                app.flash_error(format!("import failed: {e}"));
                return Ok(None);
            }
            Err(mpsc::TryRecvError::Empty) => return Ok(None),
            Err(mpsc::TryRecvError::Disconnected) => {
                anyhow::bail!("the import thread stopped unexpectedly")
            }
        }
    }
}
