//! Level of detail for links: where hairlines pile up so thickly that no pixel can tell one
//! from another, they are drawn as one image of their density instead of one primitive each.
//!
//! Lading sizes links in screen units (one point and up), so a link is never thinner than a
//! pixel; what hides detail is their number. With 290,000 links on a window-sized canvas every
//! point lies under several hairlines, and drawing each as a quad costs a software rasteriser
//! seconds a frame. A scene asked for level of detail ([`super::SceneInput::lod`], the
//! window's) measures the ink of its hairlines: when their clipped length times their width is
//! more than [`FOLD_INK`] times the canvas's area, every plain hairline (not emphasised, not
//! highlighted, not on a path; bands and wide links stay primitives) is rasterised into a
//! [`SceneDensity`] drawn under the remaining links.
//!
//! The image composes its lines as stacked translucent strokes would, in any order: each texel
//! keeps the sum of `-ln(1 - alpha)` of what crossed it (its transmittance as a log) and the
//! colours weighted by the same amounts; its alpha is `1 - exp(-sum)` and its colour their
//! weighted mean. One stroke alone gives exactly its own colour and alpha; a texel half
//! covered gets half the log-opacity. Zoomed in, the ink falls under the threshold and the
//! scene is the exact one, primitive for primitive (a test checks this).

use rayon::prelude::*;

use crate::style::Rgba;

/// Fold hairlines into a density image when their ink covers the canvas this many times
/// over: every point under three hairlines on average, where single strokes no longer read.
pub const FOLD_INK: f32 = 3.0;

/// Fold only with more links than this on screen. Below it the exact scene is cheaper: the
/// image walks every hairline texel by texel (the 10,000-entity network's 31,000 links took
/// 28 ms a scene, the exact scene 8 ms), and the window drew that many lines one by one
/// before level of detail existed; the window then shows every link as its picture does.
pub const FOLD_MIN_LINKS: usize = 60_000;

/// Screen units a texel of the density image spans at least (times the view's scale): a haze
/// this thick has no grain finer than two points, and the coarser grid halves the walk along
/// each line and quarters the texture the window uploads.
pub const CELL: f32 = 2.0;

/// Texel steps a density image may take in all: past this, texels grow so that the walk
/// stays about this long (a hundred milliseconds on one core of this machine kind). At
/// 290,000 links, where every point lies under 25 hairlines, texels of five points.
pub const STEP_BUDGET: f32 = 8.0e6;

/// The hairlines of a scene drawn as one image: straight (not premultiplied) sRGB RGBA, row
/// by row, each texel `cell` screen units square, the first at `origin`.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneDensity {
    pub origin: [f32; 2],
    pub cell: f32,
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
    /// How many link primitives (lines and the bands under them) it holds.
    pub links: usize,
}

impl SceneDensity {
    /// The texel at `(x, y)`, if inside.
    pub fn texel(&self, x: u32, y: u32) -> Option<[u8; 4]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = 4 * (y as usize * self.width as usize + x as usize);
        self.rgba.get(i..i + 4).map(|t| [t[0], t[1], t[2], t[3]])
    }

    /// The texel under the screen point `p`, if inside.
    pub fn at(&self, p: [f32; 2]) -> Option<[u8; 4]> {
        let x = (p[0] - self.origin[0]) / self.cell;
        let y = (p[1] - self.origin[1]) / self.cell;
        if x < 0.0 || y < 0.0 {
            return None;
        }
        self.texel(x as u32, y as u32)
    }
}

/// A hairline waiting to be rasterised: its ends in screen units, width, colour and how much
/// of its length carries ink (below 1 for a dashed line).
#[derive(Clone, Copy, Debug)]
pub(super) struct Hair {
    pub from: [f32; 2],
    pub to: [f32; 2],
    pub width: f32,
    pub color: Rgba,
    pub duty: f32,
}

