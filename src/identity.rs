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
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::model::EntityId;
use crate::names::identifiers::Identifier;
use crate::names::{self, Party, Sketch};

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
    let blocking = Blocking::new(candidates);
    let mut stats = SearchStats {
        entities: candidates.len(),
        blocks: blocking.members.len(),
        skipped_blocks: blocking
            .members
            .iter()
            .filter(|l| l.len() > MAX_BLOCK)
            .count(),
        ..SearchStats::default()
    };
    let compared = AtomicUsize::new(0);
    let blocking = &blocking;
    let mut found: Vec<Pair> = (0..candidates.len() as u32)
        .into_par_iter()
        .flat_map_iter(|i| {
            let partners = blocking.partners(i);
            compared.fetch_add(partners.len(), Ordering::Relaxed);
            partners.into_iter().filter_map(move |j| {
                let (i, j) = if i < j { (i, j) } else { (j, i) };
                let (i, j) = (i as usize, j as usize);
                let (a, b) = (&candidates[i], &candidates[j]);
                if !linked.is_empty()
                    && (linked.contains(&(a.id, b.id)) || linked.contains(&(b.id, a.id)))
                {
                    return None;
                }
                let (pa, pb) = (&blocking.parties[i], &blocking.parties[j]);
                if !blocking.sketches[i].could_reach(&blocking.sketches[j], min_score)
                    || names::score(pa, pb) < min_score
                {
                    return None;
                }
                if apart.contains(&(a.key.clone(), b.key.clone()))
                    || apart.contains(&(b.key.clone(), a.key.clone()))
                {
                    return None;
                }
                let cmp = names::compare(pa, pb);
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
        })
        .collect();
    stats.pairs_compared = compared.into_inner();
    found.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then_with(|| x.a.key.cmp(&y.a.key))
            .then_with(|| x.b.key.cmp(&y.b.key))
    });
    (found, stats)
}

/// The candidates analysed once, and their block keys as numbers.
struct Blocking {
    parties: Vec<Party>,
    /// The parties in brief, side by side, to rule out most pairs without scoring them.
    sketches: Vec<Sketch>,
    /// Each entity's block keys, by number, ascending.
    keys: Vec<Vec<u32>>,
    /// Each entity's [`RAREST_KEYS`] rarest usable keys (shared by 2 to [`MAX_BLOCK`]
    /// entities): the fewest entities first, then by the key's text.
    /// Unused places hold `u32::MAX`; flat, for the check of each pair in [`Blocking::partners`].
    rarest: Vec<[u32; RAREST_KEYS]>,
    /// Key number → the entities that have it, ascending.
    members: Vec<Vec<u32>>,
}

impl Blocking {
    fn new(candidates: &[Candidate]) -> Blocking {
        let (parties, texts): (Vec<Party>, Vec<Vec<String>>) = candidates
            .par_iter()
            .map(|c| {
                let list: Vec<&str> = c.names.iter().map(String::as_str).collect();
                let (party, mut keys) = Party::with_block_keys(&list, &c.identifiers, &c.country);
                keys.extend(c.identifiers.iter().map(|id| format!("id:{id}")));
                keys.sort_unstable();
                keys.dedup();
                (party, keys)
            })
            .unzip();
        let mut number: FxHashMap<&str, u32> = FxHashMap::default();
        let mut members: Vec<Vec<u32>> = Vec::new();
        // Keys in each entity's text order: the rarest-key tie-break below reads this order.
        let by_text: Vec<Vec<u32>> = texts
            .iter()
            .enumerate()
            .map(|(i, ks)| {
                ks.iter()
                    .map(|k| {
                        let n = *number.entry(k.as_str()).or_insert_with(|| {
                            members.push(Vec::new());
                            (members.len() - 1) as u32
                        });
                        members[n as usize].push(i as u32);
                        n
                    })
                    .collect()
            })
            .collect();
        // Each entity meets the others through its RAREST_KEYS rarest usable keys: the full
        // name without spaces, a number or an uncommon word say more than a common word, and
        // this bounds the pairs by the size of small blocks rather than of large ones.
        let rarest = by_text
            .par_iter()
            .map(|ks| {
                let mut usable: Vec<u32> = ks
                    .iter()
                    .copied()
                    .filter(|&k| (2..=MAX_BLOCK).contains(&members[k as usize].len()))
                    .collect();
                usable.sort_by_key(|&k| members[k as usize].len()); // stable: text order on ties
                let mut out = [u32::MAX; RAREST_KEYS];
                for (o, k) in out.iter_mut().zip(usable) {
                    *o = k;
                }
                out
            })
            .collect();
        let keys = by_text
            .into_iter()
            .map(|mut ks| {
                ks.sort_unstable();
                ks
            })
            .collect();
        Blocking {
            sketches: parties.par_iter().map(Sketch::of).collect(),
            parties,
            keys,
            rarest,
            members,
        }
    }

    /// The entities `i` is compared with and that compare is counted at `i`: those in its
    /// rarest keys' blocks, except the ones below `i` that find `i` through their own rarest
    /// keys (they count it). So each pair is compared once, without a global list of pairs.
    fn partners(&self, i: u32) -> Vec<u32> {
        let mut out: Vec<u32> = self.rarest[i as usize]
            .iter()
            .take_while(|&&k| k != u32::MAX)
            .flat_map(|&k| self.members[k as usize].iter().copied())
            .filter(|&j| j != i)
            .collect();
        out.sort_unstable();
        out.dedup();
        let mine = &self.keys[i as usize];
        out.retain(|&j| {
            j > i
                || !self.rarest[j as usize]
                    .iter()
                    .any(|k| *k != u32::MAX && mine.binary_search(k).is_ok())
        });
        out
    }
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
    fn each_pair_sharing_a_rarest_key_is_compared_once() {
        const A: [&str; 7] = [
            "Zorvak", "Teplon", "Marsk", "Ividar", "Kolbex", "Runest", "Ostvy",
        ];
        const B: [&str; 11] = [
            "Quillon", "Brevka", "Sandor", "Pyrex", "Uldan", "Fenwor", "Gostak", "Halvin",
            "Jarrow", "Lumen", "Nortak",
        ];
        // One word shared by all (too common), words shared by hundreds, and numbers shared
        // by a few: the rarest keys of two entities overlap in every way.
        let c: Vec<Candidate> = (0..1_500)
            .map(|i| {
                let name = format!("Common {} {} {} Trading", A[i % 7], B[i % 11], i % 97);
                cand(i as EntityId, &format!("k{i}"), &[&name], "")
            })
            .collect();
        let b = Blocking::new(&c);
        let n = c.len() as u32;
        let mut got: Vec<(u32, u32)> = (0..n)
            .flat_map(|i| b.partners(i).into_iter().map(move |j| (i.min(j), i.max(j))))
            .collect();
        let counted = got.len();
        got.sort_unstable();
        got.dedup();
        assert_eq!(got.len(), counted, "a pair was counted twice");
        let shares = |x: u32, y: u32| {
            b.rarest[x as usize]
                .iter()
                .any(|k| *k != u32::MAX && b.keys[y as usize].binary_search(k).is_ok())
        };
        let want: Vec<(u32, u32)> = (0..n)
            .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
            .filter(|&(i, j)| shares(i, j) || shares(j, i))
            .collect();
        assert!(want.len() > 10_000, "{}", want.len());
        assert_eq!(got, want);
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
