//! The settle schedule: how the window, headless renders and `lading layout --settle` take
//! a graph from its start to a settled picture.
//!
//! A cold start (random or given positions) is multilevel: the graph is coarsened
//! ([`super::coarsen`]) into a hierarchy down to a few dozen nodes; the coarsest graph is
//! laid out first, and each settled level is *prolonged* to the next finer one (every node
//! starts at its group's place, scattered in a small disc whose area grows with the group)
//! and refined there. The coarse levels fix the large-scale arrangement, which a single
//! level only reaches after hundreds of iterations, for a small share of the cost; the
//! finest level then only has local work left. A warm start (a filter change keeping the
//! old picture) runs the finest level alone, so the picture does not jump.
//!
//! Every level uses the inertial speed rule ([`SpeedMode::Inertial`]) and the Barnes-Hut
//! theta [`THETA`] ([`COARSE_THETA`] on the small coarse levels), and stops by one rule: the
//! average step, smoothed over a few iterations, falls below a small share of the picture's
//! RMS radius ([`settle_movement`] on the full graph, [`COARSE_SETTLE_MOVEMENT`] above it),
//! or has not fallen by a tenth for [`PATIENCE`] iterations (it only jitters), or the
//! level has run [`MAX_FINE_ITERATIONS`] (the full graph), [`MAX_COARSE_ITERATIONS`] or
//! [`MAX_BIG_COARSE_ITERATIONS`] iterations, so it always ends. The forces (scaling, gravity, LinLog, ...) are the
//! caller's. While a coarse level runs, [`Settle::positions`] gives every node its group's
//! place, so a window can draw the layout as it moves from the first frame.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use super::coarsen::{self, Level};
use super::{ForceAtlas2, LayoutError, LayoutGraph, LayoutSettings, Positions, SpeedMode, Start};
use crate::model::EntityId;

/// Barnes-Hut theta of the schedule (classic `s / d < theta`): twice graphology's default
/// in this form's terms, but with exact cell masses, so still more accurate than graphology
/// (2% RMS against its ~11%; see the quadtree's tests).
pub const THETA: f32 = 1.0;
/// Barnes-Hut theta of the small coarse levels, which fix the large-scale arrangement and
/// cost little: more accuracy there pays.
pub const COARSE_THETA: f32 = 0.7;
/// The layout has settled when the finest level's smoothed mean step is below this share
/// of its RMS radius (about 2 px a step on a 300 px wide picture, and slowing).
pub const SETTLE_MOVEMENT: f32 = 6.0e-3;
/// Small graphs settle further, to this share, since their iterations cost next to nothing
/// (an 11-node picture stopped at 0.6% still had its long links stretched).
pub const SMALL_SETTLE_MOVEMENT: f32 = 2.0e-4;

/// The finest level's threshold for `n` nodes: [`SMALL_SETTLE_MOVEMENT`] up to 500 nodes,
/// [`SETTLE_MOVEMENT`] from 5,000, geometric in between.
pub fn settle_movement(n: usize) -> f32 {
    let t = ((n.max(1) as f32 / 500.0).log10()).clamp(0.0, 1.0);
    SMALL_SETTLE_MOVEMENT * (SETTLE_MOVEMENT / SMALL_SETTLE_MOVEMENT).powf(t)
}

/// A coarse level is done when its smoothed mean step is below this share: its picture
/// only has to be roughly right, the next level refines it.
pub const COARSE_SETTLE_MOVEMENT: f32 = 2.0e-2;
/// A level also ends when its smoothed movement has not fallen by a tenth for this many
/// iterations.
pub const PATIENCE: u64 = 40;
/// Smoothing of the movement: each iteration's weight in the running mean.
const SMOOTHING: f32 = 0.25;
/// Cap on the finest level's iterations (bad input ends here).
pub const MAX_FINE_ITERATIONS: u64 = 1_000;
/// Cap on each small coarse level's iterations.
pub const MAX_COARSE_ITERATIONS: u64 = 30;
/// Cap on each big coarse level's iterations (see [`is_big`]).
pub const MAX_BIG_COARSE_ITERATIONS: u64 = 10;
/// A prolonged node lands within this share of the coarse picture's mean spacing, times
/// the square root of its group's size, from its group's place.
const SPREAD: f32 = 0.3;

/// Iterations spent on one level.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LevelReport {
    pub nodes: usize,
    pub edges: usize,
    pub iterations: u64,
    /// Time spent on the level's iterations (and its start), in milliseconds.
    pub ms: f64,
}

