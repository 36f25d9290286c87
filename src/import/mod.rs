//! Importers, one per format, all producing [`NewLead`]s, and the driver that stores them.
//!
//! The format is read from the content, never from the file name. A document that does not
//! parse imports nothing; in line-oriented files (NDJSON, CSV) each bad line is reported and
//! the valid ones are kept, unless the import is strict. Either way one file is one
//! transaction: a failed import leaves the store as it was.

mod csv;
mod decode;
mod fields;
mod json;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::domain::NewLead;
use crate::store::{Added, ImportRecord, Store, StoreError};
pub use decode::encoding_for_label;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Ndjson,
    Csv,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Csv => "csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(Format::Json),
            "ndjson" | "jsonl" => Ok(Format::Ndjson),
            "csv" => Ok(Format::Csv),
            other => Err(format!(
                "unknown format '{other}' (expected json, ndjson or csv)"
            )),
        }
    }
}

/// One record as a parser read it: a lead, or why not.
pub struct Parsed {
    /// 1-based line where the record starts.
    pub line: u64,
    pub result: Result<NewLead, String>,
}

/// A problem that spoils the whole document.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentError {
    pub line: Option<u64>,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub format: Option<Format>,
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// The received time of records that carry none (else the file's modification time).
    pub received_at: Option<DateTime<Utc>>,
    /// Import nothing from a file with any bad record.
    pub strict: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineError {
    pub line: u64,
    pub message: String,
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileReport {
    pub file: String,
    pub format: Option<Format>,
    pub encoding: Option<&'static str>,
    pub new: u64,
    pub duplicates: u64,
    pub rejected: u64,
    /// The bad records, by line.
    pub errors: Vec<LineError>,
    /// Why nothing from the file was imported, when that is so.
    pub failed: Option<String>,
}

impl FileReport {
    fn new(file: &str) -> FileReport {
        FileReport {
            file: file.to_string(),
            format: None,
            encoding: None,
            new: 0,
            duplicates: 0,
            rejected: 0,
            errors: Vec::new(),
            failed: None,
        }
    }

    /// Every record was stored or was already there.
    pub fn is_clean(&self) -> bool {
        self.failed.is_none() && self.rejected == 0
    }

    /// `file:line: problem` lines, for stderr.
    pub fn error_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .errors
            .iter()
            .map(|e| format!("{}:{}: {}", self.file, e.line, e.message))
            .collect();
        if let Some(failed) = &self.failed {
            lines.push(format!("{}: {failed}", self.file));
        }
        lines
    }
}

impl fmt::Display for FileReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.file)?;
        if self.failed.is_some() {
            return write!(f, "nothing imported");
        }
        write!(
            f,
            "{} new, {} duplicate, {} rejected",
            self.new, self.duplicates, self.rejected
        )?;
        if let Some(format) = self.format {
            write!(f, " ({format}")?;
            match self.encoding {
                Some(enc) if enc != "UTF-8" => write!(f, ", {enc})")?,
                _ => write!(f, ")")?,
            }
        }
        if !self.errors.is_empty() {
            let lines: Vec<String> = self.errors.iter().map(|e| e.line.to_string()).collect();
            write!(
                f,
                "; rejected line{} {}",
                if lines.len() == 1 { "" } else { "s" },
                lines.join(", ")
            )?;
        }
        Ok(())
    }
}

/// Reads and imports one file. Store failures are errors; bad input is in the report.
pub fn import_path(
    store: &mut Store,
    path: &Path,
    options: &ImportOptions,
    now: DateTime<Utc>,
) -> Result<FileReport, StoreError> {
    import_path_with_progress(store, path, options, now, &mut |_, _| {})
}

/// [`import_path`], calling `progress(lines_done, lines_total)` as it goes.
pub fn import_path_with_progress(
    store: &mut Store,
    path: &Path,
    options: &ImportOptions,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<FileReport, StoreError> {
    let name = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let mut report = FileReport::new(&name);
            report.failed = Some(format!("cannot read the file: {e}"));
            return Ok(report);
        }
    };
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .map(DateTime::<Utc>::from);
    let fallback = options.received_at.or(modified).unwrap_or(now);
    import_bytes_with_progress(store, &name, &bytes, fallback, options, now, progress)
}

/// Imports the contents of one file named `name`.
pub fn import_bytes(
    store: &mut Store,
    name: &str,
    bytes: &[u8],
    fallback_received_at: DateTime<Utc>,
    options: &ImportOptions,
    now: DateTime<Utc>,
) -> Result<FileReport, StoreError> {
    import_bytes_with_progress(
        store,
        name,
        bytes,
        fallback_received_at,
        options,
        now,
        &mut |_, _| {},
    )
}

