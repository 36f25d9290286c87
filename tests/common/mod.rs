//! Shared helpers for the command-line tests: every test runs the real `leadbox` binary on a
//! store of its own, at a pinned time, in UTC.
#![allow(dead_code)]

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The pinned "now" of every test.
pub const NOW: &str = "2026-11-21T18:00:00Z";

/// The received time given to records that carry none (only `pascal-single.json`).
pub const FALLBACK: &str = "2026-11-21T12:00:00Z";

/// Every good fixture, in the order the tests import them.
pub const GOOD: [&str; 7] = [
    "https-endpoint/camel-array.json",
    "https-endpoint/flow-log.ndjson",
    "https-endpoint/pascal-single.json",
    "azure-table/marketplaceleads-storage-explorer.csv",
    "partner-center/leads-download.csv",
    "crm/salesforce-report.csv",
    "crm/dynamics-leads.csv",
];

/// The documented keys of a lead in JSON, in order (also the CSV header).
pub const LEAD_KEYS: [&str; 27] = [
    "id",
    "contact_id",
    "received_at",
    "source",
    "action",
    "offer",
    "offer_name",
    "lead_source",
    "first_name",
    "last_name",
    "name",
    "email",
    "phone",
    "country",
    "company",
    "title",
    "description",
    "is_test",
    "status",
    "owner",
    "touches",
    "last_touch_at",
    "sla_due_at",
    "sla_state",
    "next_follow_up_at",
    "snoozed_until",
    "lost_reason",
];

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// What one run of the binary gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from(output: Output) -> Run {
        Run {
            code: output
                .status
                .code()
                .expect("leadbox was killed by a signal"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// A temporary directory holding one store.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        // Private, as leadbox makes the folders it creates: a store in a folder that others
        // may read gets a warning on every command.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))
                .expect("chmod the temp dir");
        }
        let db = dir.path().join("leads.db");
        Env { dir, db }
    }

    /// A path inside the test's directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The command with a clean, pinned environment and no store chosen.
    pub fn bare_command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_leadbox"));
        cmd.env("LEADBOX_NOW", NOW)
            .env("TZ", "UTC")
            .env_remove("LEADBOX_DB")
            .env_remove("LEADBOX_CONFIG")
            .env_remove("LEADBOX_LOG")
            .env_remove("NO_COLOR")
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("xdg"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg-config"))
            .env("XDG_STATE_HOME", self.dir.path().join("xdg-state"))
            .current_dir(self.dir.path());
        cmd
    }

    pub fn command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.bare_command();
        cmd.arg("--db").arg(&self.db).args(args);
        cmd
    }

    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Run::from(self.command(args).output().expect("run leadbox"))
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok<I, S>(&self, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<_> = args
            .into_iter()
            .map(|a| a.as_ref().to_os_string())
            .collect();
        let run = self.run(&args);
        assert_eq!(
            run.code, 0,
            "leadbox {args:?} failed:\nstdout: {}\nstderr: {}",
            run.stdout, run.stderr
        );
        run.stdout
    }

    /// `import --json FILES...` (with the fallback received time unless `extra` gives one):
    /// the exit code and the per-file reports.
    pub fn import<P: AsRef<Path>>(&self, files: &[P], extra: &[&str]) -> (Run, Vec<Value>) {
        let mut cmd = self.command(["import", "--json"]);
        if !extra.contains(&"--received-at") {
            cmd.args(["--received-at", FALLBACK]);
        }
        cmd.args(extra);
        for f in files {
            cmd.arg(f.as_ref());
        }
        let run = Run::from(cmd.output().expect("run leadbox"));
        let reports = match run.json() {
            Value::Array(items) => items,
            other => panic!("import --json gave {other}"),
        };
        (run, reports)
    }

    /// Imports every good fixture and checks that it went cleanly.
    pub fn import_good(&self) -> Vec<Value> {
        let files: Vec<PathBuf> = GOOD.iter().map(|f| fixture(f)).collect();
        let (run, reports) = self.import(&files, &[]);
        assert_eq!(run.code, 0, "importing the good fixtures: {}", run.stderr);
        assert!(run.stderr.is_empty(), "stderr: {}", run.stderr);
        reports
    }

    /// `list --format json --include-test` plus `extra`, parsed.
    pub fn list(&self, extra: &[&str]) -> Vec<Value> {
        let mut args = vec!["list", "--format", "json", "--include-test"];
        args.extend_from_slice(extra);
        match serde_json::from_str(&self.ok(&args)).expect("list JSON") {
            Value::Array(items) => items,
            other => panic!("list gave {other}"),
        }
    }

    /// `list` without `--include-test`.
    pub fn list_no_test(&self, extra: &[&str]) -> Vec<Value> {
        let mut args = vec!["list", "--format", "json"];
        args.extend_from_slice(extra);
        match serde_json::from_str(&self.ok(&args)).expect("list JSON") {
            Value::Array(items) => items,
            other => panic!("list gave {other}"),
        }
    }

    /// The one lead of the whole store whose `key` is `value`.
    pub fn lead_where(&self, key: &str, value: &str) -> Value {
        one(&self.list(&[]), key, value)
    }

    pub fn stats(&self) -> Value {
        serde_json::from_str(&self.ok(["stats", "--format", "json"])).expect("stats JSON")
    }

    pub fn touch(&self, id: i64, kind: &str, at: &str) -> String {
        self.ok(["touch", &id.to_string(), "--kind", kind, "--at", at])
    }
}

