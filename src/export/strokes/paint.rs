//! Painting the primitives of [`Strokes`]: the picture cut into bands of rows painted on all
//! cores, each band's primitives split row by row into the pixels the coverage formula can
//! touch and those it covers whole, and (where links pile up) the pixels a later opaque
//! primitive covers skipped ([`super::cover`]).

use rayon::prelude::*;

use super::cover::{GROUP_ROWS, Reach, first_clear, last_clear, prefetch, set_bits};
use super::{Prim, Shape, Strokes, distance, edges_of};
use crate::export::simd::wide;
use crate::style::Rgba;

/// Rows per band painted by one task.
pub(super) const BAND_ROWS: usize = 64;

/// Where a primitive may paint on a row: pixels `x0..=x1`, of which `solid` (if any) it
/// covers whole (an opaque colour is copied there, a translucent one blended at its own
/// alpha) and `hole` (if any: a ring's inside) it leaves alone.
#[derive(Clone, Copy, Debug)]
struct Spans {
    x0: i32,
    x1: i32,
    solid: Option<(i32, i32)>,
    hole: Option<(i32, i32)>,
}

/// A row of a primitive to paint in a band, and its pixels that may show.
#[derive(Clone, Copy, Debug)]
struct Todo {
    prim: u32,
    y: i32,
    visible: (i32, i32),
    spans: Spans,
}

/// A band's rows to paint; its covered pixels (a bit each), those covered on every row of
/// each group of [`GROUP_ROWS`], and those covered on all its rows.
type Scratch = (Vec<Todo>, Vec<u64>, Vec<u64>, Vec<u64>);

thread_local! {
    /// A band's rows to paint and covered pixels, kept for the thread's next band (they
    /// grow to megabytes on a big picture).
    static SCRATCH: std::cell::RefCell<Scratch> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new(), Vec::new(), Vec::new())) };
}

/// Slack of the spans a row is split into, in units of the coverage formula's distances:
/// far more than its rounding (a few thousandths at 8,000 px), far less than a pixel.
pub(super) const MARGIN: f32 = 1.0 / 32.0;

/// Each band's primitives of a picture, for [`Strokes::paint_rows`].
pub struct Plan {
    /// Band `b`'s primitives are `order[starts[b]..starts[b + 1]]`, in scene order.
    starts: Vec<u32>,
    order: Vec<u32>,
    /// Whether bands skip what later opaque primitives cover.
    cull: bool,
    w: usize,
    h: usize,
}

impl Strokes {
    /// Paints onto premultiplied RGBA8 pixels (`width` × `height`, rows of `width * 4`),
    /// each band filled with `background` first when given (one pass over the pixels
    /// instead of two).
    pub fn paint(&self, data: &mut [u8], width: u32, height: u32, background: Option<[u8; 4]>) {
        self.paint_planned(&self.plan(width, height), data, background);
    }

    /// The primitives each band of a picture `w` × `h` may touch, in scene order: band
    /// `b`'s are `order[starts[b]..starts[b + 1]]` (so a band does not look at every
    /// primitive of the picture).
    fn by_band(&self, w: usize, h: usize) -> (Vec<u32>, Vec<u32>) {
        let bands = h.div_ceil(BAND_ROWS);
        let span = |p: &Prim| {
            let rows = p.rows_in(0, h as i32 - 1, w);
            let (a, b) = (*rows.start(), *rows.end());
            (a <= b).then_some((a as usize / BAND_ROWS, b as usize / BAND_ROWS))
        };
        let mut starts = vec![0u32; bands + 1];
        for p in &self.prims {
            if let Some((a, b)) = span(p) {
                for c in &mut starts[a + 1..=b + 1] {
                    *c += 1;
                }
            }
        }
        for k in 1..=bands {
            starts[k] += starts[k - 1];
        }
        let mut next = starts.clone();
        let mut order = vec![0u32; starts[bands] as usize];
        for (i, p) in self.prims.iter().enumerate() {
            if let Some((a, b)) = span(p) {
                for n in &mut next[a..=b] {
                    order[*n as usize] = i as u32;
                    *n += 1;
                }
            }
        }
        (starts, order)
    }

