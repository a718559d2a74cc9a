//! Graph + positions + style + view → a scene: shapes, arrows and labels in screen
//! coordinates. Every painter draws the same scene: the egui canvas, the SVG writer and the
//! PNG rasteriser, so an exported picture is what the investigator saw.
//!
//! The builder culls what is off screen, sizes nodes by trade volume and links by shipments,
//! and places labels most important first (selected and path entities, then by volume),
//! skipping any label that would overlap a placed label or a node, so labels never collide
//! and more appear as the user zooms in.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap, FxHashSet};

use serde::{Deserialize, Serialize};

use crate::filter::{FilteredGraph, LinkKind, PartSet};
use crate::index::ShipmentIndex;
use crate::layout::Positions;
use crate::model::{EntityId, EntityKind};
use crate::style::{NodeShape, Rgba, Style, shape_of};

/// Which part of the world is on screen, and how big.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct View {
    /// World point at the centre of the screen.
    pub center: [f32; 2],
    /// Screen units per world unit.
    pub zoom: f32,
    /// Screen size in screen units (egui points, or pixels for exports).
    pub size: [f32; 2],
    /// Multiplies every stroke width, radius and text size: 2 for a 2x export.
    pub scale: f32,
}

impl Default for View {
    fn default() -> View {
        View {
            center: [0.0, 0.0],
            zoom: 1.0,
            size: [800.0, 600.0],
            scale: 1.0,
        }
    }
}

impl View {
    pub fn to_screen(&self, p: [f32; 2]) -> [f32; 2] {
        [
            (p[0] - self.center[0]) * self.zoom + self.size[0] / 2.0,
            (p[1] - self.center[1]) * self.zoom + self.size[1] / 2.0,
        ]
    }

    pub fn to_world(&self, s: [f32; 2]) -> [f32; 2] {
        [
            (s[0] - self.size[0] / 2.0) / self.zoom + self.center[0],
            (s[1] - self.size[1] / 2.0) / self.zoom + self.center[1],
        ]
    }

    /// A view of `size` that shows the world box `(min, max)` with `margin` screen units
    /// free on every side.
    pub fn fit(bounds: ([f32; 2], [f32; 2]), size: [f32; 2], margin: f32, scale: f32) -> View {
        let (min, max) = bounds;
        let w = (max[0] - min[0]).max(1e-3);
        let h = (max[1] - min[1]).max(1e-3);
        let avail = [
            (size[0] - 2.0 * margin).max(1.0),
            (size[1] - 2.0 * margin).max(1.0),
        ];
        let zoom = (avail[0] / w).min(avail[1] / h);
        View {
            center: [(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0],
            zoom: if zoom.is_finite() && zoom > 0.0 {
                zoom
            } else {
                1.0
            },
            size,
            scale,
        }
    }

    /// Zooms by `factor` keeping the world point under `anchor` (screen) where it is.
    pub fn zoom_at(&mut self, anchor: [f32; 2], factor: f32) {
        let before = self.to_world(anchor);
        self.zoom = (self.zoom * factor).clamp(1e-4, 1e4);
        let after = self.to_world(anchor);
        self.center[0] += before[0] - after[0];
        self.center[1] += before[1] - after[1];
    }
}

/// What the user marked: selection, path, pins, highlights. Plain references into the
/// explorer's state.
#[derive(Clone, Copy, Debug, Default)]
pub struct Marks<'a> {
    pub selected: Option<&'a BTreeSet<EntityId>>,
    /// A selected link: (source, target, kind).
    pub selected_link: Option<(EntityId, EntityId, LinkKind)>,
    /// Entities of a path, in order; the links between consecutive ones are on the path.
    pub path: &'a [EntityId],
    pub pinned: Option<&'a BTreeSet<EntityId>>,
    pub show_pins: bool,
    /// User highlight colours.
    pub highlights: Option<&'a BTreeMap<EntityId, Rgba>>,
    pub hovered: Option<EntityId>,
    /// Entities with a note (drawn with a small marker).
    pub noted: Option<&'a BTreeSet<EntityId>>,
    /// User highlight colours on links: (source, target, kind).
    pub link_highlights: Option<&'a BTreeMap<(EntityId, EntityId, LinkKind), Rgba>>,
    /// Links with a note (a marker at the middle of the link).
    pub noted_links: Option<&'a BTreeSet<(EntityId, EntityId, LinkKind)>>,
    /// Free text callouts.
    pub callouts: &'a [CalloutMark<'a>],
    /// Trade links (shipper, consignee) with shipments made while a party was listed
    /// (screening's "shipped after listing"): drawn over a band of `Style::after_listing`.
    pub after_listing: Option<&'a FxHashSet<(EntityId, EntityId)>>,
}

