//! Links and nodes as anti-aliased primitives with analytic coverage: the PNG painter's fast
//! path for the tens of thousands of long links and thousands of nodes a big picture holds.
//!
//! Each link becomes primitives (a strip for the line or each dash, a triangle for the
//! arrowhead), each node a few (halo, sanction ring, fill, outline). A pixel's coverage is a
//! pure function of its centre and the primitive: for a strip, the distance across the line
//! against its half width (a 1 px box filter) times the distance along it against the butt
//! ends; for a line of at most 1 px, a 1 px hairline whose coverage is scaled by the width
//! (as tiny-skia draws them); for a convex polygon (arrowhead, square, diamond, triangle),
//! the product of its edges' coverages; for a disc, the distance from its centre against
//! its radius; for a ring or a polygon's outline (round joins), the distance from the
//! outline against the half width (hairlines as for strips). Primitives are blended
//! source-over in scene order.
//!
//! Because a pixel's result depends only on the primitives and their order, never on how
//! the picture is cut up, horizontal bands are painted on all cores and the result is the
//! same bits as one thread (the same input gives byte-identical PNGs on any machine: plain
//! IEEE f32 arithmetic, no fused operations, no lookup tables).
//!
//! tiny-skia supersamples each row four times and walks edges per sub-row; for a 3,000 px
//! long diagonal link that is 12,000 sub-row spans, here it is 3,000 short runs of pixels;
//! and a node's fill is a copy where it covers pixels whole instead of a stroked path.

use rayon::prelude::*;

mod cover;
use cover::{GROUP_ROWS, Reach, first_clear, last_clear, prefetch, set_bits};

use super::simd::wide;
use crate::scene::{SceneLink, SceneNode};
use crate::style::Rgba;

/// Rows per band painted by one task.
const BAND_ROWS: usize = 64;

#[derive(Clone, Copy, Debug)]
enum Shape {
    /// A line from `a`, direction `u` (unit), length `len`, half width `hw`; `thin`: a
    /// hairline with coverage scaled by this width. `inv`: 1 / u (0 where u is about 0),
    /// for the spans of each row.
    Strip {
        a: [f32; 2],
        u: [f32; 2],
        inv: [f32; 2],
        len: f32,
        hw: f32,
        thin: Option<f32>,
    },
    /// A convex polygon (an arrowhead, a node's square, diamond or triangle): its first `n`
    /// edges as `n·p + c` (outside > 0), with unit normals.
    Convex { edges: [[f32; 3]; 4], n: usize },
    /// A node's disc: centre `c`, radius `r`.
    Disc { c: [f32; 2], r: f32 },
    /// A circle's outline (a node's outline, sanction ring or halo): centre `c`, centre-line
    /// radius `r`, half width `hw`; `thin`: a hairline with coverage scaled by this width.
    Ring {
        c: [f32; 2],
        r: f32,
        hw: f32,
        thin: Option<f32>,
    },
    /// A convex polygon's outline with round joins: its first `n` corners, half width `hw`;
    /// `thin` as for rings.
    Outline {
        corners: [[f32; 2]; 4],
        n: usize,
        hw: f32,
        thin: Option<f32>,
    },
}

