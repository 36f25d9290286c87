//! `leadbox import` on the sample exports (tests/fixtures, see EXPECTED.md), on the bad
//! inputs, twice over, and in the encodings and delimiters Excel writes.

mod common;

use common::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn good_files() -> Vec<PathBuf> {
    GOOD.iter().map(|f| fixture(f)).collect()
}

/// The lead named `name` (display name), which must be the only one.
fn named(leads: &[Value], name: &str) -> Value {
    one(leads, "name", name)
}

#[test]
fn good_fixtures_give_27_leads_with_the_documented_counts_per_file() {
    let env = Env::new();
    let reports = env.import_good();
    assert_eq!(reports.len(), GOOD.len());
    let expected = [
        ("camel-array.json", "json", 4),
        ("flow-log.ndjson", "ndjson", 6),
        ("pascal-single.json", "json", 1),
        ("marketplaceleads-storage-explorer.csv", "csv", 6),
        ("leads-download.csv", "csv", 5),
        ("salesforce-report.csv", "csv", 3),
        ("dynamics-leads.csv", "csv", 2),
    ];
    for (file, format, new) in expected {
        let r = report(&reports, file);
        assert_eq!(
            r,
            &json!({
                "file": r["file"],
                "format": format,
                "encoding": "UTF-8",
                "new": new,
                "duplicates": 0,
                "rejected": 0,
                "errors": [],
                "failed": null,
            }),
            "{file}"
        );
        assert!(r["file"].as_str().unwrap().ends_with(file));
    }

    let leads = env.list(&[]);
    assert_eq!(leads.len(), 27);
    let tests: Vec<&Value> = leads.iter().filter(|l| l["is_test"] == true).collect();
    assert_eq!(tests.len(), 2);
    for t in &tests {
        assert!(t["email"].as_str().unwrap().starts_with("MSFT_TEST_"));
        assert_eq!(t["sla_state"], "exempt");
    }
    // Without --include-test the test leads are left out.
    let real = env.list_no_test(&[]);
    assert_eq!(real.len(), 25);
    assert!(real.iter().all(|l| l["is_test"] == false));
    // Ids are unique.
    let ids: BTreeSet<i64> = leads.iter().map(id).collect();
    assert_eq!(ids.len(), 27);
}