/// A callout to draw: a text box with its top-left corner at a world point, optionally
/// pointing at an entity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CalloutMark<'a> {
    pub id: u32,
    pub at: [f32; 2],
    pub text: &'a str,
    /// The entity pointed at, when the database holds it.
    pub entity: Option<EntityId>,
}

/// A callout in screen coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneCallout {
    pub id: u32,
    /// `[x, y, width, height]` of the box.
    pub rect: [f32; 4],
    /// Lines of text, top to bottom; each drawn left-aligned, vertically centred on
    /// `rect.y + padding + (i + 0.5) * line_height`.
    pub lines: Vec<String>,
    pub size: f32,
    pub line_height: f32,
    pub padding: f32,
    pub color: Rgba,
    pub fill: Rgba,
    pub border: Rgba,
    pub border_width: f32,
    /// A line from the box to the entity pointed at.
    pub pointer: Option<([f32; 2], [f32; 2])>,
}

/// Longest callout line drawn, in characters, and most lines.
const CALLOUT_LINE_CHARS: usize = 48;
const CALLOUT_MAX_LINES: usize = 12;

/// What decides sizes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeBy {
    /// Node size by shipments in the filter, link width by shipments.
    #[default]
    Shipments,
    /// Node size and link width by declared value.
    Value,
    /// Node size by number of links.
    Degree,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SceneNode {
    pub id: EntityId,
    pub center: [f32; 2],
    pub radius: f32,
    pub shape: NodeShape,
    pub fill: Rgba,
    pub stroke: Rgba,
    pub stroke_width: f32,
    /// The sanction ring: colour and width.
    pub ring: Option<(Rgba, f32)>,
    /// Selection or highlight halo.
    pub halo: Option<(Rgba, f32)>,
    pub pinned: bool,
    pub noted: bool,
}

impl SceneNode {
    /// Corners of the node's shape, for polygon painters; `None` for a circle of `radius`.
    /// Every painter draws this geometry. Shapes have about the circle's area, so size reads
    /// the same across kinds; the triangle points up with its centroid on `center`.
    pub fn corners(&self) -> Option<Vec<[f32; 2]>> {
        let [x, y] = self.center;
        let r = self.radius;
        match self.shape {
            NodeShape::Circle => None,
            NodeShape::Square => {
                let h = 0.886 * r;
                Some(vec![
                    [x - h, y - h],
                    [x + h, y - h],
                    [x + h, y + h],
                    [x - h, y + h],
                ])
            }
            NodeShape::Diamond => {
                let d = 1.253 * r;
                Some(vec![[x, y - d], [x + d, y], [x, y + d], [x - d, y]])
            }
            NodeShape::Triangle => {
                let t = 1.4 * r;
                let half = t * 0.866;
                Some(vec![
                    [x, y - t],
                    [x + half, y + t / 2.0],
                    [x - half, y + t / 2.0],
                ])
            }
        }
    }

    /// Distance from the centre to the shape's farthest point.
    pub fn extent(&self) -> f32 {
        self.radius
            * match self.shape {
                NodeShape::Circle => 1.0,
                NodeShape::Square | NodeShape::Diamond => 1.253,
                NodeShape::Triangle => 1.4,
            }
    }

    /// Centre-line radius of the sanction ring: a circle just outside the shape, with a gap
    /// as wide as the outline so the ring reads as a ring, not as a thick outline.
    pub fn ring_radius(&self) -> Option<f32> {
        self.ring
            .map(|(_, w)| self.extent() + 1.5 * self.stroke_width + w / 2.0)
    }

    /// Centre-line radius of the selection or highlight halo, outside the ring.
    pub fn halo_radius(&self) -> Option<f32> {
        self.halo
            .map(|(_, w)| self.edge_radius() + self.stroke_width + w / 2.0)
    }

    /// Outer edge of the shape's outline or, when sanctioned, of the ring: where links end.
    pub fn edge_radius(&self) -> f32 {
        match (self.ring_radius(), self.ring) {
            (Some(r), Some((_, w))) => r + w / 2.0,
            _ => self.extent() + self.stroke_width / 2.0,
        }
    }

