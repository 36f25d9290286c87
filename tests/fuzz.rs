//! Fuzzing on stable Rust: each target mutates the seed files under `tests/fuzz/seeds/<target>/`
//! (bit flips, byte and token insertions, cuts, repeats, splices of two seeds, legacy bytes
//! after 64 KiB of ASCII) for a time budget, and checks what must hold for any input:
//!
//! * nothing panics;
//! * an import never fails with a store error, and a file it refuses leaves nothing stored;
//! * every stored lead reads back; no text field holds U+FFFD unless the input did (nothing
//!   was replaced) and its terminal form holds no control, bidi or invisible format character;
//! * importing the same bytes again adds nothing, and refuses what it refused;
//! * the LeadSource parser yields only pieces of its input (or known source names), and the
//!   same for the input trimmed.
//!
//! The budget is `LEADBOX_FUZZ_SECONDS` per target (5 unless set: CI runs these with
//! `--include-ignored`); `LEADBOX_FUZZ_SEED` repeats a run. An input that breaks a rule is
//! written to `target/fuzz-failures/` and fails the test. `tests/fuzz/run.sh` runs every
//! target for ten minutes.

use chrono::{DateTime, Utc};
use leadbox::domain::lead_source;
use leadbox::domain::text::printable;
use leadbox::domain::{Lead, LeadFilter, SortKey};
use leadbox::import::{import_bytes, ImportOptions};
use leadbox::store::{Store, StoreError};
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// xorshift64*: small, and the same sequence for the same seed everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// Pieces that mean something to the parsers, the decoder or a terminal.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b",",
    b";",
    b"\t",
    b"\r\n",
    b"\n",
    b"\r",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"\\",
    b"\\u0000",
    b"\\ud800",
    b"\"\"",
    b"null",
    b"true",
    b"1e999",
    b"-0",
    b"{}",
    b"[]",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\x00",
    b"\x1b[2J",
    b"\x1b]52;c;aGk=\x07",
    b"\xc2\x9b",
    "\u{202e}".as_bytes(),
    "\u{2066}".as_bytes(),
    "\u{200b}".as_bytes(),
    "\u{fffd}".as_bytes(),
    "山田".as_bytes(),
    b"\x8e\x52\x93\x63",
    b"\x81",
    b"\xe9",
    b"\xc3",
    b"\xf0\x9f\x98",
    b"|",
    b"-INS",
    b"-DNC",
    b"AzureMarketplace",
    b"AppSource (SPZA)",
    b"contoso.crm",
    b"\"receivedAt\":\"",
    b"\"email\":\"",
    b"\"userDetails\":{",
    b"\"CustomerInfo\":\"{\\\"FirstName\\\":\\\"x\\\"}\"",
    b"2026-11-20T10:00:00Z",
    b"9999-12-31T23:59:59Z",
    b"12/31/1899 11:59:59 PM",
    b"=HYPERLINK(\"x\")",
    b"Email",
    b"First Name",
    b"Created Date",
];

fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut data = input.to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(data.len() + 1);
        match rng.below(10) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
            1 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] = rng.next() as u8;
            }
            2 | 3 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                data.splice(at..at, token.iter().copied());
            }
            4 if !data.is_empty() => {
                let len = 1 + rng.below(64.min(data.len() - at.min(data.len() - 1)));
                let start = at.min(data.len() - 1);
                data.drain(start..(start + len).min(data.len()));
            }
            5 if !data.is_empty() => {
                // Repeat a piece (long fields, many records).
                let start = rng.below(data.len());
                let end = (start + 1 + rng.below(256)).min(data.len());
                let piece = data[start..end].to_vec();
                for _ in 0..1 + rng.below(16) {
                    data.splice(end..end, piece.iter().copied());
                }
            }
            6 => {
                // The start of this input, the end of another.
                let other = &corpus[rng.below(corpus.len())];
                let from = rng.below(other.len() + 1);
                data.truncate(at);
                data.extend_from_slice(&other[from..]);
            }
            7 if rng.chance(20) => {
                // Past the 64 KiB that first tell the encoding: copies of the second line.
                let second = data
                    .split(|b| *b == b'\n')
                    .nth(1)
                    .filter(|l| !l.is_empty() && l.is_ascii())
                    .map(<[u8]>::to_vec)
                    .unwrap_or_else(|| b"Ana,ana@pad.example".to_vec());
                let first_end = data
                    .iter()
                    .position(|b| *b == b'\n')
                    .map_or(data.len(), |i| i + 1);
                let mut padding = Vec::new();
                while padding.len() < 66 * 1024 {
                    padding.extend_from_slice(&second);
                    padding.push(b'\n');
                }
                data.splice(first_end..first_end, padding);
            }
            _ => {
                let byte = rng.next() as u8;
                data.insert(at, byte);
            }
        }
    }
    data.truncate(256 * 1024);
    data
}

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz/seeds")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let seeds: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert!(!seeds.is_empty(), "no seeds in {}", dir.display());
    seeds
}

