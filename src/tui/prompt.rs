//! The inbox's prompts and pickers: each turns a key into what it means for itself, with its
//! own keys, and leaves what to do about it to [`super::app::App::step`].

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::domain::Status;

/// A one-line text input (search, note, owner, path).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Input {
    pub text: String,
}

/// What a key did to an [`Input`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typed {
    /// The text changed.
    Edited,
    /// Enter.
    Submit,
    /// Esc.
    Cancel,
    /// Tab.
    Complete,
    /// Up or Down: for the list under the prompt.
    Move,
    /// Nothing the input knows.
    Ignored,
}

impl Input {
    pub fn with(text: &str) -> Input {
        Input {
            text: text.to_string(),
        }
    }

    /// Applies `key` to the text: typing, Backspace, ^u (clear), ^w (delete a word).
    pub fn key(&mut self, key: &KeyEvent) -> Typed {
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter => Typed::Submit,
            KeyCode::Esc => Typed::Cancel,
            KeyCode::Tab => Typed::Complete,
            KeyCode::Up | KeyCode::Down => Typed::Move,
            KeyCode::Backspace => edited(self.text.pop().is_some()),
            KeyCode::Char('u') if control => {
                let changed = !self.text.is_empty();
                self.text.clear();
                edited(changed)
            }
            KeyCode::Char('w') if control => {
                let cut = self.text.trim_end().rfind(' ').map_or(0, |i| i + 1);
                let changed = cut != self.text.len();
                self.text.truncate(cut);
                edited(changed)
            }
            KeyCode::Char(c) if !control && !c.is_control() => {
                self.text.push(c);
                Typed::Edited
            }
            _ => Typed::Ignored,
        }
    }
}

fn edited(changed: bool) -> Typed {
    if changed {
        Typed::Edited
    } else {
        Typed::Ignored
    }
}

/// What a key did to the status picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picked {
    Moved,
    Status(Status),
    Cancel,
    Ignored,
}

/// The status picker: `j`/`k` or the arrows move, Enter picks, a status's first letter picks
/// it at once, Esc cancels. `selected` is the highlighted entry of [`Status::ALL`].
pub fn pick_status(selected: &mut usize, key: &KeyEvent) -> Picked {
    let count = Status::ALL.len();
    match key.code {
        KeyCode::Char('j') | KeyCode::Down => {
            *selected = (*selected + 1) % count;
            Picked::Moved
        }
        KeyCode::Char('k') | KeyCode::Up => {
            *selected = (*selected + count - 1) % count;
            Picked::Moved
        }
        KeyCode::Enter => Picked::Status(Status::ALL[*selected]),
        KeyCode::Esc => Picked::Cancel,
        KeyCode::Char(c) => Status::ALL
            .iter()
            .copied()
            .find(|s| s.as_str().starts_with(c))
            .map_or(Picked::Ignored, Picked::Status),
        _ => Picked::Ignored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn an_input_edits_and_says_what_a_key_meant() {
        let mut input = Input::with("call back ");
        assert_eq!(input.key(&press(KeyCode::Char('x'))), Typed::Edited);
        assert_eq!(input.text, "call back x");
        let ctrl_w = KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL);
        assert_eq!(input.key(&ctrl_w), Typed::Edited);
        assert_eq!(input.text, "call back ");
        assert_eq!(input.key(&press(KeyCode::Enter)), Typed::Submit);
        assert_eq!(input.key(&press(KeyCode::Esc)), Typed::Cancel);
        assert_eq!(input.key(&press(KeyCode::Down)), Typed::Move);
        let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
        assert_eq!(input.key(&ctrl_u), Typed::Edited);
        assert_eq!(input.key(&ctrl_u), Typed::Ignored);
        assert_eq!(input.text, "");
    }

    #[test]
    fn the_picker_moves_around_and_picks_by_letter() {
        let mut selected = 0;
        assert_eq!(
            pick_status(&mut selected, &press(KeyCode::Char('k'))),
            Picked::Moved
        );
        assert_eq!(selected, 4);
        assert_eq!(
            pick_status(&mut selected, &press(KeyCode::Enter)),
            Picked::Status(Status::Lost)
        );
        assert_eq!(
            pick_status(&mut selected, &press(KeyCode::Char('q'))),
            Picked::Status(Status::Qualified)
        );
        assert_eq!(
            pick_status(&mut selected, &press(KeyCode::Char('z'))),
            Picked::Ignored
        );
    }
}
