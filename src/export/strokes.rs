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

mod cover;
mod paint;

use crate::scene::{SceneLink, SceneNode};
use crate::style::Rgba;

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
