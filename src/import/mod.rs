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
pub mod watch;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt;
use std::io::{BufRead, Read, Seek, SeekFrom};
use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Arc, Mutex};

use crate::domain::{LeadKeys, NewLead};
use crate::io_error::describe;
use crate::store::{Added, ImportRecord, SearchLists, Store, StoreError};
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

    /// Counts a bad record, keeping the first [`MAX_REPORTED_ERRORS`] for the report.
    fn reject(&mut self, line: u64, message: String) {
        self.rejected += 1;
        if self.errors.len() < MAX_REPORTED_ERRORS {
            self.errors.push(LineError { line, message });
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
    if store.is_own_file(path) {
        // Opening the store as a file beside SQLite would drop the locks that tell other
        // processes it is in use (and importing it makes no sense).
        return Ok(failed(
            &name,
            "this is the store itself (or one of its files): not imported".into(),
        ));
    }
    let opened = std::fs::File::open(path).and_then(|file| Ok((file.metadata()?, file)));
    let (metadata, file) = match opened {
        Ok(opened) => opened,
        Err(e) => return Ok(failed(&name, describe(&e))),
    };
    let modified = metadata.modified().ok().map(DateTime::<Utc>::from);
    let fallback = options.received_at.or(modified).unwrap_or(now);
    // A regular file can be read again from the start (a pipe cannot).
    let again = file.try_clone();
    let mut reopen = move || -> std::io::Result<Box<dyn Read + Send>> {
        let mut file = again.as_ref().map_err(clone_error)?.try_clone()?;
        file.seek(SeekFrom::Start(0))?;
        Ok(Box::new(file))
    };
    let source = Source {
        name: &name,
        size: metadata.len(),
        rewindable: metadata.is_file(),
        reopen: &mut reopen,
    };
    import_source(
        store,
        source,
        Box::new(file),
        fallback,
        options,
        now,
        progress,
    )
}

/// The name standard input goes by in reports, messages (`(stdin):3: problem`) and the
/// import history.
pub const STDIN_NAME: &str = "(stdin)";

/// Imports all of standard input as one file named [`STDIN_NAME`] (`leadbox import -`): its
/// format and encoding are read from the content as for a file, in one transaction. Records
/// without a time of their own get `--received-at`, else now.
pub fn import_stdin(
    store: &mut Store,
    options: &ImportOptions,
    now: DateTime<Utc>,
) -> Result<FileReport, StoreError> {
    // `leadbox import - < leads.db`: refused as the path of the store is (/dev/stdin names
    // whatever standard input is).
    #[cfg(unix)]
    if store.is_own_file(Path::new("/dev/stdin")) {
        return Ok(failed(
            STDIN_NAME,
            "this is the store itself (or one of its files): not imported".into(),
        ));
    }
    import_stream(store, STDIN_NAME, Box::new(std::io::stdin()), options, now)
}

/// Imports a stream named `name`, read once as it comes, like a pipe: text that stops being
/// valid in the encoding its start shows is refused (naming the line), since it cannot be
/// read again to decide the encoding from all of it.
pub fn import_stream(
    store: &mut Store,
    name: &str,
    stream: Box<dyn Read + Send + '_>,
    options: &ImportOptions,
    now: DateTime<Utc>,
) -> Result<FileReport, StoreError> {
    let mut reopen = || -> std::io::Result<Reader<'_>> {
        Err(std::io::Error::other("a stream cannot be read again"))
    };
    let source = Source {
        name,
        size: 0,
        rewindable: false,
        reopen: &mut reopen,
    };
    import_source(
        store,
        source,
        stream,
        options.received_at.unwrap_or(now),
        options,
        now,
        &mut |_, _| {},
    )
}

