//! The rep's settings: one TOML file, `config.toml` in the platform's config folder
//! (`~/.config/leadbox/config.toml` on Linux), or the file `--config` or `LEADBOX_CONFIG`
//! names. Every setting is optional. A file with an unknown key, a value of the wrong type or
//! out of range is refused as a whole, naming its line and key: leadbox never runs half
//! configured.

use ratatui::style::Color;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::domain::follow_up;
use crate::domain::sla::DEFAULT_SLA_HOURS;
use crate::domain::time::{Shown, Zone};
use crate::domain::{Action, SortKey};

/// The settings, each with its default.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Hours after it arrives that a contactable lead's first touch is due.
    pub sla_hours: i64,
    /// The SLA compliance a day should reach, in percent: the line the analytics view draws
    /// its days against.
    pub sla_target: u8,
    /// The store, when neither `--db` nor `LEADBOX_DB` names one.
    pub store: Option<PathBuf>,
    /// The inbox's colours.
    pub theme: ThemeName,
    /// Whether the inbox takes the mouse (wheel and clicks); off leaves the terminal's own
    /// selection to it.
    pub mouse: bool,
    /// The zone times are shown in (an IANA name); none: `TZ`, else the system's zone.
    pub time_zone: Option<Zone>,
    /// The rep's own name, which `me` stands for as an owner; none: the login name.
    pub owner: Option<String>,
    /// How dates and times are shown (a `strftime` pattern); none: each view's own.
    pub date_format: Option<String>,
    /// The command line that opens a draft's `mailto:` URL (`{url}` stands for it, else it
    /// goes last); none: the system's opener.
    pub mail_command: Option<String>,
    /// The folder whose email templates replace the shipped ones of the same name.
    pub templates: Option<PathBuf>,
    /// The inbox's remapped keys, in the file's order (`tui::keys::Keymap` checks them).
    pub keys: Vec<KeyRemap>,
    /// Colours of the theme replaced one by one.
    pub colors: Colors,
    /// What the inbox shows first.
    pub inbox: InboxStart,
    /// `[follow_up]`: the cadence, the day start, the checklist, the lost reasons.
    pub follow_up: follow_up::Rules,
}

/// `[follow_up]` as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFollowUp {
    cadence_days: Option<Vec<u32>>,
    day_start: Option<String>,
    checklist: Option<Vec<String>>,
    lost_reasons: Option<Vec<String>>,
    min_touch_days: Option<u32>,
}

/// `[inbox]`: the view, the filter, the sort order and the test leads the inbox opens with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InboxStart {
    /// The Today view (the default) or the full list.
    pub today: bool,
    /// The filter tab: 0 All, then the known actions in the bar's order, then Other.
    pub tab: usize,
    pub sort: SortKey,
    pub test_leads: bool,
}

impl Default for InboxStart {
    fn default() -> InboxStart {
        InboxStart {
            today: true,
            tab: 0,
            sort: SortKey::default(),
            test_leads: false,
        }
    }
}

/// `[inbox]` as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawInbox {
    view: Option<String>,
    tab: Option<String>,
    sort: Option<String>,
    test_leads: Option<bool>,
}

/// The colours of `[colors]`, each replacing the theme's: a name (`red`, `light-blue`...),
/// `#rrggbb`, or a number of the terminal's 256 colours.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Colors {
    /// An overdue lead's SLA cell, and the overdue count.
    pub overdue: Option<Color>,
    /// A lead due within 4 hours.
    pub due_soon: Option<Color>,
    /// Column headers.
    pub header: Option<Color>,
    /// Keys in the hint bar and the help.
    pub key: Option<Color>,
    /// The selected filter's background.
    pub tab: Option<Color>,
    /// Error messages.
    pub error: Option<Color>,
}

/// `[colors]` as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawColors {
    overdue: Option<String>,
    due_soon: Option<String>,
    header: Option<String>,
    key: Option<String>,
    tab: Option<String>,
    error: Option<String>,
}

impl Config {
    /// The zone times are shown in.
    pub fn zone(&self) -> Zone {
        self.time_zone.unwrap_or(Zone::Local)
    }

