//! One scene holding every kind of primitive, drawn by each painter: the egui canvas (the
//! triangle mesh and the marks' shapes), the OpenGL records, the SVG writer and the PNG
//! rasteriser. Each must draw every primitive, where the scene put it, in its colour, with
//! nothing of its own invented.

use egui::{Shape, Vec2};

use crate::export::page::{Page, Rect};
use crate::filter::LinkKind;
use crate::scene::{
    LinkRole, MarkKind, MarkShape, NOTE_MARK, Scene, SceneCallout, SceneLabel, SceneLink,
    SceneMark, SceneNode,
};
use crate::style::{NodeShape, Rgba, Style};

fn link(from: [f32; 2], to: [f32; 2], width: f32, color: Rgba, role: LinkRole) -> SceneLink {
    SceneLink {
        kind: LinkKind::Trade,
        role,
        source: 1,
        target: 2,
        from,
        to,
        width,
        color,
        dash: None,
        arrow: None,
    }
}

fn node(id: i64, center: [f32; 2], shape: NodeShape, fill: Rgba, style: &Style) -> SceneNode {
    SceneNode {
        id,
        center,
        radius: 12.0,
        shape,
        fill,
        stroke: style.node_stroke,
        stroke_width: 1.0,
        ring: None,
        halo: None,
    }
}

const GREEN: Rgba = Rgba::rgb(0x1b, 0x9e, 0x77);
const PURPLE: Rgba = Rgba::rgb(0x8e, 0x24, 0xaa);
const PINK: Rgba = Rgba::rgb(0xe7, 0x29, 0x8a);

/// Every kind of primitive: four node shapes (one with a ring and a halo), a solid link with
/// an arrowhead, a dashed link, a band, two stripes and their arrowhead, a pin, a note, a
/// link note, a two-line label and a callout with its pointer.
fn every_kind(style: &Style) -> Scene {
    let mut ringed = node(
        1,
        [60.0, 60.0],
        NodeShape::Circle,
        crate::style::CHINA,
        style,
    );
    ringed.ring = Some((style.sanction_ring, 3.0));
    ringed.halo = Some((style.selection, 3.0));
    let mut dashed = link(
        [40.0, 100.0],
        [40.0, 220.0],
        2.0,
        style.ownership_link,
        LinkRole::Line,
    );
    dashed.kind = LinkKind::Ownership;
    dashed.dash = Some([7.0, 5.0]);
    let mut solid = link([100.0, 130.0], [170.0, 130.0], 6.0, GREEN, LinkRole::Line);
    solid.arrow = Some([[185.0, 130.0], [170.0, 137.0], [170.0, 123.0]]);
    let mut head = link(
        [362.0, 150.0],
        [362.0, 150.0],
        0.0,
        PURPLE,
        LinkRole::Arrowhead,
    );
    head.arrow = Some([[378.0, 150.0], [362.0, 158.0], [362.0, 142.0]]);
    Scene {
        background: style.background,
        links: vec![
            link(
                [250.0, 250.0],
                [380.0, 250.0],
                14.0,
                style.after_listing,
                LinkRole::Band,
            ),
            link([250.0, 250.0], [380.0, 250.0], 4.0, PINK, LinkRole::Line),
            dashed,
            solid,
            link(
                [250.0, 146.0],
                [362.0, 146.0],
                8.0,
                PURPLE,
                LinkRole::Stripe,
            ),
            link([250.0, 154.0], [362.0, 154.0], 8.0, GREEN, LinkRole::Stripe),
            head,
        ],
        nodes: vec![
            ringed,
            node(
                2,
                [200.0, 60.0],
                NodeShape::Square,
                crate::style::RUSSIA,
                style,
            ),
            node(
                3,
                [120.0, 200.0],
                NodeShape::Diamond,
                crate::style::COUNTRY_PALETTE[0],
                style,
            ),
            node(
                4,
                [200.0, 200.0],
                NodeShape::Triangle,
                crate::style::COUNTRY_PALETTE[1],
                style,
            ),
        ],
        marks: vec![
            SceneMark {
                kind: MarkKind::Pin,
                shape: MarkShape::Line {
                    from: [300.0, 50.0],
                    to: [306.0, 40.0],
                    width: 1.5,
                },
                fill: None,
                stroke: Some((style.pin, 1.5)),
            },
            SceneMark {
                kind: MarkKind::Pin,
                shape: MarkShape::Circle {
                    center: [306.0, 36.0],
                    radius: 4.0,
                },
                fill: Some(style.pin),
                stroke: Some((style.background, 0.8)),
            },
            SceneMark {
                kind: MarkKind::Note,
                shape: MarkShape::Rect {
                    rect: [330.0, 76.0, 10.0, 10.0],
                    corner: 1.0,
                },
                fill: Some(NOTE_MARK),
                stroke: Some((style.node_stroke, 0.8)),
            },
            SceneMark {
                kind: MarkKind::LinkNote,
                shape: MarkShape::Rect {
                    rect: [126.0, 102.0, 10.0, 10.0],
                    corner: 1.0,
                },
                fill: Some(NOTE_MARK),
                stroke: Some((style.node_stroke, 1.0)),
            },
        ],
        labels: vec![SceneLabel {
            id: 4,
            lines: vec!["Ulan-Ude".to_owned(), "Aviation Plant".to_owned()],
            anchor: [230.0, 190.0],
            line_height: 16.0,
            size: 14.0,
            color: style.text,
            halo: style.text_halo,
            bold: true,
        }],
        callouts: vec![SceneCallout {
            id: 1,
            rect: [20.0, 240.0, 120.0, 40.0],
            lines: vec!["Final assembly".to_owned()],
            size: 13.0,
            line_height: 17.0,
            padding: 5.0,
            color: style.text,
            fill: style.text_halo.with_alpha(235),
            border: style.text,
            border_width: 1.2,
            corner: 3.0,
            pointer: Some(([140.0, 250.0], [190.0, 210.0])),
        }],
        ..Scene::default()
    }
}

