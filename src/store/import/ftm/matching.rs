//! Matching an FtM entity to one that existed before the import: by spelling (the CSV
//! import's tiers 3-4), by identifier, by name; and enriching the match with what the file
//! adds (aliases, identifiers, the FtM id, the state-owned flag).

use super::{Fail, MatchedBy, NodeData, country_bytes};
use crate::model::{EntityId, normalize_name};
use crate::names::identifiers::Scheme;
use crate::store::db::{DbResult, OptionalExtension, params};

impl<'t> super::Run<'t> {
    /// Tiers 3-4 of the CSV import (`resolver.rs`) for an FtM entity: its names, identifiers
    /// and country against every entity that existed before the import.
    #[allow(clippy::type_complexity)]
    pub(super) fn by_spelling(
        &mut self,
        node: &NodeData<'_>,
    ) -> DbResult<(
        Option<(EntityId, MatchedBy, String)>,
        Option<(EntityId, f64, String)>,
    )> {
        if self.fuzzy.is_none() {
            let canon = crate::store::Canon::read(self.tx)?;
            self.fuzzy = Some(crate::store::import::resolver::Fuzzy::load(
                self.tx, &canon,
            )?);
        }
        let Some(fuzzy) = self.fuzzy.as_ref() else {
            return Ok((None, None));
        };
        let names: Vec<&str> = std::iter::once(node.name.as_str())
            .chain(node.aliases.iter().copied())
            .collect();
        if names.iter().all(|n| crate::names::match_key(n).is_empty()) {
            return Ok((None, None));
        }
        let ids: Vec<crate::names::Identifier> = node
            .identifiers
            .iter()
            .filter_map(|(scheme, value)| {
                Scheme::from_label(scheme).map(|scheme| crate::names::Identifier {
                    scheme,
                    value: value.clone(),
                })
            })
            .collect();
        let country = node
            .countries
            .first()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .unwrap_or_default();
        let party = crate::names::Party::new(&names, &ids, &country);
        let (best, second) = fuzzy.best(&party, &names, self.max_before);
        let Some((entity, cmp)) = best else {
            return Ok((None, None));
        };
        let reasons = cmp.reasons.join("; ");
        if crate::store::import::resolver::Fuzzy::decisive(cmp.score, second) {
            return Ok((Some((entity, MatchedBy::Spelling, reasons)), None));
        }
        if cmp.score >= crate::names::REVIEW_THRESHOLD {
            return Ok((None, Some((entity, cmp.score, reasons))));
        }
        Ok((None, None))
    }

    pub(super) fn by_identifier(
        &self,
        node: &NodeData<'_>,
    ) -> DbResult<Option<(EntityId, MatchedBy, String)>> {
        let mut stmt = self.tx.prepare(
            "SELECT i.entity_id, e.country FROM identifier i JOIN entity e ON e.id = i.entity_id
             WHERE i.scheme = ?1 AND i.value = ?2 ORDER BY i.entity_id",
        )?;
        for (scheme, value) in &node.identifiers {
            let country_scoped = !Scheme::from_label(scheme).is_some_and(|s| s.is_global());
            let mut rows = stmt.query(params![scheme, value])?;
            while let Some(r) = rows.next()? {
                let entity: EntityId = r.get(0)?;
                let country = country_bytes(r.get_ref(1)?.as_str()?);
                if !country_scoped || node.countries.is_empty() || node.countries.contains(&country)
                {
                    let on = format!("{scheme} {value}");
                    return Ok(Some((entity, MatchedBy::Identifier, on)));
                }
            }
        }
        Ok(None)
    }

    pub(super) fn by_name(&self, node: &NodeData<'_>) -> Option<(EntityId, MatchedBy, String)> {
        let own = std::iter::once(node.name.as_str()).chain(node.aliases.iter().copied());
        for n in own {
            let Some(list) = self.names.get(&normalize_name(n)) else {
                continue;
            };
            for (entity, country) in list {
                let same = if node.countries.is_empty() {
                    *country == [0, 0]
                } else {
                    node.countries.contains(country)
                };
                if same {
                    let c = String::from_utf8_lossy(country).replace('\0', "");
                    let on = if c.is_empty() {
                        n.to_owned()
                    } else {
                        format!("{n} ({c})")
                    };
                    return Some((*entity, MatchedBy::NameCountry, on));
                }
            }
        }
        None
    }

    /// Adds what an FtM entity knows to a Lading entity: aliases, identifiers, its ids, and
    /// (`mark_soe`) the state-owned flag.
    pub(super) fn enrich(
        &mut self,
        entity: EntityId,
        node: &NodeData<'_>,
        mark_soe: bool,
    ) -> Result<(), Fail> {
        let current: String = self
            .tx
            .prepare("SELECT name FROM entity WHERE id = ?1")?
            .query_row(params![entity], |r| r.get(0))?;
        let mut alias = self.tx.prepare(
            "INSERT INTO alias (entity_id, name) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )?;
        for a in std::iter::once(node.name.as_str()).chain(node.aliases.iter().copied()) {
            let a = a.split_whitespace().collect::<Vec<_>>().join(" ");
            if !a.is_empty() && a != current {
                alias.execute(params![entity, a])?;
            }
        }
        let mut ident = self.tx.prepare(
            "INSERT INTO identifier (scheme, value, entity_id) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        )?;
        for (scheme, value) in &node.identifiers {
            ident.execute(params![scheme, value, entity])?;
        }
        let mut ftm = self.tx.prepare(
            "INSERT INTO entity_ftm (ftm_id, entity_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )?;
        for id in std::iter::once(node.id).chain(node.referents.iter().copied()) {
            ftm.execute(params![id, entity])?;
        }
        if mark_soe {
            self.tx
                .prepare("UPDATE entity SET state_owned = 1 WHERE id = ?1 AND state_owned = 0")?
                .execute(params![entity])?;
        }
        Ok(())
    }

    pub(super) fn entity_by_ftm_id(&self, id: &str) -> DbResult<Option<EntityId>> {
        self.tx
            .prepare("SELECT entity_id FROM entity_ftm WHERE ftm_id = ?1")?
            .query_row(params![id], |r| r.get(0))
            .optional()
    }

    pub(super) fn unique_key(&self, base: &str) -> DbResult<String> {
        let base = if base.is_empty() { "entity" } else { base };
        let mut stmt = self
            .tx
            .prepare("SELECT EXISTS (SELECT 1 FROM entity WHERE key = ?1)")?;
        let mut candidate = base.to_owned();
        let mut n = 2;
        while stmt.query_row(params![&candidate], |r| r.get::<bool>(0))? {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        Ok(candidate)
    }
}
