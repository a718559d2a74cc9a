//! Screening: which entities in the shown network are on a sanctions list, by whom and
//! since when, and which trade links carried shipments while a party was listed ("shipped
//! after listing"). Plain Rust over the index and the filtered graph; the window's screening
//! view, the canvas, the exports and `lading screen` all read it from here.

use std::collections::BTreeMap;

use rustc_hash::FxHashSet;

use crate::filter::{AfterListing, Filter, FilteredGraph, LinkKind};
use crate::index::ShipmentIndex;
use crate::model::{EntityId, Sanction};

/// One listed entity of the shown network.
#[derive(Clone, Debug, PartialEq)]
pub struct ListedEntity {
    pub id: EntityId,
    pub name: String,
    /// Its listings, earliest first (only the filter's authorities when it names some).
    pub listings: Vec<Sanction>,
    /// Whether a listing is in force on the filter's sanction day.
    pub in_force: bool,
}

/// The screening of one filtered network.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Screening {
    /// Shown entities with at least one listing, listed first by earliest listing.
    pub listed: Vec<ListedEntity>,
    /// Shown trade links with shipments made while a party was listed, most shipments first.
    pub after_listing: Vec<AfterListing>,
}

impl Screening {
    pub fn build(index: &ShipmentIndex, filter: &Filter, graph: &FilteredGraph) -> Screening {
        Screening::with_after_listing(index, filter, graph, filter.shipped_after_listing(index))
    }

    /// [`Screening::build`] from the filter's [`Filter::shipped_after_listing`], counted
    /// elsewhere (the explorer keeps it in its running totals, step by step).
    pub fn with_after_listing(
        index: &ShipmentIndex,
        filter: &Filter,
        graph: &FilteredGraph,
        after_listing: Vec<AfterListing>,
    ) -> Screening {
        let as_of = filter.as_of_day(index);
        let counts = |s: &Sanction| {
            filter.authorities.is_empty() || filter.authorities.contains(&s.authority)
        };
        // A group's members are screened one by one.
        let mut members: Vec<EntityId> = graph
            .entities
            .iter()
            .flat_map(|&id| graph.members(id).into_owned())
            .collect();
        members.sort_unstable();
        members.dedup();
        let mut listed: Vec<ListedEntity> = members
            .iter()
            .filter_map(|&id| {
                let mut listings: Vec<Sanction> = index
                    .listings_of(id)
                    .into_iter()
                    .filter(|s| counts(s))
                    .cloned()
                    .collect();
                if listings.is_empty() {
                    return None;
                }
                listings.sort_by(|a, b| {
                    (a.listed_on, &a.authority, &a.program).cmp(&(
                        b.listed_on,
                        &b.authority,
                        &b.program,
                    ))
                });
                let in_force = listings.iter().any(|s| s.covers(as_of));
                let name = index
                    .entity(id)
                    .map_or_else(String::new, |e| e.name.clone());
                Some(ListedEntity {
                    id,
                    name,
                    listings,
                    in_force,
                })
            })
            .collect();
        listed.sort_by(|a, b| {
            (a.listings[0].listed_on, &a.name).cmp(&(b.listings[0].listed_on, &b.name))
        });

        // Links are sorted by (kind, source, target): a look-up, not a set of them all.
        let shown = |key: &(EntityId, EntityId)| {
            graph
                .links
                .binary_search_by(|l| {
                    (l.kind, l.source, l.target).cmp(&(LinkKind::Trade, key.0, key.1))
                })
                .is_ok()
        };
        // With a roll-up, pairs of members count for the link between their groups.
        let group: rustc_hash::FxHashMap<EntityId, EntityId> = graph
            .groups
            .iter()
            .flat_map(|(&g, members)| members.iter().map(move |&m| (m, g)))
            .collect();
        let rep = |id: EntityId| group.get(&id).copied().unwrap_or(id);
        let mut merged: BTreeMap<(EntityId, EntityId), AfterListing> = BTreeMap::new();
        for a in after_listing {
            let key = (rep(a.shipper), rep(a.consignee));
            if !shown(&key) {
                continue;
            }
            merged
                .entry(key)
                .and_modify(|m| {
                    m.shipments += a.shipments;
                    m.value_usd += a.value_usd;
                    m.first = m.first.min(a.first);
                    m.last = m.last.max(a.last);
                    m.shipper_listed |= a.shipper_listed;
                    m.consignee_listed |= a.consignee_listed;
                })
                .or_insert(AfterListing {
                    shipper: key.0,
                    consignee: key.1,
                    ..a
                });
        }
        let mut after_listing: Vec<AfterListing> = merged.into_values().collect();
        after_listing.sort_by(|a, b| {
            b.shipments
                .cmp(&a.shipments)
                .then((a.shipper, a.consignee).cmp(&(b.shipper, b.consignee)))
        });
        Screening {
            listed,
            after_listing,
        }
    }

    /// The trade links (shipper, consignee) to mark "shipped after listing".
    pub fn flagged_links(&self) -> FxHashSet<(EntityId, EntityId)> {
        self.after_listing
            .iter()
            .map(|a| (a.shipper, a.consignee))
            .collect()
    }