    /// [`Strokes::paint`], skipping what later links cover or not as told (the same bits).
    #[cfg(test)]
    pub(super) fn paint_bands(
        &self,
        data: &mut [u8],
        width: u32,
        height: u32,
        cull: bool,
        background: Option<[u8; 4]>,
    ) {
        let mut plan = self.plan(width, height);
        plan.cull = cull;
        self.paint_planned(&plan, data, background);
    }

    /// The whole picture `plan` was made for, in bands on all cores.
    fn paint_planned(&self, plan: &Plan, data: &mut [u8], background: Option<[u8; 4]>) {
        let (w, h) = (plan.w, plan.h);
        if w == 0 || h == 0 || data.len() < w * h * 4 {
            return;
        }
        data[..w * h * 4]
            .par_chunks_mut(w * 4 * BAND_ROWS)
            .enumerate()
            .for_each(|(band, rows)| {
                let y0 = band * BAND_ROWS;
                self.paint_rows(plan, rows, y0, y0 + rows.len() / (w * 4), background);
            });
    }

    /// What [`Strokes::paint_rows`] needs for a picture `width` × `height`: each band's
    /// primitives, and whether to skip what later links cover.
    pub fn plan(&self, width: u32, height: u32) -> Plan {
        let (w, h) = (width as usize, height as usize);
        let (starts, order) = self.by_band(w, h);
        Plan {
            starts,
            order,
            // Skipping what later links cover pays where they pile up (tens of thousands
            // of links); on a sparse picture its bookkeeping costs more than it saves.
            // Either way the pixels are the same.
            cull: self.solid_area > 2.0 * w as f32 * h as f32,
            w,
            h,
        }
    }

    /// Paints rows `ya..yb` of the picture `plan` was made for into `rows` (those rows'
    /// premultiplied RGBA8 pixels, filled with `background` first when given), on the
    /// calling thread: the same bits as [`Strokes::paint`] gives them, however the picture
    /// is cut into row ranges.
    pub fn paint_rows(
        &self,
        plan: &Plan,
        rows: &mut [u8],
        ya: usize,
        yb: usize,
        background: Option<[u8; 4]>,
    ) {
        let (w, yb) = (plan.w, yb.min(plan.h));
        if ya >= yb || rows.len() < (yb - ya) * w * 4 {
            return;
        }
        let rows = &mut rows[..(yb - ya) * w * 4];
        if let Some(px) = background {
            // As words when the bytes are aligned for them (a vector fill).
            match bytemuck::try_cast_slice_mut::<u8, u32>(rows) {
                Ok(words) => words.fill(u32::from_ne_bytes(px)),
                Err(_) => {
                    for p in rows.chunks_exact_mut(4) {
                        p.copy_from_slice(&px);
                    }
                }
            }
        }
        for band in ya / BAND_ROWS..yb.div_ceil(BAND_ROWS) {
            let (a, b) = ((band * BAND_ROWS).max(ya), ((band + 1) * BAND_ROWS).min(yb));
            let part = &mut rows[(a - ya) * w * 4..(b - ya) * w * 4];
            let mine = &plan.order[plan.starts[band] as usize..plan.starts[band + 1] as usize];
            paint_band(self, mine, part, w, a as i32, b as i32 - 1, plan.cull);
        }
    }