    /// Radius of everything drawn for the node (shape, ring, halo): labels keep outside it.
    pub fn outer_radius(&self) -> f32 {
        match (self.halo_radius(), self.halo) {
            (Some(r), Some((_, w))) => r + w / 2.0,
            _ => self.edge_radius(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SceneLink {
    pub kind: LinkKind,
    pub source: EntityId,
    pub target: EntityId,
    pub from: [f32; 2],
    pub to: [f32; 2],
    pub width: f32,
    pub color: Rgba,
    pub dashed: bool,
    /// Arrowhead triangle at the target end: tip, left, right.
    pub arrow: Option<[[f32; 2]; 3]>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SceneLabel {
    pub id: EntityId,
    pub text: String,
    /// Left end of the text's baseline-centre line: text is drawn left-aligned, vertically
    /// centred on this point.
    pub anchor: [f32; 2],
    pub size: f32,
    pub color: Rgba,
    pub halo: Rgba,
    pub bold: bool,
}

/// What the legend lists: only what the scene shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Legend {
    pub kinds: Vec<(EntityKind, NodeShape)>,
    pub sanctioned: Option<Rgba>,
    /// The band under links shipped after a party's listing.
    pub after_listing: Option<Rgba>,
    pub ownership: Option<Rgba>,
    pub trade: bool,
    pub parts: Vec<(String, Rgba)>,
    pub countries: Vec<(String, Rgba)>,
}

/// A drawable picture of the network.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    pub background: Rgba,
    pub links: Vec<SceneLink>,
    pub nodes: Vec<SceneNode>,
    pub labels: Vec<SceneLabel>,
    pub legend: Legend,
    /// Nodes not drawn because they are off screen.
    pub culled: usize,
    /// Note markers on links: the middle of each noted link.
    pub link_notes: Vec<[f32; 2]>,
    /// Callouts, drawn above everything else.
    pub callouts: Vec<SceneCallout>,
}

/// Everything the scene is made from.
pub struct SceneInput<'a> {
    pub index: &'a ShipmentIndex,
    pub graph: &'a FilteredGraph,
    pub positions: &'a Positions,
    pub style: &'a Style,
    pub view: View,
    pub marks: Marks<'a>,
    pub size_by: SizeBy,
    /// Draw labels at all.
    pub labels: bool,
}

/// The part type a link is coloured by: the most telling one it carries.
pub fn link_part(index: &ShipmentIndex, parts: PartSet) -> Option<&str> {
    const PRIORITY: [&str; 7] = [
        "Mi-171Sh",
        "Mi-171E",
        "radio",
        "navigation",
        "jet engine",
        "helicopter",
        "aircraft parts",
    ];
    let names = index.part_types();
    let present: Vec<&str> = parts
        .iter()
        .filter_map(|p| names.get(p).map(String::as_str))
        .collect();
    PRIORITY
        .iter()
        .find(|p| present.contains(p))
        .copied()
        .or_else(|| present.first().copied())
}

/// Approximate advance width of `text` at `size`: full width for CJK, about half an em for
/// the rest (Noto Sans averages 0.55 em). Good enough to keep labels apart.
pub fn text_width(text: &str, size: f32) -> f32 {
    text.chars()
        .map(|c| {
            if c as u32 >= 0x2E80 {
                1.0
            } else if c.is_uppercase() {
                0.64
            } else {
                0.53
            }
        })
        .sum::<f32>()
        * size
}

/// Shortens a label to `max` characters, ending in "…".
pub fn truncate_label(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out = out.trim_end().to_owned();
    out.push('…');
    out
}

/// Each link's ends as slots in `graph.entities` (sorted by id), found once.
fn link_ends(graph: &FilteredGraph) -> Vec<Option<(u32, u32)>> {
    let slots: FxHashMap<EntityId, u32> = graph
        .entities
        .iter()
        .enumerate()
        .map(|(i, &id)| (id, i as u32))
        .collect();
    graph
        .links
        .iter()
        .map(|l| Some((*slots.get(&l.source)?, *slots.get(&l.target)?)))
        .collect()
}

/// Per-entity totals over the shown links, by slot: the node-size metric.
fn node_metrics(graph: &FilteredGraph, ends: &[Option<(u32, u32)>], by: SizeBy) -> Vec<f64> {
    let mut m = vec![0.0f64; graph.entities.len()];
    for (l, e) in graph.links.iter().zip(ends) {
        let Some((a, b)) = *e else {
            continue;
        };
        let add = match by {
            SizeBy::Degree => 1.0,
            _ if l.kind != LinkKind::Trade => continue,
            SizeBy::Shipments => f64::from(l.shipments),
            SizeBy::Value => l.value_usd,
        };
        m[a as usize] += add;
        m[b as usize] += add;
    }
    m
}

/// Occupied screen area for label placement, as a bitmap of small cells: testing or adding a
/// rectangle costs its area in cells, however crowded the screen is.
struct Occupancy {
    cell: f32,
    cols: usize,
    rows: usize,
    taken: Vec<bool>,
}

impl Occupancy {
    fn new(size: [f32; 2], cell: f32) -> Occupancy {
        let cols = (size[0] / cell).ceil().max(1.0) as usize;
        let rows = (size[1] / cell).ceil().max(1.0) as usize;
        Occupancy {
            cell,
            cols,
            rows,
            taken: vec![false; cols * rows],
        }
    }

    /// The cells a rectangle touches (`outward`) or lies wholly over, clamped to the screen:
    /// `[x0, x1) × [y0, y1)`. Tests look at every cell touched, but a rectangle only claims
    /// the cells it covers, so two rectangles a point apart never collide over a shared cell.
    fn span(&self, r: [f32; 4], outward: bool) -> (usize, usize, usize, usize) {
        let clamp = |v: f32, max: usize| (v.max(0.0) as usize).min(max);
        let lo = |v: f32| if outward { v.floor() } else { v.ceil() };
        let hi = |v: f32| if outward { v.ceil() } else { v.floor() };
        (
            clamp(lo(r[0] / self.cell), self.cols),
            clamp(hi(r[2] / self.cell), self.cols),
            clamp(lo(r[1] / self.cell), self.rows),
            clamp(hi(r[3] / self.cell), self.rows),
        )
    }

    fn free(&self, r: [f32; 4]) -> bool {
        let (x0, x1, y0, y1) = self.span(r, true);
        (y0..y1).all(|y| {
            x0 >= x1 || !self.taken[y * self.cols + x0..y * self.cols + x1].contains(&true)
        })
    }

    fn add(&mut self, r: [f32; 4]) {
        let (x0, x1, y0, y1) = self.span(r, false);
        if x0 >= x1 {
            return;
        }
        for y in y0..y1 {
            self.taken[y * self.cols + x0..y * self.cols + x1].fill(true);
        }
    }
}

fn inside(p: [f32; 2], size: [f32; 2], margin: f32) -> bool {
    p[0] >= -margin && p[1] >= -margin && p[0] <= size[0] + margin && p[1] <= size[1] + margin
}

/// Builds the scene.
pub fn build(input: &SceneInput<'_>) -> Scene {
    let SceneInput {
        index,
        graph,
        positions,
        style,
        view,
        marks,
        size_by,
        labels,
    } = input;
    let s = view.scale;
    let ends = link_ends(graph);
    let metrics = node_metrics(graph, &ends, *size_by);
    let node_metric = |id: EntityId| -> f64 {
        graph
            .entities
            .binary_search(&id)
            .map_or(0.0, |slot| metrics[slot])
    };
    let max_metric = metrics.iter().copied().fold(0.0f64, f64::max).max(1e-9);
    let path_set: BTreeSet<EntityId> = marks.path.iter().copied().collect();
    let on_path_link = |a: EntityId, b: EntityId| {
        marks
            .path
            .windows(2)
            .any(|w| (w[0] == a && w[1] == b) || (w[0] == b && w[1] == a))
    };
    let dim = !marks.path.is_empty();
    let dimmed = |c: Rgba| if dim { c.with_alpha(60) } else { c };

    // Nodes, in entity order; screen positions kept for links and labels.
    // By slot (position in `graph.entities`): centre and where links end.
    let mut screen: Vec<Option<([f32; 2], f32)>> = vec![None; graph.entities.len()];
    let mut nodes = Vec::with_capacity(graph.entities.len());
    let mut culled = 0;
    let (rmin, rmax) = style.node_radius_px;
    // Entities and positions are both sorted by id: walk them side by side.
    let mut placed = positions.iter().peekable();
    for (slot, &id) in graph.entities.iter().enumerate() {
        while placed.next_if(|&(p, _)| p < id).is_some() {}
        let world = match placed.peek() {
            Some(&(p, xy)) if p == id => xy,
            _ => continue,
        };
        let Some(entity) = index.entity(id) else {
            continue;
        };
        let center = view.to_screen(world);
        let metric = metrics[slot];
        let radius = (rmin + (rmax - rmin) * (metric / max_metric).sqrt() as f32) * s;
        let selected = marks.selected.is_some_and(|sel| sel.contains(&id));
        let on_path = path_set.contains(&id);
        let halo = if selected {
            Some((style.selection, 3.0 * s))
        } else if on_path {
            Some((style.path, 3.0 * s))
        } else if marks.hovered == Some(id) {
            Some((style.selection.with_alpha(140), 2.0 * s))
        } else {
            marks
                .highlights
                .and_then(|h| h.get(&id))
                .map(|&c| (c, 4.0 * s))
        };
        let emphasised = !dim || on_path || selected;
        let fill = style.country_color(&entity.country);
        let node = SceneNode {
            id,
            center,
            radius,
            shape: shape_of(entity.kind),
            fill: if emphasised {
                fill
            } else {
                fill.with_alpha(70)
            },
            stroke: if emphasised {
                style.node_stroke
            } else {
                style.node_stroke.with_alpha(70)
            },
            stroke_width: 1.0 * s,
            ring: graph
                .is_sanctioned(id)
                .then_some((style.sanction_ring, style.ring_width_px * s)),
            halo,
            pinned: marks.show_pins && marks.pinned.is_some_and(|p| p.contains(&id)),
            noted: marks.noted.is_some_and(|n| n.contains(&id)),
        };
        // Links end at the outline or, when sanctioned, at the ring, so arrowheads show.
        screen[slot] = Some((center, node.edge_radius()));
        if !inside(center, view.size, radius + 4.0 * s) {
            culled += 1;
            continue;
        }
        nodes.push(node);
    }

    // Links. Reciprocal trade links are shifted apart so both stay visible.
    let pair_key = |(a, b): (u32, u32)| (u64::from(a) << 32) | u64::from(b);
    // Sized up front: growing it by rehashing took as long as filling it.
    let mut trade_pairs: FxHashSet<u64> =
        FxHashSet::with_capacity_and_hasher(graph.links.len(), Default::default());
    trade_pairs.extend(
        graph
            .links
            .iter()
            .zip(&ends)
            .filter(|(l, _)| l.kind == LinkKind::Trade)
            .filter_map(|(_, e)| e.map(pair_key)),
    );
    let at = |e: Option<(u32, u32)>| {
        let (a, b) = e?;
        Some((screen[a as usize]?, screen[b as usize]?))
    };
    let max_link = graph
        .trade_links()
        .map(|l| match size_by {
            SizeBy::Value => l.value_usd,
            _ => f64::from(l.shipments),
        })
        .fold(0.0f64, f64::max)
        .max(1e-9);
    let (wmin, wmax) = style.link_width_px;
    // Level of detail: with this many links on screen an arrowhead on a hairline is a dot
    // nobody can read, and drawing it costs more than the line; wide and marked links keep
    // theirs, and all come back when the view holds fewer links.
    let crowded = ends
        .iter()
        .filter(|&&e| {
            at(e).is_some_and(|(a, b)| inside(a.0, view.size, 0.0) || inside(b.0, view.size, 0.0))
        })
        .count()
        > CROWDED_LINKS;
    let mut links = Vec::with_capacity(graph.links.len());
    // Part types drawn, by index in `part_names` (the last slot: "other").
    let mut parts_shown: Vec<Option<Rgba>> = vec![None; index.part_types().len() + 1];
    let other_slot = index
        .part_types()
        .iter()
        .position(|p| p == "other")
        .unwrap_or(index.part_types().len());
    // The colour of each part-set, worked out once per distinct set rather than per link.
    let mut part_colors: FxHashMap<u64, (usize, Rgba)> = FxHashMap::default();
    let part_names = index.part_types();
    let mut ownership_shown = false;
    let mut after_listing_shown = false;
    for (l, &e) in graph.links.iter().zip(&ends) {
        let Some(((a, ra), (b, rb))) = at(e) else {
            continue;
        };
        let (min_x, max_x) = (a[0].min(b[0]), a[0].max(b[0]));
        let (min_y, max_y) = (a[1].min(b[1]), a[1].max(b[1]));
        if max_x < 0.0 || max_y < 0.0 || min_x > view.size[0] || min_y > view.size[1] {
            continue;
        }
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len = (dx * dx + dy * dy).sqrt();
        if len <= ra + rb + 1.0 {
            continue; // overlapping nodes: nothing to draw between them
        }
        let (ux, uy) = (dx / len, dy / len);
        let highlighted = on_path_link(l.source, l.target)
            || marks.selected_link == Some((l.source, l.target, l.kind));
        let selected_end = marks
            .selected
            .is_some_and(|sel| sel.contains(&l.source) || sel.contains(&l.target));
        match l.kind {
            LinkKind::Ownership => {
                ownership_shown = true;
                let color = if highlighted {
                    style.path
                } else {
                    dimmed(style.ownership_link)
                };
                links.push(SceneLink {
                    kind: l.kind,
                    source: l.source,
                    target: l.target,
                    from: [a[0] + ux * ra, a[1] + uy * ra],
                    to: [b[0] - ux * rb, b[1] - uy * rb],
                    width: (if highlighted { 2.5 } else { 1.2 }) * s,
                    color,
                    dashed: true,
                    arrow: None,
                });
            }
            LinkKind::Trade => {
                let metric = match size_by {
                    SizeBy::Value => l.value_usd,
                    _ => f64::from(l.shipments),
                };
                let width = (wmin + (wmax - wmin) * (metric / max_link).sqrt() as f32) * s;
                // Shift to the right of the direction of travel when the reverse link exists.
                let shift = if e.is_some_and(|(a, b)| trade_pairs.contains(&pair_key((b, a)))) {
                    width / 2.0 + 1.5 * s
                } else {
                    0.0
                };
                let (px, py) = (-uy * shift, ux * shift);
                let from = [a[0] + ux * ra + px, a[1] + uy * ra + py];
                let tip = [b[0] - ux * rb + px, b[1] - uy * rb + py];
                let head = (6.0 * s + width * 1.6).min(len * 0.4);
                let half = head * 0.45;
                let base = [tip[0] - ux * head, tip[1] - uy * head];
                let (part_id, part_color) =
                    *part_colors.entry(l.part_types.0).or_insert_with(|| {
                        let part = link_part(index, l.part_types).unwrap_or("other");
                        let id = part_names
                            .iter()
                            .position(|p| p == part)
                            .unwrap_or(usize::MAX);
                        (id, style.part_color(part))
                    });
                let slot = if part_id < part_names.len() {
                    part_id
                } else {
                    other_slot
                };
                parts_shown[slot].get_or_insert(part_color);
                let color = if highlighted {
                    style.path
                } else if selected_end || !dim {
                    part_color
                } else {
                    part_color.with_alpha(50)
                };
                if marks
                    .after_listing
                    .is_some_and(|f| f.contains(&(l.source, l.target)))
                {
                    // A band under the link, from end to end, drawn before it.
                    after_listing_shown = true;
                    links.push(SceneLink {
                        kind: l.kind,
                        source: l.source,
                        target: l.target,
                        from,
                        to: tip,
                        width: width + 6.0 * s,
                        color: style.after_listing,
                        dashed: false,
                        arrow: None,
                    });
                }
                let thin = width <= 1.5 * s;
                if crowded && thin && !highlighted && !selected_end {
                    links.push(SceneLink {
                        kind: l.kind,
                        source: l.source,
                        target: l.target,
                        from,
                        to: tip,
                        width,
                        color,
                        dashed: false,
                        arrow: None,
                    });
                    continue;
                }
                links.push(SceneLink {
                    kind: l.kind,
                    source: l.source,
                    target: l.target,
                    from,
                    to: base,
                    width: if highlighted {
                        width.max(3.0 * s)
                    } else {
                        width
                    },
                    color,
                    dashed: false,
                    arrow: Some([
                        tip,
                        [base[0] - uy * half, base[1] + ux * half],
                        [base[0] + uy * half, base[1] - ux * half],
                    ]),
                });
            }
        }
    }
    // User highlight colours and note markers on links.
    let mut link_notes = Vec::new();
    for l in &mut links {
        let key = (l.source, l.target, l.kind);
        if let Some(&c) = marks.link_highlights.and_then(|h| h.get(&key))
            && l.color != style.path
        {
            l.color = c;
            l.width = l.width.max(3.0 * s);
        }
        if marks.noted_links.is_some_and(|n| n.contains(&key)) {
            let end = l.arrow.map_or(l.to, |a| a[0]);
            link_notes.push([(l.from[0] + end[0]) / 2.0, (l.from[1] + end[1]) / 2.0]);
        }
    }
    // Highlighted links on top.
    links.sort_by_key(|l| l.color == style.path);

    let labels = if *labels {
        place_labels(input, &nodes, &node_metric, &path_set)
    } else {
        Vec::new()
    };

    let mut kinds: Vec<(EntityKind, NodeShape)> = Vec::new();
    let mut countries: FxHashMap<&str, usize> = FxHashMap::default();
    for n in &nodes {
        if let Some(e) = index.entity(n.id) {
            if !kinds.iter().any(|(k, _)| *k == e.kind) {
                kinds.push((e.kind, n.shape));
            }
            *countries.entry(e.country.as_str()).or_default() += 1;
        }
    }
    kinds.sort();
    let mut countries: Vec<(String, usize)> = countries
        .into_iter()
        .map(|(c, n)| (c.to_owned(), n))
        .collect();
    countries.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let legend = Legend {
        kinds,
        sanctioned: nodes
            .iter()
            .any(|n| n.ring.is_some())
            .then_some(style.sanction_ring),
        after_listing: after_listing_shown.then_some(style.after_listing),
        ownership: ownership_shown.then_some(style.ownership_link),
        trade: links.iter().any(|l| l.kind == LinkKind::Trade),
        parts: {
            let mut p: Vec<(String, Rgba)> = parts_shown
                .into_iter()
                .enumerate()
                .filter_map(|(i, c)| {
                    let name = part_names.get(i).map_or("other", String::as_str);
                    Some((crate::text::inert(name).into_owned(), c?))
                })
                .collect();
            p.sort_by_key(|(name, _)| {
                (
                    ["Mi-171Sh", "Mi-171E", "radio", "navigation"]
                        .iter()
                        .position(|x| x == name)
                        .unwrap_or(9),
                    name.clone(),
                )
            });
            p
        },
        countries: countries
            .into_iter()
            .take(8)
            .map(|(c, _)| {
                let color = style.country_color(&c);
                (crate::text::inert(&c).into_owned(), color)
            })
            .collect(),
    };

    let callouts = marks
        .callouts
        .iter()
        .map(|c| {
            let target = c
                .entity
                .and_then(|id| graph.entities.binary_search(&id).ok())
                .and_then(|slot| screen[slot]);
            callout(c, view, style, target)
        })
        .collect();

    Scene {
        background: style.background,
        links,
        nodes,
        labels,
        legend,
        culled,
        link_notes,
        callouts,
    }
}

/// Lays out one callout: its lines (wrapped at [`CALLOUT_LINE_CHARS`]), box and pointer.
fn callout(
    c: &CalloutMark<'_>,
    view: &View,
    style: &Style,
    // The screen centre and edge radius of the entity pointed at.
    target: Option<([f32; 2], f32)>,
) -> SceneCallout {
    let s = view.scale;
    let size = style.label_size_px * s * 1.1;
    let line_height = size * 1.3;
    let padding = 5.0 * s;
    let mut lines: Vec<String> = Vec::new();
    for paragraph in crate::text::inert_lines(c.text).lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let word = truncate_label(word, CALLOUT_LINE_CHARS);
            if !line.is_empty()
                && line.chars().count() + 1 + word.chars().count() > CALLOUT_LINE_CHARS
            {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&word);
        }
        lines.push(line);
    }
    if lines.len() > CALLOUT_MAX_LINES {
        lines.truncate(CALLOUT_MAX_LINES);
        if let Some(last) = lines.last_mut() {
            last.push('…');
        }
    }
    if lines.iter().all(|l| l.is_empty()) {
        lines = vec!["…".to_owned()];
    }
    let text_w = lines
        .iter()
        .map(|l| text_width(l, size))
        .fold(0.0f32, f32::max);
    let at = view.to_screen(c.at);
    let rect = [
        at[0],
        at[1],
        text_w + 2.0 * padding,
        lines.len() as f32 * line_height + 2.0 * padding,
    ];
    let pointer = target.map(|(p, r)| {
        // From the nearest point of the box's outline to the node's edge.
        let from = [
            p[0].clamp(rect[0], rect[0] + rect[2]),
            p[1].clamp(rect[1], rect[1] + rect[3]),
        ];
        let (dx, dy) = (p[0] - from[0], p[1] - from[1]);
        let len = (dx * dx + dy * dy).sqrt().max(1e-3);
        let reach = (len - r - 2.0 * s).max(0.0);
        (
            from,
            [from[0] + dx / len * reach, from[1] + dy / len * reach],
        )
    });
    SceneCallout {
        id: c.id,
        rect,
        lines,
        size,
        line_height,
        padding,
        color: style.text,
        fill: style.text_halo.with_alpha(235),
        border: style.text,
        border_width: 1.2 * s,
        pointer,
    }
}