    /// Whether a link is marked.
    pub fn is_flagged(&self, source: EntityId, target: EntityId, kind: LinkKind) -> bool {
        kind == LinkKind::Trade
            && self
                .after_listing
                .iter()
                .any(|a| a.shipper == source && a.consignee == target)
    }

    /// The listed entities by authority: authority → (entity, listing), by listing date.
    pub fn by_authority(&self) -> BTreeMap<&str, Vec<(&ListedEntity, &Sanction)>> {
        let mut out: BTreeMap<&str, Vec<(&ListedEntity, &Sanction)>> = BTreeMap::new();
        for e in &self.listed {
            for s in &e.listings {
                out.entry(s.authority.as_str()).or_default().push((e, s));
            }
        }
        for rows in out.values_mut() {
            rows.sort_by(|a, b| (a.1.listed_on, &a.0.name).cmp(&(b.1.listed_on, &b.0.name)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Day;
    use crate::model::{Entity, EntityKind};
    use crate::store::{Dataset, ShipmentColumns};

    fn entity(id: i64, name: &str) -> Entity {
        Entity {
            id,
            key: name.to_lowercase(),
            name: name.to_owned(),
            kind: EntityKind::Company,
            country: "CN".to_owned(),
            state_owned: false,
            aliases: Vec::new(),
            source: "test".to_owned(),
        }
    }

    fn listing(entity: i64, authority: &str, on: i32, off: Option<i32>) -> Sanction {
        Sanction {
            entity,
            authority: authority.to_owned(),
            program: "RUSSIA-EO14024".to_owned(),
            listed_on: Day(on),
            delisted_on: off.map(Day),
            reason: String::new(),
            source: "test".to_owned(),
        }
    }

    fn index() -> ShipmentIndex {
        // (day, shipper, consignee)
        let rows = [
            (100, 1, 2), // before B's listing
            (200, 1, 2), // on the listing day: not after
            (201, 1, 2),
            (250, 1, 3), // C is never listed
            (300, 1, 2),
            (420, 2, 3), // after OFAC delisted B, while the EU lists it
        ];
        let mut shipments = ShipmentColumns {
            part_names: vec!["radio".to_owned()],
            ..ShipmentColumns::default()
        };
        for (i, (day, from, to)) in rows.into_iter().enumerate() {
            shipments.id.push(i as i64 + 1);
            shipments.day.push(Day(day));
            shipments.shipper.push(from);
            shipments.consignee.push(to);
            shipments.part.push(0);
            shipments.value_usd.push(10.0);
        }
        ShipmentIndex::build(Dataset {
            entities: vec![entity(1, "A"), entity(2, "B"), entity(3, "C")],
            ownership: Vec::new(),
            shipments,
            sanctions: vec![
                listing(2, "OFAC", 200, Some(400)),
                listing(2, "EU", 290, None),
            ],
            ..Dataset::default()
        })
    }

    #[test]
    fn marks_shipments_made_while_a_party_was_listed() {
        let index = index();
        let filter = Filter::default();
        let graph = filter.apply(&index);
        let s = Screening::build(&index, &filter, &graph);
        // B → C on day 420: OFAC had delisted B but the EU listing from 290 is in force.
        assert_eq!(s.after_listing.len(), 2, "{:?}", s.after_listing);
        let ab = &s.after_listing[0];
        assert_eq!((ab.shipper, ab.consignee), (1, 2));
        assert_eq!(ab.shipments, 2);
        assert_eq!((ab.first, ab.last), (Day(201), Day(300)));
        assert!(ab.consignee_listed && !ab.shipper_listed);
        assert!(s.is_flagged(1, 2, LinkKind::Trade));
        assert!(!s.is_flagged(1, 3, LinkKind::Trade));
        assert_eq!(s.listed.len(), 1);
        assert_eq!(s.listed[0].name, "B");
        assert_eq!(s.listed[0].listings[0].authority, "OFAC");
        let by = s.by_authority();
        assert_eq!(by.keys().copied().collect::<Vec<_>>(), ["EU", "OFAC"]);
    }

    #[test]
    fn follows_the_filters_authorities_and_dates() {
        let index = index();
        let only_ofac = Filter {
            authorities: ["OFAC".to_owned()].into(),
            ..Filter::default()
        };
        let graph = only_ofac.apply(&index);
        let s = Screening::build(&index, &only_ofac, &graph);
        // OFAC's listing ended on day 400, so B → C on 420 is not marked.
        assert_eq!(s.flagged_links().len(), 1);
        assert!(s.listed[0].listings.iter().all(|l| l.authority == "OFAC"));

        let early = Filter {
            to: Some(Day(200)),
            ..Filter::default()
        };
        let graph = early.apply(&index);
        let s = Screening::build(&index, &early, &graph);
        assert!(s.after_listing.is_empty());
        assert!(
            s.listed[0].in_force,
            "listed on day 200, the filter's last day"
        );
    }
}
