//! Entity labels: the short display name (no legal form), on one line or two balanced ones,
//! placed most important first where it covers no node, no other label and no callout, and
//! as few links as it can.
//!
//! Screen area is a grid of small cells in two layers: *hard* (nodes, placed labels,
//! callouts: never covered) and *soft* (links: avoided; cells twice as wide, as every link
//! may be marked again for each frame; a crowded screen asks few boxes for their link cover,
//! so the first are counted from the links meeting the box and the layer is marked whole only
//! after `grid::LAZY_COVERS` of them, or fewer where marking is cheap, with the same counts).
//! Each label tries twelve places around its node (beside, above and below it, centred or
//! flush with it), in each of its shapes (a one-line name also on two narrower lines; on a
//! crowded screen, eight places and the first shape), and takes the first that covers no
//! link cell; failing that, the one covering the fewest, if that is at most a quarter of its
//! cells (any number for the selected, path, highlighted and sanctioned entities, which must
//! be named). Nodes claim every cell they touch, so no label covers one, however small; a
//! node's own claim is lifted while its label is placed (on a crowded screen nodes claim only
//! the cells they cover, or a hairball would leave no place free). A long name that ends in its own
//! acronym in brackets is labelled by the acronym ("SASAC"); any other name too long for two
//! lines is not cut: it is left unlabelled and the scene says so.

use std::collections::BTreeSet;

use crate::model::EntityId;
use crate::style::text;

use super::reuse::{LaidOut, Reuse, Shapes};
use super::{Emphasis, SceneCallout, SceneInput, SceneLabel, SceneLink, SceneNode};

mod grid;
use grid::Occupancy;

/// How many entities, most important first, are tried for a label.
const MAX_LABEL_CANDIDATES: usize = 1_500;

/// A label on one line up to this many ems; longer names wrap.
const ONE_LINE_EMS: f32 = 13.0;
/// No label line is wider than this many ems.
const MAX_LINE_EMS: f32 = 26.0;

/// What placing the labels gave: the labels, the entities left unlabelled because their
/// names do not fit two lines (keys), and, on a screen of few entities, the display names of
/// those with no free place beside them (or none clear enough of links).
pub(super) struct Placed {
    pub labels: Vec<SceneLabel>,
    pub too_long: Vec<String>,
    pub no_room: Vec<String>,
}

/// A screen of at most this many entities is expected to name each: one it cannot is said
/// (a reporter then tries another frame); on a crowded one, labels name what fits.
const FEW_ENTITIES: usize = 60;

/// The labels' work that needs no link, done beside the links' building (`scene::build`):
/// the grid with the nodes and callouts claimed, the candidates most important first with
/// their texts laid out, and each candidate's places free of nodes and callouts. Claims only
/// grow, so a place taken by a node or a callout now is taken at [`finish`] too: there only
/// these places are looked at again (against the labels placed before) and their link cover
/// counted, which gives what testing every place there would.
pub(super) struct Prepared<'n> {
    grid: Occupancy,
    size: f32,
    line_h: f32,
    /// A screen of at most [`FEW_ENTITIES`]: names left unlabelled for lack of room are said.
    few: bool,
    candidates: Vec<Candidate<'n>>,
    /// The candidates' places, each candidate's a range of these in its order of trying.
    places: Vec<Place>,
    too_long: Vec<String>,
}

struct Candidate<'n> {
    node: &'n SceneNode,
    important: bool,
    /// Its text's shapes, when it has a free place (copied out of the store here, so that
    /// [`finish`] needs no store: another scene may start it afresh meanwhile).
    shapes: Option<Shapes>,
    places: std::ops::Range<usize>,
}

/// A place for a label: which of its shapes, the first line's anchor and the padded box.
#[derive(Clone, Copy)]
struct Place {
    shape: usize,
    anchor: [f32; 2],
    rect: [f32; 4],
}