fn clone_error(e: &std::io::Error) -> std::io::Error {
    std::io::Error::new(e.kind(), e.to_string())
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
    let mut reopen = || -> std::io::Result<Box<dyn Read + Send + '_>> { Ok(Box::new(bytes)) };
    let source = Source {
        name,
        size: bytes.len() as u64,
        rewindable: true,
        reopen: &mut reopen,
    };
    import_source(
        store,
        source,
        Box::new(bytes),
        fallback_received_at,
        options,
        now,
        &mut |_, _| {},
    )
}

/// At most this many bad records are kept for the report (all are counted).
const MAX_REPORTED_ERRORS: usize = 1000;

type Reader<'a> = Box<dyn Read + Send + 'a>;

/// A file to import: its name, size, and how to read it again from the start.
struct Source<'s, 'a> {
    name: &'s str,
    size: u64,
    /// `reopen` reads the same bytes again (a file; not a pipe).
    rewindable: bool,
    reopen: &'s mut dyn FnMut() -> std::io::Result<Reader<'a>>,
}

/// How one reading of a file ended.
enum Pass {
    Done(FileReport),
    /// Nothing was stored: the text is not valid in `encoding` from line `line` on, or
    /// (`line` is `None`) the encoding was only guessed from the start of the file.
    Undecided {
        encoding: &'static encoding_rs::Encoding,
        chosen: decode::Chosen,
        line: Option<u64>,
    },
}

/// Imports one file in the encoding `--encoding` names, else the one its start shows. A file
/// whose text turns out not to be valid in it (legacy text after 64 KiB of ASCII, say) is
/// read again from the start: its encoding is decided from all of it, then it is imported
/// in that encoding, each reading in a transaction of its own, so that nothing of the first
/// is kept. What cannot be decided is refused, naming the first line that is not valid:
/// text is never stored garbled.
fn import_source(
    store: &mut Store,
    source: Source<'_, '_>,
    raw: Reader<'_>,
    fallback_received_at: DateTime<Utc>,
    options: &ImportOptions,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<FileReport, StoreError> {
    let job = FileJob {
        name: source.name,
        size: source.size,
        rewindable: source.rewindable,
        fallback_received_at,
        options,
        now,
    };
    let (encoding, chosen, line) = match import_pass(store, job, raw, options.encoding, progress)? {
        Pass::Done(report) => return Ok(report),
        Pass::Undecided {
            encoding,
            chosen,
            line,
        } => (encoding, chosen, line),
    };
    if let Some(line) = line {
        if let Some(report) = refused_unread(job, encoding, chosen, line) {
            return Ok(report);
        }
    }
    import_decided(store, job, source.reopen, progress)
}

/// What to do when the encoding of a file is not known.
const ENCODING_ADVICE: &str = "nothing imported: name the file's encoding with --encoding";

/// A report that refuses the whole file for `problem` at `line`.
fn refused(name: &str, line: u64, problem: String, advice: &str) -> FileReport {
    let mut report = FileReport::new(name);
    report.errors.push(LineError {
        line,
        message: problem,
    });
    report.failed = Some(advice.to_string());
    report
}

/// A report that imports nothing of the file, for `why`.
fn failed(name: &str, why: String) -> FileReport {
    let mut report = FileReport::new(name);
    report.failed = Some(why);
    report
}

/// The refusal of a file whose text stopped being valid at `line`, when reading it again
/// cannot help: its encoding was given or shown by a byte order mark, or it is a pipe.
fn refused_unread(
    job: FileJob<'_>,
    encoding: &'static encoding_rs::Encoding,
    chosen: decode::Chosen,
    line: u64,
) -> Option<FileReport> {
    let enc = encoding.name();
    Some(match chosen {
        decode::Chosen::Given => refused(
            job.name,
            line,
            format!("not valid {enc}, the encoding given"),
            "nothing imported: is the file in the encoding given with --encoding?",
        ),
        decode::Chosen::Bom => refused(
            job.name,
            line,
            format!("not valid {enc}, though the file starts with its byte order mark"),
            "nothing imported: the file is damaged, or name its encoding with --encoding",
        ),
        _ if !job.rewindable => {
            let problem = match chosen {
                decode::Chosen::Utf8Sample => {
                    "not valid UTF-8, though the start of the file is".to_string()
                }
                _ => format!("not valid {enc}, the encoding the start of the file suggests"),
            };
            refused(
                job.name,
                line,
                problem,
                "nothing imported: a pipe cannot be read twice to decide the encoding from \
                 the whole file: name it with --encoding (windows-1252, shift_jis...)",
            )
        }
        _ => return None,
    })
}

/// Reads the file again from the start to decide its encoding from all of it, then imports
/// it in that encoding, or refuses it when no one encoding reads it.
fn import_decided<'a>(
    store: &mut Store,
    job: FileJob<'_>,
    reopen: &mut dyn FnMut() -> std::io::Result<Reader<'a>>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<FileReport, StoreError> {
    let name = job.name;
    let detected = match reopen().and_then(decode::detect) {
        Ok(detected) => detected,
        Err(e) => {
            return Ok(failed(
                name,
                format!("cannot read the file again: {}", describe(&e)),
            ))
        }
    };
    let Some(bad) = detected.first_not_utf8 else {
        return Ok(failed(
            name,
            "the file changed while it was read: nothing imported".into(),
        ));
    };
    if let Some(report) = refused_undecided(name, &detected, bad) {
        return Ok(report);
    }
    let raw = match reopen() {
        Ok(raw) => raw,
        Err(e) => {
            return Ok(failed(
                name,
                format!("cannot read the file again: {}", describe(&e)),
            ))
        }
    };
    match import_pass(store, job, raw, Some(detected.encoding), progress)? {
        Pass::Done(report) => Ok(report),
        Pass::Undecided { line, .. } => Ok(refused(
            name,
            line.unwrap_or(bad),
            format!(
                "not valid {}, the encoding the whole file suggests",
                detected.encoding.name()
            ),
            ENCODING_ADVICE,
        )),
    }
}

