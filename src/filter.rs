//! The filter: which shipments, entities and links a picture shows.
//!
//! A [`Filter`] is plain, serialisable data that names things by name (part types,
//! authorities, countries) and entities by key, so a saved session survives a re-import.
//! [`Filter::apply`] is a pure function of the [`ShipmentIndex`] and the filter:
//!
//! 1. each shipper → consignee pair is decided once (kinds, countries, sanction status);
//! 2. one pass over the shipments in the date range adds each passing shipment into its
//!    pair's aggregate (count, value, first and last date, part types);
//! 3. pairs with at least `min_shipments` become trade links; their ends are the shown
//!    entities; with ownership on, their owners up to the state owner are added with the
//!    ownership links between shown entities;
//! 4. a focus keeps only the k-hop neighbourhood of one entity.
//!
//! Sanction status is a question of a date: "sanctioned" means listed, by one of the chosen
//! authorities, on the `as_of` day, which is the end of the date range unless set.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

use crate::date::Day;
use crate::index::{MAX_PART_BITS, ShipmentIndex};
use crate::model::{EntityId, EntityKind};

mod pairwise;
mod totals;

use totals::Agg;
pub use totals::RunningTotals;

/// Kind of a link between two entities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// Owner → owned.
    Ownership,
    /// Shipper → consignee, aggregating the shipments that pass the filter.
    Trade,
}

/// A set of part types, as bits over the index's part-type table (at most 64 part types).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PartSet(pub u64);

impl PartSet {
    pub fn contains(self, part: usize) -> bool {
        part < MAX_PART_BITS && self.0 & (1 << part) != 0
    }

    /// The part ids in the set, ascending.
    pub fn iter(self) -> impl Iterator<Item = usize> {
        (0..MAX_PART_BITS).filter(move |&p| self.contains(p))
    }
}

/// One link of the filtered network.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub kind: LinkKind,
    /// Owner (ownership) or shipper (trade).
    pub source: EntityId,
    /// Owned (ownership) or consignee (trade).
    pub target: EntityId,
    /// Shipments that pass the filter; 0 for ownership links.
    pub shipments: u32,
    pub value_usd: f64,
    pub first: Option<Day>,
    pub last: Option<Day>,
    pub part_types: PartSet,
    /// Trade: how many of `shipments` are synthetic (made up); ownership: 1 when the link's
    /// own source is synthetic. See [`crate::provenance`].
    pub synthetic: u32,
}

impl Link {
    /// Whether the link is made up, wholly or in part.
    pub fn is_synthetic(&self) -> bool {
        self.synthetic > 0
    }
}

/// The shipments on one shipper → consignee pair made while a party was listed.
#[derive(Clone, Debug, PartialEq)]
pub struct AfterListing {
    pub shipper: EntityId,
    pub consignee: EntityId,
    pub shipments: u32,
    pub value_usd: f64,
    /// The first and last such shipment.
    pub first: Day,
    pub last: Day,
    /// Which party was listed at the time of at least one of them.
    pub shipper_listed: bool,
    pub consignee_listed: bool,
}

impl AfterListing {
    /// Nothing counted yet on the pair of positions `(s, c)`, starting on `day`.
    pub(crate) fn none_yet(index: &ShipmentIndex, s: u32, c: u32, day: Day) -> AfterListing {
        AfterListing {
            shipper: index.entities[s as usize].id,
            consignee: index.entities[c as usize].id,
            shipments: 0,
            value_usd: 0.0,
            first: day,
            last: day,
            shipper_listed: false,
            consignee_listed: false,
        }
    }
}

