//! Scenes of large networks, built on another thread.
//!
//! A scene of 74,000 shown entities and 290,000 links takes far longer than a frame to build
//! (nodes, links and their part-type stripes, label placement). When the canvas's last scene
//! took longer than [`ASYNC_AFTER_MS`] to build and the network is drawn by OpenGL, a change
//! of view, positions or marks sends a [`SceneJob`] (everything a scene is built from, owned
//! or shared) to this worker instead of building it in the frame. Until the new scene comes
//! back, the canvas draws the last one moved and scaled to the current view ([`Place`]): a
//! pan or a zoom follows the pointer at once, exact for positions while widths, radii and
//! text keep their size. The worker always builds the newest job waiting and drops older
//! ones, so a stream of changes (a layout settling, a drag) never queues up.
//!
//! A small network is built in the frame as before, so what the window shows (and what
//! kittest sees) does not depend on thread timing.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::time::Instant;

use egui::{Pos2, Vec2, pos2};
use rustc_hash::{FxHashMap, FxHashSet};

use super::gpu::Instances;
use crate::annotation::{Annotations, Resolved};
use crate::explorer::Explorer;
use crate::filter::{FilteredGraph, LinkKind};
use crate::index::ShipmentIndex;
use crate::layout::Positions;
use crate::model::EntityId;
use crate::scene::reuse::Reuse;
use crate::scene::{self, Marks, Scene, SceneInput, Shown, SizeBy, View};
use crate::style::Style;

/// A scene that took longer than this to build (milliseconds) is built on the worker next
/// time: half of a 60 Hz frame, leaving the rest for egui and the panels.
pub const ASYNC_AFTER_MS: f64 = 8.0;

/// Where a scene's points go in the window: `p * scale + offset`. The identity for a scene
/// built for the current view is `scale` 1 and the canvas's corner; for a scene built for
/// another view, [`Place::between`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Place {
    pub scale: f32,
    pub offset: Vec2,
}

impl Place {
    /// A scene built for the current view, drawn in a canvas whose corner is at `origin`.
    pub fn at(origin: Vec2) -> Place {
        Place {
            scale: 1.0,
            offset: origin,
        }
    }

    /// A scene built for `built`, drawn for `now` in a canvas whose corner is at `origin`:
    /// every world point lands where `now` puts it.
    pub fn between(built: &View, now: &View, origin: Vec2) -> Place {
        let k = if built.zoom > 0.0 && now.zoom.is_finite() {
            now.zoom / built.zoom
        } else {
            1.0
        };
        // now.to_screen(w) = k * built.to_screen(w) + t, for every world point w.
        let t = |i: usize| {
            -k * built.size[i] / 2.0
                + (built.center[i] - now.center[i]) * now.zoom
                + now.size[i] / 2.0
        };
        Place {
            scale: k,
            offset: origin + Vec2::new(t(0), t(1)),
        }
    }

    /// A scene point in the window.
    pub fn pos(&self, p: [f32; 2]) -> Pos2 {
        pos2(p[0] * self.scale, p[1] * self.scale) + self.offset
    }

    /// The same map for records written `origin` from the scene's points (the GPU's records
    /// are written at the scene's own points, the mesh's at the canvas's corner).
    pub fn after(&self, origin: Vec2) -> Place {
        Place {
            scale: self.scale,
            offset: self.offset - origin * self.scale,
        }
    }
}

/// The marks the canvas draws for the explorer's state (selection, path, pins, annotations,
/// screening's flagged links), owned, so a scene can be built from them on another thread.
/// The export dialog uses the same, so a picture holds what the canvas shows.
#[derive(Clone, Debug, Default)]
pub struct CanvasMarks {
    selection: BTreeSet<EntityId>,
    selected_link: Option<(EntityId, EntityId, LinkKind)>,
    path: Vec<EntityId>,
    pinned: BTreeSet<EntityId>,
    annotations: Annotations,
    /// The annotations' entity keys, resolved on the explorer's thread.
    ids: HashMap<String, EntityId>,
    flagged: FxHashSet<(EntityId, EntityId)>,
}

