//! Graph + positions + style + view → a scene: every shape, mark and word of the network's
//! drawing, in screen coordinates. Every painter (the egui canvas, the SVG writer, the PNG
//! rasteriser) only translates the scene's primitives into its own: none invents a shape, a
//! size, a dash or a colour, so an exported picture is what the investigator saw.
//!
//! The scene holds nodes (shape, fill, outline, sanction ring, halo), links (solid or with
//! their dash pattern, arrowheads, the stripes of a link carrying several part types, the
//! band under links shipped after a listing), marks (pins and notes), labels (one or two
//! lines), callouts, the legend of what is shown (laid out by [`legend::layout`] into the same
//! primitives) and notes on what could not be shown. Emphasis (a path, else a selection)
//! dims everything else, rings, bands, marks and labels included.
//!
//! The builder culls what is off screen, sizes nodes by trade volume and links by shipments,
//! and places labels most important first ([`labels`]).

mod callouts;
pub mod density;
mod labels;
pub mod legend;
mod links;
pub mod reuse;
pub mod shown;

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap, FxHashSet};

use serde::{Deserialize, Serialize};

use crate::filter::{Filter, FilteredGraph, LinkKind};
use crate::index::ShipmentIndex;
use crate::layout::Positions;
use crate::model::EntityId;
use crate::style::{NodeShape, Rgba, Style, shape_of};

pub use density::SceneDensity;
pub use legend::{Legend, LegendDrawing, LegendEntry, LegendGroup, Swatch};
pub use links::CROWDED_LINKS;
pub use shown::Shown;

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
    /// Betweenness by entity (`crate::brokers`), for [`SizeBy::Betweenness`].
    pub betweenness: Option<&'a FxHashMap<EntityId, f64>>,
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
    /// The key of the entity the callout points at, as saved (also when the database lacks
    /// it: the picture then says so).
    pub entity_key: Option<&'a str>,
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
    /// Corner radius of the box.
    pub corner: f32,
    /// A line from the box to the entity pointed at.
    pub pointer: Option<([f32; 2], [f32; 2])>,
}

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
    /// Node size by betweenness (how much trade goes through it), link width by shipments.
    Betweenness,
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

/// What a [`SceneLink`] draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkRole {
    /// A link in one colour (with its arrowhead, if any).
    Line,
    /// One part type's stripe of a link carrying several, as wide as its share of the
    /// shipments.
    Stripe,
    /// Only an arrowhead (`arrow`), after a striped link's stripes; its line has width 0.
    Arrowhead,
    /// The band under a link shipped after a listing.
    Band,
}

/// A straight line, solid or dashed, with an optional arrowhead; painters draw the line
/// (when `width > 0`), then the arrowhead, in `color`.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneLink {
    pub kind: LinkKind,
    pub role: LinkRole,
    pub source: EntityId,
    pub target: EntityId,
    pub from: [f32; 2],
    pub to: [f32; 2],
    pub width: f32,
    pub color: Rgba,
    /// Dash and gap lengths along the line, from `from`; `None`: solid.
    pub dash: Option<[f32; 2]>,
    /// Arrowhead triangle at the target end: tip, left, right.
    pub arrow: Option<[[f32; 2]; 3]>,
}

/// What a [`SceneMark`] marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MarkKind {
    /// A pinned entity: a stem and a round head at its top right.
    Pin,
    /// An entity with a note: a small square at its top left.
    Note,
    /// A link with a note: a small square at its middle.
    LinkNote,
}

/// The geometry of a mark.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MarkShape {
    Circle {
        center: [f32; 2],
        radius: f32,
    },
    /// `[x, y, width, height]`, corners rounded by `corner`.
    Rect {
        rect: [f32; 4],
        corner: f32,
    },
    Line {
        from: [f32; 2],
        to: [f32; 2],
        width: f32,
    },
}

/// A small mark over the nodes: filled, then outlined.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SceneMark {
    pub kind: MarkKind,
    pub shape: MarkShape,
    pub fill: Option<Rgba>,
    pub stroke: Option<(Rgba, f32)>,
}

/// An entity label: one or two lines, left-aligned at `anchor[0]`; the first line is
/// vertically centred on `anchor[1]`, the next `line_height` below. Painters draw the halo
/// (a stroke `HALO_WIDTH × size` wide around the glyphs) under the fill.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneLabel {
    pub id: EntityId,
    pub lines: Vec<String>,
    pub anchor: [f32; 2],
    pub line_height: f32,
    pub size: f32,
    pub color: Rgba,
    pub halo: Rgba,
    pub bold: bool,
}

