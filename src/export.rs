//! Leads as scripts and spreadsheets read them: the JSON object and the CSV record of a lead
//! (`list`, `export` and `show` on the command line, `x` in the inbox), the writers that
//! stream them, and the private file an export goes to. Below both `cli` and `tui`, so
//! that the two write the same bytes.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use crate::domain::time::format_time;
use crate::domain::Lead;
use crate::store::FollowUpMarks;

/// A lead as scripts read it: the object of `list --format json`, `export` and `show`, and
/// the record of the CSV export, whose header is these keys in this order. Scripts rely on
/// the keys: add, never rename.
#[derive(Debug, Default, Serialize)]
pub struct LeadRow<'a> {
    pub id: i64,
    pub contact_id: i64,
    pub received_at: Cow<'a, str>,
    pub source: Option<Cow<'a, str>>,
    pub action: Option<Cow<'a, str>>,
    pub offer: Option<Cow<'a, str>>,
    pub offer_name: Option<Cow<'a, str>>,
    pub lead_source: Option<Cow<'a, str>>,
    pub first_name: Option<Cow<'a, str>>,
    pub last_name: Option<Cow<'a, str>>,
    pub name: Option<Cow<'a, str>>,
    pub email: Option<Cow<'a, str>>,
    pub phone: Option<Cow<'a, str>>,
    pub country: Option<Cow<'a, str>>,
    pub company: Option<Cow<'a, str>>,
    pub title: Option<Cow<'a, str>>,
    pub description: Option<Cow<'a, str>>,
    pub is_test: bool,
    pub status: Cow<'a, str>,
    pub owner: Option<Cow<'a, str>>,
    pub touches: u32,
    pub last_touch_at: Option<Cow<'a, str>>,
    pub sla_due_at: Option<Cow<'a, str>>,
    pub sla_state: Cow<'a, str>,
    /// The customer's next follow-up or decision (none while a first touch is owed).
    pub next_follow_up_at: Option<Cow<'a, str>>,
    /// The snooze that moved it, while it does.
    pub snoozed_until: Option<Cow<'a, str>>,
    pub lost_reason: Option<Cow<'a, str>>,
}

