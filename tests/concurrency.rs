//! Several processes, one store: nothing a rep does is lost, nobody sees "database is
//! locked", and a process killed at any moment leaves the store whole.
//!
//! The counts run here are sized for CI; `LEADBOX_STRESS=1` runs the full figures recorded
//! in RELIABILITY.md (2 x 2,000 touches, 20 kills of each kind).

mod common;

use common::{fixture, Env, GOOD};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use leadbox::domain::time::parse_time;
use leadbox::store::Store;
use leadbox::tui::app::{App, Zone};
use rusqlite::Connection;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

fn stress() -> bool {
    std::env::var_os("LEADBOX_STRESS").is_some_and(|v| v != "0")
}

/// Touches each of two processes logs.
fn touches_per_process() -> usize {
    if stress() {
        2000
    } else {
        150
    }
}

/// Kills of each kind.
fn kills() -> u64 {
    if stress() {
        20
    } else {
        3
    }
}

/// A small deterministic random sequence (no test depends on the machine's entropy).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

/// The ids of the contactable leads (touches on them are allowed), oldest first.
fn touchable_ids(env: &Env) -> Vec<i64> {
    let mut leads = env.list_no_test(&[]);
    leads.retain(|l| l["action"] != "DNC" && !l["is_test"].as_bool().unwrap());
    leads.sort_by_key(|l| l["id"].as_i64().unwrap());
    leads.iter().map(|l| l["id"].as_i64().unwrap()).collect()
}

fn touch_kinds(env: &Env, id: i64) -> Vec<String> {
    let show: Value =
        serde_json::from_str(&env.ok(["show", &id.to_string(), "--format", "json"])).unwrap();
    show["touches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap().to_string())
        .collect()
}

fn integrity(db: &Path) -> String {
    let conn = Connection::open(db).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

fn lead_rows(db: &Path) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM lead_rows", [], |r| r.get(0))
        .unwrap()
}

/// Writes `count` generated leads as NDJSON into the test's folder.
fn generated(env: &Env, count: u64, seed: u64) -> PathBuf {
    let path = env.path(&format!("generated-{count}-{seed}.ndjson"));
    let out = std::fs::File::create(&path).unwrap();
    let status = env
        .bare_command()
        .args([
            "generate",
            "--count",
            &count.to_string(),
            "--seed",
            &seed.to_string(),
            "--format",
            "ndjson",
        ])
        .stdout(out)
        .status()
        .unwrap();
    assert!(status.success());
    path
}

/// Whether another connection holds the store's write lock now.
fn write_locked(db: &Path) -> bool {
    let Ok(conn) = Connection::open(db) else {
        return false;
    };
    match conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;") {
        Ok(()) => false,
        Err(e) => e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy),
    }
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn kill(child: &mut Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn two_processes_touching_at_once_lose_nothing() {
    let env = Env::new();
    env.import_good();
    let ids = touchable_ids(&env);
    let (a, b) = (ids[0], ids[1]);
    let n = touches_per_process();
    let run = |id: i64, kind: &'static str| {
        let env = &env;
        move || {
            let mut failures = Vec::new();
            for i in 0..n {
                let out = env
                    .command(["touch", &id.to_string(), "--kind", kind])
                    .args(["--note", &format!("{kind} {i}")])
                    .output()
                    .unwrap();
                if !out.status.success() {
                    failures.push(String::from_utf8_lossy(&out.stderr).into_owned());
                }
            }
            failures
        }
    };
    let (fa, fb) = std::thread::scope(|s| {
        let ta = s.spawn(run(a, "email"));
        let tb = s.spawn(run(b, "call"));
        (ta.join().unwrap(), tb.join().unwrap())
    });
    assert!(fa.is_empty() && fb.is_empty(), "failed: {fa:?} {fb:?}");
    assert_eq!(touch_kinds(&env, a).len(), n);
    assert_eq!(touch_kinds(&env, b).len(), n);
    assert_eq!(integrity(&env.db), "ok");
    eprintln!(
        "figures: 2 processes x {n} touches: {} stored, 0 failed",
        2 * n
    );
}

