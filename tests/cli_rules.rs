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

// --- Closing a lead stops its clock ---------------------------------------------------------

/// Three customers, nobody touched: Ben (PLT, due 2026-11-22T08:00:00Z), Cleo (INS, due
/// 2026-11-21T06:00:00Z, overdue now), Dan (Create, due 2026-11-22T10:00:00Z).
fn three_customers(env: &Env) -> (i64, i64, i64) {
    let file = env.path("three.ndjson");
    std::fs::write(
        &file,
        r#"{"userDetails":{"firstName":"Ben","lastName":"Ito","email":"ben@example.org"},"leadSource":"AzureMarketplace-PLT|contoso.crm-connector","receivedAt":"2026-11-21T08:00:00Z"}
{"userDetails":{"firstName":"Cleo","lastName":"Park","email":"cleo@example.org"},"leadSource":"AzureMarketplace-INS|contoso.crm-connector","receivedAt":"2026-11-20T06:00:00Z"}
{"userDetails":{"firstName":"Dan","lastName":"Ruiz","email":"dan@example.org"},"leadSource":"AzurePortal-Create|contoso.crm-connector","receivedAt":"2026-11-21T10:00:00Z"}
"#,
    )
    .unwrap();
    let (run, _) = env.import(&[&file], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let leads = env.list(&[]);
    let id_of = |name| id(&one(&leads, "name", name));
    (id_of("Ben Ito"), id_of("Cleo Park"), id_of("Dan Ruiz"))
}

/// A run of `leadbox` at another pinned time.
fn ok_at(env: &Env, now: &str, args: &[&str]) -> String {
    let out = env.command(args).env("LEADBOX_NOW", now).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `list --format json` at `now`, plus `extra`: (id, sla_state) in the list's order.
fn states_at(env: &Env, now: &str, extra: &[&str]) -> Vec<(i64, String)> {
    let mut args = vec!["list", "--format", "json"];
    args.extend_from_slice(extra);
    let leads: Vec<Value> = serde_json::from_str(&ok_at(env, now, &args)).unwrap();
    leads
        .iter()
        .map(|l| (id(l), l["sla_state"].as_str().unwrap().to_string()))
        .collect()
}

fn stats_at(env: &Env, now: &str) -> Value {
    serde_json::from_str(&ok_at(env, now, &["stats", "--format", "json"])).unwrap()
}

const LATER: &str = "2026-11-23T00:00:00Z";

#[test]
fn a_lead_closed_before_its_due_time_without_a_touch_is_exempt_not_overdue() {
    let env = Env::new();
    let (ben, cleo, dan) = three_customers(&env);
    let s = |state: &str| state.to_string();
    // Before: the lead most overdue comes first.
    assert_eq!(
        states_at(&env, NOW, &[]),
        [(cleo, s("overdue")), (ben, s("due")), (dan, s("due"))]
    );
    let out = env.ok(["status", &ben.to_string(), "won"]);
    assert_eq!(out, format!("Lead {ben}: status new → won\n"));
    let shown = env.ok(["show", &ben.to_string()]);
    assert!(
        shown.contains("\nClosed      2026-11-21 18:00\n"),
        "{shown}"
    );

    // Ben was closed before his due time: exempt, now and later; Dan's clock runs on.
    assert_eq!(
        states_at(&env, LATER, &[]),
        [
            (cleo, s("overdue")),
            (dan, s("overdue")),
            (ben, s("exempt"))
        ]
    );
    assert_eq!(
        states_at(&env, LATER, &["--sla", "overdue"]),
        [(cleo, s("overdue")), (dan, s("overdue"))]
    );
    assert_eq!(
        states_at(&env, LATER, &["--sla", "exempt"]),
        [(ben, s("exempt"))]
    );
    assert_eq!(
        stats_at(&env, LATER)["sla"],
        serde_json::json!({
            "contactable": 2, "met": 0, "missed": 0, "due": 0, "overdue": 2, "exempt": 1,
            "compliance": 0.0, "median_first_touch_s": null, "p90_first_touch_s": null,
            "untouched": 2
        })
    );
    let text = ok_at(&env, LATER, &["stats"]);
    assert!(
        text.contains("2 contactable: 0 met, 0 missed, 0 due, 2 overdue; 1 exempt"),
        "{text}"
    );

    // Lost after won keeps the first close (before the due time).
    ok_at(
        &env,
        LATER,
        &[
            "status",
            &ben.to_string(),
            "lost",
            "--reason",
            "no response",
            "--force",
        ],
    );
    assert_eq!(
        states_at(&env, LATER, &["--sla", "exempt"]),
        [(ben, s("exempt"))]
    );
    // Reopened, its clock runs again: overdue later.
    env.ok([
        "status",
        &ben.to_string(),
        "qualified",
        "--override",
        "agreed on a call",
    ]);
    assert_eq!(
        states_at(&env, LATER, &["--sla", "overdue"]),
        [
            (cleo, s("overdue")),
            (ben, s("overdue")),
            (dan, s("overdue"))
        ]
    );
    assert!(!env.ok(["show", &ben.to_string()]).contains("Closed"));
}

#[test]
fn a_lead_closed_after_its_due_time_without_a_touch_is_missed() {
    let env = Env::new();
    let (ben, cleo, dan) = three_customers(&env);
    let s = |state: &str| state.to_string();
    // Cleo was due at 06:00; she is lost at 18:00.
    env.ok([
        "status",
        &cleo.to_string(),
        "lost",
        "--reason",
        "no response",
        "--force",
    ]);
    assert_eq!(
        states_at(&env, NOW, &[]),
        [(ben, s("due")), (dan, s("due")), (cleo, s("missed"))],
        "no longer first: not urgent"
    );
    assert_eq!(states_at(&env, NOW, &["--sla", "overdue"]), []);
    assert_eq!(
        states_at(&env, NOW, &["--sla", "missed"]),
        [(cleo, s("missed"))]
    );
    assert_eq!(
        stats_at(&env, NOW)["sla"],
        serde_json::json!({
            "contactable": 3, "met": 0, "missed": 1, "due": 2, "overdue": 0, "exempt": 0,
            "compliance": 0.0, "median_first_touch_s": null, "p90_first_touch_s": null,
            "untouched": 3
        })
    );
    // Still missed later, whatever else happens.
    assert_eq!(
        states_at(&env, LATER, &["--sla", "missed"]),
        [(cleo, s("missed"))]
    );
}

#[test]
fn a_customer_touch_still_decides_for_a_closed_lead() {
    let env = Env::new();
    let (ben, cleo, _) = three_customers(&env);
    // Cleo was answered late, then won: missed all the same.
    env.touch(cleo, "email", "2026-11-21T07:00:00Z");
    env.ok(["status", &cleo.to_string(), "won"]);
    // Ben was answered in time, then lost: met.
    env.touch(ben, "call", "2026-11-21T09:00:00Z");
    env.ok([
        "status",
        &ben.to_string(),
        "lost",
        "--reason",
        "no response",
        "--force",
    ]);
    let stats = stats_at(&env, LATER);
    assert_eq!(stats["sla"]["met"], 1);
    assert_eq!(stats["sla"]["missed"], 1);
    assert_eq!(stats["sla"]["overdue"], 1, "Dan");
    assert_eq!(
        stats["by_status"],
        serde_json::json!({"lost": 1, "won": 1, "new": 1})
    );
}