impl CanvasMarks {
    pub fn new(explorer: &Explorer) -> CanvasMarks {
        let annotations = explorer.doc().annotations.clone();
        let ids = std::cell::RefCell::new(HashMap::new());
        Resolved::new(&annotations, |k| {
            let id = explorer.id_of_key(k);
            if let Some(id) = id {
                ids.borrow_mut().insert(k.to_owned(), id);
            }
            id
        });
        CanvasMarks {
            selection: explorer.selection.clone(),
            selected_link: explorer.selected_link,
            path: explorer.path.clone(),
            pinned: explorer.doc().pinned.keys().copied().collect(),
            annotations,
            ids: ids.into_inner(),
            flagged: explorer.screening().flagged_links(),
        }
    }

    /// The annotations with their keys resolved: what [`CanvasMarks::marks`] reads.
    pub fn resolved(&self) -> Resolved<'_> {
        Resolved::new(&self.annotations, |k| self.ids.get(k).copied())
    }

    /// The scene's marks; pins drawn when `show_pins`.
    pub fn marks<'a>(&'a self, resolved: &'a Resolved<'a>, show_pins: bool) -> Marks<'a> {
        Marks {
            selected: Some(&self.selection),
            selected_link: self.selected_link,
            path: &self.path,
            pinned: Some(&self.pinned),
            show_pins,
            after_listing: Some(&self.flagged),
            ..resolved.marks()
        }
    }
}

/// Everything a canvas scene is built from.
pub struct SceneJob {
    /// The canvas's hash of what the picture shows: the built scene answers to it.
    pub key: u64,
    pub index: Arc<ShipmentIndex>,
    pub filter: crate::filter::Filter,
    pub graph: Arc<FilteredGraph>,
    pub positions: Positions,
    pub style: Style,
    pub view: View,
    pub marks: CanvasMarks,
    pub betweenness: Option<FxHashMap<EntityId, f64>>,
    pub size_by: SizeBy,
    pub labels: bool,
    /// What the graph shows (the explorer keeps it per graph and filter).
    pub shown: Arc<Shown>,
    /// The whole range's maxima while the timeline plays (sizes held fixed).
    pub size_max: Option<(f64, f64)>,
}

impl SceneJob {
    /// The job for the explorer's current state.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        key: u64,
        explorer: &Explorer,
        style: &Style,
        view: View,
        size_by: SizeBy,
        labels: bool,
        betweenness: &FxHashMap<EntityId, f64>,
        shown: Arc<Shown>,
    ) -> SceneJob {
        let (index, graph) = explorer.shared();
        SceneJob {
            key,
            index,
            filter: explorer.filter().clone(),
            graph,
            positions: explorer.positions().clone(),
            style: style.clone(),
            view,
            marks: CanvasMarks::new(explorer),
            // Only sizing by betweenness reads it.
            betweenness: (size_by == SizeBy::Betweenness).then(|| betweenness.clone()),
            size_by,
            labels,
            shown,
            size_max: explorer.playback_size_max(size_by),
        }
    }

    /// Builds the scene and its GPU records (written at the scene's own points), with what
    /// the worker's last scene lends (`scene::reuse`).
    pub fn build(&self, reuse: &std::sync::Mutex<Reuse>) -> Built {
        let t = Instant::now();
        let scene = self.scene(Some(reuse));
        let mut instances = Instances::default();
        instances.fill(Vec2::ZERO, &scene);
        Built {
            key: self.key,
            index: Arc::clone(&self.index),
            view: self.view,
            scene,
            instances,
            build_ms: t.elapsed().as_secs_f64() * 1e3,
        }
    }

    /// Gets the labels of a timeline about to play ready in `reuse` (`scene::prepare_labels`).
    pub fn prepare_labels(&self, reuse: &std::sync::Mutex<Reuse>) {
        let resolved = self.marks.resolved();
        let mut input = self.input(&resolved);
        input.reuse = Some(reuse);
        scene::prepare_labels(&input);
    }

    /// The scene alone (what the canvas builds in the frame for a small network).
    pub fn scene(&self, reuse: Option<&std::sync::Mutex<Reuse>>) -> Scene {
        let resolved = self.marks.resolved();
        let mut input = self.input(&resolved);
        input.reuse = reuse;
        scene::build(&input)
    }

    /// What the scene is built from.
    fn input<'a>(&'a self, resolved: &'a Resolved) -> SceneInput<'a> {
        let mut input = SceneInput::new(
            &self.index,
            &self.filter,
            &self.graph,
            &self.positions,
            &self.style,
            self.view,
        );
        input.marks = self.marks.marks(resolved, true);
        input.marks.betweenness = self.betweenness.as_ref();
        input.size_by = self.size_by;
        input.labels = self.labels;
        input.shown = Some(&self.shown);
        input.size_max = self.size_max;
        // The window folds piled-up hairlines into a density image; pictures do not.
        input.lod = true;
        input
    }
}

