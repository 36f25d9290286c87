//! The inbox without a terminal: snapshots of every view on a `TestBackend`, and key
//! handling driven straight through the app state.

use chrono::{DateTime, FixedOffset, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use leadbox::domain::time::parse_time;
use leadbox::domain::{LeadFilter, SortKey, Status, TouchKind};
use leadbox::import::{import_path, ImportOptions};
use leadbox::store::{PageStart, Store, StoreError};
use leadbox::tui::app::{App, Effect, ExportRequest, Mode, Zone};
use leadbox::tui::theme::Theme;
use leadbox::tui::view::draw;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::{Path, PathBuf};

mod common;

const GOOD: [&str; 7] = [
    "https-endpoint/camel-array.json",
    "https-endpoint/flow-log.ndjson",
    "https-endpoint/pascal-single.json",
    "azure-table/marketplaceleads-storage-explorer.csv",
    "partner-center/leads-download.csv",
    "crm/salesforce-report.csv",
    "crm/dynamics-leads.csv",
];

fn now() -> DateTime<Utc> {
    parse_time("2026-11-21T18:00:00Z").unwrap()
}

fn fixture_store() -> Store {
    with_fixtures(Store::open_in_memory().unwrap())
}

/// `store` with every good fixture imported.
fn with_fixtures(mut store: Store) -> Store {
    let options = ImportOptions {
        received_at: parse_time("2026-11-21T12:00:00Z"),
        ..ImportOptions::default()
    };
    for file in GOOD {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(file);
        let report = import_path(&mut store, &path, &options, now()).unwrap();
        assert!(report.is_clean(), "{report}");
    }
    store
}

fn app_with(store: Store, width: u16, height: u16) -> App {
    let mut app = App::new(store, now(), Zone::Fixed(FixedOffset::east_opt(0).unwrap())).unwrap();
    app.resize(width, height).unwrap();
    app
}

fn app(width: u16, height: u16) -> App {
    app_with(fixture_store(), width, height)
}

fn screen(app: &App) -> String {
    let (width, height) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| draw(frame, app, Theme::plain()))
        .unwrap();
    terminal.backend().to_string()
}

fn key(app: &mut App, code: KeyCode) -> Effect {
    app.handle_key(&KeyEvent::new(code, KeyModifiers::NONE))
        .unwrap()
}

fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

// ---- snapshots -------------------------------------------------------------------------

#[test]
fn list_narrow() {
    insta::assert_snapshot!(screen(&app(80, 24)));
}

#[test]
fn list_wide() {
    insta::assert_snapshot!(screen(&app(160, 40)));
}

#[test]
fn each_action_filter() {
    let mut app = app(120, 30);
    for (digit, name) in [
        ('2', "ins"),
        ('3', "plt"),
        ('4', "dnc"),
        ('5', "create"),
        ('6', "testdrive"),
        ('7', "other"),
    ] {
        keys(&mut app, &digit.to_string());
        insta::assert_snapshot!(format!("filter_{name}"), screen(&app));
    }
}

#[test]
fn detail_pane() {
    let mut app = app(100, 40);
    keys(&mut app, "/priya");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Detail);
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn detail_pretty_prints_json_notes() {
    let mut app = app(100, 40);
    keys(&mut app, "/amara");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    let text = screen(&app);
    assert!(text.contains(r#""mktcmpid": "fall-webinar","#), "{text}");
}

#[test]
fn help_overlay() {
    let mut app = app(100, 40);
    keys(&mut app, "?");
    insta::assert_snapshot!(screen(&app));
}

/// Keys remapped in the settings: the help and the hint bar show the new ones, the new key
/// does the command and the old one nothing, and the other view keeps its key.
#[test]
fn help_overlay_with_remapped_keys() {
    use leadbox::config::KeyRemap;
    use leadbox::tui::keys::Keymap;
    let remap = |view: &str, name: &str, keys: &[&str]| KeyRemap {
        view: view.into(),
        name: name.into(),
        keys: keys.iter().map(|k| k.to_string()).collect(),
        line: 1,
    };
    let mut app = app(100, 40);
    app.keymap = Keymap::with(&[
        remap("list", "email", &["W"]),
        remap("list", "down", &["ctrl-n", "down"]),
        remap("list", "help", &["f1"]),
    ])
    .unwrap();
    let hints = screen(&app).lines().last().unwrap().to_string();
    assert!(
        hints.contains("F1 help") && hints.contains("^n/↓ move") && hints.contains("W email"),
        "{hints}"
    );
    key(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.mode, Mode::List), "? no longer opens the help");
    key(&mut app, KeyCode::F(1));
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn help_overlay_small_terminal() {
    let mut app = app(80, 24);
    keys(&mut app, "?");
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn import_summary() {
    let mut app = app(100, 30);
    let mut store = Store::open_in_memory().unwrap();
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad/truncated-line.ndjson");
    let mut report = import_path(&mut store, &path, &ImportOptions::default(), now()).unwrap();
    report.file = "bad/truncated-line.ndjson".into();
    app.finish_import(vec![report]).unwrap();
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn empty_store() {
    let app = app_with(Store::open_in_memory().unwrap(), 80, 24);
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn status_picker() {
    let mut app = app(80, 24);
    keys(&mut app, "S");
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn delete_confirmation() {
    let mut app = app(100, 24);
    keys(&mut app, "D");
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn hostile_text_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("evil.ndjson");
    std::fs::write(
        &file,
        "{\"userDetails\":{\"firstName\":\"Eve\\u001b[2J\",\"lastName\":\"X\\u0007\",\"email\":\"eve@evil.example\",\"company\":\"Evil\\nCorp\"},\"leadSource\":\"AzureMarketplace-INS|a.b\",\"receivedAt\":\"2026-11-21T10:00:00Z\"}\n",
    )
    .unwrap();
    let mut store = Store::open_in_memory().unwrap();
    import_path(&mut store, &file, &ImportOptions::default(), now()).unwrap();
    let mut app = app_with(store, 100, 10);
    let text = screen(&app);
    assert!(text.contains(r"Eve\e[2J X\u{7}"), "{text}");
    assert!(text.contains(r"Evil\nCorp"), "{text}");
    assert!(!text.contains('\u{1b}'));
    keys(&mut app, "D");
    let text = screen(&app);
    assert!(
        text.contains(r"Delete lead 1 (Eve\e[2J X\u{7}) and its"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'));
}

// ---- keys ------------------------------------------------------------------------------

#[test]
fn filters_count_and_switch() {
    let mut app = app(120, 30);
    // 27 leads, 2 of them test leads, hidden by default.
    assert_eq!(app.total, 25);
    keys(&mut app, "3");
    assert_eq!(app.filter().actions.len(), 1);
    assert_eq!(app.total, 6, "PLT leads");
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.total, 2, "DNC leads");
    key(&mut app, KeyCode::BackTab);
    key(&mut app, KeyCode::BackTab);
    assert_eq!(app.total, 6, "INS leads (the test leads hidden)");
    keys(&mut app, "t");
    assert_eq!(app.total, 8, "INS leads with the two test leads");
    keys(&mut app, "7");
    assert_eq!(
        app.total, 3,
        "XSELL and the two Dynamics leads without an action"
    );
    keys(&mut app, "1");
    assert_eq!(app.total, 27);
}

#[test]
fn moving_through_the_list() {
    let mut app = app(80, 12);
    assert_eq!(app.page, 7);
    keys(&mut app, "jjj");
    assert_eq!(app.selected, 3);
    key(&mut app, KeyCode::Up);
    assert_eq!(app.selected, 2);
    keys(&mut app, "G");
    assert_eq!(app.selected, 24);
    assert_eq!(app.scroll, 18, "the last page is shown");
    assert_eq!(app.rows.len(), 7, "only the visible rows are fetched");
    keys(&mut app, "g");
    assert_eq!((app.selected, app.scroll), (0, 0));
    key(&mut app, KeyCode::PageDown);
    assert_eq!(app.selected, 7);
    key(&mut app, KeyCode::PageUp);
    assert_eq!(app.selected, 0);
    keys(&mut app, "k");
    assert_eq!(app.selected, 0, "stays at the top");
}

#[test]
fn incremental_search_keeps_or_clears() {
    let mut app = app(120, 30);
    keys(&mut app, "/pri");
    assert!(matches!(app.mode, Mode::Search(_)));
    assert_eq!(
        app.total, 4,
        "Priya Raman's three leads, and Kenji Sato who asked for pricing"
    );
    keys(&mut app, "ya");
    assert_eq!(app.total, 3);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::List);
    assert_eq!(app.search, "priya");
    assert_eq!(app.total, 3);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.search, "");
    assert_eq!(app.total, 25);
    keys(&mut app, "/secure gateway");
    key(&mut app, KeyCode::Esc);
    assert_eq!(
        (app.mode.clone(), app.total),
        (Mode::List, 25),
        "Esc in the prompt clears it"
    );
    keys(&mut app, "/notes-that-match-nothing");
    assert_eq!(app.total, 0);
    assert!(screen(&app).contains("No lead matches"));
}

/// `/` finds leads by any case and accents and phones by their digits; `#id` shows that lead
/// alone, and Enter opens it.
#[test]
fn search_folds_accents_and_hash_id_opens_one_lead() {
    let mut app = app(120, 30);
    keys(&mut app, "/MULLER");
    assert_eq!(app.total, 1);
    assert_eq!(
        app.selected_lead().unwrap().last_name.as_deref(),
        Some("Müller")
    );
    key(&mut app, KeyCode::Esc);
    keys(&mut app, "/+49 30 5550");
    assert_eq!(
        app.selected_lead().unwrap().last_name.as_deref(),
        Some("Müller")
    );
    key(&mut app, KeyCode::Esc);
    // The lead at the bottom of the list, by its id.
    key(&mut app, KeyCode::Char('G'));
    let wanted = app.selected_lead().unwrap().clone();
    assert_ne!(app.selected, 0);
    keys(&mut app, &format!("/#{}", wanted.id));
    assert_eq!(app.total, 1);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.selected_lead().map(|l| l.id), Some(wanted.id));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Detail);
    assert!(screen(&app).contains(wanted.email.as_deref().unwrap()));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    keys(&mut app, "/#999999");
    assert_eq!(app.total, 0);
}

#[test]
fn touch_updates_the_countdown_and_undo_takes_it_back() {
    let mut app = app(120, 30);
    let first = app.selected_lead().unwrap().clone();
    assert_eq!(first.sla_state(app.now).as_str(), "overdue");
    let overdue = app.counts.overdue;
    // e asks for an optional note: Esc logs nothing, Enter logs the email.
    keys(&mut app, "e");
    key(&mut app, KeyCode::Esc);
    assert!(app.store.touches(first.id).unwrap().is_empty());
    keys(&mut app, "e");
    key(&mut app, KeyCode::Enter);
    let touches = app.store.touches(first.id).unwrap();
    assert_eq!(touches.len(), 1);
    assert_eq!(touches[0].kind, TouchKind::Email);
    let after = app.store.lead(first.id).unwrap();
    assert_eq!(after.sla_state(app.now).as_str(), "missed");
    assert_eq!(after.status, Status::Contacted);
    assert_eq!(app.counts.overdue, overdue - 1);
    let top = app
        .store
        .page_forward(
            &app.filter(),
            SortKey::Urgency,
            app.now,
            &PageStart::Beginning,
            0,
            1,
        )
        .unwrap();
    assert_ne!(top[0].1.id, first.id, "the answered lead leaves the top");
    assert_eq!(
        app.selected_lead().unwrap().id,
        first.id,
        "the selection follows the lead the rep acted on"
    );
    keys(&mut app, "u");
    let undone = app.store.lead(first.id).unwrap();
    assert_eq!(undone.sla_state(app.now).as_str(), "overdue");
    assert_eq!(undone.status, Status::New);
    assert!(app.store.touches(first.id).unwrap().is_empty());
    assert_eq!(app.counts.overdue, overdue);
    assert_eq!(
        app.selected_lead().unwrap().id,
        first.id,
        "the restored lead is shown"
    );
}

#[test]
fn the_inbox_refuses_to_email_a_dnc_lead_and_says_why() {
    let mut app = app(120, 30);
    keys(&mut app, "4");
    let grace = app.selected_lead().unwrap().clone();
    assert_eq!(grace.name().as_deref(), Some("Grace Liu"));
    let press = |app: &mut App, c| {
        app.handle_event(&crossterm::event::Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )))
    };
    assert_eq!(press(&mut app, 'e'), Effect::None);
    key(&mut app, KeyCode::Enter);
    let flash = app.flash.as_ref().expect("a message");
    assert!(flash.error);
    assert_eq!(
        flash.text,
        format!(
            "not saved: email for Grace Liu: cannot log the email: lead {} is DNC (the customer \
             asked not to be contacted); only a note can be logged on it",
            grace.id
        )
    );
    assert!(app.store.touches(grace.id).unwrap().is_empty());
    assert_eq!(app.store.lead(grace.id).unwrap().status, Status::New);
}

#[test]
fn closing_an_overdue_lead_takes_it_off_the_overdue_count() {
    let mut app = app(120, 30);
    let first = app.selected_lead().unwrap().clone();
    assert_eq!(first.sla_state(app.now).as_str(), "overdue");
    let overdue = app.counts.overdue;
    keys(&mut app, "Sw");
    let closed = app.store.lead(first.id).unwrap();
    assert_eq!(closed.status, Status::Won);
    // Closed after its due time, untouched: missed, and no longer urgent.
    assert_eq!(closed.sla_state(app.now).as_str(), "missed");
    assert_eq!(app.counts.overdue, overdue - 1);
    // The lead moved down the list, and the selection went with it.
    assert_eq!(app.selected_lead().unwrap().id, first.id);
    keys(&mut app, "u");
    assert_eq!(app.store.lead(first.id).unwrap().closed_at, None);
    assert_eq!(app.counts.overdue, overdue);
}

#[test]
fn notes_status_and_owner_from_the_detail_pane() {
    let mut app = app(120, 30);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Detail);
    let id = app.detail.as_ref().unwrap().lead.id;
    keys(&mut app, "n");
    keys(&mut app, "asked for a quote");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Detail);
    let touches = app.store.touches(id).unwrap();
    assert_eq!(
        (touches[0].kind, touches[0].note.as_deref()),
        (TouchKind::Note, Some("asked for a quote"))
    );
    assert_eq!(
        app.store.lead(id).unwrap().sla_state(app.now).as_str(),
        "overdue",
        "a note is no follow-up"
    );
    assert_eq!(
        app.detail.as_ref().unwrap().touches.len(),
        1,
        "the pane shows the new touch"
    );

    keys(&mut app, "S");
    keys(&mut app, "q");
    // The checklist is empty: a reason to qualify anyway, then no next step.
    keys(&mut app, "agreed on a call");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.store.lead(id).unwrap().status, Status::Qualified);
    keys(&mut app, "o");
    keys(&mut app, "ana");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.store.lead(id).unwrap().owner.as_deref(), Some("ana"));
    keys(&mut app, "u");
    assert_eq!(app.store.lead(id).unwrap().owner, None);
    keys(&mut app, "u");
    assert_eq!(app.store.lead(id).unwrap().status, Status::New);
    keys(&mut app, "u");
    assert!(app.store.touches(id).unwrap().is_empty());

    assert_eq!(
        key(&mut app, KeyCode::Char('q')),
        Effect::None,
        "q backs out of the pane"
    );
    assert_eq!(app.mode, Mode::List);
    assert_eq!(key(&mut app, KeyCode::Char('q')), Effect::Quit);
}

