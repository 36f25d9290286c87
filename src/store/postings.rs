//! The search index: for each word, the ids of the leads that contain it.
//!
//! A list is stored as varint deltas of ascending ids, in chunks: each import adds one chunk
//! per word it brings, and ids only grow, so a word's chunks read in order are its list in
//! order. Lists are built in memory while an import writes its leads and stored at commit,
//! in word order (appending to the table's B-tree, never inserting into its middle).

use foldhash::HashMap;

use crate::domain::search;

/// The lists of one import, while it runs. Leads are filed under a key that only has to
/// ascend (the importer's record number: the parser does not know the ids the store will
/// give); [`PostingsBuilder::into_sorted`] turns keys into ids.
#[derive(Default)]
pub struct PostingsBuilder {
    // foldhash: faster than the standard SipHash on short words, and like it seeded at
    // random per map, so a file's words cannot be chosen to collide.
    lists: HashMap<String, List>,
    bytes: usize,
    scratch: String,
}

struct List {
    last: i64,
    leads: u64,
    deltas: Vec<u8>,
}

impl PostingsBuilder {
    /// Files the lead with `key` under each distinct word of its `fields` (the words of
    /// `search::index_words`). Keys must come in ascending order.
    pub fn add<'a>(&mut self, key: i64, fields: impl IntoIterator<Item = &'a str>) {
        let mut scratch = std::mem::take(&mut self.scratch);
        for field in fields {
            search::each_word(field, &mut scratch, |word| self.file(key, word));
        }
        self.scratch = scratch;
    }

    fn file(&mut self, key: i64, word: &str) {
        let list = match self.lists.get_mut(word) {
            Some(list) => list,
            None => {
                // The word, the map's slot and the list's header.
                self.bytes += word.len() + 80;
                self.lists.entry(word.to_string()).or_insert(List {
                    last: 0,
                    leads: 0,
                    deltas: Vec::new(),
                })
            }
        };
        if list.last == key {
            // A word the lead has more than once.
            return;
        }
        debug_assert!(key > list.last, "keys are added in ascending order");
        let before = list.deltas.len();
        push_varint(&mut list.deltas, (key - list.last) as u64);
        self.bytes += list.deltas.len() - before;
        list.last = key;
        list.leads += 1;
    }

    /// About how much memory the lists take.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }

    /// The lists in word order, as (word, number of leads, encoded ids), with each key
    /// replaced by `id_of(key)`: ascending with the keys, or `None` for a lead not stored
    /// (a duplicate). Words left with no lead are dropped.
    pub fn into_sorted(self, id_of: impl Fn(i64) -> Option<i64>) -> Vec<(String, u64, Vec<u8>)> {
        let mut keys = Vec::new();
        let mut lists: Vec<_> = self
            .lists
            .into_iter()
            .filter_map(|(word, list)| {
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
        lists.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        lists
    }
}

fn push_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
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
        let mut builder = PostingsBuilder::default();
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
        let mut builder = PostingsBuilder::default();
        builder.add(1, fields);
        let lists = builder.into_sorted(Some);
        let filed: Vec<&str> = lists.iter().map(|(w, _, _)| w.as_str()).collect();
        assert_eq!(filed, search::index_words(fields));
        assert!(lists.iter().all(|(_, leads, _)| *leads == 1));
    }

    #[test]
    fn keys_become_ids_and_leads_not_stored_leave_their_lists() {
        let mut builder = PostingsBuilder::default();
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
    fn a_cut_chunk_yields_the_ids_before_the_cut() {
        let mut builder = PostingsBuilder::default();
        builder.add(5, ["a"]);
        builder.add(1000, ["a"]);
        let (_, _, bytes) = builder.into_sorted(Some).remove(0);
        let mut ids = Vec::new();
        decode_into(&bytes[..bytes.len() - 1], &mut ids);
        assert_eq!(ids, [5]);
    }
}
