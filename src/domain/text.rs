//! Text from strangers, made safe and tidy for a terminal.

use std::borrow::Cow;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The one escape for text that came from a file or a user and goes to a terminal (tables,
/// stderr messages, the inbox): control characters (escape sequences included), bidi
/// controls and other invisible format characters are shown visibly escaped (`\e`,
/// `\u{202e}`), never raw. Machine formats (JSON, CSV) carry the text exactly instead.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{1b}' => out.push_str("\\e"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Characters a terminal must not receive raw: C0 and C1 controls and DEL; the line and
/// paragraph separators; and the format characters (Unicode category Cf), which are
/// invisible and can reorder a line (bidi embeddings, overrides and isolates, the marks
/// U+200E/U+200F/U+061C), hide text (zero-width space, word joiner, tags) or shift columns.
/// The zero-width joiner and non-joiner stay: names in Persian and the Indic scripts and
/// emoji sequences need them, and they neither reorder nor hide anything.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{600}'..='\u{605}'
                | '\u{61c}'
                | '\u{6dd}'
                | '\u{70f}'
                | '\u{890}'..='\u{891}'
                | '\u{8e2}'
                | '\u{180e}'
                | '\u{200b}'
                | '\u{200e}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{110bd}'
                | '\u{110cd}'
                | '\u{13430}'..='\u{1343f}'
                | '\u{1bca0}'..='\u{1bca3}'
                | '\u{1d173}'..='\u{1d17a}'
                | '\u{e0001}'
                | '\u{e0020}'..='\u{e007f}'
        )
}

/// Like [`printable`], but keeps line breaks (for multi-line notes).
pub fn printable_multiline(s: &str) -> String {
    s.split('\n')
        .map(|line| printable(line.trim_end_matches('\r')).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Notes that are JSON (AppSource URL parameters) read better pretty-printed.
pub fn pretty_notes(notes: &str) -> String {
    let trimmed = notes.trim();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(trimmed) {
            if let Ok(pretty) = serde_json::to_string_pretty(&value) {
                return pretty;
            }
        }
    }
    notes.to_string()
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

/// Cuts `s` to at most `width` terminal columns by its start, beginning with `…` when cut: a
/// path keeps its file name.
pub fn truncate_start(s: &str, width: usize) -> Cow<'_, str> {
    if s.width() <= width {
        return Cow::Borrowed(s);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let mut kept = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        kept.push(c);
        used += w;
    }
    kept.push('…');
    Cow::Owned(kept.into_iter().rev().collect())
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
    fn truncating_by_the_start_keeps_the_end() {
        assert_eq!(
            truncate_start("/home/ana/leads.db", 30),
            "/home/ana/leads.db"
        );
        assert_eq!(truncate_start("/home/ana/leads.db", 10), "…/leads.db");
        assert_eq!(truncate_start("/data/山田/leads.db", 11), "…/leads.db");
        assert_eq!(truncate_start("abc", 0), "");
        assert_eq!(truncate_start("abcd", 1), "…");
    }

    #[test]
    fn escapes_control_characters() {
        assert_eq!(printable("Ana\u{1b}[31mRed"), "Ana\\e[31mRed");
        assert_eq!(printable("a\nb\u{7}"), "a\\nb\\u{7}");
        assert!(matches!(printable("Müller"), Cow::Borrowed(_)));
    }

    #[test]
    fn escapes_bidi_and_invisible_format_characters() {
        assert_eq!(printable("Ana\u{202e}nimda"), "Ana\\u{202e}nimda");
        let hidden = [
            '\u{202a}',
            '\u{202b}',
            '\u{202c}',
            '\u{202d}',
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}',
            '\u{200e}',
            '\u{200f}',
            '\u{61c}',
            '\u{200b}',
            '\u{2060}',
            '\u{feff}',
            '\u{ad}',
            '\u{2028}',
            '\u{2029}',
            '\u{e0041}',
            '\u{9b}',
            '\u{7f}',
        ];
        for c in hidden {
            let shown = printable(&format!("a{c}b")).into_owned();
            assert_eq!(
                shown,
                format!("a\\u{{{:x}}}b", c as u32),
                "U+{:04X}",
                c as u32
            );
        }
        // Joiners are part of names and emoji; letters of every script stay as they are.
        for kept in [
            "می\u{200c}خواهم",
            "👩\u{200d}💻",
            "שלום",
            "مرحبا",
            "山田 陽菜",
        ] {
            assert!(matches!(printable(kept), Cow::Borrowed(_)), "{kept}");
        }
    }

    #[test]
    fn an_osc_52_clipboard_write_comes_out_inert() {
        let shown = printable("\u{1b}]52;c;aGk=\u{7}\u{1b}[2J");
        assert_eq!(shown, "\\e]52;c;aGk=\\u{7}\\e[2J");
        assert!(!shown.chars().any(|c| c.is_control()));
    }

    #[test]
    fn widths_count_columns_not_bytes() {
        assert_eq!(fit("山田 陽菜", 6), "山田 …");
        assert_eq!(fit("山田", 6), "山田  ");
        assert_eq!(fit("Müller", 8), "Müller  ");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }
}
