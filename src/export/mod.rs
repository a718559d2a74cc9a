//! Pictures and data files for publication: PNG and SVG of the network, GEXF, GraphML and
//! CSV of the filtered data.
//!
//! A picture is made from the same [`Scene`] the canvas paints ([`crate::scene::build`]), so
//! the export shows what the investigator saw: same nodes, links, labels and colours. This
//! module adds what a printed figure needs around it ([`page`]): a title, a legend listing
//! only what the picture shows, a caption stating the filter in words, a source credit and a
//! margin, laid out so nothing overlaps the network or is cut off. [`svg`] paints scene and
//! page as SVG with `<text>` in the shipped fonts; [`png`] paints the same page's shapes
//! straight onto pixels and its text through resvg (that SVG's text) with the fonts from
//! `assets/`, so the same input gives the same bytes on any machine.
//!
//! Data exports ([`gexf`], [`graphml`], [`csv`]) write the filtered network with attributes
//! and positions for Gephi, Cytoscape and networkx. Every file is written through
//! [`crate::atomic::write_atomically`]: complete or not at all.
//!
//! Plain Rust: nothing here knows egui. Headless callers without positions use [`settle`].
//!
//! ```no_run
//! # fn demo(index: &lading::index::ShipmentIndex, filter: &lading::filter::Filter) -> Result<(), lading::export::ExportError> {
//! use lading::export::{PictureInput, PictureOptions, picture, settle, write_picture};
//! let graph = filter.apply(index);
//! let positions = settle(&graph, 1, 600)?;
//! let input = PictureInput::new(index, filter, &graph, &positions);
//! let pic = picture(&input, &PictureOptions::default())?;
//! write_picture(std::path::Path::new("network.png"), &pic)?;
//! # Ok(()) }
//! ```

pub mod animate;
pub mod credit;
pub mod csv;
mod fit;
pub mod gexf;
pub mod graphml;
mod labels;
mod network;
pub mod page;
pub mod png;
mod raster;
mod settle;
pub(crate) mod simd;
mod strokes;
pub mod svg;
mod zlib;
pub use crate::style::text;

use std::path::{Path, PathBuf};
use std::time::Instant;

pub use network::{LinkRecord, NodeRecord, network_records};
pub use settle::{DEFAULT_ITERATIONS, DEFAULT_SEED, settle};

use crate::atomic::{WriteError, write_atomically, write_file_atomically};
use crate::filter::{Filter, FilteredGraph};
use crate::index::ShipmentIndex;
use crate::layout::{LayoutError, Positions};
use crate::scene::{Marks, Scene, Shown, SizeBy, View};
use crate::store::StoreError;
use crate::style::Theme;

/// Widest and tallest picture, in output pixels (after scale).
pub const MAX_PIXELS: u32 = 8_000;
/// Largest scale factor.
pub const MAX_SCALE: u32 = 8;

/// Why a picture or data file could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "picture width {width_px} px × scale {scale} = {total} px is out of range: the picture must be 1 to {MAX_PIXELS} px wide"
    )]
    Width {
        width_px: u32,
        scale: u32,
        total: u64,
    },
    #[error("scale {0} is out of range: use 1 to {MAX_SCALE} (1x, 2x, 4x)")]
    Scale(u32),
    #[error("picture height {0} px is out of range: the picture must be 1 to {MAX_PIXELS} px tall")]
    Height(u64),
    #[error(
        "a picture {height_px} px tall has no room for the network under its title, legend and caption; make it at least {needed_px} px tall"
    )]
    Cramped { height_px: u32, needed_px: u32 },
    #[error("the view to export is unusable (zero, negative or non-finite size or zoom)")]
    View,
    #[error("{path}: unknown file type; name it .png or .svg")]
    Format { path: PathBuf },
    #[error("{path}: unknown file type for an animation; name it .gif or .png (animated PNG)")]
    AnimationFormat { path: PathBuf },
    #[error("cannot animate: {0}")]
    Animation(String),
    #[error("a CSV export reads the shipment records and needs the open database")]
    NeedsStore,
    #[error("could not draw the picture: {0}")]
    Render(String),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Layout(#[from] LayoutError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Which part of the network the picture shows.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum PictureView {
    /// The whole network, nothing cut off.
    #[default]
    Fit,
    /// The canvas's current view (same world rectangle, scaled to the picture's width).
    Current(View),
}

