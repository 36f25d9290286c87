//! Opening a store safely: which file it is, creating it private and in WAL mode, upgrading
//! it once, and waiting for other writers.
//!
//! Only SQLite ever opens the store and its side files. On Linux, closing any descriptor of
//! a file drops every POSIX lock the process holds on it, so a descriptor opened here
//! beside SQLite's would let another process believe it was the last user and delete the
//! WAL under our feet. Everything here looks at files by path (`stat`, `chmod`), never
//! through a descriptor.

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Result, StoreError};

/// `PRAGMA application_id` of a leadbox store ("LBOX").
pub const APPLICATION_ID: i32 = 0x4C42_4F58;

/// The tables every leadbox store has had since its first schema.
const LEADBOX_TABLES: [&str; 3] = ["contacts", "imports", "touches"];

/// What a path holds, read through a read-only connection before anything else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// No file, or an empty one: a new store is made there.
    Nothing,
    /// A leadbox store at this schema version (older stores carry no application id).
    Leadbox { version: i64 },
}

/// Reads what `path` holds without changing it: a read-only connection, no side file
/// created for a database in rollback mode (the only kind another application's file
/// usually is), nothing written.
pub fn identify(path: &Path) -> Result<Found> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Nothing),
        Err(source) => {
            return Err(StoreError::Io {
                path: path.to_path_buf(),
                source,
            })
        }
        Ok(meta) if meta.is_dir() => {
            return Err(StoreError::NotAStore {
                path: path.to_path_buf(),
                why: "it is a directory".into(),
            })
        }
        Ok(meta) if meta.len() == 0 => return Ok(Found::Nothing),
        Ok(_) => {}
    }
    let not_sqlite = |_| StoreError::NotAStore {
        path: path.to_path_buf(),
        why: "it is not a SQLite database".into(),
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_handler(Some(wait_for_other_writer))?;
    let application_id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(not_sqlite)?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let ours = application_id == APPLICATION_ID
        || (application_id == 0
            && version > 0
            && LEADBOX_TABLES.iter().all(|t| tables.iter().any(|n| n == t)));
    if ours {
        return Ok(Found::Leadbox { version });
    }
    if application_id == 0 && version == 0 && tables.is_empty() {
        return Ok(Found::Nothing);
    }
    Err(StoreError::NotAStore {
        path: path.to_path_buf(),
        why: "it is a SQLite database of another application".into(),
    })
}

/// Opens (creating when missing) the store's read-write connection. A new file is created by
/// SQLite itself, readable by its owner only (its -wal and -shm take the same mode).
pub fn connect(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    Ok(with_private_files(|| {
        Connection::open_with_flags(path, flags)
    })?)
}

/// Runs `make` with a umask that makes every file it creates private. The umask belongs to
/// the whole process: one lock keeps two threads from restoring each other's.
fn with_private_files<T>(make: impl FnOnce() -> T) -> T {
    static UMASK: Mutex<()> = Mutex::new(());
    let _guard = UMASK.lock().unwrap_or_else(|e| e.into_inner());
    #[cfg(unix)]
    {
        use rustix::fs::Mode;
        let before = rustix::process::umask(Mode::from_raw_mode(0o077));
        let made = make();
        rustix::process::umask(before);
        made
    }
    #[cfg(not(unix))]
    make()
}

/// Copies the store to `to` through SQLite's backup API (never a file copy).
pub fn backup(conn: &Connection, to: &Path) -> Result<()> {
    with_private_files(|| conn.backup(rusqlite::MAIN_DB, to, None))?;
    Ok(())
}

/// The store's name with `suffix` added: its side files and its backups.
fn beside(store: &Path, suffix: &str) -> PathBuf {
    let mut name = store.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Where the copy made before an upgrade from `version` goes: beside the store.
pub fn backup_path(store: &Path, version: i64) -> PathBuf {
    beside(store, &format!(".schema-{version}.bak"))
}

/// The store file and its side files: no other command may read or write them as files.
pub fn own_files(store: &Path) -> [PathBuf; 4] {
    [
        store.to_path_buf(),
        beside(store, "-wal"),
        beside(store, "-shm"),
        beside(store, "-journal"),
    ]
}

/// Whether `candidate` is the store at `store` or one of its side files: the same file
/// (device and inode) when it exists, else the same name in the same folder.
pub fn is_own_file(store: &Path, candidate: &Path) -> bool {
    let wanted = file_id(candidate);
    let resolved = resolve(candidate);
    own_files(store).iter().any(|own| {
        (wanted.is_some() && file_id(own) == wanted)
            || (resolved.is_some() && resolve(own) == resolved)
    })
}

/// A path with its folder made canonical (the file itself need not exist).
fn resolve(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(dir).ok()?.join(name))
}

/// Device and inode of a file, by path (`stat`, no descriptor).
pub fn file_id(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// The files a connection was opened on, to notice when another program replaced or
/// deleted them (the connection would go on writing into files no one else reads).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpenedFiles {
    store: Option<(u64, u64)>,
    wal: Option<(u64, u64)>,
}

