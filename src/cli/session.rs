//! `lading session`: check a session file, time saving and opening one (the session
//! benchmark), and the save loop the crash test kills.
//!
//! `lading session bench` opens the database, places every shown entity, adds annotations,
//! then times saving (capture, JSON, atomic write) and opening (read, parse, resolve keys,
//! restore into the explorer), each the median of `--runs`, and prints one JSON line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;

use crate::annotation::{Callout, Target};
use crate::explorer::{Command, Explorer};
use crate::layout::Positions;
use crate::session::{Carried, Session, UiChoices};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub what: What,
}

#[derive(clap::Subcommand, Debug)]
pub enum What {
    /// Read a session file and say what it holds, or why it cannot be opened.
    Check { file: PathBuf },
    /// Time saving and opening a session of every entity of the database, positioned, with
    /// annotations. Prints one JSON line.
    Bench {
        /// Annotations to add: notes, highlights and callouts in equal parts.
        #[arg(long, default_value_t = 1_000)]
        annotations: usize,
        /// Runs to take the median of.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Where to write the session (default: a temporary folder).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Saves the database's session to FILE over and over, printing one line per save (the
    /// crash test kills it mid-write).
    #[command(hide = true)]
    SaveLoop {
        file: PathBuf,
        /// Saves at most (0: forever).
        #[arg(long, default_value_t = 0)]
        times: u64,
        /// Add this many positions of entities the database lacks (a big file, so a kill
        /// lands mid-write).
        #[arg(long, default_value_t = 0)]
        pad: usize,
        /// A note on the first shown entity, to tell this session's file from another's.
        #[arg(long, default_value = "save-loop")]
        note: String,
    },
}

pub fn run(db: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    match args.what {
        What::Check { file } => {
            let session = Session::load(&file)?;
            outln!(
                "{}: session format {}, database {}, {} positions, {} pinned, {} hidden, {} notes, {} highlights, {} callouts",
                file.display(),
                session.format_version,
                session.database.path,
                session.positions.len(),
                session.pinned.len(),
                session.hidden.len(),
                session.notes.len(),
                session.highlights.len(),
                session.callouts.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        What::Bench {
            annotations,
            runs,
            out,
        } => bench(db, annotations, runs.max(1), out),
        What::SaveLoop {
            file,
            times,
            pad,
            note,
        } => {
            let mut explorer = prepared_explorer(db, 0)?;
            if let Some(key) = explorer
                .graph()
                .entities
                .first()
                .and_then(|&id| explorer.index().entity(id))
                .map(|e| e.key.clone())
            {
                explorer.apply(Command::SetNote(Target::Entity(key), note));
            }
            let carried = Carried {
                positions: (0..pad)
                    .map(|i| (format!("pad-{i:07}"), [i as f32 * 0.5, -(i as f32) * 0.25]))
                    .collect(),
                ..Carried::default()
            };
            let session = Session::capture(&explorer, &UiChoices::default(), &carried, "save-loop");
            let mut n = 0u64;
            loop {
                session.save(&file)?;
                n += 1;
                outln!("saved {n}");
                if times > 0 && n >= times {
                    return Ok(ExitCode::SUCCESS);
                }
            }
        }
    }
}

/// An explorer on the database with every shown entity placed on a grid (layout held) and
/// `annotations` notes, highlights and callouts.
fn prepared_explorer(db: Option<&Path>, annotations: usize) -> anyhow::Result<Explorer> {
    let store = super::open_store(db)?;
    let mut explorer = Explorer::new(store).context("loading the database")?;
    // Every entity of the database gets a position (those the filter hides too), so the
    // session holds as many positions as the database has entities.
    let ids: Vec<_> = explorer.index().entities().iter().map(|e| e.id).collect();
    let side = (ids.len() as f32).sqrt().ceil().max(1.0) as usize;
    let positions = Positions::from_pairs(ids.iter().enumerate().map(|(i, &id)| {
        (
            id,
            [
                (i % side) as f32 * 10.0 + 0.123,
                (i / side) as f32 * 10.0 - 0.456,
            ],
        )
    }));
    let doc = explorer.doc().clone();
    explorer.replace_all(doc, positions, Default::default(), None);
    let keys: Vec<String> = ids
        .iter()
        .filter_map(|&id| explorer.index().entity(id).map(|e| e.key.clone()))
        .collect();
    if keys.is_empty() {
        return Ok(explorer);
    }
    for i in 0..annotations {
        let key = keys[(i * 7919) % keys.len()].clone();
        let command = match i % 3 {
            0 => Command::SetNote(
                Target::Entity(key),
                format!("Note {i}: shipments of helicopter parts\nsecond line, «quoted», 保利"),
            ),
            1 => Command::SetHighlight(
                Target::Entity(key),
                Some(crate::annotation::HIGHLIGHT_COLOURS[i % 5].1),
            ),
            _ => Command::AddCallout(Callout {
                at: [i as f32, -(i as f32)],
                text: format!("Callout {i}"),
                entity: Some(key),
            }),
        };
        explorer.apply(command);
    }
    Ok(explorer)
}

fn bench(
    db: Option<&Path>,
    annotations: usize,
    runs: usize,
    out: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let t = Instant::now();
    let mut explorer = prepared_explorer(db, annotations)?;
    let setup_ms = ms(t);
    let tmp = tempfile::tempdir()?;
    let path = out.unwrap_or_else(|| tmp.path().join("bench.lading"));
    let t = Instant::now();
    let fingerprint = explorer.store().content_fingerprint()?;
    let fingerprint_ms = ms(t);
    let mut save_ms = Vec::new();
    let mut open_ms = Vec::new();
    let mut parse_ms = Vec::new();
    let mut bytes = 0u64;
    let mut positions = 0usize;
    for _ in 0..runs {
        let t = Instant::now();
        let session = Session::capture(
            &explorer,
            &UiChoices::default(),
            &Carried::default(),
            &fingerprint,
        );
        session.save(&path)?;
        save_ms.push(ms(t));
        positions = session.positions.len();
        bytes = std::fs::metadata(&path)?.len();

        let t = Instant::now();
        let loaded = Session::load(&path)?;
        parse_ms.push(ms(t));
        let restored = loaded.restore(&explorer);
        explorer.open_restored(&restored);
        open_ms.push(ms(t));
    }
    outln!(
        "{}",
        serde_json::json!({
            "entities_positioned": positions,
            "annotations": annotations,
            "file_bytes": bytes,
            "runs": runs,
            "setup_ms": setup_ms,
            "fingerprint_ms": fingerprint_ms,
            "save_ms_median": median(&mut save_ms),
            "open_ms_median": median(&mut open_ms),
            "open_read_parse_ms_median": median(&mut parse_ms),
        })
    );
    Ok(ExitCode::SUCCESS)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn ms(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 1e4).round() / 10.0
}
