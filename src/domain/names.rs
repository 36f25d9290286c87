//! Enums named by a word each (a status, a touch kind, an SLA state, a sort key): the word is
//! the enum's own (`strum`), and reading one back, with the error that lists the words, is
//! written once, here.

use strum::VariantArray;

/// The value of `T` named `text`, in any letter case; else an error naming `what` was
/// expected: "unknown status 'x' (expected new, contacted, qualified, won or lost)".
pub fn parse<T>(what: &str, text: &str) -> Result<T, String>
where
    T: VariantArray + Copy + Into<&'static str>,
{
    T::VARIANTS
        .iter()
        .copied()
        .find(|value| {
            let name: &str = (*value).into();
            name.eq_ignore_ascii_case(text.trim())
        })
        .ok_or_else(|| format!("unknown {what} '{text}' (expected {})", words::<T>()))
}

/// "a, b or c".
fn words<T: VariantArray + Copy + Into<&'static str>>() -> String {
    let names: Vec<&str> = T::VARIANTS.iter().map(|v| (*v).into()).collect();
    match names.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{SlaState, Status, TouchKind};

    #[test]
    fn words_read_back_in_any_case_and_errors_list_them() {
        assert_eq!(parse::<Status>("status", " Won "), Ok(Status::Won));
        assert_eq!(
            parse::<TouchKind>("touch kind", "CALL"),
            Ok(TouchKind::Call)
        );
        assert_eq!(
            parse::<Status>("status", "x"),
            Err("unknown status 'x' (expected new, contacted, qualified, won or lost)".into())
        );
        assert_eq!(
            parse::<SlaState>("SLA state", "late"),
            Err("unknown SLA state 'late' (expected exempt, met, missed, due or overdue)".into())
        );
    }
}