/// A shape of picture: for the web and social media, or an A4 page at 300 dpi.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Frame {
    /// 16:9, 1920 × 1080 px: the legend and words beside the network.
    Wide,
    /// 1:1, 1080 × 1080 px.
    Square,
    /// 4:5, 1080 × 1350 px.
    Portrait,
    /// A4 portrait at 300 dpi, 2480 × 3508 px.
    A4,
    /// A4 landscape at 300 dpi, 3508 × 2480 px.
    A4Landscape,
}

impl Frame {
    pub const ALL: [Frame; 5] = [
        Frame::Wide,
        Frame::Square,
        Frame::Portrait,
        Frame::A4,
        Frame::A4Landscape,
    ];

    /// The name on the command line and in the dialog.
    pub fn as_str(self) -> &'static str {
        match self {
            Frame::Wide => "16:9",
            Frame::Square => "1:1",
            Frame::Portrait => "4:5",
            Frame::A4 => "a4",
            Frame::A4Landscape => "a4-landscape",
        }
    }

    pub fn parse(text: &str) -> Option<Frame> {
        Frame::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// Width and height in pixels.
    pub fn size(self) -> [u32; 2] {
        match self {
            Frame::Wide => [1920, 1080],
            Frame::Square => [1080, 1080],
            Frame::Portrait => [1080, 1350],
            Frame::A4 => [2480, 3508],
            Frame::A4Landscape => [3508, 2480],
        }
    }

    /// The frame's height for a width (the same shape).
    pub fn height_for(self, width: u32) -> u32 {
        let [w, h] = self.size();
        ((u64::from(width) * u64::from(h) + u64::from(w) / 2) / u64::from(w)).max(1) as u32
    }
}

/// A piece of text around the picture: the default, the caller's, or none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Decoration {
    /// Lading's default (e.g. the filter in words for the caption).
    #[default]
    Auto,
    Text(String),
    Hidden,
}

impl Decoration {
    fn resolve(&self, auto: impl FnOnce() -> String) -> Option<String> {
        match self {
            Decoration::Auto => Some(auto()),
            Decoration::Text(t) if t.trim().is_empty() => None,
            Decoration::Text(t) => Some(t.trim().to_owned()),
            Decoration::Hidden => None,
        }
        .map(|t| clean_text(&crate::text::inert_lines(&t)))
        .filter(|t| !t.is_empty())
    }
}

/// How to make a picture. The default: whole network, 1600 px wide at 1x, light, with title,
/// legend, caption and credit, selection shown, pins hidden.
#[derive(Clone, Debug, PartialEq)]
pub struct PictureOptions {
    pub title: Decoration,
    /// Default: the filter in words ([`Filter::describe`]).
    pub caption: Decoration,
    /// Default: the sources of what is shown ([`credit::credit`]).
    pub credit: Decoration,
    pub legend: bool,
    pub theme: Theme,
    /// Width at 1x, in CSS pixels; the file is `width_px * scale` pixels wide.
    pub width_px: u32,
    /// Height at 1x; `None`: from the network's shape (fit) or the view's (current view).
    pub height_px: Option<u32>,
    /// 1, 2 or 4 (up to [`MAX_SCALE`]): multiplies pixels, text and strokes alike.
    pub scale: u32,
    pub view: PictureView,
    /// Draw the selection, selected link and path as on screen (hover is never drawn).
    pub highlight_selection: bool,
    pub show_pins: bool,
    /// Entity labels (collision-free, most important first, as on the canvas).
    pub labels: bool,
    /// A frame's shape: the whole network is turned to fill it and the words laid out for
    /// it. Width and height are set from it by [`PictureOptions::framed`].
    pub frame: Option<Frame>,
}

impl Default for PictureOptions {
    fn default() -> Self {
        PictureOptions {
            title: Decoration::Auto,
            caption: Decoration::Auto,
            credit: Decoration::Auto,
            legend: true,
            theme: Theme::Light,
            width_px: 1600,
            height_px: None,
            scale: 1,
            view: PictureView::Fit,
            highlight_selection: true,
            show_pins: false,
            labels: true,
            frame: None,
        }
    }
}

impl PictureOptions {
    /// These options in `frame`: its size at scale 1, or `width` px wide in its shape.
    pub fn framed(mut self, frame: Frame, width: Option<u32>) -> PictureOptions {
        let width = width.unwrap_or(frame.size()[0]);
        self.frame = Some(frame);
        self.width_px = width;
        self.height_px = Some(frame.height_for(width));
        self.scale = 1;
        self
    }

