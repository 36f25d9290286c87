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
        line("<ID>"),
        "<ID>  The lead's id (the first column of list)"
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