/// Width of the halo around labels, times the label's size.
pub const HALO_WIDTH: f32 = 0.22;

impl SceneLabel {
    /// The lines with their left-centre points.
    pub fn placed_lines(&self) -> impl Iterator<Item = (&str, [f32; 2])> {
        self.lines.iter().enumerate().map(move |(i, l)| {
            (
                l.as_str(),
                [self.anchor[0], self.anchor[1] + i as f32 * self.line_height],
            )
        })
    }

    /// The whole label's text, lines joined by a space.
    pub fn text(&self) -> String {
        self.lines.join(" ")
    }
}

/// A line of text outside the network (legend, page): left-aligned at `x` (or centred on it)
/// with its baseline at `y`.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneText {
    pub text: String,
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub bold: bool,
    pub color: Rgba,
    /// Centred on `x` instead of starting there.
    pub centred: bool,
}

/// A drawable picture of the network.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    pub background: Rgba,
    /// In drawing order: bands, links and stripes; emphasised links last.
    pub links: Vec<SceneLink>,
    pub nodes: Vec<SceneNode>,
    /// Pins and notes, over the nodes.
    pub marks: Vec<SceneMark>,
    pub labels: Vec<SceneLabel>,
    /// Callouts, drawn above everything else.
    pub callouts: Vec<SceneCallout>,
    /// Level of detail: the hairlines too many to draw one by one, as one image under the
    /// links (window scenes only; see [`density`]).
    pub density: Option<SceneDensity>,
    pub legend: Legend,
    /// Nodes not drawn because they are off screen.
    pub culled: usize,
    /// What the scene could not show, in words, for a picture to say ("1 entity unlabelled:
    /// its name is too long for two lines (key …)").
    pub notes: Vec<String>,
    /// On a screen of few entities, those left unlabelled for lack of room, in words ("3
    /// entities unlabelled for lack of room (…)"): said by a still picture, not by an
    /// animation's frames, which come and go with the step and would move the frame's layout.
    pub no_room: Option<String>,
}

/// Everything the scene is made from.
pub struct SceneInput<'a> {
    pub index: &'a ShipmentIndex,
    /// The filter the graph was made with (each link's part types, the legend's words).
    pub filter: &'a Filter,
    pub graph: &'a FilteredGraph,
    pub positions: &'a Positions,
    pub style: &'a Style,
    pub view: View,
    pub marks: Marks<'a>,
    pub size_by: SizeBy,
    /// Draw labels at all.
    pub labels: bool,
    /// Label text size in screen units: 12 points on screen; pictures set it from their
    /// width so labels stay legible in print and on a phone.
    pub label_size: f32,
    /// [`Shown::compute`] of this graph, when the caller keeps it; else worked out here.
    pub shown: Option<&'a Shown>,
    /// Level of detail: fold piled-up hairlines into a density image (the window). Pictures
    /// draw every link.
    pub lod: bool,
    /// Level of detail folds only with more links than this on screen
    /// ([`density::FOLD_MIN_LINKS`]; tests lower it to fold a small network).
    pub fold_min_links: usize,
    /// Sizes measured against these maxima (trade link metric, node metric) instead of the
    /// graph's own or `shown`'s: the window while the timeline plays (the whole range's).
    pub size_max: Option<(f64, f64)>,
    /// Work kept from the last scene built with the same store (`reuse.rs`); the scene is
    /// the same with or without it.
    pub reuse: Option<&'a std::sync::Mutex<reuse::Reuse>>,
}

impl<'a> SceneInput<'a> {
    /// Input with no marks, sized by shipments, labels at the style's size times the view's
    /// scale.
    pub fn new(
        index: &'a ShipmentIndex,
        filter: &'a Filter,
        graph: &'a FilteredGraph,
        positions: &'a Positions,
        style: &'a Style,
        view: View,
    ) -> SceneInput<'a> {
        SceneInput {
            index,
            filter,
            graph,
            positions,
            style,
            view,
            marks: Marks::default(),
            size_by: SizeBy::Shipments,
            labels: true,
            label_size: style.label_size_px * view.scale,
            shown: None,
            lod: false,
            fold_min_links: density::FOLD_MIN_LINKS,
            size_max: None,
            reuse: None,
        }
    }

    /// The maxima sizes are measured against, when fixed: this input's, else `shown`'s.
    pub fn fixed_size_max(&self, shown: &Shown) -> Option<(f64, f64)> {
        self.size_max.or(shown.size_max)
    }
}