impl Default for Env {
    fn default() -> Self {
        Env::new()
    }
}

/// The leads whose `key` equals `value`.
pub fn all<'a>(leads: &'a [Value], key: &str, value: &str) -> Vec<&'a Value> {
    leads.iter().filter(|l| l[key] == value).collect()
}

/// The single lead whose `key` equals `value`.
pub fn one(leads: &[Value], key: &str, value: &str) -> Value {
    let found = all(leads, key, value);
    assert_eq!(
        found.len(),
        1,
        "expected one lead with {key} = {value}, found {}",
        found.len()
    );
    found[0].clone()
}

pub fn id(lead: &Value) -> i64 {
    lead["id"].as_i64().expect("lead id")
}

/// The report of the file whose name ends with `name`.
pub fn report<'a>(reports: &'a [Value], name: &str) -> &'a Value {
    reports
        .iter()
        .find(|r| r["file"].as_str().is_some_and(|f| f.ends_with(name)))
        .unwrap_or_else(|| panic!("no report for {name} in {reports:?}"))
}

/// The keys of a JSON object, in the order the text has them.
pub fn keys_in_order(object_text: &str) -> Vec<String> {
    struct Keys(Vec<String>);
    struct KeysVisitor;
    impl<'de> Visitor<'de> for KeysVisitor {
        type Value = Keys;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
            let mut keys = Vec::new();
            while let Some(key) = map.next_key::<String>()? {
                map.next_value::<IgnoredAny>()?;
                keys.push(key);
            }
            Ok(Keys(keys))
        }
    }
    impl<'de> serde::Deserialize<'de> for Keys {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Keys, D::Error> {
            d.deserialize_map(KeysVisitor)
        }
    }
    serde_json::from_str::<Keys>(object_text)
        .expect("a JSON object")
        .0
}

/// The keys of every object of a JSON array, in text order.
pub fn array_keys_in_order(array_text: &str) -> Vec<Vec<String>> {
    let items: Vec<&serde_json::value::RawValue> =
        serde_json::from_str(array_text).expect("a JSON array");
    items.iter().map(|i| keys_in_order(i.get())).collect()
}

/// Reads a file as UTF-8 CSV records, header first.
pub fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.expect("CSV record").iter().map(String::from).collect())
        .collect()
}

#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}