/// Lays out, in `input.reuse`, the label text of every entity of the graph at this view's
/// label size, on all cores: bold for the entities a label sets bold whatever their rank
/// (the sanctioned, selected, hovered, highlighted and those on a path), plain for all of
/// them. A timeline's steps then find the texts of the entities they show kept, where the
/// first steps laid out a thousand new ones each (five milliseconds on a 10,000-entity
/// network). Nothing without a `reuse`.
pub(super) fn lay_out_all(input: &SceneInput<'_>) {
    use rayon::prelude::*;
    let Some(reuse) = input.reuse else {
        return;
    };
    let SceneInput {
        index,
        graph,
        marks,
        ..
    } = input;
    let size = input.label_size.max(1.0);
    let path: BTreeSet<EntityId> = marks.path.iter().copied().collect();
    let always_bold = |id: &EntityId| {
        marks.selected.is_some_and(|s| s.contains(id))
            || marks.hovered == Some(*id)
            || path.contains(id)
            || marks.highlights.is_some_and(|h| h.contains_key(id))
            || graph.sanctioned.binary_search(id).is_ok()
    };
    let wanted: Vec<(EntityId, Option<usize>, bool)> = {
        let mut kept = lock(reuse);
        kept.for_index(index.generation());
        graph
            .entities
            .iter()
            .flat_map(|&id| {
                let members = graph.groups.get(&id).map(Vec::len);
                let bold = always_bold(&id).then_some((id, members, true));
                std::iter::once((id, members, false)).chain(bold)
            })
            .filter(|&(id, members, bold)| !kept.has(id, members, size, bold))
            .collect()
    };
    let laid_out: Vec<LaidOut> = wanted
        .par_iter()
        .with_min_len(64)
        .map(|&(id, members, bold)| shapes(index.label_text(id)?, members, size, bold))
        .collect();
    let mut kept = lock(reuse);
    // (Another index's scene may have started the store afresh meanwhile.)
    kept.for_index(index.generation());
    for ((id, members, bold), l) in wanted.into_iter().zip(laid_out) {
        kept.keep(id, members, size, bold, l);
    }
}

