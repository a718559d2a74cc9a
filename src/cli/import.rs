//! `lading import KIND FILE`: one CSV file into the database, all or nothing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::date::DateFormat;
use crate::parts::PartRules;
use crate::store::Store;
use crate::store::import::{ImportKind, ImportOptions};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// What the file holds.
    pub kind: ImportKind,
    /// The CSV file (UTF-8, with a header row).
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
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(db: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    let mut options = ImportOptions::new(args.kind);
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
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        options.rules = PartRules::parse(&text, &path.display().to_string())?;
    }
    options.rejects = args.skip_invalid.clone();
    options.source = args.source.clone();
    let mut store = match db {
        Some(path) => Store::open_or_create(path)?,
        None => super::open_store(None)?,
    };
    let summary = store.import_csv(&args.file, &options, None)?;
    if args.json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        println!("{summary}");
        if let Some(rejects) = &args.skip_invalid
            && summary.rejected > 0
        {
            println!("rejected rows, with their reasons: {}", rejects.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
