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