#[test]
fn delete_asks_first_then_removes_the_lead_and_its_touches() {
    let mut app = app(120, 30);
    let first = app.selected_lead().unwrap().clone();
    let name = first.name().unwrap();
    let total = app.total;
    keys(&mut app, "D");
    assert_eq!(
        app.mode,
        Mode::ConfirmDelete {
            lead_id: first.id,
            name: name.clone()
        }
    );
    // Anything but y keeps the lead.
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::List);
    assert_eq!(
        app.flash.as_ref().unwrap().text,
        format!("not deleted: lead {} ({name})", first.id)
    );
    keys(&mut app, "Dn");
    assert!(app.store.lead(first.id).is_ok());
    assert_eq!(app.total, total);

    keys(&mut app, "e");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.selected_lead().unwrap().id, first.id);
    assert_eq!(app.store.touches(first.id).unwrap().len(), 1);
    keys(&mut app, "Dy");
    assert_eq!(app.mode, Mode::List);
    assert!(matches!(
        app.store.lead(first.id),
        Err(StoreError::NoSuchLead(_))
    ));
    assert!(app.store.touches(first.id).unwrap().is_empty());
    assert_eq!(
        app.flash.as_ref().unwrap().text,
        format!("deleted lead {} ({name}) and 1 touch", first.id)
    );
    assert_eq!(app.total, total - 1);
    assert!(app.rows.iter().all(|l| l.id != first.id));
    assert_eq!(
        app.store.derived_table_differences().unwrap(),
        Vec::<String>::new()
    );
    // The email logged on it went with it: there is nothing to undo.
    keys(&mut app, "u");
    assert_eq!(app.flash.as_ref().unwrap().text, "nothing to undo");

    // From the lead's pane: back to the list, without the lead.
    key(&mut app, KeyCode::Enter);
    let opened = app.detail.as_ref().unwrap().lead.id;
    keys(&mut app, "D");
    assert!(matches!(app.mode, Mode::ConfirmDelete { lead_id, .. } if lead_id == opened));
    keys(&mut app, "y");
    assert_eq!(app.mode, Mode::List);
    assert!(app.store.lead(opened).is_err());
    assert_eq!(app.total, total - 2);
}

#[test]
fn detail_follows_j_and_k() {
    let mut app = app(120, 30);
    key(&mut app, KeyCode::Enter);
    let first = app.detail.as_ref().unwrap().lead.id;
    keys(&mut app, "j");
    let second = app.detail.as_ref().unwrap().lead.id;
    assert_ne!(first, second);
    assert_eq!(second, app.selected_lead().unwrap().id);
}

#[test]
fn sort_cycles() {
    let mut app = app(120, 30);
    assert_eq!(app.sort, SortKey::Urgency);
    keys(&mut app, "s");
    assert_eq!(app.sort, SortKey::Received);
    let newest = app
        .store
        .page_forward(
            &LeadFilter::default(),
            SortKey::Received,
            app.now,
            &PageStart::Beginning,
            0,
            1,
        )
        .unwrap();
    assert_eq!(app.selected_lead().unwrap().id, newest[0].1.id);
    keys(&mut app, "s");
    assert_eq!(app.sort, SortKey::Company);
    assert_eq!(
        app.selected_lead().unwrap().company.as_deref(),
        Some("Adatum")
    );
    keys(&mut app, "ss");
    assert_eq!(app.sort, SortKey::Urgency);
}

#[test]
fn ctrl_c_quits_from_anywhere() {
    let mut app = app(80, 24);
    keys(&mut app, "/abc");
    let effect = app
        .handle_key(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))
        .unwrap();
    assert_eq!(effect, Effect::Quit);
}

#[test]
fn another_writer_is_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("leads.db");
    let mut app = app_with(Store::open(&db).unwrap(), 80, 24);
    assert_eq!(app.total, 0);
    let mut other = Store::open(&db).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/https-endpoint/camel-array.json");
    import_path(&mut other, &path, &ImportOptions::default(), now()).unwrap();
    app.tick(now()).unwrap();
    assert_eq!(
        app.total, 4,
        "the other process's leads appear on the next tick"
    );
}

