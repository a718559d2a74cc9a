//! The in-memory shipment index the filter runs on.
//!
//! Built once from a [`Dataset`], it holds shipments as columns grouped by shipper →
//! consignee *pair* (the future trade link), each pair's by (day, row id), so a filter is,
//! per pair, a binary search for the date range in its days and a contiguous sum. The date
//! order stays as two columns (each shipment's pair and its place in the pair-major
//! columns), for what walks time forward: playback, the histogram, the shipments behind a
//! link. Entities are addressed by dense positions (`u32`), not row ids. 29 bytes a shipment
//! ([`ShipmentIndex::shipment_bytes`]): ten million shipments take about 290 MB.

use rayon::prelude::*;

mod build;
pub(crate) use build::RowIds;
use build::{Positions, date_order, gather, intern_pairs, pair_major};

use crate::date::Day;
use crate::model::{Entity, EntityId, EntityKind, Sanction};
use crate::store::Dataset;

/// Part types beyond this many share the last bit of a [`crate::filter::PartSet`].
pub const MAX_PART_BITS: usize = 64;

/// The index. Cheap to query, immutable once built.
#[derive(Debug, Default)]
pub struct ShipmentIndex {
    /// Unique to this build within the process (0 for an empty default): what work kept
    /// between scenes (`scene::reuse`) is checked against, as ids mean other entities in
    /// another database or after a reload.
    generation: u64,
    /// Entities by position, sorted by id.
    pub(crate) entities: Vec<Entity>,
    position: rustc_hash::FxHashMap<EntityId, u32>,
    /// The same as a table over the ids' span when they are compact (row ids are): a scene
    /// looks up every shown entity.
    slots: Option<crate::model::SlotTable>,
    /// Interned country per entity (index into `countries`).
    pub(crate) country: Vec<u16>,
    pub(crate) countries: Vec<String>,
    /// For each entity position, the positions of its owners.
    pub(crate) owners: Vec<Vec<u32>>,
    /// For each entity position, the positions of what it owns.
    pub(crate) owned: Vec<Vec<u32>>,
    /// For each entity position, its ownership links (in the order of `owners`).
    pub(crate) owner_links: Vec<Vec<OwnerLink>>,
    /// Listings by entity position.
    pub(crate) sanctions: Vec<Vec<Listing>>,
    pub(crate) authorities: Vec<String>,
    /// Full listings, for panels.
    pub(crate) listings: Vec<Sanction>,
    /// For each entity position, the indexes of its listings in `listings`.
    listings_by_entity: Vec<Vec<u32>>,

    /// The shipments, grouped by pair and by (day, row id) within a pair: pair `p`'s are
    /// the positions `pair_start[p]..pair_start[p + 1]` of these columns, so a filter sums
    /// each pair's date range contiguously.
    pub(crate) ships: Shipments,
    pub(crate) pair_start: Vec<u32>,
    /// Date order: the `i`-th shipment by (day, row id) is pair `date_pair[i]`'s, at
    /// position `date_pos[i]` of [`ShipmentIndex::ships`] (4 bytes a shipment each).
    pub(crate) date_pair: Vec<u32>,
    pub(crate) date_pos: Vec<u32>,
    /// (shipper, consignee) positions of each pair, sorted.
    pub(crate) pairs: Vec<(u32, u32)>,
    /// Per pair: every part type its shipments carry, a bit each, and the sum of all their
    /// values in (day, row id) order (what a filter over the pair's whole range sums, to the
    /// bit).
    pub(crate) pair_parts: Vec<u64>,
    pub(crate) pair_value: Vec<f64>,
    /// Entity row ids by position (what `entities[p].id` says, compactly: making links
    /// reads them for every pair).
    pub(crate) ids: Vec<EntityId>,
    /// Part type names, sorted; a shipment's `part` indexes this (capped at 63).
    pub(crate) part_names: Vec<String>,

