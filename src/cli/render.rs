//! `lading render`: the picture of a filter, headless, as PNG or SVG — the same picture the
//! explorer exports, for scripts and figures.
//!
//! Positions come from [`crate::export::settle`] (seeded, one thread), so the same database,
//! filter and flags give a byte-identical PNG. `--json` prints one line with the size and
//! the time of each phase (the export benchmark reads it).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;

use super::filter_args::{FilterArgs, check_names};
use crate::export::{
    DEFAULT_ITERATIONS, DEFAULT_SEED, Decoration, PictureFormat, PictureInput, PictureOptions,
    picture, settle,
};
use crate::index::ShipmentIndex;
use crate::scene::SizeBy;
use crate::style::Theme;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeArg {
    Light,
    Dark,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SizeByArg {
    Shipments,
    Value,
    Degree,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Where to write the picture: FILE.png or FILE.svg.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Width at 1x in pixels; the file is WIDTH × SCALE pixels wide (at most 8000).
    #[arg(long, default_value_t = 1600)]
    pub width: u32,
    /// Height at 1x in pixels (default: from the network's shape).
    #[arg(long)]
    pub height: Option<u32>,
    /// 1, 2 or 4: multiplies pixels, text and lines (print resolution).
    #[arg(long, default_value_t = 1)]
    pub scale: u32,
    /// Title (default: what the picture shows, in numbers).
    #[arg(long, conflicts_with = "no_title")]
    pub title: Option<String>,
    #[arg(long)]
    pub no_title: bool,
    /// Caption (default: the filter in words).
    #[arg(long, conflicts_with = "no_caption")]
    pub caption: Option<String>,
    #[arg(long)]
    pub no_caption: bool,
    /// Source credit line (default: Lading and the database).
    #[arg(long, conflicts_with = "no_credit")]
    pub credit: Option<String>,
    #[arg(long)]
    pub no_credit: bool,
    #[arg(long)]
    pub no_legend: bool,
    /// No entity labels.
    #[arg(long)]
    pub no_labels: bool,
    #[arg(long, value_enum, default_value_t = ThemeArg::Light)]
    pub theme: ThemeArg,
    /// What node size and link width show.
    #[arg(long, value_enum, default_value_t = SizeByArg::Shipments)]
    pub size_by: SizeByArg,
    /// Seed of the layout.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Layout iterations at most (it stops earlier when it settles).
    #[arg(long, default_value_t = DEFAULT_ITERATIONS)]
    pub iterations: u64,
    /// Print one JSON line with sizes and the time of each phase.
    #[arg(long)]
    pub json: bool,
}

/// The credit line for a database: the sample says what it is.
pub fn default_credit(db: Option<&Path>) -> String {
    match db.and_then(|p| p.file_name()) {
        Some(name) => format!("Made with Lading · data: {}", name.to_string_lossy()),
        None => "Made with Lading · data: Lading's sample data (partly synthetic; see sample_data/README.md)"
            .to_owned(),
    }
}

fn decoration(text: &Option<String>, hidden: bool) -> Decoration {
    match (text, hidden) {
        (_, true) => Decoration::Hidden,
        (Some(t), false) => Decoration::Text(t.clone()),
        (None, false) => Decoration::Auto,
    }
}

pub fn run(db: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    let format = PictureFormat::from_path(&args.out)?;
    let options = PictureOptions {
        title: decoration(&args.title, args.no_title),
        caption: decoration(&args.caption, args.no_caption),
        credit: match decoration(&args.credit, args.no_credit) {
            Decoration::Auto => Decoration::Text(default_credit(db)),
            d => d,
        },
        legend: !args.no_legend,
        theme: match args.theme {
            ThemeArg::Light => Theme::Light,
            ThemeArg::Dark => Theme::Dark,
        },
        width_px: args.width,
        height_px: args.height,
        scale: args.scale,
        labels: !args.no_labels,
        ..PictureOptions::default()
    };
    // Refuse bad sizes before the slow part.
    options.validate()?;
    crate::atomic::check_destination(&args.out)?;
    let filter = args.filter.to_filter()?;

    let t0 = Instant::now();
    let store = super::open_store(db)?;
    let index = ShipmentIndex::build(store.load_dataset()?);
    check_names(&filter, &index)?;
    let load_ms = ms(t0);

    let t = Instant::now();
    let graph = filter.apply(&index);
    let filter_ms = ms(t);

    let t = Instant::now();
    let positions = settle(&graph, args.seed, args.iterations).context("laying out the network")?;
    let layout_ms = ms(t);

    let t = Instant::now();
    let mut input = PictureInput::new(&index, &filter, &graph, &positions);
    input.size_by = match args.size_by {
        SizeByArg::Shipments => SizeBy::Shipments,
        SizeByArg::Value => SizeBy::Value,
        SizeByArg::Degree => SizeBy::Degree,
    };
    let pic = picture(&input, &options)?;
    let picture_ms = ms(t);

    let t = Instant::now();
    let bytes = match format {
        PictureFormat::Png => pic.to_png()?,
        PictureFormat::Svg => pic.svg().as_bytes().to_vec(),
    };
    let raster_ms = ms(t);

    let t = Instant::now();
    crate::atomic::write_atomically(&args.out, |w| w.write_all(&bytes))?;
    let write_ms = ms(t);

    let (w, h) = pic.size_px();
    let scene = pic.scene();
    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "out": args.out.display().to_string(),
                "width": w,
                "height": h,
                "bytes": bytes.len(),
                "entities": graph.entities.len(),
                "links": graph.links.len(),
                "nodes_drawn": scene.nodes.len(),
                "links_drawn": scene.links.len(),
                "labels_drawn": scene.labels.len(),
                "load_ms": load_ms,
                "filter_ms": filter_ms,
                "layout_ms": layout_ms,
                "scene_svg_ms": picture_ms,
                "raster_ms": raster_ms,
                "write_ms": write_ms,
            })
        );
    } else {
        println!(
            "wrote {} ({w} × {h} px, {} entities, {} links, {} labels)",
            args.out.display(),
            graph.entities.len(),
            graph.links.len(),
            scene.labels.len()
        );
        if graph.entities.is_empty() {
            println!("the filter selects nothing: the picture says \"No data in this filter\"");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn ms(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 1e4).round() / 10.0
}