/// The refusal of a file, not valid UTF-8 from line `bad` on, that the whole of it does not
/// show one encoding to read in: it mixes encodings, is damaged, or cannot be told.
fn refused_undecided(name: &str, detected: &decode::Detected, bad: u64) -> Option<FileReport> {
    if let Some(utf8) = detected.first_utf8 {
        return Some(refused(
            name,
            bad,
            format!("not valid UTF-8, though line {utf8} is: the file mixes encodings"),
            "nothing imported: convert the file to one encoding, or name the one to read it \
             in with --encoding",
        ));
    }
    if let Some((damaged, line)) = detected.damaged {
        return Some(refused(
            name,
            line,
            format!(
                "not valid {}, the encoding the rest of the file suggests",
                damaged.name()
            ),
            ENCODING_ADVICE,
        ));
    }
    (!detected.confident).then(|| {
        refused(
            name,
            bad,
            format!(
                "not valid UTF-8, and the encoding of the file cannot be told ({} at best)",
                detected.encoding.name()
            ),
            ENCODING_ADVICE,
        )
    })
}

/// What every reading of one file shares.
#[derive(Clone, Copy)]
struct FileJob<'a> {
    name: &'a str,
    size: u64,
    /// The file can be read again from the start (not a pipe).
    rewindable: bool,
    fallback_received_at: DateTime<Utc>,
    options: &'a ImportOptions,
    now: DateTime<Utc>,
}

