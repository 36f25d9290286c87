//! Turning a file's bytes into a stream of text the way Excel and friends write it: UTF-8 with
//! or without BOM, UTF-16 with BOM, or a legacy code page (Windows-1252, Shift_JIS...) when the
//! bytes are not UTF-8. The first 64 KiB give a first answer; the text is then checked as it
//! streams, and a file that turns out not to be valid in the encoding read ends there (the
//! import decides again from the whole file, or refuses it: see [`crate::import`]). Nothing
//! is ever replaced or guessed byte by byte, and a file of any size is read in constant memory.

use crate::io_error::describe;
use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8};
use std::io::{BufRead, Cursor, Read};
use std::sync::{Arc, Mutex};

/// How much of the start of a file decides its encoding and format.
const SAMPLE: usize = 64 * 1024;

/// Where the text stopped being valid in the encoding it was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid {
    /// The line (from 1) that holds the first byte sequence the encoding does not allow.
    pub line: u64,
}

/// Set by the reader when it stops at text that is not valid in its encoding.
pub type Stop = Arc<Mutex<Option<Invalid>>>;

/// How the encoding of a file was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chosen {
    /// Given (`--encoding`, or decided from the whole file).
    Given,
    /// Its byte order mark says so.
    Bom,
    /// The first 64 KiB are valid UTF-8.
    Utf8Sample,
    /// A legacy code page guessed from the first 64 KiB, which are not UTF-8.
    LegacySample,
}

/// A file opened as UTF-8 text.
pub struct Opened<'a> {
    /// Valid UTF-8 only: it ends early, with `stop` set, where the file stops being valid.
    pub reader: Box<dyn BufRead + Send + 'a>,
    /// The start of the text, to detect the format and the CSV dialect.
    pub sample: String,
    pub encoding: &'static Encoding,
    pub chosen: Chosen,
    pub stop: Stop,
}

/// Looks up an `--encoding` label such as `windows-1252`, `shift_jis`, `utf-16le`.
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes())
}

pub fn open<'a>(
    mut raw: Box<dyn Read + Send + 'a>,
    given: Option<&'static Encoding>,
) -> Result<Opened<'a>, String> {
    let mut head = Vec::with_capacity(SAMPLE);
    raw.by_ref()
        .take(SAMPLE as u64)
        .read_to_end(&mut head)
        .map_err(|e| format!("cannot read the file: {}", describe(&e)))?;
    let whole = head.len() < SAMPLE;
    let (encoding, bom, chosen) = match given {
        Some(encoding) => (encoding, bom_of(&head, encoding), Chosen::Given),
        None => sniff(&head, whole)?,
    };
    // Only for telling the format and the CSV dialect: the text itself is checked below.
    let (sample, _) = encoding.decode_without_bom_handling(&head[bom..]);
    let sample = sample.into_owned();
    if whole && sample.trim().is_empty() {
        return Err("the file is empty".into());
    }
    let mut rest = Cursor::new(head).chain(raw);
    std::io::copy(&mut rest.by_ref().take(bom as u64), &mut std::io::sink())
        .map_err(|e| format!("cannot read the file: {}", describe(&e)))?;
    let stop = Stop::default();
    let reader = Box::new(Checked::new(rest, encoding, Arc::clone(&stop)));
    Ok(Opened {
        reader,
        sample,
        encoding,
        chosen,
        stop,
    })
}

/// Reads text in `encoding` as UTF-8, checking every byte: at the first sequence the encoding
/// does not allow, it records the line and ends, as if the file ended there.
struct Checked<R> {
    inner: R,
    /// `None` for UTF-8, which is checked where it lies and handed on as it is.
    decoder: Option<encoding_rs::Decoder>,
    raw: Box<[u8]>,
    raw_start: usize,
    raw_end: usize,
    /// UTF-8: `raw[raw_start..ready]` is checked and ready.
    ready: usize,
    /// Other encodings: `text[text_start..text_end]` is decoded and ready.
    text: Box<[u8]>,
    text_start: usize,
    text_end: usize,
    /// Line feeds made ready so far.
    lines: u64,
    eof: bool,
    ended: bool,
    stop: Stop,
}

