//! The SVG painter: a [`Scene`] and its [`Page`] as SVG 1.1.
//!
//! Text is `<text>` in the shipped font families ([`super::text::FONT_FAMILY`]), so labels,
//! legend and caption stay searchable and editable in the SVG, and the PNG (this SVG through
//! resvg) uses the same fonts. Coordinates are output pixels with two decimals, so the same
//! scene gives the same bytes. User text is escaped and stripped of characters XML cannot
//! hold.

use std::fmt::Write as _;

use crate::scene::{Scene, SceneLabel, SceneLink, SceneNode};
use crate::style::{NodeShape, Rgba};

use super::clean_text;
use super::page::{CENTRE_TO_BASELINE, Page, Swatch, TextLine};
use super::text::FONT_FAMILY;

/// Paints the page (with its scene) as an SVG document.
pub fn paint(page: &Page) -> String {
    document(page, Parts::All)
}

/// The page without its background, links, nodes and entity labels: annotations, legend
/// and the text around the network, over a transparent background. The PNG painter draws
/// the shapes and labels itself and rasterises this with resvg on top, so this text is
/// drawn exactly as in the SVG export.
pub fn text_overlay(page: &Page) -> String {
    document(page, Parts::Overlay)
}

/// Only the entity labels, as in the full SVG but without their halo, each `<text>` with
/// the id `label-N` (N: its index in the scene's labels). The PNG painter takes the glyph
/// outlines from this ([`super::labels`]).
pub fn label_texts(page: &Page) -> String {
    document(page, Parts::Labels)
}

/// What [`document`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Parts {
    /// The whole picture.
    All,
    /// No background, links, nodes or labels.
    Overlay,
    /// Labels only, without the halo.
    Labels,
}

/// The SVG document of `parts` of the page.
fn document(page: &Page, parts: Parts) -> String {
    let shapes = parts == Parts::All;
    let scene = &page.scene;
    let mut out = if shapes {
        String::with_capacity(4096 + scene.links.len() * 160 + scene.nodes.len() * 120)
    } else {
        String::with_capacity(4096 + scene.labels.len() * 100)
    };
    let (w, h) = (page.width_px, page.height_px);
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"{FONT_FAMILY}\">\n"
    );
    if parts == Parts::Labels {
        // Where the labels are, nothing else (the painter applies the clip itself).
        let _ = writeln!(
            out,
            "<g id=\"network\" transform=\"translate({} {})\">",
            num(page.network.x),
            num(page.network.y)
        );
        labels(&mut out, &scene.labels, false);
        out.push_str("</g>\n</svg>\n");
        return out;
    }
    if let Some(t) = &page.title {
        let _ = writeln!(out, "<title>{}</title>", escape(t));
    }
    if let Some(c) = &page.caption {
        let _ = writeln!(out, "<desc>{}</desc>", escape(c));
    }
    if shapes {
        let _ = writeln!(
            out,
            "<rect width=\"{w}\" height=\"{h}\" {}/>",
            paint_attr("fill", page.style.background)
        );
    }

    let net = page.network;
    if page.clip {
        let _ = writeln!(
            out,
            "<defs><clipPath id=\"network-area\"><rect width=\"{}\" height=\"{}\"/></clipPath></defs>",
            num(net.w),
            num(net.h)
        );
    }
    let _ = writeln!(
        out,
        "<g id=\"network\" transform=\"translate({} {})\"{}>",
        num(net.x),
        num(net.y),
        if page.clip {
            " clip-path=\"url(#network-area)\""
        } else {
            ""
        }
    );
    if shapes {
        links(&mut out, scene);
        nodes(&mut out, scene, &page.style);
    }
    if shapes {
        labels(&mut out, &scene.labels, true);
    }
    annotations(&mut out, scene, &page.style);
    out.push_str("</g>\n");

    if let Some(m) = &page.empty_message {
        text_line(&mut out, m);
    }
    for (a, b) in &page.rules {
        let _ = writeln!(
            out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {} stroke-width=\"{}\"/>",
            num(a[0]),
            num(a[1]),
            num(b[0]),
            num(b[1]),
            paint_attr("stroke", page.style.muted_text.with_alpha(90)),
            num(0.8 * page.scale)
        );
    }
    out.push_str("<g id=\"legend\">\n");
    for (sw, at) in &page.swatches {
        swatch(&mut out, *sw, *at, page);
    }
    out.push_str("</g>\n");
    for t in &page.texts {
        text_line(&mut out, t);
    }
    out.push_str("</svg>\n");
    out
}

