//! `lading generate`: a synthetic network at scale, into a database or as CSV files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::bail;

use crate::generate::{GenerateOptions, generate_network, write_csv, write_ftm};
use crate::model::Shipment;
use crate::store::Store;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long, default_value_t = 10_000)]
    pub entities: usize,
    #[arg(long, default_value_t = 100_000)]
    pub shipments: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Also (or, without --db, only) write entities.csv, ownership.csv, sanctions.csv and
    /// shipments.csv into this folder.
    #[arg(long, value_name = "DIR")]
    pub csv: Option<PathBuf>,
    /// Also (or, without --db, only) write everything as one FollowTheMoney entity file
    /// (JSON lines), relations before the companies they name: the FtM import benchmark.
    #[arg(long, value_name = "FILE")]
    pub ftm: Option<PathBuf>,
}

pub fn run(db: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    if db.is_none() && args.csv.is_none() && args.ftm.is_none() {
        bail!(
            "say where to put the data: --db FILE (a new or Lading database), --csv DIR and/or --ftm FILE"
        );
    }
    if args.entities < 2 {
        bail!("--entities must be at least 2");
    }
    let started = Instant::now();
    let options = GenerateOptions {
        entities: args.entities,
        shipments: args.shipments,
        seed: args.seed,
        ..GenerateOptions::default()
    };
    let (mut data, draws) = generate_network(&options);
    let mut draws = Some(draws);
    if args.csv.is_some() || args.ftm.is_some() {
        // The file writers take everything at once.
        data.shipments = draws.take().map(Iterator::collect).unwrap_or_default();
        if let Some(dir) = &args.csv {
            write_csv(&data, dir)?;
            outln!("wrote CSV files to {}", dir.display());
        }
        if let Some(path) = &args.ftm {
            let lines = write_ftm(&data, path)?;
            outln!("wrote {lines} FtM entities to {}", path.display());
        }
    }
    if let Some(path) = db {
        let mut store = Store::open_or_create(path)?;
        let added = if let Some(draws) = draws {
            // Shipments are drawn on one core while the other writes them.
            std::thread::scope(|scope| {
                let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Shipment>>(8);
                scope.spawn(move || {
                    let mut draws = draws.peekable();
                    while draws.peek().is_some() {
                        let chunk: Vec<Shipment> = draws.by_ref().take(4096).collect();
                        if send.send(chunk).is_err() {
                            break; // the writer stopped on an error
                        }
                    }
                });
                store.insert_generated_with(&data, receive.into_iter().flatten())
            })?
        } else {
            store.insert_generated(&data)?
        };
        outln!(
            "generated {} entities, {} ownership links, {} listings, {} shipments into {}",
            data.entities.len(),
            data.ownership.len(),
            data.sanctions.len(),
            added,
            path.display()
        );
    }
    outln!("seconds {:.2}", started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}
