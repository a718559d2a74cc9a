//! Identity in the store: merging two entities into one, splitting them again, and the
//! judgements ("the same", "not the same") that record who decided what, when and why.
//!
//! A merge does not rewrite rows. The merged entity keeps its row, its names and every
//! shipment, ownership link, listing, identifier and FtM id that names it, and points at the
//! entity it became through `merged_into`; whoever reads the store follows that pointer
//! (`load.rs`), so everything the merged entity had shows on the kept one. That makes an
//! unmerge exact, also after later imports (rows an import wrote for a name of the merged
//! entity name the merged entity, and go back with it), and keeps a merged key valid for
//! sessions saved before the merge. A judgement names entities by key, never by row id.

use crate::store::db::{OptionalExtension, params};

use super::{Store, StoreError};
use crate::model::EntityId;

/// Why a merge, unmerge or judgement was refused. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("no entity has the key {0:?}")]
    NoSuchKey(String),
    #[error("{0:?} cannot be merged into itself")]
    SameEntity(String),
    #[error(
        "{key:?} was already merged into {into:?}; name {into:?} instead, or unmerge {key:?} first"
    )]
    AlreadyMerged { key: String, into: String },
    #[error("{0:?} is not merged into another entity; there is nothing to unmerge")]
    NotMerged(String),
    #[error(
        "{keep:?} and {other:?} were judged not the same ({why}); record a merge only after \
         taking that back with `lading merge --force`"
    )]
    JudgedApart {
        keep: String,
        other: String,
        why: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a judgement says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Merge,
    Unmerge,
    NotSame,
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Verdict::Merge => "merge",
            Verdict::Unmerge => "unmerge",
            Verdict::NotSame => "not_same",
        }
    }

    fn parse(text: &str) -> Verdict {
        match text {
            "merge" => Verdict::Merge,
            "unmerge" => Verdict::Unmerge,
            _ => Verdict::NotSame,
        }
    }
}

/// One recorded decision about two entities.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Judgement {
    pub id: i64,
    pub verdict: Verdict,
    /// Merge: the kept entity; unmerge: the entity it was split from.
    pub a_key: String,
    /// Merge and unmerge: the entity merged away or split off.
    pub b_key: String,
    pub score: Option<f64>,
    pub reasons: String,
    pub why: String,
    pub who: String,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
}

/// Who and why, for a judgement.
#[derive(Clone, Debug, Default)]
pub struct Decision {
    pub why: String,
    pub who: String,
    /// The matcher's score and reasons when the decision answered a suggested pair.
    pub score: Option<f64>,
    pub reasons: String,
}

impl Decision {
    /// A decision by the user running Lading (`$USER`, else `$USERNAME`, else "unknown").
    pub fn by_current_user(why: &str) -> Decision {
        Decision {
            why: why.to_owned(),
            who: current_user(),
            ..Decision::default()
        }
    }
}