    /// Every source (provenance) of a shipment, entity or ownership link, sorted: what
    /// `source`, `entity_source` and the ownership links index.
    pub(crate) source_names: Vec<String>,
    /// Whether each source is synthetic ([`crate::provenance::is_synthetic`]).
    pub(crate) source_synthetic: Vec<bool>,
    /// Shipments per source.
    pub(crate) source_shipments: Vec<u64>,
    /// Each pair's source when all its shipments share one, else [`MIXED_SOURCES`].
    pub(crate) pair_source: Vec<u32>,
    /// Each entity's source, by position.
    pub(crate) entity_source: Vec<u32>,
    /// Keys of entities merged into others → the live entity they became.
    merged_keys: std::collections::HashMap<String, EntityId>,
    /// Shipments not indexed because a merge made their two parties one.
    pub internal_after_merge: u64,
    /// Each entity's label text (its short display name, made inert), by position, worked
    /// out the first time a label asks: names are analysed once, not once a frame.
    label_text: Vec<std::sync::OnceLock<String>>,
}

/// The shipment columns of an index, pair-major (see [`ShipmentIndex::ships`]).
#[derive(Debug, Default)]
pub(crate) struct Shipments {
    pub day: Vec<Day>,
    pub part: Vec<u8>,
    pub value_usd: Vec<f64>,
    pub row_id: RowIds,
    /// Each shipment's source (index into `source_names`).
    pub source: Vec<u32>,
}

/// A pair whose shipments come from more than one source.
pub(crate) const MIXED_SOURCES: u32 = u32::MAX;

/// One ownership link, seen from the owned entity.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OwnerLink {
    pub owner: u32,
    /// Share in percent, when known.
    pub share_pct: Option<f64>,
    pub start: Option<Day>,
    pub end: Option<Day>,
    /// Index into `source_names`.
    pub source: u32,
}

impl OwnerLink {
    /// Whether the link holds on `day` (a link without dates always does).
    pub fn holds_on(&self, day: Day) -> bool {
        self.start.is_none_or(|s| s <= day) && self.end.is_none_or(|e| day < e)
    }
}

/// One sanctions listing, compactly.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Listing {
    pub authority: u16,
    pub listed_on: Day,
    pub delisted_on: Option<Day>,
}

impl Listing {
    pub fn covers(&self, day: Day) -> bool {
        self.listed_on <= day && self.delisted_on.is_none_or(|end| day < end)
    }
}

