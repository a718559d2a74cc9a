//! The legend: what the scene shows and what its widths and colours mean, as groups of
//! entries, and their layout as rows of swatches and text (the same primitives as the
//! network: [`SceneNode`]s, [`SceneLink`]s and [`SceneText`]s), which the canvas draws in
//! its corner box and the export page under or beside the network.

use crate::filter::LinkKind;
use crate::style::{NodeShape, Rgba, Style, text};

use super::{LinkRole, SceneLink, SceneNode, SceneText};

/// The little picture before a legend entry.
#[derive(Clone, Debug, PartialEq)]
pub enum Swatch {
    /// A node of this shape and fill.
    Node(NodeShape, Rgba),
    /// A neutral node with the sanction ring.
    Ring(Rgba),
    /// A link: colour, width in screen units (as drawn in the scene), dashed, arrowhead.
    Link {
        color: Rgba,
        width: f32,
        dashed: bool,
        arrow: bool,
    },
    /// The band under links shipped after a listing.
    Band(Rgba),
    /// A link striped in these colours, in proportion.
    Stripes(Vec<(Rgba, f32)>),
}

/// One entry: its swatch and words.
#[derive(Clone, Debug, PartialEq)]
pub struct LegendEntry {
    pub swatch: Swatch,
    pub label: String,
}

/// A heading and its entries ("Country": China, Russia, …).
#[derive(Clone, Debug, PartialEq)]
pub struct LegendGroup {
    pub heading: String,
    pub entries: Vec<LegendEntry>,
}

/// What the legend lists: only what the scene shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Legend {
    pub groups: Vec<LegendGroup>,
}

impl Legend {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Every entry's words, headings included (for tests and accessibility).
    pub fn words(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for g in &self.groups {
            out.push(g.heading.as_str());
            out.extend(g.entries.iter().map(|e| e.label.as_str()));
        }
        out
    }
}

/// A laid-out legend, relative to its top left.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LegendDrawing {
    pub nodes: Vec<SceneNode>,
    pub links: Vec<SceneLink>,
    pub texts: Vec<SceneText>,
    /// Width and height used.
    pub size: [f32; 2],
}

impl LegendDrawing {
    /// Moves everything by `by`.
    pub fn translate(&mut self, by: [f32; 2]) {
        let m = |p: &mut [f32; 2]| {
            p[0] += by[0];
            p[1] += by[1];
        };
        for n in &mut self.nodes {
            m(&mut n.center);
        }
        for l in &mut self.links {
            m(&mut l.from);
            m(&mut l.to);
            if let Some(a) = &mut l.arrow {
                a.iter_mut().for_each(m);
            }
        }
        for t in &mut self.texts {
            t.x += by[0];
            t.y += by[1];
        }
    }
}