fn import_bytes_with_progress(
    store: &mut Store,
    name: &str,
    bytes: &[u8],
    fallback_received_at: DateTime<Utc>,
    options: &ImportOptions,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<FileReport, StoreError> {
    let mut report = FileReport::new(name);
    let decoded = match decode::decode(bytes, options.encoding) {
        Ok(decoded) => decoded,
        Err(message) => {
            report.failed = Some(message);
            return Ok(report);
        }
    };
    report.encoding = Some(decoded.encoding);
    let text = decoded.text.as_str();
    let format = options.format.unwrap_or_else(|| detect_format(text));
    report.format = Some(format);

    let mut session = store.begin_import()?;
    let mut store_error = None;
    let total_lines = text.bytes().filter(|b| *b == b'\n').count() as u64 + 1;
    let mut records = 0u64;
    let mut sink = |parsed: Parsed| {
        if store_error.is_some() {
            return;
        }
        records += 1;
        if records.is_multiple_of(1000) {
            progress(parsed.line, total_lines);
        }
        match parsed.result {
            Ok(lead) => {
                let received = lead.received_at.unwrap_or(fallback_received_at);
                match session.add(&lead, received) {
                    Ok(Added::New(_)) => report.new += 1,
                    Ok(Added::Duplicate) => report.duplicates += 1,
                    Err(e) => store_error = Some(e),
                }
            }
            Err(message) => {
                report.rejected += 1;
                report.errors.push(LineError {
                    line: parsed.line,
                    message,
                });
            }
        }
    };
    let parsed = match format {
        Format::Json if json::is_ndjson(text) => {
            json::parse_lines(text, &mut sink);
            report.format = Some(Format::Ndjson);
            Ok(())
        }
        Format::Json => json::parse_document(text, &mut sink),
        Format::Ndjson => {
            json::parse_lines(text, &mut sink);
            Ok(())
        }
        Format::Csv => csv::parse(text, &mut sink),
    };
    if let Some(e) = store_error {
        return Err(e);
    }
    if let Err(e) = parsed {
        report.failed = Some(match e.line {
            Some(line) => format!("line {line}: {}", e.message),
            None => e.message,
        });
        return Ok(discard(report));
    }
    if report.new + report.duplicates + report.rejected == 0 {
        report.failed = Some("no lead records in the file".into());
        return Ok(discard(report));
    }
    if options.strict && report.rejected > 0 {
        report.failed = Some(format!(
            "{} bad record{}: nothing imported (--strict)",
            report.rejected,
            if report.rejected == 1 { "" } else { "s" }
        ));
        return Ok(discard(report));
    }
    session.commit(&ImportRecord {
        path: name.to_string(),
        sha256: hex_sha256(bytes),
        format: format.to_string(),
        imported_at: now,
        new: report.new,
        duplicates: report.duplicates,
        rejected: report.rejected,
    })?;
    Ok(report)
}

/// The transaction was dropped: nothing the report counted as new was kept.
fn discard(mut report: FileReport) -> FileReport {
    report.new = 0;
    report.duplicates = 0;
    report
}

fn detect_format(text: &str) -> Format {
    match text.trim_start().chars().next() {
        Some('{') | Some('[') => Format::Json,
        _ => Format::Csv,
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Completes a typed path to the longest prefix shared by the names that start with it
/// (a `/` is added to a single directory). `None` when nothing matches.
pub fn complete_path(typed: &str) -> Option<String> {
    let (dir, prefix) = match typed.rfind('/') {
        Some(i) => (&typed[..=i], &typed[i + 1..]),
        None => ("", typed),
    };
    let read_from = if dir.is_empty() {
        Path::new(".")
    } else {
        Path::new(dir)
    };
    let read_from = match (dir.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => read_from.to_path_buf(),
    };
    let mut matches: Vec<(String, bool)> = std::fs::read_dir(read_from)
        .ok()?
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let is_dir = entry.file_type().ok()?.is_dir();
            (name.starts_with(prefix) && (!name.starts_with('.') || prefix.starts_with('.')))
                .then_some((name, is_dir))
        })
        .collect();
    matches.sort();
    let (first, is_dir) = matches.first()?.clone();
    if matches.len() == 1 {
        return Some(format!("{dir}{first}{}", if is_dir { "/" } else { "" }));
    }
    let common = matches.iter().fold(first, |common, (name, _)| {
        common
            .chars()
            .zip(name.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect()
    });
    Some(format!("{dir}{common}"))
}
