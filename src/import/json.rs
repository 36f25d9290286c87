//! The HTTPS-endpoint payload: one object, an array of objects, or one object per line.

use crate::io_error::describe;
use serde_json::{Map, Value};

use super::fields::{field_for, Field, RawLead};
use super::{DocumentError, Parsed};
use std::io::BufRead;

pub fn is_ndjson(text: &str) -> bool {
    // A document that parses whole is one payload or an array, whatever its line breaks.
    if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
        return false;
    }
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() < 2 {
        return false;
    }
    let is_whole =
        |l: &str| l.starts_with('{') && serde_json::from_str::<serde::de::IgnoredAny>(l).is_ok();
    // The first line is a whole object; or, when the first line is the bad one, every line
    // opens an object and some line is whole (a pretty-printed document has lines that
    // start with `"` or `}`).
    is_whole(lines[0])
        || (lines.iter().all(|l| l.starts_with('{')) && lines.iter().any(|l| is_whole(l)))
}

/// The largest record read, in bytes: a lead is a few kilobytes; a file that holds more in
/// one record is no lead export, and is not read whole into memory.
const MAX_RECORD: usize = if cfg!(test) { 4 << 10 } else { 8 << 20 };

/// One payload, or a JSON array of them, streamed: each array element is cut from the text
/// as it is read (by a scan that follows strings and brackets) and parsed on its own, so an
/// array of any size is read in the memory of one record, in time proportional to its size,
/// and each record knows its line. A record of the wrong shape is reported and the others
/// kept; a document that does not parse imports nothing (the records handed on before the
/// error are dropped with the transaction) and the error names its line.
pub fn parse_document(
    reader: impl BufRead,
    sink: &mut dyn FnMut(Parsed),
) -> Result<(), DocumentError> {
    let mut scanner = Scanner {
        reader,
        line: 1,
        record: Vec::new(),
    };
    match scanner.skip_space()? {
        Some(b'[') => parse_array(&mut scanner, sink)?,
        Some(_) => {
            let line = scanner.take_value()?;
            let value = scanner.parse_record(line)?;
            sink(Parsed {
                line,
                result: lead_from_value(&value),
            });
        }
        None => return Err(scanner.error("no JSON in the file".into())),
    }
    match scanner.skip_space()? {
        None => Ok(()),
        Some(other) => Err(scanner.error(format!(
            "invalid JSON: {} after the end of the document",
            shown_byte(other)
        ))),
    }
}

/// The records of a top-level array, the `[` next in `scanner`.
fn parse_array<R: BufRead>(
    scanner: &mut Scanner<R>,
    sink: &mut dyn FnMut(Parsed),
) -> Result<(), DocumentError> {
    scanner.reader.consume(1);
    let opened_on = scanner.line;
    let mut first = true;
    loop {
        let found = scanner.skip_space()?;
        match found {
            Some(b']') if first => {
                scanner.reader.consume(1);
                break;
            }
            Some(b']') => return Err(scanner.error("a comma before `]`: invalid JSON".into())),
            None => {
                return Err(scanner.error(format!(
                    "the file ends inside the array opened on line {opened_on}"
                )))
            }
            Some(_) => {}
        }
        let line = scanner.take_value()?;
        sink(Parsed {
            line,
            result: lead_from_value(&scanner.parse_record(line)?),
        });
        first = false;
        match scanner.skip_space()? {
            Some(b',') => scanner.reader.consume(1),
            Some(b']') => {
                scanner.reader.consume(1);
                break;
            }
            Some(other) => {
                return Err(scanner.error(format!(
                    "expected `,` or `]` after the record on line {line}, found {}",
                    shown_byte(other)
                )))
            }
            None => {
                return Err(scanner.error(format!(
                    "the file ends inside the array opened on line {opened_on}"
                )))
            }
        }
    }
    Ok(())
}

/// The next byte, which is there.
fn buffer_first(reader: &mut impl BufRead) -> Result<u8, DocumentError> {
    let buffer = reader.fill_buf().map_err(|e| DocumentError {
        line: None,
        message: format!("cannot read the file: {}", describe(&e)),
    })?;
    Ok(buffer.first().copied().unwrap_or(b' '))
}

