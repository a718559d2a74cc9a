//! The ForceAtlas2 engine (Jacomy, Venturini, Heymann, Bastian 2014): forces, speed and the
//! step API.
//!
//! One [`ForceAtlas2::step`] is one iteration: rebuild the Barnes-Hut tree, repulsion
//! `k_r m_i m_j / d` (degree-weighted through the mass `1 + weighted degree`), gravity
//! toward the origin (`g m_i`, or `g m_i d` in strong mode), attraction along links (`w d`
//! linear or `w ln(1+d)` LinLog, `w` raised to the edge-weight influence, optionally divided
//! by the source mass to dissuade hubs), then the move. Three speed rules are offered: the
//! paper's adaptive *global* speed (swing vs traction over the whole graph, as in Gephi),
//! graphology's *per-node* speed, and an *inertial* one (force over the node's curvature
//! bound, with momentum); see [`SpeedMode`].
//!
//! State is struct-of-arrays in f32, indexed by node; ids are only used at the edges of the
//! API. Pinned nodes keep their position but still push and pull. All passes are per node
//! (attraction gathers over a CSR adjacency instead of scattering per edge), so the
//! parallel and the single-thread paths compute the same sums in the same order and the
//! result depends only on the seed and the settings, not on scheduling.

use std::time::{Duration, Instant};

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;
use rayon::prelude::*;

use super::quadtree::QuadTree;
use super::{LayoutError, LayoutGraph, LayoutSettings, Positions, SpeedMode, Start};
use crate::model::EntityId;

/// Nodes per parallel work item: large enough to amortise scheduling, small enough to
/// balance hubs (whose tree walks are no longer than anyone's, but whose attraction is).
const CHUNK: usize = 256;

/// Start positions beyond this are ignored (NaN fails the comparison too).
const MAX_COORD: f32 = 1.0e9;

/// Per-node dynamic state the move needs from one iteration to the next.
#[derive(Clone, Copy, Debug, Default)]
struct Kinetic {
    fx: f32,
    fy: f32,
    old_fx: f32,
    old_fy: f32,
    /// graphology's per-node convergence factor (per-node speed only).
    convergence: f32,
    /// Bound on the curvature of the energy at the node, and its last step (inertial
    /// speed only).
    stiffness: f32,
    vx: f32,
    vy: f32,
}

/// A ForceAtlas2 layout in progress. Create with [`ForceAtlas2::new`], advance with
/// [`ForceAtlas2::step`] or [`ForceAtlas2::run_for`], read with [`ForceAtlas2::positions`].
pub struct ForceAtlas2 {
    settings: LayoutSettings,
    ids: Vec<EntityId>,
    /// Node indices sorted by id, for [`Positions`] (which is sorted by id).
    by_id: Vec<u32>,
    pos: Vec<[f32; 2]>,
    kin: Vec<Kinetic>,
    mass: Vec<f32>,
    size: Vec<f32>,
    pinned: Vec<bool>,
    /// CSR adjacency: neighbours of `i` are `adj[adj_start[i]..adj_start[i+1]]`, with the
    /// attraction coefficient of each link (weight^influence, hub dissuasion folded in).
    adj_start: Vec<u32>,
    adj: Vec<u32>,
    adj_coef: Vec<f32>,
    /// Sum of each node's link coefficients (plus strong gravity's `g m_i`): the part of
    /// its curvature bound that does not change (inertial speed). For LinLog it over-states
    /// the curvature, which only shortens steps.
    stiffness: Vec<f32>,
    tree: QuadTree,
    /// Repulsion per body in the tree's (Morton) order (its curvature bound `Σ m_j / d²`
    /// third), and sizes in that order.
    repulse: Vec<[f32; 3]>,
    sorted_size: Vec<f32>,
    /// Morton rank of each node (inverse of `tree.order`).
    rank: Vec<u32>,
    pool: Option<rayon::ThreadPool>,
    iterations: u64,
    /// Gephi's global speed and its efficiency (global speed mode).
    speed: f32,
    speed_efficiency: f32,
    /// Mean displacement of the last step over the layout's RMS radius.
    movement: f32,
}

