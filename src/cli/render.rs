//! `lading render`: the picture of a filter, headless, as PNG or SVG — the same picture the
//! explorer exports, for scripts and figures — or, with `--animate`, the filter's date range
//! step by step as an animated GIF or PNG.
//!
//! Positions come from [`crate::export::settle`] (seeded, one thread), so the same database,
//! filter and flags give a byte-identical PNG. `--json` prints one line with the size and
//! the time of each phase (the export benchmark reads it).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;

use super::filter_args::{FilterArgs, open_indexed};
use crate::export::animate::{AnimationFormat, AnimationInput, AnimationOptions, MAX_FRAMES};
use crate::export::{
    DEFAULT_ITERATIONS, DEFAULT_SEED, Decoration, Frame, PictureFormat, PictureInput,
    PictureOptions, picture, settle,
};
use crate::playback::StepUnit;
use crate::scene::SizeBy;
use crate::style::Theme;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeArg {
    Light,
    Dark,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameArg {
    #[value(name = "16:9")]
    Wide,
    #[value(name = "1:1")]
    Square,
    #[value(name = "4:5")]
    Portrait,
    #[value(name = "a4")]
    A4,
    #[value(name = "a4-landscape")]
    A4Landscape,
}

impl FrameArg {
    fn frame(self) -> Frame {
        match self {
            FrameArg::Wide => Frame::Wide,
            FrameArg::Square => Frame::Square,
            FrameArg::Portrait => Frame::Portrait,
            FrameArg::A4 => Frame::A4,
            FrameArg::A4Landscape => Frame::A4Landscape,
        }
    }
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepArg {
    Week,
    Month,
    Quarter,
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
    /// Where to write the picture: FILE.png or FILE.svg; with --animate, FILE.gif or FILE.png
    /// (animated PNG).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// A frame for the web, social media or print: 16:9 (1920 × 1080), 1:1 (1080 × 1080),
    /// 4:5 (1080 × 1350), a4 or a4-landscape (300 dpi). The whole network is turned and
    /// fitted to it; --width changes its size, not its shape.
    #[arg(long, value_enum)]
    pub frame: Option<FrameArg>,
    /// An animation of the filter's date range, one frame a week, month or quarter (at most
    /// 60 frames; fewer with --max-frames). Default frame: 1:1.
    #[arg(long, value_enum)]
    pub animate: Option<StepArg>,
    /// With --animate: at most this many frames.
    #[arg(long, default_value_t = MAX_FRAMES)]
    pub max_frames: usize,
    /// Width at 1x in pixels; the file is WIDTH × SCALE pixels wide (at most 8000).
    /// Default: 1600, or the frame's width.
    #[arg(long)]
    pub width: Option<u32>,
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
    /// Source credit line (default: the sources of what is shown, whether any of it is
    /// synthetic, and the date of the data).
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
    /// Layout iterations at most on the full graph (it stops earlier when it settles).
    #[arg(long, default_value_t = DEFAULT_ITERATIONS)]
    pub iterations: u64,
    /// Print one JSON line with sizes and the time of each phase.
    #[arg(long)]
    pub json: bool,
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
    if args.animate.is_some() {
        return run_animation(db, &args);
    }
    let format = PictureFormat::from_path(&args.out)?;
    let options = options_of(&args, None);
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

    // A PNG is written strip by strip as it is painted: `raster_ms` until its last strip is
    // written, `write_ms` the rest (the fsync and rename).
    let t = Instant::now();
    let (size, phases, raster_ms, write_ms) = match format {
        PictureFormat::Png => {
            let (size, phases, painted) = pic.write_png(&args.out)?;
            let raster_ms = (painted.duration_since(t).as_secs_f64() * 1e4).round() / 10.0;
            (size, Some(phases), raster_ms, ms(painted))
        }
        PictureFormat::Svg => {
            let svg = pic.svg();
            let raster_ms = ms(t);
            let t = Instant::now();
            crate::atomic::write_atomically(&args.out, |w| w.write_all(svg.as_bytes()))?;
            (svg.len() as u64, None, raster_ms, ms(t))
        }
    };

    let (w, h) = pic.size_px();
    let scene = pic.scene();
    if args.json {
        super::write_json(&serde_json::json!({
                "out": args.out.display().to_string(),
                "width": w,
                "height": h,
                "bytes": size,
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
        for note in &scene.notes {
            outln!("not shown: {note}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The picture options the flags (and a session's display choices) ask for.
fn options_of(args: &Args, session: Option<&crate::session::Session>) -> PictureOptions {
    let options = PictureOptions {
        title: decoration(&args.title, args.no_title),
        caption: decoration(&args.caption, args.no_caption),
        credit: decoration(&args.credit, args.no_credit),
        legend: !args.no_legend && session.is_none_or(|s| s.display.legend),
        theme: theme(args.theme)
            .or(session.map(|s| s.display.theme))
            .unwrap_or(Theme::Light),
        width_px: args.width.unwrap_or(1600),
        height_px: args.height,
        scale: args.scale,
        labels: !args.no_labels && session.is_none_or(|s| s.display.labels),
        ..PictureOptions::default()
    };
    match args.frame.map(FrameArg::frame) {
        Some(frame) => options.framed(frame, args.width),
        None => options,
    }
}

/// `lading render --animate`: the filter's date range, frame by frame.
fn run_animation(db: Option<&Path>, args: &Args) -> anyhow::Result<ExitCode> {
    let Some(step) = args.animate else {
        anyhow::bail!("--animate needs week, month or quarter");
    };
    AnimationFormat::from_path(&args.out)?;
    let unit = match step {
        StepArg::Week => StepUnit::Week,
        StepArg::Month => StepUnit::Month,
        StepArg::Quarter => StepUnit::Quarter,
    };
    let mut options = options_of(args, None);
    if options.height_px.is_none() {
        // Every frame must be the same size: a free width gets the 1:1 frame's shape.
        options = options.framed(
            args.frame.map_or(Frame::Square, FrameArg::frame),
            Some(args.width.unwrap_or(Frame::Square.size()[0])),
        );
    }
    options.validate()?;
    crate::atomic::check_destination(&args.out)?;
    let filter = args.filter.to_filter()?;
    let t0 = Instant::now();
    let (_store, index) = open_indexed(db, &filter)?;
    let load_ms = ms(t0);
    // One layout for every frame: the whole range's network.
    let t = Instant::now();
    let graph = filter.apply(&index);
    let positions = settle(&graph, args.seed, args.iterations).context("laying out the network")?;
    let layout_ms = ms(t);
    let t = Instant::now();
    let input = AnimationInput {
        index: &index,
        filter: &filter,
        positions: &positions,
        marks: crate::scene::Marks::default(),
        size_by: size_by(args.size_by).unwrap_or(SizeBy::Shipments),
    };
    let mut anim_options = AnimationOptions::new(unit, options);
    anim_options.max_frames = args.max_frames;
    let animation = crate::export::animate::write_animation(&args.out, &input, &anim_options)?;
    let render_ms = ms(t);
    if args.json {
        outln!(
            "{}",
            serde_json::json!({
                "out": args.out.display().to_string(),
                "frames": animation.frames,
                "width": animation.width,
                "height": animation.height,
                "bytes": animation.bytes.len(),
                "entities": graph.entities.len(),
                "links": graph.links.len(),
                "load_ms": load_ms,
                "layout_ms": layout_ms,
                "render_ms": render_ms,
                "notes": animation.notes,
            })
        );
    } else {
        outln!(
            "wrote {} ({} frames, {} × {} px, {} bytes)",
            args.out.display(),
            animation.frames,
            animation.width,
            animation.height,
            animation.bytes.len()
        );
        for note in &animation.notes {
            outln!("note: {note}");
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

    anyhow::ensure!(
        args.animate.is_none(),
        "--animate steps a filter's date range; it does not take --session"
    );
    let format = PictureFormat::from_path(&args.out)?;
    let session = Session::load(path)?;
    let session_db = Some(PathBuf::from(&session.database.path))
        .filter(|p| !session.database.path.is_empty() && p.exists());
    let db: Option<PathBuf> = db.map(Path::to_path_buf).or(session_db);
    let mut options = options_of(args, Some(&session));
    if args.frame.is_none()
        && !session.view.fit
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
