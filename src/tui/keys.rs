//! The one key table: it maps keys to commands, and the help overlay and the status bar hints
//! are built from it, so a hint can never name a key that does nothing.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use crate::config::KeyRemap as Remap;
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
    /// The Today view or the list.
    ToggleToday,
    /// Only the rep's own customers, or everyone's.
    ToggleMine,
    /// Snooze the customer's next follow-up.
    Snooze,
    /// The email the customer is owed, from the templates.
    Compose,
    /// The lead's email (else phone) to the clipboard.
    CopyContact,
    /// The customer's qualification checklist.
    Checklist,
    /// Mark the lead for the next change (which then applies to every marked customer).
    Mark,
    /// Mark from the last marked row to this one.
    MarkRange,
    /// Mark every lead shown.
    MarkAll,
    /// Write the marked leads (else the selected one) to a CSV or JSON file.
    Export,
    /// The analytics view, or back from it.
    Analytics,
    /// The analytics view's next window: 7, 30, 90 days, all.
    CycleWindow,
    /// Mute (or unmute) the silence of the offer selected in the analytics view.
    MuteOffer,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    List,
    Detail,
    /// The analytics view (`A`).
    Analytics,
}

impl Context {
    pub const ALL: [Context; 3] = [Context::List, Context::Detail, Context::Analytics];

    /// The view's name in the settings' `[keys.VIEW]`.
    pub fn name(self) -> &'static str {
        match self {
            Context::List => "list",
            Context::Detail => "detail",
            Context::Analytics => "analytics",
        }
    }
}