impl std::fmt::Debug for ForceAtlas2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForceAtlas2")
            .field("nodes", &self.ids.len())
            .field("edges", &(self.adj.len() / 2))
            .field("iterations", &self.iterations)
            .field("movement", &self.movement)
            .finish_non_exhaustive()
    }
}

impl ForceAtlas2 {
    /// Prepares a layout of `graph`. `Start::Random` places nodes uniformly in
    /// `[-init_scale, init_scale]²` from `settings.seed`; `Start::Warm` keeps the given
    /// positions by entity id and places new nodes near placed neighbours;
    /// `Start::Given` takes every position from the caller (missing ones random).
    pub fn new(
        graph: &LayoutGraph,
        settings: LayoutSettings,
        start: Start<'_>,
    ) -> Result<ForceAtlas2, LayoutError> {
        ForceAtlas2::with_masses(graph, None, settings, start)
    }

    /// [`ForceAtlas2::new`] with the node masses given instead of `1 + weighted degree`
    /// (a coarse level of the settle schedule: each node weighs what its members weigh).
    pub(super) fn with_masses(
        graph: &LayoutGraph,
        masses: Option<&[f32]>,
        settings: LayoutSettings,
        start: Start<'_>,
    ) -> Result<ForceAtlas2, LayoutError> {
        settings.validate()?;
        let n = graph.ids.len();
        if n >= u32::MAX as usize / 2 || graph.edges.len() >= u32::MAX as usize / 2 {
            return Err(LayoutError::TooLarge(n));
        }
        let pool = match settings.threads {
            1 => None,
            t => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(t)
                    .thread_name(|i| format!("lading-layout-{i}"))
                    .build()
                    .map_err(|e| LayoutError::ThreadPool(e.to_string()))?,
            ),
        };

        let mut by_id: Vec<u32> = (0..n as u32).collect();
        // The explorer's ids come sorted: nothing to sort at every restart.
        if !graph.ids.is_sorted() {
            by_id.sort_unstable_by_key(|&i| graph.ids[i as usize]);
        }

        // Mass = 1 + weighted degree (graphology and Gephi agree), with clean weights.
        let mut mass = vec![1.0f32; n];
        let mut degree = vec![0u32; n + 1];
        for &(a, b, w) in &graph.edges {
            let (a, b) = (a as usize, b as usize);
            if a >= n || b >= n || a == b {
                continue;
            }
            mass[a] += w;
            mass[b] += w;
            degree[a] += 1;
            degree[b] += 1;
        }
        if let Some(m) = masses
            && m.len() == n
            && m.iter().all(|v| v.is_finite() && *v > 0.0)
        {
            mass.copy_from_slice(m);
        }
        // CSR adjacency.
        let mut adj_start = vec![0u32; n + 1];
        for i in 0..n {
            adj_start[i + 1] = adj_start[i] + degree[i];
        }
        let mut fill = adj_start.clone();
        let total = adj_start[n] as usize;
        let mut adj = vec![0u32; total];
        let mut adj_coef = vec![0f32; total];
        for &(a, b, w) in &graph.edges {
            let (ua, ub) = (a as usize, b as usize);
            if ua >= n || ub >= n || a == b {
                continue;
            }
            // x¹ is x: no `powf` a link at the usual influence of 1.
            let mut c = if settings.edge_weight_influence == 1.0 {
                w
            } else {
                w.powf(settings.edge_weight_influence)
            };
            if !c.is_finite() {
                c = 1.0;
            }
            // "Dissuade hubs": the link's pull is divided by the mass of its source.
            if settings.dissuade_hubs {
                c /= mass[ua];
            }
            adj[fill[ua] as usize] = b;
            adj_coef[fill[ua] as usize] = c;
            fill[ua] += 1;
            adj[fill[ub] as usize] = a;
            adj_coef[fill[ub] as usize] = c;
            fill[ub] += 1;
        }
        let stiffness = (0..n)
            .map(|i| {
                let links = &adj_coef[adj_start[i] as usize..adj_start[i + 1] as usize];
                let k: f32 = links.iter().sum();
                if settings.strong_gravity {
                    k + settings.gravity * mass[i]
                } else {
                    k
                }
            })
            .collect();
        let size = (0..n)
            .map(|i| {
                let s = graph.sizes.get(i).copied().unwrap_or(1.0);
                if s.is_finite() && s >= 0.0 { s } else { 1.0 }
            })
            .collect();

