//! The follow-up commands through the real binary: `today`, `snooze`, `qualify`, the guards
//! of `status`, owners per customer, and what `list` adds. Now is 2026-11-21T18:00:00Z (UTC).

mod common;

use common::{id, Env};
use serde_json::Value;

fn today(env: &Env, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["today", "--format", "json"];
    args.extend_from_slice(extra);
    match serde_json::from_str(&env.ok(&args)).expect("today JSON") {
        Value::Array(rows) => rows,
        other => panic!("today gave {other}"),
    }
}

fn row_of(rows: &[Value], name: &str) -> Option<Value> {
    rows.iter().find(|r| r["name"] == name).cloned()
}

fn at(env: &Env, now: &str, args: &[&str]) -> common::Run {
    common::Run::from(
        env.command(args)
            .env("LEADBOX_NOW", now)
            .output()
            .expect("run leadbox"),
    )
}

#[test]
fn today_lists_one_row_per_customer_in_queue_order_with_the_documented_keys() {
    let env = Env::new();
    env.import_good();
    let rows = today(&env, &[]);
    let keys = [
        "contact_id",
        "lead_id",
        "reason",
        "due_at",
        "name",
        "company",
        "action",
        "owner",
        "customer_touches",
        "last_touch_at",
    ];
    for row in &rows {
        for key in keys {
            assert!(row.get(key).is_some(), "{key} missing in {row}");
        }
    }
    // One row per customer.
    let mut contacts: Vec<i64> = rows
        .iter()
        .map(|r| r["contact_id"].as_i64().unwrap())
        .collect();
    let n = contacts.len();
    contacts.sort();
    contacts.dedup();
    assert_eq!(contacts.len(), n);
    // Overdue rows first, then first touches; each group by due time.
    let reasons: Vec<&str> = rows.iter().map(|r| r["reason"].as_str().unwrap()).collect();
    let first_touch = reasons.iter().position(|r| *r == "first_touch").unwrap();
    assert!(reasons[..first_touch].iter().all(|r| *r == "overdue"));
    assert!(reasons[first_touch..].iter().all(|r| *r == "first_touch"));
    let overdue_due: Vec<&str> = rows[..first_touch]
        .iter()
        .map(|r| r["due_at"].as_str().unwrap())
        .collect();
    assert!(
        overdue_due.windows(2).all(|w| w[0] <= w[1]),
        "{overdue_due:?}"
    );
    assert!(overdue_due.iter().all(|d| *d <= "2026-11-21T18:00:00Z"));
    // Test drives lead the first touches: Hina Yamada's StartTestDrive is due first anyway,
    // and no StartTestDrive row follows a row of another action.
    let actions: Vec<&str> = rows[first_touch..]
        .iter()
        .map(|r| r["action"].as_str().unwrap_or("-"))
        .collect();
    let last_drive = actions
        .iter()
        .rposition(|a| *a == "StartTestDrive")
        .unwrap();
    assert!(
        actions[..=last_drive]
            .iter()
            .all(|a| *a == "StartTestDrive"),
        "{actions:?}"
    );
    // DNC, test and withheld leads never show.
    for name in ["Grace Liu", "Maya Cohen"] {
        assert!(row_of(&rows, name).is_none(), "{name} is DNC");
    }
    assert!(
        rows.iter().all(|r| !r["name"].is_null()),
        "a withheld lead is in the queue"
    );
}

#[test]
fn a_touch_moves_the_customer_to_a_follow_up_two_days_later() {
    let env = Env::new();
    env.import_good();
    let chen = row_of(&today(&env, &[]), "Chen Wei").expect("Chen Wei is overdue");
    assert_eq!(chen["reason"], "overdue");
    let lead = chen["lead_id"].as_i64().unwrap().to_string();
    env.ok([
        "touch",
        &lead,
        "--kind",
        "email",
        "--at",
        "2026-11-21T09:30:00Z",
    ]);
    assert!(row_of(&today(&env, &[]), "Chen Wei").is_none());
    // Two days on, the first follow-up is due (from the touch's time).
    let later = at(&env, "2026-11-23T10:00:00Z", &["today", "--format", "json"]);
    let rows: Vec<Value> = serde_json::from_str(&later.stdout).unwrap();
    let chen = row_of(&rows, "Chen Wei").expect("a follow-up is due");
    assert_eq!(chen["reason"], "follow_up");
    assert_eq!(chen["due_at"], "2026-11-23T09:30:00Z");
    assert_eq!(chen["step"], 1);
    assert_eq!(chen["customer_touches"], 1);
    assert_eq!(chen["last_touch_at"], "2026-11-21T09:30:00Z");
    // list tells the same.
    let listed = env.lead_where("name", "Chen Wei");
    assert_eq!(listed["next_follow_up_at"], "2026-11-23T09:30:00Z");
    assert!(listed["snoozed_until"].is_null());
}

