//! What the store's designs cost at a given size, for BENCHMARKS.md: plain indexes in place
//! of the sort-order tables, and SQLite FTS5 in place of the word index.
//!
//!     cargo run --release --example store-costs -- target/bench/leads-1000000.db
//!
//! Works on a copy of the store (made with SQLite's backup API, next to it, removed at the
//! end): the store itself is only read. Run it on a quiet machine, like bench/run.sh.

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use leadbox::domain::{LeadFilter, SortKey, SEARCH_FIELDS};
use leadbox::store::{PageStart, SearchLists, Store};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The searches a rep types first: one to three letters match the most leads, and a second
/// word starting with one letter is the worst case for a prefix index.
const QUERIES: [&str; 12] = [
    "a",
    "e",
    "m",
    "s",
    "co",
    "ma",
    "jo",
    "con",
    "mar",
    "joh",
    "contoso a",
    "john m",
];
const REPEATS: usize = 5;
/// A screenful of the inbox.
const PAGE: usize = 40;

fn main() -> Result<()> {
    let store_path = PathBuf::from(
        std::env::args()
            .nth(1)
            .context("usage: store-costs STORE.db")?,
    );
    let copy = store_path.with_extension("costs.db");
    let _ = std::fs::remove_file(&copy);
    {
        let source = Connection::open_with_flags(&store_path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let mut target = Connection::open(&copy)?;
        let backup = rusqlite::backup::Backup::new(&source, &mut target)?;
        backup.run_to_completion(1 << 20, Duration::ZERO, None)?;
    }
    let result = measure(&copy);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
    }
    result
}

fn measure(copy: &Path) -> Result<()> {
    let conn = Connection::open(copy)?;
    conn.pragma_update(None, "cache_size", -16 * 1024)?;
    let leads: i64 = conn.query_row("SELECT count(*) FROM lead_rows", [], |r| r.get(0))?;
    println!("leads: {leads}");

    println!("\n## Plain indexes in place of the order tables (CREATE INDEX, each alone)");
    let indexes = [
        ("urgency", "lead_rows(lane, urgency, id)"),
        ("received", "lead_rows(lane, received_sort, id)"),
        ("company", "lead_rows(lane, company_sort, id)"),
        ("contact leads", "lead_rows(contact_id, received_at, id)"),
        ("record hash", "lead_rows(record_hash)"),
    ];
    let mut total = Duration::ZERO;
    for (name, on) in indexes {
        let took = timed(|| conn.execute_batch(&format!("CREATE INDEX costs_index ON {on}")))?;
        conn.execute_batch("DROP INDEX costs_index")?;
        total += took;
        println!("{name:>14}: {:>7.3} s", took.as_secs_f64());
    }
    println!(
        "{:>14}: {:>7.3} s (the offer order's key is in lead_origins: no plain index serves it)",
        "all five",
        total.as_secs_f64()
    );

    println!("\n## Word index build (the import's share: filing every lead's words, then storing)");
    let took = timed(|| build_word_index(&conn))?;
    println!("{:>14}: {:>7.3} s", "word index", took.as_secs_f64());

    println!("\n## FTS5 build (external content, detail=none)");
    let columns: Vec<&str> = SEARCH_FIELDS.iter().map(|(name, _)| *name).collect();
    for (name, prefix) in [("no prefix", ""), ("prefix 1 2 3", ", prefix='1 2 3'")] {
        conn.execute_batch("DROP TABLE IF EXISTS lead_fts")?;
        let took = timed(|| {
            conn.execute_batch(&format!(
                "CREATE VIRTUAL TABLE lead_fts USING fts5({}, content='leads', content_rowid='id',
                    detail=none, tokenize='unicode61 remove_diacritics 0'{prefix});
                 INSERT INTO lead_fts(lead_fts) VALUES('rebuild');",
                columns.join(", ")
            ))
        })?;
        println!("{name:>14}: {:>7.3} s", took.as_secs_f64());
    }
    drop(conn);

    let now: DateTime<Utc> = leadbox::clock::now()?;
    let conn = Connection::open(copy)?;
    println!("\n## Searches: the first page ({PAGE} leads, urgency order; what a keystroke waits for) and every tab's count (the inbox's worker thread); median / max of {REPEATS}, ms");
    println!(
        "{:>10} {:>8} {:>17} {:>17} {:>8} {:>17} {:>17}",
        "query", "matches", "index page", "index counts", "fts5", "fts5 page", "fts5 counts"
    );
    for query in QUERIES {
        let filter = LeadFilter::default().with_search(query);
        let (mut index_page, mut index_counts, mut index_matches) = (Vec::new(), Vec::new(), 0);
        for _ in 0..REPEATS {
            // A fresh store each time: it keeps recent plans (the inbox's Backspace).
            let store = Store::open(copy)?;
            index_page.push(timed(|| -> Result<()> {
                store.page_forward(
                    &filter,
                    SortKey::Urgency,
                    now,
                    &PageStart::Beginning,
                    0,
                    PAGE,
                )?;
                Ok(())
            })?);
            let store = Store::open(copy)?;
            index_counts.push(timed(|| -> Result<()> {
                index_matches = store.lane_counts(&filter, now)?.all;
                Ok(())
            })?);
        }
        let fts_query = query
            .split_whitespace()
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" AND ");
        let (mut fts_page, mut fts_counts, mut fts_matches) = (Vec::new(), Vec::new(), 0);
        for _ in 0..REPEATS {
            fts_page.push(timed(|| -> Result<()> {
                let mut page = conn.prepare_cached(
                    "SELECT o.lead_id FROM lead_order_urgency o JOIN lead_rows r ON r.id = o.lead_id
                     WHERE o.lead_id IN (SELECT rowid FROM lead_fts WHERE lead_fts MATCH ?1)
                        AND r.is_test = 0
                     ORDER BY o.sort_key, o.lead_id LIMIT ?2",
                )?;
                let _ids: Vec<i64> = page
                    .query_map(rusqlite::params![fts_query, PAGE], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                Ok(())
            })?);
            fts_counts.push(timed(|| -> Result<()> {
                let mut counts = conn.prepare_cached(
                    "SELECT r.lane, count(*) FROM lead_fts f JOIN lead_rows r ON r.id = f.rowid
                     WHERE lead_fts MATCH ?1 AND r.is_test = 0 GROUP BY r.lane",
                )?;
                fts_matches = counts
                    .query_map([&fts_query], |r| r.get::<_, u64>(1))?
                    .sum::<rusqlite::Result<u64>>()?;
                Ok(())
            })?);
        }
        println!(
            "{query:>10} {index_matches:>8} {:>17} {:>17} {fts_matches:>8} {:>17} {:>17}",
            median_max(&mut index_page),
            median_max(&mut index_counts),
            median_max(&mut fts_page),
            median_max(&mut fts_counts)
        );
    }
    Ok(())
}

