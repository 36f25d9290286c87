//! A drop folder: `leadbox import --watch DIR` imports every lead file that appears in DIR
//! (or changes), once it is whole, and never the same file twice.
//!
//! - **Whole files.** A file is imported once its size and modification time have not
//!   changed for [`WatchOptions::settle`]: a file written in several chunks, or copied in
//!   slowly by a sync client, is imported once, whole. Names that sync clients and editors
//!   use while writing (`.name`, `name.tmp`, `.part`, `.crdownload`, `~`) are left alone;
//!   the rename to the final name is what counts.
//! - **Never twice.** Before importing, the file's SHA-256 is looked up in the store's import
//!   history: a file whose bytes were imported before (by this watch, an earlier one, or a
//!   plain `import`) is skipped. So a restart imports the files that arrived while leadbox
//!   was not running, and nothing twice.
//! - **The folder stays the rep's.** Nothing in it is moved, renamed or written, unless
//!   `--move-to` names a folder for the files imported cleanly.
//! - **Events and a poll.** File events (the `notify` crate) make a change seen at once; a
//!   scan every few seconds catches what a platform's events miss.

use chrono::{DateTime, Utc};
use notify::{RecursiveMode, Watcher};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use super::{import_path, FileReport, ImportOptions};
use crate::store::{Store, StoreError};

/// How a folder is watched.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// How each file is imported.
    pub import: ImportOptions,
    /// How long a file must stay unchanged before it is imported.
    pub settle: Duration,
    /// Where files imported without a rejected record are moved (none: left in place).
    pub move_to: Option<PathBuf>,
}

impl Default for WatchOptions {
    fn default() -> WatchOptions {
        WatchOptions {
            import: ImportOptions::default(),
            settle: Duration::from_secs(1),
            move_to: None,
        }
    }
}

/// Why watching stopped before it was asked to.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("{}: {problem}", .path.display())]
    Folder { path: PathBuf, problem: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a file looks like: its size and modification time.
type Seen = (u64, Option<SystemTime>);

/// A file seen changing, and since when it has looked the same.
struct Pending {
    seen: Seen,
    since: Instant,
}

/// How often the loop looks at pending files and the stop flag; the folder is scanned
/// again every [`RESCAN`].
const TICK: Duration = Duration::from_millis(100);
const RESCAN: Duration = Duration::from_secs(5);

/// Watches `dir` until `stop` is set: imports each file that appears or changes once it has
/// settled, skipping files already imported, and hands each report to `reported`. The time
/// of each import (for records without their own) is `now()`.
pub fn watch(
    store: &mut Store,
    dir: &Path,
    watching: &WatchOptions,
    stop: &AtomicBool,
    now: &dyn Fn() -> DateTime<Utc>,
    reported: &mut dyn FnMut(&FileReport),
) -> Result<(), WatchError> {
    let folder_error = |problem: String| WatchError::Folder {
        path: dir.to_path_buf(),
        problem,
    };
    if !dir.is_dir() {
        return Err(folder_error("not a folder".into()));
    }
    if let Some(to) = watching.move_to.as_ref().filter(|to| !to.is_dir()) {
        return Err(WatchError::Folder {
            path: to.clone(),
            problem: "not a folder (--move-to)".into(),
        });
    }
    // Kept for as long as the loop runs: dropping it stops the events.
    let (_watcher, changed) = events_of(dir).map_err(folder_error)?;
    let mut folder = Folder::default();
    let mut scanned = Instant::now() - RESCAN;
    while !stop.load(Ordering::Relaxed) {
        if scanned.elapsed() >= RESCAN {
            let files = files_in(dir).map_err(|e| folder_error(crate::io_error::describe(&e)))?;
            files.into_iter().for_each(|path| folder.note(path));
            scanned = Instant::now();
        }
        while let Ok(path) = changed.try_recv() {
            if path.parent() == Some(dir) || path.parent().is_some_and(|p| same_dir(p, dir)) {
                folder.note(path);
            }
        }
        for path in folder.settled(watching.settle) {
            let Some(report) = import_once(store, &path, &watching.import, now())? else {
                continue;
            };
            reported(&report);
            if let (Some(to), true) = (&watching.move_to, report.is_clean()) {
                move_into(&path, to);
            }
        }
        std::thread::sleep(TICK);
    }
    Ok(())
}

/// The folder's file events, as the paths they name.
fn events_of(dir: &Path) -> Result<(notify::RecommendedWatcher, mpsc::Receiver<PathBuf>), String> {
    let (events, changed) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            for path in event.paths {
                let _ = events.send(path);
            }
        }
    })
    .map_err(|e| format!("cannot watch it: {e}"))?;
    watcher
        .watch(dir, RecursiveMode::NonRecursive)
        .map_err(|e| format!("cannot watch it: {e}"))?;
    Ok((watcher, changed))
}

