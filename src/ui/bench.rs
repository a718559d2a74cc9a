//! The frame-time benchmark: what a frame costs on the CPU to draw the network, building the
//! scene and egui's tessellation (the GPU upload and the panels are not included), and what
//! a step of dragging the date range costs (filter, graph, layout restart, scene,
//! tessellation). `lading bench frame` prints the figures.

use std::time::Instant;

use serde::Serialize;

use crate::date::Day;
use crate::explorer::Explorer;
use crate::scene::{self, Marks, SceneInput, SizeBy, View};
use crate::style::Style;

/// Medians and 90th percentiles in milliseconds.
#[derive(Clone, Debug, Serialize)]
pub struct FrameStats {
    pub entities: usize,
    pub links: usize,
    pub runs: usize,
    pub scene_ms_median: f64,
    pub tessellate_ms_median: f64,
    pub frame_ms_median: f64,
    pub frame_ms_p90: f64,
    /// One step of dragging the date range: the filter, the graph, the layout restart, the
    /// scene and its tessellation.
    pub drag_step_ms_median: f64,
    pub drag_step_ms_max: f64,
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn p90(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get((v.len() * 9 / 10).min(v.len().saturating_sub(1)))
        .copied()
        .unwrap_or(0.0)
}

/// One frame: scene build, paint, tessellation. Returns (scene ms, tessellation ms).
fn frame(ctx: &egui::Context, explorer: &Explorer, style: &Style, view: View) -> (f64, f64) {
    let t0 = Instant::now();
    let scene = scene::build(&SceneInput {
        index: explorer.index(),
        graph: explorer.graph(),
        positions: explorer.positions(),
        style,
        view,
        marks: Marks {
            selected: Some(&explorer.selection),
            path: &explorer.path,
            ..Marks::default()
        },
        size_by: SizeBy::Shipments,
        labels: true,
    });
    let scene_ms = t0.elapsed().as_secs_f64() * 1e3;
    let t1 = Instant::now();
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(view.size[0], view.size[1]),
        )),
        ..Default::default()
    };
    let output = ctx.run_ui(input, |ui| {
        super::canvas::paint(ui.painter(), egui::Vec2::ZERO, &scene);
    });
    let painted = t1.elapsed().as_secs_f64() * 1e3;
    let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
    if std::env::var_os("LADING_BENCH_VERBOSE").is_some() {
        let vertices: usize = primitives
            .iter()
            .map(|p| match &p.primitive {
                egui::epaint::Primitive::Mesh(m) => m.vertices.len(),
                _ => 0,
            })
            .sum();
        eprintln!(
            "paint {painted:.1} ms, tessellate {:.1} ms, {vertices} vertices, {} links, {} nodes, {} labels",
            t1.elapsed().as_secs_f64() * 1e3 - painted,
            scene.links.len(),
            scene.nodes.len(),
            scene.labels.len()
        );
    }
    std::hint::black_box(primitives);
    (scene_ms, t1.elapsed().as_secs_f64() * 1e3)
}

/// Measures `runs` frames of the explorer's current graph in a window of `size` points, then
/// `runs` steps of dragging a one-year date window across the data.
pub fn measure(explorer: &mut Explorer, runs: usize, size: [f32; 2]) -> FrameStats {
    let ctx = egui::Context::default();
    super::install_fonts(&ctx);
    let style = Style::default();
    let view = explorer
        .positions()
        .bounds()
        .map_or(View::default(), |b| View::fit(b, size, 40.0, 1.0));
    // Warm up: the font atlas fills on the first frames.
    for _ in 0..3 {
        frame(&ctx, explorer, &style, view);
    }
    let (mut scene_ms, mut tess_ms, mut total) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        let (s, t) = frame(&ctx, explorer, &style, view);
        scene_ms.push(s);
        tess_ms.push(t);
        total.push(s + t);
    }

    let mut drag = Vec::new();
    if let Some((first, last)) = explorer.index().date_span() {
        let base = explorer.filter().clone();
        let window = 365.min((last.0 - first.0).max(1));
        let steps = runs.max(2);
        explorer.begin_gesture();
        for i in 0..steps {
            let from = first.0 + ((last.0 - first.0 - window).max(0) * i as i32) / steps as i32;
            let t = Instant::now();
            explorer.set_filter_live(crate::filter::Filter {
                from: Some(Day(from)),
                to: Some(Day(from + window)),
                ..base.clone()
            });
            frame(&ctx, explorer, &style, view);
            drag.push(t.elapsed().as_secs_f64() * 1e3);
        }
        explorer.set_filter_live(base);
        explorer.end_gesture();
    }
    let drag_max = drag.iter().copied().fold(0.0, f64::max);
    FrameStats {
        entities: explorer.graph().entities.len(),
        links: explorer.graph().links.len(),
        runs: total.len(),
        scene_ms_median: median(&mut scene_ms),
        tessellate_ms_median: median(&mut tess_ms),
        frame_ms_median: median(&mut total),
        frame_ms_p90: p90(&mut total),
        drag_step_ms_median: median(&mut drag),
        drag_step_ms_max: drag_max,
    }
}
