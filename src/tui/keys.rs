//! The one key table: it maps keys to commands, and the help overlay and the status bar hints
//! are built from it, so a hint can never name a key that does nothing.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::domain::TouchKind;

/// Everything a rep can ask of the inbox with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Quit,
    Back,
    Down,
    Up,
    Top,
    Bottom,
    PageDown,
    PageUp,
    NextTab,
    PrevTab,
    Tab(usize),
    Search,
    CycleSort,
    Open,
    Touch(TouchKind),
    PickStatus,
    SetOwner,
    ToggleTest,
    Undo,
    Delete,
    Import,
    Help,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    List,
    Detail,
}

pub struct Binding {
    pub keys: &'static [Key],
    /// How the help writes the keys.
    pub label: &'static str,
    pub command: Command,
    pub help: &'static str,
    pub contexts: &'static [Context],
    /// Shown in the status bar (the help shows every binding).
    pub hint: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Code(KeyCode),
}

impl Key {
    fn matches(self, event: &KeyEvent) -> bool {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        match self {
            Key::Char(c) => !ctrl && event.code == KeyCode::Char(c),
            Key::Ctrl(c) => ctrl && event.code == KeyCode::Char(c),
            Key::Code(code) => event.code == code,
        }
    }
}

const BOTH: &[Context] = &[Context::List, Context::Detail];
const LIST: &[Context] = &[Context::List];

pub const KEYMAP: &[Binding] = &[
    Binding {
        keys: &[Key::Char('j'), Key::Code(KeyCode::Down)],
        label: "j/↓",
        command: Command::Down,
        help: "next lead",
        contexts: BOTH,
        hint: Some("move"),
    },
    Binding {
        keys: &[Key::Char('k'), Key::Code(KeyCode::Up)],
        label: "k/↑",
        command: Command::Up,
        help: "previous lead",
        contexts: BOTH,
        hint: None,
    },
    Binding {
        keys: &[Key::Char('g'), Key::Code(KeyCode::Home)],
        label: "g",
        command: Command::Top,
        help: "first lead",
        contexts: LIST,
        hint: None,
    },
    Binding {
        keys: &[Key::Char('G'), Key::Code(KeyCode::End)],
        label: "G",
        command: Command::Bottom,
        help: "last lead",
        contexts: LIST,
        hint: None,
    },
    Binding {
        keys: &[Key::Code(KeyCode::PageDown), Key::Ctrl('d')],
        label: "PgDn/^d",
        command: Command::PageDown,
        help: "page down",
        contexts: LIST,
        hint: None,
    },
    Binding {
        keys: &[Key::Code(KeyCode::PageUp), Key::Ctrl('u')],
        label: "PgUp/^u",
        command: Command::PageUp,
        help: "page up",
        contexts: LIST,
        hint: None,
    },
    Binding {
        keys: &[Key::Code(KeyCode::Tab)],
        label: "Tab",
        command: Command::NextTab,
        help: "next filter",
        contexts: LIST,
        hint: Some("filter"),
    },
    Binding {
        keys: &[Key::Code(KeyCode::BackTab)],
        label: "S-Tab",
        command: Command::PrevTab,
        help: "previous filter",
        contexts: LIST,
        hint: None,
    },
    Binding {
        keys: &[
            Key::Char('1'),
            Key::Char('2'),
            Key::Char('3'),
            Key::Char('4'),
            Key::Char('5'),
            Key::Char('6'),
            Key::Char('7'),
        ],
        label: "1-7",
        command: Command::Tab(0),
        help: "filter: All, INS, PLT, DNC, …",
        contexts: LIST,
        hint: None,
    },
    Binding {
        keys: &[Key::Char('/')],
        label: "/",
        command: Command::Search,
        help: "search names, email, company, notes",
        contexts: LIST,
        hint: Some("search"),
    },
    Binding {
        keys: &[Key::Char('s')],
        label: "s",
        command: Command::CycleSort,
        help: "next sort order",
        contexts: LIST,
        hint: Some("sort"),
    },
    Binding {
        keys: &[Key::Code(KeyCode::Enter)],
        label: "Enter",
        command: Command::Open,
        help: "open the lead",
        contexts: LIST,
        hint: Some("open"),
    },
    Binding {
        keys: &[Key::Char('e')],
        label: "e",
        command: Command::Touch(TouchKind::Email),
        help: "log an email",
        contexts: BOTH,
        hint: Some("email"),
    },
    Binding {
        keys: &[Key::Char('c')],
        label: "c",
        command: Command::Touch(TouchKind::Call),
        help: "log a call",
        contexts: BOTH,
        hint: Some("call"),
    },
    Binding {
        keys: &[Key::Char('m')],
        label: "m",
        command: Command::Touch(TouchKind::Meeting),
        help: "log a meeting",
        contexts: BOTH,
        hint: None,
    },
    Binding {
        keys: &[Key::Char('n')],
        label: "n",
        command: Command::Touch(TouchKind::Note),
        help: "add an internal note",
        contexts: BOTH,
        hint: Some("note"),
    },
    Binding {
        keys: &[Key::Char('S')],
        label: "S",
        command: Command::PickStatus,
        help: "set status",
        contexts: BOTH,
        hint: Some("status"),
    },
    Binding {
        keys: &[Key::Char('o')],
        label: "o",
        command: Command::SetOwner,
        help: "set owner",
        contexts: BOTH,
        hint: None,
    },
    Binding {
        keys: &[Key::Char('t')],
        label: "t",
        command: Command::ToggleTest,
        help: "show/hide test leads",
        contexts: LIST,
        hint: None,
    },
    Binding {
        keys: &[Key::Char('u')],
        label: "u",
        command: Command::Undo,
        help: "undo the last change",
        contexts: BOTH,
        hint: Some("undo"),
    },
    Binding {
        keys: &[Key::Char('D')],
        label: "D",
        command: Command::Delete,
        help: "delete the lead (asks first)",
        contexts: BOTH,
        hint: None,
    },
    Binding {
        keys: &[Key::Char('i')],
        label: "i",
        command: Command::Import,
        help: "import a file",
        contexts: LIST,
        hint: Some("import"),
    },
    Binding {
        keys: &[Key::Char('?')],
        label: "?",
        command: Command::Help,
        help: "this help",
        contexts: BOTH,
        hint: Some("help"),
    },
    Binding {
        keys: &[Key::Code(KeyCode::Esc)],
        label: "Esc",
        command: Command::Back,
        help: "back / clear the search",
        contexts: BOTH,
        hint: None,
    },
    Binding {
        keys: &[Key::Char('q')],
        label: "q",
        command: Command::Quit,
        help: "back, or quit",
        contexts: BOTH,
        hint: Some("quit"),
    },
    Binding {
        keys: &[Key::Ctrl('c')],
        label: "^c",
        command: Command::Quit,
        help: "quit",
        contexts: BOTH,
        hint: None,
    },
];

