//! Links in screen coordinates: trade links with their arrowheads, width by shipments (or
//! value), and, when a link carries several part types, one stripe per part type side by
//! side, each as wide as its share of the link's shipments (largest first, on the left of the
//! direction of travel); ownership links dashed; the red band under links shipped after a
//! listing. Emphasis (a path, a selection) dims every other link and band.

use rustc_hash::FxHashSet;

use crate::filter::LinkKind;
use crate::style::Rgba;

use super::density::{FOLD_INK, Hair, clipped_length};
use super::legend::dash_pattern;
use super::{Emphasis, LinkRole, SceneInput, SceneLink, Shown, SizeBy, inside};

/// Above this many links on screen, hairline trade links are drawn without arrowheads.
pub const CROWDED_LINKS: usize = 8_000;

/// What the links showed, for the legend.
#[derive(Default)]
pub(super) struct LinkFacts {
    /// Part type indexes drawn (`u16::MAX`: "other").
    pub parts: FxHashSet<u16>,
    pub ownership: bool,
    pub trade: bool,
    pub after_listing: bool,
    /// A link striped in several part types was drawn.
    pub striped: bool,
    /// The widest and narrowest trade link drawn: (metric, width).
    pub range: Option<((f64, f32), (f64, f32))>,
}

/// Builds the links between the nodes' screen places (`screen`: centre and edge radius by
/// slot in `graph.entities`; `ends`: each link's slots). With level of detail asked for and
/// hairlines piled past [`FOLD_INK`], the plain ones come back as [`Hair`]s for the density
/// image instead of links (see `density`).
pub(super) fn build(
    input: &SceneInput<'_>,
    shown: &Shown,
    screen: &[Option<([f32; 2], f32)>],
    ends: &[Option<(u32, u32)>],
    emphasis: &Emphasis,
) -> (Vec<SceneLink>, LinkFacts, Vec<Hair>) {
    let SceneInput {
        index,
        graph,
        style,
        view,
        marks,
        size_by,
        ..
    } = input;
    let s = view.scale;
    // Each slot's trade targets, sorted, one run a slot: whether a link's reverse exists is a
    // search in a short run (a set of every pair cost as much as the rest of the links).
    let mut pairs: Vec<(u32, u32)> = graph
        .links
        .iter()
        .zip(ends)
        .filter(|(l, _)| l.kind == LinkKind::Trade)
        .filter_map(|(_, e)| *e)
        .collect();
    // Sorted as the links come (the usual case), each trade link's reverse is worked out for
    // all of them at once by a merge (`reverse_flags`), in link order; else searched for.
    let in_link_order = pairs.is_sorted();
    if !in_link_order {
        pairs.sort_unstable();
    }
    let mut run_start = vec![0u32; graph.entities.len() + 1];
    for &(a, _) in &pairs {
        if let Some(n) = run_start.get_mut(a as usize + 1) {
            *n += 1;
        }
    }
    for i in 1..run_start.len() {
        run_start[i] += run_start[i - 1];
    }
    let reverse_exists = |(a, b): (u32, u32)| {
        let (Some(&lo), Some(&hi)) = (run_start.get(b as usize), run_start.get(b as usize + 1))
        else {
            return false;
        };
        pairs[lo as usize..hi as usize]
            .binary_search_by_key(&a, |p| p.1)
            .is_ok()
    };
    let at = |e: Option<(u32, u32)>| {
        let (a, b) = e?;
        Some((screen[a as usize]?, screen[b as usize]?))
    };
    let metric_of = |l: &crate::filter::Link| match size_by {
        SizeBy::Value => l.value_usd,
        _ => f64::from(l.shipments),
    };
    let max_link = input
        .fixed_size_max(shown)
        .map_or_else(
            || graph.trade_links().map(metric_of).fold(0.0f64, f64::max),
            |m| m.0,
        )
        .max(1e-9);
    let (wmin, wmax) = style.link_width_px;
    let width_of = |m: f64| (wmin + (wmax - wmin) * (m / max_link).sqrt() as f32) * s;
    // Level of detail: with this many links on screen an arrowhead on a hairline is a dot
    // nobody can read, and drawing it costs more than the line; wide and marked links keep
    // theirs, and all come back when the view holds fewer links.
    let on_screen = ends
        .iter()
        .filter(|&&e| {
            at(e).is_some_and(|(a, b)| inside(a.0, view.size, 0.0) || inside(b.0, view.size, 0.0))
        })
        .count();
    let crowded = on_screen > CROWDED_LINKS;
    // Level of detail: enough links on screen that drawing them one by one costs more than
    // the image ([`SceneInput::fold_min_links`]), and the hairlines' ink (clipped length times
    // the narrowest width) against the canvas's area.
    let fold = input.lod && crowded && on_screen > input.fold_min_links && {
        let ink: f32 = ends
            .iter()
            .filter_map(|&e| at(e))
            .map(|((a, _), (b, _))| clipped_length(a, b, view.size))
            .sum::<f32>()
            * wmin
            * s;
        ink > FOLD_INK * view.size[0] * view.size[1]
    };
    let mut hairs = Vec::new();
    let part_names = index.part_types();
    let other = part_names
        .iter()
        .position(|p| p == "other")
        .map_or(u16::MAX, |p| p as u16);
    // Each part type's colour, looked up once a scene rather than by name for every link.
    let part_colors: Vec<Rgba> = part_names.iter().map(|n| style.part_color(n)).collect();
    let other_color = style.part_color("other");
    let color_of = |part: u16| {
        part_colors
            .get(part as usize)
            .copied()
            .unwrap_or(other_color)
    };
    // Part types drawn, a bit each (`u16::MAX` apart), put in `facts` at the end.
    let (mut drawn_parts, mut drawn_other) = (0u64, false);
    let mut facts = LinkFacts::default();
    // Room for the stripes, arrowheads and bands too (a 10k-entity step draws about a tenth
    // more primitives than links): growing a vector of 30,000 links copied it whole.
    let mut links = Vec::with_capacity(graph.links.len() + graph.links.len() / 4 + 16);
    let mut on_top = Vec::new();
    let flags = in_link_order.then(|| reverse_flags(&pairs, &run_start));
    // The trade link's place in `pairs` (counted before anything is skipped).
    let mut trade_k = 0usize;
    for (i, (l, &e)) in graph.links.iter().zip(ends).enumerate() {
        let pair_k = trade_k;
        if l.kind == LinkKind::Trade && e.is_some() {
            trade_k += 1;
        }
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
        let key = (l.source, l.target, l.kind);
        let emphasised = emphasis.link(key);
        let dim = !emphasised;
        let on_path = emphasis.on_path(key);
        let selected = marks.selected_link == Some(key);
        let highlight = marks.link_highlights.and_then(|h| h.get(&key)).copied();
        let out = if emphasis.active && emphasised {
            &mut on_top
        } else {
            &mut links
        };
        let base_link = |from, to, width, color, role| SceneLink {
            kind: l.kind,
            role,
            source: l.source,
            target: l.target,
            from,
            to,
            width,
            color,
            dash: None,
            arrow: None,
        };
        // A made-up link is washed out, whatever colour it would have.
        let tint = |c: Rgba| {
            if l.is_synthetic() {
                super::made_up(c, style.background)
            } else {
                c
            }
        };
        match l.kind {
            LinkKind::Ownership => {
                facts.ownership = true;
                let color = if on_path || selected {
                    style.path
                } else {
                    highlight.unwrap_or(tint(style.ownership_link))
                };
                let width = (if on_path || selected || highlight.is_some() {
                    2.5
                } else {
                    1.2
                }) * s;
                let plain =
                    !(on_path || selected || highlight.is_some() || emphasis.active && emphasised);
                if fold && plain {
                    let [on, off] = dash_pattern(width);
                    hairs.push(Hair {
                        from: [a[0] + ux * ra, a[1] + uy * ra],
                        to: [b[0] - ux * rb, b[1] - uy * rb],
                        width,
                        color: emphasis.fade(color, dim),
                        duty: on / (on + off),
                    });
                    continue;
                }
                let mut link = base_link(
                    [a[0] + ux * ra, a[1] + uy * ra],
                    [b[0] - ux * rb, b[1] - uy * rb],
                    width,
                    emphasis.fade(color, dim),
                    LinkRole::Line,
                );
                link.dash = Some(dash_pattern(width));
                out.push(link);
            }
            LinkKind::Trade => {
                facts.trade = true;
                let metric = metric_of(l);
                let width = width_of(metric);
                facts.range = Some(match facts.range {
                    None => ((metric, width), (metric, width)),
                    Some((lo, hi)) => (
                        if metric < lo.0 { (metric, width) } else { lo },
                        if metric > hi.0 { (metric, width) } else { hi },
                    ),
                });
                // Shift to the right of the direction of travel when the reverse link exists.
                let reverse = match &flags {
                    Some(f) => f.get(pair_k).copied().unwrap_or(false),
                    None => e.is_some_and(reverse_exists),
                };
                let shift = if reverse { width / 2.0 + 1.5 * s } else { 0.0 };
                let (px, py) = (-uy * shift, ux * shift);
                let from = [a[0] + ux * ra + px, a[1] + uy * ra + py];
                let tip = [b[0] - ux * rb + px, b[1] - uy * rb + py];
                let head = (6.0 * s + width * 1.6).min(len * 0.4);
                let half = head * 0.45 + width * 0.3;
                let base = [tip[0] - ux * head, tip[1] - uy * head];
                // Part types with their shipments, largest first.
                let unknown = [(other, l.shipments.max(1))];
                let parts: &[(u16, u32)] = match shown.parts_of(i) {
                    [] => &unknown,
                    known => known,
                };
                for &(p, _) in parts {
                    if p == other {
                        drawn_other = true;
                    } else if p < 64 {
                        drawn_parts |= 1 << p;
                    } else {
                        facts.parts.insert(p);
                    }
                }
                let main = tint(color_of(parts[0].0));
                let emphasis_color = if on_path || selected {
                    Some(style.path)
                } else {
                    highlight
                };
                let thin = width <= 1.5 * s;
                let hairline = crowded && thin && emphasis_color.is_none();
                // Level of detail: a plain hairline, and its band, go to the density image.
                let folded = hairline && fold && !(emphasis.active && emphasised);
                if marks
                    .after_listing
                    .is_some_and(|f| f.contains(&(l.source, l.target)))
                {
                    // A band under the link, from end to end, drawn before it.
                    facts.after_listing = true;
                    let color = emphasis.fade(tint(style.after_listing), dim);
                    if folded {
                        hairs.push(Hair {
                            from,
                            to: tip,
                            width: width + 6.0 * s,
                            color,
                            duty: 1.0,
                        });
                    } else {
                        out.push(base_link(from, tip, width + 6.0 * s, color, LinkRole::Band));
                    }
                }
                if hairline {
                    let color = emphasis.fade(main, dim);
                    if folded {
                        hairs.push(Hair {
                            from,
                            to: tip,
                            width,
                            color,
                            duty: 1.0,
                        });
                    } else {
                        out.push(base_link(from, tip, width, color, LinkRole::Line));
                    }
                    continue;
                }
                let width = if emphasis_color.is_some() {
                    width.max(3.0 * s)
                } else {
                    width
                };
                let arrow = Some([
                    tip,
                    [base[0] - uy * half, base[1] + ux * half],
                    [base[0] + uy * half, base[1] - ux * half],
                ]);
                if let Some(c) = emphasis_color {
                    // One colour says "this link": the path's, the selection's or the
                    // user's highlight.
                    let mut link = base_link(from, base, width, c, LinkRole::Line);
                    link.arrow = arrow;
                    out.push(link);
                    continue;
                }
                if parts.len() == 1 {
                    let mut link =
                        base_link(from, base, width, emphasis.fade(main, dim), LinkRole::Line);
                    link.arrow = arrow;
                    out.push(link);
                    continue;
                }
                // Stripes, largest first on the left of the direction of travel.
                facts.striped = true;
                let total: u32 = parts.iter().map(|p| p.1).sum::<u32>().max(1);
                let mut offset = -width / 2.0;
                let (nx, ny) = (uy, -ux);
                for (k, &(p, n)) in parts.iter().enumerate() {
                    let w = width * n as f32 / total as f32;
                    let o = offset + w / 2.0;
                    offset += w;
                    let mut stripe = base_link(
                        [from[0] + nx * o, from[1] + ny * o],
                        [base[0] + nx * o, base[1] + ny * o],
                        w,
                        emphasis.fade(tint(color_of(p)), dim),
                        LinkRole::Stripe,
                    );
                    // The arrowhead, in the largest part's colour, after the last stripe.
                    if k + 1 == parts.len() {
                        out.push(stripe);
                        let mut head = base_link(
                            base,
                            base,
                            0.0,
                            emphasis.fade(main, dim),
                            LinkRole::Arrowhead,
                        );
                        head.arrow = arrow;
                        out.push(head);
                    } else {
                        stripe.arrow = None;
                        out.push(stripe);
                    }
                }
            }
        }
    }
    links.append(&mut on_top);
    facts.parts.extend(
        (0..64u16)
            .filter(|&p| drawn_parts & (1 << p) != 0)
            .chain(drawn_other.then_some(u16::MAX)),
    );
    (links, facts, hairs)
}

