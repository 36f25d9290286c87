use super::*;
use chrono::{NaiveDateTime, TimeZone};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn berlin() -> Zone {
    Zone::named("Europe/Berlin").unwrap()
}

fn lead(id: i64, received: DateTime<Utc>) -> CustomerLead {
    CustomerLead {
        id,
        received_at: received,
        action: Some(Action::Plt),
        status: Status::New,
        sla_due_at: Some(received + chrono::Duration::hours(24)),
        first_touch_at: None,
    }
}

fn touched(mut l: CustomerLead, at: DateTime<Utc>) -> CustomerLead {
    l.first_touch_at = Some(at);
    l.status = Status::Contacted;
    l
}

fn next_of(leads: &[CustomerLead], touches: &[DateTime<Utc>]) -> Option<Next> {
    next(
        leads,
        touches,
        &CustomerState::default(),
        &Rules::default(),
        Zone::named("UTC").unwrap(),
    )
}

#[test]
fn an_untouched_lead_is_owed_a_first_touch_at_its_due_time() {
    let l = lead(1, utc(2026, 11, 2, 8, 0));
    let n = next_of(&[l], &[]).unwrap();
    assert_eq!(n.owed, Owed::FirstTouch { hot: false });
    assert_eq!(n.due_at, utc(2026, 11, 3, 8, 0));
    let eod = utc(2026, 11, 3, 0, 0);
    assert_eq!(
        n.reason(utc(2026, 11, 2, 9, 0), eod),
        Some(Reason::FirstTouch)
    );
    assert_eq!(n.reason(utc(2026, 11, 3, 8, 0), eod), Some(Reason::Overdue));
}

#[test]
fn a_test_drive_is_named_first_but_never_hides_an_earlier_due_time() {
    let plt = lead(1, utc(2026, 11, 2, 8, 0));
    let mut drive = lead(2, utc(2026, 11, 2, 10, 0));
    drive.action = Some(Action::StartTestDrive);
    let n = next_of(&[plt, drive], &[]).unwrap();
    assert_eq!((n.owed, n.lead_id), (Owed::FirstTouch { hot: true }, 2));
    assert_eq!(n.due_at, utc(2026, 11, 3, 8, 0));
}

#[test]
fn the_cadence_counts_touch_days_not_touches() {
    let received = utc(2026, 11, 2, 8, 0);
    let first = utc(2026, 11, 2, 9, 0);
    let l = touched(lead(1, received), first);
    // Three calls in ten minutes are one step: the next is 2 days after the last of them.
    let calls = [
        first,
        first + chrono::Duration::minutes(5),
        first + chrono::Duration::minutes(10),
    ];
    let n = next_of(std::slice::from_ref(&l), &calls).unwrap();
    assert_eq!(n.owed, Owed::Step { step: 1 });
    assert_eq!(n.due_at, utc(2026, 11, 4, 9, 10));
    // A second day: 5 days on; a third: 10 days on; a fourth: a decision 10 days on.
    let mut touches = calls.to_vec();
    touches.push(utc(2026, 11, 4, 15, 0));
    assert_eq!(
        next_of(std::slice::from_ref(&l), &touches).unwrap().due_at,
        utc(2026, 11, 9, 15, 0)
    );
    touches.push(utc(2026, 11, 9, 16, 0));
    let third = next_of(std::slice::from_ref(&l), &touches).unwrap();
    assert_eq!(
        (third.owed, third.due_at),
        (Owed::Step { step: 3 }, utc(2026, 11, 19, 16, 0))
    );
    touches.push(utc(2026, 11, 19, 11, 0));
    let decide = next_of(std::slice::from_ref(&l), &touches).unwrap();
    assert_eq!(
        (decide.owed, decide.due_at),
        (Owed::Decide, utc(2026, 11, 29, 11, 0))
    );
    assert_eq!(
        decide.reason(utc(2026, 11, 29, 8, 0), utc(2026, 11, 30, 0, 0)),
        Some(Reason::Decide)
    );
    assert_eq!(
        decide.reason(utc(2026, 11, 28, 8, 0), utc(2026, 11, 29, 0, 0)),
        None
    );
}

#[test]
fn a_new_lead_restarts_the_cadence() {
    let old = touched(lead(1, utc(2026, 11, 2, 8, 0)), utc(2026, 11, 2, 9, 0));
    let touches = [
        utc(2026, 11, 2, 9, 0),
        utc(2026, 11, 4, 9, 0),
        utc(2026, 11, 9, 9, 0),
    ];
    // A new lead, touched once since it arrived: step 1 again, from that touch.
    let new = touched(lead(2, utc(2026, 11, 10, 8, 0)), utc(2026, 11, 10, 12, 0));
    let mut all = touches.to_vec();
    all.push(utc(2026, 11, 10, 12, 0));
    let n = next_of(&[old, new], &all).unwrap();
    assert_eq!(
        (n.owed, n.lead_id, n.due_at),
        (Owed::Step { step: 1 }, 2, utc(2026, 11, 12, 12, 0))
    );
}