/// What a filter selects: entities sorted by id, links sorted by (kind, source, target).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FilteredGraph {
    pub entities: Vec<EntityId>,
    pub links: Vec<Link>,
    /// Shipments on the shown trade links.
    pub shipments: u64,
    pub value_usd: f64,
    /// The shown entities that are sanctioned as of `as_of` (by the chosen authorities), sorted.
    pub sanctioned: Vec<EntityId>,
    /// The day sanction status was asked for.
    pub as_of: Option<Day>,
    /// Shown entities whose own record is synthetic, sorted.
    pub synthetic: Vec<EntityId>,
    /// With a roll-up: each shown group (by the id of the owner that names it) and the
    /// entities it holds, sorted (the owner among them when it is shown itself). Entities
    /// shown on their own are not here.
    pub groups: BTreeMap<EntityId, Vec<EntityId>>,
    /// With a roll-up: shipments between members of the same group (not drawn), by group.
    pub internal_shipments: BTreeMap<EntityId, u64>,
}

impl FilteredGraph {
    pub fn trade_links(&self) -> impl Iterator<Item = &Link> {
        self.links.iter().filter(|l| l.kind == LinkKind::Trade)
    }

    pub fn ownership_links(&self) -> impl Iterator<Item = &Link> {
        self.links.iter().filter(|l| l.kind == LinkKind::Ownership)
    }

    /// The first and last day of the shipments on the shown trade links; `None` with none.
    pub fn shipped_span(&self) -> Option<(Day, Day)> {
        self.trade_links()
            .filter_map(|l| Some((l.first?, l.last?)))
            .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))
    }

    pub fn is_sanctioned(&self, id: EntityId) -> bool {
        self.sanctioned.binary_search(&id).is_ok()
    }

    /// Whether an entity's own record is synthetic (a group: its owner's record).
    pub fn is_synthetic(&self, id: EntityId) -> bool {
        self.synthetic.binary_search(&id).is_ok()
    }

    /// The entities a shown node stands for: a group's members, else the entity itself.
    pub fn members(&self, id: EntityId) -> std::borrow::Cow<'_, [EntityId]> {
        match self.groups.get(&id) {
            Some(m) => std::borrow::Cow::Borrowed(m.as_slice()),
            None => std::borrow::Cow::Owned(vec![id]),
        }
    }
}

/// Which parties a shipment must involve, by sanction status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SanctionStatus {
    /// Any shipment.
    #[default]
    Any,
    /// Shipments with at least one sanctioned party.
    Sanctioned,
    /// Shipments where neither party is sanctioned.
    Unsanctioned,
}

/// A focus: one entity (by key) and how many hops around it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Focus {
    pub key: String,
    pub depth: u32,
}

/// What to show. The default shows everything.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// First day included.
    pub from: Option<Day>,
    /// Last day included.
    pub to: Option<Day>,
    /// Part types shown; `None`: all.
    pub part_types: Option<BTreeSet<String>>,
    pub sanction_status: SanctionStatus,
    /// Authorities whose listings count; empty: any authority.
    pub authorities: BTreeSet<String>,
    /// The day sanction status is asked for; `None`: the end of the date range.
    pub as_of: Option<Day>,
    /// Entity kinds shown; `None`: all.
    pub kinds: Option<BTreeSet<EntityKind>>,
    /// Countries shown (ISO codes); `None`: all.
    pub countries: Option<BTreeSet<String>>,
    pub show_ownership: bool,
    /// Trade links with fewer shipments are hidden.
    pub min_shipments: u32,
    pub focus: Option<Focus>,
    /// Provenance terms: `sourced`, `synthetic` or a source (prefix, case ignored); a record
    /// passes when one matches its source. `None`: everything. See [`crate::provenance`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<BTreeSet<String>>,
    /// Roll entities up into their owner's group (`None`: every entity on its own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_by: Option<crate::rollup::GroupBy>,
    /// Groups opened in place (their members shown apart), by the key of the owner that
    /// names the group.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub open_groups: BTreeSet<String>,
}

impl Default for Filter {
    fn default() -> Filter {
        Filter {
            from: None,
            to: None,
            part_types: None,
            sanction_status: SanctionStatus::Any,
            authorities: BTreeSet::new(),
            as_of: None,
            kinds: None,
            countries: None,
            show_ownership: true,
            min_shipments: 1,
            focus: None,
            provenance: None,
            group_by: None,
            open_groups: BTreeSet::new(),
        }
    }
}