/// Whether each trade link (by slots, sorted) has its reverse among them, in their order:
/// slot `a`'s targets (its run in `pairs`, from `run_start`) and the sources that ship to `a`
/// (gathered by a counting sort, ascending as `pairs` is) are both sorted, so one merge per
/// slot answers for its links: sequential reads where a search per link missed the cache.
fn reverse_flags(pairs: &[(u32, u32)], run_start: &[u32]) -> Vec<bool> {
    let slots = run_start.len().saturating_sub(1);
    let mut in_start = vec![0u32; slots + 1];
    for &(_, b) in pairs {
        if let Some(n) = in_start.get_mut(b as usize + 1) {
            *n += 1;
        }
    }
    for i in 1..in_start.len() {
        in_start[i] += in_start[i - 1];
    }
    let mut next = in_start.clone();
    let mut sources = vec![0u32; pairs.len()];
    for &(a, b) in pairs {
        if let Some(k) = next.get_mut(b as usize)
            && let Some(slot) = sources.get_mut(*k as usize)
        {
            *slot = a;
            *k += 1;
        }
    }
    let mut flags = vec![false; pairs.len()];
    for a in 0..slots {
        let (out0, out1) = (run_start[a] as usize, run_start[a + 1] as usize);
        let (in0, in1) = (in_start[a] as usize, in_start[a + 1] as usize);
        let (Some(outs), Some(ins)) = (pairs.get(out0..out1), sources.get(in0..in1)) else {
            continue;
        };
        let mut j = 0;
        for (k, &(_, b)) in outs.iter().enumerate() {
            while j < ins.len() && ins[j] < b {
                j += 1;
            }
            flags[out0 + k] = j < ins.len() && ins[j] == b;
        }
    }
    flags
}

