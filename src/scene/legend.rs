//! The legend: what the scene shows and what its widths and colours mean, as groups of
//! entries, and their layout as rows of swatches and text (the same primitives as the
//! network: [`SceneNode`]s, [`SceneLink`]s and [`SceneText`]s), which the canvas draws in
//! its corner box and the export page under or beside the network.

use crate::filter::LinkKind;
use crate::style::{NodeShape, Rgba, Style, text};

use rustc_hash::FxHashSet;

use super::shown::Shown;
use super::{
    LinkRole, SceneInput, SceneLink, SceneNode, SceneText, SizeBy, country_name, links, made_up,
    usd,
};
use crate::model::EntityKind;

/// The little picture before a legend entry.
#[derive(Clone, Debug, PartialEq)]
pub enum Swatch {
    /// A node of this shape and fill.
    Node(NodeShape, Rgba),
    /// A neutral node with the sanction ring.
    Ring(Rgba),
    /// A link: colour, width in screen units (as drawn in the scene), dashed, arrowhead.
    Link {
        color: Rgba,
        width: f32,
        dashed: bool,
        arrow: bool,
    },
    /// The band under links shipped after a listing.
    Band(Rgba),
    /// A link striped in these colours, in proportion.
    Stripes(Vec<(Rgba, f32)>),
}

/// One entry: its swatch and words.
#[derive(Clone, Debug, PartialEq)]
pub struct LegendEntry {
    pub swatch: Swatch,
    pub label: String,
}

/// A heading and its entries ("Country": China, Russia, …).
#[derive(Clone, Debug, PartialEq)]
pub struct LegendGroup {
    pub heading: String,
    pub entries: Vec<LegendEntry>,
}

/// What the legend lists: only what the scene shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Legend {
    pub groups: Vec<LegendGroup>,
}

impl Legend {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Every entry's words, headings included (for tests and accessibility).
    pub fn words(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for g in &self.groups {
            out.push(g.heading.as_str());
            out.extend(g.entries.iter().map(|e| e.label.as_str()));
        }
        out
    }
}

/// A laid-out legend, relative to its top left.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LegendDrawing {
    pub nodes: Vec<SceneNode>,
    pub links: Vec<SceneLink>,
    pub texts: Vec<SceneText>,
    /// Width and height used.
    pub size: [f32; 2],
}

impl LegendDrawing {
    /// Moves everything by `by`.
    pub fn translate(&mut self, by: [f32; 2]) {
        let m = |p: &mut [f32; 2]| {
            p[0] += by[0];
            p[1] += by[1];
        };
        for n in &mut self.nodes {
            m(&mut n.center);
        }
        for l in &mut self.links {
            m(&mut l.from);
            m(&mut l.to);
            if let Some(a) = &mut l.arrow {
                a.iter_mut().for_each(m);
            }
        }
        for t in &mut self.texts {
            t.x += by[0];
            t.y += by[1];
        }
    }
}

