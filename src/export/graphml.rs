//! GraphML: the filtered network with typed attributes and positions, for Cytoscape, yEd
//! and networkx.
//!
//! Node ids are entity keys; `label` is the name; `x`, `y` are the layout position (y down,
//! as drawn). Optional values (a trade link's dates and part types) are left out of links
//! that have none, so readers see them as missing rather than empty.

use std::io::{self, Write};

use super::network::{LinkRecord, NodeRecord};
use super::svg::num;
use crate::text::xml_escape as escape;

/// Writes the records as GraphML. `description` goes into the graph's `description`.
pub fn write(
    out: &mut dyn Write,
    nodes: &[NodeRecord],
    links: &[LinkRecord],
    description: &str,
) -> io::Result<()> {
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">"
    )?;
    let keys = [
        ("g_description", "graph", "description", "string"),
        ("n_label", "node", "label", "string"),
        ("n_kind", "node", "kind", "string"),
        ("n_country", "node", "country", "string"),
        ("n_state_owned", "node", "state_owned", "boolean"),
        ("n_sanctioned", "node", "sanctioned", "boolean"),
        ("n_authorities", "node", "authorities", "string"),
        ("n_aliases", "node", "aliases", "string"),
        ("n_x", "node", "x", "double"),
        ("n_y", "node", "y", "double"),
        ("e_kind", "edge", "kind", "string"),
        ("e_shipments", "edge", "shipments", "int"),
        ("e_value_usd", "edge", "value_usd", "double"),
        ("e_first_date", "edge", "first_date", "string"),
        ("e_last_date", "edge", "last_date", "string"),
        ("e_part_types", "edge", "part_types", "string"),
        (
            "e_shipped_after_listing",
            "edge",
            "shipped_after_listing",
            "int",
        ),
    ];
    for (id, domain, name, ty) in keys {
        writeln!(
            out,
            "  <key id=\"{id}\" for=\"{domain}\" attr.name=\"{name}\" attr.type=\"{ty}\"/>"
        )?;
    }
    writeln!(out, "  <graph id=\"lading\" edgedefault=\"directed\">")?;
    writeln!(
        out,
        "    <data key=\"g_description\">{}</data>",
        escape(description)
    )?;
    for n in nodes {
        writeln!(out, "    <node id=\"{}\">", escape(&n.key))?;
        // GraphML keys share one namespace: node keys carry an `n_` prefix.
        let values = std::iter::once(("label", n.name.clone()))
            .chain(n.attributes())
            .chain([("x", num(n.x)), ("y", num(n.y))]);
        for (k, v) in values {
            writeln!(out, "      <data key=\"n_{k}\">{}</data>", escape(&v))?;
        }
        writeln!(out, "    </node>")?;
    }
    for (k, l) in links.iter().enumerate() {
        writeln!(
            out,
            "    <edge id=\"e{k}\" source=\"{}\" target=\"{}\">",
            escape(&l.source),
            escape(&l.target)
        )?;
        // GraphML keys share one namespace: link keys carry an `e_` prefix.
        for (k, v) in l.attributes() {
            writeln!(out, "      <data key=\"e_{k}\">{}</data>", escape(&v))?;
        }
        writeln!(out, "    </edge>")?;
    }
    writeln!(out, "  </graph>\n</graphml>")?;
    Ok(())
}