/// A layout following the settle schedule. See the module documentation.
pub struct Settle {
    graph: LayoutGraph,
    settings: LayoutSettings,
    /// `levels[0]` is the input graph; higher indices are coarser.
    levels: Vec<Level>,
    /// The level the engine runs now.
    current: usize,
    engine: ForceAtlas2,
    /// Iterations on the current level since it started (or was woken).
    level_iterations: u64,
    iterations: u64,
    smoothed: f32,
    /// Lowest smoothed movement on this level, and iterations since it last fell by a tenth.
    best: f32,
    since_best: u64,
    settled: bool,
    report: Vec<LevelReport>,
}

impl std::fmt::Debug for Settle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settle")
            .field("levels", &self.levels.len())
            .field("current", &self.current)
            .field("iterations", &self.iterations)
            .field("settled", &self.settled)
            .finish_non_exhaustive()
    }
}

impl Settle {
    /// Prepares the schedule for `graph` with the caller's forces (`settings`; the speed
    /// rule and theta are the schedule's). A warm start runs the finest level only.
    pub fn new(
        graph: &LayoutGraph,
        settings: LayoutSettings,
        start: Start<'_>,
    ) -> Result<Settle, LayoutError> {
        let settings = LayoutSettings {
            speed: SpeedMode::Inertial,
            theta: THETA,
            ..settings
        };
        settings.validate()?;
        let n = graph.node_count();
        // A "picture" where most nodes share their place with others is the coarse stage of
        // an interrupted schedule (every node at its group's place), not a layout to keep:
        // start cold from it, which restricts it back to the coarse level it came from.
        let start = match start {
            Start::Warm(p) if mostly_stacked(graph, p) => Start::Given(p),
            s => s,
        };
        let levels = match start {
            Start::Warm(_) => vec![Level::default()],
            Start::Random | Start::Given(_) => coarsen::hierarchy(n, &graph.edges),
        };
        let fine = ForceAtlas2::new(graph, settings, start)?;
        let current = levels.len() - 1;
        let engine = if current == 0 {
            fine
        } else {
            // Coarse starts: the mass-weighted mean of the members' start positions.
            let mut pos: Vec<[f32; 2]> = fine.raw_positions().to_vec();
            for k in 0..current {
                pos = restrict(&levels[k], levels[k + 1].mass.len(), &pos);
            }
            let mut e = level_engine(&levels[current], settings, n)?;
            e.set_raw_positions(&pos);
            e
        };
        let mut s = Settle {
            graph: graph.clone(),
            settings,
            levels,
            current,
            engine,
            level_iterations: 0,
            iterations: 0,
            smoothed: f32::INFINITY,
            best: f32::INFINITY,
            since_best: 0,
            settled: n == 0,
            report: Vec::new(),
        };
        s.open_report();
        Ok(s)
    }

    fn open_report(&mut self) {
        let (nodes, edges) = if self.current == 0 {
            (self.graph.node_count(), self.graph.edge_count())
        } else {
            let l = &self.levels[self.current];
            (l.mass.len(), l.edges.len())
        };
        self.report.push(LevelReport {
            nodes,
            edges,
            iterations: 0,
            ms: 0.0,
        });
    }

    /// One iteration of the current level (moving to the next finer level when it has
    /// settled). Returns whether the whole layout has settled.
    pub fn step(&mut self) -> bool {
        if self.settled {
            return true;
        }
        let t0 = std::time::Instant::now();
        self.engine.step();
        self.iterations += 1;
        self.level_iterations += 1;
        if let Some(r) = self.report.last_mut() {
            r.iterations += 1;
            r.ms += t0.elapsed().as_secs_f64() * 1e3;
        }
        let m = self.engine.movement();
        self.smoothed = if self.smoothed.is_finite() && m.is_finite() {
            self.smoothed + SMOOTHING * (m - self.smoothed)
        } else {
            m
        };
        let threshold = if self.current == 0 {
            settle_movement(self.graph.node_count())
        } else {
            COARSE_SETTLE_MOVEMENT
        };
        let cap = if self.current == 0 {
            MAX_FINE_ITERATIONS
        } else if is_big(
            self.report.last().map_or(0, |r| r.nodes),
            self.graph.node_count(),
        ) {
            MAX_BIG_COARSE_ITERATIONS
        } else {
            MAX_COARSE_ITERATIONS
        };
        if self.smoothed < 0.9 * self.best {
            self.best = self.smoothed;
            self.since_best = 0;
        } else {
            self.since_best += 1;
        }
        // The first iterations of a level decide nothing: the smoothed value needs a few. A
        // level whose movement has stopped falling only jitters in place (a dense disc of
        // leaves under strong gravity does, at about 1%): it is as settled as it gets.
        let quiet = self.level_iterations >= 3
            && (self.smoothed < threshold || self.since_best >= PATIENCE);
        if quiet || self.level_iterations >= cap {
            if self.current == 0 {
                self.settled = true;
            } else {
                self.prolong(self.current - 1);
            }
        }
        self.settled
    }

