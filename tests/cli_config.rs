//! The settings file: where it is, `config init`, a bad file refused whole, and what each
//! setting changes.

mod common;

use common::*;

/// The settings file leadbox reads by default in a test's environment.
fn default_config(env: &Env) -> std::path::PathBuf {
    env.path("xdg-config/leadbox/config.toml")
}

/// Writes `text` as the default settings file; returns its path.
fn write_config(env: &Env, text: &str) -> std::path::PathBuf {
    let path = default_config(env);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn config_path_says_where_the_settings_are_read_from() {
    let env = Env::new();
    let run = env.run(["config", "path"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.trim(),
        default_config(&env).display().to_string()
    );
    let named = env.path("mine.toml");
    let run = Run::from(
        env.bare_command()
            .env("LEADBOX_CONFIG", &named)
            .args(["config", "path"])
            .output()
            .unwrap(),
    );
    assert_eq!(run.stdout.trim(), named.display().to_string());
    let flag = env.path("flag.toml");
    let out = env.ok(["--config", flag.to_str().unwrap(), "config", "path"]);
    assert_eq!(out.trim(), flag.display().to_string());
}

#[test]
fn config_init_writes_a_commented_default_once() {
    let env = Env::new();
    let out = env.ok(["config", "init"]);
    let path = default_config(&env);
    assert!(out.contains(&path.display().to_string()), "{out}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("# sla_hours = 24"), "{text}");
    // Written as is, it changes nothing.
    env.import_good();
    std::fs::write(&path, "sla_hours = 8\n").unwrap();
    let run = env.run(["config", "init"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "sla_hours = 8\n");
}

#[test]
fn a_bad_file_stops_every_command_naming_its_line_and_key() {
    let env = Env::new();
    let path = write_config(&env, "# mine\ntheme = \"light\"\nsla_hours = \"24\"\n");
    for args in [vec!["list"], vec!["stats"], vec!["import", "x.json"]] {
        let run = env.run(&args);
        assert_eq!(run.code, 2, "{args:?}");
        assert_eq!(
            run.stderr.trim(),
            format!(
                "leadbox: {}:3: sla_hours: expected an integer, found string \"24\"",
                path.display()
            )
        );
        assert!(run.stdout.is_empty());
    }
    assert!(!env.db.exists(), "nothing ran: not even the store was made");
    // A file named with --config must exist.
    let run = env.run(["--config", "missing.toml", "list"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("missing.toml: no such file"),
        "{}",
        run.stderr
    );
}

/// `sla_hours` moves every due time, in list, stats and export alike, and back.
#[test]
fn sla_hours_changes_every_figure_the_same_way() {
    let env = Env::new();
    env.import_good();
    let leads = env.list_no_test(&[]);
    // A contactable lead: it has a due time.
    let ana = leads
        .iter()
        .find(|l| !l["sla_due_at"].is_null())
        .unwrap()
        .clone();
    let by_id = |leads: &[serde_json::Value]| -> serde_json::Value {
        leads.iter().find(|l| l["id"] == ana["id"]).unwrap().clone()
    };
    let received = ana["received_at"].as_str().unwrap().to_string();
    let received = chrono::DateTime::parse_from_rfc3339(&received).unwrap();
    let due = |lead: &serde_json::Value| {
        chrono::DateTime::parse_from_rfc3339(lead["sla_due_at"].as_str().unwrap()).unwrap()
    };
    assert_eq!(due(&ana) - received, chrono::Duration::hours(24));
    let before = env.stats();

    let path = write_config(&env, "sla_hours = 1000\n");
    let run = env.run(["list"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(":1: sla_hours: 1000 is out of range"),
        "{}",
        run.stderr
    );

    std::fs::write(&path, "sla_hours = 240\n").unwrap();
    let run = env.run(["list", "--format", "json", "--include-test"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("now due 240 hours after it arrived"),
        "{}",
        run.stderr
    );
    let leads: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    let ana = by_id(&leads);
    assert_eq!(due(&ana) - received, chrono::Duration::hours(240));
    // Ten days to answer: nothing is overdue any more, and the figures agree.
    let after = env.stats();
    assert_eq!(after["sla"]["overdue"], 0, "{after}");
    assert_eq!(after["sla"]["contactable"], before["sla"]["contactable"]);
    let overdue_listed = env.list_no_test(&["--sla", "overdue"]);
    assert!(overdue_listed.is_empty());
    let text = env.ok(["stats"]);
    assert!(text.contains("SLA (first touch within 240h)"), "{text}");
    let csv = env.ok(["export", "--format", "csv"]);
    assert!(csv.contains(&due(&ana).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));

    // Once only: the next command says nothing.
    let run = env.run(["stats"]);
    assert!(run.stderr.is_empty(), "{}", run.stderr);

    std::fs::remove_file(&path).unwrap();
    let leads = env.list_no_test(&[]);
    assert_eq!(due(&by_id(&leads)) - received, chrono::Duration::hours(24));
    assert_eq!(env.stats(), before);
}

#[test]
fn the_store_setting_is_the_default_store() {
    let env = Env::new();
    let store = env.path("team/leads.db");
    write_config(
        &env,
        &format!("store = {:?}\n", store.display().to_string()),
    );
    let run = Run::from(
        env.bare_command()
            .args(["import", fixture(GOOD[0]).to_str().unwrap()])
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(store.exists());
    // --db still wins.
    let run = env.run(["list", "--format", "json"]);
    assert_eq!(run.stdout.trim(), "[]");
}

/// Remapped keys are checked at start, whatever the command: a conflict or an unknown name
/// stops leadbox, naming the line and the key.
#[test]
fn key_conflicts_are_reported_at_start() {
    let env = Env::new();
    let path = write_config(&env, "[keys.list]\nemail = \"W\"\ncall = \"W\"\n");
    let run = env.run(["list"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim(),
        format!(
            "leadbox: {}:3: keys.list.call: W is already the key of email (log an email)",
            path.display()
        )
    );
    std::fs::write(&path, "[keys.detail]\nsort = \"x\"\n").unwrap();
    let run = env.run(["stats"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains(":2: keys.detail.sort: no such command in the detail view: "),
        "{}",
        run.stderr
    );
    // A good remapping changes nothing outside the inbox.
    std::fs::write(&path, "[keys.list]\nemail = \"W\"\ncall = \"e\"\n").unwrap();
    env.ok(["list"]);
}

/// `time_zone` moves every time `list` and `show` print; JSON stays UTC.
#[test]
fn time_zone_is_the_zone_of_the_times_shown() {
    let env = Env::new();
    env.import_good();
    let leads = env.list(&[]);
    let lead = leads
        .iter()
        .find(|l| l["received_at"] == "2026-11-21T12:00:00Z")
        .expect("a lead received at noon UTC");
    let id = lead["id"].to_string();
    let show = env.ok(["show", &id]);
    assert!(show.contains("2026-11-21 12:00"), "{show}");
    write_config(&env, "time_zone = \"Asia/Tokyo\"\n");
    let show = env.ok(["show", &id]);
    assert!(show.contains("2026-11-21 21:00"), "{show}");
    assert!(!show.contains("2026-11-21 12:00"), "{show}");
    let table = env.ok(["list", "--include-test"]);
    assert!(table.contains("2026-11-21 21:00"), "{table}");
    let json = env.ok(["list", "--format", "json", "--include-test"]);
    assert!(json.contains("\"2026-11-21T12:00:00Z\""));
}

/// `assign ID me` gives the lead to the rep: the owner setting, else the login name.
#[test]
fn me_is_the_owner_setting_else_the_login_name() {
    let env = Env::new();
    env.import_good();
    let lead_id = env.list(&[])[0]["id"].clone();
    let id = lead_id.to_string();
    let owner = |env: &Env| {
        env.list(&[])
            .into_iter()
            .find(|l| l["id"] == lead_id)
            .unwrap()["owner"]
            .clone()
    };
    let run = Run::from(
        env.command(["assign", &id, "me"])
            .env("USER", "ana")
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(owner(&env), "ana");
    write_config(&env, "owner = \"Ana Lopez\"\n");
    env.ok(["assign", &id, "Me"]);
    assert_eq!(owner(&env), "Ana Lopez");
}

/// A bad `mail_command` or `templates` stops every command at start, naming its line and
/// key, like any other setting.
#[test]
fn a_bad_mail_command_or_templates_folder_stops_leadbox() {
    let env = Env::new();
    for (text, line_and_problem) in [
        (
            "mail_command = \" \"\n",
            "1: mail_command: empty: remove the line to use the system's opener",
        ),
        (
            "# mine\nmail_command = \"thunderbird -compose '{url}\"\n",
            "2: mail_command: \"thunderbird -compose '{url}\": a ' is not closed",
        ),
        (
            "mail_command = true\n",
            "1: mail_command: expected a text in quotes, found boolean `true`",
        ),
        (
            "templates = \"\"\n",
            "1: templates: empty: remove the line to use the shipped templates",
        ),
        (
            "theme = \"light\"\ntemplates = [\"a\", \"b\"]\n",
            "2: templates: expected a path in quotes, found sequence",
        ),
    ] {
        let path = write_config(&env, text);
        for args in [vec!["list"], vec!["stats"], vec!["compose", "1"]] {
            let run = env.run(&args);
            assert_eq!(run.code, 2, "{text:?} {args:?}");
            assert_eq!(
                run.stderr.trim(),
                format!("leadbox: {}:{line_and_problem}", path.display())
            );
            assert!(run.stdout.is_empty());
        }
    }
    assert!(!env.db.exists(), "nothing ran: not even the store was made");
    // Good values change nothing outside compose.
    write_config(
        &env,
        "mail_command = \"thunderbird -compose {url}\"\ntemplates = \"mine\"\n",
    );
    env.ok(["list"]);
}

/// `date_format` changes how `list` and `show` write times; a pattern chrono
/// cannot write is refused at start, with its line.
#[test]
fn date_format_is_how_times_are_shown() {
    let env = Env::new();
    env.import_good();
    let path = write_config(&env, "date_format = \"%d.%m.%Y %H:%M\"\n");
    let table = env.ok(["list"]);
    assert!(table.contains("17.11.2026 14:02"), "{table}");
    let show = env.ok(["show", "1"]);
    assert!(show.contains(".11.2026 "), "{show}");
    std::fs::write(&path, "# dates\ndate_format = \"%Y-%Q\"\n").unwrap();
    let run = env.run(["list"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains(":2: date_format: \"%Y-%Q\" is no date format"),
        "{}",
        run.stderr
    );
}
