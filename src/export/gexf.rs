//! GEXF 1.3 (Gephi's format): the filtered network with typed attributes and positions.
//!
//! Node ids are entity keys, labels are names; `viz:position` holds the layout position
//! with y flipped (Gephi draws y up, Lading y down), so Gephi shows the picture the right
//! way up; `viz:color` is the entity's country colour. Trade links carry `weight` =
//! shipments; ownership links weight 1. No timestamp is written: the same input gives the
//! same file.

use std::io::{self, Write};

use super::network::{LinkRecord, NodeRecord};
use super::svg::num;
use crate::style::Style;
use crate::text::xml_escape as escape;

/// Writes the records as GEXF 1.3. `description` goes into `<meta>` (the filter in words).
pub fn write(
    out: &mut dyn Write,
    nodes: &[NodeRecord],
    links: &[LinkRecord],
    description: &str,
) -> io::Result<()> {
    let style = Style::default();
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">"
    )?;
    writeln!(
        out,
        "  <meta>\n    <creator>Lading</creator>\n    <description>{}</description>\n  </meta>",
        escape(description)
    )?;
    writeln!(
        out,
        "  <graph defaultedgetype=\"directed\" mode=\"static\">"
    )?;
    writeln!(out, "    <attributes class=\"node\" mode=\"static\">")?;
    // GEXF names GraphML's `int` `integer`.
    let gexf_type = |ty: &'static str| if ty == "int" { "integer" } else { ty };
    for (id, ty) in NodeRecord::ATTRIBUTE_TYPES {
        let ty = gexf_type(ty);
        writeln!(
            out,
            "      <attribute id=\"{id}\" title=\"{id}\" type=\"{ty}\"/>"
        )?;
    }
    writeln!(out, "    </attributes>")?;
    writeln!(out, "    <attributes class=\"edge\" mode=\"static\">")?;
    for (id, ty) in LinkRecord::ATTRIBUTE_TYPES {
        let ty = gexf_type(ty);
        writeln!(
            out,
            "      <attribute id=\"{id}\" title=\"{id}\" type=\"{ty}\"/>"
        )?;
    }
    writeln!(out, "    </attributes>")?;

    writeln!(out, "    <nodes>")?;
    for n in nodes {
        writeln!(
            out,
            "      <node id=\"{}\" label=\"{}\">",
            escape(&n.key),
            escape(&n.name)
        )?;
        writeln!(out, "        <attvalues>")?;
        for (k, v) in n.attributes() {
            writeln!(
                out,
                "          <attvalue for=\"{k}\" value=\"{}\"/>",
                escape(&v)
            )?;
        }
        writeln!(out, "        </attvalues>")?;
        let c = style.country_color(&n.country);
        writeln!(
            out,
            "        <viz:color r=\"{}\" g=\"{}\" b=\"{}\"/>\n        <viz:position x=\"{}\" y=\"{}\" z=\"0\"/>",
            c.0,
            c.1,
            c.2,
            num(n.x),
            num(-n.y)
        )?;
        writeln!(out, "      </node>")?;
    }
    writeln!(out, "    </nodes>")?;

    writeln!(out, "    <edges>")?;
    for (k, l) in links.iter().enumerate() {
        let weight = if l.kind == "trade" {
            l.shipments.max(1)
        } else {
            1
        };
        writeln!(
            out,
            "      <edge id=\"e{k}\" source=\"{}\" target=\"{}\" weight=\"{weight}\">",
            escape(&l.source),
            escape(&l.target)
        )?;
        writeln!(out, "        <attvalues>")?;
        for (k, v) in l.attributes() {
            writeln!(
                out,
                "          <attvalue for=\"{k}\" value=\"{}\"/>",
                escape(&v)
            )?;
        }
        writeln!(out, "        </attvalues>\n      </edge>")?;
    }
    writeln!(out, "    </edges>\n  </graph>\n</gexf>")?;
    Ok(())
}
