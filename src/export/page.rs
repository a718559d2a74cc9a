//! The page around the network: where the title, the network, the legend, the caption and
//! the credit go, in output pixels, so that nothing overlaps and nothing is cut off.
//!
//! From top to bottom: margin, title (wrapped), the network area, a thin rule, the legend
//! (items flowing in rows, grouped), the caption (wrapped), the credit line, margin. Text is
//! measured with the shipped fonts ([`super::text`]). The network area's width is the page's
//! width less the margins; its height follows the network's shape (fit), the view's shape
//! (current view), or what remains of a fixed height. Pictures too narrow for decorations
//! (under about 240 px at 1x) show the network alone.

use crate::filter::FilteredGraph;
use crate::model::EntityKind;
use crate::scene::{self, Legend, Scene, SceneInput, SizeBy, View};
use crate::style::{NodeShape, Rgba, Style};

use super::text;
use super::{ExportError, MAX_PIXELS, PictureInput, PictureOptions, PictureView};

/// A rectangle in output pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// One line of text, left-aligned at `x`, on the baseline `y`.
#[derive(Clone, Debug, PartialEq)]
pub struct TextLine {
    pub text: String,
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub bold: bool,
    pub color: Rgba,
    /// Centred on `x` instead of starting there.
    pub centred: bool,
}

/// The little picture before a legend entry, centred on a point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Swatch {
    /// A node of this shape and fill.
    Node(NodeShape, Rgba),
    /// A neutral node with the sanction ring.
    Ring(Rgba),
    /// A link: colour, width, dashed, with an arrowhead.
    Link {
        color: Rgba,
        width: f32,
        dashed: bool,
        arrow: bool,
    },
}

/// Everything the painter draws, placed.
#[derive(Clone, Debug)]
pub struct Page {
    pub width_px: u32,
    pub height_px: u32,
    /// Multiplies decoration sizes (the picture's scale).
    pub scale: f32,
    pub style: Style,
    pub scene: Scene,
    /// Where the scene is drawn; the scene's (0, 0) is the area's top left.
    pub network: Rect,
    /// Clip the scene to the network area (a current view has links leaving it).
    pub clip: bool,
    /// Shown when the filter selects nothing.
    pub empty_message: Option<TextLine>,
    /// Title, legend labels, caption and credit.
    pub texts: Vec<TextLine>,
    pub swatches: Vec<(Swatch, [f32; 2])>,
    /// Thin separators: from, to.
    pub rules: Vec<([f32; 2], [f32; 2])>,
    /// The title, caption and credit as given (for the SVG's metadata).
    pub title: Option<String>,
    pub caption: Option<String>,
}

/// Message drawn in the network area when there is nothing to draw.
pub const EMPTY_MESSAGE: &str = "No data in this filter";

const TITLE_PX: f32 = 22.0;
const LEGEND_PX: f32 = 12.0;
const CAPTION_PX: f32 = 13.0;
const CREDIT_PX: f32 = 11.0;
/// Line height as a multiple of the text size, and baseline below the line's top (Noto
/// Sans: ascender 1.069 em, descender 0.293 em).
const LINE: f32 = 1.36;
const ASCENT: f32 = 1.069;
/// Baseline below the visual centre of a line of mixed-case text.
pub const CENTRE_TO_BASELINE: f32 = 0.35;