#[test]
fn touch_days_are_local_days() {
    // 23:30 and 00:30 UTC are one day in New York (18:30, 19:30) and two in UTC.
    let a = utc(2026, 11, 2, 23, 30);
    let b = utc(2026, 11, 3, 0, 30);
    assert_eq!(
        touch_days(&[a, b], Zone::named("America/New_York").unwrap()),
        1
    );
    assert_eq!(touch_days(&[a, b], Zone::named("UTC").unwrap()), 2);
}

#[test]
fn a_follow_up_keeps_its_local_time_across_a_daylight_saving_change() {
    // Berlin leaves summer time on 2026-10-25: 10:00 local is 08:00 UTC before, 09:00 after.
    let l = touched(lead(1, utc(2026, 10, 23, 7, 0)), utc(2026, 10, 23, 8, 0));
    let n = next(
        &[l],
        &[utc(2026, 10, 23, 8, 0)],
        &CustomerState::default(),
        &Rules::default(),
        berlin(),
    )
    .unwrap();
    assert_eq!(n.due_at, utc(2026, 10, 25, 9, 0));
}

#[test]
fn qualified_won_and_closed_customers_leave_the_cadence() {
    let t = utc(2026, 11, 2, 9, 0);
    let mut l = touched(lead(1, utc(2026, 11, 2, 8, 0)), t);
    l.status = Status::Won;
    assert_eq!(next_of(std::slice::from_ref(&l), &[t]), None);
    l.status = Status::Lost;
    assert_eq!(next_of(std::slice::from_ref(&l), &[t]), None);
    l.status = Status::Qualified;
    assert_eq!(next_of(std::slice::from_ref(&l), &[t]), None);
    let state = CustomerState {
        next_step: Some(("demo".into(), utc(2026, 11, 5, 14, 0))),
        ..CustomerState::default()
    };
    let n = next(&[l], &[t], &state, &Rules::default(), berlin()).unwrap();
    assert_eq!(
        (n.owed, n.due_at),
        (Owed::NextStep, utc(2026, 11, 5, 14, 0))
    );
}

#[test]
fn dnc_test_and_unreachable_leads_are_never_owed_anything() {
    let mut l = lead(1, utc(2026, 11, 2, 8, 0));
    l.sla_due_at = None;
    assert_eq!(next_of(&[l], &[]), None);
}

#[test]
fn an_opted_out_customer_has_no_cadence() {
    let t = utc(2026, 11, 2, 9, 0);
    let l = touched(lead(1, utc(2026, 11, 2, 8, 0)), t);
    let state = CustomerState {
        opted_out: true,
        ..CustomerState::default()
    };
    assert_eq!(next(&[l], &[t], &state, &Rules::default(), berlin()), None);
}

#[test]
fn a_snooze_moves_the_follow_up_until_a_later_touch_or_lead() {
    let t = utc(2026, 11, 2, 9, 0);
    let l = touched(lead(1, utc(2026, 11, 2, 8, 0)), t);
    let until = utc(2026, 11, 20, 9, 0);
    let state = CustomerState {
        snooze: Some((until, utc(2026, 11, 3, 9, 0))),
        ..CustomerState::default()
    };
    let utc_zone = Zone::named("UTC").unwrap();
    let n = next(
        std::slice::from_ref(&l),
        &[t],
        &state,
        &Rules::default(),
        utc_zone,
    )
    .unwrap();
    assert_eq!(
        (n.owed, n.due_at, n.snoozed),
        (Owed::Step { step: 1 }, until, true)
    );
    // A touch after the snooze was set clears it.
    let later = utc(2026, 11, 4, 9, 0);
    let n = next(
        std::slice::from_ref(&l),
        &[t, later],
        &state,
        &Rules::default(),
        utc_zone,
    )
    .unwrap();
    assert_eq!(
        (n.owed, n.due_at, n.snoozed),
        (Owed::Step { step: 2 }, utc(2026, 11, 9, 9, 0), false)
    );
}

#[test]
fn a_first_touch_cannot_be_snoozed() {
    let l = lead(1, utc(2026, 11, 2, 8, 0));
    let state = CustomerState {
        snooze: Some((utc(2026, 12, 1, 0, 0), utc(2026, 11, 2, 9, 0))),
        ..CustomerState::default()
    };
    let n = next(&[l], &[], &state, &Rules::default(), berlin()).unwrap();
    assert_eq!((n.due_at, n.snoozed), (utc(2026, 11, 3, 8, 0), false));
}