/// On a store file the writer thread deletes the lead: the row shows `saving…` until then,
/// and another connection no longer finds the lead.
#[test]
fn the_writer_thread_deletes_on_a_store_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("leads.db");
    let mut store = Store::open(&db).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/https-endpoint/camel-array.json");
    import_path(&mut store, &path, &ImportOptions::default(), now()).unwrap();
    let mut app = app_with(store, 100, 24);
    let first = app.selected_lead().unwrap().id;
    keys(&mut app, "Dy");
    app.wait_until_saved().unwrap();
    assert!(app.rows.iter().all(|l| l.id != first));
    assert_eq!(app.total, 3);
    let other = Store::open(&db).unwrap();
    assert!(matches!(other.lead(first), Err(StoreError::NoSuchLead(_))));
    assert_eq!(
        other.derived_table_differences().unwrap(),
        Vec::<String>::new()
    );
}

/// `1`-`7` select their tab before the counts have arrived (a key typed at once after launch).
#[test]
fn number_keys_pick_their_tab_before_the_counts_arrive() {
    let mut app = App::with_counts_worker(
        fixture_store(),
        now(),
        Zone::Fixed(FixedOffset::east_opt(0).unwrap()),
    )
    .unwrap();
    app.resize(120, 30).unwrap();
    assert!(app.counts_stale, "no counts yet");
    keys(&mut app, "3");
    assert_eq!(app.filter().actions, vec![leadbox::domain::Action::Plt]);
    assert!(app
        .rows
        .iter()
        .all(|l| l.action == Some(leadbox::domain::Action::Plt)));
    keys(&mut app, "7");
    assert!(app.filter().other_actions);
    assert!(!app.rows.is_empty());
    keys(&mut app, "1");
    assert_eq!(app.filter(), LeadFilter::default());
}

/// A lead whose notes run to 50 MB opens at once and keys work on it: the pane shows the
/// first lines of the notes, says how much more there is and where to read it, and holds
/// no more of the notes than a pane can show.
#[test]
fn a_lead_with_50_mb_of_notes_opens_and_keys_work() {
    let mut store = Store::open_in_memory().unwrap();
    let mut notes = String::new();
    let mut line = 0;
    while notes.len() < 50 << 20 {
        line += 1;
        notes.push_str(&format!(
            "note line {line}: budget approved, call back after the review \u{1b}[2J\n"
        ));
    }
    // The small leads first: NDJSON is told from its first lines.
    let mut ndjson = String::new();
    for i in 0..3 {
        ndjson.push_str(&format!(
            "{{\"email\":\"s{i}@notes.example\",\"firstName\":\"Small{i}\",\"receivedAt\":\"2026-11-21T1{i}:00:00Z\",\"Description\":\"short {i}\"}}\n"
        ));
    }
    ndjson.push_str(
        &serde_json::to_string(&serde_json::json!({
            "email": "big@notes.example",
            "firstName": "Bigg",
            "lastName": "Notes",
            "receivedAt": "2026-11-21T08:00:00Z",
            "Description": notes,
        }))
        .unwrap(),
    );
    ndjson.push('\n');
    let report = leadbox::import::import_bytes(
        &mut store,
        "big.ndjson",
        ndjson.as_bytes(),
        now(),
        &ImportOptions::default(),
        now(),
    )
    .unwrap();
    assert!(report.is_clean(), "{report}");
    let mut app = app_with(store, 100, 30);
    assert_eq!(
        app.selected_lead().unwrap().email.as_deref(),
        Some("big@notes.example")
    );
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Detail);
    let detail = app.detail.as_ref().unwrap();
    // As stored: the import trims the line feed at the end.
    assert_eq!(detail.notes_len, notes.trim_end().len());
    assert!(detail.lead.description.as_ref().unwrap().len() <= 256 * 1024);
    let id = detail.lead.id;
    let shown = screen(&app);
    let rows: Vec<&str> = shown.lines().collect();
    assert_eq!(rows.len(), 30);
    assert!(shown.contains("Bigg Notes"), "{shown}");
    let first = rows
        .iter()
        .position(|r| r.contains("note line 1: budget approved, call back after the review \\e[2J"))
        .unwrap_or_else(|| panic!("no first line of the notes:\n{shown}"));
    // The lines that follow are the next lines of the notes, in order, up to the pane's end.
    for (offset, row) in rows[first..].iter().enumerate().skip(1) {
        if !row.contains("note line") {
            break;
        }
        assert!(
            row.contains(&format!("note line {}:", offset + 1)),
            "{shown}"
        );
    }
    assert!(!shown.contains('\u{1b}'));

    // The pane ends with how much more there is and where to read it, whatever its height.
    let marker = format!("… (52.4 MB more; full text: leadbox show {id})");
    let last_note = |screen: &str| {
        let rows: Vec<&str> = screen.lines().collect();
        let at = rows
            .iter()
            .position(|r| r.contains(&marker))
            .unwrap_or_else(|| panic!("no marker:\n{screen}"));
        assert!(rows[at - 1].contains("note line"), "{screen}");
        at
    };
    // The pane's last row: under it come the message, status and key lines.
    assert_eq!(
        last_note(&shown),
        30 - 4,
        "the marker is the pane's last row"
    );
    app.resize(100, 200).unwrap();
    let tall = screen(&app);
    assert_eq!(
        last_note(&tall),
        200 - 4,
        "the marker is the pane's last row"
    );
    assert!(tall.contains("note line 180:"), "{tall}");
    app.resize(100, 30).unwrap();

    // j and k move off the lead and back onto it; Esc goes back to the list.
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(
        app.detail.as_ref().unwrap().lead.email.as_deref(),
        Some("s0@notes.example")
    );
    let small = screen(&app);
    assert!(small.contains("short 0"), "{small}");
    assert!(!small.contains("more; full text"), "{small}");
    key(&mut app, KeyCode::Char('k'));
    assert_eq!(app.detail.as_ref().unwrap().lead.id, id);
    assert_eq!(screen(&app), shown);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::List);
    let list = screen(&app);
    assert!(list.contains("Bigg Notes"), "{list}");
}

/// Tab in the import prompt completes the path with what the inbox was given to complete
/// paths with (it reads no folder itself); without it, Tab leaves the text as typed.
#[test]
fn tab_completes_the_import_path_with_what_the_inbox_was_given() {
    fn complete(typed: &str) -> Option<String> {
        (typed == "exp").then(|| "exports/".to_string())
    }
    let mut app = app(120, 30);
    keys(&mut app, "iexp");
    key(&mut app, KeyCode::Tab);
    assert_eq!(
        app.mode,
        Mode::ImportPath(leadbox::tui::app::Input::with("exp"))
    );
    app.complete_paths_with(complete);
    key(&mut app, KeyCode::Tab);
    assert_eq!(
        app.mode,
        Mode::ImportPath(leadbox::tui::app::Input::with("exports/"))
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::List);
}

/// `i`, a path and Enter import the file and show its summary, also where the writer runs
/// the import at once (a store in memory): the summary is not hidden behind the dialog.
#[test]
fn importing_from_the_inbox_ends_on_its_summary() {
    let mut app = app_with(Store::open_in_memory().unwrap(), 100, 30);
    assert_eq!(app.rows.len(), 0);
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(GOOD[0]);
    keys(&mut app, "i");
    keys(&mut app, path.to_str().unwrap());
    key(&mut app, KeyCode::Enter);
    match &app.mode {
        Mode::ImportSummary(reports) => assert!(reports[0].new > 0, "{reports:?}"),
        other => panic!("not the summary: {other:?}"),
    }
    assert!(!app.rows.is_empty());
    assert_eq!(app.unsaved_count(), 0);
}

/// At 80x24 the hint bar starts with `? help` and `q quit` and shows only whole hints; the
/// status line shortens a long store path by its start, keeping the file name, and the
/// filter bar ends in `…` when its counts do not fit.
#[test]
fn at_80_columns_nothing_important_is_cut() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir
        .path()
        .join("a-long-folder-name-synced-by-the-team")
        .join("marketplace-leads-from-every-offer");
    std::fs::create_dir_all(&deep).unwrap();
    let store = with_fixtures(Store::open(&deep.join("leads.db")).unwrap());
    let app = app_with(store, 80, 24);
    let shown = screen(&app);
    let lines: Vec<&str> = shown.lines().collect();
    let hints = lines[23].trim_matches('"').trim_end();
    assert!(
        hints.starts_with("? help  q quit  T today/list  j/↓ move"),
        "{hints}"
    );
    for hint in ["move", "filter", "search", "sort", "open"] {
        assert!(hints.contains(hint), "{hint} missing: {hints}");
    }
    // Every hint shown whole: the line ends with a hint's last letter.
    assert!(hints.ends_with("open"), "{hints}");
    let status = lines[22].trim_matches('"').trim_end();
    assert!(status.ends_with("/leads.db"), "{status}");
    assert!(status.contains(" · …"), "{status}");
    assert!(status.chars().count() <= 80, "{status}");
    assert!(status.starts_with("25 shown of 25 · "), "{status}");

    // Counts too wide for the filter bar: it ends in an ellipsis rather than a cut.
    let narrow = app_with(fixture_store(), 60, 24);
    let shown = screen(&narrow);
    let tabs = shown.lines().next().unwrap().trim_matches('"');
    assert!(tabs.trim_end().ends_with('…'), "{tabs}");
}

/// `me` in the owner prompt is the rep (the settings' owner, else the login name); without
/// one known, `me` is taken as written.
#[test]
fn me_in_the_owner_prompt_is_the_rep() {
    let mut app = app(120, 30);
    app.me = Some("Ana Lopez".into());
    key(&mut app, KeyCode::Enter);
    let id = app.detail.as_ref().unwrap().lead.id;
    keys(&mut app, "o");
    keys(&mut app, "ME");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.store.lead(id).unwrap().owner.as_deref(),
        Some("Ana Lopez")
    );
    app.me = None;
    keys(&mut app, "o");
    // The prompt starts with the owner: clear it.
    for _ in 0..20 {
        key(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "me");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.store.lead(id).unwrap().owner.as_deref(), Some("me"));
}