/// A scene built by the worker.
pub struct Built {
    pub key: u64,
    /// The index it was built from: a scene of another database is not drawn.
    pub index: Arc<ShipmentIndex>,
    /// The view it was built for.
    pub view: View,
    pub scene: Scene,
    pub instances: Instances,
    pub build_ms: f64,
}

/// The worker thread and the channels to it. Dropping it ends the thread.
pub struct SceneWorker {
    jobs: Sender<SceneJob>,
    built: Receiver<Built>,
    /// The key of the newest job sent and not yet come back.
    pending: Option<u64>,
}

impl SceneWorker {
    /// Starts the thread; `wake` is called when a scene is ready (the window repaints).
    /// `reuse`: what scenes lend each other, shared with the window's own builds.
    pub fn start(
        reuse: Arc<std::sync::Mutex<Reuse>>,
        wake: impl Fn() + Send + 'static,
    ) -> std::io::Result<SceneWorker> {
        let (jobs, job_rx) = mpsc::channel::<SceneJob>();
        let (built_tx, built) = mpsc::channel();
        std::thread::Builder::new()
            .name("lading-scene".into())
            .spawn(move || {
                while let Ok(mut job) = job_rx.recv() {
                    // Only the newest job waiting is worth building.
                    loop {
                        match job_rx.try_recv() {
                            Ok(newer) => job = newer,
                            Err(TryRecvError::Empty) => break,
                            Err(TryRecvError::Disconnected) => return,
                        }
                    }
                    if built_tx.send(job.build(&reuse)).is_err() {
                        return;
                    }
                    wake();
                }
            })?;
        Ok(SceneWorker {
            jobs,
            built,
            pending: None,
        })
    }

    /// Sends a job. False when the thread has gone (the caller builds in the frame
    /// instead).
    pub fn submit(&mut self, job: SceneJob) -> bool {
        let key = job.key;
        if self.jobs.send(job).is_err() {
            return false;
        }
        self.pending = Some(key);
        true
    }

    /// The newest scene built since the last call, if any.
    pub fn take(&mut self) -> Option<Built> {
        let mut newest = None;
        while let Ok(b) = self.built.try_recv() {
            if self.pending == Some(b.key) {
                self.pending = None;
            }
            newest = Some(b);
        }
        newest
    }

    /// Whether a job is on its way.
    pub fn busy(&self) -> bool {
        self.pending.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(center: [f32; 2], zoom: f32, size: [f32; 2]) -> View {
        View {
            center,
            zoom,
            size,
            scale: 1.0,
        }
    }

    #[test]
    fn place_between_views_puts_world_points_where_the_new_view_does() {
        let built = view([10.0, -5.0], 2.0, [800.0, 600.0]);
        let origin = Vec2::new(30.0, 40.0);
        for now in [
            built,
            view([12.0, -1.0], 2.0, [800.0, 600.0]),
            view([0.0, 0.0], 7.5, [1024.0, 700.0]),
            view([-300.0, 90.0], 0.1, [640.0, 480.0]),
        ] {
            let place = Place::between(&built, &now, origin);
            for w in [[0.0, 0.0], [10.0, -5.0], [123.0, 45.0], [-77.0, 300.0]] {
                let got = place.pos(built.to_screen(w));
                let want = pos2(now.to_screen(w)[0], now.to_screen(w)[1]) + origin;
                assert!((got - want).length() < 1e-2, "{w:?}: {got:?} vs {want:?}");
            }
        }
        assert_eq!(Place::between(&built, &built, origin), Place::at(origin));
    }

    #[test]
    fn place_after_an_origin_maps_records_written_there() {
        let place = Place {
            scale: 2.0,
            offset: Vec2::new(5.0, 7.0),
        };
        let origin = Vec2::new(100.0, 50.0);
        let p = [3.0, 4.0];
        let recorded = pos2(p[0], p[1]) + origin;
        let got = place.after(origin).pos([recorded.x, recorded.y]);
        assert!((got - place.pos(p)).length() < 1e-4);
    }
}