/// The part of the segment `a`–`b` inside the box `[0, size]` (Liang–Barsky), if any.
pub(super) fn clip(a: [f32; 2], b: [f32; 2], size: [f32; 2]) -> Option<([f32; 2], [f32; 2])> {
    let d = [b[0] - a[0], b[1] - a[1]];
    let (mut t0, mut t1) = (0.0f32, 1.0f32);
    for axis in 0..2 {
        for (p, q) in [(-d[axis], a[axis]), (d[axis], size[axis] - a[axis])] {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
    }
    (t0 <= t1).then(|| {
        let at = |t: f32| [a[0] + d[0] * t, a[1] + d[1] * t];
        (at(t0), at(t1))
    })
}

/// The length of the segment inside the canvas, in screen units.
pub(super) fn clipped_length(a: [f32; 2], b: [f32; 2], size: [f32; 2]) -> f32 {
    clip(a, b, size).map_or(0.0, |(p, q)| (q[0] - p[0]).hypot(q[1] - p[1]))
}

/// Rows of texels a worker rasterises at once.
const BAND: usize = 32;

/// Rasterises `hairs` over a canvas of `size` screen units, in texels of [`CELL`] times
/// `scale` screen units, or larger when the lines are too long in all for [`STEP_BUDGET`].
pub(super) fn rasterise(hairs: &[Hair], size: [f32; 2], scale: f32) -> SceneDensity {
    let scale = if scale > 0.0 && scale.is_finite() {
        scale
    } else {
        1.0
    };
    let length: f32 = hairs
        .iter()
        .map(|h| clipped_length(h.from, h.to, size))
        .sum();
    let cell = (CELL * scale).max(length / STEP_BUDGET);
    let width = (size[0] / cell).ceil().clamp(1.0, 16_384.0) as usize;
    let height = (size[1] / cell).ceil().clamp(1.0, 16_384.0) as usize;
    let grid = [width as f32, height as f32];
    // In texels, clipped to the grid; with the per-stroke constants.
    let strokes: Vec<Stroke> = hairs
        .iter()
        .filter_map(|h| Stroke::new(h, cell, grid))
        .collect();
    let mut rgba = vec![0u8; width * height * 4];
    rgba.par_chunks_mut(width * BAND * 4)
        .enumerate()
        .for_each(|(band, out)| {
            let y0 = band * BAND;
            let rows = out.len() / (width * 4);
            let mut acc = vec![[0f32; 4]; width * rows];
            let (lo, hi) = (y0 as f32, (y0 + rows) as f32);
            for s in &strokes {
                if s.max_y >= lo - 1.0 && s.min_y < hi + 1.0 {
                    s.draw(&mut acc, width, y0, rows);
                }
            }
            for (t, o) in acc.iter().zip(out.chunks_exact_mut(4)) {
                if t[0] > 0.0 {
                    let alpha = 1.0 - (-t[0]).exp();
                    let c = |v: f32| (v / t[0]).round().clamp(0.0, 255.0) as u8;
                    o.copy_from_slice(&[c(t[1]), c(t[2]), c(t[3]), (alpha * 255.0).round() as u8]);
                }
            }
        });
    SceneDensity {
        origin: [0.0, 0.0],
        cell,
        width: width as u32,
        height: height as u32,
        rgba,
        links: hairs.len(),
    }
}

/// A hairline in texel units, clipped to the grid.
struct Stroke {
    a: [f32; 2],
    b: [f32; 2],
    min_y: f32,
    max_y: f32,
    /// Ink a unit of length lays down, in texels of width (times the dash's duty).
    ink: f32,
    /// `-ln(1 - alpha)` of the colour, and the colour.
    log: f32,
    rgb: [f32; 3],
}

impl Stroke {
    fn new(h: &Hair, cell: f32, grid: [f32; 2]) -> Option<Stroke> {
        let t = |p: [f32; 2]| [p[0] / cell, p[1] / cell];
        // A hair's box is the grid less half a texel, so its texels and their neighbours
        // are all inside.
        let (a, b) = clip(t(h.from), t(h.to), [grid[0] - 1e-3, grid[1] - 1e-3])?;
        let alpha = (f32::from(h.color.3) / 255.0).min(0.999);
        if alpha <= 0.0 {
            return None;
        }
        Some(Stroke {
            a,
            b,
            min_y: a[1].min(b[1]),
            max_y: a[1].max(b[1]),
            ink: (h.width / cell) * h.duty.clamp(0.0, 1.0),
            log: -(1.0 - alpha).ln(),
            rgb: [
                f32::from(h.color.0),
                f32::from(h.color.1),
                f32::from(h.color.2),
            ],
        })
    }

    /// Adds the stroke's ink to the rows `y0 .. y0 + rows` of `acc` (`width` texels a row):
    /// one step a texel along its longer axis, the step's ink shared between the two texels
    /// nearest to the line across it.
    fn draw(&self, acc: &mut [[f32; 4]], width: usize, y0: usize, rows: usize) {
        let d = [self.b[0] - self.a[0], self.b[1] - self.a[1]];
        let steep = d[1].abs() > d[0].abs();
        let (major, minor) = if steep { (1, 0) } else { (0, 1) };
        let len = d[0].hypot(d[1]);
        if len <= 0.0 {
            return;
        }
        let slope = d[minor] / d[major];
        // Ink a step of one texel along the major axis lays down: all of it, also for a band
        // wider than two texels (kept whole, on the two texels nearest its middle).
        let per_step = self.ink * len / d[major].abs() * self.log;
        let (start, end) = if d[major] >= 0.0 {
            (self.a, self.b)
        } else {
            (self.b, self.a)
        };
        // Both ends are inside the grid (`Stroke::new` clips them), so truncation floors.
        let first = start[major] as i64;
        let last = end[major] as i64;
        let (y_lo, y_hi) = (y0 as i64, (y0 + rows) as i64);
        // Only the part of the stroke near the band's rows is walked.
        let (from, to) = if steep {
            (first.max(y_lo), last.min(y_hi - 1))
        } else if slope != 0.0 {
            let x_at = |y: f32| start[0] + (y - start[1]) / slope;
            let (p, q) = (x_at(y_lo as f32 - 1.0), x_at(y_hi as f32 + 1.0));
            (
                first.max(p.min(q).max(0.0) as i64),
                last.min(p.max(q).min(width as f32) as i64),
            )
        } else {
            (first, last)
        };
        if from > to {
            return;
        }
        let mut target = Target {
            acc,
            width,
            y_lo,
            minor: if steep {
                (0, width as i64)
            } else {
                (y_lo, y_hi)
            },
            steep,
            rgb: self.rgb,
        };
        // A texel the segment covers only part of along the major axis: its ends.
        let partial = |m: i64, target: &mut Target<'_>| {
            let lo = (m as f32).max(start[major]);
            let hi = ((m + 1) as f32).min(end[major]);
            if hi > lo {
                let across = start[minor] + ((lo + hi) * 0.5 - start[major]) * slope - 0.5;
                target.put(m, across, per_step * (hi - lo));
            }
        };
        let mut m = from;
        if m == first {
            partial(m, &mut target);
            m += 1;
        }
        // Whole texels between the ends: the line moves `slope` across a step.
        let inner_end = if to == last { to - 1 } else { to };
        let mut across = start[minor] + (m as f32 + 0.5 - start[major]) * slope - 0.5;
        while m <= inner_end {
            target.put(m, across, per_step);
            across += slope;
            m += 1;
        }
        if to == last && last > first {
            partial(last, &mut target);
        }
    }
}

