//! The network as last drawn and what it was drawn from: when the canvas builds a new scene
//! (in the frame, or on the scene worker for a large network: `scene_worker.rs`), and the
//! GPU records or egui mesh it is drawn with. A frame whose hash of what the picture shows
//! matches draws the last network again.

use egui::{Pos2, Rect, Vec2};

use super::app::LadingApp;
use super::canvas::network_mesh;
use super::scene_worker::{ASYNC_AFTER_MS, Built, SceneJob, SceneWorker};
use crate::scene::{Scene, View};

/// The network as last drawn, and what it was drawn from.
pub struct Network {
    /// A hash of everything the picture depends on (see [`network_key`]).
    pub(super) key: u64,
    /// Counts rebuilds: the GPU buffers are refilled when it changes.
    pub(super) generation: u64,
    /// The view the scene was built for, and the canvas's corner in the window then.
    pub(super) view: View,
    pub(super) corner: Pos2,
    /// Where the drawn records' points are from the scene's (the mesh's: the corner).
    pub(super) origin: Vec2,
    /// How long building it took: over [`ASYNC_AFTER_MS`], the next one goes to the worker.
    pub(super) build_ms: f64,
    pub scene: Scene,
    /// Links and nodes, in window points, as the painter in use takes them.
    pub(super) drawn: Drawn,
    /// The scene's density image (level of detail), uploaded once.
    pub(super) density: Option<egui::TextureHandle>,
}

/// The scene's density image as a texture, filtered linearly: it is drawn scaled while a newer
/// scene is being built.
fn density_texture(ctx: &egui::Context, scene: &Scene) -> Option<egui::TextureHandle> {
    scene.density.as_ref().map(|d| {
        let size = [d.width as usize, d.height as usize];
        let image = egui::ColorImage::from_rgba_unmultiplied(size, &d.rgba);
        ctx.load_texture("network density", image, egui::TextureOptions::LINEAR)
    })
}

/// The network's links and nodes for the GPU (records expanded by shaders) or, without
/// OpenGL, as one egui triangle mesh.
pub(super) enum Drawn {
    Gpu(std::sync::Arc<super::gpu::Instances>),
    Mesh(std::sync::Arc<egui::epaint::Mesh>),
}

/// A hash of what the network picture shows: the graph, the doc (filter, hidden, pins,
/// annotations), positions, selection, path, view, canvas, style and display options.
/// Not the pointer: hovering draws over the picture.
pub(super) fn network_key(
    app: &LadingApp,
    explorer: &crate::explorer::Explorer,
    rect: Rect,
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    explorer.revision().hash(&mut h);
    explorer.doc_generation().hash(&mut h);
    for (id, [x, y]) in explorer.positions().iter() {
        (id, x.to_bits(), y.to_bits()).hash(&mut h);
    }
    explorer.selection.hash(&mut h);
    explorer.selected_link.hash(&mut h);
    explorer.path.hash(&mut h);
    let v = app.view;
    for f in [
        v.center[0],
        v.center[1],
        v.zoom,
        v.size[0],
        v.size[1],
        v.scale,
    ] {
        f.to_bits().hash(&mut h);
    }
    for f in [rect.min.x, rect.min.y] {
        f.to_bits().hash(&mut h);
    }
    (app.ui.size_by, app.ui.show_labels, app.style.theme).hash(&mut h);
    if app.ui.size_by == crate::scene::SizeBy::Betweenness {
        app.ui.brokers.result.as_ref().map(|(r, _)| *r).hash(&mut h);
    }
    // The GPU failing to set up (known only after its first paint) calls for the mesh.
    app.gpu.as_ref().map(|g| g.failed()).hash(&mut h);
    h.finish()
}

