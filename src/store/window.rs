//! The inbox's window onto a sorted list of leads, fast at any size.
//!
//! Each action filter is a lane with indexes in every sort order, so a page is a few short
//! index range scans (one per lane shown) merged here, then the leads of that page read by
//! id. Positions are cursors (sort value, id), never OFFSETs: moving costs the same at row
//! ten and at row a million.
//!
//! A search first asks the full-text index how many leads match. When they are few, their
//! sort keys are read and kept in memory, and pages come from that list; when they are
//! many, each lane is scanned in order with the row-by-row check, which finds a page of
//! matches quickly precisely because matches are dense.

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::query::{where_clause, SEARCH_COLUMNS};
use super::{lead_from_row, ActionCounts, Result, Store, LEAD_COLUMNS};
use crate::domain::{search, Action, Lead, LeadFilter, SortKey};

/// Searches with at most this many matches are sorted in memory.
const FEW_MATCHES: usize = 4000;

/// A lead's place in a sorted list.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    value: SortValue,
    id: i64,
}

#[derive(Debug, Clone, PartialEq, PartialOrd)]
enum SortValue {
    Int(i64),
    Text(String),
}

impl Cursor {
    fn cmp(&self, other: &Cursor) -> Ordering {
        self.value
            .partial_cmp(&other.value)
            .unwrap_or(Ordering::Equal)
            .then(self.id.cmp(&other.id))
    }

    fn sql_value(&self) -> Value {
        match &self.value {
            SortValue::Int(i) => Value::Integer(*i),
            SortValue::Text(t) => Value::Text(t.clone()),
        }
    }
}

/// Where a forward page starts.
#[derive(Debug, Clone, PartialEq)]
pub enum PageStart {
    Beginning,
    After(Cursor),
    At(Cursor),
}

/// Where a backward page ends.
#[derive(Debug, Clone, PartialEq)]
pub enum PageEnd {
    End,
    Before(Cursor),
}

fn sort_column(sort: SortKey) -> &'static str {
    match sort {
        SortKey::Urgency => "urgency",
        SortKey::Received => "received_sort",
        SortKey::Company => "company_sort",
        SortKey::Offer => "offer_sort",
    }
}

const KNOWN_LANES: [(i64, Action); 5] = [
    (1, Action::Ins),
    (2, Action::Plt),
    (3, Action::Dnc),
    (4, Action::Create),
    (5, Action::StartTestDrive),
];
const OTHER_LANE: i64 = 6;
const TEST_LANE: i64 = 7;

/// One lane to scan, with what narrows it further (the test lane holds every action).
struct Lane {
    lane: i64,
    narrow: Option<(String, Vec<Value>)>,
}

fn lanes(filter: &LeadFilter) -> Vec<Lane> {
    let mut lanes = Vec::new();
    let everything = filter.actions.is_empty() && !filter.other_actions;
    if everything {
        lanes.extend(KNOWN_LANES.iter().map(|(l, _)| Lane {
            lane: *l,
            narrow: None,
        }));
        lanes.push(Lane {
            lane: OTHER_LANE,
            narrow: None,
        });
    } else {
        for action in &filter.actions {
            match KNOWN_LANES.iter().find(|(_, a)| a == action) {
                Some((l, _)) => lanes.push(Lane {
                    lane: *l,
                    narrow: None,
                }),
                None => lanes.push(Lane {
                    lane: OTHER_LANE,
                    narrow: Some((
                        "action = ? COLLATE NOCASE".into(),
                        vec![action.as_str().to_string().into()],
                    )),
                }),
            }
        }
        if filter.other_actions {
            lanes.push(Lane {
                lane: OTHER_LANE,
                narrow: None,
            });
        }
    }
    if filter.include_test {
        let narrow = (!everything).then(|| {
            let test_filter = LeadFilter {
                actions: filter.actions.clone(),
                other_actions: filter.other_actions,
                include_test: true,
                ..LeadFilter::default()
            };
            // Actions and toggles only: the time plays no part.
            where_clause(&test_filter, DateTime::<Utc>::UNIX_EPOCH)
        });
        lanes.push(Lane {
            lane: TEST_LANE,
            narrow,
        });
    }
    lanes
}

