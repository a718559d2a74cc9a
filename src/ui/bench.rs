//! The frame-time benchmark: what a frame costs on the CPU to draw the network (the GPU
//! upload and the panels are not included): a frame in which the picture changes (scene,
//! mesh, overlay, egui's tessellation), one in which it does not (the window reuses the
//! scene and the GPU buffers), the egui-mesh fallback, and a step of dragging the date range
//! (filter, graph, layout restart, then a changing frame). `lading bench frame` prints them.

use std::time::Instant;

use serde::Serialize;

use std::sync::Arc;

use super::gpu::{GpuNetwork, Instances};
use super::scene_worker::Place;
use crate::date::Day;
use crate::explorer::Explorer;
use crate::scene::{self, Marks, Scene, SizeBy, View};
use crate::style::Style;

/// Medians and 90th percentiles in milliseconds.
#[derive(Clone, Debug, Serialize)]
pub struct FrameStats {
    pub entities: usize,
    pub links: usize,
    pub runs: usize,
    /// GPU records of the network (links, arrowheads, nodes), and the vertices the same
    /// network takes as an egui mesh (the fallback).
    pub instances: usize,
    pub mesh_vertices: usize,
    /// A frame in which the picture changes (pan, zoom, selection, a layout step): the
    /// scene, the network's GPU records (`mesh_ms`), the overlay (labels, marks) and egui's
    /// tessellation; the records go to the GPU in one buffer upload, not timed here.
    pub scene_ms_median: f64,
    pub mesh_ms_median: f64,
    pub tessellate_ms_median: f64,
    pub frame_ms_median: f64,
    pub frame_ms_p90: f64,
    /// A frame in which nothing the picture shows has changed (reading, hovering, a
    /// tooltip): the window reuses the scene and the GPU buffers and only paints the overlay.
    pub steady_frame_ms_median: f64,
    /// The same changing frame drawn as an egui triangle mesh instead (the fallback without
    /// OpenGL): the mesh is written, and egui copies it into its own buffers.
    pub egui_mesh_frame_ms_median: f64,
    /// One step of dragging the date range: the filter, the graph, the layout restart, the
    /// scene, the mesh and the frame.
    pub drag_step_ms_median: f64,
    pub drag_step_ms_max: f64,
    /// The same, as the window does it for a large network, the scene built on the worker
    /// (`scene_worker.rs`) and the graph on the filter thread (`explorer/background.rs`):
    /// the UI thread's part of a changing frame (the job: marks and positions copied; the
    /// last scene drawn moved to the new view) and of a drag step (sending the filter;
    /// installing the graph and restarting the layout; what the graph shows; the job), and
    /// the worker's build of the scene and its GPU records.
    pub worker_frame_ms_median: f64,
    pub worker_drag_step_ms_median: f64,
    pub worker_drag_step_ms_max: f64,
    /// From a drag step's filter change to its exact picture: the graph derived, then the
    /// scene built on the worker.
    pub worker_drag_latency_ms_median: f64,
    pub worker_scene_ms_median: f64,
    /// Level of detail, the window's scene (the worker's) at the fitted view: the links folded
    /// into its density image, the GPU records left, and the UI thread's cost of turning the
    /// image into a texture when the scene is adopted.
    pub lod_folded_links: usize,
    pub lod_instances: usize,
    pub lod_texture_ms_median: f64,
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

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// Times of one changing frame, in milliseconds.
struct Frame {
    scene: f64,
    mesh: f64,
    tessellate: f64,
    instances: usize,
}

fn build_scene(explorer: &Explorer, style: &Style, view: View) -> Scene {
    let flagged = explorer.screening().flagged_links();
    // The canvas keeps this from frame to frame while the graph stays the same.
    thread_local! {
        static SHOWN: std::cell::RefCell<Option<(u64, std::rc::Rc<scene::Shown>)>> =
            const { std::cell::RefCell::new(None) };
    }
    let shown = SHOWN.with_borrow_mut(|cached| match cached {
        Some((r, s)) if *r == explorer.revision() => std::rc::Rc::clone(s),
        _ => {
            let s = std::rc::Rc::new(scene::Shown::compute(
                explorer.index(),
                explorer.filter(),
                explorer.graph(),
            ));
            *cached = Some((explorer.revision(), std::rc::Rc::clone(&s)));
            s
        }
    });
    let mut input = explorer.scene_input(style, view);
    input.marks = Marks {
        selected: Some(&explorer.selection),
        path: &explorer.path,
        after_listing: Some(&flagged),
        ..Marks::default()
    };
    input.size_by = SizeBy::Shipments;
    input.shown = Some(&shown);
    scene::build(&input)
}

/// Runs egui over `paint` and tessellates what it drew. Returns the milliseconds.
fn egui_frame(ctx: &egui::Context, size: [f32; 2], paint: impl FnMut(&mut egui::Ui)) -> f64 {
    let t = Instant::now();
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(size[0], size[1]),
        )),
        ..Default::default()
    };
    let mut output = ctx.run_ui(input, paint);
    let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
    std::hint::black_box(primitives);
    // No GPU takes the font atlas here: dropped on purpose (egui asserts so in debug builds).
    output.textures_delta.clear();
    ms(t)
}