fn links(out: &mut String, scene: &Scene) {
    out.push_str("<g id=\"links\" fill=\"none\" stroke-linecap=\"butt\">\n");
    for l in &scene.links {
        link(out, l);
    }
    out.push_str("</g>\n");
}

fn link(out: &mut String, l: &SceneLink) {
    let dash = if l.dashed {
        format!(
            " stroke-dasharray=\"{} {}\"",
            num(l.width * 3.5),
            num(l.width * 2.5)
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {} stroke-width=\"{}\"{dash}/>",
        num(l.from[0]),
        num(l.from[1]),
        num(l.to[0]),
        num(l.to[1]),
        paint_attr("stroke", l.color),
        num(l.width)
    );
    if let Some([a, b, c]) = l.arrow {
        let _ = writeln!(
            out,
            "<path d=\"M{} {}L{} {}L{} {}Z\" {}/>",
            num(a[0]),
            num(a[1]),
            num(b[0]),
            num(b[1]),
            num(c[0]),
            num(c[1]),
            paint_attr("fill", l.color)
        );
    }
}

fn nodes(out: &mut String, scene: &Scene, style: &crate::style::Style) {
    out.push_str("<g id=\"nodes\">\n");
    for n in &scene.nodes {
        node(out, n, style);
    }
    out.push_str("</g>\n");
}

fn node(out: &mut String, n: &SceneNode, style: &crate::style::Style) {
    let [x, y] = n.center;
    if let (Some((color, width)), Some(r)) = (n.halo, n.halo_radius()) {
        circle(out, x, y, r, None, Some((color, width)));
    }
    if let (Some((color, width)), Some(r)) = (n.ring, n.ring_radius()) {
        circle(out, x, y, r, None, Some((color, width)));
    }
    shape(
        out,
        n.shape,
        n,
        Some(n.fill),
        Some((n.stroke, n.stroke_width)),
    );
    let s = n.stroke_width.max(0.1);
    if n.pinned {
        // A small pin head at the top right.
        let e = n.extent() * 0.75;
        circle(
            out,
            x + e,
            y - e,
            2.6 * s,
            Some(style.pin),
            Some((style.background, 0.8 * s)),
        );
    }
    if n.noted {
        // A small note square at the top left.
        let e = n.extent() * 0.75;
        let k = 2.4 * s;
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {} {} stroke-width=\"{}\"/>",
            num(x - e - k),
            num(y - e - k),
            num(2.0 * k),
            num(2.0 * k),
            paint_attr("fill", style.background),
            paint_attr("stroke", style.text),
            num(0.8 * s)
        );
    }
}

fn shape(
    out: &mut String,
    _shape: NodeShape,
    n: &SceneNode,
    fill: Option<Rgba>,
    stroke: Option<(Rgba, f32)>,
) {
    match n.corners() {
        None => circle(out, n.center[0], n.center[1], n.radius, fill, stroke),
        Some(points) => polygon(out, &points, fill, stroke),
    }
}

fn circle(
    out: &mut String,
    x: f32,
    y: f32,
    r: f32,
    fill: Option<Rgba>,
    stroke: Option<(Rgba, f32)>,
) {
    let _ = writeln!(
        out,
        "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" {}{}/>",
        num(x),
        num(y),
        num(r),
        fill.map_or_else(|| "fill=\"none\"".to_owned(), |c| paint_attr("fill", c)),
        stroke_attrs(stroke)
    );
}

