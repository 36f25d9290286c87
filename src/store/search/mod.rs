//! The search index, behind one interface: for each word, the ids of the leads that have
//! a word beginning with it (`domain::search` says what a word is and what matches).
//!
//! - **Build**: an import files its leads' words in a [`SearchLists`] (on the parser's thread,
//!   by record number) and hands it to its session, which stores it ([`store_lists`]) as
//!   one chunk per word; an upgrade or a large erasure rebuilds it from the stored leads
//!   ([`rebuild`]).
//! - **Query**: [`Store::search_plan`] decides how a search is served (a list of few ids, a
//!   set checked while the lanes are read in order, or the row-by-row check for words in
//!   most leads), from the lists' counts.
//! - **Delete**: [`remove`] takes erased leads out of the lists they are filed in.
//! - **Edit**: no operation of leadbox edits a field a search reads (names, email, company,
//!   offer, notes are as imported); one that did would [`remove`] the lead and store its
//!   new words as a chunk.
//! - **Compaction**: each import adds a chunk per word; once a word has more than
//!   [`MAX_CHUNKS`] after those of the import that first brought it, the import that adds
//!   one merges those ([`compact`]), so a query reads a bounded number of chunks per word
//!   whatever the number of imports.

mod lists;

pub use lists::SearchLists;
pub(super) use lists::{decode_into, encode};

use rusqlite::{params, Connection};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::query::SEARCH_COLUMNS;
use super::{Result, Store};
use crate::domain::search::{self, Query};
use crate::domain::LeadFilter;

/// Where a search switches strategy (see `Store::search_plan`).
#[derive(Debug, Clone, Copy)]
pub struct SearchTuning {
    /// Searches with at most this many candidates are sorted in memory (one read by id
    /// each); past it, reading lanes in order finds a page sooner.
    pub few_matches: usize,
    /// A word in more leads than this, and than `common_share` of all leads, is too common
    /// to ask the index about: checking rows in list order finds a page of it sooner than
    /// reading and sorting its list.
    pub common_word: usize,
    pub common_share: f64,
}

impl Default for SearchTuning {
    fn default() -> Self {
        SearchTuning {
            few_matches: 5_000,
            common_word: 50_000,
            // In one lead of six or more, a page of matches is found within a few hundred
            // rows per lane; rarer than that, the list is the faster way.
            common_share: 0.15,
        }
    }
}

/// Search plans kept, so that typing back (Backspace) finds its answer.
const PLANS_KEPT: usize = 8;

/// How the current search is served.
#[derive(Clone)]
pub(super) enum Search {
    None,
    /// No word to look for: nothing matches.
    Nothing,
    /// Few candidates, from the search index: their ids, still to be checked against
    /// every word (words too common to ask the index about were left out of its query).
    /// No words: the ids are the answer (`#123`).
    Few {
        ids: Arc<Vec<i64>>,
        words: Option<String>,
    },
    /// Many candidates, from the index: lanes are read in order through their covering
    /// indexes and each lead kept if its id is in the set (and, when words were left out of
    /// the index query, if it matches them all).
    Set {
        ids: Arc<IdSet>,
        words: String,
        verify: bool,
    },
    /// Only words that match most leads: check row by row while reading lanes in order.
    Many(String),
}

/// Recent search plans: the query's words, the store's data version then, the plan.
pub type SearchCache = std::cell::RefCell<Vec<(String, i64, SearchPlan)>>;

/// A search plan, opaque outside the store.
#[derive(Clone)]
pub struct SearchPlan(Search);

