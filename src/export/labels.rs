//! The PNG painter's entity labels: the glyphs' fill, and the halo around them as the fill's
//! coverage grown outwards, instead of a stroke along every glyph outline.
//!
//! Why: a picture holds hundreds of labels, and stroking each glyph's outline for the halo
//! (what the SVG says: a wide stroke with round joins under the fill) was most of the time
//! of a PNG's text. Here each label's glyphs (shaped and outlined by usvg with the shipped
//! fonts, from [`super::svg::label_texts`]: the same text, positions and fonts as the SVG)
//! are filled once into a coverage mask; the halo is that mask dilated by the halo's reach
//! `r`: a pixel's halo coverage is the largest, over the pixels `o` within `r + 1` whose
//! fill coverage `c` is nonzero, of `c + r − |o|` (clamped to 0..1). A pixel of coverage `c`
//! has the glyph's edge about `c − ½` inside its centre, so this is the coverage of a shape
//! grown by `r` (what the stroke with round joins drew), edges anti-aliased alike.
//!
//! Each label is rasterised on its own (a label's pixels depend only on the label) when the
//! first rows that hold it are composited, so strips elsewhere are painted meanwhile instead
//! of waiting for every label; then composited in scene order, halo then fill, clipped to
//! the network area when the page asks for it. Deterministic: integer arithmetic after
//! tiny-skia's fill.

use std::sync::OnceLock;

use rayon::prelude::*;
use resvg::tiny_skia::{FillRule, Mask, Path, Pixmap, Transform};
use resvg::usvg;

use super::ExportError;
use super::page::Page;
use super::simd::wide;
use super::svg;
use crate::style::Rgba;

/// Added to the halo's reach (pixels): see [`paint`].
const REACH_CORRECTION: f32 = 0.1;

/// One label's glyph outlines in picture pixels.
struct Glyphs {
    label: usize,
    paths: Vec<Path>,
}

/// One label's pixels: fill and halo coverage (0..255) over a box of the picture.
struct Raster {
    label: usize,
    x0: i32,
    y0: i32,
    w: usize,
    h: usize,
    fill: Vec<u8>,
    halo: Vec<u8>,
}

/// A page's labels, ready to be composited onto any rows of the picture: each rasterised
/// when a row range that holds it is first composited (so painting rows elsewhere never
/// waits for it).
pub struct Labels<'a> {
    page: &'a Page,
    labels: Vec<Lazy>,
    kernel: Kernel,
    clip: Option<[f32; 4]>,
    size: (i32, i32),
}

/// A label's glyphs, the rows of the picture its raster spans, and the raster once made.
struct Lazy {
    glyphs: Glyphs,
    rows: (usize, usize),
    raster: OnceLock<Option<Raster>>,
}

/// Shapes the page's labels (their glyphs, through usvg) for a picture `width` × `height`;
/// each is rasterised (fill and halo) when first composited.
pub fn prepare<'a>(
    page: &'a Page,
    width: u32,
    height: u32,
    options: &usvg::Options,
) -> Result<Labels<'a>, ExportError> {
    let labels = &page.scene.labels;
    let net = page.network;
    let clip = page
        .clip
        .then_some([net.x, net.y, net.x + net.w, net.y + net.h]);
    let (w, h) = (width as i32, height as i32);
    let Some(first) = labels.first() else {
        return Ok(Labels {
            page,
            labels: Vec::new(),
            kernel: Kernel::new(0.0),
            clip,
            size: (w, h),
        });
    };
    let tree = usvg::Tree::from_str(&svg::label_texts(page), options)
        .map_err(|e| ExportError::Render(format!("the labels' SVG does not parse: {e}")))?;
    let mut glyphs = Vec::with_capacity(labels.len());
    collect(tree.root(), Transform::identity(), None, &mut glyphs);
    // As the SVG: one halo width and colour for all labels, the first label's; plus a
    // tenth of a pixel, which the dilation's distances lack on average (measured against
    // resvg's stroke of the same text: the same ink within 1%).
    let reach = first.size * svg::HALO_WIDTH / 2.0 + REACH_CORRECTION;
    let kernel = Kernel::new(reach);
    let labels = glyphs
        .into_iter()
        .filter_map(|g| {
            let [_, y0, _, y1] = raster_box(&g, &kernel, w, h)?;
            Some(Lazy {
                glyphs: g,
                rows: (y0 as usize, y1 as usize),
                raster: OnceLock::new(),
            })
        })
        .collect();
    Ok(Labels {
        page,
        labels,
        kernel,
        clip,
        size: (w, h),
    })
}