/// Runs `check` on every seed, then on mutations of the seeds (and of the inputs that gave
/// an outcome not seen before) until the budget is spent. `check` returns a short summary
/// of the outcome, or what rule the input broke.
fn fuzz(target: &str, check: impl Fn(&[u8], &mut Rng) -> Result<String, String>) {
    let seconds: u64 = std::env::var("LEADBOX_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let seed: u64 = std::env::var("LEADBOX_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        })
        | 1;
    let mut rng = Rng(seed);
    let mut corpus = seeds(target);
    let seeded = corpus.len();
    let mut outcomes = HashSet::new();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut executions = 0u64;
    let mut run = |input: &[u8], rng: &mut Rng| -> Option<String> {
        executions += 1;
        let result = catch_unwind(AssertUnwindSafe(|| check(input, rng)));
        let problem = match result {
            Ok(Ok(outcome)) => return Some(outcome),
            Ok(Err(problem)) => problem,
            Err(panic) => format!(
                "panic: {}",
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            ),
        };
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-failures");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{target}-{seed}-{executions}"));
        std::fs::write(&path, input).unwrap();
        panic!(
            "fuzz {target}: {problem}\n  input: {} (seed {seed}, execution {executions})",
            path.display()
        );
    };
    for input in corpus.clone() {
        if let Some(outcome) = run(&input, &mut rng) {
            outcomes.insert(outcome);
        }
    }
    while Instant::now() < deadline {
        let parent = corpus[rng.below(corpus.len())].clone();
        let input = mutate(&mut rng, &parent, &corpus);
        if let Some(outcome) = run(&input, &mut rng) {
            if outcomes.insert(outcome) && corpus.len() < 4096 {
                corpus.push(input);
            }
        }
    }
    println!(
        "fuzz {target}: {executions} executions in {:.0} s, {} outcomes, corpus {seeded} + {}, seed {seed}: no failure",
        started.elapsed().as_secs_f64(),
        outcomes.len(),
        corpus.len() - seeded
    );
}

/// Characters a terminal must not receive raw (an oracle of its own, not `printable`'s).
fn raw_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200b}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{061c}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{2060}'
                | '\u{feff}'
                | '\u{ad}'
        )
}

fn texts(lead: &Lead) -> Vec<(&'static str, &str)> {
    [
        ("source", &lead.source),
        ("offer", &lead.offer),
        ("offer_name", &lead.offer_name),
        ("lead_source", &lead.lead_source),
        ("first_name", &lead.first_name),
        ("last_name", &lead.last_name),
        ("full_name", &lead.full_name),
        ("email", &lead.email),
        ("phone", &lead.phone),
        ("country", &lead.country),
        ("company", &lead.company),
        ("title", &lead.title),
        ("description", &lead.description),
        ("owner", &lead.owner),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.as_deref().map(|v| (name, v)))
    .collect()
}

fn time(text: &str) -> DateTime<Utc> {
    leadbox::domain::time::parse_time(text).unwrap()
}

