//! The PNG painter's shapes: background, links, nodes and marks painted straight onto a
//! tiny-skia pixmap, the same geometry [`super::svg`] writes, without an SVG string in between.
//!
//! Why: at 4,000 px a picture holds tens of thousands of links, and writing them as SVG,
//! parsing that back (usvg) and stroking each `<line>` through tiny-skia's general stroker
//! cost seconds. Links and nodes go to [`super::strokes`] (analytic anti-aliasing, bands on
//! all cores, the same bits as one thread, the background filled in the same pass); marks,
//! a handful of shapes, to tiny-skia on top. Text comes after, on top ([`super::labels`],
//! [`super::svg::text_overlay`]).
//!
//! Deterministic: links then nodes in scene order (see [`super::strokes`]: the same bits on
//! any number of cores), then the marks in one pass.

use resvg::tiny_skia::{
    Color, FillRule, Mask, Paint, Path, PathBuilder, Pixmap, PixmapMut, Rect, Stroke, Transform,
};

use crate::scene::{MarkShape, SceneMark};
use crate::style::Rgba;

use std::time::Instant;

use super::page::Page;
use super::png::{Phases, ms};
use super::strokes::Strokes;

/// The page's links and nodes as primitives for [`super::strokes`].
pub fn strokes(page: &Page) -> Strokes {
    let net = page.network;
    let mut strokes = Strokes::new(
        &page.scene.links,
        [net.x, net.y],
        page.clip
            .then_some([net.x, net.y, net.x + net.w, net.y + net.h]),
    );
    strokes.add_nodes(&page.scene.nodes, [net.x, net.y]);
    strokes
}

/// The page's background as a premultiplied pixel.
pub fn background(page: &Page) -> [u8; 4] {
    let bg = page.style.background;
    let bg = Color::from_rgba8(bg.0, bg.1, bg.2, bg.3)
        .premultiply()
        .to_color_u8();
    [bg.red(), bg.green(), bg.blue(), bg.alpha()]
}

/// Paints the page's background and the network's links and nodes, in the order the SVG
/// has them (links, then nodes in scene order), clipped to the network area when the page
/// asks for it.
pub fn paint_shapes(page: &Page, pixmap: &mut Pixmap, phases: &mut Phases) {
    let t = Instant::now();
    let strokes = strokes(page);
    let (w, h) = (pixmap.width(), pixmap.height());
    // The background with them, band by band on all cores.
    strokes.paint(pixmap.data_mut(), w, h, Some(background(page)));
    phases.links_ms = ms(t);
    paint_marks(page, &mut pixmap.as_mut(), 0);
}

/// Paints the marks (pins, notes, callouts' anchors: a few shapes, through tiny-skia) onto
/// `pixmap`, which holds the picture's rows from `y0` on. A mark is drawn the same
/// wherever it lies in `pixmap`, as long as it lies inside it whole ([`mark_rows`]).
pub fn paint_marks(page: &Page, pixmap: &mut PixmapMut, y0: u32) {
    if page.scene.marks.is_empty() {
        return;
    }
    let net = page.network;
    let top = net.y - y0 as f32;
    let clip = if page.clip {
        Rect::from_xywh(net.x, top, net.w, net.h).and_then(|r| {
            let mut mask = Mask::new(pixmap.width(), pixmap.height())?;
            mask.fill_path(
                &PathBuilder::from_rect(r),
                FillRule::Winding,
                true,
                Transform::identity(),
            );
            Some(mask)
        })
    } else {
        None
    };
    let mut painter = Painter {
        pixmap,
        transform: Transform::from_translate(net.x, top),
        clip,
    };
    for m in &page.scene.marks {
        painter.mark(m);
    }
}

/// The rows of the picture each mark may paint (top, bottom; generous): a painter of
/// row ranges keeps each mark inside one.
pub fn mark_rows(page: &Page) -> Vec<(f32, f32)> {
    let y = page.network.y;
    page.scene
        .marks
        .iter()
        .map(|m| {
            let pad = m.stroke.map_or(0.0, |(_, w)| w.abs()) + 4.0;
            let (a, b) = match m.shape {
                MarkShape::Circle { center, radius } => {
                    (center[1] - radius.abs(), center[1] + radius.abs())
                }
                MarkShape::Rect { rect, .. } => (rect[1], rect[1] + rect[3].abs()),
                MarkShape::Line { from, to, width } => (
                    from[1].min(to[1]) - width.abs(),
                    from[1].max(to[1]) + width.abs(),
                ),
            };
            (y + a - pad, y + b + pad)
        })
        .collect()
}