/// Lays out the page and builds the scene for its network area.
pub fn compose(
    input: &PictureInput<'_>,
    options: &PictureOptions,
    title: Option<String>,
    caption: Option<String>,
    credit: Option<String>,
) -> Result<Page, ExportError> {
    let style = Style::new(options.theme);
    let s = options.scale as f32;
    let width = (options.width_px * options.scale) as f32;
    let decorated = options.width_px >= 240;
    let margin = if decorated {
        24.0 * s
    } else {
        (width * 0.04).floor()
    };
    let inner = (width - 2.0 * margin).max(1.0);
    let (title, caption, credit) = if decorated {
        (title, caption, credit)
    } else {
        (None, None, None)
    };

    // Text blocks above and below the network.
    let title_lines = title
        .as_deref()
        .map(|t| wrap_limited(t, TITLE_PX * s, true, inner, 3))
        .unwrap_or_default();
    let caption_lines = caption
        .as_deref()
        .map(|t| text::wrap(t, CAPTION_PX * s, false, inner))
        .unwrap_or_default();
    let credit_lines = credit
        .as_deref()
        .map(|t| text::wrap(t, CREDIT_PX * s, false, inner))
        .unwrap_or_default();
    let title_h = block_height(title_lines.len(), TITLE_PX * s, 14.0 * s);
    let caption_h = block_height(caption_lines.len(), CAPTION_PX * s, 4.0 * s);
    let credit_h = block_height(credit_lines.len(), CREDIT_PX * s, 0.0);
    let gap_below_network = if decorated { 14.0 * s } else { 0.0 };

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
        pinned: input.marks.pinned,
        show_pins: options.show_pins,
        highlights: input.marks.highlights,
        // A picture has no pointer.
        hovered: None,
        noted: input.marks.noted,
        // Link highlights, link notes and callouts as on the canvas.
        ..input.marks
    };
    let build = |view: View| {
        scene::build(&SceneInput {
            index: input.index,
            graph: input.graph,
            positions: input.positions,
            style: &style,
            view,
            marks,
            size_by: input.size_by,
            labels: options.labels,
        })
    };
    let pad = (style.node_radius_px.1 * 1.4 + style.ring_width_px + 10.0) * s;
    let bounds = shown_bounds(input.graph, input.positions);
    let fixed = title_h + caption_h + credit_h + gap_below_network + 2.0 * margin;

    // The network area's height, before the legend is known.
    let auto_height = |legend_h: f32| -> f32 {
        let wanted = match (options.view, bounds) {
            (PictureView::Current(v), _) => v.size[1] / v.size[0] * inner,
            (PictureView::Fit, Some((lo, hi))) => {
                let (bw, bh) = ((hi[0] - lo[0]).max(1e-3), (hi[1] - lo[1]).max(1e-3));
                let h = (inner - 2.0 * pad).max(1.0) * bh / bw + 2.0 * pad;
                h.clamp(0.5 * inner, 1.2 * inner)
            }
            (PictureView::Fit, None) => (0.3 * inner).max(80.0 * s),
        };
        let room = MAX_PIXELS as f32 - fixed - legend_h;
        wanted.min(room).max(1.0)
    };
    let view_for = |h: f32| -> View {
        match options.view {
            PictureView::Current(v) => {
                let f = inner / v.size[0];
                View {
                    center: v.center,
                    zoom: v.zoom * f,
                    size: [inner, h],
                    scale: v.scale * f,
                }
            }
            PictureView::Fit => match bounds {
                Some(b) => {
                    // Room at the sides for the labels of the outermost nodes, which are
                    // dropped rather than cut off when they do not fit.
                    let side = (80.0 * s).min(inner * 0.06);
                    let mut v = View::fit(b, [inner - 2.0 * side, h], pad, s);
                    v.size = [inner, h];
                    v
                }
                None => View {
                    size: [inner, h],
                    scale: s,
                    ..View::default()
                },
            },
        }
    };
    let fixed_total = options.height_px.map(|h| (h * options.scale) as f32);

    // First pass: the scene decides what the legend lists; the legend's height decides the
    // network's. The legend lists kinds, colours and link types, which do not change with
    // the area's height, so a second pass only re-places nodes and labels.
    let first_h = match fixed_total {
        Some(total) => total - fixed,
        None => auto_height(0.0),
    };
    let mut scene = build(view_for(first_h.max(1.0)));
    let legend = if decorated && options.legend {
        legend_items(&scene.legend, input, &style, s, inner)
    } else {
        LegendLayout::default()
    };
    let legend_h = if legend.rows > 0 {
        legend.height + 12.0 * s
    } else {
        0.0
    };
    let network_h = match fixed_total {
        Some(total) => {
            let h = total - fixed - legend_h;
            if h < 40.0 * s {
                return Err(ExportError::Cramped {
                    height_px: total as u32,
                    needed_px: (fixed + legend_h + 40.0 * s).ceil() as u32,
                });
            }
            h
        }
        None => auto_height(legend_h),
    };
    if (network_h - first_h).abs() > 0.01 {
        scene = build(view_for(network_h));
    }
    let height = match fixed_total {
        Some(total) => total,
        None => (fixed + legend_h + network_h).ceil(),
    };
    if height > MAX_PIXELS as f32 + 0.5 {
        return Err(ExportError::Height(height as u64));
    }

    let mut texts = Vec::new();
    let mut y = margin;
    for line in title_lines {
        texts.push(TextLine {
            text: line,
            x: margin,
            y: y + ASCENT * TITLE_PX * s,
            size: TITLE_PX * s,
            bold: true,
            color: style.text,
            centred: false,
        });
        y += LINE * TITLE_PX * s;
    }
    if title_h > 0.0 {
        y = margin + title_h;
    }
    let network = Rect {
        x: margin,
        y,
        w: inner,
        h: network_h,
    };
    y += network_h + gap_below_network;
    let mut rules = Vec::new();
    let mut swatches = Vec::new();
    if legend.rows > 0 {
        rules.push(([margin, y - 6.0 * s], [margin + inner, y - 6.0 * s]));
        for t in legend.texts {
            texts.push(TextLine {
                x: t.x + margin,
                y: t.y + y,
                ..t
            });
        }
        for (sw, at) in legend.swatches {
            swatches.push((sw, [at[0] + margin, at[1] + y]));
        }
        y += legend_h;
    } else if decorated && (caption_h > 0.0 || credit_h > 0.0) {
        rules.push(([margin, y - 6.0 * s], [margin + inner, y - 6.0 * s]));
        y += 6.0 * s;
    }
    for line in caption_lines {
        texts.push(TextLine {
            text: line,
            x: margin,
            y: y + ASCENT * CAPTION_PX * s,
            size: CAPTION_PX * s,
            bold: false,
            color: style.text,
            centred: false,
        });
        y += LINE * CAPTION_PX * s;
    }
    if caption_h > 0.0 {
        y += 4.0 * s;
    }
    for line in credit_lines {
        texts.push(TextLine {
            text: line,
            x: margin,
            y: y + ASCENT * CREDIT_PX * s,
            size: CREDIT_PX * s,
            bold: false,
            color: style.muted_text,
            centred: false,
        });
        y += LINE * CREDIT_PX * s;
    }

    let empty_message = scene.nodes.is_empty().then(|| {
        let size = (18.0 * s).min(network.w / 12.0).max(1.0);
        TextLine {
            text: text::fit(super::page::EMPTY_MESSAGE, size, false, network.w),
            x: network.x + network.w / 2.0,
            y: network.y + network.h / 2.0 + CENTRE_TO_BASELINE * size,
            size,
            bold: false,
            color: style.muted_text,
            centred: true,
        }
    });
    Ok(Page {
        width_px: width as u32,
        height_px: height as u32,
        scale: s,
        style,
        scene,
        network,
        clip: matches!(options.view, PictureView::Current(_)),
        empty_message,
        texts,
        swatches,
        rules,
        title,
        caption,
    })
}

