//! What the inspector shows of an entity's identity: every alias with where it came from
//! (the file and the matcher's reasons, for a spelling an import matched), its identifiers,
//! and the keys of the entities merged into it, each also through merges of merges.

use crate::store::db::params;

use super::{Store, StoreError};
use crate::model::EntityId;

/// An alias and where it came from ("" when not recorded).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AliasRecord {
    pub name: String,
    pub source: String,
    pub reason: String,
}

/// An entity's names, identifiers and merged keys, with those of everything merged into it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EntityNames {
    pub aliases: Vec<AliasRecord>,
    /// `(scheme, value)`, sorted.
    pub identifiers: Vec<(String, String)>,
    /// Keys and names of the entities merged into this one, sorted by key.
    pub merged_from: Vec<(String, String)>,
}

/// The entity and everything merged into it, directly or through other merges.
const FAMILY: &str = "WITH RECURSIVE fam(id) AS (SELECT CAST(?1 AS BIGINT) UNION SELECT e.id FROM entity e JOIN fam ON e.merged_into = fam.id)";

impl Store {
    /// The aliases (with sources), identifiers and merged keys of entity `id`.
    pub fn entity_names(&self, id: EntityId) -> Result<EntityNames, StoreError> {
        let e = |err: crate::store::db::DbError| self.err(err);
        let mut out = EntityNames::default();
        let mut stmt = self
            .conn
            .prepare(&format!(
                "{FAMILY} SELECT name, source, reason FROM alias WHERE entity_id IN (SELECT id FROM fam) ORDER BY rowid"
            ))
            .map_err(e)?;
        out.aliases = stmt
            .query_map(params![id], |r| {
                Ok(AliasRecord {
                    name: r.get(0)?,
                    source: r.get(1)?,
                    reason: r.get(2)?,
                })
            })
            .map_err(e)?
            .collect::<crate::store::db::DbResult<_>>()
            .map_err(e)?;
        let mut stmt = self
            .conn
            .prepare(&format!(
                "{FAMILY} SELECT DISTINCT scheme, value FROM identifier WHERE entity_id IN (SELECT id FROM fam) ORDER BY scheme, value"
            ))
            .map_err(e)?;
        out.identifiers = stmt
            .query_map(params![id], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(e)?
            .collect::<crate::store::db::DbResult<_>>()
            .map_err(e)?;
        let mut stmt = self
            .conn
            .prepare(&format!(
                "{FAMILY} SELECT key, name FROM entity WHERE id IN (SELECT id FROM fam) AND id != ?1 ORDER BY key"
            ))
            .map_err(e)?;
        out.merged_from = stmt
            .query_map(params![id], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(e)?
            .collect::<crate::store::db::DbResult<_>>()
            .map_err(e)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::identity::Decision;

    #[test]
    fn names_identifiers_and_merged_keys_follow_merges() {
        let mut store = Store::in_memory().unwrap();
        crate::sample::import_sample(&mut store).unwrap();
        let plant = store
            .find_entity("ulan-ude-aviation-plant")
            .unwrap()
            .unwrap();
        let before = store.entity_names(plant).unwrap();
        assert!(before.merged_from.is_empty());
        assert!(
            before
                .identifiers
                .contains(&("INN".into(), "0323018510".into())),
            "{before:?}"
        );
        let copy = store
            .insert_entity(
                "uuap-copy",
                "U-UAP copy",
                crate::model::EntityKind::Company,
                "RU",
                false,
            )
            .unwrap();
        store
            .merge(
                "ulan-ude-aviation-plant",
                "uuap-copy",
                &Decision::default(),
                false,
            )
            .unwrap();
        let after = store.entity_names(plant).unwrap();
        assert_eq!(
            after.merged_from,
            vec![("uuap-copy".to_owned(), "U-UAP copy".to_owned())]
        );
        assert_eq!(after.aliases, before.aliases);
        assert!(store.entity_names(copy).unwrap().merged_from.is_empty());
    }
}
