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
    Color, FillRule, Mask, Paint, Path, PathBuilder, Pixmap, Rect, Stroke, Transform,
};

use crate::scene::{MarkShape, SceneMark};
use crate::style::Rgba;

use std::time::Instant;

use super::page::Page;
use super::png::{Phases, ms};
use super::strokes::Strokes;

/// Paints the page's background and the network's links and nodes, in the order the SVG
/// has them (links, then nodes in scene order), clipped to the network area when the page
/// asks for it.
pub fn paint_shapes(page: &Page, pixmap: &mut Pixmap, phases: &mut Phases) {
    let bg = page.style.background;
    let bg = Color::from_rgba8(bg.0, bg.1, bg.2, bg.3)
        .premultiply()
        .to_color_u8();
    let net = page.network;
    let t = Instant::now();
    let mut strokes = Strokes::new(
        &page.scene.links,
        [net.x, net.y],
        page.clip
            .then_some([net.x, net.y, net.x + net.w, net.y + net.h]),
    );
    strokes.add_nodes(&page.scene.nodes, [net.x, net.y]);
    let (w, h) = (pixmap.width(), pixmap.height());
    // The background with them, band by band on all cores.
    let background = [bg.red(), bg.green(), bg.blue(), bg.alpha()];
    strokes.paint(pixmap.data_mut(), w, h, Some(background));
    phases.links_ms = ms(t);
    if page.scene.marks.is_empty() {
        return;
    }
    // Marks (pins, notes, callouts' anchors): a few shapes, on top, through tiny-skia.
    let clip = if page.clip {
        Rect::from_xywh(net.x, net.y, net.w, net.h).and_then(|r| {
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
        transform: Transform::from_translate(net.x, net.y),
        clip,
    };
    for m in &page.scene.marks {
        painter.mark(m);
    }
}

struct Painter<'a> {
    pixmap: &'a mut Pixmap,
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

impl Painter<'_> {
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
