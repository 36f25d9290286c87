//! `leadbox import --watch DIR`: a drop folder imported as files arrive, each file once and
//! whole, across restarts.

mod common;

use common::*;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

/// A running watch and the lines of its standard output.
struct Watching {
    child: Child,
    lines: Receiver<String>,
}

impl Watching {
    fn start(env: &Env, dir: &std::path::Path) -> Watching {
        let mut child = env
            .command(["import", "--watch", dir.to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if send.send(line.unwrap()).is_err() {
                    break;
                }
            }
        });
        Watching { child, lines }
    }

    /// The next report line, within `seconds`.
    fn next(&self, seconds: u64) -> Option<String> {
        self.lines.recv_timeout(Duration::from_secs(seconds)).ok()
    }

    /// Stops it as Ctrl-C or a service manager would; its exit code and stderr.
    fn stop(self) -> (i32, String) {
        let pid = self.child.id().to_string();
        assert!(std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        let output = self.child.wait_with_output().unwrap();
        (
            output.status.code().expect("exited, not killed"),
            String::from_utf8(output.stderr).unwrap(),
        )
    }
}

fn lead(n: u32) -> String {
    format!(
        "{{\"FirstName\":\"Drop{n}\",\"Email\":\"drop{n}@example.org\",\"LeadSource\":\"AppSource-PLT|a.b\",\"receivedAt\":\"2026-11-21T1{n}:00:00Z\"}}\n"
    )
}

#[test]
fn a_drop_folder_imports_each_file_once_and_whole_across_restarts() {
    let env = Env::new();
    let folder = env.path("drop");
    std::fs::create_dir(&folder).unwrap();
    // Present before the watch starts.
    std::fs::copy(fixture(GOOD[0]), folder.join("before.json")).unwrap();
    let watching = Watching::start(&env, &folder);
    let first = watching.next(10).expect("the file present at start");
    assert!(
        first.contains("before.json") && first.contains(" new, 0 duplicate"),
        "{first}"
    );

    // Written in three chunks with pauses, a record cut in two: imported once, whole.
    let text = format!("{}{}{}", lead(1), lead(2), lead(3));
    let (a, rest) = text.split_at(50);
    let (b, c) = rest.split_at(120);
    let path = folder.join("flow.ndjson");
    let mut file = std::fs::File::create(&path).unwrap();
    for chunk in [a, b, c] {
        file.write_all(chunk.as_bytes()).unwrap();
        file.flush().unwrap();
        std::thread::sleep(Duration::from_millis(300));
    }
    drop(file);
    let report = watching.next(10).expect("the chunked file");
    assert!(
        report.ends_with("flow.ndjson: 3 new, 0 duplicate, 0 rejected (ndjson)"),
        "{report}"
    );
    // A temporary name is left alone.
    std::fs::write(folder.join("next.json.part"), lead(4)).unwrap();
    assert_eq!(watching.next(3), None, "nothing more");
    let (code, stderr) = watching.stop();
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("stopped watching (2 files imported)"),
        "{stderr}"
    );

    // While no watch runs, a file arrives; the restart imports it, and nothing twice.
    std::fs::write(folder.join("later.ndjson"), lead(5)).unwrap();
    let watching = Watching::start(&env, &folder);
    let report = watching.next(10).expect("the file that came while down");
    assert!(report.contains("later.ndjson: 1 new"), "{report}");
    assert_eq!(watching.next(3), None, "nothing imported twice");
    let (code, _) = watching.stop();
    assert_eq!(code, 0);
    let drops = env.list(&["--search", "drop"]);
    assert_eq!(drops.len(), 4, "Drop1-3 and Drop5");
}

/// `--watch` without `import` opens the inbox: with a command, or naming no folder, it is a
/// usage error that changes nothing.
#[test]
fn the_inbox_watch_refuses_a_command_or_a_missing_folder() {
    let env = Env::new();
    let folder = env.path("drop");
    std::fs::create_dir(&folder).unwrap();
    let run = env.run(["--watch", folder.to_str().unwrap(), "list"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("use import --watch DIR"),
        "{}",
        run.stderr
    );
    let run = env.run(["--watch", "nowhere"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("nowhere: not a folder (--watch)"),
        "{}",
        run.stderr
    );
    assert!(!env.db.exists());
}