impl Shape {
    /// The coverage (0..1) of the pixel centred at `p`: the formula of the module's
    /// documentation.
    #[inline(always)]
    fn coverage(&self, p: [f32; 2]) -> f32 {
        let across = |d: f32, hw: f32, thin: Option<f32>| match thin {
            Some(tw) => tw * (1.0 - d).clamp(0.0, 1.0),
            None => (hw + 0.5 - d).clamp(0.0, 1.0),
        };
        match *self {
            Shape::Strip {
                a: s,
                u,
                len,
                hw,
                thin,
                ..
            } => {
                let (dx, dy) = (p[0] - s[0], p[1] - s[1]);
                let t = dx * u[0] + dy * u[1];
                let d = (dy * u[0] - dx * u[1]).abs();
                let along = (t + 0.5).min(len - t + 0.5).clamp(0.0, 1.0);
                along * across(d, hw, thin)
            }
            Shape::Convex { edges, n } => edges[..n]
                .iter()
                .map(|e| (0.5 - (e[0] * p[0] + e[1] * p[1] + e[2])).clamp(0.0, 1.0))
                .product(),
            Shape::Disc { c, r } => (r + 0.5 - distance(p, c)).clamp(0.0, 1.0),
            Shape::Ring { c, r, hw, thin } => across((distance(p, c) - r).abs(), hw, thin),
            Shape::Outline {
                corners,
                n,
                hw,
                thin,
            } => {
                let mut d = f32::MAX;
                for k in 0..n {
                    d = d.min(to_segment(p, corners[k], corners[(k + 1) % n]));
                }
                across(d, hw, thin)
            }
        }
    }
}

#[inline(always)]
fn distance(p: [f32; 2], c: [f32; 2]) -> f32 {
    let (dx, dy) = (p[0] - c[0], p[1] - c[1]);
    (dx * dx + dy * dy).sqrt()
}

