//! What a search matches: every word the rep typed must begin a word of the lead's name,
//! email, phone, company, offer or notes, whatever the letter case and accents; `#123` is
//! lead 123. The store's search index and its row-by-row check both follow this rule, so
//! results never depend on which one served.
//!
//! A word is a run of letters and digits, folded ([`fold`]): Müller, MÜLLER and muller are
//! one word. A number written in groups, as phone numbers are, is one word: its digits
//! joined ([`each_word`]), so that `+1 (425) 555-0100` is found by 4255550100.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// What a rep's search text asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// `#123`, and nothing else: the lead with that id, alone.
    Lead(i64),
    /// The leads with, for each of these words, a word it begins. None: nothing matches
    /// (only punctuation was typed).
    Words(Vec<String>),
}

/// Reads a search text: `#` and digits (spaces around them aside) ask for one lead by its
/// id, as the inbox and `list` show it; anything else is words ([`words`]).
pub fn query(text: &str) -> Query {
    if let Some(digits) = text.trim().strip_prefix('#') {
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            // Too many digits for an id: no lead has it.
            return digits.parse().map_or(Query::Words(Vec::new()), Query::Lead);
        }
    }
    Query::Words(words(text))
}

/// The words of `text`, in order (see [`each_word`]): a query is split as the fields it
/// looks in, so a phone number typed in groups is looked for as its digits joined.
pub fn words(text: &str) -> Vec<String> {
    let mut all = Vec::new();
    each_word(text, &mut String::new(), |w| all.push(w.to_string()));
    all
}

/// Digits at most in one number (an E.164 number has at most 15, and an extension may
/// follow): a group that would pass it starts another number, so a word stays short
/// whatever a file holds.
const NUMBER_DIGITS: usize = 20;

/// Calls `found` with each word of `text`, folded in `scratch` ([`fold`]): the index files
/// a million leads' words without a string for each.
///
/// Groups of ASCII digits separated only by spaces and `-./()` are one number, and one
/// word: its digits joined, without the first group when the number starts with `+` (the
/// country code), as a rep dials it within the country. `+1 (425) 555-0100` and
/// `425-555-0100` are both 4255550100, found by 4255550100, 425 555 or 425-555-01 as
/// typed; a date in notes, 2026-11-20, is 20261120. A number is found from its start only:
/// 555 0100 does not find it. One word and no more: phones are in most leads, and each
/// word of theirs is one the index keeps for few leads, which costs the import most.
pub fn each_word(text: &str, scratch: &mut String, mut found: impl FnMut(&str)) {
    // The digit groups that may still be one number: their byte span in `text`, and their
    // digits.
    let mut number: Option<(usize, usize, usize)> = None;
    for word in text.split(|c: char| !is_word_char(c)) {
        if word.is_empty() {
            continue;
        }
        // (`split` yields slices of `text`: the address difference is the word's offset.)
        let start = word.as_ptr() as usize - text.as_ptr() as usize;
        if word.as_bytes()[0].is_ascii_digit() && word.bytes().all(|b| b.is_ascii_digit()) {
            let end = start + word.len();
            if let Some((first, last, digits)) = number {
                if digits + word.len() <= NUMBER_DIGITS
                    && text[last..start].chars().all(joins_digits)
                {
                    number = Some((first, end, digits + word.len()));
                    continue;
                }
                file_number(text, first, last, scratch, &mut found);
            }
            number = Some((start, end, word.len()));
            continue;
        }
        if let Some((first, last, _)) = number.take() {
            file_number(text, first, last, scratch, &mut found);
        }
        fold(word, scratch);
        // (Accents alone fold to nothing: no word.)
        if !scratch.is_empty() {
            found(scratch);
        }
    }
    if let Some((first, last, _)) = number {
        file_number(text, first, last, scratch, &mut found);
    }
}

/// Files the number `text[first..last]` (digit groups and what joins them) as its digits,
/// less a country code.
fn file_number(
    text: &str,
    first: usize,
    last: usize,
    scratch: &mut String,
    found: &mut impl FnMut(&str),
) {
    let number = &text[first..last];
    let national = match number.bytes().position(|b| !b.is_ascii_digit()) {
        Some(code_end) if text[..first].ends_with('+') => &number[code_end..],
        _ => number,
    };
    scratch.clear();
    scratch.extend(national.chars().filter(char::is_ascii_digit));
    found(scratch);
}

/// A character of a word: a letter or digit, or a mark on one (an accent written as a
/// character of its own, as macOS names are).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || (!c.is_ascii() && is_combining_mark(c))
}