fn shown_byte(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("`{}`", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}

/// Reads a JSON document a value at a time, counting lines.
struct Scanner<R> {
    reader: R,
    /// The line of the next byte, from 1.
    line: u64,
    /// The text of the last value taken.
    record: Vec<u8>,
}

impl<R: BufRead> Scanner<R> {
    fn error(&self, message: String) -> DocumentError {
        DocumentError {
            line: Some(self.line),
            message,
        }
    }

    fn read_error(e: std::io::Error) -> DocumentError {
        DocumentError {
            line: None,
            message: format!("cannot read the file: {}", describe(&e)),
        }
    }

    /// Skips white space; the next byte, left unread, or `None` at the end.
    fn skip_space(&mut self) -> Result<Option<u8>, DocumentError> {
        loop {
            let buffer = self.reader.fill_buf().map_err(Self::read_error)?;
            if buffer.is_empty() {
                return Ok(None);
            }
            let mut used = 0;
            let mut next = None;
            for &b in buffer {
                match b {
                    b'\n' => self.line += 1,
                    b' ' | b'\t' | b'\r' => {}
                    b => {
                        next = Some(b);
                        break;
                    }
                }
                used += 1;
            }
            self.reader.consume(used);
            if next.is_some() {
                return Ok(next);
            }
        }
    }

    /// Takes the value that starts at the next byte into `record`, following strings and
    /// nested brackets; returns the line it starts on.
    // One loop over the bytes, a small state machine (strings, escapes, brackets): read best
    // whole, so it stays longer than the others.
    fn take_value(&mut self) -> Result<u64, DocumentError> {
        let start = self.line;
        self.record.clear();
        // The brackets open, innermost last.
        let mut open: Vec<u8> = Vec::new();
        let mut in_string = false;
        let mut escaped = false;
        let mut first = true;
        loop {
            let buffer = self.reader.fill_buf().map_err(Self::read_error)?;
            if buffer.is_empty() {
                if open.is_empty() && !in_string && !first {
                    return Ok(start); // a number or word that ends the file
                }
                return Err(DocumentError {
                    line: Some(start),
                    message: "the file ends inside the record that starts on this line".into(),
                });
            }
            let mut used = 0;
            let mut done = false;
            for &b in buffer {
                if in_string {
                    used += 1;
                    match b {
                        _ if escaped => escaped = false,
                        b'\\' => escaped = true,
                        b'"' => {
                            in_string = false;
                            if open.is_empty() {
                                done = true;
                                break;
                            }
                        }
                        b'\n' => self.line += 1,
                        _ => {}
                    }
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => open.push(b),
                    b'}' | b']' => {
                        let opener = if b == b'}' { b'{' } else { b'[' };
                        match open.last() {
                            // A number or word ends at the bracket that follows it.
                            None if !first => {
                                done = true;
                                break;
                            }
                            Some(&o) if o == opener => {
                                open.pop();
                                if open.is_empty() {
                                    used += 1;
                                    done = true;
                                    break;
                                }
                            }
                            _ => {
                                return Err(self.error(format!(
                                    "invalid JSON: `{}` does not close what the record from line {start} opened",
                                    b as char
                                )))
                            }
                        }
                    }
                    b',' | b' ' | b'\t' | b'\r' | b'\n' if open.is_empty() => {
                        // The end of a number or word at the top.
                        done = true;
                        break;
                    }
                    b'\n' => self.line += 1,
                    _ => {}
                }
                first = false;
                used += 1;
            }
            self.record.extend_from_slice(&buffer[..used]);
            self.reader.consume(used);
            if self.record.len() > MAX_RECORD {
                return Err(DocumentError {
                    line: Some(start),
                    message: format!(
                        "the record that starts on this line is over {} MB: not a lead export",
                        MAX_RECORD >> 20
                    ),
                });
            }
            if done {
                if self.record.is_empty() {
                    let found = shown_byte(buffer_first(&mut self.reader)?);
                    return Err(
                        self.error(format!("invalid JSON: expected a value, found {found}"))
                    );
                }
                return Ok(start);
            }
        }
    }

    /// Parses the value taken, which starts on `line`. The text reaching the parser is UTF-8
    /// already (the import decodes and checks it); bytes that are not are refused.
    fn parse_record(&self, line: u64) -> Result<Value, DocumentError> {
        let text = std::str::from_utf8(&self.record).map_err(|e| {
            let before = &self.record[..e.valid_up_to()];
            DocumentError {
                line: Some(line + before.iter().filter(|b| **b == b'\n').count() as u64),
                message: "not valid UTF-8".into(),
            }
        })?;
        let parsed = serde_json::from_str::<Value>(text);
        parsed.map_err(|e| DocumentError {
            line: Some(line + e.line().saturating_sub(1) as u64),
            message: format!(
                "invalid JSON: {} at column {}",
                strip_position(&e),
                e.column()
            ),
        })
    }
}

/// One payload per line; a bad line is reported and the others are kept.
pub fn parse_lines(mut reader: impl BufRead, sink: &mut dyn FnMut(Parsed)) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    let mut number = 0u64;
    loop {
        buffer.clear();
        if reader.read_until(b'\n', &mut buffer)? == 0 {
            return Ok(());
        }
        number += 1;
        // The text reaching the parser is UTF-8 already (the import decodes and checks it).
        let Ok(line) = std::str::from_utf8(&buffer) else {
            sink(Parsed {
                line: number,
                result: Err("not valid UTF-8".into()),
            });
            continue;
        };
        let result = match line {
            line if line.trim().is_empty() => continue,
            line => serde_json::from_str::<Value>(line.trim_end_matches(['\n', '\r']))
                .map_err(|e| {
                    format!(
                        "invalid JSON: {} at column {}",
                        strip_position(&e),
                        e.column()
                    )
                })
                .and_then(|v| lead_from_value(&v)),
        };
        sink(Parsed {
            line: number,
            result,
        });
    }
}

