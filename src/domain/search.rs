//! What a search matches: every word the rep typed must begin a word of the lead's name,
//! email, company, offer or notes, whatever the letter case. The store's search index and
//! its row-by-row check both follow this rule, so results never depend on which one served.

/// Lower-case words: runs of letters and digits. The search index files a lead under its
/// words (see [`each_word`]) and a query is split the same way.
pub fn words(text: &str) -> Vec<String> {
    let mut all = Vec::new();
    each_word(text, &mut String::new(), |w| all.push(w.to_string()));
    all
}

/// Calls `found` with each word of `text` as [`words`] splits it, lower-cased in `scratch`:
/// the index files a million leads' words without a string for each.
pub fn each_word(text: &str, scratch: &mut String, mut found: impl FnMut(&str)) {
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        scratch.clear();
        if word.is_ascii() {
            scratch.push_str(word);
            scratch.make_ascii_lowercase();
        } else {
            // `str::to_lowercase`, not char by char: a final sigma lowers differently.
            scratch.push_str(&word.to_lowercase());
        }
        found(scratch);
    }
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
    fn words_lower_case_like_str_to_lowercase() {
        assert_eq!(words("ΟΔΟΣ Straße İI"), ["οδος", "straße", "i̇i"]);
        assert_eq!(words("ABC-Ünïcode"), ["abc", "ünïcode"]);
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
