//! The view follows the user: a short, smooth pan and zoom that brings what the user just
//! asked about (a focus, a found entity, a path, a new callout, a filter that moved the
//! network away) into view; and fitting that ignores far outliers.
//!
//! An animation eases from the view it starts at to a target view over [`DURATION_S`]
//! seconds: the centre moves linearly in world units and the zoom geometrically, both on a
//! smoothstep curve, so a far jump does not race and a zoom does not lurch. Any pan or zoom by
//! the user ends it.

use crate::layout::Positions;
use crate::model::EntityId;
use crate::scene::View;

/// How long the move takes.
pub const DURATION_S: f64 = 0.35;

/// Screen margin kept around what is brought into view.
pub const MARGIN: f32 = 48.0;

/// A running move from one view to another.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewAnimation {
    pub from: View,
    pub to: View,
    /// When it started (egui's input time, seconds).
    pub start: f64,
}

impl ViewAnimation {
    /// The view at time `now`, and whether the move is over.
    pub fn at(&self, now: f64) -> (View, bool) {
        let t = ((now - self.start) / DURATION_S).clamp(0.0, 1.0) as f32;
        let e = t * t * (3.0 - 2.0 * t);
        let lerp = |a: f32, b: f32| a + (b - a) * e;
        let zoom = if self.from.zoom > 0.0 && self.to.zoom > 0.0 {
            (self.from.zoom.ln() + (self.to.zoom.ln() - self.from.zoom.ln()) * e).exp()
        } else {
            self.to.zoom
        };
        let view = View {
            center: [
                lerp(self.from.center[0], self.to.center[0]),
                lerp(self.from.center[1], self.to.center[1]),
            ],
            zoom,
            ..self.to
        };
        (view, t >= 1.0)
    }
}

/// The world box around the given points: their bounds, or, with more than a handful of
/// points, the bounds of all but the far outliers. A point is an outlier when it lies more than
/// four times the middle half's spread (interquartile range) beyond it, on either axis: one
/// stray entity far out does not shrink everything else to dots. Non-finite points are
/// skipped; `None` when no point is left.
pub fn robust_bounds(points: &[[f32; 2]]) -> Option<([f32; 2], [f32; 2])> {
    let finite: Vec<[f32; 2]> = points
        .iter()
        .copied()
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .collect();
    if finite.is_empty() {
        return None;
    }
    let mut keep = vec![true; finite.len()];
    if finite.len() >= 8 {
        for axis in 0..2 {
            let mut v: Vec<f32> = finite.iter().map(|p| p[axis]).collect();
            v.sort_by(f32::total_cmp);
            let q = |f: f32| v[((v.len() - 1) as f32 * f).round() as usize];
            let (q1, q3) = (q(0.25), q(0.75));
            // A floor on the spread, so a tight cluster does not call its neighbours outliers.
            let spread = (q3 - q1).max((v[v.len() - 1] - v[0]) * 0.02).max(1e-3);
            let (lo, hi) = (q1 - 4.0 * spread, q3 + 4.0 * spread);
            for (k, p) in finite.iter().enumerate() {
                if p[axis] < lo || p[axis] > hi {
                    keep[k] = false;
                }
            }
        }
    }
    let kept: Vec<[f32; 2]> = finite
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(p, _)| *p)
        .collect();
    let pts = if kept.is_empty() { &finite } else { &kept };
    let mut min = [f32::INFINITY; 2];
    let mut max = [f32::NEG_INFINITY; 2];
    for p in pts {
        for a in 0..2 {
            min[a] = min[a].min(p[a]);
            max[a] = max[a].max(p[a]);
        }
    }
    Some((min, max))
}

/// The positions of some entities.
pub fn points_of(positions: &Positions, ids: impl IntoIterator<Item = EntityId>) -> Vec<[f32; 2]> {
    ids.into_iter().filter_map(|id| positions.get(id)).collect()
}

/// A view of the current size that shows `points` (outliers aside) with a margin, zoomed in no
/// further than `max_zoom` or the current zoom, whichever is closer (a lone entity is not blown
/// up to fill the screen, and a user who zoomed in stays zoomed in).
pub fn view_showing(points: &[[f32; 2]], current: &View, max_zoom: f32) -> Option<View> {
    let bounds = robust_bounds(points)?;
    let mut view = View::fit(bounds, current.size, MARGIN, current.scale);
    view.zoom = view.zoom.min(max_zoom.max(current.zoom));
    if !view.zoom.is_finite() || view.zoom <= 0.0 {
        view.zoom = current.zoom;
    }
    Some(view)
}

/// Whether a world point is on screen in `view`, at least `margin` points inside its edge.
pub fn on_screen(view: &View, p: [f32; 2], margin: f32) -> bool {
    let s = view.to_screen(p);
    s[0] >= margin
        && s[1] >= margin
        && s[0] <= view.size[0] - margin
        && s[1] <= view.size[1] - margin
}

/// Whether the view shows so little of these points that the user would look at an empty
/// canvas: fewer than a quarter of them (and not one of them when there are few).
pub fn mostly_off_screen(view: &View, points: &[[f32; 2]]) -> bool {
    if points.is_empty() {
        return false;
    }
    let shown = points.iter().filter(|&&p| on_screen(view, p, 0.0)).count();
    shown == 0 || shown * 4 < points.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_far_outlier_does_not_set_the_bounds() {
        let mut pts: Vec<[f32; 2]> = (0..40).map(|i| [(i % 7) as f32, (i / 7) as f32]).collect();
        pts.push([5_000.0, -3_000.0]);
        let (min, max) = robust_bounds(&pts).unwrap();
        assert_eq!(min, [0.0, 0.0]);
        assert_eq!(max, [6.0, 5.0]);
        // A few points: all of them count.
        let few = [[0.0, 0.0], [1.0, 1.0], [900.0, 900.0]];
        assert_eq!(robust_bounds(&few).unwrap().1, [900.0, 900.0]);
        assert!(robust_bounds(&[[f32::NAN, 0.0]]).is_none());
    }

    #[test]
    fn the_animation_eases_from_start_to_target() {
        let from = View {
            center: [0.0, 0.0],
            zoom: 1.0,
            ..View::default()
        };
        let to = View {
            center: [100.0, -50.0],
            zoom: 4.0,
            ..View::default()
        };
        let a = ViewAnimation {
            from,
            to,
            start: 10.0,
        };
        assert_eq!(a.at(10.0), (from, false));
        let (mid, done) = a.at(10.0 + DURATION_S / 2.0);
        assert!(!done);
        assert!((mid.center[0] - 50.0).abs() < 1e-3);
        assert!((mid.zoom - 2.0).abs() < 1e-3, "geometric middle");
        assert_eq!(a.at(11.0), (to, true));
    }

    #[test]
    fn views_and_screens() {
        let view = View {
            center: [0.0, 0.0],
            zoom: 1.0,
            size: [200.0, 100.0],
            scale: 1.0,
        };
        assert!(on_screen(&view, [0.0, 0.0], 10.0));
        assert!(!on_screen(&view, [150.0, 0.0], 0.0));
        assert!(mostly_off_screen(&view, &[[500.0, 0.0], [600.0, 0.0]]));
        assert!(!mostly_off_screen(&view, &[[0.0, 0.0], [600.0, 0.0]]));
        let v = view_showing(&[[1000.0, 1000.0]], &view, 2.0).unwrap();
        assert_eq!(v.center, [1000.0, 1000.0]);
        assert!(v.zoom <= 2.0);
    }
}
