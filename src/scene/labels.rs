//! Entity labels: the short display name (no legal form), on one line or two balanced ones,
//! placed most important first where it covers no node, no other label and no callout, and
//! as few links as it can.
//!
//! Screen area is a grid of small cells in two layers: *hard* (nodes, placed labels,
//! callouts: never covered) and *soft* (links: avoided; cells twice as wide, as every link
//! is marked again for each frame). Each label tries eight places
//! around its node and takes the first that covers no link cell; failing that, the one
//! covering the fewest, if that is at most a quarter of its cells (any number for the
//! selected, path, highlighted and sanctioned entities, which must be named). A name too
//! long for two lines is not cut: it is left unlabelled and the scene says so.

use std::collections::BTreeSet;

use crate::model::EntityId;
use crate::style::text;

use super::{Emphasis, SceneCallout, SceneInput, SceneLabel, SceneLink, SceneNode};

/// How many entities, most important first, are tried for a label.
const MAX_LABEL_CANDIDATES: usize = 1_500;

/// A label on one line up to this many ems; longer names wrap.
const ONE_LINE_EMS: f32 = 13.0;
/// No label line is wider than this many ems.
const MAX_LINE_EMS: f32 = 26.0;

/// How many times coarser the link layer's cells are than the hard layer's: marking every
/// link is most of a label pass, and halving the cells' side halves the rows it fills and
/// the cells each row fills; a label's link cover is a share of its area, as before.
const SOFT_CELLS: f32 = 2.0;

/// Occupied screen area, as two bitmaps of small cells: testing or adding a rectangle costs
/// its area in cells, however crowded the screen is.
pub(super) struct Occupancy {
    hard: Layer,
    hard_on: Vec<bool>,
    /// The link layer, a bit a cell and `soft_words` words a row: marking a link's row is
    /// a few word operations and counting a label's cover a few popcounts, where a byte a
    /// cell took a `memset` call a row.
    soft: Layer,
    soft_words: usize,
    soft_on: Vec<u64>,
}

/// The square cells of one bitmap over the screen.
struct Layer {
    cell: f32,
    cols: usize,
    rows: usize,
}

impl Layer {
    fn new(size: [f32; 2], cell: f32) -> Layer {
        let cols = (size[0] / cell).ceil().clamp(1.0, 1e5) as usize;
        let rows = (size[1] / cell).ceil().clamp(1.0, 1e5) as usize;
        Layer { cell, cols, rows }
    }

    /// The cells a rectangle touches (`outward`) or lies wholly over, clamped to the screen:
    /// `[x0, x1) × [y0, y1)`. Tests look at every cell touched, but a rectangle only claims
    /// the cells it covers, so two rectangles a point apart never collide over a shared cell.
    fn span(&self, r: [f32; 4], outward: bool) -> (usize, usize, usize, usize) {
        let (x0, x1) = (self.cell_of(r[0], !outward), self.cell_of(r[2], outward));
        let (y0, y1) = (self.cell_of(r[1], !outward), self.cell_of(r[3], outward));
        (
            x0.min(self.cols),
            x1.min(self.cols),
            y0.min(self.rows),
            y1.min(self.rows),
        )
    }

    /// The cell boundary at or below (`up`: at or above) `v`, counted from 0; negative
    /// values and NaN give 0. No `floor`/`ceil`: without SSE4.1 they are library calls.
    #[inline]
    fn cell_of(&self, v: f32, up: bool) -> usize {
        let c = v / self.cell;
        if up { cell_up(c) } else { cell_down(c) }
    }
}

impl Occupancy {
    pub(super) fn new(size: [f32; 2], cell: f32) -> Occupancy {
        let hard = Layer::new(size, cell);
        let soft = Layer::new(size, cell * SOFT_CELLS);
        let soft_words = soft.cols.div_ceil(64);
        Occupancy {
            hard_on: vec![false; hard.cols * hard.rows],
            soft_on: vec![0; soft_words * soft.rows],
            hard,
            soft,
            soft_words,
        }
    }

    pub(super) fn free(&self, r: [f32; 4]) -> bool {
        let h = &self.hard;
        let (x0, x1, y0, y1) = h.span(r, true);
        (y0..y1)
            .all(|y| x0 >= x1 || !self.hard_on[y * h.cols + x0..y * h.cols + x1].contains(&true))
    }

    /// (link cells covered, cells in all) of a rectangle.
    fn soft_cover(&self, r: [f32; 4]) -> (usize, usize) {
        let (x0, x1, y0, y1) = self.soft.span(r, true);
        let mut n = 0;
        if x0 < x1 {
            for y in y0..y1 {
                n += count_bits(self.soft_row(y), x0, x1);
            }
        }
        (n, (x1.saturating_sub(x0)) * (y1.saturating_sub(y0)))
    }