/// `[inbox]` in the settings: the inbox opens on a filter, a sort order and with test leads,
/// as the keys would have left it.
#[test]
fn the_inbox_opens_as_the_settings_say() {
    let mut by_keys = app(80, 24);
    keys(&mut by_keys, "3st");
    let mut started = app(80, 24);
    started.start_with(2, SortKey::Received, true).unwrap();
    assert_eq!(started.sort, SortKey::Received);
    assert!(started.include_test);
    assert_eq!(started.tab, 2);
    // The filter bar and the list are the same; the status line differs only by the
    // messages the keys left.
    let rows =
        |app: &App| -> Vec<String> { screen(app).lines().take(21).map(String::from).collect() };
    assert_eq!(rows(&started), rows(&by_keys));
    let shown = screen(&started);
    assert!(
        shown.contains("sort received") && shown.contains("test leads"),
        "{shown}"
    );
}

#[test]
fn a_call_takes_its_outcome_and_a_note() {
    let mut app = app(120, 30);
    let first = app.selected_lead().unwrap().clone();
    keys(&mut app, "c");
    assert!(screen(&app).contains("call, Enter logs (Tab: outcome), note:"));
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    assert!(screen(&app).contains("call, voicemail:"));
    keys(&mut app, "back on Friday");
    key(&mut app, KeyCode::Enter);
    let touches = app.store.touches(first.id).unwrap();
    assert_eq!(touches.len(), 1);
    assert_eq!(touches[0].kind, TouchKind::Call);
    assert_eq!(
        touches[0].note.as_deref(),
        Some("voicemail: back on Friday")
    );
}

// ---- the Today view ----------------------------------------------------------------------

fn today(width: u16, height: u16) -> App {
    let mut app = app(width, height);
    app.show_today(true).unwrap();
    app
}

#[test]
fn today_view() {
    insta::assert_snapshot!(screen(&today(120, 30)));
}

#[test]
fn today_view_narrow() {
    insta::assert_snapshot!(screen(&today(80, 24)));
}

#[test]
fn today_view_all_caught_up() {
    let mut store = Store::open_in_memory().unwrap();
    let options = ImportOptions::default();
    let ana = br#"{"FirstName":"Ana","Email":"ana@example.org","LeadSource":"AppSource-PLT|a.b","receivedAt":"2026-11-21T08:00:00Z"}"#;
    leadbox::import::import_bytes(&mut store, "ana.json", ana, now(), &options, now()).unwrap();
    store
        .add_touch(
            1,
            TouchKind::Email,
            None,
            parse_time("2026-11-21T09:00:00Z").unwrap(),
            now(),
        )
        .unwrap();
    let mut app = app_with(store, 80, 12);
    app.show_today(true).unwrap();
    let shown = screen(&app);
    assert!(
        shown.contains("All caught up. The next item falls due Mon Nov 23 09:00."),
        "{shown}"
    );
    insta::assert_snapshot!(shown);
}

/// An app whose counts and queue a worker computes; here the test is the worker.
fn app_with_worker(width: u16, height: u16) -> App {
    let mut app = App::with_counts_worker(
        fixture_store(),
        now(),
        Zone::Fixed(FixedOffset::east_opt(0).unwrap()),
    )
    .unwrap();
    app.resize(width, height).unwrap();
    app
}

/// With a worker, the Today view shows the start of its queue at once, "counting…"; the
/// whole queue then takes its place with the selection where it was.
#[test]
fn the_today_view_shows_its_start_until_the_whole_queue_arrives() {
    let whole = today(120, 30).queue.unwrap().items;
    let mut app = app_with_worker(120, 30);
    app.show_today(true).unwrap();
    assert!(app.queue_pending());
    let start = app.queue.as_ref().unwrap().items.clone();
    assert!(
        start.len() >= 10 && start.len() < whole.len(),
        "{}",
        start.len()
    );
    assert_eq!(start, whole[..start.len()]);
    let shown = screen(&app);
    assert!(shown.contains(" Today  counting…"), "{shown}");
    assert!(shown.contains("reading today's queue… · "), "{shown}");
    assert!(!shown.contains("customers today"), "{shown}");
    keys(&mut app, "jj");
    let request = app.take_queue_request().expect("the queue is asked for");
    app.apply_queue(request.run(&app.store).unwrap()).unwrap();
    assert!(!app.queue_pending());
    let queue = app.queue.as_ref().unwrap();
    assert_eq!(queue.items, whole);
    assert_eq!(queue.selected, 2);
    let shown = screen(&app);
    assert!(
        shown.contains(&format!("{} customers today · ", whole.len())),
        "{shown}"
    );
    assert!(!shown.contains("counting…"), "{shown}");
}

/// Under a search the queue has no start to show: it says it is reading the queue, and an
/// answer to a request the search replaced is dropped.
#[test]
fn a_search_in_the_today_view_waits_for_its_own_queue() {
    let mut app = app_with_worker(120, 30);
    app.show_today(true).unwrap();
    let unfiltered = app.take_queue_request().unwrap();
    keys(&mut app, "/chen");
    assert!(app.queue.as_ref().unwrap().items.is_empty());
    assert!(screen(&app).contains("Reading today's queue…"));
    app.apply_queue(unfiltered.run(&app.store).unwrap())
        .unwrap();
    assert!(app.queue_pending(), "a superseded answer is dropped");
    let request = app.take_queue_request().unwrap();
    app.apply_queue(request.run(&app.store).unwrap()).unwrap();
    let queue = app.queue.as_ref().unwrap();
    assert_eq!(queue.items.len(), 1);
    assert_eq!(queue.rows[0].lead.name().as_deref(), Some("Chen Wei"));
    // Asked again under the same search, the queue as it was stays on screen meanwhile.
    app.reload().unwrap();
    assert!(app.queue_pending());
    assert_eq!(app.queue.as_ref().unwrap().items.len(), 1);
    assert!(screen(&app).contains("Chen Wei"));
    let request = app.take_queue_request().unwrap();
    app.apply_queue(request.run(&app.store).unwrap()).unwrap();
    // `*` waits for the whole queue too.
    key(&mut app, KeyCode::Enter);
    keys(&mut app, "/");
    key(&mut app, KeyCode::Esc);
    assert!(app.queue_pending());
    keys(&mut app, "*");
    assert!(screen(&app).contains("today's queue is still being read"));
}

#[test]
fn working_the_queue_moves_each_customer_on() {
    let mut app = today(120, 30);
    let queue = app.queue.as_ref().unwrap();
    let first = queue.items[0];
    let second = queue.items[1];
    let lead = app.selected_lead().unwrap().id;
    assert_eq!(lead, first.next.lead_id);
    // An email with a note: the customer leaves the queue, the next one is selected.
    keys(&mut app, "e");
    keys(&mut app, "sent the pricing");
    key(&mut app, KeyCode::Enter);
    let queue = app.queue.as_ref().unwrap();
    assert!(queue.items.iter().all(|i| i.contact_id != first.contact_id));
    assert_eq!(queue.selected_item().unwrap().contact_id, second.contact_id);
    let touches = app.store.touches(lead).unwrap();
    assert_eq!(touches[0].note.as_deref(), Some("sent the pricing"));
    // u takes it back: the customer is in the queue again.
    keys(&mut app, "u");
    let queue = app.queue.as_ref().unwrap();
    assert_eq!(queue.items[0].contact_id, first.contact_id);
    // j moves, Enter opens the row's lead, Esc comes back to the queue.
    keys(&mut app, "j");
    let second_lead = app.selected_lead().unwrap().id;
    assert_eq!(second_lead, second.next.lead_id);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Detail);
    assert_eq!(app.detail.as_ref().unwrap().lead.id, second_lead);
    key(&mut app, KeyCode::Esc);
    assert!(screen(&app).contains("REASON"));
    // T shows the list, and back.
    keys(&mut app, "T");
    assert!(app.queue.is_none());
    assert!(screen(&app).contains("shown of"));
    keys(&mut app, "T");
    assert!(screen(&app).contains("customers today"));
}

#[test]
fn z_snoozes_a_follow_up_and_u_takes_it_back() {
    let mut store = fixture_store();
    let mut chen = 0;
    let filter = LeadFilter::default().with_search("chen wei");
    store
        .for_each(&filter, SortKey::Urgency, now(), |lead| {
            chen = lead.id;
            Ok::<(), StoreError>(())
        })
        .unwrap();
    store
        .add_touch(
            chen,
            TouchKind::Email,
            None,
            parse_time("2026-11-19T23:00:00Z").unwrap(),
            now(),
        )
        .unwrap();
    let mut app = app_with(store, 120, 30);
    app.show_today(true).unwrap();
    keys(&mut app, "G");
    assert_eq!(app.selected_lead().unwrap().id, chen);
    assert!(screen(&app).contains("follow_up 1"));
    // A first touch is never snoozed; a follow-up is.
    keys(&mut app, "gz");
    keys(&mut app, "tomorrow");
    key(&mut app, KeyCode::Enter);
    assert!(
        app.flash.as_ref().unwrap().text.contains("first touch"),
        "{:?}",
        app.flash
    );
    keys(&mut app, "Gz");
    keys(&mut app, "tomorrow");
    key(&mut app, KeyCode::Enter);
    let flash = &app.flash.as_ref().unwrap().text;
    assert!(flash.contains("snoozed until Sun Nov 22 09:00"), "{flash}");
    let queue = app.queue.as_ref().unwrap();
    assert!(queue.items.iter().all(|i| i.next.lead_id != chen));
    keys(&mut app, "u");
    let queue = app.queue.as_ref().unwrap();
    assert!(queue.items.iter().any(|i| i.next.lead_id == chen));
    // A form it cannot read is said, and nothing is snoozed.
    keys(&mut app, "Gz");
    keys(&mut app, "someday");
    key(&mut app, KeyCode::Enter);
    assert!(app.flash.as_ref().unwrap().error);
}

