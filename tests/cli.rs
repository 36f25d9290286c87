//! The `leadbox` commands around the store: list and its filters, show, status, assign,
//! export, usage errors and the store file itself.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeSet;

fn names(leads: &[Value]) -> BTreeSet<String> {
    leads
        .iter()
        .map(|l| l["name"].as_str().unwrap_or("(withheld)").to_string())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

// --- list ---------------------------------------------------------------------------------

#[test]
fn json_list_has_exactly_the_documented_keys_in_order() {
    let env = Env::new();
    env.import_good();
    let text = env.ok(["list", "--format", "json", "--include-test"]);
    let keys = array_keys_in_order(&text);
    assert_eq!(keys.len(), 27);
    for object in &keys {
        assert_eq!(object, &LEAD_KEYS);
    }
    // The first object, read as raw text: keys appear in the documented order.
    let first_line = text.lines().nth(1).unwrap();
    let mut at = 0;
    for key in LEAD_KEYS {
        let pos = first_line[at..]
            .find(&format!("\"{key}\":"))
            .unwrap_or_else(|| panic!("{key} missing or out of order in {first_line}"));
        at += pos + key.len();
    }
    // An empty list is an empty array.
    let empty = env.ok([
        "list",
        "--format",
        "json",
        "--search",
        "nobody-by-this-name",
    ]);
    assert_eq!(
        serde_json::from_str::<Value>(&empty).unwrap(),
        Value::Array(vec![])
    );
}

#[test]
fn list_is_sorted_most_urgent_first() {
    let env = Env::new();
    env.import_good();
    // Answer a couple so that met and missed leads are in the mix.
    let hannah = env.lead_where("name", "Hannah Schmidt");
    env.touch(id(&hannah), "email", "2026-11-19T12:00:00Z");
    let tomas = env.lead_where("name", "Tomás Ortega");
    env.touch(id(&tomas), "email", "2026-11-21T12:00:00Z");

    let leads = env.list(&[]);
    let open = |l: &Value| matches!(l["sla_state"].as_str(), Some("due" | "overdue"));
    // Leads still owed a first touch come first, by due time...
    let n_open = leads.iter().take_while(|l| open(l)).count();
    // (the lead with withheld personal data has no one to contact: it is exempt)
    assert_eq!(n_open, 7 + 13);
    assert!(leads[n_open..].iter().all(|l| !open(l)));
    let due: Vec<&str> = leads[..n_open]
        .iter()
        .map(|l| l["sla_due_at"].as_str().unwrap())
        .collect();
    assert!(due.windows(2).all(|w| w[0] <= w[1]), "{due:?}");
    assert_eq!(leads[0]["name"], "Olivia Martin", "the oldest overdue lead");
    // ...then the rest, newest first.
    let received: Vec<&str> = leads[n_open..]
        .iter()
        .map(|l| l["received_at"].as_str().unwrap())
        .collect();
    assert!(received.windows(2).all(|w| w[0] >= w[1]), "{received:?}");
    assert_eq!(
        leads.last().unwrap()["is_test"],
        true,
        "the September test lead"
    );
    // The table has the same order.
    let table = env.ok(["list", "--include-test"]);
    let ids: Vec<i64> = table
        .lines()
        .skip(1)
        .filter(|l| !l.ends_with(" leads"))
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    assert_eq!(ids, leads.iter().map(id).collect::<Vec<_>>());
    assert!(table.trim_end().ends_with("27 leads"), "{table}");
}

#[test]
fn filter_by_action() {
    let env = Env::new();
    env.import_good();
    let all_leads = env.list_no_test(&[]);
    let count = |a: &str| all_leads.iter().filter(|l| l["action"] == a).count();

    let ins = env.list_no_test(&["--action", "INS"]);
    assert_eq!(ins.len(), 6);
    assert!(ins.iter().all(|l| l["action"] == "INS"));
    // Repeated: any of them. Any letter case.
    let some = env.list_no_test(&[
        "--action",
        "ins",
        "--action",
        "PLT",
        "--action",
        "starttestdrive",
    ]);
    assert_eq!(
        some.len(),
        count("INS") + count("PLT") + count("StartTestDrive")
    );
    assert_eq!(some.len(), 16);
    // Test leads need --include-test.
    assert_eq!(env.list(&["--action", "INS"]).len(), 8);
    // "other": unknown or missing actions.
    let other = env.list_no_test(&["--action", "other"]);
    assert_eq!(
        names(&other),
        set(&["Lars Nilsson", "Kenji Sato", "Isabelle Dubois"])
    );
    // An unknown code, as written or in another case.
    for code in ["XSELL", "xsell"] {
        let xsell = env.list_no_test(&["--action", code]);
        assert_eq!(names(&xsell), set(&["Lars Nilsson"]), "{code}");
    }
    // DNC and Create.
    assert_eq!(
        names(&env.list_no_test(&["--action", "DNC"])),
        set(&["Grace Liu", "Maya Cohen"])
    );
    assert_eq!(env.list_no_test(&["--action", "Create"]).len(), 4);
}

#[test]
fn filter_by_source_and_offer() {
    let env = Env::new();
    env.import_good();
    let all_leads = env.list_no_test(&[]);

    let appsource = env.list_no_test(&["--source", "AppSource"]);
    assert_eq!(appsource.len(), 9);
    assert!(appsource.iter().all(|l| l["source"] == "AppSource"));
    // Any spelling of a source works.
    for spelling in ["appsource", "SPZA", "AppSource (SPZA)"] {
        assert_eq!(
            env.list_no_test(&["--source", spelling]),
            appsource,
            "{spelling}"
        );
    }
    assert_eq!(
        names(&env.list_no_test(&["--source", "Azure portal"])),
        set(&["Jürgen Müller", "Sofia Rossi", "Ananya Iyer", "Priya Raman"])
    );
    assert_eq!(env.list_no_test(&["--source", "testdrive"]).len(), 1);

    // Offer: the id or the display name, any case.
    let by_id = env.list_no_test(&["--offer", "contoso.secure-gateway"]);
    assert_eq!(by_id.len(), 6);
    assert!(by_id.iter().all(|l| l["offer"] == "contoso.secure-gateway"));
    let by_name = env.list_no_test(&["--offer", "contoso analytics"]);
    let expected: Vec<&Value> = all_leads
        .iter()
        .filter(|l| {
            [&l["offer"], &l["offer_name"]].iter().any(|v| {
                v.as_str()
                    .is_some_and(|s| s.eq_ignore_ascii_case("contoso analytics"))
            })
        })
        .collect();
    assert_eq!(by_name.len(), expected.len());
    assert_eq!(by_name.len(), 7);
    assert!(by_name.iter().any(|l| l["name"] == "陽菜 山田"));
    assert!(by_name
        .iter()
        .any(|l| l["offer"] == "contoso.analytics-saas"));
}

#[test]
fn filter_by_status_sla_and_search() {
    let env = Env::new();
    env.import_good();
    let chen = env.lead_where("name", "Chen Wei");
    env.ok([
        "status",
        &id(&chen).to_string(),
        "qualified",
        "--override",
        "agreed on a call",
    ]);
    let amara = env.lead_where("name", "Amara Okafor");
    env.touch(id(&amara), "email", "2026-11-21T14:00:00Z");

    assert_eq!(
        names(&env.list_no_test(&["--status", "qualified"])),
        set(&["Chen Wei"])
    );
    assert_eq!(
        names(&env.list_no_test(&["--status", "contacted"])),
        set(&["Amara Okafor"])
    );
    assert_eq!(env.list_no_test(&["--status", "new"]).len(), 23);
    assert_eq!(
        names(&env.list_no_test(&["--sla", "met"])),
        set(&["Amara Okafor"])
    );
    assert_eq!(env.list_no_test(&["--sla", "due"]).len(), 6);
    assert_eq!(env.list_no_test(&["--sla", "overdue"]).len(), 15);
    assert_eq!(env.list_no_test(&["--sla", "missed"]).len(), 0);
    // DNC twice, a test lead, and a lead whose personal data was withheld.
    assert_eq!(env.list(&["--sla", "exempt"]).len(), 5);

    // Search: name, email, company, offer, notes; any ASCII case.
    assert_eq!(env.list_no_test(&["--search", "FABRIKAM"]).len(), 3);
    assert_eq!(
        names(&env.list_no_test(&["--search", "tailspin"])),
        set(&["Jürgen Müller"])
    );
    assert_eq!(
        names(&env.list_no_test(&["--search", "Müller"])),
        set(&["Jürgen Müller"])
    );
    assert_eq!(
        names(&env.list_no_test(&["--search", "山田"])),
        set(&["陽菜 山田"])
    );
    let notes = env.list_no_test(&["--search", "academic licence"]);
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["name"], Value::Null);
    assert_eq!(
        names(&env.list_no_test(&["--search", "mktcmpid"])),
        set(&["Amara Okafor"])
    );
    assert_eq!(
        names(&env.list_no_test(&["--search", "secure-gateway-td"])),
        set(&["Noah Becker"])
    );
    // `%` and `_` are plain characters, not wildcards.
    assert_eq!(env.list_no_test(&["--search", "%"]).len(), 0);
    assert_eq!(env.list_no_test(&["--search", "MSFT_TEST"]).len(), 0);
    assert_eq!(env.list(&["--search", "MSFT_TEST"]).len(), 2);
    // Filters combine.
    let combined = env.list_no_test(&[
        "--action",
        "PLT",
        "--sla",
        "overdue",
        "--source",
        "AppSource",
    ]);
    assert_eq!(
        names(&combined),
        set(&[
            "Priya Raman",
            "Chen Wei",
            "Olivia Martin",
            "Emily \"Em\" Clarke, PhD",
            "Diego Fernández"
        ])
    );
}

