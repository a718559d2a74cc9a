//! Lading: customs shipments, company ownership and sanctions listings, drawn as a network.
//!
//! Data flows one way: [`store`] (SQLite) → [`store::Dataset`] (plain data) →
//! [`index::ShipmentIndex`] (in memory) → [`filter::Filter`] → [`filter::FilteredGraph`] →
//! [`graph`] (petgraph) and [`layout`] (ForceAtlas2). Only `store` knows SQLite.

pub mod annotation;
pub mod atomic;
pub mod brokers;
pub mod cli;
pub mod cores;
pub mod date;
pub mod explorer;
pub mod export;
pub mod filter;
pub mod generate;
pub mod graph;
pub mod identity;
pub mod index;
pub mod layout;
pub mod model;
pub mod names;
pub mod parts;
pub mod playback;
pub mod provenance;
pub mod rollup;
pub mod sample;
pub mod scene;
pub mod screening;
pub mod session;
pub mod store;
pub mod style;
pub mod text;
pub mod ui;
