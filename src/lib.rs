//! leadbox: a terminal inbox for Microsoft commercial marketplace leads.
//!
//! Layers, from the inside out:
//! - [`domain`]: the lead model, LeadSource parsing, SLA arithmetic and filters. Pure, no I/O.
//! - [`store`]: the SQLite store. All SQL lives there.
//! - [`import`]: one importer per file format, all producing [`domain::NewLead`].
//! - [`compose`]: follow-up emails from templates, and handing them to a mail program.
//! - [`tui`]: the interactive inbox.
//! - [`cli`]: the `leadbox` command line.
//!
//! Beside them, [`clock`] (what time it is), [`io_error`] (input and output errors in plain
//! words) and [`export`] (leads as JSON and CSV, and the private file they go to), which the
//! outer layers share.
// No unsafe code in the default build. The feature `static-bind` adds the one module that
// allows it, with its reasons (`store::static_insert`).
#![cfg_attr(not(feature = "static-bind"), forbid(unsafe_code))]
#![cfg_attr(feature = "static-bind", deny(unsafe_code))]

pub mod cli;
pub mod clock;
pub mod compose;
pub mod config;
pub mod domain;
pub mod export;
pub mod generate;
pub mod import;
pub mod io_error;
pub mod log;
pub mod store;
pub mod tui;
