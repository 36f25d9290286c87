//! The inbox's pages agree with a plain scan whichever way a search is served: few
//! candidates sorted in memory, many kept as a set while lanes are read, or words so common
//! that each row is checked. The switch points are lowered so a small store reaches all three.

use chrono::{DateTime, TimeZone, Utc};
use leadbox::domain::{Action, LeadFilter, SortKey};
use leadbox::generate::{write_leads, GenFormat, GenOptions};
use leadbox::import::{import_bytes, ImportOptions};
use leadbox::store::{PageEnd, PageStart, SearchTuning, Store};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap()
}

fn store() -> Store {
    let mut bytes = Vec::new();
    let options = GenOptions {
        count: 3000,
        seed: 9,
        format: GenFormat::Ndjson,
        start: Utc.with_ymd_and_hms(2026, 11, 16, 0, 0, 0).unwrap(),
        days: 6,
    };
    write_leads(&mut bytes, &options).unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let report = import_bytes(
        &mut store,
        "generated.ndjson",
        &bytes,
        now(),
        &ImportOptions::default(),
        now(),
    )
    .unwrap();
    assert!(report.is_clean(), "{report}");
    // Every offer is "contoso.…" (3000 leads: common); an offer word reaches some hundreds
    // (many); a name reaches a few dozen (few).
    store.tune_search(SearchTuning {
        few_matches: 120,
        common_word: 1500,
        common_share: 0.0,
    });
    store
}

/// Every lead the filter shows, page by page, forward.
fn paged(store: &Store, filter: &LeadFilter, sort: SortKey) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut from = PageStart::Beginning;
    loop {
        let page = store
            .page_forward(filter, sort, now(), &from, 0, 37)
            .unwrap();
        let Some((last, _)) = page.last().cloned() else {
            break;
        };
        ids.extend(page.iter().map(|(_, lead)| lead.id));
        from = PageStart::After(last);
    }
    ids
}

/// The same list, page by page, from the end.
fn paged_backward(store: &Store, filter: &LeadFilter, sort: SortKey) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut until = PageEnd::End;
    loop {
        let page = store
            .page_backward(filter, sort, now(), &until, 41)
            .unwrap();
        let Some((first, _)) = page.first().cloned() else {
            break;
        };
        ids.splice(0..0, page.iter().map(|(_, lead)| lead.id));
        until = PageEnd::Before(first);
    }
    ids
}

/// The plain answer, worked out here from every lead read by id, with the rules written out
/// again (never the store's filter or search code): the action filters, the test toggle,
/// the search rule (each typed word begins a word of the name, email, company, offer or
/// notes, any case), and each sort's key.
fn scanned(store: &Store, filter: &LeadFilter, sort: SortKey) -> Vec<i64> {
    let mut leads = Vec::new();
    let mut id = 1;
    while let Ok(lead) = store.lead(id) {
        leads.push(lead);
        id += 1;
    }
    let known = |a: &Option<Action>| a.as_ref().is_some_and(Action::is_known);
    leads.retain(|l| {
        (filter.include_test || !l.is_test)
            && ((filter.actions.is_empty() && !filter.other_actions)
                || filter.actions.iter().any(|a| l.action.as_ref() == Some(a))
                || (filter.other_actions && !known(&l.action)))
            && filter.search.as_deref().is_none_or(|text| found(l, text))
    });
    let key = |l: &leadbox::domain::Lead| -> (i64, String, i64) {
        let urgency = match (l.sla_due_at, l.first_touch_at, l.closed_at) {
            (Some(due), None, None) => due.timestamp(),
            _ => 100_000_000_000 - l.received_at.timestamp(),
        };
        let text = |v: &Option<String>| {
            v.as_deref()
                .map_or("\u{10FFFF}".into(), str::to_ascii_lowercase)
        };
        match sort {
            SortKey::Urgency => (urgency, String::new(), l.id),
            SortKey::Received => (-l.received_at.timestamp(), String::new(), l.id),
            SortKey::Company => (0, text(&l.company), l.id),
            SortKey::Offer => (0, text(&l.offer), l.id),
        }
    };
    leads.sort_by_key(|l| key(l));
    leads.iter().map(|l| l.id).collect()
}

/// Every word typed begins a word (a run of letters and digits) of a searched field.
fn found(lead: &leadbox::domain::Lead, text: &str) -> bool {
    let split = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let fields = [
        &lead.first_name,
        &lead.last_name,
        &lead.full_name,
        &lead.email,
        &lead.company,
        &lead.offer,
        &lead.offer_name,
        &lead.description,
    ];
    let words: Vec<String> = fields
        .iter()
        .filter_map(|f| f.as_deref())
        .flat_map(split)
        .collect();
    let typed = split(text);
    !typed.is_empty() && typed.iter().all(|t| words.iter().any(|w| w.starts_with(t)))
}

fn check(store: &Store, filter: &LeadFilter) {
    for &sort in SortKey::ALL {
        let want = scanned(store, filter, sort);
        assert_eq!(paged(store, filter, sort), want, "{filter:?} by {sort:?}");
        assert_eq!(
            paged_backward(store, filter, sort),
            want,
            "{filter:?} by {sort:?}, backward"
        );
    }
}

#[test]
fn no_search_in_every_filter() {
    let store = store();
    check(&store, &LeadFilter::default());
    check(
        &store,
        &LeadFilter {
            include_test: true,
            ..LeadFilter::default()
        },
    );
    check(
        &store,
        &LeadFilter {
            actions: vec![Action::Plt],
            ..LeadFilter::default()
        },
    );
    check(
        &store,
        &LeadFilter {
            other_actions: true,
            include_test: true,
            ..LeadFilter::default()
        },
    );
}

#[test]
fn every_search_strategy_agrees_with_a_scan() {
    let store = store();
    for text in [
        "contoso",
        "con",
        "analytics",
        "ana",
        "gateway ingrid",
        "contoso priya",
        "a",
        "zz",
        "fab",
        "-",
    ] {
        let filter = LeadFilter::default().with_search(text);
        let all = scanned(&store, &filter, SortKey::Urgency).len();
        check(&store, &filter);
        check(
            &store,
            &LeadFilter {
                actions: vec![Action::Ins],
                ..filter.clone()
            },
        );
        let counts = store.lane_counts(&filter, now()).unwrap();
        assert_eq!(counts.all as usize, all, "count for {text:?}");
    }
}

#[test]
fn the_strategies_are_all_exercised() {
    // Guard for the test above: the tuned store really reaches each strategy.
    let store = store();
    let count = |text: &str| {
        scanned(
            &store,
            &LeadFilter::default().with_search(text),
            SortKey::Urgency,
        )
        .len()
    };
    assert!(count("contoso") > 1500, "common word");
    assert!(
        (120..1500).contains(&count("analytics")),
        "many candidates: {}",
        count("analytics")
    );
    assert!(count("ingrid") <= 120, "few candidates");
}
