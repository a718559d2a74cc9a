//! The in-memory shipment index the filter runs on.
//!
//! Built once from a [`Dataset`], it holds shipments as columns sorted by date, each pointing
//! at its shipper → consignee *pair* (the future trade link), so a filter is a binary search
//! for the date range and one pass over that slice that adds each passing shipment into its
//! pair's aggregate. Entities are addressed by dense positions (`u32`), not row ids.
//! About 26 bytes a shipment: a million shipments take about 26 MB.

use std::collections::HashMap;

use crate::date::Day;
use crate::model::{Entity, EntityId, EntityKind, Sanction};
use crate::store::Dataset;

/// Part types beyond this many share the last bit of a [`crate::filter::PartSet`].
pub const MAX_PART_BITS: usize = 64;

/// The index. Cheap to query, immutable once built.
#[derive(Debug, Default)]
pub struct ShipmentIndex {
    /// Entities by position, sorted by id.
    pub(crate) entities: Vec<Entity>,
    position: rustc_hash::FxHashMap<EntityId, u32>,
    /// Interned country per entity (index into `countries`).
    pub(crate) country: Vec<u16>,
    pub(crate) countries: Vec<String>,
    /// For each entity position, the positions of its owners.
    pub(crate) owners: Vec<Vec<u32>>,
    /// For each entity position, the positions of what it owns.
    pub(crate) owned: Vec<Vec<u32>>,
    /// Listings by entity position.
    pub(crate) sanctions: Vec<Vec<Listing>>,
    pub(crate) authorities: Vec<String>,
    /// Full listings, for panels.
    pub(crate) listings: Vec<Sanction>,

    /// Shipments sorted by (day, row id).
    pub(crate) day: Vec<Day>,
    pub(crate) pair: Vec<u32>,
    pub(crate) part: Vec<u8>,
    pub(crate) value_usd: Vec<f64>,
    pub(crate) row_id: Vec<i64>,
    /// (shipper, consignee) positions of each pair, sorted.
    pub(crate) pairs: Vec<(u32, u32)>,
    /// Part type names, sorted; a shipment's `part` indexes this (capped at 63).
    pub(crate) part_names: Vec<String>,
    /// Where each shipment came from: an index into `source_names`.
    pub(crate) source: Vec<u32>,
    pub(crate) source_names: Vec<String>,
    /// Keys of entities merged into others → the live entity they became.
    merged_keys: std::collections::HashMap<String, EntityId>,
    /// Shipments not indexed because a merge made their two parties one.
    pub internal_after_merge: u64,
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
            shipments,
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

        let mut owners = vec![Vec::new(); n];
        let mut owned = vec![Vec::new(); n];
        for o in &ownership {
            if let (Some(&p), Some(&c)) = (position.get(&o.parent), position.get(&o.child)) {
                owners[c as usize].push(p);
                owned[p as usize].push(c);
            }
        }

        let mut authorities: Vec<String> = sanctions.iter().map(|s| s.authority.clone()).collect();
        authorities.sort();
        authorities.dedup();
        let mut by_entity = vec![Vec::new(); n];
        for s in &sanctions {
            if let Some(&p) = position.get(&s.entity) {
                by_entity[p as usize].push(Listing {
                    authority: authorities.binary_search(&s.authority).unwrap_or(0) as u16,
                    listed_on: s.listed_on,
                    delisted_on: s.delisted_on,
                });
            }
        }

        // Shipments: drop those whose parties are unknown, sort by date, intern pairs.
        let count = shipments.len();
        let mut order: Vec<u32> = (0..count as u32)
            .filter(|&i| {
                let i = i as usize;
                position.contains_key(&shipments.shipper[i])
                    && position.contains_key(&shipments.consignee[i])
            })
            .collect();
        order.sort_unstable_by_key(|&i| (shipments.day[i as usize], shipments.id[i as usize]));
        let mut pair_of: HashMap<(u32, u32), u32> = HashMap::new();
        let mut raw_pairs: Vec<(u32, u32)> = Vec::new();
        let mut pair = Vec::with_capacity(order.len());
        for &i in &order {
            let i = i as usize;
            let key = (
                position[&shipments.shipper[i]],
                position[&shipments.consignee[i]],
            );
            let id = *pair_of.entry(key).or_insert_with(|| {
                raw_pairs.push(key);
                (raw_pairs.len() - 1) as u32
            });
            pair.push(id);
        }
        // Renumber pairs in sorted order so link order does not depend on row order.
        let mut sorted: Vec<u32> = (0..raw_pairs.len() as u32).collect();
        sorted.sort_unstable_by_key(|&p| raw_pairs[p as usize]);
        let mut renumber = vec![0u32; raw_pairs.len()];
        for (new, &old) in sorted.iter().enumerate() {
            renumber[old as usize] = new as u32;
        }
        for p in &mut pair {
            *p = renumber[*p as usize];
        }
        let pairs = sorted.iter().map(|&p| raw_pairs[p as usize]).collect();

        let cap = (MAX_PART_BITS - 1) as u16;
        ShipmentIndex {
            merged_keys,
            internal_after_merge,
            day: order.iter().map(|&i| shipments.day[i as usize]).collect(),
            part: order
                .iter()
                .map(|&i| shipments.part[i as usize].min(cap) as u8)
                .collect(),
            value_usd: order
                .iter()
                .map(|&i| shipments.value_usd[i as usize])
                .collect(),
            row_id: order.iter().map(|&i| shipments.id[i as usize]).collect(),
            source: order
                .iter()
                .map(|&i| shipments.source.get(i as usize).copied().unwrap_or(0))
                .collect(),
            source_names: shipments.source_names,
            pair,
            pairs,
            part_names: shipments.part_names,
            entities,
            position,
            country,
            countries,
            owners,
            owned,
            sanctions: by_entity,
            authorities,
            listings: sanctions,
        }
    }

    /// Number of shipments indexed.
    pub fn shipment_count(&self) -> usize {
        self.day.len()
    }

    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// Keys of entities merged into others, with the live entity each became.
    pub fn merged_keys(&self) -> impl Iterator<Item = (&str, EntityId)> {
        self.merged_keys.iter().map(|(k, &id)| (k.as_str(), id))
    }

    /// The entity with this row id.
    pub fn entity(&self, id: EntityId) -> Option<&Entity> {
        self.position.get(&id).map(|&p| &self.entities[p as usize])
    }

    pub(crate) fn position_of(&self, id: EntityId) -> Option<u32> {
        self.position.get(&id).copied()
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
        self.listings.iter().filter(|s| s.entity == id).collect()
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

    /// The first and last shipment dates.
    pub fn date_span(&self) -> Option<(Day, Day)> {
        Some((*self.day.first()?, *self.day.last()?))
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