fn block_height(lines: usize, size: f32, gap: f32) -> f32 {
    if lines == 0 {
        0.0
    } else {
        lines as f32 * LINE * size + gap
    }
}

/// Wraps, keeping at most `max_lines` (the last one shortened with "…").
fn wrap_limited(t: &str, size: f32, bold: bool, width: f32, max_lines: usize) -> Vec<String> {
    let mut lines = text::wrap(t, size, bold, width);
    if lines.len() > max_lines {
        let rest = lines.split_off(max_lines - 1).join(" ");
        lines.push(text::fit(&rest, size, bold, width));
    }
    lines
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

/// The legend, placed relative to its own top left (x already includes the margin).
#[derive(Default)]
struct LegendLayout {
    texts: Vec<TextLine>,
    swatches: Vec<(Swatch, [f32; 2])>,
    rows: usize,
    height: f32,
}

/// One legend entry: a swatch (or none, for a heading) and its words.
struct Entry {
    swatch: Option<Swatch>,
    label: String,
    bold: bool,
}

fn legend_items(
    legend: &Legend,
    input: &PictureInput<'_>,
    style: &Style,
    s: f32,
    inner: f32,
) -> LegendLayout {
    let neutral = style.country_color("");
    let size_word = match input.size_by {
        SizeBy::Shipments => "shipments",
        SizeBy::Value => "declared value",
        SizeBy::Degree => "number of links",
        SizeBy::Betweenness => "betweenness",
    };
    let heading = |t: &str| Entry {
        swatch: None,
        label: t.to_owned(),
        bold: true,
    };
    let mut groups: Vec<Vec<Entry>> = Vec::new();
    if !legend.kinds.is_empty() {
        let mut g = vec![heading(&format!("Entities (size: {size_word})"))];
        for &(kind, shape) in &legend.kinds {
            g.push(Entry {
                swatch: Some(Swatch::Node(shape, neutral)),
                label: kind_label(kind).to_owned(),
                bold: false,
            });
        }
        groups.push(g);
    }
    if !legend.countries.is_empty() {
        let mut g = vec![heading("Country")];
        for (code, color) in &legend.countries {
            g.push(Entry {
                swatch: Some(Swatch::Node(NodeShape::Circle, *color)),
                label: country_name(code),
                bold: false,
            });
        }
        groups.push(g);
    }
    if let Some(ring) = legend.sanctioned {
        let as_of = input
            .graph
            .as_of
            .map(|d| format!(" as of {}", d.human()))
            .unwrap_or_default();
        let by = if input.filter.authorities.is_empty() {
            String::new()
        } else {
            format!(
                " by {}",
                input
                    .filter
                    .authorities
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        groups.push(vec![Entry {
            swatch: Some(Swatch::Ring(ring)),
            label: format!("Sanctioned{by}{as_of}"),
            bold: false,
        }]);
    }
    // Provenance and roll-up, said in words where they apply.
    let mut marks = Vec::new();
    if let Some(c) = legend.synthetic {
        marks.push(Entry {
            swatch: Some(Swatch::Node(NodeShape::Circle, c)),
            label: "Washed out: synthetic (made up, not sourced)".to_owned(),
            bold: false,
        });
    }
    if legend.groups {
        marks.push(Entry {
            swatch: None,
            label: "Name (n): a group of n entities".to_owned(),
            bold: false,
        });
    }
    if !marks.is_empty() {
        groups.push(marks);
    }
    let mut links = Vec::new();
    if let Some(c) = legend.after_listing {
        links.push(Entry {
            swatch: Some(Swatch::Link {
                color: c,
                width: 8.0,
                dashed: false,
                arrow: false,
            }),
            label: "Shipped after listing".to_owned(),
            bold: false,
        });
    }
    if legend.trade {
        links.push(Entry {
            swatch: Some(Swatch::Link {
                color: style.text,
                width: 2.0,
                dashed: false,
                arrow: true,
            }),
            label: format!("Trade, arrow at the consignee (width: {size_word})"),
            bold: false,
        });
    }
    if let Some(c) = legend.ownership {
        links.push(Entry {
            swatch: Some(Swatch::Link {
                color: c,
                width: 1.2,
                dashed: true,
                arrow: false,
            }),
            label: "Ownership".to_owned(),
            bold: false,
        });
    }
    if !links.is_empty() {
        links.insert(0, heading("Links"));
        groups.push(links);
    }
    if !legend.parts.is_empty() {
        let mut g = vec![heading("Trade by main part type")];
        for (name, color) in &legend.parts {
            g.push(Entry {
                swatch: Some(Swatch::Link {
                    color: *color,
                    width: 3.0,
                    dashed: false,
                    arrow: false,
                }),
                label: name.clone(),
                bold: false,
            });
        }
        groups.push(g);
    }

    // Flow: entries left to right, wrapping; a group starts a new row when its heading and
    // first entry do not fit; a heading never ends a row.
    let size = LEGEND_PX * s;
    let row_h = 21.0 * s;
    let swatch_w = 22.0 * s;
    let gap = 5.0 * s;
    let spacing = 14.0 * s;
    let group_spacing = 26.0 * s;
    let entry_w = |e: &Entry, label: &str| -> f32 {
        let t = text::width(label, size, e.bold);
        if e.swatch.is_some() {
            swatch_w + gap + t
        } else {
            t
        }
    };
    let mut out = LegendLayout::default();
    let (mut x, mut row) = (0.0f32, 0usize);
    let mut started = false;
    for g in groups {
        let first_two: f32 = g
            .iter()
            .take(2)
            .map(|e| entry_w(e, &e.label) + spacing)
            .sum::<f32>()
            - spacing;
        if started && x + group_spacing + first_two > inner {
            row += 1;
            x = 0.0;
        } else if started {
            x += group_spacing;
        }
        started = true;
        let count = g.len();
        for (k, e) in g.into_iter().enumerate() {
            // Keep a heading with the entry after it.
            let need = if e.swatch.is_none() && k + 1 < count {
                first_two
            } else {
                entry_w(&e, &e.label)
            };
            if x > 0.0 && x + need > inner {
                row += 1;
                x = 0.0;
            }
            let label = text::fit(
                &e.label,
                size,
                e.bold,
                inner
                    - x
                    - if e.swatch.is_some() {
                        swatch_w + gap
                    } else {
                        0.0
                    },
            );
            let w = entry_w(&e, &label);
            let cy = row as f32 * row_h + row_h / 2.0;
            let mut tx = x;
            if let Some(sw) = e.swatch {
                out.swatches.push((sw, [x + swatch_w / 2.0, cy]));
                tx += swatch_w + gap;
            }
            out.texts.push(TextLine {
                text: label,
                x: tx,
                y: cy + CENTRE_TO_BASELINE * size,
                size,
                bold: e.bold,
                color: if e.bold { style.text } else { style.muted_text },
                centred: false,
            });
            x += w + if e.swatch.is_none() { 8.0 * s } else { spacing };
        }
    }
    if started {
        out.rows = row + 1;
        out.height = out.rows as f32 * row_h;
    }
    out
}

fn kind_label(kind: EntityKind) -> &'static str {
    kind.label()
}

/// English short names for the countries the data uses; the code for any other.
pub fn country_name(code: &str) -> String {
    let name = match code {
        "" => "Unknown",
        "AE" => "UAE",
        "AM" => "Armenia",
        "BY" => "Belarus",
        "CN" => "China",
        "DE" => "Germany",
        "GB" => "UK",
        "HK" => "Hong Kong",
        "IN" => "India",
        "IR" => "Iran",
        "KG" => "Kyrgyzstan",
        "KP" => "North Korea",
        "KZ" => "Kazakhstan",
        "RS" => "Serbia",
        "RU" => "Russia",
        "SG" => "Singapore",
        "TR" => "Türkiye",
        "UA" => "Ukraine",
        "US" => "USA",
        "UZ" => "Uzbekistan",
        other => other,
    };
    name.to_owned()
}
