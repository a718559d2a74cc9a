//! `lading import KIND FILE`: one CSV file, or one FollowTheMoney entity file (`ftm`), into
//! the database, all or nothing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::date::DateFormat;
use crate::parts::PartRules;
use crate::store::import::ftm::FtmOptions;
use crate::store::import::{ImportKind, ImportOptions};
use crate::store::{Store, Waiting};

/// What a file to import holds: one of the CSV kinds, or FtM entities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FileKind {
    Shipments,
    Entities,
    Ownership,
    Sanctions,
    /// FollowTheMoney entities, one JSON object per line (OpenSanctions, OCCRP Aleph).
    Ftm,
}

impl FileKind {
    /// The CSV import kind, or `None` for FtM.
    pub fn csv(self) -> Option<ImportKind> {
        Some(match self {
            FileKind::Shipments => ImportKind::Shipments,
            FileKind::Entities => ImportKind::Entities,
            FileKind::Ownership => ImportKind::Ownership,
            FileKind::Sanctions => ImportKind::Sanctions,
            FileKind::Ftm => return None,
        })
    }
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// What the file holds: shipments, entities, ownership or sanctions (CSV), or ftm
    /// (FollowTheMoney entities, one JSON object per line).
    pub kind: FileKind,
    /// The file: CSV (UTF-8, with a header row), or FtM JSON lines.
    pub file: PathBuf,
    /// Map a field to a header explicitly (repeatable): --map value_usd="Declared Value"
    #[arg(long, value_name = "FIELD=HEADER")]
    pub map: Vec<String>,
    /// How to read ambiguous dates such as 03/04/2022: dmy or mdy.
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,
    /// Part-type rules for descriptions (default: assets/part_types.rules, built in).
    #[arg(long, value_name = "RULES")]
    pub rules: Option<PathBuf>,
    /// Import the good rows and write each rejected row, with its reason, to this CSV file.
    #[arg(long, value_name = "REJECTS.csv")]
    pub skip_invalid: Option<PathBuf>,
    /// The source recorded for rows without a source column (default: the file's name).
    #[arg(long)]
    pub source: Option<String>,
    /// FtM only: report what would be matched, created and skipped, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(db: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    let Some(kind) = args.kind.csv() else {
        return run_ftm(db, args);
    };
    if args.dry_run {
        anyhow::bail!("--dry-run is for `lading import ftm` only");
    }
    let mut options = ImportOptions::new(kind);
    for m in &args.map {
        let (field, header) = m
            .split_once('=')
            .with_context(|| format!("--map {m:?}: expected FIELD=HEADER"))?;
        options
            .map
            .push((field.trim().to_owned(), header.trim().to_owned()));
    }
    if let Some(f) = &args.date_format {
        options.date_format = Some(
            DateFormat::from_arg(f)
                .with_context(|| format!("--date-format {f:?}: expected dmy, mdy or ymd"))?,
        );
    }
    if let Some(path) = &args.rules {
        options.rules = read_rules(path)?;
    }
    options.rejects = args.skip_invalid.clone();
    options.source = args.source.clone();
    let mut store = match db {
        Some(path) => Store::open_or_create(path)?,
        None => super::open_store(None)?,
    };
    say_when_waiting(&store);
    let summary = store.import_csv(&args.file, &options, None)?;
    let rejected = summary.rejected > 0;
    report(&summary, &args, rejected, "rows")
}

/// Tells on stderr when the import waits for another process writing to the database.
fn say_when_waiting(store: &Store) {
    let db = store.path().display().to_string();
    store.set_wait_notice(move |waiting| match waiting {
        Waiting::Started => errln!(
            "lading: another process is writing to {db} (another Lading import?); \
             waiting for it to finish (Ctrl+C stops)…"
        ),
        Waiting::Still(t) => errln!("lading: still waiting, {} s…", t.as_secs()),
        Waiting::Done(t) => errln!(
            "lading: the other process finished writing after {:.1} s; importing",
            t.as_secs_f64()
        ),
    });
}

/// The part-type rules file given with `--rules`.
fn read_rules(path: &Path) -> anyhow::Result<PartRules> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(PartRules::parse(&text, &path.display().to_string())?)
}

/// Prints an import's summary, as text or JSON, and where its rejects went.
fn report(
    summary: &(impl serde::Serialize + std::fmt::Display),
    args: &Args,
    rejected: bool,
    what: &str,
) -> anyhow::Result<ExitCode> {
    if args.json {
        super::write_json(summary)?;
    } else {
        outln!("{summary}");
        if let Some(rejects) = &args.skip_invalid
            && rejected
        {
            outln!("rejected {what}, with their reasons: {}", rejects.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `lading import ftm FILE`.
fn run_ftm(db: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    if !args.map.is_empty() || args.date_format.is_some() {
        anyhow::bail!(
            "--map and --date-format are for CSV files; FtM names its properties and writes ISO dates"
        );
    }
    let mut options = FtmOptions {
        dry_run: args.dry_run,
        rejects: args.skip_invalid.clone(),
        source: args.source.clone(),
        ..FtmOptions::default()
    };
    if let Some(path) = &args.rules {
        options.rules = read_rules(path)?;
    }
    let mut store = match db {
        // A dry run creates no database: against one that does not exist, it shows what an
        // import into a new database would do.
        Some(path) if args.dry_run && !path.exists() => Store::in_memory()?,
        Some(path) => Store::open_or_create(path)?,
        None => super::open_store(None)?,
    };
    say_when_waiting(&store);
    let summary = store.import_ftm(&args.file, &options, None)?;
    let rejected = summary.rejected > 0;
    report(&summary, &args, rejected, "lines")
}
