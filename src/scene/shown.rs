//! What a network shows, worked out once per filtered graph: each trade link's part types
//! with their shipments (for the link's stripes), the countries' colours, and where the shown
//! rows came from (for the credit).
//!
//! One pass over the filter's date range, counting each shipment the graph's trade links
//! aggregate (same days, same part types, same pairs), so the counts add up to the links'
//! `shipments` exactly. The canvas keeps it until the graph changes; an animation keeps the
//! countries' colours of its last frame for every frame.

use rustc_hash::FxHashMap;

use crate::date::Day;
use crate::filter::{Filter, FilteredGraph, LinkKind};
use crate::index::{MAX_PART_BITS, ShipmentIndex};
use crate::style::CountryColors;

/// See the module documentation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shown {
    /// For each of the graph's links (by index in `graph.links`), where its parts start in
    /// `parts`; one more entry than links.
    starts: Vec<u32>,
    /// (part type index, shipments), largest first, then by part name.
    parts: Vec<(u16, u32)>,
    pub countries: CountryColors,
    /// Distinct sources of the shown shipments, with how many shown shipments each gave.
    pub shipment_sources: Vec<(String, u32)>,
    /// The last day of a shown shipment.
    pub last_day: Option<Day>,
    /// Sizes measured against these maxima (trade link metric, node metric) instead of the
    /// graph's own: an animation's frames keep the whole range's, so a link's width means
    /// the same number of shipments in every frame.
    pub size_max: Option<(f64, f64)>,
}

impl Shown {
    /// Works it out for `graph`, which `filter` made from `index`.
    pub fn compute(index: &ShipmentIndex, filter: &Filter, graph: &FilteredGraph) -> Shown {
        // Which pair each trade link aggregates.
        // Each pair's trade link, by pair (dense: one look-up per shipment). With a roll-up a
        // link joins two groups and stands for the pairs of their members.
        let group: FxHashMap<crate::model::EntityId, crate::model::EntityId> = graph
            .groups
            .iter()
            .flat_map(|(&g, members)| members.iter().map(move |&m| (m, g)))
            .collect();
        let rep = |id| group.get(&id).copied().unwrap_or(id);
        let link_at: FxHashMap<(crate::model::EntityId, crate::model::EntityId), u32> = graph
            .links
            .iter()
            .enumerate()
            .filter(|(_, l)| l.kind == LinkKind::Trade)
            .map(|(i, l)| ((l.source, l.target), i as u32))
            .collect();
        let mut link_of_pair = vec![u32::MAX; index.pairs.len()];
        let mut any = false;
        if !link_at.is_empty() {
            for (p, &(s, c)) in index.pairs.iter().enumerate() {
                let key = (
                    rep(index.entities[s as usize].id),
                    rep(index.entities[c as usize].id),
                );
                if let Some(&i) = link_at.get(&key) {
                    link_of_pair[p] = i;
                    any = true;
                }
            }
        }
        let (lo, hi) = filter.shipment_range(index);
        let part_mask = filter.part_mask(index);
        // Counts by (link, part) and by source in flat arrays: a hash map per shipment cost
        // more than the rest of a frame on a million shipments.
        let n_parts = index.part_names.len().clamp(1, MAX_PART_BITS);
        let mut counts = vec![0u32; if any { graph.links.len() * n_parts } else { 0 }];
        let mut by_source = vec![0u32; index.source_names.len() + 1];
        let mut last_day = None;
        if any {
            for i in lo..hi {
                let link = link_of_pair[index.pair[i] as usize];
                if link == u32::MAX {
                    continue;
                }
                let part = index.part[i];
                if part_mask & (1u64 << part) == 0 {
                    continue;
                }
                counts[link as usize * n_parts + (part as usize).min(n_parts - 1)] += 1;
                let source = index.source.get(i).map_or(by_source.len() - 1, |&s| {
                    (s as usize).min(by_source.len() - 1)
                });
                by_source[source] += 1;
                last_day = Some(index.day[i]);
            }
        }
        let counts: Vec<((u32, u8), u32)> = counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(k, &n)| (((k / n_parts) as u32, (k % n_parts) as u8), n))
            .collect();
        let sources: Vec<(u32, u32)> = by_source
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(s, &n)| (s as u32, n))
            .collect();
        // `counts` is in (link, part) order already: each link's parts are sorted apart,
        // largest first, then by part name.
        let mut per_link: Vec<(u32, u8, u32)> =
            counts.into_iter().map(|((l, p), n)| (l, p, n)).collect();
        let name = |p: u8| index.part_names.get(p as usize).map_or("", String::as_str);
        for run in per_link.chunk_by_mut(|a, b| a.0 == b.0) {
            run.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| name(a.1).cmp(name(b.1))));
        }
        let mut starts = Vec::with_capacity(graph.links.len() + 1);
        let mut parts = Vec::with_capacity(per_link.len());
        let mut k = 0;
        for i in 0..graph.links.len() as u32 {
            starts.push(parts.len() as u32);
            while k < per_link.len() && per_link[k].0 == i {
                parts.push((u16::from(per_link[k].1), per_link[k].2));
                k += 1;
            }
        }
        starts.push(parts.len() as u32);

        let mut country_counts: FxHashMap<&str, usize> = FxHashMap::default();
        for e in graph.entities.iter().filter_map(|&id| index.entity(id)) {
            *country_counts.entry(e.country.as_str()).or_default() += 1;
        }
        let mut shipment_sources: Vec<(String, u32)> = sources
            .into_iter()
            .map(|(s, n)| {
                let text = index
                    .source_names
                    .get(s as usize)
                    .cloned()
                    .unwrap_or_default();
                (text, n)
            })
            .collect();
        shipment_sources.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Shown {
            starts,
            parts,
            countries: CountryColors::assign(country_counts),
            shipment_sources,
            last_day,
            size_max: None,
        }
    }

    /// The part types link `i` (of `graph.links`) carries, with their shipments, largest
    /// first; empty for ownership links and for a graph this was not computed for.
    pub fn parts_of(&self, i: usize) -> &[(u16, u32)] {
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => self.parts.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}
