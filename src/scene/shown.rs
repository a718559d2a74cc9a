//! What a network shows, worked out once per filtered graph: each trade link's part types
//! with their shipments (for the link's stripes), the countries' colours, and where the shown
//! rows came from (for the credit).
//!
//! The counts are the filter's running totals per pair and part type (`filter/totals.rs`):
//! each shipment the graph's trade links aggregate (same days, same part types, same
//! provenance, same pairs), so the counts add up to the links' `shipments` exactly. The
//! explorer keeps those totals between a playback's steps, so a step costs a pass over the
//! pairs, not over the shipments. The canvas keeps it until the graph changes. An animation
//! keeps the whole range's countries' colours for every frame, and a playback for every step
//! ([`Shown::from_totals_holding`]).

use rustc_hash::FxHashMap;

use crate::date::Day;
use crate::filter::{Filter, FilteredGraph, LinkKind, RunningTotals};
use crate::index::{MAX_PART_BITS, MIXED_SOURCES, ShipmentIndex};
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
        let mut totals = RunningTotals::detailed();
        filter.count_into(index, &mut totals);
        Shown::from_totals(index, filter, graph, &totals)
    }

    /// Works it out for `graph` from `filter`'s detailed running totals (the explorer keeps
    /// them between the steps of a playback): the same as [`Shown::compute`] without a
    /// pass over the shipments. `totals` must have been brought to `filter` last.
    pub fn from_totals(
        index: &ShipmentIndex,
        filter: &Filter,
        graph: &FilteredGraph,
        totals: &RunningTotals,
    ) -> Shown {
        Shown::from_totals_holding(index, filter, graph, totals, None)
    }

    /// As [`Shown::from_totals`], with the countries' colours `held` (a playback keeps the
    /// played range's, as the animated export does) instead of assigned from this graph's
    /// entities; `None` assigns them.
    pub fn from_totals_holding(
        index: &ShipmentIndex,
        filter: &Filter,
        graph: &FilteredGraph,
        totals: &RunningTotals,
        held: Option<&CountryColors>,
    ) -> Shown {
        let Some(details) = totals.details(index) else {
            let mut shown = Shown::compute(index, filter, graph);
            if let Some(held) = held {
                shown.countries = held.clone();
            }
            return shown;
        };
        // Which pair each trade link aggregates.
        // Each pair's trade link, by pair (dense: one look-up per shipment). With a roll-up a
        // link joins two groups and stands for the pairs of their members.
        let group: FxHashMap<crate::model::EntityId, crate::model::EntityId> = graph
            .groups
            .iter()
            .flat_map(|(&g, members)| members.iter().map(move |&m| (m, g)))
            .collect();
        let rep = |id| group.get(&id).copied().unwrap_or(id);
        let mut link_of_pair = vec![u32::MAX; index.pairs.len()];
        let mut any = false;
        // A filtered graph's links are sorted by (kind, source, target): trade links come
        // after ownership links, by (source, target).
        let sorted = graph
            .links
            .is_sorted_by_key(|l| (l.kind, l.source, l.target));
        let first_trade = graph.links.partition_point(|l| l.kind < LinkKind::Trade);
        let trade = &graph.links[first_trade..];
        // The trade links' ends as index positions (`None` if one has none: the look-ups
        // below then find it).
        let trade_at: Option<Vec<(u32, u32)>> = (graph.groups.is_empty() && sorted)
            .then(|| {
                trade
                    .iter()
                    .map(|l| Some((index.position_of(l.source)?, index.position_of(l.target)?)))
                    .collect()
            })
            .flatten();
        if let Some(trade_at) = trade_at {
            // Pairs are sorted by (shipper, consignee) positions, and positions by entity
            // id, as the trade links are by (source, target): the pairs and the links are
            // walked side by side, comparing positions (no look-ups, no entity read).
            let mut k = 0;
            for (p, &key) in index.pairs.iter().enumerate() {
                // A pair with nothing counted adds nothing to any link.
                if details.last_day(p).is_none() {
                    continue;
                }
                while k < trade_at.len() && trade_at[k] < key {
                    k += 1;
                }
                if k < trade_at.len() && trade_at[k] == key {
                    link_of_pair[p] = (first_trade + k) as u32;
                    any = true;
                }
            }
        } else {
            let link_at: FxHashMap<(crate::model::EntityId, crate::model::EntityId), u32> = graph
                .links
                .iter()
                .enumerate()
                .filter(|(_, l)| l.kind == LinkKind::Trade)
                .map(|(i, l)| ((l.source, l.target), i as u32))
                .collect();
            for (p, &(s, c)) in index.pairs.iter().enumerate() {
                if details.last_day(p).is_none() {
                    continue;
                }
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
        let n_parts = index.part_names.len().clamp(1, MAX_PART_BITS);
        let links = graph.links.len();
        // The linked pairs by link (a counting sort): a link between groups stands for its
        // members' pairs.
        let mut first = vec![0u32; links + 1];
        if any {
            for &l in link_of_pair.iter().filter(|&&l| l != u32::MAX) {
                first[l as usize + 1] += 1;
            }
            for i in 0..links {
                first[i + 1] += first[i];
            }
        }
        let mut linked = vec![0u32; first[links] as usize];
        let mut next = first.clone();
        for (p, &l) in link_of_pair.iter().enumerate() {
            if l != u32::MAX {
                linked[next[l as usize] as usize] = p as u32;
                next[l as usize] += 1;
            }
        }
        let mut by_source = vec![0u32; index.source_names.len() + 1];
        let unknown = by_source.len() - 1;
        let mut last_day = None;
        let name = |p: u16| index.part_names.get(p as usize).map_or("", String::as_str);
        let mut starts = Vec::with_capacity(links + 1);
        let mut parts = Vec::new();
        let mut sums = [0u32; MAX_PART_BITS];
        for link in 0..links {
            starts.push(parts.len() as u32);
            // The link's pairs' counts by part type, from the running totals: no pass over
            // the shipments.
            let mut seen = 0u64;
            for &p in &linked[first[link] as usize..first[link + 1] as usize] {
                let p = p as usize;
                let mut total = 0;
                for (part, n) in details.parts_of(p).filter(|&(_, n)| n > 0) {
                    let k = (part as usize).min(n_parts - 1);
                    sums[k] += n;
                    seen |= 1 << k;
                    total += n;
                }
                if total == 0 {
                    continue;
                }
                let source = index.pair_source[p];
                if source != MIXED_SOURCES {
                    by_source[(source as usize).min(unknown)] += total;
                }
                last_day = last_day.max(details.last_day(p));
            }
            // Largest first, then by part name.
            let start = parts.len();
            while seen != 0 {
                let k = seen.trailing_zeros() as usize;
                seen &= seen - 1;
                parts.push((k as u16, std::mem::take(&mut sums[k])));
            }
            parts[start..].sort_by(|a, b| b.1.cmp(&a.1).then_with(|| name(a.0).cmp(name(b.0))));
        }
        starts.push(parts.len() as u32);
        for (&(p, source), &n) in details.mixed_sources() {
            if link_of_pair[p as usize] != u32::MAX {
                by_source[(source as usize).min(unknown)] += n;
            }
        }
        let sources: Vec<(u32, u32)> = by_source
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(s, &n)| (s as u32, n))
            .collect();

        let countries = match held {
            Some(held) => held.clone(),
            None => assign_countries(index, graph),
        };
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
            countries,
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

/// The countries' colours for `graph`'s entities, most entities first.
fn assign_countries(index: &ShipmentIndex, graph: &FilteredGraph) -> CountryColors {
    // Entities by interned country (exact while the codes fit the index's `u16`): no
    // hashing or comparing a country code for each entity.
    let interned = index.countries.len() <= usize::from(u16::MAX) + 1;
    let mut by_country = vec![0usize; index.countries.len()];
    let mut country_counts: FxHashMap<&str, usize> = FxHashMap::default();
    for p in graph
        .entities
        .iter()
        .filter_map(|&id| index.position_of(id))
    {
        match index.country.get(p as usize) {
            Some(&c) if interned && usize::from(c) < by_country.len() => {
                by_country[usize::from(c)] += 1;
            }
            _ => {
                let code = index.entities[p as usize].country.as_str();
                *country_counts.entry(code).or_default() += 1;
            }
        }
    }
    for (code, n) in index.countries.iter().zip(by_country) {
        if n > 0 {
            *country_counts.entry(code.as_str()).or_default() += n;
        }
    }
    CountryColors::assign(country_counts)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::playback::{StepUnit, steps};

    fn sample_index() -> ShipmentIndex {
        let mut store = crate::store::Store::in_memory().unwrap();
        crate::sample::import_sample(&mut store).unwrap();
        ShipmentIndex::build(store.load_dataset().unwrap())
    }

    /// Each link's (part type, shipments), the last day, and (source, shipments).
    type Recount = (Vec<Vec<(u16, u32)>>, Option<Day>, Vec<(String, u32)>);

    /// Shipments by (link, part type), last day and sources, counted shipment by shipment
    /// over the range: what `Shown` must give.
    fn recount(index: &ShipmentIndex, filter: &Filter, graph: &FilteredGraph) -> Recount {
        let group: FxHashMap<_, _> = graph
            .groups
            .iter()
            .flat_map(|(&g, members)| members.iter().map(move |&m| (m, g)))
            .collect();
        let rep = |id| group.get(&id).copied().unwrap_or(id);
        let (lo, hi) = filter.shipment_range(index);
        let (mask, source_ok) = (filter.part_mask(index), filter.source_ok(index));
        let mut counts = vec![std::collections::BTreeMap::<u16, u32>::new(); graph.links.len()];
        let mut last = None;
        let mut sources = std::collections::BTreeMap::<String, u32>::new();
        for i in lo..hi {
            let k = index.date_pos[i] as usize;
            let (s, c) = index.pairs[index.date_pair[i] as usize];
            let key = (
                rep(index.entities[s as usize].id),
                rep(index.entities[c as usize].id),
            );
            let Some(link) = graph
                .links
                .iter()
                .position(|l| l.kind == LinkKind::Trade && (l.source, l.target) == key)
            else {
                continue;
            };
            let (part, source) = (index.ships.part[k], index.ships.source[k]);
            if mask & (1 << part) == 0 || !source_ok[source as usize] {
                continue;
            }
            *counts[link].entry(u16::from(part)).or_default() += 1;
            last = Some(index.ships.day[k]);
            *sources
                .entry(index.source_names[source as usize].clone())
                .or_default() += 1;
        }
        let counts = counts
            .into_iter()
            .map(|m| {
                let mut v: Vec<(u16, u32)> = m.into_iter().collect();
                v.sort_by(|a, b| {
                    b.1.cmp(&a.1).then_with(|| {
                        index.part_names[a.0 as usize].cmp(&index.part_names[b.0 as usize])
                    })
                });
                v
            })
            .collect();
        let mut sources: Vec<(String, u32)> = sources.into_iter().collect();
        sources.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        (counts, last, sources)
    }

    #[test]
    fn running_totals_give_what_counting_each_shipment_gives_step_by_step() {
        let index = sample_index();
        let (first, last) = index.date_span().unwrap();
        let frames = steps(first, last, StepUnit::Month, 1_000).unwrap().frames;
        let mut totals = RunningTotals::detailed();
        let mut checked_parts = 0;
        // Forward, with a roll-up, with provenance, then back.
        let plans = [
            (None, None),
            (Some(crate::rollup::GroupBy::StateOwner), None),
            (None, Some(crate::provenance::SOURCED)),
        ];
        for (group_by, provenance) in plans {
            let order = (0..frames.len()).chain((0..frames.len()).rev().step_by(4));
            for k in order {
                let filter = Filter {
                    from: Some(frames[k].from),
                    to: Some(frames[k].to),
                    provenance: provenance.map(|p| BTreeSet::from([p.to_owned()])),
                    group_by,
                    ..Filter::default()
                };
                let graph = crate::rollup::roll_up(
                    &index,
                    &filter,
                    filter.apply_ungrouped_with(&index, &mut totals),
                );
                let running = Shown::from_totals(&index, &filter, &graph, &totals);
                assert_eq!(
                    running,
                    Shown::compute(&index, &filter, &graph),
                    "frame {k}"
                );
                let (counts, last_day, sources) = recount(&index, &filter, &graph);
                for (i, (want, link)) in counts.iter().zip(&graph.links).enumerate() {
                    assert_eq!(running.parts_of(i), want.as_slice(), "frame {k}, link {i}");
                    if link.kind == LinkKind::Trade {
                        // The stripes add up to the link.
                        let sum: u32 = want.iter().map(|p| p.1).sum();
                        assert_eq!(sum, link.shipments, "frame {k}, link {i}");
                        checked_parts += want.len();
                    }
                }
                assert_eq!(running.last_day, last_day, "frame {k}");
                assert_eq!(running.shipment_sources, sources, "frame {k}");
            }
        }
        assert!(checked_parts > 100, "{checked_parts}");
    }
}
