//! The `leadbox` command line: every command goes through the same core and store.

mod args;
mod compose;
mod confirm;
mod follow_up;
pub mod output;

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Duration, Utc};
use clap::{CommandFactory, Parser};
use std::ffi::OsString;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::config::{self, Config};
use crate::domain::analytics::Window;
use crate::domain::text::{printable, printable_multiline, truncate};
use crate::domain::time::Shown;
use crate::domain::{Action, LeadFilter, OwnerFilter, SortKey};
use crate::export::{create_private, Format, LeadWriter};
use crate::generate::{write_leads, GenFormat, GenOptions};
use crate::import::{
    import_bytes, import_path_with_progress, import_stdin, FileReport, ImportOptions,
};
use crate::store::{Deleted, FollowUpMarks, Reclaimed, StatsQuery, Store, StoreError};
use crate::tui::keys::Keymap;
pub use args::Cli;
use args::{
    ColorWhen, Command, ConfigAction, ExportFormat, FilterArgs, GenFormatArg, ImportArgs,
    ListFormat, ShowFormat,
};

/// The bundled sample the demo opens: (name, contents).
pub const SAMPLE_FILES: [(&str, &[u8]); 2] = [
    (
        "assets/sample-leads.ndjson",
        include_bytes!("../../assets/sample-leads.ndjson"),
    ),
    (
        "assets/sample-crm-report.csv",
        include_bytes!("../../assets/sample-crm-report.csv"),
    ),
];

pub fn main() -> ExitCode {
    let cli = match parse(std::env::args_os().collect()) {
        Ok(cli) => cli,
        // A usage error quotes the arguments given: escaped like any user text.
        Err(e) if e.use_stderr() => {
            eprint!("{}", printable_multiline(&e.render().to_string()));
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
        Err(e) => e.exit(),
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Not the message: it may quote a name, an email or a file path.
            tracing::warn!("the command failed");
            eprintln!(
                "leadbox: {}",
                printable(&crate::io_error::describe_chain(e.as_ref()))
            );
            match e.is::<UsageError>() {
                true => ExitCode::from(2),
                false => ExitCode::FAILURE,
            }
        }
    }
}

/// A command line clap let through that a command refuses: exit status 2, as clap's own.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Reads the command line. The usage line of an error names only the arguments given on
/// the command line: clap counts `--db` taken from `LEADBOX_DB` as given, and would show
/// `--db <PATH>` in it as though it were required, so the error is made again without it.
fn parse(args: Vec<OsString>) -> Result<Cli, clap::Error> {
    let error = match Cli::try_parse_from(&args) {
        Ok(cli) => return Ok(cli),
        Err(error) => error,
    };
    if !error.use_stderr() {
        // --help, --version: no usage line to correct.
        return Err(error);
    }
    let without_env = Cli::command().mut_arg("db", |db| db.env(None));
    match without_env.try_get_matches_from(&args) {
        Err(again) if again.kind() == error.kind() => Err(again),
        _ => Err(error),
    }
}

/// `leadbox list | head` closing the pipe early is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        let kind = cause
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind)
            .or_else(|| {
                cause
                    .downcast_ref::<serde_json::Error>()
                    .and_then(serde_json::Error::io_error_kind)
            })
            .or_else(
                || match cause.downcast_ref::<csv::Error>().map(csv::Error::kind) {
                    Some(csv::ErrorKind::Io(io)) => Some(io.kind()),
                    _ => None,
                },
            );
        kind == Some(std::io::ErrorKind::BrokenPipe)
    })
}

pub fn default_db_path() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "leadbox")
        .context("cannot find a data directory for the store: give one with --db or LEADBOX_DB")?;
    Ok(dirs.data_dir().join("leads.db"))
}

/// What every command that uses the store runs with: `--db` (or `LEADBOX_DB`) and the
/// rep's settings.
struct Ctx {
    db: Option<PathBuf>,
    config: Config,
    /// The inbox's keys, the settings' remappings applied.
    keymap: Keymap,
    color: ColorWhen,
    /// The inbox's drop folder.
    watch: Option<PathBuf>,
}

impl Ctx {
    /// What `list`, `export` and `show` add to the leads of followed customers.
    fn marks(&self, store: &Store) -> Result<FollowUpMarks> {
        Ok(store.follow_up_marks(&self.config.follow_up, self.config.zone())?)
    }

    /// The store's path: `--db`, else the settings' `store`, else the platform's data dir.
    fn db_path(&self) -> Result<PathBuf> {
        match self.db.as_ref().or(self.config.store.as_ref()) {
            Some(path) => Ok(path.clone()),
            None => default_db_path(),
        }
    }
}

