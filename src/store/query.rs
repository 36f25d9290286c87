//! Translating a [`LeadFilter`] and a [`SortKey`] into SQL.

use chrono::{DateTime, Utc};
use rusqlite::functions::FunctionFlags;
use rusqlite::types::Value;
use rusqlite::Connection;

use crate::domain::search::{self, Query};
use crate::domain::{sla, Action, LeadFilter, OwnerFilter, SortKey, SEARCH_FIELDS};
use std::sync::LazyLock;

/// A WHERE clause with `?` placeholders and its values, in order.
pub fn where_clause(filter: &LeadFilter, now: DateTime<Utc>) -> (String, Vec<Value>) {
    let mut terms: Vec<String> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    if !filter.include_test {
        terms.push("is_test = 0".into());
    }
    if let Some(actions) = action_condition(filter, &mut params) {
        terms.push(actions);
    }
    if let Some(source) = &filter.source {
        terms.push("source = ? COLLATE NOCASE".into());
        params.push(source.clone().into());
    }
    if let Some(offer) = &filter.offer {
        terms.push("(offer = ? COLLATE NOCASE OR offer_name = ? COLLATE NOCASE)".into());
        params.push(offer.clone().into());
        params.push(offer.clone().into());
    }
    if let Some(status) = filter.status {
        terms.push("status = ?".into());
        params.push(status.as_str().to_string().into());
    }
    if let Some(sla) = filter.sla {
        let (condition, with_now) = sla::state_sql(sla);
        terms.push(condition.into());
        if with_now {
            params.push(now.timestamp().into());
        }
    }
    if filter.owner != OwnerFilter::Any {
        let (condition, param) = filter.owner.sql("owner");
        terms.push(condition);
        params.extend(param.map(|p| p.to_string().into()));
    }
    match filter.search.as_deref().map(search::query) {
        None => {}
        Some(Query::Lead(id)) => {
            terms.push("id = ?".into());
            params.push(id.into());
        }
        // Only punctuation: no word to find, so nothing matches.
        Some(Query::Words(words)) if words.is_empty() => terms.push("0".into()),
        Some(Query::Words(words)) => {
            terms.push(MATCH_CONDITION.clone());
            params.push(words.join(" ").into());
        }
    }
    if terms.is_empty() {
        terms.push("1".into());
    }
    (terms.join(" AND "), params)
}

/// The filter's actions as one condition (any of them), its values added to `params`; none
/// when the filter takes every action.
fn action_condition(filter: &LeadFilter, params: &mut Vec<Value>) -> Option<String> {
    let mut action_terms = Vec::new();
    for action in &filter.actions {
        // Known codes are stored normalized; an unknown one as written, whatever its case.
        // (NOCASE only for unknown codes: it would keep the index from serving known ones.)
        action_terms.push(
            if action.is_known() {
                "action = ?"
            } else {
                "action = ? COLLATE NOCASE"
            }
            .to_string(),
        );
        params.push(action.as_str().to_string().into());
    }
    if filter.other_actions {
        let known = Action::KNOWN
            .map(|a| format!("'{}'", a.as_str()))
            .join(", ");
        action_terms.push(format!("(action IS NULL OR action NOT IN ({known}))"));
    }
    (!action_terms.is_empty()).then(|| format!("({})", action_terms.join(" OR ")))
}

/// The columns a search looks in ([`SEARCH_FIELDS`]), comma-separated.
pub static SEARCH_COLUMNS: LazyLock<String> =
    LazyLock::new(|| SEARCH_FIELDS.map(|(name, _)| name).join(", "));

/// The row-by-row search condition; its one parameter is the query's words, space-separated.
pub static MATCH_CONDITION: LazyLock<String> =
    LazyLock::new(|| format!("lead_matches(?, {})", *SEARCH_COLUMNS));

/// `lead_matches(words, field...)`: the search rule of [`search::matches`], row by row, for
/// queries the search index cannot serve alone.
pub fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    // `rarray(?)`: a list of ids as one parameter.
    rusqlite::vtab::array::load_module(conn)?;
    conn.create_scalar_function(
        "lead_matches",
        -1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let words: Vec<String> = ctx
                .get_raw(0)
                .as_str()
                .unwrap_or("")
                .split(' ')
                .map(str::to_string)
                .collect();
            let fields = (1..ctx.len()).filter_map(|i| ctx.get_raw(i).as_str().ok());
            Ok(search::matches(&words, fields))
        },
    )
}

/// The column each sort order reads, ascending, ties by id. Every listing uses this order;
/// the inbox reads it from [`order_table`].
pub fn sort_column(sort: SortKey) -> &'static str {
    match sort {
        SortKey::Urgency => "urgency",
        SortKey::Received => "received_sort",
        SortKey::Company => "company_sort",
        SortKey::Offer => "offer_sort",
    }
}

/// The table that keeps every lane in a sort order: `(lane, sort_key, lead_id)`, where
/// `sort_key` is the sort's column (schema 3).
pub fn order_table(sort: SortKey) -> &'static str {
    match sort {
        SortKey::Urgency => "lead_order_urgency",
        SortKey::Received => "lead_order_received",
        SortKey::Company => "lead_order_company",
        SortKey::Offer => "lead_order_offer",
    }
}