/// A filter resolved against one index: names turned into masks.
struct Plan {
    /// The date range as date positions `lo..hi`, and as the days it is asked by (a pair's
    /// part of it is found by its days).
    lo: usize,
    hi: usize,
    from: Option<Day>,
    to: Option<Day>,
    part_mask: u64,
    as_of: Day,
    /// Per pair: [`REJECT`], [`ACCEPT`] (entity, sanction and provenance conditions hold for
    /// all its shipments) or [`CHECK`] (its shipments come from several sources and the
    /// provenance is decided shipment by shipment).
    pair_state: Vec<u8>,
    /// Per source: whether it passes the provenance terms.
    source_ok: Vec<bool>,
    entity_ok: Vec<bool>,
    sanctioned: Vec<bool>,
}

const REJECT: u8 = 0;
const ACCEPT: u8 = 1;
const CHECK: u8 = 2;

impl Plan {
    /// Whether the shipment at position `k` of the columns, of pair `p`, passes everything
    /// but the date range and the part types.
    #[inline]
    fn passes(&self, index: &ShipmentIndex, p: usize, k: usize) -> bool {
        match self.pair_state[p] {
            ACCEPT => true,
            CHECK => self.source_ok[index.ships.source[k] as usize],
            _ => false,
        }
    }

    /// Whether the shipment at position `k` carries a part type asked for.
    #[inline]
    fn part_passes(&self, index: &ShipmentIndex, k: usize) -> bool {
        self.part_mask & (1u64 << index.ships.part[k]) != 0
    }

    /// Row ids of the shipments in the date range that pass the filter, on a pair whose
    /// (shipper, consignee) positions pass `pair_ok`, by date.
    fn matching_by_date(
        &self,
        index: &ShipmentIndex,
        pair_ok: impl Fn((u32, u32)) -> bool,
    ) -> Vec<i64> {
        (self.lo..self.hi)
            .filter_map(|i| {
                let p = index.date_pair[i] as usize;
                let k = index.date_pos[i] as usize;
                (pair_ok(index.pairs[p]) && self.part_passes(index, k) && self.passes(index, p, k))
                    .then(|| index.ships.row_id.get(k))
            })
            .collect()
    }

    /// Pair `p`'s shipments in the date range: positions in the columns.
    #[inline]
    fn pair_range(&self, index: &ShipmentIndex, p: usize) -> std::ops::Range<usize> {
        index.pair_range_in(p, self.from, self.to)
    }
}

impl Filter {
    /// The first and last day of the shipments the filter shows, those between members of
    /// one group of a roll-up included (they are not drawn, but they are counted).
    pub fn shipped_span(&self, index: &ShipmentIndex) -> Option<(Day, Day)> {
        self.apply_ungrouped(index).shipped_span()
    }

    /// The day sanction status is asked for, given the index's data.
    pub fn as_of_day(&self, index: &ShipmentIndex) -> Day {
        self.as_of
            .or(self.to)
            .or_else(|| index.date_span().map(|(_, last)| last))
            .unwrap_or_default()
    }

    /// The positions of the shipments in the date range: `lo..hi` of the index's columns.
    pub(crate) fn shipment_range(&self, index: &ShipmentIndex) -> (usize, usize) {
        let lo = self.from.map_or(0, |d| index.date_partition(|x| x < d));
        let hi = self
            .to
            .map_or(index.shipment_count(), |d| index.date_partition(|x| x <= d));
        (lo, hi.max(lo))
    }

    /// The part types asked for, as a bit per part type of the index.
    pub(crate) fn part_mask(&self, index: &ShipmentIndex) -> u64 {
        match &self.part_types {
            None => u64::MAX,
            Some(wanted) => index
                .part_names
                .iter()
                .enumerate()
                .filter(|(_, name)| wanted.contains(*name))
                .fold(0u64, |m, (i, _)| m | 1 << i.min(MAX_PART_BITS - 1)),
        }
    }