/// The files of the folder being waited for, and those already handled.
#[derive(Default)]
struct Folder {
    pending: HashMap<PathBuf, Pending>,
    /// Files already handled (imported, skipped or refused), as they looked then: a rescan
    /// passes over them until they change.
    handled: HashMap<PathBuf, Seen>,
}

impl Folder {
    /// Records what `path` looks like now: a change starts its wait again; a file handled
    /// as it is now is left alone.
    fn note(&mut self, path: PathBuf) {
        if !is_lead_file(&path) {
            return;
        }
        let Ok(metadata) = std::fs::metadata(&path) else {
            self.pending.remove(&path); // gone (renamed away, deleted)
            return;
        };
        if !metadata.is_file() {
            return;
        }
        let seen = (metadata.len(), metadata.modified().ok());
        if self.handled.get(&path) == Some(&seen) {
            return;
        }
        match self.pending.get_mut(&path) {
            Some(p) if p.seen == seen => {}
            Some(p) => {
                p.seen = seen;
                p.since = Instant::now();
            }
            None => {
                let since = Instant::now();
                self.pending.insert(path, Pending { seen, since });
            }
        }
    }

    /// The files unchanged for `settle`, now handled.
    fn settled(&mut self, settle: Duration) -> Vec<PathBuf> {
        let settled: Vec<PathBuf> = self
            .pending
            .iter()
            .filter(|(_, p)| p.since.elapsed() >= settle)
            .map(|(path, _)| path.clone())
            .collect();
        for path in &settled {
            if let Some(p) = self.pending.remove(path) {
                self.handled.insert(path.clone(), p.seen);
            }
        }
        settled
    }
}

/// Whether two paths name the same folder (events may carry the folder's canonical path).
fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// A file a sync client or an editor is not still writing under a temporary name.
fn is_lead_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let lower = name.to_ascii_lowercase();
    !(name.starts_with('.')
        || name.ends_with('~')
        || [
            ".tmp",
            ".part",
            ".partial",
            ".crdownload",
            ".download",
            ".swp",
        ]
        .iter()
        .any(|end| lower.ends_with(end)))
}

/// The regular files of `dir`, in name order.
fn files_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// Imports `path` unless its bytes were imported before (or it changed while being read,
/// which the next look will see); None when skipped.
fn import_once(
    store: &mut Store,
    path: &Path,
    options: &ImportOptions,
    now: DateTime<Utc>,
) -> Result<Option<FileReport>, StoreError> {
    // The store's own files are refused by the import itself; a folder of leads seldom
    // holds one, and saying so every few seconds would be noise.
    if store.is_own_file(path) {
        return Ok(None);
    }
    let Ok(sha256) = file_sha256(path) else {
        return Ok(None); // gone or unreadable now: the next look decides
    };
    if store.has_imported(&sha256)? {
        return Ok(None);
    }
    import_path(store, path, options, now).map(Some)
}

/// The SHA-256 of a file's bytes, as the import history records it.
fn file_sha256(path: &Path) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    std::io::copy(&mut std::fs::File::open(path)?, &mut hasher)?;
    Ok(super::hex_sha256(hasher))
}

/// Moves an imported file into `to` (a rename; a file of the same name there is kept and
/// this one left in place).
fn move_into(path: &Path, to: &Path) {
    if let Some(name) = path.file_name() {
        let target = to.join(name);
        if !target.exists() {
            let _ = std::fs::rename(path, target);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_being_written_under_a_temporary_name_are_left_alone() {
        for name in ["leads.json", "export 2026-11-21.csv", "a.ndjson"] {
            assert!(is_lead_file(Path::new(name)), "{name}");
        }
        for name in [
            ".leads.json",
            "leads.json~",
            "leads.csv.part",
            "x.crdownload",
            "y.TMP",
        ] {
            assert!(!is_lead_file(Path::new(name)), "{name}");
        }
    }
}