/// Lays the legend out in rows no wider than `max_width`, text `size` high: entries flow
/// left to right; a group starts a new row when its heading and first entry do not fit
/// (always, when `stacked`: one group under the other, for a legend beside the network); a
/// heading never ends a row. Entries too wide for a row are wrapped, never cut.
pub fn layout(
    legend: &Legend,
    style: &Style,
    size: f32,
    max_width: f32,
    stacked: bool,
) -> LegendDrawing {
    let s = size / 12.0;
    let row_h = 1.55 * size;
    let line_h = 1.25 * size;
    let swatch_w = 1.9 * size;
    let gap = 0.4 * size;
    let spacing = 1.0 * size;
    let group_spacing = 1.8 * size;
    let mut out = LegendDrawing::default();
    let (mut x, mut y) = (0.0f32, 0.0f32);
    // Height of the current row (a wrapped entry makes it taller).
    let mut row = row_h;
    let mut used_w = 0.0f32;
    let mut started = false;
    let new_row = |x: &mut f32, y: &mut f32, row: &mut f32| {
        *y += *row;
        *x = 0.0;
        *row = row_h;
    };
    for g in &legend.groups {
        let head_w = text::width(&g.heading, size, true);
        let first_w = g
            .entries
            .first()
            .map_or(0.0, |e| swatch_w + gap + text::width(&e.label, size, false));
        if started {
            if stacked || x + group_spacing + head_w + gap + first_w > max_width {
                new_row(&mut x, &mut y, &mut row);
            } else {
                x += group_spacing;
            }
        }
        started = true;
        // The heading, kept with the first entry unless stacked.
        let head_lines = text::wrap(&g.heading, size, true, max_width);
        for (i, line) in head_lines.iter().enumerate() {
            out.texts.push(SceneText {
                text: line.clone(),
                x,
                y: y + row_h / 2.0 + i as f32 * line_h + CENTRE_TO_BASELINE * size,
                size,
                bold: true,
                color: style.text,
                centred: false,
            });
        }
        row = row.max(row_h + (head_lines.len().max(1) - 1) as f32 * line_h);
        let head_end = x + head_lines
            .iter()
            .map(|l| text::width(l, size, true))
            .fold(0.0, f32::max);
        used_w = used_w.max(head_end);
        if stacked || head_lines.len() > 1 {
            new_row(&mut x, &mut y, &mut row);
        } else {
            x = head_end + gap * 1.5;
        }
        for e in &g.entries {
            let words = text::width(&e.label, size, false);
            let w = swatch_w + gap + words;
            if x > 0.0 && x + w > max_width {
                new_row(&mut x, &mut y, &mut row);
            }
            let lines = text::wrap(
                &e.label,
                size,
                false,
                (max_width - swatch_w - gap).max(size),
            );
            let cy = y + row_h / 2.0;
            swatch(
                &mut out,
                &e.swatch,
                [x + swatch_w / 2.0, cy],
                style,
                size,
                s,
            );
            let tx = x + swatch_w + gap;
            let mut right = tx;
            for (i, line) in lines.iter().enumerate() {
                out.texts.push(SceneText {
                    text: line.clone(),
                    x: tx,
                    y: cy + i as f32 * line_h + CENTRE_TO_BASELINE * size,
                    size,
                    bold: false,
                    color: style.muted_text,
                    centred: false,
                });
                right = right.max(tx + text::width(line, size, false));
            }
            row = row.max(row_h + (lines.len().max(1) - 1) as f32 * line_h);
            used_w = used_w.max(right);
            x = right + spacing;
        }
    }
    if started {
        out.size = [used_w, y + row];
    }
    out
}

/// Baseline below the visual centre of a line of mixed-case text (Noto Sans).
pub const CENTRE_TO_BASELINE: f32 = 0.35;

fn swatch(out: &mut LegendDrawing, sw: &Swatch, at: [f32; 2], style: &Style, size: f32, s: f32) {
    let node = |shape, radius: f32, fill| SceneNode {
        id: 0,
        center: at,
        radius,
        shape,
        fill,
        stroke: style.node_stroke,
        stroke_width: s,
        ring: None,
        halo: None,
    };
    let half = size * 0.85;
    let link = |color, width, dash: Option<[f32; 2]>, arrow: bool, role| {
        let head = if arrow { 0.6 * size } else { 0.0 };
        let (x0, x1) = (at[0] - half, at[0] + half - head);
        SceneLink {
            kind: LinkKind::Trade,
            role,
            source: 0,
            target: 0,
            from: [x0, at[1]],
            to: [x1, at[1]],
            width,
            color,
            dash,
            arrow: arrow.then_some([
                [at[0] + half, at[1]],
                [x1, at[1] - head * 0.45 - width * 0.3],
                [x1, at[1] + head * 0.45 + width * 0.3],
            ]),
        }
    };
    match sw {
        Swatch::Node(shape, fill) => out.nodes.push(node(*shape, 0.42 * size, *fill)),
        Swatch::Ring(ring) => {
            let mut n = node(NodeShape::Circle, 0.3 * size, style.country_color(""));
            n.ring = Some((*ring, style.ring_width_px * s));
            out.nodes.push(n);
        }
        Swatch::Link {
            color,
            width,
            dashed,
            arrow,
        } => {
            let dash = dashed.then(|| dash_pattern(*width));
            out.links
                .push(link(*color, *width, dash, *arrow, LinkRole::Line));
        }
        Swatch::Band(color) => {
            out.links
                .push(link(*color, 0.6 * size, None, false, LinkRole::Band))
        }
        Swatch::Stripes(stripes) => {
            let total: f32 = stripes.iter().map(|s| s.1).sum::<f32>().max(1e-3);
            let full = 0.8 * size;
            let mut off = -full / 2.0;
            for &(color, share) in stripes {
                let w = full * share / total;
                let mut l = link(color, w, None, false, LinkRole::Stripe);
                l.from[1] += off + w / 2.0;
                l.to[1] += off + w / 2.0;
                off += w;
                out.links.push(l);
            }
        }
    }
}

