//! Finding entities in a database that may be one: blocking, then comparison.
//!
//! Comparing every pair of a million entities is 5 × 10¹¹ comparisons; blocking compares only
//! pairs that share a *block key*: a distinctive word of a name, a number, the name without
//! spaces, its initials, or an identifier ([`crate::names::block_keys`]). A key shared by more
//! than [`MAX_BLOCK`] entities ("plant", "group") is too common to say anything and is
//! skipped, so the work stays bounded whatever the data; such entities still meet through
//! their rarer keys. The pairs are scored on all cores with [`crate::names::score`] (no
//! allocation), and the ones at or above the threshold compared again with reasons.
//!
//! Plain Rust: the store gives the candidates ([`crate::store::Store::identity_candidates`]),
//! this module gives the pairs; the command line and the window's Duplicates view show them.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;

use crate::model::EntityId;
use crate::names::identifiers::Identifier;
use crate::names::{self, Party};

/// A block key shared by more entities than this is skipped.
pub const MAX_BLOCK: usize = 1_000;
/// How many of its rarest keys an entity is paired through.
pub const RAREST_KEYS: usize = 3;

/// One live entity as the duplicate search sees it.
#[derive(Clone, Debug, Default)]
pub struct Candidate {
    pub id: EntityId,
    pub key: String,
    pub name: String,
    /// The name first, then every alias and the names of entities merged into it.
    pub names: Vec<String>,
    pub identifiers: Vec<Identifier>,
    pub country: String,
}

/// One side of a pair, as `lading duplicates --json` prints it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Side {
    pub key: String,
    pub name: String,
}

/// Two entities that may be one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pair {
    pub a: Side,
    pub b: Side,
    pub score: f64,
    pub reasons: Vec<String>,
    /// Row ids, for the window (not printed).
    #[serde(skip)]
    pub ids: (EntityId, EntityId),
}

/// What the search did, for the note under its results.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SearchStats {
    pub entities: usize,
    pub blocks: usize,
    /// Keys shared by more than [`MAX_BLOCK`] entities, skipped.
    pub skipped_blocks: usize,
    pub pairs_compared: usize,
}

/// The pairs of `candidates` scoring at least `min_score`, best first (then by keys), less the
/// pairs in `apart` (judged not the same, by key, either order) and in `linked` (one owns the
/// other: a parent and its subsidiary are two companies however alike their names).
pub fn find_duplicates(
    candidates: &[Candidate],
    min_score: f64,
    apart: &HashSet<(String, String)>,
    linked: &HashSet<(EntityId, EntityId)>,
) -> (Vec<Pair>, SearchStats) {
    let parties: Vec<Party> = candidates
        .par_iter()
        .map(|c| {
            let names: Vec<&str> = c.names.iter().map(String::as_str).collect();
            Party::new(&names, &c.identifiers, &c.country)
        })
        .collect();
    let keys: Vec<Vec<String>> = candidates
        .par_iter()
        .map(|c| {
            let mut keys: Vec<String> = c
                .names
                .iter()
                .flat_map(|n| names::block_keys(&names::analyse(n)))
                .collect();
            keys.extend(c.identifiers.iter().map(|id| format!("id:{id}")));
            keys.sort_unstable();
            keys.dedup();
            keys
        })
        .collect();
    let mut blocks: HashMap<&str, Vec<u32>> = HashMap::new();
    for (i, ks) in keys.iter().enumerate() {
        for k in ks {
            blocks.entry(k.as_str()).or_default().push(i as u32);
        }
    }
    let mut stats = SearchStats {
        entities: candidates.len(),
        blocks: blocks.len(),
        ..SearchStats::default()
    };
    stats.skipped_blocks = blocks.values().filter(|l| l.len() > MAX_BLOCK).count();
    // Each entity meets the others through its RAREST_KEYS rarest usable keys: the full
    // name without spaces, a number or an uncommon word say more than a common word, and
    // this bounds the pairs by the size of small blocks rather than of large ones.
    let mut pairs: Vec<u64> = keys
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, ks)| {
            let mut usable: Vec<&Vec<u32>> = ks
                .iter()
                .filter_map(|k| blocks.get(k.as_str()))
                .filter(|l| l.len() > 1 && l.len() <= MAX_BLOCK)
                .collect();
            usable.sort_by_key(|l| l.len());
            let i = i as u32;
            usable
                .into_iter()
                .take(RAREST_KEYS)
                .flat_map(move |l| l.iter().copied().filter(move |&j| j != i))
                .map(move |j| {
                    let (a, b) = if i < j { (i, j) } else { (j, i) };
                    (u64::from(a) << 32) | u64::from(b)
                })
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    stats.pairs_compared = pairs.len();
    let mut found: Vec<Pair> = pairs
        .par_iter()
        .filter_map(|&p| {
            let (i, j) = ((p >> 32) as usize, (p & 0xffff_ffff) as usize);
            let (a, b) = (&candidates[i], &candidates[j]);
            if linked.contains(&(a.id, b.id)) || linked.contains(&(b.id, a.id)) {
                return None;
            }
            if names::score(&parties[i], &parties[j]) < min_score {
                return None;
            }
            if apart.contains(&(a.key.clone(), b.key.clone()))
                || apart.contains(&(b.key.clone(), a.key.clone()))
            {
                return None;
            }
            let cmp = names::compare(&parties[i], &parties[j]);
            Some(Pair {
                a: Side {
                    key: a.key.clone(),
                    name: a.name.clone(),
                },
                b: Side {
                    key: b.key.clone(),
                    name: b.name.clone(),
                },
                score: cmp.score,
                reasons: cmp.reasons,
                ids: (a.id, b.id),
            })
        })
        .collect();
    found.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then_with(|| x.a.key.cmp(&y.a.key))
            .then_with(|| x.b.key.cmp(&y.b.key))
    });
    (found, stats)
}