/// See [`Prepared`].
pub(super) fn prepare<'n>(
    input: &SceneInput<'_>,
    nodes: &'n [SceneNode],
    callouts: &[SceneCallout],
    metric: &(dyn Fn(EntityId) -> f64 + Sync),
    path: &BTreeSet<EntityId>,
    emphasis: &Emphasis,
) -> Prepared<'n> {
    let SceneInput {
        index, view, marks, ..
    } = input;
    let s = view.scale;
    let size = input.label_size.max(1.0);
    let mut grid = Occupancy::new(view.size, (size / 3.0).max(2.0 * s).max(1.0));
    // A screen of more entities than are tried for a label is crowded. There each label tries
    // its first eight places in its first shape (the flush places and the narrower shape named
    // no more entities on a 10,000-entity playback step and cost it 0.5-0.9 ms), and nodes
    // claim only the cells they cover: a label may cover a node smaller than a cell, where
    // claiming every cell touched left no place free (the 10,000-entity picture lost all 27
    // labels). Elsewhere no label covers a node.
    let thorough = nodes.len() <= MAX_LABEL_CANDIDATES;
    for n in nodes {
        if thorough {
            grid.add_node(node_box(n));
        } else {
            grid.add(node_box(n));
        }
    }
    for c in callouts {
        let [x, y, w, h] = c.rect;
        grid.add([x, y, x + w, y + h]);
    }
    // Most important first: selected, on a path, hovered, highlighted; then by volume.
    let rank = |n: &SceneNode| -> (u8, std::cmp::Reverse<u64>, EntityId) {
        let selected = marks.selected.is_some_and(|sel| sel.contains(&n.id));
        let tier = if selected || marks.hovered == Some(n.id) {
            0
        } else if path.contains(&n.id) {
            1
        } else if marks.highlights.is_some_and(|h| h.contains_key(&n.id)) || n.ring.is_some() {
            2
        } else {
            3
        };
        // Dimmed entities after the emphasised ones.
        let tier = if emphasis.node(n.id) { tier } else { tier + 4 };
        (tier, std::cmp::Reverse((metric(n.id) * 100.0) as u64), n.id)
    };
    let mut order: Vec<(_, &SceneNode)> = nodes.iter().map(|n| (rank(n), n)).collect();
    // A screen holds a few hundred labels at most: trying thousands more only costs time,
    // and so would sorting all of them (ranks are distinct: they end in the entity id).
    if order.len() > MAX_LABEL_CANDIDATES {
        order.select_nth_unstable_by_key(MAX_LABEL_CANDIDATES, |&(rank, _)| rank);
        order.truncate(MAX_LABEL_CANDIDATES);
    }
    order.sort_unstable_by_key(|&(rank, _)| rank);
    let mut candidates = Vec::with_capacity(order.len());
    let mut places = Vec::new();
    let mut too_long = Vec::new();
    let mut reuse = input.reuse.map(lock);
    let pad = (size * 0.15).max(s);
    let line_h = size * 1.2;
    if let Some(r) = reuse.as_deref_mut() {
        r.for_index(index.generation());
    }
    for (rank, n) in order {
        let important = rank.0 % 4 < 3;
        let members = input.graph.groups.get(&n.id).map(Vec::len);
        // The one place label text enters the scene (looked up only when not kept).
        let lay_out = || -> LaidOut { shapes(index.label_text(n.id)?, members, size, important) };
        let fresh;
        let laid_out = match reuse.as_deref_mut() {
            Some(r) => r.label_text(n.id, members, size, important, lay_out),
            None => {
                fresh = lay_out();
                &fresh
            }
        };
        let Some(shapes) = laid_out else {
            // No text, or a name too long for two lines: the latter is said.
            if let (Some(entity), Some(text)) = (index.entity(n.id), index.label_text(n.id))
                && (!text.trim().is_empty() || members.is_some())
            {
                too_long.push(entity.key.clone());
            }
            continue;
        };
        let r = n.outer_radius();
        let gap = 0.3 * size;
        if thorough {
            grid.lift_node(node_box(n), -1);
        }
        let first = places.len();
        let tried = if thorough { shapes.len() } else { 1 };
        for (k, (lines, w)) in shapes.iter().enumerate().take(tried) {
            let w = *w;
            let h = lines.len() as f32 * line_h;
            // The first line's centre is `anchor`; the block is `h` tall below its top.
            let top_of = |cy: f32| cy - line_h / 2.0;
            let centred_x = (n.center[0] - w / 2.0).min(view.size[0] - w - pad).max(pad);
            let mid = n.center[1] - (h - line_h) / 2.0;
            let d = r * std::f32::consts::FRAC_1_SQRT_2;
            let (above, below) = (
                n.center[1] - r - gap - h + line_h / 2.0,
                n.center[1] + r + gap + line_h / 2.0,
            );
            let candidates = [
                [n.center[0] + r + gap, mid],
                [n.center[0] - r - gap - w, mid],
                [centred_x, above],
                [centred_x, below],
                [n.center[0] + d + gap, n.center[1] - d - h + line_h / 2.0],
                [n.center[0] + d + gap, n.center[1] + d + line_h / 2.0],
                [
                    n.center[0] - d - gap - w,
                    n.center[1] - d - h + line_h / 2.0,
                ],
                [n.center[0] - d - gap - w, n.center[1] + d + line_h / 2.0],
                // Above and below, starting or ending at the node rather than centred on it.
                [n.center[0] - r, above],
                [n.center[0] + r - w, above],
                [n.center[0] - r, below],
                [n.center[0] + r - w, below],
            ];
            let tried_places = if thorough { candidates.len() } else { 8 };
            for &anchor in &candidates[..tried_places] {
                let top = top_of(anchor[1]);
                let rect = [
                    anchor[0] - pad,
                    top - pad,
                    anchor[0] + w + pad,
                    top + h + pad,
                ];
                let on_screen = rect[0] >= 0.0
                    && rect[1] >= 0.0
                    && rect[2] <= view.size[0]
                    && rect[3] <= view.size[1];
                if on_screen && grid.free(rect) {
                    places.push(Place {
                        shape: k,
                        anchor,
                        rect,
                    });
                }
            }
        }
        if thorough {
            grid.lift_node(node_box(n), 1);
        }
        candidates.push(Candidate {
            node: n,
            important,
            shapes: (places.len() > first).then(|| shapes.clone()),
            places: first..places.len(),
        });
    }
    Prepared {
        grid,
        size,
        line_h,
        few: nodes.len() <= FEW_ENTITIES,
        candidates,
        places,
        too_long,
    }
}