impl SceneCallout {
    /// Whether a screen point is inside the box.
    pub fn contains(&self, p: [f32; 2]) -> bool {
        let [x, y, w, h] = self.rect;
        p[0] >= x && p[0] <= x + w && p[1] >= y && p[1] <= y + h
    }
}

/// Above this many links on screen, hairline trade links are drawn without arrowheads.
pub const CROWDED_LINKS: usize = 8_000;

/// How many entities, most important first, are tried for a label.
const MAX_LABEL_CANDIDATES: usize = 1_500;

fn place_labels(
    input: &SceneInput<'_>,
    nodes: &[SceneNode],
    metric: &dyn Fn(EntityId) -> f64,
    path: &BTreeSet<EntityId>,
) -> Vec<SceneLabel> {
    let SceneInput {
        index,
        style,
        view,
        marks,
        ..
    } = input;
    let s = view.scale;
    let size = style.label_size_px * s;
    let mut grid = Occupancy::new(view.size, 4.0 * s);
    for n in nodes {
        let r = n.outer_radius();
        grid.add([
            n.center[0] - r,
            n.center[1] - r,
            n.center[0] + r,
            n.center[1] + r,
        ]);
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
    let mut labels = Vec::new();
    let pad = 2.0 * s;
    for (rank, n) in order {
        let Some(entity) = index.entity(n.id) else {
            continue;
        };
        let text = truncate_label(&crate::text::inert(&entity.name), style.label_max_chars);
        let w = text_width(&text, size);
        let h = size * 1.25;
        let important = rank.0 < 2;
        // Right of the node, then left, then above, then below; clear of its ring and
        // halo. Above and below slide sideways to stay on screen, so a node at the edge
        // still gets its label.
        let r = n.outer_radius();
        let centred_x = (n.center[0] - w / 2.0).min(view.size[0] - w - pad).max(pad);
        let candidates = [
            [n.center[0] + r + 3.0 * s, n.center[1]],
            [n.center[0] - r - 3.0 * s - w, n.center[1]],
            [centred_x, n.center[1] - r - h / 2.0 - 2.0 * s],
            [centred_x, n.center[1] + r + h / 2.0 + 2.0 * s],
        ];
        for anchor in candidates {
            let rect = [
                anchor[0] - pad,
                anchor[1] - h / 2.0 - pad,
                anchor[0] + w + pad,
                anchor[1] + h / 2.0 + pad,
            ];
            // Own node's box is in the grid: shrink the test box off it by checking the
            // rectangle only (the anchors are outside the node's radius).
            let on_screen = rect[0] >= 0.0
                && rect[1] >= 0.0
                && rect[2] <= view.size[0]
                && rect[3] <= view.size[1];
            if on_screen && grid.free(rect) {
                grid.add(rect);
                labels.push(SceneLabel {
                    id: n.id,
                    text,
                    anchor,
                    size,
                    color: style.text,
                    halo: style.text_halo,
                    bold: important,
                });
                break;
            }
        }
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_round_trips_and_zooms_about_the_anchor() {
        let mut v = View {
            center: [10.0, -5.0],
            zoom: 2.0,
            size: [800.0, 600.0],
            scale: 1.0,
        };
        let p = [13.0, 7.0];
        let s = v.to_screen(p);
        let back = v.to_world(s);
        assert!((back[0] - p[0]).abs() < 1e-4 && (back[1] - p[1]).abs() < 1e-4);
        v.zoom_at(s, 3.0);
        let s2 = v.to_screen(p);
        assert!((s2[0] - s[0]).abs() < 1e-3 && (s2[1] - s[1]).abs() < 1e-3);
        assert!((v.zoom - 6.0).abs() < 1e-6);
    }

    #[test]
    fn fit_shows_the_whole_box_inside_the_margin() {
        let v = View::fit(
            ([-100.0, -50.0], [300.0, 150.0]),
            [1000.0, 500.0],
            20.0,
            1.0,
        );
        for corner in [[-100.0, -50.0], [300.0, 150.0]] {
            let s = v.to_screen(corner);
            assert!(
                s[0] >= 19.9 && s[0] <= 980.1 && s[1] >= 19.9 && s[1] <= 480.1,
                "{s:?}"
            );
        }
    }

    #[test]
    fn occupancy_rejects_overlaps_only() {
        let mut g = Occupancy::new([100.0, 100.0], 5.0);
        g.add([0.0, 0.0, 20.0, 10.0]);
        assert!(!g.free([15.0, 5.0, 30.0, 12.0]));
        assert!(g.free([20.0, 0.0, 40.0, 10.0]));
        assert!(g.free([0.0, 10.0, 20.0, 20.0]));
        // Off the cell grid: a label 1 point right of a node's box is free.
        g.add([31.0, 31.0, 43.0, 43.0]);
        assert!(g.free([44.0, 33.0, 80.0, 41.0]));
        // Overlaps are found to within a cell.
        assert!(!g.free([36.0, 33.0, 80.0, 41.0]));
    }

    #[test]
    fn labels_are_truncated_with_an_ellipsis() {
        let long = "A".repeat(500);
        let t = truncate_label(&long, 40);
        assert_eq!(t.chars().count(), 40);
        assert!(t.ends_with('…'));
        assert_eq!(truncate_label("Rostec", 40), "Rostec");
        assert!(text_width("保利科技", 10.0) > text_width("Poly", 10.0));
    }
}