    /// Per source of the index: whether it passes the provenance terms.
    pub(crate) fn source_ok(&self, index: &ShipmentIndex) -> Vec<bool> {
        match &self.provenance {
            None => vec![true; index.source_names.len()],
            Some(terms) => {
                let terms: Vec<crate::provenance::Provenance> = terms
                    .iter()
                    .map(|t| crate::provenance::Provenance::parse(t))
                    .collect();
                index
                    .source_names
                    .iter()
                    .map(|s| terms.iter().any(|t| t.matches(s)))
                    .collect()
            }
        }
    }

    fn plan(&self, index: &ShipmentIndex) -> Plan {
        let (lo, hi) = self.shipment_range(index);
        let part_mask = self.part_mask(index);
        let as_of = self.as_of_day(index);
        let authorities: Option<Vec<bool>> = (!self.authorities.is_empty()).then(|| {
            index
                .authorities
                .iter()
                .map(|a| self.authorities.contains(a))
                .collect()
        });
        let n = index.entities.len();
        let sanctioned: Vec<bool> = (0..n as u32)
            .map(|p| index.is_sanctioned(p, as_of, authorities.as_deref()))
            .collect();
        let country_ok: Option<Vec<bool>> = self
            .countries
            .as_ref()
            .map(|wanted| index.countries.iter().map(|c| wanted.contains(c)).collect());
        let entity_ok: Vec<bool> = (0..n)
            .map(|p| {
                self.kinds
                    .as_ref()
                    .is_none_or(|k| k.contains(&index.kind_at(p as u32)))
                    && country_ok
                        .as_ref()
                        .is_none_or(|ok| ok[index.country[p] as usize])
            })
            .collect();
        let source_ok = self.source_ok(index);
        let pair_state = index
            .pairs
            .iter()
            .zip(&index.pair_source)
            .map(|(&(s, c), &source)| {
                let (s, c) = (s as usize, c as usize);
                let ok = entity_ok[s]
                    && entity_ok[c]
                    && match self.sanction_status {
                        SanctionStatus::Any => true,
                        SanctionStatus::Sanctioned => sanctioned[s] || sanctioned[c],
                        SanctionStatus::Unsanctioned => !sanctioned[s] && !sanctioned[c],
                    };
                match source_ok.get(source as usize).copied() {
                    _ if !ok => REJECT,
                    Some(true) => ACCEPT,
                    Some(false) => REJECT,
                    None => CHECK,
                }
            })
            .collect();
        Plan {
            lo,
            hi,
            from: self.from,
            to: self.to,
            part_mask,
            as_of,
            pair_state,
            source_ok,
            entity_ok,
            sanctioned,
        }
    }

    /// Applies the filter, then the roll-up when it asks for one. Pure: the same index and
    /// filter give the same graph.
    pub fn apply(&self, index: &ShipmentIndex) -> FilteredGraph {
        let graph = self.apply_ungrouped(index);
        crate::rollup::roll_up(index, self, graph)
    }

    /// Applies the filter without its roll-up: every entity on its own.
    pub fn apply_ungrouped(&self, index: &ShipmentIndex) -> FilteredGraph {
        self.apply_ungrouped_with(index, &mut RunningTotals::default())
    }

    /// [`Filter::apply_ungrouped`], keeping the per-pair totals in `totals` between calls:
    /// when only the range's end moved later (the timeline playing forward), only the new
    /// shipments are added. The graph is the same as without `totals`, to the bit. `totals`
    /// must only ever be used with one index.
    pub fn apply_ungrouped_with(
        &self,
        index: &ShipmentIndex,
        totals: &mut RunningTotals,
    ) -> FilteredGraph {
        let plan = self.plan(index);
        totals.advance(index, self, &plan);
        self.finish(index, &plan, &totals.agg)
    }

    /// Brings `totals` to this filter without making the graph: what
    /// [`Filter::apply_ungrouped_with`] counts.
    pub(crate) fn count_into(&self, index: &ShipmentIndex, totals: &mut RunningTotals) {
        let plan = self.plan(index);
        totals.advance(index, self, &plan);
    }