impl<R: Read> Checked<R> {
    fn new(inner: R, encoding: &'static Encoding, stop: Stop) -> Checked<R> {
        let utf8 = encoding == UTF_8;
        Checked {
            inner,
            decoder: (!utf8).then(|| encoding.new_decoder_without_bom_handling()),
            raw: vec![0; SAMPLE].into_boxed_slice(),
            raw_start: 0,
            raw_end: 0,
            ready: 0,
            text: vec![0; if utf8 { 0 } else { SAMPLE * 3 + 16 }].into_boxed_slice(),
            text_start: 0,
            text_end: 0,
            lines: 0,
            eof: false,
            ended: false,
            stop,
        }
    }

    /// Ends the text here: the next byte is not valid in its encoding, on line `line`.
    fn invalid(&mut self, line: u64) {
        self.ended = true;
        if let Ok(mut stop) = self.stop.lock() {
            stop.get_or_insert(Invalid { line });
        }
    }

    fn read_raw(&mut self) -> std::io::Result<usize> {
        loop {
            match self.inner.read(&mut self.raw[self.raw_end..]) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    fn fill_utf8(&mut self) -> std::io::Result<()> {
        while self.raw_start == self.ready && !self.ended {
            // What is left is the start of a character cut by the last read.
            let tail = self.raw_end - self.ready;
            self.raw.copy_within(self.ready..self.raw_end, 0);
            (self.raw_start, self.ready, self.raw_end) = (0, 0, tail);
            if self.eof {
                if tail > 0 {
                    // The file ends inside a character.
                    self.invalid(self.lines + 1);
                }
                self.ended = true;
                break;
            }
            let n = self.read_raw()?;
            if n == 0 {
                self.eof = true;
                continue;
            }
            self.raw_end += n;
            match std::str::from_utf8(&self.raw[..self.raw_end]) {
                Ok(_) => self.ready = self.raw_end,
                Err(e) => {
                    self.ready = e.valid_up_to();
                    if e.error_len().is_some() {
                        let line = self.lines + newlines(&self.raw[..self.ready]) + 1;
                        self.invalid(line);
                    }
                }
            }
            self.lines += newlines(&self.raw[..self.ready]);
        }
        Ok(())
    }

    fn fill_decoded(&mut self) -> std::io::Result<()> {
        while self.text_start == self.text_end && !self.ended {
            (self.text_start, self.text_end) = (0, 0);
            if self.raw_start == self.raw_end && !self.eof {
                (self.raw_start, self.raw_end) = (0, 0);
                let n = self.read_raw()?;
                self.raw_end = n;
                self.eof = n == 0;
            }
            let Some(decoder) = self.decoder.as_mut() else {
                unreachable!("a decoder for every encoding but UTF-8")
            };
            let (result, read, written) = decoder.decode_to_utf8_without_replacement(
                &self.raw[self.raw_start..self.raw_end],
                &mut self.text,
                self.eof,
            );
            self.raw_start += read;
            self.text_end = written;
            let made = newlines(&self.text[..written]);
            match result {
                DecoderResult::Malformed(_, _) => self.invalid(self.lines + made + 1),
                DecoderResult::InputEmpty if self.eof => self.ended = true,
                DecoderResult::InputEmpty | DecoderResult::OutputFull => {}
            }
            self.lines += made;
        }
        Ok(())
    }
}

fn newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

impl<R: Read> BufRead for Checked<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.decoder.is_none() {
            self.fill_utf8()?;
            Ok(&self.raw[self.raw_start..self.ready])
        } else {
            self.fill_decoded()?;
            Ok(&self.text[self.text_start..self.text_end])
        }
    }

