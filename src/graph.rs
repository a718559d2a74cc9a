//! The filtered network as a petgraph graph, and the questions the explorer asks of it.
//!
//! [`EntityGraph`] holds the filter's entities and links in a `StableDiGraph` (node weight
//! = entity id, edge weight = the filter's [`Link`], direction owner → owned or shipper →
//! consignee) plus a map entity id → node, so ids stay the currency of the API and
//! petgraph indices never leak into the UI. View state (positions, pins, selection) is
//! deliberately not stored here: it belongs to the layout and the view, keyed by id.
//!
//! Every query returns sorted, deduplicated ids (or a path in order), so results are
//! deterministic and testable. Traversals are written out (BFS, Dijkstra over a binary
//! heap) rather than taken from petgraph because they need undirected walks over a
//! directed graph, link-kind filters and path reconstruction.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, VecDeque};

use petgraph::Direction as PgDirection;
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;

use crate::filter::{FilteredGraph, Link, LinkKind};
use crate::model::EntityId;

/// Which links of a node to follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Links leaving the node: what it owns, whom it ships to.
    Out,
    /// Links entering the node: its owners, who ships to it.
    In,
    /// Both.
    Both,
}

/// The filtered network with stable entity ids. Build with [`EntityGraph::from_filtered`].
#[derive(Clone, Debug, Default)]
pub struct EntityGraph {
    graph: StableDiGraph<EntityId, Link>,
    index: HashMap<EntityId, NodeIndex>,
    /// Links dropped because an endpoint was not among the entities, or a self-loop.
    skipped_links: usize,
}

impl EntityGraph {
    /// Builds the graph: one node per entity (in the filter's id order), one edge per link
    /// whose two ends are known entities. Self-loops and links to unknown ids are skipped
    /// and counted ([`EntityGraph::skipped_links`]).
    pub fn from_filtered(filtered: &FilteredGraph) -> EntityGraph {
        let mut g = EntityGraph::default();
        for &id in &filtered.entities {
            if !g.index.contains_key(&id) {
                let n = g.graph.add_node(id);
                g.index.insert(id, n);
            }
        }
        for link in &filtered.links {
            match (g.index.get(&link.source), g.index.get(&link.target)) {
                (Some(&a), Some(&b)) if a != b => {
                    g.graph.add_edge(a, b, link.clone());
                }
                _ => g.skipped_links += 1,
            }
        }
        g
    }

    /// The underlying petgraph graph, for algorithms not offered here.
    pub fn petgraph(&self) -> &StableDiGraph<EntityId, Link> {
        &self.graph
    }

    /// The node of an entity.
    pub fn node(&self, id: EntityId) -> Option<NodeIndex> {
        self.index.get(&id).copied()
    }

    /// The entity of a node.
    pub fn entity(&self, node: NodeIndex) -> Option<EntityId> {
        self.graph.node_weight(node).copied()
    }