/// Lays the legend out in rows no wider than `max_width`, text `size` high: entries flow
/// left to right; a group starts a new row when its heading and first entry do not fit
/// (always, when `stacked`: one group under the other, for a legend beside the network); a
/// heading never ends a row. Entries too wide for a row are wrapped, never cut.
pub fn layout(
    legend: &Legend,
    style: &Style,
    size: f32,
    max_width: f32,
    stacked: bool,
) -> LegendDrawing {
    let s = size / 12.0;
    let row_h = 1.55 * size;
    let line_h = 1.25 * size;
    let swatch_w = 1.9 * size;
    let gap = 0.4 * size;
    let spacing = 1.0 * size;
    let group_spacing = 1.8 * size;
    let mut out = LegendDrawing::default();
    let (mut x, mut y) = (0.0f32, 0.0f32);
    // Height of the current row (a wrapped entry makes it taller).
    let mut row = row_h;
    let mut used_w = 0.0f32;
    let mut started = false;
    let new_row = |x: &mut f32, y: &mut f32, row: &mut f32| {
        *y += *row;
        *x = 0.0;
        *row = row_h;
    };
    for g in &legend.groups {
        let head_w = text::width(&g.heading, size, true);
        let first_w = g
            .entries
            .first()
            .map_or(0.0, |e| swatch_w + gap + text::width(&e.label, size, false));
        if started {
            if stacked || x + group_spacing + head_w + gap + first_w > max_width {
                new_row(&mut x, &mut y, &mut row);
            } else {
                x += group_spacing;
            }
        }
        started = true;
        // The heading, kept with the first entry unless stacked.
        let head_lines = text::wrap(&g.heading, size, true, max_width);
        for (i, line) in head_lines.iter().enumerate() {
            out.texts.push(SceneText {
                text: line.clone(),
                x,
                y: y + row_h / 2.0 + i as f32 * line_h + CENTRE_TO_BASELINE * size,
                size,
                bold: true,
                color: style.text,
                centred: false,
            });
        }
        row = row.max(row_h + (head_lines.len().max(1) - 1) as f32 * line_h);
        let head_end = x + head_lines
            .iter()
            .map(|l| text::width(l, size, true))
            .fold(0.0, f32::max);
        used_w = used_w.max(head_end);
        if stacked || head_lines.len() > 1 {
            new_row(&mut x, &mut y, &mut row);
        } else {
            x = head_end + gap * 1.5;
        }
        for e in &g.entries {
            let words = text::width(&e.label, size, false);
            let w = swatch_w + gap + words;
            if x > 0.0 && x + w > max_width {
                new_row(&mut x, &mut y, &mut row);
            }
            let lines = text::wrap(
                &e.label,
                size,
                false,
                (max_width - swatch_w - gap).max(size),
            );
            let cy = y + row_h / 2.0;
            swatch(
                &mut out,
                &e.swatch,
                [x + swatch_w / 2.0, cy],
                style,
                size,
                s,
            );
            let tx = x + swatch_w + gap;
            let mut right = tx;
            for (i, line) in lines.iter().enumerate() {
                out.texts.push(SceneText {
                    text: line.clone(),
                    x: tx,
                    y: cy + i as f32 * line_h + CENTRE_TO_BASELINE * size,
                    size,
                    bold: false,
                    color: style.muted_text,
                    centred: false,
                });
                right = right.max(tx + text::width(line, size, false));
            }
            row = row.max(row_h + (lines.len().max(1) - 1) as f32 * line_h);
            used_w = used_w.max(right);
            x = right + spacing;
        }
    }
    if started {
        out.size = [used_w, y + row];
    }
    out
}

/// Baseline below the visual centre of a line of mixed-case text (Noto Sans).
pub const CENTRE_TO_BASELINE: f32 = 0.35;

fn swatch(out: &mut LegendDrawing, sw: &Swatch, at: [f32; 2], style: &Style, size: f32, s: f32) {
    let node = |shape, radius: f32, fill| SceneNode {
        id: 0,
        center: at,
        radius,
        shape,
        fill,
        stroke: style.node_stroke,
        stroke_width: s,
        ring: None,
        halo: None,
    };
    let half = size * 0.85;
    let link = |color, width, dash: Option<[f32; 2]>, arrow: bool, role| {
        let head = if arrow { 0.6 * size } else { 0.0 };
        let (x0, x1) = (at[0] - half, at[0] + half - head);
        SceneLink {
            kind: LinkKind::Trade,
            role,
            source: 0,
            target: 0,
            from: [x0, at[1]],
            to: [x1, at[1]],
            width,
            color,
            dash,
            arrow: arrow.then_some([
                [at[0] + half, at[1]],
                [x1, at[1] - head * 0.45 - width * 0.3],
                [x1, at[1] + head * 0.45 + width * 0.3],
            ]),
        }
    };
    match sw {
        Swatch::Node(shape, fill) => out.nodes.push(node(*shape, 0.42 * size, *fill)),
        Swatch::Ring(ring) => {
            let mut n = node(NodeShape::Circle, 0.3 * size, style.country_color(""));
            n.ring = Some((*ring, style.ring_width_px * s));
            out.nodes.push(n);
        }
        Swatch::Link {
            color,
            width,
            dashed,
            arrow,
        } => {
            let dash = dashed.then(|| dash_pattern(*width));
            out.links
                .push(link(*color, *width, dash, *arrow, LinkRole::Line));
        }
        Swatch::Band(color) => {
            out.links
                .push(link(*color, 0.6 * size, None, false, LinkRole::Band))
        }
        Swatch::Stripes(stripes) => {
            let total: f32 = stripes.iter().map(|s| s.1).sum::<f32>().max(1e-3);
            let full = 0.8 * size;
            let mut off = -full / 2.0;
            for &(color, share) in stripes {
                let w = full * share / total;
                let mut l = link(color, w, None, false, LinkRole::Stripe);
                l.from[1] += off + w / 2.0;
                l.to[1] += off + w / 2.0;
                off += w;
                out.links.push(l);
            }
        }
    }
}

/// The dash and gap of an ownership link `width` wide: every painter draws this pattern.
pub fn dash_pattern(width: f32) -> [f32; 2] {
    [
        (width * 3.5).max(3.0 * width.min(1.0)),
        (width * 2.5).max(2.0),
    ]
}