/// A part type's name (`u16::MAX`: "other").
pub(super) fn part_label(index: &crate::index::ShipmentIndex, part: u16) -> String {
    index
        .part_types()
        .get(part as usize)
        .cloned()
        .unwrap_or_else(|| "other".to_owned())
}

/// A colour for a part type index (`u16::MAX`: other).
pub(super) fn part_color(input: &SceneInput<'_>, part: u16) -> Rgba {
    input.style.part_color(&part_label(input.index, part))
}

#[cfg(test)]
mod tests {
    use super::reverse_flags;

    #[test]
    fn reverse_flags_are_what_a_search_per_link_finds() {
        // Small deterministic pairs over 40 slots, with many reverses, sorted and unique.
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % 40) as u32
        };
        let mut pairs: Vec<(u32, u32)> = (0..600).map(|_| (next(), next())).collect();
        pairs.retain(|(a, b)| a != b);
        pairs.sort_unstable();
        pairs.dedup();
        let mut run_start = vec![0u32; 41];
        for &(a, _) in &pairs {
            run_start[a as usize + 1] += 1;
        }
        for i in 1..run_start.len() {
            run_start[i] += run_start[i - 1];
        }
        let flags = reverse_flags(&pairs, &run_start);
        let searched: Vec<bool> = pairs
            .iter()
            .map(|&(a, b)| pairs.binary_search(&(b, a)).is_ok())
            .collect();
        assert_eq!(flags, searched);
        assert!(flags.iter().any(|&f| f) && flags.iter().any(|&f| !f));
    }
}