    /// Moves to level `to` (finer than the current one), placing its nodes around their
    /// groups' places.
    fn prolong(&mut self, to: usize) {
        let coarse = self.engine.raw_positions().to_vec();
        let mut pos = coarse;
        let mut rng = Pcg64::seed_from_u64(self.settings.seed ^ (0x5eed_0000 + to as u64));
        for k in (to..self.current).rev() {
            pos = scatter(&self.levels[k], &pos, &mut rng);
        }
        let engine = if to == 0 {
            ForceAtlas2::new(&self.graph, self.settings, Start::Random)
        } else {
            level_engine(&self.levels[to], self.settings, self.graph.node_count())
        };
        // Building an engine fails only for settings or sizes already accepted above; if it
        // did, stay on the level we have and call it settled rather than panic.
        let Ok(mut engine) = engine else {
            self.settled = true;
            return;
        };
        engine.set_raw_positions(&pos);
        self.engine = engine;
        self.current = to;
        self.level_iterations = 0;
        self.smoothed = f32::INFINITY;
        self.best = f32::INFINITY;
        self.since_best = 0;
        self.open_report();
    }

    /// Runs iterations until `budget` has elapsed (at least one) or the layout settles.
    pub fn run_for(&mut self, budget: std::time::Duration) -> u64 {
        let start = std::time::Instant::now();
        let mut done = 0;
        loop {
            let settled = self.step();
            done += 1;
            if settled || start.elapsed() >= budget {
                return done;
            }
        }
    }

    /// Steps until settled (at most the caps allow). Returns the iterations run.
    pub fn run_to_settled(&mut self) -> u64 {
        let before = self.iterations;
        while !self.step() {}
        self.iterations - before
    }

    /// Whether the whole layout has settled.
    pub fn is_settled(&self) -> bool {
        self.settled
    }

    /// Iterations run so far, all levels together.
    pub fn iterations(&self) -> u64 {
        self.iterations
    }

    /// Iterations run on the input graph itself (the finest level).
    pub fn fine_iterations(&self) -> u64 {
        if self.current == 0 {
            self.report.last().map_or(0, |r| r.iterations)
        } else {
            0
        }
    }

    /// The levels run so far, coarsest first, with their sizes and iterations.
    pub fn report(&self) -> &[LevelReport] {
        &self.report
    }

    /// Number of levels of the hierarchy (1 = the graph alone).
    pub fn level_count(&self) -> usize {
        self.levels.len()
    }

    /// The smoothed movement the settle rule looks at.
    pub fn movement(&self) -> f32 {
        self.smoothed
    }

    /// The settings in use (the caller's forces, the schedule's speed and theta).
    pub fn settings(&self) -> &LayoutSettings {
        &self.settings
    }

    /// Skips the remaining coarse levels (a pin or a drag needs the real nodes).
    fn skip_to_finest(&mut self) {
        if self.current > 0 {
            self.prolong(0);
        }
    }

    /// Pins or unpins a node (see [`ForceAtlas2::set_pinned`]); wakes the layout.
    pub fn set_pinned(&mut self, id: EntityId, pinned: bool) -> bool {
        self.skip_to_finest();
        let known = self.engine.set_pinned(id, pinned);
        if known {
            self.wake();
        }
        known
    }

    /// Moves a node (see [`ForceAtlas2::set_position`]); wakes the layout.
    pub fn set_position(&mut self, id: EntityId, position: [f32; 2]) -> bool {
        self.skip_to_finest();
        let known = self.engine.set_position(id, position);
        if known {
            self.wake();
        }
        known
    }

    fn wake(&mut self) {
        self.settled = self.graph.node_count() == 0;
        self.level_iterations = 0;
        self.smoothed = f32::INFINITY;
        self.best = f32::INFINITY;
        self.since_best = 0;
    }

    /// Whether a node is pinned.
    pub fn is_pinned(&self, id: EntityId) -> bool {
        self.current == 0 && self.engine.is_pinned(id)
    }

    /// Positions of every node of the input graph, in node order; while a coarse level
    /// runs, each node is at its group's place.
    pub fn raw_positions(&self) -> Vec<[f32; 2]> {
        let mut pos = self.engine.raw_positions().to_vec();
        for k in (0..self.current).rev() {
            pos = self.levels[k]
                .parent
                .iter()
                .map(|&g| pos[g as usize])
                .collect();
        }
        pos
    }

