//! The filter: which shipments, entities and links a picture shows.
//!
//! (Being written: the types below are the contract the graph and layout modules build on.)

use serde::{Deserialize, Serialize};

use crate::date::Day;
use crate::model::EntityId;

/// Kind of a link between two entities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// Owner → owned.
    Ownership,
    /// Shipper → consignee, aggregating the shipments that pass the filter.
    Trade,
}

/// A set of part types, as bits over the index's part-type table (at most 64 part types).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PartSet(pub u64);

/// One link of the filtered network.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub kind: LinkKind,
    /// Owner (ownership) or shipper (trade).
    pub source: EntityId,
    /// Owned (ownership) or consignee (trade).
    pub target: EntityId,
    /// Shipments that pass the filter; 0 for ownership links.
    pub shipments: u32,
    pub value_usd: f64,
    pub first: Option<Day>,
    pub last: Option<Day>,
    pub part_types: PartSet,
}

/// What a filter selects: entities sorted by id, links sorted by (kind, source, target).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FilteredGraph {
    pub entities: Vec<EntityId>,
    pub links: Vec<Link>,
    /// Shipments on the shown trade links.
    pub shipments: u64,
    pub value_usd: f64,
}
