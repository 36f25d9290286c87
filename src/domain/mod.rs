//! The pure core: no files, no database, no terminal.

pub mod analytics;
mod filter;
pub mod follow_up;
mod identity;
pub mod lane;
mod lead;
pub mod lead_source;
mod names;
pub mod order;
pub mod search;
pub mod sla;
pub mod text;
pub mod time;

pub use filter::{LeadFilter, OwnerFilter, SortKey};
pub use identity::{email_identity, fold_email, identity_hash, is_test_text, LeadKeys};
#[cfg(test)]
pub(crate) use lead::bare_lead;
pub use lead::{
    display_name, Action, Lead, NewLead, Status, Touch, TouchKind, TouchRefused, KNOWN_SOURCES,
    SEARCH_FIELDS,
};
pub use sla::SlaState;