    /// All positions by entity id.
    pub fn positions(&self) -> Positions {
        let mut out = Positions::default();
        self.positions_into(&mut out);
        out
    }

    /// All positions by entity id into an existing buffer.
    pub fn positions_into(&self, out: &mut Positions) {
        if self.current == 0 {
            self.engine.positions_into(out);
        } else {
            *out = Positions::from_pairs(self.graph.ids.iter().copied().zip(self.raw_positions()));
        }
    }

    /// The input graph.
    pub fn graph(&self) -> &LayoutGraph {
        &self.graph
    }
}

/// Whether over a quarter of the graph's nodes have a given position shared with another
/// node.
fn mostly_stacked(graph: &LayoutGraph, given: &Positions) -> bool {
    let at: Vec<(u32, u32)> = graph
        .ids
        .iter()
        .filter_map(|&id| given.get(id))
        .map(|p| (p[0].to_bits(), p[1].to_bits()))
        .collect();
    if at.len() < 8 {
        return false;
    }
    // Nodes sharing a place with one counted before: all but the distinct places (a set,
    // not a sort: this runs at every layout restart, each step of a playing timeline).
    let distinct: rustc_hash::FxHashSet<(u32, u32)> = at.iter().copied().collect();
    let stacked = at.len() - distinct.len();
    stacked * 4 > graph.node_count()
}

/// An engine for a coarse level: nodes `0..n`, the level's masses and links.
fn level_engine(
    level: &Level,
    settings: LayoutSettings,
    fine_nodes: usize,
) -> Result<ForceAtlas2, LayoutError> {
    let n = level.mass.len();
    let graph = LayoutGraph {
        ids: (0..n as EntityId).collect(),
        sizes: vec![1.0; n],
        edges: level.edges.clone(),
        report: Default::default(),
    };
    let settings = LayoutSettings {
        adjust_sizes: false,
        theta: if is_big(n, fine_nodes) {
            settings.theta
        } else {
            COARSE_THETA
        },
        ..settings
    };
    ForceAtlas2::with_masses(&graph, Some(&level.mass), settings, Start::Random)
}

/// Whether a coarse level is big (over a quarter of the input's nodes): such a level mostly
/// refines locally, which the finer levels do anyway, so it runs few iterations at the
/// finest level's theta.
fn is_big(nodes: usize, fine_nodes: usize) -> bool {
    nodes * 4 > fine_nodes
}

/// Positions of the next coarser level from `fine` ones: the mass-weighted mean of each
/// group's members.
fn restrict(level: &Level, groups: usize, fine: &[[f32; 2]]) -> Vec<[f32; 2]> {
    let mut sum = vec![[0.0f64; 3]; groups];
    for (i, &g) in level.parent.iter().enumerate() {
        let m = level.mass[i] as f64;
        let s = &mut sum[g as usize];
        s[0] += m * fine[i][0] as f64;
        s[1] += m * fine[i][1] as f64;
        s[2] += m;
    }
    sum.iter()
        .map(|s| [(s[0] / s[2]) as f32, (s[1] / s[2]) as f32])
        .collect()
}

/// Positions of `level`'s nodes from its coarser level's: each node at its group's place,
/// the heaviest member exactly there, the others scattered in a disc that grows with the
/// group (so a group's members start about as far apart as the coarse nodes are).
fn scatter(level: &Level, coarse: &[[f32; 2]], rng: &mut Pcg64) -> Vec<[f32; 2]> {
    let groups = coarse.len();
    let mut size = vec![0u32; groups];
    let mut heaviest = vec![u32::MAX; groups];
    for (i, &g) in level.parent.iter().enumerate() {
        let g = g as usize;
        size[g] += 1;
        if heaviest[g] == u32::MAX || level.mass[i] > level.mass[heaviest[g] as usize] {
            heaviest[g] = i as u32;
        }
    }
    let r2: f64 = coarse
        .iter()
        .map(|p| (p[0] as f64).powi(2) + (p[1] as f64).powi(2))
        .sum::<f64>()
        / groups.max(1) as f64;
    let spacing = (r2.sqrt() / (groups.max(1) as f64).sqrt()).max(1e-3) as f32;
    level
        .parent
        .iter()
        .enumerate()
        .map(|(i, &g)| {
            let g = g as usize;
            let at = coarse[g];
            if heaviest[g] == i as u32 {
                return at;
            }
            let radius = SPREAD * spacing * (size[g] as f32).sqrt();
            let angle = rng.random_range(0.0..std::f32::consts::TAU);
            let r = radius * rng.random_range(0.0f32..1.0).sqrt();
            [at[0] + r * angle.cos(), at[1] + r * angle.sin()]
        })
        .collect()
}
