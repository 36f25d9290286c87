//! leadbox: a terminal inbox for Microsoft commercial marketplace leads.
//!
//! Layers, from the inside out:
//! - [`domain`]: the lead model, LeadSource parsing, SLA arithmetic and filters. Pure, no I/O.
//! - [`store`]: the SQLite store. All SQL lives there.
//! - [`import`]: one importer per file format, all producing [`domain::NewLead`].
//! - [`tui`]: the interactive inbox.
//! - [`cli`]: the `leadbox` command line.
// Unsafe code is refused everywhere but in the one module that allows it with its reasons
// (`store::static_insert`).
#![deny(unsafe_code)]

pub mod cli;
pub mod clock;
pub mod domain;
pub mod generate;
pub mod import;
pub mod store;
pub mod tui;