/// Places the prepared candidates' labels, most important first, with the links: each takes
/// the first of its places that no label placed before it covers and that covers no link
/// cell; failing that, the one covering the fewest (see the module documentation).
pub(super) fn finish(
    prepared: Prepared<'_>,
    input: &SceneInput<'_>,
    links: &[SceneLink],
    emphasis: &Emphasis,
) -> Placed {
    let Prepared {
        mut grid,
        size,
        line_h,
        few,
        candidates,
        places,
        too_long,
    } = prepared;
    let SceneInput { index, style, .. } = input;
    // How covers are counted is this thread's to say (tests set it per thread).
    grid.count_covers_as_this_thread_says();
    grid.add_lines(
        links.len(),
        links
            .iter()
            .map(|l| (l.from, l.arrow.map_or(l.to, |a| a[0]), l.width)),
    );
    let mut labels = Vec::new();
    let mut no_room = Vec::new();
    for c in &candidates {
        // (place, link cells covered)
        let mut best: Option<(Place, usize)> = None;
        for &place in &places[c.places.clone()] {
            if !grid.free_of_claims(place.rect) {
                continue;
            }
            let (covered, cells) = grid.soft_cover(place.rect);
            if covered == 0 {
                best = Some((place, 0));
                break;
            }
            let acceptable = c.important || covered * 4 <= cells;
            if acceptable && best.is_none_or(|b| covered < b.1) {
                best = Some((place, covered));
            }
        }
        let n = c.node;
        if let (Some((place, _)), Some(shapes)) = (best, &c.shapes) {
            grid.add(place.rect);
            let dim = !emphasis.node(n.id);
            labels.push(SceneLabel {
                id: n.id,
                lines: shapes.get(place.shape).0.clone(),
                anchor: place.anchor,
                line_height: line_h,
                size,
                color: emphasis.fade(style.text, dim),
                halo: emphasis.fade(style.text_halo, dim),
                bold: c.important,
            });
        } else if few && let Some(name) = index.label_text(n.id) {
            // The display name, as written: not the label's lines, nor a group's count.
            no_room.push(name.to_owned());
        }
    }
    Placed {
        labels,
        too_long,
        no_room,
    }
}

/// The box a node claims: its outer radius around its centre.
fn node_box(n: &SceneNode) -> [f32; 4] {
    let r = n.outer_radius();
    [
        n.center[0] - r,
        n.center[1] - r,
        n.center[0] + r,
        n.center[1] + r,
    ]
}

/// The kept work, locked (a poisoned lock's content is still only a cache of laid-out
/// texts, each whole).
fn lock(reuse: &std::sync::Mutex<Reuse>) -> std::sync::MutexGuard<'_, Reuse> {
    reuse
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The shapes a label may take, the preferred first: the name on one line, or on two when
/// it is long; a one-line name also on two lines, where that is much narrower (it may fit
/// between its neighbours where the one line does not). A name (without a group's count) too
/// long for one line that ends in its own acronym in brackets ("State-owned Assets Supervision and Administration
/// Commission of the State Council (SASAC)") is labelled with the acronym, as reporters
/// write it. A group's label ends in how many entities it holds.
fn shapes(text: &str, members: Option<usize>, size: f32, bold: bool) -> LaidOut {
    let (one, max) = (ONE_LINE_EMS * size, MAX_LINE_EMS * size);
    let with_members = |t: &str| match members {
        Some(m) => format!("{t} ({m})"),
        None => t.to_owned(),
    };
    let width = |lines: &[String]| {
        lines
            .iter()
            .map(|l| text::width(l, size, bold))
            .fold(0.0f32, f32::max)
    };
    // The acronym when the bare name (without a group's count) needs more than one line.
    let name_on_one_line =
        text::label_lines(text, size, bold, one, max).is_some_and(|l| l.len() == 1);
    let acronym = crate::names::bracketed_acronym(text)
        .filter(|_| !name_on_one_line)
        .map(|(_, acronym)| acronym);
    let name = acronym.unwrap_or(text);
    let lines = text::label_lines(&with_members(name), size, bold, one, max)?;
    let w = width(&lines);
    let mut shapes = Shapes {
        first: (lines, w),
        narrow: None,
    };
    // The narrower shape breaks the name only; a group's count ends its second line.
    if shapes.first.0.len() == 1
        && let Some((a, b)) = text::two_lines(name, size, bold, one)
    {
        let narrow = vec![a, with_members(&b)];
        let nw = width(&narrow);
        if nw < NARROWER * w {
            shapes.narrow = Some((narrow, nw));
        }
    }
    Some(shapes)
}