/// The dash and gap of an ownership link `width` wide: every painter draws this pattern.
pub fn dash_pattern(width: f32) -> [f32; 2] {
    [
        (width * 3.5).max(3.0 * width.min(1.0)),
        (width * 2.5).max(2.0),
    ]
}

/// The legend's words and swatches for what the scene shows.
pub(super) fn legend_of(
    input: &SceneInput<'_>,
    shown: &Shown,
    nodes: &[SceneNode],
    facts: &links::LinkFacts,
) -> Legend {
    let SceneInput {
        index,
        filter,
        graph,
        style,
        size_by,
        ..
    } = input;
    let size_word = match size_by {
        SizeBy::Shipments => "shipments",
        SizeBy::Value => "declared value",
        SizeBy::Degree => "number of links",
        SizeBy::Betweenness => "betweenness",
    };
    let neutral = style.country_color("");
    let mut groups = Vec::new();
    let mut kinds: Vec<(EntityKind, NodeShape)> = Vec::new();
    let mut countries: FxHashSet<&str> = FxHashSet::default();
    // Countries by interned code first (a flag a code, no string hashed a node).
    let interned = index.countries.len() <= usize::from(u16::MAX) + 1;
    let mut seen = vec![false; if interned { index.countries.len() } else { 0 }];
    for n in nodes {
        let Some(p) = index.position_of(n.id) else {
            continue;
        };
        let e = &index.entities[p as usize];
        if !kinds.iter().any(|(k, _)| *k == e.kind) {
            kinds.push((e.kind, n.shape));
        }
        match index.country.get(p as usize) {
            Some(&c) if usize::from(c) < seen.len() => seen[usize::from(c)] = true,
            _ => {
                countries.insert(e.country.as_str());
            }
        }
    }
    countries.extend(
        index
            .countries
            .iter()
            .zip(&seen)
            .filter(|(_, s)| **s)
            .map(|(c, _)| c.as_str()),
    );
    kinds.sort();
    if !kinds.is_empty() {
        groups.push(LegendGroup {
            heading: format!("Entities (size: {size_word})"),
            entries: kinds
                .iter()
                .map(|&(kind, shape)| LegendEntry {
                    swatch: Swatch::Node(shape, neutral),
                    label: kind.label().to_owned(),
                })
                .collect(),
        });
    }
    let mut country_entries: Vec<LegendEntry> = shown
        .countries
        .assigned()
        .iter()
        .filter(|(c, _)| countries.contains(c.as_str()))
        .map(|(c, color)| LegendEntry {
            swatch: Swatch::Node(NodeShape::Circle, *color),
            label: crate::text::inert(&country_name(c)).into_owned(),
        })
        .collect();
    let other = countries
        .iter()
        .any(|c| !shown.countries.assigned().iter().any(|(a, _)| a == c));
    if other {
        country_entries.push(LegendEntry {
            swatch: Swatch::Node(NodeShape::Circle, crate::style::OTHER_COUNTRY),
            label: if shown.countries.assigned().len() < crate::style::COUNTRY_PALETTE.len() + 2 {
                "Unknown".to_owned()
            } else {
                "Other or unknown".to_owned()
            },
        });
    }
    if !country_entries.is_empty() {
        groups.push(LegendGroup {
            heading: "Country".to_owned(),
            entries: country_entries,
        });
    }
    if let Some(ring) = nodes.iter().find_map(|n| n.ring) {
        let as_of = graph
            .as_of
            .map(|d| format!(" as of {}", d.human()))
            .unwrap_or_default();
        let by = if filter.authorities.is_empty() {
            String::new()
        } else {
            format!(
                " by {}",
                filter
                    .authorities
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        groups.push(LegendGroup {
            heading: "Sanctions".to_owned(),
            entries: vec![LegendEntry {
                swatch: Swatch::Ring(ring.0.with_alpha(255)),
                label: crate::text::inert(&format!("Listed{by}{as_of}")).into_owned(),
            }],
        });
    }
    // Provenance and roll-up, said in words where they apply.
    let mut marked = Vec::new();
    if nodes.iter().any(|n| graph.is_synthetic(n.id))
        || graph.links.iter().any(|l| l.is_synthetic())
    {
        marked.push(LegendEntry {
            swatch: Swatch::Node(NodeShape::Circle, made_up(neutral, style.background)),
            label: "Pale: synthetic (made up, not sourced)".to_owned(),
        });
    }
    if nodes.iter().any(|n| graph.groups.contains_key(&n.id)) {
        marked.push(LegendEntry {
            swatch: Swatch::Node(NodeShape::Square, neutral),
            label: "Name (n): a group of n entities".to_owned(),
        });
    }
    if !marked.is_empty() {
        groups.push(LegendGroup {
            heading: "Marks".to_owned(),
            entries: marked,
        });
    }
    let mut link_entries = Vec::new();
    if facts.trade
        && let Some(((lo_m, lo_w), (hi_m, hi_w))) = facts.range
    {
        let amount = |m: f64| match size_by {
            SizeBy::Value => usd(m),
            _ => {
                let n = m.round() as u64;
                format!("{n} shipment{}", if n == 1 { "" } else { "s" })
            }
        };
        link_entries.push(LegendEntry {
            swatch: Swatch::Link {
                color: style.muted_text,
                width: lo_w,
                dashed: false,
                arrow: true,
            },
            label: format!("Trade (arrow: consignee): {}", amount(lo_m)),
        });
        if hi_m > lo_m {
            link_entries.push(LegendEntry {
                swatch: Swatch::Link {
                    color: style.muted_text,
                    width: hi_w,
                    dashed: false,
                    arrow: true,
                },
                label: amount(hi_m),
            });
        }
    }
    if facts.after_listing {
        link_entries.push(LegendEntry {
            swatch: Swatch::Band(style.after_listing),
            label: "Shipped while a party was listed".to_owned(),
        });
    }
    if facts.ownership {
        let w = 1.2 * input.view.scale;
        link_entries.push(LegendEntry {
            swatch: Swatch::Link {
                color: style.ownership_link,
                width: w,
                dashed: true,
                arrow: false,
            },
            label: "Ownership".to_owned(),
        });
    }
    if !link_entries.is_empty() {
        groups.push(LegendGroup {
            heading: "Links".to_owned(),
            entries: link_entries,
        });
    }
    if !facts.parts.is_empty() {
        let mut parts: Vec<(String, Rgba)> = facts
            .parts
            .iter()
            .map(|&p| (links::part_label(index, p), links::part_color(input, p)))
            .collect();
        parts.sort_by_key(|(name, _)| {
            (
                ["Mi-171E", "Mi-171Sh", "radio", "navigation"]
                    .iter()
                    .position(|x| x == name)
                    .unwrap_or(9),
                name == "other",
                name.clone(),
            )
        });
        let mut entries: Vec<LegendEntry> = parts
            .iter()
            .map(|(name, color)| LegendEntry {
                swatch: Swatch::Link {
                    color: *color,
                    width: 3.0 * input.view.scale,
                    dashed: false,
                    arrow: false,
                },
                label: crate::text::inert(name).into_owned(),
            })
            .collect();
        if facts.striped && parts.len() > 1 {
            entries.push(LegendEntry {
                swatch: Swatch::Stripes(vec![(parts[0].1, 2.0), (parts[1].1, 1.0)]),
                label: "several: stripes in proportion to shipments".to_owned(),
            });
        }
        groups.push(LegendGroup {
            heading: "Colour: part type".to_owned(),
            entries,
        });
    }
    Legend { groups }
}