pub struct Binding {
    /// The binding's name in the settings' `[keys.list]` and `[keys.detail]`; none for the
    /// keys that cannot be remapped (the filter digits, ^c).
    pub name: Option<&'static str>,
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
/// Every view: the lead list (and Today view), the lead's pane, the analytics view.
const EVERY: &[Context] = &[Context::List, Context::Detail, Context::Analytics];
const ANALYTICS: &[Context] = &[Context::Analytics];

pub const KEYMAP: &[Binding] = &[
    Binding {
        name: Some("down"),
        keys: &[Key::Char('j'), Key::Code(KeyCode::Down)],
        label: "j/↓",
        command: Command::Down,
        help: "next lead",
        contexts: BOTH,
        hint: Some("move"),
    },
    Binding {
        name: Some("up"),
        keys: &[Key::Char('k'), Key::Code(KeyCode::Up)],
        label: "k/↑",
        command: Command::Up,
        help: "previous lead",
        contexts: BOTH,
        hint: None,
    },
    Binding {
        name: Some("top"),
        keys: &[Key::Char('g'), Key::Code(KeyCode::Home)],
        label: "g",
        command: Command::Top,
        help: "first lead",
        contexts: LIST,
        hint: None,
    },
    Binding {
        name: Some("bottom"),
        keys: &[Key::Char('G'), Key::Code(KeyCode::End)],
        label: "G",
        command: Command::Bottom,
        help: "last lead",
        contexts: LIST,
        hint: None,
    },
    Binding {
        name: Some("page_down"),
        keys: &[Key::Code(KeyCode::PageDown), Key::Ctrl('d')],
        label: "PgDn/^d",
        command: Command::PageDown,
        help: "page down",
        contexts: LIST,
        hint: None,
    },
    Binding {
        name: Some("page_up"),
        keys: &[Key::Code(KeyCode::PageUp), Key::Ctrl('u')],
        label: "PgUp/^u",
        command: Command::PageUp,
        help: "page up",
        contexts: LIST,
        hint: None,
    },
    Binding {
        name: Some("next_tab"),
        keys: &[Key::Code(KeyCode::Tab)],
        label: "Tab",
        command: Command::NextTab,
        help: "next filter",
        contexts: LIST,
        hint: Some("filter"),
    },
    Binding {
        name: Some("prev_tab"),
        keys: &[Key::Code(KeyCode::BackTab)],
        label: "S-Tab",
        command: Command::PrevTab,
        help: "previous filter",
        contexts: LIST,
        hint: None,
    },
    Binding {
        name: None,
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
        name: Some("search"),
        keys: &[Key::Char('/')],
        label: "/",
        command: Command::Search,
        help: "search names, email, phone, notes; #id",
        contexts: LIST,
        hint: Some("search"),
    },
    Binding {
        name: Some("sort"),
        keys: &[Key::Char('s')],
        label: "s",
        command: Command::CycleSort,
        help: "next sort order",
        contexts: LIST,
        hint: Some("sort"),
    },
    Binding {
        name: Some("open"),
        keys: &[Key::Code(KeyCode::Enter)],
        label: "Enter",
        command: Command::Open,
        help: "open the lead",
        contexts: LIST,
        hint: Some("open"),
    },
    Binding {
        name: Some("email"),
        keys: &[Key::Char('e')],
        label: "e",
        command: Command::Touch(TouchKind::Email),
        help: "log an email",
        contexts: BOTH,
        hint: Some("email"),
    },
    Binding {
        name: Some("call"),
        keys: &[Key::Char('c')],
        label: "c",
        command: Command::Touch(TouchKind::Call),
        help: "log a call",
        contexts: BOTH,
        hint: Some("call"),
    },
    Binding {
        name: Some("meeting"),
        keys: &[Key::Char('m')],
        label: "m",
        command: Command::Touch(TouchKind::Meeting),
        help: "log a meeting",
        contexts: BOTH,
        hint: None,
    },
    Binding {
        name: Some("note"),
        keys: &[Key::Char('n')],
        label: "n",
        command: Command::Touch(TouchKind::Note),
        help: "add an internal note",
        contexts: BOTH,
        hint: Some("note"),
    },
    Binding {
        name: Some("status"),
        keys: &[Key::Char('S')],
        label: "S",
        command: Command::PickStatus,
        help: "set status",
        contexts: BOTH,
        hint: Some("status"),
    },
    Binding {
        name: Some("owner"),
        keys: &[Key::Char('o')],
        label: "o",
        command: Command::SetOwner,
        help: "set owner",
        contexts: BOTH,
        hint: None,
    },
    Binding {
        name: Some("test_leads"),
        keys: &[Key::Char('t')],
        label: "t",
        command: Command::ToggleTest,
        help: "show/hide test leads",
        contexts: LIST,
        hint: None,
    },
    Binding {
        name: Some("undo"),
        keys: &[Key::Char('u')],
        label: "u",
        command: Command::Undo,
        help: "undo the last change",
        contexts: EVERY,
        hint: Some("undo"),
    },
    Binding {
        name: Some("delete"),
        keys: &[Key::Char('D')],
        label: "D",
        command: Command::Delete,
        help: "delete the lead (asks first)",
        contexts: BOTH,
        hint: None,
    },
    Binding {
        name: Some("today"),
        keys: &[Key::Char('T')],
        label: "T",
        command: Command::ToggleToday,
        help: "Today's queue / the full list",
        contexts: LIST,
        hint: Some("today/list"),
    },
    Binding {
        name: Some("snooze"),
        keys: &[Key::Char('z')],
        label: "z",
        command: Command::Snooze,
        help: "snooze the customer's follow-up",
        contexts: BOTH,
        hint: Some("snooze"),
    },
    Binding {
        name: Some("compose"),
        keys: &[Key::Char('E')],
        label: "E",
        command: Command::Compose,
        help: "write the email the customer is owed",
        contexts: BOTH,
        hint: None,
    },
    Binding {
        name: Some("mark"),
        keys: &[Key::Char(' ')],
        label: "Space",
        command: Command::Mark,
        help: "mark the lead: the next change applies to each marked customer",
        contexts: LIST,
        hint: None,
    },
    Binding {
        name: Some("mark_range"),
        keys: &[Key::Char('V')],
        label: "V",
        command: Command::MarkRange,
        help: "mark from the last marked row to this one",
        contexts: LIST,
        hint: None,
    },
    Binding {
        name: Some("mark_all"),
        keys: &[Key::Char('*')],
        label: "*",
        command: Command::MarkAll,
        help: "mark every lead shown (asks first)",
        contexts: LIST,
        hint: None,
    },
    Binding {
        name: Some("checklist"),
        keys: &[Key::Char('Q')],
        label: "Q",
        command: Command::Checklist,
        help: "the customer's qualification checklist",
        contexts: BOTH,
        hint: None,
    },
    Binding {
        name: Some("copy"),
        keys: &[Key::Char('y')],
        label: "y",
        command: Command::CopyContact,
        help: "copy the email (else the phone)",
        contexts: BOTH,
        hint: None,
    },
    Binding {
        name: Some("export"),
        keys: &[Key::Char('x')],
        label: "x",
        command: Command::Export,
        help: "export marked leads (else this one)",
        contexts: BOTH,
        hint: None,
    },
    Binding {
        name: Some("mine"),
        keys: &[Key::Char('M')],
        label: "M",
        command: Command::ToggleMine,
        help: "only your customers / everyone's",
        contexts: LIST,
        hint: None,
    },
    Binding {
        name: Some("analytics"),
        keys: &[Key::Char('A')],
        label: "A",
        command: Command::Analytics,
        help: "analytics: SLA, funnel, owners, offers",
        contexts: EVERY,
        hint: None,
    },
    Binding {
        name: Some("down"),
        keys: &[Key::Char('j'), Key::Code(KeyCode::Down)],
        label: "j/↓",
        command: Command::Down,
        help: "next offer",
        contexts: ANALYTICS,
        hint: Some("offer"),
    },
    Binding {
        name: Some("up"),
        keys: &[Key::Char('k'), Key::Code(KeyCode::Up)],
        label: "k/↑",
        command: Command::Up,
        help: "previous offer",
        contexts: ANALYTICS,
        hint: None,
    },
    Binding {
        name: Some("window"),
        keys: &[Key::Char('w')],
        label: "w",
        command: Command::CycleWindow,
        help: "the window: 7 days, 30 days, 90 days, all",
        contexts: ANALYTICS,
        hint: Some("window"),
    },
    Binding {
        name: Some("mute"),
        keys: &[Key::Char('m')],
        label: "m",
        command: Command::MuteOffer,
        help: "mute (or unmute) the selected offer's silence warning",
        contexts: ANALYTICS,
        hint: Some("mute offer"),
    },
    Binding {
        name: Some("import"),
        keys: &[Key::Char('i')],
        label: "i",
        command: Command::Import,
        help: "import a file",
        contexts: LIST,
        hint: Some("import"),
    },
    Binding {
        name: Some("help"),
        keys: &[Key::Char('?')],
        label: "?",
        command: Command::Help,
        help: "this help",
        contexts: EVERY,
        hint: Some("help"),
    },
    Binding {
        name: Some("back"),
        keys: &[Key::Code(KeyCode::Esc)],
        label: "Esc",
        command: Command::Back,
        help: "back / clear the search",
        contexts: EVERY,
        hint: None,
    },
    Binding {
        name: Some("quit"),
        keys: &[Key::Char('q')],
        label: "q",
        command: Command::Quit,
        help: "back, or quit",
        contexts: EVERY,
        hint: Some("quit"),
    },
    Binding {
        name: None,
        keys: &[Key::Ctrl('c')],
        label: "^c",
        command: Command::Quit,
        help: "quit",
        contexts: EVERY,
        hint: None,
    },
];

/// The key table in use: [`KEYMAP`] with the rep's remapped keys (`[keys.list]` and
/// `[keys.detail]` in the settings). The commands, the help and the hints all read it.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Bound>,
}