    fn consume(&mut self, amount: usize) {
        if self.decoder.is_none() {
            self.raw_start = (self.raw_start + amount).min(self.ready);
        } else {
            self.text_start = (self.text_start + amount).min(self.text_end);
        }
    }
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

/// What a reading of the whole file tells about its encoding.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    /// The legacy encoding the whole file suggests (never UTF-8).
    pub encoding: &'static Encoding,
    /// The detector rates this encoding above some other; when not, it is likely wrong.
    pub confident: bool,
    /// The first line that is not valid UTF-8.
    pub first_not_utf8: Option<u64>,
    /// The first line with text beyond ASCII that is valid UTF-8.
    pub first_utf8: Option<u64>,
    /// When `encoding` is a single-byte code page (which reads any byte) but the lines that
    /// are valid in a multi-byte one (Shift_JIS, GBK...) read as that one: the file is in
    /// that encoding, damaged from this line on.
    pub damaged: Option<(&'static Encoding, u64)>,
}

/// Reads a whole file, in constant memory, to find its encoding: every byte goes to the
/// detector, and each line is checked as UTF-8 and in the multi-byte code pages.
pub fn detect(mut raw: impl Read) -> std::io::Result<Detected> {
    let mut detector = chardetng::EncodingDetector::new();
    let mut lines = LineCheck::default();
    let mut chunk = vec![0u8; SAMPLE];
    loop {
        let n = match raw.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        detector.feed(&chunk[..n], false);
        lines.feed(&chunk[..n]);
    }
    detector.feed(&[], true);
    lines.end_line();
    let (encoding, confident) = detector.guess_assess(None, false);
    let damaged = if encoding.is_single_byte() {
        lines.multibyte.into_iter().find_map(|mut m| {
            let first_invalid = m.first_invalid?;
            if m.valid == 0 {
                return None;
            }
            m.detector.feed(&[], true);
            (m.detector.guess(None, false) == m.encoding).then_some((m.encoding, first_invalid))
        })
    } else {
        None
    };
    Ok(Detected {
        encoding,
        confident,
        first_not_utf8: lines.first_not_utf8,
        first_utf8: lines.first_utf8,
        damaged,
    })
}

/// The multi-byte code pages a damaged file may be in: a single-byte code page reads any
/// byte, so a file in one of these with a bad line would otherwise be read as, say,
/// Windows-1252, and stored garbled.
const MULTIBYTE: [&Encoding; 5] = [
    encoding_rs::SHIFT_JIS,
    encoding_rs::EUC_JP,
    encoding_rs::EUC_KR,
    encoding_rs::GBK,
    encoding_rs::BIG5,
];

/// Lines longer than this are not judged in the multi-byte code pages (memory stays flat).
const LONGEST_JUDGED: usize = 64 * 1024;

/// How the lines that are not UTF-8 read in one multi-byte code page.
struct Multibyte {
    encoding: &'static Encoding,
    /// Fed the lines valid in `encoding` (with text beyond ASCII).
    detector: chardetng::EncodingDetector,
    valid: u64,
    first_invalid: Option<u64>,
}

/// Tells, line by line, which lines are valid UTF-8 with text beyond ASCII and which are not
/// UTF-8 at all, from chunks cut anywhere.
struct LineCheck {
    /// The line being read, from 0 (reported from 1).
    line: u64,
    /// The start of a character cut at the end of the last chunk.
    pending: Vec<u8>,
    beyond_ascii: bool,
    not_utf8: bool,
    /// The line so far, up to [`LONGEST_JUDGED`] bytes.
    bytes: Vec<u8>,
    too_long: bool,
    first_not_utf8: Option<u64>,
    first_utf8: Option<u64>,
    multibyte: Vec<Multibyte>,
}

impl Default for LineCheck {
    fn default() -> LineCheck {
        LineCheck {
            line: 0,
            pending: Vec::new(),
            beyond_ascii: false,
            not_utf8: false,
            bytes: Vec::new(),
            too_long: false,
            first_not_utf8: None,
            first_utf8: None,
            multibyte: MULTIBYTE
                .iter()
                .map(|&encoding| Multibyte {
                    encoding,
                    detector: chardetng::EncodingDetector::new(),
                    valid: 0,
                    first_invalid: None,
                })
                .collect(),
        }
    }
}

impl LineCheck {
    fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let (segment, rest, line_end) = match memchr::memchr(b'\n', bytes) {
                Some(i) => (&bytes[..i], &bytes[i + 1..], true),
                None => (bytes, &[][..], false),
            };
            self.check(segment);
            if line_end {
                self.end_line();
            }
            bytes = rest;
        }
    }

    fn check(&mut self, segment: &[u8]) {
        if segment.is_empty() {
            return;
        }
        if self.bytes.len() + segment.len() <= LONGEST_JUDGED {
            self.bytes.extend_from_slice(segment);
        } else {
            self.too_long = true;
        }
        let joined;
        let mut data = if self.pending.is_empty() {
            segment
        } else {
            joined = [std::mem::take(&mut self.pending).as_slice(), segment].concat();
            &joined[..]
        };
        loop {
            match std::str::from_utf8(data) {
                Ok(text) => {
                    self.beyond_ascii |= !text.is_ascii();
                    return;
                }
                Err(e) => {
                    let valid = e.valid_up_to();
                    self.beyond_ascii |= !data[..valid].is_ascii();
                    match e.error_len() {
                        Some(bad) => {
                            self.not_utf8 = true;
                            data = &data[valid + bad..];
                        }
                        None => {
                            self.pending = data[valid..].to_vec();
                            return;
                        }
                    }
                }
            }
        }
    }

    fn end_line(&mut self) {
        self.line += 1;
        if !self.pending.is_empty() {
            // A character cut by the end of the line.
            self.not_utf8 = true;
            self.pending.clear();
        }
        if self.not_utf8 {
            self.first_not_utf8.get_or_insert(self.line);
            if !self.too_long {
                self.bytes.push(b'\n');
                for m in &mut self.multibyte {
                    match m
                        .encoding
                        .decode_without_bom_handling_and_without_replacement(&self.bytes)
                    {
                        Some(_) => {
                            m.valid += 1;
                            m.detector.feed(&self.bytes, false);
                        }
                        None => {
                            m.first_invalid.get_or_insert(self.line);
                        }
                    }
                }
            }
        } else if self.beyond_ascii {
            self.first_utf8.get_or_insert(self.line);
        }
        self.beyond_ascii = false;
        self.not_utf8 = false;
        self.too_long = false;
        self.bytes.clear();
    }
}

