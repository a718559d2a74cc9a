//! Brokers: the entities trade goes through.
//!
//! For the shown network (groups count as one entity each): degree (links), weighted degree
//! (shipments and declared value over trade links), betweenness centrality and articulation
//! points. Links are taken undirected, as paths are (`graph.rs`): an intermediary between two
//! sanctioned parties is on the path whichever way the goods went, and a company that owns
//! the shipper bridges as much as the shipper does.
//!
//! - **Betweenness** is Brandes' algorithm (2001) on the unweighted graph: for each source a
//!   breadth-first search counts shortest paths, then dependencies are added back in reverse
//!   order. Exact up to [`EXACT_UP_TO`] entities; above that, from [`SAMPLED_SOURCES`] sources
//!   drawn with a fixed seed and scaled by `n / k` (Brandes and Pich 2007), and the result says
//!   it is an estimate. Sources are split over the cores; each worker keeps its own sums, added
//!   in a fixed order, so the result does not depend on the number of threads. Values are
//!   normalised to 0–1 by `(n − 1)(n − 2) / 2`, the number of pairs a node can sit between.
//! - **Articulation points** (cut vertices) are found by Hopcroft and Tarjan's depth-first
//!   search, written with an explicit stack so a long chain cannot overflow it; each comes
//!   with how many entities its removal cuts off from the rest of its component.
//!
//! [`compute`] reports progress (sources done) through an atomic counter and stops early when
//! asked, so the window can run it on a worker thread.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rand::SeedableRng;
use rand::seq::SliceRandom;

use crate::filter::{FilteredGraph, LinkKind};
use crate::model::EntityId;

/// Networks up to this many entities get exact betweenness.
pub const EXACT_UP_TO: usize = 10_000;
/// Sources sampled above [`EXACT_UP_TO`].
pub const SAMPLED_SOURCES: usize = 1_000;

/// The measures, by slot in `graph.entities`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Centrality {
    pub entities: Vec<EntityId>,
    /// Distinct neighbours over any link.
    pub degree: Vec<u32>,
    /// Shipments over trade links, in and out.
    pub shipments: Vec<u64>,
    /// Declared value over trade links, in and out.
    pub value_usd: Vec<f64>,
    /// Normalised betweenness, 0–1.
    pub betweenness: Vec<f64>,
    /// Whether betweenness was estimated from a sample of sources.
    pub sampled: bool,
    /// Articulation points with how many entities their removal cuts off, most first.
    pub cut_points: Vec<(EntityId, usize)>,
}

impl Centrality {
    /// The slot of an entity.
    pub fn slot(&self, id: EntityId) -> Option<usize> {
        self.entities.binary_search(&id).ok()
    }

    /// Entities by betweenness, highest first (ties by id), those above 0 only.
    pub fn top_betweenness(&self, limit: usize) -> Vec<(EntityId, f64)> {
        let mut v: Vec<(EntityId, f64)> = self
            .entities
            .iter()
            .copied()
            .zip(self.betweenness.iter().copied())
            .filter(|(_, b)| *b > 0.0)
            .collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(limit);
        v
    }
}

/// The undirected network as compressed adjacency: neighbours of slot `i` are
/// `targets[offsets[i]..offsets[i + 1]]`, distinct and sorted.
struct Adjacency {
    offsets: Vec<u32>,
    targets: Vec<u32>,
}