    /// The graph from the per-pair totals: links, owners up the chain, focus.
    fn finish(&self, index: &ShipmentIndex, plan: &Plan, agg: &[Agg]) -> FilteredGraph {
        let n = index.entities.len();
        let mut shown = vec![false; n];
        let min = self.min_shipments.max(1);
        let mut trade = 0;
        for (a, &(s, c)) in agg.iter().zip(&index.pairs) {
            if a.count >= min {
                trade += 1;
                shown[s as usize] = true;
                shown[c as usize] = true;
            }
        }

        let focus = self.focus.as_ref().and_then(|f| {
            index
                .find(&f.key)
                .and_then(|e| index.position_of(e.id))
                .map(|p| (p, f.depth))
        });
        if let Some((p, _)) = focus
            && plan.entity_ok[p as usize]
        {
            // The focused entity is shown even when it has no trade in the filter.
            shown[p as usize] = true;
        }
        // Links come sorted by (kind, source, target): ownership links first, sorted here,
        // then trade links in pair order, which is (shipper, consignee) order already.
        let mut links = Vec::new();
        if self.show_ownership {
            self.ownership_links(index, plan, &mut shown, &mut links);
        }
        links.sort_by_key(|l: &Link| (l.source, l.target));
        // Two ownership records between the same two entities are one link.
        links.dedup_by(|b, a| {
            (a.source, a.target) == (b.source, b.target) && {
                a.synthetic = a.synthetic.min(b.synthetic);
                true
            }
        });
        // Sized up front: growing hundreds of thousands of links by doubling copied them
        // over and again.
        links.reserve_exact(trade);
        // The totals of the trade links, in link order (a focus sums again what it keeps).
        let (mut shipments, mut value_usd) = (0u64, 0.0);
        for (p, a) in agg.iter().enumerate() {
            if a.count < min {
                continue;
            }
            let (s, c) = index.pairs[p];
            // A pair with one source is synthetic all through or not at all.
            let synthetic = match index.pair_source[p] {
                crate::index::MIXED_SOURCES => a.synthetic,
                one if index.source_synthetic[one as usize] => a.count,
                _ => 0,
            };
            shipments += u64::from(a.count);
            value_usd += a.value_usd;
            links.push(Link {
                kind: LinkKind::Trade,
                source: index.ids[s as usize],
                target: index.ids[c as usize],
                shipments: a.count,
                value_usd: a.value_usd,
                first: Some(Day(a.first)),
                last: Some(Day(a.last)),
                part_types: PartSet(a.parts),
                synthetic,
            });
        }

        if let Some((start, depth)) = focus {
            let keep = neighbourhood(index, &links, start, depth);
            for (p, s) in shown.iter_mut().enumerate() {
                *s = *s && keep[p];
            }
            links.retain(|l| {
                let (a, b) = (
                    index.position_of(l.source).unwrap_or(0),
                    index.position_of(l.target).unwrap_or(0),
                );
                keep[a as usize] && keep[b as usize]
            });
            (shipments, value_usd) = links
                .iter()
                .filter(|l| l.kind == LinkKind::Trade)
                .fold((0u64, 0.0), |(n, v), l| {
                    (n + u64::from(l.shipments), v + l.value_usd)
                });
        }
        let entities: Vec<EntityId> = (0..n).filter(|&p| shown[p]).map(|p| index.ids[p]).collect();
        let synthetic = (0..n)
            .filter(|&p| shown[p] && index.source_synthetic[index.entity_source[p] as usize])
            .map(|p| index.ids[p])
            .collect();
        let sanctioned = (0..n)
            .filter(|&p| shown[p] && plan.sanctioned[p])
            .map(|p| index.ids[p])
            .collect();
        FilteredGraph {
            entities,
            links,
            shipments,
            value_usd,
            sanctioned,
            as_of: Some(plan.as_of),
            synthetic,
            groups: BTreeMap::new(),
            internal_shipments: BTreeMap::new(),
        }
    }

