//! Diagnostics: `--verbose` and `LEADBOX_LOG` write a log file, which never holds personal
//! data.

mod common;

use common::*;
use serde_json::Value;

fn log_file(env: &Env) -> std::path::PathBuf {
    env.path("xdg-state/leadbox/leadbox.log")
}

/// Everything a day of work logs, with every fixture's personal data in the store: the log
/// names the commands and counts, and not one name, email, phone, company, note or path.
#[test]
fn the_log_holds_no_personal_data() {
    let env = Env::new();
    let with_log = |args: &[&str]| {
        let run = Run::from(
            env.command(args)
                .env("LEADBOX_LOG", "debug")
                .env("XDG_STATE_HOME", env.path("xdg-state"))
                .output()
                .unwrap(),
        );
        assert!(run.code == 0 || run.code == 1, "{args:?}: {}", run.stderr);
        run
    };
    let files: Vec<String> = GOOD
        .iter()
        .map(|f| fixture(f).display().to_string())
        .collect();
    let mut import = vec!["import"];
    import.extend(files.iter().map(String::as_str));
    with_log(&import);
    with_log(&[
        "import",
        &fixture("bad/truncated-line.ndjson").display().to_string(),
    ]);
    let leads: Vec<Value> =
        serde_json::from_str(&env.ok(["list", "--format", "json", "--include-test"])).unwrap();
    let first = leads[0]["id"].to_string();
    with_log(&[
        "touch",
        &first,
        "--kind",
        "note",
        "--note",
        "Prefers calls after 4pm, ask for Zoë",
    ]);
    with_log(&["show", &first]);
    with_log(&["list", "--search", "contoso"]);
    with_log(&["stats"]);
    let email = leads
        .iter()
        .find_map(|l| l["email"].as_str())
        .unwrap()
        .to_string();
    with_log(&["forget", &email, "--yes"]);

    let log = std::fs::read_to_string(log_file(&env)).expect("a log file");
    for expected in [
        "command=\"import\"",
        "file imported",
        "new=",
        "command=\"forget\"",
        "store opened",
    ] {
        assert!(
            log.contains(expected),
            "{expected} missing from the log:\n{log}"
        );
    }
    let mut personal: Vec<String> = vec![
        "Prefers calls".into(),
        "Zoë".into(),
        email.clone(),
        env.dir.path().display().to_string(),
    ];
    for lead in &leads {
        for key in [
            "first_name",
            "last_name",
            "name",
            "email",
            "phone",
            "company",
            "description",
            "title",
        ] {
            if let Some(text) = lead[key].as_str() {
                personal.push(text.to_string());
            }
        }
    }
    for file in &files {
        personal.push(file.clone());
    }
    for text in personal.iter().filter(|t| t.chars().count() >= 4) {
        assert!(
            !log.contains(text.as_str()),
            "the log holds {text:?}:\n{log}"
        );
    }
    #[cfg(unix)]
    assert_eq!(mode(&log_file(&env)) & 0o777, 0o600);
}

#[test]
fn without_verbose_or_leadbox_log_nothing_is_written() {
    let env = Env::new();
    env.import_good();
    assert!(!log_file(&env).exists());
    let run = Run::from(
        env.command(["--verbose", "stats"])
            .env("XDG_STATE_HOME", env.path("xdg-state"))
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("diagnostics go to"), "{}", run.stderr);
    assert!(std::fs::read_to_string(log_file(&env))
        .unwrap()
        .contains("command=\"stats\""));
}