    /// How the command line shows times: in the settings' zone, with `date_format` or
    /// `2026-11-20 09:00`.
    pub fn shown(&self) -> Shown {
        Shown {
            zone: self.zone(),
            pattern: self
                .date_format
                .clone()
                .unwrap_or_else(|| "%Y-%m-%d %H:%M".into()),
        }
    }

    /// Who `me` is: the `owner` setting, else the login name (`USER`, `USERNAME`).
    pub fn me(&self) -> Option<String> {
        self.owner.clone().or_else(|| {
            ["USER", "USERNAME"]
                .iter()
                .find_map(|v| std::env::var(v).ok())
                .map(|name| name.trim().to_string())
                .filter(|name| !name.is_empty())
        })
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            sla_hours: DEFAULT_SLA_HOURS,
            sla_target: DEFAULT_SLA_TARGET,
            store: None,
            theme: ThemeName::Default,
            mouse: true,
            time_zone: None,
            owner: None,
            date_format: None,
            mail_command: None,
            templates: None,
            keys: Vec::new(),
            colors: Colors::default(),
            inbox: InboxStart::default(),
            follow_up: follow_up::Rules::default(),
        }
    }
}

/// One line of `[keys.VIEW]`: in `view`, the command `name` takes `keys`.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyRemap {
    pub view: String,
    pub name: String,
    pub keys: Vec<String>,
    /// Its line in the settings file.
    pub line: usize,
}

/// The file as serde reads it; [`Config`] adds each remapping's line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    sla_hours: Option<i64>,
    sla_target: Option<i64>,
    store: Option<PathBuf>,
    theme: Option<ThemeName>,
    mouse: Option<bool>,
    time_zone: Option<String>,
    owner: Option<String>,
    date_format: Option<String>,
    mail_command: Option<String>,
    templates: Option<PathBuf>,
    #[serde(default)]
    colors: RawColors,
    #[serde(default)]
    inbox: RawInbox,
    #[serde(default)]
    follow_up: RawFollowUp,
    #[serde(default)]
    keys: std::collections::BTreeMap<
        String,
        std::collections::BTreeMap<String, toml::Spanned<OneOrMore>>,
    >,
}

/// `[keys.VIEW]` as written: by view, each command's keys with where they are.
type RawKeys = BTreeMap<String, BTreeMap<String, toml::Spanned<OneOrMore>>>;

/// A key, or a list of keys.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMore {
    One(String),
    More(Vec<String>),
}

/// The themes of the inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeName {
    /// Reads on dark and light terminals alike.
    #[default]
    Default,
    /// Darker colours, for a light background.
    Light,
    /// Bold, saturated colours and no dimmed text.
    HighContrast,
}

/// The SLA hours a setting may have: an hour to a month.
const SLA_HOURS: std::ops::RangeInclusive<i64> = 1..=720;

/// The SLA compliance target, in percent, unless the settings say otherwise.
pub const DEFAULT_SLA_TARGET: u8 = 90;

/// The targets a setting may have, in percent.
const SLA_TARGETS: std::ops::RangeInclusive<i64> = 1..=100;

/// The file the settings come from.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub path: PathBuf,
    /// Named by `--config` or `LEADBOX_CONFIG`: it must then exist.
    pub named: bool,
}

/// A configuration that cannot be used, said in one line.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    #[error("{}: no such file (named by --config or LEADBOX_CONFIG)", .0.display())]
    Missing(PathBuf),
    #[error("{}: {problem}", .path.display())]
    Unreadable { path: PathBuf, problem: String },
    /// `file:line: key: problem`.
    #[error("{}:{line}: {}{problem}", .path.display(), key.as_ref().map(|k| format!("{k}: ")).unwrap_or_default())]
    Invalid {
        path: PathBuf,
        line: usize,
        key: Option<String>,
        problem: String,
    },
    #[error("cannot find a config folder: name the file with --config or LEADBOX_CONFIG")]
    NoConfigDir,
}

/// Where the settings are read from: `flag` (`--config`), else `LEADBOX_CONFIG`, else the
/// platform's config folder.
pub fn source(flag: Option<&Path>) -> Result<Source, ConfigError> {
    if let Some(path) = flag {
        return Ok(Source {
            path: path.to_path_buf(),
            named: true,
        });
    }
    if let Some(path) = std::env::var_os("LEADBOX_CONFIG").filter(|p| !p.is_empty()) {
        return Ok(Source {
            path: PathBuf::from(path),
            named: true,
        });
    }
    let dirs = directories::ProjectDirs::from("", "", "leadbox").ok_or(ConfigError::NoConfigDir)?;
    Ok(Source {
        path: dirs.config_dir().join("config.toml"),
        named: false,
    })
}

