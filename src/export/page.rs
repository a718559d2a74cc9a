//! The page around the network: where the title, the network, the legend, the caption, the
//! notes and the credit go, in output pixels, so that nothing overlaps and nothing is cut off.
//!
//! **Sizes follow the output.** Everything on the page, text and shapes, is measured in a
//! unit `u` of a thousandth of the picture's width (or of 1.25 times its height, when that is
//! less: a wide frame's words must fit its height; for the A4 frames, read at their printed
//! size, of an A4 width divided by 1.5): the same picture at 1,000 or 8,000 px differs only
//! in sharpness. Entity labels are at least 2.5% of the picture's width: shown 360 px wide on
//! a phone that is 9 px, printed two newspaper columns wide (about 10 cm) 7 pt, the smallest
//! type newspapers set in graphics; on an A4 page they are 9 pt.
//!
//! **Two shapes.** Portrait and square pages (and a free width) stack: title, network, a
//! thin rule, the legend flowing in rows, caption, notes, credit. Wide frames (16:9, A4
//! landscape) put the legend, caption, notes and credit in a column right of the network.
//! The network area's height follows the network's shape (a free width), the view's (the
//! current view) or what the frame leaves. Text is measured with the shipped fonts and
//! wrapped. The legend is the scene's ([`crate::scene::legend::layout`]), drawn with the
//! network's own primitives.

use crate::filter::FilteredGraph;
use crate::scene::{self, LegendDrawing, Scene, SceneInput, SceneLink, SceneNode, View};
use crate::style::Style;

use super::text;
use super::{ExportError, Frame, MAX_PIXELS, PictureInput, PictureOptions, PictureView};

pub use crate::scene::legend::CENTRE_TO_BASELINE;

/// A rectangle in output pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// One line of text, left-aligned at `x` (or centred on it), on the baseline `y`.
pub type TextLine = crate::scene::SceneText;

/// Everything the painter draws, placed.
#[derive(Clone, Debug)]
pub struct Page {
    pub width_px: u32,
    pub height_px: u32,
    /// The page's unit: output pixels per thousandth of the width (see the module docs).
    pub scale: f32,
    pub style: Style,
    pub scene: Scene,
    /// Where the scene is drawn; the scene's (0, 0) is the area's top left.
    pub network: Rect,
    /// Clip the scene to the network area (a current view has links leaving it).
    pub clip: bool,
    /// Shown when the filter selects nothing.
    pub empty_message: Option<TextLine>,
    /// Title, legend words, caption, notes and credit.
    pub texts: Vec<TextLine>,
    /// The legend's swatches, in page pixels, drawn as the network's nodes and links are.
    pub legend_nodes: Vec<SceneNode>,
    pub legend_links: Vec<SceneLink>,
    /// Thin separators: from, to.
    pub rules: Vec<([f32; 2], [f32; 2])>,
    /// The title and caption as given (for the SVG's metadata).
    pub title: Option<String>,
    pub caption: Option<String>,
}

/// Message drawn in the network area when there is nothing to draw.
pub const EMPTY_MESSAGE: &str = "No data in this filter";

/// Text sizes, in the page's unit (a thousandth of the width).
const TITLE_U: f32 = 34.0;
const LABEL_U: f32 = 25.0;
const LEGEND_U: f32 = 19.0;
const CAPTION_U: f32 = 19.0;
const CREDIT_U: f32 = 16.0;
const MARGIN_U: f32 = 30.0;
/// Shape scale per pixel of room per entity (see `compose_as`).
const DENSITY: f32 = 0.024;
/// Line height as a multiple of the text size, and baseline below the line's top (Noto
/// Sans: ascender 1.069 em, descender 0.293 em).
const LINE: f32 = 1.32;
const ASCENT: f32 = 1.069;

/// The smallest entity label in a picture `total_width` pixels wide in `frame`, in pixels:
/// 2.5% of the width, or 9 pt on an A4 page (see the module docs).
pub fn min_label_px(total_width: f32, frame: Option<Frame>) -> f32 {
    match frame {
        Some(Frame::A4 | Frame::A4Landscape) => LABEL_U * unit(total_width, None, frame),
        _ => 0.025 * total_width,
    }
}