/// What the import does for the search index, on the stored leads: file each lead's words,
/// then store the lists (into a scratch table of the same shape).
fn build_word_index(conn: &Connection) -> rusqlite::Result<()> {
    let mut postings = SearchLists::default();
    let columns: Vec<&str> = SEARCH_FIELDS.iter().map(|(name, _)| *name).collect();
    let mut stmt = conn.prepare(&format!(
        "SELECT id, {} FROM leads ORDER BY id",
        columns.join(", ")
    ))?;
    let mut rows = stmt.query([])?;
    let mut fields: Vec<String> = vec![String::new(); columns.len()];
    while let Some(row) = rows.next()? {
        for (i, field) in fields.iter_mut().enumerate() {
            field.clear();
            if let Some(text) = row.get_ref(i + 1)?.as_str_or_null()? {
                field.push_str(text);
            }
        }
        postings.add(row.get(0)?, fields.iter().map(String::as_str));
    }
    conn.execute_batch(
        "CREATE TABLE costs_postings (word TEXT NOT NULL, chunk INTEGER NOT NULL,
            leads INTEGER NOT NULL, ids BLOB NOT NULL, PRIMARY KEY (word, chunk)) WITHOUT ROWID",
    )?;
    let mut insert = conn.prepare("INSERT INTO costs_postings VALUES (?1, 0, ?2, ?3)")?;
    for (word, leads, ids) in postings.into_sorted(Some) {
        insert.execute(rusqlite::params![word, leads as i64, ids])?;
    }
    conn.execute_batch("DROP TABLE costs_postings")
}

fn timed<E>(f: impl FnOnce() -> std::result::Result<(), E>) -> std::result::Result<Duration, E> {
    let start = Instant::now();
    f()?;
    Ok(start.elapsed())
}

fn median_max(samples: &mut [Duration]) -> String {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "{:>7.1} / {:>7.1}",
        ms(samples[samples.len() / 2]),
        ms(samples[samples.len() - 1])
    )
}