/// The settings of `source`: the defaults when the platform's file does not exist.
pub fn load(source: &Source) -> Result<Config, ConfigError> {
    let text = match std::fs::read_to_string(&source.path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !source.named => {
            return Ok(Config::default())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ConfigError::Missing(source.path.clone()))
        }
        Err(e) => {
            return Err(ConfigError::Unreadable {
                path: source.path.clone(),
                problem: crate::io_error::describe(&e),
            })
        }
    };
    parse(&source.path, &text)
}

/// The settings in `text`, the contents of `path`.
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |span| line_of(text, span.start));
        ConfigError::Invalid {
            path: path.to_path_buf(),
            line,
            key: key_on(text, line),
            problem: plain_problem(e.message()),
        }
    })?;
    settings_of(raw, text).map_err(|(table, key, problem)| ConfigError::Invalid {
        path: path.to_path_buf(),
        line: key_line_in(text, table, key).unwrap_or(1),
        key: Some(match table {
            Some(table) => format!("{table}.{key}"),
            None => key.to_string(),
        }),
        problem,
    })
}

/// A setting that cannot be used: its table (none: the top of the file), its key, and why.
type Refusal = (Option<&'static str>, &'static str, String);

/// The settings of a file serde has read, each checked.
fn settings_of(raw: RawConfig, text: &str) -> Result<Config, Refusal> {
    let defaults = Config::default();
    let sla_hours = raw.sla_hours.unwrap_or(defaults.sla_hours);
    if !SLA_HOURS.contains(&sla_hours) {
        let (low, high) = (SLA_HOURS.start(), SLA_HOURS.end());
        let problem = format!("{sla_hours} is out of range: from {low} to {high} hours");
        return Err((None, "sla_hours", problem));
    }
    let sla_target = raw.sla_target.unwrap_or(defaults.sla_target.into());
    if !SLA_TARGETS.contains(&sla_target) {
        let (low, high) = (SLA_TARGETS.start(), SLA_TARGETS.end());
        let problem = format!("{sla_target} is out of range: from {low} to {high} percent");
        return Err((None, "sla_target", problem));
    }
    Ok(Config {
        sla_hours,
        sla_target: sla_target as u8,
        store: raw.store,
        theme: raw.theme.unwrap_or(defaults.theme),
        mouse: raw.mouse.unwrap_or(defaults.mouse),
        time_zone: time_zone(raw.time_zone.as_deref())?,
        owner: owner(raw.owner.as_deref())?,
        date_format: date_format(raw.date_format)?,
        mail_command: mail_command(raw.mail_command)?,
        templates: templates(raw.templates)?,
        keys: key_remaps(raw.keys, text),
        colors: colors(&raw.colors)?,
        inbox: inbox_start(&raw.inbox)?,
        follow_up: follow_up_rules(raw.follow_up)?,
    })
}

/// `[follow_up]` checked: a cadence of 1 to 365 days a step, a day start as HH:MM, named
/// checklist items and lost reasons.
fn follow_up_rules(raw: RawFollowUp) -> Result<follow_up::Rules, Refusal> {
    let defaults = follow_up::Rules::default();
    let refuse = |key: &'static str, problem: String| (Some("follow_up"), key, problem);
    let cadence_days = raw.cadence_days.unwrap_or(defaults.cadence_days);
    if cadence_days.is_empty() || cadence_days.iter().any(|d| !(1..=365).contains(d)) {
        let problem = "give one or more steps of 1 to 365 days, e.g. [2, 5, 10]".to_string();
        return Err(refuse("cadence_days", problem));
    }
    let day_start = match raw.day_start {
        None => defaults.day_start,
        Some(text) => chrono::NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| {
            refuse(
                "day_start",
                format!("{text:?} is no time of day: give HH:MM, e.g. \"09:00\""),
            )
        })?,
    };
    let names = |key: &'static str, list: Option<Vec<String>>, default: Vec<String>| {
        let list: Vec<String> = list
            .unwrap_or(default)
            .iter()
            .map(|item| item.trim().to_string())
            .collect();
        match list.iter().any(String::is_empty) {
            true => Err(refuse(key, "an empty name in the list".into())),
            false => Ok(list),
        }
    };
    let checklist = names("checklist", raw.checklist, defaults.checklist)?;
    let lost_reasons = names("lost_reasons", raw.lost_reasons, defaults.lost_reasons)?;
    if lost_reasons.is_empty() {
        return Err(refuse("lost_reasons", "give at least one reason".into()));
    }
    let min_touch_days = raw.min_touch_days.unwrap_or(defaults.min_touch_days);
    if min_touch_days > 30 {
        return Err(refuse(
            "min_touch_days",
            format!("{min_touch_days} is out of range: from 0 to 30"),
        ));
    }
    Ok(follow_up::Rules {
        cadence_days,
        day_start,
        checklist,
        lost_reasons,
        min_touch_days,
    })
}

