//! `leadbox stats` through the real binary on `fixtures/analytics/leads.ndjson`, whose
//! figures are counted by hand in `fixtures/analytics/EXPECTED.md`. Now is
//! 2026-11-21T18:00:00Z; the settings' zone is Europe/Berlin.

mod common;

use common::{fixture, keys_in_order, Env};
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The store of `EXPECTED.md`: the fixture imported, then its touches, closes and owners.
fn analytics_env() -> Env {
    let env = Env::new();
    let config = env.path("xdg-config/leadbox/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "time_zone = \"Europe/Berlin\"\n").unwrap();
    let (run, _) = env.import(&[fixture("analytics/leads.ndjson")], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (lead, kind, at) in [
        (1, "email", "2026-11-16T15:00:00Z"),
        (2, "call", "2026-11-18T12:00:00Z"),
        (3, "email", "2026-11-17T13:00:00Z"),
        (5, "meeting", "2026-11-20T08:00:00Z"),
        (10, "email", "2026-10-01T10:00:00Z"),
        (10, "email", "2026-10-03T10:00:00Z"),
        (10, "email", "2026-10-08T10:00:00Z"),
        (10, "email", "2026-10-18T10:00:00Z"),
        (11, "email", "2026-10-03T10:00:00Z"),
    ] {
        env.touch(lead, kind, at);
    }
    env.ok(["status", "3", "lost", "--reason", "no budget", "--force"]);
    env.ok(["status", "15", "lost", "--reason", "not a fit", "--force"]);
    env.ok([
        "status",
        "6",
        "qualified",
        "--override",
        "pilot signed",
        "--next-step",
        "kickoff",
        "--next-at",
        "2026-11-21T20:00:00Z",
    ]);
    env.ok(["assign", "1", "Mara"]);
    env.ok(["assign", "5", "MARA"]);
    env.ok(["assign", "3", "ben"]);
    env
}

fn stats(env: &Env, extra: &[&str]) -> Value {
    let mut args = vec!["stats", "--format", "json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&env.ok(&args)).expect("stats JSON")
}

fn day(date: &str, counts: [u64; 5], compliance: Value) -> Value {
    let [contactable, met, missed, due, overdue] = counts;
    json!({
        "date": date, "contactable": contactable, "met": met, "missed": missed, "due": due,
        "overdue": overdue, "compliance": compliance
    })
}

fn zero_day(date: &str) -> Value {
    day(date, [0; 5], Value::Null)
}

/// `[INS, PLT, DNC, Create, StartTestDrive]` of one week; `other` is 0 throughout.
fn week(week: &str, counts: [u64; 5]) -> Value {
    let [ins, plt, dnc, create, td] = counts;
    json!({
        "week": week, "INS": ins, "PLT": plt, "DNC": dnc, "Create": create,
        "StartTestDrive": td, "other": 0
    })
}

/// The six days 11-16 to 11-21 as `EXPECTED.md` counts them (Berlin days).
fn days_of_the_week_of_the_16th() -> Vec<Value> {
    vec![
        day("2026-11-16", [2, 1, 1, 0, 0], json!(0.5)),
        day("2026-11-17", [1, 0, 1, 0, 0], json!(0.0)),
        day("2026-11-18", [1, 0, 0, 0, 1], json!(0.0)),
        // Lead 5 arrived on 11-19 in UTC, on 11-20 in Berlin.
        zero_day("2026-11-19"),
        day("2026-11-20", [3, 1, 0, 1, 1], json!(0.5)),
        zero_day("2026-11-21"),
    ]
}

fn follow_up(due_today: u64, overdue: u64, decisions_due: u64) -> Value {
    json!({"due_today": due_today, "overdue": overdue, "decisions_due": decisions_due})
}

fn offers(alpha: u64, silent: u64, few: u64) -> Value {
    json!({
        "contoso.alpha": {
            "leads": alpha, "last_lead_at": "2026-11-21T08:00:00Z",
            "last_test_lead_at": "2026-11-19T09:00:00Z", "median_gap_s": 46740, "silent": false
        },
        "contoso.few": {
            "leads": few, "last_lead_at": "2026-09-15T09:00:00Z", "last_test_lead_at": null,
            "median_gap_s": null, "silent": false
        },
        "contoso.silent": {
            "leads": silent, "last_lead_at": "2026-10-07T09:00:00Z", "last_test_lead_at": null,
            "median_gap_s": 172800, "silent": true
        }
    })
}

#[test]
fn every_figure_of_all_time_is_the_hand_count() {
    let env = analytics_env();
    let stats = stats(&env, &[]);
    // The 30 Berlin days up to today: zero but the six of the week of the 16th.
    let mut sla_by_day: Vec<Value> = (23..=31)
        .map(|d| zero_day(&format!("2026-10-{d:02}")))
        .chain((1..=15).map(|d| zero_day(&format!("2026-11-{d:02}"))))
        .collect();
    sla_by_day.extend(days_of_the_week_of_the_16th());
    assert_eq!(sla_by_day.len(), 30);
    let volume_by_week = vec![
        week("2026-W36", [0, 1, 0, 0, 0]),
        week("2026-W37", [0; 5]),
        week("2026-W38", [1, 0, 0, 0, 0]),
        week("2026-W39", [0; 5]),
        week("2026-W40", [2, 0, 0, 0, 0]),
        week("2026-W41", [1, 1, 0, 0, 0]),
        week("2026-W42", [0; 5]),
        week("2026-W43", [0; 5]),
        week("2026-W44", [0; 5]),
        week("2026-W45", [0; 5]),
        week("2026-W46", [0; 5]),
        week("2026-W47", [2, 3, 1, 1, 1]),
    ];
    let want = json!({
        "by_action": {"Create": 1, "DNC": 1, "INS": 6, "PLT": 5, "StartTestDrive": 1},
        "by_source": {"AppSource": 6, "AzureMarketplace": 6, "AzurePortal": 1, "TestDrive": 1},
        "by_offer": {"contoso.alpha": 8, "contoso.few": 2, "contoso.silent": 4},
        "by_status": {"contacted": 5, "lost": 2, "new": 6, "qualified": 1},
        "sla": {
            "contactable": 13, "met": 4, "missed": 3, "due": 1, "overdue": 5, "exempt": 2,
            "compliance": 1.0 / 3.0, "median_first_touch_s": 26100,
            "p90_first_touch_s": 93600, "untouched": 7
        },
        "window": {"since": null, "until": null},
        "sla_by_day": sla_by_day,
        "volume_by_week": volume_by_week,
        "funnel": {
            "contact_me": 5, "contact_me_then_acquired": 1,
            "test_drive": 1, "test_drive_then_acquired": 1
        },
        "pipeline": {"customers": 10, "touched": 5, "qualified": 1, "won": 0, "lost": 1},
        "follow_up": follow_up(3, 2, 1),
        "by_owner": {
            "ben": {
                "leads": 2, "contactable": 2, "met": 0, "missed": 1, "due": 0, "overdue": 1,
                "compliance": 0.0, "median_first_touch_s": 90000, "follow_up": follow_up(0, 0, 0)
            },
            "mara": {
                "leads": 4, "contactable": 4, "met": 2, "missed": 1, "due": 0, "overdue": 1,
                "compliance": 0.5, "median_first_touch_s": 30600, "follow_up": follow_up(2, 1, 0)
            },
            "unassigned": {
                "leads": 8, "contactable": 7, "met": 2, "missed": 1, "due": 1, "overdue": 3,
                "compliance": 1.0 / 3.0, "median_first_touch_s": 3600,
                "follow_up": follow_up(1, 1, 1)
            }
        },
        "lost_reasons": {"no budget": 1, "not a fit": 1},
        "overrides": {"qualified_without_checklist": 1, "lost_forced": 2},
        "offers": offers(8, 4, 2)
    });
    for key in want.as_object().unwrap().keys() {
        assert_eq!(stats[key], want[key], "{key}");
    }
    assert_eq!(stats, want);
}

#[test]
fn a_window_of_local_days_keeps_every_offer_and_its_health() {
    let env = analytics_env();
    let stats = stats(&env, &["--since", "2026-11-16", "--until", "2026-11-21"]);
    let want = json!({
        "by_action": {"Create": 1, "DNC": 1, "INS": 2, "PLT": 3, "StartTestDrive": 1},
        "by_source": {"AppSource": 4, "AzureMarketplace": 2, "AzurePortal": 1, "TestDrive": 1},
        "by_offer": {"contoso.alpha": 8},
        "by_status": {"contacted": 3, "lost": 1, "new": 3, "qualified": 1},
        "sla": {
            "contactable": 7, "met": 2, "missed": 2, "due": 1, "overdue": 2, "exempt": 2,
            "compliance": 1.0 / 3.0, "median_first_touch_s": 60300,
            "p90_first_touch_s": 93600, "untouched": 3
        },
        "window": {"since": "2026-11-16", "until": "2026-11-21"},
        "sla_by_day": days_of_the_week_of_the_16th(),
        "volume_by_week": [week("2026-W47", [2, 3, 1, 1, 1])],
        "funnel": {
            "contact_me": 3, "contact_me_then_acquired": 1,
            "test_drive": 1, "test_drive_then_acquired": 1
        },
        "pipeline": {"customers": 4, "touched": 3, "qualified": 1, "won": 0, "lost": 0},
        "follow_up": follow_up(3, 2, 1),
        "by_owner": {
            "ben": {
                "leads": 2, "contactable": 2, "met": 0, "missed": 1, "due": 0, "overdue": 1,
                "compliance": 0.0, "median_first_touch_s": 90000, "follow_up": follow_up(0, 0, 0)
            },
            "mara": {
                "leads": 4, "contactable": 4, "met": 2, "missed": 1, "due": 0, "overdue": 1,
                "compliance": 0.5, "median_first_touch_s": 30600, "follow_up": follow_up(2, 1, 0)
            },
            "unassigned": {
                "leads": 2, "contactable": 1, "met": 0, "missed": 0, "due": 1, "overdue": 0,
                "compliance": null, "median_first_touch_s": null, "follow_up": follow_up(1, 1, 1)
            }
        },
        "lost_reasons": {"no budget": 1, "not a fit": 1},
        "overrides": {"qualified_without_checklist": 1, "lost_forced": 2},
        // contoso.silent has no lead in the window: still listed, still silent.
        "offers": offers(8, 0, 0)
    });
    for key in want.as_object().unwrap().keys() {
        assert_eq!(stats[key], want[key], "{key}");
    }
    assert_eq!(stats, want);
}

#[test]
fn a_window_of_one_day_starts_at_local_midnight() {
    let env = analytics_env();
    let stats = stats(&env, &["--since", "2026-11-20", "--until", "2026-11-20"]);
    assert_eq!(
        stats["by_action"],
        json!({"Create": 1, "PLT": 1, "StartTestDrive": 1})
    );
    assert_eq!(
        stats["sla_by_day"],
        json!([day("2026-11-20", [3, 1, 0, 1, 1], json!(0.5))])
    );
    assert_eq!(
        stats["funnel"],
        json!({
            "contact_me": 1, "contact_me_then_acquired": 0,
            "test_drive": 1, "test_drive_then_acquired": 1
        })
    );
    assert_eq!(
        stats["volume_by_week"],
        json!([week("2026-W47", [0, 1, 0, 1, 1])])
    );
}

#[test]
fn the_keys_come_in_their_documented_order() {
    let env = analytics_env();
    let text = env.ok(["stats", "--format", "json"]);
    // Each object as the text has it (a `Value` sorts its keys).
    let top: BTreeMap<String, Box<RawValue>> = serde_json::from_str(&text).unwrap();
    let first = |key: &str| -> String {
        let items: Vec<Box<RawValue>> = serde_json::from_str(top[key].get()).unwrap();
        items[0].get().to_string()
    };
    let member = |key: &str, name: &str| -> String {
        let members: BTreeMap<String, Box<RawValue>> =
            serde_json::from_str(top[key].get()).unwrap();
        members[name].get().to_string()
    };
    assert_eq!(
        keys_in_order(top["sla"].get()),
        [
            "contactable",
            "met",
            "missed",
            "due",
            "overdue",
            "exempt",
            "compliance",
            "median_first_touch_s",
            "p90_first_touch_s",
            "untouched"
        ]
    );
    assert_eq!(keys_in_order(top["window"].get()), ["since", "until"]);
    assert_eq!(
        keys_in_order(&first("sla_by_day")),
        [
            "date",
            "contactable",
            "met",
            "missed",
            "due",
            "overdue",
            "compliance"
        ]
    );
    assert_eq!(
        keys_in_order(&first("volume_by_week")),
        [
            "week",
            "INS",
            "PLT",
            "DNC",
            "Create",
            "StartTestDrive",
            "other"
        ]
    );
    assert_eq!(
        keys_in_order(&member("by_owner", "mara")),
        [
            "leads",
            "contactable",
            "met",
            "missed",
            "due",
            "overdue",
            "compliance",
            "median_first_touch_s",
            "follow_up"
        ]
    );
    assert_eq!(
        keys_in_order(top["funnel"].get()),
        [
            "contact_me",
            "contact_me_then_acquired",
            "test_drive",
            "test_drive_then_acquired"
        ]
    );
    assert_eq!(
        keys_in_order(top["pipeline"].get()),
        ["customers", "touched", "qualified", "won", "lost"]
    );
    assert_eq!(
        keys_in_order(top["follow_up"].get()),
        ["due_today", "overdue", "decisions_due"]
    );
    assert_eq!(
        keys_in_order(top["overrides"].get()),
        ["qualified_without_checklist", "lost_forced"]
    );
    assert_eq!(
        keys_in_order(&member("offers", "contoso.alpha")),
        [
            "leads",
            "last_lead_at",
            "last_test_lead_at",
            "median_gap_s",
            "silent"
        ]
    );
}

#[test]
fn the_text_has_a_section_for_each_figure() {
    let env = analytics_env();
    let text = env.ok(["stats", "--since", "2026-11-16", "--until", "2026-11-21"]);
    for line in [
        "8 leads (test leads left out), received 2026-11-16 to 2026-11-21",
        "  compliance 33%   median first touch 16h45m   p90 1d2h",
        "  3 contactable leads not touched yet",
        "  2026-11-20           3       1       0       1       1        50%",
        "  week        INS    PLT    DNC Create StartTestDrive  other",
        "  2026-W47      2      3      1      1              1      0",
        "  Contact me, then acquired  1 of 3 (33%)",
        "  Test drive, then acquired  1 of 1 (100%)",
        "  4 customers: 3 touched, 1 qualified, 0 won, 0 lost",
        "  due today 3, of them past due 2; decisions due 1",
        "  mara                           4           4        50%    8h30m         2        1         0",
        "  no budget                                      1",
        "  1 qualified without the checklist, 2 lost with --force",
        "  contoso.silent                         0 2026-10-07 11:00 -                      2d0h  SILENT",
    ] {
        assert!(text.lines().any(|l| l == line), "no line {line:?} in:\n{text}");
    }
    // A day without a contactable lead is left out of the text.
    assert!(
        !text.lines().any(|l| l.starts_with("  2026-11-19")),
        "{text}"
    );
}

#[test]
fn a_bad_window_is_a_usage_error() {
    let env = analytics_env();
    for (args, message) in [
        (
            vec!["stats", "--since", "20.11.2026"],
            "cannot read the date '20.11.2026' (expected YYYY-MM-DD, e.g. 2026-11-20)",
        ),
        (
            vec!["stats", "--until", "2026-11-31"],
            "cannot read the date '2026-11-31'",
        ),
        (
            vec!["stats", "--since", "2026-11-21", "--until", "2026-11-20"],
            "--until 2026-11-20 is before --since 2026-11-21",
        ),
    ] {
        let run = env.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}");
    }
}
