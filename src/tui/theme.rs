//! Colours and emphasis. With `NO_COLOR` set, only emphasis (bold, reverse, dim) remains.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    color: bool,
}

impl Theme {
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    pub fn plain() -> Theme {
        Theme { color: false }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::default().fg(color)
        } else {
            Style::default()
        }
    }

    pub fn overdue(self) -> Style {
        self.fg(Color::LightRed).add_modifier(Modifier::BOLD)
    }
    pub fn due_soon(self) -> Style {
        self.fg(Color::Yellow)
    }
    /// Faint text: the terminal's own colour, dimmed (a fixed grey such as colour 8 is the
    /// background of some dark themes, Solarized Dark among them).
    pub fn quiet(self) -> Style {
        Style::default().add_modifier(Modifier::DIM)
    }
    pub fn selected(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
    pub fn header(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn tab_active(self) -> Style {
        if self.color {
            Style::default()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        }
    }
    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn error(self) -> Style {
        self.fg(Color::LightRed).add_modifier(Modifier::BOLD)
    }
    pub fn label(self) -> Style {
        self.fg(Color::Gray).add_modifier(Modifier::BOLD)
    }
    pub fn badge(self, action: Option<&crate::domain::Action>) -> Style {
        use crate::domain::Action;
        match action {
            Some(Action::StartTestDrive) => {
                self.fg(Color::LightMagenta).add_modifier(Modifier::BOLD)
            }
            Some(Action::Ins) => self.fg(Color::LightGreen),
            Some(Action::Plt) => self.fg(Color::LightBlue),
            Some(Action::Create) => self.fg(Color::LightCyan),
            Some(Action::Dnc) => self.quiet(),
            _ => self.fg(Color::Yellow),
        }
    }
}