fn polygon(out: &mut String, points: &[[f32; 2]], fill: Option<Rgba>, stroke: Option<(Rgba, f32)>) {
    let mut pts = String::new();
    for (k, p) in points.iter().enumerate() {
        if k > 0 {
            pts.push(' ');
        }
        let _ = write!(pts, "{},{}", num(p[0]), num(p[1]));
    }
    let _ = writeln!(
        out,
        "<polygon points=\"{pts}\" {}{} stroke-linejoin=\"round\"/>",
        fill.map_or_else(|| "fill=\"none\"".to_owned(), |c| paint_attr("fill", c)),
        stroke_attrs(stroke)
    );
}

fn stroke_attrs(stroke: Option<(Rgba, f32)>) -> String {
    match stroke {
        Some((c, w)) if w > 0.0 => {
            format!(" {} stroke-width=\"{}\"", paint_attr("stroke", c), num(w))
        }
        _ => String::new(),
    }
}

/// The halo around labels, as wide as this times the first label's size (the SVG's stroke
/// width; the halo reaches half of it beyond the glyphs).
pub const HALO_WIDTH: f32 = 0.28;

/// The labels; `halo`: with their halo (else with ids, for [`label_texts`]).
fn labels(out: &mut String, labels: &[SceneLabel], halo: bool) {
    let Some(first) = labels.first() else {
        return;
    };
    // Labels share size and colours; the halo is a wide stroke painted under the fill.
    if halo {
        let _ = writeln!(
            out,
            "<g id=\"labels\" font-size=\"{}\" {} {} stroke-width=\"{}\" stroke-linejoin=\"round\" paint-order=\"stroke\">",
            num(first.size),
            paint_attr("fill", first.color),
            paint_attr("stroke", first.halo),
            num(first.size * HALO_WIDTH)
        );
    } else {
        let _ = writeln!(
            out,
            "<g id=\"labels\" font-size=\"{}\" {}>",
            num(first.size),
            paint_attr("fill", first.color),
        );
    }
    for (i, l) in labels.iter().enumerate() {
        let mut attrs = String::new();
        if l.size != first.size {
            let _ = write!(attrs, " font-size=\"{}\"", num(l.size));
        }
        if l.color != first.color {
            let _ = write!(attrs, " {}", paint_attr("fill", l.color));
        }
        if l.bold {
            attrs.push_str(" font-weight=\"700\"");
        }
        if !halo {
            let _ = write!(out, "<text id=\"label-{i}\"");
        } else {
            out.push_str("<text");
        }
        let _ = writeln!(
            out,
            " x=\"{}\" y=\"{}\"{attrs}>{}</text>",
            num(l.anchor[0]),
            num(l.anchor[1] + CENTRE_TO_BASELINE * l.size),
            escape(&l.text)
        );
    }
    out.push_str("</g>\n");
}

/// Note markers on links and callouts (text boxes, with a pointer line to their entity).
fn annotations(out: &mut String, scene: &Scene, style: &crate::style::Style) {
    if scene.link_notes.is_empty() && scene.callouts.is_empty() {
        return;
    }
    out.push_str("<g id=\"annotations\">\n");
    for m in &scene.link_notes {
        let k = 3.0;
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {} {} stroke-width=\"0.8\"/>",
            num(m[0] - k),
            num(m[1] - k),
            num(2.0 * k),
            num(2.0 * k),
            paint_attr("fill", style.background),
            paint_attr("stroke", style.text)
        );
    }
    for c in &scene.callouts {
        let [x, y, w, h] = c.rect;
        if let Some((a, b)) = c.pointer {
            let _ = writeln!(
                out,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {} stroke-width=\"{}\"/>",
                num(a[0]),
                num(a[1]),
                num(b[0]),
                num(b[1]),
                paint_attr("stroke", c.border),
                num(c.border_width)
            );
        }
        let _ = writeln!(
            out,
            "<rect class=\"callout\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" {} {} stroke-width=\"{}\"/>",
            num(x),
            num(y),
            num(w),
            num(h),
            paint_attr("fill", c.fill),
            paint_attr("stroke", c.border),
            num(c.border_width)
        );
        for (i, line) in c.lines.iter().enumerate() {
            let cy = y + c.padding + (i as f32 + 0.5) * c.line_height;
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"{}\" {}>{}</text>",
                num(x + c.padding),
                num(cy + CENTRE_TO_BASELINE * c.size),
                num(c.size),
                paint_attr("fill", c.color),
                escape(&clean_text(line))
            );
        }
    }
    out.push_str("</g>\n");
}

