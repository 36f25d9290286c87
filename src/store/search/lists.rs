//! The search index's lists: for each word, the ids of the leads that contain it.
//!
//! A list is stored as varint deltas of ascending ids, in chunks: each import adds one chunk
//! per word it brings, and ids only grow, so a word's chunks read in order are its list in
//! order. Lists are built in memory while an import writes its leads and stored at commit,
//! in word order (appending to the table's B-tree, never inserting into its middle).

use foldhash::HashMap;

use crate::domain::search;

/// The lists of one import, while it runs. Leads are filed under a key that only has to
/// ascend (the importer's record number: the parser does not know the ids the store will
/// give); [`SearchLists::into_sorted`] turns keys into ids.
#[derive(Default)]
pub struct SearchLists {
    /// Each word's list, by the word's number.
    lists: Vec<List>,
    // foldhash: faster than the standard SipHash on short words, and like it seeded at
    // random per map, so a file's words cannot be chosen to collide.
    numbers: HashMap<String, u32>,
    /// By field position: the word numbers of values met before.
    fields: Vec<FieldWords>,
    bytes: usize,
    scratch: String,
    found: Vec<u32>,
}

#[derive(Default)]
struct List {
    last: i64,
    leads: u64,
    deltas: Vec<u8>,
}

/// The words of one field's values, remembered while they repeat: offers, companies and
/// first names come back lead after lead, and one lookup of the value then replaces
/// splitting it and looking up each word. A field whose values seldom repeat (emails) stops
/// being remembered.
#[derive(Default)]
struct FieldWords {
    words: HashMap<String, Box<[u32]>>,
    lookups: u32,
    hits: u32,
    off: bool,
}

impl FieldWords {
    /// Lookups after which a field's share of repeats decides whether it stays remembered.
    const TRIAL: u32 = 4096;
}

impl SearchLists {
    /// Files the lead with `key` under each distinct word of its `fields` (the words of
    /// `search::index_words`), given in the same order for every lead. Keys must come in
    /// ascending order.
    pub fn add<'a>(&mut self, key: i64, fields: impl IntoIterator<Item = &'a str>) {
        for (position, field) in fields.into_iter().enumerate() {
            if !field.is_empty() {
                self.add_field(key, position, field);
            }
        }
    }

    fn add_field(&mut self, key: i64, position: usize, field: &str) {
        if self.fields.len() <= position {
            self.fields.resize_with(position + 1, FieldWords::default);
        }
        let remembered = &mut self.fields[position];
        if !remembered.off {
            remembered.lookups += 1;
            if let Some(numbers) = remembered.words.get(field) {
                remembered.hits += 1;
                for &number in numbers.iter() {
                    file(&mut self.lists[number as usize], key, &mut self.bytes);
                }
                return;
            }
            if remembered.lookups >= FieldWords::TRIAL && remembered.hits * 2 < remembered.lookups {
                remembered.off = true;
                remembered.words = HashMap::default();
            }
        }
        let (mut scratch, mut found) = (
            std::mem::take(&mut self.scratch),
            std::mem::take(&mut self.found),
        );
        found.clear();
        search::each_word(field, &mut scratch, |word| {
            let number = self.number(word);
            file(&mut self.lists[number as usize], key, &mut self.bytes);
            found.push(number);
        });
        let remembered = &mut self.fields[position];
        if !remembered.off {
            // The value, its numbers and the map's slot.
            self.bytes += field.len() + 4 * found.len() + 48;
            remembered
                .words
                .insert(field.to_string(), found.as_slice().into());
        }
        (self.scratch, self.found) = (scratch, found);
    }

    /// The number of a word, given when it is first met.
    fn number(&mut self, word: &str) -> u32 {
        if let Some(&number) = self.numbers.get(word) {
            return number;
        }
        let number = self.lists.len() as u32;
        // The word, the map's slot and the list's header.
        self.bytes += word.len() + 80;
        self.numbers.insert(word.to_string(), number);
        self.lists.push(List::default());
        number
    }

    /// About how much memory the lists take.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn is_empty(&self) -> bool {
        self.numbers.is_empty()
    }

    /// The lists in word order, as (word, number of leads, encoded ids), with each key
    /// replaced by `id_of(key)`: ascending with the keys, or `None` for a lead not stored
    /// (a duplicate). Words left with no lead are dropped.
    pub fn into_sorted(self, id_of: impl Fn(i64) -> Option<i64>) -> Vec<(String, u64, Vec<u8>)> {
        let mut keys = Vec::new();
        let mut lists = self.lists;
        let mut sorted: Vec<_> = self
            .numbers
            .into_iter()
            .filter_map(|(word, number)| {
                let list = std::mem::take(&mut lists[number as usize]);
                keys.clear();
                decode_into(&list.deltas, &mut keys);
                let mut deltas = Vec::with_capacity(list.deltas.len());
                let (mut last, mut leads) = (0, 0);
                for id in keys.iter().filter_map(|k| id_of(*k)) {
                    push_varint(&mut deltas, (id - last) as u64);
                    last = id;
                    leads += 1;
                }
                (leads > 0).then_some((word, leads, deltas))
            })
            .collect();
        sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        sorted
    }
}

/// Adds the lead with `key` to a word's list, once however often the lead has the word.
fn file(list: &mut List, key: i64, bytes: &mut usize) {
    if list.last == key {
        return;
    }
    debug_assert!(key > list.last, "keys are added in ascending order");
    let before = list.deltas.len();
    push_varint(&mut list.deltas, (key - list.last) as u64);
    *bytes += list.deltas.len() - before;
    list.last = key;
    list.leads += 1;
}