fn page(scene: Scene, style: &Style) -> Page {
    Page {
        width_px: 400,
        height_px: 300,
        scale: 1.0,
        style: style.clone(),
        scene,
        network: Rect {
            x: 0.0,
            y: 0.0,
            w: 400.0,
            h: 300.0,
        },
        clip: false,
        empty_message: None,
        texts: Vec::new(),
        legend_nodes: Vec::new(),
        legend_links: Vec::new(),
        rules: Vec::new(),
        title: None,
        caption: None,
    }
}

fn close(a: [u8; 4], b: Rgba, tolerance: u8) -> bool {
    a[0].abs_diff(b.0) <= tolerance
        && a[1].abs_diff(b.1) <= tolerance
        && a[2].abs_diff(b.2) <= tolerance
}

#[test]
fn every_painter_draws_every_primitive_where_and_as_the_scene_says() {
    let style = Style::default();
    let scene = every_kind(&style);
    let lines_drawn = scene.links.iter().filter(|l| l.width > 0.0).count();
    let arrows = scene.links.iter().filter(|l| l.arrow.is_some()).count();

    // The OpenGL records: a line record per drawn line (with the scene's dash), a triangle per
    // arrowhead, a record per node.
    let mut gpu = super::gpu::Instances::default();
    gpu.fill(Vec2::ZERO, &scene);
    assert_eq!(gpu.prims.len(), lines_drawn + arrows);
    assert_eq!(gpu.nodes.len(), scene.nodes.len());
    let dashed = gpu
        .prims
        .iter()
        .find(|p| p.kind == 1.0)
        .expect("a dashed record");
    assert_eq!(
        dashed.c,
        [7.0, 5.0],
        "the scene's dash pattern, not the painter's"
    );
    for (n, rec) in scene.nodes.iter().zip(&gpu.nodes) {
        assert_eq!(rec.center, n.center);
        assert_eq!(rec.fill, super::canvas::color(n.fill).to_array());
    }

    // The egui mesh: every link and node colour, at its place.
    let mut mesh = egui::epaint::Mesh::default();
    super::canvas::network_mesh(&mut mesh, Vec2::ZERO, &scene);
    let has_vertex = |c: Rgba, near: [f32; 2], reach: f32| {
        mesh.vertices.iter().any(|v| {
            v.color == super::canvas::color(c)
                && (v.pos.x - near[0]).abs() <= reach
                && (v.pos.y - near[1]).abs() <= reach
        })
    };
    for n in &scene.nodes {
        assert!(
            has_vertex(n.fill, n.center, n.extent() + 2.0),
            "node {}",
            n.id
        );
    }
    for l in scene.links.iter().filter(|l| l.width > 0.0) {
        assert!(
            has_vertex(l.color, l.from, l.width + 2.0),
            "link at {:?}",
            l.from
        );
    }
    // The marks, as shapes: a circle is a fill and an outline, a rectangle too, a line one.
    let shapes = super::canvas::overlay_shapes(super::scene_worker::Place::at(Vec2::ZERO), &scene);
    assert_eq!(shapes.len(), 1 + 2 + 2 + 2);
    let note_rects: Vec<egui::Rect> = shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Rect(r) if r.fill == super::canvas::color(NOTE_MARK) => Some(r.rect),
            _ => None,
        })
        .collect();
    assert_eq!(note_rects.len(), 2);
    assert!(note_rects.iter().any(|r| r.min == egui::pos2(330.0, 76.0)));
    assert!(shapes.iter().any(|s| matches!(s, Shape::Circle(c)
        if c.center == egui::pos2(306.0, 36.0) && c.fill == super::canvas::color(style.pin))));

    // The SVG: the same counts, colours and places.
    let page = page(scene.clone(), &style);
    let svg = crate::export::svg::paint(&page);
    let group = |id: &str| -> String {
        let start = svg
            .find(&format!("<g id=\"{id}\""))
            .unwrap_or_else(|| panic!("no {id}"));
        let end = svg[start..].find("</g>").map_or(svg.len(), |e| start + e);
        svg[start..end].to_owned()
    };
    let links = group("links");
    assert_eq!(links.matches("<line ").count(), lines_drawn);
    assert_eq!(links.matches("<path ").count(), arrows);
    assert_eq!(links.matches("stroke-dasharray=\"7 5\"").count(), 1);
    for l in scene.links.iter().filter(|l| l.width > 0.0) {
        assert!(
            links.contains(&format!("stroke=\"{}\"", l.color.hex())),
            "{l:?}"
        );
    }
    let nodes = group("nodes");
    assert_eq!(nodes.matches("<polygon ").count(), 3);
    // The circle node, its ring and its halo.
    assert_eq!(nodes.matches("<circle ").count(), 3);
    for n in &scene.nodes {
        assert!(nodes.contains(&format!("fill=\"{}\"", n.fill.hex())));
    }
    let marks = group("marks");
    assert_eq!(marks.matches("class=\"pin\"").count(), 2);
    assert_eq!(marks.matches("class=\"note\"").count(), 1);
    assert_eq!(marks.matches("class=\"linknote\"").count(), 1);
    assert!(marks.contains("x=\"330\" y=\"76\" width=\"10\" height=\"10\""));
    assert_eq!(group("labels").matches("<tspan ").count(), 2);
    assert_eq!(svg.matches("class=\"callout\"").count(), 1);

    // The PNG: each primitive's colour where the scene put it.
    let (bytes, _) = crate::export::png::encode(&page).unwrap();
    let (w, _, rgba) = crate::export::png::decode(&bytes).unwrap();
    let at = |x: f32, y: f32| -> [u8; 4] {
        let k = (y as usize * w as usize + x as usize) * 4;
        [rgba[k], rgba[k + 1], rgba[k + 2], rgba[k + 3]]
    };
    for n in &scene.nodes {
        let c = n.center;
        assert!(
            close(at(c[0], c[1] + 3.0), n.fill, 3),
            "node {}: {:?}",
            n.id,
            at(c[0], c[1])
        );
    }
    assert!(
        close(at(60.0, 60.0 - 12.0 - 3.5), style.sanction_ring, 40),
        "the ring"
    );
    assert!(close(at(140.0, 130.0), GREEN, 3), "the solid link");
    assert!(close(at(300.0, 146.0), PURPLE, 3), "the first stripe");
    assert!(close(at(300.0, 154.0), GREEN, 3), "the second stripe");
    assert!(
        close(at(372.0, 150.0), PURPLE, 10),
        "the stripes' arrowhead"
    );
    assert!(close(at(300.0, 250.0), PINK, 3), "the link over the band");
    let band = at(300.0, 244.5);
    assert!(
        band[0] > band[1] + 30,
        "the band shows beside its link: {band:?}"
    );
    // The dashes: both ink and gaps along the dashed link.
    let along: Vec<bool> = (100..220)
        .map(|y| close(at(40.0, y as f32), style.ownership_link, 20))
        .collect();
    assert!(along.iter().filter(|&&x| x).count() > 40 && along.iter().any(|&x| !x));
    assert!(close(at(335.0, 81.0), NOTE_MARK, 3), "the note mark");
    assert!(close(at(131.0, 107.0), NOTE_MARK, 3), "the link note");
    assert!(close(at(306.0, 36.0), style.pin, 3), "the pin's head");
    let callout = at(80.0, 275.0);
    assert!(
        close(callout, style.text_halo, 12),
        "inside the callout: {callout:?}"
    );
    let ink = (190..215)
        .flat_map(|y| (230..330).map(move |x| (x, y)))
        .filter(|&(x, y)| close(at(x as f32, y as f32), style.text, 40))
        .count();
    assert!(ink > 100, "the label's two lines: {ink} pixels of ink");
}