    fn soft_row(&self, y: usize) -> &[u64] {
        &self.soft_on[y * self.soft_words..(y + 1) * self.soft_words]
    }

    pub(super) fn add(&mut self, r: [f32; 4]) {
        let h = &self.hard;
        let (x0, x1, y0, y1) = h.span(r, false);
        if x0 >= x1 {
            return;
        }
        for y in y0..y1 {
            self.hard_on[y * h.cols + x0..y * h.cols + x1].fill(true);
        }
    }

    /// Marks the cells under a line `width` wide as soft: row by row of cells, the stretch
    /// of the line within reach of the row, widened by half the line's width (a fill per
    /// row, not a test per point along the line: tens of thousands of links are marked each
    /// frame while the timeline plays). Worked in cell units, with one multiplication per
    /// row for where the line enters and leaves it: this loop is most of a label pass.
    fn add_line(&mut self, a: [f32; 2], b: [f32; 2], width: f32) {
        if !(a.iter().chain(&b).all(|v| v.is_finite()) && width.is_finite()) {
            return;
        }
        let layer = &self.soft;
        let words = self.soft_words;
        let on = &mut self.soft_on;
        let inv = 1.0 / layer.cell;
        let half = (width / 2.0).max(0.5) * inv;
        let (ax, ay, bx, by) = (a[0] * inv, a[1] * inv, b[0] * inv, b[1] * inv);
        let (y_min, y_max) = (ay.min(by), ay.max(by));
        let r0 = cell_down(y_min - half).min(layer.rows);
        let r1 = cell_up(y_max + half).min(layer.rows);
        let cols = layer.cols;
        if r0 >= r1 {
            return;
        }
        let dy = by - ay;
        if dy.abs() * layer.cell <= f32::EPSILON {
            // Level: the same stretch in every row it reaches.
            let c0 = cell_down(ax.min(bx) - half).min(cols);
            let c1 = cell_up(ax.max(bx) + half).min(cols);
            if c0 < c1 {
                for row in r0..r1 {
                    set_bits(&mut on[row * words..(row + 1) * words], c0, c1);
                }
            }
            return;
        }
        // x along the line as a function of y.
        let slope = (bx - ax) / dy;
        for row in r0..r1 {
            // The part of the line whose points lie within `half` of this row's band.
            let lo = (row as f32 - half).max(y_min);
            let hi = (row as f32 + 1.0 + half).min(y_max);
            if lo > hi {
                continue;
            }
            let (xa, xb) = (ax + (lo - ay) * slope, ax + (hi - ay) * slope);
            let c0 = cell_down(xa.min(xb) - half).min(cols);
            let c1 = cell_up(xa.max(xb) + half).min(cols);
            if c0 < c1 {
                set_bits(&mut on[row * words..(row + 1) * words], c0, c1);
            }
        }
    }
}

/// Sets bits `c0..c1` (`c0 < c1`) of a row of words.
#[inline]
fn set_bits(row: &mut [u64], c0: usize, c1: usize) {
    let (w0, w1) = (c0 / 64, (c1 - 1) / 64);
    let first = !0u64 << (c0 % 64);
    let last = !0u64 >> (63 - (c1 - 1) % 64);
    if w0 == w1 {
        row[w0] |= first & last;
    } else {
        row[w0] |= first;
        row[w0 + 1..w1].fill(!0);
        row[w1] |= last;
    }
}

/// How many of bits `c0..c1` (`c0 < c1`) of a row of words are set.
#[inline]
fn count_bits(row: &[u64], c0: usize, c1: usize) -> usize {
    let (w0, w1) = (c0 / 64, (c1 - 1) / 64);
    let first = !0u64 << (c0 % 64);
    let last = !0u64 >> (63 - (c1 - 1) % 64);
    if w0 == w1 {
        return (row[w0] & first & last).count_ones() as usize;
    }
    let middle: u32 = row[w0 + 1..w1].iter().map(|w| w.count_ones()).sum();
    ((row[w0] & first).count_ones() + middle + (row[w1] & last).count_ones()) as usize
}

/// The cell boundary at or below `c` (in cells), 0 for negative values and NaN.
#[inline]
fn cell_down(c: f32) -> usize {
    c.max(0.0) as usize
}

/// The cell boundary at or above `c` (in cells), 0 for negative values and NaN.
#[inline]
fn cell_up(c: f32) -> usize {
    let c = c.max(0.0);
    let down = c as usize;
    if (down as f32) < c {
        down.saturating_add(1)
    } else {
        down
    }
}

/// What placing the labels gave: the labels, and the names left unlabelled because they do
/// not fit two lines.
pub(super) struct Placed {
    pub labels: Vec<SceneLabel>,
    pub too_long: Vec<String>,
}

