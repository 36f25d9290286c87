//! CSV exports: Azure Storage Explorer, Partner Center, Salesforce, Dynamics, or any table
//! whose headers name lead fields.

use super::fields::{field_for, is_lead_field, Field, RawLead};
use super::json::collect_embedded;
use super::{DocumentError, Parsed};

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

pub fn parse(text: &str, sink: &mut dyn FnMut(Parsed)) -> Result<(), DocumentError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(detect_delimiter(text))
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| DocumentError {
            line: Some(1),
            message: format!("cannot read the header: {e}"),
        })?
        .clone();
    let columns: Vec<(String, Option<Field>)> = headers
        .iter()
        .map(|h| (h.trim_start_matches('\u{feff}').to_string(), field_for(h)))
        .collect();
    if !columns.iter().any(|(_, f)| f.is_some_and(is_lead_field)) {
        let names = columns
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(DocumentError {
            line: Some(1),
            message: format!("no lead columns in the header ({names}): not a lead export"),
        });
    }
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter {
        text: text.as_bytes(),
        byte: 0,
        line: 1,
    };
    loop {
        let start = reader.position().byte();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = lines.line_at(start as usize);
                sink(Parsed {
                    line,
                    result: Err(format!("unreadable CSV record: {e}")),
                });
                continue;
            }
        }
        let line = lines.line_at(record.position().map_or(start, |p| p.byte()) as usize);
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let raw =
            &text.as_bytes()[start as usize..(reader.position().byte() as usize).min(text.len())];
        let result = if raw.iter().filter(|b| **b == b'"').count() % 2 == 1 {
            // Quotes pair up in a well-formed record (`""` escapes one): an odd count means a
            // quoted field ran to the end of the file.
            Err("a quoted field opened on this line never closes".to_string())
        } else if record.len() != columns.len() {
            Err(field_count_problem(&record, columns.len()))
        } else {
            lead_from_record(&record, &columns)
        };
        sink(Parsed { line, result });
    }
    Ok(())
}

/// Line numbers from byte offsets. The csv crate's own line count lags by one after a CRLF
/// (the LF is consumed with the next record), so we count ourselves, moving forward only.
struct LineCounter<'a> {
    text: &'a [u8],
    byte: usize,
    line: u64,
}

impl LineCounter<'_> {
    fn line_at(&mut self, byte: usize) -> u64 {
        let mut at = byte.min(self.text.len());
        // A record "starts" at the line ending that the previous one left behind.
        while at < self.text.len() && matches!(self.text[at], b'\r' | b'\n') {
            at += 1;
        }
        if at > self.byte {
            self.line += self.text[self.byte..at]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            self.byte = at;
        }
        self.line
    }
}

fn field_count_problem(record: &csv::StringRecord, expected: usize) -> String {
    format!(
        "expected {expected} fields as in the header, found {}",
        record.len()
    )
}

fn lead_from_record(
    record: &csv::StringRecord,
    columns: &[(String, Option<Field>)],
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
        parse(text, &mut |p| out.push(p)).unwrap();
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