#[test]
fn closing_asks_for_a_reason_and_qualifying_for_the_checklist() {
    let mut app = app(120, 30);
    let lead = app.selected_lead().unwrap().id;
    let status = |app: &App| app.store.lead(lead).unwrap().status;
    keys(&mut app, "Sl");
    assert!(screen(&app).contains("lost because (no response, no budget"));
    keys(&mut app, "bored");
    key(&mut app, KeyCode::Enter);
    assert!(app.flash.as_ref().unwrap().text.starts_with("not closed"));
    assert_eq!(status(&app), Status::New);
    // Never touched: closing asks to confirm.
    keys(&mut app, "Sl");
    keys(&mut app, "No Budget");
    key(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("Touched on 0 day(s), fewer than the 3 the settings ask"));
    keys(&mut app, "n");
    assert_eq!(status(&app), Status::New);
    keys(&mut app, "Sl");
    keys(&mut app, "no budget");
    key(&mut app, KeyCode::Enter);
    keys(&mut app, "y");
    assert_eq!(status(&app), Status::Lost);
    let close = app.store.close_of(lead).unwrap().unwrap();
    assert_eq!(
        (close.reason.as_deref(), close.forced),
        (Some("no budget"), true)
    );
    keys(&mut app, "u");
    assert_eq!(status(&app), Status::New);
    assert_eq!(app.store.close_of(lead).unwrap(), None);
    // Qualified: the checklist is empty, so an override reason, then the next step.
    let lead = app.selected_lead().unwrap().id;
    keys(&mut app, "Sq");
    assert!(screen(&app).contains("the checklist lacks budget, authority, need, timeline"));
    key(&mut app, KeyCode::Enter);
    assert!(app
        .flash
        .as_ref()
        .unwrap()
        .text
        .starts_with("not qualified"));
    keys(&mut app, "Sq");
    keys(&mut app, "signed PO");
    key(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("next step, as TEXT @ WHEN"));
    keys(&mut app, "pilot kickoff @ tomorrow");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.store.lead(lead).unwrap().status, Status::Qualified);
    let customer = app.store.customer_of(lead).unwrap();
    let (step, at) = customer.state.next_step.unwrap();
    assert_eq!(step, "pilot kickoff");
    assert_eq!(at, parse_time("2026-11-22T09:00:00Z").unwrap());
    let close = app.store.close_of(lead).unwrap().unwrap();
    assert_eq!(close.override_reason.as_deref(), Some("signed PO"));
}

#[test]
fn the_pane_shows_the_customer_s_whole_timeline_and_what_is_next() {
    let mut app = app(120, 40);
    // Priya Raman has several leads: a call on one shows on the pane of another.
    keys(&mut app, "/priya");
    key(&mut app, KeyCode::Enter);
    let leads: Vec<i64> = app.rows.iter().map(|l| l.id).collect();
    assert!(leads.len() >= 2, "{leads:?}");
    app.store
        .add_touch(
            leads[1],
            TouchKind::Call,
            Some("left a voicemail"),
            parse_time("2026-11-21T10:00:00Z").unwrap(),
            now(),
        )
        .unwrap();
    app.reload().unwrap();
    if app.selected_lead().unwrap().id == leads[1] {
        keys(&mut app, "j");
    }
    key(&mut app, KeyCode::Enter);
    let shown = screen(&app);
    assert_ne!(app.detail.as_ref().unwrap().lead.id, leads[1]);
    assert!(
        shown.contains(&format!("call      left a voicemail  (lead {})", leads[1])),
        "{shown}"
    );
    assert!(
        shown.contains("Next       follow-up 1 due Mon Nov 23 10:00"),
        "{shown}"
    );
}

#[test]
fn compose_preview() {
    let mut app = app(100, 30);
    keys(&mut app, "/chen wei");
    key(&mut app, KeyCode::Enter);
    keys(&mut app, "E");
    assert!(matches!(app.mode, Mode::Compose(_)));
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn the_composed_email_goes_to_the_mail_program_and_is_logged_when_sent() {
    let mut app = app(100, 30);
    keys(&mut app, "/chen wei");
    key(&mut app, KeyCode::Enter);
    let lead = app.selected_lead().unwrap().clone();
    keys(&mut app, "E");
    let effect = key(&mut app, KeyCode::Char('o'));
    let Effect::OpenMail(url) = effect else {
        panic!("{effect:?}");
    };
    assert!(
        url.starts_with("mailto:chen.wei@contoso-pharma.example?subject="),
        "{url}"
    );
    assert!(screen(&app).contains("Log the email as sent? y/N"));
    keys(&mut app, "y");
    let touches = app.store.touches(lead.id).unwrap();
    assert_eq!(touches.len(), 1);
    assert_eq!(touches[0].kind, TouchKind::Email);
    // y copies the lead's email; E refuses a DNC lead.
    assert_eq!(
        key(&mut app, KeyCode::Char('y')),
        Effect::Copy("chen.wei@contoso-pharma.example".into())
    );
    key(&mut app, KeyCode::Esc);
    keys(&mut app, "4");
    keys(&mut app, "E");
    let flash = app.flash.as_ref().unwrap();
    assert!(
        flash.error && flash.text.starts_with("no email:"),
        "{flash:?}"
    );
}

#[test]
fn checklist() {
    let mut app = app(80, 24);
    let lead = app.selected_lead().unwrap().id;
    keys(&mut app, "Q");
    keys(&mut app, " jj ");
    let checked = app.store.customer_of(lead).unwrap().checked;
    assert_eq!(checked, vec!["budget".to_string(), "need".to_string()]);
    insta::assert_snapshot!(screen(&app));
    // Esc closes; u takes the last check back.
    key(&mut app, KeyCode::Esc);
    keys(&mut app, "u");
    let checked = app.store.customer_of(lead).unwrap().checked;
    assert_eq!(checked, vec!["budget".to_string()]);
}

#[test]
fn the_date_format_setting_is_how_the_inbox_shows_times() {
    let mut app = app(120, 30);
    app.date_format = "%d.%m. %H:%M".into();
    let shown = screen(&app);
    assert!(shown.contains("17.11. 14:02"), "{shown}");
    assert!(!shown.contains("Nov 17 14:02"), "{shown}");
}

#[test]
fn marked_leads_take_the_next_change_once_per_customer_and_undo_as_one() {
    let mut app = today(120, 30);
    let queue = app.queue.as_ref().unwrap();
    let (a, b) = (queue.items[0], queue.items[1]);
    // Space marks and moves on: two customers marked, then assigned with one prompt.
    keys(&mut app, "  ");
    assert_eq!(app.marks.len(), 2);
    assert!(screen(&app).contains("2 marked (Esc clears)"));
    keys(&mut app, "o");
    key(&mut app, KeyCode::Char('u'));
    keys(&mut app, "Ana");
    key(&mut app, KeyCode::Enter);
    let owner = |app: &App, id: i64| app.store.lead(id).unwrap().owner;
    assert_eq!(owner(&app, a.next.lead_id).as_deref(), Some("uAna"));
    assert_eq!(owner(&app, b.next.lead_id).as_deref(), Some("uAna"));
    assert!(app.marks.is_empty(), "the marks are used up");
    assert!(
        app.flash.as_ref().unwrap().text.contains("2 saved"),
        "{:?}",
        app.flash
    );
    keys(&mut app, "u");
    assert_eq!(owner(&app, a.next.lead_id), None);
    assert_eq!(owner(&app, b.next.lead_id), None);
    // A touch skips the leads no one can be reached at: marked in the list, a DNC lead and
    // another.
    keys(&mut app, "T4 1 ");
    assert_eq!(app.marks.len(), 2);
    keys(&mut app, "e");
    key(&mut app, KeyCode::Enter);
    let flash = &app.flash.as_ref().unwrap().text;
    assert!(flash.contains("1 customers, 1 skipped"), "{flash}");
    // * marks everything shown, once confirmed; Esc clears the marks.
    keys(&mut app, "*");
    assert!(screen(&app).contains("Mark all 25 leads shown? y/N"));
    keys(&mut app, "y");
    assert_eq!(app.marks.len(), 25);
    key(&mut app, KeyCode::Esc);
    assert!(app.marks.is_empty());
}

#[test]
fn the_filters_and_the_search_narrow_the_today_view_too() {
    let mut app = today(120, 30);
    let all = app.queue.as_ref().unwrap().items.len();
    keys(&mut app, "3");
    let queue = app.queue.as_ref().unwrap();
    assert!(queue.items.len() < all && !queue.items.is_empty());
    assert!(queue
        .rows
        .iter()
        .all(|r| r.lead.action.as_ref().map(|a| a.as_str()) == Some("PLT")));
    assert!(screen(&app).contains("  3:PLT"));
    keys(&mut app, "1/chen");
    let queue = app.queue.as_ref().unwrap();
    assert_eq!(queue.items.len(), 1);
    assert_eq!(queue.rows[0].lead.name().as_deref(), Some("Chen Wei"));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.queue.as_ref().unwrap().items.len(), all);
}

#[test]
fn the_email_from_the_today_view_answers_the_customer_s_notes() {
    let mut app = today(100, 30);
    keys(&mut app, "/chen");
    key(&mut app, KeyCode::Enter);
    keys(&mut app, "E");
    let Mode::Compose(draft) = &app.mode else {
        panic!("{:?}", app.mode);
    };
    assert!(draft.body.contains("Looking for SSO"), "{}", draft.body);
}

#[test]
fn tab_in_the_owner_prompt_picks_a_known_owner() {
    let mut app = app(120, 30);
    let owner_typed = |app: &App| match &app.mode {
        Mode::Owner(input) => input.text.clone(),
        other => panic!("{other:?}"),
    };
    for name in ["bo", "Ana Lopez"] {
        keys(&mut app, "o");
        keys(&mut app, name);
        key(&mut app, KeyCode::Enter);
        keys(&mut app, "j");
    }
    // Tab: the known owners in order, any case, from what is typed.
    keys(&mut app, "o");
    key(&mut app, KeyCode::Tab);
    assert_eq!(owner_typed(&app), "Ana Lopez");
    key(&mut app, KeyCode::Tab);
    assert_eq!(owner_typed(&app), "bo");
    key(&mut app, KeyCode::Esc);
    keys(&mut app, "oB");
    key(&mut app, KeyCode::Tab);
    assert_eq!(owner_typed(&app), "bo");
    key(&mut app, KeyCode::Enter);
    let lead = app.selected_lead().unwrap().id;
    assert_eq!(app.store.lead(lead).unwrap().owner.as_deref(), Some("bo"));
}

// ---- export and the editor -----------------------------------------------------------------