    /// Checks width, height and scale; returns the output size limits' violation, if any.
    pub fn validate(&self) -> Result<(), ExportError> {
        if self.scale == 0 || self.scale > MAX_SCALE {
            return Err(ExportError::Scale(self.scale));
        }
        let total = u64::from(self.width_px) * u64::from(self.scale);
        if total == 0 || total > u64::from(MAX_PIXELS) {
            return Err(ExportError::Width {
                width_px: self.width_px,
                scale: self.scale,
                total,
            });
        }
        if let Some(h) = self.height_px {
            let total = u64::from(h) * u64::from(self.scale);
            if total == 0 || total > u64::from(MAX_PIXELS) {
                return Err(ExportError::Height(total));
            }
        }
        if let PictureView::Current(v) = self.view {
            let ok = |x: f32| x.is_finite() && x > 0.0;
            if !(ok(v.size[0])
                && ok(v.size[1])
                && ok(v.zoom)
                && ok(v.scale)
                && v.center[0].is_finite()
                && v.center[1].is_finite())
            {
                return Err(ExportError::View);
            }
        }
        Ok(())
    }
}

/// What a picture is made of: the same inputs as the canvas's scene.
#[derive(Clone, Copy)]
pub struct PictureInput<'a> {
    pub index: &'a ShipmentIndex,
    /// For the caption.
    pub filter: &'a Filter,
    pub graph: &'a FilteredGraph,
    pub positions: &'a Positions,
    /// Selection, path, pins, highlights, notes, as on the canvas.
    pub marks: Marks<'a>,
    pub size_by: SizeBy,
    /// What the graph shows ([`Shown::compute`]), when the caller keeps it.
    pub shown: Option<&'a Shown>,
    /// What an animation holds still from frame to frame.
    pub held: Option<&'a Held>,
}

/// What an animation's frames share: the view (fitted to these world bounds rather than the
/// frame's entities), the legend (the whole range's) and a date stamp.
#[derive(Clone, Debug, Default)]
pub struct Held {
    pub bounds: Option<([f32; 2], [f32; 2])>,
    pub legend: Option<crate::scene::Legend>,
    pub stamp: Option<String>,
}

impl<'a> PictureInput<'a> {
    /// Input with no marks, sized by shipments.
    pub fn new(
        index: &'a ShipmentIndex,
        filter: &'a Filter,
        graph: &'a FilteredGraph,
        positions: &'a Positions,
    ) -> PictureInput<'a> {
        PictureInput {
            index,
            filter,
            graph,
            positions,
            marks: Marks::default(),
            size_by: SizeBy::Shipments,
            shown: None,
            held: None,
        }
    }
}

/// A finished picture: the laid-out page (scene and decorations), painted as SVG or PNG on
/// demand.
#[derive(Clone, Debug)]
pub struct Picture {
    page: page::Page,
    /// Written the first time it is asked for: a PNG does not need it.
    svg: std::sync::OnceLock<String>,
}

impl Picture {
    /// The picture as SVG (the same page [`Picture::to_png`] paints).
    pub fn svg(&self) -> &str {
        self.svg.get_or_init(|| svg::paint(&self.page))
    }

    /// Size of the PNG in pixels (the SVG's width and height).
    pub fn size_px(&self) -> (u32, u32) {
        (self.page.width_px, self.page.height_px)
    }

    /// The scene drawn in the network area (coordinates relative to the area's top left).
    pub fn scene(&self) -> &Scene {
        &self.page.scene
    }

    /// Where a scene point lands in the picture, in pixels.
    pub fn scene_to_picture(&self, p: [f32; 2]) -> [f32; 2] {
        [p[0] + self.page.network.x, p[1] + self.page.network.y]
    }

    /// The picture as PNG bytes (deterministic: the same picture gives the same bytes).
    pub fn to_png(&self) -> Result<Vec<u8>, ExportError> {
        Ok(png::encode(&self.page)?.0)
    }