/// What is emphasised: a path (its entities and links), else a selection (the selected
/// entities, their links and the entities at their other ends, or a selected link and its
/// ends). Everything else is dimmed.
pub(crate) struct Emphasis {
    pub active: bool,
    nodes: FxHashSet<EntityId>,
    links: FxHashSet<(EntityId, EntityId, LinkKind)>,
    path_links: bool,
}

/// Opacity (of 255) of what emphasis dims.
const DIMMED: u32 = 56;

impl Emphasis {
    fn new(marks: &Marks<'_>, graph: &FilteredGraph) -> Emphasis {
        let mut e = Emphasis {
            active: false,
            nodes: FxHashSet::default(),
            links: FxHashSet::default(),
            path_links: false,
        };
        if marks.path.len() > 1 {
            e.active = true;
            e.path_links = true;
            e.nodes.extend(marks.path.iter().copied());
            for w in marks.path.windows(2) {
                for kind in [LinkKind::Trade, LinkKind::Ownership] {
                    e.links.insert((w[0], w[1], kind));
                    e.links.insert((w[1], w[0], kind));
                }
            }
            return e;
        }
        let selected = marks.selected.filter(|s| !s.is_empty());
        if let Some(sel) = selected {
            e.active = true;
            e.nodes.extend(sel.iter().copied());
            for l in &graph.links {
                if sel.contains(&l.source) || sel.contains(&l.target) {
                    e.links.insert((l.source, l.target, l.kind));
                    e.nodes.insert(l.source);
                    e.nodes.insert(l.target);
                }
            }
        }
        if let Some((a, b, kind)) = marks.selected_link {
            e.active = true;
            e.nodes.insert(a);
            e.nodes.insert(b);
            e.links.insert((a, b, kind));
        }
        e
    }

    /// Whether an entity is drawn in full.
    pub fn node(&self, id: EntityId) -> bool {
        !self.active || self.nodes.contains(&id)
    }

    /// Whether a link is drawn in full.
    pub fn link(&self, key: (EntityId, EntityId, LinkKind)) -> bool {
        !self.active || self.links.contains(&key)
    }

    /// Whether a link is on the path.
    pub fn on_path(&self, key: (EntityId, EntityId, LinkKind)) -> bool {
        self.path_links && self.links.contains(&key)
    }

    /// `c`, dimmed when `dim`.
    pub fn fade(&self, c: Rgba, dim: bool) -> Rgba {
        if dim {
            c.with_alpha((u32::from(c.3) * DIMMED / 255) as u8)
        } else {
            c
        }
    }
}

/// The colour of note marks.
pub const NOTE_MARK: Rgba = Rgba::rgb(0xff, 0xc1, 0x07);

/// Each link's ends as slots in `graph.entities` (sorted by id), found once.
fn link_ends(graph: &FilteredGraph) -> Vec<Option<(u32, u32)>> {
    let ends = |slot: &dyn Fn(EntityId) -> Option<u32>| -> Vec<Option<(u32, u32)>> {
        graph
            .links
            .iter()
            .map(|l| Some((slot(l.source)?, slot(l.target)?)))
            .collect()
    };
    match crate::model::SlotTable::new(&graph.entities) {
        Some(table) => ends(&|id| table.get(id)),
        None => {
            let slots: FxHashMap<EntityId, u32> = graph
                .entities
                .iter()
                .enumerate()
                .map(|(i, &id)| (id, i as u32))
                .collect();
            ends(&|id| slots.get(&id).copied())
        }
    }
}

/// The largest trade link metric and node metric of a graph, for [`Shown::size_max`].
pub fn size_maxima(graph: &FilteredGraph, by: SizeBy) -> (f64, f64) {
    let ends = link_ends(graph);
    let nodes = node_metrics(graph, &ends, by, None);
    let links = graph
        .trade_links()
        .map(|l| match by {
            SizeBy::Value => l.value_usd,
            _ => f64::from(l.shipments),
        })
        .fold(0.0f64, f64::max);
    (links, nodes.into_iter().fold(0.0f64, f64::max))
}