/// Streams one file into one transaction, in `encoding` when given.
fn import_pass(
    store: &mut Store,
    job: FileJob<'_>,
    raw: Reader<'_>,
    encoding: Option<&'static encoding_rs::Encoding>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Pass, StoreError> {
    let meter = Meter::new(raw);
    let read_so_far = meter.shared();
    let opened = match decode::open(Box::new(meter), encoding) {
        Ok(opened) => opened,
        Err(message) => return Ok(Pass::Done(failed(job.name, message))),
    };
    let undecided = |line| Pass::Undecided {
        encoding: opened.encoding,
        chosen: opened.chosen,
        line,
    };
    if opened.chosen == decode::Chosen::LegacySample && job.rewindable {
        // Decide from the whole file before reading any of it as text.
        return Ok(undecided(None));
    }
    let mut report = FileReport::new(job.name);
    report.encoding = Some(opened.encoding.name());
    let stop = std::sync::Arc::clone(&opened.stop);
    let format = file_format(job.options, &opened.sample);
    report.format = Some(format);
    let mut writing = Writing {
        session: store.begin_import()?,
        report,
        stored: StoredIds::default(),
        records: 0,
        fallback_received_at: job.fallback_received_at,
        progress: &mut *progress,
        read_so_far: &read_so_far,
        size: job.size,
    };
    let parsed = writing.write_parsed(format, opened.reader, opened.sample)?;
    let invalid = *stop.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(invalid) = invalid {
        // The text ended early, where it stopped being valid: nothing of it is kept.
        return Ok(undecided(Some(invalid.line)));
    }
    let Writing {
        session,
        mut report,
        ..
    } = writing;
    if let Some(failure) = failure(&report, parsed, job.options) {
        report.failed = Some(failure);
        return Ok(Pass::Done(discard(report)));
    }
    session.commit(&history(job, format, &report, &read_so_far))?;
    Ok(Pass::Done(report))
}

/// The entry of the import history for a reading of the file that is kept.
fn history(
    job: FileJob<'_>,
    format: Format,
    report: &FileReport,
    read: &Mutex<Metered>,
) -> ImportRecord {
    let sha256 = read
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .sha256();
    ImportRecord {
        path: job.name.to_string(),
        sha256,
        format: format.to_string(),
        imported_at: job.now,
        new: report.new,
        duplicates: report.duplicates,
        rejected: report.rejected,
    }
}

/// The format `--format` names, else the one the start of the file shows.
fn file_format(options: &ImportOptions, sample: &str) -> Format {
    let format = options.format.unwrap_or_else(|| detect_format(sample));
    if format == Format::Json && json::is_ndjson(sample) {
        Format::Ndjson
    } else {
        format
    }
}

/// Why a file that was read to its end imports nothing, if it does not: it did not parse,
/// held no record, or (strict) held a bad one.
fn failure(
    report: &FileReport,
    parsed: Result<(), DocumentError>,
    options: &ImportOptions,
) -> Option<String> {
    if let Err(e) = parsed {
        return Some(match e.line {
            Some(line) => format!("line {line}: {}", e.message),
            None => e.message,
        });
    }
    if report.new + report.duplicates + report.rejected == 0 {
        return Some("no lead records in the file".into());
    }
    (options.strict && report.rejected > 0).then(|| {
        format!(
            "{} bad record{}: nothing imported (--strict)",
            report.rejected,
            if report.rejected == 1 { "" } else { "s" }
        )
    })
}

/// The store's side of one reading of a file: what the parser sends, written in order.
struct Writing<'s, 'p> {
    session: crate::store::ImportSession<'s>,
    report: FileReport,
    /// The id each lead record got, for the search lists that name records.
    stored: StoredIds,
    records: u64,
    fallback_received_at: DateTime<Utc>,
    progress: &'p mut dyn FnMut(u64, u64),
    read_so_far: &'p Mutex<Metered>,
    size: u64,
}