impl Labels<'_> {
    /// Composites the labels, in scene order, onto the picture's rows `y0..y1` (`rows`:
    /// their premultiplied pixels, `width` a row): the same bits however the picture is
    /// cut into rows.
    pub fn composite_rows(&self, rows: &mut [u8], width: usize, (y0, y1): (usize, usize)) {
        let labels = &self.page.scene.labels;
        for lazy in &self.labels {
            if !(lazy.rows.0 < y1 && y0 < lazy.rows.1) {
                continue;
            }
            let raster = lazy
                .raster
                .get_or_init(|| raster(&lazy.glyphs, &self.kernel, self.size.0, self.size.1));
            if let Some(r) = raster {
                let l = &labels[r.label];
                composite(rows, width, (y0, y1), r, (l.halo, l.color), self.clip);
            }
        }
    }
}

/// Paints the page's labels (fill and halo) onto the pixmap.
pub fn paint(page: &Page, pixmap: &mut Pixmap, options: &usvg::Options) -> Result<(), ExportError> {
    let labels = prepare(page, pixmap.width(), pixmap.height(), options)?;
    // In bands of rows on all cores, each band's labels in scene order: the same bits as
    // one pass.
    let width = pixmap.width() as usize;
    pixmap
        .data_mut()
        .par_chunks_mut(width * 4 * BAND_ROWS)
        .enumerate()
        .for_each(|(band, rows)| {
            let y0 = band * BAND_ROWS;
            let y1 = y0 + rows.len() / (width * 4);
            labels.composite_rows(rows, width, (y0, y1));
        });
    Ok(())
}

/// Rows per band of the labels' compositing.
const BAND_ROWS: usize = 64;

/// The paths of every `label-N` text under `group`, with the transform resvg would draw
/// them with.
fn collect(group: &usvg::Group, ts: Transform, label: Option<usize>, out: &mut Vec<Glyphs>) {
    let ts = ts.pre_concat(group.transform());
    for node in group.children() {
        match node {
            usvg::Node::Group(g) => collect(g, ts, label, out),
            usvg::Node::Text(t) => {
                let Some(i) = t.id().strip_prefix("label-").and_then(|n| n.parse().ok()) else {
                    continue;
                };
                out.push(Glyphs {
                    label: i,
                    paths: Vec::new(),
                });
                collect(t.flattened(), ts, Some(i), out);
            }
            usvg::Node::Path(p) => {
                if let (Some(i), Some(g)) = (label, out.last_mut())
                    && g.label == i
                    && p.is_visible()
                    && p.fill().is_some()
                    && let Some(path) = p.data().clone().transform(ts)
                {
                    g.paths.push(path);
                }
            }
            usvg::Node::Image(_) => {}
        }
    }
}

/// An offset of the dilation and what it adds to a coverage: (dx, dy, 255 × (reach −
/// distance)).
type Tap = (i32, i32, i32);

/// The dilation's offsets within `reach + 1` and what each adds to a coverage (× 255).
struct Kernel {
    /// The offsets that add less than 255, by `dy` then `dx`.
    taps: Vec<Tap>,
    /// The offsets that add 255 or more are those with `dx² + dy² <= disc` (`None`: none):
    /// any covered pixel among them makes the halo full.
    disc: Option<i32>,
    /// Pixels beyond the glyphs' box the halo can reach.
    pad: i32,
}