#[test]
fn a_picture_painted_in_strips_is_the_same_pixels_as_painted_whole() {
    // Strips of a few rows each, cut between the marks and the overlay's pieces (the
    // callout), never through one; clipped to the network area (the marks' mask, the
    // callout's layer) and not.
    let style = Style::default();
    for clip in [false, true] {
        let mut p = page(every_kind(&style), &style);
        if clip {
            p.clip = true;
            p.network = Rect {
                x: 10.0,
                y: 20.0,
                w: 370.0,
                h: 260.0,
            };
        }
        let (bytes, phases) = crate::export::png::encode_in_strips(&p, 4096, Vec::new())
            .unwrap()
            .unwrap();
        let phases = phases.expect("an opaque picture is painted in strips");
        assert!(phases.strips > 10, "{} strips", phases.strips);
        let (_, _, striped) = crate::export::png::decode(&bytes).unwrap();
        let whole = crate::export::png::rgba(&p).unwrap();
        let differ = striped
            .chunks_exact(4)
            .zip(whole.chunks_exact(4))
            .filter(|(a, b)| a != b)
            .count();
        assert_eq!(differ, 0, "clip {clip}: {differ} pixels differ");
    }
}

#[test]
fn the_painter_s_copies_for_any_cpu_give_the_bytes_of_its_avx2_copies() {
    // (On a CPU without AVX2 both runs take the same copies.)
    use std::sync::atomic::Ordering;
    let style = Style::default();
    let p = page(every_kind(&style), &style);
    let encode = || {
        let (bytes, phases) = crate::export::png::encode_in_strips(&p, 4096, Vec::new())
            .unwrap()
            .unwrap();
        assert!(phases.is_some(), "an opaque picture is painted in strips");
        bytes
    };
    let wide = encode();
    crate::export::simd::BASELINE_ONLY.store(true, Ordering::Relaxed);
    let baseline = encode();
    crate::export::simd::BASELINE_ONLY.store(false, Ordering::Relaxed);
    assert!(wide == baseline, "the two copies painted different bytes");
}

