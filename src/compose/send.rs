//! Handing a draft to the rep's mail program: a `mailto:` URL for the system's opener or the
//! `mail_command` setting, a draft file for `$EDITOR`, or the clipboard through OSC 52. Each
//! runs what the rep chose, never a shell: a URL or a path is one argument, whatever it holds.

use std::path::Path;
use std::process::Command;

use super::Draft;

/// Why a draft was not handed on.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("{setting}: {problem}")]
    BadCommand {
        setting: &'static str,
        problem: String,
    },
    #[error("cannot run {program}: {problem}")]
    Start { program: String, problem: String },
    #[error("{program} failed ({status})")]
    Failed { program: String, status: String },
    #[error("the draft file: {0}")]
    DraftFile(String),
    #[error("the draft was emptied: nothing to send")]
    Emptied,
}

/// Splits a command line into words at spaces; `'...'` or `"..."` keeps spaces in a word.
/// Backslashes are plain characters (Windows paths): there is no escape.
pub fn split_command_line(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => word.get_or_insert_with(String::new).push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            None if c.is_whitespace() => words.extend(word.take()),
            None => word.get_or_insert_with(String::new).push(c),
        }
    }
    if let Some(q) = quote {
        return Err(format!("a {q} is not closed"));
    }
    words.extend(word);
    if words.is_empty() {
        return Err("no command".into());
    }
    Ok(words)
}

/// The words of `mail_command` run for `url`: `{url}` in a word stands for it, else it is
/// the last word.
pub fn mail_command_words(mail_command: &str, url: &str) -> Result<Vec<String>, SendError> {
    let mut words = split_command_line(mail_command).map_err(|problem| SendError::BadCommand {
        setting: "mail_command",
        problem,
    })?;
    if words.iter().any(|w| w.contains("{url}")) {
        for word in &mut words {
            *word = word.replace("{url}", url);
        }
    } else {
        words.push(url.to_string());
    }
    Ok(words)
}

/// The system's opener for `url` on the operating system `os` (`std::env::consts::OS`):
/// `open` on macOS, `start` on Windows (through `cmd`, where `&` must be escaped as `^&`),
/// `xdg-open` elsewhere.
pub fn system_opener(os: &str, url: &str) -> Vec<String> {
    match os {
        "macos" => vec!["open".into(), url.into()],
        "windows" => vec![
            "cmd".into(),
            "/C".into(),
            "start".into(),
            url.replace('&', "^&"),
        ],
        _ => vec!["xdg-open".into(), url.into()],
    }
}

/// Opens `url` (a draft's `mailto:` URL) with `mail_command`, else the system's opener, and
/// waits for it. It runs on the terminal, as an editor would: the inbox leaves its screen
/// first.
pub fn open_url(url: &str, mail_command: Option<&str>) -> Result<(), SendError> {
    let words = match mail_command {
        Some(command) => mail_command_words(command, url)?,
        None => system_opener(std::env::consts::OS, url),
    };
    run(&words)
}

/// Lets the rep edit `draft` in `editor` (a command line; none: `$VISUAL`, else `$EDITOR`,
/// else `vi`) and returns it as saved. The draft file holds personal data: it is private
/// from its creation (tempfile makes it 0600) and removed afterwards, whatever happened.
/// Refused when the rep empties it.
pub fn edit_draft(draft: &Draft, editor: Option<&str>) -> Result<Draft, SendError> {
    let from_env = || {
        ["VISUAL", "EDITOR"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()))
    };
    let editor = editor.map(str::to_string).or_else(from_env);
    let editor = editor
        .as_deref()
        .unwrap_or(if cfg!(windows) { "notepad" } else { "vi" });
    let mut words = split_command_line(editor).map_err(|problem| SendError::BadCommand {
        setting: "EDITOR",
        problem,
    })?;
    let file_error = |e: std::io::Error| SendError::DraftFile(crate::io_error::describe(&e));
    let file = tempfile::Builder::new()
        .prefix("leadbox-draft-")
        .suffix(".txt")
        .tempfile()
        .map_err(file_error)?;
    std::fs::write(file.path(), draft.text()).map_err(file_error)?;
    words.push(file.path().display().to_string());
    run(&words)?;
    // Read by its path: an editor may have saved a new file in its place.
    let text = std::fs::read_to_string(file.path()).map_err(file_error)?;
    file.close().map_err(file_error)?;
    read_draft(&text, draft)
}

