//! The inbox's window onto a sorted list of leads, fast at any size.
//!
//! Each action filter is a lane, kept in every sort order by a table of its own
//! (`lead_order_*`), so a page is a few short range scans (one per lane shown) merged here,
//! then the leads of that page read by id. Positions are cursors (sort value, id), never
//! OFFSETs: moving costs the same at row ten and at row a million.
//!
//! A search first asks the search index (a list of lead ids per word) how many leads
//! match. When they are few, their sort keys are read and kept in memory, and pages come
//! from that list; when more, the lanes are read in order keeping the ids in the set; when
//! a word is in a large share of all leads, each lane is scanned in order with the
//! row-by-row check, which finds a page of matches quickly precisely because they are dense.

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::OptionalExtension;
use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::query::{order_table, sort_column, where_clause, MATCH_CONDITION};
use super::search::{IdSet, Search};
use super::{lead_from_row, ActionCounts, Result, Store, VIEW_COLUMNS};
use crate::domain::{lane, Action, Lead, LeadFilter, SortKey};

static MATCHES_WORDS: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!(" AND {}", *MATCH_CONDITION));

/// A query parameter: a plain value, or a list of ids for `rarray(?)`.
#[derive(Clone)]
enum Param {
    Plain(Value),
    Ids(std::rc::Rc<Vec<Value>>),
}

impl rusqlite::ToSql for Param {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Param::Plain(value) => value.to_sql(),
            Param::Ids(ids) => ids.to_sql(),
        }
    }
}

fn plain(values: Vec<Value>) -> Vec<Param> {
    values.into_iter().map(Param::Plain).collect()
}

fn id_array(ids: &[i64]) -> Param {
    Param::Ids(super::id_list(ids))
}

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

/// One reading of the lanes in an order table: from a bound, up to `n` keys, forwards or
/// (`descending`) backwards, each row checked by `check`.
struct Scan<'a> {
    filter: &'a LeadFilter,
    now: DateTime<Utc>,
    table: &'static str,
    /// A condition on `o.sort_key` and `o.lead_id`, and its values.
    bound: String,
    bound_params: Vec<Value>,
    check: RowCheck<'a>,
    n: usize,
    descending: bool,
}

/// One lane to scan, with what narrows it further (the test lane holds every action).
struct Lane {
    lane: lane::Lane,
    narrow: Option<(String, Vec<Value>)>,
}