fn text_line(out: &mut String, t: &TextLine) {
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\"{}{} {}>{}</text>",
        num(t.x),
        num(t.y),
        num(t.size),
        if t.bold { " font-weight=\"700\"" } else { "" },
        if t.centred {
            " text-anchor=\"middle\""
        } else {
            ""
        },
        paint_attr("fill", t.color),
        escape(&t.text)
    );
}

fn swatch(out: &mut String, sw: Swatch, at: [f32; 2], page: &Page) {
    let s = page.scale;
    let style = &page.style;
    match sw {
        Swatch::Node(shape, fill) => {
            let n = legend_node(shape, at, 5.5 * s, fill, style.node_stroke, s);
            match n.corners() {
                None => circle(
                    out,
                    at[0],
                    at[1],
                    n.radius,
                    Some(fill),
                    Some((n.stroke, n.stroke_width)),
                ),
                Some(p) => polygon(out, &p, Some(fill), Some((n.stroke, n.stroke_width))),
            }
        }
        Swatch::Ring(ring) => {
            let mut n = legend_node(
                NodeShape::Circle,
                at,
                4.0 * s,
                style.country_color(""),
                style.node_stroke,
                s,
            );
            n.ring = Some((ring, style.ring_width_px * s));
            if let Some(r) = n.ring_radius() {
                circle(
                    out,
                    at[0],
                    at[1],
                    r,
                    None,
                    Some((ring, style.ring_width_px * s)),
                );
            }
            circle(
                out,
                at[0],
                at[1],
                n.radius,
                Some(n.fill),
                Some((n.stroke, n.stroke_width)),
            );
        }
        Swatch::Link {
            color,
            width,
            dashed,
            arrow,
        } => {
            let half = 10.0 * s;
            let w = width * s;
            let head = if arrow { 7.0 * s } else { 0.0 };
            let (x0, x1) = (at[0] - half, at[0] + half - head);
            link(
                out,
                &SceneLink {
                    kind: crate::filter::LinkKind::Trade,
                    source: 0,
                    target: 0,
                    from: [x0, at[1]],
                    to: [x1, at[1]],
                    width: w,
                    color,
                    dashed,
                    arrow: arrow.then_some([
                        [at[0] + half, at[1]],
                        [x1, at[1] - head * 0.45],
                        [x1, at[1] + head * 0.45],
                    ]),
                },
            );
        }
    }
}

fn legend_node(
    shape: NodeShape,
    at: [f32; 2],
    r: f32,
    fill: Rgba,
    stroke: Rgba,
    s: f32,
) -> SceneNode {
    SceneNode {
        id: 0,
        center: at,
        radius: r,
        shape,
        fill,
        stroke,
        stroke_width: s,
        ring: None,
        halo: None,
        pinned: false,
        noted: false,
    }
}

/// `fill="#rrggbb"` plus an opacity when the colour is translucent.
fn paint_attr(name: &str, c: Rgba) -> String {
    if c.3 == 255 {
        format!("{name}=\"{}\"", c.hex())
    } else {
        format!(
            "{name}=\"{}\" {name}-opacity=\"{}\"",
            c.hex(),
            num(f32::from(c.3) / 255.0)
        )
    }
}

/// A number with at most two decimals, no trailing zeros, no "-0".
pub fn num(v: f32) -> String {
    if !v.is_finite() {
        return "0".to_owned();
    }
    let r = (v * 100.0).round() / 100.0;
    let mut s = format!("{r:.2}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".to_owned();
    }
    s
}

/// Escapes text for XML content and attributes, dropping characters XML cannot hold.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in clean_text(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.256), "1.26");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f32::NAN), "0");
        assert_eq!(num(12.5), "12.5");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("A&B <x> \"q\"\u{1}"),
            "A&amp;B &lt;x&gt; &quot;q&quot;"
        );
    }
}
