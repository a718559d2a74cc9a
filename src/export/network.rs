//! The filtered network as flat records, the common ground of the GEXF and GraphML writers:
//! one record per shown entity, one per link, with the attributes a Gephi, Cytoscape or
//! networkx user needs. Ids are entity keys (stable across re-imports), labels are names.

use std::collections::{BTreeMap, BTreeSet};

use crate::filter::{FilteredGraph, LinkKind};
use crate::index::ShipmentIndex;
use crate::layout::Positions;
use crate::model::EntityId;
use crate::rollup::{GroupBy, Owners};

/// Separator of list-valued attributes (aliases, authorities, part types), as in the
/// importer's alias column.
pub const LIST_SEPARATOR: &str = " | ";

/// One shown entity.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeRecord {
    pub key: String,
    pub name: String,
    /// `state_owner`, `subsidiary`, `plant` or `company`.
    pub kind: &'static str,
    pub country: String,
    pub state_owned: bool,
    /// Sanctioned as of the filter's day by the filter's authorities (the picture's ring).
    pub sanctioned: bool,
    /// Every authority whose listing is in force on the filter's day, sorted.
    pub authorities: Vec<String>,
    pub aliases: Vec<String>,
    /// The entity's own record is synthetic (made up): see `crate::provenance`.
    pub synthetic: bool,
    /// The key of the group the entity rolls into by parent company, and by ultimate owner
    /// (its own key when it has no owner): Gephi and Cytoscape users group on these.
    pub parent: String,
    pub state_owner: String,
    /// A group (a roll-up's node): how many shown entities it holds; 0 for an entity.
    pub members: u32,
    /// Layout position (y down, as drawn); 0, 0 when the entity has none.
    pub x: f32,
    pub y: f32,
}

/// One shown link.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkRecord {
    pub source: String,
    pub target: String,
    /// `trade` or `ownership`.
    pub kind: &'static str,
    /// Shipments in the filter; 0 for ownership.
    pub shipments: u32,
    pub value_usd: f64,
    /// ISO dates of the first and last shipment (trade only).
    pub first: Option<String>,
    pub last: Option<String>,
    /// Part types of the link's shipments, sorted.
    pub part_types: Vec<String>,
    /// Shipments made while a party was listed (screening); 0 for ownership.
    pub shipped_after_listing: u32,
    /// Trade: synthetic shipments among `shipments`; ownership: 1 when the link is made up.
    pub synthetic: u32,
}

/// The filtered network as records: nodes in entity-id order, links in the filter's order
/// (kind, source, target). Entities the index does not know are skipped, with their links.
impl NodeRecord {
    /// The names and GraphML types of [`NodeRecord::attributes`], in order.
    pub const ATTRIBUTE_TYPES: [(&'static str, &'static str); 10] = [
        ("kind", "string"),
        ("country", "string"),
        ("state_owned", "boolean"),
        ("sanctioned", "boolean"),
        ("authorities", "string"),
        ("aliases", "string"),
        ("synthetic", "boolean"),
        ("parent", "string"),
        ("state_owner", "string"),
        ("members", "int"),
    ];

    /// The entity's attributes by name, in a fixed order (the label and position are
    /// written by each format in its own way). GEXF and GraphML write the same list.
    pub fn attributes(&self) -> [(&'static str, String); 10] {
        [
            ("kind", self.kind.to_owned()),
            ("country", self.country.clone()),
            ("state_owned", self.state_owned.to_string()),
            ("sanctioned", self.sanctioned.to_string()),
            ("authorities", self.authorities.join(LIST_SEPARATOR)),
            ("aliases", self.aliases.join(LIST_SEPARATOR)),
            ("synthetic", self.synthetic.to_string()),
            ("parent", self.parent.clone()),
            ("state_owner", self.state_owner.clone()),
            ("members", self.members.to_string()),
        ]
    }
}

impl LinkRecord {
    /// The names and GraphML types of the attributes a link may have, in order.
    pub const ATTRIBUTE_TYPES: [(&'static str, &'static str); 8] = [
        ("kind", "string"),
        ("shipments", "int"),
        ("value_usd", "double"),
        ("first_date", "string"),
        ("last_date", "string"),
        ("part_types", "string"),
        ("shipped_after_listing", "int"),
        ("synthetic", "int"),
    ];