fn ctrl(app: &mut App, c: char) {
    app.handle_key(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
        .unwrap();
}

/// `x` with `path` typed over the prompt's default name, then Enter: the export asked for.
fn export_to(app: &mut App, path: &Path) -> Effect {
    keys(app, "x");
    assert!(matches!(app.mode, Mode::ExportPath(_)), "{:?}", app.mode);
    ctrl(app, 'u');
    keys(app, &path.display().to_string());
    key(app, KeyCode::Enter)
}

/// The request of an `Effect::Export`.
fn requested(effect: Effect) -> ExportRequest {
    match effect {
        Effect::Export(request) => request,
        other => panic!("{other:?}"),
    }
}

fn flash(app: &App) -> (String, bool) {
    let flash = app.flash.as_ref().expect("a message");
    (flash.text.clone(), flash.error)
}

#[test]
fn export_prompt() {
    let mut app = app(80, 24);
    keys(&mut app, " j ");
    keys(&mut app, "x");
    insta::assert_snapshot!(screen(&app));
}

/// `x` exports the marked leads, each once however it was marked, else the selected lead;
/// Esc in the prompt exports nothing and keeps the marks.
#[test]
fn x_exports_the_marked_leads_once_each_else_the_selected_one() {
    let mut app = app(120, 30);
    let ids: Vec<i64> = app.rows.iter().map(|l| l.id).collect();
    // The prompt holds a file name of the minute, in the current folder.
    keys(&mut app, "x");
    assert_eq!(
        app.mode,
        Mode::ExportPath(leadbox::tui::app::Input::with("leads-20261121-1800.csv"))
    );
    let effect = key(&mut app, KeyCode::Enter);
    assert_eq!(
        requested(effect),
        ExportRequest {
            path: PathBuf::from("leads-20261121-1800.csv"),
            ids: vec![ids[0]],
            marked: false,
            overwrite: false,
        }
    );
    assert_eq!(app.mode, Mode::List);
    // Rows 0, 1 and 3 marked with Space, then V on row 2 marks rows 2 and 3 (the last
    // marked): four leads, row 3 once.
    keys(&mut app, "  j ");
    keys(&mut app, "kkV");
    assert_eq!(app.marks.len(), 4);
    keys(&mut app, "x");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::List);
    assert_eq!(app.marks.len(), 4, "Esc keeps the marks");
    let request = requested(export_to(&mut app, Path::new("~/out.json")));
    let mut marked = ids[..4].to_vec();
    marked.sort();
    assert_eq!(request.ids, marked);
    assert!(request.marked && !request.overwrite);
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if let Some(home) = home {
        assert_eq!(request.path, home.join("out.json"));
    }
    // From the lead's pane: that lead.
    key(&mut app, KeyCode::Esc);
    assert!(app.marks.is_empty());
    keys(&mut app, "gjj");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Detail);
    let request = requested(export_to(&mut app, Path::new("one.csv")));
    assert_eq!(request.ids, vec![ids[2]]);
    assert_eq!(app.mode, Mode::Detail);
    // Nothing typed: nothing exported.
    keys(&mut app, "x");
    ctrl(&mut app, 'u');
    assert_eq!(key(&mut app, KeyCode::Enter), Effect::None);
    assert_eq!(flash(&app).0, "nothing exported: no file named");
}

/// `line` split into the byte ranges of its records: the CSV's header, and each record's
/// bytes by the lead id in its first cell.
fn csv_records(csv: &[u8]) -> (Vec<u8>, Vec<(i64, Vec<u8>)>) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv);
    let mut record = csv::ByteRecord::new();
    let mut start = 0;
    let mut header = None;
    let mut records = Vec::new();
    while reader.read_byte_record(&mut record).unwrap() {
        let end = reader.position().byte() as usize;
        let bytes = csv[start..end].to_vec();
        match header {
            None => header = Some(bytes),
            Some(_) => {
                let id = std::str::from_utf8(&record[0]).unwrap().parse().unwrap();
                records.push((id, bytes));
            }
        }
        start = end;
    }
    (header.unwrap(), records)
}

/// The objects of a JSON export, one a line, by lead id.
fn json_objects(json: &str) -> Vec<(i64, String)> {
    assert!(json.starts_with("[\n") && json.ends_with("\n]\n"), "{json}");
    json.lines()
        .filter(|line| line.starts_with("  {"))
        .map(|line| {
            let object = line.trim_start().trim_end_matches(',').to_string();
            let value: serde_json::Value = serde_json::from_str(&object).unwrap();
            (value["id"].as_i64().unwrap(), object)
        })
        .collect()
}

