//! Positions for headless pictures and exports: the settle schedule ([`Settle`], the one
//! the window uses) from a fixed seed (one thread for small graphs, all cores for big ones:
//! the result is the same), until it settles or for at most a fixed number of iterations
//! on the full graph, then the connected
//! components packed side by side. The same graph and seed give the same positions on any
//! machine, hence byte-identical PNGs. The UI and sessions can use it for a first picture
//! when there are no saved positions.
//!
//! Why pack: gravity keeps disconnected components on screen but leaves them far apart, and
//! a picture fitted around them is mostly empty paper with the network squeezed into its
//! corners. Packing keeps each component's own layout and only moves it, in rows, biggest
//! first.

use std::collections::HashMap;

use crate::filter::FilteredGraph;
use crate::layout::{
    ForceAtlas2, LayoutError, LayoutGraph, LayoutSettings, Positions, Settle, SpeedMode, Start,
    WeightPolicy,
};
use crate::model::EntityId;
use crate::style::Style;

/// From this many nodes on, the layout runs on all cores (same result, sooner).
pub const PARALLEL_FROM_NODES: usize = 2_000;

/// The overlap pass runs up to this many nodes. It needs small damped steps (the paper's
/// global speed, Gephi's cap) and an accurate tree (approximated cells push without sizes),
/// and some 250 iterations before the picture is whole again: on the 10,000-entity
/// benchmark network that was 3 to 4 times the schedule's own time, and with fewer
/// iterations or a coarser tree its middle collapsed into a ring around the biggest node.
/// A network that big is drawn as a density of dots in any case.
pub const OVERLAP_UP_TO_NODES: usize = 2_000;
/// Barnes-Hut theta of the overlap pass.
pub const OVERLAP_THETA: f32 = 0.25;

/// The seed `lading render` and `lading export` use unless told otherwise.
pub const DEFAULT_SEED: u64 = 1;
/// Iterations `lading render` and `lading export` run at most unless told otherwise.
pub const DEFAULT_ITERATIONS: u64 = 500;

/// Lays out the filtered network deterministically with the settle schedule
/// ([`Settle`]: multilevel, inertial, the same stopping rule as the window) from a random
/// start drawn from `seed`, with at most `max_iterations` iterations on the full graph;
/// then, up to [`OVERLAP_UP_TO_NODES`] nodes, a second, shorter run with overlap prevention
/// at the sizes nodes are drawn (by shipments), so the biggest partners, which attract each
/// other most, do not cover each other.
pub fn settle(
    graph: &FilteredGraph,
    seed: u64,
    max_iterations: u64,
) -> Result<Positions, LayoutError> {
    let mut layout_graph = LayoutGraph::from_filtered(graph, &WeightPolicy::default());
    if layout_graph.node_count() == 0 {
        return Ok(Positions::default());
    }
    // ForceAtlas2 gives the same positions whatever the thread count (its reductions are
    // ordered), so big graphs may use every core and stay byte-identical.
    let settings = LayoutSettings {
        threads: if layout_graph.node_count() >= PARALLEL_FROM_NODES {
            0
        } else {
            1
        },
        seed,
        ..LayoutSettings::default()
    };
    let mut layout = Settle::new(&layout_graph, settings, Start::Random)?;
    run(&mut layout, max_iterations);
    let mut pos: Vec<[f32; 2]> = layout.raw_positions();
    pack_components(&layout_graph, &mut pos);
    if layout_graph.node_count() > OVERLAP_UP_TO_NODES {
        return Ok(Positions::from_pairs(
            layout_graph.ids.iter().copied().zip(pos),
        ));
    }

    // Second pass, for networks small enough to read node by node: node sizes in layout
    // units as they will be drawn on a picture whose network is about REFERENCE_PX wide.
    const REFERENCE_PX: f32 = 300.0;
    let extent = extent(&pos).max(1e-3);
    let units_per_px = extent / REFERENCE_PX;
    layout_graph.sizes = drawn_radii_px(graph, &layout_graph)
        .into_iter()
        .map(|r| (r * 1.4 + 12.0) * units_per_px)
        .collect();
    let given = Positions::from_pairs(layout_graph.ids.iter().copied().zip(pos));
    // Overlap prevention needs small, damped steps (the paper's global speed with Gephi's
    // cap): the inertial rule overshoots there (see OVERLAP_UP_TO_NODES).
    let mut layout = ForceAtlas2::new(
        &layout_graph,
        LayoutSettings {
            adjust_sizes: true,
            speed: SpeedMode::Global,
            theta: OVERLAP_THETA,
            ..settings
        },
        Start::Given(&given),
    )?;
    for _ in 0..(max_iterations / 2).max(1) {
        if layout.step() {
            break;
        }
    }
    let mut pos: Vec<[f32; 2]> = layout.raw_positions().to_vec();
    pack_components(&layout_graph, &mut pos);
    Ok(Positions::from_pairs(
        layout_graph.ids.iter().copied().zip(pos),
    ))
}

/// Steps until the schedule settles or `max_iterations` have run on the full graph.
fn run(layout: &mut Settle, max_iterations: u64) {
    while layout.fine_iterations() < max_iterations {
        if layout.step() {
            break;
        }
    }
}

/// Larger side of the positions' bounding box.
fn extent(pos: &[[f32; 2]]) -> f32 {
    let mut lo = [f32::INFINITY; 2];
    let mut hi = [f32::NEG_INFINITY; 2];
    for p in pos {
        lo = [lo[0].min(p[0]), lo[1].min(p[1])];
        hi = [hi[0].max(p[0]), hi[1].max(p[1])];
    }
    (hi[0] - lo[0]).max(hi[1] - lo[1])
}