    /// Marks the owners of shown entities up the chain as shown, and pushes the ownership
    /// links between shown entities.
    fn ownership_links(
        &self,
        index: &ShipmentIndex,
        plan: &Plan,
        shown: &mut [bool],
        links: &mut Vec<Link>,
    ) {
        // Owners up the chain, so every shown company sits under its state owner; only
        // over ownership links whose own source passes the provenance terms.
        let mut stack: Vec<u32> = (0..shown.len() as u32)
            .filter(|&p| shown[p as usize])
            .collect();
        while let Some(p) = stack.pop() {
            for l in &index.owner_links[p as usize] {
                let o = l.owner;
                if !shown[o as usize]
                    && plan.entity_ok[o as usize]
                    && plan.source_ok[l.source as usize]
                {
                    shown[o as usize] = true;
                    stack.push(o);
                }
            }
        }
        for (child, owners) in index.owner_links.iter().enumerate() {
            if !shown[child] {
                continue;
            }
            for l in owners {
                if shown[l.owner as usize] && plan.source_ok[l.source as usize] {
                    links.push(Link {
                        kind: LinkKind::Ownership,
                        source: index.ids[l.owner as usize],
                        target: index.ids[child],
                        shipments: 0,
                        value_usd: 0.0,
                        first: None,
                        last: None,
                        part_types: PartSet(0),
                        synthetic: u32::from(index.source_synthetic[l.source as usize]),
                    });
                }
            }
        }
    }

    /// Row ids of the shipments that pass the filter between `shipper` and `consignee`
    /// (either may be `None`: any), by date. `min_shipments` and focus are not applied.
    pub fn matching_shipments(
        &self,
        index: &ShipmentIndex,
        shipper: Option<EntityId>,
        consignee: Option<EntityId>,
    ) -> Vec<i64> {
        let plan = self.plan(index);
        let s = shipper.map(|id| index.position_of(id));
        let c = consignee.map(|id| index.position_of(id));
        if s == Some(None) || c == Some(None) {
            return Vec::new();
        }
        let (s, c) = (s.flatten(), c.flatten());
        if let (Some(s), Some(c)) = (s, c) {
            // One pair: its own shipments, already by date.
            let Ok(p) = index.pairs.binary_search(&(s, c)) else {
                return Vec::new();
            };
            return plan
                .pair_range(index, p)
                .filter(|&k| plan.part_passes(index, k) && plan.passes(index, p, k))
                .map(|k| index.ships.row_id.get(k))
                .collect();
        }
        plan.matching_by_date(index, |(ps, pc)| {
            s.is_none_or(|s| s == ps) && c.is_none_or(|c| c == pc)
        })
    }

    /// Row ids of the shipments that pass the filter from any of `shippers` to any of
    /// `consignees` (`None`: anyone), by date: the shipments behind a link between groups.
    /// `min_shipments` and focus are not applied.
    pub fn matching_shipments_among(
        &self,
        index: &ShipmentIndex,
        shippers: Option<&[EntityId]>,
        consignees: Option<&[EntityId]>,
    ) -> Vec<i64> {
        let plan = self.plan(index);
        let mark = |ids: Option<&[EntityId]>| {
            ids.map(|ids| {
                let mut m = vec![false; index.entities.len()];
                for p in ids.iter().filter_map(|&id| index.position_of(id)) {
                    m[p as usize] = true;
                }
                m
            })
        };
        let (s, c) = (mark(shippers), mark(consignees));
        plan.matching_by_date(index, |(ps, pc)| {
            s.as_ref().is_none_or(|m| m[ps as usize]) && c.as_ref().is_none_or(|m| m[pc as usize])
        })
    }

