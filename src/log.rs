//! Diagnostics. With `--verbose` or `LEADBOX_LOG` (a level such as `debug`, or a
//! `tracing` filter), leadbox appends what it does to `leadbox.log` in the platform's state
//! folder (`~/.local/state/leadbox/` on Linux), a file only its owner may read.
//!
//! The log says what ran, for how long and how much: commands, counts, formats, durations,
//! schema versions. It never holds personal data: no name, email, phone, company, note or
//! file path (an export's file name can hold an email), and no error text that could quote
//! them (only that a command failed).

use std::fs::OpenOptions;
use std::path::PathBuf;
use std::sync::Mutex;

/// Starts the log when asked; returns its path then.
pub fn init(verbose: bool) -> Option<PathBuf> {
    let wanted = std::env::var("LEADBOX_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| verbose.then(|| "debug".to_string()))?;
    let filter = tracing_subscriber::EnvFilter::try_new(format!("leadbox={wanted}"))
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(&wanted))
        .ok()?;
    let path = log_path()?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).ok()?;
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(&path).ok()?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(path)
}

/// `leadbox.log` in the platform's state folder (its local data folder where there is none).
pub fn log_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "leadbox")?;
    let dir = dirs
        .state_dir()
        .unwrap_or_else(|| dirs.data_local_dir())
        .to_path_buf();
    Some(dir.join("leadbox.log"))
}