/// `list --search` finds what a rep types: any case and accents, a phone by its digits,
/// `#id` for one lead, with the other filters still applying.
#[test]
fn list_search_folds_accents_and_finds_phones_and_ids() {
    let env = Env::new();
    env.import_good();
    let jurgen = set(&["Jürgen Müller"]);
    for typed in [
        "muller",
        "MÜLLER",
        "jurgen mueller",
        "3055501234",
        "+49 30 5550 1234",
        "+49 (30) 5550",
    ] {
        assert_eq!(
            names(&env.list_no_test(&["--search", typed])),
            jurgen,
            "{typed}"
        );
    }
    assert_eq!(
        names(&env.list_no_test(&["--search", "espanol"])),
        set(&["Diego Fernández"]),
        "the notes: Necesitamos una demo en español."
    );
    let lead = env.lead_where("name", "Jürgen Müller");
    let hash_id = format!("#{}", id(&lead));
    let found = env.list(&["--search", &hash_id]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["id"], lead["id"]);
    assert!(env.list(&["--search", "#999999"]).is_empty());
    // The other filters apply to `#id` as to any search.
    assert_eq!(
        env.list(&["--search", &hash_id, "--action", "Create"])
            .len(),
        1
    );
    assert!(env
        .list(&["--search", &hash_id, "--action", "PLT"])
        .is_empty());
    // In the table too.
    let table = env.ok(["list", "--search", &hash_id]);
    assert!(table.contains("Jürgen Müller"), "{table}");
}

