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

use super::filter_args::{FilterArgs, open_indexed};
use crate::export::{
    DEFAULT_ITERATIONS, DEFAULT_SEED, Decoration, PictureFormat, PictureInput, PictureOptions,
    picture, settle,
};
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
    /// Background (default: light, or the session's).
    #[arg(long, value_enum)]
    pub theme: Option<ThemeArg>,
    /// What node size and link width show (default: shipments, or the session's).
    #[arg(long, value_enum)]
    pub size_by: Option<SizeByArg>,
    /// Draw a saved session: its database (unless --db is given), filter, hidden and
    /// expanded entities, positions, view, label choices, highlights, notes and callouts.
    /// The filter flags are not used with a session.
    #[arg(long, value_name = "SESSION.lading")]
    pub session: Option<PathBuf>,
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
    if let Some(session) = &args.session {
        anyhow::ensure!(
            args.filter.is_empty(),
            "--session draws the session's own filter; leave out the filter flags (--from, \
             --part, --focus, …), or open the session in the window to change it"
        );
        return run_session(db, session, &args);
    }
    let format = PictureFormat::from_path(&args.out)?;
    let options = PictureOptions {
        title: decoration(&args.title, args.no_title),
        caption: decoration(&args.caption, args.no_caption),
        credit: match decoration(&args.credit, args.no_credit) {
            Decoration::Auto => Decoration::Text(default_credit(db)),
            d => d,
        },
        legend: !args.no_legend,
        theme: theme(args.theme).unwrap_or(Theme::Light),
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
    let (_store, index) = open_indexed(db, &filter)?;
    let load_ms = ms(t0);

    let t = Instant::now();
    let graph = filter.apply(&index);
    let filter_ms = ms(t);

    let t = Instant::now();
    let positions = settle(&graph, args.seed, args.iterations).context("laying out the network")?;
    let layout_ms = ms(t);

    let t = Instant::now();
    let mut input = PictureInput::new(&index, &filter, &graph, &positions);
    input.size_by = size_by(args.size_by).unwrap_or(SizeBy::Shipments);
    let pic = picture(&input, &options)?;
    let picture_ms = ms(t);

    let t = Instant::now();
    let (bytes, phases) = match format {
        PictureFormat::Png => {
            let (bytes, phases) = pic.to_png_timed()?;
            (bytes, Some(phases))
        }
        PictureFormat::Svg => (pic.svg().as_bytes().to_vec(), None),
    };
    let raster_ms = ms(t);

    let t = Instant::now();
    crate::atomic::write_atomically(&args.out, |w| w.write_all(&bytes))?;
    let write_ms = ms(t);

    let (w, h) = pic.size_px();
    let scene = pic.scene();
    if args.json {
        super::write_json(&serde_json::json!({
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
                "png_phases": phases,
                "write_ms": write_ms,
        }))?;
    } else {
        outln!(
            "wrote {} ({w} × {h} px, {} entities, {} links, {} labels)",
            args.out.display(),
            graph.entities.len(),
            graph.links.len(),
            scene.labels.len()
        );
        if graph.entities.is_empty() {
            outln!("the filter selects nothing: the picture says \"No data in this filter\"");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn theme(arg: Option<ThemeArg>) -> Option<Theme> {
    arg.map(|t| match t {
        ThemeArg::Light => Theme::Light,
        ThemeArg::Dark => Theme::Dark,
    })
}

fn size_by(arg: Option<SizeByArg>) -> Option<SizeBy> {
    arg.map(|s| match s {
        SizeByArg::Shipments => SizeBy::Shipments,
        SizeByArg::Value => SizeBy::Value,
        SizeByArg::Degree => SizeBy::Degree,
    })
}

/// `lading render --session`: the picture the window showed when the session was saved.
fn run_session(db: Option<&Path>, path: &Path, args: &Args) -> anyhow::Result<ExitCode> {
    use crate::annotation::Resolved;
    use crate::explorer::Explorer;
    use crate::export::PictureView;
    use crate::session::Session;

    let format = PictureFormat::from_path(&args.out)?;
    let session = Session::load(path)?;
    let session_db = Some(PathBuf::from(&session.database.path))
        .filter(|p| !session.database.path.is_empty() && p.exists());
    let db: Option<PathBuf> = db.map(Path::to_path_buf).or(session_db);
    let mut options = PictureOptions {
        title: decoration(&args.title, args.no_title),
        caption: decoration(&args.caption, args.no_caption),
        credit: match decoration(&args.credit, args.no_credit) {
            Decoration::Auto => Decoration::Text(default_credit(db.as_deref())),
            d => d,
        },
        legend: !args.no_legend && session.display.legend,
        theme: theme(args.theme).unwrap_or(session.display.theme),
        width_px: args.width,
        height_px: args.height,
        scale: args.scale,
        labels: !args.no_labels && session.display.labels,
        ..PictureOptions::default()
    };
    if !session.view.fit
        && let Some(view) = session.view.to_view()
    {
        options.view = PictureView::Current(view);
    }
    options.validate()?;
    crate::atomic::check_destination(&args.out)?;

    let store = super::open_store(db.as_deref())?;
    let mut explorer = Explorer::new(store).context("loading the database")?;
    let restored = session.restore(&explorer);
    explorer.open_restored(&restored);
    // Entities the session did not place (new in the database) get a place from the layout,
    // around the saved ones.
    if !explorer.is_settled() {
        explorer.settle(args.iterations);
    }
    if let Some(report) = restored.missing_report() {
        errln!("lading: {report}");
    }
    let resolved = Resolved::new(&explorer.doc().annotations, |k| explorer.id_of_key(k));
    let mut input = PictureInput::new(
        explorer.index(),
        explorer.filter(),
        explorer.graph(),
        explorer.positions(),
    );
    input.size_by = size_by(args.size_by).unwrap_or(session.display.size_by);
    input.marks = crate::scene::Marks {
        selected: Some(&explorer.selection),
        selected_link: explorer.selected_link,
        ..resolved.marks()
    };
    let pic = picture(&input, &options)?;
    let bytes = match format {
        PictureFormat::Png => pic.to_png()?,
        PictureFormat::Svg => pic.svg().as_bytes().to_vec(),
    };
    crate::atomic::write_atomically(&args.out, |w| w.write_all(&bytes))?;
    let (w, h) = pic.size_px();
    if args.json {
        super::write_json(&serde_json::json!({
                "out": args.out.display().to_string(),
                "width": w,
                "height": h,
                "bytes": bytes.len(),
                "entities": explorer.graph().entities.len(),
                "callouts_drawn": pic.scene().callouts.len(),
        }))?;
    } else {
        outln!(
            "wrote {} ({w} × {h} px) from the session {}",
            args.out.display(),
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn ms(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 1e4).round() / 10.0
}