#[test]
fn snooze_moves_a_follow_up_but_never_a_first_touch() {
    let env = Env::new();
    env.import_good();
    let chen = id(&env.lead_where("name", "Chen Wei")).to_string();
    let refused = env.run(["snooze", &chen, "--until", "tomorrow"]);
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("first touch"), "{}", refused.stderr);
    env.ok([
        "touch",
        &chen,
        "--kind",
        "call",
        "--at",
        "2026-11-21T09:30:00Z",
    ]);
    let out = env.ok(["snooze", &chen, "--until", "monday"]);
    assert!(
        out.contains("follow-up 1 is snoozed until 2026-11-23 09:00"),
        "{out}"
    );
    let listed = env.lead_where("name", "Chen Wei");
    assert_eq!(listed["snoozed_until"], "2026-11-23T09:00:00Z");
    assert_eq!(listed["next_follow_up_at"], "2026-11-23T09:00:00Z");
    let bad = env.run(["snooze", &chen, "--until", "someday"]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("tomorrow"), "{}", bad.stderr);
}

#[test]
fn qualified_needs_the_checklist_or_an_override() {
    let env = Env::new();
    env.import_good();
    let hannah = id(&env.lead_where("name", "Hannah Schmidt")).to_string();
    let refused = env.run(["status", &hannah, "qualified"]);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("budget, authority, need, timeline"),
        "{}",
        refused.stderr
    );
    assert_eq!(env.lead_where("name", "Hannah Schmidt")["status"], "new");
    let out = env.ok([
        "qualify",
        &hannah,
        "--check",
        "Budget",
        "--check",
        "need",
        "--check",
        "authority",
    ]);
    assert!(
        out.contains("[x] budget") && out.contains("[ ] timeline"),
        "{out}"
    );
    let unknown = env.run(["qualify", &hannah, "--check", "price"]);
    assert_eq!(unknown.code, 1);
    env.ok(["qualify", &hannah, "--check", "timeline"]);
    let out = env.ok([
        "status",
        &hannah,
        "qualified",
        "--next-step",
        "demo call",
        "--next-at",
        "1h",
    ]);
    assert!(out.contains("→ qualified"), "{out}");
    // The next step is a follow-up in the queue.
    let row = row_of(&today(&env, &[]), "Hannah Schmidt").expect("the next step is due");
    assert_eq!(row["reason"], "follow_up");
    assert_eq!(row["due_at"], "2026-11-21T19:00:00Z");
}

#[test]
fn lost_needs_a_reason_and_force_before_three_touch_days() {
    let env = Env::new();
    env.import_good();
    let amara = id(&env.lead_where("name", "Amara Okafor")).to_string();
    let no_reason = env.run(["status", &amara, "lost"]);
    assert_eq!(no_reason.code, 2);
    assert!(
        no_reason.stderr.contains("\"opted out\""),
        "{}",
        no_reason.stderr
    );
    let bad_reason = env.run(["status", &amara, "lost", "--reason", "bored"]);
    assert_eq!(bad_reason.code, 1);
    let early = env.run(["status", &amara, "lost", "--reason", "no budget"]);
    assert_eq!(early.code, 1);
    assert!(early.stderr.contains("confirm"), "{}", early.stderr);
    assert_eq!(env.lead_where("name", "Amara Okafor")["status"], "new");
    env.ok(["status", &amara, "lost", "--reason", "No Budget", "--force"]);
    let lead = env.lead_where("name", "Amara Okafor");
    assert_eq!(lead["status"], "lost");
    assert_eq!(lead["lost_reason"], "no budget");
    // A usage slip is exit 2.
    assert_eq!(env.run(["status", &amara, "won", "--force"]).code, 2);
}

