//! The rules every write follows, through the command line, at the pinned time
//! 2026-11-21T18:00:00Z: DNC leads take no customer touch, touch times make sense, and
//! closing a lead stops its clock.

mod common;

use common::*;
use serde_json::Value;

/// Ava Novak asked for a trial (PLT), then pressed "do not contact" on another offer (DNC):
/// one customer, two leads. Returns (PLT id, DNC id).
fn ava(env: &Env) -> (i64, i64) {
    let file = env.path("ava.ndjson");
    std::fs::write(
        &file,
        r#"{"userDetails":{"firstName":"Ava","lastName":"Novak","email":"ava.novak@litware.example","company":"Litware"},"leadSource":"AzureMarketplace-PLT|contoso.crm-connector","receivedAt":"2026-11-21T08:00:00Z"}
{"userDetails":{"firstName":"Ava","lastName":"Novak","email":"ava.novak@litware.example","company":"Litware"},"leadSource":"AppSource-DNC|contoso.analytics-saas","receivedAt":"2026-11-21T09:00:00Z"}
"#,
    )
    .unwrap();
    let (run, _) = env.import(&[&file], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let leads = env.list(&["--search", "ava.novak"]);
    assert_eq!(leads.len(), 2);
    let plt = one(&leads, "action", "PLT");
    let dnc = one(&leads, "action", "DNC");
    assert_eq!(plt["contact_id"], dnc["contact_id"], "one customer");
    (id(&plt), id(&dnc))
}

fn lead(env: &Env, id: i64) -> Value {
    env.list(&[])
        .into_iter()
        .find(|l| l["id"] == id)
        .unwrap_or_else(|| panic!("no lead {id}"))
}

/// `show ID --format json`'s touch log.
fn touch_log(env: &Env, id: i64) -> Vec<Value> {
    let shown: Value =
        serde_json::from_str(&env.ok(["show", &id.to_string(), "--format", "json"])).unwrap();
    shown["touches"].as_array().unwrap().clone()
}

fn touch_run(env: &Env, id: i64, kind: &str, at: &str) -> Run {
    env.run(["touch", &id.to_string(), "--kind", kind, "--at", at])
}

// --- DNC means do not contact ---------------------------------------------------------------

#[test]
fn a_dnc_lead_refuses_emails_calls_and_meetings() {
    let env = Env::new();
    let (_, dnc) = ava(&env);
    for kind in ["email", "call", "meeting"] {
        let run = touch_run(&env, dnc, kind, "2026-11-21T10:00:00Z");
        assert_eq!(run.code, 1, "{kind}: {run:?}");
        assert_eq!(
            run.stderr,
            format!(
                "leadbox: cannot log the {kind}: lead {dnc} is DNC (the customer asked not to \
                 be contacted); only a note can be logged on it\n"
            )
        );
        assert_eq!(run.stdout, "");
    }
    assert!(touch_log(&env, dnc).is_empty(), "nothing was written");
    let after = lead(&env, dnc);
    assert_eq!(after["status"], "new");
    assert_eq!(after["sla_state"], "exempt");
    assert_eq!(after["touches"], 0);
}

#[test]
fn a_dnc_lead_still_takes_a_note() {
    let env = Env::new();
    let (_, dnc) = ava(&env);
    let out = env.ok([
        "touch",
        &dnc.to_string(),
        "--kind",
        "note",
        "--note",
        "asked to be left alone",
        "--at",
        "2026-11-21T10:00:00Z",
    ]);
    assert_eq!(
        out,
        format!("Lead {dnc}: note logged at 2026-11-21T10:00:00Z; status new, SLA exempt\n")
    );
    let log = touch_log(&env, dnc);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["kind"], "note");
    assert_eq!(log[0]["note"], "asked to be left alone");
    assert_eq!(lead(&env, dnc)["status"], "new");
}

#[test]
fn a_touch_on_the_customer_s_other_lead_leaves_the_dnc_lead_alone() {
    let env = Env::new();
    let (plt, dnc) = ava(&env);
    // After both leads arrived: it answers the PLT lead.
    env.touch(plt, "email", "2026-11-21T10:00:00Z");
    let answered = lead(&env, plt);
    assert_eq!(answered["sla_state"], "met");
    assert_eq!(answered["status"], "contacted");
    let untouched = lead(&env, dnc);
    assert_eq!(untouched["status"], "new");
    assert_eq!(untouched["sla_state"], "exempt");
    assert_eq!(untouched["sla_due_at"], Value::Null);
    assert_eq!(untouched["touches"], 0);
    assert_eq!(untouched["last_touch_at"], Value::Null);
    let stats = env.stats();
    assert_eq!(stats["sla"]["met"], 1);
    assert_eq!(stats["sla"]["exempt"], 1);
    assert_eq!(stats["sla"]["contactable"], 1);
    assert_eq!(stats["by_status"]["contacted"], 1);
    assert_eq!(stats["by_status"]["new"], 1);
}

// --- Touch times make sense -----------------------------------------------------------------

#[test]
fn a_touch_more_than_a_minute_ahead_is_refused() {
    let env = Env::new();
    let (plt, _) = ava(&env);
    let run = touch_run(&env, plt, "call", "2026-11-21T18:02:00Z");
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stderr,
        "leadbox: cannot log a touch at 2026-11-21T18:02:00Z: that is in the future \
         (now is 2026-11-21T18:00:00Z)\n"
    );
    assert!(touch_log(&env, plt).is_empty());
    assert_eq!(lead(&env, plt)["status"], "new");

    // Thirty seconds ahead is clock skew: accepted.
    let out = env.touch(plt, "call", "2026-11-21T18:00:30Z");
    assert!(out.contains("call logged at 2026-11-21T18:00:30Z"), "{out}");
    let after = lead(&env, plt);
    assert_eq!(after["last_touch_at"], "2026-11-21T18:00:30Z");
    assert_eq!(after["touches"], 1);
}

#[test]
fn a_touch_before_the_lead_arrived_is_refused() {
    let env = Env::new();
    let (plt, _) = ava(&env); // arrived 2026-11-21T08:00:00Z
    let run = touch_run(&env, plt, "email", "2026-11-21T07:59:59Z");
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stderr,
        format!(
            "leadbox: cannot log a touch at 2026-11-21T07:59:59Z: lead {plt} arrived later, \
             at 2026-11-21T08:00:00Z\n"
        )
    );
    assert!(touch_log(&env, plt).is_empty());
    // At the very second it arrived is fine.
    env.touch(plt, "email", "2026-11-21T08:00:00Z");
    assert_eq!(lead(&env, plt)["sla_state"], "met");
}

// --- Nothing read from the store is coerced -------------------------------------------------

#[test]
fn a_lead_with_an_unknown_status_is_an_error_not_a_new_lead() {
    let env = Env::new();
    let (plt, _) = ava(&env);
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute(
        "UPDATE lead_rows SET status = 'archived' WHERE id = ?1",
        [plt],
    )
    .unwrap();
    drop(conn);
    let message = format!(
        "leadbox: lead {plt} in the store: unknown status 'archived' (expected new, contacted, \
         qualified, won or lost)\n"
    );
    for args in [
        vec!["show".to_string(), plt.to_string()],
        vec!["list".into(), "--format".into(), "json".into()],
        vec!["status".into(), plt.to_string(), "won".into()],
    ] {
        let run = env.run(&args);
        assert_eq!(run.code, 1, "{args:?}: {run:?}");
        assert_eq!(run.stderr, message, "{args:?}");
    }
}