/// Output pixels per page unit for a picture `total_width` pixels wide (and `total_height`
/// tall, when fixed) in `frame`: a thousandth of the width, or of 1.25 times the height when
/// that is smaller (a wide frame's words must fit its height); an A4 page's at print size.
pub fn unit(total_width: f32, total_height: Option<f32>, frame: Option<Frame>) -> f32 {
    match frame {
        Some(Frame::A4) => total_width / (Frame::A4.size()[0] as f32 / 1.5),
        Some(Frame::A4Landscape) => total_width / (Frame::A4Landscape.size()[0] as f32 / 1.5),
        _ => total_width.min(total_height.map_or(f32::MAX, |h| 1.25 * h)) / 1000.0,
    }
}

/// Text to put under the network, besides the caption.
pub struct Words {
    pub title: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    /// What the picture could not show, said in it.
    pub notes: Vec<String>,
}

/// A block of wrapped lines of one size.
struct Block {
    lines: Vec<String>,
    size: f32,
    bold: bool,
    muted: bool,
}

impl Block {
    fn new(text: Option<&str>, size: f32, bold: bool, muted: bool, width: f32) -> Block {
        Block {
            lines: text
                .map(|t| text::wrap(t, size, bold, width))
                .unwrap_or_default(),
            size,
            bold,
            muted,
        }
    }

    fn height(&self) -> f32 {
        self.lines.len() as f32 * LINE * self.size
    }

    /// Places the lines from `y` (their top) at `x`; returns the y below them.
    fn place(&self, out: &mut Vec<TextLine>, style: &Style, x: f32, mut y: f32) -> f32 {
        for line in &self.lines {
            out.push(TextLine {
                text: line.clone(),
                x,
                y: y + ASCENT * self.size,
                size: self.size,
                bold: self.bold,
                color: if self.muted {
                    style.muted_text
                } else {
                    style.text
                },
                centred: false,
            });
            y += LINE * self.size;
        }
        y
    }
}

/// How the words are arranged: beside the network (wide frames) with their text scaled by
/// `factor`, or under it.
#[derive(Clone, Copy)]
struct Arrangement {
    side: bool,
    factor: f32,
}

/// Lays out the page and builds the scene for its network area. A wide frame puts the
/// legend and words in a column beside the network; when they do not fit there, their text
/// is made smaller (down to 60%), and failing that they go under the network.
pub fn compose(
    input: &PictureInput<'_>,
    options: &PictureOptions,
    words: Words,
) -> Result<Page, ExportError> {
    let width = (options.width_px * options.scale) as f32;
    let fixed_total = options.height_px.map(|h| (h * options.scale) as f32);
    let wide = options.width_px >= 240
        && fixed_total.is_some_and(|h| width / h >= 1.3)
        && (options.legend || words.caption.is_some() || words.credit.is_some());
    if wide {
        for factor in [1.0, 0.9, 0.8, 0.7, 0.6] {
            let arrangement = Arrangement { side: true, factor };
            let (page, fits) = compose_as(input, options, &words, arrangement)?;
            if fits {
                return Ok(page);
            }
        }
    }
    let arrangement = Arrangement {
        side: false,
        factor: 1.0,
    };
    compose_as(input, options, &words, arrangement).map(|(page, _)| page)
}