impl Adjacency {
    fn new(graph: &FilteredGraph) -> Adjacency {
        let n = graph.entities.len();
        let slot = |id: EntityId| graph.entities.binary_search(&id).ok().map(|s| s as u32);
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(graph.links.len() * 2);
        for l in &graph.links {
            if let (Some(a), Some(b)) = (slot(l.source), slot(l.target))
                && a != b
            {
                pairs.push((a, b));
                pairs.push((b, a));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let mut offsets = vec![0u32; n + 1];
        for &(a, _) in &pairs {
            offsets[a as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        Adjacency {
            offsets,
            targets: pairs.into_iter().map(|(_, b)| b).collect(),
        }
    }

    fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    fn of(&self, v: usize) -> &[u32] {
        &self.targets[self.offsets[v] as usize..self.offsets[v + 1] as usize]
    }
}

/// Progress of a [`compute`] run: sources done out of `total`.
#[derive(Debug, Default)]
pub struct Progress {
    pub done: AtomicUsize,
    pub total: AtomicUsize,
    /// Set to stop the run early ([`compute`] then returns `None`).
    pub cancel: AtomicBool,
}

impl Progress {
    pub fn fraction(&self) -> f32 {
        let total = self.total.load(Ordering::Relaxed).max(1);
        self.done.load(Ordering::Relaxed) as f32 / total as f32
    }
}

/// Every measure for the shown network; `None` when cancelled.
pub fn compute(graph: &FilteredGraph, progress: &Progress) -> Option<Centrality> {
    let adjacency = Adjacency::new(graph);
    let n = adjacency.len();
    let mut shipments = vec![0u64; n];
    let mut value_usd = vec![0.0f64; n];
    for l in graph.links.iter().filter(|l| l.kind == LinkKind::Trade) {
        for id in [l.source, l.target] {
            if let Ok(s) = graph.entities.binary_search(&id) {
                shipments[s] += u64::from(l.shipments);
                value_usd[s] += l.value_usd;
            }
        }
    }
    let degree = (0..n).map(|v| adjacency.of(v).len() as u32).collect();
    let (betweenness, sampled) = betweenness(&adjacency, progress)?;
    let cut_points = articulation_points(&adjacency)
        .into_iter()
        .map(|(s, cut)| (graph.entities[s], cut))
        .collect();
    Some(Centrality {
        entities: graph.entities.clone(),
        degree,
        shipments,
        value_usd,
        betweenness,
        sampled,
        cut_points,
    })
}

/// Normalised betweenness by slot, and whether it was sampled; `None` when cancelled.
///
/// Trees hanging off the network are taken off first (Baglioni et al. 2012): a vertex of
/// degree one is removed into its neighbour, which then stands for `p` vertices. A removed
/// vertex's betweenness is counted at once (every path from its subtree leaves through it);
/// the rest is Brandes' algorithm on what remains, with each vertex counting for the `p` it
/// stands for. Trade networks have many one-link companies, so this leaves far fewer sources.
fn betweenness(adjacency: &Adjacency, progress: &Progress) -> Option<(Vec<f64>, bool)> {
    let n = adjacency.len();
    let component = component_sizes(adjacency);
    let mut degree: Vec<u32> = (0..n).map(|v| adjacency.of(v).len() as u32).collect();
    let mut weight = vec![1u64; n];
    let mut removed = vec![false; n];
    // Per vertex: the sizes of the subtrees removed into it, summed and summed squared.
    let mut pieces = vec![0u64; n];
    let mut pieces_sq = vec![0.0f64; n];
    let mut total = vec![0.0f64; n];
    let mut leaves: std::collections::VecDeque<u32> =
        (0..n as u32).filter(|&v| degree[v as usize] == 1).collect();
    // Pairs through `v` that the trees hanging on it account for, as ordered pairs.
    let tree_pairs = |v: usize, weight: &[u64], pieces: &[u64], pieces_sq: &[f64]| {
        let (p, size) = (weight[v] as f64, component[v] as f64);
        let s = pieces[v] as f64;
        2.0 * (p - 1.0) * (size - p) + (s * s - pieces_sq[v])
    };
    while let Some(u) = leaves.pop_front() {
        let u = u as usize;
        if removed[u] || degree[u] != 1 {
            continue;
        }
        let Some(&v) = adjacency.of(u).iter().find(|&&v| !removed[v as usize]) else {
            continue;
        };
        let v = v as usize;
        total[u] += tree_pairs(u, &weight, &pieces, &pieces_sq);
        removed[u] = true;
        let p = weight[u];
        weight[v] += p;
        pieces[v] += p;
        pieces_sq[v] += (p as f64) * (p as f64);
        degree[v] -= 1;
        if degree[v] == 1 {
            leaves.push_back(v as u32);
        }
    }
    for v in 0..n {
        if !removed[v] {
            total[v] += tree_pairs(v, &weight, &pieces, &pieces_sq);
        }
    }

    // Brandes on the core, from every core vertex with a link (or a sample of them), over the
    // links between core vertices only.
    let mut sources: Vec<u32> = (0..n as u32)
        .filter(|&v| !removed[v as usize] && degree[v as usize] > 0)
        .collect();
    let core = Core::new(adjacency, &removed, &degree, &weight, &sources);
    let core_size = sources.len();
    let sampled = n > EXACT_UP_TO && core_size > SAMPLED_SOURCES;
    if sampled {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(0x4c44_4e47);
        sources.shuffle(&mut rng);
        sources.truncate(SAMPLED_SOURCES);
        sources.sort_unstable();
    }
    // In the core's own numbering, in the same order.
    let sources: Vec<u32> = sources.iter().map(|&v| core.label[v as usize]).collect();
    progress.total.store(sources.len(), Ordering::Relaxed);
    progress.done.store(0, Ordering::Relaxed);
    // Fixed chunks, each summed on its own and added in order: the same bits on any number
    // of threads.
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    let chunk = sources.len().div_ceil(threads * 8).max(1);
    let parts: Vec<Option<Vec<f64>>> = {
        use rayon::prelude::*;
        let core = &core;
        sources
            .par_chunks(chunk)
            .map(|chunk| {
                let mut work = Brandes::new(core.len());
                let mut sums = vec![0.0f64; core.len()];
                for &s in chunk {
                    if progress.cancel.load(Ordering::Relaxed) {
                        return None;
                    }
                    work.add_source(core, s as usize, &mut sums);
                    progress.done.fetch_add(1, Ordering::Relaxed);
                }
                Some(sums)
            })
            .collect()
    };
    // A sample stands for core / k sources.
    let scale = if sampled {
        core_size as f64 / sources.len().max(1) as f64
    } else {
        1.0
    };
    for part in parts {
        for (&v, x) in core.vertex.iter().zip(part?) {
            total[v as usize] += x * scale;
        }
    }
    // Normalised by the ordered pairs a vertex can sit between.
    let pairs = if n > 2 {
        ((n - 1) * (n - 2)) as f64
    } else {
        1.0
    };
    for t in &mut total {
        *t /= pairs;
    }
    Some((total, sampled))
}

/// The size of each vertex's connected component.
fn component_sizes(adjacency: &Adjacency) -> Vec<usize> {
    let n = adjacency.len();
    let mut label = vec![u32::MAX; n];
    let mut sizes = Vec::new();
    let mut stack = Vec::new();
    for root in 0..n {
        if label[root] != u32::MAX {
            continue;
        }
        let id = sizes.len() as u32;
        label[root] = id;
        stack.push(root as u32);
        let mut size = 0;
        while let Some(v) = stack.pop() {
            size += 1;
            for &w in adjacency.of(v as usize) {
                if label[w as usize] == u32::MAX {
                    label[w as usize] = id;
                    stack.push(w);
                }
            }
        }
        sizes.push(size);
    }
    label.iter().map(|&l| sizes[l as usize]).collect()
}

/// The core (what is left once the trees are taken off) in its own numbering, for Brandes:
/// compressed adjacency with `u32` indices, vertices by degree, highest first. The hubs,
/// which nearly every search reaches and most paths go through, then share a few cache
/// lines (a third less time than the slots' own order on 10,000 entities).
struct Core {
    adjacency: Adjacency,
    /// The vertices each stands for (itself and the trees removed into it), by core number.
    weight: Vec<f64>,
    /// Slot → core number (`u32::MAX` outside the core).
    label: Vec<u32>,
    /// Core number → slot.
    vertex: Vec<u32>,
}

impl Core {
    fn new(
        adjacency: &Adjacency,
        removed: &[bool],
        degree: &[u32],
        weight: &[u64],
        core: &[u32],
    ) -> Core {
        let mut vertex = core.to_vec();
        vertex.sort_by_key(|&v| (std::cmp::Reverse(degree[v as usize]), v));
        let mut label = vec![u32::MAX; adjacency.len()];
        for (i, &v) in vertex.iter().enumerate() {
            label[v as usize] = i as u32;
        }
        let mut offsets = Vec::with_capacity(vertex.len() + 1);
        let mut targets = Vec::with_capacity(adjacency.targets.len());
        offsets.push(0u32);
        for &v in &vertex {
            let start = targets.len();
            targets.extend(
                adjacency
                    .of(v as usize)
                    .iter()
                    .filter(|&&w| !removed[w as usize])
                    .map(|&w| label[w as usize]),
            );
            targets[start..].sort_unstable();
            offsets.push(targets.len() as u32);
        }
        Core {
            adjacency: Adjacency { offsets, targets },
            weight: vertex.iter().map(|&v| weight[v as usize] as f64).collect(),
            label,
            vertex,
        }
    }

    fn len(&self) -> usize {
        self.vertex.len()
    }
}

/// A vertex's state in one search: shortest paths from the source, and distance
/// (`u32::MAX`: not reached). Together, as the search reads both for every link.
#[derive(Clone, Copy)]
struct Reach {
    sigma: f64,
    dist: u32,
}

const UNREACHED: Reach = Reach {
    sigma: 0.0,
    dist: u32::MAX,
};

/// One worker's buffers for Brandes' single-source step, reused from source to source.
struct Brandes {
    order: Vec<u32>,
    /// Each vertex's children in the shortest-path DAG, vertex after vertex in `order`.
    children: Vec<u32>,
    /// Where each vertex's children start in `children` (one more entry than `order`).
    block: Vec<u32>,
    reach: Vec<Reach>,
    /// `(weight + delta) / sigma` of each vertex whose dependency is whole.
    share: Vec<f64>,
}

impl Brandes {
    fn new(n: usize) -> Brandes {
        Brandes {
            order: Vec::with_capacity(n),
            children: Vec::new(),
            block: Vec::with_capacity(n + 1),
            reach: vec![UNREACHED; n],
            share: vec![0.0; n],
        }
    }

    /// Adds the dependencies of every vertex on source `s` into `sums`, each vertex standing
    /// for its `weight` in vertices (itself and the trees removed into it).
    fn add_source(&mut self, core: &Core, s: usize, sums: &mut [f64]) {
        let Brandes {
            order,
            children,
            block,
            reach,
            share,
        } = self;
        let (adjacency, weight) = (&core.adjacency, &core.weight);
        order.clear();
        children.clear();
        block.clear();
        reach[s] = Reach {
            sigma: 1.0,
            dist: 0,
        };
        order.push(s as u32);
        // Breadth-first: `order` is the queue, and afterwards the vertices by distance. The
        // vertices one step further from `s` that each vertex leads to (its children in the
        // shortest-path DAG) are listed together: `order[k]`'s are
        // `children[block[k]..block[k + 1]]`.
        let mut head = 0;
        while head < order.len() {
            let v = order[head];
            head += 1;
            block.push(children.len() as u32);
            let Reach {
                sigma: sv,
                dist: dv,
            } = reach[v as usize];
            let next = dv + 1;
            for &w in adjacency.of(v as usize) {
                let r = &mut reach[w as usize];
                if r.dist == u32::MAX {
                    *r = Reach {
                        sigma: sv,
                        dist: next,
                    };
                    order.push(w);
                    children.push(w);
                } else if r.dist == next {
                    r.sigma += sv;
                    children.push(w);
                }
            }
        }
        block.push(children.len() as u32);
        // Dependencies, farthest first: a vertex's children are whole before it. With
        // `share[w] = (weight[w] + delta[w]) / sigma[w]`, a vertex's dependency is its
        // `sigma` times its children's shares summed: one division per vertex, not per link.
        // A vertex done is reset for the next source at once (its children need only its
        // share); the source itself depends on nothing.
        let ps = weight[s];
        for k in (1..order.len()).rev() {
            let v = order[k] as usize;
            let mine = &children[block[k] as usize..block[k + 1] as usize];
            let sum: f64 = mine.iter().map(|&x| share[x as usize]).sum();
            let sv = reach[v].sigma;
            let delta = sv * sum;
            sums[v] += ps * delta;
            share[v] = (weight[v] + delta) / sv;
            reach[v] = UNREACHED;
        }
        reach[s] = UNREACHED;
    }
}

/// Articulation points by slot, each with how many nodes its removal separates from the
/// largest remaining piece of its component; most first, then by slot.
fn articulation_points(adjacency: &Adjacency) -> Vec<(usize, usize)> {
    let n = adjacency.len();
    const NONE: u32 = u32::MAX;
    let mut disc = vec![NONE; n];
    let mut low = vec![0u32; n];
    let mut size = vec![1usize; n];
    // For a cut vertex: the sizes of the subtrees it cuts off.
    let mut cut_off: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut time = 0u32;
    let mut out = Vec::new();
    let mut component_nodes: Vec<u32> = Vec::new();
    // Stack of (node, parent, next neighbour index).
    let mut stack: Vec<(u32, u32, u32)> = Vec::new();
    for root in 0..n {
        if disc[root] != NONE {
            continue;
        }
        disc[root] = time;
        low[root] = time;
        time += 1;
        component_nodes.clear();
        component_nodes.push(root as u32);
        stack.push((root as u32, NONE, 0));
        while let Some(&mut (v, parent, ref mut next)) = stack.last_mut() {
            let vs = v as usize;
            let neighbours = adjacency.of(vs);
            if (*next as usize) < neighbours.len() {
                let w = neighbours[*next as usize];
                *next += 1;
                if w == parent {
                    continue;
                }
                let ws = w as usize;
                if disc[ws] == NONE {
                    disc[ws] = time;
                    low[ws] = time;
                    time += 1;
                    component_nodes.push(w);
                    stack.push((w, v, 0));
                } else {
                    low[vs] = low[vs].min(disc[ws]);
                }
            } else {
                stack.pop();
                if parent != NONE {
                    let ps = parent as usize;
                    low[ps] = low[ps].min(low[vs]);
                    size[ps] += size[vs];
                    if low[vs] >= disc[ps] {
                        cut_off[ps].push(size[vs]);
                    }
                }
            }
        }
        // The component's size is the root's subtree; a root is a cut vertex with two or more
        // children, any other node with one child subtree that cannot climb above it.
        let component = size[root];
        for &v in &component_nodes {
            let v = v as usize;
            if cut_off[v].is_empty() {
                continue;
            }
            let pieces = &cut_off[v];
            let is_root = v == root;
            if is_root && pieces.len() < 2 {
                cut_off[v].clear();
                continue;
            }
            // The pieces left without v: the cut-off subtrees and, unless v is the root, the
            // rest of the component above it.
            let cut: usize = pieces.iter().sum();
            let rest = component - 1 - cut;
            let mut all: Vec<usize> = pieces.clone();
            if !is_root {
                all.push(rest);
            }
            let largest = all.iter().copied().max().unwrap_or(0);
            out.push((v, component - 1 - largest));
            cut_off[v].clear();
        }
    }
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{Link, PartSet};

    fn graph(n: i64, edges: &[(i64, i64)]) -> FilteredGraph {
        FilteredGraph {
            entities: (1..=n).collect(),
            links: edges
                .iter()
                .map(|&(a, b)| Link {
                    kind: LinkKind::Trade,
                    source: a,
                    target: b,
                    shipments: 2,
                    value_usd: 10.0,
                    first: None,
                    last: None,
                    part_types: PartSet(0),
                    synthetic: 0,
                })
                .collect(),
            ..FilteredGraph::default()
        }
    }

    /// Betweenness by brute force: for every pair, the share of its shortest paths through v.
    fn brute(g: &FilteredGraph) -> Vec<f64> {
        let adj = Adjacency::new(g);
        let n = adj.len();
        let bfs = |s: usize| {
            let mut d = vec![usize::MAX; n];
            let mut c = vec![0.0f64; n];
            d[s] = 0;
            c[s] = 1.0;
            let mut q = std::collections::VecDeque::from([s]);
            while let Some(v) = q.pop_front() {
                for &w in adj.of(v) {
                    let w = w as usize;
                    if d[w] == usize::MAX {
                        d[w] = d[v] + 1;
                        q.push_back(w);
                    }
                    if d[w] == d[v] + 1 {
                        c[w] += c[v];
                    }
                }
            }
            (d, c)
        };
        let all: Vec<_> = (0..n).map(bfs).collect();
        let mut b = vec![0.0; n];
        for s in 0..n {
            for t in 0..n {
                if s == t || all[s].0[t] == usize::MAX {
                    continue;
                }
                for v in 0..n {
                    if v == s || v == t {
                        continue;
                    }
                    if all[s].0[v] != usize::MAX
                        && all[v].0[t] != usize::MAX
                        && all[s].0[v] + all[v].0[t] == all[s].0[t]
                    {
                        b[v] += all[s].1[v] * all[v].1[t] / all[s].1[t];
                    }
                }
            }
        }
        let pairs = ((n - 1) * (n - 2)) as f64;
        b.iter().map(|x| x / pairs).collect()
    }

    #[test]
    fn a_star_centre_is_the_only_broker_and_a_cut_point() {
        let g = graph(5, &[(1, 2), (1, 3), (1, 4), (1, 5)]);
        let c = compute(&g, &Progress::default()).unwrap();
        assert_eq!(c.degree, vec![4, 1, 1, 1, 1]);
        assert_eq!(c.shipments[0], 8);
        assert!((c.betweenness[0] - 1.0).abs() < 1e-12);
        assert!(c.betweenness[1..].iter().all(|&b| b == 0.0));
        assert_eq!(c.cut_points, vec![(1, 3)]);
        assert!(!c.sampled);
    }

    #[test]
    fn betweenness_matches_brute_force_on_a_tangle() {
        // Two triangles joined by a bridge 3–4, a square 5-6-7-8 hanging off 4, a pendant 9.
        let edges = [
            (1, 2),
            (2, 3),
            (1, 3),
            (3, 4),
            (4, 5),
            (5, 6),
            (6, 7),
            (7, 8),
            (8, 5),
            (4, 9),
            (9, 10),
            (10, 4),
            (7, 11),
        ];
        let g = graph(12, &edges);
        let c = compute(&g, &Progress::default()).unwrap();
        let b = brute(&g);
        for (x, y) in c.betweenness.iter().zip(&b) {
            assert!((x - y).abs() < 1e-12, "{x} vs {y}");
        }
        let cuts: Vec<EntityId> = {
            let mut v: Vec<EntityId> = c.cut_points.iter().map(|c| c.0).collect();
            v.sort();
            v
        };
        assert_eq!(cuts, vec![3, 4, 5, 7]);
        // 4 cuts off {1,2,3}, {9,10} and {5,6,7,8,11}: 5 of 10 stay together, 5 are cut off.
        assert!(c.cut_points.contains(&(4, 5)));
        // The isolated node 12 is nobody's broker.
        assert_eq!(c.betweenness[11], 0.0);
    }

    #[test]
    fn betweenness_matches_brute_force_on_random_forests_and_cores() {
        use rand::{RngExt, SeedableRng};
        for seed in 0..12u64 {
            let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
            let n = rng.random_range(3..40i64);
            let mut edges = Vec::new();
            // A random tree on most vertices (long branches to prune), a few extra links (a
            // core with cycles), and some vertices left apart.
            for v in 2..=n - 2 {
                edges.push((rng.random_range(1..v), v));
            }
            for _ in 0..rng.random_range(0..(n / 3 + 1)) {
                let (a, b) = (rng.random_range(1..=n), rng.random_range(1..=n));
                if a != b {
                    edges.push((a, b));
                }
            }
            let g = graph(n, &edges);
            let c = compute(&g, &Progress::default()).unwrap();
            for (v, (x, y)) in c.betweenness.iter().zip(&brute(&g)).enumerate() {
                assert!(
                    (x - y).abs() < 1e-9,
                    "seed {seed} vertex {}: {x} vs {y}",
                    v + 1
                );
            }
        }
    }

    /// Brandes' algorithm as published, from every vertex over the whole graph: no trees
    /// taken off, no renumbering, one thread. What `compute` must agree with.
    fn textbook(g: &FilteredGraph) -> Vec<f64> {
        let adj = Adjacency::new(g);
        let n = adj.len();
        let mut b = vec![0.0f64; n];
        for s in 0..n {
            let mut dist = vec![usize::MAX; n];
            let mut sigma = vec![0.0f64; n];
            let mut delta = vec![0.0f64; n];
            let mut order = Vec::new();
            dist[s] = 0;
            sigma[s] = 1.0;
            let mut queue = std::collections::VecDeque::from([s]);
            while let Some(v) = queue.pop_front() {
                order.push(v);
                for &w in adj.of(v) {
                    let w = w as usize;
                    if dist[w] == usize::MAX {
                        dist[w] = dist[v] + 1;
                        queue.push_back(w);
                    }
                    if dist[w] == dist[v] + 1 {
                        sigma[w] += sigma[v];
                    }
                }
            }
            for &w in order.iter().rev() {
                for &v in adj.of(w) {
                    let v = v as usize;
                    if dist[v] != usize::MAX && dist[v] + 1 == dist[w] {
                        delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w]);
                    }
                }
                if w != s {
                    b[w] += delta[w];
                }
            }
        }
        let pairs = if n > 2 {
            ((n - 1) * (n - 2)) as f64
        } else {
            1.0
        };
        b.iter().map(|x| x / pairs).collect()
    }

    #[test]
    fn betweenness_matches_the_textbook_algorithm_on_larger_networks() {
        use rand::{RngExt, SeedableRng};
        // Trade-like networks: hubs (links drawn towards low ids), trees of one-link
        // companies hanging off them, chains, twins and a few apart; up to 2,500 entities.
        for (seed, n) in [(1u64, 300i64), (2, 800), (3, 1_500), (4, 2_500)] {
            let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
            let mut edges = Vec::new();
            let hub = |rng: &mut rand_pcg::Pcg64, below: i64| {
                let x: f64 = rng.random_range(0.0..1.0);
                1 + ((x * x * x) * (below - 1) as f64) as i64
            };
            for v in 2..=n - 5 {
                let links = if rng.random_range(0..3) == 0 {
                    1
                } else {
                    2 + rng.random_range(0..4)
                };
                for _ in 0..links {
                    let w = hub(&mut rng, v);
                    if w != v {
                        edges.push((w, v));
                    }
                }
            }
            // A chain and two twins on the last vertices.
            edges.extend([
                (n - 4, n - 3),
                (n - 3, 1),
                (n - 2, 1),
                (n - 2, 2),
                (n - 1, 1),
                (n - 1, 2),
            ]);
            let g = graph(n, &edges);
            let c = compute(&g, &Progress::default()).unwrap();
            let want = textbook(&g);
            let top = want.iter().copied().fold(0.0, f64::max);
            assert!(top > 0.01, "seed {seed}: a hub brokers");
            for (v, (x, y)) in c.betweenness.iter().zip(&want).enumerate() {
                assert!(
                    (x - y).abs() <= 1e-12 * top.max(*y),
                    "seed {seed} vertex {}: {x} vs {y}",
                    v + 1
                );
            }
        }
    }

    #[test]
    fn a_long_chain_does_not_overflow_and_its_middle_is_the_top_broker() {
        let n = 200_000i64;
        let edges: Vec<(i64, i64)> = (1..n).map(|i| (i, i + 1)).collect();
        let g = graph(n, &edges);
        let adj = Adjacency::new(&g);
        let cuts = articulation_points(&adj);
        assert_eq!(cuts.len(), (n - 2) as usize);
        assert_eq!(cuts[0].1, (n as usize - 1) / 2);
    }

    #[test]
    fn cancelling_stops_the_run() {
        let g = graph(4, &[(1, 2), (2, 3), (3, 4), (4, 1)]);
        let p = Progress::default();
        p.cancel.store(true, Ordering::Relaxed);
        assert!(compute(&g, &p).is_none());
    }
}