/// The rules every import must keep, whatever the bytes.
fn check_import(bytes: &[u8], rng: &mut Rng) -> Result<String, String> {
    let now = time("2026-11-21T18:00:00Z");
    let fallback = time("2026-11-21T12:00:00Z");
    let options = ImportOptions {
        strict: rng.chance(8),
        encoding: match rng.below(16) {
            0 => Some(encoding_rs::SHIFT_JIS),
            1 => Some(encoding_rs::WINDOWS_1252),
            2 => Some(encoding_rs::UTF_8),
            3 => Some(encoding_rs::UTF_16LE),
            _ => None,
        },
        ..ImportOptions::default()
    };
    let mut store = Store::open_in_memory().map_err(|e| format!("open: {e}"))?;
    let import = |store: &mut Store| {
        import_bytes(store, "fuzz.in", bytes, fallback, &options, now)
            .map_err(|e| format!("the import failed with a store error: {e}"))
    };
    let first = import(&mut store)?;
    let all = LeadFilter {
        include_test: true,
        ..LeadFilter::default()
    };
    let mut leads = Vec::new();
    store
        .for_each(&all, SortKey::Received, now, |lead| {
            leads.push(lead);
            Ok::<_, StoreError>(())
        })
        .map_err(|e| format!("the stored leads do not read back: {e}"))?;
    if first.failed.is_some() && !leads.is_empty() {
        return Err(format!(
            "refused ({first}) yet {} leads stored",
            leads.len()
        ));
    }
    if leads.len() as u64 != first.new {
        return Err(format!(
            "{} leads stored, the report says {first}",
            leads.len()
        ));
    }
    let replaced_in_input = bytes.windows(3).any(|w| w == "\u{fffd}".as_bytes())
        || bytes
            .windows(2)
            .any(|w| w == [0xfd, 0xff] || w == [0xff, 0xfd]);
    for lead in &leads {
        for (field, text) in texts(lead) {
            if text.contains('\u{fffd}') && !replaced_in_input {
                return Err(format!(
                    "{field} holds U+FFFD that the input did not: {text:?}"
                ));
            }
            if let Some(c) = printable(text).chars().find(|c| raw_on_terminal(*c)) {
                return Err(format!("{field} shown with U+{:04X} raw", c as u32));
            }
        }
    }
    let again = import(&mut store)?;
    if again.new != 0 {
        return Err(format!("importing it again added leads: {again}"));
    }
    if first.failed.is_some() != again.failed.is_some() {
        return Err(format!("first {first}, then {again}"));
    }
    // The outcome, coarsely: which messages, without their numbers.
    let mut outcome: Vec<String> = first
        .errors
        .iter()
        .map(|e| e.message.clone())
        .chain(first.failed.clone())
        .map(|m| {
            m.chars()
                .filter(|c| !c.is_ascii_digit())
                .take(48)
                .collect::<String>()
        })
        .collect();
    outcome.sort();
    outcome.dedup();
    Ok(format!(
        "{:?} {:?} {} {}",
        first.format,
        first.encoding,
        first.new.min(3),
        outcome.join("|")
    ))
}

#[test]
#[ignore = "fuzzing: run with --include-ignored (CI does), or tests/fuzz/run.sh"]
fn fuzz_lead_source() {
    fuzz("lead_source", |bytes, _| {
        let raw = String::from_utf8_lossy(bytes);
        let parsed = lead_source::parse(&raw);
        let known = leadbox::domain::KNOWN_SOURCES;
        if let Some(source) = &parsed.source {
            if !raw.contains(source.as_str()) && !known.contains(&source.as_str()) {
                return Err(format!("source {source:?} is neither in {raw:?} nor known"));
            }
        }
        for piece in [&parsed.offer_id, &parsed.offer_name].into_iter().flatten() {
            if !raw.contains(piece.as_str()) || !raw.contains('|') {
                return Err(format!("offer {piece:?} is not after a | in {raw:?}"));
            }
        }
        if let Some(id) = &parsed.offer_id {
            if !lead_source::is_offer_id(id) {
                return Err(format!("offer id {id:?} is no offer id"));
            }
        }
        let padded = format!("  {raw}\t");
        if lead_source::parse(&padded) != parsed {
            return Err(format!("{raw:?} and {padded:?} parse differently"));
        }
        let _ = lead_source::normalize_source(&raw);
        Ok(format!(
            "{} {} {} {}",
            parsed.source.is_some(),
            parsed.action.is_some(),
            parsed.offer_id.is_some(),
            parsed.offer_name.is_some()
        ))
    });
}

#[test]
#[ignore = "fuzzing: run with --include-ignored (CI does), or tests/fuzz/run.sh"]
fn fuzz_json_import() {
    fuzz("json", check_import);
}

#[test]
#[ignore = "fuzzing: run with --include-ignored (CI does), or tests/fuzz/run.sh"]
fn fuzz_csv_import() {
    fuzz("csv", check_import);
}