impl Kernel {
    fn new(reach: f32) -> Kernel {
        let reach = if reach.is_finite() {
            reach.clamp(0.0, 64.0)
        } else {
            0.0
        };
        let pad = (reach + 1.0).ceil() as i32;
        let (mut taps, mut disc) = (Vec::new(), None);
        for dy in -pad..=pad {
            for dx in -pad..=pad {
                let d = ((dx * dx + dy * dy) as f32).sqrt();
                if d < reach + 1.0 {
                    let k = (255.0 * (reach - d)).round() as i32;
                    if k >= 255 {
                        disc = disc.max(Some(dx * dx + dy * dy));
                    } else {
                        taps.push((dx, dy, k));
                    }
                }
            }
        }
        // What adds 255 or more is a prefix by distance (the addition falls with it), so
        // the disc holds no offset that adds less.
        if let Some(r2) = disc {
            taps.retain(|&(dx, dy, _)| dx * dx + dy * dy > r2);
        }
        Kernel { taps, disc, pad }
    }
}

/// The box of the picture (x0, y0, x1, y1: `x0..x1` by `y0..y1`) a label's raster spans:
/// the glyphs' pixels, one of slack and the halo's reach, within the picture.
fn raster_box(g: &Glyphs, kernel: &Kernel, width: i32, height: i32) -> Option<[i32; 4]> {
    let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for p in &g.paths {
        let r = p.bounds();
        b = [
            b[0].min(r.left()),
            b[1].min(r.top()),
            b[2].max(r.right()),
            b[3].max(r.bottom()),
        ];
    }
    if b[0] > b[2] || !b.iter().all(|v| v.is_finite()) {
        return None;
    }
    // The glyphs' pixels, one of slack, and the halo's reach; within the picture.
    let pad = kernel.pad + 1;
    let x0 = (b[0].floor() as i32 - pad).max(0);
    let y0 = (b[1].floor() as i32 - pad).max(0);
    let x1 = (b[2].ceil() as i32 + pad).min(width);
    let y1 = (b[3].ceil() as i32 + pad).min(height);
    (x0 < x1 && y0 < y1).then_some([x0, y0, x1, y1])
}

fn raster(g: &Glyphs, kernel: &Kernel, width: i32, height: i32) -> Option<Raster> {
    let [x0, y0, x1, y1] = raster_box(g, kernel, width, height)?;
    let (w, h) = ((x1 - x0) as usize, (y1 - y0) as usize);
    let size = resvg::tiny_skia::IntSize::from_wh(w as u32, h as u32)?;
    let mut mask = Mask::from_vec(written_zeros(w * h), size)?;
    let to_box = Transform::from_translate(-x0 as f32, -y0 as f32);
    for p in &g.paths {
        mask.fill_path(p, FillRule::Winding, true, to_box);
    }
    let fill = mask.take();
    let halo = dilate(&fill, w, h, kernel);
    Some(Raster {
        label: g.label,
        x0,
        y0,
        w,
        h,
        fill,
        halo,
    })
}

/// `n` zeros, written. A buffer from `vec![0; n]` (calloc) can be fresh pages mapped to the
/// kernel's one page of zeros: its first read of each page (tiny-skia's fill and the halo's
/// `|=` read before they write) maps that page, and the first write then copies it and
/// flushes the other cores' TLBs, an interrupt to each (a trip through the hypervisor in a
/// virtual machine). Writing the zeros first costs one plain fault a page.
fn written_zeros(n: usize) -> Vec<u8> {
    // Kept opaque, so that the allocation and the zeros are not folded back into calloc.
    let mut v = std::hint::black_box(Vec::with_capacity(n));
    v.resize(n, 0);
    v
}

thread_local! {
    /// [`dilate_body`]'s distances along rows, kept for the thread's next label.
    static NEAR: std::cell::Cell<Vec<u16>> = const { std::cell::Cell::new(Vec::new()) };
}