fn lanes(filter: &LeadFilter) -> Vec<Lane> {
    let mut lanes = Vec::new();
    let everything = filter.actions.is_empty() && !filter.other_actions;
    if everything {
        lanes.extend((1..=lane::OTHER).map(|lane| Lane { lane, narrow: None }));
    } else {
        for action in &filter.actions {
            match lane::of_known(action) {
                Some(lane) => lanes.push(Lane { lane, narrow: None }),
                None => lanes.push(Lane {
                    lane: lane::OTHER,
                    narrow: Some((
                        "action = ? COLLATE NOCASE".into(),
                        vec![action.as_str().to_string().into()],
                    )),
                }),
            }
        }
        if filter.other_actions {
            lanes.push(Lane {
                lane: lane::OTHER,
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
            lane: lane::TEST,
            narrow,
        });
    }
    lanes
}

/// An order table as `o`, joined to the leads when a condition reads their rows (`CROSS
/// JOIN`: the order is read first, in order, and each lead looked up by id).
fn lane_source(table: &str, with_leads: bool) -> String {
    if with_leads {
        format!("{table} AS o CROSS JOIN leads ON leads.id = o.lead_id")
    } else {
        format!("{table} AS o")
    }
}

/// A search plan as a condition on the `leads` columns, and its values (empty: no search).
fn search_condition(plan: Search) -> (String, Vec<Param>) {
    let in_ids = || format!(" AND id IN rarray(?){}", *MATCHES_WORDS);
    match plan {
        Search::None => (String::new(), Vec::new()),
        Search::Nothing => (" AND 0".into(), Vec::new()),
        Search::Few { ids, words: None } => (" AND id IN rarray(?)".into(), vec![id_array(&ids)]),
        Search::Few {
            ids,
            words: Some(words),
        } => (in_ids(), vec![id_array(&ids), Param::Plain(words.into())]),
        Search::Many(words) => (MATCHES_WORDS.clone(), vec![Param::Plain(words.into())]),
        Search::Set { ids, words, .. } => (
            in_ids(),
            vec![id_array(&ids.sorted), Param::Plain(words.into())],
        ),
    }
}

impl ActionCounts {
    /// Counts `n` leads of `lane` (`overdue` of them overdue) whose action, in the test
    /// lane, is `action`.
    fn add(&mut self, lane: lane::Lane, action: Option<&str>, n: u64, overdue: u64) {
        self.all += n;
        self.overdue += overdue;
        let known = lane::action(lane)
            .cloned()
            .or_else(|| action.and_then(Action::parse).filter(Action::is_known));
        match known {
            Some(a) => *self.by_action.entry(a.as_str().to_string()).or_default() += n,
            None => self.other += n,
        }
    }
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

/// What a lane scan keeps.
#[derive(Clone, Copy)]
enum RowCheck<'a> {
    All,
    Matches(&'a str),
    InSet(&'a IdSet, Option<&'a str>),
}

impl Store {
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
            Search::Few { ids, words } => {
                let keys = self.sorted_keys_of(&ids, words.as_deref(), filter, sort, now)?;
                let start = match from {
                    PageStart::Beginning => 0,
                    PageStart::After(c) => keys.partition_point(|k| k.cmp(c) != Ordering::Greater),
                    PageStart::At(c) => keys.partition_point(|k| k.cmp(c) == Ordering::Less),
                };
                keys.into_iter().skip(start + skip).take(limit).collect()
            }
            Search::None => self
                .merged_keys(filter, sort, now, from, RowCheck::All, skip + limit)?
                .into_iter()
                .skip(skip)
                .collect(),
            Search::Many(words) => self
                .merged_keys(
                    filter,
                    sort,
                    now,
                    from,
                    RowCheck::Matches(&words),
                    skip + limit,
                )?
                .into_iter()
                .skip(skip)
                .collect(),
            Search::Set { ids, words, verify } => {
                let check = RowCheck::InSet(&ids, verify.then_some(words.as_str()));
                self.merged_keys(filter, sort, now, from, check, skip + limit)?
                    .into_iter()
                    .skip(skip)
                    .collect()
            }
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
            Search::Few { ids, words } => {
                let keys = self.sorted_keys_of(&ids, words.as_deref(), filter, sort, now)?;
                let end = match until {
                    PageEnd::End => keys.len(),
                    PageEnd::Before(c) => keys.partition_point(|k| k.cmp(c) == Ordering::Less),
                };
                keys[end.saturating_sub(limit)..end].to_vec()
            }
            Search::None => {
                self.merged_keys_backward(filter, sort, now, until, RowCheck::All, limit)?
            }
            Search::Many(words) => self.merged_keys_backward(
                filter,
                sort,
                now,
                until,
                RowCheck::Matches(&words),
                limit,
            )?,
            Search::Set { ids, words, verify } => {
                let check = RowCheck::InSet(&ids, verify.then_some(words.as_str()));
                self.merged_keys_backward(filter, sort, now, until, check, limit)?
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
        let (rest, rest_params) = residual(&base, now);
        let rest_params = plain(rest_params);
        let plan = self.search_plan(&base)?;
        // A list of ids is counted by reading those leads; anything else by reading the lane
        // in order, and the leads' rows only when a condition needs them.
        let by_ids = matches!(plan, Search::Few { .. } | Search::Set { .. });
        let (search, search_params) = search_condition(plan);
        let mut counts = ActionCounts::default();
        // One lane at a time: a count over one range of the urgency order. Test leads share
        // a lane whatever their action, so that lane is counted by action.
        for lane in lanes(&base) {
            let test = lane.lane == lane::TEST;
            let by_action = if test { "action" } else { "NULL" };
            let (source, lane_column, urgency) = if by_ids {
                ("leads".to_string(), "lane", "urgency")
            } else {
                let needs_lead = test || rest != "1" || !search.is_empty();
                (
                    lane_source(order_table(SortKey::Urgency), needs_lead),
                    "o.lane",
                    "o.sort_key",
                )
            };
            let sql = format!(
                "SELECT {by_action}, COUNT(*), SUM({urgency} <= {now}) FROM {source}
                 WHERE {lane_column} = {lane} AND {rest}{search} GROUP BY 1",
                now = now.timestamp(),
                lane = lane.lane
            );
            let params = rest_params.iter().chain(&search_params).cloned();
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
            while let Some(row) = rows.next()? {
                let action: Option<String> = row.get(0)?;
                let overdue = row.get::<_, Option<u64>>(2)?.unwrap_or(0);
                counts.add(lane.lane, action.as_deref(), row.get(1)?, overdue);
            }
        }
        Ok(counts)
    }

    /// Sort keys of the given leads that pass the filter (and have the words, if any), in
    /// list order.
    fn sorted_keys_of(
        &self,
        ids: &[i64],
        words: Option<&str>,
        filter: &LeadFilter,
        sort: SortKey,
        now: DateTime<Utc>,
    ) -> Result<Vec<Cursor>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let column = sort_column(sort);
        let (rest, rest_params) = residual(filter, now);
        // Parameters in the order their `?`s appear: the lanes', the rest's, the ids.
        let mut params = Vec::new();
        let lane_terms: Vec<String> = lanes(filter)
            .iter()
            .map(|l| match &l.narrow {
                Some((clause, p)) => {
                    params.extend(p.iter().cloned().map(Param::Plain));
                    format!("(lane = {} AND {clause})", l.lane)
                }
                None => format!("lane = {}", l.lane),
            })
            .collect();
        params.extend(plain(rest_params));
        params.push(id_array(ids));
        if let Some(words) = words {
            params.push(Param::Plain(words.to_string().into()));
        }
        let sql = format!(
            "SELECT {column}, id FROM leads WHERE ({}) AND {rest} AND id IN rarray(?){}",
            lane_terms.join(" OR "),
            if words.is_some() {
                &**MATCHES_WORDS
            } else {
                ""
            }
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut keys: Vec<Cursor> = stmt
            .query_map(rusqlite::params_from_iter(params), cursor_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        keys.sort_by(Cursor::cmp);
        Ok(keys)
    }

    /// The first `n` keys from `from`, merged across the lanes.
    fn merged_keys(
        &self,
        filter: &LeadFilter,
        sort: SortKey,
        now: DateTime<Utc>,
        from: &PageStart,
        check: RowCheck<'_>,
        n: usize,
    ) -> Result<Vec<Cursor>> {
        let (bound, bound_params): (String, Vec<Value>) = match from {
            PageStart::Beginning => ("1".into(), Vec::new()),
            PageStart::After(c) => (
                "o.sort_key >= ? AND (o.sort_key > ? OR o.lead_id > ?)".into(),
                vec![c.sql_value(), c.sql_value(), c.id.into()],
            ),
            PageStart::At(c) => (
                "o.sort_key >= ? AND (o.sort_key > ? OR o.lead_id >= ?)".into(),
                vec![c.sql_value(), c.sql_value(), c.id.into()],
            ),
        };
        self.merge_lanes(&Scan {
            filter,
            now,
            table: order_table(sort),
            bound,
            bound_params,
            check,
            n,
            descending: false,
        })
    }

    fn merged_keys_backward(
        &self,
        filter: &LeadFilter,
        sort: SortKey,
        now: DateTime<Utc>,
        until: &PageEnd,
        check: RowCheck<'_>,
        n: usize,
    ) -> Result<Vec<Cursor>> {
        let (bound, bound_params): (String, Vec<Value>) = match until {
            PageEnd::End => ("1".into(), Vec::new()),
            PageEnd::Before(c) => (
                "o.sort_key <= ? AND (o.sort_key < ? OR o.lead_id < ?)".into(),
                vec![c.sql_value(), c.sql_value(), c.id.into()],
            ),
        };
        self.merge_lanes(&Scan {
            filter,
            now,
            table: order_table(sort),
            bound,
            bound_params,
            check,
            n,
            descending: true,
        })
    }

    /// The first `n` keys past the bound, in list order or (`descending`) against it, taken
    /// from every lane shown and merged.
    fn merge_lanes(&self, scan: &Scan<'_>) -> Result<Vec<Cursor>> {
        let mut all = Vec::new();
        for lane in lanes(scan.filter) {
            all.extend(self.lane_keys(&lane, scan)?);
        }
        if scan.descending {
            all.sort_by(|a, b| b.cmp(a));
        } else {
            all.sort_by(Cursor::cmp);
        }
        all.truncate(scan.n);
        Ok(all)
    }

    /// Up to `n` keys of one lane, in the order table's order from the bound.
    fn lane_keys(&self, lane: &Lane, scan: &Scan<'_>) -> Result<Vec<Cursor>> {
        let Scan {
            filter,
            now,
            table,
            ref bound,
            ref bound_params,
            check,
            n,
            descending,
        } = *scan;
        let direction = if descending { "DESC" } else { "ASC" };
        let (rest, mut params) = residual(filter, now);
        // The lead's row is read only when a condition needs it.
        let needs_lead =
            rest != "1" || lane.narrow.is_some() || matches!(check, RowCheck::Matches(_));
        let mut sql = format!(
            "SELECT o.sort_key, o.lead_id FROM {}
             WHERE o.lane = {} AND {rest} AND {bound}",
            lane_source(table, needs_lead),
            lane.lane
        );
        params.extend(bound_params.iter().cloned());
        if let Some((clause, p)) = &lane.narrow {
            sql.push_str(&format!(" AND {clause}"));
            params.extend(p.iter().cloned());
        }
        if let RowCheck::Matches(words) = check {
            sql.push_str(&MATCHES_WORDS);
            params.push(words.to_string().into());
        }
        sql.push_str(&format!(
            " ORDER BY o.sort_key {direction}, o.lead_id {direction}"
        ));
        let RowCheck::InSet(ids, verify) = check else {
            sql.push_str(&format!(" LIMIT {n}"));
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let keys = stmt
                .query_map(rusqlite::params_from_iter(params), cursor_from_row)?
                .collect::<rusqlite::Result<_>>()?;
            return Ok(keys);
        };
        // Through the order table, keeping the ids in the set: no row is read until kept.
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        let mut keys = Vec::with_capacity(n);
        while keys.len() < n {
            let Some(row) = rows.next()? else { break };
            let key = cursor_from_row(row)?;
            if ids.contains(key.id)
                && verify.map_or(Ok(true), |words| self.lead_matches(key.id, words))?
            {
                keys.push(key);
            }
        }
        Ok(keys)
    }

    fn lead_matches(&self, id: i64, words: &str) -> Result<bool> {
        let sql = format!("SELECT {} FROM leads WHERE id = ?", *MATCH_CONDITION);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        Ok(stmt.query_row(rusqlite::params![words, id], |r| r.get(0))?)
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
            "SELECT {} FROM leads WHERE id IN ({list})",
            *VIEW_COLUMNS
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

impl Store {
    /// Where lead `id` stands in `sort`, to show the list around it; None when it is gone.
    pub fn cursor_of(&self, id: i64, sort: SortKey) -> Result<Option<Cursor>> {
        let sql = format!("SELECT {}, id FROM leads WHERE id = ?1", sort_column(sort));
        Ok(self
            .conn
            .query_row(&sql, [id], cursor_from_row)
            .optional()?)
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
