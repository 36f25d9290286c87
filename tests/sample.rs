//! The bundled sample the demo opens: big and varied enough to show every part of the inbox.

use chrono::{Duration, TimeZone, Utc};
use leadbox::cli::load_sample;
use leadbox::domain::{Action, LeadFilter, SlaState, SortKey};
use leadbox::store::Store;
use std::collections::BTreeSet;

#[test]
fn the_sample_covers_every_case_and_arrives_just_now() {
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 30, 0).unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let reports = load_sample(&mut store, now).unwrap();
    assert!(reports.iter().all(|r| r.is_clean()), "{reports:?}");

    let mut leads = Vec::new();
    let everything = LeadFilter {
        include_test: true,
        ..LeadFilter::default()
    };
    store
        .for_each(&everything, SortKey::Received, now, |lead| {
            leads.push(lead);
            Ok::<_, leadbox::store::StoreError>(())
        })
        .unwrap();
    assert!(leads.len() >= 150, "{} leads", leads.len());

    let actions: BTreeSet<String> = leads
        .iter()
        .filter_map(|l| l.action.as_ref().map(|a| a.as_str().to_string()))
        .collect();
    for action in Action::KNOWN {
        assert!(actions.contains(action.as_str()), "no {action} lead");
    }
    let sources: BTreeSet<&str> = leads.iter().filter_map(|l| l.source.as_deref()).collect();
    assert_eq!(
        sources,
        BTreeSet::from(["AppSource", "AzureMarketplace", "AzurePortal", "TestDrive"])
    );
    assert!(leads.iter().any(|l| l.is_test), "test leads");
    assert!(
        leads.iter().any(|l| l.name().is_none()),
        "withheld personal data"
    );
    assert!(
        leads.iter().any(|l| l
            .name()
            .is_some_and(|n| n.chars().any(|c| c as u32 > 0x3000))),
        "CJK names"
    );
    let contacts: BTreeSet<i64> = leads.iter().map(|l| l.contact_id).collect();
    assert!(contacts.len() < leads.len(), "customers with several leads");

    // Shifted so that the newest arrived minutes ago, and spread over days.
    let newest = leads.iter().map(|l| l.received_at).max().unwrap();
    let oldest = leads.iter().map(|l| l.received_at).min().unwrap();
    assert_eq!(newest, now - Duration::minutes(7));
    assert!(newest - oldest > Duration::days(3));
    // A lived-in inbox: some answered in time, some late, some still open.
    let states: BTreeSet<&str> = leads.iter().map(|l| l.sla_state(now).as_str()).collect();
    for state in [
        SlaState::Met,
        SlaState::Missed,
        SlaState::Due,
        SlaState::Overdue,
        SlaState::Exempt,
    ] {
        assert!(states.contains(state.as_str()), "no {state} lead");
    }
}
