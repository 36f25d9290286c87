//! Text from strangers, made safe and tidy for a terminal.

use std::borrow::Cow;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Control characters (escape sequences included) shown visibly escaped, never raw.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{1b}' => out.push_str("\\e"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Like [`printable`], but keeps line breaks (for multi-line notes).
pub fn printable_multiline(s: &str) -> String {
    s.split('\n')
        .map(|line| printable(line.trim_end_matches('\r')).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Cuts `s` to at most `width` terminal columns, ending with `…` when cut.
pub fn truncate(s: &str, width: usize) -> Cow<'_, str> {
    if s.width() <= width {
        return Cow::Borrowed(s);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

/// `s` cut or padded with spaces to exactly `width` columns.
pub fn fit(s: &str, width: usize) -> String {
    let cut = truncate(s, width);
    let pad = width.saturating_sub(cut.width());
    format!("{cut}{}", " ".repeat(pad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_control_characters() {
        assert_eq!(printable("Ana\u{1b}[31mRed"), "Ana\\e[31mRed");
        assert_eq!(printable("a\nb\u{7}"), "a\\nb\\u{7}");
        assert!(matches!(printable("Müller"), Cow::Borrowed(_)));
    }

    #[test]
    fn widths_count_columns_not_bytes() {
        assert_eq!(fit("山田 陽菜", 6), "山田 …");
        assert_eq!(fit("山田", 6), "山田  ");
        assert_eq!(fit("Müller", 8), "Müller  ");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }
}