#[test]
fn the_canvas_draws_the_density_image_where_and_as_large_as_the_scene_says() {
    let density = crate::scene::SceneDensity {
        origin: [0.0, 0.0],
        cell: 2.5,
        width: 4,
        height: 3,
        rgba: vec![0; 4 * 4 * 3],
        links: 1,
    };
    let texture = egui::TextureId::Managed(7);
    let place = super::scene_worker::Place {
        scale: 2.0,
        offset: Vec2::new(10.0, 20.0),
    };
    let Shape::Mesh(mesh) = super::canvas::density_shape(texture, place, &density) else {
        panic!("the density is one textured rectangle");
    };
    assert_eq!(mesh.texture_id, texture);
    let rect = mesh.calc_bounds();
    assert_eq!(rect.min, egui::pos2(10.0, 20.0));
    assert_eq!(rect.size(), Vec2::new(20.0, 15.0));
    // The whole image, untinted.
    let uv = egui::Rect::from_points(&mesh.vertices.iter().map(|v| v.uv).collect::<Vec<_>>());
    assert_eq!(
        uv,
        egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0))
    );
    assert!(
        mesh.vertices
            .iter()
            .all(|v| v.color == egui::Color32::WHITE)
    );
}

#[test]
fn a_png_streamed_into_a_file_is_the_bytes_made_in_memory() {
    // Written strip by strip as each is compressed (strips finish in any order), a file
    // gets the same bytes as the PNG made in memory, which decodes to the picture.
    let style = Style::default();
    let p = page(every_kind(&style), &style);
    let (in_memory, _) = crate::export::png::encode(&p).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.png");
    crate::atomic::write_file_atomically(&path, |file| {
        let (sink, _) =
            crate::export::png::encode_into(&p, crate::export::png::FileSink::new(file))?.unwrap();
        assert_eq!(sink.written(), in_memory.len() as u64);
        Ok(())
    })
    .unwrap();
    let written = std::fs::read(&path).unwrap();
    assert!(
        written == in_memory,
        "the file differs from the bytes in memory"
    );
    let (_, _, pixels) = crate::export::png::decode(&written).unwrap();
    assert_eq!(pixels, crate::export::png::rgba(&p).unwrap());
    // And in strips of a few rows, streamed: the same pixels again.
    let (small, _) = crate::export::png::encode_in_strips(&p, 4096, Vec::new())
        .unwrap()
        .unwrap();
    assert_eq!(crate::export::png::decode(&small).unwrap().2, pixels);
}