fn push_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Encodes ascending ids as one stored chunk (the inverse of [`decode_into`]).
pub fn encode(ids: &[i64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ids.len() * 2);
    let mut last = 0;
    for &id in ids {
        push_varint(&mut out, (id - last) as u64);
        last = id;
    }
    out
}

/// Appends the ids of one stored chunk to `out`. A damaged chunk yields the ids before the
/// damage: the row-by-row check still runs on everything the index returns.
pub fn decode_into(bytes: &[u8], out: &mut Vec<i64>) {
    let mut id = 0i64;
    let mut value = 0u64;
    let mut shift = 0u32;
    for &byte in bytes {
        if shift >= 64 {
            return;
        }
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            id = id.wrapping_add(value as i64);
            out.push(id);
            value = 0;
            shift = 0;
        } else {
            shift += 7;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_round_trip_through_their_encoding() {
        let mut builder = SearchLists::default();
        builder.add(3, ["Chen", "contoso CONTOSO"]);
        builder.add(200, ["contoso"]);
        builder.add(1 << 40, ["contoso", "wei"]);
        let lists = builder.into_sorted(Some);
        let names: Vec<&str> = lists.iter().map(|(w, _, _)| w.as_str()).collect();
        assert_eq!(names, ["chen", "contoso", "wei"]);
        let (_, leads, bytes) = &lists[1];
        assert_eq!(*leads, 3);
        let mut ids = Vec::new();
        decode_into(bytes, &mut ids);
        assert_eq!(ids, [3, 200, 1 << 40]);
        // 3, then +197 (two bytes), then a large delta.
        assert_eq!(bytes[..3], [3, 197 | 0x80, 1]);
    }

    #[test]
    fn a_lead_is_filed_under_the_words_of_index_words() {
        let fields = [
            "Chen Wei",
            "wei.chen@Contoso.example",
            "ΟΔΟΣ Straße",
            "Contoso",
        ];
        let mut builder = SearchLists::default();
        builder.add(1, fields);
        let lists = builder.into_sorted(Some);
        let filed: Vec<&str> = lists.iter().map(|(w, _, _)| w.as_str()).collect();
        assert_eq!(filed, search::index_words(fields));
        assert!(lists.iter().all(|(_, leads, _)| *leads == 1));
    }

    #[test]
    fn keys_become_ids_and_leads_not_stored_leave_their_lists() {
        let mut builder = SearchLists::default();
        builder.add(1, ["dup"]);
        builder.add(2, ["kept", "dup"]);
        builder.add(3, ["kept"]);
        // Record 1 was a duplicate; records 2 and 3 became leads 1001 and 1002.
        let lists = builder.into_sorted(|key| (key > 1).then_some(999 + key));
        assert_eq!(lists.len(), 2);
        let (word, leads, bytes) = &lists[1];
        assert_eq!((word.as_str(), *leads), ("kept", 2));
        let mut ids = Vec::new();
        decode_into(bytes, &mut ids);
        assert_eq!(ids, [1001, 1002]);
        let (word, leads, _) = &lists[0];
        assert_eq!((word.as_str(), *leads), ("dup", 1));
    }

    #[test]
    fn encode_writes_what_the_builder_writes() {
        let ids = [1, 2, 130, 131, 1 << 33];
        let mut builder = SearchLists::default();
        for id in ids {
            builder.add(id, ["word"]);
        }
        let (_, _, built) = builder.into_sorted(Some).remove(0);
        assert_eq!(encode(&ids), built);
        // 1, +1, +128 (two bytes: 0x80 0x01), +1, then a large delta.
        assert_eq!(encode(&ids)[..5], [1, 1, 0x80, 1, 1]);
        assert!(encode(&[]).is_empty());
    }

    #[test]
    fn a_cut_chunk_yields_the_ids_before_the_cut() {
        let mut builder = SearchLists::default();
        builder.add(5, ["a"]);
        builder.add(1000, ["a"]);
        let (_, _, bytes) = builder.into_sorted(Some).remove(0);
        let mut ids = Vec::new();
        decode_into(&bytes[..bytes.len() - 1], &mut ids);
        assert_eq!(ids, [5]);
    }

    /// Remembered values file the same words as values split afresh; a field whose values
    /// seldom repeat stops being remembered, one whose values repeat stays remembered.
    #[test]
    fn remembered_field_values_file_the_same_words() {
        let leads: Vec<[String; 3]> = (0..3 * FieldWords::TRIAL as usize)
            .map(|i| {
                [
                    format!("user{i}@Example.org"),
                    ["Contoso Ltd", "Fabrikam", "contoso"][i % 3].to_string(),
                    if i % 2 == 0 {
                        String::new()
                    } else {
                        "Straße ΟΔΟΣ".into()
                    },
                ]
            })
            .collect();
        let mut builder = SearchLists::default();
        let mut expected: std::collections::BTreeMap<String, Vec<i64>> = Default::default();
        for (i, fields) in leads.iter().enumerate() {
            let key = i as i64 + 1;
            builder.add(key, fields.iter().map(String::as_str));
            for word in search::index_words(fields.iter().map(String::as_str)) {
                expected.entry(word).or_default().push(key);
            }
        }
        assert!(builder.fields[0].off, "unique emails are still remembered");
        assert!(!builder.fields[1].off && !builder.fields[2].off);
        let lists = builder.into_sorted(Some);
        assert_eq!(lists.len(), expected.len());
        for ((word, leads, bytes), (expected_word, keys)) in lists.iter().zip(&expected) {
            let mut ids = Vec::new();
            decode_into(bytes, &mut ids);
            assert_eq!((word, &ids), (expected_word, keys));
            assert_eq!(*leads as usize, keys.len());
        }
    }
}