/// The halo's coverage: for each pixel, the largest `c + k` over the kernel's taps whose
/// pixel has coverage `c > 0` (clamped to 0..255).
///
/// The taps that add 255 or more (a disc: most of them) make the halo full wherever any
/// covered pixel lies within the disc; that is found from each pixel's distance along its
/// row to the nearest covered pixel, a row of the disc at a time. The others (a ring at the
/// edge) are added one by one.
#[inline(always)]
fn dilate_body(fill: &[u8], w: usize, h: usize, kernel: &Kernel) -> Vec<u8> {
    let mut halo = written_zeros(w * h);
    let (wi, hi) = (w as i32, h as i32);
    if let Some(r2) = kernel.disc {
        // Squared distance along the row to the nearest covered pixel, at most 255² (every
        // entry is written below). Kept for the thread's next label: a fresh allocation of
        // this size is fresh pages from the kernel, each faulted in and then unmapped.
        let mut near = NEAR.take();
        near.resize(w * h, 0);
        for (f, n) in fill.chunks_exact(w).zip(near.chunks_exact_mut(w)) {
            let mut d = 255u16;
            for (x, &c) in f.iter().enumerate() {
                d = if c > 0 { 0 } else { (d + 1).min(255) };
                n[x] = d;
            }
            let mut d = 255u16;
            for x in (0..w).rev() {
                d = if f[x] > 0 { 0 } else { (d + 1).min(255) };
                n[x] = n[x].min(d);
                n[x] *= n[x];
            }
        }
        let r = (r2 as f32).sqrt() as i32 + 1;
        for dy in -r..=r {
            let room = r2 - dy * dy;
            if room < 0 {
                continue;
            }
            let room = room.min(i32::from(u16::MAX)) as u16;
            let (ya, yb) = ((-dy).max(0), (hi - dy).min(hi));
            for y in ya..yb {
                let src = &near[((y + dy) * wi) as usize..][..w];
                let dst = &mut halo[(y * wi) as usize..][..w];
                for (d, &n) in dst.iter_mut().zip(src) {
                    *d |= if n <= room { 255 } else { 0 };
                }
            }
        }
        NEAR.set(near);
    }
    // Each row's first and last covered pixel (none: `(w, 0)`): a tap changes nothing where
    // its source is 0, so only that part of a row is read.
    let inked: Vec<(i32, i32)> = fill
        .chunks_exact(w)
        .map(|row| {
            let first = row.iter().position(|&c| c > 0).map_or(wi, |x| x as i32);
            let last = row.iter().rposition(|&c| c > 0).map_or(0, |x| x as i32 + 1);
            (first, last)
        })
        .collect();
    // Row by row of the halo, every tap that reads into it (the taps come grouped by `dy`):
    // a target row and its source rows stay in the nearest cache, where tap by tap over the
    // whole box every pass read the box again. Each pixel's largest value is the same in any
    // order, so the bits are those of tap by tap.
    let rows_of_taps: Vec<&[Tap]> = kernel.taps.chunk_by(|a, b| a.1 == b.1).collect();
    for y in 0..hi {
        let dst_row = &mut halo[(y * wi) as usize..][..w];
        for &taps in &rows_of_taps {
            let sy = y + taps[0].1;
            if sy < 0 || sy >= hi {
                continue;
            }
            let (first, last) = inked[sy as usize];
            if first >= last {
                continue;
            }
            let src_row = &fill[(sy * wi) as usize..][..w];
            for &(dx, _, k) in taps {
                // Target pixels x whose source x + dx is inked and inside the box.
                let (xa, xb) = (
                    (-dx).max(0).max(first - dx),
                    (wi - dx).min(wi).min(last - dx),
                );
                if xa >= xb {
                    continue;
                }
                // In bytes with saturation (`c + k` clamped), so the compiler can use wide
                // vectors.
                let (add, sub) = (k.clamp(0, 255) as u8, (-k).clamp(0, 255) as u8);
                let src = &src_row[(xa + dx) as usize..(xb + dx) as usize];
                let dst = &mut dst_row[xa as usize..xb as usize];
                for (d, &c) in dst.iter_mut().zip(src) {
                    let v = c.saturating_add(add).saturating_sub(sub);
                    *d = (*d).max(if c > 0 { v } else { 0 });
                }
            }
        }
    }
    halo
}