// --- show, status, assign ---------------------------------------------------------------------

#[test]
fn show_json_has_the_lead_its_touches_and_its_contact() {
    let env = Env::new();
    env.import_good();
    let noah_td = env
        .list(&["--search", "noah.becker", "--action", "StartTestDrive"])
        .remove(0);
    let nid = id(&noah_td).to_string();
    env.ok([
        "touch",
        &nid,
        "--kind",
        "call",
        "--note",
        "Booked a demo",
        "--at",
        "2026-11-18T18:00:00Z",
    ]);
    env.ok([
        "touch",
        &nid,
        "--kind",
        "note",
        "--at",
        "2026-11-18T18:05:00Z",
    ]);

    let shown: Value = serde_json::from_str(&env.ok(["show", &nid, "--format", "json"])).unwrap();
    let listed = lead_by_id(&env, id(&noah_td));
    assert_eq!(shown["lead"], listed, "show and list agree");
    assert_eq!(shown["lead"]["sla_state"], "met");
    assert_eq!(shown["lead"]["touches"], 1);
    let touches = shown["touches"].as_array().unwrap();
    assert_eq!(touches.len(), 2);
    assert_eq!(touches[0]["kind"], "call");
    assert_eq!(touches[0]["note"], "Booked a demo");
    assert_eq!(touches[0]["at"], "2026-11-18T18:00:00Z");
    assert_eq!(touches[1]["kind"], "note");
    assert_eq!(touches[1]["note"], Value::Null);
    let contact: Vec<&str> = shown["contact_leads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["action"].as_str().unwrap())
        .collect();
    assert_eq!(contact, ["INS", "StartTestDrive"]);
    let keys: BTreeSet<String> = shown["lead"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, LEAD_KEYS.iter().map(|k| k.to_string()).collect());

    // The text form names the lead.
    let text = env.ok(["show", &nid]);
    assert!(text.contains("Noah Becker"), "{text}");
    assert!(text.contains("contoso.secure-gateway-td"), "{text}");
}

fn lead_by_id(env: &Env, id: i64) -> Value {
    env.list(&[])
        .into_iter()
        .find(|l| l["id"] == id)
        .unwrap_or_else(|| panic!("no lead {id}"))
}

#[test]
fn status_and_assign_change_only_their_lead() {
    let env = Env::new();
    env.import_good();
    let before = env.list(&[]);
    let isabelle = env.lead_where("name", "Isabelle Dubois");
    let iid = id(&isabelle).to_string();

    let out = env.ok([
        "status",
        &iid,
        "Qualified",
        "--override",
        "agreed on a call",
    ]);
    assert!(out.contains("new → qualified"), "{out}");
    let out = env.ok(["assign", &iid, "  Ana Souza "]);
    assert!(out.contains("owner Ana Souza"), "{out}");
    let lead = env.lead_where("name", "Isabelle Dubois");
    assert_eq!(lead["status"], "qualified");
    assert_eq!(lead["owner"], "Ana Souza");
    // A status is no touch: the SLA still runs.
    assert_eq!(lead["sla_state"], "due");
    assert_eq!(lead["touches"], 0);

    // Everything else is as it was.
    let after = env.list(&[]);
    for (a, b) in before.iter().zip(&after) {
        if a["id"] != isabelle["id"] {
            assert_eq!(a, b);
        }
    }

    // The names that stand for nobody are not owners' names.
    for reserved in ["none", "Unassigned"] {
        let run = common::Run::from(env.command(["assign", &iid, reserved]).output().unwrap());
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert_eq!(
            run.stderr.trim(),
            format!(
                "leadbox: \"{reserved}\" cannot be an owner: \"none\" stands for customers nobody \
                 owns (--owner none) and \"unassigned\" for their row in stats"
            )
        );
        assert_eq!(
            env.lead_where("name", "Isabelle Dubois")["owner"],
            "Ana Souza"
        );
    }
    let out = env.ok(["assign", &iid, ""]);
    assert!(out.contains("no owner"), "{out}");
    assert_eq!(
        env.lead_where("name", "Isabelle Dubois")["owner"],
        Value::Null
    );
    env.ok(["status", &iid, "lost", "--reason", "no response", "--force"]);
    assert_eq!(env.lead_where("name", "Isabelle Dubois")["status"], "lost");
    // A later touch does not reopen a closed lead.
    env.touch(id(&isabelle), "email", "2026-11-21T10:00:00Z");
    let lead = env.lead_where("name", "Isabelle Dubois");
    assert_eq!(lead["status"], "lost");
    assert_eq!(lead["sla_state"], "met");
}

// --- export -------------------------------------------------------------------------------

#[test]
fn export_csv_to_a_private_file() {
    let env = Env::new();
    env.import_good();
    let file = env.path("leads.csv");
    let run = env.run([
        "export".as_ref(),
        "--format".as_ref(),
        "csv".as_ref(),
        "-o".as_ref(),
        file.as_os_str(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("Exported 25 leads"), "{}", run.stderr);
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600);

    let records = csv_records(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(records[0], LEAD_KEYS);
    let listed = env.list_no_test(&[]);
    assert_eq!(records.len() - 1, listed.len());
    // Every cell is the JSON value as text (null as empty), in list order; a value that a
    // spreadsheet would take for a formula (a phone number +1...) starts with a '.
    for (row, lead) in records[1..].iter().zip(&listed) {
        for (cell, key) in row.iter().zip(LEAD_KEYS) {
            let want = match &lead[key] {
                Value::Null => String::new(),
                Value::String(s) if s.starts_with(['=', '+', '-', '@']) => format!("'{s}"),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(cell, &want, "{key} of lead {}", lead["id"]);
        }
    }
    assert!(records.iter().any(|r| r[12] == "'+1 312 555 0123"));
    // Quotes, commas and non-ASCII survive the round trip.
    assert!(records.iter().any(|r| r[10] == "Emily \"Em\" Clarke, PhD"));
    assert!(records.iter().any(|r| r[14] == "ウィングティップ株式会社"));

    // Filters apply; the test leads need --include-test.
    let run = env.run(["export", "--include-test", "--action", "INS"]);
    assert_eq!(run.code, 0);
    let records = csv_records(&run.stdout);
    assert_eq!(records.len(), 1 + 8);
    assert!(records[1..].iter().all(|r| r[4] == "INS"));
}

#[test]
fn export_json_equals_the_list() {
    let env = Env::new();
    env.import_good();
    let file = env.path("leads.json");
    env.ok([
        "export".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "-o".as_ref(),
        file.as_os_str(),
    ]);
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600);
    let exported = std::fs::read_to_string(&file).unwrap();
    assert_eq!(exported, env.ok(["list", "--format", "json"]));
    let keys = array_keys_in_order(&exported);
    assert_eq!(keys.len(), 25);
    assert!(keys.iter().all(|k| k == &LEAD_KEYS));
    // To stdout too.
    assert_eq!(env.ok(["export", "--format", "json"]), exported);
}

#[test]
fn list_csv_header_is_the_json_keys() {
    let env = Env::new();
    env.import_good();
    let records = csv_records(&env.ok([
        "list",
        "--format",
        "csv",
        "--sla",
        "exempt",
        "--include-test",
    ]));
    assert_eq!(records[0], LEAD_KEYS);
    assert_eq!(records.len(), 1 + 5);
    assert!(records[1..]
        .iter()
        .all(|r| r[22].is_empty() && r[23] == "exempt"));
}

/// The whole CSV export, byte for byte: the good fixtures, cells a spreadsheet would run and
/// control characters, with a touch, an owner and a status set. `tests/expected/export.csv`
/// was written from the export as it was; a change to it is a change to what users get.
#[test]
fn csv_export_is_exactly_the_expected_text() {
    let env = Env::new();
    env.import_good();
    let files = [
        "formula-cells.csv",
        "formula-cells.json",
        "escape-fields.ndjson",
    ];
    let files: Vec<_> = files
        .iter()
        .map(|f| fixture(&format!("hostile/{f}")))
        .collect();
    let (run, _) = env.import(&files, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hannah = id(&env.lead_where("name", "Hannah Schmidt"));
    env.touch(hannah, "call", "2026-11-19T12:00:00Z");
    env.ok(["assign", &hannah.to_string(), "@ops-team"]);
    env.ok([
        "status",
        &hannah.to_string(),
        "qualified",
        "--override",
        "signed PO",
    ]);

    let expected = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expected/export.csv"),
    )
    .unwrap();
    let exported = env.ok(["export", "--format", "csv", "--include-test"]);
    assert_eq!(exported, expected);
    // An export with no lead is the header alone.
    let empty = env.ok([
        "export",
        "--format",
        "csv",
        "--search",
        "nobody-by-this-name",
    ]);
    assert_eq!(empty, expected[..=expected.find('\n').unwrap()]);
}

// --- errors -------------------------------------------------------------------------------

#[test]
fn usage_errors_exit_2_and_change_nothing() {
    let env = Env::new();
    env.import_good();
    let before = env.list(&[]);
    let cases: [&[&str]; 9] = [
        &["touch", "1", "--kind", "fax"],
        &["touch", "1", "--kind", "email", "--at", "yesterday"],
        &["touch", "one", "--kind", "email"],
        &["status", "1", "pending"],
        &["list", "--sla", "soon"],
        &["list", "--format", "xml"],
        &["import"],
        &["frobnicate"],
        &["import", "--received-at", "13/45/2026", "x.json"],
    ];
    for args in cases {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}");
        assert!(!run.stderr.is_empty(), "{args:?}");
    }
    let run = env.run(["touch", "1", "--kind", "fax"]);
    assert!(
        run.stderr.contains("unknown touch kind 'fax'"),
        "{}",
        run.stderr
    );
    assert_eq!(env.list(&[]), before);
}

#[test]
fn an_unknown_lead_id_is_an_error_naming_it() {
    let env = Env::new();
    env.import_good();
    let before = env.list(&[]);
    let cases: [&[&str]; 5] = [
        &["show", "999"],
        &["show", "999", "--format", "json"],
        &["touch", "999", "--kind", "email"],
        &["status", "999", "won"],
        &["assign", "999", "Ana"],
    ];
    for args in cases {
        let run = env.run(args);
        assert_eq!(run.code, 1, "{args:?}");
        assert!(
            run.stderr.contains("no lead with id 999"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
    assert_eq!(env.list(&[]), before);
}

#[test]
fn a_bad_leadbox_now_is_reported() {
    let env = Env::new();
    let run = env
        .command(["list"])
        .env("LEADBOX_NOW", "tomorrow")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert!(stderr.contains("LEADBOX_NOW"), "{stderr}");
}

// --- the store file -------------------------------------------------------------------------

#[test]
fn the_store_is_created_private_where_leadbox_db_points() {
    let env = Env::new();
    let db = env.path("nested/dir/leads.db");
    let run = env
        .bare_command()
        .env("LEADBOX_DB", &db)
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(String::from_utf8(run.stdout).unwrap().trim(), "[]");
    assert!(db.is_file());
    #[cfg(unix)]
    {
        assert_eq!(mode(&db), 0o600);
        assert_eq!(mode(db.parent().unwrap()), 0o700);
    }
    // --db and LEADBOX_DB name the same store.
    let import = env
        .bare_command()
        .env("LEADBOX_DB", &db)
        .arg("import")
        .arg(fixture("crm/dynamics-leads.csv"))
        .output()
        .unwrap();
    assert_eq!(import.status.code(), Some(0));
    let run = env
        .bare_command()
        .arg("--db")
        .arg(&db)
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    let leads: Vec<Value> = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(leads.len(), 2);
    // Nothing was written anywhere else.
    assert!(!env.db.exists());
    assert!(!env.path("xdg").exists());
    #[cfg(unix)]
    assert_eq!(mode(&db), 0o600, "still private after writes");
}

#[test]
fn the_store_file_given_with_db_is_created_private() {
    let env = Env::new();
    env.ok(["stats"]);
    assert!(env.db.is_file());
    #[cfg(unix)]
    assert_eq!(mode(&env.db), 0o600);
}

/// The list table's SLA cell is coloured with `--color always` (overdue in bold red, met
/// dimmed), never with `--color never` or in a pipe by default; the other cells never are.
#[test]
fn the_list_table_colours_the_sla_cell_when_asked() {
    let env = Env::new();
    env.import_good();
    let always = env.ok(["--color", "always", "list"]);
    let overdue = always
        .lines()
        .find(|l| l.contains("overdue"))
        .expect("an overdue lead");
    assert!(
        overdue.starts_with(|c: char| c.is_ascii_digit()),
        "{overdue}"
    );
    assert!(overdue.contains("\x1b[1;91moverdue"), "{overdue:?}");
    assert_eq!(overdue.matches("\x1b[").count(), 2, "one cell: {overdue:?}");
    let plain: String = always
        .replace("\x1b[1;91m", "")
        .replace("\x1b[33m", "")
        .replace("\x1b[2m", "")
        .replace("\x1b[0m", "");
    for args in [vec!["--color", "never", "list"], vec!["list"]] {
        let out = env.ok(&args);
        assert!(!out.contains('\x1b'), "{args:?}: {out:?}");
        assert_eq!(out, plain, "{args:?}: the same table without colour");
    }
    let run = env.run(["--color", "sometimes", "list"]);
    assert_eq!(run.code, 2);
}