        let mut layout = ForceAtlas2 {
            settings,
            ids: graph.ids.clone(),
            by_id,
            pos: vec![[0.0; 2]; n],
            kin: vec![
                Kinetic {
                    convergence: 1.0,
                    ..Kinetic::default()
                };
                n
            ],
            mass,
            size,
            pinned: vec![false; n],
            adj_start,
            adj,
            adj_coef,
            stiffness,
            tree: QuadTree::default(),
            repulse: vec![[0.0; 3]; n],
            sorted_size: Vec::new(),
            rank: vec![0; n],
            pool,
            iterations: 0,
            speed: 1.0,
            speed_efficiency: 1.0,
            movement: f32::INFINITY,
        };
        layout.place(start);
        Ok(layout)
    }

    /// Initial positions: given/warm ones first, then new nodes near placed neighbours,
    /// then the rest at random.
    fn place(&mut self, start: Start<'_>) {
        let n = self.ids.len();
        let mut rng = Pcg64::seed_from_u64(self.settings.seed);
        let scale = self.settings.init_scale;
        let mut placed = vec![false; n];
        let (previous, near_neighbours) = match start {
            Start::Random => (None, false),
            Start::Warm(p) => (Some(p), true),
            Start::Given(p) => (Some(p), false),
        };
        if let Some(prev) = previous {
            for ((id, pos), placed) in self.ids.iter().zip(&mut self.pos).zip(&mut placed) {
                // Non-finite or absurdly far positions (where f32 has no precision left
                // for a layout) count as missing.
                if let Some([x, y]) = prev.get(*id)
                    && x.abs() < MAX_COORD
                    && y.abs() < MAX_COORD
                {
                    *pos = [x, y];
                    *placed = true;
                }
            }
        }
        let any_placed = placed.iter().any(|&p| p);
        if near_neighbours && any_placed {
            // Typical link length among kept nodes sets the jitter, so a new node lands
            // beside its neighbour rather than on it or far off.
            let (mut sum, mut count) = (0.0f64, 0usize);
            for i in 0..n {
                for k in self.adj_start[i] as usize..self.adj_start[i + 1] as usize {
                    let j = self.adj[k] as usize;
                    if placed[i] && placed[j] && i < j {
                        sum += dist(self.pos[i], self.pos[j]) as f64;
                        count += 1;
                    }
                }
            }
            let jitter = if count > 0 && sum > 0.0 {
                (0.3 * sum / count as f64) as f32
            } else {
                1.0
            };
            // Breadth-first from the kept nodes, in index order (deterministic).
            let mut queue: std::collections::VecDeque<usize> =
                (0..n).filter(|&i| placed[i]).collect();
            while let Some(u) = queue.pop_front() {
                for k in self.adj_start[u] as usize..self.adj_start[u + 1] as usize {
                    let v = self.adj[k] as usize;
                    if placed[v] {
                        continue;
                    }
                    // Mean of v's neighbours placed so far (u is one of them).
                    let (mut sx, mut sy, mut c) = (0.0f32, 0.0f32, 0.0f32);
                    for k2 in self.adj_start[v] as usize..self.adj_start[v + 1] as usize {
                        let w = self.adj[k2] as usize;
                        if placed[w] {
                            sx += self.pos[w][0];
                            sy += self.pos[w][1];
                            c += 1.0;
                        }
                    }
                    let angle = rng.random_range(0.0..std::f32::consts::TAU);
                    let r = jitter * rng.random_range(0.5f32..1.0);
                    self.pos[v] = [sx / c + r * angle.cos(), sy / c + r * angle.sin()];
                    placed[v] = true;
                    queue.push_back(v);
                }
            }
        }
        // Components with no placed node: random, inside the picture's bounds when there is
        // one, so they appear in view.
        let (lo, hi) = if any_placed {
            let mut lo = [f32::MAX; 2];
            let mut hi = [f32::MIN; 2];
            for i in (0..n).filter(|&i| placed[i]) {
                for a in 0..2 {
                    lo[a] = lo[a].min(self.pos[i][a]);
                    hi[a] = hi[a].max(self.pos[i][a]);
                }
            }
            (lo, hi)
        } else {
            ([-scale; 2], [scale; 2])
        };
        for (pos, &placed) in self.pos.iter_mut().zip(&placed) {
            if !placed {
                *pos = [
                    lerp(lo[0], hi[0], rng.random::<f32>()),
                    lerp(lo[1], hi[1], rng.random::<f32>()),
                ];
            }
        }
        self.separate_coincident(&mut rng);
    }

    /// Nodes at exactly the same place feel no repulsion from each other (there is no
    /// direction) and the same forces from everything else, so they would never part:
    /// nudge all but one of each group by a tiny seeded amount.
    fn separate_coincident(&mut self, rng: &mut Pcg64) {
        let n = self.pos.len();
        let key = |p: [f32; 2]| (p[0].to_bits(), p[1].to_bits());
        // Usually none coincide: one pass over a set says so without sorting them all (the
        // layout starts again at every step of a playing timeline).
        let mut seen: rustc_hash::FxHashSet<(u32, u32)> =
            rustc_hash::FxHashSet::with_capacity_and_hasher(n, Default::default());
        if self.pos.iter().all(|&p| seen.insert(key(p))) {
            return;
        }
        let mut idx: Vec<u32> = (0..n as u32).collect();
        idx.sort_unstable_by_key(|&i| (key(self.pos[i as usize]), i));
        let radius = self.rms_radius().max(1.0);
        for w in 1..n {
            let (a, b) = (idx[w - 1] as usize, idx[w] as usize);
            if key(self.pos[a]) == key(self.pos[b]) && !self.pinned[b] {
                let e = 1e-3 * radius;
                self.pos[b][0] += rng.random_range(-e..e);
                self.pos[b][1] += rng.random_range(-e..e);
            }
        }
    }

    fn rms_radius(&self) -> f32 {
        if self.pos.is_empty() {
            return 0.0;
        }
        let s: f64 = self
            .pos
            .iter()
            .map(|p| (p[0] as f64).powi(2) + (p[1] as f64).powi(2))
            .sum();
        (s / self.pos.len() as f64).sqrt() as f32
    }

    /// One iteration. Returns whether the layout is now settled.
    pub fn step(&mut self) -> bool {
        let n = self.pos.len();
        self.iterations += 1;
        if n == 0 {
            self.movement = 0.0;
            return true;
        }
        let s = self.settings;
        self.tree.build(&self.pos, &self.mass, s.theta);
        for (p, &i) in self.tree.order.iter().enumerate() {
            self.rank[i as usize] = p as u32;
        }

        // 1. Repulsion, in Morton order so consecutive walks share cells.
        let tree = &self.tree;
        if s.adjust_sizes {
            self.sorted_size.clear();
            self.sorted_size
                .extend(tree.order.iter().map(|&i| self.size[i as usize]));
            let sizes = &self.sorted_size;
            for_chunks(self.pool.as_ref(), &mut self.repulse, |start, out| {
                for (k, f) in out.iter_mut().enumerate() {
                    let (fx, fy, h) = tree.repulsion_sized(start + k, sizes);
                    *f = [fx, fy, h];
                }
            });
        } else {
            for_chunks(self.pool.as_ref(), &mut self.repulse, |start, out| {
                for (k, f) in out.iter_mut().enumerate() {
                    let (fx, fy, h) = tree.repulsion(start + k);
                    *f = [fx, fy, h];
                }
            });
        }

        // 2. Per node: repulsion scaled by own mass, gravity, attraction (gathered).
        {
            let pos = &self.pos;
            let mass = &self.mass;
            let size = &self.size;
            let rank = &self.rank;
            let repulse = &self.repulse;
            let (adj_start, adj, adj_coef) = (&self.adj_start, &self.adj, &self.adj_coef);
            let stiffness = &self.stiffness;
            for_chunks(self.pool.as_ref(), &mut self.kin, |start, out| {
                for (k, kin) in out.iter_mut().enumerate() {
                    let i = start + k;
                    let [xi, yi] = pos[i];
                    let m = mass[i];
                    let r = repulse[rank[i] as usize];
                    let mut fx = s.scaling_ratio * m * r[0];
                    let mut fy = s.scaling_ratio * m * r[1];
                    // Curvature bound (inertial speed): links (and strong gravity), repulsion,
                    // plus normal gravity's sideways g m / d (all a lone node has).
                    let mut stiff = stiffness[i] + s.scaling_ratio * m * r[2];
                    // Gravity toward the origin: constant pull (or linear in strong mode),
                    // which is what keeps disconnected components in view.
                    let d = (xi * xi + yi * yi).sqrt();
                    if d > 0.0 {
                        let g = if s.strong_gravity {
                            s.gravity * m
                        } else {
                            stiff += s.gravity * m / d;
                            s.gravity * m / d
                        };
                        fx -= xi * g;
                        fy -= yi * g;
                    }
                    // Attraction.
                    let (a, b) = (adj_start[i] as usize, adj_start[i + 1] as usize);
                    for e in a..b {
                        let j = adj[e] as usize;
                        let dx = xi - pos[j][0];
                        let dy = yi - pos[j][1];
                        let c = adj_coef[e];
                        let f = if !s.lin_log && !s.adjust_sizes {
                            c
                        } else {
                            let mut dist = (dx * dx + dy * dy).sqrt();
                            if s.adjust_sizes {
                                dist -= size[i] + size[j];
                            }
                            if dist <= 0.0 {
                                0.0
                            } else if s.lin_log {
                                c * dist.ln_1p() / dist
                            } else {
                                c
                            }
                        };
                        fx -= dx * f;
                        fy -= dy * f;
                    }
                    kin.old_fx = kin.fx;
                    kin.old_fy = kin.fy;
                    kin.fx = fx;
                    kin.fy = fy;
                    kin.stiffness = stiff;
                }
            });
        }

        // 3. Move.
        if s.speed == SpeedMode::Global {
            self.update_global_speed();
        }
        let speed = self.speed;
        let mass = &self.mass;
        let pinned = &self.pinned;
        let partials: Vec<[f64; 3]> = zip_chunks(
            self.pool.as_ref(),
            &mut self.pos,
            &mut self.kin,
            |start, pos, kin| {
                let (mut moved, mut r2, mut count) = (0.0f64, 0.0f64, 0.0f64);
                for k in 0..pos.len() {
                    let i = start + k;
                    let p = &mut pos[k];
                    r2 += (p[0] as f64).powi(2) + (p[1] as f64).powi(2);
                    if pinned[i] {
                        continue;
                    }
                    let kn = &mut kin[k];
                    let (sx, sy) = (kn.old_fx - kn.fx, kn.old_fy - kn.fy);
                    let swinging = mass[i] * (sx * sx + sy * sy).sqrt();
                    let force2 = kn.fx * kn.fx + kn.fy * kn.fy;
                    let mut factor = match s.speed {
                        SpeedMode::PerNode => {
                            let (tx, ty) = (kn.old_fx + kn.fx, kn.old_fy + kn.fy);
                            let traction = (tx * tx + ty * ty).sqrt() / 2.0;
                            let node_speed =
                                kn.convergence * traction.ln_1p() / (1.0 + swinging.sqrt());
                            kn.convergence = (node_speed * force2 / (1.0 + swinging.sqrt()))
                                .sqrt()
                                .min(1.0);
                            if !kn.convergence.is_finite() {
                                kn.convergence = 0.1;
                            }
                            node_speed / s.slow_down
                        }
                        SpeedMode::Global => speed / (1.0 + (speed * swinging).sqrt()),
                        // A step of force / stiffness puts the node where it would rest if
                        // the others stood still.
                        SpeedMode::Inertial if kn.stiffness > 0.0 => 1.0 / kn.stiffness,
                        SpeedMode::Inertial => 0.0,
                    };
                    if s.adjust_sizes {
                        // Gephi caps the step when preventing overlap, or nodes jump over
                        // each other and oscillate.
                        let force = force2.sqrt();
                        factor *= 0.1;
                        if force * factor > 10.0 {
                            factor = 10.0 / force;
                        }
                    }
                    let (mut dx, mut dy) = (kn.fx * factor, kn.fy * factor);
                    if s.speed == SpeedMode::Inertial {
                        dx += s.inertia * kn.vx;
                        dy += s.inertia * kn.vy;
                        (kn.vx, kn.vy) = (dx, dy);
                    }
                    let nx = p[0] + dx;
                    let ny = p[1] + dy;
                    if nx.is_finite() && ny.is_finite() {
                        moved +=
                            (((nx - p[0]) as f64).powi(2) + ((ny - p[1]) as f64).powi(2)).sqrt();
                        count += 1.0;
                        *p = [nx, ny];
                    } else {
                        // Overflow somewhere: stand still and forget the history.
                        *kn = Kinetic {
                            convergence: 0.1,
                            ..Kinetic::default()
                        };
                    }
                }
                [moved, r2, count]
            },
        );
        let (mut moved, mut r2, mut count) = (0.0f64, 0.0f64, 0.0f64);
        for [m, r, c] in partials {
            moved += m;
            r2 += r;
            count += c;
        }
        let radius = (r2 / n as f64).sqrt().max(1e-9);
        self.movement = if count > 0.0 {
            (moved / count / radius) as f32
        } else {
            0.0
        };
        self.is_settled()
    }

    /// Gephi's adaptive global speed: compare how much nodes swing (change direction) with
    /// how much they travel usefully (traction), and speed up while swinging stays within
    /// the jitter tolerance.
    fn update_global_speed(&mut self) {
        let mass = &self.mass;
        let pinned = &self.pinned;
        let partials: Vec<[f64; 2]> = map_chunks(self.pool.as_ref(), &self.kin, |start, kin| {
            let (mut swing, mut traction) = (0.0f64, 0.0f64);
            for (k, kn) in kin.iter().enumerate() {
                let i = start + k;
                if pinned[i] {
                    continue;
                }
                let (sx, sy) = (kn.old_fx - kn.fx, kn.old_fy - kn.fy);
                let (tx, ty) = (kn.old_fx + kn.fx, kn.old_fy + kn.fy);
                swing += (mass[i] * (sx * sx + sy * sy).sqrt()) as f64;
                traction += (0.5 * mass[i] * (tx * tx + ty * ty).sqrt()) as f64;
            }
            [swing, traction]
        });
        let (mut swing, mut traction) = (0.0f64, 0.0f64);
        for [s, t] in partials {
            swing += s;
            traction += t;
        }
        if !(swing > 0.0 && traction > 0.0 && swing.is_finite() && traction.is_finite()) {
            return;
        }
        let n = self.pos.len() as f64;
        let jitter = self.settings.jitter_tolerance as f64;
        let estimated = 0.05 * n.sqrt();
        let min_jt = estimated.sqrt();
        let max_jt = 10.0f64;
        let mut jt = jitter * min_jt.max(max_jt.min(estimated * traction / (n * n)));
        let min_efficiency = 0.05;
        let mut efficiency = self.speed_efficiency as f64;
        // Protection against erratic behaviour.
        if swing / traction > 2.0 {
            if efficiency > min_efficiency {
                efficiency *= 0.5;
            }
            jt = jt.max(jitter);
        }
        let target = jt * efficiency * traction / swing;
        if swing > jt * traction {
            if efficiency > min_efficiency {
                efficiency *= 0.7;
            }
        } else if self.speed < 1000.0 {
            efficiency *= 1.3;
        }
        // Rise at most 50% per iteration: a sudden jump scatters the picture.
        let speed = self.speed as f64;
        let new = speed + (target - speed).min(0.5 * speed);
        if new.is_finite() && new > 0.0 {
            self.speed = new as f32;
        }
        self.speed_efficiency = efficiency as f32;
    }

    /// Runs iterations until `budget` has elapsed (at least one), or the layout settles.
    /// Returns the number of iterations run.
    pub fn run_for(&mut self, budget: Duration) -> u64 {
        let start = Instant::now();
        let mut done = 0;
        loop {
            let settled = self.step();
            done += 1;
            if settled || start.elapsed() >= budget {
                return done;
            }
        }
    }

    /// Runs exactly `iterations` iterations (settled or not).
    pub fn run(&mut self, iterations: u64) {
        for _ in 0..iterations {
            self.step();
        }
    }

    /// Whether the last step moved nodes, on average, less than
    /// `settings.settle_threshold` times the picture's RMS radius.
    pub fn is_settled(&self) -> bool {
        self.movement < self.settings.settle_threshold
    }

    /// Mean displacement in the last step relative to the picture's RMS radius
    /// (infinite before the first step).
    pub fn movement(&self) -> f32 {
        self.movement
    }

    /// Gephi's global speed (meaningful in [`SpeedMode::Global`]).
    pub fn global_speed(&self) -> f32 {
        self.speed
    }

    /// Iterations run so far.
    pub fn iterations(&self) -> u64 {
        self.iterations
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.ids.len()
    }

    /// The settings in use.
    pub fn settings(&self) -> &LayoutSettings {
        &self.settings
    }

    /// Pins or unpins a node. A pinned node does not move but still pushes and pulls.
    /// Returns false for an unknown id.
    pub fn set_pinned(&mut self, id: EntityId, pinned: bool) -> bool {
        match self.node(id) {
            Some(i) => {
                self.pinned[i as usize] = pinned;
                self.kin[i as usize] = Kinetic {
                    convergence: 1.0,
                    ..Kinetic::default()
                };
                self.movement = f32::INFINITY;
                true
            }
            None => false,
        }
    }

    /// Whether a node is pinned.
    pub fn is_pinned(&self, id: EntityId) -> bool {
        self.node(id).is_some_and(|i| self.pinned[i as usize])
    }

    /// Moves a node (e.g. dragged by the user; pin it too to keep it there). Returns false
    /// for an unknown id or a non-finite position. Wakes a settled layout.
    pub fn set_position(&mut self, id: EntityId, position: [f32; 2]) -> bool {
        if !(position[0].is_finite() && position[1].is_finite()) {
            return false;
        }
        match self.node(id) {
            Some(i) => {
                self.pos[i as usize] = position;
                // A dragged node does not keep its momentum.
                self.kin[i as usize].vx = 0.0;
                self.kin[i as usize].vy = 0.0;
                self.movement = f32::INFINITY;
                true
            }
            None => false,
        }
    }

    /// Position of one node.
    pub fn position(&self, id: EntityId) -> Option<[f32; 2]> {
        self.node(id).map(|i| self.pos[i as usize])
    }

    /// The node of an id, by binary search of the nodes sorted by id (a map of ids was
    /// built again at every layout restart, each step of a playing timeline, for these
    /// few look-ups).
    fn node(&self, id: EntityId) -> Option<u32> {
        let k = self
            .by_id
            .binary_search_by_key(&id, |&i| self.ids[i as usize])
            .ok()?;
        Some(self.by_id[k])
    }

    /// All positions, sorted by entity id.
    pub fn positions(&self) -> Positions {
        let mut out = Positions::default();
        self.positions_into(&mut out);
        out
    }

    /// All positions into an existing buffer (reuses its allocation).
    pub fn positions_into(&self, out: &mut Positions) {
        out.entries.clear();
        out.entries.extend(
            self.by_id
                .iter()
                .map(|&i| (self.ids[i as usize], self.pos[i as usize])),
        );
    }

    /// Positions in node order (the order of the [`LayoutGraph`]), without copying.
    pub fn raw_positions(&self) -> &[[f32; 2]] {
        &self.pos
    }

    /// Replaces every position, in node order (the settle schedule's prolongation), and
    /// forgets the motion. Ignored unless there is one finite position per node.
    pub(super) fn set_raw_positions(&mut self, pos: &[[f32; 2]]) {
        if pos.len() != self.pos.len() || !pos.iter().all(|p| p[0].is_finite() && p[1].is_finite())
        {
            return;
        }
        self.pos.copy_from_slice(pos);
        for k in &mut self.kin {
            *k = Kinetic {
                convergence: 1.0,
                ..Kinetic::default()
            };
        }
        self.movement = f32::INFINITY;
    }

    /// Entity ids in node order.
    pub fn ids(&self) -> &[EntityId] {
        &self.ids
    }
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