    /// Paints the primitives `mine` (in scene order) on rows `y0..=y1` (`rows`: their
    /// pixels, at most a band's).
    #[inline(always)]
    fn paint_band(&self, mine: &[u32], rows: &mut [u8], w: usize, y0: i32, y1: i32, cull: bool) {
        if !cull {
            for &i in mine {
                let p = &self.prims[i as usize];
                for y in p.rows_in(y0, y1, w) {
                    if let Some(spans) = self.row_spans(p, y, w) {
                        let row = &mut rows[((y - y0) as usize) * w * 4..][..w * 4];
                        self.paint_spans(p, row, y, spans, (spans.x0, spans.x1));
                    }
                }
            }
            return;
        }
        let words = w.div_ceil(64);
        // Taken out of the thread's slot and put back (rather than borrowed in a closure),
        // so the walk is compiled into this function's AVX2 copy too.
        let (mut todo, mut covered, mut groups, mut whole) = SCRATCH.take();
        {
            let n = (y1 - y0 + 1) as usize;
            // Last primitive first: the pixels a later primitive copies its colour
            // onto (`covered`, a bit per pixel) are skipped by the earlier ones,
            // which could not change them.
            todo.clear();
            covered.clear();
            covered.resize(n * words, 0);
            groups.clear();
            groups.resize(n.div_ceil(GROUP_ROWS) * words, 0);
            whole.clear();
            whole.resize(words, 0);
            for (j, &i) in mine.iter().enumerate().rev() {
                // The band's primitives lie scattered through the scene's: ask for
                // one a few steps ahead while this one is worked on.
                if let Some(&ahead) = j.checked_sub(8).map(|k| &mine[k]) {
                    prefetch(&self.prims[ahead as usize]);
                }
                let p = &self.prims[i as usize];
                let rows = p.rows_in(y0, y1, w);
                // Most rows of a pile of links are hidden: a cheap superset of their
                // pixels, all covered, rules them out first.
                let hidden = match Reach::of(p, w) {
                    Some(r) if !rows.is_empty() => {
                        let (ya, yb) = (*rows.start(), *rows.end());
                        let n = (yb - ya + 1) as usize;
                        r.hidden_rows(ya, n, y0, (&covered, &groups, &whole), words)
                    }
                    _ => 0,
                };
                // The rows that may show (at most a band's: 64), one set bit each.
                let first = *rows.start();
                let count = (*rows.end() - first + 1).clamp(0, 64) as u32;
                let mut show = u64::MAX.checked_shr(64 - count).unwrap_or(0) & !hidden;
                while show != 0 {
                    let y = first + show.trailing_zeros() as i32;
                    show &= show - 1;
                    let bits = &mut covered[(y - y0) as usize * words..][..words];
                    let Some(spans) = self.row_spans(p, y, w) else {
                        continue;
                    };
                    let Some(v0) = first_clear(bits, spans.x0, spans.x1) else {
                        continue;
                    };
                    let v1 = last_clear(bits, spans.x1);
                    todo.push(Todo {
                        prim: i,
                        y,
                        visible: (v0, v1),
                        spans,
                    });
                    if let (Some((fa, fb)), 255) = (spans.solid, p.color.3) {
                        set_bits(bits, fa, fb);
                        // The group's words these bits are in: covered on all its rows?
                        let g = (y - y0) as usize / GROUP_ROWS;
                        let rows = g * GROUP_ROWS..((g + 1) * GROUP_ROWS).min(n);
                        for k in (fa >> 6) as usize..=(fb >> 6) as usize {
                            groups[g * words + k] = rows
                                .clone()
                                .fold(u64::MAX, |acc, r| acc & covered[r * words + k]);
                            // And on all the band's rows?
                            whole[k] = (0..n.div_ceil(GROUP_ROWS))
                                .fold(u64::MAX, |acc, g| acc & groups[g * words + k]);
                        }
                    }
                }
            }
            // Then in scene order, only what may show.
            for (j, t) in todo.iter().enumerate().rev() {
                if let Some(ahead) = j.checked_sub(8).map(|k| todo[k].prim) {
                    prefetch(&self.prims[ahead as usize]);
                }
                let row = &mut rows[((t.y - y0) as usize) * w * 4..][..w * 4];
                let p = &self.prims[t.prim as usize];
                self.paint_spans(p, row, t.y, t.spans, t.visible);
            }
        }
        SCRATCH.set((todo, covered, groups, whole));
    }

    /// One row of one primitive, painted whole (the reference for the bands' skipping).
    #[cfg(test)]
    pub(super) fn paint_row(&self, p: &Prim, row: &mut [u8], y: i32, w: usize) {
        if let Some(spans) = self.row_spans(p, y, w) {
            self.paint_spans(p, row, y, spans, (spans.x0, spans.x1));
        }
    }

