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
    // Every key: the graph's description, then the node keys, then the link keys.
    let mut keys: Vec<(String, &str, &str, &str)> =
        vec![("g_description".into(), "graph", "description", "string")];
    keys.push(("n_label".into(), "node", "label", "string"));
    for (name, ty) in NodeRecord::ATTRIBUTE_TYPES {
        keys.push((format!("n_{name}"), "node", name, ty));
    }
    keys.push(("n_x".into(), "node", "x", "double"));
    keys.push(("n_y".into(), "node", "y", "double"));
    for (name, ty) in LinkRecord::ATTRIBUTE_TYPES {
        keys.push((format!("e_{name}"), "edge", name, ty));
    }
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
