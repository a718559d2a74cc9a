//! What the layout lays out: nodes (entity ids, sizes) and weighted undirected links.
//!
//! Built either from the filter's [`FilteredGraph`] (the explorer) or from a raw edge list
//! (the CLI benchmark). Both paths clean the input the same way, so the force code can
//! trust it: self-loops dropped, duplicate links merged with their weights summed (in
//! either direction: the layout is undirected), links to unknown ids dropped, and
//! weights that are NaN, infinite, zero or negative replaced by 1 (the neutral weight),
//! huge ones capped. What was cleaned is counted in [`InputReport`].

use rustc_hash::FxHashMap;

use crate::filter::{FilteredGraph, LinkKind};
use crate::model::EntityId;

/// Largest weight kept; beyond this f32 masses (1 + weighted degree) lose all precision.
pub const MAX_WEIGHT: f32 = 1.0e6;

/// Nodes and links ready for [`super::ForceAtlas2`]. Node `k` is `ids[k]`; ids are unique.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayoutGraph {
    /// Entity id of each node.
    pub ids: Vec<EntityId>,
    /// Radius of each node in layout units, for overlap prevention.
    pub sizes: Vec<f32>,
    /// Undirected links `(a, b, weight)` with `a != b`, each pair once, weight finite > 0.
    pub edges: Vec<(u32, u32, f32)>,
    /// What was cleaned on the way in.
    pub report: InputReport,
}

/// Counts of input problems that were repaired rather than refused.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InputReport {
    pub self_loops: usize,
    pub duplicates: usize,
    pub unknown_ids: usize,
    pub bad_weights: usize,
    pub duplicate_ids: usize,
}

/// How a [`FilteredGraph`] becomes layout weights and sizes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WeightPolicy {
    /// Weight of an ownership link: strong, so plants sit beside their owners.
    pub ownership: f32,
    /// A trade link weighs `trade_base + ln(1 + shipments)`: more shipments pull harder, but
    /// logarithmically so one busy route does not collapse the picture.
    pub trade_base: f32,
    /// Node radius is `size_base + size_per_sqrt_degree * sqrt(degree)`.
    pub size_base: f32,
    pub size_per_sqrt_degree: f32,
}

impl Default for WeightPolicy {
    fn default() -> Self {
        WeightPolicy {
            ownership: 3.0,
            trade_base: 1.0,
            size_base: 1.0,
            size_per_sqrt_degree: 0.5,
        }
    }
}

/// Replaces a weight that cannot be used by 1 and caps huge ones; `true` if it was bad.
fn clean_weight(w: f64) -> (f32, bool) {
    if w.is_finite() && w > 0.0 {
        let w = (w as f32).min(MAX_WEIGHT);
        // Tiny positive weights survive as f32 subnormals; keep them but never 0.
        (w.max(f32::MIN_POSITIVE), false)
    } else {
        (1.0, true)
    }
}

/// `ln(1 + n)` as `(1.0 + n as f64).ln()` gives it, from a table for the counts most links
/// carry: a logarithm for each link was a fifth of building the layout's input at every
/// step of a playing timeline.
fn ln_1p_count(n: u32) -> f64 {
    const TABLE: usize = 4_096;
    static LN: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    let table = LN.get_or_init(|| (0..TABLE).map(|n| (1.0 + n as f64).ln()).collect());
    match table.get(n as usize) {
        Some(&v) => v,
        None => (1.0 + n as f64).ln(),
    }
}

impl LayoutGraph {
    /// Builds from node ids and links between ids. Nodes keep the given order (duplicate
    /// ids after the first are dropped); links keep their first-seen order.
    pub fn from_edges(
        ids: impl IntoIterator<Item = EntityId>,
        links: impl IntoIterator<Item = (EntityId, EntityId, f64)>,
    ) -> LayoutGraph {
        let mut g = LayoutGraph::default();
        // Fx hashing: the layout restarts on every step of a playing timeline, and SipHash
        // over tens of thousands of links cost a good part of such a step.
        let ids = ids.into_iter();
        let links = links.into_iter();
        let mut index: FxHashMap<EntityId, u32> = FxHashMap::default();
        g.ids = ids.collect();
        // Sorted distinct ids (the filter's) find their nodes in a table over their span.
        let table = crate::model::SlotTable::new(&g.ids);
        if table.is_none() {
            let given = std::mem::take(&mut g.ids);
            index.reserve(given.len());
            for id in given {
                if index.contains_key(&id) {
                    g.report.duplicate_ids += 1;
                    continue;
                }
                index.insert(id, g.ids.len() as u32);
                g.ids.push(id);
            }
        }
        let node = |id: EntityId| match &table {
            Some(t) => t.get(id),
            None => index.get(&id).copied(),
        };
        let mut seen: FxHashMap<(u32, u32), usize> = FxHashMap::default();
        seen.reserve(links.size_hint().0);
        g.edges.reserve(links.size_hint().0);
        for (a, b, w) in links {
            let (Some(a), Some(b)) = (node(a), node(b)) else {
                g.report.unknown_ids += 1;
                continue;
            };
            if a == b {
                g.report.self_loops += 1;
                continue;
            }
            let (w, bad) = clean_weight(w);
            g.report.bad_weights += bad as usize;
            let key = (a.min(b), a.max(b));
            if let Some(&k) = seen.get(&key) {
                g.report.duplicates += 1;
                g.edges[k].2 = (g.edges[k].2 + w).min(MAX_WEIGHT);
                continue;
            }
            seen.insert(key, g.edges.len());
            g.edges.push((a, b, w));
        }
        g.sizes = vec![1.0; g.ids.len()];
        g
    }