    /// For every shipper → consignee pair, the shipments that pass the filter and were made
    /// while either party was listed (a listing by one of the filter's authorities, or any
    /// authority when none is chosen, that started before the shipment's day and had not
    /// ended): the screening view's "shipped after listing". `min_shipments` and focus are
    /// not applied; callers keep the pairs whose link is shown.
    pub fn shipped_after_listing(&self, index: &ShipmentIndex) -> Vec<AfterListing> {
        let plan = self.plan(index);
        let allowed = |authority: u16| {
            self.authorities.is_empty()
                || index
                    .authorities
                    .get(authority as usize)
                    .is_some_and(|a| self.authorities.contains(a))
        };
        // Only pairs with a listed party are looked at, shipment by shipment.
        let listed: Vec<bool> = index
            .sanctions
            .iter()
            .map(|ls| ls.iter().any(|l| allowed(l.authority)))
            .collect();
        // Pair by pair, over each listed pair's own shipments in the date range (most pairs
        // have no listed party and are not looked at).
        let mut found = Vec::new();
        for (p, &(s, c)) in index.pairs.iter().enumerate() {
            if !(listed[s as usize] || listed[c as usize]) || plan.pair_state[p] == REJECT {
                continue;
            }
            let mut entry: Option<AfterListing> = None;
            for k in plan.pair_range(index, p) {
                if !plan.part_passes(index, k) || !plan.passes(index, p, k) {
                    continue;
                }
                let day = index.ships.day[k];
                let in_force = |pos: u32| {
                    index.sanctions[pos as usize].iter().any(|l| {
                        allowed(l.authority)
                            && l.listed_on < day
                            && l.delisted_on.is_none_or(|end| day < end)
                    })
                };
                let (ls, lc) = (in_force(s), in_force(c));
                if !(ls || lc) {
                    continue;
                }
                let e = entry.get_or_insert_with(|| AfterListing::none_yet(index, s, c, day));
                e.shipments += 1;
                e.value_usd += index.ships.value_usd[k];
                e.last = day;
                e.shipper_listed |= ls;
                e.consignee_listed |= lc;
            }
            found.extend(entry);
        }
        found
    }

    /// Shipments per month that pass every condition but the date range: the timeline's
    /// histogram. Returns `(first month index, counts)`.
    pub fn monthly_histogram(&self, index: &ShipmentIndex) -> (i32, Vec<u32>) {
        let Some((first, last)) = index.date_span() else {
            return (0, Vec::new());
        };
        let undated = Filter {
            from: None,
            to: None,
            ..self.clone()
        };
        let plan = undated.plan(index);
        let m0 = first.month_index();
        let mut counts = vec![0u32; (last.month_index() - m0 + 1).max(0) as usize];
        // Pair by pair (the order does not change a count), skipping rejected pairs whole.
        for p in 0..index.pairs.len() {
            if plan.pair_state[p] == REJECT {
                continue;
            }
            for k in index.pair_range(p) {
                if plan.part_passes(index, k) && plan.passes(index, p, k) {
                    let m = (index.ships.day[k].month_index() - m0) as usize;
                    if let Some(c) = counts.get_mut(m) {
                        *c += 1;
                    }
                }
            }
        }
        (m0, counts)
    }

    /// Shipments per part type that pass every condition but the part types: the counts
    /// beside the part-type checkboxes. In the order of [`ShipmentIndex::part_types`].
    pub fn part_counts(&self, index: &ShipmentIndex) -> Vec<u64> {
        let all_parts = Filter {
            part_types: None,
            ..self.clone()
        };
        let plan = all_parts.plan(index);
        let mut counts = vec![0u64; index.part_names.len()];
        for p in 0..index.pairs.len() {
            if plan.pair_state[p] == REJECT {
                continue;
            }
            for k in plan.pair_range(index, p) {
                if plan.passes(index, p, k)
                    && let Some(c) = counts.get_mut(index.ships.part[k] as usize)
                {
                    *c += 1;
                }
            }
        }
        counts
    }
}

impl Filter {
    /// The filter in words, for captions: "Shipments 2 Jun 2022 – 16 Nov 2022 · part types
    /// Mi-171E, Mi-171Sh · sanctioned parties as of 16 Nov 2022".
    /// Open ends of the date range are the data's first and last day (the filter itself:
    /// the window's filter panel); [`Filter::describe_shown`] for what a graph shows.
    pub fn describe(&self, index: &ShipmentIndex) -> String {
        let span = index.date_span();
        self.describe_over(
            index,
            self.from.or(span.map(|s| s.0)),
            self.to.or(span.map(|s| s.1)),
        )
    }

