//! Scale-free scores of a layout, the formulas of `../shared/bench/layout_quality.py`:
//! `edge_ratio` (mean link length over the mean distance between random distinct pairs of
//! nodes; a random layout scores about 1, lower is better) and `edge_ratio_med` (the same
//! with medians, blind to a few far-flung nodes). The script draws 20,000 pairs with
//! numpy's generator; we draw [`PAIRS`] with ours, so the two agree to the sampling noise
//! (about ±0.001 on these graphs for the script's sample, ±0.0003 for ours). Non-finite
//! positions are left out, as the script does.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

/// Random pairs drawn for the denominator.
pub const PAIRS: usize = 200_000;

/// The scores of one layout.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quality {
    pub edge_ratio: f64,
    pub edge_ratio_med: f64,
    /// Nodes with a non-finite position (left out of both scores).
    pub nonfinite: usize,
}

/// Scores positions `pos` (node order) of a graph with links `edges` (node indices).
/// `None` with fewer than two finite nodes or no link between finite nodes.
pub fn score(pos: &[[f32; 2]], edges: &[(u32, u32, f32)], seed: u64) -> Option<Quality> {
    let finite: Vec<usize> = (0..pos.len())
        .filter(|&i| pos[i][0].is_finite() && pos[i][1].is_finite())
        .collect();
    let n = finite.len();
    if n < 2 {
        return None;
    }
    let d = |a: usize, b: usize| {
        let (p, q) = (pos[a], pos[b]);
        ((p[0] as f64 - q[0] as f64).powi(2) + (p[1] as f64 - q[1] as f64).powi(2)).sqrt()
    };
    let ok = |i: u32| pos[i as usize][0].is_finite() && pos[i as usize][1].is_finite();
    let mut lengths: Vec<f64> = edges
        .iter()
        .filter(|e| ok(e.0) && ok(e.1))
        .map(|e| d(e.0 as usize, e.1 as usize))
        .collect();
    if lengths.is_empty() {
        return None;
    }
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut pairs: Vec<f64> = (0..PAIRS)
        .map(|_| {
            let i = rng.random_range(0..n);
            let mut j = rng.random_range(0..n - 1);
            if j >= i {
                j += 1;
            }
            d(finite[i], finite[j])
        })
        .collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (el, pd) = (mean(&lengths), mean(&pairs));
    let (elm, pdm) = (median(&mut lengths), median(&mut pairs));
    Some(Quality {
        edge_ratio: if pd > 0.0 { el / pd } else { f64::NAN },
        edge_ratio_med: if pdm > 0.0 { elm / pdm } else { f64::NAN },
        nonfinite: pos.len() - n,
    })
}

/// numpy's median: the middle value, or the mean of the two middle ones.
fn median(v: &mut [f64]) -> f64 {
    let n = v.len();
    let (_, &mut hi, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        hi
    } else {
        let lo = v[..n / 2].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lo + hi) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_links_score_low_and_scale_does_not_matter() {
        // A 20 x 20 grid laid out as a grid: links are one unit, pairs ~10 units apart.
        let side = 20u32;
        let pos: Vec<[f32; 2]> = (0..side * side)
            .map(|k| [(k % side) as f32, (k / side) as f32])
            .collect();
        let mut edges = Vec::new();
        for k in 0..side * side {
            if k % side + 1 < side {
                edges.push((k, k + 1, 1.0));
            }
            if k + side < side * side {
                edges.push((k, k + side, 1.0));
            }
        }
        let q = score(&pos, &edges, 7).unwrap();
        assert!(q.edge_ratio > 0.05 && q.edge_ratio < 0.15, "{q:?}");
        let big: Vec<[f32; 2]> = pos.iter().map(|p| [p[0] * 1000.0, p[1] * 1000.0]).collect();
        let q2 = score(&big, &edges, 7).unwrap();
        assert!((q.edge_ratio - q2.edge_ratio).abs() < 1e-9);
        // Random positions: about 1.
        let mut rng = Pcg64::seed_from_u64(3);
        let shuffled: Vec<[f32; 2]> = (0..side * side)
            .map(|_| [rng.random_range(0.0..20.0), rng.random_range(0.0..20.0)])
            .collect();
        let q3 = score(&shuffled, &edges, 7).unwrap();
        assert!(q3.edge_ratio > 0.8, "{q3:?}");
        let mut with_nan = pos.clone();
        with_nan[0] = [f32::NAN, 0.0];
        assert_eq!(score(&with_nan, &edges, 7).unwrap().nonfinite, 1);
        assert!(score(&pos[..1], &[], 7).is_none());
    }

    #[test]
    fn median_matches_numpy() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
    }
}