/// serde_json appends " at line L column C"; we report the line our own way.
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

pub fn lead_from_value(value: &Value) -> Result<crate::domain::NewLead, String> {
    let Value::Object(object) = value else {
        return Err(format!("expected a lead object, found {}", kind_of(value)));
    };
    let mut raw = RawLead::default();
    let mut identified = false;
    collect(object, &mut raw, &mut identified, None)?;
    if !identified {
        return Err(no_lead_fields(object));
    }
    raw.into_lead()
}

/// Fields whose value makes a JSON record a lead: a person's name, email, phone or company,
/// or the marketplace's LeadSource, action or offer. A key called just `name` is not enough
/// on its own: most JSON documents have one (`package.json`, manifests, settings).
fn identifies(field: Field, key: &str) -> bool {
    match field {
        Field::FirstName
        | Field::LastName
        | Field::Email
        | Field::Phone
        | Field::Company
        | Field::LeadSource
        | Field::ActionCode
        | Field::CallToAction
        | Field::OfferName
        | Field::OfferId => true,
        Field::FullName => !key.trim().eq_ignore_ascii_case("name"),
        _ => false,
    }
}

/// Why a record with no lead field is no lead, naming a few of its keys.
fn no_lead_fields(object: &Map<String, Value>) -> String {
    const SHOWN: usize = 6;
    if object.is_empty() {
        return "no lead fields (an empty object): not a lead record".into();
    }
    let mut keys: Vec<String> = object
        .keys()
        .take(SHOWN)
        .map(|k| crate::domain::text::truncate(k, 40).into_owned())
        .collect();
    if object.len() > SHOWN {
        keys.push("…".into());
    }
    format!(
        "no lead fields (name, email, phone, company, LeadSource, action or offer) among the keys {}: not a lead record",
        keys.join(", ")
    )
}

/// Reads an object's fields into `raw`: a `userDetails` object and a `CustomerInfo` JSON
/// string hold the customer fields. Other keys are not lead fields and are left alone,
/// whatever they hold. `identified` is set when a field that makes a lead has a value.
/// A lead field of the wrong type is an error naming it (`userDetails.FirstName: expected
/// text, found an object`), never dropped or guessed at; `null` is a value left out.
fn collect(
    object: &Map<String, Value>,
    raw: &mut RawLead,
    identified: &mut bool,
    within: Option<&str>,
) -> Result<(), String> {
    for (key, value) in object {
        let Some(field) = field_for(key) else {
            continue;
        };
        let wrong = |expected: &str| {
            let path = match within {
                Some(parent) => format!("{parent}.{key}"),
                None => key.clone(),
            };
            Err(format!(
                "{}: expected {expected}, found {}",
                crate::domain::text::truncate(&path, 80),
                kind_of(value)
            ))
        };
        match (field, value) {
            (_, Value::Null) => {}
            (Field::CustomerInfo, Value::Object(inner)) => {
                collect(inner, raw, identified, Some(key))?
            }
            (Field::CustomerInfo, Value::String(s)) => embedded(key, s, raw, identified)?,
            (Field::CustomerInfo, _) => return wrong("an object of customer fields"),
            (field, Value::String(s)) => {
                *identified |= identifies(field, key) && !s.trim().is_empty();
                raw.set(field, key, s);
            }
            // Phone numbers and record ids are sometimes written as numbers.
            (
                Field::Phone
                | Field::PartitionKey
                | Field::RowKey
                | Field::ReferralId
                | Field::LeadId
                | Field::OfferId,
                Value::Number(n),
            ) => {
                *identified |= identifies(field, key);
                raw.set(field, key, &n.to_string());
            }
            (Field::Time(_), _) => return wrong("a time as text (RFC 3339)"),
            _ => return wrong("text"),
        }
    }
    Ok(())
}