/// A one-line label is also tried on two lines when they are less than this share of its
/// width.
const NARROWER: f32 = 0.75;

#[cfg(test)]
mod tests {
    use super::*;
    use grid::{LAZY_OVERRIDE, Noise};

    #[test]
    fn shapes_use_a_long_names_own_acronym_and_keep_a_groups_count_whole() {
        let lines = |l: &LaidOut| -> Vec<Vec<String>> {
            l.as_ref().unwrap().iter().map(|s| s.0.clone()).collect()
        };
        let sasac = "State-owned Assets Supervision and Administration Commission of the State \
                     Council (SASAC)";
        assert_eq!(lines(&shapes(sasac, None, 12.0, false)), [["SASAC"]]);
        assert_eq!(lines(&shapes(sasac, Some(4), 12.0, false)), [["SASAC (4)"]]);
        // A name that fits one line keeps it, acronym and all.
        let pti = "Poly Technologies (PTI)";
        assert_eq!(
            lines(&shapes(pti, None, 12.0, false))[0],
            ["Poly Technologies (PTI)"]
        );
        // A one-line name is also offered on two narrower lines; a group's count stays with
        // the name's second line, never alone.
        let shaped = lines(&shapes("Russian Helicopters", Some(5), 12.0, false));
        assert_eq!(shaped[0], ["Russian Helicopters (5)"]);
        assert_eq!(shaped[1], ["Russian", "Helicopters (5)"]);
        // No second shape where two lines would not be much narrower.
        assert_eq!(lines(&shapes("Rostec", Some(12), 12.0, false)).len(), 1);
        // Too long for two lines, and no acronym of its own: no label (the scene says so).
        assert!(shapes(&"Very Long Name ".repeat(20), None, 12.0, false).is_none());
    }

    #[test]
    fn labels_are_the_same_however_covers_are_counted() {
        let mut store = crate::store::Store::in_memory().unwrap();
        crate::sample::import_sample(&mut store).unwrap();
        let index = crate::index::ShipmentIndex::build(store.load_dataset().unwrap());
        let filter = crate::filter::Filter::default();
        let graph = filter.apply(&index);
        let mut noise = Noise(3);
        let mut positions = crate::layout::Positions::default();
        for &id in &graph.entities {
            positions.set(id, [noise.within(0.0, 100.0), noise.within(0.0, 100.0)]);
        }
        let style = crate::style::Style::default();
        let mut placed = 0;
        for (size, zoom) in [
            ([1200.0, 900.0], 1.0),
            ([500.0, 300.0], 1.0),
            ([500.0, 300.0], 4.0),
        ] {
            let mut view = super::super::View::fit(([0.0, 0.0], [100.0, 100.0]), size, 20.0, 1.0);
            view.zoom *= zoom;
            let input = SceneInput::new(&index, &filter, &graph, &positions, &style, view);
            let with = |lazy| {
                LAZY_OVERRIDE.with(|o| o.set(lazy));
                let labels = super::super::build(&input).labels;
                LAZY_OVERRIDE.with(|o| o.set(None));
                labels
            };
            let marked = with(Some(0));
            placed += marked.len();
            assert_eq!(with(None), marked, "{size:?} × {zoom}");
            assert_eq!(with(Some(usize::MAX)), marked, "{size:?} × {zoom}");
        }
        assert!(placed > 20, "{placed} labels placed");
    }
}
