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

/// `#` and digits: that lead alone. Otherwise every word typed begins a word of a searched
/// field: a run of letters and digits, in lower case without accents, except that digit
/// groups joined by spaces or `-./()` (20 digits at most) are one number, whose one word is
/// its digits, less the first group when a `+` comes before it.
fn found(lead: &leadbox::domain::Lead, text: &str) -> bool {
    if let Some(digits) = text.trim().strip_prefix('#') {
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            return digits.parse() == Ok(lead.id);
        }
    }
    let fields = [
        &lead.first_name,
        &lead.last_name,
        &lead.full_name,
        &lead.email,
        &lead.phone,
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

/// The words of a text, as [`found`] says.
fn split(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut words = Vec::new();
    // The number being read: its groups, and whether a `+` came before the first.
    let mut groups: Vec<String> = Vec::new();
    let mut plus = false;
    // Whether only joiners came since the last group.
    let mut joined = true;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphanumeric() {
            joined &= matches!(chars[i], ' ' | '\u{a0}' | '-' | '.' | '/' | '(' | ')');
            i += 1;
            continue;
        }
        let run: String = chars[i..]
            .iter()
            .take_while(|c| c.is_alphanumeric())
            .collect();
        let before = i.checked_sub(1).map(|b| chars[b]);
        i += run.chars().count();
        if run.chars().all(|c| c.is_ascii_digit()) {
            let digits: usize = groups.iter().map(String::len).sum();
            if !(joined && digits + run.len() <= 20) {
                number(&mut groups, plus, &mut words);
            }
            if groups.is_empty() {
                plus = before == Some('+');
            }
            groups.push(run);
        } else {
            number(&mut groups, plus, &mut words);
            words.push(run.chars().flat_map(plain).collect());
        }
        joined = true;
    }
    number(&mut groups, plus, &mut words);
    words
}

/// A number's word: its digits, less the country code after a `+`.
fn number(groups: &mut Vec<String>, plus: bool, words: &mut Vec<String>) {
    if !groups.is_empty() {
        let from = usize::from(plus && groups.len() > 1);
        words.push(groups[from..].concat());
    }
    groups.clear();
}

/// A letter in lower case without its accent. The generated leads' accented letters are
/// listed; any other letter outside the scripts kept as they are stops the test, to be
/// added here.
fn plain(c: char) -> Vec<char> {
    let lower: Vec<char> = c.to_lowercase().collect();
    if lower.iter().all(char::is_ascii) {
        return lower;
    }
    let folded = match lower[..] {
        ['á'] => 'a',
        ['ç'] => 'c',
        ['è' | 'é' | 'ë' | 'ễ'] => 'e',
        ['ñ'] => 'n',
        ['ö' | 'ø'] => 'o',
        ['ü'] => 'u',
        ['ı'] => 'i',
        ['ł'] => 'l',
        _ => {
            // Kana and CJK ideographs stay as they are.
            assert!(
                ('\u{3040}'..='\u{30FF}').contains(&c) || ('\u{4E00}'..='\u{9FFF}').contains(&c),
                "{c:?}: a letter the test does not know how to fold"
            );
            return vec![c];
        }
    };
    vec![folded]
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
        "muller",
        "MÜLLER",
        "zoe",
        "yilmaz",
        "lukasz",
        "fernandez",
        "omer soren",
        "nguyen",
        "MüL",
        "425 555",
        "4255550",
        "5550",
        "+1 (425) 555-0",
        "+1 4",
        "#17",
        " #2999 ",
        "#999999",
        "#0",
        "# 17",
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
    // The folded and numbered searches above find leads.
    assert!(count("muller") > 0 && count("zoe") > 0 && count("4255550") > 0);
    assert_eq!(count("#17"), 1);
}

