//! What a search matches: every word the rep typed must begin a word of the lead's name,
//! email, company, offer or notes, whatever the letter case. The store's full-text index and
//! its row-by-row check both follow this rule, so results never depend on which one served.

/// Lower-case words: runs of letters and digits, as the full-text index splits text.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// True when every query word begins some word of some field.
pub fn matches<'a>(query: &[String], fields: impl IntoIterator<Item = &'a str> + Clone) -> bool {
    query.iter().all(|q| {
        fields.clone().into_iter().any(|field| {
            field
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| !w.is_empty() && starts_with_folded(w, q))
        })
    })
}

/// `word` (any case) starts with `prefix` (already lower case).
fn starts_with_folded(word: &str, prefix: &str) -> bool {
    let mut word = word.chars().flat_map(char::to_lowercase);
    prefix.chars().all(|p| word.next() == Some(p))
}

/// The full-text query for the words: each a quoted prefix, all required.
pub fn fts_query(query: &[String]) -> String {
    query
        .iter()
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(matches(&words("山"), ["山田"]));
    }

    #[test]
    fn fts_queries_quote_each_word() {
        assert_eq!(fts_query(&words("chen wei")), r#""chen"* "wei"*"#);
    }
}