impl ShipmentIndex {
    /// Builds the index; consumes the dataset's shipment columns.
    pub fn build(dataset: Dataset) -> ShipmentIndex {
        let Dataset {
            mut entities,
            ownership,
            sanctions,
            mut shipments,
            merged,
            internal_after_merge,
        } = dataset;
        let merged_keys = merged.into_iter().map(|m| (m.key, m.into)).collect();
        entities.sort_by_key(|e| e.id);
        let position: rustc_hash::FxHashMap<EntityId, u32> = entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id, i as u32))
            .collect();
        let n = entities.len();

        let mut countries: Vec<String> = entities.iter().map(|e| e.country.clone()).collect();
        countries.sort();
        countries.dedup();
        let country = entities
            .iter()
            .map(|e| countries.binary_search(&e.country).unwrap_or(0) as u16)
            .collect();

        // One table of sources for shipments, entities and ownership links.
        let mut sources: Vec<String> = shipments.source_names.clone();
        sources.extend(entities.iter().map(|e| e.source.clone()));
        sources.extend(ownership.iter().map(|o| o.source.clone()));
        sources.push(String::new());
        sources.sort();
        sources.dedup();
        let source_id = |text: &str| {
            sources
                .binary_search_by(|s| s.as_str().cmp(text))
                .unwrap_or(0) as u32
        };
        let shipment_source_id: Vec<u32> = shipments
            .source_names
            .iter()
            .map(|s| source_id(s))
            .collect();
        let blank_source = source_id("");
        let entity_source: Vec<u32> = entities.iter().map(|e| source_id(&e.source)).collect();

        let mut owners = vec![Vec::new(); n];
        let mut owned = vec![Vec::new(); n];
        let mut owner_links = vec![Vec::new(); n];
        for o in &ownership {
            if let (Some(&p), Some(&c)) = (position.get(&o.parent), position.get(&o.child)) {
                owners[c as usize].push(p);
                owned[p as usize].push(c);
                owner_links[c as usize].push(OwnerLink {
                    owner: p,
                    share_pct: o.share_pct.filter(|s| s.is_finite()),
                    start: o.start,
                    end: o.end,
                    source: source_id(&o.source),
                });
            }
        }

        let mut authorities: Vec<String> = sanctions.iter().map(|s| s.authority.clone()).collect();
        authorities.sort();
        authorities.dedup();
        let mut by_entity = vec![Vec::new(); n];
        let mut listings_by_entity = vec![Vec::new(); n];
        for (k, s) in sanctions.iter().enumerate() {
            if let Some(&p) = position.get(&s.entity) {
                listings_by_entity[p as usize].push(k as u32);
                by_entity[p as usize].push(Listing {
                    authority: authorities.binary_search(&s.authority).unwrap_or(0) as u16,
                    listed_on: s.listed_on,
                    delisted_on: s.delisted_on,
                });
            }
        }

        // Shipments: drop those whose parties are unknown, intern pairs, sort by date, then
        // group by pair (each pair's keeping their date order).
        let lookup = Positions::new(&entities, &position);
        let (raw_pair, raw_pairs) = intern_pairs(&shipments, &lookup);
        // The parties are in the pairs now: their columns go before the others are copied.
        drop(std::mem::take(&mut shipments.shipper));
        drop(std::mem::take(&mut shipments.consignee));
        let order = date_order(&shipments, &raw_pair);
        // Renumber pairs in sorted order so link order does not depend on row order.
        let mut sorted: Vec<u32> = (0..raw_pairs.len() as u32).collect();
        sorted.sort_unstable_by_key(|&p| raw_pairs[p as usize]);
        let mut renumber = vec![0u32; raw_pairs.len()];
        for (new, &old) in sorted.iter().enumerate() {
            renumber[old as usize] = new as u32;
        }
        let pairs: Vec<(u32, u32)> = sorted.iter().map(|&p| raw_pairs[p as usize]).collect();
        drop((sorted, raw_pairs));
        let date_pair: Vec<u32> = order
            .par_iter()
            .map(|&i| renumber[raw_pair[i as usize] as usize])
            .collect();
        drop((raw_pair, renumber));
        let (pair_start, date_pos, row) = pair_major(&date_pair, &order, pairs.len());
        drop(order);

        // The columns in pair-major order, gathered on every core (a dataset without the
        // source column has one blank source).
        let part_names = std::mem::take(&mut shipments.part_names);
        let ships = gather(
            shipments,
            &row,
            &shipment_source_id,
            blank_source,
            (MAX_PART_BITS - 1) as u16,
        );
        drop(row);

        let mut source_shipments = vec![0u64; sources.len()];
        for &s in &ships.source {
            source_shipments[s as usize] += 1;
        }
        let segments = || pair_start.windows(2).map(|w| w[0] as usize..w[1] as usize);
        let pair_source: Vec<u32> = segments()
            .map(|r| {
                let one = ships.source.get(r.start).copied().unwrap_or(blank_source);
                if ships.source[r].iter().all(|&s| s == one) {
                    one
                } else {
                    MIXED_SOURCES
                }
            })
            .collect();
        let pair_parts: Vec<u64> = segments()
            .map(|r| ships.part[r].iter().fold(0u64, |m, &k| m | 1u64 << k))
            .collect();
        let pair_value: Vec<f64> = pair_start
            .par_windows(2)
            .map(|w| {
                let mut sum = 0.0;
                for &v in &ships.value_usd[w[0] as usize..w[1] as usize] {
                    sum += v;
                }
                sum
            })
            .collect();
        let source_synthetic = sources
            .iter()
            .map(|s| crate::provenance::is_synthetic(s))
            .collect();

        static GENERATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        ShipmentIndex {
            generation: GENERATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            label_text: (0..entities.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
            merged_keys,
            internal_after_merge,
            ships,
            pair_start,
            date_pair,
            date_pos,
            pairs,
            pair_parts,
            pair_value,
            ids: entities.iter().map(|e| e.id).collect(),
            part_names,
            source_names: sources,
            source_synthetic,
            source_shipments,
            pair_source,
            entity_source,
            owner_links,
            slots: crate::model::SlotTable::new(&entities.iter().map(|e| e.id).collect::<Vec<_>>()),
            entities,
            position,
            country,
            countries,
            owners,
            owned,
            sanctions: by_entity,
            authorities,
            listings: sanctions,
            listings_by_entity,
        }
    }

    /// Number of shipments indexed.
    pub fn shipment_count(&self) -> usize {
        self.date_pos.len()
    }

    /// Bytes the index holds for its shipments: the columns that grow with every shipment
    /// (date, part, value, row id, source, and in date order its pair and its position).
    /// Entities, pairs and listings are not counted; they grow with the network, not the
    /// shipments.
    pub fn shipment_bytes(&self) -> usize {
        let s = &self.ships;
        s.day.capacity() * std::mem::size_of::<Day>()
            + s.part.capacity()
            + s.value_usd.capacity() * 8
            + s.row_id.bytes()
            + s.source.capacity() * 4
            + self.date_pair.capacity() * 4
            + self.date_pos.capacity() * 4
    }

    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// Keys of entities merged into others, with the live entity each became.
    pub fn merged_keys(&self) -> impl Iterator<Item = (&str, EntityId)> {
        self.merged_keys.iter().map(|(k, &id)| (k.as_str(), id))
    }

    /// The entity with this row id.
    /// Unique to this build within the process (see the field).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn entity(&self, id: EntityId) -> Option<&Entity> {
        self.position_of(id).map(|p| &self.entities[p as usize])
    }

    /// The entity's label text: its short display name ([`crate::names::display_name`]),
    /// made inert ([`crate::text::inert`]); the one place entity names become label text.
    pub fn label_text(&self, id: EntityId) -> Option<&str> {
        let p = self.position_of(id)? as usize;
        let name = &self.entities.get(p)?.name;
        let text = self
            .label_text
            .get(p)?
            .get_or_init(|| crate::text::inert(&crate::names::display_name(name)).into_owned());
        Some(text)
    }

    #[inline]
    pub(crate) fn position_of(&self, id: EntityId) -> Option<u32> {
        match &self.slots {
            Some(t) => t.get(id),
            None => self.position.get(&id).copied(),
        }
    }

    /// The entity with this key, name or alias (case and spacing ignored).
    pub fn find(&self, text: &str) -> Option<&Entity> {
        let t = text.trim();
        if let Some(e) = self.entities.iter().find(|e| e.key == t) {
            return Some(e);
        }
        if let Some(&id) = self.merged_keys.get(t) {
            return self.entity(id);
        }
        let norm = crate::model::normalize_name(t);
        self.entities
            .iter()
            .find(|e| crate::model::normalize_name(&e.name) == norm)
            .or_else(|| {
                self.entities.iter().find(|e| {
                    e.aliases
                        .iter()
                        .any(|a| crate::model::normalize_name(a) == norm)
                })
            })
    }

    /// Distinct part types, sorted by name.
    pub fn part_types(&self) -> &[String] {
        &self.part_names
    }

    /// Authorities that list anyone, sorted.
    pub fn authorities(&self) -> &[String] {
        &self.authorities
    }

    /// Countries of the entities, sorted (the empty string for unknown).
    pub fn countries(&self) -> &[String] {
        &self.countries
    }

    /// Every sanctions listing of an entity.
    pub fn listings_of(&self, id: EntityId) -> Vec<&Sanction> {
        self.position_of(id)
            .map(|p| {
                self.listings_by_entity[p as usize]
                    .iter()
                    .map(|&k| &self.listings[k as usize])
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Owners of an entity (row ids).
    pub fn owners_of(&self, id: EntityId) -> Vec<EntityId> {
        self.position_of(id)
            .map(|p| {
                self.owners[p as usize]
                    .iter()
                    .map(|&o| self.entities[o as usize].id)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// What an entity owns (row ids).
    pub fn owned_by(&self, id: EntityId) -> Vec<EntityId> {
        self.position_of(id)
            .map(|p| {
                self.owned[p as usize]
                    .iter()
                    .map(|&o| self.entities[o as usize].id)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Pair `p`'s shipments: positions in [`ShipmentIndex::ships`], by date.
    #[inline]
    pub(crate) fn pair_range(&self, p: usize) -> std::ops::Range<usize> {
        self.pair_start[p] as usize..self.pair_start[p + 1] as usize
    }

    /// Pair `p`'s shipments from `from` to `to` (days included; `None`: unbounded), by
    /// date: two binary searches in its days at most.
    #[inline]
    pub(crate) fn pair_range_in(
        &self,
        p: usize,
        from: Option<Day>,
        to: Option<Day>,
    ) -> std::ops::Range<usize> {
        let r = self.pair_range(p);
        let days = &self.ships.day[r.clone()];
        let a = from.map_or(0, |d| days.partition_point(|&x| x < d));
        let b = to.map_or(days.len(), |d| days.partition_point(|&x| x <= d));
        r.start + a..r.start + b.max(a)
    }

    /// The day of the `i`-th shipment by date.
    #[inline]
    pub(crate) fn day_at(&self, i: usize) -> Day {
        self.ships.day[self.date_pos[i] as usize]
    }

    /// The first date position whose day fails `pred` (days are sorted: `pred` must hold
    /// for a prefix), like `slice::partition_point` over the days in date order.
    pub(crate) fn date_partition(&self, pred: impl Fn(Day) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.date_pos.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(self.day_at(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Distinct sources of shipments, with how many shipments each, most first (then by
    /// text): the provenance choices.
    pub fn shipment_sources(&self) -> Vec<(&str, u64)> {
        let mut out: Vec<(&str, u64)> = self
            .source_names
            .iter()
            .zip(&self.source_shipments)
            .filter(|(_, n)| **n > 0)
            .map(|(s, &n)| (s.as_str(), n))
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        out
    }

    /// Shipments that are synthetic, and all shipments.
    pub fn synthetic_shipments(&self) -> (u64, u64) {
        let synthetic = self
            .source_shipments
            .iter()
            .zip(&self.source_synthetic)
            .filter(|(_, s)| **s)
            .map(|(n, _)| n)
            .sum();
        (synthetic, self.shipment_count() as u64)
    }

    /// Whether an entity's own record is synthetic (its `source`).
    pub fn is_synthetic_entity(&self, id: EntityId) -> bool {
        self.position_of(id).is_some_and(|p| {
            self.source_synthetic
                .get(self.entity_source[p as usize] as usize)
                .copied()
                .unwrap_or(false)
        })
    }

    /// The first and last shipment dates.
    pub fn date_span(&self) -> Option<(Day, Day)> {
        let n = self.shipment_count();
        (n > 0).then(|| (self.day_at(0), self.day_at(n - 1)))
    }

    /// Whether the entity at `pos` is listed, as of `day`, by any of `authorities`
    /// (`None`: by anyone).
    pub(crate) fn is_sanctioned(&self, pos: u32, day: Day, authorities: Option<&[bool]>) -> bool {
        self.sanctions[pos as usize].iter().any(|l| {
            l.covers(day)
                && authorities.is_none_or(|allowed| {
                    allowed.get(l.authority as usize).copied().unwrap_or(false)
                })
        })
    }

    pub(crate) fn kind_at(&self, pos: u32) -> EntityKind {
        self.entities[pos as usize].kind
    }
}
