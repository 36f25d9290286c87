//! Asking before a command deletes anything: on a terminal, a `[y/N]` question listing what
//! goes; without one, nothing is deleted unless `--yes` says so.

use std::io::{BufRead, Write};

/// What the user (or the lack of one) said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    /// No terminal to ask on, and no `--yes`.
    NoTerminal,
}

/// Asks `question` after the lines `what` (already made printable), on `out`, and reads the
/// answer from `input`: `y` or `yes` in any case goes ahead, anything else (an empty line,
/// the end of input) does not. `yes` (the `--yes` flag) goes ahead without asking; without
/// it, and with no terminal to ask on, the answer is [`Answer::NoTerminal`].
pub fn ask(
    question: &str,
    what: &[String],
    yes: bool,
    terminal: bool,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> std::io::Result<Answer> {
    if yes {
        return Ok(Answer::Yes);
    }
    if !terminal {
        return Ok(Answer::NoTerminal);
    }
    for line in what {
        writeln!(out, "  {line}")?;
    }
    write!(out, "{question} This cannot be undone. [y/N] ")?;
    out.flush()?;
    let mut answer = String::new();
    input.read_line(&mut answer)?;
    let answer = answer.trim();
    Ok(
        if answer.eq_ignore_ascii_case("y") || answer.eq_ignore_ascii_case("yes") {
            Answer::Yes
        } else {
            Answer::No
        },
    )
}

/// `1 lead`, `3 leads`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(input: &str, yes: bool, terminal: bool) -> (Answer, String) {
        let mut out = Vec::new();
        let answer = ask(
            "Delete 2 leads of 1 customer?",
            &["12  Ana".into(), "14  Ana".into()],
            yes,
            terminal,
            &mut input.as_bytes(),
            &mut out,
        )
        .unwrap();
        (answer, String::from_utf8(out).unwrap())
    }

    #[test]
    fn only_y_or_yes_goes_ahead() {
        for (input, answer) in [
            ("y\n", Answer::Yes),
            ("YES\n", Answer::Yes),
            (" y \n", Answer::Yes),
            ("\n", Answer::No),
            ("n\n", Answer::No),
            ("yep\n", Answer::No),
            ("", Answer::No),
        ] {
            assert_eq!(asked(input, false, true).0, answer, "{input:?}");
        }
        assert_eq!(
            asked("n\n", false, true).1,
            "  12  Ana\n  14  Ana\nDelete 2 leads of 1 customer? This cannot be undone. [y/N] "
        );
    }

    #[test]
    fn without_a_terminal_only_yes_goes_ahead_and_nothing_is_asked() {
        assert_eq!(
            asked("y\n", false, false),
            (Answer::NoTerminal, String::new())
        );
        assert_eq!(asked("n\n", true, false), (Answer::Yes, String::new()));
        assert_eq!(asked("n\n", true, true), (Answer::Yes, String::new()));
    }

    #[test]
    fn counts_agree_with_their_number() {
        assert_eq!(count(1, "lead", "leads"), "1 lead");
        assert_eq!(count(0, "lead", "leads"), "0 leads");
        assert_eq!(count(3, "customer", "customers"), "3 customers");
    }
}
