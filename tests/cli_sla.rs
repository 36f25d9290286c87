//! The 24-hour first-touch SLA and `leadbox stats`, at the pinned time
//! 2026-11-21T18:00:00Z.

mod common;

use common::*;
use serde_json::{json, Value};

/// Seconds between two RFC 3339 times.
fn secs(from: &str, to: &str) -> i64 {
    let t = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp();
    t(to) - t(from)
}

fn lead_by_id(env: &Env, id: i64) -> Value {
    env.list(&[])
        .into_iter()
        .find(|l| l["id"] == id)
        .unwrap_or_else(|| panic!("no lead {id}"))
}

/// Priya Raman's lead with this action.
fn priya(env: &Env, action: &str) -> Value {
    env.list(&["--search", "priya.raman"])
        .into_iter()
        .find(|l| l["action"] == action)
        .unwrap_or_else(|| panic!("no {action} lead of Priya Raman"))
}

fn noah(env: &Env, action: &str) -> Value {
    env.list(&["--search", "noah.becker"])
        .into_iter()
        .find(|l| l["action"] == action)
        .unwrap_or_else(|| panic!("no {action} lead of Noah Becker"))
}

#[test]
fn states_at_the_pinned_time() {
    let env = Env::new();
    env.import_good();
    let leads = env.list(&[]);
    let now = NOW;
    let mut counts = std::collections::BTreeMap::<String, u64>::new();
    for lead in &leads {
        let state = lead["sla_state"].as_str().unwrap();
        *counts.entry(state.to_string()).or_default() += 1;
        // Withheld personal data (no email, phone or name) leaves no one to contact.
        let unreachable = ["email", "phone", "name"].iter().all(|k| lead[k].is_null());
        let exempt = lead["is_test"] == true || lead["action"] == "DNC" || unreachable;
        if exempt {
            assert_eq!(state, "exempt", "{lead}");
            assert_eq!(lead["sla_due_at"], Value::Null, "{lead}");
            continue;
        }
        let received = lead["received_at"].as_str().unwrap();
        let due = lead["sla_due_at"].as_str().unwrap();
        assert_eq!(secs(received, due), 24 * 3600, "{lead}");
        let expected = if secs(now, due) > 0 { "due" } else { "overdue" };
        assert_eq!(state, expected, "{lead}");
        assert_eq!(lead["touches"], 0);
        assert_eq!(lead["last_touch_at"], Value::Null);
    }
    assert_eq!(
        counts,
        [("due", 7), ("exempt", 5), ("overdue", 15)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
    );
    // Unknown and missing actions are still owed a follow-up.
    assert_eq!(env.lead_where("name", "Lars Nilsson")["sla_state"], "due");
    assert_eq!(env.lead_where("name", "Kenji Sato")["sla_state"], "due");
    assert_eq!(
        env.lead_where("name", "Kenji Sato")["sla_due_at"],
        "2026-11-22T04:10:00Z"
    );
    assert_eq!(env.lead_where("name", "Grace Liu")["sla_state"], "exempt");
    assert_eq!(env.lead_where("name", "Maya Cohen")["sla_state"], "exempt");
}

#[test]
fn an_email_before_the_due_time_meets_the_sla() {
    let env = Env::new();
    env.import_good();
    let hannah = env.lead_where("name", "Hannah Schmidt"); // due 2026-11-20T10:20:00Z
    assert_eq!(hannah["sla_state"], "overdue");
    let out = env.touch(id(&hannah), "email", "2026-11-20T10:19:59Z");
    assert!(out.contains("status contacted, SLA met"), "{out}");
    let hannah = lead_by_id(&env, id(&hannah));
    assert_eq!(hannah["sla_state"], "met");
    assert_eq!(hannah["status"], "contacted");
    assert_eq!(hannah["touches"], 1);
    assert_eq!(hannah["last_touch_at"], "2026-11-20T10:19:59Z");

    // Exactly at the due time still counts.
    let diego = env.lead_where("name", "Diego Fernández");
    env.touch(id(&diego), "call", diego["sla_due_at"].as_str().unwrap());
    assert_eq!(lead_by_id(&env, id(&diego))["sla_state"], "met");

    // Without --at, the touch is now (LEADBOX_NOW); a due lead is met.
    let lars = env.lead_where("name", "Lars Nilsson");
    let out = env.ok(["touch", &id(&lars).to_string(), "--kind", "meeting"]);
    assert!(out.contains(&format!("meeting logged at {NOW}")), "{out}");
    let lars = lead_by_id(&env, id(&lars));
    assert_eq!(lars["sla_state"], "met");
    assert_eq!(lars["last_touch_at"], NOW);
}

#[test]
fn a_touch_after_the_due_time_misses_it() {
    let env = Env::new();
    env.import_good();
    let hannah = env.lead_where("name", "Hannah Schmidt");
    let out = env.touch(id(&hannah), "call", "2026-11-20T10:20:01Z");
    assert!(out.contains("SLA missed"), "{out}");
    let hannah = lead_by_id(&env, id(&hannah));
    assert_eq!(hannah["sla_state"], "missed");
    assert_eq!(hannah["status"], "contacted");
    // A later touch does not change what the first one decided.
    env.touch(id(&hannah), "email", "2026-11-20T09:00:00Z");
    let hannah = lead_by_id(&env, id(&hannah));
    assert_eq!(hannah["sla_state"], "met", "the earliest touch decides");
    assert_eq!(hannah["touches"], 2);
    assert_eq!(hannah["last_touch_at"], "2026-11-20T10:20:01Z");
}

#[test]
fn a_note_never_counts_as_a_follow_up() {
    let env = Env::new();
    env.import_good();
    let hannah = env.lead_where("name", "Hannah Schmidt");
    let out = env.ok([
        "touch",
        &id(&hannah).to_string(),
        "--kind",
        "note",
        "--note",
        "left a voicemail? no: internal",
        "--at",
        "2026-11-19T11:00:00Z",
    ]);
    assert!(out.contains("status new, SLA overdue"), "{out}");
    let lead = lead_by_id(&env, id(&hannah));
    assert_eq!(lead["sla_state"], "overdue");
    assert_eq!(lead["status"], "new");
    assert_eq!(lead["touches"], 0);
    assert_eq!(lead["last_touch_at"], Value::Null);
    // It is in the log all the same.
    let shown: Value =
        serde_json::from_str(&env.ok(["show", &id(&hannah).to_string(), "--format", "json"]))
            .unwrap();
    let touches = shown["touches"].as_array().unwrap();
    assert_eq!(touches.len(), 1);
    assert_eq!(touches[0]["kind"], "note");
    assert_eq!(touches[0]["note"], "left a voicemail? no: internal");
    assert_eq!(touches[0]["at"], "2026-11-19T11:00:00Z");
}

#[test]
fn a_touch_counts_for_the_contact_s_leads_that_had_arrived() {
    let env = Env::new();
    env.import_good();
    let plt = priya(&env, "PLT"); // 2026-11-19T16:05:11Z, due 2026-11-20T16:05:11Z
    let td = priya(&env, "StartTestDrive"); // 2026-11-20T08:12:45Z
    let create = priya(&env, "Create"); // 2026-11-21T09:00:00Z (Salesforce)
    env.touch(id(&plt), "email", "2026-11-20T12:00:00Z");

    let plt = lead_by_id(&env, id(&plt));
    assert_eq!(plt["sla_state"], "met");
    assert_eq!(plt["status"], "contacted");
    assert_eq!(plt["touches"], 1);
    // The test drive had arrived before the email: answered too, though nothing was
    // logged on it.
    let td = lead_by_id(&env, id(&td));
    assert_eq!(td["sla_state"], "met");
    assert_eq!(td["status"], "new");
    assert_eq!(td["touches"], 0);
    // The Salesforce lead came after the email: still owed.
    let create = lead_by_id(&env, id(&create));
    assert_eq!(create["sla_state"], "due");
    assert_eq!(create["sla_due_at"], "2026-11-22T09:00:00Z");
    assert_eq!(env.list(&["--sla", "due", "--search", "priya"]).len(), 1);

    // A touch at the very second a lead arrived counts for it.
    env.touch(id(&td), "call", "2026-11-21T09:00:00Z");
    assert_eq!(lead_by_id(&env, id(&create))["sla_state"], "met");
    // Other customers are untouched.
    assert_eq!(
        env.lead_where("name", "Tomás Ortega")["sla_state"],
        "overdue"
    );
}

#[test]
fn one_touch_can_miss_an_old_lead_and_meet_a_newer_one() {
    let env = Env::new();
    env.import_good();
    let ins = noah(&env, "INS"); // received 2026-11-17T14:02:30Z, due 2026-11-18T14:02:30Z
    let td = noah(&env, "StartTestDrive"); // received 2026-11-18T17:44:09Z
    env.touch(id(&td), "call", "2026-11-18T18:00:00Z");
    assert_eq!(lead_by_id(&env, id(&ins))["sla_state"], "missed");
    assert_eq!(lead_by_id(&env, id(&td))["sla_state"], "met");
    let missed = env.list(&["--sla", "missed"]);
    assert_eq!(missed.len(), 1);
    assert_eq!(missed[0]["id"], ins["id"]);
}

#[test]
fn leads_imported_after_a_touch_see_it_only_if_they_arrived_before_it() {
    let env = Env::new();
    env.import(&[fixture("https-endpoint/camel-array.json")], &[]);
    let plt = priya(&env, "PLT");
    env.touch(id(&plt), "email", "2026-11-20T12:00:00Z");
    // The Salesforce Create lead (2026-11-21 09:00) arrives after the touch.
    env.import(&[fixture("crm/salesforce-report.csv")], &[]);
    assert_eq!(priya(&env, "Create")["sla_state"], "due");
    assert_eq!(priya(&env, "StartTestDrive")["sla_state"], "met");

    // A lead of the same contact that arrived before the touch is answered on import, even
    // when another lead of that contact in the same file came first (and after the touch).
    let file = env.path("late.ndjson");
    std::fs::write(
        &file,
        r#"{"userDetails":{"firstName":"Priya","lastName":"Raman","email":"priya.raman@fabrikam.io"},"leadSource":"AppSource (SPZA)-XSELL|contoso.crm-connector","receivedAt":"2026-11-20T13:00:00Z"}
{"userDetails":{"firstName":"Priya","lastName":"Raman","email":"PRIYA.RAMAN@fabrikam.io"},"leadSource":"AzureMarketplace-INS|contoso.crm-connector","receivedAt":"2026-11-20T11:00:00Z"}
"#,
    )
    .unwrap();
    env.import(&[&file], &[]);
    let after = priya(&env, "XSELL");
    assert_eq!(
        after["sla_state"], "overdue",
        "the touch came before this lead arrived"
    );
    let ins = priya(&env, "INS");
    assert_eq!(ins["contact_id"], plt["contact_id"]);
    assert_eq!(ins["sla_state"], "met");
}

#[test]
fn exempt_leads_stay_exempt_when_touched() {
    let env = Env::new();
    env.import_good();
    let grace = env.lead_where("name", "Grace Liu"); // DNC: a note only
    env.touch(id(&grace), "note", "2026-11-20T11:00:00Z");
    let grace = lead_by_id(&env, id(&grace));
    assert_eq!(grace["sla_state"], "exempt");
    assert_eq!(grace["sla_due_at"], Value::Null);
    let test = env.list(&["--search", "MSFT_TEST_636573304831318844"]);
    assert_eq!(test.len(), 1);
    env.touch(id(&test[0]), "email", "2026-11-18T09:30:00Z");
    assert_eq!(lead_by_id(&env, id(&test[0]))["sla_state"], "exempt");
    // Two test leads, two DNC leads, one lead whose personal data was withheld.
    assert_eq!(env.list(&["--sla", "exempt"]).len(), 5);
    assert_eq!(env.list_no_test(&["--sla", "exempt"]).len(), 3);
}

// --- stats --------------------------------------------------------------------------------

#[test]
fn stats_of_an_empty_store() {
    let env = Env::new();
    // The 30 days up to today (2026-11-21, UTC): 2026-10-23 to 2026-11-21, all zeros.
    let days: Vec<Value> = (23..=31)
        .map(|d| format!("2026-10-{d:02}"))
        .chain((1..=21).map(|d| format!("2026-11-{d:02}")))
        .map(|date| {
            json!({
                "date": date, "contactable": 0, "met": 0, "missed": 0, "due": 0,
                "overdue": 0, "compliance": null
            })
        })
        .collect();
    assert_eq!(days.len(), 30);
    assert_eq!(
        env.stats(),
        json!({
            "by_action": {},
            "by_source": {},
            "by_offer": {},
            "by_status": {},
            "sla": {
                "contactable": 0, "met": 0, "missed": 0, "due": 0, "overdue": 0, "exempt": 0,
                "compliance": null, "median_first_touch_s": null, "p90_first_touch_s": null,
                "untouched": 0
            },
            "window": {"since": null, "until": null},
            "sla_by_day": days,
            "volume_by_week": [],
            "funnel": {
                "contact_me": 0, "contact_me_then_acquired": 0, "test_drive": 0,
                "test_drive_then_acquired": 0
            },
            "pipeline": {"customers": 0, "touched": 0, "qualified": 0, "won": 0, "lost": 0},
            "follow_up": {"due_today": 0, "overdue": 0, "decisions_due": 0},
            "by_owner": {},
            "lost_reasons": {},
            "overrides": {"qualified_without_checklist": 0, "lost_forced": 0},
            "offers": {}
        })
    );
}

#[test]
fn stats_key_order_is_stable() {
    let env = Env::new();
    let text = env.ok(["stats", "--format", "json"]);
    assert_eq!(
        keys_in_order(&text),
        [
            "by_action",
            "by_source",
            "by_offer",
            "by_status",
            "sla",
            "window",
            "sla_by_day",
            "volume_by_week",
            "funnel",
            "pipeline",
            "follow_up",
            "by_owner",
            "lost_reasons",
            "overrides",
            "offers"
        ]
    );
    let sla = serde_json::to_string(&serde_json::from_str::<Value>(&text).unwrap()["sla"]).unwrap();
    let mut sla_keys = keys_in_order(&sla);
    sla_keys.sort();
    let mut want = [
        "contactable",
        "met",
        "missed",
        "due",
        "overdue",
        "exempt",
        "compliance",
        "median_first_touch_s",
        "p90_first_touch_s",
        "untouched",
    ];
    want.sort();
    assert_eq!(sla_keys, want);
}

#[test]
fn compliance_is_null_while_nothing_is_judged() {
    let env = Env::new();
    env.import(&[fixture("crm/dynamics-leads.csv")], &[]);
    let stats = env.stats();
    assert_eq!(stats["sla"]["due"], 2);
    assert_eq!(stats["sla"]["contactable"], 2);
    assert_eq!(stats["sla"]["compliance"], Value::Null);
    assert_eq!(stats["by_action"], json!({"unknown": 2}));
    assert_eq!(stats["by_source"], json!({"unknown": 2}));
    assert_eq!(stats["by_offer"], json!({"unknown": 2}));
}

#[test]
fn stats_of_the_fixtures_leave_test_leads_out() {
    let env = Env::new();
    env.import_good();
    let stats = env.stats();
    assert_eq!(
        stats["by_action"],
        json!({"Create": 4, "DNC": 2, "INS": 6, "PLT": 6, "StartTestDrive": 4, "XSELL": 1, "unknown": 2})
    );
    assert_eq!(
        stats["by_source"],
        json!({"AppSource": 9, "AzureMarketplace": 9, "AzurePortal": 4, "TestDrive": 1, "unknown": 2})
    );
    assert_eq!(
        stats["by_offer"],
        json!({
            "Contoso Analytics": 2,
            "Test Microsoft": 1,
            "contoso.analytics-saas": 7,
            "contoso.crm-connector": 5,
            "contoso.crm-connector-testdrive": 1,
            "contoso.secure-gateway": 6,
            "contoso.secure-gateway-td": 1,
            "unknown": 2
        })
    );
    assert_eq!(stats["by_status"], json!({"new": 25}));
    assert_eq!(
        stats["sla"],
        json!({
            "contactable": 22, "met": 0, "missed": 0, "due": 7, "overdue": 15,
            "exempt": 5, "compliance": 0.0, "median_first_touch_s": null,
            "p90_first_touch_s": null, "untouched": 22
        })
    );
    // The maps add up to the non-test leads.
    for key in ["by_action", "by_source", "by_offer", "by_status"] {
        let sum: u64 = stats[key]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(sum, 25, "{key}");
    }
}

#[test]
fn stats_after_a_few_touches() {
    let env = Env::new();
    env.import_good();
    // Priya: one email meets her PLT and her test drive.
    env.touch(id(&priya(&env, "PLT")), "email", "2026-11-20T12:00:00Z");
    // Noah: one call misses his INS and meets his test drive.
    env.touch(
        id(&noah(&env, "StartTestDrive")),
        "call",
        "2026-11-18T18:00:00Z",
    );
    // Notes and touches on test leads change nothing.
    env.touch(
        id(&env.lead_where("name", "Chen Wei")),
        "note",
        "2026-11-20T08:00:00Z",
    );
    let test = env.list(&["--search", "MSFT_TEST_636737558587117715"]);
    env.touch(id(&test[0]), "email", "2026-09-28T12:30:00Z");
    env.ok(["status", &id(&test[0]).to_string(), "won"]);

    let stats = env.stats();
    assert_eq!(stats["by_status"], json!({"contacted": 2, "new": 23}));
    let delays = [
        secs("2026-11-19T16:05:11Z", "2026-11-20T12:00:00Z"), // Priya PLT: 71689
        secs("2026-11-20T08:12:45Z", "2026-11-20T12:00:00Z"), // Priya test drive: 13635
        secs("2026-11-17T14:02:30Z", "2026-11-18T18:00:00Z"), // Noah INS: 100650
        secs("2026-11-18T17:44:09Z", "2026-11-18T18:00:00Z"), // Noah test drive: 951
    ];
    let median = (delays[1] + delays[0]) / 2;
    assert_eq!(median, 42662);
    // The p90 is the ceil(0.9 x 4) = 4th smallest of the four: Noah's INS, 100650 s. The 18
    // untouched are the 7 due and the 11 overdue.
    assert_eq!(
        stats["sla"],
        json!({
            "contactable": 22, "met": 3, "missed": 1, "due": 7, "overdue": 11,
            "exempt": 5, "compliance": 3.0 / 15.0, "median_first_touch_s": median,
            "p90_first_touch_s": 100650, "untouched": 18
        })
    );
    // The list agrees with the figures.
    for (state, n) in [("met", 3), ("missed", 1), ("due", 7), ("overdue", 11)] {
        assert_eq!(env.list_no_test(&["--sla", state]).len(), n, "{state}");
    }
}