fn lerp(a: f32, b: f32, t: f32) -> f32 {
    if a < b { a + (b - a) * t } else { a }
}

/// Runs `f(first_index, chunk)` over fixed-size chunks of `data`, in the pool when there
/// is one. Fixed chunks keep results independent of scheduling.
fn for_chunks<T: Send>(
    pool: Option<&rayon::ThreadPool>,
    data: &mut [T],
    f: impl Fn(usize, &mut [T]) + Sync,
) {
    match pool {
        None => data
            .chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(c, s)| f(c * CHUNK, s)),
        Some(pool) => pool.install(|| {
            data.par_chunks_mut(CHUNK)
                .enumerate()
                .for_each(|(c, s)| f(c * CHUNK, s))
        }),
    }
}

/// Maps fixed-size chunks of `data` to partial results, returned in chunk order (so a
/// sequential sum of them is deterministic).
fn map_chunks<T: Sync, R: Send>(
    pool: Option<&rayon::ThreadPool>,
    data: &[T],
    f: impl Fn(usize, &[T]) -> R + Sync,
) -> Vec<R> {
    match pool {
        None => data
            .chunks(CHUNK)
            .enumerate()
            .map(|(c, s)| f(c * CHUNK, s))
            .collect(),
        Some(pool) => pool.install(|| {
            data.par_chunks(CHUNK)
                .enumerate()
                .map(|(c, s)| f(c * CHUNK, s))
                .collect()
        }),
    }
}

/// Like [`map_chunks`] over two equally long mutable slices.
fn zip_chunks<A: Send, B: Send, R: Send>(
    pool: Option<&rayon::ThreadPool>,
    a: &mut [A],
    b: &mut [B],
    f: impl Fn(usize, &mut [A], &mut [B]) -> R + Sync,
) -> Vec<R> {
    match pool {
        None => a
            .chunks_mut(CHUNK)
            .zip(b.chunks_mut(CHUNK))
            .enumerate()
            .map(|(c, (x, y))| f(c * CHUNK, x, y))
            .collect(),
        Some(pool) => pool.install(|| {
            a.par_chunks_mut(CHUNK)
                .zip(b.par_chunks_mut(CHUNK))
                .enumerate()
                .map(|(c, (x, y))| f(c * CHUNK, x, y))
                .collect()
        }),
    }
}