/// Hands the worker's answers to the app until no export is on its way (30 s at most).
fn exports_written(worker: &leadbox::tui::worker::Worker, app: &mut App) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while app.exports_pending() {
        assert!(
            std::time::Instant::now() < deadline,
            "the worker never answered"
        );
        worker
            .exchange(app, std::time::Duration::from_millis(10))
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// With a store on disk, the inbox's worker writes the export off the UI thread: the status
/// bar says it is exporting until the worker's answer arrives, and the file is what the
/// inline export writes. Each export asked for is written, however many are on their way.
#[test]
fn the_worker_writes_the_exports_off_the_ui_thread() {
    let env = common::Env::new();
    env.import_good();
    let mut app = app_with(Store::open(&env.db).unwrap(), 120, 30);
    let worker = leadbox::tui::worker::Worker::spawn(&app.store)
        .unwrap()
        .expect("a store on disk has a worker");
    let inline = env.path("inline.csv");
    keys(&mut app, "*y");
    let request = requested(export_to(&mut app, &inline));
    leadbox::tui::export(&mut app, request);
    let expected = std::fs::read_to_string(&inline).unwrap();
    let count = expected.lines().count() - 1;
    assert!(count > 3, "{expected}");

    let paths = [env.path("first.csv"), env.path("second.csv")];
    for path in &paths {
        keys(&mut app, "*y");
        let request = requested(export_to(&mut app, path));
        worker.export(&mut app, request);
        assert!(app.exports_pending());
        assert_eq!(
            flash(&app),
            (
                format!("Exporting {count} leads to {}…", path.display()),
                false
            )
        );
    }
    exports_written(&worker, &mut app);
    assert_eq!(
        flash(&app),
        (
            format!("Exported {count} leads to {}", paths[1].display()),
            false
        )
    );
    for path in &paths {
        assert_eq!(std::fs::read_to_string(path).unwrap(), expected, "{path:?}");
    }
    // A file that is there is asked about, as inline.
    keys(&mut app, " ");
    let request = requested(export_to(&mut app, &paths[0]));
    worker.export(&mut app, request);
    exports_written(&worker, &mut app);
    assert!(
        matches!(app.mode, Mode::ConfirmOverwrite(_)),
        "{:?}",
        app.mode
    );
    assert!(app.quit_notes.is_empty(), "{:?}", app.quit_notes);
    // Quitting with an export on its way: written whole, then said once the terminal is
    // restored.
    key(&mut app, KeyCode::Esc);
    keys(&mut app, "*y");
    let last = env.path("last.csv");
    let request = requested(export_to(&mut app, &last));
    worker.export(&mut app, request);
    app.quit_after_exports();
    assert_eq!(
        flash(&app),
        ("writing the export before quitting…".to_string(), false)
    );
    exports_written(&worker, &mut app);
    assert_eq!(
        app.quit_notes,
        [format!("exported {count} leads to {}", last.display())]
    );
    assert_eq!(std::fs::read_to_string(&last).unwrap(), expected);
}

/// The oracle: an export from the inbox is byte for byte what `leadbox export` writes for
/// the same leads (follow-up keys and a lost reason included), in its order, as CSV or JSON
/// by the file's name.
#[test]
fn the_inbox_exports_what_leadbox_export_writes() {
    let env = common::Env::new();
    env.import_good();
    let listed = env.ok(["list", "--format", "json"]);
    let listed: Vec<serde_json::Value> = serde_json::from_str(&listed).unwrap();
    let id = |i: usize| listed[i]["id"].as_i64().unwrap().to_string();
    env.ok(["touch", &id(0), "--kind", "email", "--note", "=sent"]);
    env.ok(["touch", &id(1), "--kind", "call"]);
    env.ok(["status", &id(1), "lost", "--reason", "no budget", "--force"]);
    env.ok(["snooze", &id(0), "--until", "3d"]);
    let cli_csv = env.ok(["export", "--format", "csv"]);
    let cli_json = env.ok(["export", "--format", "json"]);

    let store = Store::open(&env.db).unwrap();
    let mut app = app_with(store, 120, 30);
    // Every lead shown: the whole of `leadbox export`, in both formats.
    for (name, cli) in [("all.csv", &cli_csv), ("all.JSON", &cli_json)] {
        keys(&mut app, "*y");
        let path = env.path(name);
        let request = requested(export_to(&mut app, &path));
        leadbox::tui::export(&mut app, request);
        assert_eq!(
            flash(&app),
            (
                format!("Exported {} leads to {}", listed.len(), path.display()),
                false
            )
        );
        assert!(app.marks.is_empty(), "the marks are used up");
        assert_eq!(&std::fs::read_to_string(&path).unwrap(), cli);
    }
    // Some: the same records as the command line's, in its order.
    keys(&mut app, " j  jjj ");
    let marked = app.marks.clone();
    assert_eq!(marked.len(), 4);
    let path = env.path("some.csv");
    let request = requested(export_to(&mut app, &path));
    leadbox::tui::export(&mut app, request);
    assert_eq!(
        flash(&app).0,
        format!("Exported 4 leads to {}", path.display())
    );
    let (header, records) = csv_records(&std::fs::read(&path).unwrap());
    let (cli_header, cli_records) = csv_records(cli_csv.as_bytes());
    assert_eq!(header, cli_header);
    let expected: Vec<_> = cli_records
        .into_iter()
        .filter(|(id, _)| marked.contains(id))
        .collect();
    assert_eq!(records, expected);
    // One lead, as JSON, with what is next for its customer and why another was lost.
    for i in [0, 1] {
        let lead: i64 = id(i).parse().unwrap();
        keys(&mut app, &format!("/#{lead}"));
        key(&mut app, KeyCode::Enter);
        let path = env.path(&format!("one-{lead}.json"));
        let request = requested(export_to(&mut app, &path));
        assert_eq!(request.ids, vec![lead]);
        leadbox::tui::export(&mut app, request);
        assert_eq!(
            flash(&app).0,
            format!("Exported 1 lead to {}", path.display())
        );
        let objects = json_objects(&std::fs::read_to_string(&path).unwrap());
        let cli: Vec<_> = json_objects(&cli_json)
            .into_iter()
            .filter(|(id, _)| *id == lead)
            .collect();
        assert_eq!(objects, cli);
        let value: serde_json::Value = serde_json::from_str(&objects[0].1).unwrap();
        match i {
            0 => assert!(value["snoozed_until"].is_string(), "{value}"),
            _ => assert_eq!(value["lost_reason"], "no budget"),
        }
        key(&mut app, KeyCode::Esc);
    }
}

/// The store and its side files are refused, with nothing written; a file that is there is
/// replaced only after `y`, and then made private; a path that cannot be created, and one
/// holding an escape sequence, are named in the status bar escaped.
#[cfg(unix)]
#[test]
fn the_inbox_export_refuses_the_store_and_asks_before_replacing_a_file() {
    use std::os::unix::fs::PermissionsExt;
    let env = common::Env::new();
    env.import_good();
    let store = Store::open(&env.db).unwrap();
    let mut app = app_with(store, 120, 30);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for own in ["leads.db", "leads.db-wal", "leads.db-shm"] {
        let path = env.path(own);
        let before = std::fs::metadata(&path).ok().map(|m| m.len());
        let request = requested(export_to(&mut app, &path));
        leadbox::tui::export(&mut app, request);
        assert_eq!(app.mode, Mode::List, "never asked to replace {own}");
        assert_eq!(
            flash(&app),
            (
                format!(
                    "not exported: {} is the store itself (or one of its files): choose \
                     another file",
                    path.display()
                ),
                true
            )
        );
        let after = std::fs::metadata(&path).ok().map(|m| m.len());
        assert_eq!(before, after, "{own} was written");
    }
    // A new file is the owner's alone.
    let new = env.path("new.csv");
    let request = requested(export_to(&mut app, &new));
    leadbox::tui::export(&mut app, request);
    assert!(!flash(&app).1, "{:?}", app.flash);
    assert_eq!(mode(&new), 0o600);

    // A file that is there: asked about, kept on anything but y.
    let there = env.path("there.csv");
    std::fs::write(&there, "keep me").unwrap();
    std::fs::set_permissions(&there, std::fs::Permissions::from_mode(0o644)).unwrap();
    let request = requested(export_to(&mut app, &there));
    leadbox::tui::export(&mut app, request);
    assert!(
        matches!(app.mode, Mode::ConfirmOverwrite(_)),
        "{:?}",
        app.mode
    );
    let shown = screen(&app);
    assert!(
        shown.contains(&format!(
            "{} is there already: replace it? y/N",
            there.display()
        )),
        "{shown}"
    );
    assert_eq!(key(&mut app, KeyCode::Char('n')), Effect::None);
    assert_eq!(app.mode, Mode::List);
    assert_eq!(std::fs::read_to_string(&there).unwrap(), "keep me");
    assert_eq!(
        flash(&app).0,
        format!("not exported: {} is kept as it was", there.display())
    );
    let request = requested(export_to(&mut app, &there));
    leadbox::tui::export(&mut app, request);
    let again = request_of_yes(&mut app);
    assert!(again.overwrite);
    leadbox::tui::export(&mut app, again);
    assert_eq!(
        flash(&app),
        (format!("Exported 1 lead to {}", there.display()), false)
    );
    assert!(std::fs::read_to_string(&there)
        .unwrap()
        .starts_with("id,contact_id,"));
    assert_eq!(mode(&there), 0o600);

    // A symbolic link is never written through, even after y.
    let link = env.path("link.csv");
    let target = env.path("target.txt");
    std::fs::write(&target, "target").unwrap();
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let request = requested(export_to(&mut app, &link));
    leadbox::tui::export(&mut app, request);
    let again = request_of_yes(&mut app);
    leadbox::tui::export(&mut app, again);
    let (text, error) = flash(&app);
    assert!(error && text.contains("symbolic link"), "{text}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "target");

    // A folder that is not there, and a name with an escape sequence (no key types one,
    // but Tab completes names from the disk): named in the status bar, escaped.
    fn hostile(_typed: &str) -> Option<String> {
        Some("/no-such-leadbox-folder/\u{1b}[31mred\u{202e}.csv".into())
    }
    app.complete_paths_with(hostile);
    keys(&mut app, "x");
    ctrl(&mut app, 'u');
    key(&mut app, KeyCode::Tab);
    let request = requested(key(&mut app, KeyCode::Enter));
    leadbox::tui::export(&mut app, request);
    assert_eq!(
        flash(&app),
        (
            "not exported: cannot create /no-such-leadbox-folder/\u{1b}[31mred\u{202e}.csv: \
             no such file or directory"
                .into(),
            true
        )
    );
    let shown = screen(&app);
    assert!(
        shown.contains("/no-such-leadbox-folder/\\e[31mred\\u{202e}.csv: no such file"),
        "{shown}"
    );
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{202e}'),
        "{shown}"
    );
}

/// `y` to "replace it?": the export again, replacing the file.
fn request_of_yes(app: &mut App) -> ExportRequest {
    assert!(
        matches!(app.mode, Mode::ConfirmOverwrite(_)),
        "{:?}",
        app.mode
    );
    requested(key(app, KeyCode::Char('y')))
}

/// `e` in the email's preview hands that draft to the editor (off the inbox's screen); the
/// preview then shows the draft as saved, which `y` copies before asking whether to log
/// the email. An editor that failed leaves the preview as it was and says why.
#[test]
fn e_in_the_preview_edits_the_draft_then_the_preview_shows_it() {
    let mut app = app(100, 30);
    keys(&mut app, "/chen wei");
    key(&mut app, KeyCode::Enter);
    let lead = app.selected_lead().unwrap().id;
    keys(&mut app, "E");
    let Mode::Compose(previewed) = app.mode.clone() else {
        panic!("{:?}", app.mode);
    };
    assert_eq!(
        key(&mut app, KeyCode::Char('e')),
        Effect::EditDraft(previewed.clone())
    );
    assert_eq!(app.mode, Mode::Compose(previewed.clone()));
    let mut edited = (*previewed).clone();
    edited.subject = "Your trial: a call on Monday?".into();
    app.draft_edited(edited.clone());
    let shown = screen(&app);
    assert!(shown.contains("Your trial: a call on Monday?"), "{shown}");
    assert_eq!(
        key(&mut app, KeyCode::Char('y')),
        Effect::Copy(edited.text())
    );
    assert!(screen(&app).contains("Log the email as sent? y/N"));
    keys(&mut app, "y");
    let touches = app.store.touches(lead).unwrap();
    assert_eq!(touches.len(), 1);
    assert_eq!(touches[0].kind, TouchKind::Email);

    keys(&mut app, "E");
    let Mode::Compose(again) = app.mode.clone() else {
        panic!("{:?}", app.mode);
    };
    assert!(matches!(
        key(&mut app, KeyCode::Char('e')),
        Effect::EditDraft(_)
    ));
    app.editor_failed("cannot run vi: no such file or directory".into());
    assert_eq!(app.mode, Mode::Compose(again));
    assert_eq!(
        flash(&app),
        (
            "draft not edited: cannot run vi: no such file or directory".into(),
            true
        )
    );
    assert_eq!(app.store.touches(lead).unwrap().len(), 1);
}

// ---- the analytics view ------------------------------------------------------------------

/// The store of `fixtures/analytics/EXPECTED.md`, made as `tests/cli_stats.rs` makes it: the
/// fixture imported, then its touches, closes and owners. On a file when `path` names one.
fn analytics_store(path: Option<&Path>) -> Store {
    use leadbox::domain::follow_up::Rules;
    let mut store = match path {
        Some(path) => Store::open(path).unwrap(),
        None => Store::open_in_memory().unwrap(),
    };
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analytics/leads.ndjson");
    let report = import_path(&mut store, &file, &ImportOptions::default(), now()).unwrap();
    assert!(report.is_clean(), "{report}");
    for (lead, kind, at) in [
        (1, TouchKind::Email, "2026-11-16T15:00:00Z"),
        (2, TouchKind::Call, "2026-11-18T12:00:00Z"),
        (3, TouchKind::Email, "2026-11-17T13:00:00Z"),
        (5, TouchKind::Meeting, "2026-11-20T08:00:00Z"),
        (10, TouchKind::Email, "2026-10-01T10:00:00Z"),
        (10, TouchKind::Email, "2026-10-03T10:00:00Z"),
        (10, TouchKind::Email, "2026-10-08T10:00:00Z"),
        (10, TouchKind::Email, "2026-10-18T10:00:00Z"),
        (11, TouchKind::Email, "2026-10-03T10:00:00Z"),
    ] {
        let at = parse_time(at).unwrap();
        store.add_touch(lead, kind, None, at, now()).unwrap();
    }
    let rules = Rules::default();
    store
        .lose(&[3], "no budget", true, &rules, berlin(), now())
        .unwrap();
    store
        .lose(&[15], "not a fit", true, &rules, berlin(), now())
        .unwrap();
    let kickoff = parse_time("2026-11-21T20:00:00Z").unwrap();
    store
        .qualify(
            &[6],
            Some("pilot signed"),
            Some(("kickoff", kickoff)),
            &rules,
            now(),
        )
        .unwrap();
    store.set_owner(1, Some("Mara")).unwrap();
    store.set_owner(5, Some("MARA")).unwrap();
    store.set_owner(3, Some("ben")).unwrap();
    store
}

fn berlin() -> Zone {
    Zone::named("Europe/Berlin").unwrap()
}

/// The inbox on the analytics fixture, in Berlin as `EXPECTED.md` says, on the list.
fn analytics_app(store: Store, width: u16, height: u16) -> App {
    let mut app = App::new(store, now(), berlin()).unwrap();
    app.show_today(false).unwrap();
    app.resize(width, height).unwrap();
    app
}

/// The figures of the last 30 Berlin days (10-23 to 11-21) on screen: the leads of that
/// window are those of `EXPECTED.md`'s `--since 2026-11-16 --until 2026-11-21` (leads 1-8),
/// and its hand count is what the view shows.
fn assert_the_hand_count_of_the_week_of_the_16th(shown: &str) {
    for expected in [
        " Analytics  last 30 days (w)",
        // total 8; met 2 / (2 met + 2 missed + 2 overdue); median (30600 + 90000) / 2 =
        // 60300 s; p90 the 4th of 4: 93600 s.
        "8 leads · SLA 33% (target 90%) · median first touch 16h45m · p90 1d02h",
        // Days judged: 11-16 (50%), 11-17 (0%), 11-18 (0%), 11-20 (50%): none at 90%.
        "SLA by day · target 90% · 0 of 4 days met",
        "First touch · median 16h45m · p90 1d02h",
        // The median (16h45m) is within 24 hours, the p90 (26 h) after.
        "≤ 24h · median",
        "│ > 24h · p90",
        "Contact me → acquired",
        "1 of 3 (33%)",
        "Test drive → acquired",
        "1 of 1 (100%)",
        "no budget",
        "not a fit",
        // contoso.silent: no lead in the window, still listed, still flagged, 45 days on.
        "SILENT 45d",
        "offer contoso.silent silent for 45 days",
    ] {
        assert!(shown.contains(expected), "{expected:?} not in\n{shown}");
    }
}

#[test]
fn analytics_view_wide() {
    let mut app = analytics_app(analytics_store(None), 160, 45);
    keys(&mut app, "A");
    assert_eq!(app.mode, Mode::Analytics);
    let shown = screen(&app);
    assert_the_hand_count_of_the_week_of_the_16th(&shown);
    for expected in [
        // The pipeline: Ana, Ben, Cleo, Dan; touched Ana, Ben, Cleo; Cleo qualified.
        "Customers              4",
        "  touched              3 of 4 (75%)",
        "  qualified            1 of 4 (25%)",
        // The backlog: Ana and Gus past due, Cleo today, Fay's decision.
        "Follow-up backlog by owner · 3 due today, 2 past due, 1 decisions",
        "Leads by week · INS 2 · PLT 3 · DNC 1 · Crt 1 · TD 1",
    ] {
        assert!(shown.contains(expected), "{expected:?} not in\n{shown}");
    }
    let owners: Vec<&str> = shown
        .lines()
        .filter(|l| l.contains("mara") || l.contains("ben ") || l.contains("unassigned"))
        .collect();
    assert_eq!(owners.len(), 3, "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn analytics_view_narrow() {
    let mut app = analytics_app(analytics_store(None), 80, 24);
    keys(&mut app, "A");
    let shown = screen(&app);
    for expected in [
        " Analytics  last 30 days (w)  8 leads · SLA 33% (target 90%) · median 16h45m",
        "SLA by day · 90% · 0/4 met",
        "First touch · med 16h45m · p90 1d02h",
        "contoso.silent",
        "SILENT 45d",
        "Contact me → acquired 1 of 3",
        "mara",
    ] {
        assert!(shown.contains(expected), "{expected:?} not in\n{shown}");
    }
    insta::assert_snapshot!(shown);
}

/// `w` goes through 7, 30, 90 days and all time, the title saying which; Esc returns to
/// the view the rep was in.
#[test]
fn w_cycles_the_window_and_esc_returns() {
    let mut app = analytics_app(analytics_store(None), 160, 45);
    keys(&mut app, "jj");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Detail);
    keys(&mut app, "A");
    // Sept 1 (lead 14) is within the last 90 days: every lead, as all time.
    for (label, total) in [
        ("last 90 days", 14),
        ("all time", 14),
        ("last 7 days", 8),
        ("last 30 days", 8),
    ] {
        keys(&mut app, "w");
        let shown = screen(&app);
        assert!(shown.contains(&format!(" {label} (w) ")), "{shown}");
        assert!(shown.contains(&format!(" {total} leads · SLA ")), "{shown}");
        assert_eq!(app.analytics.stats.as_ref().unwrap().total, total);
    }
    // All time: compliance 4 / 12 and the median of six delays.
    keys(&mut app, "ww");
    let shown = screen(&app);
    assert!(
        shown.contains("14 leads · SLA 33% (target 90%) · median first touch 7h15m · p90 1d02h"),
        "{shown}"
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Detail);
    assert!(screen(&app).contains(" Lead "));
}

/// The target comes from the settings: at 50% two of the four days meet it.
#[test]
fn the_days_are_drawn_against_the_settings_target() {
    let mut app = analytics_app(analytics_store(None), 120, 40);
    app.sla_target = 50;
    keys(&mut app, "A");
    let shown = screen(&app);
    assert!(
        shown.contains("SLA by day · target 50% · 2 of 4 days met"),
        "{shown}"
    );
    assert!(shown.contains("(target 50%)"), "{shown}");
}

/// The help in the analytics view lists its keys.
#[test]
fn the_analytics_help_lists_its_keys() {
    let mut app = analytics_app(analytics_store(None), 100, 40);
    keys(&mut app, "?");
    assert!(screen(&app).contains("analytics: SLA, funnel, owners, offers"));
    key(&mut app, KeyCode::Esc);
    keys(&mut app, "A?");
    let shown = screen(&app);
    for expected in [
        "the window: 7 days, 30 days, 90 days, all",
        "mute (or unmute) the selected offer's silence warning",
        "next offer",
    ] {
        assert!(shown.contains(expected), "{expected:?} not in\n{shown}");
    }
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Analytics);
}