/// A column holding the customer fields as a JSON string (Azure Table's `CustomerInfo`).
pub fn collect_embedded(column: &str, text: &str, raw: &mut RawLead) -> Result<(), String> {
    embedded(column, text, raw, &mut false)
}

fn embedded(
    column: &str,
    text: &str,
    raw: &mut RawLead,
    identified: &mut bool,
) -> Result<(), String> {
    if text.trim().is_empty() {
        return Ok(());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(inner)) => collect(&inner, raw, identified, Some(column)),
        _ => Err(format!(
            "{column}: not a JSON object: {}",
            crate::domain::text::truncate(text, 80)
        )),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndjson_is_recognized_whichever_line_is_bad() {
        let good = r#"{"email":"a@x.io"}"#;
        let bad = r#"{"email":"b@"#;
        assert!(is_ndjson(&format!("{good}\n{bad}\n{good}\n")));
        assert!(is_ndjson(&format!("{bad}\n{good}\n")));
        // A pretty-printed document with a syntax error is one document, not lines.
        assert!(!is_ndjson(
            "{\n  \"email\": \"a@x.io\"\n  \"phone\": \"1\"\n}\n"
        ));
        assert!(!is_ndjson(&format!("{bad}\n{bad}\n")));
        assert!(!is_ndjson(&format!("[{good},\n{good}]")));
        assert!(!is_ndjson(bad));
    }

    /// A record's line and result: the lead's email, or the error.
    type Streamed = (u64, Result<Option<String>, String>);

    /// Each record's line and result, and the document's end.
    fn stream(text: &str) -> (Vec<Streamed>, Result<(), DocumentError>) {
        let mut records = Vec::new();
        let end = parse_document(text.as_bytes(), &mut |p: Parsed| {
            records.push((p.line, p.result.map(|lead| lead.email)))
        });
        (records, end)
    }

    fn failed_at(line: u64, text: &str) -> impl Fn(&Result<(), DocumentError>) -> bool + '_ {
        move |end| matches!(end, Err(e) if e.line == Some(line) && e.message.contains(text))
    }

    #[test]
    fn array_records_keep_their_lines_whatever_the_layout() {
        let text = "\n  [\n {\"email\": \"a@x.io\", \"description\": \"line\\nbreak ] } [ \\\" ,\"},\n\n  {\n  \"email\":\n \"b@x.io\"\n},{\"email\": \"c@x.io\"}\n,\n[{\"email\": \"d@x.io\"}], 7, \"x\", null,\n{\"FirstName\": true}\n]\n\n";
        let (records, end) = stream(text);
        assert!(end.is_ok(), "{end:?}");
        let lines: Vec<u64> = records.iter().map(|r| r.0).collect();
        assert_eq!(lines, [3, 5, 8, 10, 10, 10, 10, 11]);
        assert_eq!(records[0].1, Ok(Some("a@x.io".into())));
        assert_eq!(records[1].1, Ok(Some("b@x.io".into())));
        assert_eq!(records[2].1, Ok(Some("c@x.io".into())));
        assert_eq!(
            records[3].1,
            Err("expected a lead object, found an array".into())
        );
        assert_eq!(
            records[4].1,
            Err("expected a lead object, found a number".into())
        );
        assert_eq!(
            records[5].1,
            Err("expected a lead object, found a string".into())
        );
        assert_eq!(
            records[6].1,
            Err("expected a lead object, found null".into())
        );
        assert_eq!(
            records[7].1,
            Err("FirstName: expected text, found a boolean".into())
        );
    }

    #[test]
    fn broken_arrays_name_the_line() {
        let cases: [(&str, usize, u64, &str); 9] = [
            ("[]", 0, 0, ""),
            (
                "[\n{\"email\": \"a@x.io\"}\n]\ngarbage\n",
                1,
                4,
                "`g` after the end",
            ),
            ("[\n{\"email\": \"a@x.io\"},\n]", 1, 3, "a comma before `]`"),
            (
                "[\n{\"email\": \"a@x.io\"},\n{\"email\": \"b@",
                1,
                3,
                "ends inside the record",
            ),
            (
                "[\n{\"email\": \"a@x.io\"}\n",
                1,
                3,
                "ends inside the array opened on line 1",
            ),
            (
                "[\n{\"email\": \"a@x.io\"}\n{\"email\": \"b@x.io\"}]",
                1,
                3,
                "expected `,` or `]` after the record on line 2, found `{`",
            ),
            ("[\n{\"email\": [\"a@x.io\"}]", 0, 2, "`}` does not close"),
            (
                "[\n{\"email\": \"a@x.io\",\n\n \"phone\" \"1\"}]",
                0,
                4,
                "invalid JSON: expected `:` at column 10",
            ),
            (
                "[\n,{\"email\": \"a@x.io\"}]",
                0,
                2,
                "expected a value, found `,`",
            ),
        ];
        for (text, sent, line, message) in cases {
            let (records, end) = stream(text);
            assert_eq!(records.len(), sent, "{text}");
            if message.is_empty() {
                assert!(end.is_ok(), "{text}: {end:?}");
            } else {
                assert!(failed_at(line, message)(&end), "{text}: {end:?}");
            }
        }
    }

    #[test]
    fn one_payload_and_what_follows_it() {
        let (records, end) = stream("\n\n{\"email\": \"a@x.io\"}\n");
        assert!(end.is_ok());
        assert_eq!(records, [(3, Ok(Some("a@x.io".into())))]);
        let (records, end) = stream("{\"email\": \"a@x.io\"}\n{\"email\": \"b@x.io\"}");
        assert_eq!(records.len(), 1);
        assert!(
            failed_at(2, "`{` after the end of the document")(&end),
            "{end:?}"
        );
        let (_, end) = stream("{\n\"email\": \"a@x.io\"\n\"phone\": \"1\"\n}");
        assert!(failed_at(3, "expected `,` or `}`")(&end), "{end:?}");
    }

    #[test]
    fn a_record_too_large_to_be_a_lead_stops_the_document() {
        let big = format!(
            "[\n{{\"email\": \"a@x.io\"}},\n{{\"description\": \"{}\"}}]",
            "x".repeat(MAX_RECORD)
        );
        let (records, end) = stream(&big);
        assert_eq!(records.len(), 1);
        assert!(failed_at(3, "not a lead export")(&end), "{end:?}");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused_not_guessed() {
        let bytes = b"[{\"email\": \"a@x.io\",\n \"company\": \"Caf\xe9\"}]";
        let end = parse_document(&bytes[..], &mut |_| panic!("no record")).unwrap_err();
        assert_eq!(
            (end.line, end.message.as_str()),
            (Some(2), "not valid UTF-8")
        );
        let mut lines = Vec::new();
        parse_lines(
            &b"{\"email\": \"a@x.io\"}\n{\"company\": \"Caf\xe9\"}\n"[..],
            &mut |p| lines.push((p.line, p.result.map(|l| l.email))),
        )
        .unwrap();
        assert_eq!(
            lines,
            [
                (1, Ok(Some("a@x.io".to_string()))),
                (2, Err("not valid UTF-8".to_string()))
            ]
        );
    }

    /// A reader that hands out a few bytes at a time, counting them, and fails at its end.
    struct Trickle<'a> {
        text: &'a [u8],
        read: std::rc::Rc<std::cell::Cell<usize>>,
    }

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.text.is_empty() {
                return Err(std::io::Error::other("the stream broke"));
            }
            let n = buf.len().min(self.text.len()).min(7);
            buf[..n].copy_from_slice(&self.text[..n]);
            self.text = &self.text[n..];
            self.read.set(self.read.get() + n);
            Ok(n)
        }
    }

    /// Records are handed on as the array is read, not once it has been read whole: an
    /// endless array or a stream that breaks still yields its first records, and the first
    /// record goes on when little more than it has been read.
    #[test]
    fn an_array_is_read_a_record_at_a_time() {
        let record = "{\"email\": \"a@x.io\", \"company\": \"Contoso\"},\n";
        let text = format!("[\n{}", record.repeat(200));
        let read = std::rc::Rc::new(std::cell::Cell::new(0));
        let reader = std::io::BufReader::with_capacity(
            64,
            Trickle {
                text: text.as_bytes(),
                read: read.clone(),
            },
        );
        let mut read_at_each = Vec::new();
        let end = parse_document(reader, &mut |p: Parsed| {
            assert!(p.result.is_ok());
            read_at_each.push((p.line, read.get()));
        });
        assert_eq!(read_at_each.len(), 200);
        assert_eq!(read_at_each[199].0, 201);
        // The first record went on before the reader had served 3 records' worth.
        assert!(
            read_at_each[0].1 < 3 * record.len(),
            "{:?}",
            read_at_each[0]
        );
        let end = end.unwrap_err();
        assert_eq!(end.line, None);
        assert!(end.message.contains("the stream broke"), "{}", end.message);
    }

    fn problem(json: &str) -> String {
        lead_from_value(&serde_json::from_str(json).unwrap()).unwrap_err()
    }

    #[test]
    fn a_lead_field_of_the_wrong_type_is_named() {
        let cases = [
            (
                r#"{"email": "a@x.io", "FirstName": {"x": 1}}"#,
                "FirstName: expected text, found an object",
            ),
            (
                r#"{"email": "a@x.io", "receivedAt": true}"#,
                "receivedAt: expected a time as text (RFC 3339), found a boolean",
            ),
            (
                r#"{"email": "a@x.io", "createdAt": 1700000000}"#,
                "createdAt: expected a time as text (RFC 3339), found a number",
            ),
            (
                r#"{"userDetails": {"email": ["a@x.io"]}}"#,
                "userDetails.email: expected text, found an array",
            ),
            (
                r#"{"email": "a@x.io", "Company": 42}"#,
                "Company: expected text, found a number",
            ),
            (
                r#"{"email": "a@x.io", "UserDetails": "Ana"}"#,
                "UserDetails: not a JSON object: Ana",
            ),
            (
                r#"{"email": "a@x.io", "UserDetails": 7}"#,
                "UserDetails: expected an object of customer fields, found a number",
            ),
            (
                r#"{"email": "a@x.io", "LeadSource": false}"#,
                "LeadSource: expected text, found a boolean",
            ),
        ];
        for (json, want) in cases {
            assert_eq!(problem(json), want, "{json}");
        }
        // null is a value left out; a phone number may be a number; unknown keys hold anything.
        let lead = lead_from_value(
            &serde_json::from_str(
                r#"{"email": "a@x.io", "FirstName": null, "phone": 2065550199, "tags": [1, {}]}"#,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(lead.first_name, None);
        assert_eq!(lead.phone.as_deref(), Some("2065550199"));
    }

    #[test]
    fn a_record_without_lead_fields_is_no_lead() {
        assert!(problem("{}").contains("an empty object"));
        let package = r#"{"name": "leadbox-ui", "version": "1.0.0", "description": "UI",
            "bugs": {"email": "bugs@x.io"}, "scripts": {"test": "jest"}}"#;
        let err = problem(package);
        assert!(
            err.contains("among the keys bugs, description, name, scripts, version:"),
            "{err}"
        );
        assert!(
            problem(r#"{"userDetails": {"email": "  "}, "country": "US"}"#)
                .starts_with("no lead fields")
        );
        // One field that makes a lead is enough.
        for ok in [
            r#"{"email": "a@x.io"}"#,
            r#"{"userDetails": {"lastName": "Okafor"}}"#,
            r#"{"LeadSource": "SPZA-PLT|a.b", "country": "US"}"#,
            r#"{"fullName": "Ana Silva"}"#,
            r#"{"name": "Ana Silva", "phone": 2065550199}"#,
        ] {
            assert!(
                lead_from_value(&serde_json::from_str(ok).unwrap()).is_ok(),
                "{ok}"
            );
        }
    }
}