/// The draft as the rep saved it: `To:` and `Subject:` lines (any case), then the body
/// after a blank line. A header left out keeps the draft's.
fn read_draft(text: &str, draft: &Draft) -> Result<Draft, SendError> {
    let text = text.replace("\r\n", "\n");
    if text.trim().is_empty() {
        return Err(SendError::Emptied);
    }
    let mut edited = draft.clone();
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line) = lines.peek() {
        let (key, value) = line.split_once(':').unwrap_or_default();
        match key.trim().to_ascii_lowercase().as_str() {
            "to" => edited.to = value.trim().to_string(),
            "subject" => edited.subject = value.trim().to_string(),
            _ => break,
        }
        lines.next();
    }
    let body: String = lines.collect();
    edited.body = super::tidy(&body);
    Ok(edited)
}

/// The OSC 52 escape sequence that puts `text` on the clipboard of the terminal that shows
/// it, over SSH too. The caller writes it to the terminal itself.
pub fn osc52(text: &str) -> String {
    format!("\u{1b}]52;c;{}\u{7}", base64(text.as_bytes()))
}

/// Standard base64 (RFC 4648), with padding.
fn base64(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(DIGITS[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Runs `words` on the terminal and waits. Messages name the program, never its arguments
/// (the URL and the draft file's name are personal data).
fn run(words: &[String]) -> Result<(), SendError> {
    let program = words.first().map(String::as_str).unwrap_or_default();
    let shown = Path::new(program)
        .file_name()
        .map_or(program.to_string(), |n| n.to_string_lossy().into_owned());
    let status = Command::new(program)
        .args(&words[1..])
        .status()
        .map_err(|e| SendError::Start {
            program: shown.clone(),
            problem: crate::io_error::describe(&e),
        })?;
    match status.success() {
        true => Ok(()),
        false => Err(SendError::Failed {
            program: shown,
            status: status.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        Draft {
            to: "ada@analytical.example".into(),
            subject: "Your request".into(),
            body: "Hi Ada,\n\nThanks.\n".into(),
        }
    }

    #[test]
    fn a_command_line_splits_at_spaces_outside_quotes() {
        assert_eq!(
            split_command_line("  thunderbird   -compose {url} ").unwrap(),
            ["thunderbird", "-compose", "{url}"]
        );
        assert_eq!(
            split_command_line(r#""C:\Program Files\Mail\mail.exe" --to='a b' x"y"z ''"#).unwrap(),
            [r"C:\Program Files\Mail\mail.exe", "--to=a b", "xyz", ""]
        );
        assert_eq!(
            split_command_line("mutt 'x").unwrap_err(),
            "a ' is not closed"
        );
        assert_eq!(split_command_line(" ").unwrap_err(), "no command");
    }

    #[test]
    fn the_url_goes_where_url_is_else_last() {
        let url = "mailto:a@b.example?subject=Hi&body=x%20y";
        assert_eq!(
            mail_command_words("neomutt", url).unwrap(),
            ["neomutt", url]
        );
        assert_eq!(
            mail_command_words("mail --url={url} --new", url).unwrap(),
            ["mail", &format!("--url={url}"), "--new"]
        );
        assert!(matches!(
            mail_command_words("mail \"", url).unwrap_err(),
            SendError::BadCommand {
                setting: "mail_command",
                ..
            }
        ));
    }

    #[test]
    fn each_system_has_its_opener() {
        let url = "mailto:a@b.example?subject=Hi&body=x";
        assert_eq!(system_opener("linux", url), ["xdg-open", url]);
        assert_eq!(system_opener("freebsd", url), ["xdg-open", url]);
        assert_eq!(system_opener("macos", url), ["open", url]);
        assert_eq!(
            system_opener("windows", url),
            [
                "cmd",
                "/C",
                "start",
                "mailto:a@b.example?subject=Hi^&body=x"
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_mail_command_gets_the_url_as_one_argument() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("args");
        let url = "mailto:a@b.example?subject=It%27s%20%24HOME&body=x";
        let command = format!(
            "sh -c 'printf \"%s|\" \"$@\" > \"$0\"' '{}' {{url}} last",
            out.display()
        );
        open_url(url, Some(&command)).unwrap();
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            format!("{url}|last|")
        );
        let failed = open_url(url, Some("sh -c 'exit 3'")).unwrap_err();
        assert_eq!(failed.to_string(), "sh failed (exit status: 3)");
        let missing = open_url(url, Some("/nonexistent/mailer")).unwrap_err();
        assert_eq!(
            missing.to_string(),
            "cannot run mailer: no such file or directory"
        );
    }

    /// The draft file is 0600 while the editor has it, and gone afterwards; the edits come
    /// back.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_draft_file_is_private_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let seen = dir.path().join("seen");
        let editor = format!(
            "sh -c 'stat -c %a \"$1\" > \"$0\"; echo \"$1\" >> \"$0\"; \
             sed -i \"s/^Subject: .*/subject: Edited/; s/Thanks/Thank you/\" \"$1\"' '{}'",
            seen.display()
        );
        let edited = edit_draft(&draft(), Some(&editor)).unwrap();
        assert_eq!(
            edited,
            Draft {
                to: "ada@analytical.example".into(),
                subject: "Edited".into(),
                body: "Hi Ada,\n\nThank you.\n".into(),
            }
        );
        let seen = std::fs::read_to_string(&seen).unwrap();
        let (mode, path) = seen.trim().split_once('\n').unwrap();
        assert_eq!(mode, "600");
        assert!(path.contains("leadbox-draft-"), "{path}");
        assert!(!Path::new(path).exists(), "{path} is still there");

        // Emptied: nothing to send; a failing editor: an error; the file goes either way.
        let seen = dir.path().join("seen2");
        let emptier = format!(
            "sh -c 'echo \"$1\" > \"$0\"; : > \"$1\"' '{}'",
            seen.display()
        );
        assert!(matches!(
            edit_draft(&draft(), Some(&emptier)),
            Err(SendError::Emptied)
        ));
        let path = std::fs::read_to_string(&seen).unwrap();
        assert!(!Path::new(path.trim()).exists());
        let failing = format!("sh -c 'echo \"$1\" > \"$0\"; exit 1' '{}'", seen.display());
        assert!(matches!(
            edit_draft(&draft(), Some(&failing)),
            Err(SendError::Failed { .. })
        ));
        let path = std::fs::read_to_string(&seen).unwrap();
        assert!(!Path::new(path.trim()).exists());
    }

    #[test]
    fn a_saved_draft_is_read_back() {
        let read = |text| read_draft(text, &draft()).unwrap();
        assert_eq!(
            read("To: x@y.example\r\nSubject:  New \r\n\r\nBody\r\n").to,
            "x@y.example"
        );
        assert_eq!(
            read("To: x@y.example\nSubject:  New \n\nBody\n").subject,
            "New"
        );
        assert_eq!(
            read("To: x@y.example\nSubject: New\n\nBody\n").body,
            "Body\n"
        );
        // Headers taken out: the body alone, the draft's headers kept.
        let body_only = read("Dear Ada: hello\n");
        assert_eq!(body_only.subject, "Your request");
        assert_eq!(body_only.body, "Dear Ada: hello\n");
        assert!(matches!(
            read_draft(" \n\n", &draft()),
            Err(SendError::Emptied)
        ));
    }

    #[test]
    fn osc_52_carries_the_text_in_base64() {
        assert_eq!(osc52("hi"), "\u{1b}]52;c;aGk=\u{7}");
        // RFC 4648's test vectors.
        for (text, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(text.as_bytes()), encoded, "{text:?}");
        }
        assert_eq!(base64("Müller\n".as_bytes()), "TcO8bGxlcgo=");
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }
}