    /// Builds from the filter's output: every entity is a node (sorted by id, as the filter
    /// gives them); ownership and trade links weighted by `policy`; sizes from degree.
    pub fn from_filtered(graph: &FilteredGraph, policy: &WeightPolicy) -> LayoutGraph {
        let links = graph.links.iter().map(|l| {
            let w = match l.kind {
                LinkKind::Ownership => policy.ownership as f64,
                LinkKind::Trade => policy.trade_base as f64 + ln_1p_count(l.shipments),
            };
            (l.source, l.target, w)
        });
        let mut g = LayoutGraph::from_edges(graph.entities.iter().copied(), links);
        let mut degree = vec![0u32; g.ids.len()];
        for &(a, b, _) in &g.edges {
            degree[a as usize] += 1;
            degree[b as usize] += 1;
        }
        g.sizes = degree
            .iter()
            .map(|&d| policy.size_base + policy.size_per_sqrt_degree * (d as f32).sqrt())
            .collect();
        g
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.ids.len()
    }

    /// Number of (merged, undirected) links.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{Link, PartSet};

    #[test]
    fn cleaning_merges_drops_and_repairs() {
        let g = LayoutGraph::from_edges(
            [1, 2, 3, 3],
            [
                (1, 2, 2.0),
                (2, 1, 3.0),
                (1, 1, 1.0),
                (1, 9, 1.0),
                (2, 3, f64::NAN),
                (1, 3, -4.0),
            ],
        );
        assert_eq!(g.ids, vec![1, 2, 3]);
        assert_eq!(g.edges, vec![(0, 1, 5.0), (1, 2, 1.0), (0, 2, 1.0)]);
        let r = g.report;
        assert_eq!(
            (
                r.duplicates,
                r.self_loops,
                r.unknown_ids,
                r.bad_weights,
                r.duplicate_ids
            ),
            (1, 1, 1, 2, 1)
        );
    }

    #[test]
    fn filtered_graph_weights_ownership_and_trade() {
        let link = |kind, source, target, shipments| Link {
            kind,
            source,
            target,
            shipments,
            value_usd: 0.0,
            first: None,
            last: None,
            part_types: PartSet(0),
            synthetic: 0,
        };
        let fg = FilteredGraph {
            entities: vec![10, 20, 30],
            links: vec![
                link(LinkKind::Ownership, 10, 20, 0),
                link(LinkKind::Trade, 20, 30, 9),
            ],
            ..FilteredGraph::default()
        };
        let g = LayoutGraph::from_filtered(&fg, &WeightPolicy::default());
        assert_eq!(g.edges[0], (0, 1, 3.0));
        assert!((g.edges[1].2 - (1.0 + 10f32.ln())).abs() < 1e-6);
        assert!(g.sizes[1] > g.sizes[0]);
        // Sorted ids are found through a table: ids inside its span but not shown, and
        // ids beyond it, are unknown.
        let g = LayoutGraph::from_edges(
            [10, 20, 30],
            [
                (10, 25, 1.0),
                (20, 30, 2.0),
                (30, 99, 1.0),
                (-5, 10, 1.0),
                (30, 20, 1.0),
            ],
        );
        assert_eq!(g.edges, vec![(1, 2, 3.0)]);
        assert_eq!(g.report.unknown_ids, 3);
        assert_eq!(g.report.duplicates, 1);
    }

    #[test]
    fn the_tables_logarithms_are_the_functions() {
        for n in (0..5_000).chain([u32::MAX - 1, u32::MAX]) {
            assert_eq!(
                ln_1p_count(n).to_bits(),
                (1.0 + n as f64).ln().to_bits(),
                "{n}"
            );
        }
    }
}
