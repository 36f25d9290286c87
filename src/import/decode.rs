//! Turning a file's bytes into a stream of text the way Excel and friends write it: UTF-8 with
//! or without BOM, UTF-16 with BOM, or a legacy code page (Windows-1252, Shift_JIS...) when the
//! bytes are not UTF-8. The encoding is chosen from the first 64 KiB; the rest streams, so a
//! file of any size is read in constant memory.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};
use std::io::{BufRead, BufReader, Cursor, Read};

/// How much of the start of a file decides its encoding and format.
const SAMPLE: usize = 64 * 1024;

/// A file opened as UTF-8 text.
pub struct Opened<'a> {
    pub reader: Box<dyn BufRead + Send + 'a>,
    /// The start of the text, to detect the format and the CSV dialect.
    pub sample: String,
    /// The encoding's name, for the summary.
    pub encoding: &'static str,
}

/// Looks up an `--encoding` label such as `windows-1252`, `shift_jis`, `utf-16le`.
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes())
}

pub fn open<'a>(
    mut raw: Box<dyn Read + Send + 'a>,
    forced: Option<&'static Encoding>,
) -> Result<Opened<'a>, String> {
    let mut head = Vec::with_capacity(SAMPLE);
    raw.by_ref()
        .take(SAMPLE as u64)
        .read_to_end(&mut head)
        .map_err(|e| format!("cannot read the file: {e}"))?;
    let whole = head.len() < SAMPLE;
    let (encoding, bom) = match forced {
        Some(encoding) => (encoding, bom_of(&head, encoding)),
        None => sniff(&head, whole)?,
    };
    let (sample, _) = encoding.decode_without_bom_handling(&head[bom..]);
    let sample = sample.into_owned();
    if whole && sample.trim().is_empty() {
        return Err("the file is empty".into());
    }
    let rest = Cursor::new(head).chain(raw);
    let reader: Box<dyn BufRead + Send + 'a> = if encoding == UTF_8 {
        let mut rest = rest;
        std::io::copy(&mut rest.by_ref().take(bom as u64), &mut std::io::sink())
            .map_err(|e| e.to_string())?;
        Box::new(BufReader::with_capacity(SAMPLE, rest))
    } else {
        let decoder = encoding_rs_io::DecodeReaderBytesBuilder::new()
            .encoding(Some(encoding))
            .build(rest);
        Box::new(BufReader::with_capacity(SAMPLE, decoder))
    };
    Ok(Opened {
        reader,
        sample,
        encoding: encoding.name(),
    })
}

fn bom_of(bytes: &[u8], encoding: &'static Encoding) -> usize {
    match Encoding::for_bom(bytes) {
        Some((bom_encoding, len)) if bom_encoding == encoding => len,
        _ => 0,
    }
}

/// The encoding of a file from its first bytes, and the length of its BOM.
fn sniff(head: &[u8], whole: bool) -> Result<(&'static Encoding, usize), String> {
    if whole && head.iter().all(u8::is_ascii_whitespace) {
        return Err("the file is empty".into());
    }
    if let Some((encoding, len)) = Encoding::for_bom(head) {
        return Ok((encoding, len));
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
        Ok(_) => return Ok((UTF_8, 0)),
        // Cut in the middle of a character at the end of the sample: still UTF-8.
        Err(e) if e.error_len().is_none() && !whole => return Ok((UTF_8, 0)),
        Err(_) => {}
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(head, whole);
    Ok((detector.guess(None, true), 0))
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

/// The whole text of some bytes.
#[cfg(test)]
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, String> {
    let mut opened = open(Box::new(bytes), forced)?;
    let mut text = String::new();
    opened
        .reader
        .read_to_string(&mut text)
        .map_err(|e| format!("the text is not valid {}: {e}", opened.encoding))?;
    Ok(Decoded {
        text,
        encoding: opened.encoding,
    })
}

#[cfg(test)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
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
}
