//! Unit tests of the engine: determinism, pins, warm start, settling, quality sanity, the
//! background runner. Graphs are small so the tests stay fast in debug builds.

use std::time::{Duration, Instant};

use super::*;

/// Two 12-node rings joined by one link, plus a pair: ids 100.., links weight 1.
fn two_rings() -> LayoutGraph {
    let mut links = Vec::new();
    for r in 0..2i64 {
        for k in 0..12i64 {
            links.push((100 + r * 12 + k, 100 + r * 12 + (k + 1) % 12, 1.0));
        }
    }
    links.push((100, 112, 1.0));
    links.push((200, 201, 1.0));
    let ids = (100..124).chain([200, 201]);
    LayoutGraph::from_edges(ids, links)
}

fn settings(threads: usize) -> LayoutSettings {
    LayoutSettings {
        threads,
        seed: 7,
        ..LayoutSettings::default()
    }
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

#[test]
fn same_seed_same_result_whatever_the_thread_count() {
    let g = two_rings();
    let run = |threads, speed| {
        let s = LayoutSettings {
            speed,
            ..settings(threads)
        };
        let mut l = ForceAtlas2::new(&g, s, Start::Random).unwrap();
        l.run(60);
        l.positions()
    };
    for speed in [SpeedMode::PerNode, SpeedMode::Global, SpeedMode::Inertial] {
        let a = run(1, speed);
        assert_eq!(a, run(1, speed));
        // Per-node passes over fixed chunks: the pool changes nothing.
        assert_eq!(a, run(2, speed));
    }
    let other = {
        let s = LayoutSettings {
            seed: 8,
            ..settings(1)
        };
        let mut l = ForceAtlas2::new(&g, s, Start::Random).unwrap();
        l.run(60);
        l.positions()
    };
    assert_ne!(run(1, SpeedMode::PerNode), other);
}

#[test]
fn positions_come_sorted_by_id() {
    let g = LayoutGraph::from_edges([5, 3, 9], [(5, 3, 1.0), (3, 9, 1.0)]);
    let l = ForceAtlas2::new(&g, settings(1), Start::Random).unwrap();
    let ids: Vec<EntityId> = l.positions().iter().map(|(id, _)| id).collect();
    assert_eq!(ids, vec![3, 5, 9]);
}

#[test]
fn layout_pulls_linked_nodes_together() {
    let g = two_rings();
    let mut l = ForceAtlas2::new(&g, settings(1), Start::Random).unwrap();
    l.run(300);
    let p = l.positions();
    let at = |id| p.get(id).unwrap();
    // Neighbours on a ring sit closer than opposite nodes of the same ring.
    let near: f32 = (0..12)
        .map(|k| dist(at(100 + k), at(100 + (k + 1) % 12)))
        .sum::<f32>()
        / 12.0;
    let far: f32 = (0..12)
        .map(|k| dist(at(100 + k), at(100 + (k + 6) % 12)))
        .sum::<f32>()
        / 12.0;
    assert!(near * 2.0 < far, "near {near} far {far}");
}

#[test]
fn pinned_nodes_do_not_move_but_still_pull() {
    let g = two_rings();
    let mut l = ForceAtlas2::new(&g, settings(1), Start::Random).unwrap();
    assert!(l.set_position(100, [500.0, 500.0]));
    assert!(l.set_pinned(100, true));
    assert!(l.is_pinned(100));
    assert!(!l.set_pinned(4242, true));
    l.run(200);
    assert_eq!(l.position(100), Some([500.0, 500.0]));
    // Its ring neighbour was pulled toward it (from a random start near the origin).
    let n = l.position(101).unwrap();
    assert!(dist(n, [500.0, 500.0]) < dist([0.0, 0.0], [500.0, 500.0]) * 0.8);
    l.set_pinned(100, false);
    l.run(5);
    assert_ne!(l.position(100), Some([500.0, 500.0]));
}

#[test]
fn warm_start_keeps_old_positions_and_places_new_nodes_near_neighbours() {
    let g = two_rings();
    let mut l = ForceAtlas2::new(&g, settings(1), Start::Random).unwrap();
    l.run(100);
    let old = l.positions();
    // A new entity 300 attached to 105, and a new isolated pair 400-401.
    let mut links: Vec<(EntityId, EntityId, f64)> = g
        .edges
        .iter()
        .map(|&(a, b, w)| (g.ids[a as usize], g.ids[b as usize], w as f64))
        .collect();
    links.push((300, 105, 1.0));
    links.push((400, 401, 1.0));
    let ids = g.ids.iter().copied().chain([300, 400, 401]);
    let g2 = LayoutGraph::from_edges(ids, links);
    let warm = ForceAtlas2::new(&g2, settings(1), Start::Warm(&old)).unwrap();
    for (id, p) in old.iter() {
        assert_eq!(warm.position(id), Some(p), "entity {id} kept its place");
    }
    let (lo, hi) = old.bounds().unwrap();
    let span = dist(lo, hi);
    let new = warm.position(300).unwrap();
    assert!(dist(new, old.get(105).unwrap()) < 0.25 * span);
    // The unconnected newcomers land inside the old picture.
    for id in [400, 401] {
        let p = warm.position(id).unwrap();
        assert!(p[0] >= lo[0] && p[0] <= hi[0] && p[1] >= lo[1] && p[1] <= hi[1]);
    }
    // Warm start is deterministic too.
    let again = ForceAtlas2::new(&g2, settings(1), Start::Warm(&old)).unwrap();
    assert_eq!(warm.positions(), again.positions());
}

#[test]
fn settles_and_run_for_respects_its_budget() {
    let g = two_rings();
    let mut l = ForceAtlas2::new(&g, settings(1), Start::Random).unwrap();
    assert!(!l.is_settled());
    let t = Instant::now();
    let n = l.run_for(Duration::from_millis(20));
    assert!(n >= 1);
    assert!(t.elapsed() < Duration::from_secs(2));
    let mut steps = 0;
    while !l.step() && steps < 5000 {
        steps += 1;
    }
    assert!(l.is_settled(), "movement {}", l.movement());
    // Moving a node wakes it.
    l.set_position(100, [10.0, 10.0]);
    assert!(!l.is_settled());
}

/// A seeded planted-partition graph: `groups` groups of `size` nodes, each node linked to
/// 3 random nodes of its group and, with probability 0.1, to one random node elsewhere.
fn communities(groups: u32, size: u32, seed: u64) -> LayoutGraph {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    let n = groups * size;
    let mut links = Vec::new();
    for i in 0..n {
        let g = i / size;
        for _ in 0..3 {
            links.push((i as i64, (g * size + rng.random_range(0..size)) as i64, 1.0));
        }
        if rng.random::<f32>() < 0.1 {
            links.push((i as i64, rng.random_range(0..n) as i64, 1.0));
        }
    }
    LayoutGraph::from_edges(0..n as i64, links)
}

/// layout_quality.py's edge_ratio over all pairs: mean link length / mean pair distance.
fn edge_ratio(g: &LayoutGraph, p: &[[f32; 2]]) -> f64 {
    let links: f64 = g
        .edges
        .iter()
        .map(|&(a, b, _)| dist(p[a as usize], p[b as usize]) as f64)
        .sum::<f64>()
        / g.edges.len() as f64;
    let (mut pairs, mut count) = (0.0f64, 0.0f64);
    for i in 0..p.len() {
        for j in 0..i {
            pairs += dist(p[i], p[j]) as f64;
            count += 1.0;
        }
    }
    links / (pairs / count)
}

#[test]
fn inertial_speed_converges_in_fewer_iterations_and_settles() {
    // The benchmark's question on a small graph: after the same iterations from the same
    // start, the inertial rule's picture has shorter links (relative to its size) than
    // graphology's per-node rule and than the global one. Deterministic (one thread, fixed
    // seeds): a regression of the rule shows up as a failed comparison, not as noise.
    let g = communities(12, 40, 3);
    let run = |speed, iterations| {
        let s = LayoutSettings {
            speed,
            ..LayoutSettings::graphology()
        };
        let s = LayoutSettings {
            threads: 1,
            seed: 5,
            ..s
        };
        let mut l = ForceAtlas2::new(&g, s, Start::Random).unwrap();
        l.run(iterations);
        edge_ratio(&g, l.raw_positions())
    };
    for iterations in [50, 200] {
        let inertial = run(SpeedMode::Inertial, iterations);
        let per_node = run(SpeedMode::PerNode, iterations);
        let global = run(SpeedMode::Global, iterations);
        eprintln!("{iterations}: inertial {inertial:.4} per-node {per_node:.4} global {global:.4}");
        assert!(
            inertial < per_node,
            "{iterations}: {inertial} vs per-node {per_node}"
        );
        assert!(
            inertial < global,
            "{iterations}: {inertial} vs global {global}"
        );
    }
    // It settles (no jitter at rest), with the explorer's settings too, and wakes on a move.
    for base in [LayoutSettings::default(), LayoutSettings::explorer()] {
        let s = LayoutSettings {
            speed: SpeedMode::Inertial,
            threads: 1,
            seed: 5,
            ..base
        };
        let mut l = ForceAtlas2::new(&g, s, Start::Random).unwrap();
        let mut steps = 0;
        while !l.step() && steps < 3000 {
            steps += 1;
        }
        assert!(l.is_settled(), "movement {} after {steps}", l.movement());
        assert!(
            l.raw_positions()
                .iter()
                .all(|p| p[0].is_finite() && p[1].is_finite())
        );
        l.set_position(0, [10.0, 10.0]);
        assert!(!l.is_settled());
    }
}

#[test]
fn bad_settings_are_refused() {
    let g = two_rings();
    for s in [
        LayoutSettings {
            theta: f32::NAN,
            ..settings(1)
        },
        LayoutSettings {
            theta: 2.0,
            ..settings(1)
        },
        LayoutSettings {
            scaling_ratio: 0.0,
            ..settings(1)
        },
        LayoutSettings {
            gravity: -1.0,
            ..settings(1)
        },
        LayoutSettings {
            inertia: 1.0,
            ..settings(1)
        },
    ] {
        assert!(ForceAtlas2::new(&g, s, Start::Random).is_err());
    }
}

#[test]
fn overlap_prevention_keeps_nodes_apart() {
    let mut g = two_rings();
    g.sizes = vec![5.0; g.ids.len()];
    let s = LayoutSettings {
        adjust_sizes: true,
        ..settings(1)
    };
    let mut l = ForceAtlas2::new(&g, s, Start::Random).unwrap();
    l.run(400);
    let p = l.raw_positions();
    let mut closest = f32::MAX;
    for i in 0..24 {
        for j in 0..i {
            closest = closest.min(dist(p[i], p[j]));
        }
    }
    assert!(closest > 5.0, "closest pair {closest}");
}

#[test]
fn runner_publishes_takes_commands_and_stops_on_drop() {
    let g = two_rings();
    let l = Settle::new(&g, settings(1), Start::Random).unwrap();
    let runner = LayoutRunner::spawn(l, Duration::from_millis(2)).unwrap();
    // Pin first, then move: a pinned node stays where it is put.
    runner.set_pinned(100, true);
    runner.set_position(100, [50.0, -50.0]);
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last: Option<Snapshot> = None;
    while Instant::now() < deadline {
        if let Some(s) = runner.latest() {
            if let Some(prev) = &last {
                assert!(s.generation > prev.generation);
            }
            // The commands reach the worker when it next looks (under load it may have run
            // and even settled first): done once a snapshot shows them.
            let moved = s.positions.get(100) == Some([50.0, -50.0]);
            let done = moved && (s.iterations > 50 || (s.settled && s.iterations > 5));
            last = Some(s);
            if done {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let snap = last.expect("a snapshot");
    assert!(snap.iterations > 5);
    assert_eq!(snap.positions.get(100), Some([50.0, -50.0]));
    let engine = runner.stop().expect("engine back");
    assert!(engine.is_pinned(100));
    // And a runner simply dropped mid-run joins its thread without hanging.
    let l = Settle::new(&g, settings(1), Start::Random).unwrap();
    let runner = LayoutRunner::spawn(l, Duration::from_millis(5)).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    drop(runner);
}

/// A benchmark-shaped graph (like `gen_graph.py`'s company networks): planted communities,
/// a hub per community with leaves (the long tail of one-partner companies), and a few
/// separate components (a pair, a small star, isolated nodes) that must stay in view.
fn company_network(seed: u64) -> LayoutGraph {
    let base = communities(8, 40, seed);
    let n = base.node_count() as i64;
    let mut links: Vec<(i64, i64, f64)> = base
        .edges
        .iter()
        .map(|&(a, b, w)| (a as i64, b as i64, w as f64))
        .collect();
    let mut next = n;
    for g in 0..8i64 {
        for _ in 0..(5 + 3 * g) {
            links.push((g * 40, next, 2.0));
            next += 1;
        }
    }
    links.push((next, next + 1, 1.0));
    for k in 0..6 {
        links.push((next + 2, next + 3 + k, 1.0));
    }
    let ids = 0..next + 9 + 5;
    LayoutGraph::from_edges(ids, links)
}

fn settled(g: &LayoutGraph, settings: LayoutSettings) -> (Settle, Positions) {
    let mut l = Settle::new(g, settings, Start::Random).unwrap();
    l.run_to_settled();
    let p = l.positions();
    (l, p)
}

#[test]
fn the_schedule_settles_deterministically_finite_and_in_view() {
    for forces in [LayoutSettings::graphology(), LayoutSettings::explorer()] {
        let g = company_network(11);
        let s = |threads| LayoutSettings {
            threads,
            seed: 9,
            ..forces
        };
        let (l, a) = settled(&g, s(1));
        assert!(l.is_settled());
        assert!(l.level_count() > 2, "levels {}", l.level_count());
        assert!(l.iterations() <= 1_000 + 30 * l.level_count() as u64);
        // Deterministic for a seed and a thread count, and the pool changes nothing.
        assert_eq!(a, settled(&g, s(1)).1);
        assert_eq!(a, settled(&g, s(2)).1);
        let other = settled(&g, LayoutSettings { seed: 10, ..s(1) }).1;
        assert_ne!(a, other);
        // Finite, and every node (the separate components too) within a few times the
        // RMS radius of the picture: gravity keeps them in view.
        let pos: Vec<[f32; 2]> = a.iter().map(|e| e.1).collect();
        assert!(pos.iter().all(|p| p[0].is_finite() && p[1].is_finite()));
        let c = pos
            .iter()
            .fold([0.0f32; 2], |c, p| [c[0] + p[0], c[1] + p[1]])
            .map(|v| v / pos.len() as f32);
        let rms = (pos.iter().map(|p| dist(*p, c).powi(2)).sum::<f32>() / pos.len() as f32).sqrt();
        let far = pos.iter().map(|p| dist(*p, c)).fold(0.0f32, f32::max);
        // Normal gravity (graphology's) lets isolated nodes float at the rim; the window's
        // strong gravity holds them closer.
        let limit = if forces.strong_gravity { 4.0 } else { 6.0 };
        eprintln!(
            "strong gravity {}: farthest {far}, rms {rms}",
            forces.strong_gravity
        );
        assert!(far < limit * rms, "farthest {far}, rms {rms}");
    }
}

#[test]
fn the_schedule_reaches_better_quality_than_a_single_level_in_the_same_time() {
    // The multilevel schedule's point, on a graph small enough for a debug build: its
    // settled picture has shorter links than the single level given as many iterations as
    // the schedule ran on the full graph, from the same start.
    let g = communities(12, 40, 3);
    let forces = LayoutSettings {
        threads: 1,
        seed: 5,
        ..LayoutSettings::graphology()
    };
    let mut multi = Settle::new(&g, forces, Start::Random).unwrap();
    multi.run_to_settled();
    let fine = multi.fine_iterations();
    assert!(fine > 0 && multi.report().len() > 1);
    let mut single = ForceAtlas2::new(
        &g,
        LayoutSettings {
            speed: SpeedMode::Inertial,
            theta: schedule::THETA,
            ..forces
        },
        Start::Random,
    )
    .unwrap();
    single.run(fine);
    let (m, s) = (
        edge_ratio(&g, &multi.raw_positions()),
        edge_ratio(&g, single.raw_positions()),
    );
    eprintln!("after {fine} full-graph iterations: multilevel {m:.4}, single level {s:.4}");
    assert!(m < s, "multilevel {m} vs single {s}");
    // Its own score agrees with the all-pairs one to the sampling noise.
    let q = quality::score(&multi.raw_positions(), &g.edges, 7).unwrap();
    assert!((q.edge_ratio - m).abs() < 0.01, "{} vs {m}", q.edge_ratio);
}

#[test]
fn a_pin_or_a_drag_during_the_coarse_levels_moves_to_the_full_graph_and_wakes_it() {
    let g = communities(6, 40, 2);
    let mut l = Settle::new(&g, settings(1), Start::Random).unwrap();
    assert!(l.level_count() > 1);
    l.step();
    assert!(l.set_pinned(5, true));
    assert!(l.is_pinned(5));
    assert_eq!(l.report().last().unwrap().nodes, g.node_count());
    l.run_to_settled();
    assert!(l.is_settled());
    assert!(l.set_position(5, [3.0, 4.0]));
    assert!(!l.is_settled());
    l.run_to_settled();
    assert_eq!(l.positions().get(5), Some([3.0, 4.0]));
    assert!(!l.set_pinned(999_999, true));
}

#[test]
fn a_warm_start_from_the_coarse_stage_starts_cold_again() {
    // The window starts a layout, takes its first positions (the coarse stage: every node at
    // its group's place) and restarts from them: that must not keep the nodes stacked.
    let g = communities(6, 40, 2);
    let first = Settle::new(&g, settings(1), Start::Random).unwrap();
    assert!(first.level_count() > 1);
    let stacked = first.positions();
    let mut again = Settle::new(&g, settings(1), Start::Warm(&stacked)).unwrap();
    assert_eq!(again.level_count(), first.level_count());
    again.run_to_settled();
    let p = again.positions();
    let mut at: Vec<(u32, u32)> = p
        .iter()
        .map(|(_, q)| (q[0].to_bits(), q[1].to_bits()))
        .collect();
    at.sort_unstable();
    at.dedup();
    assert_eq!(at.len(), g.node_count());
    // A real picture stays a warm start: one level.
    let warm = Settle::new(&g, settings(1), Start::Warm(&p)).unwrap();
    assert_eq!(warm.level_count(), 1);
}