/// What may stand between the digit groups of one phone number.
fn joins_digits(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '-' | '.' | '/' | '(' | ')')
}

/// Folds a word (letters, digits, marks) into `out`, replacing what it held: lower case,
/// without accents, compatibility forms as their plain letters (ﬁ as fi, full-width Ａ as
/// a). Müller, MÜLLER and muller are all muller; Ångström is angstrom, ß is ss. Only the
/// accents of the Latin, Greek and Cyrillic scripts go (the Combining Diacritical Marks
/// blocks): the vowel signs of Indic scripts and the voicing marks of kana are part of
/// their letters and stay. Folding a folded word changes nothing.
///
/// ASCII, most of what is imported, is only lower-cased: no decomposition, no allocation.
pub fn fold(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
        return;
    }
    // NFKD: each letter followed by its accents (é as e and U+0301), compatibility forms
    // as what they stand for.
    for c in word.nfkd().filter(|c| !is_accent(*c)) {
        // Char by char: `str::to_lowercase` would make a final Σ into ς, and ς is σ here.
        for lower in c.to_lowercase() {
            match lower {
                // Letters with no decomposition, as a keyboard without them types them.
                'ß' => out.push_str("ss"),
                'æ' => out.push_str("ae"),
                'œ' => out.push_str("oe"),
                'þ' => out.push_str("th"),
                'ø' => out.push('o'),
                'đ' | 'ð' => out.push('d'),
                'ł' => out.push('l'),
                'ı' => out.push('i'),
                'ς' => out.push('σ'),
                // A compatibility form may hold what is no part of a word (½ is 1⁄2): it
                // leaves, so a folded word is still one word.
                c if is_word_char(c) => out.push(c),
                _ => {}
            }
        }
    }
}

/// The accents [`fold`] drops: the Combining Diacritical Marks blocks.
fn is_accent(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// True when every query word begins some word of some field (words as [`each_word`]
/// files them).
pub fn matches<'a>(query: &[String], fields: impl IntoIterator<Item = &'a str>) -> bool {
    let mut found = vec![false; query.len()];
    let mut scratch = String::new();
    for field in fields {
        each_word(field, &mut scratch, |word| {
            for (q, hit) in query.iter().zip(found.iter_mut()) {
                *hit = *hit || word.starts_with(q.as_str());
            }
        });
        if found.iter().all(|hit| *hit) {
            return true;
        }
    }
    found.iter().all(|hit| *hit)
}