    /// Where primitive `p` may paint on row `y` of a picture `w` wide.
    #[inline(always)]
    fn row_spans(&self, p: &Prim, y: i32, w: usize) -> Option<Spans> {
        let yc = y as f32 + 0.5;
        let clip_y = self.clip_y(yc);
        if clip_y <= 0.0 {
            return None;
        }
        let last = w as i32 - 1;
        match p.shape {
            Shape::Strip {
                a: s,
                inv,
                len,
                hw,
                thin,
                u,
            } => {
                let dy = yc - s[1];
                let dyu = [dy * u[0], dy * u[1]];
                // Pixels whose centre may get nonzero coverage (the formula gives 0 to any
                // extra pixel at the ends, so the slack changes nothing).
                let across = if thin.is_some() { 1.0 } else { hw + 0.5 };
                let (x0, x1) = strip_pixels(
                    s,
                    inv,
                    dyu,
                    [-0.5 - MARGIN, len + 0.5 + MARGIN],
                    across + MARGIN,
                    [p.bbox[0].max(0), p.bbox[2].min(last)],
                )?;
                // Pixels certainly covered whole (coverage exactly 1 from the formula
                // too): an opaque colour there is a plain copy.
                let solid = if thin.is_some() || clip_y < 1.0 {
                    None
                } else {
                    strip_pixels(
                        s,
                        inv,
                        dyu,
                        [0.5 + MARGIN, len - 0.5 - MARGIN],
                        hw - 0.5 - MARGIN,
                        self.unclipped(x0, x1, w),
                    )
                };
                Some(Spans {
                    x0,
                    x1,
                    solid,
                    hole: None,
                })
            }
            Shape::Disc { c, r } => {
                let dy = yc - c[1];
                let within = [p.bbox[0].max(0), p.bbox[2].min(last)];
                let (x0, x1) = circle_pixels(c[0], dy, r + 0.5 + MARGIN, within)?;
                // Centres at least half a pixel (and the margin) inside: coverage 1.
                let solid = if clip_y < 1.0 {
                    None
                } else {
                    circle_pixels(c[0], dy, r - 0.5 - MARGIN, self.unclipped(x0, x1, w))
                };
                Some(Spans {
                    x0,
                    x1,
                    solid,
                    hole: None,
                })
            }
            Shape::Ring { c, r, hw, thin } => {
                let dy = yc - c[1];
                let within = [p.bbox[0].max(0), p.bbox[2].min(last)];
                let reach = if thin.is_some() { 1.0 } else { hw + 0.5 };
                let (x0, x1) = circle_pixels(c[0], dy, r + reach + MARGIN, within)?;
                // Centres farther inside than the outline reaches: coverage 0.
                let hole = circle_pixels(c[0], dy, r - reach - MARGIN, [x0, x1]);
                Some(Spans {
                    x0,
                    x1,
                    solid: None,
                    hole,
                })
            }
            Shape::Convex { edges, n } => {
                let within = [p.bbox[0].max(0), p.bbox[2].min(last)];
                // Every edge's factor is above 0 only within half a pixel outside it, and
                // 1 at least half a pixel inside.
                let (x0, x1) = convex_pixels(&edges[..n], yc, 0.5 + MARGIN, within)?;
                let solid = if clip_y < 1.0 {
                    None
                } else {
                    convex_pixels(&edges[..n], yc, -0.5 - MARGIN, self.unclipped(x0, x1, w))
                };
                Some(Spans {
                    x0,
                    x1,
                    solid,
                    hole: None,
                })
            }
            Shape::Outline {
                corners,
                n,
                hw,
                thin,
            } => {
                let edges = edges_of(&corners[..n])?;
                let within = [p.bbox[0].max(0), p.bbox[2].min(last)];
                let reach = if thin.is_some() { 1.0 } else { hw + 0.5 };
                // Within `reach` of an edge's line, outside: a superset of the pixels
                // within `reach` of the outline; inside by more than that: none of them.
                let (x0, x1) = convex_pixels(&edges[..n], yc, reach + MARGIN, within)?;
                let hole = convex_pixels(&edges[..n], yc, -reach - MARGIN, [x0, x1]);
                Some(Spans {
                    x0,
                    x1,
                    solid: None,
                    hole,
                })
            }
        }
    }

    /// Pixels `x0..=x1` of a row `w` wide narrowed to those the clip covers whole.
    fn unclipped(&self, x0: i32, x1: i32, w: usize) -> [i32; 2] {
        let (lo, hi) = self.clip.map_or((x0, x1), |c| {
            // Centres at least half a pixel (and the margin) inside.
            let lo = (c[0] + MARGIN).clamp(-1.0, w as f32);
            let hi = (c[2] - 1.0 - MARGIN).clamp(-1.0, w as f32);
            (x0.max(-floor(-lo)), x1.min(floor(hi)))
        });
        [lo, hi]
    }