    /// Writes the picture as a PNG file, atomically, each strip written as soon as it is
    /// compressed (the same bytes as [`Picture::to_png`]). Returns the file's size, where
    /// the time went, and when the last strip was written (the rest: the fsync and rename).
    pub fn write_png(&self, path: &Path) -> Result<(u64, png::Phases, Instant), ExportError> {
        let mut failed = None;
        let mut done = None;
        let written = write_file_atomically(path, |file| {
            match png::encode_into(&self.page, png::FileSink::new(file))? {
                Ok((sink, phases)) => {
                    done = Some((sink.written(), phases, Instant::now()));
                    Ok(())
                }
                Err(e) => {
                    failed = Some(e);
                    Err(std::io::Error::other("the picture could not be drawn"))
                }
            }
        });
        if let Some(e) = failed {
            return Err(e);
        }
        written?;
        done.ok_or_else(|| ExportError::Render("the PNG was not written".to_owned()))
    }

    /// The picture as straight (not premultiplied) RGBA pixels, row by row: for the clipboard.
    pub fn to_rgba(&self) -> Result<Vec<u8>, ExportError> {
        png::rgba(&self.page)
    }
}

/// File types a picture can be written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PictureFormat {
    Png,
    Svg,
}

impl PictureFormat {
    /// From the file name's extension (`.png`, `.svg`, any case).
    pub fn from_path(path: &Path) -> Result<PictureFormat, ExportError> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("png") => Ok(PictureFormat::Png),
            Some("svg") => Ok(PictureFormat::Svg),
            _ => Err(ExportError::Format {
                path: path.to_path_buf(),
            }),
        }
    }
}

/// A default title: what the picture shows, in numbers.
pub fn default_title(graph: &FilteredGraph) -> String {
    let plural = |n: u64, one: &str, many: &str| {
        format!("{} {}", group_digits(n), if n == 1 { one } else { many })
    };
    let mut t = format!(
        "Trade network: {}, {}",
        plural(graph.entities.len() as u64, "entity", "entities"),
        plural(graph.shipments, "shipment", "shipments")
    );
    if graph.value_usd > 0.0 {
        t.push_str(&format!(" worth {}", usd(graph.value_usd)));
    }
    t
}

pub use crate::scene::{group_digits, usd};

/// Drops characters XML cannot hold and folds line breaks: user text goes into SVG and XML.
pub fn clean_text(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c == '\n' || c == '\t' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .filter(|&c| !c.is_control() && c != '\u{FFFE}' && c != '\u{FFFF}')
        .collect()
}

/// Makes the picture: builds the scene for the chosen view, lays out title, legend, caption
/// and credit around it (painted as SVG or PNG when asked).
pub fn picture(input: &PictureInput<'_>, options: &PictureOptions) -> Result<Picture, ExportError> {
    picture_with_notes(input, options, Vec::new())
}

/// [`picture`], saying `notes` (what the picture leaves out) above the credit.
pub fn picture_with_notes(
    input: &PictureInput<'_>,
    options: &PictureOptions,
    notes: Vec<String>,
) -> Result<Picture, ExportError> {
    options.validate()?;
    let computed;
    let shown = match input.shown {
        Some(s) => s,
        None => {
            computed = Shown::compute(input.index, input.filter, input.graph);
            &computed
        }
    };
    let title = options.title.resolve(|| default_title(input.graph));
    let caption = options
        .caption
        .resolve(|| input.filter.describe_shown(input.index, input.graph));
    let credit = options
        .credit
        .resolve(|| credit::credit(input.index, input.graph, shown));
    // A frame's whole network is turned so its long side lies along the frame's.
    let turned;
    let mut input = PictureInput {
        shown: Some(shown),
        ..*input
    };
    if let (Some(frame), PictureView::Fit, None) = (options.frame, options.view, input.held) {
        turned = fit::turn(input.graph, input.positions, input.marks.callouts, frame);
        if let Some(t) = &turned {
            input.positions = &t.positions;
            input.marks.callouts = &t.callouts;
        }
    }
    let words = page::Words {
        title,
        caption,
        credit,
        notes,
    };
    let page = page::compose(&input, options, words)?;
    Ok(Picture {
        page,
        svg: std::sync::OnceLock::new(),
    })
}

/// Writes a picture as PNG or SVG (by the file name's extension), atomically.
pub fn write_picture(path: &Path, picture: &Picture) -> Result<PictureFormat, ExportError> {
    let format = PictureFormat::from_path(path)?;
    match format {
        PictureFormat::Png => {
            picture.write_png(path)?;
        }
        PictureFormat::Svg => {
            write_atomically(path, |w| w.write_all(picture.svg().as_bytes()))?;
        }
    }
    Ok(format)
}

