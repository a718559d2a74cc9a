//! The command line: `lading [--db DB] [SESSION.lading]` and its subcommands.
//!
//! Each subcommand lives in its own file and exposes `Args` (clap) and `run`. `main` parses,
//! runs, and reports an error once, with its context chain.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::store::Store;

/// `println!` for the command line's output, which may go to a pipe that closes early
/// (`lading screen | head`): then the program ends quietly, as Unix tools do, instead of
/// panicking on the broken pipe. Everything goes through [`crate::text::inert_lines`]: a
/// name's escape sequence or bidi override is printed as a visible mark, never acted on.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::write_line(format_args!($($arg)*))
    };
}

/// `eprintln!` for the command line's messages and errors, made inert as [`outln!`]'s.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::write_err_line(format_args!($($arg)*))
    };
}

/// The one printer of the command line's output: see [`outln!`].
#[doc(hidden)]
pub fn write_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let text = terminal_text(args);
    let mut out = std::io::stdout().lock();
    if let Err(e) = out
        .write_all(text.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
    {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        write_err_line(format_args!("lading: writing the output: {e}"));
        std::process::exit(1);
    }
}

/// The one printer of the command line's messages: see [`errln!`]. A failed write to
/// stderr has nowhere to be reported, so it is ignored.
#[doc(hidden)]
pub fn write_err_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let text = terminal_text(args);
    let mut err = std::io::stderr().lock();
    let _ = err
        .write_all(text.as_bytes())
        .and_then(|()| err.write_all(b"\n"));
}

/// Prints one JSON document on a line: the same data (`\uXXXX` escapes for control and
/// invisible characters, see [`crate::text::json_inert`]), safe in a terminal.
pub fn write_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let json = serde_json::to_string(value)?;
    write_line(format_args!("{}", crate::text::json_inert(&json)));
    Ok(())
}

/// A line for the terminal: controls and invisible characters as visible marks, line feeds
/// and tabs kept (user text that should not break a line is passed through
/// [`crate::text::inert`] where it is formatted).
fn terminal_text(args: std::fmt::Arguments<'_>) -> String {
    let text = match args.as_str() {
        Some(s) => s.to_owned(),
        None => args.to_string(),
    };
    match crate::text::inert_lines(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(marked) => marked,
    }
}

pub mod bench;
mod bench_explorer;
pub mod export;
pub mod filter_args;
pub mod generate;
pub mod identity;
pub mod import;
pub mod layout;
pub mod match_cmd;
pub mod render;
pub mod screen;
pub mod session;
pub mod stats;

#[derive(Parser, Debug)]
#[command(
    name = "lading",
    version,
    about = "Explore trade between state-owned companies: customs shipments, ownership and sanctions as a network"
)]
pub struct Cli {
    /// The database: a SQLite file, or a team database's postgres://USER@HOST/DB URL (default: $LADING_DB, else the session's, else the one in your data directory, made from the sample data on first run).
    #[arg(
        long,
        global = true,
        value_name = "FILE|URL",
        env = "LADING_DB",
        hide_env_values = true
    )]
    pub db: Option<PathBuf>,
    /// A session file to reopen in the window.
    #[arg(value_name = "SESSION.lading")]
    pub session: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Import a CSV file of shipments, entities, ownership links or sanctions listings, or a
    /// FollowTheMoney entity file (OpenSanctions, Aleph).
    Import(import::Args),
    /// Print what a filter selects: entities, links, shipments, value, and the top links.
    Stats(stats::Args),
    /// Screening: the listed entities of a filter's network, and links shipped after listing.
    Screen(screen::Args),
    /// Generate a synthetic network at scale, for benchmarks and tests.
    Generate(generate::Args),
    /// Lay out an edge list (source,target[,weight]) with ForceAtlas2: the layout benchmark.
    Layout(layout::Args),
    /// Benchmarks that need no peer: the filter, and the frame time, on a database.
    Bench(bench::Args),
    /// Draw the network of a filter as PNG or SVG, with title, legend, caption and credit.
    Render(render::Args),
    /// Write the network of a filter as GEXF or GraphML, or its shipments as CSV.
    Export(export::Args),
    /// Session files: check one, or the saving benchmark and crash test.
    Session(session::Args),
    /// Merge one entity into another (recorded as a judgement; undo with `unmerge`).
    Merge(identity::MergeArgs),
    /// Split a merged entity off again, with everything that names it.
    Unmerge(identity::UnmergeArgs),
    /// Record that two entities are not the same, so they are not suggested again.
    NotSame(identity::NotSameArgs),
    /// List the merges, unmerges and "not the same" judgements, with who, when and why.
    Judgements(identity::JudgementsArgs),
    /// List pairs of entities that may be one, best first, with the reasons.
    Duplicates(identity::DuplicatesArgs),
    /// Compare two companies' names (and identifiers), or each pair of a CSV file: score,
    /// verdict and reasons.
    Match(match_cmd::Args),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            errln!("lading: {err:#}");
            ExitCode::FAILURE
        }
    }
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // A team database's URL loses any password here: what the rest of Lading holds, shows
    // and writes (sessions, titles, messages) is the URL without it.
    let db = cli.db.map(|d| crate::store::location(&d)).transpose()?;
    if let (Some(session), Some(_)) = (&cli.session, &cli.command) {
        anyhow::bail!(
            "{} is a session to open in the window; it cannot go with a subcommand (render takes --session FILE)",
            session.display()
        );
    }
    match cli.command {
        Some(Command::Import(args)) => import::run(db.as_deref(), args),
        Some(Command::Stats(args)) => stats::run(db.as_deref(), args),
        Some(Command::Screen(args)) => screen::run(db.as_deref(), args),
        Some(Command::Generate(args)) => generate::run(db.as_deref(), args),
        Some(Command::Layout(args)) => layout::run(args).map(|()| ExitCode::SUCCESS),
        Some(Command::Bench(args)) => bench::run(db.as_deref(), args),
        Some(Command::Render(args)) => render::run(db.as_deref(), args),
        Some(Command::Export(args)) => export::run(db.as_deref(), args),
        Some(Command::Session(args)) => session::run(db.as_deref(), args),
        Some(Command::Merge(args)) => identity::merge(db.as_deref(), args),
        Some(Command::Unmerge(args)) => identity::unmerge(db.as_deref(), args),
        Some(Command::NotSame(args)) => identity::not_same(db.as_deref(), args),
        Some(Command::Judgements(args)) => identity::judgements(db.as_deref(), args),
        Some(Command::Duplicates(args)) => identity::duplicates(db.as_deref(), args),
        Some(Command::Match(args)) => match_cmd::run(args),
        None => {
            if let Some(path) = &cli.session {
                // Refuse a bad session file here, with the reason, before opening a window.
                crate::session::Session::load(path)?;
            }
            crate::ui::run(db, cli.session)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Opens `--db FILE`, or the default database (built from the sample on first run).
pub fn open_store(db: Option<&Path>) -> anyhow::Result<Store> {
    match db {
        Some(path) => Ok(Store::open(path)?),
        None => {
            let path = crate::sample::default_db_path()?;
            crate::sample::open_default(&path)
                .with_context(|| format!("opening the default database {}", path.display()))
        }
    }
}