fn open_store(ctx: &Ctx) -> Result<Store> {
    let started = std::time::Instant::now();
    let path = ctx.db_path()?;
    // Before opening: a store opened just now is private from its creation.
    let warnings = readable_by_others(&path);
    // A write that finds the store busy says so after a second, on stderr.
    crate::store::open::announce_waits();
    let store = Store::open(&path).map_err(|e| match e {
        // These name the store themselves.
        StoreError::NotAStore { .. }
        | StoreError::TooNew { .. }
        | StoreError::TooOld { .. }
        | StoreError::NotWal { .. } => anyhow::Error::new(e),
        e => anyhow::Error::new(e).context(format!("cannot open the store {}", path.display())),
    })?;
    // Only about a leadbox store: another file is refused above, and left alone.
    for warning in warnings {
        eprintln!("leadbox: warning: {}", printable(&warning));
    }
    let mut store = store;
    for note in store.take_upgrade_notes() {
        eprintln!("leadbox: upgrade: {}", printable(&note));
    }
    apply_settings(&mut store, &ctx.config)?;
    tracing::debug!(
        schema = store.schema_version()?,
        ms = started.elapsed().as_millis() as u64,
        "store opened"
    );
    Ok(store)
}

/// Makes the store follow the settings: a changed `sla_hours` computes every due time again.
fn apply_settings(store: &mut Store, config: &Config) -> Result<()> {
    if store.set_sla_hours(config.sla_hours)? {
        tracing::info!(hours = config.sla_hours, "every due time computed again");
        eprintln!(
            "leadbox: every lead's first touch is now due {} hours after it arrived (sla_hours)",
            config.sla_hours
        );
    }
    Ok(())
}

/// Warnings for an existing store file or folder that other users may read (found by their
/// paths alone: only SQLite opens the store).
#[cfg(unix)]
fn readable_by_others(store: &Path) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt;
    let folder = match store.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut warnings = Vec::new();
    for (path, private) in [(store, "600"), (folder, "700")] {
        let Ok(metadata) = std::fs::metadata(path) else {
            continue;
        };
        let mode = metadata.permissions().mode() & 0o7777;
        if mode & 0o077 != 0 {
            let shown = path.display();
            // A folder everyone shares (/tmp: sticky, writable by all) is no place to
            // make private: the store should move.
            let advice = if metadata.is_dir() && mode & 0o1002 == 0o1002 {
                "keep the store in a folder of your own (--db or LEADBOX_DB)".to_string()
            } else {
                format!("chmod {private} {shown}")
            };
            warnings.push(format!(
                "{shown} is readable by other users (mode {:04o}); it holds customers' \
                 personal data: {advice}",
                mode & 0o777
            ));
        }
    }
    warnings
}