#[test]
fn snooze_forms() {
    // Tuesday 2026-12-01, 15:30 in Berlin (14:30 UTC).
    let now = utc(2026, 12, 1, 14, 30);
    let start = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
    let at = |raw| snooze_until(raw, now, berlin(), start);
    assert_eq!(at("1h"), Ok(utc(2026, 12, 1, 15, 30)));
    assert_eq!(at("3d"), Ok(utc(2026, 12, 4, 14, 30)));
    assert_eq!(at("tomorrow"), Ok(utc(2026, 12, 2, 8, 0)));
    assert_eq!(at("Monday"), Ok(utc(2026, 12, 7, 8, 0)));
    // Strictly after today: on a Tuesday, "tuesday" is a week later.
    assert_eq!(at("tuesday"), Ok(utc(2026, 12, 8, 8, 0)));
    assert_eq!(at("2026-12-10"), Ok(utc(2026, 12, 10, 8, 0)));
    assert_eq!(at("2026-12-10T16:00:00Z"), Ok(utc(2026, 12, 10, 16, 0)));
    assert!(at("soon").unwrap_err().contains("tomorrow"));
    assert!(at("2026-11-01").unwrap_err().contains("not in the future"));
    assert!(at("0h").is_err());
}

#[test]
fn snoozing_across_a_daylight_saving_change_keeps_the_day_start() {
    // Sunday 2026-03-29 Berlin moves to summer time: 9:00 is 07:00 UTC on Monday.
    let now = utc(2026, 3, 28, 12, 0);
    let start = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
    assert_eq!(
        snooze_until("monday", now, berlin(), start),
        Ok(utc(2026, 3, 30, 7, 0))
    );
    assert_eq!(
        snooze_until("tomorrow", now, berlin(), start),
        Ok(utc(2026, 3, 29, 7, 0))
    );
}

#[test]
fn end_of_today_is_the_next_local_midnight() {
    let zone = Zone::named("America/New_York").unwrap();
    // 02:00 UTC on the 2nd is still the 1st in New York (21:00): today ends at 05:00 UTC.
    assert_eq!(
        zone.end_of_day(utc(2026, 12, 2, 2, 0)),
        utc(2026, 12, 2, 5, 0)
    );
    let wall = NaiveDateTime::parse_from_str("2026-12-02 00:00", "%Y-%m-%d %H:%M").unwrap();
    assert_eq!(zone.instant(wall), utc(2026, 12, 2, 5, 0));
}

#[test]
fn lost_reasons_are_the_configured_ones_or_other() {
    let rules = Rules::default();
    assert_eq!(lost_reason("No Budget", &rules), Ok("no budget".into()));
    assert_eq!(
        lost_reason("other: moved to a partner", &rules),
        Ok("other: moved to a partner".into())
    );
    assert!(lost_reason("other:", &rules).is_err());
    assert!(lost_reason("bored", &rules)
        .unwrap_err()
        .contains("\"opted out\""));
}

#[test]
fn the_checklist_is_judged_against_the_configured_items() {
    let rules = Rules::default();
    let checked = vec!["Budget".to_string(), "need".into(), "retired item".into()];
    assert_eq!(unchecked(&checked, &rules), vec!["authority", "timeline"]);
    assert_eq!(checklist_item("AUTHORITY", &rules), Ok("authority"));
    assert!(checklist_item("price", &rules).is_err());
}

#[test]
fn queue_order_puts_groups_first_then_test_drives_then_due_time() {
    let hot = Next {
        owed: Owed::FirstTouch { hot: true },
        lead_id: 1,
        due_at: utc(2026, 12, 2, 9, 0),
        snoozed: false,
    };
    let cold = Next {
        owed: Owed::FirstTouch { hot: false },
        lead_id: 2,
        due_at: utc(2026, 12, 2, 8, 0),
        snoozed: false,
    };
    let late = Next {
        owed: Owed::FirstTouch { hot: false },
        lead_id: 3,
        due_at: utc(2026, 11, 30, 8, 0),
        snoozed: false,
    };
    let now = utc(2026, 12, 1, 12, 0);
    let eod = utc(2026, 12, 2, 0, 0);
    let mut rows = [cold, hot, late];
    rows.sort_by_key(|n| n.queue_key(n.reason(now, eod).unwrap()));
    assert_eq!(rows.map(|n| n.lead_id), [3, 1, 2]);
}

#[test]
fn owner_names_are_trimmed_and_the_names_for_nobody_refused() {
    assert_eq!(owner_name(Some("  Ana ")), Ok(Some("Ana".to_string())));
    assert_eq!(owner_name(Some("   ")), Ok(None));
    assert_eq!(owner_name(None), Ok(None));
    assert_eq!(owner_name(Some("Nonet")), Ok(Some("Nonet".to_string())));
    for reserved in ["none", "NONE", " Unassigned "] {
        assert_eq!(
            owner_name(Some(reserved)),
            Err(Refused::ReservedOwner {
                name: reserved.trim().to_string()
            })
        );
    }
}