wide!(fn dilate(fill: &[u8], w: usize, h: usize, kernel: &Kernel) -> Vec<u8> = dilate_body);

wide!(fn composite(
    rows: &mut [u8],
    width: usize,
    band: (usize, usize),
    r: &Raster,
    colors: (Rgba, Rgba),
    clip: Option<[f32; 4]>,
) = composite_body);

/// Source-over of the halo colour at the halo's coverage, then of the text colour at the
/// fill's, onto the pixmap's premultiplied pixels, times the clip rectangle's coverage.
///
/// `rows` are the picture's rows `band.0..band.1`, `width` pixels wide; only the label's rows
/// among them are painted.
#[inline(always)]
fn composite_body(
    rows: &mut [u8],
    width: usize,
    band: (usize, usize),
    r: &Raster,
    (halo, text): (Rgba, Rgba),
    clip: Option<[f32; 4]>,
) {
    let top = r.y0 as usize;
    let (from, to) = (band.0.max(top), band.1.min(top + r.h));
    if from >= to {
        return;
    }
    // The clip's coverage of each column of the label's box.
    let clip_x: Vec<u8> = match clip {
        Some(c) => (0..r.w)
            .map(|x| clip_cov((r.x0 as usize + x) as f32 + 0.5, c[0], c[2]))
            .collect(),
        None => Vec::new(),
    };
    for py in from..to {
        let y = py - top;
        let clip_y = clip.map_or(255, |c| clip_cov(py as f32 + 0.5, c[1], c[3]));
        if clip_y == 0 {
            continue;
        }
        let (hrow, frow) = (&r.halo[y * r.w..][..r.w], &r.fill[y * r.w..][..r.w]);
        let dst = &mut rows[((py - band.0) * width + r.x0 as usize) * 4..][..r.w * 4];
        // Runs of pixels, skipped where neither halo nor fill covers any; the rest without
        // a branch per pixel (a coverage of 0 leaves a pixel as it is: the same bits), each
        // run's alphas first and then its pixels, two channels at a time.
        const RUN: usize = 16;
        for (k, (px, (h, f))) in dst
            .chunks_mut(RUN * 4)
            .zip(hrow.chunks(RUN).zip(frow.chunks(RUN)))
            .enumerate()
        {
            if h.iter().zip(f).all(|(&a, &b)| a | b == 0) {
                continue;
            }
            let (mut ah, mut af) = ([0u16; RUN], [0u16; RUN]);
            for (i, (&hc, &fc)) in h.iter().zip(f).enumerate() {
                let (hc, fc) = (mul255(hc, halo.3), mul255(fc, text.3));
                let (hc, fc) = match clip {
                    Some(_) => {
                        let c = mul255(clip_y, clip_x[k * RUN + i]);
                        (mul255(hc, c), mul255(fc, c))
                    }
                    None => (hc, fc),
                };
                ah[i] = u16::from(hc);
                af[i] = u16::from(fc);
            }
            over_run(px, halo, &ah);
            over_run(px, text, &af);
        }
    }
}

