//! What a view or a report asks for: filters and sort orders.

use super::{Action, SlaState, Status};

/// A conjunction of conditions; the default matches every non-test lead.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeadFilter {
    /// Any of these actions (empty: any action).
    pub actions: Vec<Action>,
    /// Leads whose action is unknown or missing (ORed with `actions`).
    pub other_actions: bool,
    pub source: Option<String>,
    pub offer: Option<String>,
    pub status: Option<Status>,
    pub sla: Option<SlaState>,
    /// Case-insensitive text over name, email, company, offer and notes.
    pub search: Option<String>,
    pub include_test: bool,
    /// Whose customers.
    pub owner: OwnerFilter,
}

/// Whose customers a queue or a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum OwnerFilter {
    /// Everyone's.
    #[default]
    Any,
    /// One owner's (names compare case-insensitively).
    Named(String),
    /// Customers nobody owns.
    Nobody,
}

impl OwnerFilter {
    /// The condition on the owner column `column`, and its parameter. (SQLite's `lower`
    /// folds ASCII letters only, as [`OwnerFilter::admits`] is made to.)
    pub fn sql(&self, column: &str) -> (String, Option<&str>) {
        match self {
            OwnerFilter::Any => ("1".into(), None),
            OwnerFilter::Named(name) => {
                (format!("lower({column}) = lower(?)"), Some(name.as_str()))
            }
            OwnerFilter::Nobody => (format!("{column} IS NULL"), None),
        }
    }

    /// An owner's name as owners compare: its ASCII letters folded to lower case (what
    /// [`OwnerFilter::admits`] and SQLite's `lower` compare by).
    pub fn fold(name: &str) -> String {
        name.to_ascii_lowercase()
    }

    pub fn admits(&self, owner: Option<&str>) -> bool {
        match (self, owner) {
            (OwnerFilter::Any, _) => true,
            (OwnerFilter::Named(name), Some(owner)) => name.eq_ignore_ascii_case(owner),
            (OwnerFilter::Named(_), None) => false,
            (OwnerFilter::Nobody, owner) => owner.is_none(),
        }
    }
}

impl LeadFilter {
    pub fn with_search(mut self, text: &str) -> Self {
        let text = text.trim();
        self.search = (!text.is_empty()).then(|| text.to_string());
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, strum::IntoStaticStr, strum::VariantArray)]
#[strum(serialize_all = "lowercase")]
pub enum SortKey {
    /// Leads still owed a first touch by due time, then the rest newest first.
    #[default]
    Urgency,
    /// Newest first.
    Received,
    Company,
    Offer,
}

impl SortKey {
    pub const ALL: &'static [SortKey] = <SortKey as strum::VariantArray>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn next(self) -> SortKey {
        let i = SortKey::ALL.iter().position(|k| *k == self).unwrap_or(0);
        SortKey::ALL[(i + 1) % SortKey::ALL.len()]
    }
}