/// Brings `app.network` to `key`: adopts a scene the worker has built, then builds a new one
/// in the frame, or, when the last one took longer than a frame can spare and OpenGL draws
/// it, asks the worker for it and draws the last one meanwhile.
pub(super) fn update_network(app: &mut LadingApp, ctx: &egui::Context, rect: Rect, key: u64) {
    let Some(explorer) = app.explorer.as_ref() else {
        return;
    };
    if let Some(built) = app.scene_worker.as_mut().and_then(|w| w.take())
        // Not a scene of a database closed since (its index is another).
        && std::sync::Arc::ptr_eq(&built.index, &explorer.shared().0)
    {
        let previous = app.network.take();
        app.network = Some(Network::adopt(ctx, built, previous));
    }
    let Some(network) = app.network.as_ref() else {
        app.network = Some(build_network(app, ctx, explorer, rect, key, None));
        return;
    };
    if network.key == key {
        return;
    }
    let gpu = app.gpu.as_ref().is_some_and(|g| !g.failed());
    let slow = network.build_ms > ASYNC_AFTER_MS && matches!(network.drawn, Drawn::Gpu(_));
    // A new pixel density or canvas corner changes what a moved scene cannot show.
    let same_frame = network.view.scale == app.view.scale && network.corner == rect.min;
    if gpu && slow && same_frame {
        if app.scene_worker.is_none() {
            let ctx = ctx.clone();
            let reuse = std::sync::Arc::clone(&app.scene_reuse);
            app.scene_worker = SceneWorker::start(reuse, move || ctx.request_repaint()).ok();
        }
        if app.scene_worker.as_ref().is_some_and(SceneWorker::busy) {
            // The newest state is sent when this one comes back: the frame does no scene
            // work while the worker builds.
            return;
        }
        let job = scene_job(app, explorer, key);
        if let Some(worker) = app.scene_worker.as_mut()
            && worker.submit(job)
        {
            return;
        }
        app.scene_worker = None;
    }
    let previous = app.network.take();
    app.network = Some(build_network(app, ctx, explorer, rect, key, previous));
}

/// What a scene of the window's current state is built from, for the worker or the frame;
/// what the graph shows comes from the explorer, which keeps it until the graph or the
/// filter changes.
pub(super) fn scene_job(
    app: &LadingApp,
    explorer: &crate::explorer::Explorer,
    key: u64,
) -> SceneJob {
    SceneJob::new(
        key,
        explorer,
        &app.style,
        app.view,
        app.ui.size_by,
        app.ui.show_labels,
        &app.ui.brokers.betweenness,
        explorer.shown(),
    )
}

fn build_network(
    app: &LadingApp,
    ctx: &egui::Context,
    explorer: &crate::explorer::Explorer,
    rect: Rect,
    key: u64,
    previous: Option<Network>,
) -> Network {
    let started = std::time::Instant::now();
    // The same job the worker takes, built here.
    let scene = scene_job(app, explorer, key).scene(Some(&app.scene_reuse));
    // The last network's vectors are reused once the painter has let go of them, so a large
    // network does not allocate (and page-fault in) megabytes at every change.
    let (old_instances, old_mesh) = match previous.map(|n| n.drawn) {
        Some(Drawn::Gpu(i)) => (std::sync::Arc::into_inner(i), None),
        Some(Drawn::Mesh(m)) => (None, std::sync::Arc::into_inner(m)),
        None => (None, None),
    };
    // GPU records at the scene's own points (the shader places them); the mesh at the
    // canvas's corner (egui draws it as it is).
    let (drawn, origin) = if app.gpu.as_ref().is_some_and(|g| !g.failed()) {
        let mut instances = old_instances.unwrap_or_default();
        instances.fill(Vec2::ZERO, &scene);
        (Drawn::Gpu(std::sync::Arc::new(instances)), Vec2::ZERO)
    } else {
        let mut mesh = old_mesh.unwrap_or_default();
        let origin = rect.min.to_vec2();
        network_mesh(&mut mesh, origin, &scene);
        (Drawn::Mesh(std::sync::Arc::new(mesh)), origin)
    };
    Network {
        key,
        generation: next_generation(),
        view: app.view,
        corner: rect.min,
        origin,
        build_ms: started.elapsed().as_secs_f64() * 1e3,
        density: density_texture(ctx, &scene),
        scene,
        drawn,
    }
}

/// Unique for the process, so GPU buffers are never mistaken for another network's.
fn next_generation() -> u64 {
    static GENERATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    GENERATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Network {
    /// A scene the worker built, as the network to draw. The canvas corner is the previous
    /// network's: a job is only sent while it stays put.
    fn adopt(ctx: &egui::Context, built: Built, previous: Option<Network>) -> Network {
        Network {
            key: built.key,
            generation: next_generation(),
            view: built.view,
            corner: previous.as_ref().map_or(Pos2::ZERO, |n| n.corner),
            origin: Vec2::ZERO,
            build_ms: built.build_ms,
            density: density_texture(ctx, &built.scene),
            scene: built.scene,
            drawn: Drawn::Gpu(std::sync::Arc::new(built.instances)),
        }
    }

    /// The view the scene was built for.
    pub(super) fn built_for(&self) -> View {
        self.view
    }

    /// How long building the scene took, in milliseconds.
    pub(super) fn build_ms(&self) -> f64 {
        self.build_ms
    }
}