fn bom_of(bytes: &[u8], encoding: &'static Encoding) -> usize {
    match Encoding::for_bom(bytes) {
        Some((bom_encoding, len)) if bom_encoding == encoding => len,
        _ => 0,
    }
}
/// The encoding of a file from its first bytes, the length of its BOM, and how it was told.
fn sniff(head: &[u8], whole: bool) -> Result<(&'static Encoding, usize, Chosen), String> {
    if whole && head.iter().all(u8::is_ascii_whitespace) {
        return Err("the file is empty".into());
    }
    if let Some((encoding, len)) = Encoding::for_bom(head) {
        return Ok((encoding, len, Chosen::Bom));
    }
    // Text exports never hold NUL bytes; UTF-16 without a BOM is not something Excel writes.
    if head.contains(&0) {
        let guess = if looks_like_utf16(head) {
            " (UTF-16 without a BOM? try --encoding utf-16le)"
        } else {
            ""
        };
        return Err(format!("binary data, not a text export{guess}"));
    }
    match std::str::from_utf8(head) {
        Ok(_) => return Ok((UTF_8, 0, Chosen::Utf8Sample)),
        // Cut in the middle of a character at the end of the sample: still UTF-8.
        Err(e) if e.error_len().is_none() && !whole => return Ok((UTF_8, 0, Chosen::Utf8Sample)),
        Err(_) => {}
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(head, whole);
    Ok((detector.guess(None, false), 0, Chosen::LegacySample))
}

fn looks_like_utf16(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(512)];
    let zeros_at = |parity| {
        sample
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let half = sample.len() / 2;
    half > 0
        && (zeros_at(0) * 10 > half * 9 || zeros_at(1) * 10 > half * 9)
        && [UTF_16LE, UTF_16BE]
            .iter()
            .any(|e| !e.decode_without_bom_handling(sample).1)
}

#[cfg(test)]
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, String> {
    let mut opened = open(Box::new(bytes), forced)?;
    let mut text = String::new();
    opened
        .reader
        .read_to_string(&mut text)
        .map_err(|e| e.to_string())?;
    let stop = *opened.stop.lock().unwrap();
    Ok(Decoded {
        text,
        encoding: opened.encoding.name(),
        chosen: opened.chosen,
        stop,
    })
}

#[cfg(test)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
    pub chosen: Chosen,
    pub stop: Option<Invalid>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(b"\xEF\xBB\xBFa,b", None).unwrap().text, "a,b");
        assert_eq!(decode("Müller".as_bytes(), None).unwrap().encoding, "UTF-8");
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Name,Email\r\nJürgen,j@x.io".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.text, "Name,Email\r\nJürgen,j@x.io");
        assert_eq!(d.encoding, "UTF-16LE");
    }

    #[test]
    fn legacy_code_pages_are_detected() {
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1252.encode("First Name,Company\r\nJosé,Café Müller Señor\r\n");
        assert_eq!(
            decode(&bytes, None).unwrap().text,
            "First Name,Company\r\nJosé,Café Müller Señor\r\n"
        );
        let text = "氏名,会社名\r\n山田 陽菜,ウィングティップ株式会社\r\n佐藤 健二,ルツェルン出版株式会社\r\n";
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.encoding, "Shift_JIS");
        assert_eq!(d.text, text);
        // Only a guess from the start of the file: the import decides from all of it.
        assert_eq!((d.chosen, d.stop), (Chosen::LegacySample, None));
        let d = decode(b"\xEF\xBB\xBFa\n\xe9", None).unwrap();
        assert_eq!((d.chosen, d.stop), (Chosen::Bom, Some(Invalid { line: 2 })));
        assert_eq!(d.text, "a\n");
    }

    #[test]
    fn forced_encoding_wins() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode("Zoë");
        let d = decode(&bytes, encoding_for_label("windows-1252")).unwrap();
        assert_eq!(d.text, "Zoë");
    }

    #[test]
    fn empty_and_binary_files_are_refused() {
        assert_eq!(decode(b"", None).err().unwrap(), "the file is empty");
        assert_eq!(decode(b" \n", None).err().unwrap(), "the file is empty");
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
        assert!(decode(png, None).err().unwrap().starts_with("binary data"));
    }

    /// Hands out its bytes `step` at a time, to cut characters and lines anywhere.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(out.len()).min(self.bytes.len());
            out[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn read_all(
        bytes: &[u8],
        encoding: &'static Encoding,
        step: usize,
    ) -> (String, Option<Invalid>) {
        let stop = Stop::default();
        let mut reader = Checked::new(Trickle { bytes, step }, encoding, Arc::clone(&stop));
        let mut text = String::new();
        reader.read_to_string(&mut text).unwrap();
        let stop = *stop.lock().unwrap();
        (text, stop)
    }

    /// 70 KiB of ASCII rows, then `tail`.
    fn ascii_then(tail: &[u8]) -> Vec<u8> {
        let mut bytes = b"Name,Email\n".to_vec();
        let mut rows = 1;
        while bytes.len() < 70 * 1024 {
            bytes.extend(format!("Ana {rows},ana{rows}@x.io\n").as_bytes());
            rows += 1;
        }
        bytes.extend(tail);
        bytes
    }

    #[test]
    fn valid_text_reads_whole_however_it_is_cut() {
        let text = "Név,Ország\r\nÁrpád,Magyarország 🇭🇺\r\n山田,日本\r\n";
        for step in [1, 2, 3, 5, 4096] {
            assert_eq!(read_all(text.as_bytes(), UTF_8, step), (text.into(), None));
            let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("山田 太郎,日本\n佐藤,東京\n");
            assert_eq!(
                read_all(&sjis, encoding_rs::SHIFT_JIS, step),
                ("山田 太郎,日本\n佐藤,東京\n".into(), None)
            );
        }
    }

    #[test]
    fn text_ends_at_the_first_line_not_valid_in_its_encoding() {
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("山田 太郎,yamada@x.jp\n");
        let bytes = ascii_then(&sjis);
        let lines = bytes.iter().filter(|b| **b == b'\n').count() as u64;
        for step in [1, 7, 1 << 20] {
            let (text, stop) = read_all(&bytes, UTF_8, step);
            assert_eq!(stop, Some(Invalid { line: lines }), "step {step}");
            // Everything before the bad line, and nothing of it.
            assert_eq!(
                text.as_bytes(),
                &bytes[..bytes.len() - sjis.len()],
                "{step}"
            );
        }
        // A character cut by the end of the file.
        assert_eq!(
            read_all(b"a\nb\n\xe5\xb1", UTF_8, 1),
            ("a\nb\n".into(), Some(Invalid { line: 3 }))
        );
        // Shift_JIS: a lead byte followed by a line feed is no character.
        let (text, stop) = read_all(b"\x8e\x52\n\x81\n", encoding_rs::SHIFT_JIS, 1);
        assert_eq!((text.as_str(), stop), ("山\n", Some(Invalid { line: 2 })));
        // UTF-16: an unpaired surrogate.
        let units: Vec<u8> = [0x61u16, 0x0a, 0xd800, 0x62]
            .iter()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let (text, stop) = read_all(&units, UTF_16LE, 3);
        assert_eq!((text.as_str(), stop), ("a\n", Some(Invalid { line: 2 })));
    }

    #[test]
    fn the_whole_file_tells_a_late_legacy_encoding_and_its_lines() {
        let (sjis, _, _) =
            encoding_rs::SHIFT_JIS.encode("山田 太郎,yamada@x.jp\n佐藤 花子,sato@x.jp\n");
        let bytes = ascii_then(&sjis);
        let first = bytes.iter().filter(|b| **b == b'\n').count() as u64 - 1;
        let detected = detect(Trickle {
            bytes: &bytes,
            step: 1000,
        })
        .unwrap();
        assert_eq!(detected.encoding, encoding_rs::SHIFT_JIS);
        assert!(detected.confident);
        assert_eq!(detected.first_not_utf8, Some(first));
        assert_eq!(detected.first_utf8, None);

        let (latin, _, _) = encoding_rs::WINDOWS_1252.encode("José,Café Müller\n");
        let detected = detect(&ascii_then(&latin)[..]).unwrap();
        assert_eq!(detected.encoding, encoding_rs::WINDOWS_1252);

        // Shift_JIS with a damaged line reads as Windows-1252, which takes any byte; but the
        // lines that are valid Shift_JIS read as Shift_JIS: the file is damaged.
        let (good, _, _) = encoding_rs::SHIFT_JIS.encode("佐藤 花子,hanako@x.jp\n");
        let damaged = [ascii_then(&sjis), b"\x81\n".to_vec(), good.into_owned()].concat();
        let detected = detect(&damaged[..]).unwrap();
        assert_eq!(detected.encoding, encoding_rs::WINDOWS_1252);
        assert_eq!(detected.damaged, Some((encoding_rs::SHIFT_JIS, first + 2)));
        // Windows-1252 whose lines are mostly valid GBK by chance is no damaged GBK.
        let (latin, _, _) = encoding_rs::WINDOWS_1252
            .encode("Jürgen,Müller,München\nSeñora,Muñoz,Málaga\nJosé,André,Zoë\n");
        let detected = detect(&ascii_then(&latin)[..]).unwrap();
        assert_eq!(detected.encoding, encoding_rs::WINDOWS_1252);
        assert_eq!(detected.damaged, None);

        // UTF-8 beyond ASCII on line 2, a legacy byte on line 3: mixed.
        let detected = detect(&b"Name\nJos\xc3\xa9\nJos\xe9\n"[..]).unwrap();
        assert_eq!(
            (detected.first_utf8, detected.first_not_utf8),
            (Some(2), Some(3))
        );
        // A character cut by a chunk boundary is still UTF-8.
        let detected = detect(Trickle {
            bytes: b"a\nJos\xc3\xa9\nb\xe9",
            step: 1,
        })
        .unwrap();
        assert_eq!(
            (detected.first_utf8, detected.first_not_utf8),
            (Some(2), Some(3))
        );
    }
}