/// The conditions that are neither lanes nor search (source, offer, status, SLA state).
fn residual(filter: &LeadFilter, now: DateTime<Utc>) -> (String, Vec<Value>) {
    let rest = LeadFilter {
        actions: Vec::new(),
        other_actions: false,
        include_test: true,
        search: None,
        ..filter.clone()
    };
    where_clause(&rest, now)
}

/// How the current search is served.
enum Search {
    None,
    /// No word to look for: nothing matches.
    Nothing,
    /// Few matches: their ids.
    Few(Vec<i64>),
    /// Many matches: check row by row.
    Many(String),
}

impl Store {
    fn search_plan(&self, filter: &LeadFilter) -> Result<Search> {
        let Some(text) = filter.search.as_deref() else {
            return Ok(Search::None);
        };
        let words = search::words(text);
        if words.is_empty() {
            return Ok(Search::Nothing);
        }
        // Prefixes under three letters match a good part of the leads, and the index keeps
        // none that short: reading lanes in order finds a page of them sooner.
        if words.iter().any(|w| w.chars().count() < 3) {
            return Ok(Search::Many(words.join(" ")));
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT rowid FROM lead_search WHERE lead_search MATCH ?1 LIMIT ?2")?;
        let ids: Vec<i64> = stmt
            .query_map(
                rusqlite::params![search::fts_query(&words), FEW_MATCHES as i64 + 1],
                |r| r.get(0),
            )?
            .collect::<rusqlite::Result<_>>()?;
        Ok(if ids.len() > FEW_MATCHES {
            Search::Many(words.join(" "))
        } else {
            Search::Few(ids)
        })
    }

    /// Up to `limit` leads from `from`, after skipping `skip`, in list order.
    pub fn page_forward(
        &self,
        filter: &LeadFilter,
        sort: SortKey,
        now: DateTime<Utc>,
        from: &PageStart,
        skip: usize,
        limit: usize,
    ) -> Result<Vec<(Cursor, Lead)>> {
        let keys = match self.search_plan(filter)? {
            Search::Nothing => Vec::new(),
            Search::Few(ids) => {
                let keys = self.sorted_keys_of(&ids, filter, sort, now)?;
                let start = match from {
                    PageStart::Beginning => 0,
                    PageStart::After(c) => keys.partition_point(|k| k.cmp(c) != Ordering::Greater),
                    PageStart::At(c) => keys.partition_point(|k| k.cmp(c) == Ordering::Less),
                };
                keys.into_iter().skip(start + skip).take(limit).collect()
            }
            Search::None => self
                .merged_keys(filter, sort, now, from, None, skip + limit)?
                .into_iter()
                .skip(skip)
                .collect(),
            Search::Many(words) => self
                .merged_keys(filter, sort, now, from, Some(&words), skip + limit)?
                .into_iter()
                .skip(skip)
                .collect(),
        };
        self.leads_for(keys)
    }

    /// The `limit` leads just before `until`, in list order.
    pub fn page_backward(
        &self,
        filter: &LeadFilter,
        sort: SortKey,
        now: DateTime<Utc>,
        until: &PageEnd,
        limit: usize,
    ) -> Result<Vec<(Cursor, Lead)>> {
        let mut keys = match self.search_plan(filter)? {
            Search::Nothing => Vec::new(),
            Search::Few(ids) => {
                let keys = self.sorted_keys_of(&ids, filter, sort, now)?;
                let end = match until {
                    PageEnd::End => keys.len(),
                    PageEnd::Before(c) => keys.partition_point(|k| k.cmp(c) == Ordering::Less),
                };
                keys[end.saturating_sub(limit)..end].to_vec()
            }
            Search::None => self.merged_keys_backward(filter, sort, now, until, None, limit)?,
            Search::Many(words) => {
                self.merged_keys_backward(filter, sort, now, until, Some(&words), limit)?
            }
        };
        keys.sort_by(Cursor::cmp);
        self.leads_for(keys)
    }

    /// Counts for the filter bar: every action filter under the same search and toggles.
    pub fn lane_counts(&self, filter: &LeadFilter, now: DateTime<Utc>) -> Result<ActionCounts> {
        let base = LeadFilter {
            actions: Vec::new(),
            other_actions: false,
            ..filter.clone()
        };
        let (rest, mut params) = residual(&base, now);
        let lanes: Vec<String> = lanes(&base).iter().map(|l| l.lane.to_string()).collect();
        let mut sql = format!(
            "SELECT lane, action, COUNT(*), SUM(urgency <= {now}) FROM leads WHERE lane IN ({}) AND {rest}",
            lanes.join(", "),
            now = now.timestamp()
        );
        match self.search_plan(&base)? {
            Search::None => {}
            Search::Nothing => sql.push_str(" AND 0"),
            Search::Few(ids) => {
                sql.push_str(&format!(
                    " AND id IN ({})",
                    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
                ));
            }
            Search::Many(words) => {
                sql.push_str(&format!(" AND lead_matches(?, {SEARCH_COLUMNS})"));
                params.push(words.into());
            }
        }
        // Lane 7 (test leads) mixes actions: count them by action; other lanes by lane.
        sql.push_str(" GROUP BY lane, CASE WHEN lane = 7 THEN action END");
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        let mut counts = ActionCounts::default();
        while let Some(row) = rows.next()? {
            let lane: i64 = row.get(0)?;
            let action: Option<String> = row.get(1)?;
            let n: u64 = row.get(2)?;
            counts.all += n;
            counts.overdue += row.get::<_, Option<u64>>(3)?.unwrap_or(0);
            let known = KNOWN_LANES
                .iter()
                .find(|(l, _)| *l == lane)
                .map(|(_, a)| a.clone());
            match known.or_else(|| {
                action
                    .as_deref()
                    .and_then(Action::parse)
                    .filter(Action::is_known)
            }) {
                Some(a) => *counts.by_action.entry(a.as_str().to_string()).or_default() += n,
                None => counts.other += n,
            }
        }
        Ok(counts)
    }

    /// Sort keys of the given leads that pass the filter, in list order.
    fn sorted_keys_of(
        &self,
        ids: &[i64],
        filter: &LeadFilter,
        sort: SortKey,
        now: DateTime<Utc>,
    ) -> Result<Vec<Cursor>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let column = sort_column(sort);
        let (rest, mut params) = residual(filter, now);
        let lanes = lanes(filter);
        let lane_terms: Vec<String> = lanes
            .iter()
            .map(|l| match &l.narrow {
                Some((clause, p)) => {
                    params.extend(p.iter().cloned());
                    format!("(lane = {} AND {clause})", l.lane)
                }
                None => format!("lane = {}", l.lane),
            })
            .collect();
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT {column}, id FROM leads WHERE id IN ({list}) AND ({}) AND {rest}",
            lane_terms.join(" OR ")
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut keys: Vec<Cursor> = stmt
            .query_map(rusqlite::params_from_iter(params), cursor_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        keys.sort_by(Cursor::cmp);
        Ok(keys)
    }

    /// The first `n` keys from `from`, merged across the lanes.
    #[allow(clippy::too_many_arguments)]
    fn merged_keys(
        &self,
        filter: &LeadFilter,
        sort: SortKey,
        now: DateTime<Utc>,
        from: &PageStart,
        words: Option<&str>,
        n: usize,
    ) -> Result<Vec<Cursor>> {
        let column = sort_column(sort);
        let (bound, bound_params): (String, Vec<Value>) = match from {
            PageStart::Beginning => ("1".into(), Vec::new()),
            PageStart::After(c) => (
                format!("{column} >= ? AND ({column} > ? OR id > ?)"),
                vec![c.sql_value(), c.sql_value(), c.id.into()],
            ),
            PageStart::At(c) => (
                format!("{column} >= ? AND ({column} > ? OR id >= ?)"),
                vec![c.sql_value(), c.sql_value(), c.id.into()],
            ),
        };
        let mut all = Vec::new();
        for lane in lanes(filter) {
            all.extend(self.lane_keys(
                &lane,
                filter,
                now,
                column,
                &bound,
                &bound_params,
                words,
                n,
                "ASC",
            )?);
        }
        all.sort_by(Cursor::cmp);
        all.truncate(n);
        Ok(all)
    }

    fn merged_keys_backward(
        &self,
        filter: &LeadFilter,
        sort: SortKey,
        now: DateTime<Utc>,
        until: &PageEnd,
        words: Option<&str>,
        n: usize,
    ) -> Result<Vec<Cursor>> {
        let column = sort_column(sort);
        let (bound, bound_params): (String, Vec<Value>) = match until {
            PageEnd::End => ("1".into(), Vec::new()),
            PageEnd::Before(c) => (
                format!("{column} <= ? AND ({column} < ? OR id < ?)"),
                vec![c.sql_value(), c.sql_value(), c.id.into()],
            ),
        };
        let mut all = Vec::new();
        for lane in lanes(filter) {
            all.extend(self.lane_keys(
                &lane,
                filter,
                now,
                column,
                &bound,
                &bound_params,
                words,
                n,
                "DESC",
            )?);
        }
        all.sort_by(|a, b| b.cmp(a));
        all.truncate(n);
        Ok(all)
    }

    /// Up to `n` keys of one lane, in index order from the bound.
    #[allow(clippy::too_many_arguments)]
    fn lane_keys(
        &self,
        lane: &Lane,
        filter: &LeadFilter,
        now: DateTime<Utc>,
        column: &str,
        bound: &str,
        bound_params: &[Value],
        words: Option<&str>,
        n: usize,
        direction: &str,
    ) -> Result<Vec<Cursor>> {
        let (rest, mut params) = residual(filter, now);
        let mut sql = format!(
            "SELECT {column}, id FROM leads WHERE lane = {} AND {rest} AND {bound}",
            lane.lane
        );
        params.extend(bound_params.iter().cloned());
        if let Some((clause, p)) = &lane.narrow {
            sql.push_str(&format!(" AND {clause}"));
            params.extend(p.iter().cloned());
        }
        if let Some(words) = words {
            sql.push_str(&format!(" AND lead_matches(?, {SEARCH_COLUMNS})"));
            params.push(words.to_string().into());
        }
        sql.push_str(&format!(
            " ORDER BY {column} {direction}, id {direction} LIMIT {n}"
        ));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let keys = stmt
            .query_map(rusqlite::params_from_iter(params), cursor_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(keys)
    }

    /// The leads of the keys, in the keys' order.
    fn leads_for(&self, keys: Vec<Cursor>) -> Result<Vec<(Cursor, Lead)>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let list = keys
            .iter()
            .map(|k| k.id.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {LEAD_COLUMNS} FROM leads WHERE id IN ({list})"
        ))?;
        let mut by_id: BTreeMap<i64, Lead> = stmt
            .query_map([], lead_from_row)?
            .map(|r| r.map(|l| (l.id, l)))
            .collect::<rusqlite::Result<_>>()?;
        Ok(keys
            .into_iter()
            .filter_map(|k| by_id.remove(&k.id).map(|lead| (k, lead)))
            .collect())
    }
}

fn cursor_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Cursor> {
    let value = match row.get_ref(0)? {
        rusqlite::types::ValueRef::Integer(i) => SortValue::Int(i),
        other => SortValue::Text(other.as_str().unwrap_or_default().to_string()),
    };
    Ok(Cursor {
        value,
        id: row.get(1)?,
    })
}