/// A made-up (synthetic) entity's or link's colour: washed toward the background, so the
/// sourced story stands out and every painter draws the mark the same way.
pub fn made_up(c: Rgba, background: Rgba) -> Rgba {
    let mix = |a: u8, b: u8| ((u16::from(a) * 2 + u16::from(b) * 3) / 5) as u8;
    Rgba(
        mix(c.0, background.0),
        mix(c.1, background.1),
        mix(c.2, background.2),
        c.3,
    )
}

/// Per-entity totals over the shown links, by slot: the node-size metric (betweenness comes
/// from the marks).
fn node_metrics(
    graph: &FilteredGraph,
    ends: &[Option<(u32, u32)>],
    by: SizeBy,
    betweenness: Option<&FxHashMap<EntityId, f64>>,
) -> Vec<f64> {
    let mut m = vec![0.0f64; graph.entities.len()];
    if by == SizeBy::Betweenness {
        for (slot, id) in graph.entities.iter().enumerate() {
            m[slot] = betweenness.and_then(|b| b.get(id)).copied().unwrap_or(0.0);
        }
        return m;
    }
    for (l, e) in graph.links.iter().zip(ends) {
        let Some((a, b)) = *e else {
            continue;
        };
        let add = match by {
            SizeBy::Degree => 1.0,
            _ if l.kind != LinkKind::Trade => continue,
            SizeBy::Shipments | SizeBy::Betweenness => f64::from(l.shipments),
            SizeBy::Value => l.value_usd,
        };
        m[a as usize] += add;
        m[b as usize] += add;
    }
    m
}

fn inside(p: [f32; 2], size: [f32; 2], margin: f32) -> bool {
    p[0] >= -margin && p[1] >= -margin && p[0] <= size[0] + margin && p[1] <= size[1] + margin
}

/// Gets the labels of a timeline about to play ready in `input.reuse`: every entity's text
/// laid out at this view's label size, on all cores (see `labels::lay_out_all`; its display
/// name worked out on the way). The window does it when Play is pressed, the playback
/// benchmark before its first step.
pub fn prepare_labels(input: &SceneInput<'_>) {
    labels::lay_out_all(input);
}

