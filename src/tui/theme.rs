//! Colours and emphasis, in three themes (`theme` in the settings). With `NO_COLOR` set, only
//! emphasis (bold, reverse, dim) remains.

use ratatui::style::{Color, Modifier, Style};

use crate::config::{Colors, ThemeName};

/// Whether `NO_COLOR` asks for no colour (set and not empty): the one reading of it.
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    color: bool,
    name: ThemeName,
    /// The settings' `[colors]`, each replacing the theme's.
    custom: Colors,
}

impl Theme {
    /// The theme `name`, in colour unless `NO_COLOR` is set.
    pub fn from_env(name: ThemeName) -> Theme {
        Theme::new(
            name,
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        )
    }

    /// The theme `name`, in colour or with emphasis only.
    pub fn new(name: ThemeName, color: bool) -> Theme {
        Theme {
            color,
            name,
            custom: Colors::default(),
        }
    }

    /// This theme with some of its colours replaced.
    pub fn with_colors(self, custom: Colors) -> Theme {
        Theme { custom, ..self }
    }

    pub fn plain() -> Theme {
        Theme::new(ThemeName::Default, false)
    }

    /// `custom` when the settings give it, else the theme's `style`.
    fn or_custom(self, custom: Option<Color>, style: Style) -> Style {
        match custom {
            Some(color) if self.color => style.fg(color),
            _ => style,
        }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::default().fg(color)
        } else {
            Style::default()
        }
    }

    /// The colour for `default`, `light` and `high-contrast`: bright colours read on a dark
    /// background and on most light ones; the light theme's darker ones on a light
    /// background; high contrast keeps the bright ones and makes them bold.
    fn pick(self, default: Color, light: Color) -> Style {
        match self.name {
            ThemeName::Default => self.fg(default),
            ThemeName::Light => self.fg(light),
            ThemeName::HighContrast => self.fg(default).add_modifier(Modifier::BOLD),
        }
    }

    pub fn overdue(self) -> Style {
        let style = self
            .pick(Color::LightRed, Color::Red)
            .add_modifier(Modifier::BOLD);
        self.or_custom(self.custom.overdue, style)
    }
    pub fn due_soon(self) -> Style {
        self.or_custom(
            self.custom.due_soon,
            self.pick(Color::Yellow, Color::Magenta),
        )
    }
    /// Faint text: the terminal's own colour, dimmed (a fixed grey such as colour 8 is the
    /// background of some dark themes, Solarized Dark among them). High contrast does not
    /// dim.
    pub fn quiet(self) -> Style {
        match self.name {
            ThemeName::HighContrast => Style::default(),
            _ => Style::default().add_modifier(Modifier::DIM),
        }
    }
    pub fn selected(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
    pub fn header(self) -> Style {
        let style = self
            .pick(Color::Cyan, Color::Blue)
            .add_modifier(Modifier::BOLD);
        self.or_custom(self.custom.header, style)
    }
    pub fn tab_active(self) -> Style {
        if self.color {
            let background = match (self.custom.tab, self.name) {
                (Some(custom), _) => custom,
                (None, ThemeName::Light) => Color::Blue,
                (None, _) => Color::Cyan,
            };
            let text = match self.name {
                ThemeName::Light => Color::White,
                _ => Color::Black,
            };
            Style::default()
                .fg(text)
                .bg(background)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        }
    }
    pub fn key(self) -> Style {
        let style = self
            .pick(Color::Cyan, Color::Blue)
            .add_modifier(Modifier::BOLD);
        self.or_custom(self.custom.key, style)
    }
    pub fn error(self) -> Style {
        let style = self
            .pick(Color::LightRed, Color::Red)
            .add_modifier(Modifier::BOLD);
        self.or_custom(self.custom.error, style)
    }
    pub fn label(self) -> Style {
        match self.name {
            ThemeName::Default => self.fg(Color::Gray),
            ThemeName::Light | ThemeName::HighContrast => Style::default(),
        }
        .add_modifier(Modifier::BOLD)
    }
    pub fn badge(self, action: Option<&crate::domain::Action>) -> Style {
        use crate::domain::Action;
        match action {
            Some(Action::StartTestDrive) => self
                .pick(Color::LightMagenta, Color::Magenta)
                .add_modifier(Modifier::BOLD),
            Some(Action::Ins) => self.pick(Color::LightGreen, Color::Green),
            Some(Action::Plt) => self.pick(Color::LightBlue, Color::Blue),
            Some(Action::Create) => self.pick(Color::LightCyan, Color::Cyan),
            Some(Action::Dnc) => self.quiet(),
            _ => self.pick(Color::Yellow, Color::Magenta),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(name: ThemeName) -> Theme {
        Theme::new(name, true)
    }

    #[test]
    fn each_theme_has_its_own_colours_and_none_uses_a_fixed_grey() {
        let default = theme(ThemeName::Default);
        let light = theme(ThemeName::Light);
        let contrast = theme(ThemeName::HighContrast);
        assert_eq!(default.overdue().fg, Some(Color::LightRed));
        assert_eq!(light.overdue().fg, Some(Color::Red));
        assert!(contrast.due_soon().add_modifier.contains(Modifier::BOLD));
        assert!(default.quiet().add_modifier.contains(Modifier::DIM));
        assert!(!contrast.quiet().add_modifier.contains(Modifier::DIM));
        for t in [default, light, contrast] {
            for style in [t.quiet(), t.label(), t.header(), t.key(), t.badge(None)] {
                assert_ne!(style.fg, Some(Color::DarkGray));
            }
        }
    }

    #[test]
    fn without_colour_only_emphasis_remains() {
        let custom = Colors {
            overdue: Some(Color::Indexed(208)),
            ..Colors::default()
        };
        let plain = Theme::new(ThemeName::Light, false).with_colors(custom);
        assert_eq!(plain.overdue().fg, None);
        assert!(plain.overdue().add_modifier.contains(Modifier::BOLD));
        assert_eq!(plain.tab_active().bg, None);
    }

    #[test]
    fn the_settings_colours_replace_the_themes_one_by_one() {
        let custom = Colors {
            overdue: Some(Color::Indexed(208)),
            tab: Some(Color::Rgb(0x12, 0x34, 0x56)),
            ..Colors::default()
        };
        let t = theme(ThemeName::Default).with_colors(custom);
        assert_eq!(t.overdue().fg, Some(Color::Indexed(208)));
        assert!(t.overdue().add_modifier.contains(Modifier::BOLD));
        assert_eq!(t.tab_active().bg, Some(Color::Rgb(0x12, 0x34, 0x56)));
        assert_eq!(t.due_soon().fg, Some(Color::Yellow), "not replaced");
    }
}
