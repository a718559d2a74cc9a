//! `lading export`: the filtered network as GEXF or GraphML (with attributes and layout
//! positions, for Gephi, Cytoscape and networkx) or its shipments as CSV (with sources).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::filter_args::{FilterArgs, open_indexed};
use crate::export::{DEFAULT_ITERATIONS, DEFAULT_SEED, DataFormat, DataInput, settle, write_data};
use crate::layout::Positions;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatArg {
    Gexf,
    Graphml,
    Csv,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// gexf, graphml or csv (default: from the file name's extension).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Where to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Seed of the layout whose positions GEXF and GraphML carry.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Layout iterations at most on the full graph (it stops earlier when it settles).
    #[arg(long, default_value_t = DEFAULT_ITERATIONS)]
    pub iterations: u64,
}

fn format_of(args: &Args) -> anyhow::Result<DataFormat> {
    let f = match args.format {
        Some(f) => f,
        None => {
            let ext = args
                .out
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase());
            match ext.as_deref() {
                Some("gexf") => FormatArg::Gexf,
                Some("graphml") => FormatArg::Graphml,
                Some("csv") => FormatArg::Csv,
                _ => bail!(
                    "{}: say --format gexf, graphml or csv (or name the file .gexf, .graphml or .csv)",
                    args.out.display()
                ),
            }
        }
    };
    Ok(match f {
        FormatArg::Gexf => DataFormat::Gexf,
        FormatArg::Graphml => DataFormat::Graphml,
        FormatArg::Csv => DataFormat::Csv,
    })
}

pub fn run(db: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    let format = format_of(&args)?;
    crate::atomic::check_destination(&args.out)?;
    let filter = args.filter.to_filter()?;
    let (store, index) = open_indexed(db, &filter)?;
    let graph = filter.apply(&index);
    let positions = match format {
        DataFormat::Csv => Positions::default(),
        _ => settle(&graph, args.seed, args.iterations).context("laying out the network")?,
    };
    let summary = write_data(
        &args.out,
        format,
        &DataInput {
            store: Some(&store),
            index: &index,
            filter: &filter,
            graph: &graph,
            positions: &positions,
        },
    )?;
    match format {
        DataFormat::Csv => outln!("wrote {} ({} shipments)", args.out.display(), summary.rows),
        _ => outln!(
            "wrote {} ({} entities, {} links)",
            args.out.display(),
            summary.nodes,
            summary.links
        ),
    }
    Ok(ExitCode::SUCCESS)
}