impl Store {
    /// Decides how to serve a search. `#123` is lead 123 alone (the filter's lanes and
    /// conditions still apply). Otherwise each word is first judged by the index's counts:
    /// a word that begins words in a large share of the leads (every lead names the
    /// publisher's offers) filters little, so its lists are not read (that is the slow part)
    /// and the row-by-row check covers it. The lists of the other words are read and
    /// intersected.
    pub(super) fn search_plan(&self, filter: &LeadFilter) -> Result<Search> {
        let Some(text) = filter.search.as_deref() else {
            return Ok(Search::None);
        };
        let words = match search::query(text) {
            Query::Lead(id) => {
                return Ok(Search::Few {
                    ids: Arc::new(vec![id]),
                    words: None,
                })
            }
            Query::Words(words) if words.is_empty() => return Ok(Search::Nothing),
            Query::Words(words) => words,
        };
        let key = words.join(" ");
        let version = self.data_version()?;
        {
            let mut plans = self.search_cache.borrow_mut();
            plans.retain(|(_, v, _)| *v == version);
            if let Some((_, _, plan)) = plans.iter().find(|(k, _, _)| *k == key) {
                return Ok(plan.0.clone());
            }
        }
        let leads: i64 =
            self.conn
                .query_row("SELECT ifnull(max(id), 0) FROM lead_rows", [], |r| r.get(0))?;
        let common = self
            .search_tuning
            .common_word
            .max((leads as f64 * self.search_tuning.common_share) as usize);
        let mut strong = Vec::new();
        for word in &words {
            if !self.is_common(word, common)? {
                strong.push(word.clone());
            }
        }
        let plan = if strong.is_empty() {
            Search::Many(key.clone())
        } else {
            let ids = self.ids_with_all(&strong)?;
            let verify = strong.len() < words.len();
            if ids.len() <= self.search_tuning.few_matches {
                Search::Few {
                    ids: Arc::new(ids),
                    words: Some(key.clone()),
                }
            } else {
                Search::Set {
                    ids: Arc::new(IdSet::new(ids)),
                    words: key.clone(),
                    verify,
                }
            }
        };
        let mut plans = self.search_cache.borrow_mut();
        if plans.len() >= PLANS_KEPT {
            plans.remove(0);
        }
        plans.push((key, version, SearchPlan(plan.clone())));
        Ok(plan)
    }

    /// The ids of the leads that have, for every word, an index word it begins; ascending.
    fn ids_with_all(&self, words: &[String]) -> Result<Vec<i64>> {
        let mut found: Option<Vec<i64>> = None;
        for word in words {
            let ids = self.ids_with(word)?;
            found = Some(match found {
                None => ids,
                Some(previous) => intersect(&previous, &ids),
            });
            if found.as_ref().is_some_and(Vec::is_empty) {
                break;
            }
        }
        Ok(found.unwrap_or_default())
    }