/// Data file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataFormat {
    /// GEXF 1.3 (Gephi).
    Gexf,
    /// GraphML (Cytoscape, yEd, networkx).
    Graphml,
    /// The filtered shipments as CSV.
    Csv,
}

/// What a data export is made of. `store` is needed for CSV only (the full shipment
/// records); `positions` for GEXF and GraphML.
#[derive(Clone, Copy)]
pub struct DataInput<'a> {
    pub store: Option<&'a crate::store::Store>,
    pub index: &'a ShipmentIndex,
    pub filter: &'a Filter,
    pub graph: &'a FilteredGraph,
    pub positions: &'a Positions,
}

/// What a data export wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataSummary {
    pub nodes: usize,
    pub links: usize,
    /// CSV: shipment rows.
    pub rows: usize,
}

/// Writes the filtered network (GEXF, GraphML) or its shipments (CSV) to `path`, atomically.
pub fn write_data(
    path: &Path,
    format: DataFormat,
    input: &DataInput<'_>,
) -> Result<DataSummary, ExportError> {
    let description = input.filter.describe_shown(input.index, input.graph);
    match format {
        DataFormat::Gexf | DataFormat::Graphml => {
            let (nodes, mut links) = network_records(input.index, input.graph, input.positions);
            // Screening's "shipped after listing", per trade link.
            let screening =
                crate::screening::Screening::build(input.index, input.filter, input.graph);
            let key = |id| input.index.entity(id).map(|e| e.key.clone());
            let flagged: std::collections::HashMap<(String, String), u32> = screening
                .after_listing
                .iter()
                .filter_map(|a| Some(((key(a.shipper)?, key(a.consignee)?), a.shipments)))
                .collect();
            for l in links.iter_mut().filter(|l| l.kind == "trade") {
                if let Some(&n) = flagged.get(&(l.source.clone(), l.target.clone())) {
                    l.shipped_after_listing = n;
                }
            }
            write_atomically(path, |w| match format {
                DataFormat::Gexf => gexf::write(w, &nodes, &links, &description),
                _ => graphml::write(w, &nodes, &links, &description),
            })?;
            Ok(DataSummary {
                nodes: nodes.len(),
                links: links.len(),
                rows: 0,
            })
        }
        DataFormat::Csv => {
            let store = input.store.ok_or(ExportError::NeedsStore)?;
            let rows = csv::shipments(store, input.index, input.filter, input.graph)?;
            write_atomically(path, |w| csv::write(w, input.index, &rows))?;
            Ok(DataSummary {
                nodes: input.graph.entities.len(),
                links: input.graph.links.len(),
                rows: rows.len(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_name_the_limit() {
        let bad = |o: PictureOptions| o.validate().unwrap_err().to_string();
        let w0 = bad(PictureOptions {
            width_px: 0,
            ..PictureOptions::default()
        });
        assert!(w0.contains("8000"), "{w0}");
        let huge = bad(PictureOptions {
            width_px: 100_000,
            ..PictureOptions::default()
        });
        assert!(huge.contains("100000") && huge.contains("8000"), "{huge}");
        let scaled = bad(PictureOptions {
            width_px: 2100,
            scale: 4,
            ..PictureOptions::default()
        });
        assert!(scaled.contains("8400"), "{scaled}");
        assert!(
            PictureOptions {
                width_px: 2000,
                scale: 4,
                ..PictureOptions::default()
            }
            .validate()
            .is_ok()
        );
        let s0 = bad(PictureOptions {
            scale: 0,
            ..PictureOptions::default()
        });
        assert!(s0.contains("scale 0"), "{s0}");
    }

    #[test]
    fn formats_and_numbers() {
        assert_eq!(
            PictureFormat::from_path(Path::new("a/b.PNG")).unwrap(),
            PictureFormat::Png
        );
        assert!(PictureFormat::from_path(Path::new("a.jpg")).is_err());
        assert_eq!(group_digits(1234567), "1,234,567");
        assert_eq!(Frame::parse("A4-Landscape"), Some(Frame::A4Landscape));
        assert_eq!(Frame::Wide.height_for(1080), 608);
        assert_eq!(Frame::A4.size(), [2480, 3508]);
        assert_eq!(usd(830_000.4), "$830,000");
        assert_eq!(usd(12_345_678.0), "$12.3 million");
        assert_eq!(clean_text("a\u{0}b\nc"), "ab c");
    }
}