fn time_zone(name: Option<&str>) -> Result<Option<Zone>, Refusal> {
    let Some(name) = name else { return Ok(None) };
    Zone::named(name).map(Some).ok_or_else(|| {
        let problem = format!(
            "{name:?} is not a time zone: give an IANA name such as \"Europe/Berlin\" or \"UTC\""
        );
        (None, "time_zone", problem)
    })
}

fn date_format(pattern: Option<String>) -> Result<Option<String>, Refusal> {
    match pattern {
        Some(p) if !crate::domain::time::is_date_format(&p) => Err((
            None,
            "date_format",
            format!("{p:?} is no date format: use strftime's %Y, %m, %d, %H, %M... e.g. \"%d.%m.%Y %H:%M\""),
        )),
        pattern => Ok(pattern),
    }
}

fn owner(owner: Option<&str>) -> Result<Option<String>, Refusal> {
    match owner.map(str::trim) {
        Some("") => Err((
            None,
            "owner",
            "empty: remove the line to use the login name".into(),
        )),
        owner => Ok(owner.map(str::to_string)),
    }
}

/// A command line that splits into words (`compose::send::split_command_line`).
fn mail_command(command: Option<String>) -> Result<Option<String>, Refusal> {
    let Some(command) = command else {
        return Ok(None);
    };
    if command.trim().is_empty() {
        let problem = "empty: remove the line to use the system's opener".to_string();
        return Err((None, "mail_command", problem));
    }
    crate::compose::send::split_command_line(&command)
        .map_err(|problem| (None, "mail_command", format!("{command:?}: {problem}")))?;
    Ok(Some(command))
}

fn templates(folder: Option<PathBuf>) -> Result<Option<PathBuf>, Refusal> {
    match folder {
        Some(folder) if folder.as_os_str().is_empty() => Err((
            None,
            "templates",
            "empty: remove the line to use the shipped templates".into(),
        )),
        folder => Ok(folder),
    }
}

/// `[keys.VIEW]`'s lines in the file's order, each with its line.
fn key_remaps(raw: RawKeys, text: &str) -> Vec<KeyRemap> {
    let mut keys: Vec<KeyRemap> = raw
        .into_iter()
        .flat_map(|(view, names)| {
            names.into_iter().map(move |(name, keys)| KeyRemap {
                view: view.clone(),
                name,
                line: line_of(text, keys.span().start),
                keys: match keys.into_inner() {
                    OneOrMore::One(key) => vec![key],
                    OneOrMore::More(keys) => keys,
                },
            })
        })
        .collect();
    keys.sort_by_key(|k| k.line);
    keys
}

fn colors(raw: &RawColors) -> Result<Colors, Refusal> {
    let color = |key: &'static str, value: &Option<String>| -> Result<Option<Color>, Refusal> {
        let Some(value) = value else { return Ok(None) };
        value.parse::<Color>().map(Some).map_err(|_| {
            let problem = format!(
                "{value:?} is not a colour: a name (red, light-blue...), #rrggbb or 0 to 255"
            );
            (Some("colors"), key, problem)
        })
    };
    Ok(Colors {
        overdue: color("overdue", &raw.overdue)?,
        due_soon: color("due_soon", &raw.due_soon)?,
        header: color("header", &raw.header)?,
        key: color("key", &raw.key)?,
        tab: color("tab", &raw.tab)?,
        error: color("error", &raw.error)?,
    })
}