/// Source-over of `color` (straight) onto a run of premultiplied pixels, each at its alpha
/// (0..255; at 0, the pixel as it was): per channel `s·a/255 + d·(255 − a)/255`, each
/// rounded. Two channels at a time in the 16-bit halves of a `u32` (red and blue, green and
/// alpha), exact: no half carries into the other (see [`mul255_pair`]).
#[inline(always)]
fn over_run(px: &mut [u8], color: Rgba, alpha: &[u16; 16]) {
    const LOW: u32 = 0x00ff_00ff;
    let s_rb = u32::from(color.0) | u32::from(color.2) << 16;
    let s_ga = u32::from(color.1) | 255 << 16;
    let mut p = [0u32; 16];
    for (q, b) in p.iter_mut().zip(px.chunks_exact(4)) {
        *q = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    }
    for (q, &a) in p.iter_mut().zip(alpha) {
        let (a, inv) = (u32::from(a), 255 - u32::from(a));
        let rb = mul255_pair(s_rb, a) + mul255_pair(*q & LOW, inv);
        let ga = mul255_pair(s_ga, a) + mul255_pair((*q >> 8) & LOW, inv);
        // Each half at most 255 (`x·a/255 ≤ a`), as `u8::saturating_add` kept it.
        let (rb, ga) = (
            rb - ((rb >> 8) & 0x0001_0001),
            ga - ((ga >> 8) & 0x0001_0001),
        );
        *q = rb | ga << 8;
    }
    for (b, q) in px.chunks_exact_mut(4).zip(p) {
        b.copy_from_slice(&q.to_le_bytes());
    }
}

/// [`mul255`] of both 8-bit values in the 16-bit halves of `x` by `a` (0..255): each half's
/// product plus 128 is at most 65,153, and adding its top byte at most 65,407, so nothing
/// carries from one half into the other.
#[inline(always)]
fn mul255_pair(x: u32, a: u32) -> u32 {
    let v = x * a + 0x0080_0080;
    ((v + ((v >> 8) & 0x00ff_00ff)) >> 8) & 0x00ff_00ff
}

/// How much of the pixel centred at `v` lies within `lo..hi` (0..255).
fn clip_cov(v: f32, lo: f32, hi: f32) -> u8 {
    (((v - lo).min(hi - v) + 0.5).clamp(0.0, 1.0) * 255.0 + 0.5) as u8
}

