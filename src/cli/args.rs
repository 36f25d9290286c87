//! The command line, as clap reads it.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "leadbox",
    version,
    about = "A terminal inbox for Microsoft commercial marketplace leads"
)]
#[command(after_help = "With no command, leadbox opens the inbox on the store.")]
pub struct Cli {
    /// The store to use (default: the platform data dir, e.g. ~/.local/share/leadbox/leads.db)
    #[arg(long, global = true, env = "LEADBOX_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// The settings file (default: LEADBOX_CONFIG, else the platform config dir, e.g.
    /// ~/.config/leadbox/config.toml)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Write diagnostics (no personal data) to leadbox.log in the platform state dir, e.g.
    /// ~/.local/state/leadbox/ (LEADBOX_LOG=debug does the same, or sets another level)
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,

    /// Colours in the inbox and the list table: auto (on a terminal, unless NO_COLOR is
    /// set), always or never
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    /// With no command: open the inbox and import what this drop folder receives meanwhile
    #[arg(long, value_name = "DIR")]
    pub watch: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import lead exports (JSON, NDJSON or CSV; the format is read from the content)
    Import(ImportArgs),
    /// List leads, most urgent first
    List(ListArgs),
    /// Show one lead with its touch log and the other leads of its contact
    Show {
        /// The lead's id (the first column of list)
        id: i64,
        /// text (for reading) or json (for scripts)
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
    },
    /// Write a personalized email to a lead from a template (never to a DNC, test or
    /// opted-out customer)
    ///
    /// The template follows where the lead stands: a first touch per action (Contact me,
    /// Get it now, Test Drive, Create) until the customer was touched, then follow_up. A file
    /// of the same name in the templates folder (the templates setting) replaces a shipped one.
    Compose {
        /// The lead's id (the first column of list)
        id: i64,
        /// A template by name instead (e.g. follow_up_2, decide, fallback)
        #[arg(long, value_name = "NAME")]
        template: Option<String>,
        /// text (for reading), json ({"to", "subject", "body"}) or mailto (one URL)
        #[arg(long, value_enum, default_value_t = ComposeFormat::Text)]
        format: ComposeFormat,
    },
    /// Log a touch on a lead (email, call and meeting reach the customer; a note does not)
    Touch {
        /// The leads' ids (the first column of list)
        #[arg(required = true, value_name = "ID")]
        ids: Vec<i64>,
        /// email, call or meeting (a touch of the customer: counts for the SLA), or note
        #[arg(long, value_parser = parse_touch_kind)]
        kind: crate::domain::TouchKind,
        /// What was said or done, kept in the lead's touch log
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        /// When it happened (default: now)
        #[arg(long, value_parser = parse_time_arg, value_name = "TIME")]
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Set leads' status: new, contacted, qualified, won or lost
    ///
    /// Qualified asks for the customer's checklist complete (leadbox qualify), or
    /// --override with the reason; lost asks for --reason, and --force when the customer
    /// was touched on fewer days than the settings ask (min_touch_days).
    Status(StatusArgs),
    /// Give leads' customers to an owner ("" clears it): every lead of a customer has its
    /// owner
    Assign {
        /// The leads' ids, then who follows them up (me: the owner setting, else your
        /// login name; "" for nobody)
        #[arg(required = true, num_args = 2.., value_name = "ID... OWNER")]
        args: Vec<String>,
    },
    /// The customers to act on today: overdue first touches, first touches, follow-ups due
    /// today and decisions, one row per customer
    Today {
        /// Only this owner's customers (any case), me, or none (nobody's); default: all
        #[arg(long, value_name = "NAME")]
        owner: Option<String>,
        /// table (for reading) or json (for scripts)
        #[arg(long, value_enum, default_value_t = TodayFormat::Table)]
        format: TodayFormat,
    },
    /// Snooze the next follow-up of leads' customers (never a first touch)
    Snooze {
        /// The leads' ids (the first column of list)
        #[arg(required = true, value_name = "ID")]
        ids: Vec<i64>,
        /// 1h (hours later), 3d (days later), tomorrow, monday (a weekday: the next one),
        /// a date (at the day start) or a date and time
        #[arg(long, value_name = "WHEN")]
        until: String,
    },
    /// Show or change a customer's qualification checklist
    Qualify {
        /// A lead of the customer
        id: i64,
        /// Check an item (budget, authority, need, timeline: the settings' checklist)
        #[arg(long, value_name = "ITEM")]
        check: Vec<String>,
        /// Uncheck an item
        #[arg(long, value_name = "ITEM")]
        uncheck: Vec<String>,
    },
    /// Delete leads with their touches (asks first on a terminal)
    Delete {
        /// The ids of the leads to delete (the first column of list)
        #[arg(required = true, value_name = "ID")]
        ids: Vec<i64>,
        /// Do not ask (for scripts); without a terminal, nothing is deleted without it
        #[arg(long)]
        yes: bool,
    },
    /// Erase a customer: every lead, touch and note with this email, and every copy in the store
    ///
    /// Matches the email in any case. Removes the customer's leads, touches and notes, the
    /// contact, their search words and the email in the import history, then compacts the
    /// store (VACUUM) and empties its WAL so that no copy is left in free space. Backups
    /// (leads.db.schema-N.bak) and exports are files of their own: forget does not reach them.
    Forget {
        /// The customer's email, in any case
        #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
        email: String,
        /// Do not ask (for scripts); without a terminal, nothing is erased without it
        #[arg(long)]
        yes: bool,
    },
    /// Erase every lead received before a date (a retention policy), as forget does
    Purge {
        /// RFC 3339, or a date (YYYY-MM-DD: midnight UTC)
        #[arg(long, value_parser = parse_time_arg, value_name = "DATE")]
        before: chrono::DateTime<chrono::Utc>,
        /// Do not ask (for scripts); without a terminal, nothing is erased without it
        #[arg(long)]
        yes: bool,
    },
    /// Write the leads to a CRM-ready CSV or JSON file
    ///
    /// In CSV, a cell that starts with =, +, -, @, a tab or a carriage return (a formula to
    /// Excel and other spreadsheets) is written with a leading ' so that it opens as text,
    /// as OWASP recommends against CSV injection; a phone number +1 425... is written
    /// '+1 425.... JSON keeps every value exactly as stored.
    Export {
        #[command(flatten)]
        filter: FilterArgs,
        /// csv (formula cells neutralized with a leading ') or json (exact)
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
        /// Output file (default: standard output); created readable by its owner only
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The figures: counts by action, source, offer, status and owner, the SLA by day,
    /// leads by week, the funnel, the pipeline, the follow-up backlog, lost reasons, and the
    /// health of each offer's lead connection
    Stats {
        /// text (for reading) or json (for scripts)
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
        /// The first day of the window, YYYY-MM-DD, a local day of the time_zone setting
        /// (default: all time; the SLA by day: the last 30 days)
        #[arg(long, value_parser = parse_day, value_name = "DATE")]
        since: Option<chrono::NaiveDate>,
        /// The last day of the window, YYYY-MM-DD, included (default: open)
        #[arg(long, value_parser = parse_day, value_name = "DATE")]
        until: Option<chrono::NaiveDate>,
    },
    /// Open the inbox on the bundled sample leads, in a throwaway store
    Demo {
        /// Import the sample and list it instead of opening the inbox
        #[arg(long)]
        list: bool,
    },
    /// Write deterministic, realistic sample leads (for tests and benchmarks)
    Generate {
        /// How many leads to write
        #[arg(long, default_value_t = 1000)]
        count: u64,
        /// The same seed writes the same leads
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// ndjson (the HTTPS endpoint's JSON, one lead a line) or csv (a Partner Center export)
        #[arg(long, value_enum, default_value_t = GenFormatArg::Ndjson)]
        format: GenFormatArg,
        /// Time of the first lead
        #[arg(
            long,
            value_parser = parse_time_arg,
            value_name = "TIME",
            default_value = "2026-11-16T00:00:00Z"
        )]
        start: chrono::DateTime<chrono::Utc>,
        /// Days the leads spread over
        #[arg(long, default_value_t = 5)]
        days: i64,
    },
    /// Print the completion script for a shell (README: where to put it)
    Completions {
        /// The shell that completes leadbox's commands and options
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write it and a page per command to a folder
    Man {
        /// Write leadbox.1 and one page per command (leadbox-import.1...) into this folder
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Where the settings file is, or write a commented one
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    /// Whether to colour output going to a terminal (`terminal`) or not.
    pub fn colors(self, terminal: bool) -> bool {
        match self {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => terminal && !crate::tui::theme::no_color(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the path the settings are read from (whether or not the file exists)
    Path,
    /// Write a settings file with every setting commented out at its default (never
    /// over an existing one)
    Init,
}

/// `leadbox status`: the leads, the status, and what qualified and lost ask for.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The leads' ids, then the status: new, contacted, qualified, won or lost (won and
    /// lost stop the SLA clock)
    #[arg(required = true, num_args = 2.., value_name = "ID... STATUS")]
    pub args: Vec<String>,
    /// Qualified: why the checklist may stay incomplete (it is recorded)
    #[arg(long = "override", value_name = "REASON")]
    pub override_reason: Option<String>,
    /// Qualified: what comes next (a follow-up in the Today queue at --next-at)
    #[arg(long, value_name = "TEXT", requires = "next_at")]
    pub next_step: Option<String>,
    /// Qualified: when the next step is due (1h, 3d, tomorrow, monday, a date/time)
    #[arg(long, value_name = "WHEN", requires = "next_step")]
    pub next_at: Option<String>,
    /// Lost: why (one of the settings' lost_reasons, or "other: TEXT")
    #[arg(long, value_name = "REASON")]
    pub reason: Option<String>,
    /// Lost: close even though the customer was touched on fewer days than the
    /// settings ask
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Import nothing from a file that has any bad record
    #[arg(long)]
    pub strict: bool,
    /// Force the format instead of reading it from the content
    #[arg(long, value_parser = parse_format)]
    pub format: Option<crate::import::Format>,
    /// Force the text encoding (e.g. windows-1252, shift_jis, utf-16le)
    #[arg(long, value_parser = parse_encoding)]
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Received time of records that carry none (default: the file's modification time; for -, now)
    #[arg(long, value_parser = parse_time_arg, value_name = "TIME")]
    pub received_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,
    /// The files to import; - reads standard input (a pipe: curl ... | leadbox import -)
    #[arg(required_unless_present = "watch", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Watch a drop folder until Ctrl-C: import each file that appears or changes, once
    /// whole, never the same bytes twice
    #[arg(long, value_name = "DIR", conflicts_with = "files")]
    pub watch: Option<PathBuf>,
    /// With --watch: move each file imported without a rejected record into this folder
    #[arg(long, value_name = "DIR", requires = "watch")]
    pub move_to: Option<PathBuf>,
}

#[derive(Debug, Args, Default)]
pub struct FilterArgs {
    /// Only these actions (INS, PLT, DNC, Create, StartTestDrive, any other code, or "other")
    #[arg(long = "action", value_name = "A", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub actions: Vec<String>,
    /// AzureMarketplace, AzurePortal, AppSource or TestDrive (any case)
    #[arg(long, value_name = "S")]
    pub source: Option<String>,
    /// Offer id or display name
    #[arg(long, value_name = "O")]
    pub offer: Option<String>,
    /// new, contacted, qualified, won or lost
    #[arg(long, value_parser = parse_status, value_name = "S")]
    pub status: Option<crate::domain::Status>,
    /// exempt, met, missed, due or overdue
    #[arg(long, value_parser = parse_sla, value_name = "STATE")]
    pub sla: Option<crate::domain::SlaState>,
    /// Words in the name, email, phone, company, offer or notes, in any case and with or
    /// without accents; #ID for one lead
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Show Microsoft's test leads too
    #[arg(long)]
    pub include_test: bool,
    /// Only the customers of this owner (any case), me (the owner setting, else your login
    /// name) or none (nobody's)
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// table (for reading), json or csv (for scripts: the keys of the JSON contract)
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TodayFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ComposeFormat {
    Text,
    Json,
    Mailto,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GenFormatArg {
    Ndjson,
    Csv,
}

fn parse_time_arg(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    crate::domain::time::read_time(s).map_err(|problem| {
        format!(
            "{} (expected RFC 3339, e.g. 2026-11-20T09:00:00Z)",
            problem.describe(s)
        )
    })
}

fn parse_day(s: &str) -> Result<chrono::NaiveDate, String> {
    crate::domain::analytics::read_day(s)
}

fn parse_status(s: &str) -> Result<crate::domain::Status, String> {
    s.parse()
}

fn parse_sla(s: &str) -> Result<crate::domain::SlaState, String> {
    s.parse()
}

fn parse_touch_kind(s: &str) -> Result<crate::domain::TouchKind, String> {
    s.parse()
}

fn parse_format(s: &str) -> Result<crate::import::Format, String> {
    s.parse()
}

fn parse_encoding(s: &str) -> Result<&'static encoding_rs::Encoding, String> {
    crate::import::encoding_for_label(s).ok_or_else(|| {
        format!("unknown encoding '{s}' (e.g. utf-8, windows-1252, shift_jis, utf-16le)")
    })
}