/// One changing frame as the window draws it: scene, mesh (for the GPU), overlay.
fn frame(
    ctx: &egui::Context,
    gpu: &GpuNetwork,
    instances: &mut Arc<Instances>,
    generation: u64,
    explorer: &Explorer,
    style: &Style,
    view: View,
) -> Frame {
    let t = Instant::now();
    let scene = build_scene(explorer, style, view);
    let scene_ms = ms(t);
    let t = Instant::now();
    Arc::make_mut(instances).fill(egui::Vec2::ZERO, &scene);
    let mesh_ms = ms(t);
    let count = instances.count();
    let rect = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(view.size[0], view.size[1]));
    let tessellate = egui_frame(ctx, view.size, |ui| {
        ui.painter().add(gpu.callback(
            rect,
            Arc::clone(instances),
            generation,
            Place::at(egui::Vec2::ZERO),
        ));
        super::canvas::paint_overlay(ui.painter(), Place::at(egui::Vec2::ZERO), &scene);
    });
    Frame {
        scene: scene_ms,
        mesh: mesh_ms,
        tessellate,
        instances: count,
    }
}

/// Measures `runs` frames of the explorer's current graph in a window of `size` points, then
/// `runs` steps of dragging a one-year date window across the data.
pub fn measure(explorer: &mut Explorer, runs: usize, size: [f32; 2]) -> FrameStats {
    let ctx = egui::Context::default();
    super::install_fonts(&ctx);
    let style = Style::default();
    let gpu = GpuNetwork::default();
    let mut instances = Arc::new(Instances::default());
    let view = explorer
        .positions()
        .bounds()
        .map_or(View::default(), |b| View::fit(b, size, 40.0, 1.0));
    // Warm up: the font atlas fills on the first frames.
    for g in 0..3 {
        frame(&ctx, &gpu, &mut instances, g, explorer, &style, view);
    }
    let (mut scene_ms, mut mesh_ms, mut tess_ms, mut total) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut count = 0;
    for g in 0..runs.max(1) {
        let f = frame(&ctx, &gpu, &mut instances, g as u64, explorer, &style, view);
        scene_ms.push(f.scene);
        mesh_ms.push(f.mesh);
        tess_ms.push(f.tessellate);
        total.push(f.scene + f.mesh + f.tessellate);
        count = f.instances;
    }

    // Nothing changed: the window paints the overlay over the buffers it has.
    let scene = build_scene(explorer, &style, view);
    let rect = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(size[0], size[1]));
    let mut steady = Vec::new();
    for _ in 0..runs.max(1) {
        steady.push(egui_frame(&ctx, size, |ui| {
            ui.painter().add(gpu.callback(
                rect,
                Arc::clone(&instances),
                0,
                Place::at(egui::Vec2::ZERO),
            ));
            super::canvas::paint_overlay(ui.painter(), Place::at(egui::Vec2::ZERO), &scene);
        }));
    }

    // The fallback: the mesh handed to egui, which copies it every frame.
    let mut egui_mesh = Vec::new();
    let mesh_vertices = {
        let mut mesh = egui::epaint::Mesh::default();
        super::canvas::network_mesh(&mut mesh, egui::Vec2::ZERO, &scene);
        mesh.vertices.len()
    };
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let scene = build_scene(explorer, &style, view);
        let took = ms(t);
        egui_mesh.push(
            took + egui_frame(&ctx, size, |ui| {
                super::canvas::paint(ui.painter(), egui::Vec2::ZERO, &scene);
            }),
        );
    }

    // With the worker: this thread makes the job and draws the last scene moved.
    let job_style = style.clone();
    let shown = explorer.shown();
    let job = |explorer: &Explorer, view: View, shown: &std::sync::Arc<scene::Shown>| {
        super::scene_worker::SceneJob::new(
            0,
            explorer,
            &job_style,
            view,
            SizeBy::Shipments,
            true,
            &Default::default(),
            std::sync::Arc::clone(shown),
        )
    };
    // What the worker's thread keeps from one scene to the next.
    let reuse = std::sync::Mutex::new(scene::reuse::Reuse::default());
    let (mut worker_frame, mut worker_scene) = (Vec::new(), Vec::new());
    for i in 0..runs.max(1) {
        let moved = View {
            center: [view.center[0] + i as f32 * 3.0 / view.zoom, view.center[1]],
            ..view
        };
        let t = Instant::now();
        let job = job(explorer, moved, &shown);
        let place = Place::between(&view, &moved, egui::Vec2::ZERO);
        let took = ms(t);
        worker_frame.push(
            took + egui_frame(&ctx, size, |ui| {
                ui.painter()
                    .add(gpu.callback(rect, Arc::clone(&instances), 0, place));
                super::canvas::paint_overlay(ui.painter(), place, &scene);
            }),
        );
        worker_scene.push(job.build(&reuse).build_ms);
    }
    let lod = job(explorer, view, &shown).build(&reuse);
    let mut lod_texture = Vec::new();
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        if let Some(d) = &lod.scene.density {
            let image = egui::ColorImage::from_rgba_unmultiplied(
                [d.width as usize, d.height as usize],
                &d.rgba,
            );
            let texture = ctx.load_texture("density", image, Default::default());
            std::hint::black_box(texture.id());
        }
        lod_texture.push(ms(t));
    }

    let mut drag = Vec::new();
    let (mut worker_drag, mut worker_drag_latency) = (Vec::new(), Vec::new());
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
            frame(&ctx, &gpu, &mut instances, i as u64, explorer, &style, view);
            drag.push(ms(t));
        }
        explorer.set_filter_live(base.clone());
        explorer.end_gesture();
        // The same steps as the window takes them: the graph derived on the filter thread
        // (`explorer/background.rs`) and the scene on the scene worker; this thread sends
        // the filter, installs the graph when it is back (the layout restarted), and makes
        // the scene's job. The layout runs in the background, as in the window.
        explorer.run_in_background();
        explorer.begin_gesture();
        for i in 0..steps {
            let from = first.0 + ((last.0 - first.0 - window).max(0) * i as i32) / steps as i32;
            let t = Instant::now();
            explorer.set_filter_live(crate::filter::Filter {
                from: Some(Day(from + 1)),
                to: Some(Day(from + 1 + window)),
                ..base.clone()
            });
            let mut on_this_thread = ms(t);
            // The window polls once a frame; here every millisecond.
            while explorer.is_filtering() {
                let t = Instant::now();
                explorer.poll_graph(false);
                on_this_thread += ms(t);
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            let graph_ready = ms(t);
            let t1 = Instant::now();
            let shown = explorer.shown();
            let job = job(explorer, view, &shown);
            on_this_thread += ms(t1);
            worker_drag.push(on_this_thread);
            worker_drag_latency.push(graph_ready + job.build(&reuse).build_ms);
        }
        explorer.set_filter_live(base);
        while explorer.is_filtering() {
            explorer.poll_graph(true);
        }
        explorer.end_gesture();
    }
    let drag_max = drag.iter().copied().fold(0.0, f64::max);
    let worker_drag_max = worker_drag.iter().copied().fold(0.0, f64::max);
    FrameStats {
        entities: explorer.graph().entities.len(),
        links: explorer.graph().links.len(),
        runs: total.len(),
        instances: count,
        mesh_vertices,
        scene_ms_median: median(&mut scene_ms),
        mesh_ms_median: median(&mut mesh_ms),
        tessellate_ms_median: median(&mut tess_ms),
        frame_ms_median: median(&mut total),
        frame_ms_p90: p90(&mut total),
        steady_frame_ms_median: median(&mut steady),
        egui_mesh_frame_ms_median: median(&mut egui_mesh),
        drag_step_ms_median: median(&mut drag),
        drag_step_ms_max: drag_max,
        worker_frame_ms_median: median(&mut worker_frame),
        worker_drag_step_ms_median: median(&mut worker_drag),
        worker_drag_step_ms_max: worker_drag_max,
        worker_drag_latency_ms_median: median(&mut worker_drag_latency),
        worker_scene_ms_median: median(&mut worker_scene),
        lod_folded_links: lod.scene.density.as_ref().map_or(0, |d| d.links),
        lod_instances: lod.instances.count(),
        lod_texture_ms_median: median(&mut lod_texture),
    }
}
