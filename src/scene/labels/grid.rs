//! The labels' grid: occupied screen area as bitmaps of small cells in two layers, *hard*
//! (nodes, placed labels, callouts: never covered) and *soft* (links: avoided). Testing or
//! adding a rectangle costs its area in cells, however crowded the screen is; a rectangle's
//! link cover is counted from the links that meet it, or, once enough are asked for, from the
//! whole layer marked (see [`LAZY_COVERS`]); both count the same cells.

/// How many times coarser the link layer's cells are than the hard layer's: marking every
/// link is most of a label pass, and halving the cells' side halves the rows it fills and
/// the cells each row fills; a label's link cover is a share of its area, as before.
const SOFT_CELLS: f32 = 2.0;

/// How many label boxes at most have their link cover counted line by line before the
/// whole link layer is marked. A crowded screen asks for a handful (most boxes already cover
/// a node or a label), each costing a look at every link's bounding box; one marking of
/// every link costs a row of cells for each row each link crosses, so fewer covers are
/// counted line by line where links cross few rows (see [`LOOKS_PER_ROW`]).
const LAZY_COVERS: usize = 24;

/// About what marking one row of a link costs, in looks at a link's box by a cover counted
/// line by line, as a fraction (numerator, denominator): covers are counted line by line
/// while their looks stay below the marking's rows times this. Measured with `perf` on the
/// export benchmark's 10,000-entity network at 4,000 px (100 px labels: links cross about
/// six rows of link cells): marking every link cost as much as about four covers, so two
/// thirds of a look a row; on a window's 12 px labels links cross dozens of rows and about
/// the old fixed number of covers (24) is counted line by line.
const LOOKS_PER_ROW: (usize, usize) = (2, 3);

#[cfg(not(test))]
fn lazy_covers() -> Option<usize> {
    None
}

