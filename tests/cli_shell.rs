//! leadbox in the shell: help text, usage lines, completions, the man page, plain error
//! messages and `import -` from a pipe.

mod common;

use clap::CommandFactory;
use common::Env;
use leadbox::cli::Cli;

/// Every argument of every command, by the path of commands that leads to it.
fn arguments(command: &clap::Command, path: &str, out: &mut Vec<(String, clap::Arg)>) {
    for arg in command.get_arguments() {
        out.push((path.to_string(), arg.clone()));
    }
    for sub in command.get_subcommands() {
        arguments(sub, &format!("{path} {}", sub.get_name()), out);
    }
}

#[test]
fn every_argument_of_every_command_has_help_text() {
    let mut command = Cli::command();
    command.build();
    let mut all = Vec::new();
    arguments(&command, "leadbox", &mut all);
    assert!(all.len() > 40, "{} arguments", all.len());
    let missing: Vec<String> = all
        .iter()
        .filter(|(_, arg)| {
            arg.get_help()
                .is_none_or(|help| help.to_string().is_empty())
        })
        .map(|(path, arg)| format!("{path} {}", arg.get_id()))
        .collect();
    assert!(missing.is_empty(), "without help text: {missing:?}");
}

#[test]
fn touch_help_explains_the_id_kind_and_note() {
    let env = Env::new();
    let run = env.run(["touch", "--help"]);
    assert_eq!(run.code, 0, "{run:?}");
    let line = |start: &str| {
        run.stdout
            .lines()
            .find(|line| line.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no line for {start} in:\n{}", run.stdout))
            .trim()
            .to_string()
    };
    assert_eq!(
        line("<ID>..."),
        "<ID>...  The leads' ids (the first column of list)"
    );
    assert!(
        line("--kind").ends_with(
            "email, call or meeting (a touch of the customer: counts for the SLA), or note"
        ),
        "{}",
        run.stdout
    );
    assert!(
        line("--note").ends_with("What was said or done, kept in the lead's touch log"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_usage_error_does_not_show_db_as_required_when_leadbox_db_is_set() {
    let env = Env::new();
    for args in [vec!["touch", "1"], vec!["import"], vec!["status"]] {
        let run = env
            .bare_command()
            .env("LEADBOX_DB", &env.db)
            .args(&args)
            .output()
            .expect("run leadbox");
        let stderr = String::from_utf8(run.stderr).unwrap();
        assert_eq!(run.status.code(), Some(2), "{args:?}: {stderr}");
        let usage = stderr
            .lines()
            .find(|line| line.starts_with("Usage: leadbox "))
            .unwrap_or_else(|| panic!("{args:?}: no usage line in {stderr}"));
        assert!(!usage.contains("--db"), "{args:?}: {usage}");
        assert!(usage.contains(args[0]), "{args:?}: {usage}");
    }
    // The store from LEADBOX_DB is still the one used.
    let run = env
        .bare_command()
        .env("LEADBOX_DB", &env.db)
        .args(["stats", "--format", "json"])
        .output()
        .expect("run leadbox");
    assert_eq!(run.status.code(), Some(0));
    assert!(env.db.exists());
}

#[test]
fn completions_for_every_shell_name_leadbox_and_its_commands() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = env.run(["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {run:?}");
        assert!(run.stderr.is_empty(), "{shell}: {}", run.stderr);
        assert!(run.stdout.len() > 1000, "{shell}: {}", run.stdout);
        assert!(run.stdout.contains("leadbox"), "{shell}: {}", run.stdout);
        for command in ["import", "forget", "completions"] {
            assert!(
                run.stdout.contains(command),
                "{shell}: no {command}: {}",
                run.stdout
            );
        }
        // Options of a command and the values an option takes are completed too.
        assert!(run.stdout.contains("received-at"), "{shell}");
        assert!(run.stdout.contains("ndjson"), "{shell}");
    }
    // They need no store.
    assert!(!env.db.exists());
    let run = env.run(["completions", "tcsh"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("possible values: bash"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_man_page_is_roff_naming_every_command() {
    let env = Env::new();
    let run = env.run(["man"]);
    assert_eq!(run.code, 0, "{run:?}");
    let page = &run.stdout;
    let title = page
        .lines()
        .find(|line| !line.starts_with(".ie") && !line.starts_with(".el"))
        .unwrap();
    assert!(title.starts_with(".TH leadbox 1 "), "{page}");
    assert!(page.contains("\n.SH SYNOPSIS\n"), "{page}");
    assert!(page.contains("LEADBOX_DB"), "{page}");
    for command in ["import", "list", "touch", "export", "forget", "completions"] {
        assert!(
            page.contains(&format!("leadbox\\-{command}(1)")),
            "no {command}: {page}"
        );
    }
    assert!(!page.contains("leadbox\\-help"), "{page}");
    assert!(!env.db.exists());

    // --dir writes the page of every command it names.
    let dir = env.path("man/man1");
    let run = env.run(["man", "--dir", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    let import = std::fs::read_to_string(dir.join("leadbox-import.1")).unwrap();
    assert!(import.contains(".TH leadbox-import 1 "), "{import}");
    assert!(import.contains("received\\-at"), "{import}");
    assert_eq!(
        std::fs::read_to_string(dir.join("leadbox.1")).unwrap(),
        *page
    );
    assert!(!dir.join("leadbox-help.1").exists());
}

/// Errors about files name the file and say what is wrong in plain words, never with the
/// system's error number (`(os error 2)`); the exit codes stay 1.
#[cfg(unix)]
#[test]
fn errors_about_files_name_the_path_in_plain_words() {
    let env = Env::new();
    let run = env.run(["import", "leads.csv"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stderr, "error: leads.csv: no such file or directory\n");
    assert_eq!(run.stdout, "leads.csv: nothing imported\n");
    let run = env.run(["import", "--json", "leads.csv"]);
    assert_eq!(run.json()[0]["failed"], "no such file or directory");

    let run = env.run(["export", "-o", "missing/leads.csv"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stderr,
        "leadbox: cannot create missing/leads.csv: no such file or directory\n"
    );

    std::fs::write(env.path("plain"), "a file, not a folder\n").unwrap();
    let run = env
        .bare_command()
        .args(["--db", "plain/leads.db", "list"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(run.stderr).unwrap(),
        "leadbox: cannot open the store plain/leads.db: plain/leads.db: not a directory\n"
    );

    if cfg!(target_os = "linux") {
        let run = env.run(["export", "--format", "json", "-o", "/dev/full"]);
        assert_eq!(run.code, 1, "{run:?}");
        assert_eq!(
            run.stderr,
            "leadbox: cannot write /dev/full: no space left on device\n"
        );
    }
}

/// `leadbox import ARGS...` with `input` piped to its standard input.
fn import_piped(env: &Env, args: &[&str], input: &[u8]) -> common::Run {
    use std::io::Write;
    let mut child = env
        .command(["import"])
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run leadbox");
    let mut stdin = child.stdin.take().unwrap();
    match stdin.write_all(input) {
        // A command that refuses its arguments ends without reading.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written.unwrap(),
    }
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    common::Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

#[test]
fn import_dash_reads_a_pipe_once_and_a_second_identical_pipe_adds_nothing() {
    let json = std::fs::read(common::fixture("https-endpoint/camel-array.json")).unwrap();
    // The same file, imported by its name into a store of its own, for comparison.
    let by_name = Env::new();
    by_name.import(&[common::fixture("https-endpoint/camel-array.json")], &[]);
    let expected = by_name.list(&[]);
    assert_eq!(expected.len(), 4);

    let env = Env::new();
    let run = import_piped(
        &env,
        &["--json", "--received-at", common::FALLBACK, "-"],
        &json,
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let report = &run.json()[0];
    assert_eq!(report["file"], "(stdin)");
    assert_eq!(report["format"], "json", "detected from the content");
    assert_eq!(
        (report["new"].as_u64(), report["duplicates"].as_u64()),
        (Some(4), Some(0))
    );
    let leads = env.list(&[]);
    assert_eq!(leads, expected, "the same leads as from the file");

    let run = import_piped(&env, &["-"], &json);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "(stdin): 0 new, 4 duplicate, 0 rejected (json)\n"
    );
    assert_eq!(env.list(&[]).len(), 4);

    // The import history says where the leads came from.
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let history: Vec<(String, String, i64)> = conn
        .prepare("SELECT path, format, new FROM imports ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        history,
        [
            ("(stdin)".to_string(), "json".to_string(), 4),
            ("(stdin)".to_string(), "json".to_string(), 0)
        ]
    );
}

#[test]
fn import_dash_reports_bad_records_by_line_and_detects_csv() {
    let env = Env::new();
    let ndjson = b"{\"email\":\"a@example.com\",\"receivedAt\":\"2026-11-20T09:00:00Z\"}\n\
                   {\"email\":\"b@example.com\",\"receivedAt\":\"not a time\"}\n";
    let run = import_piped(&env, &["-"], ndjson);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.starts_with("error: (stdin):2: receivedAt: "),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stdout,
        "(stdin): 1 new, 0 duplicate, 1 rejected (ndjson); rejected line 2\n"
    );

    // --strict keeps nothing: one transaction.
    let strict = Env::new();
    let run = import_piped(&strict, &["--strict", "-"], ndjson);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(strict.list(&[]).is_empty());

    // CSV, and a file named beside `-`.
    let csv = std::fs::read(common::fixture("crm/salesforce-report.csv")).unwrap();
    let file = common::fixture("https-endpoint/pascal-single.json");
    let run = import_piped(
        &env,
        &[
            "--received-at",
            common::FALLBACK,
            file.to_str().unwrap(),
            "-",
        ],
        &csv,
    );
    assert_eq!(run.code, 0, "{run:?}");
    let last = run.stdout.lines().last().unwrap();
    assert!(
        last.starts_with("(stdin): 3 new, 0 duplicate"),
        "{}",
        run.stdout
    );
    assert!(last.ends_with("(csv)"), "{}", run.stdout);

    // Standard input can be read once.
    let run = import_piped(&env, &["-", "-"], &csv);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("can be named once"), "{}", run.stderr);
}
