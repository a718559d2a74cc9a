//! The SVG painter: a [`Scene`] and its [`Page`] as SVG 1.1.
//!
//! Text is `<text>` in the shipped font families ([`super::text::FONT_FAMILY`]), so labels,
//! legend and caption stay searchable and editable in the SVG, and the PNG (this SVG through
//! resvg) uses the same fonts. Coordinates are output pixels with two decimals, so the same
//! scene gives the same bytes. User text is escaped and stripped of characters XML cannot
//! hold.

use std::fmt::Write as _;

use crate::scene::{MarkShape, Scene, SceneLabel, SceneLink, SceneMark, SceneNode};
use crate::style::Rgba;

use super::clean_text;
use super::page::{CENTRE_TO_BASELINE, Page, TextLine};
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
        links(&mut out, &scene.links);
        nodes(&mut out, &scene.nodes);
        marks(&mut out, &scene.marks);
        labels(&mut out, &scene.labels, true);
    }
    annotations(&mut out, scene);
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
    for l in &page.legend_links {
        link(&mut out, l);
    }
    for n in &page.legend_nodes {
        node(&mut out, n);
    }
    out.push_str("</g>\n");
    for t in &page.texts {
        text_line(&mut out, t);
    }
    out.push_str("</svg>\n");
    out
}

fn links(out: &mut String, links: &[SceneLink]) {
    out.push_str("<g id=\"links\" fill=\"none\" stroke-linecap=\"butt\">\n");
    for l in links {
        link(out, l);
    }
    out.push_str("</g>\n");
}

fn link(out: &mut String, l: &SceneLink) {
    let dash = match l.dash {
        Some([on, off]) => format!(" stroke-dasharray=\"{} {}\"", num(on), num(off)),
        None => String::new(),
    };
    if l.width > 0.0 {
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
    }
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

fn nodes(out: &mut String, nodes: &[SceneNode]) {
    out.push_str("<g id=\"nodes\">\n");
    for n in nodes {
        node(out, n);
    }
    out.push_str("</g>\n");
}

fn node(out: &mut String, n: &SceneNode) {
    let [x, y] = n.center;
    if let (Some((color, width)), Some(r)) = (n.halo, n.halo_radius()) {
        circle(out, x, y, r, None, Some((color, width)));
    }
    if let (Some((color, width)), Some(r)) = (n.ring, n.ring_radius()) {
        circle(out, x, y, r, None, Some((color, width)));
    }
    match n.corners() {
        None => circle(
            out,
            x,
            y,
            n.radius,
            Some(n.fill),
            Some((n.stroke, n.stroke_width)),
        ),
        Some(points) => polygon(out, &points, Some(n.fill), Some((n.stroke, n.stroke_width))),
    }
}

/// Pins and note marks, each with a class naming its kind.
fn marks(out: &mut String, marks: &[SceneMark]) {
    if marks.is_empty() {
        return;
    }
    out.push_str("<g id=\"marks\">\n");
    for m in marks {
        let class = format!("{:?}", m.kind).to_ascii_lowercase();
        let fill = m
            .fill
            .map_or_else(|| "fill=\"none\"".to_owned(), |c| paint_attr("fill", c));
        let stroke = stroke_attrs(m.stroke);
        let _ = match m.shape {
            MarkShape::Circle { center, radius } => writeln!(
                out,
                "<circle class=\"{class}\" cx=\"{}\" cy=\"{}\" r=\"{}\" {fill}{stroke}/>",
                num(center[0]),
                num(center[1]),
                num(radius)
            ),
            MarkShape::Rect { rect, corner } => writeln!(
                out,
                "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" {fill}{stroke}/>",
                num(rect[0]),
                num(rect[1]),
                num(rect[2]),
                num(rect[3]),
                num(corner)
            ),
            MarkShape::Line { from, to, .. } => writeln!(
                out,
                "<line class=\"{class}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke-linecap=\"round\"{stroke}/>",
                num(from[0]),
                num(from[1]),
                num(to[0]),
                num(to[1])
            ),
        };
    }
    out.push_str("</g>\n");
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
pub use crate::scene::HALO_WIDTH;

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
        if l.halo != first.halo && halo {
            let _ = write!(attrs, " {}", paint_attr("stroke", l.halo));
        }
        if l.bold {
            attrs.push_str(" font-weight=\"700\"");
        }
        if !halo {
            let _ = write!(out, "<text id=\"label-{i}\"");
        } else {
            out.push_str("<text");
        }
        let _ = write!(out, "{attrs}>");
        for (line, at) in l.placed_lines() {
            let _ = write!(
                out,
                "<tspan x=\"{}\" y=\"{}\">{}</tspan>",
                num(at[0]),
                num(at[1] + CENTRE_TO_BASELINE * l.size),
                escape(line)
            );
        }
        out.push_str("</text>\n");
    }
    out.push_str("</g>\n");
}

/// Callouts: text boxes, with a pointer line to their entity.
fn annotations(out: &mut String, scene: &Scene) {
    if scene.callouts.is_empty() {
        return;
    }
    out.push_str("<g id=\"annotations\">\n");
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
            "<rect class=\"callout\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" {} {} stroke-width=\"{}\"/>",
            num(x),
            num(y),
            num(w),
            num(h),
            num(c.corner),
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