#[cfg(test)]
thread_local! {
    /// Tests count every cover one way or the other with this.
    pub(in crate::scene) static LAZY_OVERRIDE: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

#[cfg(test)]
fn lazy_covers() -> Option<usize> {
    LAZY_OVERRIDE.with(|o| o.get())
}

/// Occupied screen area, as bitmaps of small cells (hard, nodes' touched cells, links):
/// testing or adding a rectangle costs its area in cells, however crowded the screen is.
pub(in crate::scene) struct Occupancy {
    hard: Layer,
    /// The cells claimed by labels, callouts and (on a crowded screen) nodes.
    hard_on: Vec<bool>,
    /// How many nodes claim each hard cell by touching it ([`Occupancy::add_node`]; empty
    /// until one does): a count, so that a node's own claim can be lifted while its label is
    /// placed.
    node_on: Vec<u8>,
    /// The link layer, a bit a cell and `soft_words` words a row: marking a link's row is
    /// a few word operations and counting a label's cover a few popcounts, where a byte a
    /// cell took a `memset` call a row.
    soft: Layer,
    soft_words: usize,
    soft_on: Vec<u64>,
    /// The links as drawn (ends and width), and the screen area each may mark: its ends'
    /// box widened by its half width and a cell each way (x0, y0, x1, y1), against which
    /// a box's cover is first tested (a [`SoftLine`] is worked out only for the links that
    /// meet the box, or for all when the layer is marked).
    segments: Vec<Segment>,
    reach: Vec<[f32; 4]>,
    /// Whether `soft_on` holds every line (else it is empty and covers are counted line by
    /// line), and how many covers were counted line by line.
    marked: bool,
    covers: usize,
    /// [`LAZY_COVERS`] (tests set others, and `lazy_fixed`: then exactly that many are
    /// counted line by line, whatever the lines' rows).
    lazy_covers: usize,
    lazy_fixed: bool,
    /// About how many rows of link cells the lines cross, all together (what marking them
    /// costs).
    rows: f32,
    /// Scratch bits for one box's cover counted line by line.
    scratch: Vec<u64>,
}

/// A link as the link layer marks it, in link-cell units: for each row of cells from `r0`
/// to `r1`, the stretch of the line within reach of the row, widened by `half`.
#[derive(Clone, Copy, Debug)]
struct SoftLine {
    ax: f32,
    ay: f32,
    y_min: f32,
    y_max: f32,
    half: f32,
    /// x along the line as a function of y; for a level line, the stretch every row gets.
    slope: f32,
    level: Option<(usize, usize)>,
    r0: usize,
    r1: usize,
}

impl SoftLine {
    /// The line from `a` to `b`, `width` wide (screen units), on `layer`; `None` when it
    /// marks nothing (off the screen's rows, not a number).
    #[inline]
    fn new(layer: &Layer, a: [f32; 2], b: [f32; 2], width: f32) -> Option<SoftLine> {
        if !(a.iter().chain(&b).all(|v| v.is_finite()) && width.is_finite()) {
            return None;
        }
        let inv = 1.0 / layer.cell;
        let half = (width / 2.0).max(0.5) * inv;
        let (ax, ay, bx, by) = (a[0] * inv, a[1] * inv, b[0] * inv, b[1] * inv);
        let (y_min, y_max) = (ay.min(by), ay.max(by));
        let r0 = cell_down(y_min - half).min(layer.rows);
        let r1 = cell_up(y_max + half).min(layer.rows);
        if r0 >= r1 {
            return None;
        }
        let dy = by - ay;
        let cols = layer.cols;
        let level = (dy.abs() * layer.cell <= f32::EPSILON).then(|| {
            (
                cell_down(ax.min(bx) - half).min(cols),
                cell_up(ax.max(bx) + half).min(cols),
            )
        });
        Some(SoftLine {
            ax,
            ay,
            y_min,
            y_max,
            half,
            slope: (bx - ax) / dy,
            level,
            r0,
            r1,
        })
    }

    /// The cells `[c0, c1)` the line marks in `row` (one of `r0..r1`), if any.
    #[inline]
    fn cells(&self, row: usize, cols: usize) -> Option<(usize, usize)> {
        let (c0, c1) = match self.level {
            Some(stretch) => stretch,
            None => {
                // The part of the line whose points lie within `half` of this row's band.
                let lo = (row as f32 - self.half).max(self.y_min);
                let hi = (row as f32 + 1.0 + self.half).min(self.y_max);
                if lo > hi {
                    return None;
                }
                let (xa, xb) = (
                    self.ax + (lo - self.ay) * self.slope,
                    self.ax + (hi - self.ay) * self.slope,
                );
                (
                    cell_down(xa.min(xb) - self.half).min(cols),
                    cell_up(xa.max(xb) + self.half).min(cols),
                )
            }
        };
        (c0 < c1).then_some((c0, c1))
    }
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
    /// Counts covers as this thread says: tests set how per thread ([`LAZY_OVERRIDE`]), and
    /// a grid may be made on one thread and used on another.
    pub(super) fn count_covers_as_this_thread_says(&mut self) {
        self.lazy_covers = lazy_covers().unwrap_or(LAZY_COVERS);
        self.lazy_fixed = lazy_covers().is_some();
    }

    pub(super) fn new(size: [f32; 2], cell: f32) -> Occupancy {
        let hard = Layer::new(size, cell);
        let soft = Layer::new(size, cell * SOFT_CELLS);
        let soft_words = soft.cols.div_ceil(64);
        Occupancy {
            hard_on: vec![false; hard.cols * hard.rows],
            node_on: Vec::new(),
            soft_on: Vec::new(),
            hard,
            soft,
            soft_words,
            segments: Vec::new(),
            reach: Vec::new(),
            marked: false,
            covers: 0,
            lazy_covers: lazy_covers().unwrap_or(LAZY_COVERS),
            lazy_fixed: lazy_covers().is_some(),
            rows: 0.0,
            scratch: Vec::new(),
        }
    }

    pub(super) fn free(&self, r: [f32; 4]) -> bool {
        self.free_of_claims(r) && {
            let h = &self.hard;
            let (x0, x1, y0, y1) = h.span(r, true);
            x0 >= x1
                || self.node_on.is_empty()
                || (y0..y1).all(|y| {
                    self.node_on[y * h.cols + x0..y * h.cols + x1]
                        .iter()
                        .all(|&c| c == 0)
                })
        }
    }

    /// Whether `r` touches no cell claimed by a label, a callout or (on a crowded screen) a
    /// node: [`Occupancy::free`] but for the nodes' touched cells.
    pub(super) fn free_of_claims(&self, r: [f32; 4]) -> bool {
        let h = &self.hard;
        let (x0, x1, y0, y1) = h.span(r, true);
        x0 >= x1
            || (y0..y1).all(|y| !self.hard_on[y * h.cols + x0..y * h.cols + x1].contains(&true))
    }

    /// (link cells covered, cells in all) of a rectangle. The first [`LAZY_COVERS`] are
    /// counted from the links whose bounding boxes meet the rectangle, only within it; then
    /// every link is marked once and covers are counted on the bitmap. Both count the same
    /// cells: each row's stretch comes from [`SoftLine::cells`].
    pub(super) fn soft_cover(&mut self, r: [f32; 4]) -> (usize, usize) {
        let (x0, x1, y0, y1) = self.soft.span(r, true);
        let cells = (x1.saturating_sub(x0)) * (y1.saturating_sub(y0));
        if x0 >= x1 || y0 >= y1 {
            return (0, cells);
        }
        let cheaper_by_lines = || {
            self.lazy_fixed
                || ((self.covers * self.segments.len() * LOOKS_PER_ROW.1) as f32)
                    < self.rows * LOOKS_PER_ROW.0 as f32
        };
        if !self.marked && self.covers < self.lazy_covers && cheaper_by_lines() {
            self.covers += 1;
            return (self.cover_by_lines(x0, x1, y0, y1), cells);
        }
        self.mark_all();
        let mut n = 0;
        for y in y0..y1 {
            n += count_bits(self.soft_row(y), x0, x1);
        }
        (n, cells)
    }

    /// The link cells in `[x0, x1) × [y0, y1)` (not empty), from the lines alone.
    fn cover_by_lines(&mut self, x0: usize, x1: usize, y0: usize, y1: usize) -> usize {
        let words = (x1 - x0).div_ceil(64);
        self.scratch.clear();
        self.scratch.resize(words * (y1 - y0), 0);
        let cols = self.soft.cols;
        let cell = self.soft.cell;
        let (bx0, bx1, by0, by1) = (
            x0 as f32 * cell,
            x1 as f32 * cell,
            y0 as f32 * cell,
            y1 as f32 * cell,
        );
        for (s, r) in self.segments.iter().zip(&self.reach) {
            // (Not a number: never skipped here, and then `SoftLine::new` refuses it.)
            if r[0] > bx1 || r[2] < bx0 || r[1] > by1 || r[3] < by0 {
                continue;
            }
            let Some(line) = SoftLine::new(&self.soft, s.a, s.b, s.width) else {
                continue;
            };
            for row in line.r0.max(y0)..line.r1.min(y1) {
                let Some((c0, c1)) = line.cells(row, cols) else {
                    continue;
                };
                let (c0, c1) = (c0.max(x0), c1.min(x1));
                if c0 < c1 {
                    let at = (row - y0) * words;
                    set_bits(&mut self.scratch[at..at + words], c0 - x0, c1 - x0);
                }
            }
        }
        self.scratch.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Marks every line on the bitmap, once.
    fn mark_all(&mut self) {
        if self.marked {
            return;
        }
        self.marked = true;
        let words = self.soft_words;
        let cols = self.soft.cols;
        self.soft_on = vec![0; words * self.soft.rows];
        let on = &mut self.soft_on;
        let soft = &self.soft;
        for line in self
            .segments
            .iter()
            .filter_map(|s| SoftLine::new(soft, s.a, s.b, s.width))
        {
            match line.level {
                // Level: the same stretch in every row it reaches.
                Some((c0, c1)) => {
                    if c0 < c1 {
                        for row in line.r0..line.r1 {
                            set_bits(&mut on[row * words..(row + 1) * words], c0, c1);
                        }
                    }
                }
                None => {
                    for row in line.r0..line.r1 {
                        if let Some((c0, c1)) = line.cells(row, cols) {
                            set_bits(&mut on[row * words..(row + 1) * words], c0, c1);
                        }
                    }
                }
            }
        }
    }

    fn soft_row(&self, y: usize) -> &[u64] {
        &self.soft_on[y * self.soft_words..(y + 1) * self.soft_words]
    }

    /// Claims the cells `r` lies wholly over: labels and callouts (and, on a crowded
    /// screen, nodes), which may then lie a point apart without colliding over a shared cell.
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

    /// Claims every cell a node's box `r` touches, so that no other label's padded box shares
    /// a cell with the node (a node smaller than a cell would otherwise claim nothing, and a
    /// label could cover it). Its own label lifts the claim while it is placed
    /// ([`Occupancy::lift_node`]), or no place beside the node would be free.
    pub(super) fn add_node(&mut self, r: [f32; 4]) {
        if self.node_on.is_empty() {
            self.node_on = vec![0; self.hard_on.len()];
        }
        self.lift_node(r, 1);
    }

    /// Undoes one [`Occupancy::add_node`] of `r` (`by`: -1) or does it again (1).
    pub(super) fn lift_node(&mut self, r: [f32; 4], by: i8) {
        let (x0, x1, y0, y1) = self.hard.span(r, true);
        let cols = self.hard.cols;
        if x0 >= x1 || self.node_on.is_empty() {
            return;
        }
        for y in y0..y1 {
            for c in &mut self.node_on[y * cols + x0..y * cols + x1] {
                *c = c.saturating_add_signed(by);
            }
        }
    }

    /// Adds `n` lines (from, to, width) to the link layer: each marks, row by row of cells,
    /// the stretch of the line within reach of the row, widened by half the line's width (a
    /// fill per row, not a test per point along the line; see [`SoftLine`]). Nothing is
    /// worked out or marked yet: a crowded screen asks for the cover of a few boxes only
    /// (three or four on a 10,000-entity playback step, against 30,000 links), and working
    /// out every link's rows was most of a label pass (see [`Occupancy::soft_cover`]).
    pub(super) fn add_lines(
        &mut self,
        n: usize,
        lines: impl Iterator<Item = ([f32; 2], [f32; 2], f32)>,
    ) {
        self.segments.reserve(n);
        self.reach.reserve(n);
        let cell = self.soft.cell;
        let height = self.soft.rows as f32 * cell;
        for (a, b, width) in lines {
            // A cell and a millionth of the coordinates' size of slack each way, against
            // rounding: wider than any row's stretch.
            let size = a[0].abs().max(a[1].abs()).max(b[0].abs()).max(b[1].abs());
            let k = (width / 2.0).max(0.5) + cell + size * 1e-6;
            let r = [
                a[0].min(b[0]) - k,
                a[1].min(b[1]) - k,
                a[0].max(b[0]) + k,
                a[1].max(b[1]) + k,
            ];
            let rows = (r[3].min(height) - r[1].max(0.0)) / cell;
            if rows > 0.0 {
                self.rows += rows;
            }
            self.segments.push(Segment { a, b, width });
            self.reach.push(r);
        }
        if self.marked {
            // Added after the bitmap was made: mark it again with them.
            self.marked = false;
            self.soft_on.clear();
        }
    }
}

#[cfg(test)]
impl Occupancy {
    fn add_line(&mut self, a: [f32; 2], b: [f32; 2], width: f32) {
        self.add_lines(1, std::iter::once((a, b, width)));
    }
}

/// A link as drawn: its ends and width (screen units).
#[derive(Clone, Copy)]
struct Segment {
    a: [f32; 2],
    b: [f32; 2],
    width: f32,
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

#[cfg(test)]
/// Small deterministic noise for the tests below.
pub(in crate::scene) struct Noise(pub u64);

#[cfg(test)]
impl Noise {
    pub fn next(&mut self) -> f32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 40) as f32 / (1u64 << 24) as f32
    }

    pub fn within(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.next()
    }
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
        // Off the cell grid: a box 1 point right of another label's box is free.
        g.add([31.0, 31.0, 43.0, 43.0]);
        assert!(g.free([44.0, 33.0, 80.0, 41.0]));
        // Overlaps are found to within a cell.
        assert!(!g.free([36.0, 33.0, 80.0, 41.0]));
    }

    #[test]
    fn a_node_claims_every_cell_it_touches_until_its_own_label_lifts_the_claim() {
        let mut g = Occupancy::new([100.0, 100.0], 10.0);
        // A node smaller than a cell: as a label's box it would claim nothing.
        let node = [52.0, 52.0, 56.0, 56.0];
        g.add(node);
        assert!(
            g.free([50.0, 50.0, 60.0, 60.0]),
            "a box claims covered cells only"
        );
        g.add_node(node);
        // Another label touching the node's cell is refused, one a cell away is not.
        assert!(!g.free([56.5, 50.0, 80.0, 58.0]));
        assert!(g.free([60.0, 50.0, 80.0, 58.0]));
        // Two nodes in one cell: lifting one leaves the other's claim.
        let other = [57.0, 51.0, 59.0, 53.0];
        g.add_node(other);
        g.lift_node(node, -1);
        assert!(!g.free([56.5, 50.0, 80.0, 58.0]));
        g.lift_node(other, -1);
        assert!(g.free([56.5, 50.0, 80.0, 58.0]), "both lifted");
        g.lift_node(other, 1);
        g.lift_node(node, 1);
        assert!(!g.free([56.5, 50.0, 80.0, 58.0]), "restored");
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
        fn soft_count(&mut self) -> usize {
            self.mark_all();
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

    /// Lines of every kind over a 600 × 400 screen: sloped, level, nearly level, upright,
    /// wide, reaching far off the screen, huge, not a number.
    fn lines(noise: &mut Noise) -> Vec<([f32; 2], [f32; 2], f32)> {
        // First, one wholly on the screen (the test below drops it).
        let mut out = vec![([100.0, 120.0], [330.0, 290.0], 1.0)];
        for k in 0..120 {
            let a = [noise.within(-100.0, 700.0), noise.within(-100.0, 500.0)];
            let mut b = [noise.within(-100.0, 700.0), noise.within(-100.0, 500.0)];
            match k % 8 {
                0 => b[1] = a[1],
                1 => b[1] = a[1] + 1e-4,
                2 => b[0] = a[0],
                3 => b = [a[0] * 3e4, a[1] * -2e4],
                4 => {
                    b = [
                        a[0] + noise.within(-3.0, 3.0),
                        a[1] + noise.within(-3.0, 3.0),
                    ]
                }
                _ => {}
            }
            let width = if k % 5 == 0 {
                noise.within(4.0, 30.0)
            } else {
                noise.within(0.0, 3.0)
            };
            out.push((a, b, width));
        }
        out.push(([f32::NAN, 10.0], [20.0, 30.0], 1.0));
        out.push(([10.0, 10.0], [20.0, 30.0], f32::INFINITY));
        out
    }

    fn occupancy(lines: &[([f32; 2], [f32; 2], f32)], lazy: usize) -> Occupancy {
        let mut g = Occupancy::new([600.0, 400.0], 2.5);
        (g.lazy_covers, g.lazy_fixed) = (lazy, true);
        for &(a, b, w) in lines {
            g.add_line(a, b, w);
        }
        g
    }

    #[test]
    fn covers_counted_line_by_line_are_the_marked_layers() {
        let mut noise = Noise(7);
        let all = lines(&mut noise);
        let mut lazy = occupancy(&all, usize::MAX);
        let mut marked = occupancy(&all, 0);
        // One line fewer: the comparison below must see the difference somewhere.
        let mut short = occupancy(&all[1..], usize::MAX);
        let (mut partial, mut differs) = (0, 0);
        for _ in 0..3_000 {
            let (x, y) = (noise.within(-50.0, 650.0), noise.within(-50.0, 450.0));
            let r = [
                x,
                y,
                x + noise.within(0.0, 160.0),
                y + noise.within(0.0, 40.0),
            ];
            let want = marked.soft_cover(r);
            assert_eq!(lazy.soft_cover(r), want, "{r:?}");
            partial += usize::from(want.0 > 0 && want.0 < want.1);
            differs += usize::from(short.soft_cover(r) != want);
        }
        assert!(!lazy.marked && marked.marked);
        assert!(partial > 100, "{partial} boxes partly covered");
        assert!(differs > 0, "dropping a line changed no count");
        // A long line crossing a box with both ends outside it covers the box.
        let mut g = occupancy(&[([0.0, 0.0], [600.0, 400.0], 1.0)], usize::MAX);
        assert!(g.soft_cover([280.0, 180.0, 320.0, 220.0]).0 > 0);
        assert_eq!(g.soft_cover([400.0, 10.0, 500.0, 60.0]).0, 0);
    }

    #[test]
    fn a_line_added_after_marking_is_counted() {
        let mut g = occupancy(&[], 0);
        assert_eq!(g.soft_cover([10.0, 10.0, 50.0, 50.0]).0, 0);
        g.add_line([0.0, 30.0], [100.0, 30.0], 2.0);
        assert!(g.soft_cover([10.0, 10.0, 50.0, 50.0]).0 > 0);
    }
}