impl Writing<'_, '_> {
    /// Parses the file on a thread of its own (reading, decoding, mapping fields, splitting
    /// search words) while this one writes what it sends to the store: on two cores the two
    /// run side by side. Returns how the parse ended, unless the store failed.
    fn write_parsed(
        &mut self,
        format: Format,
        reader: Box<dyn BufRead + Send + '_>,
        sample: String,
    ) -> Result<Result<(), DocumentError>, StoreError> {
        let (to_writer, from_parser) = sync_channel::<FromParser>(BATCHES_IN_FLIGHT);
        let backlog = AtomicUsize::new(0);
        let mut store_error = None;
        let parsed = std::thread::scope(|scope| {
            let backlog = &backlog;
            let parser = scope.spawn(move || parse(format, reader, &sample, to_writer, backlog));
            for message in from_parser.iter() {
                if matches!(message, FromParser::Records(_)) {
                    backlog.fetch_sub(1, Ordering::Relaxed);
                }
                if let Err(e) = self.write(message) {
                    store_error = Some(e);
                    break;
                }
            }
            // Hung up: a parser still sending stops at its next batch.
            drop(from_parser);
            parser
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        match store_error {
            Some(e) => Err(e),
            None => Ok(parsed),
        }
    }

    fn write(&mut self, message: FromParser) -> Result<(), StoreError> {
        match message {
            // Every record these lists name has been stored: the channel keeps order.
            FromParser::Search(lists) => {
                let stored = &self.stored;
                self.session.add_search(lists, |r| stored.id_of(r))
            }
            FromParser::Records(batch) => {
                for parsed in batch {
                    self.records += 1;
                    if self.records.is_multiple_of(1000) {
                        let read = self.read_so_far.lock().map_or(0, |m| m.bytes);
                        (self.progress)(read, self.size);
                    }
                    let (lead, keys) = match parsed.result {
                        Ok(keyed) => keyed,
                        Err(message) => {
                            self.report.reject(parsed.line, message);
                            continue;
                        }
                    };
                    let keys = keys.unwrap_or_else(|| LeadKeys::of(&lead));
                    let received = lead.received_at.unwrap_or(self.fallback_received_at);
                    match self.session.add(lead, keys, received)? {
                        Added::New(id) => {
                            self.report.new += 1;
                            self.stored.push(Some(id));
                        }
                        Added::Duplicate => {
                            self.report.duplicates += 1;
                            self.stored.push(None);
                        }
                    }
                }
                Ok(())
            }
        }
    }
}

/// Records parsed ahead of the store, in batches: enough to keep both threads busy, little
/// enough to keep memory flat.
const BATCH: usize = 512;
const BATCHES_IN_FLIGHT: usize = 8;
/// Search lists are handed to the store once they take about this much memory, so that a
/// file of any size imports in the same memory.
/// (Tiny in unit tests, so that an import of a few thousand leads stores them in parts.)
const SEARCH_LISTS_BYTES: usize = if cfg!(test) { 16 << 10 } else { 8 << 20 };

enum FromParser {
    Records(Vec<Keyed>),
    /// The search lists of the records sent before, by lead record number (1-based).
    Search(SearchLists),
}

/// The ids that lead records (numbered from 1 in file order) were stored under, kept as
/// runs: a new lead usually gets the id after the previous one, so an import of any size
/// takes a few runs.
#[derive(Default)]
struct StoredIds {
    /// (first record of the run, its id or `None` for a run of duplicates).
    runs: Vec<(i64, Option<i64>)>,
    records: i64,
    last: Option<i64>,
}

impl StoredIds {
    fn push(&mut self, id: Option<i64>) {
        self.records += 1;
        let continues = match (self.last, id) {
            (Some(last), Some(id)) => id == last + 1,
            (None, None) => !self.runs.is_empty(),
            _ => false,
        };
        if !continues {
            self.runs.push((self.records, id));
        }
        self.last = id;
    }

    fn id_of(&self, record: i64) -> Option<i64> {
        let run = self.runs.partition_point(|(first, _)| *first <= record);
        let (first, id) = self.runs.get(run.checked_sub(1)?)?;
        id.map(|id| id + (record - first))
    }
}

/// Parses a whole file, handing its records on in batches and their search lists after
/// them. Stops early (successfully) when the receiving end has hung up.
fn parse(
    format: Format,
    reader: Box<dyn BufRead + Send + '_>,
    sample: &str,
    out: SyncSender<FromParser>,
    backlog: &AtomicUsize,
) -> Result<(), DocumentError> {
    let mut batcher = Batcher {
        batch: Vec::with_capacity(BATCH),
        out: Some(out),
        backlog,
        search: SearchLists::default(),
        leads: 0,
    };
    let mut sink = |parsed: Parsed| batcher.push(parsed);
    let unreadable = |e: std::io::Error| DocumentError {
        line: None,
        message: format!("cannot read the file: {}", describe(&e)),
    };
    let result = match format {
        Format::Ndjson => json::parse_lines(reader, &mut sink).map_err(unreadable),
        Format::Json => json::parse_document(reader, &mut sink),
        Format::Csv => csv::parse(reader, sample, &mut sink),
    };
    batcher.flush();
    batcher.flush_search();
    result
}

/// A parsed record, with the keys the store files it under when the parser worked them out.
struct Keyed {
    line: u64,
    result: Result<(NewLead, Option<LeadKeys>), String>,
}

/// Batches waiting for the store at or above which the parser works out each lead's keys
/// itself. Either thread can: the parser does while the store's thread is behind, and
/// leaves them to it while it waits for batches (a bulk import of a CSV file parses more
/// slowly than it stores; an import into a large store, the other way round).
const KEYS_ON_PARSER_BACKLOG: usize = 2;

struct Batcher<'b> {
    batch: Vec<Keyed>,
    /// `None` once the receiver has hung up.
    out: Option<SyncSender<FromParser>>,
    /// Batches sent and not yet taken by the store's thread.
    backlog: &'b AtomicUsize,
    /// The search lists, by lead record number (1-based).
    search: SearchLists,
    leads: i64,
}

impl Batcher<'_> {
    fn push(&mut self, parsed: Parsed) {
        if self.out.is_none() {
            return;
        }
        if let Ok(lead) = &parsed.result {
            self.leads += 1;
            self.search.add(self.leads, lead.search_fields());
        }
        self.batch.push(Keyed {
            line: parsed.line,
            result: parsed.result.map(|lead| {
                let behind = self.backlog.load(Ordering::Relaxed) >= KEYS_ON_PARSER_BACKLOG;
                let keys = behind.then(|| LeadKeys::of(&lead));
                (lead, keys)
            }),
        });
        if self.batch.len() == BATCH {
            self.flush();
            if self.search.bytes() > SEARCH_LISTS_BYTES {
                self.flush_search();
            }
        }
    }

