//! Turning a file's bytes into text the way Excel and friends write it: UTF-8 with or without
//! BOM, UTF-16 with BOM, or a legacy code page (Windows-1252, Shift_JIS...) when the bytes are
//! not UTF-8.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

pub struct Decoded {
    pub text: String,
    /// The encoding's name, for the summary.
    pub encoding: &'static str,
}

/// Looks up an `--encoding` label such as `windows-1252`, `shift_jis`, `utf-16le`.
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes())
}

pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, String> {
    let (encoding, body) = match forced {
        Some(encoding) => (encoding, strip_bom(bytes, encoding)),
        None => sniff(bytes)?,
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors && forced.is_none() {
        return Err(format!("the text is not valid {}", encoding.name()));
    }
    if text.trim().is_empty() {
        return Err("the file is empty".into());
    }
    Ok(Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
    })
}

fn strip_bom<'a>(bytes: &'a [u8], encoding: &'static Encoding) -> &'a [u8] {
    match Encoding::for_bom(bytes) {
        Some((bom_encoding, len)) if bom_encoding == encoding => &bytes[len..],
        _ => bytes,
    }
}

fn sniff(bytes: &[u8]) -> Result<(&'static Encoding, &[u8]), String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("the file is empty".into());
    }
    if let Some((encoding, len)) = Encoding::for_bom(bytes) {
        return Ok((encoding, &bytes[len..]));
    }
    // Text exports never hold NUL bytes; UTF-16 without a BOM is not something Excel writes.
    if bytes.contains(&0) {
        let guess = if looks_like_utf16(bytes) {
            " (UTF-16 without a BOM? try --encoding utf-16le)"
        } else {
            ""
        };
        return Err(format!("binary data, not a text export{guess}"));
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Ok((UTF_8, bytes));
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    Ok((detector.guess(None, true), bytes))
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