#[test]
fn one_customer_is_one_contact_across_records_and_files() {
    let env = Env::new();
    env.import_good();
    let leads = env.list(&[]);

    let priya = all(&leads, "name", "Priya Raman");
    assert_eq!(priya.len(), 3);
    let contacts: BTreeSet<i64> = priya
        .iter()
        .map(|l| l["contact_id"].as_i64().unwrap())
        .collect();
    assert_eq!(contacts.len(), 1, "Priya Raman: one contact");
    let mut actions: Vec<&str> = priya
        .iter()
        .map(|l| l["action"].as_str().unwrap())
        .collect();
    actions.sort_unstable();
    assert_eq!(actions, ["Create", "PLT", "StartTestDrive"]);
    // The second camel-array lead spells the email in another letter case: kept as written.
    let emails: BTreeSet<&str> = priya.iter().map(|l| l["email"].as_str().unwrap()).collect();
    assert_eq!(
        emails,
        BTreeSet::from(["priya.raman@fabrikam.io", "Priya.Raman@Fabrikam.io"])
    );
    // The Salesforce lead (other file) is the Create one.
    let sf = priya.iter().find(|l| l["action"] == "Create").unwrap();
    assert_eq!(sf["country"], "United States");
    assert_eq!(sf["received_at"], "2026-11-21T09:00:00Z");

    let noah = all(&leads, "name", "Noah Becker");
    assert_eq!(noah.len(), 2);
    assert_eq!(noah[0]["contact_id"], noah[1]["contact_id"]);

    // Everyone else is a contact of their own: 27 leads, Priya 3 -> 1, Noah 2 -> 1.
    let contacts: BTreeSet<i64> = leads
        .iter()
        .map(|l| l["contact_id"].as_i64().unwrap())
        .collect();
    assert_eq!(contacts.len(), 27 - 2 - 1);

    // `show` lists the contact's leads oldest first.
    let plt = priya.iter().find(|l| l["action"] == "PLT").unwrap();
    let shown: Value =
        serde_json::from_str(&env.ok(["show", &id(plt).to_string(), "--format", "json"])).unwrap();
    let received: Vec<&str> = shown["contact_leads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["received_at"].as_str().unwrap())
        .collect();
    assert_eq!(
        received,
        [
            "2026-11-19T16:05:11Z",
            "2026-11-20T08:12:45Z",
            "2026-11-21T09:00:00Z"
        ]
    );
}

#[test]
fn actions_are_normalized_and_unknown_codes_kept() {
    let env = Env::new();
    env.import_good();
    let leads = env.list(&[]);
    let action = |name: &str| named(&leads, name)["action"].clone();
    // camel-array.json
    assert_eq!(all(&leads, "name", "Priya Raman").len(), 3);
    assert_eq!(action("Tomás Ortega"), "INS");
    assert_eq!(action("Grace Liu"), "DNC");
    // flow-log.ndjson
    assert_eq!(action("Jürgen Müller"), "Create");
    assert_eq!(action("陽菜 山田"), "StartTestDrive");
    assert_eq!(action("Amara Okafor"), "INS");
    assert_eq!(action("Lars Nilsson"), "XSELL");
    let withheld = one(
        &leads,
        "description",
        "Interested in the academic licence for our department.",
    );
    assert_eq!(withheld["action"], "PLT");
    // pascal-single.json: bare LeadSource, ActionCode apart.
    assert_eq!(action("Some One"), "INS");
    // Azure Table
    assert_eq!(action("Sofia Rossi"), "Create");
    assert_eq!(action("Chen Wei"), "PLT");
    assert_eq!(action("Maya Cohen"), "DNC");
    let noah: BTreeSet<String> = all(&leads, "name", "Noah Becker")
        .iter()
        .map(|l| l["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        noah,
        BTreeSet::from(["INS".into(), "StartTestDrive".into()])
    );
    // Partner Center: Call to action + Lead Source.
    assert_eq!(action("Olivia Martin"), "PLT");
    assert_eq!(action("Jonas Weber"), "INS");
    assert_eq!(action("Ananya Iyer"), "Create", "Get it now + Azure portal");
    assert_eq!(action("Lucas Almeida"), "StartTestDrive");
    assert_eq!(action("Emily \"Em\" Clarke, PhD"), "PLT");
    // Salesforce
    assert_eq!(action("Hannah Schmidt"), "INS");
    assert_eq!(action("Diego Fernández"), "PLT");
    // Dynamics: no marketplace action, still imported.
    assert_eq!(action("Kenji Sato"), Value::Null);
    assert_eq!(action("Isabelle Dubois"), Value::Null);

    let known = ["INS", "PLT", "DNC", "Create", "StartTestDrive"];
    let others: Vec<&Value> = leads
        .iter()
        .filter(|l| !known.iter().any(|k| l["action"] == *k))
        .collect();
    assert_eq!(others.len(), 3, "XSELL and the two Dynamics leads");
}

#[test]
fn sources_are_normalized_and_the_raw_value_kept() {
    let env = Env::new();
    env.import_good();
    let leads = env.list_no_test(&[]);
    let sources: BTreeSet<Option<&str>> = leads.iter().map(|l| l["source"].as_str()).collect();
    assert_eq!(
        sources,
        BTreeSet::from([
            None,
            Some("AppSource"),
            Some("AzureMarketplace"),
            Some("AzurePortal"),
            Some("TestDrive"),
        ])
    );
    let check = |name: &str, source: &str, raw: &str| {
        let lead = named(&leads, name);
        assert_eq!(lead["source"], source, "{name}");
        assert_eq!(lead["lead_source"], raw, "{name}");
    };
    check(
        "Chen Wei",
        "AppSource",
        "AppSource (SPZA)-PLT|contoso.secure-gateway",
    );
    check("Olivia Martin", "AppSource", "Appsource");
    check("Jonas Weber", "AzureMarketplace", "Azure Marketplace");
    check("Ananya Iyer", "AzurePortal", "Azure portal");
    check("Some One", "AzureMarketplace", "AzureMarketplace");
    check(
        "Sofia Rossi",
        "AzurePortal",
        "AzurePortal-Create|contoso.secure-gateway",
    );
    let withheld = one(&leads, "lead_source", "SPZA-PLT|contoso.analytics-saas");
    assert_eq!(withheld["source"], "AppSource");
    let td = one(&leads, "source", "TestDrive");
    assert_eq!(td["name"], "Priya Raman");
    assert_eq!(
        td["lead_source"],
        "TestDrive-StartTestDrive|contoso.crm-connector-testdrive"
    );
}

#[test]
fn offers_come_from_ids_and_display_names() {
    let env = Env::new();
    env.import_good();
    let leads = env.list(&[]);
    let offer = |lead: &Value| (lead["offer"].clone(), lead["offer_name"].clone());

    // The Azure test drive row: id from ProductId, display name from the LeadSource.
    let noah_td = all(&leads, "name", "Noah Becker")
        .into_iter()
        .find(|l| l["action"] == "StartTestDrive")
        .unwrap()
        .clone();
    assert_eq!(
        offer(&noah_td),
        (
            json!("contoso.secure-gateway-td"),
            json!("Contoso Secure Gateway")
        )
    );
    // Flow-log StartTestDrive: only a display name.
    assert_eq!(
        offer(&named(&leads, "陽菜 山田")),
        (json!("Contoso Analytics"), json!("Contoso Analytics"))
    );
    assert_eq!(
        offer(&named(&leads, "Some One")),
        (json!("Test Microsoft"), json!("Test Microsoft"))
    );
    assert_eq!(
        offer(&named(&leads, "Tomás Ortega")),
        (
            json!("contoso.crm-connector"),
            json!("Contoso CRM Connector")
        )
    );
    assert_eq!(
        offer(&named(&leads, "Jonas Weber")),
        (
            json!("contoso.secure-gateway"),
            json!("Contoso Secure Gateway")
        )
    );
    assert_eq!(
        offer(&named(&leads, "Hannah Schmidt")),
        (json!("contoso.analytics-saas"), Value::Null)
    );
    assert_eq!(
        offer(&named(&leads, "Kenji Sato")),
        (Value::Null, Value::Null)
    );
}

#[test]
fn received_times_come_from_each_export_s_own_field() {
    let env = Env::new();
    env.import_good();
    let leads = env.list(&[]);
    let received = |name: &str| named(&leads, name)["received_at"].clone();
    // receivedAt added by the collecting flow.
    assert_eq!(received("Tomás Ortega"), "2026-11-19T18:41:00Z");
    assert_eq!(received("Lars Nilsson"), "2026-11-21T15:20:00Z");
    // Azure Table: CreatedTime (US format) wins over Timestamp (2026-11-18T09:15:02.004Z).
    assert_eq!(received("Sofia Rossi"), "2026-11-18T09:15:01Z");
    let noah_ins = all(&leads, "name", "Noah Becker")
        .into_iter()
        .find(|l| l["action"] == "INS")
        .unwrap()
        .clone();
    assert_eq!(noah_ins["received_at"], "2026-11-17T14:02:30Z");
    assert_eq!(received("Chen Wei"), "2026-11-19T22:01:54Z");
    // Partner Center: date only.
    assert_eq!(received("Olivia Martin"), "2026-11-16T00:00:00Z");
    assert_eq!(received("Emily \"Em\" Clarke, PhD"), "2026-11-20T00:00:00Z");
    // Salesforce: YYYY-MM-DD HH:MM:SS, UTC.
    assert_eq!(received("Hannah Schmidt"), "2026-11-19T10:20:00Z");
    // Dynamics: createdon.
    assert_eq!(received("Kenji Sato"), "2026-11-21T04:10:00Z");
    // pascal-single.json has no time: --received-at.
    assert_eq!(received("Some One"), FALLBACK);
    // The SLA clock starts there: due 24 hours later.
    assert_eq!(
        named(&leads, "Olivia Martin")["sla_due_at"],
        "2026-11-17T00:00:00Z"
    );
    assert_eq!(noah_ins["sla_due_at"], "2026-11-18T14:02:30Z");
}

#[test]
fn customer_fields_withheld_full_names_and_unicode() {
    let env = Env::new();
    env.import_good();
    let leads = env.list(&[]);

    // The .edu-style lead: only country and notes.
    let withheld = one(&leads, "lead_source", "SPZA-PLT|contoso.analytics-saas");
    for key in [
        "name",
        "first_name",
        "last_name",
        "email",
        "phone",
        "company",
        "title",
    ] {
        assert_eq!(withheld[key], Value::Null, "{key}");
    }
    assert_eq!(withheld["country"], "US");
    assert_eq!(withheld["is_test"], false);
    assert_eq!(
        withheld["description"],
        "Interested in the academic licence for our department."
    );
    let shared = leads
        .iter()
        .filter(|l| l["contact_id"] == withheld["contact_id"])
        .count();
    assert_eq!(shared, 1, "a withheld lead is a contact of its own");

    // Partner Center: one name field, quotes and comma kept; no email or phone.
    let emily = named(&leads, "Emily \"Em\" Clarke, PhD");
    assert_eq!(emily["first_name"], Value::Null);
    assert_eq!(emily["last_name"], Value::Null);
    assert_eq!(emily["email"], Value::Null);
    assert_eq!(emily["country"], "United Kingdom");
    assert_eq!(emily["offer"], "contoso.crm-connector");

    // Unicode.
    let hina = named(&leads, "陽菜 山田");
    assert_eq!(hina["first_name"], "陽菜");
    assert_eq!(hina["last_name"], "山田");
    assert_eq!(hina["company"], "ウィングティップ株式会社");
    assert_eq!(hina["title"], "情報システム部 部長");
    assert_eq!(
        named(&leads, "Jürgen Müller")["company"],
        "Tailspin Toys GmbH"
    );
    assert_eq!(
        named(&leads, "Diego Fernández")["description"],
        "Necesitamos una demo en español."
    );
    assert_eq!(named(&leads, "Lucas Almeida")["country"], "Brazil");

    // Notes: blank is nothing, JSON of URL parameters is kept as written, quotes survive CSV.
    assert_eq!(named(&leads, "Tomás Ortega")["description"], Value::Null);
    let params: Value = serde_json::from_str(
        named(&leads, "Amara Okafor")["description"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        params,
        json!({"mktcmpid": "fall-webinar", "partnerid": "98765"})
    );
    assert_eq!(
        named(&leads, "Chen Wei")["description"],
        "Looking for SSO with our existing Entra ID tenant, ~300 users, \"urgent\" evaluation."
    );
    // The Azure Table CustomerInfo JSON string was unpacked; an empty Phone is nothing.
    let chen = named(&leads, "Chen Wei");
    assert_eq!(chen["email"], "chen.wei@contoso-pharma.example");
    assert_eq!(chen["phone"], Value::Null);
    assert_eq!(chen["company"], "Contoso Pharmaceuticals");
}

#[test]
fn a_record_without_a_time_takes_received_at_else_the_file_time() {
    // --received-at
    let env = Env::new();
    let file = fixture("https-endpoint/pascal-single.json");
    let run = env.run([
        "import".as_ref(),
        "--received-at".as_ref(),
        "2026-11-20T09:30:00Z".as_ref(),
        file.as_os_str(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("1 new"), "{}", run.stdout);
    let lead = env.lead_where("name", "Some One");
    assert_eq!(lead["received_at"], "2026-11-20T09:30:00Z");
    assert_eq!(lead["sla_due_at"], "2026-11-21T09:30:00Z");
    assert_eq!(lead["sla_state"], "overdue");
    // The same payload again, at another time, is the same record.
    let (run, reports) = env.import(&[&file], &["--received-at", "2026-11-21T17:00:00Z"]);
    assert_eq!(run.code, 0);
    assert_eq!(reports[0]["duplicates"], 1);
    assert_eq!(env.list(&[]).len(), 1);

    // No --received-at: the file's modification time.
    let env = Env::new();
    let copy = env.path("payload.json");
    std::fs::copy(&file, &copy).unwrap();
    let mtime = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_794_729_600); // 2026-11-15T08:00:00Z
    std::fs::File::options()
        .write(true)
        .open(&copy)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    env.ok(["import".as_ref(), copy.as_os_str()]);
    let lead = env.lead_where("name", "Some One");
    assert_eq!(lead["received_at"], "2026-11-15T08:00:00Z");
}

// --- bad inputs -------------------------------------------------------------------------

/// Imports one bad fixture into an empty store: the run, its report and what got stored.
fn import_bad(name: &str, extra: &[&str]) -> (Run, Value, Vec<Value>) {
    let env = Env::new();
    let (run, reports) = env.import(&[fixture(&format!("bad/{name}"))], extra);
    assert_eq!(run.code, 1, "{name}: exit code; stderr: {}", run.stderr);
    assert!(
        run.stderr.contains(&format!("bad/{name}")),
        "{name}: the message names the file: {}",
        run.stderr
    );
    assert_eq!(reports.len(), 1);
    (run, reports[0].clone(), env.list(&[]))
}

#[test]
fn invalid_json_document_names_line_14_and_imports_nothing() {
    let (run, report, stored) = import_bad("faq-test-lead-missing-comma.json", &[]);
    assert!(
        run.stderr
            .contains("faq-test-lead-missing-comma.json: line 14: invalid JSON"),
        "{}",
        run.stderr
    );
    assert_eq!(report["new"], 0);
    assert!(report["failed"].as_str().unwrap().starts_with("line 14:"));
    assert!(stored.is_empty());
}

#[test]
fn truncated_ndjson_line_is_reported_and_the_others_imported() {
    let (run, report, stored) = import_bad("truncated-line.ndjson", &[]);
    assert!(
        run.stderr.contains("truncated-line.ndjson:2: invalid JSON"),
        "{}",
        run.stderr
    );
    assert_eq!(report["format"], "ndjson");
    assert_eq!(report["new"], 2);
    assert_eq!(report["rejected"], 1);
    assert_eq!(report["failed"], Value::Null);
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["line"], 2);
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("invalid JSON"));
    let emails: BTreeSet<&str> = stored
        .iter()
        .map(|l| l["email"].as_str().unwrap())
        .collect();
    assert_eq!(
        emails,
        BTreeSet::from(["ava.patel@trey.example", "ava2@trey.example"])
    );
}

#[test]
fn strict_import_of_a_file_with_a_bad_line_imports_nothing() {
    let (run, report, stored) = import_bad("truncated-line.ndjson", &["--strict"]);
    assert!(
        run.stderr.contains("truncated-line.ndjson:2:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--strict"), "{}", run.stderr);
    assert_eq!(report["new"], 0);
    assert_eq!(report["rejected"], 1);
    assert!(report["failed"]
        .as_str()
        .unwrap()
        .contains("nothing imported"));
    assert!(stored.is_empty());

    let (_, report, stored) = import_bad("unclosed-quote.csv", &["--strict"]);
    assert_eq!(report["new"], 0);
    assert!(stored.is_empty());
}

#[test]
fn unclosed_csv_quote_is_reported_on_line_3() {
    let (run, report, stored) = import_bad("unclosed-quote.csv", &[]);
    assert!(
        run.stderr.contains("unclosed-quote.csv:3: a quoted field"),
        "{}",
        run.stderr
    );
    assert_eq!(report["new"], 1);
    assert_eq!(report["rejected"], 1);
    assert_eq!(report["errors"][0]["line"], 3);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["name"], "Zoe Park");
    assert_eq!(stored[0]["email"], "zoe.park@wideworld.example");
}

#[test]
fn a_csv_that_is_no_lead_export_is_refused() {
    let (run, report, stored) = import_bad("not-leads.csv", &[]);
    assert!(run.stderr.contains("no lead columns"), "{}", run.stderr);
    assert!(run.stderr.contains("line 1"), "{}", run.stderr);
    assert!(report["failed"]
        .as_str()
        .unwrap()
        .contains("no lead columns"));
    assert!(stored.is_empty());
}

#[test]
fn an_empty_file_is_refused() {
    let (run, report, stored) = import_bad("empty.json", &[]);
    assert!(
        run.stderr.contains("empty.json: the file is empty"),
        "{}",
        run.stderr
    );
    assert_eq!(report["failed"], "the file is empty");
    assert!(stored.is_empty());
}

#[test]
fn binary_data_is_refused() {
    let (run, report, stored) = import_bad("binary.png.json", &[]);
    assert!(run.stderr.contains("binary"), "{}", run.stderr);
    assert!(report["failed"]
        .as_str()
        .unwrap()
        .starts_with("binary data"));
    assert_eq!(report["format"], Value::Null);
    assert!(stored.is_empty());
}

#[test]
fn failed_imports_leave_the_store_as_it_was() {
    let env = Env::new();
    env.import_good();
    let before = env.list(&[]);
    let stats_before = env.stats();

    let bad: Vec<PathBuf> = [
        "faq-test-lead-missing-comma.json",
        "truncated-line.ndjson",
        "unclosed-quote.csv",
        "not-leads.csv",
        "empty.json",
        "binary.png.json",
    ]
    .iter()
    .map(|f| fixture(&format!("bad/{f}")))
    .collect();
    let (run, reports) = env.import(&bad, &[]);
    assert_eq!(run.code, 1);
    assert_eq!(reports.len(), 6);
    let new: u64 = reports.iter().map(|r| r["new"].as_u64().unwrap()).sum();
    assert_eq!(new, 3, "lines 1 and 3 of the NDJSON, line 2 of the CSV");
    // One error line per problem on stderr, each naming its file.
    for f in &bad {
        let name = f.file_name().unwrap().to_str().unwrap();
        assert!(
            run.stderr.contains(name),
            "{name} missing from: {}",
            run.stderr
        );
    }

    let after = env.list(&[]);
    let added: Vec<&Value> = after
        .iter()
        .filter(|l| !before.iter().any(|b| b["id"] == l["id"]))
        .collect();
    let mut added_emails: Vec<&str> = added.iter().map(|l| l["email"].as_str().unwrap()).collect();
    added_emails.sort_unstable();
    assert_eq!(
        added_emails,
        [
            "ava.patel@trey.example",
            "ava2@trey.example",
            "zoe.park@wideworld.example"
        ]
    );
    let kept: Vec<Value> = after
        .iter()
        .filter(|l| before.iter().any(|b| b["id"] == l["id"]))
        .cloned()
        .collect();
    assert_eq!(
        kept, before,
        "every lead stored before is unchanged, in order"
    );

    // The document-level failures alone change nothing at all.
    let env = Env::new();
    env.import_good();
    let (run, _) = env.import(&[&bad[0], &bad[3], &bad[4], &bad[5]], &[]);
    assert_eq!(run.code, 1);
    assert_eq!(env.list(&[]), before);
    assert_eq!(env.stats(), stats_before);
}

#[test]
fn a_bad_file_does_not_stop_the_good_files_of_the_same_run() {
    let env = Env::new();
    let files = [
        fixture("bad/empty.json"),
        fixture("crm/dynamics-leads.csv"),
        fixture("bad/not-leads.csv"),
    ];
    let (run, reports) = env.import(&files, &[]);
    assert_eq!(run.code, 1);
    assert_eq!(report(&reports, "dynamics-leads.csv")["new"], 2);
    assert_eq!(env.list(&[]).len(), 2);
}

#[test]
fn an_ndjson_file_whose_first_line_is_bad_keeps_the_other_lines() {
    let env = Env::new();
    let text = std::fs::read_to_string(fixture("bad/truncated-line.ndjson")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let file = env.path("first-bad.ndjson");
    std::fs::write(&file, format!("{}\n{}\n{}\n", lines[1], lines[0], lines[2])).unwrap();
    let (run, reports) = env.import(&[&file], &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("first-bad.ndjson:1: invalid JSON"),
        "{}",
        run.stderr
    );
    assert_eq!(reports[0]["format"], "ndjson");
    assert_eq!(reports[0]["new"], 2);
    assert_eq!(reports[0]["errors"][0]["line"], 1);
    assert_eq!(env.list(&[]).len(), 2);
}

// --- re-import ----------------------------------------------------------------------------

#[test]
fn importing_everything_twice_adds_nothing_the_second_time() {
    let env = Env::new();
    let first = env.import_good();
    let list = env.ok(["list", "--format", "json", "--include-test"]);
    let table = env.ok(["list", "--include-test"]);

    let (run, second) = env.import(&good_files(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(b["new"], 0, "{}", b["file"]);
        assert_eq!(b["duplicates"], a["new"], "{}", b["file"]);
        assert_eq!(b["rejected"], 0);
    }
    assert_eq!(env.ok(["list", "--format", "json", "--include-test"]), list);
    assert_eq!(env.ok(["list", "--include-test"]), table);

    // Twice in one run too, and line-oriented files with bad lines.
    let env = Env::new();
    let file = fixture("bad/truncated-line.ndjson");
    let (_, reports) = env.import(&[&file, &file], &[]);
    assert_eq!(reports[0]["new"], 2);
    assert_eq!(reports[1]["new"], 0);
    assert_eq!(reports[1]["duplicates"], 2);
    assert_eq!(reports[1]["rejected"], 1);
    assert_eq!(env.list(&[]).len(), 2);
}

#[test]
fn reimport_keeps_the_work_done_on_leads() {
    let env = Env::new();
    env.import_good();
    let hannah = env.lead_where("name", "Hannah Schmidt");
    let hid = id(&hannah).to_string();
    env.ok(["assign", &hid, "Ana"]);
    env.touch(id(&hannah), "call", "2026-11-19T11:00:00Z");
    env.ok([
        "status",
        &hid,
        "qualified",
        "--override",
        "agreed on a call",
    ]);
    let before = env.list(&[]);
    import_good_again(&env);
    assert_eq!(env.list(&[]), before);
    let hannah = env.lead_where("name", "Hannah Schmidt");
    assert_eq!(hannah["owner"], "Ana");
    assert_eq!(hannah["status"], "qualified");
    assert_eq!(hannah["sla_state"], "met");
}

fn import_good_again(env: &Env) {
    let (run, reports) = env.import(&good_files(), &[]);
    assert_eq!(run.code, 0);
    assert!(reports.iter().all(|r| r["new"] == 0));
}

// --- encodings and delimiters ----------------------------------------------------------------

/// Writes `text` encoded as `encoding` (with a BOM for UTF-16) and imports it.
fn import_encoded(
    env: &Env,
    name: &str,
    text: &str,
    encoding: &'static encoding_rs::Encoding,
) -> Value {
    let bytes: Vec<u8> = if encoding == encoding_rs::UTF_16LE {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        bytes
    } else {
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(!unmappable, "{name}: the text fits {}", encoding.name());
        bytes.into_owned()
    };
    let file = env.path(name);
    std::fs::write(&file, bytes).unwrap();
    let (run, reports) = env.import(&[&file], &[]);
    assert_eq!(run.code, 0, "{name}: {}", run.stderr);
    reports[0].clone()
}

#[test]
fn windows_1252_csv_from_excel() {
    let env = Env::new();
    let text = "First Name,Last Name,Email,Company,Country,Created Date\r\n\
                José,García,jose.garcia@cafe.example,Café Müller Señor,España,2026-11-20 09:00:00\r\n\
                Zoë,Brontë,zoe@fjord.example,Fjørd Ørsted,Danmark,2026-11-20 10:00:00\r\n";
    let report = import_encoded(&env, "excel-1252.csv", text, encoding_rs::WINDOWS_1252);
    assert_eq!(report["encoding"], "windows-1252");
    assert_eq!(report["new"], 2);
    let leads = env.list(&[]);
    let jose = named(&leads, "José García");
    assert_eq!(jose["company"], "Café Müller Señor");
    assert_eq!(jose["country"], "España");
    assert_eq!(named(&leads, "Zoë Brontë")["company"], "Fjørd Ørsted");
}

#[test]
fn shift_jis_csv_from_japanese_excel() {
    let env = Env::new();
    let text = "First Name,Last Name,Email,Company,Title,Lead Source\r\n\
                陽菜,山田,hina.yamada@wingtip.example.jp,ウィングティップ株式会社,情報システム部 部長,AzureMarketplace-PLT|contoso.analytics-saas\r\n\
                健二,佐藤,kenji.sato@lucerne.example.jp,ルツェルン出版株式会社,課長,AzureMarketplace-INS|contoso.analytics-saas\r\n";
    let report = import_encoded(&env, "sjis.csv", text, encoding_rs::SHIFT_JIS);
    assert_eq!(report["encoding"], "Shift_JIS");
    assert_eq!(report["new"], 2);
    let leads = env.list(&[]);
    let hina = one(&leads, "last_name", "山田");
    assert_eq!(hina["first_name"], "陽菜");
    assert_eq!(hina["company"], "ウィングティップ株式会社");
    assert_eq!(hina["action"], "PLT");
    assert_eq!(
        one(&leads, "last_name", "佐藤")["company"],
        "ルツェルン出版株式会社"
    );
}

#[test]
fn utf16_unicode_text_with_tabs() {
    // Excel's "Unicode text": UTF-16LE with a BOM, tab-delimited.
    let env = Env::new();
    let text = "First Name\tLast Name\tEmail\tCompany\tLead Source\tDescription\r\n\
                Jürgen\tMüller\tj.mueller@tailspin.example\tTailspin Toys GmbH\tAzurePortal-Create|contoso.analytics-saas\tBitte, rufen Sie an; danke\r\n\
                陽菜\t山田\thina@wingtip.example.jp\tウィングティップ株式会社\tSPZA-PLT|contoso.analytics-saas\t\r\n";
    let report = import_encoded(&env, "unicode.txt", text, encoding_rs::UTF_16LE);
    assert_eq!(report["encoding"], "UTF-16LE");
    assert_eq!(report["format"], "csv");
    assert_eq!(report["new"], 2);
    let leads = env.list(&[]);
    let jurgen = named(&leads, "Jürgen Müller");
    assert_eq!(jurgen["description"], "Bitte, rufen Sie an; danke");
    assert_eq!(jurgen["source"], "AzurePortal");
    let hina = named(&leads, "陽菜 山田");
    assert_eq!(hina["source"], "AppSource");
    assert_eq!(hina["description"], Value::Null);
}

#[test]
fn semicolon_delimited_csv() {
    let env = Env::new();
    let text = "\u{feff}Vorname;Nachname;First Name;Last Name;E-Mail;Firma;Lead Source;Created Date\r\n\
                x;y;Jürgen;Müller;j.mueller@tailspin.example;\"Tailspin; Toys, GmbH\";AzureMarketplace-INS|contoso.analytics-saas;2026-11-20 07:30:00\r\n";
    let report = import_encoded(&env, "semikolon.csv", text, encoding_rs::UTF_8);
    assert_eq!(report["new"], 1);
    let lead = env.lead_where("email", "j.mueller@tailspin.example");
    assert_eq!(lead["name"], "Jürgen Müller");
    assert_eq!(lead["action"], "INS");
    assert_eq!(lead["received_at"], "2026-11-20T07:30:00Z");
}

#[test]
fn a_forced_encoding_wins_over_detection() {
    let env = Env::new();
    // Told the encoding, leadbox does not guess.
    let (bytes, _, _) = encoding_rs::WINDOWS_1252
        .encode("First Name,Last Name,Email\r\nZoë,Ångström,zoe@x.example\r\n");
    let file = env.path("forced.csv");
    std::fs::write(&file, &bytes).unwrap();
    let (run, reports) = env.import(&[&file], &["--encoding", "windows-1252"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(reports[0]["encoding"], "windows-1252");
    assert_eq!(
        env.lead_where("email", "zoe@x.example")["name"],
        "Zoë Ångström"
    );

    // An unknown label is a usage error.
    let run = env.run([
        "import".as_ref(),
        "--encoding".as_ref(),
        "klingon".as_ref(),
        file.as_os_str(),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unknown encoding"), "{}", run.stderr);
}

/// A long import whose stderr is not a terminal prints its report and nothing else: no
/// progress bar in a pipe or a log.
#[test]
fn a_long_import_into_a_pipe_has_no_progress_output() {
    let env = Env::new();
    let big = env.path("big.csv");
    let out = env
        .bare_command()
        .args([
            "generate", "--count", "25000", "--seed", "7", "--format", "csv",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.len() > 4 << 20, "{} bytes", out.stdout.len());
    std::fs::write(&big, &out.stdout).unwrap();
    let run = env.run(["import", big.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        format!(
            "{}: 25000 new, 0 duplicate, 0 rejected (csv)\n",
            big.display()
        )
    );
}