    /// The ids of the leads with an index word that begins with `word`; ascending.
    fn ids_with(&self, word: &str) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT ids FROM search_postings WHERE word >= ?1 AND word < ?2")?;
        let mut rows = stmt.query(rusqlite::params![word, after_prefix(word)])?;
        let mut ids = Vec::new();
        let mut words = 0;
        while let Some(row) = rows.next()? {
            if let rusqlite::types::ValueRef::Blob(bytes) = row.get_ref(0)? {
                decode_into(bytes, &mut ids);
            }
            words += 1;
        }
        if words > 1 {
            // Several words' lists (or one word's chunks, already in order: cheap to sort).
            ids.sort_unstable();
            ids.dedup();
        }
        Ok(ids)
    }

    /// True when the index words that begin with `word` are in more than `cap` leads in all
    /// (a lead with two such words counts twice: a bound, enough to judge by).
    fn is_common(&self, word: &str, cap: usize) -> Result<bool> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT leads FROM search_postings WHERE word >= ?1 AND word < ?2")?;
        let mut rows = stmt.query(rusqlite::params![word, after_prefix(word)])?;
        let mut leads = 0u64;
        while let Some(row) = rows.next()? {
            leads += row.get::<_, u64>(0)?;
            if leads > cap as u64 {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// A bound above every text that starts with `prefix` (and below the next prefix).
fn after_prefix(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// The ids in both ascending lists.
fn intersect(a: &[i64], b: &[i64]) -> Vec<i64> {
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// A set of lead ids: the sorted list, and a bit per id between the smallest and the
/// largest for membership at the cost of a shift (a lane scan asks it of every row).
pub(super) struct IdSet {
    pub sorted: Vec<i64>,
    first: i64,
    bits: Vec<u64>,
}

impl IdSet {
    /// `sorted`: ascending, without repeats.
    pub(super) fn new(sorted: Vec<i64>) -> IdSet {
        let first = sorted.first().copied().unwrap_or(0);
        let span = sorted.last().map_or(0, |last| (last - first) as usize + 1);
        let mut bits = vec![0u64; span.div_ceil(64)];
        for id in &sorted {
            let at = (id - first) as usize;
            bits[at / 64] |= 1 << (at % 64);
        }
        IdSet {
            sorted,
            first,
            bits,
        }
    }

    pub(super) fn contains(&self, id: i64) -> bool {
        let Some(at) = id.checked_sub(self.first).filter(|at| *at >= 0) else {
            return false;
        };
        let at = at as usize;
        self.bits
            .get(at / 64)
            .is_some_and(|word| word & (1 << (at % 64)) != 0)
    }
}

/// Leads whose words are rewritten one by one in the search lists, however large the store
/// (see [`remove`]).
const REWRITE_AT_MOST: usize = 1_000;

/// A lead on its way out: what the search index filed it under.
pub(super) struct Leaving {
    pub id: i64,
    pub import_id: Option<i64>,
    pub fields: Vec<String>,
}

/// A word's chunks after those of its first import past which the import that adds one
/// merges them ([`compact`]).
pub(super) const MAX_CHUNKS: usize = 16;

/// How [`store_lists`] keeps the chunks of each word.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Chunks {
    /// Merges a word's later chunks once there are more than [`MAX_CHUNKS`].
    Compact,
    /// Leaves them (a first import into an empty store: its words have only its own parts,
    /// and a million words would each cost a look).
    Append,
}

/// Writes `lists`, in word order, as the chunk `chunk` of each word, each lead named by
/// `id_of` its key (none: a lead not stored, a duplicate).
pub(super) fn store_lists(
    tx: &Connection,
    lists: SearchLists,
    id_of: impl Fn(i64) -> Option<i64>,
    chunk: i64,
    chunks: Chunks,
) -> Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO search_postings (word, chunk, leads, ids) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (word, leads, ids) in lists.into_sorted(id_of) {
        insert.execute(params![word, chunk, leads as i64, ids])?;
        if chunks == Chunks::Compact {
            let later = later_chunks(tx, &word)?;
            if later.len() > MAX_CHUNKS {
                compact(tx, &word, &later)?;
            }
        }
    }
    Ok(())
}

/// The chunks of `word`'s list after those of the import that first brought it (a large
/// first import stores a common word in many parts, which stay as they are: merging them
/// would cost as much as the word's whole list at every compaction).
fn later_chunks(tx: &Connection, word: &str) -> Result<Vec<i64>> {
    let chunks: Vec<i64> = tx
        .prepare_cached("SELECT chunk FROM search_postings WHERE word = ?1 ORDER BY chunk")?
        .query_map([word], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let first_import = chunks.first().map_or(0, |c| c >> 20);
    Ok(chunks
        .into_iter()
        .filter(|c| c >> 20 != first_import)
        .collect())
}

/// Merges the chunks `chunks` (ascending) of `word`'s list into one, numbered as the last.
pub(super) fn compact(tx: &Connection, word: &str, chunks: &[i64]) -> Result<()> {
    let (Some(&first), Some(&last)) = (chunks.first(), chunks.last()) else {
        return Ok(());
    };
    let mut ids = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT ids FROM search_postings WHERE word = ?1 AND chunk BETWEEN ?2 AND ?3",
        )?;
        let mut rows = stmt.query(params![word, first, last])?;
        while let Some(row) = rows.next()? {
            if let rusqlite::types::ValueRef::Blob(bytes) = row.get_ref(0)? {
                decode_into(bytes, &mut ids);
            }
        }
    }
    ids.sort_unstable();
    ids.dedup();
    tx.prepare_cached("DELETE FROM search_postings WHERE word = ?1 AND chunk BETWEEN ?2 AND ?3")?
        .execute(params![word, first, last])?;
    tx.prepare_cached(
        "INSERT INTO search_postings (word, chunk, leads, ids) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![word, last, ids.len() as i64, encode(&ids)])?;
    Ok(())
}

/// Builds the search lists of every stored lead (upgrading a store made before them).
pub(super) fn rebuild(tx: &Connection) -> Result<()> {
    let mut postings = SearchLists::default();
    {
        let mut stmt = tx.prepare(&format!(
            "SELECT id, {} FROM leads ORDER BY id",
            *SEARCH_COLUMNS
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let fields: Vec<String> = (1..=crate::domain::SEARCH_FIELDS.len())
                .map(|i| Ok(row.get::<_, Option<String>>(i)?.unwrap_or_default()))
                .collect::<rusqlite::Result<_>>()?;
            postings.add(row.get(0)?, fields.iter().map(String::as_str));
        }
    }
    store_lists(tx, postings, Some, 0, Chunks::Append)
}

/// Takes removed leads out of the search lists; returns how many words are left with no
/// lead (and so are gone). Each word a removed lead was filed under is rewritten: only the
/// parts of its list that can hold the lead (those of the lead's import, and those built at
/// an upgrade), unless the lead is not found there. When more leads leave than stay, or
/// more than [`REWRITE_AT_MOST`] leave and over a fifth of the store, the index is built
/// again from the remaining leads instead: one pass, where rewriting would visit every word.
pub(super) fn remove(tx: &Connection, leaving: &[Leaving]) -> Result<u64> {
    // (`lead_records` has a row per lead and is much smaller than `lead_rows` to count.)
    let remaining: u64 = tx.query_row("SELECT count(*) FROM lead_records", [], |r| r.get(0))?;
    let leaving_count = leaving.len() as u64;
    if leaving_count > remaining
        || (leaving.len() > REWRITE_AT_MOST && leaving_count * 4 > remaining)
    {
        let words = |tx: &Connection| -> Result<u64> {
            Ok(tx.query_row(
                "SELECT count(DISTINCT word) FROM search_postings",
                [],
                |r| r.get(0),
            )?)
        };
        let before = words(tx)?;
        tx.execute("DELETE FROM search_postings", [])?;
        rebuild(tx)?;
        return Ok(before.saturating_sub(words(tx)?));
    }
    let mut gone = 0;
    for (word, (ids, imports)) in words_of(leaving) {
        // Leads are read in id order: each list is ascending and without repeats.
        let mut found = 0;
        if !imports.contains(&None) {
            // Chunk 0 is built at an upgrade; an import's chunks are its id << 20 | part
            // (a compacted chunk holds leads of earlier imports too: the wide pass below
            // finds them).
            let mut ranges = vec![(0, 0)];
            ranges.extend(
                imports
                    .iter()
                    .flatten()
                    .map(|i| (i << 20, (i << 20) | 0xF_FFFF)),
            );
            for (low, high) in ranges {
                found += rewrite_chunks(tx, &word, low, high, &ids)?;
            }
        }
        if found < ids.len() {
            rewrite_chunks(tx, &word, i64::MIN, i64::MAX, &ids)?;
        }
        let left = tx
            .prepare_cached("SELECT 1 FROM search_postings WHERE word = ?1 LIMIT 1")?
            .exists([&word])?;
        if !left {
            gone += 1;
        }
    }
    Ok(gone)
}

/// Each word the leaving leads were filed under, with those leads (ascending) and the
/// imports they came with.
type LeavingWords = BTreeMap<String, (Vec<i64>, BTreeSet<Option<i64>>)>;

fn words_of(leaving: &[Leaving]) -> LeavingWords {
    let mut by_word = LeavingWords::new();
    let mut scratch = String::new();
    for lead in leaving {
        for field in &lead.fields {
            search::each_word(field, &mut scratch, |word| {
                let (ids, imports) = match by_word.get_mut(word) {
                    Some(entry) => entry,
                    None => by_word.entry(word.to_string()).or_default(),
                };
                if ids.last() != Some(&lead.id) {
                    ids.push(lead.id);
                }
                imports.insert(lead.import_id);
            });
        }
    }
    by_word
}

/// Rewrites the chunks of `word`'s list numbered `low..=high` without the ids `remove`
/// (ascending); a chunk left empty is deleted. Returns how many ids it took out.
fn rewrite_chunks(
    tx: &Connection,
    word: &str,
    low: i64,
    high: i64,
    remove: &[i64],
) -> Result<usize> {
    let chunks: Vec<(i64, Vec<u8>)> = tx
        .prepare_cached(
            "SELECT chunk, ids FROM search_postings WHERE word = ?1 AND chunk BETWEEN ?2 AND ?3",
        )?
        .query_map(params![word, low, high], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut removed = 0;
    let mut ids = Vec::new();
    for (chunk, bytes) in chunks {
        ids.clear();
        decode_into(&bytes, &mut ids);
        let before = ids.len();
        ids.retain(|id| remove.binary_search(id).is_err());
        if ids.len() == before {
            continue;
        }
        removed += before - ids.len();
        if ids.is_empty() {
            tx.prepare_cached("DELETE FROM search_postings WHERE word = ?1 AND chunk = ?2")?
                .execute(params![word, chunk])?;
        } else {
            tx.prepare_cached(
                "UPDATE search_postings SET leads = ?3, ids = ?4 WHERE word = ?1 AND chunk = ?2",
            )?
            .execute(params![word, chunk, ids.len() as i64, encode(&ids)])?;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_set_holds_exactly_its_ids() {
        let set = IdSet::new(vec![5, 6, 70, 200]);
        let held: Vec<i64> = (0..300).filter(|id| set.contains(*id)).collect();
        assert_eq!(held, [5, 6, 70, 200]);
        assert!(!set.contains(-1) && !set.contains(i64::MIN));
        assert!(!IdSet::new(Vec::new()).contains(0));
    }

    #[test]
    fn intersecting_sorted_lists() {
        assert_eq!(intersect(&[1, 3, 5, 9], &[2, 3, 9, 10]), [3, 9]);
        assert!(intersect(&[1, 2], &[]).is_empty());
    }
}