    /// The link's attributes by name, in a fixed order; dates and part types only when
    /// present. GEXF and GraphML write the same list.
    pub fn attributes(&self) -> Vec<(&'static str, String)> {
        let mut values = vec![
            ("kind", self.kind.to_owned()),
            ("shipments", self.shipments.to_string()),
            ("value_usd", format!("{}", self.value_usd)),
        ];
        if let Some(d) = &self.first {
            values.push(("first_date", d.clone()));
        }
        if let Some(d) = &self.last {
            values.push(("last_date", d.clone()));
        }
        if !self.part_types.is_empty() {
            values.push(("part_types", self.part_types.join(LIST_SEPARATOR)));
        }
        if self.kind == "trade" {
            values.push((
                "shipped_after_listing",
                self.shipped_after_listing.to_string(),
            ));
        }
        values.push(("synthetic", self.synthetic.to_string()));
        values
    }
}

pub fn network_records(
    index: &ShipmentIndex,
    graph: &FilteredGraph,
    positions: &Positions,
) -> (Vec<NodeRecord>, Vec<LinkRecord>) {
    let as_of = graph.as_of;
    let mut listed: BTreeMap<EntityId, BTreeSet<String>> = BTreeMap::new();
    if let Some(day) = as_of {
        for s in &index.listings {
            if s.covers(day) {
                listed
                    .entry(s.entity)
                    .or_default()
                    .insert(s.authority.clone());
            }
        }
    }
    // Groups by parent and by ultimate owner on the graph's day.
    let day_filter = crate::filter::Filter {
        as_of,
        ..crate::filter::Filter::default()
    };
    let by_parent = Owners::new(index, &day_filter, GroupBy::Parent);
    let by_owner = Owners::new(index, &day_filter, GroupBy::StateOwner);
    let key_of = |owners: &Owners, id: EntityId| {
        owners
            .group_of(index, id)
            .and_then(|g| index.entity(g))
            .map_or_else(String::new, |e| e.key.clone())
    };
    let mut keys: BTreeMap<EntityId, &str> = BTreeMap::new();
    let mut nodes = Vec::with_capacity(graph.entities.len());
    for &id in &graph.entities {
        let Some(e) = index.entity(id) else {
            continue;
        };
        keys.insert(id, &e.key);
        let [x, y] = positions
            .get(id)
            .filter(|p| p[0].is_finite() && p[1].is_finite())
            .unwrap_or([0.0, 0.0]);
        nodes.push(NodeRecord {
            key: e.key.clone(),
            name: e.name.clone(),
            kind: e.kind.as_str(),
            country: e.country.clone(),
            state_owned: e.state_owned,
            sanctioned: graph.is_sanctioned(id),
            authorities: listed
                .get(&id)
                .map(|a| a.iter().cloned().collect())
                .unwrap_or_default(),
            aliases: e.aliases.clone(),
            synthetic: graph.is_synthetic(id),
            parent: key_of(&by_parent, id),
            state_owner: key_of(&by_owner, id),
            members: graph
                .groups
                .get(&id)
                .map_or(0, |m| u32::try_from(m.len()).unwrap_or(u32::MAX)),
            x,
            y,
        });
    }
    let names = index.part_types();
    let links = graph
        .links
        .iter()
        .filter_map(|l| {
            let (s, t) = (keys.get(&l.source)?, keys.get(&l.target)?);
            Some(LinkRecord {
                source: (*s).to_owned(),
                target: (*t).to_owned(),
                kind: match l.kind {
                    LinkKind::Trade => "trade",
                    LinkKind::Ownership => "ownership",
                },
                shipments: l.shipments,
                value_usd: l.value_usd,
                first: l.first.map(|d| d.iso()),
                last: l.last.map(|d| d.iso()),
                part_types: l
                    .part_types
                    .iter()
                    .filter_map(|p| names.get(p).cloned())
                    .collect(),
                shipped_after_listing: 0,
                synthetic: l.synthetic,
            })
        })
        .collect();
    (nodes, links)
}
