//! Multilevel coarsening for the settle schedule: a hierarchy of ever smaller graphs, each
//! node of a coarser graph standing for a group of nodes of the finer one.
//!
//! One level merges, in this order: every leaf (a node with one link) into its neighbour's
//! group, so a star of any size collapses into one node at once; then the remaining nodes
//! pairwise along their heaviest link relative to the two masses (`w / (m_a m_b)`, a
//! heavy-edge matching that prefers light partners, so hubs do not swallow everything).
//! A group's mass is the sum of its members' masses and a coarse link's weight the sum of
//! the links it replaces, so the far field of a group (its repulsion `k_r M_I M_J / d`, its
//! pull `W_IJ d`, its gravity `g M_I`) is that of its members: a coarse layout is a layout
//! of the same energy at low resolution, with the same scale. Coarsening stops at a few
//! dozen nodes or when a level no longer shrinks the graph by a fifth (isolated nodes, for
//! instance, cannot merge). Everything is in index order: the hierarchy depends only on the
//! graph.

/// One graph of the hierarchy, in the engine's terms.
#[derive(Clone, Debug, Default)]
pub(super) struct Level {
    /// Mass of each node (1 + weighted degree at the finest level, sums above).
    pub mass: Vec<f32>,
    /// Undirected links `(a, b, weight)`, `a < b`, each pair once.
    pub edges: Vec<(u32, u32, f32)>,
    /// For each node, its group in the next coarser level (empty for the coarsest).
    pub parent: Vec<u32>,
}

/// Stop coarsening below this many nodes.
const MIN_NODES: usize = 40;
/// Stop when a level keeps more than this share of the nodes.
const MIN_SHRINK: f64 = 0.8;
/// Never more levels than this.
const MAX_LEVELS: usize = 30;

/// Builds the hierarchy from the finest graph (`n` nodes, clean undirected links): the
/// first level is the input itself. Returns at least one level.
pub(super) fn hierarchy(n: usize, edges: &[(u32, u32, f32)]) -> Vec<Level> {
    let mut mass = vec![1.0f32; n];
    for &(a, b, w) in edges {
        mass[a as usize] += w;
        mass[b as usize] += w;
    }
    let mut levels = vec![Level {
        mass,
        edges: edges.to_vec(),
        parent: Vec::new(),
    }];
    while levels.len() < MAX_LEVELS {
        let fine = levels.last_mut().expect("at least one level");
        let n = fine.mass.len();
        if n < MIN_NODES {
            break;
        }
        let (parent, groups) = group(n, &fine.edges, &fine.mass);
        if groups as f64 > MIN_SHRINK * n as f64 {
            break;
        }
        let mut mass = vec![0.0f32; groups];
        for (i, &g) in parent.iter().enumerate() {
            mass[g as usize] += fine.mass[i];
        }
        let mut coarse: Vec<(u32, u32, f32)> = fine
            .edges
            .iter()
            .filter_map(|&(a, b, w)| {
                let (ga, gb) = (parent[a as usize], parent[b as usize]);
                (ga != gb).then(|| (ga.min(gb), ga.max(gb), w))
            })
            .collect();
        coarse.sort_unstable_by_key(|e| (e.0, e.1));
        let mut edges: Vec<(u32, u32, f32)> = Vec::with_capacity(coarse.len());
        for (a, b, w) in coarse {
            match edges.last_mut() {
                Some(last) if last.0 == a && last.1 == b => last.2 += w,
                _ => edges.push((a, b, w)),
            }
        }
        fine.parent = parent;
        levels.push(Level {
            mass,
            edges,
            parent: Vec::new(),
        });
    }
    levels
}

/// Assigns every node a group: leaves join their neighbour, the rest pair up along their
/// heaviest relative link. Returns the group of each node and the number of groups.
fn group(n: usize, edges: &[(u32, u32, f32)], mass: &[f32]) -> (Vec<u32>, usize) {
    const NONE: u32 = u32::MAX;
    // CSR adjacency.
    let mut start = vec![0u32; n + 1];
    for &(a, b, _) in edges {
        start[a as usize + 1] += 1;
        start[b as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut adj = vec![(0u32, 0f32); start[n] as usize];
    for &(a, b, w) in edges {
        adj[fill[a as usize] as usize] = (b, w);
        fill[a as usize] += 1;
        adj[fill[b as usize] as usize] = (a, w);
        fill[b as usize] += 1;
    }
    let degree = |i: usize| (start[i + 1] - start[i]) as usize;
    let mut parent = vec![NONE; n];
    let mut groups = 0u32;
    // Leaves into their neighbour's group (two leaves linked to each other form a pair).
    for u in 0..n {
        if degree(u) != 1 || parent[u] != NONE {
            continue;
        }
        let v = adj[start[u] as usize].0 as usize;
        if parent[v] == NONE {
            parent[v] = groups;
            groups += 1;
        }
        parent[u] = parent[v];
    }
    // The others pairwise, lightest degree first (hubs last, so their neighbours have paired
    // among themselves before a hub could take one).
    let mut order: Vec<u32> = (0..n as u32)
        .filter(|&i| parent[i as usize] == NONE)
        .collect();
    order.sort_by_key(|&i| (degree(i as usize), i));
    for u in order {
        let u = u as usize;
        if parent[u] != NONE {
            continue;
        }
        let mut best: Option<(usize, f32)> = None;
        for &(v, w) in &adj[start[u] as usize..start[u + 1] as usize] {
            let v = v as usize;
            if parent[v] != NONE {
                continue;
            }
            let score = w / (mass[u] * mass[v]);
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((v, score));
            }
        }
        parent[u] = groups;
        if let Some((v, _)) = best {
            parent[v] = groups;
        }
        groups += 1;
    }
    (parent, groups as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_star_collapses_at_once_and_masses_add_up() {
        let edges: Vec<(u32, u32, f32)> = (1..1000).map(|k| (0, k, 2.0)).collect();
        let levels = hierarchy(1000, &edges);
        assert_eq!(levels.len(), 2);
        assert_eq!(levels[1].mass.len(), 1);
        assert!(levels[1].edges.is_empty());
        let total: f32 = levels[0].mass.iter().sum();
        assert_eq!(levels[1].mass[0], total);
        assert!(levels[0].parent.iter().all(|&p| p == 0));
    }

    #[test]
    fn a_chain_halves_per_level_and_keeps_its_weight() {
        let edges: Vec<(u32, u32, f32)> = (0..999).map(|k| (k, k + 1, 1.0)).collect();
        let levels = hierarchy(1000, &edges);
        assert!(levels.len() > 4, "{}", levels.len());
        for w in levels.windows(2) {
            let (fine, coarse) = (&w[0], &w[1]);
            assert!(coarse.mass.len() as f64 <= 0.8 * fine.mass.len() as f64);
            assert_eq!(fine.parent.len(), fine.mass.len());
            let fm: f32 = fine.mass.iter().sum();
            let cm: f32 = coarse.mass.iter().sum();
            assert!((fm - cm).abs() <= 1e-3 * fm);
            assert!(coarse.edges.iter().all(|&(a, b, w)| a < b && w > 0.0));
        }
        assert!(levels.last().unwrap().mass.len() < 80);
    }

    #[test]
    fn isolated_nodes_do_not_coarsen() {
        let levels = hierarchy(500, &[]);
        assert_eq!(levels.len(), 1);
        assert!(levels[0].parent.is_empty());
    }
}