struct Painter<'a, 'b> {
    pixmap: &'a mut PixmapMut<'b>,
    transform: Transform,
    clip: Option<Mask>,
}

fn paint_of(c: Rgba) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color_rgba8(c.0, c.1, c.2, c.3);
    p.anti_alias = true;
    p
}

fn finite(p: [f32; 2]) -> bool {
    p[0].is_finite() && p[1].is_finite()
}

impl Painter<'_, '_> {
    fn fill(&mut self, path: &Path, color: Rgba) {
        self.pixmap.fill_path(
            path,
            &paint_of(color),
            FillRule::Winding,
            self.transform,
            self.clip.as_ref(),
        );
    }

    fn stroke(&mut self, path: &Path, color: Rgba, stroke: &Stroke) {
        self.pixmap.stroke_path(
            path,
            &paint_of(color),
            stroke,
            self.transform,
            self.clip.as_ref(),
        );
    }

    fn circle(&mut self, at: [f32; 2], r: f32, fill: Option<Rgba>, stroke: Option<(Rgba, f32)>) {
        if !(finite(at) && r.is_finite() && r > 0.0) {
            return;
        }
        let Some(path) = PathBuilder::from_circle(at[0], at[1], r) else {
            return;
        };
        if let Some(c) = fill {
            self.fill(&path, c);
        }
        if let Some((c, w)) = stroke
            && w > 0.0
        {
            let s = Stroke {
                width: w,
                ..Stroke::default()
            };
            self.stroke(&path, c, &s);
        }
    }

    fn mark(&mut self, m: &SceneMark) {
        let stroke = m.stroke.filter(|(_, w)| w.is_finite() && *w > 0.0);
        match m.shape {
            MarkShape::Circle { center, radius } => self.circle(center, radius, m.fill, stroke),
            MarkShape::Rect { rect, corner } => {
                let Some(path) = rounded_rect(rect, corner) else {
                    return;
                };
                if let Some(c) = m.fill {
                    self.fill(&path, c);
                }
                if let Some((c, w)) = stroke {
                    let s = Stroke {
                        width: w,
                        ..Stroke::default()
                    };
                    self.stroke(&path, c, &s);
                }
            }
            MarkShape::Line { from, to, width } => {
                let (Some((c, _)), true) = (stroke, finite(from) && finite(to)) else {
                    return;
                };
                let mut pb = PathBuilder::new();
                pb.move_to(from[0], from[1]);
                pb.line_to(to[0], to[1]);
                if let Some(path) = pb.finish() {
                    let s = Stroke {
                        width,
                        line_cap: resvg::tiny_skia::LineCap::Round,
                        ..Stroke::default()
                    };
                    self.stroke(&path, c, &s);
                }
            }
        }
    }
}

/// A rectangle `[x, y, w, h]` with corners rounded by `r`, as SVG's `rx` draws it.
fn rounded_rect(rect: [f32; 4], r: f32) -> Option<Path> {
    let [x, y, w, h] = rect;
    if !(rect.iter().all(|v| v.is_finite()) && w > 0.0 && h > 0.0) {
        return None;
    }
    let r = r.clamp(0.0, w.min(h) / 2.0);
    if r <= 0.0 {
        return Some(PathBuilder::from_rect(Rect::from_xywh(x, y, w, h)?));
    }
    // Quarter circles as cubic Béziers (k: the usual 0.5523 handle).
    let k = r * 0.552_284_8;
    let mut pb = PathBuilder::new();
    pb.move_to(x + r, y);
    pb.line_to(x + w - r, y);
    pb.cubic_to(x + w - r + k, y, x + w, y + r - k, x + w, y + r);
    pb.line_to(x + w, y + h - r);
    pb.cubic_to(x + w, y + h - r + k, x + w - r + k, y + h, x + w - r, y + h);
    pb.line_to(x + r, y + h);
    pb.cubic_to(x + r - k, y + h, x, y + h - r + k, x, y + h - r);
    pb.line_to(x, y + r);
    pb.cubic_to(x, y + r - k, x + r - k, y, x + r, y);
    pb.close();
    pb.finish()
}