/// Distance from `p` to the segment `a`–`b`.
#[inline(always)]
fn to_segment(p: [f32; 2], a: [f32; 2], b: [f32; 2]) -> f32 {
    let (ux, uy) = (b[0] - a[0], b[1] - a[1]);
    let (px, py) = (p[0] - a[0], p[1] - a[1]);
    let l2 = ux * ux + uy * uy;
    let t = if l2 > 0.0 {
        ((px * ux + py * uy) / l2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (dx, dy) = (px - t * ux, py - t * uy);
    (dx * dx + dy * dy).sqrt()
}

#[derive(Clone, Copy, Debug)]
struct Prim {
    shape: Shape,
    color: Rgba,
    /// Pixels that may be touched: x0, y0, x1, y1 (inclusive), in the picture.
    bbox: [i32; 4],
}

impl Prim {
    /// The rows from `y0` to `y1` (inclusive) the primitive touches, in a picture `w` pixels
    /// wide; empty when it lies outside them or the picture.
    fn rows_in(&self, y0: i32, y1: i32, w: usize) -> std::ops::RangeInclusive<i32> {
        let [x0, top, x1, bottom] = self.bbox;
        if x1 < 0 || x0 >= w as i32 {
            #[allow(clippy::reversed_empty_ranges)]
            return 1..=0;
        }
        top.max(y0)..=bottom.min(y1)
    }
}

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
const MARGIN: f32 = 1.0 / 32.0;

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

/// The links and nodes of a scene, ready to paint.
pub struct Strokes {
    prims: Vec<Prim>,
    /// Roughly how many pixels opaque links cover whole (length × (width − 1)).
    solid_area: f32,
    /// Clip rectangle in picture pixels: x0, y0, x1, y1.
    clip: Option<[f32; 4]>,
}

fn finite(p: [f32; 2]) -> bool {
    p[0].is_finite() && p[1].is_finite()
}

fn bbox_of(points: &[[f32; 2]]) -> [i32; 4] {
    let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for p in points {
        b[0] = b[0].min(p[0]);
        b[1] = b[1].min(p[1]);
        b[2] = b[2].max(p[0]);
        b[3] = b[3].max(p[1]);
    }
    // Pixel x's centre is x + 0.5; one pixel of slack each side.
    let lo = |v: f32| (v.floor() as i32).saturating_sub(1);
    let hi = |v: f32| (v.ceil() as i32).saturating_add(1);
    [lo(b[0]), lo(b[1]), hi(b[2]), hi(b[3])]
}

impl Strokes {
    /// The links, moved by `offset` (the network area's top left in the picture) and
    /// clipped to `clip` (x0, y0, x1, y1) when given.
    pub fn new(links: &[SceneLink], offset: [f32; 2], clip: Option<[f32; 4]>) -> Strokes {
        let mut s = Strokes {
            prims: Vec::with_capacity(links.len() * 2),
            solid_area: 0.0,
            clip,
        };
        let at = |p: [f32; 2]| [p[0] + offset[0], p[1] + offset[1]];
        for l in links {
            let line = finite(l.from) && finite(l.to) && l.width.is_finite() && l.width > 0.0;
            let (a, b) = (at(l.from), at(l.to));
            if !line {
                // Only an arrowhead (after a striped link's stripes), or nothing drawable.
            } else if let Some([on, off]) = l.dash {
                let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
                let len = (dx * dx + dy * dy).sqrt();
                let off = if off.is_finite() { off.max(0.0) } else { 0.0 };
                if len > 0.0 && on.is_finite() && on > 0.0 {
                    let u = [dx / len, dy / len];
                    let mut t = 0.0f32;
                    // At most a dash per pixel of length: a hostile width cannot explode it.
                    let mut budget = len as usize + 2;
                    while t < len && budget > 0 {
                        let e = (t + on).min(len);
                        s.strip(
                            [a[0] + u[0] * t, a[1] + u[1] * t],
                            [a[0] + u[0] * e, a[1] + u[1] * e],
                            l.width,
                            l.color,
                        );
                        t = e + off;
                        budget -= 1;
                    }
                }
            } else {
                s.strip(a, b, l.width, l.color);
            }
            if let Some([p, q, r]) = l.arrow
                && finite(p)
                && finite(q)
                && finite(r)
            {
                s.convex(&[at(p), at(q), at(r)], l.color);
            }
        }
        s
    }

    fn strip(&mut self, a: [f32; 2], b: [f32; 2], width: f32, color: Rgba) {
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len = (dx * dx + dy * dy).sqrt();
        if len <= 0.0 || !len.is_finite() {
            return;
        }
        let u = [dx / len, dy / len];
        let n = [-u[1], u[0]];
        let (hw, thin) = if width <= 1.0 {
            (0.5, Some(width))
        } else {
            (width / 2.0, None)
        };
        // Nonzero coverage: half a pixel beyond the ends, half a pixel beyond the sides
        // (a hairline: a pixel).
        let across = if thin.is_some() { 1.0 } else { hw + 0.5 };
        let (a0, b0) = (
            [a[0] - u[0] * 0.5, a[1] - u[1] * 0.5],
            [b[0] + u[0] * 0.5, b[1] + u[1] * 0.5],
        );
        let hull = [
            [a0[0] + n[0] * across, a0[1] + n[1] * across],
            [b0[0] + n[0] * across, b0[1] + n[1] * across],
            [b0[0] - n[0] * across, b0[1] - n[1] * across],
            [a0[0] - n[0] * across, a0[1] - n[1] * across],
        ];
        if thin.is_none() && color.3 == 255 {
            self.solid_area += len * (width - 1.0);
        }
        let recip = |v: f32| if v.abs() < 1e-6 { 0.0 } else { 1.0 / v };
        self.prims.push(Prim {
            shape: Shape::Strip {
                a,
                u,
                inv: [recip(u[0]), recip(u[1])],
                len,
                hw,
                thin,
            },
            color,
            bbox: bbox_of(&hull),
        });
    }

    /// A convex polygon of 3 or 4 corners, filled.
    fn convex(&mut self, p: &[[f32; 2]], color: Rgba) {
        let Some(edges) = edges_of(p) else {
            return;
        };
        if color.3 == 255 {
            // Twice the signed area, halved.
            let area: f32 = (0..p.len())
                .map(|k| p[k][0] * p[(k + 1) % p.len()][1] - p[(k + 1) % p.len()][0] * p[k][1])
                .sum();
            self.solid_area += area.abs() / 2.0;
        }
        let mut b = bbox_of(p);
        b[0] -= 1;
        b[1] -= 1;
        b[2] += 1;
        b[3] += 1;
        self.prims.push(Prim {
            shape: Shape::Convex { edges, n: p.len() },
            color,
            bbox: b,
        });
    }

    /// Adds the nodes (after the links: they are drawn over them), moved by `offset`, as the
    /// SVG draws each: halo, sanction ring, the shape's fill, its outline.
    pub fn add_nodes(&mut self, nodes: &[SceneNode], offset: [f32; 2]) {
        for n in nodes {
            if !finite(n.center) {
                continue;
            }
            let c = [n.center[0] + offset[0], n.center[1] + offset[1]];
            if let (Some((color, width)), Some(r)) = (n.halo, n.halo_radius()) {
                self.ring(c, r, width, color);
            }
            if let (Some((color, width)), Some(r)) = (n.ring, n.ring_radius()) {
                self.ring(c, r, width, color);
            }
            match n.corners() {
                None => {
                    let r = n.radius;
                    if !(r.is_finite() && r > 0.0) {
                        continue;
                    }
                    if n.fill.3 == 255 {
                        self.solid_area += std::f32::consts::PI * r * r;
                    }
                    let reach = (r + 1.0).ceil() as i32 + 1;
                    let (x, y) = (c[0].floor() as i32, c[1].floor() as i32);
                    self.prims.push(Prim {
                        shape: Shape::Disc { c, r },
                        color: n.fill,
                        bbox: [x - reach, y - reach, x + reach, y + reach],
                    });
                    self.ring(c, r, n.stroke_width, n.stroke);
                }
                Some(points) => {
                    let moved: Vec<[f32; 2]> = points
                        .iter()
                        .map(|p| [p[0] + offset[0], p[1] + offset[1]])
                        .collect();
                    if !moved.iter().all(|&p| finite(p)) || !(3..=4).contains(&moved.len()) {
                        continue;
                    }
                    self.convex(&moved, n.fill);
                    let width = n.stroke_width;
                    if width.is_finite() && width > 0.0 {
                        let (hw, thin) = if width <= 1.0 {
                            (0.5, Some(width))
                        } else {
                            (width / 2.0, None)
                        };
                        let mut corners = [[0.0f32; 2]; 4];
                        corners[..moved.len()].copy_from_slice(&moved);
                        let mut b = bbox_of(&moved);
                        let pad = (hw + 1.0).ceil() as i32;
                        b[0] -= pad;
                        b[1] -= pad;
                        b[2] += pad;
                        b[3] += pad;
                        self.prims.push(Prim {
                            shape: Shape::Outline {
                                corners,
                                n: moved.len(),
                                hw,
                                thin,
                            },
                            color: n.stroke,
                            bbox: b,
                        });
                    }
                }
            }
        }
    }

    /// A circle's outline of `width` (nothing unless positive) at centre-line radius `r`.
    fn ring(&mut self, c: [f32; 2], r: f32, width: f32, color: Rgba) {
        if !(r.is_finite() && r > 0.0 && width.is_finite() && width > 0.0) {
            return;
        }
        let (hw, thin) = if width <= 1.0 {
            (0.5, Some(width))
        } else {
            (width / 2.0, None)
        };
        let reach = (r + hw + 1.5).ceil() as i32 + 1;
        let (x, y) = (c[0].floor() as i32, c[1].floor() as i32);
        self.prims.push(Prim {
            shape: Shape::Ring { c, r, hw, thin },
            color,
            bbox: [x - reach, y - reach, x + reach, y + reach],
        });
    }

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
    fn paint_bands(
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
    fn paint_row(&self, p: &Prim, row: &mut [u8], y: i32, w: usize) {
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
        self.blend_span(row, x0, (fa - 1).min(x1), color, clip_y, &coverage);
        self.blend_span(row, (fb + 1).max(x0), x1, color, clip_y, &coverage);
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

/// The edges (as in `Shape::Convex`) of a convex polygon of 3 or 4 corners; `None` when it
/// is degenerate.
fn edges_of(p: &[[f32; 2]]) -> Option<[[f32; 3]; 4]> {
    let n = p.len();
    if !(3..=4).contains(&n) {
        return None;
    }
    // Twice the signed area (shoelace).
    let area: f32 = (0..n)
        .map(|k| p[k][0] * p[(k + 1) % n][1] - p[(k + 1) % n][0] * p[k][1])
        .sum();
    if area.abs() < 1e-6 || !area.is_finite() {
        return None;
    }
    let mut edges = [[0.0f32; 3]; 4];
    for (k, e) in edges.iter_mut().enumerate().take(n) {
        let (s, t) = (p[k], p[(k + 1) % n]);
        let (dx, dy) = (t[0] - s[0], t[1] - s[1]);
        let l = (dx * dx + dy * dy).sqrt();
        if l <= 0.0 {
            return None;
        }
        // Outward normal: to the right of the edge for a counter-clockwise polygon in
        // y-down coordinates (positive area), to the left otherwise.
        let (nx, ny) = if area > 0.0 {
            (dy / l, -dx / l)
        } else {
            (-dy / l, dx / l)
        };
        *e = [nx, ny, -(nx * s[0] + ny * s[1])];
    }
    Some(edges)
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
fn floor(v: f32) -> i32 {
    let t = v as i32;
    if (t as f32) > v { t - 1 } else { t }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::LinkKind;
    use crate::style::NodeShape;

    fn link(from: [f32; 2], to: [f32; 2], width: f32, dashed: bool) -> SceneLink {
        SceneLink {
            kind: LinkKind::Trade,
            role: crate::scene::LinkRole::Line,
            source: 0,
            target: 0,
            from,
            to,
            width,
            color: Rgba(200, 10, 20, 255),
            dash: dashed.then(|| crate::scene::legend::dash_pattern(width)),
            arrow: None,
        }
    }

    fn render(links: &[SceneLink], w: u32, h: u32) -> Vec<u8> {
        let mut data = vec![255u8; (w * h * 4) as usize];
        Strokes::new(links, [0.0, 0.0], None).paint(&mut data, w, h, None);
        data
    }

    /// Sum over a column of how much of the link's colour each pixel took (0..1 each).
    fn ink_across(data: &[u8], w: u32, h: u32, x: u32) -> f32 {
        (0..h)
            .map(|y| 1.0 - f32::from(data[((y * w + x) * 4 + 1) as usize]) / 255.0)
            .sum::<f32>()
            * 255.0
            / 245.0
    }

    #[test]
    fn a_line_leaves_as_much_ink_across_as_its_width() {
        for width in [0.5f32, 1.0, 2.0, 3.7, 7.0] {
            for y in [10.0f32, 10.5, 10.25] {
                let data = render(&[link([2.0, y], [60.0, y], width, false)], 64, 24);
                let ink = ink_across(&data, 64, 24, 30);
                assert!(
                    (ink - width).abs() < 0.05,
                    "width {width} at y {y}: ink {ink}"
                );
                // Nothing beyond the ends.
                assert_eq!(data[((10 * 64) + 62) as usize * 4 + 1], 255);
            }
        }
    }

    #[test]
    fn diagonal_lines_keep_their_width_and_dashes_leave_gaps() {
        let data = render(&[link([4.0, 4.0], [60.0, 60.0], 4.0, false)], 64, 64);
        // Across a 45° line of width 4, a column holds width × √2 of ink.
        let ink = ink_across(&data, 64, 64, 30);
        // (within 3 %: the coverage ramp is sampled at pixel centres).
        assert!((ink - 4.0 * 2f32.sqrt()).abs() < 0.17, "{ink}");

        let data = render(&[link([0.0, 10.0], [64.0, 10.0], 2.0, true)], 64, 20);
        let inked: Vec<bool> = (0..64)
            .map(|x| data[((10 * 64) + x) as usize * 4 + 1] < 128)
            .collect();
        // Dashes of 7 px with gaps of 5 px.
        assert!(inked[3] && !inked[9] && inked[15], "{inked:?}");
    }

    #[test]
    fn bands_give_the_same_bits_as_one_pass() {
        let links: Vec<SceneLink> = (0..200)
            .map(|i| {
                let f = i as f32;
                link(
                    [(f * 37.0) % 300.0, (f * 11.0) % 290.0],
                    [(f * 53.0) % 310.0, (f * 71.0) % 300.0],
                    0.5 + (f % 7.0),
                    i % 5 == 0,
                )
            })
            .collect();
        let strokes = Strokes::new(&links, [0.5, 3.0], Some([5.0, 5.5, 250.0, 280.25]));
        let mut banded = vec![255u8; 320 * 300 * 4];
        strokes.paint(&mut banded, 320, 300, None);
        // One pass: the whole picture as a single band, row by row in scene order.
        let mut single = vec![255u8; 320 * 300 * 4];
        for p in &strokes.prims {
            for y in p.bbox[1].max(0)..=p.bbox[3].min(299) {
                let row = &mut single[y as usize * 320 * 4..][..320 * 4];
                strokes.paint_row(p, row, y, 320);
            }
        }
        assert!(banded == single);
        // The clip holds: nothing left of x = 5.
        assert!((0..300).all(|y| banded[y * 320 * 4 + 4 * 4..][..4] == [255; 4]));
    }

    /// The coverage formula of the module's documentation, pixel by pixel over each
    /// primitive's whole box, with a plain source-over: what `paint` must equal (its
    /// spans, plain copies and 16-bit blending only skip work).
    fn reference(strokes: &Strokes, data: &mut [u8], w: usize, h: usize) {
        for p in &strokes.prims {
            let alpha = f32::from(p.color.3);
            for y in p.bbox[1].max(0)..=p.bbox[3].min(h as i32 - 1) {
                let yc = y as f32 + 0.5;
                for x in p.bbox[0].max(0)..=p.bbox[2].min(w as i32 - 1) {
                    let xc = x as f32 + 0.5;
                    let cov = match p.shape {
                        Shape::Strip {
                            a: s,
                            u,
                            len,
                            hw,
                            thin,
                            ..
                        } => {
                            let (dx, dy) = (xc - s[0], yc - s[1]);
                            let t = dx * u[0] + dy * u[1];
                            let d = (dy * u[0] - dx * u[1]).abs();
                            let along = (t + 0.5).min(len - t + 0.5).clamp(0.0, 1.0);
                            let across = match thin {
                                Some(tw) => tw * (1.0 - d).clamp(0.0, 1.0),
                                None => (hw + 0.5 - d).clamp(0.0, 1.0),
                            };
                            along * across
                        }
                        // Polygons, discs and rings: the formula as written once.
                        _ => p.shape.coverage([xc, yc]),
                    };
                    let mut a = cov * alpha;
                    if let Some(c) = strokes.clip {
                        let cy = ((yc - c[1]).min(c[3] - yc) + 0.5).clamp(0.0, 1.0);
                        let cx = ((xc - c[0]).min(c[2] - xc) + 0.5).clamp(0.0, 1.0);
                        a = a * cy * cx;
                    }
                    let sa = ((a + 0.5) as u32).min(255);
                    let px = &mut data[(y as usize * w + x as usize) * 4..][..4];
                    let src = [p.color.0, p.color.1, p.color.2, 255];
                    for (d, s) in px.iter_mut().zip(src) {
                        let v = u32::from(s) * sa + u32::from(*d) * (255 - sa) + 128;
                        *d = ((v + (v >> 8)) >> 8) as u8;
                    }
                }
            }
        }
    }

    #[test]
    fn spans_and_copies_give_the_formula_s_pixels() {
        // Every direction (including exactly horizontal and vertical and nearly so), widths
        // from hairlines to wide, opaque and translucent, dashed, arrowheads, clipped or not.
        let mut links = Vec::new();
        for i in 0..240 {
            let f = i as f32;
            let angle = f * 0.37 + if i % 6 == 0 { 0.0 } else { 1e-7 * f };
            let (c, s) = if i % 8 == 0 {
                ((i % 16 == 0) as i32 as f32, (i % 16 != 0) as i32 as f32)
            } else {
                (angle.cos(), angle.sin())
            };
            let from = [20.0 + (f * 37.3) % 260.0, 15.0 + (f * 11.7) % 250.0];
            let reach = 10.0 + (f * 7.1) % 200.0;
            let mut l = link(
                from,
                [from[0] + c * reach, from[1] + s * reach],
                [0.4, 1.0, 1.6, 2.0, 3.3, 4.0, 6.5, 11.0][i % 8],
                i % 7 == 3,
            );
            l.color = Rgba(
                (i * 53 % 256) as u8,
                (i * 29 % 256) as u8,
                (i * 91 % 256) as u8,
                if i % 5 == 0 { 140 } else { 255 },
            );
            if i % 4 == 1 {
                l.arrow = Some([
                    l.to,
                    [l.to[0] - 6.0, l.to[1] - 3.0],
                    [l.to[0] - 5.0, l.to[1] + 4.0],
                ]);
            }
            links.push(l);
        }
        // Nodes of every shape over them: radii from under a pixel to wide, outlines from
        // hairlines to thick, rings and halos, opaque and translucent, overlapping.
        let shapes = [
            NodeShape::Circle,
            NodeShape::Square,
            NodeShape::Diamond,
            NodeShape::Triangle,
        ];
        let nodes: Vec<SceneNode> = (0..60)
            .map(|i| {
                let f = i as f32;
                SceneNode {
                    id: i,
                    center: [10.0 + (f * 47.3) % 280.0, 8.0 + (f * 29.1) % 275.0],
                    radius: [0.4, 3.0, 7.25, 12.0, 25.5, 2.0][i as usize % 6],
                    shape: shapes[(i as usize / 2) % 4],
                    fill: Rgba(
                        (i * 41 % 256) as u8,
                        90,
                        (i * 13 % 256) as u8,
                        if i % 7 == 2 { 120 } else { 255 },
                    ),
                    stroke: Rgba(20, 20, 20, if i % 5 == 1 { 200 } else { 255 }),
                    stroke_width: [1.0, 0.0, 2.5, 0.6, 4.0][i as usize % 5],
                    ring: (i % 3 == 0).then_some((Rgba(220, 30, 30, 255), 1.0 + f % 4.0)),
                    halo: (i % 4 == 1).then_some((Rgba(250, 200, 0, 160), 0.8 + f % 5.0)),
                }
            })
            .collect();
        let cases = [
            (None, false),
            (None, true),
            (Some([7.3, 9.6, 281.5, 270.25]), false),
            (Some([7.3, 9.6, 281.5, 270.25]), true),
        ];
        // Both copies of the band painter: for any CPU and with AVX2 (see `simd`).
        for (baseline, (clip, cull)) in [false, true]
            .into_iter()
            .flat_map(|b| cases.map(|c| (b, c)))
        {
            super::super::simd::BASELINE_ONLY.store(baseline, std::sync::atomic::Ordering::Relaxed);
            let mut strokes = Strokes::new(&links, [0.25, 0.5], clip);
            strokes.add_nodes(&nodes, [0.25, 0.5]);
            let mut painted = vec![230u8; 300 * 290 * 4];
            strokes.paint_bands(&mut painted, 300, 290, cull, None);
            let mut expected = vec![230u8; 300 * 290 * 4];
            reference(&strokes, &mut expected, 300, 290);
            let differ = painted
                .chunks_exact(4)
                .zip(expected.chunks_exact(4))
                .filter(|(a, b)| a != b)
                .count();
            assert_eq!(
                differ, 0,
                "clip {clip:?}, cull {cull}, baseline {baseline}: {differ} pixels differ"
            );
        }
        super::super::simd::BASELINE_ONLY.store(false, std::sync::atomic::Ordering::Relaxed);
    }
}
