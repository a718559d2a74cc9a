//! Fitting the whole network to a frame: the layout is turned (never stretched: distances
//! keep their meaning) so that its long axis lies along the frame's long side, then zoomed to
//! fill the plot area. A square frame, or a network about as wide as tall, is not turned.

use crate::filter::FilteredGraph;
use crate::layout::Positions;
use crate::scene::CalloutMark;

use super::Frame;

/// Positions and callouts turned about the network's centre.
pub struct Turned<'a> {
    pub positions: Positions,
    pub callouts: Vec<CalloutMark<'a>>,
}

/// The network turned for `frame`, or `None` when it already fits as it is.
pub fn turn<'a>(
    graph: &FilteredGraph,
    positions: &Positions,
    callouts: &[CalloutMark<'a>],
    frame: Frame,
) -> Option<Turned<'a>> {
    let [fw, fh] = frame.size();
    if fw == fh {
        return None;
    }
    let points: Vec<[f64; 2]> = graph
        .entities
        .iter()
        .filter_map(|&id| positions.get(id))
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .map(|p| [f64::from(p[0]), f64::from(p[1])])
        .collect();
    if points.len() < 3 {
        return None;
    }
    let n = points.len() as f64;
    let (cx, cy) = points
        .iter()
        .fold((0.0, 0.0), |(x, y), p| (x + p[0] / n, y + p[1] / n));
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for p in &points {
        let (dx, dy) = (p[0] - cx, p[1] - cy);
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    // The principal axes of the covariance: the long one's angle and the two spreads.
    let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    let mean = (sxx + syy) / 2.0;
    let spread = ((sxx - syy).powi(2) / 4.0 + sxy * sxy).sqrt();
    let (long, short) = (mean + spread, (mean - spread).max(1e-12));
    if long / short < 1.15 {
        return None;
    }
    // Turn the long axis to horizontal for a wide frame, vertical for a tall one.
    let target = if fw > fh {
        0.0
    } else {
        std::f64::consts::FRAC_PI_2
    };
    let by = target - angle;
    if by.sin().abs() < 0.05 {
        return None;
    }
    let (sin, cos) = by.sin_cos();
    let rotate = |p: [f32; 2]| -> [f32; 2] {
        let (dx, dy) = (f64::from(p[0]) - cx, f64::from(p[1]) - cy);
        [
            (cx + dx * cos - dy * sin) as f32,
            (cy + dx * sin + dy * cos) as f32,
        ]
    };
    Some(Turned {
        positions: Positions::from_pairs(positions.iter().map(|(id, p)| (id, rotate(p)))),
        callouts: callouts
            .iter()
            .map(|c| CalloutMark {
                at: rotate(c.at),
                ..*c
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::FilteredGraph;

    #[test]
    fn a_tall_network_is_turned_to_lie_along_a_wide_frame() {
        let ids: Vec<i64> = (1..=20).collect();
        let graph = FilteredGraph {
            entities: ids.clone(),
            ..FilteredGraph::default()
        };
        // A thin vertical line of points.
        let positions =
            Positions::from_pairs(ids.iter().map(|&i| (i, [(i % 2) as f32, i as f32 * 10.0])));
        let turned = turn(&graph, &positions, &[], Frame::Wide).unwrap();
        let b = turned.positions.bounds().unwrap();
        assert!(b.1[0] - b.0[0] > 5.0 * (b.1[1] - b.0[1]), "{b:?}");
        // Already tall for a tall frame: left as it is.
        assert!(turn(&graph, &positions, &[], Frame::Portrait).is_none());
        assert!(turn(&graph, &positions, &[], Frame::Square).is_none());
    }
}