    /// [`Filter::describe`] for a picture or an export of `graph`: open ends of the date
    /// range are the first and last day of the shipments it shows (as a playback steps,
    /// [`crate::playback::range`]), so a caption says when the shown trade happened, not when
    /// the database's first and last shipments did.
    pub fn describe_shown(&self, index: &ShipmentIndex, graph: &FilteredGraph) -> String {
        let shipped = if graph.groups.is_empty() {
            graph.shipped_span()
        } else {
            self.shipped_span(index)
        };
        let range = crate::playback::range(self.from, self.to, shipped, index.date_span());
        self.describe_over(index, range.map(|r| r.0), range.map(|r| r.1))
    }

    fn describe_over(&self, index: &ShipmentIndex, from: Option<Day>, to: Option<Day>) -> String {
        let mut parts = vec![match (from, to) {
            (Some(f), Some(t)) => format!("Shipments {} – {}", f.human(), t.human()),
            _ => "Shipments".to_owned(),
        }];
        if let Some(p) = &self.part_types {
            let names: Vec<&str> = p.iter().map(String::as_str).collect();
            parts.push(format!("part types {}", names.join(", ")));
        }
        let authorities = if self.authorities.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                self.authorities
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let as_of = self.as_of_day(index).human();
        match self.sanction_status {
            SanctionStatus::Any => {}
            SanctionStatus::Sanctioned => {
                parts.push(format!("sanctioned parties{authorities} as of {as_of}"))
            }
            SanctionStatus::Unsanctioned => {
                parts.push(format!("no sanctioned party{authorities} as of {as_of}"))
            }
        }
        if let Some(k) = &self.kinds {
            let names: Vec<&str> = k.iter().map(|k| k.label()).collect();
            parts.push(names.join(", ").to_lowercase());
        }
        if let Some(c) = &self.countries {
            let names: Vec<&str> = c.iter().map(String::as_str).collect();
            parts.push(format!("countries {}", names.join(", ")));
        }
        if self.min_shipments > 1 {
            parts.push(format!(
                "links with at least {} shipments",
                self.min_shipments
            ));
        }
        if let Some(f) = &self.focus {
            let name = index
                .find(&f.key)
                .map_or(f.key.as_str(), |e| e.name.as_str());
            let hops = if f.depth == 1 { "hop" } else { "hops" };
            parts.push(format!("within {} {hops} of {name}", f.depth));
        }
        if !self.show_ownership {
            parts.push("ownership hidden".to_owned());
        }
        if let Some(terms) = &self.provenance {
            let names: Vec<&str> = terms.iter().map(String::as_str).collect();
            parts.push(match names.as_slice() {
                [crate::provenance::SOURCED] => "sourced records only".to_owned(),
                [crate::provenance::SYNTHETIC] => "synthetic records only".to_owned(),
                _ => format!("records from {}", names.join(", ")),
            });
        }
        if let Some(by) = self.group_by {
            parts.push(format!("grouped by {}", by.describe()));
        }
        parts.join(" · ")
    }
}

/// Entities within `depth` hops of `start` over the given links (either direction).
fn neighbourhood(index: &ShipmentIndex, links: &[Link], start: u32, depth: u32) -> Vec<bool> {
    let n = index.entities.len();
    let mut adjacency: Vec<Vec<u32>> = vec![Vec::new(); n];
    for l in links {
        if let (Some(a), Some(b)) = (index.position_of(l.source), index.position_of(l.target)) {
            adjacency[a as usize].push(b);
            adjacency[b as usize].push(a);
        }
    }
    let mut hops = vec![u32::MAX; n];
    hops[start as usize] = 0;
    let mut queue = VecDeque::from([start]);
    while let Some(p) = queue.pop_front() {
        let h = hops[p as usize];
        if h >= depth {
            continue;
        }
        for &q in &adjacency[p as usize] {
            if hops[q as usize] == u32::MAX {
                hops[q as usize] = h + 1;
                queue.push_back(q);
            }
        }
    }
    hops.iter().map(|&h| h != u32::MAX).collect()
}