#[test]
fn several_ids_change_all_or_none() {
    let env = Env::new();
    env.import_good();
    let chen = id(&env.lead_where("name", "Chen Wei")).to_string();
    let amara = id(&env.lead_where("name", "Amara Okafor")).to_string();
    let missing = env.run(["touch", &chen, "999", "--kind", "email"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("no lead with id 999"),
        "{}",
        missing.stderr
    );
    assert_eq!(env.lead_where("name", "Chen Wei")["touches"], 0);
    env.ok(["touch", &chen, &amara, "--kind", "email"]);
    assert_eq!(env.lead_where("name", "Chen Wei")["touches"], 1);
    assert_eq!(env.lead_where("name", "Amara Okafor")["touches"], 1);
    // Lost with too few touch days: refused for both, though it is about each.
    let early = env.run(["status", &chen, &amara, "lost", "--reason", "no response"]);
    assert_eq!(early.code, 1);
    assert_eq!(env.lead_where("name", "Chen Wei")["status"], "contacted");
}

#[test]
fn an_owner_is_per_customer_and_a_new_lead_inherits_it() {
    let env = Env::new();
    env.import_good();
    // Priya Raman's customer has several leads.
    let priya = env.list(&["--search", "priya"]);
    assert!(priya.len() >= 2);
    env.ok(["assign", &id(&priya[0]).to_string(), "Ana"]);
    for lead in env.list(&["--search", "priya"]) {
        assert_eq!(lead["owner"], "Ana", "{lead}");
    }
    // A new lead of hers has her owner.
    let file = env.path("new.json");
    std::fs::write(
        &file,
        r#"{"FirstName":"Priya","LastName":"Raman","Email":"priya.raman@fabrikam.io",
            "LeadSource":"AzureMarketplace-INS|contoso.crm-connector","Company":"Fabrikam"}"#,
    )
    .unwrap();
    env.ok([
        "import",
        file.to_str().unwrap(),
        "--received-at",
        "2026-11-21T17:00:00Z",
    ]);
    let leads = env.list(&["--search", "priya"]);
    assert_eq!(leads.len(), priya.len() + 1);
    assert!(leads.iter().all(|l| l["owner"] == "Ana"));
    // Owners compare in any case; me is the owner setting.
    assert_eq!(env.list(&["--owner", "ana"]).len(), leads.len());
    let mine = env
        .command(["list", "--format", "json", "--owner", "me"])
        .env("USER", "ANA")
        .output()
        .unwrap();
    let mine: Vec<Value> = serde_json::from_slice(&mine.stdout).unwrap();
    assert_eq!(
        mine.len(),
        leads.len() - leads.iter().filter(|l| l["is_test"] == true).count()
    );
    let rows = today(&env, &["--owner", "Ana"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["owner"], "Ana");
    assert!(today(&env, &["--owner", "none"])
        .iter()
        .all(|r| r["owner"].is_null()));
}

#[test]
fn an_empty_queue_says_all_caught_up_and_when_the_next_item_falls_due() {
    let env = Env::new();
    let file = env.path("one.json");
    std::fs::write(
        &file,
        r#"{"FirstName":"Zoe","Email":"zoe@example.com","LeadSource":"AppSource-PLT|x"}"#,
    )
    .unwrap();
    env.ok([
        "import",
        file.to_str().unwrap(),
        "--received-at",
        "2026-11-20T10:00:00Z",
    ]);
    let zoe = id(&env.lead_where("name", "Zoe")).to_string();
    env.ok([
        "touch",
        &zoe,
        "--kind",
        "email",
        "--at",
        "2026-11-20T11:00:00Z",
    ]);
    let out = env.ok(["today"]);
    assert_eq!(
        out,
        "All caught up. The next item falls due 2026-11-22 11:00.\n"
    );
}

#[test]
fn compose_writes_for_the_step_the_customer_is_at() {
    let env = Env::new();
    env.import_good();
    let chen = id(&env.lead_where("name", "Chen Wei")).to_string();
    let subject = |env: &Env| {
        let draft: Value =
            serde_json::from_str(&env.ok(["compose", &chen, "--format", "json"])).unwrap();
        draft["subject"].as_str().unwrap().to_string()
    };
    assert!(!subject(&env).contains("quick question"));
    for day in ["2026-11-20T09:00:00Z", "2026-11-21T09:00:00Z"] {
        env.ok(["touch", &chen, "--kind", "email", "--at", day]);
    }
    // Two touch days: the second follow-up's template.
    assert!(
        subject(&env).ends_with("a quick question"),
        "{}",
        subject(&env)
    );
    for day in ["2026-11-21T10:00:00Z", "2026-11-21T12:00:00Z"] {
        env.ok(["touch", &chen, "--kind", "call", "--at", day]);
    }
    assert!(
        subject(&env).ends_with("a quick question"),
        "one day, one step"
    );
    let later = at(
        &env,
        "2026-11-24T10:00:00Z",
        &["touch", &chen, "--kind", "email"],
    );
    assert_eq!(later.code, 0, "{}", later.stderr);
    let decide = at(
        &env,
        "2026-11-27T10:00:00Z",
        &["touch", &chen, "--kind", "email"],
    );
    assert_eq!(decide.code, 0, "{}", decide.stderr);
    let draft = at(
        &env,
        "2026-11-27T11:00:00Z",
        &["compose", &chen, "--format", "json"],
    );
    let draft: Value = serde_json::from_str(&draft.stdout).unwrap();
    assert!(
        draft["subject"]
            .as_str()
            .unwrap()
            .ends_with("shall I close your request?"),
        "{draft}"
    );
}

/// The today table's due cell of an overdue row is bold red with `--color always`, and
/// nothing is coloured with `never` or in a pipe.
#[test]
fn the_today_table_colours_overdue_rows_due_cell_only_when_asked() {
    let env = Env::new();
    env.import_good();
    let always = env.ok(["--color", "always", "today"]);
    let overdue = always
        .lines()
        .find(|l| l.starts_with("overdue"))
        .expect("an overdue row");
    assert!(overdue.contains("\u{1b}[1;91moverdue "), "{overdue:?}");
    let first_touch = always
        .lines()
        .find(|l| l.starts_with("first_touch"))
        .expect("a first touch");
    assert!(!first_touch.contains('\u{1b}'), "{first_touch:?}");
    for args in [vec!["--color", "never", "today"], vec!["today"]] {
        assert!(!env.ok(&args).contains('\u{1b}'), "{args:?}");
    }
}
