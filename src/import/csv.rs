//! CSV exports: Azure Storage Explorer, Partner Center, Salesforce, Dynamics, or any table
//! whose headers name lead fields.

use super::fields::{field_for, is_lead_field, normalize_key, Field, RawLead};
use super::json::collect_embedded;
use super::{DocumentError, Parsed};
use crate::io_error::describe_chain;
use std::io::Read;

/// `,`, `;` or tab: whichever the header line uses most, outside quotes.
pub fn detect_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(c) = counts.iter_mut().find(|(d, _)| *d == b) {
                c.1 += 1;
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(d, _)| *d)
}

/// A column of the file: its name in the header, and the lead field it holds if any.
type Column = (String, Option<Field>);

pub fn parse(
    reader: impl Read,
    sample: &str,
    sink: &mut dyn FnMut(Parsed),
) -> Result<(), DocumentError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(detect_delimiter(sample))
        .flexible(true)
        .has_headers(true)
        .buffer_capacity(64 * 1024)
        .from_reader(reader);
    let columns = header_columns(&mut reader)?;
    // The csv crate counts a record's line before it consumes the LF of the CRLF that ended
    // the previous one: with CRLF line ends its count is one short.
    let crlf = sample.split('\n').next().is_some_and(|l| l.ends_with('\r'));
    let line_of =
        |position: Option<&csv::Position>| position.map_or(0, |p| p.line() + u64::from(crlf));
    // One record of lookahead: an unclosed quote can only swallow the last record.
    let mut current = csv::ByteRecord::new();
    let mut next = csv::ByteRecord::new();
    let mut have_current = read(&mut reader, &mut current, sink, &line_of);
    while have_current {
        let have_next = read(&mut reader, &mut next, sink, &line_of);
        let line = line_of(current.position());
        let record = text_record(std::mem::take(&mut current));
        let blank = record
            .as_ref()
            .is_ok_and(|r| r.iter().all(|v| v.trim().is_empty()));
        if !blank {
            let result = record.and_then(|record| record_lead(&record, &columns, !have_next));
            sink(Parsed { line, result });
        }
        current = std::mem::take(&mut next);
        have_current = have_next;
    }
    Ok(())
}

/// The columns the header names. The file is refused when the header cannot be read, names
/// no lead field, or names one twice.
fn header_columns<R: Read>(reader: &mut csv::Reader<R>) -> Result<Vec<Column>, DocumentError> {
    let refused = |message| DocumentError {
        line: Some(1),
        message,
    };
    let headers = reader
        .byte_headers()
        .map_err(|e| refused(format!("cannot read the header: {}", describe_chain(&e))))?
        .clone();
    let headers =
        text_record(headers).map_err(|message| refused(format!("the header: {message}")))?;
    let columns: Vec<Column> = headers
        .iter()
        .map(|h| (h.trim_start_matches('\u{feff}').to_string(), field_for(h)))
        .collect();
    if !columns.iter().any(|(_, f)| f.is_some_and(is_lead_field)) {
        let names = columns
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(refused(format!(
            "no lead columns in the header ({names}): not a lead export"
        )));
    }
    match duplicate_column(&columns) {
        Some(problem) => Err(refused(problem)),
        None => Ok(columns),
    }
}

/// The lead a record holds, or why it holds none; `last` when no record follows it.
fn record_lead(
    record: &csv::StringRecord,
    columns: &[Column],
    last: bool,
) -> Result<crate::domain::NewLead, String> {
    if last && record.iter().any(|v| v.ends_with('\n')) {
        // A quoted field ran to the end of the file, line ends and all.
        Err("a quoted field opened on this line never closes".to_string())
    } else if record.len() != columns.len() {
        Err(field_count_problem(record, columns.len()))
    } else {
        lead_from_record(record, columns)
    }
}

/// Reads the next record; unreadable ones are reported and skipped.
fn read<R: Read>(
    reader: &mut csv::Reader<R>,
    record: &mut csv::ByteRecord,
    sink: &mut dyn FnMut(Parsed),
    line_of: &dyn Fn(Option<&csv::Position>) -> u64,
) -> bool {
    loop {
        let position = reader.position().clone();
        match reader.read_byte_record(record) {
            Ok(more) => return more,
            Err(e) => sink(Parsed {
                line: line_of(Some(&position)) + 1,
                result: Err(format!("unreadable CSV record: {}", describe_chain(&e))),
            }),
        }
    }
}