/// At least this many links in the graph, and a scene's links are built beside the labels'
/// preparation (`explorer::side_by_side`): below it, waking the other core costs more than it saves.
const SIDE_BY_SIDE_LINKS: usize = 4_000;

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
        ..
    } = input;
    let computed;
    let shown = match input.shown {
        Some(s) => s,
        None => {
            computed = Shown::compute(index, input.filter, graph);
            &computed
        }
    };
    let s = view.scale;
    let ends = link_ends(graph);
    let metrics = node_metrics(graph, &ends, *size_by, marks.betweenness);
    // Slots through a table of ids where the ids allow (labels rank every node by it).
    let slot_table = crate::model::SlotTable::new(&graph.entities);
    let node_metric = |id: EntityId| -> f64 {
        let slot = match &slot_table {
            Some(t) => t.get(id).map(|s| s as usize),
            None => graph.entities.binary_search(&id).ok(),
        };
        slot.and_then(|s| metrics.get(s)).copied().unwrap_or(0.0)
    };
    let max_metric = input
        .fixed_size_max(shown)
        .map_or_else(|| metrics.iter().copied().fold(0.0f64, f64::max), |m| m.1)
        .max(1e-9);
    let path_set: BTreeSet<EntityId> = marks.path.iter().copied().collect();
    let emphasis = Emphasis::new(marks, graph);

    // Nodes, in entity order; screen positions kept for links and labels.
    // By slot (position in `graph.entities`): centre and where links end.
    let mut screen: Vec<Option<([f32; 2], f32)>> = vec![None; graph.entities.len()];
    let mut nodes = Vec::with_capacity(graph.entities.len());
    let mut culled = 0;
    let (rmin, rmax) = style.node_radius_px;
    // Each interned country's fill, looked up by name once a scene, not once an entity.
    // (Exact while the codes fit the index's `u16`; else by name.)
    let country_fill: Vec<Rgba> = if index.countries.len() <= usize::from(u16::MAX) + 1 {
        index
            .countries
            .iter()
            .map(|c| shown.countries.get(c))
            .collect()
    } else {
        Vec::new()
    };
    // Entities, positions, the synthetic and the sanctioned are all sorted by id: walk them
    // side by side (a binary search an entity in long lists was a cache miss a step).
    let mut placed = positions.iter().peekable();
    let mut synthetic_ids = graph.synthetic.iter().copied().peekable();
    let mut sanctioned_ids = graph.sanctioned.iter().copied().peekable();
    for (slot, &id) in graph.entities.iter().enumerate() {
        while placed.next_if(|&(p, _)| p < id).is_some() {}
        while synthetic_ids.next_if(|&p| p < id).is_some() {}
        while sanctioned_ids.next_if(|&p| p < id).is_some() {}
        let world = match placed.peek() {
            Some(&(p, xy)) if p == id => xy,
            _ => continue,
        };
        let Some(position) = index.position_of(id) else {
            continue;
        };
        let entity = &index.entities[position as usize];
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
        let dim = !emphasis.node(id);
        // A made-up entity, its made-up listings with it, are washed out.
        let synthetic = synthetic_ids.peek() == Some(&id);
        let fade = |c| {
            emphasis.fade(
                if synthetic {
                    made_up(c, style.background)
                } else {
                    c
                },
                dim,
            )
        };
        let node = SceneNode {
            id,
            center,
            radius,
            shape: shape_of(entity.kind),
            fill: fade(
                index
                    .country
                    .get(position as usize)
                    .and_then(|&c| country_fill.get(usize::from(c)))
                    .copied()
                    .unwrap_or_else(|| shown.countries.get(&entity.country)),
            ),
            stroke: fade(style.node_stroke),
            stroke_width: 1.0 * s,
            ring: (sanctioned_ids.peek() == Some(&id))
                .then_some((fade(style.sanction_ring), style.ring_width_px * s)),
            halo: halo.map(|(c, w)| (fade(c), w)),
        };
        // Links end at the outline or, when sanctioned, at the ring, so arrowheads show.
        screen[slot] = Some((center, node.edge_radius()));
        if !inside(center, view.size, radius + 4.0 * s) {
            culled += 1;
            continue;
        }
        nodes.push(node);
    }

    let mut notes = Vec::new();
    let callouts = callouts::lay_out(marks.callouts, graph, &screen, view, style, &mut notes);

    // The links on this thread (where the nodes just were: on another core they took longer),
    // and beside them on the other core the labels' work that needs no link
    // (`labels::prepare`: a crowded playback step's candidates and their free places), when
    // there are enough links for that to pay; the same scene either way.
    let build_links = || links::build(input, shown, &screen, &ends, &emphasis);
    let prepare_labels = || {
        labels
            .then(|| labels::prepare(input, &nodes, &callouts, &node_metric, &path_set, &emphasis))
    };
    let ((mut links, facts, hairs), prepared) =
        if *labels && graph.links.len() >= SIDE_BY_SIDE_LINKS {
            crate::explorer::side_by_side(build_links, prepare_labels)
        } else {
            (build_links(), prepare_labels())
        };
    let density = (!hairs.is_empty()).then(|| density::rasterise(&hairs, view.size, s));
    // User highlight colours and note markers on links.
    let mut marks_out = Vec::new();
    let mut noted_links: FxHashSet<(EntityId, EntityId, LinkKind)> = FxHashSet::default();
    for l in &mut links {
        let key = (l.source, l.target, l.kind);
        if l.role != LinkRole::Band
            && marks.noted_links.is_some_and(|n| n.contains(&key))
            && noted_links.insert(key)
        {
            let end = l.arrow.map_or(l.to, |a| a[0]);
            let mid = [(l.from[0] + end[0]) / 2.0, (l.from[1] + end[1]) / 2.0];
            let k = 3.5 * s;
            let dim = !emphasis.link(key);
            marks_out.push(SceneMark {
                kind: MarkKind::LinkNote,
                shape: MarkShape::Rect {
                    rect: [mid[0] - k, mid[1] - k, 2.0 * k, 2.0 * k],
                    corner: 1.0 * s,
                },
                fill: Some(emphasis.fade(NOTE_MARK, dim)),
                stroke: Some((emphasis.fade(style.node_stroke, dim), 1.0 * s)),
            });
        }
    }
    // Pins and notes on entities.
    for n in &nodes {
        let dim = !emphasis.node(n.id);
        let e = n.extent() * 0.75;
        if marks.show_pins && marks.pinned.is_some_and(|p| p.contains(&n.id)) {
            let foot = [n.center[0] + e, n.center[1] - e];
            let head = [foot[0] + 4.0 * s, foot[1] - 6.0 * s];
            marks_out.push(SceneMark {
                kind: MarkKind::Pin,
                shape: MarkShape::Line {
                    from: foot,
                    to: head,
                    width: 1.5 * s,
                },
                fill: None,
                stroke: Some((emphasis.fade(style.pin, dim), 1.5 * s)),
            });
            marks_out.push(SceneMark {
                kind: MarkKind::Pin,
                shape: MarkShape::Circle {
                    center: head,
                    radius: 2.6 * s,
                },
                fill: Some(emphasis.fade(style.pin, dim)),
                stroke: Some((emphasis.fade(style.background, dim), 0.8 * s)),
            });
        }
        if marks.noted.is_some_and(|m| m.contains(&n.id)) {
            let k = 3.0 * s;
            marks_out.push(SceneMark {
                kind: MarkKind::Note,
                shape: MarkShape::Rect {
                    rect: [n.center[0] - e - k, n.center[1] - e - k, 2.0 * k, 2.0 * k],
                    corner: 1.0 * s,
                },
                fill: Some(emphasis.fade(NOTE_MARK, dim)),
                stroke: Some((emphasis.fade(style.node_stroke, dim), 0.8 * s)),
            });
        }
    }

    let mut no_room = None;
    let labels = if let Some(prepared) = prepared {
        let placed = labels::finish(prepared, input, &links, &emphasis);
        if !placed.too_long.is_empty() {
            let n = placed.too_long.len();
            notes.push(format!(
                "{n} {} unlabelled: {} too long for two lines ({})",
                if n == 1 { "entity" } else { "entities" },
                if n == 1 {
                    "its name is"
                } else {
                    "their names are"
                },
                placed
                    .too_long
                    .iter()
                    .take(3)
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
                    + if n > 3 { ", …" } else { "" }
            ));
        }
        if !placed.no_room.is_empty() {
            let n = placed.no_room.len();
            no_room = Some(format!(
                "{n} {} unlabelled for lack of room ({})",
                if n == 1 { "entity" } else { "entities" },
                placed.no_room[..n.min(3)].join(", ") + if n > 3 { ", …" } else { "" }
            ));
        }
        placed.labels
    } else {
        Vec::new()
    };

    let mut legend = legend::legend_of(input, shown, &nodes, &facts);
    if density.is_some() {
        // Said in words: the haze is links, and zooming in brings each back.
        let entry = LegendEntry {
            swatch: Swatch::Band(style.muted_text.with_alpha(90)),
            label: "Haze: thin links too many to draw one by one (zoom in)".to_owned(),
        };
        match legend.groups.iter_mut().find(|g| g.heading == "Links") {
            Some(links) => links.entries.push(entry),
            None => legend.groups.push(LegendGroup {
                heading: "Links".to_owned(),
                entries: vec![entry],
            }),
        }
    }
    Scene {
        background: style.background,
        links,
        nodes,
        marks: marks_out,
        labels,
        callouts,
        density,
        legend,
        culled,
        notes,
        no_room,
    }
}