impl<'a> LeadRow<'a> {
    /// The lead for JSON: every text exactly as stored.
    pub fn new(lead: &'a Lead, now: DateTime<Utc>) -> LeadRow<'a> {
        LeadRow::with_text(lead, now, |text| text)
    }

    /// The lead for CSV: every text made safe to open in a spreadsheet
    /// ([`neutralize_formula`]). The numbers (ids and counts, never negative) and `is_test`
    /// cannot start like a formula.
    pub fn for_csv(lead: &'a Lead, now: DateTime<Utc>) -> LeadRow<'a> {
        LeadRow::with_text(lead, now, neutralize_formula)
    }

    /// The row of `lead`, each of its texts passed through `text`.
    fn with_text(
        lead: &'a Lead,
        now: DateTime<Utc>,
        text: impl Fn(Cow<'a, str>) -> Cow<'a, str>,
    ) -> LeadRow<'a> {
        let stored = |value: &'a Option<String>| value.as_deref().map(|v| text(Cow::Borrowed(v)));
        let made = |value: Option<String>| value.map(|v| text(Cow::Owned(v)));
        LeadRow {
            id: lead.id,
            contact_id: lead.contact_id,
            received_at: text(format_time(lead.received_at).into()),
            source: stored(&lead.source),
            action: lead.action.as_ref().map(|a| text(a.as_str().into())),
            offer: stored(&lead.offer),
            offer_name: stored(&lead.offer_name),
            lead_source: stored(&lead.lead_source),
            first_name: stored(&lead.first_name),
            last_name: stored(&lead.last_name),
            name: made(lead.name()),
            email: stored(&lead.email),
            phone: stored(&lead.phone),
            country: stored(&lead.country),
            company: stored(&lead.company),
            title: stored(&lead.title),
            description: stored(&lead.description),
            is_test: lead.is_test,
            status: text(lead.status.as_str().into()),
            owner: stored(&lead.owner),
            touches: lead.touches,
            last_touch_at: made(lead.last_touch_at.map(format_time)),
            sla_due_at: made(lead.sla_due_at.map(format_time)),
            sla_state: text(lead.sla_state(now).as_str().into()),
            next_follow_up_at: None,
            snoozed_until: None,
            lost_reason: None,
        }
    }

    /// The row with what `marks` say of its lead's customer; `csv` neutralizes the reason.
    pub fn marked(mut self, marks: &'a FollowUpMarks, lead: &Lead, csv: bool) -> LeadRow<'a> {
        let (next, snoozed, lost) = marks.of(lead);
        self.next_follow_up_at = next.map(|t| format_time(t).into());
        self.snoozed_until = snoozed.map(|t| format_time(t).into());
        self.lost_reason = lost.map(|reason| match csv {
            true => neutralize_formula(Cow::Borrowed(reason)),
            false => Cow::Borrowed(reason),
        });
        self
    }
}

/// A cell that a spreadsheet or CRM would read as a formula (it starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return) gets a leading `'`, as OWASP recommends for CSV
/// injection: Excel, LibreOffice and Google Sheets then show the text instead of running it.
/// Other cells are left as they are.
fn neutralize_formula(cell: Cow<'_, str>) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => cell,
    }
}

/// Streams leads as CSV: the header (the keys of [`LeadRow`], the JSON's), then one record
/// a lead.
pub struct CsvWriter<W: Write> {
    csv: csv::Writer<W>,
}

impl<W: Write> CsvWriter<W> {
    pub fn new(out: W) -> csv::Result<Self> {
        let mut csv = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(out);
        // `serialize` would write the header before the first record only: an export of no
        // lead has its header too.
        csv.write_record(&csv_header()?)?;
        Ok(CsvWriter { csv })
    }

    pub fn push(
        &mut self,
        lead: &Lead,
        now: DateTime<Utc>,
        marks: &FollowUpMarks,
    ) -> csv::Result<()> {
        self.csv
            .serialize(LeadRow::for_csv(lead, now).marked(marks, lead, true))
    }

    pub fn finish(mut self) -> std::io::Result<()> {
        self.csv.flush()
    }
}

/// The header `serialize` writes for a [`LeadRow`], read back from a blank row.
fn csv_header() -> csv::Result<csv::StringRecord> {
    let mut blank = csv::Writer::from_writer(Vec::new());
    blank.serialize(LeadRow::default())?;
    let text = blank.into_inner().map_err(|e| e.into_error())?;
    csv::Reader::from_reader(text.as_slice()).headers().cloned()
}

/// Streams a JSON array one lead at a time.
pub struct JsonArrayWriter<W: Write> {
    out: W,
    first: bool,
}

impl<W: Write> JsonArrayWriter<W> {
    pub fn new(mut out: W) -> std::io::Result<Self> {
        out.write_all(b"[")?;
        Ok(JsonArrayWriter { out, first: true })
    }

    pub fn push<T: Serialize>(&mut self, item: &T) -> std::io::Result<()> {
        self.out
            .write_all(if self.first { b"\n  " } else { b",\n  " })?;
        self.first = false;
        serde_json::to_writer(&mut self.out, item)?;
        Ok(())
    }

    pub fn finish(mut self) -> std::io::Result<W> {
        self.out
            .write_all(if self.first { b"]\n" } else { b"\n]\n" })?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// The two formats of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    /// The format a file name asks for: JSON for a `.json` file (any case), else CSV.
    pub fn of_path(path: &Path) -> Format {
        match path.extension() {
            Some(ext) if ext.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Csv,
        }
    }
}

/// Streams leads in one [`Format`]: a JSON array of [`LeadRow`]s, or the CSV of them with
/// every cell a spreadsheet would run neutralized. Errors keep their type (a closed pipe is
/// told apart by the command line).
pub struct LeadWriter<W: Write> {
    out: Out<W>,
    written: u64,
}

enum Out<W: Write> {
    Csv(Box<CsvWriter<W>>),
    Json(JsonArrayWriter<W>),
}

impl<W: Write> LeadWriter<W> {
    pub fn new(format: Format, out: W) -> anyhow::Result<Self> {
        let out = match format {
            Format::Csv => Out::Csv(Box::new(CsvWriter::new(out)?)),
            Format::Json => Out::Json(JsonArrayWriter::new(out)?),
        };
        Ok(LeadWriter { out, written: 0 })
    }

    /// Writes `lead` as it is at `now`, with what `marks` say of its customer.
    pub fn push(
        &mut self,
        lead: &Lead,
        now: DateTime<Utc>,
        marks: &FollowUpMarks,
    ) -> anyhow::Result<()> {
        match &mut self.out {
            Out::Csv(csv) => csv.push(lead, now, marks)?,
            Out::Json(array) => array.push(&LeadRow::new(lead, now).marked(marks, lead, false))?,
        }
        self.written += 1;
        Ok(())
    }

    /// Ends the output and flushes it; returns how many leads were written.
    pub fn finish(self) -> anyhow::Result<u64> {
        match self.out {
            Out::Csv(csv) => (*csv).finish()?,
            Out::Json(array) => drop(array.finish()?),
        }
        Ok(self.written)
    }
}

/// Opens `path` for an export, replacing what it holds. Exports hold personal data: the file
/// is readable by its owner only. A symbolic link is refused rather than followed: writing
/// through it would overwrite, and make private, whatever file it points to.
pub fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    open_private(path, options)
}

/// [`create_private`], but never over a file that exists (a symbolic link included): that is
/// an error of kind `AlreadyExists`, and the file is left as it was.
pub fn create_private_new(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    open_private(path, options)
}

fn open_private(
    path: &Path,
    #[allow(unused_mut)] mut options: std::fs::OpenOptions,
) -> std::io::Result<std::fs::File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options
            .mode(0o600)
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
        let file = options.open(path).map_err(|e| {
            if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
                std::io::Error::other(
                    "it is a symbolic link: leadbox does not write an export through one \
                     (give the path of the file itself)",
                )
            } else {
                e
            }
        })?;
        // `mode` applies only to a new file: tighten one that was already there (through
        // the descriptor just opened, never by its path).
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_name_is_json_and_any_other_csv() {
        for (name, format) in [
            ("leads.json", Format::Json),
            ("LEADS.JSON", Format::Json),
            ("dir.json/leads", Format::Csv),
            ("leads.csv", Format::Csv),
            ("leads.json.csv", Format::Csv),
            ("leads", Format::Csv),
            (".json", Format::Csv),
        ] {
            assert_eq!(Format::of_path(Path::new(name)), format, "{name}");
        }
    }