/// `[inbox]` checked: the tab by its name in the filter bar, the sort by its name.
fn inbox_start(raw: &RawInbox) -> Result<InboxStart, Refusal> {
    let tabs: Vec<&str> = std::iter::once("All")
        .chain(Action::KNOWN.iter().map(Action::as_str))
        .chain(["Other"])
        .collect();
    let tab = match &raw.tab {
        None => 0,
        Some(name) => tabs
            .iter()
            .position(|t| t.eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                let problem = format!("{name:?} is no filter: {}", tabs.join(", "));
                (Some("inbox"), "tab", problem)
            })?,
    };
    let sort = match &raw.sort {
        None => SortKey::default(),
        Some(name) => SortKey::ALL
            .iter()
            .copied()
            .find(|k| k.as_str().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                let names: Vec<&str> = SortKey::ALL.iter().map(|k| k.as_str()).collect();
                let problem = format!("{name:?} is no sort order: {}", names.join(", "));
                (Some("inbox"), "sort", problem)
            })?,
    };
    let today = match raw.view.as_deref().map(str::trim) {
        None => true,
        Some(view) if view.eq_ignore_ascii_case("today") => true,
        Some(view) if view.eq_ignore_ascii_case("list") => false,
        Some(view) => {
            let problem = format!("{view:?} is no view: today or list");
            return Err((Some("inbox"), "view", problem));
        }
    };
    Ok(InboxStart {
        today,
        tab,
        sort,
        test_leads: raw.test_leads.unwrap_or(false),
    })
}

/// The line (1-based) of the byte at `offset`.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The key that line `line` sets (`key = value`), or the table it opens (`[table]`).
fn key_on(text: &str, line: usize) -> Option<String> {
    let line = text.lines().nth(line - 1)?;
    table_on_line(line)
        .or_else(|| key_on_line(line))
        .filter(|key| !key.is_empty())
        .map(str::to_string)
}

/// The line that sets `key` in the table `table` (none: the top of the file).
fn key_line_in(text: &str, table: Option<&str>, key: &str) -> Option<usize> {
    let mut current: Option<String> = None;
    for (at, line) in text.lines().enumerate() {
        if let Some(name) = table_on_line(line) {
            current = Some(name.to_string());
        } else if current.as_deref() == table && key_on_line(line) == Some(key) {
            return Some(at + 1);
        }
    }
    None
}

/// The table a line opens (`[name]`).
fn table_on_line(line: &str) -> Option<&str> {
    let name = line.trim().strip_prefix('[')?;
    Some(name.trim_end_matches(']').trim())
}

/// The key a line sets (`key = value`).
fn key_on_line(line: &str) -> Option<&str> {
    let (key, _) = line.trim().split_once('=')?;
    Some(key.trim().trim_matches('"'))
}

/// serde's wording, in the words a rep reads: `expected an integer`, not `expected i64`.
fn plain_problem(message: &str) -> String {
    let message = message.trim();
    if message.contains("untagged enum OneOrMore") {
        return "expected a key in quotes or a list of keys".into();
    }
    let message = message
        .replace("expected i64", "expected an integer")
        .replace("expected a boolean", "expected true or false")
        .replace("expected a string", "expected a text in quotes")
        .replace("expected path string", "expected a path in quotes");
    match message.split_once(", expected ") {
        // `invalid type: string "x", expected an integer` -> `expected an integer, found string "x"`
        Some((found, expected)) if found.starts_with("invalid type: ") => format!(
            "expected {expected}, found {}",
            found.trim_start_matches("invalid type: ")
        ),
        _ => message,
    }
}

/// What `leadbox config init` writes: every setting, commented out, at its default.
pub const DEFAULT_FILE: &str = r#"# leadbox's settings. Every line is optional: remove the leading '#' to change one.
# An unknown key or a value of the wrong type stops leadbox with a message naming its line.

# Hours after it arrives that a lead's first touch is due (1 to 720). Changing it computes
# every stored lead's due time again, in the inbox, list, stats and exports alike.
# sla_hours = 24

