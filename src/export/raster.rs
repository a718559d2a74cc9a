//! The PNG painter's shapes: background, links and nodes painted straight onto a tiny-skia
//! pixmap, the same geometry [`super::svg`] writes, without an SVG string in between.
//!
//! Why: at 4,000 px a picture holds tens of thousands of links, and writing them as SVG,
//! parsing that back (usvg) and stroking each `<line>` through tiny-skia's general stroker
//! cost seconds. Links go to [`super::strokes`] (analytic anti-aliasing, bands on all cores,
//! the same bits as one thread); nodes, a few thousand small shapes, to tiny-skia. Text
//! comes after, on top ([`super::labels`], [`super::svg::text_overlay`]).
//!
//! Deterministic: nodes in one pass in scene order; the background (one colour) and the
//! links (see [`super::strokes`]) on all cores with the same bits as one thread.

use resvg::tiny_skia::{
    Color, FillRule, LineJoin, Mask, Paint, Path, PathBuilder, Pixmap, Rect, Stroke, Transform,
};

use crate::scene::SceneNode;
use crate::style::{Rgba, Style};

use std::time::Instant;

use rayon::prelude::*;

use super::page::Page;
use super::png::{Phases, ms};
use super::strokes::Strokes;

/// Paints the page's background and the network's links and nodes, in the order the SVG
/// has them (links, then nodes in scene order), clipped to the network area when the page
/// asks for it.
pub fn paint_shapes(page: &Page, pixmap: &mut Pixmap, phases: &mut Phases) {
    // The background, in bands on all cores (the first touch of a big allocation's pages).
    let bg = page.style.background;
    let bg = Color::from_rgba8(bg.0, bg.1, bg.2, bg.3)
        .premultiply()
        .to_color_u8();
    let px = [bg.red(), bg.green(), bg.blue(), bg.alpha()];
    pixmap.data_mut().par_chunks_mut(1 << 16).for_each(|band| {
        for p in band.chunks_exact_mut(4) {
            p.copy_from_slice(&px);
        }
    });
    let net = page.network;
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
    let t = Instant::now();
    let strokes = Strokes::new(
        &page.scene.links,
        [net.x, net.y],
        page.clip
            .then_some([net.x, net.y, net.x + net.w, net.y + net.h]),
    );
    let (w, h) = (pixmap.width(), pixmap.height());
    strokes.paint(pixmap.data_mut(), w, h);
    phases.links_ms = ms(t);
    let mut painter = Painter {
        pixmap,
        transform: Transform::from_translate(net.x, net.y),
        clip,
    };
    for n in &page.scene.nodes {
        painter.node(n, &page.style);
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

    fn node(&mut self, n: &SceneNode, style: &Style) {
        let [x, y] = n.center;
        if !finite(n.center) {
            return;
        }
        if let (Some((color, width)), Some(r)) = (n.halo, n.halo_radius()) {
            self.circle(n.center, r, None, Some((color, width)));
        }
        if let (Some((color, width)), Some(r)) = (n.ring, n.ring_radius()) {
            self.circle(n.center, r, None, Some((color, width)));
        }
        match n.corners() {
            None => self.circle(
                n.center,
                n.radius,
                Some(n.fill),
                Some((n.stroke, n.stroke_width)),
            ),
            Some(points) => {
                let mut pb = PathBuilder::new();
                for (k, p) in points.iter().enumerate() {
                    if k == 0 {
                        pb.move_to(p[0], p[1]);
                    } else {
                        pb.line_to(p[0], p[1]);
                    }
                }
                pb.close();
                if let Some(path) = pb.finish() {
                    self.fill(&path, n.fill);
                    if n.stroke_width > 0.0 {
                        let s = Stroke {
                            width: n.stroke_width,
                            line_join: LineJoin::Round,
                            ..Stroke::default()
                        };
                        self.stroke(&path, n.stroke, &s);
                    }
                }
            }
        }
        let s = n.stroke_width.max(0.1);
        if n.pinned {
            // A small pin head at the top right.
            let e = n.extent() * 0.75;
            self.circle(
                [x + e, y - e],
                2.6 * s,
                Some(style.pin),
                Some((style.background, 0.8 * s)),
            );
        }
        if n.noted {
            // A small note square at the top left.
            let e = n.extent() * 0.75;
            let k = 2.4 * s;
            if let Some(r) = Rect::from_xywh(x - e - k, y - e - k, 2.0 * k, 2.0 * k) {
                let path = PathBuilder::from_rect(r);
                self.fill(&path, style.background);
                let st = Stroke {
                    width: 0.8 * s,
                    ..Stroke::default()
                };
                self.stroke(&path, style.text, &st);
            }
        }
    }
}