/// The name of the user running Lading, for judgements.
pub fn current_user() -> String {
    ["LADING_USER", "USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// What a merge did.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MergeOutcome {
    pub judgement: i64,
    pub kept: String,
    pub merged: String,
    pub shipments: u64,
    pub ownership: u64,
    pub listings: u64,
    pub names: u64,
    pub identifiers: u64,
}

/// A live entity's key, name and whether it is merged away (and into what).
struct Row {
    id: EntityId,
    key: String,
    merged_into: Option<EntityId>,
}

impl Store {
    fn entity_row(&self, key: &str) -> Result<Row, IdentityError> {
        self.conn
            .query_row(
                "SELECT id, key, merged_into FROM entity WHERE key = ?1",
                params![key.trim()],
                |r| {
                    Ok(Row {
                        id: r.get(0)?,
                        key: r.get(1)?,
                        merged_into: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or_else(|| IdentityError::NoSuchKey(key.trim().to_owned()))
    }

    fn key_of(&self, id: EntityId) -> Result<String, StoreError> {
        self.conn
            .query_row("SELECT key FROM entity WHERE id = ?1", params![id], |r| {
                r.get(0)
            })
            .map_err(|e| self.err(e))
    }

    /// The "not the same" judgement on this pair still in force, if any (its reason).
    pub fn judged_apart(&self, a: &str, b: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT why FROM judgement WHERE verdict = 'not_same'
                 AND ((a_key = ?1 AND b_key = ?2) OR (a_key = ?2 AND b_key = ?1))
                 ORDER BY id DESC LIMIT 1",
                params![a, b],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Every pair of keys judged not the same.
    pub fn not_same_pairs(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT a_key, b_key FROM judgement WHERE verdict = 'not_same'")
            .map_err(|e| self.err(e))?;
        stmt.query_map(params![], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?
            .collect::<crate::store::db::DbResult<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    /// Merges `other` into `keep`: from now on everything `other` had shows on `keep`. One
    /// transaction; refused (nothing written) for unknown keys, an entity merged into itself,
    /// either side already merged away, or a pair judged not the same (unless `force`).
    pub fn merge(
        &mut self,
        keep: &str,
        other: &str,
        decision: &Decision,
        force: bool,
    ) -> Result<MergeOutcome, IdentityError> {
        self.require("merge entities in this database", super::team::JUDGE_NEEDS)?;
        let k = self.entity_row(keep)?;
        let o = self.entity_row(other)?;
        if k.id == o.id {
            return Err(IdentityError::SameEntity(k.key));
        }
        for row in [&k, &o] {
            if let Some(into) = row.merged_into {
                return Err(IdentityError::AlreadyMerged {
                    key: row.key.clone(),
                    into: self.key_of(self.canon()?.of(into))?,
                });
            }
        }
        if !force && let Some(why) = self.judged_apart(&k.key, &o.key)? {
            return Err(IdentityError::JudgedApart {
                keep: k.key,
                other: o.key,
                why,
            });
        }
        let e = |err: crate::store::db::DbError| self.err(err);
        let tx = self.begin_write()?;
        let count = |sql: &str| -> Result<u64, StoreError> {
            tx.query_row(sql, params![o.id], |r| r.get::<i64>(0))
                .map(|n| n as u64)
                .map_err(|err| self.err(err))
        };
        // Everything counted is what `other` or anything merged into it holds.
        let family = "WITH RECURSIVE fam(id) AS (SELECT CAST(?1 AS BIGINT) UNION SELECT e.id FROM entity e JOIN fam ON e.merged_into = fam.id)";
        let shipments = count(&format!(
            "{family} SELECT count(*) FROM shipment WHERE shipper_id IN (SELECT id FROM fam) OR consignee_id IN (SELECT id FROM fam)"
        ))?;
        let ownership = count(&format!(
            "{family} SELECT count(*) FROM ownership WHERE parent_id IN (SELECT id FROM fam) OR child_id IN (SELECT id FROM fam)"
        ))?;
        let listings = count(&format!(
            "{family} SELECT count(*) FROM sanction WHERE entity_id IN (SELECT id FROM fam)"
        ))?;
        let names = count(&format!(
            "{family} SELECT (SELECT count(*) FROM fam) + (SELECT count(*) FROM alias WHERE entity_id IN (SELECT id FROM fam))"
        ))?;
        let identifiers = count(&format!(
            "{family} SELECT count(*) FROM identifier WHERE entity_id IN (SELECT id FROM fam)"
        ))?;
        tx.execute(
            "UPDATE entity SET merged_into = ?1 WHERE id = ?2",
            params![k.id, o.id],
        )
        .map_err(e)?;
        // The pair is decided: it leaves the review queue.
        tx.execute(
            "DELETE FROM review WHERE (a_id = ?1 AND b_id = ?2) OR (a_id = ?2 AND b_id = ?1)",
            params![k.id, o.id],
        )
        .map_err(e)?;
        let judgement =
            insert_judgement(&tx, Verdict::Merge, &k.key, &o.key, decision).map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(MergeOutcome {
            judgement,
            kept: k.key,
            merged: o.key,
            shipments,
            ownership,
            listings,
            names,
            identifiers,
        })
    }

    /// Splits `key` off the entity it was merged into: it is its own entity again, with
    /// everything that names it (also rows imported after the merge under one of its names).
    /// Returns the key it was split from.
    pub fn unmerge(&mut self, key: &str, decision: &Decision) -> Result<String, IdentityError> {
        self.require(
            "unmerge entities in this database",
            super::team::JUDGE_NEEDS,
        )?;
        let row = self.entity_row(key)?;
        let Some(into) = row.merged_into else {
            return Err(IdentityError::NotMerged(row.key));
        };
        let into_key = self.key_of(into)?;
        let e = |err: crate::store::db::DbError| self.err(err);
        let tx = self.begin_write()?;
        tx.execute(
            "UPDATE entity SET merged_into = NULL WHERE id = ?1",
            params![row.id],
        )
        .map_err(e)?;
        insert_judgement(&tx, Verdict::Unmerge, &into_key, &row.key, decision).map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(into_key)
    }

    /// Records that `a` and `b` are not the same: the pair leaves the review queue and does
    /// not come back in `duplicates`.
    pub fn judge_not_same(
        &mut self,
        a: &str,
        b: &str,
        decision: &Decision,
    ) -> Result<i64, IdentityError> {
        self.require(
            "record judgements in this database",
            super::team::JUDGE_NEEDS,
        )?;
        let ra = self.entity_row(a)?;
        let rb = self.entity_row(b)?;
        if ra.id == rb.id {
            return Err(IdentityError::SameEntity(ra.key));
        }
        let e = |err: crate::store::db::DbError| self.err(err);
        let tx = self.begin_write()?;
        tx.execute(
            "DELETE FROM review WHERE (a_id = ?1 AND b_id = ?2) OR (a_id = ?2 AND b_id = ?1)",
            params![ra.id, rb.id],
        )
        .map_err(e)?;
        let id = insert_judgement(&tx, Verdict::NotSame, &ra.key, &rb.key, decision).map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(id)
    }

    /// Every judgement, oldest first.
    pub fn judgements(&self) -> Result<Vec<Judgement>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, verdict, a_key, b_key, score, reasons, why, who, at
                 FROM judgement ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map(params![], |r| {
            Ok(Judgement {
                id: r.get(0)?,
                verdict: Verdict::parse(r.get_ref(1)?.as_str()?),
                a_key: r.get(2)?,
                b_key: r.get(3)?,
                score: r.get(4)?,
                reasons: r.get(5)?,
                why: r.get(6)?,
                who: r.get(7)?,
                at: r.get(8)?,
            })
        })
        .map_err(|e| self.err(e))?
        .collect::<crate::store::db::DbResult<Vec<_>>>()
        .map_err(|e| self.err(e))
    }

    /// The pairs imports were unsure of, best first: `(a, b, score, reasons)`, live entities only.
    pub fn review_pairs(&self) -> Result<Vec<(EntityId, EntityId, f64, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.a_id, r.b_id, r.score, r.reasons FROM review r
                 JOIN entity a ON a.id = r.a_id JOIN entity b ON b.id = r.b_id
                 WHERE a.merged_into IS NULL AND b.merged_into IS NULL
                 ORDER BY r.score DESC, r.a_id, r.b_id",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map(params![], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .map_err(|e| self.err(e))?
        .collect::<crate::store::db::DbResult<Vec<_>>>()
        .map_err(|e| self.err(e))
    }

    /// Identifiers of every entity, `(entity, scheme, value)`, by entity.
    pub fn identifiers(&self) -> Result<Vec<(EntityId, String, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT entity_id, scheme, value FROM identifier ORDER BY entity_id, scheme, value",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map(params![], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(|e| self.err(e))?
            .collect::<crate::store::db::DbResult<Vec<_>>>()
            .map_err(|e| self.err(e))
    }
}

impl Store {
    /// Every live entity with all its names (its own, its aliases, and those of entities merged
    /// into it), identifiers and country: the input of [`crate::identity::find_duplicates`].
    pub fn identity_candidates(&self) -> Result<Vec<crate::identity::Candidate>, StoreError> {
        use crate::identity::Candidate;
        use crate::names::identifiers::{Identifier, Scheme};
        let e = |err: crate::store::db::DbError| self.err(err);
        let canon = self.canon()?;
        let mut out: Vec<Candidate> = Vec::new();
        let mut at: std::collections::HashMap<EntityId, usize> = std::collections::HashMap::new();
        let mut merged_names: Vec<(EntityId, String)> = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare("SELECT id, key, name, country, merged_into FROM entity ORDER BY id")
                .map_err(e)?;
            let mut rows = stmt.query(params![]).map_err(e)?;
            while let Some(r) = rows.next().map_err(e)? {
                let id: EntityId = r.get(0).map_err(e)?;
                let name: String = r.get(2).map_err(e)?;
                if r.get::<Option<EntityId>>(4).map_err(e)?.is_some() {
                    merged_names.push((canon.of(id), name));
                    continue;
                }
                at.insert(id, out.len());
                out.push(Candidate {
                    id,
                    key: r.get(1).map_err(e)?,
                    names: vec![name.clone()],
                    name,
                    identifiers: Vec::new(),
                    country: r.get(3).map_err(e)?,
                });
            }
        }
        for (id, name) in merged_names {
            if let Some(&i) = at.get(&id) {
                out[i].names.push(name);
            }
        }
        let mut stmt = self
            .conn
            .prepare("SELECT entity_id, name FROM alias ORDER BY entity_id, rowid")
            .map_err(e)?;
        let mut rows = stmt.query(params![]).map_err(e)?;
        while let Some(r) = rows.next().map_err(e)? {
            if let Some(&i) = at.get(&canon.of(r.get(0).map_err(e)?)) {
                let name: String = r.get(1).map_err(e)?;
                if !out[i].names.contains(&name) {
                    out[i].names.push(name);
                }
            }
        }
        for (id, scheme, value) in self.identifiers()? {
            if let (Some(&i), Some(scheme)) = (at.get(&canon.of(id)), Scheme::from_label(&scheme)) {
                let ident = Identifier { scheme, value };
                if !out[i].identifiers.contains(&ident) {
                    out[i].identifiers.push(ident);
                }
            }
        }
        Ok(out)
    }

    /// Pairs of live entities one of which owns the other.
    pub fn ownership_pairs(
        &self,
    ) -> Result<std::collections::HashSet<(EntityId, EntityId)>, StoreError> {
        let canon = self.canon()?;
        let mut stmt = self
            .conn
            .prepare("SELECT parent_id, child_id FROM ownership")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![], |r| {
                Ok((r.get::<EntityId>(0)?, r.get::<EntityId>(1)?))
            })
            .map_err(|e| self.err(e))?;
        let mut out = std::collections::HashSet::new();
        for row in rows {
            let (p, c) = row.map_err(|e| self.err(e))?;
            out.insert((canon.of(p), canon.of(c)));
        }
        Ok(out)
    }
}

fn insert_judgement(
    tx: &crate::store::db::Tx<'_>,
    verdict: Verdict,
    a: &str,
    b: &str,
    d: &Decision,
) -> crate::store::db::DbResult<i64> {
    tx.execute(
        "INSERT INTO judgement (verdict, a_key, b_key, score, reasons, why, who, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            verdict.as_str(),
            a,
            b,
            d.score,
            d.reasons,
            d.why,
            d.who,
            jiff::Timestamp::now()
                .strftime("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        ],
    )?;
    Ok(tx.last_insert_rowid())
}