# The share of a day's leads that should get their first touch in time, in percent (1 to
# 100): the inbox's analytics view (A) draws each day's SLA compliance against it.
# sla_target = 90

# The store, when neither --db nor LEADBOX_DB names one
# (default: the platform's data folder, e.g. ~/.local/share/leadbox/leads.db).
# store = "/home/me/leads/leads.db"

# The inbox's colours: "default" (dark and light terminals), "light" (darker colours for a
# light background) or "high-contrast". NO_COLOR=1 in the environment turns colours off.
# theme = "default"

# The time zone times are shown in, an IANA name (default: TZ, else the system's zone).
# time_zone = "Europe/Berlin"

# How dates and times are shown in the inbox and the tables (strftime: %Y year, %m month,
# %d day, %b month name, %H:%M time). Default: "Nov 20 09:00" in the inbox, "2026-11-20
# 09:00" in the tables.
# date_format = "%d.%m.%Y %H:%M"

# Your name as an owner: `leadbox assign ID me` and `me` in the inbox's owner prompt stand
# for it (default: your login name).
# owner = "Ana Lopez"

# The command that opens an email draft in your mail program, given its mailto: URL: {url}
# in it stands for the URL, else the URL goes last (default: the system's opener, xdg-open,
# open or start). Words split at spaces; quotes keep spaces in one.
# mail_command = "thunderbird -compose {url}"

# A folder of your own email templates (NAME.txt), each replacing the shipped template of
# that name (the README's "Email templates" lists them and their values).
# templates = "/home/me/leads/templates"

# Whether the inbox takes the mouse (wheel scrolls, a click selects). false leaves the
# terminal's own text selection alone.
# mouse = true

# Tables come last in a TOML file: a setting above must stay above them.

# What the inbox opens with: the view (today: the customers to act on now; list: every
# lead), a filter of the bar (All, INS, PLT, DNC, Create, StartTestDrive, Other), a sort
# order (urgency, received, company, offer), test leads shown.
# [inbox]
# view = "today"
# tab = "All"
# sort = "urgency"
# test_leads = false

# Following customers up after the first touch. cadence_days: each step's gap, in calendar
# days after the previous customer touch (after the last step, a decision is due as long
# after); day_start: when "tomorrow" and a weekday start, as a snooze; checklist: what
# qualifying a customer requires; lost_reasons: what a lost lead may be closed for (beside
# "other: TEXT"); min_touch_days: closing a customer touched on fewer days asks first.
# [follow_up]
# cadence_days = [2, 5, 10]
# day_start = "09:00"
# checklist = ["budget", "authority", "need", "timeline"]
# lost_reasons = ["no response", "no budget", "not a fit", "competitor", "opted out"]
# min_touch_days = 3

# Colours replacing the theme's, one by one: a name (red, light-blue...), #rrggbb, or 0-255.
# [colors]
# overdue = "light-red"
# due_soon = "yellow"
# header = "cyan"
# key = "cyan"
# tab = "cyan"
# error = "light-red"

# The inbox's keys, per view (list, detail, analytics): a command's name and its key, or a
# list of keys.
# Keys: one character (E, ?), ctrl-x, or enter, esc, tab, shift-tab, space, backspace,
# delete, up, down, left, right, home, end, pageup, pagedown, f1 to f12. The help (?) and the
# hint bar show the keys in use; two commands of one view on one key are refused.
# Commands: down, up, top, bottom, page_down, page_up, next_tab, prev_tab, search, sort, open,
# email, call, meeting, note, status, owner, test_leads, undo, delete, today, snooze,
# compose, mark, mark_range, mark_all, checklist, copy, export, mine, import, help, back,
# quit, analytics; in the analytics view also window and mute (the filter digits 1-7 and
# ctrl-c stay as they are).
# [keys.list]
# email = "W"
# down = ["j", "down", "ctrl-n"]
# [keys.detail]
# email = "W"
"#;