/// One binding of a [`Keymap`].
#[derive(Debug, Clone)]
pub struct Bound {
    pub name: Option<&'static str>,
    pub keys: Vec<Key>,
    pub label: String,
    pub command: Command,
    pub help: &'static str,
    pub contexts: Vec<Context>,
    pub hint: Option<&'static str>,
}

/// A remapping that cannot be used: its line, `keys.VIEW.NAME`, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct RemapError {
    pub line: usize,
    pub key: String,
    pub problem: String,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap {
            bindings: KEYMAP
                .iter()
                .map(|b| Bound {
                    name: b.name,
                    keys: b.keys.to_vec(),
                    label: b.label.to_string(),
                    command: b.command,
                    help: b.help,
                    contexts: b.contexts.to_vec(),
                    hint: b.hint,
                })
                .collect(),
        }
    }
}

impl Keymap {
    /// [`KEYMAP`] with `remaps` applied; refuses an unknown view, binding or key name, and
    /// two bindings of one view sharing a key.
    pub fn with(remaps: &[Remap]) -> Result<Keymap, RemapError> {
        let mut keymap = Keymap::default();
        for remap in remaps {
            let error = |problem: String| RemapError {
                line: remap.line,
                key: format!("keys.{}.{}", remap.view, remap.name),
                problem,
            };
            let Some(context) = Context::ALL
                .into_iter()
                .find(|c| c.name() == remap.view.as_str())
            else {
                let problem = "no such view: the views are list, detail and analytics";
                return Err(error(problem.into()));
            };
            let keys = remap
                .keys
                .iter()
                .map(|k| parse_key(k).ok_or_else(|| error(format!("{k:?} is not a key"))))
                .collect::<Result<Vec<Key>, _>>()?;
            if keys.is_empty() {
                return Err(error("no key given".into()));
            }
            let at = keymap
                .bindings
                .iter()
                .position(|b| b.name == Some(remap.name.as_str()) && b.contexts.contains(&context))
                .ok_or_else(|| {
                    error(format!(
                        "no such command in the {} view: {}",
                        remap.view,
                        keymap.names(context)
                    ))
                })?;
            // A binding of both views, remapped in one: the other keeps its keys.
            let mut bound = keymap.bindings[at].clone();
            if bound.contexts.len() > 1 {
                keymap.bindings[at].contexts.retain(|c| *c != context);
                bound.contexts = vec![context];
                keymap.bindings.insert(at, bound.clone());
            }
            let bound = &mut keymap.bindings[at];
            bound.label = keys.iter().map(|k| k.label()).collect::<Vec<_>>().join("/");
            bound.keys = keys;
        }
        keymap.check_conflicts(remaps)?;
        Ok(keymap)
    }

