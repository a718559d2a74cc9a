//! Plain data: entities, ownership links, shipments and sanctions listings.
//!
//! Nothing here knows SQLite, egui or the filter. Identifiers are the store's row ids
//! ([`EntityId`]); the stable, user-visible identity of an entity is its `key`, which
//! sessions and exports use so they survive a re-import.

use serde::{Deserialize, Serialize};

use crate::date::Day;

/// Row id of an entity in the store. Stable within one database, not across re-imports:
/// use [`Entity::key`] for anything saved.
pub type EntityId = i64;

/// What an entity is in the ownership hierarchy. Drawn as a different shape each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A state body that owns companies: SASAC, Rostec.
    StateOwner,
    /// A parent company or subsidiary inside a state group: China Poly Group, Russian Helicopters.
    Subsidiary,
    /// A factory: Ulan-Ude Aviation Plant, UEC-Klimov.
    Plant,
    /// Any other company, including the ones an import creates for unknown names.
    Company,
}

impl EntityKind {
    pub const ALL: [EntityKind; 4] = [
        EntityKind::StateOwner,
        EntityKind::Subsidiary,
        EntityKind::Plant,
        EntityKind::Company,
    ];

    /// The name stored in the database and written in CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::StateOwner => "state_owner",
            EntityKind::Subsidiary => "subsidiary",
            EntityKind::Plant => "plant",
            EntityKind::Company => "company",
        }
    }

    /// A human label for legends and panels.
    pub fn label(self) -> &'static str {
        match self {
            EntityKind::StateOwner => "State owner",
            EntityKind::Subsidiary => "Parent or subsidiary",
            EntityKind::Plant => "Plant",
            EntityKind::Company => "Other company",
        }
    }

    /// Parses a kind, accepting the synonyms data files use.
    pub fn parse(text: &str) -> Option<EntityKind> {
        let t = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Some(match t.as_str() {
            "state_owner" | "state_parent" | "state" | "state_body" | "government" => {
                EntityKind::StateOwner
            }
            "subsidiary" | "parent" | "group" | "holding" => EntityKind::Subsidiary,
            "plant" | "factory" | "works" => EntityKind::Plant,
            "company" | "other" | "" => EntityKind::Company,
            _ => return None,
        })
    }
}

impl std::fmt::Display for EntityKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A company, plant or state body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub id: EntityId,
    /// Stable external key, unique: "poly-technologies".
    pub key: String,
    pub name: String,
    pub kind: EntityKind,
    /// ISO 3166-1 alpha-2, upper case; empty when unknown.
    pub country: String,
    pub state_owned: bool,
    /// Other names, in any script, in the order they were imported.
    pub aliases: Vec<String>,
    pub source: String,
}

/// Owner → owned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ownership {
    pub parent: EntityId,
    pub child: EntityId,
    /// Share in percent, when known.
    pub share_pct: Option<f64>,
    pub start: Option<Day>,
    pub end: Option<Day>,
    pub source: String,
}

/// One customs record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shipment {
    pub id: i64,
    pub date: Day,
    pub shipper: EntityId,
    pub consignee: EntityId,
    /// Normalised part type: "Mi-171E", "Mi-171Sh", "radio", … or "other".
    pub part_type: String,
    pub description: String,
    pub hs_code: String,
    pub quantity: Option<f64>,
    pub unit: String,
    pub value_usd: Option<f64>,
    /// The record id in the source: bill of lading, declaration number.
    pub source_ref: String,
    pub source: String,
    /// Columns of the imported row that no field took, as a JSON object (`{"Port of
    /// Loading": "Tianjin"}`); "" when none. Kept so nothing in a file is dropped.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub extra: String,
}

impl Shipment {
    /// The kept columns as (header, value) pairs, sorted by header.
    pub fn extra_columns(&self) -> Vec<(String, String)> {
        match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&self.extra) {
            Ok(map) => map
                .into_iter()
                .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// One listing of one entity by one authority.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sanction {
    pub entity: EntityId,
    /// "OFAC", "EU", "UK", "US-State", "US-BIS", "JP", …
    pub authority: String,
    pub program: String,
    pub listed_on: Day,
    pub delisted_on: Option<Day>,
    pub reason: String,
    pub source: String,
}

impl Sanction {
    /// Whether this listing is in force on `day`.
    pub fn covers(&self, day: Day) -> bool {
        self.listed_on <= day && self.delisted_on.is_none_or(|end| day < end)
    }
}

/// Normalises a name for matching: lower case, whitespace runs folded to one space, trimmed.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Positions in a sorted list of distinct ids, by id, from a table over the ids' span: no
/// hashing for each link's ends at every scene. `None` when the ids are not sorted and
/// distinct or spread over more than four times their number (then a map does it).
#[derive(Clone, Debug, Default)]
pub struct SlotTable {
    first: EntityId,
    slots: Vec<u32>,
}

impl SlotTable {
    pub fn new(ids: &[EntityId]) -> Option<SlotTable> {
        let (&first, &last) = (ids.first()?, ids.last()?);
        if ids.len() >= u32::MAX as usize || !ids.windows(2).all(|w| w[0] < w[1]) {
            return None;
        }
        let span = usize::try_from(last.checked_sub(first)?)
            .ok()?
            .checked_add(1)?;
        if span > 4 * ids.len() + 1024 {
            return None;
        }
        let mut slots = vec![u32::MAX; span];
        for (i, &id) in ids.iter().enumerate() {
            slots[(id - first) as usize] = i as u32;
        }
        Some(SlotTable { first, slots })
    }

    #[inline]
    pub fn get(&self, id: EntityId) -> Option<u32> {
        let k = usize::try_from(id.checked_sub(self.first)?).ok()?;
        self.slots.get(k).copied().filter(|&s| s != u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_case_and_space_in_any_script() {
        assert_eq!(
            normalize_name("  Poly   Technologies,  Inc. "),
            "poly technologies, inc."
        );
        assert_eq!(
            normalize_name("Улан-Удэнский  АВИАЦИОННЫЙ завод"),
            "улан-удэнский авиационный завод"
        );
        assert_eq!(normalize_name("保利科技有限公司"), "保利科技有限公司");
    }

    #[test]
    fn kind_parses_synonyms_and_rejects_unknown() {
        assert_eq!(
            EntityKind::parse("State Parent"),
            Some(EntityKind::StateOwner)
        );
        assert_eq!(EntityKind::parse("plant"), Some(EntityKind::Plant));
        assert_eq!(EntityKind::parse("spaceship"), None);
    }

    #[test]
    fn slot_tables_find_sorted_ids_and_refuse_the_rest() {
        let ids = [3, 4, 9, 10, 200];
        let t = SlotTable::new(&ids).unwrap();
        for (slot, &id) in ids.iter().enumerate() {
            assert_eq!(t.get(id), Some(slot as u32));
        }
        for id in [i64::MIN, -1, 2, 5, 11, 199, 201, i64::MAX] {
            assert_eq!(t.get(id), None, "{id}");
        }
        assert!(SlotTable::new(&[]).is_none());
        assert!(SlotTable::new(&[4, 3]).is_none(), "unsorted");
        assert!(SlotTable::new(&[3, 3, 4]).is_none(), "repeated");
        assert!(
            SlotTable::new(&[i64::MIN, i64::MAX]).is_none(),
            "span overflows"
        );
        assert!(SlotTable::new(&[0, 1, 1_000_000]).is_none(), "sparse");
    }
}
