//! The store's files: what leadbox opens, creates and refuses. Only SQLite opens the store;
//! a file that is not a leadbox store is left byte for byte as it was.

mod common;

use common::{fixture, mode, Env};
use rusqlite::Connection;
use std::path::Path;

/// `PRAGMA application_id` of a leadbox store ("LBOX"), as documented.
const LEADBOX_ID: i64 = 0x4C42_4F58;

fn pragma(db: &Path, name: &str) -> String {
    let conn = Connection::open(db).unwrap();
    let value: rusqlite::types::Value = conn
        .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
        .unwrap();
    match value {
        rusqlite::types::Value::Integer(i) => i.to_string(),
        rusqlite::types::Value::Text(t) => t,
        other => format!("{other:?}"),
    }
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_new_store_is_private_marked_as_leadbox_and_in_wal_mode_from_its_creation() {
    let env = Env::new();
    // A read creates the store: it must already be in WAL mode, before any import.
    env.ok(["list"]);
    assert_eq!(pragma(&env.db, "journal_mode"), "wal");
    assert_eq!(pragma(&env.db, "application_id"), LEADBOX_ID.to_string());
    assert_eq!(mode(&env.db), 0o600);
    // A first import into the empty store keeps WAL mode (it used to switch it).
    env.import_good();
    assert_eq!(pragma(&env.db, "journal_mode"), "wal");
    // While a connection is open, its side files are private too.
    let conn = Connection::open(&env.db).unwrap();
    conn.query_row("SELECT count(*) FROM lead_rows", [], |r| r.get::<_, i64>(0))
        .unwrap();
    let wal = env.path("leads.db-wal");
    let shm = env.path("leads.db-shm");
    assert!(
        wal.exists() && shm.exists(),
        "{:?}",
        files_in(env.dir.path())
    );
    assert_eq!(mode(&wal), 0o600);
    assert_eq!(mode(&shm), 0o600);
}

#[test]
fn another_applications_database_is_refused_and_left_unchanged_by_every_command() {
    let env = Env::new();
    {
        let conn = Connection::open(&env.db).unwrap();
        conn.execute_batch(
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);
             INSERT INTO notes (text) VALUES ('mine, not leadbox''s');",
        )
        .unwrap();
    }
    let before = std::fs::read(&env.db).unwrap();
    let files_before = files_in(env.dir.path());
    let lead_file = fixture("https-endpoint/pascal-single.json");
    let lead_file = lead_file.to_str().unwrap();
    for args in [
        vec!["list"],
        vec!["list", "--format", "json"],
        vec!["stats"],
        vec!["show", "1"],
        vec!["touch", "1", "--kind", "email"],
        vec!["status", "1", "won"],
        vec!["assign", "1", "ana"],
        vec!["export", "--format", "csv"],
        vec!["import", lead_file],
    ] {
        let run = env.run(&args);
        assert_eq!(run.code, 1, "{args:?}: {run:?}");
        assert!(
            run.stderr.contains(
                "is not a leadbox store (it is a SQLite database of another application)"
            ),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert_eq!(
            std::fs::read(&env.db).unwrap(),
            before,
            "{args:?} changed it"
        );
        assert_eq!(files_in(env.dir.path()), files_before, "{args:?}");
    }
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_unchanged() {
    let env = Env::new();
    std::fs::write(&env.db, "name,email\nAna,ana@example.org\n").unwrap();
    let run = env.run(["list"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("is not a leadbox store (it is not a SQLite database)"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&env.db).unwrap(),
        "name,email\nAna,ana@example.org\n"
    );
    assert_eq!(files_in(env.dir.path()), vec!["leads.db"]);
}

#[test]
fn a_store_of_a_newer_schema_is_refused_in_one_line() {
    let env = Env::new();
    env.import_good();
    {
        let conn = Connection::open(&env.db).unwrap();
        conn.execute_batch("PRAGMA user_version = 999;").unwrap();
    }
    let before = std::fs::read(&env.db).unwrap();
    let run = env.run(["list"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("written by a newer leadbox (schema 999"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(&env.db).unwrap(), before);
}

/// A store of the current schema made before stores were marked gets its mark and WAL mode.
#[test]
fn a_current_unmarked_store_is_marked_and_put_in_wal_mode() {
    let env = Env::new();
    env.import_good();
    let leads_before = env.list(&[]).len();
    {
        let conn = Connection::open(&env.db).unwrap();
        conn.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA application_id = 0;")
            .unwrap();
    }
    assert_eq!(pragma(&env.db, "journal_mode"), "delete");
    assert_eq!(env.list(&[]).len(), leads_before);
    assert_eq!(pragma(&env.db, "application_id"), LEADBOX_ID.to_string());
    assert_eq!(pragma(&env.db, "journal_mode"), "wal");
}

#[test]
fn export_and_import_refuse_the_store_and_its_side_files() {
    let env = Env::new();
    env.import_good();
    let before = std::fs::read(&env.db).unwrap();
    let link = env.path("link-to-store");
    std::os::unix::fs::symlink(&env.db, &link).unwrap();
    for target in [
        "leads.db",
        "leads.db-wal",
        "leads.db-shm",
        "leads.db-journal",
    ] {
        let run = env.run(["export", "--format", "csv", "-o", target]);
        assert_eq!(run.code, 1, "export -o {target}: {run:?}");
        assert!(
            run.stderr.contains("this is the store itself"),
            "{}",
            run.stderr
        );
    }
    let run = env.run(["export", "--format", "json", "-o", link.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{run:?}");
    for target in [env.db.clone(), link.clone()] {
        let run = env.run(["import", target.to_str().unwrap()]);
        assert_eq!(run.code, 1, "{run:?}");
        assert!(
            run.stderr.contains("this is the store itself"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(std::fs::read(&env.db).unwrap(), before);
    assert_eq!(files_in(env.dir.path()), vec!["leads.db", "link-to-store"]);
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A store or store folder that other users may read gets one warning line each on stderr,
/// saying how to fix it; the command still runs. A private one gets none.
#[test]
fn a_store_readable_by_others_is_warned_about() {
    let env = Env::new();
    env.import_good();
    let db = env.db.display().to_string();
    let dir = env.dir.path().display().to_string();
    assert_eq!(mode(&env.db), 0o600);
    let run = env.run(["list", "--format", "json"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));

    set_mode(&env.db, 0o644);
    set_mode(env.dir.path(), 0o755);
    let run = env.run(["stats"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!(
            "leadbox: warning: {db} is readable by other users (mode 0644); it holds customers' personal data: chmod 600 {db}\n\
             leadbox: warning: {dir} is readable by other users (mode 0755); it holds customers' personal data: chmod 700 {dir}\n"
        )
    );
    // Group-only bits count too; the advice, once followed, silences it.
    set_mode(&env.db, 0o640);
    set_mode(env.dir.path(), 0o700);
    let run = env.run(["list"]);
    assert_eq!(
        run.stderr,
        format!("leadbox: warning: {db} is readable by other users (mode 0640); it holds customers' personal data: chmod 600 {db}\n")
    );
    set_mode(&env.db, 0o600);
    assert_eq!(env.run(["list"]).stderr, "");

    // A store path that holds an escape sequence is named escaped.
    let odd = env.path("odd\u{1b}[2J");
    std::fs::create_dir(&odd).unwrap();
    set_mode(&odd, 0o755);
    let run = env
        .bare_command()
        .args([
            "--db".as_ref(),
            odd.join("leads.db").as_os_str(),
            "list".as_ref(),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    assert!(
        stderr.contains("odd\\e[2J is readable by other users (mode 0755)"),
        "{stderr}"
    );
}

/// `export -o` through a symbolic link is refused: the file it points to is neither
/// written nor made private, and a dangling link creates nothing.
#[test]
fn export_refuses_to_write_through_a_symbolic_link() {
    let env = Env::new();
    env.import_good();
    let target = env.path("shared-report.txt");
    std::fs::write(&target, "someone else's file\n").unwrap();
    set_mode(&target, 0o644);
    let link = env.path("export.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let run = env.run(["export", "--format", "csv", "-o", link.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(&format!(
            "cannot create {}: it is a symbolic link: leadbox does not write an export through one",
            link.display()
        )),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "someone else's file\n"
    );
    assert_eq!(mode(&target), 0o644);

    let dangling = env.path("dangling.json");
    let nowhere = env.path("nowhere.json");
    std::os::unix::fs::symlink(&nowhere, &dangling).unwrap();
    let run = env.run([
        "export",
        "--format",
        "json",
        "-o",
        dangling.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(!nowhere.exists());

    // A plain path still works, and an existing file there is made private.
    let plain = env.path("plain.csv");
    std::fs::write(&plain, "old").unwrap();
    set_mode(&plain, 0o644);
    let run = env.run(["export", "--format", "csv", "-o", plain.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(mode(&plain), 0o600);
    assert!(std::fs::read_to_string(&plain)
        .unwrap()
        .starts_with("id,contact_id"));
}