/// The pairs of entities in `store` that may be one, best first: found by blocking and
/// comparison ([`find_duplicates`]), plus the pairs imports put in the review queue, less the
/// pairs judged not the same. What `lading duplicates` prints and the Duplicates view lists.
pub fn review_list(
    store: &crate::store::Store,
    min_score: f64,
) -> Result<(Vec<Pair>, SearchStats), crate::store::StoreError> {
    let candidates = store.identity_candidates()?;
    review_list_of(store, &candidates, min_score)
}

/// [`review_list`] over candidates already read (the window keeps them for the identifiers).
pub fn review_list_of(
    store: &crate::store::Store,
    candidates: &[Candidate],
    min_score: f64,
) -> Result<(Vec<Pair>, SearchStats), crate::store::StoreError> {
    let apart: HashSet<(String, String)> = store.not_same_pairs()?.into_iter().collect();
    let linked = store.ownership_pairs()?;
    let (mut pairs, stats) = find_duplicates(candidates, min_score, &apart, &linked);
    // Pairs an import flagged that the search did not find (a score below the threshold
    // now, or keys too common to block on) stay listed: nobody has decided them yet.
    let seen: HashSet<(EntityId, EntityId)> = pairs
        .iter()
        .flat_map(|p| [p.ids, (p.ids.1, p.ids.0)])
        .collect();
    let by_id: HashMap<EntityId, &Candidate> = candidates.iter().map(|c| (c.id, c)).collect();
    for (a, b, score, reasons) in store.review_pairs()? {
        let (Some(ca), Some(cb)) = (by_id.get(&a), by_id.get(&b)) else {
            continue;
        };
        if seen.contains(&(a, b))
            || apart.contains(&(ca.key.clone(), cb.key.clone()))
            || apart.contains(&(cb.key.clone(), ca.key.clone()))
        {
            continue;
        }
        let side = |c: &Candidate| Side {
            key: c.key.clone(),
            name: c.name.clone(),
        };
        pairs.push(Pair {
            a: side(ca),
            b: side(cb),
            score,
            reasons: std::iter::once("flagged by an import".to_owned())
                .chain(reasons.split("; ").map(str::to_owned))
                .collect(),
            ids: (a, b),
        });
    }
    pairs.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then_with(|| x.a.key.cmp(&y.a.key))
            .then_with(|| x.b.key.cmp(&y.b.key))
    });
    Ok((pairs, stats))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(id: EntityId, key: &str, names: &[&str], country: &str) -> Candidate {
        Candidate {
            id,
            key: key.into(),
            name: names[0].into(),
            names: names.iter().map(|s| s.to_string()).collect(),
            identifiers: Vec::new(),
            country: country.into(),
        }
    }

    #[test]
    fn spellings_pair_up_and_parents_stay_apart() {
        let c = vec![
            cand(
                1,
                "uuap",
                &["Joint Stock Company Ulan-Ude Aviation Plant"],
                "RU",
            ),
            cand(
                2,
                "uuap-2",
                &[
                    "АО «Улан-Удэнский авиационный завод»",
                    "Ulan-Ude Aviation Plant JSC",
                ],
                "RU",
            ),
            cand(3, "uec", &["JSC United Engine Corporation", "UEC"], "RU"),
            cand(4, "klimov", &["JSC UEC-Klimov"], "RU"),
            cand(5, "loco", &["Ulan-Ude Locomotive Plant"], "RU"),
        ];
        let (pairs, stats) = find_duplicates(&c, 0.7, &HashSet::new(), &HashSet::new());
        assert_eq!(stats.entities, 5);
        assert_eq!(pairs.len(), 1, "{pairs:#?}");
        assert_eq!(
            (pairs[0].a.key.as_str(), pairs[0].b.key.as_str()),
            ("uuap", "uuap-2")
        );
        assert!(!pairs[0].reasons.is_empty());
        // Judged apart: gone.
        let apart = HashSet::from([("uuap-2".to_string(), "uuap".to_string())]);
        let (pairs, _) = find_duplicates(&c, 0.7, &apart, &HashSet::new());
        assert!(pairs.is_empty());
    }

    #[test]
    fn a_token_shared_by_thousands_does_not_make_millions_of_pairs() {
        let c: Vec<Candidate> = (0..10_000)
            .map(|i| {
                cand(
                    i,
                    &format!("k{i}"),
                    &[&format!("Zorvak Trading {i} LLC")],
                    "RU",
                )
            })
            .collect();
        let (pairs, stats) = find_duplicates(&c, 0.7, &HashSet::new(), &HashSet::new());
        assert!(stats.skipped_blocks >= 1, "{stats:?}");
        assert!(stats.pairs_compared < 100_000, "{stats:?}");
        assert!(pairs.iter().all(|p| p.score < 1.0 || p.a.name == p.b.name));
    }
}