    /// A new export is 0600; `create_private_new` leaves a file that is there (or a link)
    /// alone, `create_private` replaces its content and makes it private.
    #[cfg(unix)]
    #[test]
    fn an_export_file_is_private_and_replaced_only_when_asked() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let new = dir.path().join("new.csv");
        drop(create_private_new(&new).unwrap());
        assert_eq!(mode(&new), 0o600);

        let there = dir.path().join("there.csv");
        std::fs::write(&there, "keep me").unwrap();
        std::fs::set_permissions(&there, std::fs::Permissions::from_mode(0o644)).unwrap();
        let refused = create_private_new(&there).unwrap_err();
        assert_eq!(refused.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&there).unwrap(), "keep me");
        assert_eq!(mode(&there), 0o644);

        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&there, &link).unwrap();
        let refused = create_private_new(&link).unwrap_err();
        assert_eq!(refused.kind(), std::io::ErrorKind::AlreadyExists);
        let refused = create_private(&link).unwrap_err();
        assert!(refused.to_string().contains("symbolic link"), "{refused}");
        assert_eq!(std::fs::read_to_string(&there).unwrap(), "keep me");

        let mut file = create_private(&there).unwrap();
        file.write_all(b"new").unwrap();
        drop(file);
        assert_eq!(std::fs::read_to_string(&there).unwrap(), "new");
        assert_eq!(mode(&there), 0o600);
    }
}
