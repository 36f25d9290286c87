use super::*;
use crate::domain::follow_up::Owed;
use chrono::TimeZone;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn day(y: i32, mo: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, mo, d).unwrap()
}

fn berlin() -> Zone {
    Zone::named("Europe/Berlin").unwrap()
}

#[test]
fn nearest_rank_takes_the_ceiling_rank() {
    // n = 10: rank 9.
    let mut ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    assert_eq!(nearest_rank(&mut ten, 90), Some(9));
    // n = 11: ceil(9.9) = rank 10.
    let mut eleven = [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    assert_eq!(nearest_rank(&mut eleven, 90), Some(10));
    // n = 1 and n = 2: rank 1, then ceil(1.8) = 2.
    assert_eq!(nearest_rank(&mut [42], 90), Some(42));
    assert_eq!(nearest_rank(&mut [300, 100], 90), Some(300));
    // n = 20: rank 18 exactly (no floating-point 18.000001).
    let mut twenty: Vec<i64> = (1..=20).collect();
    assert_eq!(nearest_rank(&mut twenty, 90), Some(18));
    assert_eq!(nearest_rank(&mut [], 90), None);
}

#[test]
fn median_of_odd_and_even_counts() {
    assert_eq!(median(&mut [5, 1, 3]), Some(3));
    assert_eq!(median(&mut [4, 1, 3, 10]), Some(3));
    assert_eq!(median(&mut []), None);
}

#[test]
fn median_gap_is_over_distinct_times_and_needs_three() {
    // Times 0, 100, 100, 400: distinct 0, 100, 400; gaps 100 and 300; median 200.
    assert_eq!(median_gap(vec![400, 100, 0, 100]), Some(200));
    // Two distinct times (one repeated): no median gap.
    assert_eq!(median_gap(vec![50, 50, 10]), None);
    assert_eq!(median_gap(vec![]), None);
    // Gaps 10, 20, 1000: median 20.
    assert_eq!(median_gap(vec![0, 10, 30, 1030]), Some(20));
}

#[test]
fn silence_is_three_median_gaps_and_at_least_seven_days() {
    let last = utc(2026, 11, 1, 0, 0);
    let day_s = 86_400;
    // A median gap of 1 day: 7 days is the bound, not 3 days.
    assert!(!is_silent(
        last + Duration::days(7),
        Some(last),
        Some(day_s)
    ));
    assert!(is_silent(
        last + Duration::days(7) + Duration::seconds(1),
        Some(last),
        Some(day_s)
    ));
    // A median gap of 4 days: 12 days.
    assert!(!is_silent(
        last + Duration::days(12),
        Some(last),
        Some(4 * day_s)
    ));
    assert!(is_silent(
        last + Duration::days(13),
        Some(last),
        Some(4 * day_s)
    ));
    // No median gap, or no lead: never silent.
    assert!(!is_silent(last + Duration::days(400), Some(last), None));
    assert!(!is_silent(last, None, None));
}

#[test]
fn iso_weeks_follow_the_iso_year() {
    assert_eq!(iso_week(day(2026, 11, 16)), "2026-W47");
    assert_eq!(iso_week(day(2026, 11, 22)), "2026-W47");
    assert_eq!(iso_week(day(2026, 11, 23)), "2026-W48");
    // 2027-01-01 is a Friday: week 53 of 2026.
    assert_eq!(iso_week(day(2027, 1, 1)), "2026-W53");
    // 2024-12-30 is a Monday: week 1 of 2025.
    assert_eq!(iso_week(day(2024, 12, 30)), "2025-W01");
    assert_eq!(week_start(day(2026, 11, 22)), day(2026, 11, 16));
    let mondays: Vec<NaiveDate> = weeks(day(2026, 11, 22), day(2026, 12, 1)).collect();
    assert_eq!(
        mondays,
        [day(2026, 11, 16), day(2026, 11, 23), day(2026, 11, 30)]
    );
}

#[test]
fn a_window_holds_local_days_both_ends_included() {
    let window = Window::new(Some(day(2026, 11, 20)), Some(day(2026, 11, 21))).unwrap();
    let span = window.span(berlin());
    // Berlin is UTC+1 in November: the window is 11-19 23:00 to 11-21 23:00 UTC.
    assert!(!span.contains(utc(2026, 11, 19, 22, 59)));
    assert!(span.contains(utc(2026, 11, 19, 23, 0)));
    assert!(span.contains(utc(2026, 11, 21, 22, 59)));
    assert!(!span.contains(utc(2026, 11, 21, 23, 0)));
    assert!(Window::default()
        .span(berlin())
        .contains(utc(1900, 1, 1, 0, 0)));
    assert_eq!(
        Window::new(Some(day(2026, 11, 21)), Some(day(2026, 11, 20))),
        Err("--until 2026-11-20 is before --since 2026-11-21: the window would hold no day".into())
    );
}

#[test]
fn the_days_of_sla_by_day() {
    let today = day(2026, 11, 21);
    // No start: the last 30 days, today included, or up to the end.
    assert_eq!(Window::default().days(today), (day(2026, 10, 23), today));
    let until = Window::new(None, Some(day(2026, 11, 10))).unwrap();
    assert_eq!(until.days(today), (day(2026, 10, 12), day(2026, 11, 10)));
    // A start: up to the end, else today.
    let since = Window::new(Some(day(2026, 11, 18)), None).unwrap();
    assert_eq!(since.days(today), (day(2026, 11, 18), today));
    let ahead = Window::new(Some(day(2026, 12, 1)), None).unwrap();
    assert_eq!(ahead.days(today), (day(2026, 12, 1), day(2026, 12, 1)));
}

#[test]
fn the_weeks_of_volume_by_week() {
    let today = day(2026, 11, 21);
    let open = Window::default();
    assert_eq!(open.weeks(today, None, None), None);
    assert_eq!(
        open.weeks(today, Some(day(2026, 11, 2)), Some(day(2026, 11, 10))),
        Some((day(2026, 11, 2), today))
    );
    let both = Window::new(Some(day(2026, 11, 1)), Some(day(2026, 11, 8))).unwrap();
    assert_eq!(
        both.weeks(today, None, None),
        Some((day(2026, 11, 1), day(2026, 11, 8)))
    );
}

#[test]
fn local_days_cross_a_zone_boundary_and_a_daylight_saving_change() {
    let mut days = LocalDays::new(berlin());
    assert_eq!(days.date_of(utc(2026, 11, 19, 22, 59)), day(2026, 11, 19));
    assert_eq!(days.date_of(utc(2026, 11, 19, 23, 0)), day(2026, 11, 20));
    assert_eq!(days.date_of(utc(2026, 11, 20, 12, 0)), day(2026, 11, 20));
    assert_eq!(days.date_of(utc(2026, 11, 19, 22, 0)), day(2026, 11, 19));
    // 2026-10-25 is 25 hours long in Berlin: 10-24 22:00 to 10-25 23:00 UTC.
    assert_eq!(days.date_of(utc(2026, 10, 25, 22, 30)), day(2026, 10, 25));
    assert_eq!(days.date_of(utc(2026, 10, 24, 22, 0)), day(2026, 10, 25));
    assert_eq!(days.date_of(utc(2026, 10, 25, 23, 0)), day(2026, 10, 26));
}

#[test]
fn read_day_takes_a_date_only() {
    assert_eq!(read_day(" 2026-11-20 "), Ok(day(2026, 11, 20)));
    assert_eq!(
        read_day("20.11.2026"),
        Err("cannot read the date '20.11.2026' (expected YYYY-MM-DD, e.g. 2026-11-20)".into())
    );
    assert!(read_day("2026-02-30").is_err());
    assert_eq!(
        read_day("2300-01-01"),
        Err("the date '2300-01-01' is outside the years 1900-2200".into())
    );
}

#[test]
fn compliance_and_contactable() {
    let mut counts = SlaCounts::default();
    for state in [
        SlaState::Met,
        SlaState::Met,
        SlaState::Missed,
        SlaState::Overdue,
        SlaState::Due,
        SlaState::Exempt,
    ] {
        counts.count(state);
    }
    assert_eq!(counts.contactable(), 5);
    assert_eq!(counts.compliance(), Some(0.5));
    assert_eq!(SlaCounts::default().compliance(), None);
}

#[test]
fn follow_up_counts_are_the_today_groups() {
    let now = utc(2026, 11, 21, 18, 0);
    let end = utc(2026, 11, 22, 0, 0);
    let next = |owed, due_at| Next {
        owed,
        lead_id: 1,
        due_at,
        snoozed: false,
    };
    let mut counts = FollowUpCounts::default();
    for item in [
        next(Owed::Step { step: 1 }, utc(2026, 11, 20, 9, 0)), // past due
        next(Owed::Step { step: 2 }, now),                     // due now: past due
        next(Owed::NextStep, utc(2026, 11, 21, 23, 0)),        // later today
        next(Owed::Step { step: 1 }, end),                     // tomorrow: not counted
        next(Owed::Decide, utc(2026, 11, 1, 9, 0)),
        next(Owed::Decide, end), // tomorrow
        next(Owed::FirstTouch { hot: false }, utc(2026, 11, 1, 9, 0)), // a first touch
    ] {
        counts.count(&item, now, end);
    }
    assert_eq!(
        counts,
        FollowUpCounts {
            due_today: 3,
            overdue: 2,
            decisions_due: 1
        }
    );
}

#[test]
fn owners_are_folded_and_none_is_unassigned() {
    assert_eq!(owner_key(Some("Ana")), "ana");
    assert_eq!(owner_key(Some("ANA")), "ana");
    assert_eq!(owner_key(None), "unassigned");
}

fn path_lead(action: Action, received_at: DateTime<Utc>) -> PathLead<'static> {
    let action: &'static Action = Box::leak(Box::new(action));
    PathLead {
        action: Some(action),
        received_at,
        status: Status::New,
        contactable: true,
        touched: false,
        in_window: true,
    }
}