/// The words a lead is found by: each distinct word of its searchable fields, in order.
/// The index keeps one list of leads per such word; a query word then reads the lists of the
/// index words it begins. (The index files them word by word with [`each_word`]; this list
/// is the tests' reference for what it must file.)
#[cfg(test)]
pub fn index_words<'a>(fields: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut all: Vec<String> = fields.into_iter().flat_map(words).collect();
    all.sort_unstable();
    all.dedup();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(word: &str) -> String {
        let mut out = String::new();
        fold(word, &mut out);
        out
    }

    #[test]
    fn words_split_like_the_index() {
        assert_eq!(words("Chen Wei"), ["chen", "wei"]);
        assert_eq!(
            words("  o'brien@fabrikam.io "),
            ["o", "brien", "fabrikam", "io"]
        );
        assert_eq!(words("山田 陽菜"), ["山田", "陽菜"]);
        assert!(words(" - ").is_empty());
    }

    #[test]
    fn every_word_must_begin_a_word() {
        let q = words("chen wei");
        assert!(matches(&q, ["Chen", "Wei"]));
        assert!(matches(&q, ["Wei Chen"]));
        assert!(!matches(&q, ["Chen", "Li"]));
        assert!(matches(&words("fab"), ["priya.raman@fabrikam.io"]));
        assert!(!matches(&words("rikam"), ["Fabrikam"]));
        assert!(matches(&words("MÜL"), ["Jürgen Müller"]));
        assert!(matches(&words("mul"), ["Jürgen Müller"]));
        assert!(matches(&words("山"), ["山田"]));
    }

    #[test]
    fn case_and_accents_fold_away() {
        for (word, want) in [
            ("Müller", "muller"),
            ("MÜLLER", "muller"),
            ("Zoë", "zoe"),
            ("José", "jose"),
            ("Ångström", "angstrom"),
            ("Straße", "strasse"),
            ("STRASSE", "strasse"),
            ("Søren", "soren"),
            ("Yılmaz", "yilmaz"),
            ("Łódź", "lodz"),
            ("Æsir", "aesir"),
            ("ΟΔΟΣ", "οδοσ"),
            ("οδός", "οδοσ"),
            ("İI", "ii"),
            ("ＡＢＣ１２", "abc12"),
            ("ﬁnance", "finance"),
        ] {
            assert_eq!(folded(word), want, "{word}");
        }
        // An accent written as a character of its own is part of the word.
        assert_eq!(words("Mu\u{308}ller Zoe\u{308}"), ["muller", "zoe"]);
        assert_eq!(words("ABC-Ünïcode"), ["abc", "unicode"]);
    }

    #[test]
    fn other_scripts_keep_their_marks() {
        // Devanagari vowel signs and virama, kana voicing: letters there, not accents.
        assert_eq!(words("हिन्दी"), ["हिन्दी"]);
        assert_ne!(folded("ガ"), folded("カ"));
        assert_eq!(folded("ｶﾞ"), folded("ガ"));
        assert_eq!(words("山田 陽菜"), ["山田", "陽菜"]);
    }

    #[test]
    fn folding_twice_is_folding_once() {
        let mut once = String::new();
        let mut twice = String::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let word = c.to_string();
            if !is_word_char(c) {
                continue;
            }
            fold(&word, &mut once);
            fold(&once, &mut twice);
            assert_eq!(once, twice, "U+{:04X}", c as u32);
            assert!(once.chars().all(is_word_char), "U+{:04X}", c as u32);
        }
    }

    proptest::proptest! {
        #[test]
        fn folding_is_idempotent(text in "\\PC{0,12}") {
            for word in text.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty()) {
                let once = folded(word);
                proptest::prop_assert_eq!(folded(&once), once.clone());
                // A folded word is one word (or none: accents alone), and its own words.
                let own: Vec<String> = words(&once);
                proptest::prop_assert_eq!(own, [once].into_iter().filter(|w| !w.is_empty()).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn a_number_in_groups_is_one_word_of_its_digits() {
        let phone = "+1 (425) 555-0100";
        assert_eq!(words(phone), ["4255550100"]);
        assert_eq!(words("425-555-0100"), ["4255550100"]);
        assert_eq!(words("+49 30 5550 1234"), ["3055501234"]);
        assert_eq!(
            words("+14255550100"),
            ["14255550100"],
            "no group to leave out"
        );
        for typed in [
            "4255550100",
            "425",
            "425 555",
            "425-555-01",
            "(425) 555-0100",
            "+1 425 555 0100",
            "+1 4",
        ] {
            assert!(matches(&words(typed), [phone]), "{typed}");
        }
        for typed in ["14255550100", "5550100", "0100", "555 0100", "0100 425"] {
            assert!(!matches(&words(typed), [phone]), "{typed}");
        }
        // Groups next to words, or joined by other punctuation, stay apart.
        assert_eq!(
            words("call 425.555.0100, ext 12 on 2026-11-20 at 12:30"),
            [
                "call",
                "4255550100",
                "ext",
                "12",
                "on",
                "20261120",
                "at",
                "12",
                "30"
            ]
        );
        assert_eq!(words("room 2b 14"), ["room", "2b", "14"]);
    }

    #[test]
    fn a_long_run_of_numbers_starts_again_past_twenty_digits() {
        let filed = words("1234567890 1234567890 12");
        assert_eq!(filed, ["12345678901234567890", "12"]);
        let filed = words(&"1 ".repeat(10_000));
        assert_eq!(filed.len(), 500);
        assert!(filed.iter().all(|w| w.len() == NUMBER_DIGITS));
    }

    #[test]
    fn a_hash_and_digits_ask_for_one_lead() {
        assert_eq!(query("#123"), Query::Lead(123));
        assert_eq!(query(" #7 "), Query::Lead(7));
        assert_eq!(query("#99999999999999999999999"), Query::Words(Vec::new()));
        assert_eq!(query("#12a"), Query::Words(words("12a")));
        assert_eq!(query("#123 müller"), Query::Words(words("123 muller")));
        assert_eq!(query("# 123"), Query::Words(words("123")));
        assert_eq!(query("#"), Query::Words(Vec::new()));
        assert_eq!(query("Zoë"), Query::Words(vec!["zoe".into()]));
    }

    #[test]
    fn a_lead_is_indexed_under_each_distinct_word_once() {
        assert_eq!(
            index_words(["Chen Wei", "wei.chen@Contoso.example", "Contoso"]),
            ["chen", "contoso", "example", "wei"]
        );
        assert!(index_words(["", " - "]).is_empty());
    }
}
