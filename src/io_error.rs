//! Input and output errors in plain words, for messages: `leads.csv: no such file or
//! directory`, never `No such file or directory (os error 2)`. The one place that turns an
//! [`std::io::Error`] into text for a person; the import's reports and the command line's
//! errors both go through it.

use std::error::Error;

/// What went wrong, in plain words: the system's description without the `(os error N)`
/// the standard library appends, starting in lower case to follow a `path: `.
pub fn describe(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match e.raw_os_error() {
        Some(code) => text
            .strip_suffix(&format!(" (os error {code})"))
            .unwrap_or(&text),
        None => &text,
    };
    let text = text.trim_end_matches('.');
    // "No such file..." reads as a sentence; "I/O error" or "EOF" keep their capitals.
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => first
            .to_lowercase()
            .chain(text[first.len_utf8()..].chars())
            .collect(),
        _ => text.to_string(),
    }
}

/// An error and its causes, joined by `: ` as anyhow's `{:#}` joins them, with every input
/// or output error [described](describe) in plain words. A cause that repeats the text of
/// its own cause (`{path}: {source}`, a wrapper that shows only its source) leaves that part
/// to it, so that nothing is said twice and no `(os error N)` comes through a wrapper.
pub fn describe_chain(e: &(dyn Error + 'static)) -> String {
    let causes: Vec<&(dyn Error + 'static)> =
        std::iter::successors(Some(e), |&cause| cause.source()).collect();
    let mut parts: Vec<String> = Vec::new();
    for (i, cause) in causes.iter().enumerate() {
        let mut text = io_error_of(*cause).unwrap_or_else(|| cause.to_string());
        if let Some(source) = causes.get(i + 1) {
            if let Some(own) = text.strip_suffix(&source.to_string()) {
                text = own.trim_end_matches(": ").to_string();
            }
        }
        if !text.is_empty() {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// The [description](describe) of an input or output error, or of one that csv's or
/// serde_json's error wraps (they show it as their own text, without it as a source).
fn io_error_of(cause: &(dyn Error + 'static)) -> Option<String> {
    if let Some(io) = cause.downcast_ref::<std::io::Error>() {
        return Some(describe(io));
    }
    if let Some(csv::ErrorKind::Io(io)) = cause.downcast_ref::<csv::Error>().map(csv::Error::kind) {
        return Some(describe(io));
    }
    // serde_json keeps only the kind of the error within reach.
    let kind = cause
        .downcast_ref::<serde_json::Error>()
        .and_then(serde_json::Error::io_error_kind)?;
    Some(describe(&std::io::Error::from(kind)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error as IoError, ErrorKind};

    #[test]
    fn os_errors_are_plain_words_without_their_number() {
        let missing = IoError::from(ErrorKind::NotFound);
        assert_eq!(describe(&missing), "entity not found");
        #[cfg(unix)]
        {
            let missing = IoError::from_raw_os_error(2);
            assert!(missing.to_string().ends_with("(os error 2)"));
            assert_eq!(describe(&missing), "no such file or directory");
            assert_eq!(
                describe(&IoError::from_raw_os_error(13)),
                "permission denied"
            );
            assert_eq!(describe(&IoError::from_raw_os_error(21)), "is a directory");
        }
        // Text of our own is kept as written.
        let own = IoError::other("it is a symbolic link: give the file itself");
        assert_eq!(
            describe(&own),
            "it is a symbolic link: give the file itself"
        );
        assert_eq!(describe(&IoError::other("I/O error")), "I/O error");
    }

    #[derive(Debug, thiserror::Error)]
    #[error("{path}: {source}")]
    struct AtPath {
        path: String,
        source: IoError,
    }

    #[cfg(unix)]
    #[test]
    fn a_chain_says_each_thing_once_and_in_plain_words() {
        let at_path = AtPath {
            path: "nodir/leads.db".into(),
            source: IoError::from_raw_os_error(20),
        };
        let error = anyhow::Error::new(at_path).context("cannot open the store nodir/leads.db");
        assert_eq!(
            describe_chain(error.as_ref()),
            "cannot open the store nodir/leads.db: nodir/leads.db: not a directory"
        );
        let error = anyhow::Error::new(csv::Error::from(IoError::from_raw_os_error(28)))
            .context("cannot write out.csv");
        assert_eq!(
            describe_chain(error.as_ref()),
            "cannot write out.csv: no space left on device"
        );
        let error = anyhow::Error::new(IoError::from_raw_os_error(2));
        assert_eq!(describe_chain(error.as_ref()), "no such file or directory");
    }
}