    fn clip_y(&self, yc: f32) -> f32 {
        self.clip
            .map_or(1.0, |c| ((yc - c[1]).min(c[3] - yc) + 0.5).clamp(0.0, 1.0))
    }

    /// Paints primitive `p` on row `y`: the pixels of `spans` within `visible`.
    #[inline(always)]
    fn paint_spans(&self, p: &Prim, row: &mut [u8], y: i32, spans: Spans, visible: (i32, i32)) {
        let yc = y as f32 + 0.5;
        let clip_y = self.clip_y(yc);
        let alpha = f32::from(p.color.3);
        let (x0, x1) = (spans.x0.max(visible.0), spans.x1.min(visible.1));
        match p.shape {
            Shape::Strip {
                a: s,
                u,
                len,
                hw,
                thin,
                ..
            } => {
                let dy = yc - s[1];
                let dyu = [dy * u[0], dy * u[1]];
                let along = |dx: f32| {
                    let t = dx * u[0] + dyu[1];
                    (t + 0.5).min(len - t + 0.5).clamp(0.0, 1.0)
                };
                let Some(tw) = thin else {
                    let coverage = |xc: f32| {
                        let dx = xc - s[0];
                        let d = (dyu[0] - dx * u[1]).abs();
                        along(dx) * (hw + 0.5 - d).clamp(0.0, 1.0) * alpha
                    };
                    self.solid_span(row, (x0, x1), spans.solid, p.color, clip_y, coverage);
                    return;
                };
                let coverage = |xc: f32| {
                    let dx = xc - s[0];
                    let d = (dyu[0] - dx * u[1]).abs();
                    along(dx) * (tw * (1.0 - d).clamp(0.0, 1.0)) * alpha
                };
                self.blend_span(row, x0, x1, p.color, clip_y, coverage);
            }
            Shape::Convex { edges, n } => {
                let coverage = |xc: f32| {
                    let cov: f32 = edges[..n]
                        .iter()
                        .map(|e| (0.5 - (e[0] * xc + e[1] * yc + e[2])).clamp(0.0, 1.0))
                        .product();
                    cov * alpha
                };
                self.solid_span(row, (x0, x1), spans.solid, p.color, clip_y, coverage);
            }
            // (The same arithmetic as `Shape::coverage`, without its match per pixel.)
            Shape::Disc { c, r } => {
                let coverage = |xc: f32| (r + 0.5 - distance([xc, yc], c)).clamp(0.0, 1.0) * alpha;
                self.solid_span(row, (x0, x1), spans.solid, p.color, clip_y, coverage);
            }
            Shape::Ring { c, r, hw, thin } => match thin {
                Some(tw) => {
                    let coverage = |xc: f32| {
                        tw * (1.0 - (distance([xc, yc], c) - r).abs()).clamp(0.0, 1.0) * alpha
                    };
                    self.holed_span(row, (x0, x1), spans.hole, p.color, clip_y, coverage);
                }
                None => {
                    let coverage = |xc: f32| {
                        (hw + 0.5 - (distance([xc, yc], c) - r).abs()).clamp(0.0, 1.0) * alpha
                    };
                    self.holed_span(row, (x0, x1), spans.hole, p.color, clip_y, coverage);
                }
            },
            Shape::Outline { .. } => {
                let coverage = |xc: f32| p.shape.coverage([xc, yc]) * alpha;
                self.holed_span(row, (x0, x1), spans.hole, p.color, clip_y, coverage);
            }
        }
    }

    /// Pixels `x0..=x1` of a row but those in `hole` (where the coverage is 0) blended at
    /// their coverage.
    #[inline(always)]
    fn holed_span(
        &self,
        row: &mut [u8],
        (x0, x1): (i32, i32),
        hole: Option<(i32, i32)>,
        color: Rgba,
        clip_y: f32,
        coverage: impl Fn(f32) -> f32,
    ) {
        match hole {
            Some((ha, hb)) => {
                self.blend_span(row, x0, (ha - 1).min(x1), color, clip_y, &coverage);
                self.blend_span(row, (hb + 1).max(x0), x1, color, clip_y, &coverage);
            }
            None => self.blend_span(row, x0, x1, color, clip_y, coverage),
        }
    }