pub(super) fn place(
    input: &SceneInput<'_>,
    nodes: &[SceneNode],
    links: &[SceneLink],
    callouts: &[SceneCallout],
    metric: &dyn Fn(EntityId) -> f64,
    path: &BTreeSet<EntityId>,
    emphasis: &Emphasis,
) -> Placed {
    let SceneInput {
        index,
        style,
        view,
        marks,
        ..
    } = input;
    let s = view.scale;
    let size = input.label_size.max(1.0);
    let mut grid = Occupancy::new(view.size, (size / 3.0).max(2.0 * s).max(1.0));
    for n in nodes {
        let r = n.outer_radius();
        grid.add([
            n.center[0] - r,
            n.center[1] - r,
            n.center[0] + r,
            n.center[1] + r,
        ]);
    }
    for c in callouts {
        let [x, y, w, h] = c.rect;
        grid.add([x, y, x + w, y + h]);
    }
    for l in links {
        grid.add_line(l.from, l.arrow.map_or(l.to, |a| a[0]), l.width);
    }
    // Most important first: selected, on a path, hovered, highlighted; then by volume.
    let rank = |n: &SceneNode| -> (u8, std::cmp::Reverse<u64>, EntityId) {
        let selected = marks.selected.is_some_and(|sel| sel.contains(&n.id));
        let tier = if selected || marks.hovered == Some(n.id) {
            0
        } else if path.contains(&n.id) {
            1
        } else if marks.highlights.is_some_and(|h| h.contains_key(&n.id)) || n.ring.is_some() {
            2
        } else {
            3
        };
        // Dimmed entities after the emphasised ones.
        let tier = if emphasis.node(n.id) { tier } else { tier + 4 };
        (tier, std::cmp::Reverse((metric(n.id) * 100.0) as u64), n.id)
    };
    let mut order: Vec<(_, &SceneNode)> = nodes.iter().map(|n| (rank(n), n)).collect();
    // A screen holds a few hundred labels at most: trying thousands more only costs time,
    // and so would sorting all of them (ranks are distinct: they end in the entity id).
    if order.len() > MAX_LABEL_CANDIDATES {
        order.select_nth_unstable_by_key(MAX_LABEL_CANDIDATES, |&(rank, _)| rank);
        order.truncate(MAX_LABEL_CANDIDATES);
    }
    order.sort_unstable_by_key(|&(rank, _)| rank);
    let mut labels = Vec::new();
    let mut too_long = Vec::new();
    let pad = (size * 0.15).max(s);
    let line_h = size * 1.2;
    for (rank, n) in order {
        let (Some(entity), Some(text)) = (index.entity(n.id), index.label_text(n.id)) else {
            continue;
        };
        let important = rank.0 % 4 < 3;
        // The one place label text enters the scene.
        let mut name = text.to_owned();
        // A group's label ends in how many entities it holds.
        if let Some(members) = input.graph.groups.get(&n.id) {
            name.push_str(&format!(" ({})", members.len()));
        }
        let Some(lines) = text::label_lines(
            &name,
            size,
            important,
            ONE_LINE_EMS * size,
            MAX_LINE_EMS * size,
        ) else {
            if !name.trim().is_empty() {
                too_long.push(entity.key.clone());
            }
            continue;
        };
        let w = lines
            .iter()
            .map(|l| text::width(l, size, important))
            .fold(0.0f32, f32::max);
        let h = lines.len() as f32 * line_h;
        // The first line's centre is `anchor`; the block is `h` tall below its top.
        let top_of = |cy: f32| cy - line_h / 2.0;
        let r = n.outer_radius();
        let gap = 0.3 * size;
        let centred_x = (n.center[0] - w / 2.0).min(view.size[0] - w - pad).max(pad);
        let mid = n.center[1] - (h - line_h) / 2.0;
        let d = r * std::f32::consts::FRAC_1_SQRT_2;
        let candidates = [
            [n.center[0] + r + gap, mid],
            [n.center[0] - r - gap - w, mid],
            [centred_x, n.center[1] - r - gap - h + line_h / 2.0],
            [centred_x, n.center[1] + r + gap + line_h / 2.0],
            [n.center[0] + d + gap, n.center[1] - d - h + line_h / 2.0],
            [n.center[0] + d + gap, n.center[1] + d + line_h / 2.0],
            [
                n.center[0] - d - gap - w,
                n.center[1] - d - h + line_h / 2.0,
            ],
            [n.center[0] - d - gap - w, n.center[1] + d + line_h / 2.0],
        ];
        let mut best: Option<([f32; 2], [f32; 4], usize)> = None;
        for anchor in candidates {
            let top = top_of(anchor[1]);
            let rect = [
                anchor[0] - pad,
                top - pad,
                anchor[0] + w + pad,
                top + h + pad,
            ];
            let on_screen = rect[0] >= 0.0
                && rect[1] >= 0.0
                && rect[2] <= view.size[0]
                && rect[3] <= view.size[1];
            if !on_screen || !grid.free(rect) {
                continue;
            }
            let (covered, cells) = grid.soft_cover(rect);
            if covered == 0 {
                best = Some((anchor, rect, 0));
                break;
            }
            let acceptable = important || covered * 4 <= cells;
            if acceptable && best.is_none_or(|b| covered < b.2) {
                best = Some((anchor, rect, covered));
            }
        }
        if let Some((anchor, rect, _)) = best {
            grid.add(rect);
            let dim = !emphasis.node(n.id);
            labels.push(SceneLabel {
                id: n.id,
                lines,
                anchor,
                line_height: line_h,
                size,
                color: emphasis.fade(style.text, dim),
                halo: emphasis.fade(style.text_halo, dim),
                bold: important,
            });
        }
    }
    Placed { labels, too_long }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occupancy_rejects_overlaps_only() {
        let mut g = Occupancy::new([100.0, 100.0], 5.0);
        g.add([0.0, 0.0, 20.0, 10.0]);
        assert!(!g.free([15.0, 5.0, 30.0, 12.0]));
        assert!(g.free([20.0, 0.0, 40.0, 10.0]));
        assert!(g.free([0.0, 10.0, 20.0, 20.0]));
        // Off the cell grid: a label 1 point right of a node's box is free.
        g.add([31.0, 31.0, 43.0, 43.0]);
        assert!(g.free([44.0, 33.0, 80.0, 41.0]));
        // Overlaps are found to within a cell.
        assert!(!g.free([36.0, 33.0, 80.0, 41.0]));
    }

    #[test]
    fn links_are_soft_cells() {
        // Hard cells of 2.5, link cells of 5.
        let mut g = Occupancy::new([100.0, 100.0], 2.5);
        g.add_line([0.0, 50.0], [100.0, 50.0], 2.0);
        assert!(g.free([10.0, 40.0, 30.0, 60.0]));
        let (covered, cells) = g.soft_cover([10.0, 40.0, 30.0, 60.0]);
        assert!(covered > 0 && covered < cells, "{covered} of {cells}");
        assert_eq!(g.soft_cover([10.0, 10.0, 30.0, 20.0]).0, 0);
    }

    #[test]
    fn lines_mark_the_cells_they_cross_only() {
        let mut g = Occupancy::new([100.0, 100.0], 2.5);
        g.add_line([0.0, 0.0], [100.0, 100.0], 1.0);
        assert!(g.soft_cover([48.0, 48.0, 52.0, 52.0]).0 > 0);
        assert_eq!(g.soft_cover([70.0, 10.0, 90.0, 30.0]).0, 0);
        assert_eq!(g.soft_cover([10.0, 70.0, 30.0, 90.0]).0, 0);
        g.add_line([20.0, 60.0], [20.0, 90.0], 1.0);
        assert!(g.soft_cover([18.0, 70.0, 22.0, 80.0]).0 > 0);
        assert_eq!(g.soft_cover([18.0, 96.0, 22.0, 99.0]).0, 0);
        // A wide line marks its width; a line off the screen or not a number marks nothing.
        g.add_line([0.0, 30.0], [40.0, 30.0], 12.0);
        assert!(g.soft_cover([10.0, 24.5, 20.0, 25.5]).0 > 0);
        let before = g.soft_count();
        g.add_line([-50.0, -50.0], [-10.0, -20.0], 1.0);
        g.add_line([f32::NAN, 0.0], [10.0, 10.0], 1.0);
        assert_eq!(g.soft_count(), before);
    }

    impl Occupancy {
        fn soft_count(&self) -> usize {
            self.soft_on.iter().map(|w| w.count_ones() as usize).sum()
        }
    }

    #[test]
    fn bit_ranges_set_and_count_what_a_byte_a_cell_would() {
        let mut row = vec![0u64; 4];
        let mut plain = vec![false; 256];
        for &(c0, c1) in &[(0, 1), (3, 64), (63, 65), (70, 200), (255, 256), (100, 101)] {
            set_bits(&mut row, c0, c1);
            plain[c0..c1].fill(true);
            for &(a, b) in &[
                (0, 256),
                (0, 64),
                (60, 70),
                (64, 128),
                (129, 255),
                (99, 102),
            ] {
                let want = plain[a..b].iter().filter(|&&x| x).count();
                assert_eq!(count_bits(&row, a, b), want, "after {c0}..{c1}, {a}..{b}");
            }
        }
    }
}