/// Writes [`DEFAULT_FILE`] to `path` (its folder made if needed); refuses an existing file.
pub fn init(path: &Path) -> Result<(), ConfigError> {
    let unreadable = |e: std::io::Error| ConfigError::Unreadable {
        path: path.to_path_buf(),
        problem: crate::io_error::describe(&e),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(unreadable)?;
    }
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => ConfigError::Unreadable {
                path: path.to_path_buf(),
                problem: "already exists: leadbox leaves it as it is".into(),
            },
            _ => unreadable(e),
        })?;
    file.write_all(DEFAULT_FILE.as_bytes()).map_err(unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        parse(Path::new("config.toml"), text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn the_default_file_is_the_default_configuration() {
        let config = parse(Path::new("config.toml"), DEFAULT_FILE).unwrap();
        assert_eq!(config, Config::default());
        // Every command the keys can be given to is named.
        let named: String = DEFAULT_FILE
            .lines()
            .skip_while(|l| !l.starts_with("# Commands:"))
            .take_while(|l| !l.starts_with("# ["))
            .collect();
        for binding in crate::tui::keys::KEYMAP {
            if let Some(name) = binding.name {
                assert!(
                    named.contains(&format!(" {name},")) || named.contains(&format!(" {name} ")),
                    "{name} is not in the settings file's list of commands"
                );
            }
        }
        // With every setting uncommented, it still parses, to the same values.
        let uncommented: String = DEFAULT_FILE
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.contains(" = ") || rest.starts_with('[') => format!("{rest}\n"),
                _ => format!("{l}\n"),
            })
            .collect();
        let config = parse(Path::new("config.toml"), &uncommented).unwrap();
        assert_eq!(config.sla_hours, 24);
        assert_eq!(config.theme, ThemeName::Default);
        assert!(config.mouse);
        assert_eq!(config.store, Some(PathBuf::from("/home/me/leads/leads.db")));
        assert_eq!(config.keys.len(), 3);
        assert_eq!(config.zone(), Zone::named("Europe/Berlin").unwrap());
        assert_eq!(config.date_format.as_deref(), Some("%d.%m.%Y %H:%M"));
        assert_eq!(config.colors.overdue, Some(Color::LightRed));
        assert_eq!(config.colors.due_soon, Some(Color::Yellow));
        assert_eq!(config.inbox, InboxStart::default());
        let inbox = parse(
            Path::new("c.toml"),
            "[inbox]\ntab = \"plt\"\nsort = \"Received\"\ntest_leads = true\n",
        )
        .unwrap()
        .inbox;
        assert_eq!(
            (inbox.tab, inbox.sort, inbox.test_leads),
            (2, SortKey::Received, true)
        );
        assert_eq!(config.me().as_deref(), Some("Ana Lopez"));
        assert_eq!(
            config.mail_command.as_deref(),
            Some("thunderbird -compose {url}")
        );
        assert_eq!(
            config.templates,
            Some(PathBuf::from("/home/me/leads/templates"))
        );
    }

    #[test]
    fn the_sla_target_is_a_percentage() {
        assert_eq!(Config::default().sla_target, 90);
        let config = parse(Path::new("c.toml"), "sla_target = 95\n").unwrap();
        assert_eq!(config.sla_target, 95);
        assert_eq!(
            error("sla_hours = 24\nsla_target = 120\n"),
            "config.toml:2: sla_target: 120 is out of range: from 1 to 100 percent"
        );
        assert_eq!(
            error("sla_target = 0\n"),
            "config.toml:1: sla_target: 0 is out of range: from 1 to 100 percent"
        );
        assert_eq!(
            error("\nsla_target = \"90%\"\n"),
            "config.toml:2: sla_target: expected an integer, found string \"90%\""
        );
    }

    #[test]
    fn settings_are_read() {
        let text = "sla_hours = 8\ntheme = \"high-contrast\"\nmouse = false\n";
        let config = parse(Path::new("c.toml"), text).unwrap();
        assert_eq!(config.sla_hours, 8);
        assert_eq!(config.theme, ThemeName::HighContrast);
        assert!(!config.mouse);
    }

    #[test]
    fn each_bad_file_is_one_line_naming_the_file_line_and_key() {
        assert_eq!(
            error("# mine\n\nsla_hours = \"24\"\n"),
            "config.toml:3: sla_hours: expected an integer, found string \"24\""
        );
        assert_eq!(
            error("sla_hours = 24\ncolour = \"red\"\n"),
            "config.toml:2: colour: unknown field `colour`, expected one of `sla_hours`, `sla_target`, `store`, `theme`, `mouse`, `time_zone`, `owner`, `date_format`, `mail_command`, `templates`, `colors`, `inbox`, `follow_up`, `keys`"
        );
        assert_eq!(
            error("theme = \"solarized\"\n"),
            "config.toml:1: theme: unknown variant `solarized`, expected one of `default`, `light`, `high-contrast`"
        );
        assert_eq!(
            error("mouse = 1\n"),
            "config.toml:1: mouse: expected true or false, found integer `1`"
        );
        assert_eq!(
            error("\nsla_hours = 0\n"),
            "config.toml:2: sla_hours: 0 is out of range: from 1 to 720 hours"
        );
        assert_eq!(
            error("\ntime_zone = \"Mars/Olympus\"\n"),
            "config.toml:2: time_zone: \"Mars/Olympus\" is not a time zone: give an IANA name such as \"Europe/Berlin\" or \"UTC\""
        );
        assert_eq!(
            error("owner = \" \"\n"),
            "config.toml:1: owner: empty: remove the line to use the login name"
        );
        assert_eq!(
            error("[colors]\nkey = \"#12345g\"\n"),
            "config.toml:2: colors.key: \"#12345g\" is not a colour: a name (red, light-blue...), #rrggbb or 0 to 255"
        );
        assert_eq!(
            error("[colors]\ntab = \"cyan\"\n[inbox]\n\ntab = \"TD\"\n"),
            "config.toml:5: inbox.tab: \"TD\" is no filter: All, INS, PLT, DNC, Create, StartTestDrive, Other"
        );
        assert_eq!(
            error("mail_command = \"\"\n"),
            "config.toml:1: mail_command: empty: remove the line to use the system's opener"
        );
        assert_eq!(
            error("\nmail_command = \"mutt '{url}\"\n"),
            "config.toml:2: mail_command: \"mutt '{url}\": a ' is not closed"
        );
        assert_eq!(
            error("mail_command = [\"mutt\"]\n"),
            "config.toml:1: mail_command: expected a text in quotes, found sequence"
        );
        assert_eq!(
            error("templates = \"\"\n"),
            "config.toml:1: templates: empty: remove the line to use the shipped templates"
        );
        assert_eq!(
            error("templates = 3\n"),
            "config.toml:1: templates: expected a path in quotes, found integer `3`"
        );
        let syntax = error("sla_hours = 24\ntheme = \n");
        assert!(syntax.starts_with("config.toml:2: theme: "), "{syntax}");
    }

    #[test]
    fn remapped_keys_are_read_with_their_lines() {
        let text = "[keys.list]\nemail = \"W\"\ndown = [\"j\", \"ctrl-n\"]\n\n[keys.detail]\nemail = \"W\"\n";
        let config = parse(Path::new("c.toml"), text).unwrap();
        let lines: Vec<(&str, &str, usize, Vec<String>)> = config
            .keys
            .iter()
            .map(|k| (k.view.as_str(), k.name.as_str(), k.line, k.keys.clone()))
            .collect();
        assert_eq!(
            lines,
            [
                ("list", "email", 2, vec!["W".to_string()]),
                (
                    "list",
                    "down",
                    3,
                    vec!["j".to_string(), "ctrl-n".to_string()]
                ),
                ("detail", "email", 6, vec!["W".to_string()]),
            ]
        );
        assert_eq!(
            error("[keys.list]\nemail = 5\n"),
            "config.toml:2: email: expected a key in quotes or a list of keys"
        );
    }

    #[test]
    fn a_missing_file_is_the_defaults_unless_it_was_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let unnamed = Source {
            path: path.clone(),
            named: false,
        };
        assert_eq!(load(&unnamed).unwrap(), Config::default());
        let named = Source { path, named: true };
        let message = load(&named).unwrap_err().to_string();
        assert!(
            message.ends_with("config.toml: no such file (named by --config or LEADBOX_CONFIG)"),
            "{message}"
        );
    }

    #[test]
    fn init_writes_the_default_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        init(&path).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), DEFAULT_FILE);
        std::fs::write(&path, "sla_hours = 8\n").unwrap();
        let message = init(&path).unwrap_err().to_string();
        assert!(
            message.ends_with("already exists: leadbox leaves it as it is"),
            "{message}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "sla_hours = 8\n");
    }
}