    /// Pixels `x0..=x1` of a row: those in `solid` (covered whole by an opaque colour) get
    /// `color` copied, the others are blended at their coverage.
    #[inline(always)]
    fn solid_span(
        &self,
        row: &mut [u8],
        (x0, x1): (i32, i32),
        solid: Option<(i32, i32)>,
        color: Rgba,
        clip_y: f32,
        coverage: impl Fn(f32) -> f32,
    ) {
        let Some((fa, fb)) = solid else {
            self.blend_span(row, x0, x1, color, clip_y, coverage);
            return;
        };
        // Blended either side of the covered pixels, as around a ring's hole.
        self.holed_span(row, (x0, x1), Some((fa, fb)), color, clip_y, &coverage);
        let (fa, fb) = (fa.max(x0), fb.min(x1));
        if fa > fb {
            return;
        }
        let pixels = &mut row[fa as usize * 4..(fb as usize + 1) * 4];
        if color.3 == 255 {
            let c = [color.0, color.1, color.2, 255];
            for px in pixels.chunks_exact_mut(4) {
                px.copy_from_slice(&c);
            }
        } else {
            // Coverage 1: the colour's own alpha, as `blend_span` would compute it.
            let a = u16::from(color.3);
            let inv = 255 - a;
            let src = [
                u16::from(color.0) * a,
                u16::from(color.1) * a,
                u16::from(color.2) * a,
                255 * a,
            ];
            for px in pixels.chunks_exact_mut(4) {
                for (d, &s) in px.iter_mut().zip(&src) {
                    *d = div255(s + u16::from(*d) * inv);
                }
            }
        }
    }

    /// Source-over of `color` onto the premultiplied pixels `x0..=x1` of a row, each at
    /// `coverage(centre x)` (0..255: coverage × the colour's alpha) times the clip's. In
    /// runs of a few pixels: the coverages first, then the blending, in 16-bit integers
    /// (exact: `c·a + d·(255 − a)` is at most 255²), so the compiler can use vectors.
    #[inline(always)]
    fn blend_span(
        &self,
        row: &mut [u8],
        x0: i32,
        x1: i32,
        color: Rgba,
        clip_y: f32,
        coverage: impl Fn(f32) -> f32,
    ) {
        const RUN: usize = 16;
        if x0 > x1 {
            return;
        }
        let src = [
            u16::from(color.0),
            u16::from(color.1),
            u16::from(color.2),
            255,
        ];
        let pixels = &mut row[x0 as usize * 4..(x1 as usize + 1) * 4];
        let mut x = x0;
        for run in pixels.chunks_mut(RUN * 4) {
            let mut sa = [0u16; RUN];
            let n = run.len() / 4;
            // Rounded, at most 255 (NaN: 0).
            let round = |c: f32| (c + 0.5).clamp(0.0, 255.0) as u16;
            match self.clip {
                Some(c) => {
                    for (k, a) in sa[..n].iter_mut().enumerate() {
                        let xc = (x + k as i32) as f32 + 0.5;
                        let clip_x = ((xc - c[0]).min(c[2] - xc) + 0.5).clamp(0.0, 1.0);
                        *a = round(coverage(xc) * clip_y * clip_x);
                    }
                }
                None => {
                    for (k, a) in sa[..n].iter_mut().enumerate() {
                        *a = round(coverage((x + k as i32) as f32 + 0.5));
                    }
                }
            }
            for (px, &a) in run.chunks_exact_mut(4).zip(&sa) {
                let inv = 255 - a;
                for (d, &s) in px.iter_mut().zip(&src) {
                    *d = div255(s * a + u16::from(*d) * inv);
                }
            }
            x += RUN as i32;
        }
    }
}

wide!(fn paint_band(
    strokes: &Strokes,
    mine: &[u32],
    rows: &mut [u8],
    w: usize,
    y0: i32,
    y1: i32,
    cull: bool,
) = Strokes::paint_band);

/// `v / 255`, rounded, for `v` up to 255 × 255.
#[inline(always)]
fn div255(v: u16) -> u8 {
    let v = v + 128;
    (((v >> 8) + v) >> 8) as u8
}