    /// Whether the entity is in the graph.
    pub fn contains(&self, id: EntityId) -> bool {
        self.index.contains_key(&id)
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Links dropped while building (self-loops, unknown endpoints).
    pub fn skipped_links(&self) -> usize {
        self.skipped_links
    }

    /// Links of `id` in `dir`, optionally of one kind, as (neighbour, link).
    fn links_of(
        &self,
        n: NodeIndex,
        dir: Direction,
        kind: Option<LinkKind>,
    ) -> impl Iterator<Item = (NodeIndex, &Link)> {
        let out = matches!(dir, Direction::Out | Direction::Both)
            .then(|| self.graph.edges_directed(n, PgDirection::Outgoing))
            .into_iter()
            .flatten()
            .map(|e| (e.target(), e.weight()));
        let inc = matches!(dir, Direction::In | Direction::Both)
            .then(|| self.graph.edges_directed(n, PgDirection::Incoming))
            .into_iter()
            .flatten()
            .map(|e| (e.source(), e.weight()));
        out.chain(inc)
            .filter(move |(_, l)| kind.is_none_or(|k| l.kind == k))
    }

    /// Neighbours of `id` in `dir`, optionally only over links of `kind`; sorted, unique.
    /// Empty for an unknown id.
    pub fn neighbours(
        &self,
        id: EntityId,
        dir: Direction,
        kind: Option<LinkKind>,
    ) -> Vec<EntityId> {
        let Some(n) = self.node(id) else {
            return Vec::new();
        };
        let mut v: Vec<EntityId> = self
            .links_of(n, dir, kind)
            .map(|(m, _)| self.graph[m])
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Number of links of `id` in `dir` (a link counted once per end it has at `id`).
    pub fn degree(&self, id: EntityId, dir: Direction) -> usize {
        self.node(id)
            .map_or(0, |n| self.links_of(n, dir, None).count())
    }

    /// Sum of `weight(link)` over the links of `id` in `dir`; non-finite weights count 0.
    pub fn weighted_degree(
        &self,
        id: EntityId,
        dir: Direction,
        weight: impl Fn(&Link) -> f64,
    ) -> f64 {
        self.node(id).map_or(0.0, |n| {
            self.links_of(n, dir, None)
                .map(|(_, l)| weight(l))
                .filter(|w| w.is_finite())
                .sum()
        })
    }

    /// Entities within `k` links of `id` (links followed in both directions, optionally of
    /// one kind), with their distance; `id` itself at distance 0. Sorted by (distance, id).
    pub fn k_hop(&self, id: EntityId, k: u32, kind: Option<LinkKind>) -> Vec<(EntityId, u32)> {
        let Some(start) = self.node(id) else {
            return Vec::new();
        };
        let mut dist: HashMap<NodeIndex, u32> = HashMap::from([(start, 0)]);
        let mut queue = VecDeque::from([start]);
        while let Some(u) = queue.pop_front() {
            let d = dist[&u];
            if d == k {
                continue;
            }
            for (v, _) in self.links_of(u, Direction::Both, kind) {
                dist.entry(v).or_insert_with(|| {
                    queue.push_back(v);
                    d + 1
                });
            }
        }
        let mut out: Vec<(EntityId, u32)> =
            dist.into_iter().map(|(n, d)| (self.graph[n], d)).collect();
        out.sort_unstable_by_key(|&(id, d)| (d, id));
        out
    }

    /// Fewest-links path from `from` to `to`, following links in either direction
    /// (optionally of one kind). Ties go to the path through smaller ids. `None` when
    /// either id is unknown or they are not connected.
    pub fn shortest_path(
        &self,
        from: EntityId,
        to: EntityId,
        kind: Option<LinkKind>,
    ) -> Option<Vec<EntityId>> {
        let (a, b) = (self.node(from)?, self.node(to)?);
        let mut parent: HashMap<NodeIndex, NodeIndex> = HashMap::from([(a, a)]);
        let mut queue = VecDeque::from([a]);
        while let Some(u) = queue.pop_front() {
            if u == b {
                return Some(self.unwind(&parent, b));
            }
            let mut next: Vec<NodeIndex> = self
                .links_of(u, Direction::Both, kind)
                .map(|(v, _)| v)
                .filter(|v| !parent.contains_key(v))
                .collect();
            next.sort_unstable_by_key(|&v| self.graph[v]);
            next.dedup();
            for v in next {
                parent.insert(v, u);
                queue.push_back(v);
            }
        }
        None
    }

    /// Cheapest path from `from` to `to` where crossing a link costs `cost(link)`
    /// (either direction). `None` from `cost`, or a negative or non-finite cost, makes the
    /// link impassable. Returns the total cost and the path.
    pub fn cheapest_path(
        &self,
        from: EntityId,
        to: EntityId,
        cost: impl Fn(&Link) -> Option<f64>,
    ) -> Option<(f64, Vec<EntityId>)> {
        #[derive(PartialEq)]
        struct Item(f64, EntityId, NodeIndex);
        impl Eq for Item {}
        impl PartialOrd for Item {
            fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
                Some(self.cmp(o))
            }
        }
        impl Ord for Item {
            // Min-heap on (cost, id): reversed.
            fn cmp(&self, o: &Self) -> Ordering {
                o.0.total_cmp(&self.0).then(o.1.cmp(&self.1))
            }
        }
        let (a, b) = (self.node(from)?, self.node(to)?);
        let mut best: HashMap<NodeIndex, f64> = HashMap::from([(a, 0.0)]);
        let mut parent: HashMap<NodeIndex, NodeIndex> = HashMap::from([(a, a)]);
        let mut heap = BinaryHeap::from([Item(0.0, from, a)]);
        while let Some(Item(c, _, u)) = heap.pop() {
            if u == b {
                return Some((c, self.unwind(&parent, b)));
            }
            if best.get(&u).is_some_and(|&bc| c > bc) {
                continue;
            }
            for (v, link) in self.links_of(u, Direction::Both, None) {
                let Some(w) = cost(link).filter(|w| w.is_finite() && *w >= 0.0) else {
                    continue;
                };
                let nc = c + w;
                if best.get(&v).is_none_or(|&old| nc < old) {
                    best.insert(v, nc);
                    parent.insert(v, u);
                    heap.push(Item(nc, self.graph[v], v));
                }
            }
        }
        None
    }

    fn unwind(&self, parent: &HashMap<NodeIndex, NodeIndex>, end: NodeIndex) -> Vec<EntityId> {
        let mut path = vec![self.graph[end]];
        let mut n = end;
        while let Some(&p) = parent.get(&n) {
            if p == n {
                break;
            }
            path.push(self.graph[p]);
            n = p;
        }
        path.reverse();
        path
    }

    /// Connected components (links in either direction), each sorted by id; largest first,
    /// ties by smallest id.
    pub fn components(&self) -> Vec<Vec<EntityId>> {
        let mut seen: HashMap<NodeIndex, ()> = HashMap::new();
        let mut nodes: Vec<NodeIndex> = self.graph.node_indices().collect();
        nodes.sort_unstable_by_key(|&n| self.graph[n]);
        let mut out = Vec::new();
        for start in nodes {
            if seen.insert(start, ()).is_some() {
                continue;
            }
            let mut comp = vec![self.graph[start]];
            let mut stack = vec![start];
            while let Some(u) = stack.pop() {
                for (v, _) in self.links_of(u, Direction::Both, None) {
                    if seen.insert(v, ()).is_none() {
                        comp.push(self.graph[v]);
                        stack.push(v);
                    }
                }
            }
            comp.sort_unstable();
            out.push(comp);
        }
        out.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
        out
    }

    /// The ownership chain of `id` upward: `[id, owner, owner's owner, …]`, ending at the
    /// nearest owner for which `is_state_owner` holds, or, if none is reachable, at the
    /// nearest entity that has no owner (the top of its group). With several owners the
    /// shortest chain wins, ties by smaller ids; ownership cycles are walked once.
    /// `None` for an unknown id.
    pub fn ownership_chain(
        &self,
        id: EntityId,
        is_state_owner: impl Fn(EntityId) -> bool,
    ) -> Option<Vec<EntityId>> {
        let start = self.node(id)?;
        let mut parent: HashMap<NodeIndex, NodeIndex> = HashMap::from([(start, start)]);
        let mut queue = VecDeque::from([start]);
        let mut top: Option<NodeIndex> = None;
        while let Some(u) = queue.pop_front() {
            if u != start && is_state_owner(self.graph[u]) {
                return Some(self.unwind(&parent, u));
            }
            let mut owners: Vec<NodeIndex> = self
                .links_of(u, Direction::In, Some(LinkKind::Ownership))
                .map(|(v, _)| v)
                .collect();
            if owners.is_empty() && top.is_none() {
                top = Some(u);
            }
            owners.sort_unstable_by_key(|&v| self.graph[v]);
            owners.dedup();
            for v in owners {
                if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(v) {
                    e.insert(u);
                    queue.push_back(v);
                }
            }
        }
        Some(match top {
            Some(t) => self.unwind(&parent, t),
            // Every entity up the chain is owned by another: a pure cycle. Report the
            // start alone rather than an arbitrary cut of the cycle.
            None => vec![id],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::PartSet;

    fn link(kind: LinkKind, source: EntityId, target: EntityId, shipments: u32) -> Link {
        Link {
            kind,
            source,
            target,
            shipments,
            value_usd: shipments as f64 * 1000.0,
            first: None,
            last: None,
            part_types: PartSet(0),
            synthetic: 0,
        }
    }

    /// State owner 1 → holding 2 → plants 3, 4; 5 owned by 2 and by 6 (no owner above);
    /// trade 3 → 7 → 8, 4 → 8; 9 and 10 trade with each other only; 11 alone.
    fn sample() -> EntityGraph {
        use LinkKind::*;
        EntityGraph::from_filtered(&FilteredGraph {
            entities: (1..=11).collect(),
            links: vec![
                link(Ownership, 1, 2, 0),
                link(Ownership, 2, 3, 0),
                link(Ownership, 2, 4, 0),
                link(Ownership, 2, 5, 0),
                link(Ownership, 6, 5, 0),
                link(Trade, 3, 7, 5),
                link(Trade, 7, 8, 1),
                link(Trade, 4, 8, 40),
                link(Trade, 9, 10, 2),
                link(Trade, 9, 99, 2),
                link(Trade, 9, 9, 2),
            ],
            ..FilteredGraph::default()
        })
    }

    #[test]
    fn builds_with_stable_ids_and_skips_bad_links() {
        let g = sample();
        assert_eq!(g.node_count(), 11);
        assert_eq!(g.edge_count(), 9);
        assert_eq!(g.skipped_links(), 2);
        let n = g.node(7).unwrap();
        assert_eq!(g.entity(n), Some(7));
        assert!(!g.contains(99));
    }

    #[test]
    fn neighbours_by_direction_and_kind() {
        let g = sample();
        assert_eq!(g.neighbours(2, Direction::Out, None), vec![3, 4, 5]);
        assert_eq!(g.neighbours(2, Direction::In, None), vec![1]);
        assert_eq!(
            g.neighbours(8, Direction::In, Some(LinkKind::Trade)),
            vec![4, 7]
        );
        assert_eq!(
            g.neighbours(3, Direction::Both, Some(LinkKind::Ownership)),
            vec![2]
        );
        assert_eq!(g.neighbours(3, Direction::Both, None), vec![2, 7]);
        assert!(g.neighbours(42, Direction::Both, None).is_empty());
        assert_eq!(g.degree(2, Direction::Both), 4);
        assert_eq!(
            g.weighted_degree(8, Direction::In, |l| l.shipments as f64),
            41.0
        );
    }

    #[test]
    fn k_hop_neighbourhood() {
        let g = sample();
        assert_eq!(g.k_hop(3, 0, None), vec![(3, 0)]);
        assert_eq!(g.k_hop(3, 1, None), vec![(3, 0), (2, 1), (7, 1)]);
        assert_eq!(
            g.k_hop(3, 2, None),
            vec![(3, 0), (2, 1), (7, 1), (1, 2), (4, 2), (5, 2), (8, 2)]
        );
        assert_eq!(
            g.k_hop(3, 5, Some(LinkKind::Trade)),
            vec![(3, 0), (7, 1), (8, 2), (4, 3)]
        );
    }

    #[test]
    fn shortest_and_cheapest_paths() {
        let g = sample();
        // 3 → 8: via 7 (two links) rather than via 2, 4 (three).
        assert_eq!(g.shortest_path(3, 8, None), Some(vec![3, 7, 8]));
        assert_eq!(g.shortest_path(1, 1, None), Some(vec![1]));
        assert_eq!(g.shortest_path(1, 9, None), None);
        assert_eq!(g.shortest_path(1, 999, None), None);
        assert_eq!(g.shortest_path(1, 8, Some(LinkKind::Ownership)), None);
        // Cost = 10 / shipments (busy routes are cheap), ownership costs 1.
        let cost = |l: &Link| match l.kind {
            LinkKind::Trade => Some(10.0 / l.shipments.max(1) as f64),
            LinkKind::Ownership => Some(1.0),
        };
        let (c, path) = g.cheapest_path(3, 8, cost).unwrap();
        assert_eq!(path, vec![3, 2, 4, 8]);
        assert!((c - 2.25).abs() < 1e-9);
        // Impassable ownership: only the trade route is left.
        let trade_only = |l: &Link| (l.kind == LinkKind::Trade).then_some(1.0);
        assert_eq!(g.cheapest_path(3, 8, trade_only).unwrap().1, vec![3, 7, 8]);
        assert_eq!(g.cheapest_path(3, 8, |_| Some(f64::NAN)), None);
    }

    #[test]
    fn connected_components() {
        let g = sample();
        assert_eq!(
            g.components(),
            vec![vec![1, 2, 3, 4, 5, 6, 7, 8], vec![9, 10], vec![11]]
        );
    }

    #[test]
    fn ownership_chain_up_to_the_state_owner() {
        let g = sample();
        let state = |id: EntityId| id == 1;
        assert_eq!(g.ownership_chain(3, state), Some(vec![3, 2, 1]));
        // 5 has two owners: 6 (no owner, not state) is nearer but 1 is the state owner.
        assert_eq!(g.ownership_chain(5, state), Some(vec![5, 2, 1]));
        // Without a known state owner: the nearest top of a group, smaller id first.
        assert_eq!(g.ownership_chain(5, |_| false), Some(vec![5, 6]));
        assert_eq!(g.ownership_chain(1, state), Some(vec![1]));
        assert_eq!(g.ownership_chain(7, state), Some(vec![7]));
        assert_eq!(g.ownership_chain(77, state), None);
        // A cycle does not loop forever.
        use LinkKind::Ownership;
        let cyc = EntityGraph::from_filtered(&FilteredGraph {
            entities: vec![1, 2, 3],
            links: vec![
                link(Ownership, 1, 2, 0),
                link(Ownership, 2, 3, 0),
                link(Ownership, 3, 1, 0),
            ],
            ..FilteredGraph::default()
        });
        assert_eq!(cyc.ownership_chain(3, |_| false), Some(vec![3]));
        assert_eq!(cyc.ownership_chain(3, |id| id == 1), Some(vec![3, 2, 1]));
    }
}