/// A band of the accumulator, as one stroke writes into it.
struct Target<'a> {
    acc: &'a mut [[f32; 4]],
    width: usize,
    /// The band's first row.
    y_lo: i64,
    /// The valid range of the minor index.
    minor: (i64, i64),
    steep: bool,
    rgb: [f32; 3],
}

impl Target<'_> {
    /// Adds `ink` at the major index `m`, shared between the two texels around `across`.
    #[inline(always)]
    fn put(&mut self, m: i64, across: f32, ink: f32) {
        // Across is at least -0.5 (the ends are inside the grid): +1 then truncate floors.
        let k = (across + 1.0) as i64 - 1;
        let f = across - k as f32;
        for (n, w) in [(k, ink * (1.0 - f)), (k + 1, ink * f)] {
            if n < self.minor.0 || n >= self.minor.1 {
                continue;
            }
            let (x, y) = if self.steep { (n, m) } else { (m, n) };
            let t = &mut self.acc[(y - self.y_lo) as usize * self.width + x as usize];
            t[0] += w;
            t[1] += w * self.rgb[0];
            t[2] += w * self.rgb[1];
            t[3] += w * self.rgb[2];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hair(from: [f32; 2], to: [f32; 2], color: Rgba) -> Hair {
        Hair {
            from,
            to,
            width: 1.0,
            color,
            duty: 1.0,
        }
    }

    #[test]
    fn clipping_keeps_the_part_inside_and_drops_what_misses() {
        let size = [100.0, 50.0];
        let (a, b) = clip([-50.0, 25.0], [150.0, 25.0], size).expect("crosses");
        assert_eq!((a, b), ([0.0, 25.0], [100.0, 25.0]));
        assert!(clip([-10.0, -10.0], [-1.0, 60.0], size).is_none());
        assert!(clip([0.0, 60.0], [100.0, 70.0], size).is_none());
        assert!((clipped_length([10.0, 10.0], [40.0, 50.0], size) - 50.0).abs() < 1e-3);
        assert_eq!(clipped_length([200.0, 0.0], [300.0, 0.0], size), 0.0);
    }

    #[test]
    fn one_hairline_on_a_texel_row_gives_its_own_colour_and_alpha() {
        let c = Rgba(200, 40, 10, 128);
        // Along the middle of row 5: each texel of the row covered once, fully.
        let d = rasterise(&[hair([2.0, 5.5], [18.0, 5.5], c)], [20.0, 10.0], 0.5);
        assert_eq!((d.width, d.height, d.links), (20, 10, 1));
        for x in 3..17 {
            let t = d.texel(x, 5).expect("inside");
            assert_eq!(&t[..3], &[200, 40, 10], "colour at {x}");
            assert!((i32::from(t[3]) - 128).abs() <= 1, "alpha at {x}: {}", t[3]);
            assert_eq!(d.texel(x, 4), Some([0, 0, 0, 0]));
            assert_eq!(d.texel(x, 6), Some([0, 0, 0, 0]));
        }
        assert_eq!(d.texel(0, 5), Some([0, 0, 0, 0]));
    }

    #[test]
    fn crossings_compose_like_stacked_strokes_in_any_order() {
        let red = Rgba(255, 0, 0, 128);
        let blue = Rgba(0, 0, 255, 128);
        let across = hair([0.0, 5.5], [10.0, 5.5], red);
        let down = hair([5.5, 0.0], [5.5, 10.0], blue);
        let one = rasterise(&[across, down], [10.0, 10.0], 0.5);
        let other = rasterise(&[down, across], [10.0, 10.0], 0.5);
        assert_eq!(one.rgba, other.rgba);
        // Two strokes of alpha 1/2: 3/4 covered, half red and half blue.
        let t = one.texel(5, 5).expect("inside");
        assert!((i32::from(t[3]) - 191).abs() <= 1, "alpha {}", t[3]);
        assert!((i32::from(t[0]) - 128).abs() <= 1 && (i32::from(t[2]) - 128).abs() <= 1);
    }

    #[test]
    fn a_diagonal_puts_its_ink_on_the_texels_it_crosses_and_nothing_far_off() {
        let c = Rgba(0, 0, 0, 200);
        let d = rasterise(&[hair([0.0, 0.0], [64.0, 64.0], c)], [64.0, 64.0], 0.5);
        for i in 1..63 {
            let on = d.texel(i, i).expect("inside")[3];
            assert!(on > 60, "texel ({i},{i}) has alpha {on}");
            assert_eq!(d.texel(i, (i + 3) % 64).expect("inside")[3], 0);
        }
        // Bands of rows are rasterised apart: the line continues across their edges.
        assert!(
            d.texel(31, 31).expect("inside")[3] > 60 && d.texel(32, 32).expect("inside")[3] > 60
        );
    }

    #[test]
    fn a_dashed_line_lays_down_its_share_of_ink_and_the_screen_point_finds_its_texel() {
        let c = Rgba(0, 0, 0, 255);
        let mut dashed = hair([0.0, 3.0], [40.0, 3.0], c);
        dashed.duty = 0.5;
        let d = rasterise(&[dashed], [40.0, 5.0], 1.0);
        assert_eq!((d.width, d.height), (20, 3));
        let t = d.at([21.0, 3.0]).expect("inside");
        // Half the ink, a line half a texel wide: a quarter of the log-opacity of 0.999.
        let expected = 1.0 - (-(0.25 * -(0.001f32).ln())).exp();
        assert!((f32::from(t[3]) / 255.0 - expected).abs() < 0.02, "{t:?}");
        assert!(d.at([-1.0, 0.0]).is_none() && d.at([41.0, 0.0]).is_none());
    }

    #[test]
    fn texels_grow_when_the_lines_are_too_long_in_all_for_the_budget() {
        let c = Rgba(0, 0, 0, 255);
        let size = [1000.0, 1000.0];
        // 4,000 lines across a 1,000-point canvas: 4 million points, under the budget.
        let across: Vec<Hair> = (0..4_000)
            .map(|i| hair([0.0, i as f32 / 4.0], [1000.0, i as f32 / 4.0], c))
            .collect();
        assert_eq!(rasterise(&across, size, 1.0).cell, CELL);
        assert_eq!(rasterise(&across, size, 2.0).cell, 2.0 * CELL);
        // Five times as many: the walk would be 20 million steps at two points.
        let crowd: Vec<Hair> = (0..20_000)
            .map(|i| hair([0.0, i as f32 / 20.0], [1000.0, i as f32 / 20.0], c))
            .collect();
        let d = rasterise(&crowd, size, 1.0);
        assert!(
            (d.cell - 20.0e6 / STEP_BUDGET).abs() < 0.01,
            "cell {}",
            d.cell
        );
        assert_eq!(d.width, (1000.0 / d.cell).ceil() as u32);
        // Every row of texels still holds ink.
        assert!((0..d.height).all(|y| d.texel(d.width / 2, y).expect("inside")[3] > 0));
    }
}