/// A record as text. The text reaching the parser is UTF-8 already (the import decodes and
/// checks it); bytes that are not are refused, never guessed at.
fn text_record(record: csv::ByteRecord) -> Result<csv::StringRecord, String> {
    csv::StringRecord::from_byte_record(record).map_err(|e| {
        let field = e.utf8_error().field() + 1;
        format!("field {field} is not valid UTF-8")
    })
}

/// Two columns that leadbox reads under one name (`Email,Email`, or `Email` and `E-mail`
/// once case, spaces, `_` and `-` are set aside): which one holds the value is anyone's
/// guess, so the file is refused rather than one picked silently.
fn duplicate_column(columns: &[Column]) -> Option<String> {
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (i, (name, field)) in columns.iter().enumerate() {
        if field.is_none() {
            continue;
        }
        let key = normalize_key(name);
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
            return Some(format!(
                "duplicate column '{}' (columns {} and {}): refusing to guess which one holds the value",
                name,
                first + 1,
                i + 1
            ));
        }
        seen.push((key, i));
    }
    None
}

fn field_count_problem(record: &csv::StringRecord, expected: usize) -> String {
    format!(
        "expected {expected} fields as in the header, found {}",
        record.len()
    )
}

fn lead_from_record(
    record: &csv::StringRecord,
    columns: &[Column],
) -> Result<crate::domain::NewLead, String> {
    let mut raw = RawLead::default();
    for ((name, field), value) in columns.iter().zip(record.iter()) {
        match field {
            Some(Field::CustomerInfo) => collect_embedded(name, value, &mut raw)?,
            Some(field) => raw.set(*field, name, value),
            None => {}
        }
    }
    raw.into_lead()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter("a;b;c\n1;2;3"), b';');
        assert_eq!(detect_delimiter("a\tb\tc"), b'\t');
        assert_eq!(detect_delimiter("\"x;y\",b,c"), b',');
    }

    fn parse_all(text: &str) -> Vec<Parsed> {
        let mut out = Vec::new();
        parse(text.as_bytes(), text, &mut |p| out.push(p)).unwrap();
        out
    }

    #[test]
    fn semicolons_and_crlf() {
        let rows = parse_all("Vorname;Nachname;First Name;Email\r\nx;y;Jürgen;j@x.io\r\n");
        let lead = rows[0].result.as_ref().unwrap();
        assert_eq!(lead.first_name.as_deref(), Some("Jürgen"));
        assert_eq!(lead.email.as_deref(), Some("j@x.io"));
    }

    #[test]
    fn short_rows_are_reported_with_their_line() {
        let rows = parse_all("First Name,Email\nAna,a@x.io\nBen\nCy,c@x.io\n");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].line, 3);
        assert!(rows[1]
            .result
            .as_ref()
            .unwrap_err()
            .contains("expected 2 fields"));
        assert_eq!(rows[2].line, 4);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused_not_guessed() {
        let mut bytes = b"First Name,Company\r\nAna,Acme\r\n".to_vec();
        bytes.extend(b"Jos\xe9,Caf\xe9 M\xfcller\r\n");
        let mut out = Vec::new();
        parse(bytes.as_slice(), "First Name,Company\r\n", &mut |p| {
            out.push(p)
        })
        .unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].line, 3);
        assert_eq!(
            out[1].result.as_ref().unwrap_err(),
            "field 1 is not valid UTF-8"
        );
    }

    #[test]
    fn a_column_read_twice_refuses_the_file() {
        for header in ["Email,Name,Email", "Email,Name,EMAIL", "e-mail,Name,E_Mail"] {
            let text = format!("{header}\na@x.io,Ana,b@x.io\n");
            let err = parse(text.as_bytes(), &text, &mut |_| {}).err().unwrap();
            assert_eq!(err.line, Some(1));
            assert!(err.message.contains("(columns 1 and 3)"), "{}", err.message);
        }
        // Columns leadbox does not read may repeat; different names of one field are kept.
        let rows = parse_all("Email,x,x,Email Address\na@x.io,1,2,b@x.io\n");
        assert_eq!(
            rows[0].result.as_ref().unwrap().email.as_deref(),
            Some("a@x.io")
        );
    }

    #[test]
    fn unclosed_quote_is_reported_on_its_own_line() {
        let rows = parse_all("First Name,Email\r\nAna,a@x.io\r\nLeo,\"open,l@x.io\r\n");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].line, 3);
        assert!(rows[1]
            .result
            .as_ref()
            .unwrap_err()
            .contains("never closes"));
    }
}
