//! leadbox: a terminal inbox for Microsoft commercial marketplace leads.
//!
//! Layers, from the inside out:
//! - [`domain`]: the lead model, LeadSource parsing, SLA arithmetic and filters. Pure, no I/O.
//! - [`store`]: the SQLite store. All SQL lives there.
//! - [`import`]: one importer per file format, all producing [`domain::NewLead`].
//! - [`tui`]: the interactive inbox.
//! - [`cli`]: the `leadbox` command line.
#![forbid(unsafe_code)]

pub mod cli;
pub mod domain;
pub mod generate;
pub mod import;
pub mod store;
pub mod tui;