/// A key of the inbox, handled as its event loop does.
fn press(app: &mut App, c: char) {
    app.handle_key(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
        .unwrap();
}

/// Logs a touch from the inbox's own state, as its keys do: the key, then Enter in the
/// note's prompt.
fn touch(app: &mut App, c: char) {
    press(app, c);
    app.handle_key(&KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
        .unwrap();
}

fn inbox(db: &Path) -> App {
    let now = parse_time(common::NOW).unwrap();
    let mut app = App::new(
        Store::open(db).unwrap(),
        now,
        Zone::Fixed(chrono::FixedOffset::east_opt(0).unwrap()),
    )
    .unwrap();
    app.resize(120, 30).unwrap();
    app
}

/// A store of the good fixtures and the inbox on it, on the INS tab (no DNC lead there, so
/// every touch may be logged).
fn inbox_on_ins_tab() -> (Env, App) {
    let env = Env::new();
    env.import_good();
    let mut app = inbox(&env.db);
    press(&mut app, '2');
    (env, app)
}

/// Every descriptor of this process that points at a deleted file.
fn deleted_descriptors() -> Vec<String> {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .map(|target| target.display().to_string())
        .filter(|target| target.ends_with(" (deleted)"))
        .collect()
}

#[test]
fn the_inbox_keeps_every_touch_while_other_processes_use_the_store() {
    let (env, mut app) = inbox_on_ins_tab();
    // The inbox's counts worker holds a connection of its own in the same process: opening
    // a store once closed a descriptor of the file beside SQLite's, dropping the inbox's
    // locks (this test fails when that comes back).
    let _counts = Store::open(&env.db).unwrap();
    let cli_lead = touchable_ids(&env)[0];
    let mut logged_in_inbox = Vec::new();
    for round in 0..20 {
        // Other processes read, import and touch while the inbox works.
        let others: Vec<Child> = [
            vec!["list".to_string(), "--format".into(), "json".into()],
            vec![
                "import".into(),
                fixture(GOOD[round % GOOD.len()]).display().to_string(),
            ],
            vec![
                "touch".into(),
                cli_lead.to_string(),
                "--kind".into(),
                "note".into(),
                "--note".into(),
                format!("from the command line {round}"),
            ],
        ]
        .into_iter()
        .map(|args| {
            env.command(&args)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
        // The inbox logs a call on the lead it shows, then moves on.
        let lead = app.selected_lead().unwrap().id;
        touch(&mut app, 'c');
        logged_in_inbox.push(lead);
        press(&mut app, 'j');
        for child in others {
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!stderr.contains("locked"), "{stderr}");
            assert!(out.status.success(), "round {round}: {stderr}");
        }
        app.wait_until_saved().unwrap();
        assert!(
            app.flash.as_ref().is_none_or(|f| !f.error),
            "round {round}: {:?}",
            app.flash
        );
        app.tick(app.now).unwrap();
        assert_eq!(deleted_descriptors(), Vec::<String>::new(), "round {round}");
    }
    drop(app);
    // A fresh process reads every touch the inbox logged.
    let mut calls = 0;
    logged_in_inbox.sort_unstable();
    logged_in_inbox.dedup();
    for id in &logged_in_inbox {
        calls += touch_kinds(&env, *id)
            .iter()
            .filter(|k| *k == "call")
            .count();
    }
    assert_eq!(calls, 20);
    assert_eq!(
        touch_kinds(&env, cli_lead)
            .iter()
            .filter(|k| *k == "note")
            .count(),
        20
    );
    assert_eq!(integrity(&env.db), "ok");
}

/// A touch while another process imports a large file waits for it and succeeds, from the
/// command line and from the inbox.
#[test]
fn a_touch_during_a_long_import_waits_and_succeeds() {
    let env = Env::new();
    env.import_good();
    let before = lead_rows(&env.db);
    let big = generated(&env, 300_000, 7);
    let ids = touchable_ids(&env);
    let mut app = inbox(&env.db);
    let mut import = env
        .command(["import"])
        .arg(&big)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_until(
        "the import takes the write lock",
        Duration::from_secs(60),
        || write_locked(&env.db),
    );
    // From the inbox: the change waits, shown as unsaved, while the import runs.
    touch(&mut app, 'e');
    let inbox_lead = app.unsaved.first().and_then(|u| u.lead_id);
    // From the command line: it waits as long as it takes, and says so after a second.
    let touch = env
        .command(["touch", &ids[1].to_string(), "--kind", "call"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&touch.stderr);
    assert!(touch.status.success(), "{stderr}");
    assert!(
        stderr.contains("waiting for another leadbox write to finish"),
        "{stderr}"
    );
    assert!(import.wait().unwrap().success());
    assert!(
        inbox_lead.is_some(),
        "the inbox's touch was shown as unsaved"
    );
    app.wait_until_saved().unwrap();
    assert!(
        app.flash.as_ref().is_some_and(|f| !f.error),
        "{:?}",
        app.flash
    );
    drop(app);
    assert_eq!(touch_kinds(&env, ids[1]), vec!["call"]);
    assert_eq!(touch_kinds(&env, inbox_lead.unwrap()), vec!["email"]);
    assert_eq!(lead_rows(&env.db), before + 300_000);
}

/// SIGKILL at random moments of an import: the store stays whole, the file is wholly
/// imported or absent, and importing it again gives exactly the expected total.
#[test]
fn an_import_killed_at_any_moment_is_wholly_there_or_absent() {
    let mut random = Lcg(0x1ead_b0c5);
    let (mut absent, mut whole) = (0, 0);
    for run in 0..kills() {
        let env = Env::new();
        env.import_good();
        let base = lead_rows(&env.db);
        let file = generated(&env, 20_000, run);
        // Time one import of the same file into a copy-free twin store, to aim the kills.
        let twin = Env::new();
        twin.import_good();
        let start = Instant::now();
        twin.ok(["import", file.to_str().unwrap()]);
        let full = start.elapsed().as_millis() as u64;

        let mut child = env
            .command(["import"])
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(random.next(full.max(1) + 50)));
        kill(&mut child);
        assert_eq!(integrity(&env.db), "ok", "run {run}");
        let after = lead_rows(&env.db);
        assert!(
            after == base || after == base + 20_000,
            "run {run}: {after} leads, expected {base} or {}",
            base + 20_000
        );
        if after == base {
            absent += 1;
        } else {
            whole += 1;
        }
        env.ok(["import", file.to_str().unwrap()]);
        assert_eq!(lead_rows(&env.db), base + 20_000, "run {run}");
        assert_eq!(integrity(&env.db), "ok", "run {run}");
    }
    eprintln!(
        "figures: {} imports of 20,000 leads killed: {absent} absent, {whole} whole, \
         integrity ok and the re-import exact each time",
        kills()
    );
}

/// SIGKILL during touches and status changes: each is wholly there or absent.
#[test]
fn touches_and_status_changes_killed_at_any_moment_are_whole() {
    let env = Env::new();
    env.import_good();
    let id = touchable_ids(&env)[0];
    let mut random = Lcg(0x70c4);
    let mut kept = 0;
    for run in 0..kills() * 2 {
        let touch = run % 2 == 0;
        let args: Vec<String> = if touch {
            vec![
                "touch".into(),
                id.to_string(),
                "--kind".into(),
                "note".into(),
                "--note".into(),
                format!("run {run}"),
            ]
        } else {
            let status = if run % 4 == 1 { "won" } else { "contacted" };
            vec!["status".into(), id.to_string(), status.into()]
        };
        let mut child = env
            .command(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(random.next(30_000)));
        kill(&mut child);
        assert_eq!(integrity(&env.db), "ok", "run {run}");
        let conn = Connection::open(&env.db).unwrap();
        // A touch row is whole: its note is the one its process meant, never partial.
        let notes: Vec<Option<String>> = conn
            .prepare("SELECT note FROM touches WHERE lead_id = ?1")
            .unwrap()
            .query_map([id], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        kept = notes.len();
        for note in notes {
            let note = note.unwrap();
            assert!(note.starts_with("run "), "{note:?}");
        }
        let status: String = conn
            .query_row("SELECT status FROM lead_rows WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(["new", "contacted", "won"].contains(&status.as_str()));
    }
    eprintln!(
        "figures: {} touch and status commands killed: {kept} touches whole, none partial, \
         integrity ok",
        kills() * 2
    );
    // The store still takes every command.
    env.ok([
        "touch",
        &id.to_string(),
        "--kind",
        "note",
        "--note",
        "run end",
    ]);
    assert!(touch_kinds(&env, id).contains(&"note".to_string()));
}

/// Holds the store's write lock, as a long import in another process does, until dropped.
struct WriteLock(Connection);

impl WriteLock {
    fn take(db: &Path) -> WriteLock {
        let conn = Connection::open(db).unwrap();
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        WriteLock(conn)
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        let _ = self.0.execute_batch("ROLLBACK");
    }
}

/// `u` takes a change that is still queued out before it is ever written; a change already
/// on its way is undone once saved. Either way nothing of it remains.
#[test]
fn undo_cancels_a_queued_change_before_it_is_written() {
    let (env, mut app) = inbox_on_ins_tab();
    let first = app.selected_lead().unwrap().id;
    let lock = WriteLock::take(&env.db);
    // The first email goes to the writer, which waits for the lock; the second waits in
    // the queue behind it.
    touch(&mut app, 'e');
    press(&mut app, 'j');
    let second = app.selected_lead().unwrap().id;
    touch(&mut app, 'e');
    assert_eq!(app.unsaved_count(), 2);
    assert!(app.is_unsaved(first) && app.is_unsaved(second));
    // The row says so.
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 30)).unwrap();
    terminal
        .draw(|f| leadbox::tui::view::draw(f, &app, leadbox::tui::theme::Theme::plain()))
        .unwrap();
    let screen = terminal.backend().to_string();
    let rows = screen
        .lines()
        .filter(|l| l.starts_with("\"saving…"))
        .count();
    assert_eq!(rows, 2, "{screen}");
    assert!(screen.contains("2 saving…"), "{screen}");
    press(&mut app, 'u');
    let flash = app.flash.clone().unwrap();
    assert_eq!(
        flash.text,
        format!("cancelled: email for {} (never saved)", name(&app, second))
    );
    assert!(!app.is_unsaved(second));
    drop(lock);
    app.wait_until_saved().unwrap();
    assert_eq!(touch_kinds(&env, first), vec!["email"]);
    assert!(touch_kinds(&env, second).is_empty());
    // Undo of the saved one, then nothing is left.
    press(&mut app, 'u');
    app.wait_until_saved().unwrap();
    assert!(touch_kinds(&env, first).is_empty());
}

fn name(app: &App, id: i64) -> String {
    app.rows
        .iter()
        .find(|l| l.id == id)
        .and_then(|l| l.name())
        .unwrap()
}

/// Undo takes back only what this inbox wrote: a status someone changed since stays.
#[test]
fn undo_leaves_a_value_someone_changed_since() {
    let (env, mut app) = inbox_on_ins_tab();
    let id = app.selected_lead().unwrap().id;
    press(&mut app, 'S');
    press(&mut app, 'q');
    // The checklist is empty: an override reason, then no next step.
    touch(&mut app, 'x');
    app.handle_key(&KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
        .unwrap();
    app.wait_until_saved().unwrap();
    let status = |env: &Env| -> String {
        let show: Value =
            serde_json::from_str(&env.ok(["show", &id.to_string(), "--format", "json"])).unwrap();
        show["lead"]["status"].as_str().unwrap().to_string()
    };
    assert_eq!(status(&env), "qualified");
    env.ok(["status", &id.to_string(), "won"]);
    press(&mut app, 'u');
    app.wait_until_saved().unwrap();
    let flash = app.flash.clone().unwrap();
    assert!(flash.error, "{flash:?}");
    assert_eq!(
        flash.text,
        "not undone: status qualified was changed by someone else since"
    );
    assert_eq!(status(&env), "won");
}

/// The detail pane stays on the lead the rep acted on, though the list re-sorts under it.
#[test]
fn the_detail_pane_stays_on_its_lead_after_a_touch() {
    let (env, mut app) = inbox_on_ins_tab();
    let first = app.selected_lead().unwrap().id;
    assert_eq!(
        app.selected_lead().unwrap().sla_state(app.now).as_str(),
        "overdue"
    );
    app.handle_key(&KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
        .unwrap();
    touch(&mut app, 'c');
    app.wait_until_saved().unwrap();
    let detail = app.detail.as_ref().unwrap();
    assert_eq!(detail.lead.id, first);
    assert_eq!(detail.touches.len(), 1);
    assert_eq!(app.selected_lead().unwrap().id, first);
    // The next key acts on the same customer.
    touch(&mut app, 'e');
    app.wait_until_saved().unwrap();
    assert_eq!(touch_kinds(&env, first), vec!["call", "email"]);
}

/// The inbox open on an empty store shows what another process imports (its own advice).
#[test]
fn the_inbox_on_an_empty_store_picks_up_another_processs_import() {
    let env = Env::new();
    env.ok(["list"]);
    let mut app = inbox(&env.db);
    // The inbox's counts worker holds a connection of its own in the same process.
    let _counts = Store::open(&env.db).unwrap();
    assert!(app.rows.is_empty());
    assert!(app.last_import.is_none());
    env.import_good();
    app.tick(app.now).unwrap();
    assert!(!app.rows.is_empty());
    assert!(app.last_import.is_some());
    assert_eq!(app.store_total as usize, env.list_no_test(&[]).len());
}

/// If another program deletes the WAL under the inbox (it takes a broken lock to do that),
/// the inbox notices and opens the store again instead of writing where nobody reads.
#[test]
fn the_inbox_reopens_a_store_whose_files_were_replaced() {
    let (env, mut app) = inbox_on_ins_tab();
    let wal = env.path("leads.db-wal");
    assert!(wal.exists());
    // What a leadbox that dropped its locks did: delete the WAL of a store still in use.
    Connection::open(&env.db)
        .unwrap()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    std::fs::remove_file(&wal).unwrap();
    let shm = env.path("leads.db-shm");
    let _ = std::fs::remove_file(&shm);
    app.tick(app.now).unwrap();
    let id = app.selected_lead().unwrap().id;
    touch(&mut app, 'e');
    app.wait_until_saved().unwrap();
    // Read by another process while the inbox is still open (closing it would copy what
    // it wrote into the store either way).
    assert_eq!(touch_kinds(&env, id), vec!["email"]);
    assert_eq!(deleted_descriptors(), Vec::<String>::new());
    drop(app);
}

/// A command waiting for the store gives up on Ctrl-C with nothing written.
#[test]
fn ctrl_c_ends_a_waiting_write_with_nothing_written() {
    let env = Env::new();
    env.import_good();
    let id = touchable_ids(&env)[0];
    let lock = WriteLock::take(&env.db);
    let mut touch = env
        .command(["touch", &id.to_string(), "--kind", "email"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(touch.try_wait().unwrap().is_none(), "it waits");
    let pid = touch.id().to_string();
    assert!(std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let out = touch.wait_with_output().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert!(
        out.status.code() == Some(130) || out.status.signal() == Some(2),
        "{:?}",
        out.status
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("waiting for another leadbox write"),
        "{stderr}"
    );
    drop(lock);
    assert!(touch_kinds(&env, id).is_empty());
}
