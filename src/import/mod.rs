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
use std::io::{BufRead, Read};
use std::path::Path;
use std::str::FromStr;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Arc, Mutex};

use crate::domain::{search, NewLead};
use crate::store::{Added, ImportRecord, PostingsBuilder, Store, StoreError};
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

/// [`import_path`], calling `progress(bytes_read, bytes_total)` as it goes.
pub fn import_path_with_progress(
    store: &mut Store,
    path: &Path,
    options: &ImportOptions,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<FileReport, StoreError> {
    let name = path.display().to_string();
    let opened = std::fs::File::open(path).and_then(|file| Ok((file.metadata()?, file)));
    let (metadata, file) = match opened {
        Ok(opened) => opened,
        Err(e) => {
            let mut report = FileReport::new(&name);
            report.failed = Some(format!("cannot read the file: {e}"));
            return Ok(report);
        }
    };
    let modified = metadata.modified().ok().map(DateTime::<Utc>::from);
    let fallback = options.received_at.or(modified).unwrap_or(now);
    import_reader(
        store,
        &name,
        Box::new(file),
        metadata.len(),
        fallback,
        options,
        now,
        progress,
    )
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
    let size = bytes.len() as u64;
    import_reader(
        store,
        name,
        Box::new(bytes),
        size,
        fallback_received_at,
        options,
        now,
        &mut |_, _| {},
    )
}

/// At most this many bad records are kept for the report (all are counted).
const MAX_REPORTED_ERRORS: usize = 1000;

/// Streams one file into one transaction.
#[allow(clippy::too_many_arguments)]
fn import_reader<'a>(
    store: &mut Store,
    name: &str,
    raw: Box<dyn Read + Send + 'a>,
    size: u64,
    fallback_received_at: DateTime<Utc>,
    options: &ImportOptions,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<FileReport, StoreError> {
    let mut report = FileReport::new(name);
    let meter = Meter::new(raw);
    let read_so_far = meter.shared();
    let opened = match decode::open(Box::new(meter), options.encoding) {
        Ok(opened) => opened,
        Err(message) => {
            report.failed = Some(message);
            return Ok(report);
        }
    };
    report.encoding = Some(opened.encoding);
    let mut format = options
        .format
        .unwrap_or_else(|| detect_format(&opened.sample));
    if format == Format::Json && json::is_ndjson(&opened.sample) {
        format = Format::Ndjson;
    }
    report.format = Some(format);

    // The file is parsed on a thread of its own while this one writes to the store: each
    // is about half of the work, and the machine has a second core for the other half.
    let (batches, parsed_batches) = sync_channel::<Vec<Parsed>>(BATCHES_IN_FLIGHT);
    // The id each lead record was stored under, in record order (0: a duplicate): the
    // parser files records under their number in the search lists.
    let mut stored_ids: Vec<i64> = Vec::new();
    let mut session = store.begin_import()?;
    let mut store_error = None;
    let mut records = 0u64;
    let (parsed, search) = std::thread::scope(|scope| {
        let sample = opened.sample;
        let reader = opened.reader;
        let parser = scope.spawn(move || parse(format, reader, &sample, batches));
        for parsed in parsed_batches.iter().flatten() {
            records += 1;
            if records.is_multiple_of(1000) {
                progress(read_so_far.lock().map_or(0, |m| m.bytes), size);
            }
            match parsed.result {
                Ok(lead) => {
                    let received = lead.received_at.unwrap_or(fallback_received_at);
                    match session.add(&lead, received) {
                        Ok(Added::New(id)) => {
                            report.new += 1;
                            stored_ids.push(id);
                        }
                        Ok(Added::Duplicate) => {
                            report.duplicates += 1;
                            stored_ids.push(0);
                        }
                        Err(e) => {
                            store_error = Some(e);
                            break;
                        }
                    }
                }
                Err(message) => {
                    report.rejected += 1;
                    if report.errors.len() < MAX_REPORTED_ERRORS {
                        report.errors.push(LineError {
                            line: parsed.line,
                            message,
                        });
                    }
                }
            }
        }
        // Hung up: a parser still sending stops at its next batch.
        drop(parsed_batches);
        parser
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
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
    let sha256 = read_so_far
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .sha256();
    let history = ImportRecord {
        path: name.to_string(),
        sha256,
        format: format.to_string(),
        imported_at: now,
        new: report.new,
        duplicates: report.duplicates,
        rejected: report.rejected,
    };
    let search = search.into_sorted(|record| {
        usize::try_from(record - 1)
            .ok()
            .and_then(|i| stored_ids.get(i))
            .copied()
            .filter(|id| *id > 0)
    });
    session.commit(&history, search)?;
    Ok(report)
}

/// Records parsed ahead of the store, in batches: enough to keep both threads busy, little
/// enough to keep memory flat.
const BATCH: usize = 512;
const BATCHES_IN_FLIGHT: usize = 8;

/// Parses a whole file, handing its records on in batches. Stops early (successfully) when
/// the receiving end has hung up.
fn parse(
    format: Format,
    mut reader: Box<dyn BufRead + Send + '_>,
    sample: &str,
    out: SyncSender<Vec<Parsed>>,
) -> (Result<(), DocumentError>, PostingsBuilder) {
    let mut batcher = Batcher {
        batch: Vec::with_capacity(BATCH),
        out: Some(out),
        search: PostingsBuilder::default(),
        leads: 0,
    };
    let mut sink = |parsed: Parsed| batcher.push(parsed);
    let unreadable = |e: std::io::Error| DocumentError {
        line: None,
        message: format!("cannot read the file: {e}"),
    };
    let result = match format {
        Format::Ndjson => json::parse_lines(reader, &mut sink).map_err(unreadable),
        Format::Json => {
            // A JSON document is one payload or an array of them: small enough to hold.
            let mut text = String::new();
            match reader.read_to_string(&mut text) {
                Ok(_) => json::parse_document(&text, &mut sink),
                Err(e) => Err(unreadable(e)),
            }
        }
        Format::Csv => csv::parse(reader, sample, &mut sink),
    };
    batcher.flush();
    (result, batcher.search)
}

struct Batcher {
    batch: Vec<Parsed>,
    /// `None` once the receiver has hung up.
    out: Option<SyncSender<Vec<Parsed>>>,
    /// The search lists, by lead record number (1-based).
    search: PostingsBuilder,
    leads: i64,
}

impl Batcher {
    fn push(&mut self, parsed: Parsed) {
        if self.out.is_none() {
            return;
        }
        if let Ok(lead) = &parsed.result {
            self.leads += 1;
            self.search
                .add(self.leads, search::index_words(lead.search_fields()));
        }
        self.batch.push(parsed);
        if self.batch.len() == BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        if batch.is_empty() {
            return;
        }
        if let Some(out) = &self.out {
            if out.send(batch).is_err() {
                self.out = None;
            }
        }
    }
}

/// What has passed through a [`Meter`].
pub struct Metered {
    bytes: u64,
    hasher: Sha256,
}

impl Metered {
    fn sha256(&self) -> String {
        self.hasher
            .clone()
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Counts and hashes the raw bytes of a file as the importer reads them.
struct Meter<'a> {
    inner: Box<dyn Read + Send + 'a>,
    seen: Arc<Mutex<Metered>>,
}

impl<'a> Meter<'a> {
    fn new(inner: Box<dyn Read + Send + 'a>) -> Meter<'a> {
        Meter {
            inner,
            seen: Arc::new(Mutex::new(Metered {
                bytes: 0,
                hasher: Sha256::new(),
            })),
        }
    }

    fn shared(&self) -> Arc<Mutex<Metered>> {
        Arc::clone(&self.seen)
    }
}

impl Read for Meter<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut seen) = self.seen.lock() {
            seen.bytes += n as u64;
            seen.hasher.update(&buf[..n]);
        }
        Ok(n)
    }
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