/// `a × b / 255`, rounded.
#[inline(always)]
fn mul255(a: u8, b: u8) -> u8 {
    let v = u16::from(a) * u16::from(b) + 128;
    ((v + (v >> 8)) >> 8) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_halo_reaches_its_width_beyond_an_edge() {
        // A vertical edge through the centres of column 10: full to its left.
        let (w, h) = (24usize, 9usize);
        let mut fill = vec![0u8; w * h];
        for y in 0..h {
            for x in 0..w {
                fill[y * w + x] = match x {
                    0..10 => 255,
                    10 => 128,
                    _ => 0,
                };
            }
        }
        let halo = dilate(&fill, w, h, &Kernel::new(2.0));
        // Column 10 + j is j from the edge: coverage 2.5 − j, clamped.
        let at = |x: usize| halo[4 * w + x];
        assert_eq!(at(5), 255);
        assert_eq!(at(10), 255);
        assert_eq!(at(11), 255);
        assert!(at(12).abs_diff(128) <= 2, "{}", at(12));
        assert_eq!(at(13), 0);
        assert_eq!(at(20), 0);
    }

    #[test]
    fn the_dilation_is_the_largest_coverage_plus_reach_over_every_offset() {
        // Every offset tried on each pixel, against the disc and ring of `dilate`.
        let (w, h) = (61usize, 37usize);
        let mut seed = 7u32;
        let fill: Vec<u8> = (0..w * h)
            .map(|i| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let (x, y) = (i % w, i / w);
                let inside = (20..40).contains(&x) && (12..24).contains(&y);
                match (seed >> 16) % 9 {
                    _ if x < 3 || y < 3 || x > w - 4 || y > h - 4 => 0,
                    0 | 1 if inside => 255,
                    2 => (seed >> 8) as u8,
                    _ if inside && (seed >> 20).is_multiple_of(3) => 255,
                    _ => 0,
                }
            })
            .collect();
        for reach in [0.0f32, 0.3, 1.0, 1.6, 2.1, 4.75, 7.3, 12.6] {
            let kernel = Kernel::new(reach);
            let got = dilate(&fill, w, h, &kernel);
            let pad = kernel.pad;
            for y in 0..h as i32 {
                for x in 0..w as i32 {
                    let mut best = 0i32;
                    for dy in -pad..=pad {
                        for dx in -pad..=pad {
                            let (sx, sy) = (x + dx, y + dy);
                            let d = ((dx * dx + dy * dy) as f32).sqrt();
                            if sx < 0 || sy < 0 || sx >= w as i32 || sy >= h as i32 {
                                continue;
                            }
                            let c = i32::from(fill[sy as usize * w + sx as usize]);
                            if d < reach + 1.0 && c > 0 {
                                let k = (255.0 * (reach - d)).round() as i32;
                                best = best.max((c + k).clamp(0, 255));
                            }
                        }
                    }
                    assert_eq!(
                        i32::from(got[y as usize * w + x as usize]),
                        best,
                        "reach {reach} at ({x}, {y})"
                    );
                }
            }
        }
    }

    #[test]
    fn the_halo_leaves_about_the_ink_of_the_svg_stroke() {
        // The SVG's halo: a stroke of the glyphs' outline with round joins under the fill,
        // as resvg draws it; against the fill's mask dilated as the PNG painter does.
        let text =
            "ПАО «Пелтон моторный завод» Morbrook Logistics Private Limited 保利科技 AaSs 1 %";
        let (w, h) = (760u32, 40u32);
        let options = usvg::Options {
            font_family: "Noto Sans".to_owned(),
            fontdb: super::super::png::font_db(),
            ..usvg::Options::default()
        };
        let head = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
             font-family=\"{}\"><g>",
            super::super::text::FONT_FAMILY
        );
        let text_at = "x=\"10.3\" y=\"24.4\" font-size=\"12\" fill=\"#000\"";
        let stroked = format!(
            "{head}<text {text_at} stroke=\"#000\" stroke-width=\"{}\" stroke-linejoin=\"round\" \
             paint-order=\"stroke\">{text}</text></g></svg>",
            12.0 * svg::HALO_WIDTH
        );
        let mut pixmap = Pixmap::new(w, h).unwrap();
        let tree = usvg::Tree::from_str(&stroked, &options).unwrap();
        resvg::render(&tree, Transform::identity(), &mut pixmap.as_mut());
        let expected: Vec<u8> = pixmap.pixels().iter().map(|p| p.alpha()).collect();

        let filled = format!("{head}<text id=\"label-0\" {text_at}>{text}</text></g></svg>");
        let tree = usvg::Tree::from_str(&filled, &options).unwrap();
        let mut glyphs = Vec::new();
        collect(tree.root(), Transform::identity(), None, &mut glyphs);
        assert_eq!(glyphs.len(), 1);
        let kernel = Kernel::new(12.0 * svg::HALO_WIDTH / 2.0 + REACH_CORRECTION);
        let r = raster(&glyphs[0], &kernel, w as i32, h as i32).unwrap();
        let (mut ink, mut expected_ink, mut off) = (0i64, 0i64, 0i64);
        for (i, &e) in expected.iter().enumerate() {
            let (x, y) = ((i % w as usize) as i32, (i / w as usize) as i32);
            let inside = x >= r.x0 && y >= r.y0 && x < r.x0 + r.w as i32 && y < r.y0 + r.h as i32;
            let got = if inside {
                i64::from(r.halo[(y - r.y0) as usize * r.w + (x - r.x0) as usize])
            } else {
                0
            };
            ink += got;
            expected_ink += i64::from(e);
            off += (got - i64::from(e)).abs();
        }
        let ratio = ink as f64 / expected_ink as f64;
        assert!(
            (ratio - 1.0).abs() < 0.02,
            "ink {ink} against {expected_ink}"
        );
        // Per pixel: within a few percent of the inked area on average.
        let mean = off as f64 / (expected_ink as f64 / 255.0);
        assert!(mean < 14.0, "mean difference {mean} / 255");
    }
}