#[cfg(not(unix))]
fn readable_by_others(_store: &Path) -> Vec<String> {
    Vec::new()
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    start_log(&cli);
    let source = config::source(cli.config.as_deref())?;
    let command = match cli.command {
        // These need neither the settings, nor the store, nor the time.
        Some(Command::Completions { shell }) => return completions(shell),
        Some(Command::Man { dir }) => return man(dir.as_deref()),
        Some(Command::Config { action }) => return config_command(action, &source),
        command => command,
    };
    // Never half configured: a bad file (its keys included) stops everything, as a usage
    // error does; so does a --watch that cannot be.
    let settled = settings(&source).and_then(|(config, keymap)| {
        check_inbox_watch(cli.watch.as_deref(), command.is_some())?;
        Ok((config, keymap))
    });
    let (config, keymap) = match settled {
        Ok(settled) => settled,
        Err(problem) => {
            eprintln!("leadbox: {}", printable(&problem));
            return Ok(ExitCode::from(2));
        }
    };
    let ctx = Ctx {
        db: cli.db,
        config,
        keymap,
        color: cli.color,
        watch: cli.watch,
    };
    match command {
        None => {
            let store = open_store(&ctx)?;
            let options = inbox_options(&ctx);
            crate::tui::run(store, None, crate::import::complete_path, options)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(command) => run_command(&ctx, command, crate::clock::now()?),
    }
}

/// Starts the log when asked (`--verbose`, `LEADBOX_LOG`) and notes the command in it.
fn start_log(cli: &Cli) {
    if let Some(path) = crate::log::init(cli.verbose) {
        if cli.verbose {
            eprintln!(
                "leadbox: diagnostics go to {}",
                printable(&path.display().to_string())
            );
        }
    }
    tracing::info!(
        command = command_name(cli.command.as_ref()),
        version = env!("CARGO_PKG_VERSION"),
        "start"
    );
}

/// The settings of `source` and the key map they give, or why they cannot be used.
fn settings(source: &config::Source) -> Result<(Config, Keymap), String> {
    let config = config::load(source).map_err(|e| e.to_string())?;
    let keymap = Keymap::with(&config.keys).map_err(|e| {
        config::ConfigError::Invalid {
            path: source.path.clone(),
            line: e.line,
            key: Some(e.key),
            problem: e.problem,
        }
        .to_string()
    })?;
    Ok((config, keymap))
}

/// `leadbox --watch DIR` opens the inbox on a folder that exists.
fn check_inbox_watch(dir: Option<&Path>, with_command: bool) -> Result<(), String> {
    match dir {
        Some(_) if with_command => {
            Err("--watch DIR opens the inbox; with a command, use import --watch DIR".into())
        }
        Some(dir) if !dir.is_dir() => Err(format!("{}: not a folder (--watch)", dir.display())),
        _ => Ok(()),
    }
}

/// One command of the command line, with the settings in `ctx`.
fn run_command(ctx: &Ctx, command: Command, now: DateTime<Utc>) -> Result<ExitCode> {
    match command {
        Command::Import(args) => import(ctx, args, now),
        Command::List(args) => list(ctx, &args.filter, args.format, now),
        Command::Show { id, format } => show(ctx, id, format, now),
        Command::Compose {
            id,
            template,
            format,
        } => compose::compose(ctx, id, template.as_deref(), format),
        Command::Touch {
            ids,
            kind,
            note,
            at,
        } => follow_up::touch(ctx, &ids, kind, note.as_deref(), at, now),
        Command::Status(asked) => follow_up::status(ctx, asked, now),
        Command::Assign { args } => follow_up::assign(ctx, &args),
        Command::Today { owner, format } => follow_up::today(ctx, owner.as_deref(), format, now),
        Command::Snooze { ids, until } => follow_up::snooze(ctx, &ids, &until, now),
        Command::Qualify { id, check, uncheck } => {
            follow_up::qualify(ctx, id, &check, &uncheck, now)
        }
        Command::Export {
            filter,
            format,
            output,
        } => export(ctx, &filter, format, output.as_deref(), now),
        Command::Stats {
            format,
            since,
            until,
        } => stats(ctx, format, since, until, now),
        Command::Delete { ids, yes } => delete(ctx, &ids, yes),
        Command::Forget { email, yes } => forget(ctx, &email, yes),
        Command::Purge { before, yes } => purge(ctx, before, yes),
        Command::Demo { list } => demo(ctx, list, now),
        Command::Generate {
            count,
            seed,
            format,
            start,
            days,
        } => {
            let format = match format {
                GenFormatArg::Ndjson => GenFormat::Ndjson,
                GenFormatArg::Csv => GenFormat::Csv,
            };
            let options = GenOptions {
                count,
                seed,
                format,
                start,
                days,
            };
            write_leads(&mut BufWriter::new(std::io::stdout().lock()), &options)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { .. } | Command::Man { .. } | Command::Config { .. } => {
            unreachable!("handled by run")
        }
    }
}

/// `leadbox completions SHELL`: the shell's completion script, generated from the clap
/// definition of the commands.
fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    // Written whole at the end: clap_complete panics on a write error (`| head`).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "leadbox", &mut script);
    std::io::stdout().lock().write_all(&script)?;
    Ok(ExitCode::SUCCESS)
}

/// `leadbox man`: the manual page leadbox(1), in roff, generated from the clap definition of
/// the commands; with `--dir`, it and a page per command (leadbox-import(1)...), which its
/// COMMANDS section names, written into that folder.
fn man(dir: Option<&Path>) -> Result<ExitCode> {
    let command = Cli::command().disable_help_subcommand(true);
    let Some(dir) = dir else {
        let mut page = Vec::new();
        clap_mangen::Man::new(command).render(&mut page)?;
        std::io::stdout().lock().write_all(&page)?;
        return Ok(ExitCode::SUCCESS);
    };
    std::fs::create_dir_all(dir)
        .and_then(|()| clap_mangen::generate_to(command, dir))
        .with_context(|| format!("cannot write the manual pages into {}", dir.display()))?;
    eprintln!(
        "Wrote leadbox.1 and a page per command into {}",
        printable(&dir.display().to_string())
    );
    Ok(ExitCode::SUCCESS)
}

/// `leadbox list`: the leads in urgency order, as a table, JSON or CSV.
fn list(
    ctx: &Ctx,
    filter: &FilterArgs,
    format: ListFormat,
    now: DateTime<Utc>,
) -> Result<ExitCode> {
    use std::io::IsTerminal;
    let filter = lead_filter(&ctx.config, filter)?;
    let store = &open_store(ctx)?;
    let color = ctx.color.colors(std::io::stdout().is_terminal());
    let stdout = BufWriter::new(std::io::stdout().lock());
    match format {
        ListFormat::Table => write_table(store, &filter, now, &ctx.config.shown(), color, stdout)?,
        ListFormat::Json => export_leads(
            store,
            &filter,
            now,
            &ctx.marks(store)?,
            Format::Json,
            stdout,
        )
        .map(drop)?,
        ListFormat::Csv => {
            export_leads(store, &filter, now, &ctx.marks(store)?, Format::Csv, stdout).map(drop)?
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `leadbox show ID`: every field, the touches, the customer's leads.
fn show(ctx: &Ctx, id: i64, format: ShowFormat, now: DateTime<Utc>) -> Result<ExitCode> {
    let (store, shown) = (&open_store(ctx)?, ctx.config.shown());
    let lead = store.lead(id)?;
    let touches = store.touches(id)?;
    let contact = store.contact_leads(lead.contact_id)?;
    let mut out = std::io::stdout().lock();
    match format {
        ShowFormat::Text => {
            out.write_all(output::lead_text(&lead, &touches, &contact, now, &shown).as_bytes())?
        }
        ShowFormat::Json => {
            let marks = ctx.marks(store)?;
            let value = output::ShowJson::new(&lead, &touches, &contact, now, &marks);
            serde_json::to_writer_pretty(&mut out, &value)?;
            out.write_all(b"\n")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `leadbox touch ID --kind K`: logs a touch (at `at`, else now).
/// `leadbox export`: the leads as CSV or JSON, to stdout or a private file.
fn export(
    ctx: &Ctx,
    filter: &FilterArgs,
    format: ExportFormat,
    output: Option<&Path>,
    now: DateTime<Utc>,
) -> Result<ExitCode> {
    let filter = lead_filter(&ctx.config, filter)?;
    let store = &open_store(ctx)?;
    let marks = &ctx.marks(store)?;
    if let Some(path) = output.filter(|p| store.is_own_file(p)) {
        bail!(
            "{}: this is the store itself (or one of its files): choose another file",
            path.display()
        );
    }
    let out: Box<dyn Write> = match output {
        Some(path) => Box::new(BufWriter::new(
            create_private(path).with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    let format = match format {
        ExportFormat::Csv => Format::Csv,
        ExportFormat::Json => Format::Json,
    };
    let written = export_leads(store, &filter, now, marks, format, out);
    let count = match output {
        Some(path) => written.with_context(|| format!("cannot write {}", path.display()))?,
        None => written?,
    };
    if let Some(path) = output {
        eprintln!(
            "Exported {count} leads to {}",
            printable(&path.display().to_string())
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `leadbox stats`: the figures of the window from `since` to `until` (local days).
fn stats(
    ctx: &Ctx,
    format: ShowFormat,
    since: Option<chrono::NaiveDate>,
    until: Option<chrono::NaiveDate>,
    now: DateTime<Utc>,
) -> Result<ExitCode> {
    let window = Window::new(since, until).map_err(UsageError)?;
    let store = open_store(ctx)?;
    let stats = store.stats(&StatsQuery {
        window,
        zone: ctx.config.zone(),
        rules: &ctx.config.follow_up,
        now,
    })?;
    let mut out = std::io::stdout().lock();
    match format {
        ShowFormat::Text => {
            let text = output::stats_text(&stats, &ctx.config.shown(), ctx.config.sla_hours);
            out.write_all(text.as_bytes())?
        }
        ShowFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &output::StatsJson::new(&stats))?;
            out.write_all(b"\n")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `leadbox import FILE...`, where `-` is standard input.
fn import(ctx: &Ctx, args: ImportArgs, now: DateTime<Utc>) -> Result<ExitCode> {
    use std::io::IsTerminal;
    if let Some(refusal) = stdin_refusal(&args.files, std::io::stdin().is_terminal()) {
        eprintln!("leadbox import: {refusal}");
        return Ok(ExitCode::from(2));
    }
    let mut store = open_store(ctx)?;
    let options = ImportOptions {
        format: args.format,
        encoding: args.encoding,
        received_at: args.received_at,
        strict: args.strict,
    };
    if let Some(dir) = &args.watch {
        return watch_folder(&mut store, dir, args.move_to, &options);
    }
    let mut reports: Vec<FileReport> = Vec::new();
    for file in &args.files {
        let report = import_one(&mut store, file, &options, now)?;
        for line in report.error_lines() {
            eprintln!("error: {}", printable(&line));
        }
        if !args.json {
            println!("{}", printable(&report.to_string()));
        }
        reports.push(report);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    }
    Ok(if reports.iter().all(FileReport::is_clean) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Imports one file (`-`: standard input), with a progress bar when it is long and stderr
/// is a terminal; the log gets its counts.
fn import_one(
    store: &mut Store,
    file: &Path,
    options: &ImportOptions,
    now: DateTime<Utc>,
) -> Result<FileReport> {
    use std::io::IsTerminal;
    let started = std::time::Instant::now();
    let report = if is_stdin(file) {
        import_stdin(store, options, now)?
    } else {
        let bar = progress_bar(file, std::io::stderr().is_terminal());
        let report = import_path_with_progress(store, file, options, now, &mut |read, size| {
            if let Some(bar) = &bar {
                bar.set_length(size);
                bar.set_position(read);
            }
        });
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        report?
    };
    // Counts and the format only: a file's name can hold an email.
    tracing::info!(
        format = report.format.map(|f| f.as_str()),
        new = report.new,
        duplicates = report.duplicates,
        rejected = report.rejected,
        failed = report.failed.is_some(),
        ms = started.elapsed().as_millis() as u64,
        "file imported"
    );
    Ok(report)
}

/// Files at least this large show a progress bar while they import (about 20,000 leads).
const PROGRESS_BAR_BYTES: u64 = 4 << 20;

/// The progress bar of a long import: the file's name, bytes read, rate and time left, on
/// stderr. None when stderr is not a terminal (nothing extra in a pipe or a log) or the file
/// is small.
fn progress_bar(file: &Path, terminal: bool) -> Option<indicatif::ProgressBar> {
    let size = std::fs::metadata(file).ok()?.len();
    if !terminal || size < PROGRESS_BAR_BYTES {
        return None;
    }
    let style = indicatif::ProgressStyle::with_template(
        "{msg} {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
    )
    .ok()?;
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let bar = indicatif::ProgressBar::new(size).with_style(style);
    bar.set_message(truncate(&printable(&name), 30).into_owned());
    Some(bar)
}

/// `leadbox import --watch DIR`: imports what the folder receives until Ctrl-C or SIGTERM,
/// printing each file's report as it goes.
fn watch_folder(
    store: &mut Store,
    dir: &Path,
    move_to: Option<PathBuf>,
    options: &ImportOptions,
) -> Result<ExitCode> {
    use crate::import::watch::{watch, WatchOptions};
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [SIGINT, SIGTERM, SIGHUP] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }
    eprintln!(
        "leadbox: watching {} (Ctrl-C stops)",
        printable(&dir.display().to_string())
    );
    let watching = WatchOptions {
        import: options.clone(),
        move_to,
        ..WatchOptions::default()
    };
    let (mut files, mut clean) = (0u64, true);
    let now = || crate::clock::now().unwrap_or_else(|_| Utc::now());
    watch(store, dir, &watching, &stop, &now, &mut |report| {
        files += 1;
        clean &= report.is_clean();
        for line in report.error_lines() {
            eprintln!("error: {}", printable(&line));
        }
        println!("{}", printable(&report.to_string()));
        let _ = std::io::stdout().flush();
    })
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    eprintln!(
        "leadbox: stopped watching ({files} file{} imported)",
        if files == 1 { "" } else { "s" }
    );
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `-` among the files of `import` names standard input (`./-` is a file named `-`).
fn is_stdin(file: &Path) -> bool {
    file.as_os_str() == "-"
}

/// Why `import` refuses its files, when it does: standard input named twice (it can be read
/// once), or named while it is a terminal, where the import would wait for typed leads.
fn stdin_refusal(files: &[PathBuf], stdin_is_terminal: bool) -> Option<&'static str> {
    match files.iter().filter(|file| is_stdin(file)).count() {
        0 => None,
        1 if stdin_is_terminal => Some(
            "- imports standard input, and it is a terminal here: pipe the leads in \
             (curl ... | leadbox import -) or name a file (nothing was imported)",
        ),
        1 => None,
        _ => Some(
            "- (standard input) can be named once: it can be read only once \
             (nothing was imported)",
        ),
    }
}

/// Asks before `command` deletes: on a terminal, `question` after the lines `what`. Returns
/// the exit code to end with when the answer is not yes.
fn confirmed(
    command: &str,
    question: &str,
    what: &[String],
    yes: bool,
) -> Result<Option<ExitCode>> {
    use std::io::IsTerminal;
    let terminal = std::io::stdin().is_terminal();
    let answer = confirm::ask(
        question,
        what,
        yes,
        terminal,
        &mut std::io::stdin().lock(),
        &mut std::io::stderr().lock(),
    )?;
    Ok(match answer {
        confirm::Answer::Yes => None,
        confirm::Answer::No => {
            eprintln!("Nothing was changed.");
            Some(ExitCode::FAILURE)
        }
        confirm::Answer::NoTerminal => {
            eprintln!(
                "leadbox {command}: asks for confirmation on a terminal, and standard input is \
                 not one: pass --yes to go ahead without asking (nothing was changed)"
            );
            Some(ExitCode::from(2))
        }
    })
}

/// One line about a lead for a confirmation: id, name, email, company, action, arrival.
fn lead_line(lead: &crate::domain::Lead) -> String {
    let text = |v: &Option<String>| printable(v.as_deref().unwrap_or("-")).into_owned();
    format!(
        "{:>6}  {}  <{}>  {}  {}  received {}{}",
        lead.id,
        printable(&lead.name().unwrap_or_else(|| "(withheld)".into())),
        text(&lead.email),
        text(&lead.company),
        printable(lead.action.as_ref().map_or("-", Action::as_str)),
        crate::domain::time::format_time(lead.received_at),
        match lead.touches {
            0 => String::new(),
            n => format!("  ({})", confirm::count(n.into(), "touch", "touches")),
        }
    )
}

/// `3 leads`, `2 customers` and `5 touches` (or `5 touches (2 notes)` with `notes`).
fn removed_text(deleted: &Deleted, notes: bool) -> [String; 3] {
    let mut touches = confirm::count(deleted.touches, "touch", "touches");
    if notes && deleted.notes > 0 {
        touches += &format!(" ({})", confirm::count(deleted.notes, "note", "notes"));
    }
    [
        confirm::count(deleted.leads, "lead", "leads"),
        confirm::count(deleted.customers, "customer", "customers"),
        touches,
    ]
}

/// What compacting the store after an erasure achieved, on stdout, or a warning on stderr.
fn report_reclaimed(store: &Store, reclaimed: Reclaimed) {
    match reclaimed {
        Reclaimed::Done => println!(
            "The store was compacted and its WAL emptied: no copy is left in its free space."
        ),
        Reclaimed::WalInUse => eprintln!(
            "leadbox: the store was compacted, but other leadbox processes are reading it, so \
             its WAL ({}-wal) may still hold copies of the erased data: SQLite empties it when \
             they close the store, and the next forget or purge empties it too",
            printable(&store.path().display().to_string())
        ),
    }
}

fn delete(ctx: &Ctx, ids: &[i64], yes: bool) -> Result<ExitCode> {
    let mut store = open_store(ctx)?;
    let mut leads = Vec::new();
    let mut missing = Vec::new();
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    for &id in &unique {
        match store.lead(id) {
            Ok(lead) => leads.push(lead),
            Err(StoreError::NoSuchLead(id)) => missing.push(id),
            Err(e) => return Err(e.into()),
        }
    }
    if !missing.is_empty() {
        return Err(StoreError::NoSuchLeads(missing).into());
    }
    let customers: std::collections::BTreeSet<i64> = leads.iter().map(|l| l.contact_id).collect();
    let question = format!(
        "Delete {} of {}, with their touches?",
        confirm::count(leads.len() as u64, "lead", "leads"),
        confirm::count(customers.len() as u64, "customer", "customers"),
    );
    let what: Vec<String> = leads.iter().map(lead_line).collect();
    if let Some(code) = confirmed("delete", &question, &what, yes)? {
        return Ok(code);
    }
    let deleted = store.delete_leads(&unique)?;
    let [leads, customers, touches] = removed_text(&deleted, false);
    println!("Deleted {leads} ({customers}), {touches}.");
    Ok(ExitCode::SUCCESS)
}

fn forget(ctx: &Ctx, email: &str, yes: bool) -> Result<ExitCode> {
    let mut store = open_store(ctx)?;
    let leads = store.customer_leads(email)?;
    if leads.is_empty() {
        return Err(StoreError::NoSuchCustomer(email.trim().to_string()).into());
    }
    let customers: std::collections::BTreeSet<i64> = leads.iter().map(|l| l.contact_id).collect();
    let question = format!(
        "Forget {}: erase {} of {}, with their touches and notes, and every copy in the store?",
        printable(email.trim()),
        confirm::count(leads.len() as u64, "lead", "leads"),
        confirm::count(customers.len() as u64, "customer", "customers"),
    );
    let what: Vec<String> = leads.iter().map(lead_line).collect();
    if let Some(code) = confirmed("forget", &question, &what, yes)? {
        return Ok(code);
    }
    let forgotten = store.forget_customer(email)?;
    let deleted = forgotten.deleted;
    let [leads, customers, touches] = removed_text(&deleted, true);
    println!(
        "Forgot {}: {leads} ({customers}), {touches}, {} removed{}.",
        printable(email.trim()),
        confirm::count(deleted.words_removed, "search word", "search words"),
        match forgotten.imports_scrubbed {
            0 => String::new(),
            n => format!(
                "; the email erased from {}",
                confirm::count(n, "import path", "import paths")
            ),
        }
    );
    report_reclaimed(&store, forgotten.reclaimed);
    Ok(ExitCode::SUCCESS)
}

fn purge(ctx: &Ctx, before: DateTime<Utc>, yes: bool) -> Result<ExitCode> {
    let mut store = open_store(ctx)?;
    let when = crate::domain::time::format_time(before);
    let (leads, customers) = store.received_before(before)?;
    if leads == 0 {
        println!("No lead was received before {when}: nothing to purge.");
        return Ok(ExitCode::SUCCESS);
    }
    let question = format!(
        "Purge {} of {} received before {when}, with their touches and notes, and every copy \
         in the store?",
        confirm::count(leads, "lead", "leads"),
        confirm::count(customers, "customer", "customers"),
    );
    if let Some(code) = confirmed("purge", &question, &[], yes)? {
        return Ok(code);
    }
    let purged = store.purge_before(before)?;
    let [leads, customers, touches] = removed_text(&purged.deleted, true);
    println!("Purged {leads} received before {when} ({customers}), {touches}.");
    if let Some(reclaimed) = purged.reclaimed {
        report_reclaimed(&store, reclaimed);
    }
    Ok(ExitCode::SUCCESS)
}

fn lead_filter(config: &Config, args: &FilterArgs) -> Result<LeadFilter> {
    let mut filter = LeadFilter {
        source: args.source.clone(),
        offer: args.offer.clone(),
        status: args.status,
        sla: args.sla,
        include_test: args.include_test,
        owner: owner_filter(config, args.owner.as_deref())?,
        ..LeadFilter::default()
    }
    .with_search(args.search.as_deref().unwrap_or(""));
    for action in &args.actions {
        if action.eq_ignore_ascii_case("other") {
            filter.other_actions = true;
        } else if let Some(action) = Action::parse(action) {
            filter.actions.push(action);
        } else {
            bail!(
                "--action needs a value (INS, PLT, DNC, Create, StartTestDrive, a code, or other)"
            );
        }
    }
    if let Some(source) = &filter.source {
        filter.source = Some(
            crate::domain::lead_source::normalize_source(source)
                .map_or(source.clone(), str::to_string),
        );
    }
    Ok(filter)
}

/// `--owner NAME|me|none`: one owner's customers (`me`: the rep), or nobody's.
fn owner_filter(config: &Config, owner: Option<&str>) -> Result<OwnerFilter> {
    Ok(match owner.map(str::trim) {
        None => OwnerFilter::Any,
        Some(none) if none.eq_ignore_ascii_case("none") => OwnerFilter::Nobody,
        Some(me) if me.eq_ignore_ascii_case("me") => OwnerFilter::Named(who_is_me(config)?),
        Some(name) => OwnerFilter::Named(name.to_string()),
    })
}

/// The rep's own name: the owner setting, else the login name.
fn who_is_me(config: &Config) -> Result<String> {
    config.me().ok_or_else(|| {
        anyhow::anyhow!("who is me? set owner in the settings (leadbox config path)")
    })
}

fn write_table(
    store: &Store,
    filter: &LeadFilter,
    now: DateTime<Utc>,
    time: &Shown,
    color: bool,
    mut out: impl Write,
) -> Result<()> {
    writeln!(out, "{}", output::table_header())?;
    let mut shown = 0u64;
    store.for_each(filter, SortKey::Urgency, now, |lead| {
        shown += 1;
        writeln!(out, "{}", output::table_row(&lead, now, time, color)).map_err(anyhow::Error::from)
    })?;
    writeln!(out, "{shown} lead{}", if shown == 1 { "" } else { "s" })?;
    out.flush()?;
    Ok(())
}

/// The leads `filter` admits, in urgency order, as JSON or CSV; returns how many.
fn export_leads(
    store: &Store,
    filter: &LeadFilter,
    now: DateTime<Utc>,
    marks: &FollowUpMarks,
    format: Format,
    out: impl Write,
) -> Result<u64> {
    let mut writer = LeadWriter::new(format, out)?;
    store.for_each(filter, SortKey::Urgency, now, |lead| {
        writer.push(&lead, now, marks)
    })?;
    writer.finish()
}

/// Loads the bundled sample into `store`, shifted so that its newest lead arrived minutes ago
/// and the SLA countdowns are live.
pub fn load_sample(store: &mut Store, now: DateTime<Utc>) -> Result<Vec<FileReport>> {
    let mut reports = Vec::new();
    for (name, bytes) in SAMPLE_FILES {
        reports.push(import_bytes(
            store,
            name,
            bytes,
            now,
            &ImportOptions::default(),
            now,
        )?);
    }
    if let Some(newest) = store.newest_received()? {
        let target = now - Duration::minutes(7);
        store.shift_times((target - newest).num_seconds())?;
    }
    add_sample_history(store, now)?;
    Ok(reports)
}

/// A lived-in inbox: most leads older than a day were followed up (a few late), some moved
/// on in the pipeline. Deterministic, so every demo looks the same.
fn add_sample_history(store: &mut Store, now: DateTime<Utc>) -> Result<()> {
    let mut older = Vec::new();
    let filter = LeadFilter {
        include_test: true,
        ..LeadFilter::default()
    };
    store.for_each(&filter, SortKey::Received, now, |lead| {
        if lead.is_contactable() && now - lead.received_at > Duration::hours(20) {
            older.push((lead.id, lead.received_at));
        }
        Ok::<_, anyhow::Error>(())
    })?;
    let owners = ["ana", "ben", "chloé"];
    for (id, received) in older {
        let roll = (id * 7919) % 100;
        if roll < 15 {
            continue;
        }
        let hours = roll % 30;
        let kind = if roll % 3 == 0 {
            crate::domain::TouchKind::Call
        } else {
            crate::domain::TouchKind::Email
        };
        let at = received + Duration::hours(hours) + Duration::minutes(roll % 60);
        store.add_touch(id, kind, None, at.min(now), at.min(now))?;
        store.set_owner(id, Some(owners[(id % 3) as usize]))?;
        let status = match roll % 10 {
            0 => crate::domain::Status::Qualified,
            1 => crate::domain::Status::Won,
            2 => crate::domain::Status::Lost,
            _ => continue,
        };
        store.set_status_at(id, status, at.min(now))?;
    }
    Ok(())
}

/// A command's name for the log (never its arguments).
fn command_name(command: Option<&Command>) -> &'static str {
    match command {
        None => "inbox",
        Some(Command::Import(_)) => "import",
        Some(Command::List(_)) => "list",
        Some(Command::Show { .. }) => "show",
        Some(Command::Compose { .. }) => "compose",
        Some(Command::Touch { .. }) => "touch",
        Some(Command::Status { .. }) => "status",
        Some(Command::Assign { .. }) => "assign",
        Some(Command::Today { .. }) => "today",
        Some(Command::Snooze { .. }) => "snooze",
        Some(Command::Qualify { .. }) => "qualify",
        Some(Command::Delete { .. }) => "delete",
        Some(Command::Forget { .. }) => "forget",
        Some(Command::Purge { .. }) => "purge",
        Some(Command::Export { .. }) => "export",
        Some(Command::Stats { .. }) => "stats",
        Some(Command::Demo { .. }) => "demo",
        Some(Command::Generate { .. }) => "generate",
        Some(Command::Completions { .. }) => "completions",
        Some(Command::Man { .. }) => "man",
        Some(Command::Config { .. }) => "config",
    }
}

/// `leadbox config path` and `leadbox config init`.
fn config_command(action: ConfigAction, source: &config::Source) -> Result<ExitCode> {
    match action {
        ConfigAction::Path => println!("{}", printable(&source.path.display().to_string())),
        ConfigAction::Init => match config::init(&source.path) {
            Ok(()) => println!(
                "Wrote {} (every setting commented out at its default)",
                printable(&source.path.display().to_string())
            ),
            Err(e) => {
                eprintln!("leadbox: {}", printable(&e.to_string()));
                return Ok(ExitCode::from(2));
            }
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// What the inbox takes from the settings and `--color` (the inbox is on a terminal).
fn inbox_options(ctx: &Ctx) -> crate::tui::Options {
    crate::tui::Options {
        theme: crate::tui::theme::Theme::new(ctx.config.theme, ctx.color.colors(true))
            .with_colors(ctx.config.colors),
        mouse: ctx.config.mouse,
        keymap: ctx.keymap.clone(),
        watch: ctx.watch.clone(),
        zone: ctx.config.zone(),
        me: ctx.config.me(),
        start: ctx.config.inbox,
        follow_up: ctx.config.follow_up.clone(),
        mail_command: ctx.config.mail_command.clone(),
        templates: ctx.config.templates.clone(),
        date_format: ctx.config.date_format.clone(),
        sla_target: ctx.config.sla_target,
    }
}

fn demo(ctx: &Ctx, list: bool, now: DateTime<Utc>) -> Result<ExitCode> {
    let dir = tempfile::Builder::new().prefix("leadbox-demo-").tempdir()?;
    let mut store = Store::open(&dir.path().join("demo.db"))?;
    store.set_sla_hours(ctx.config.sla_hours)?;
    load_sample(&mut store, now)?;
    if list {
        use std::io::IsTerminal;
        write_table(
            &store,
            &LeadFilter::default(),
            now,
            &ctx.config.shown(),
            ctx.color.colors(std::io::stdout().is_terminal()),
            BufWriter::new(std::io::stdout().lock()),
        )?;
    } else {
        crate::tui::run(
            store,
            Some(dir.path().to_path_buf()),
            crate::import::complete_path,
            inbox_options(ctx),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// A bar only for a large file on a terminal; its length is the file's size.
    #[test]
    fn a_progress_bar_only_for_a_long_import_on_a_terminal() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small.csv");
        std::fs::write(&small, "Email\nana@example.org\n").unwrap();
        let large = dir.path().join("large.csv");
        std::fs::write(&large, vec![b'x'; PROGRESS_BAR_BYTES as usize]).unwrap();
        assert!(progress_bar(&small, true).is_none());
        assert!(progress_bar(&large, false).is_none());
        let bar = progress_bar(&large, true).expect("a bar");
        assert_eq!(bar.length(), Some(PROGRESS_BAR_BYTES));
        assert_eq!(bar.message(), "large.csv");
        assert!(progress_bar(&dir.path().join("missing.csv"), true).is_none());
    }

    #[test]
    fn import_refuses_standard_input_when_it_is_a_terminal_or_named_twice() {
        let files = |names: &[&str]| names.iter().map(PathBuf::from).collect::<Vec<_>>();
        let pipe = false;
        let terminal = true;
        assert_eq!(stdin_refusal(&files(&["-"]), pipe), None);
        assert_eq!(stdin_refusal(&files(&["a.csv", "-", "b.json"]), pipe), None);
        let refusal = stdin_refusal(&files(&["-"]), terminal).unwrap();
        assert!(refusal.contains("it is a terminal"), "{refusal}");
        assert!(!refusal.contains('\n'), "{refusal}");
        assert!(stdin_refusal(&files(&["a.csv", "-"]), terminal).is_some());
        // Files alone never read standard input, terminal or not.
        assert_eq!(stdin_refusal(&files(&["a.csv", "./-"]), terminal), None);
        let twice = stdin_refusal(&files(&["-", "a.csv", "-"]), pipe).unwrap();
        assert!(twice.contains("once"), "{twice}");
    }

    /// The lines a confirmation lists are escaped like every other text from files.
    #[test]
    fn a_confirmation_line_escapes_what_came_from_a_file() {
        let lead = crate::domain::Lead {
            id: 12,
            contact_id: 3,
            received_at: Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap(),
            source: None,
            action: Action::parse("X\u{1b}[31m"),
            offer: None,
            offer_name: None,
            lead_source: None,
            first_name: Some("Eve\u{202e}".into()),
            last_name: Some("Doe".into()),
            full_name: None,
            email: Some("eve@evil.example\u{7}".into()),
            phone: None,
            country: None,
            company: Some("Evil\nCorp".into()),
            title: None,
            description: None,
            notes_len: 0,
            is_test: false,
            status: crate::domain::Status::New,
            owner: None,
            touches: 2,
            last_touch_at: None,
            first_touch_at: None,
            sla_due_at: None,
            closed_at: None,
        };
        assert_eq!(
            lead_line(&lead),
            "    12  Eve\\u{202e} Doe  <eve@evil.example\\u{7}>  Evil\\nCorp  X\\e[31m  \
             received 2026-11-20T09:00:00Z  (2 touches)"
        );
    }
}