/// The pixels of a row, within `within` (inclusive), whose centre `xc` has
/// `t` in `along` and `|g| <= across`, where `t = (xc - s.x) u.x + dy u.y` is the distance
/// along a strip from `s` and `g = dy u.x - (xc - s.x) u.y` the distance across it (`dy`:
/// the row's centre minus `s.y`; `dyu`: dy u; `inv`: 1 / u, or 0 where u is about 0).
/// `None` if empty.
#[inline(always)]
fn strip_pixels(
    s: [f32; 2],
    inv: [f32; 2],
    dyu: [f32; 2],
    along: [f32; 2],
    across: f32,
    within: [i32; 2],
) -> Option<(i32, i32)> {
    if across < 0.0 || within[0] > within[1] {
        return None;
    }
    // Centres with lo <= k (xc - s.x) + c <= hi, where k = u.x (along) or -u.y (across),
    // from 1 / k (0: k is about 0, and k (xc - s.x) is below the margins across a picture).
    let solve = |inv_k: f32, c: f32, lo: f32, hi: f32| -> Option<(f32, f32)> {
        if inv_k == 0.0 {
            return (c >= lo && c <= hi).then_some((f32::MIN, f32::MAX));
        }
        let (a, b) = ((lo - c) * inv_k, (hi - c) * inv_k);
        Some(if inv_k > 0.0 { (a, b) } else { (b, a) })
    };
    let (a0, a1) = solve(inv[0], dyu[1], along[0], along[1])?;
    let (b0, b1) = solve(-inv[1], dyu[0], -across, across)?;
    let (lo, hi) = (a0.max(b0), a1.min(b1));
    if lo.is_nan() || hi.is_nan() || lo > hi {
        return None;
    }
    // Pixel x has its centre at x + 0.5; clamp in f32 before converting (no overflow).
    let (w0, w1) = (within[0] as f32, within[1] as f32);
    let x0 = (-floor(-(s[0] - 0.5 + lo).clamp(w0 - 1.0, w1 + 1.0))).max(within[0]);
    let x1 = floor((s[0] - 0.5 + hi).clamp(w0 - 1.0, w1 + 1.0)).min(within[1]);
    (x0 <= x1).then_some((x0, x1))
}

/// The pixels of a row (centre `yc`), within `within` (inclusive), whose centre has
/// `n·p + c <= t` for every edge: the polygon grown by `t` (shrunk when negative). `None`
/// if empty. An edge whose normal is about vertical counts for the whole row (across a
/// picture its `x` term stays far below the margins).
#[inline(always)]
fn convex_pixels(edges: &[[f32; 3]], yc: f32, t: f32, within: [i32; 2]) -> Option<(i32, i32)> {
    let (mut lo, mut hi) = (within[0] as f32 - 1.0, within[1] as f32 + 1.0);
    for e in edges {
        let rest = e[1] * yc + e[2];
        if e[0].abs() < 1e-6 {
            if rest > t {
                return None;
            }
        } else if e[0] > 0.0 {
            hi = hi.min((t - rest) / e[0]);
        } else {
            lo = lo.max((t - rest) / e[0]);
        }
    }
    if lo.is_nan() || hi.is_nan() || lo > hi {
        return None;
    }
    let x0 = (-floor(-(lo - 0.5))).max(within[0]);
    let x1 = floor(hi - 0.5).min(within[1]);
    (x0 <= x1).then_some((x0, x1))
}

/// The pixels of a row, within `within` (inclusive), whose centre lies within `radius` of
/// a centre `cx` across and `dy` down from the row's centre; `None` if empty.
#[inline(always)]
fn circle_pixels(cx: f32, dy: f32, radius: f32, within: [i32; 2]) -> Option<(i32, i32)> {
    if radius.is_nan() || radius <= 0.0 || dy.abs() > radius || within[0] > within[1] {
        return None;
    }
    let half = (radius * radius - dy * dy).max(0.0).sqrt();
    let (w0, w1) = (within[0] as f32, within[1] as f32);
    let x0 = (-floor(-(cx - 0.5 - half).clamp(w0 - 1.0, w1 + 1.0))).max(within[0]);
    let x1 = floor((cx - 0.5 + half).clamp(w0 - 1.0, w1 + 1.0)).min(within[1]);
    (x0 <= x1).then_some((x0, x1))
}

/// `v.floor()` for `v` well within i32 (without a call into libm where the CPU has no
/// rounding instruction).
#[inline(always)]
pub(super) fn floor(v: f32) -> i32 {
    let t = v as i32;
    if (t as f32) > v { t - 1 } else { t }
}