/// The radius each node is drawn with at 1x when sized by shipments, in the node order of
/// `layout_graph` (the scene's rule: [`Style::node_radius_px`] by the square root of the
/// entity's shipments over the largest).
fn drawn_radii_px(graph: &FilteredGraph, layout_graph: &LayoutGraph) -> Vec<f32> {
    let mut shipments: HashMap<EntityId, f64> = HashMap::new();
    for l in graph.trade_links() {
        *shipments.entry(l.source).or_default() += f64::from(l.shipments);
        *shipments.entry(l.target).or_default() += f64::from(l.shipments);
    }
    let max = shipments.values().copied().fold(0.0f64, f64::max).max(1e-9);
    let (rmin, rmax) = Style::default().node_radius_px;
    layout_graph
        .ids
        .iter()
        .map(|id| {
            let m = shipments.get(id).copied().unwrap_or(0.0);
            rmin + (rmax - rmin) * (m / max).sqrt() as f32
        })
        .collect()
}

/// Moves connected components into rows, biggest first, keeping each one's shape.
fn pack_components(graph: &LayoutGraph, pos: &mut [[f32; 2]]) {
    let n = pos.len();
    // Union-find over the links.
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn root(parent: &mut [u32], mut i: u32) -> u32 {
        while parent[i as usize] != i {
            let up = parent[parent[i as usize] as usize];
            parent[i as usize] = up;
            i = up;
        }
        i
    }
    for &(a, b, _) in &graph.edges {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb) as usize] = ra.min(rb);
        }
    }
    // Components in order of their first node; members in node order.
    let mut members: Vec<Vec<u32>> = Vec::new();
    let mut slot: Vec<Option<usize>> = vec![None; n];
    for i in 0..n as u32 {
        let r = root(&mut parent, i) as usize;
        let k = *slot[r].get_or_insert_with(|| {
            members.push(Vec::new());
            members.len() - 1
        });
        members[k].push(i);
    }
    if members.len() < 2 {
        return;
    }
    // Each component's box, with room for its nodes' sizes.
    let pad = graph.sizes.iter().copied().fold(1.0f32, f32::max) * 2.0;
    let boxes: Vec<([f32; 2], [f32; 2])> = members
        .iter()
        .map(|m| {
            let mut lo = [f32::INFINITY; 2];
            let mut hi = [f32::NEG_INFINITY; 2];
            for &i in m {
                let p = pos[i as usize];
                lo = [lo[0].min(p[0]), lo[1].min(p[1])];
                hi = [hi[0].max(p[0]), hi[1].max(p[1])];
            }
            ([lo[0] - pad, lo[1] - pad], [hi[0] + pad, hi[1] + pad])
        })
        .collect();
    let dims: Vec<[f32; 2]> = boxes
        .iter()
        .map(|(lo, hi)| [hi[0] - lo[0], hi[1] - lo[1]])
        .collect();
    let mut order: Vec<usize> = (0..members.len()).collect();
    order.sort_by(|&a, &b| {
        members[b]
            .len()
            .cmp(&members[a].len())
            .then((dims[b][0] * dims[b][1]).total_cmp(&(dims[a][0] * dims[a][1])))
            .then(a.cmp(&b))
    });
    let area: f32 = dims.iter().map(|d| d[0] * d[1]).sum();
    let widest = dims.iter().map(|d| d[0]).fold(0.0f32, f32::max);
    // Rows about 1.5 times as wide as the packing is tall: a landscape page.
    let row_width = widest.max((area * 1.5).sqrt());
    let gap = pad;
    let (mut x, mut y, mut row_h) = (0.0f32, 0.0f32, 0.0f32);
    for k in order {
        let d = dims[k];
        if x > 0.0 && x + d[0] > row_width {
            x = 0.0;
            y += row_h + gap;
            row_h = 0.0;
        }
        let shift = [x - boxes[k].0[0], y - boxes[k].0[1]];
        for &i in &members[k] {
            let p = &mut pos[i as usize];
            *p = [p[0] + shift[0], p[1] + shift[1]];
        }
        x += d[0] + gap;
        row_h = row_h.max(d[1]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{Link, LinkKind, PartSet};

    #[test]
    fn the_same_seed_gives_the_same_positions() {
        let link = |source, target| Link {
            kind: LinkKind::Trade,
            source,
            target,
            shipments: 2,
            value_usd: 1.0,
            first: None,
            last: None,
            part_types: PartSet(1),
            synthetic: 0,
        };
        let graph = FilteredGraph {
            entities: vec![1, 2, 3, 4],
            links: vec![link(1, 2), link(2, 3), link(3, 1), link(3, 4)],
            ..FilteredGraph::default()
        };
        let a = settle(&graph, 7, 200).unwrap();
        let b = settle(&graph, 7, 200).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 4);
        assert!(settle(&FilteredGraph::default(), 1, 10).unwrap().is_empty());
    }

    #[test]
    fn components_are_packed_close() {
        // Two components: the second must end up beside the first, not far away.
        let g = LayoutGraph::from_edges([1, 2, 3, 4], [(1, 2, 1.0), (3, 4, 1.0)]);
        let mut pos = vec![[0.0, 0.0], [10.0, 0.0], [5000.0, 5000.0], [5010.0, 5000.0]];
        pack_components(&g, &mut pos);
        let span = pos
            .iter()
            .map(|p| p[0].abs().max(p[1].abs()))
            .fold(0.0f32, f32::max);
        assert!(span < 100.0, "{pos:?}");
        assert_eq!(pos[1][0] - pos[0][0], 10.0);
    }
}