#[test]
fn the_funnel_counts_an_acquisition_strictly_after_the_first_contact_me() {
    let now = utc(2026, 11, 21, 18, 0);
    let span = Span::default();
    let funnel_of = |leads: &[PathLead]| {
        let mut path = CustomerPath::default();
        for lead in leads {
            path.add(lead, now);
        }
        let mut funnel = Funnel::default();
        funnel.count(&path, &span);
        funnel
    };
    // Contact me, then Get it now: converted.
    let converted = funnel_of(&[
        path_lead(Action::Plt, utc(2026, 11, 10, 9, 0)),
        path_lead(Action::Ins, utc(2026, 11, 12, 9, 0)),
    ]);
    assert_eq!(
        (converted.contact_me, converted.contact_me_then_acquired),
        (1, 1)
    );
    // Get it now first, Contact me after: not converted.
    let backwards = funnel_of(&[
        path_lead(Action::Ins, utc(2026, 11, 10, 9, 0)),
        path_lead(Action::Plt, utc(2026, 11, 12, 9, 0)),
    ]);
    assert_eq!(
        (backwards.contact_me, backwards.contact_me_then_acquired),
        (1, 0)
    );
    // The same second is not after; a Create after the earliest of two test drives is; an
    // acquisition after now does not count yet.
    let mixed = funnel_of(&[
        path_lead(Action::Plt, utc(2026, 11, 10, 9, 0)),
        path_lead(Action::Create, utc(2026, 11, 10, 9, 0)),
        path_lead(Action::StartTestDrive, utc(2026, 11, 11, 9, 0)),
        path_lead(Action::StartTestDrive, utc(2026, 11, 9, 9, 0)),
    ]);
    assert_eq!(
        mixed,
        Funnel {
            contact_me: 1,
            contact_me_then_acquired: 0,
            test_drive: 1,
            test_drive_then_acquired: 1
        }
    );
    let future = funnel_of(&[
        path_lead(Action::StartTestDrive, utc(2026, 11, 9, 9, 0)),
        path_lead(Action::Ins, utc(2026, 11, 22, 9, 0)),
    ]);
    assert_eq!((future.test_drive, future.test_drive_then_acquired), (1, 0));
    // The earliest Contact me outside the window: the customer is not in the funnel.
    let mut path = CustomerPath::default();
    path.add(&path_lead(Action::Plt, utc(2026, 11, 1, 9, 0)), now);
    path.add(&path_lead(Action::Plt, utc(2026, 11, 15, 9, 0)), now);
    path.add(&path_lead(Action::Ins, utc(2026, 11, 16, 9, 0)), now);
    let window = Window::new(Some(day(2026, 11, 10)), None).unwrap();
    let mut funnel = Funnel::default();
    funnel.count(&path, &window.span(Zone::named("UTC").unwrap()));
    assert_eq!(funnel, Funnel::default());
}