    fn flush(&mut self) {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        if !batch.is_empty() {
            self.send(FromParser::Records(batch));
        }
    }

    fn flush_search(&mut self) {
        if !self.search.is_empty() {
            let lists = std::mem::take(&mut self.search);
            self.send(FromParser::Search(lists));
        }
    }

    fn send(&mut self, message: FromParser) {
        if let Some(out) = &self.out {
            if matches!(message, FromParser::Records(_)) {
                // Counted before it is sent: the store's thread counts it off on receipt.
                self.backlog.fetch_add(1, Ordering::Relaxed);
            }
            if out.send(message).is_err() {
                self.out = None;
            }
        }
    }
}

/// What has passed through a `Meter`.
pub struct Metered {
    bytes: u64,
    hasher: Sha256,
}

impl Metered {
    fn sha256(&self) -> String {
        hex_sha256(self.hasher.clone())
    }
}

/// A hash's digest as the import history records it: lower-case hex.
fn hex_sha256(hasher: Sha256) -> String {
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{LeadFilter, SortKey};
    use crate::generate::{write_leads, GenFormat, GenOptions};
    use crate::store::PageStart;
    use chrono::TimeZone;

    #[test]
    fn stored_ids_are_kept_as_runs_and_read_back_by_record() {
        let mut stored = StoredIds::default();
        for id in [Some(10), Some(11), None, None, Some(12), Some(40), Some(41)] {
            stored.push(id);
        }
        assert_eq!(stored.runs.len(), 4);
        let ids: Vec<Option<i64>> = (0..=8).map(|r| stored.id_of(r)).collect();
        assert_eq!(
            ids,
            [
                None,
                Some(10),
                Some(11),
                None,
                None,
                Some(12),
                Some(40),
                Some(41),
                Some(42)
            ]
        );
    }

    /// Generated leads as NDJSON, over the five days before the tests' clock.
    fn generated_ndjson(count: u64, seed: u64) -> Vec<u8> {
        let mut bytes = Vec::new();
        let options = GenOptions {
            count,
            seed,
            format: GenFormat::Ndjson,
            start: Utc.with_ymd_and_hms(2026, 11, 16, 0, 0, 0).unwrap(),
            days: 5,
        };
        write_leads(&mut bytes, &options).unwrap();
        bytes
    }

    /// Every lead, test leads too.
    fn every_lead() -> LeadFilter {
        LeadFilter {
            include_test: true,
            ..LeadFilter::default()
        }
    }

    /// Imports `bytes` as the file `name`, which must import cleanly.
    fn import_clean(store: &mut Store, name: &str, bytes: &[u8], now: DateTime<Utc>) -> FileReport {
        let report = import_bytes(store, name, bytes, now, &ImportOptions::default(), now).unwrap();
        assert!(report.is_clean(), "{report}");
        report
    }

    /// How many customers the store holds leads of.
    fn contact_count(store: &Store, now: DateTime<Utc>) -> usize {
        let mut ids = std::collections::BTreeSet::new();
        store
            .for_each(&every_lead(), SortKey::Urgency, now, |lead| {
                ids.insert(lead.contact_id);
                Ok::<_, StoreError>(())
            })
            .unwrap();
        ids.len()
    }

    /// A bulk import writes its keys in runs (about 700 leads under test) and still finds the
    /// duplicates and contacts of earlier runs; it ends with the same leads, contacts and
    /// derived tables as an import into a store that already held a lead, and touches keep
    /// the sort orders right afterwards.
    #[test]
    fn a_bulk_import_in_runs_matches_an_ordinary_import() {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap();
        let bytes = generated_ndjson(2000, 11);
        // Every record twice: the second copies arrive runs after the first.
        let doubled = [bytes.as_slice(), bytes.as_slice()].concat();
        let import =
            |store: &mut Store, name: &str, bytes: &[u8]| import_clean(store, name, bytes, now);
        let all = every_lead();
        let contacts = |store: &Store| contact_count(store, now);

        let mut bulk = Store::open_in_memory().unwrap();
        // A bulk import that fails leaves nothing behind, and references checked again.
        let mut broken = doubled.clone();
        broken.extend_from_slice(b"{\"not\": \"closed\"\n");
        let strict = ImportOptions {
            strict: true,
            ..ImportOptions::default()
        };
        let report = import_bytes(&mut bulk, "broken.ndjson", &broken, now, &strict, now).unwrap();
        assert!(report.failed.is_some(), "{report}");
        assert!(bulk.checks_references());
        let first = bulk
            .page_forward(&all, SortKey::Urgency, now, &PageStart::Beginning, 0, 1)
            .unwrap();
        assert!(first.is_empty());

        let report = import(&mut bulk, "doubled.ndjson", &doubled);
        assert_eq!((report.new, report.duplicates), (2000, 2000));
        assert!(bulk.checks_references());
        assert_eq!(
            bulk.derived_table_differences().unwrap(),
            Vec::<String>::new()
        );

        let mut ordinary = Store::open_in_memory().unwrap();
        let one = br#"{"FirstName":"Seed","Email":"seed@example.org","LeadSource":"AzureMarketplace-INS|a.b"}"#;
        import(&mut ordinary, "seed.json", one);
        let report = import(&mut ordinary, "doubled.ndjson", &doubled);
        assert_eq!((report.new, report.duplicates), (2000, 2000));
        assert_eq!(contacts(&ordinary) - 1, contacts(&bulk));
        assert_eq!(
            ordinary.derived_table_differences().unwrap(),
            Vec::<String>::new()
        );

        // Touches, status changes and undo move leads within the urgency order.
        let mut logged = Vec::new();
        for id in [1, 2, 500, 1999] {
            logged.push(
                bulk.add_touch(id, crate::domain::TouchKind::Email, None, now, now)
                    .unwrap(),
            );
        }
        bulk.undo_touch(logged[1]).unwrap();
        bulk.set_status_at(3, crate::domain::Status::Lost, now)
            .unwrap();
        assert_eq!(
            bulk.derived_table_differences().unwrap(),
            Vec::<String>::new()
        );
    }

    /// An import whose search lists are stored in several parts finds what the row-by-row
    /// check finds, word by word, including a re-import that adds only duplicates.
    #[test]
    fn search_lists_stored_in_parts_find_every_lead() {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap();
        let bytes = generated_ndjson(2500, 3);
        let mut store = Store::open_in_memory().unwrap();
        for _ in 0..2 {
            let report = import_bytes(
                &mut store,
                "g.ndjson",
                &bytes,
                now,
                &ImportOptions::default(),
                now,
            )
            .unwrap();
            assert!(report.is_clean(), "{report}");
        }
        assert!(store.search_parts().unwrap() > 2, "stored in one part only");
        for query in ["contoso", "mar", "priya", "j", "zzz", "example"] {
            let filter = LeadFilter {
                include_test: true,
                ..LeadFilter::default().with_search(query)
            };
            let mut scanned = Vec::new();
            store
                .for_each(&filter, SortKey::Urgency, now, |lead| {
                    scanned.push(lead.id);
                    Ok::<_, StoreError>(())
                })
                .unwrap();
            let page = store
                .page_forward(
                    &filter,
                    SortKey::Urgency,
                    now,
                    &crate::store::PageStart::Beginning,
                    0,
                    5000,
                )
                .unwrap();
            let paged: Vec<i64> = page.iter().map(|(_, lead)| lead.id).collect();
            assert_eq!(paged, scanned, "search {query:?}");
        }
    }

    /// The parser works out a lead's keys while the store's thread is behind, and leaves
    /// them to it otherwise; the keys are the same either way.
    #[test]
    fn the_parser_works_out_keys_only_while_the_store_is_behind() {
        let (out, received) = sync_channel(BATCHES_IN_FLIGHT);
        let backlog = AtomicUsize::new(0);
        let mut batcher = Batcher {
            batch: Vec::new(),
            out: Some(out),
            backlog: &backlog,
            search: SearchLists::default(),
            leads: 0,
        };
        let lead = || NewLead {
            email: Some("wei.chen@contoso.example".into()),
            company: Some("Contoso".into()),
            ..NewLead::default()
        };
        for waiting in [0, KEYS_ON_PARSER_BACKLOG - 1, KEYS_ON_PARSER_BACKLOG, 7] {
            backlog.store(waiting, Ordering::Relaxed);
            batcher.push(Parsed {
                line: 1,
                result: Ok(lead()),
            });
            batcher.flush();
            assert_eq!(
                backlog.load(Ordering::Relaxed),
                waiting + 1,
                "sent and counted"
            );
            let Ok(FromParser::Records(batch)) = received.try_recv() else {
                panic!("no batch sent");
            };
            let Ok((_, keys)) = &batch[0].result else {
                panic!("the lead was rejected");
            };
            match waiting >= KEYS_ON_PARSER_BACKLOG {
                true => assert_eq!(keys.as_ref(), Some(&LeadKeys::of(&lead()))),
                false => assert_eq!(keys.as_ref(), None),
            }
        }
    }
}