impl OpenedFiles {
    /// What is on disk now under the store's names.
    pub fn now(store: &Path) -> OpenedFiles {
        let [db, wal, ..] = own_files(store);
        OpenedFiles {
            store: file_id(&db),
            wal: file_id(&wal),
        }
    }

    /// Whether `now` shows the files this connection uses replaced or gone. A WAL that
    /// appears is fine; one that disappears or changes while the connection is open is not
    /// (SQLite deletes it only when the last connection closes).
    pub fn replaced_by(&self, now: &OpenedFiles) -> bool {
        self.store != now.store || (self.wal.is_some() && self.wal != now.wal)
    }

    /// Remembers a WAL that appeared since.
    pub fn learn(&mut self, now: &OpenedFiles) {
        if self.wal.is_none() {
            self.wal = now.wal;
        }
    }
}

/// Reads the schema version inside the current transaction.
pub fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Whether the store is a leadbox store of this version, marked as such.
pub fn is_current(conn: &Connection, known: i64) -> Result<bool> {
    let id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    Ok(id == APPLICATION_ID && schema_version(conn)? == known)
}

/// Whether `conn`'s database holds any table yet.
pub fn is_blank(conn: &Connection) -> Result<bool> {
    Ok(conn
        .query_row("SELECT 1 FROM sqlite_schema LIMIT 1", [], |_| Ok(()))
        .optional()?
        .is_none())
}

// ---- opening again after the files were replaced ----------------------------------------------

/// The file stores open in this process, by generation. SQLite shares one mapping of the
/// -shm file among all the connections of a process to the same database file: a store whose
/// files were replaced is opened again only once every connection of the older generation is
/// closed, or the new connections would join the old, deleted mapping.
struct Registry {
    generation: u64,
    live: std::collections::BTreeMap<u64, usize>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    generation: 0,
    live: std::collections::BTreeMap::new(),
});
static CLOSED: std::sync::Condvar = std::sync::Condvar::new();

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

/// A file store opens: it belongs to the current generation.
pub fn register() -> u64 {
    let mut registry = registry();
    let generation = registry.generation;
    *registry.live.entry(generation).or_default() += 1;
    generation
}

/// A file store of `generation` closed.
pub fn unregister(generation: u64) {
    let mut registry = registry();
    if let Some(live) = registry.live.get_mut(&generation) {
        *live = live.saturating_sub(1);
    }
    CLOSED.notify_all();
}

pub fn current_generation() -> u64 {
    registry().generation
}

/// A store of `generation` found its files replaced: every store of it must be opened again.
pub fn invalidate(generation: u64) {
    let mut registry = registry();
    if registry.generation == generation {
        registry.generation += 1;
    }
}

/// Waits (at most `limit`) until no store of an older generation is open.
pub fn wait_for_older_stores(limit: Duration) {
    let deadline = Instant::now() + limit;
    let mut registry = registry();
    loop {
        let current = registry.generation;
        let older: usize = registry
            .live
            .iter()
            .filter(|(generation, _)| **generation < current)
            .map(|(_, live)| live)
            .sum();
        let now = Instant::now();
        if older == 0 || now >= deadline {
            return;
        }
        registry = CLOSED
            .wait_timeout(registry, deadline - now)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
}

// ---- waiting for another writer ------------------------------------------------------------

/// Whether a wait of over a second is announced on stderr (the command line; never the
/// inbox, whose screen it would break).
static SAY_WHEN_WAITING: AtomicBool = AtomicBool::new(false);

/// Makes this process say on stderr when a write waits for another one for over a second.
pub fn announce_waits() {
    SAY_WHEN_WAITING.store(true, Ordering::Relaxed);
}

thread_local! {
    static WAIT: Cell<Option<(Instant, bool)>> = const { Cell::new(None) };
}

/// SQLite's busy handler for every store connection: a store that is busy (another process
/// importing, say) is waited for without a time limit, never reported as "locked". SQLite
/// calls it with 0 for the first retry of each wait. Ctrl-C ends a waiting command with
/// nothing written, since nothing was begun.
pub fn wait_for_other_writer(attempt: i32) -> bool {
    let now = Instant::now();
    WAIT.with(|wait| {
        let (started, said) = match wait.get() {
            Some(state) if attempt > 0 => state,
            _ => (now, false),
        };
        let said = if !said
            && now.duration_since(started) > Duration::from_secs(1)
            && SAY_WHEN_WAITING.load(Ordering::Relaxed)
        {
            eprintln!("leadbox: waiting for another leadbox write to finish (Ctrl-C gives up)");
            true
        } else {
            said
        };
        wait.set(Some((started, said)));
    });
    // Short sleeps first: most waits are for another rep's keystroke.
    let ms = match attempt {
        0..=4 => 1,
        5..=9 => 5,
        10..=19 => 20,
        _ => 50,
    };
    std::thread::sleep(Duration::from_millis(ms));
    true
}