    /// The names that can be remapped in `context`, for an error message.
    fn names(&self, context: Context) -> String {
        let mut names: Vec<&str> = self
            .bindings
            .iter()
            .filter(|b| b.contexts.contains(&context))
            .filter_map(|b| b.name)
            .collect();
        names.dedup();
        names.join(", ")
    }

    /// Two bindings of one view on the same key: the later remapping is the error.
    fn check_conflicts(&self, remaps: &[Remap]) -> Result<(), RemapError> {
        for context in Context::ALL {
            let bound: Vec<&Bound> = self
                .bindings
                .iter()
                .filter(|b| b.contexts.contains(&context))
                .collect();
            for (i, a) in bound.iter().enumerate() {
                for b in &bound[i + 1..] {
                    let Some(key) = a.keys.iter().find(|k| b.keys.contains(k)) else {
                        continue;
                    };
                    let view = context.name();
                    let remap = remaps
                        .iter()
                        .filter(|r| {
                            r.view == view
                                && (Some(r.name.as_str()) == a.name
                                    || Some(r.name.as_str()) == b.name)
                        })
                        .max_by_key(|r| r.line);
                    let (line, name) =
                        remap.map_or((1, a.name.unwrap_or("?")), |r| (r.line, r.name.as_str()));
                    let other = if Some(name) == a.name { b } else { a };
                    return Err(RemapError {
                        line,
                        key: format!("keys.{view}.{name}"),
                        problem: format!(
                            "{} is already the key of {} ({})",
                            key.label(),
                            other.name.unwrap_or("a fixed key"),
                            other.help
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    /// The command `event` asks for in `context`.
    pub fn command_for(&self, event: &KeyEvent, context: Context) -> Option<Command> {
        let binding = self
            .bindings
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

    /// The hint bar's hints in a context, most important first: `? help` and `q quit`, then
    /// the key table's order. A narrow terminal shows as many whole hints as fit.
    pub fn hints(&self, context: Context) -> Vec<(&str, &'static str)> {
        let mut hints: Vec<_> = self
            .bindings
            .iter()
            .filter(|b| b.contexts.contains(&context))
            .filter_map(|b| b.hint.map(|h| (b.command, b.label.as_str(), h)))
            .collect();
        // Stable: the rest keep the table's order.
        hints.sort_by_key(|(command, ..)| match command {
            Command::Help => 0,
            Command::Quit => 1,
            Command::ToggleToday => 2,
            _ => 3,
        });
        hints
            .into_iter()
            .map(|(_, label, hint)| (label, hint))
            .collect()
    }

    /// Every binding, in the table's order (the help).
    pub fn bindings(&self) -> &[Bound] {
        &self.bindings
    }
}

impl Key {
    /// How the help and the hints write the key.
    fn label(self) -> String {
        match self {
            Key::Char(' ') => "Space".into(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("^{c}"),
            Key::Code(code) => match code {
                KeyCode::Down => "↓".into(),
                KeyCode::Up => "↑".into(),
                KeyCode::Left => "←".into(),
                KeyCode::Right => "→".into(),
                KeyCode::PageDown => "PgDn".into(),
                KeyCode::PageUp => "PgUp".into(),
                KeyCode::BackTab => "S-Tab".into(),
                KeyCode::F(n) => format!("F{n}"),
                other => format!("{other:?}"),
            },
        }
    }
}

/// A key as the settings write it: one character (`E`, `?`), `ctrl-x`, or a name (`enter`,
/// `esc`, `tab`, `shift-tab`, `space`, `backspace`, `delete`, `up`, `down`, `left`, `right`,
/// `home`, `end`, `pageup`, `pagedown`, `f1` to `f12`).
pub fn parse_key(text: &str) -> Option<Key> {
    let mut chars = text.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return (!c.is_control()).then_some(Key::Char(c));
    }
    let lower = text.to_ascii_lowercase();
    if let Some(c) = lower.strip_prefix("ctrl-") {
        let mut chars = c.chars();
        return match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii_alphanumeric() => Some(Key::Ctrl(c)),
            _ => None,
        };
    }
    if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
        return (1..=12).contains(&n).then_some(Key::Code(KeyCode::F(n)));
    }
    let code = match lower.as_str() {
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "shift-tab" | "backtab" => KeyCode::BackTab,
        "space" => return Some(Key::Char(' ')),
        "backspace" => KeyCode::Backspace,
        "delete" => KeyCode::Delete,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        _ => return None,
    };
    Some(Key::Code(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command_for(event: &KeyEvent, context: Context) -> Option<Command> {
        Keymap::default().command_for(event, context)
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn every_hint_key_does_what_it_says() {
        for context in Context::ALL {
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

    fn remap(view: &str, name: &str, keys: &[&str], line: usize) -> Remap {
        Remap {
            view: view.into(),
            name: name.into(),
            keys: keys.iter().map(|k| k.to_string()).collect(),
            line,
        }
    }

    #[test]
    fn keys_read_as_the_settings_write_them() {
        assert_eq!(parse_key("E"), Some(Key::Char('E')));
        assert_eq!(parse_key("?"), Some(Key::Char('?')));
        assert_eq!(parse_key("ctrl-n"), Some(Key::Ctrl('n')));
        assert_eq!(parse_key("PageDown"), Some(Key::Code(KeyCode::PageDown)));
        assert_eq!(parse_key("shift-tab"), Some(Key::Code(KeyCode::BackTab)));
        assert_eq!(parse_key("f5"), Some(Key::Code(KeyCode::F(5))));
        assert_eq!(parse_key("space"), Some(Key::Char(' ')));
        for bad in ["", "ctrl-", "ctrl-ab", "f13", "hyper-x", "\t"] {
            assert_eq!(parse_key(bad), None, "{bad:?}");
        }
    }

    /// A remapped key does its command in its view only, the old key no longer does, and
    /// the help and the hints name the new one.
    #[test]
    fn a_remapped_key_works_in_its_view_and_shows_in_the_hints() {
        let keymap = Keymap::with(&[remap("list", "email", &["W", "ctrl-e"], 3)]).unwrap();
        let email = Some(Command::Touch(TouchKind::Email));
        assert_eq!(
            keymap.command_for(&key(KeyCode::Char('W')), Context::List),
            email
        );
        let ctrl_e = KeyEvent::new(KeyCode::Char('e'), KeyModifiers::CONTROL);
        assert_eq!(keymap.command_for(&ctrl_e, Context::List), email);
        assert_eq!(
            keymap.command_for(&key(KeyCode::Char('e')), Context::List),
            None
        );
        // The detail view keeps its key.
        assert_eq!(
            keymap.command_for(&key(KeyCode::Char('e')), Context::Detail),
            email
        );
        assert!(keymap.hints(Context::List).contains(&("W/^e", "email")));
        assert!(keymap.hints(Context::Detail).contains(&("e", "email")));
        let help: Vec<&str> = keymap.bindings().iter().map(|b| b.label.as_str()).collect();
        assert!(help.contains(&"W/^e") && help.contains(&"e"), "{help:?}");
    }

    #[test]
    fn bad_remaps_name_their_line_and_key() {
        let error = |remaps: &[Remap]| Keymap::with(remaps).unwrap_err();
        let e = error(&[remap("list", "email", &["c"], 4)]);
        assert_eq!((e.line, e.key.as_str()), (4, "keys.list.email"));
        assert_eq!(e.problem, "c is already the key of call (log a call)");
        let e = error(&[remap("inbox", "email", &["E"], 2)]);
        assert_eq!(
            e.problem,
            "no such view: the views are list, detail and analytics"
        );
        let e = error(&[remap("detail", "sort", &["x"], 2)]);
        assert!(
            e.problem
                .starts_with("no such command in the detail view: down, up"),
            "{}",
            e.problem
        );
        let e = error(&[remap("list", "email", &["ctrl-"], 7)]);
        assert_eq!((e.line, e.problem.as_str()), (7, "\"ctrl-\" is not a key"));
        // Swapping two keys is no conflict.
        Keymap::with(&[
            remap("list", "email", &["c"], 1),
            remap("list", "call", &["e"], 2),
        ])
        .unwrap();
    }
}