pub fn command_for(event: &KeyEvent, context: Context) -> Option<Command> {
    let binding = KEYMAP
        .iter()
        .filter(|b| b.contexts.contains(&context))
        .find(|b| b.keys.iter().any(|k| k.matches(event)))?;
    Some(match (binding.command, event.code) {
        // One binding serves the digit keys: the digit picks the filter.
        (Command::Tab(_), KeyCode::Char(digit)) => {
            Command::Tab(digit.to_digit(10).unwrap_or(1) as usize - 1)
        }
        (command, _) => command,
    })
}

/// `key hint` pairs for the status bar of a context.
/// The hint bar's hints in a context, most important first: `? help` and `q quit`, then the
/// key table's order. A narrow terminal shows as many whole hints as fit.
pub fn hints(context: Context) -> Vec<(&'static str, &'static str)> {
    let mut hints: Vec<_> = KEYMAP
        .iter()
        .filter(|b| b.contexts.contains(&context))
        .filter_map(|b| b.hint.map(|h| (b.command, b.label, h)))
        .collect();
    // Stable: the rest keep the table's order.
    hints.sort_by_key(|(command, ..)| match command {
        Command::Help => 0,
        Command::Quit => 1,
        _ => 2,
    });
    hints
        .into_iter()
        .map(|(_, label, hint)| (label, hint))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn every_hint_key_does_what_it_says() {
        for context in [Context::List, Context::Detail] {
            for binding in KEYMAP.iter().filter(|b| b.contexts.contains(&context)) {
                for k in binding.keys {
                    let event = match k {
                        Key::Char(c) => key(KeyCode::Char(*c)),
                        Key::Ctrl(c) => KeyEvent::new(KeyCode::Char(*c), KeyModifiers::CONTROL),
                        Key::Code(code) => key(*code),
                    };
                    let expected = match (binding.command, k) {
                        (Command::Tab(_), Key::Char(d)) => {
                            Command::Tab(d.to_digit(10).unwrap() as usize - 1)
                        }
                        (command, _) => command,
                    };
                    assert_eq!(
                        command_for(&event, context),
                        Some(expected),
                        "{k:?} in {context:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn ctrl_c_quits_and_plain_c_calls() {
        assert_eq!(
            command_for(
                &KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
                Context::List
            ),
            Some(Command::Quit)
        );
        assert_eq!(
            command_for(&key(KeyCode::Char('c')), Context::List),
            Some(Command::Touch(TouchKind::Call))
        );
        assert_eq!(command_for(&key(KeyCode::Char('i')), Context::Detail), None);
    }
}