#[test]
fn the_pipeline_stage_follows_the_contactable_leads() {
    let now = utc(2026, 11, 21, 18, 0);
    let with = |statuses: &[Status], dnc_status: Option<Status>| {
        let mut path = CustomerPath::default();
        for &status in statuses {
            path.add(
                &PathLead {
                    status,
                    ..path_lead(Action::Plt, utc(2026, 11, 10, 9, 0))
                },
                now,
            );
        }
        if let Some(status) = dnc_status {
            path.add(
                &PathLead {
                    status,
                    contactable: false,
                    touched: true,
                    ..path_lead(Action::Dnc, utc(2026, 11, 10, 9, 0))
                },
                now,
            );
        }
        path
    };
    assert_eq!(with(&[Status::Lost, Status::Won], None).stage(), Stage::Won);
    assert_eq!(
        with(&[Status::Lost, Status::Qualified], None).stage(),
        Stage::Qualified
    );
    assert_eq!(
        with(&[Status::Lost, Status::Lost], None).stage(),
        Stage::Lost
    );
    // A DNC lead's status does not count; every contactable one is lost.
    assert_eq!(
        with(&[Status::Lost], Some(Status::New)).stage(),
        Stage::Lost
    );
    assert_eq!(
        with(&[Status::Lost, Status::Contacted], None).stage(),
        Stage::Open
    );
    // No contactable lead: open, and out of the pipeline.
    let none = with(&[], Some(Status::Lost));
    assert_eq!(none.stage(), Stage::Open);
    let mut pipeline = Pipeline::default();
    pipeline.count(&none);
    assert_eq!(pipeline, Pipeline::default());
    // A touch on any lead makes the customer touched.
    pipeline.count(&with(&[Status::Lost], Some(Status::New)));
    pipeline.count(&with(&[Status::Won], None));
    assert_eq!(
        pipeline,
        Pipeline {
            customers: 2,
            touched: 1,
            qualified: 0,
            won: 1,
            lost: 1
        }
    );
}

#[test]
fn delays_fall_in_their_buckets_bounds_included() {
    assert_eq!(delay_bucket(0), 0);
    assert_eq!(delay_bucket(3_600), 0);
    assert_eq!(delay_bucket(3_601), 1);
    // A touch exactly 24 hours after arrival is met: in 12-24h, left of the line.
    assert_eq!(delay_bucket(86_400), 5);
    assert_eq!(DELAY_LABELS[delay_bucket(86_400)], "12-24h");
    assert_eq!(delay_bucket(86_401), 6);
    assert_eq!(delay_bucket(7 * 86_400), 8);
    assert_eq!(delay_bucket(7 * 86_400 + 1), 9);
    assert_eq!(delay_bucket(400 * 86_400), DELAY_BUCKETS - 1);
    // Positions: the 24-hour line at 6, a delay placed inside its bucket.
    assert_eq!(delay_position(86_400), 6.0);
    assert_eq!(delay_position(0), 0.0);
    assert_eq!(delay_position(18 * 3_600), 5.5);
    assert_eq!(delay_position(36 * 3_600), 6.5);
    assert_eq!(delay_position(100 * 86_400), 10.0);
}