/// "$1.2 million", "$830,000".
pub fn usd(value: f64) -> String {
    if value >= 1e9 {
        format!("${:.1} billion", value / 1e9)
    } else if value >= 1e6 {
        format!("${:.1} million", value / 1e6)
    } else {
        format!("${}", group_digits(value.round().max(0.0) as u64))
    }
}

/// "1,234,567".
pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// English short names for the countries the data uses; the code for any other.
pub fn country_name(code: &str) -> String {
    let name = match code {
        "" => "Unknown",
        "AE" => "UAE",
        "AM" => "Armenia",
        "BY" => "Belarus",
        "CN" => "China",
        "DE" => "Germany",
        "GB" => "UK",
        "HK" => "Hong Kong",
        "IN" => "India",
        "IR" => "Iran",
        "KG" => "Kyrgyzstan",
        "KP" => "North Korea",
        "KZ" => "Kazakhstan",
        "RS" => "Serbia",
        "RU" => "Russia",
        "SG" => "Singapore",
        "TR" => "Türkiye",
        "UA" => "Ukraine",
        "US" => "USA",
        "UZ" => "Uzbekistan",
        other => other,
    };
    name.to_owned()
}

impl SceneCallout {
    /// Whether a screen point is inside the box.
    pub fn contains(&self, p: [f32; 2]) -> bool {
        let [x, y, w, h] = self.rect;
        p[0] >= x && p[0] <= x + w && p[1] >= y && p[1] <= y + h
    }
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
}