/// Lead `id`s that a search finds, through every way the store serves it: the inbox's
/// pages forward and backward, the filter bar's count, and `list`'s one pass (`for_each`).
fn ids_found(store: &Store, filter: &LeadFilter) -> Vec<i64> {
    let pages = paged(store, filter, SortKey::Received);
    assert_eq!(paged_backward(store, filter, SortKey::Received), pages);
    if filter.actions.is_empty() {
        // (The filter bar counts every action filter under the same search.)
        let counts = store.lane_counts(filter, now()).unwrap();
        assert_eq!(counts.all as usize, pages.len(), "{filter:?}");
    }
    let mut listed = Vec::new();
    store
        .for_each(filter, SortKey::Received, now(), |lead| {
            listed.push(lead.id);
            Ok::<_, leadbox::store::StoreError>(())
        })
        .unwrap();
    assert_eq!(listed, pages, "{filter:?}");
    pages
}

#[test]
fn a_rep_finds_a_lead_by_what_they_type() {
    let leads = concat!(
        r#"{"FirstName":"Jürgen","LastName":"Müller","Phone":"+1 (425) 555-0100","Email":"jm@tailspin.example","LeadSource":"AppSource-PLT|a.b","receivedAt":"2026-11-21T08:00:00Z"}"#,
        "\n",
        r#"{"FirstName":"Zoë","LastName":"Ångström","Phone":"+44 20 7946 0958","Email":"zoe@fabrikam.example","LeadSource":"AppSource-INS|a.b","receivedAt":"2026-11-21T09:00:00Z"}"#,
        "\n",
        r#"{"FirstName":"Ana","LastName":"Muller","Email":"ana@contoso.example","Description":"Call 425 555 0199.","LeadSource":"AppSource-PLT|a.b","receivedAt":"2026-11-21T10:00:00Z"}"#,
    );
    let mut store = Store::open_in_memory().unwrap();
    let options = ImportOptions::default();
    let report = import_bytes(
        &mut store,
        "l.ndjson",
        leads.as_bytes(),
        now(),
        &options,
        now(),
    )
    .unwrap();
    assert!(report.is_clean(), "{report}");
    let id_of = |name: &str| {
        let filter = LeadFilter::default();
        let mut found = None;
        store
            .for_each(&filter, SortKey::Received, now(), |lead| {
                if lead.first_name.as_deref() == Some(name) {
                    found = Some(lead.id);
                }
                Ok::<_, leadbox::store::StoreError>(())
            })
            .unwrap();
        found.unwrap()
    };
    let (jurgen, zoe, ana) = (id_of("Jürgen"), id_of("Zoë"), id_of("Ana"));
    let search = |text: &str| {
        let mut ids = ids_found(&store, &LeadFilter::default().with_search(text));
        ids.sort_unstable();
        ids
    };
    let mut both = vec![jurgen, ana];
    both.sort_unstable();
    assert_eq!(search("muller"), both);
    assert_eq!(search("MÜLLER"), both);
    assert_eq!(search("Müller jürgen"), [jurgen]);
    assert_eq!(search("4255550100"), [jurgen]);
    assert_eq!(search("+1 (425) 555-0100"), [jurgen]);
    assert_eq!(search("425-555-010"), [jurgen]);
    assert_eq!(search("425555"), both, "a phone in the notes too");
    assert_eq!(search("zoe angstrom"), [zoe]);
    assert_eq!(search("2079460958"), [zoe]);
    assert_eq!(search("+44 20 7946"), [zoe]);
    assert_eq!(search(&format!("#{jurgen}")), [jurgen]);
    assert_eq!(search(&format!("#{zoe}")), [zoe]);
    assert!(search("#999999").is_empty());
    // The other filters still apply to `#id`.
    let plt = |text: &str| {
        ids_found(
            &store,
            &LeadFilter {
                actions: vec![Action::Plt],
                ..LeadFilter::default().with_search(text)
            },
        )
    };
    assert_eq!(plt(&format!("#{jurgen}")), [jurgen]);
    assert!(plt(&format!("#{zoe}")).is_empty(), "Zoë's lead is INS");
}
