//! The HTTPS-endpoint payload: one object, an array of objects, or one object per line.

use serde_json::value::RawValue;
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

/// One payload, or a JSON array of them. A document that does not parse yields nothing.
pub fn parse_document(text: &str, sink: &mut dyn FnMut(Parsed)) -> Result<(), DocumentError> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        let items: Vec<&RawValue> = serde_json::from_str(text).map_err(document_error)?;
        for item in items {
            let line = line_of(text, item.get());
            let result = serde_json::from_str::<Value>(item.get())
                .map_err(|e| strip_position(&e))
                .and_then(|v| lead_from_value(&v));
            sink(Parsed { line, result });
        }
        return Ok(());
    }
    let value: Value = serde_json::from_str(text).map_err(document_error)?;
    sink(Parsed {
        line: line_of(text, trimmed),
        result: lead_from_value(&value),
    });
    Ok(())
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
        // As in CSV: a line that is not UTF-8, past the start that chose the encoding, is
        // read as Windows-1252 rather than lost.
        let line = match std::str::from_utf8(&buffer) {
            Ok(line) => std::borrow::Cow::Borrowed(line),
            Err(_) => {
                encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(&buffer)
                    .0
            }
        };
        let result = match line.as_ref() {
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

fn document_error(e: serde_json::Error) -> DocumentError {
    let line = (e.line() > 0).then_some(e.line() as u64);
    DocumentError {
        line,
        message: format!(
            "invalid JSON: {} at column {}",
            strip_position(&e),
            e.column()
        ),
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

/// 1-based line of `part`, a slice of `text`.
fn line_of(text: &str, part: &str) -> u64 {
    let offset = (part.as_ptr() as usize)
        .saturating_sub(text.as_ptr() as usize)
        .min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
        + 1
}

pub fn lead_from_value(value: &Value) -> Result<crate::domain::NewLead, String> {
    let Value::Object(object) = value else {
        return Err(format!("expected a lead object, found {}", kind_of(value)));
    };
    let mut raw = RawLead::default();
    collect(object, &mut raw)?;
    raw.into_lead()
}

/// Flattens nested objects (`userDetails`) and a `CustomerInfo` JSON string into fields.
fn collect(object: &Map<String, Value>, raw: &mut RawLead) -> Result<(), String> {
    for (key, value) in object {
        let field = field_for(key);
        match value {
            Value::Object(inner) => collect(inner, raw)?,
            Value::String(s) if field == Some(Field::CustomerInfo) => {
                collect_embedded(key, s, raw)?
            }
            Value::String(s) => {
                if let Some(field) = field {
                    raw.set(field, key, s);
                }
            }
            Value::Number(n) => {
                if let Some(field) = field {
                    raw.set(field, key, &n.to_string());
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// A column holding the customer fields as a JSON string (Azure Table's `CustomerInfo`).
pub fn collect_embedded(column: &str, text: &str, raw: &mut RawLead) -> Result<(), String> {
    if text.trim().is_empty() {
        return Ok(());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(inner)) => collect(&inner, raw),
        _ => Err(format!("{column} is not a JSON object: {text}")),
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
}