/// The page arranged one way, and whether the side column's words fit beside the network.
fn compose_as(
    input: &PictureInput<'_>,
    options: &PictureOptions,
    words: &Words,
    arrangement: Arrangement,
) -> Result<(Page, bool), ExportError> {
    let style = Style::new(options.theme);
    let width = (options.width_px * options.scale) as f32;
    let fixed_total = options.height_px.map(|h| (h * options.scale) as f32);
    let u = unit(width, fixed_total, options.frame);
    let decorated = options.width_px >= 240;
    let margin = if decorated {
        (MARGIN_U * u).round()
    } else {
        (width * 0.04).floor()
    };
    let inner = (width - 2.0 * margin).max(1.0);
    let Words {
        title,
        caption,
        credit,
        notes,
    } = words;
    let (title, caption, credit) = (title.clone(), caption.clone(), credit.clone());
    let (title, caption, credit) = if decorated {
        (title, caption, credit)
    } else {
        (None, None, None)
    };
    let side = arrangement.side;
    // Text beside the network is scaled to fit its column.
    let f = arrangement.factor;
    let column = if side { (inner * 0.32).round() } else { inner };
    let gap = (24.0 * u).round();
    let net_w = if side { inner - column - gap } else { inner };

    let title_block = Block::new(title.as_deref(), TITLE_U * u, true, false, inner);
    let title_lines = if title_block.lines.len() > 3 {
        let rest = title_block.lines[2..].join(" ");
        let mut lines = title_block.lines[..2].to_vec();
        lines.push(text::fit(&rest, TITLE_U * u, true, inner));
        lines
    } else {
        title_block.lines.clone()
    };
    let title_block = Block {
        lines: title_lines,
        ..title_block
    };
    let title_h = if title_block.lines.is_empty() {
        0.0
    } else {
        title_block.height() + 14.0 * u
    };

    // Links shipped after a party's listing are marked in every picture, as on the canvas.
    let flagged = input.marks.after_listing.is_none().then(|| {
        crate::screening::Screening::build(input.index, input.filter, input.graph).flagged_links()
    });
    let marks = scene::Marks {
        after_listing: input.marks.after_listing.or(flagged.as_ref()),
        selected: options
            .highlight_selection
            .then_some(input.marks.selected)
            .flatten(),
        selected_link: options
            .highlight_selection
            .then_some(input.marks.selected_link)
            .flatten(),
        path: if options.highlight_selection {
            input.marks.path
        } else {
            &[]
        },
        show_pins: options.show_pins,
        // A picture has no pointer.
        hovered: None,
        // Pins, highlights, notes and callouts as on the canvas.
        ..input.marks
    };
    let label_floor = min_label_px(width, options.frame);
    let build = |view: View| {
        let mut scene_input = SceneInput::new(
            input.index,
            input.filter,
            input.graph,
            input.positions,
            &style,
            view,
        );
        scene_input.marks = marks;
        scene_input.size_by = input.size_by;
        scene_input.labels = options.labels;
        scene_input.label_size = label_floor.max(style.label_size_px * view.scale);
        scene_input.shown = input.shown;
        scene::build(&scene_input)
    };
    // Shapes grow with the page, but not past what the network's density allows: the
    // smallest node at most about a tenth of the room each entity has (a 10,000-entity
    // network stays a network, not a blot).
    let entities = input.graph.entities.len().max(1) as f32;
    let shape_scale = |w: f32, h: f32| -> f32 {
        let room = (w * h / entities).sqrt();
        (DENSITY * room).min(u).max((options.scale as f32).min(u))
    };
    let pad_for = |s: f32| (style.node_radius_px.1 * 1.4 + style.ring_width_px + 10.0) * s;
    let pad = pad_for(shape_scale(net_w, net_w));
    let bounds = match input.held {
        Some(held) => held.bounds,
        None => shown_bounds(input.graph, input.positions),
    };

    // The words under (or beside) the network, which do not depend on the network's size.
    let caption_block = Block::new(caption.as_deref(), CAPTION_U * u * f, false, false, column);
    let credit_block = Block::new(credit.as_deref(), CREDIT_U * u * f, false, true, column);
    let legend_size = LEGEND_U * u * f;
    let legend_of = |scene: &Scene| -> LegendDrawing {
        if decorated && options.legend {
            let legend = input
                .held
                .and_then(|h| h.legend.as_ref())
                .unwrap_or(&scene.legend);
            scene::legend::layout(legend, &style, legend_size, column, side)
        } else {
            LegendDrawing::default()
        }
    };
    let view_for = |w: f32, h: f32| -> View {
        match options.view {
            PictureView::Current(v) => {
                let f = w / v.size[0];
                View {
                    center: v.center,
                    zoom: v.zoom * f,
                    size: [w, h],
                    scale: v.scale * f,
                }
            }
            PictureView::Fit => match bounds {
                Some(b) => {
                    // Room at the sides for the labels of the outermost nodes, which are
                    // dropped rather than cut off when they do not fit.
                    let side_room = (120.0 * u).min(w * 0.1);
                    let s = shape_scale(w, h);
                    let mut v = View::fit(b, [w - 2.0 * side_room, h], pad_for(s), s);
                    v.size = [w, h];
                    v
                }
                None => View {
                    size: [w, h],
                    scale: shape_scale(w, h),
                    ..View::default()
                },
            },
        }
    };
    let auto_height = |below: f32| -> f32 {
        let wanted = match (options.view, bounds) {
            (PictureView::Current(v), _) => v.size[1] / v.size[0] * net_w,
            (PictureView::Fit, Some((lo, hi))) => {
                let (bw, bh) = ((hi[0] - lo[0]).max(1e-3), (hi[1] - lo[1]).max(1e-3));
                let h = (net_w - 2.0 * pad).max(1.0) * bh / bw + 2.0 * pad;
                h.clamp(0.55 * net_w, 1.2 * net_w)
            }
            (PictureView::Fit, None) => (0.3 * net_w).max(80.0 * u),
        };
        let room = MAX_PIXELS as f32 - 2.0 * margin - title_h - below;
        wanted.min(room).max(1.0)
    };
    let gap_below_network = if decorated { 16.0 * u } else { 0.0 };
    let notes_for = |scene: &Scene| -> Block {
        let mut all: Vec<String> = notes.to_vec();
        all.extend(scene.notes.iter().cloned());
        // A still picture says what it could not label; an animation's frames hold still.
        if input.held.is_none() {
            all.extend(scene.no_room.iter().cloned());
        }
        let text = (!all.is_empty()).then(|| format!("Not shown: {}.", all.join("; ")));
        Block::new(text.as_deref(), CREDIT_U * u * f, false, true, column)
    };
    // Height of what goes under the network (stacked pages).
    let below_of = |legend: &LegendDrawing, notes: &Block| -> f32 {
        if side {
            return 0.0;
        }
        let legend_h = if legend.size[1] > 0.0 {
            legend.size[1] + 14.0 * u
        } else {
            0.0
        };
        let caption_h = caption_block.height()
            + if caption_block.lines.is_empty() {
                0.0
            } else {
                6.0 * u
            };
        gap_below_network + legend_h + caption_h + notes.height() + credit_block.height()
    };

    // First pass: the scene decides what the legend lists; the legend's height decides the
    // network's. A second pass re-places nodes and labels in the final area.
    let first_h = match fixed_total {
        Some(total) => total - 2.0 * margin - title_h,
        None => auto_height(0.0),
    }
    .max(1.0);
    let mut scene = build(view_for(net_w, first_h));
    let mut legend = legend_of(&scene);
    let mut notes_block = notes_for(&scene);
    let network_h_for = |below: f32| -> Result<f32, ExportError> {
        Ok(match fixed_total {
            Some(total) => {
                let h = total - 2.0 * margin - title_h - below;
                if h < 40.0 * u {
                    return Err(ExportError::Cramped {
                        height_px: total as u32,
                        needed_px: (2.0 * margin + title_h + below + 40.0 * u).ceil() as u32,
                    });
                }
                h
            }
            None => auto_height(below),
        })
    };
    let mut network_h = network_h_for(below_of(&legend, &notes_block))?;
    // The notes can depend on the network's height (a smaller one may leave an entity
    // unlabelled for lack of room, which the notes say): the area is worked out again until
    // what goes under it fits, a few times at most.
    let mut built_h = first_h;
    for _ in 0..3 {
        if (network_h - built_h).abs() <= 0.01 {
            break;
        }
        scene = build(view_for(net_w, network_h));
        legend = legend_of(&scene);
        notes_block = notes_for(&scene);
        built_h = network_h;
        network_h = network_h_for(below_of(&legend, &notes_block))?.min(network_h);
    }
    let network_h = built_h;
    let below = below_of(&legend, &notes_block);
    let height = match fixed_total {
        Some(total) => total,
        None => (2.0 * margin + title_h + network_h + below).ceil(),
    };
    if height > MAX_PIXELS as f32 + 0.5 {
        return Err(ExportError::Height(height as u64));
    }

    let mut texts = Vec::new();
    let top = title_block.place(&mut texts, &style, margin, margin);
    let y = if title_h > 0.0 {
        top + 14.0 * u
    } else {
        margin
    };
    let network = Rect {
        x: margin,
        y,
        w: net_w,
        h: network_h,
    };
    let mut rules = Vec::new();
    let (col_x, mut col_y) = if side {
        (margin + net_w + gap, y)
    } else {
        (margin, y + network_h + gap_below_network)
    };
    if !side
        && (legend.size[1] > 0.0
            || !caption_block.lines.is_empty()
            || !credit_block.lines.is_empty())
    {
        rules.push(([margin, col_y - 6.0 * u], [margin + inner, col_y - 6.0 * u]));
    }
    if legend.size[1] > 0.0 {
        legend.translate([col_x, col_y]);
        col_y += legend.size[1] + 14.0 * u;
    }
    let LegendDrawing {
        nodes: legend_nodes,
        links: legend_links,
        texts: legend_texts,
        ..
    } = legend;
    texts.extend(legend_texts);
    let mut fits = true;
    if side {
        // Caption, notes and credit at the foot of the column.
        let words_h =
            caption_block.height() + 6.0 * u + notes_block.height() + credit_block.height();
        fits = col_y + words_h <= y + network_h + 0.5;
        col_y = col_y.max(y + network_h - words_h);
    }
    col_y = caption_block.place(&mut texts, &style, col_x, col_y);
    if !caption_block.lines.is_empty() {
        col_y += 6.0 * u;
    }
    col_y = notes_block.place(&mut texts, &style, col_x, col_y);
    credit_block.place(&mut texts, &style, col_x, col_y);

    // An animation frame's date stamp, at the network area's top right.
    if let Some(stamp) = input.held.and_then(|h| h.stamp.as_deref()) {
        let size = TITLE_U * u * 0.8;
        let w = text::width(stamp, size, true);
        texts.push(TextLine {
            text: stamp.to_owned(),
            x: network.x + (network.w - w).max(0.0),
            y: network.y + ASCENT * size,
            size,
            bold: true,
            color: style.muted_text,
            centred: false,
        });
    }
    let empty_message = scene.nodes.is_empty().then(|| {
        let size = (30.0 * u).min(network.w / 12.0).max(1.0);
        TextLine {
            text: text::fit(EMPTY_MESSAGE, size, false, network.w),
            x: network.x + network.w / 2.0,
            y: network.y + network.h / 2.0 + CENTRE_TO_BASELINE * size,
            size,
            bold: false,
            color: style.muted_text,
            centred: true,
        }
    });
    let page = Page {
        width_px: width as u32,
        height_px: height as u32,
        scale: u,
        style,
        scene,
        network,
        clip: matches!(options.view, PictureView::Current(_)),
        empty_message,
        texts,
        legend_nodes,
        legend_links,
        rules,
        title,
        caption,
    };
    Ok((page, fits))
}

/// Bounds of the shown entities' positions.
fn shown_bounds(
    graph: &FilteredGraph,
    positions: &crate::layout::Positions,
) -> Option<([f32; 2], [f32; 2])> {
    let mut it = graph
        .entities
        .iter()
        .filter_map(|&id| positions.get(id))
        .filter(|p| p[0].is_finite() && p[1].is_finite());
    let first = it.next()?;
    Some(it.fold((first, first), |(lo, hi), p| {
        (
            [lo[0].min(p[0]), lo[1].min(p[1])],
            [hi[0].max(p[0]), hi[1].max(p[1])],
        )
    }))
}

/// English short names for the countries the data uses; the code for any other.
pub fn country_name(code: &str) -> String {
    scene::country_name(code)
}