/// Any size draws without a panic: charts give way to a summary when there is no room.
#[test]
fn the_analytics_view_draws_at_any_size() {
    let mut app = analytics_app(analytics_store(None), 80, 24);
    keys(&mut app, "A");
    for width in [
        1, 2, 5, 10, 20, 39, 40, 59, 60, 61, 79, 80, 100, 119, 120, 121, 160, 250,
    ] {
        for height in [
            1, 2, 3, 5, 6, 8, 10, 13, 14, 15, 17, 18, 20, 24, 33, 34, 35, 45, 70,
        ] {
            app.resize(width, height).unwrap();
            let shown = screen(&app);
            assert_eq!(shown.lines().count(), usize::from(height));
        }
    }
    app.resize(50, 12).unwrap();
    let shown = screen(&app);
    assert!(
        shown.contains("SLA 33% (2 met, 2 missed, 2 overdue)"),
        "{shown}"
    );
}

/// The status bar warns of a silent offer in every view; `m` on its row in the offers
/// table mutes it through the writer, `u` takes that back, and an inbox opened on the
/// store again finds it muted.
#[test]
fn a_silent_offer_is_warned_of_until_muted_and_the_mute_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("leads.db");
    let warning = "offer contoso.silent silent for 45 days";
    let mut app = analytics_app(analytics_store(Some(&db)), 120, 30);
    assert!(screen(&app).contains(warning), "the list warns");
    app.show_today(true).unwrap();
    assert!(screen(&app).contains(warning), "the Today view warns");
    keys(&mut app, "A");
    // The offers by name: contoso.alpha, contoso.few, contoso.silent.
    keys(&mut app, "jjj");
    assert_eq!(app.analytics.selected_offer(), Some("contoso.silent"));
    keys(&mut app, "m");
    app.wait_until_saved().unwrap();
    let shown = screen(&app);
    assert!(!shown.contains(warning), "{shown}");
    assert!(shown.contains("muted 45d"), "{shown}");
    assert!(shown.contains("offer contoso.silent muted"), "{shown}");
    keys(&mut app, "u");
    app.wait_until_saved().unwrap();
    let shown = screen(&app);
    assert!(shown.contains(warning), "the undo unmutes it\n{shown}");
    assert!(shown.contains("SILENT 45d"), "{shown}");
    keys(&mut app, "m");
    app.wait_until_saved().unwrap();
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::List);
    assert!(!screen(&app).contains(warning));
    drop(app);
    let again = analytics_app(Store::open(&db).unwrap(), 120, 30);
    let shown = screen(&again);
    assert!(!shown.contains("silent for"), "{shown}");
    assert!(again.muted.contains("contoso.silent"));
}

/// With a worker, the view opens at once saying "computing…"; the figures take its place
/// when the worker's answer is applied, and an answer to a window `w` replaced is dropped.
#[test]
fn the_analytics_view_computes_on_the_worker() {
    let mut app = App::with_counts_worker(analytics_store(None), now(), berlin()).unwrap();
    app.resize(160, 45).unwrap();
    // The offers' health is asked for when the inbox opens; until it comes, no warning.
    let health = app.take_stats_request().expect("the health is asked for");
    assert_eq!(health.window, None);
    assert!(!screen(&app).contains("silent for"));
    app.apply_stats(health.run(&app.store).unwrap());
    assert!(screen(&app).contains("offer contoso.silent silent for 45 days"));
    keys(&mut app, "A");
    assert!(app.analytics_pending());
    let shown = screen(&app);
    assert!(shown.contains("computing…"), "{shown}");
    assert!(!shown.contains("SLA by day"), "{shown}");
    let thirty = app.take_stats_request().expect("the figures are asked for");
    keys(&mut app, "w");
    let ninety = app
        .take_stats_request()
        .expect("the new window is asked for");
    app.apply_stats(thirty.run(&app.store).unwrap());
    assert!(app.analytics_pending(), "a replaced answer is dropped");
    assert!(screen(&app).contains("computing…"));
    app.apply_stats(ninety.run(&app.store).unwrap());
    assert!(!app.analytics_pending());
    let shown = screen(&app);
    assert!(!shown.contains("computing…"), "{shown}");
    assert!(shown.contains(" last 90 days (w) "), "{shown}");
    assert!(shown.contains(" 14 leads · SLA 33% "), "{shown}");
}
