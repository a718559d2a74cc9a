//! Writing the network straight into one triangle mesh.
//!
//! egui tessellates each shape through its general path machinery, a few microseconds a
//! shape: fine for panels, far too slow for 40,000 links a frame. The network's shapes are
//! simple (straight lines, triangles, regular polygons, rings), so they are written here as
//! triangles with a one-pixel feathered edge, which is how egui anti-aliases too. egui then
//! passes the finished mesh through untouched.

use egui::epaint::{Mesh, Vertex, WHITE_UV};
use egui::{Color32, Pos2, pos2};

/// Width of the anti-aliasing fade, in points.
const FEATHER: f32 = 1.0;

fn vertex(mesh: &mut Mesh, p: Pos2, color: Color32) -> u32 {
    let i = mesh.vertices.len() as u32;
    mesh.vertices.push(Vertex {
        pos: p,
        uv: WHITE_UV,
        color,
    });
    i
}

fn quad(mesh: &mut Mesh, a: u32, b: u32, c: u32, d: u32) {
    mesh.indices.extend_from_slice(&[a, b, c, a, c, d]);
}

/// A straight line of `width` points.
pub fn line(mesh: &mut Mesh, a: Pos2, b: Pos2, width: f32, color: Color32) {
    let d = b - a;
    // Not `length()`: hypot is several times slower, and this runs 40,000 times a frame.
    let len = (d.x * d.x + d.y * d.y).sqrt();
    if len < 1e-3 || color.a() == 0 {
        return;
    }
    let n = egui::vec2(-d.y, d.x) / len;
    let clear = Color32::TRANSPARENT;
    if width <= FEATHER * 1.5 {
        // A hairline: full colour on the centre line fading out on both sides (six
        // vertices); most links of a large network are this thin.
        let color = color.gamma_multiply((width / FEATHER).min(1.0));
        let h = width.max(FEATHER) / 2.0 + FEATHER / 2.0;
        let a0 = vertex(mesh, a + n * h, clear);
        let a1 = vertex(mesh, a, color);
        let a2 = vertex(mesh, a - n * h, clear);
        let b0 = vertex(mesh, b + n * h, clear);
        let b1 = vertex(mesh, b, color);
        let b2 = vertex(mesh, b - n * h, clear);
        quad(mesh, a0, a1, b1, b0);
        quad(mesh, a1, a2, b2, b1);
        return;
    }
    let core = width - FEATHER;
    let (hc, ho) = (core / 2.0, core / 2.0 + FEATHER);
    let a0 = vertex(mesh, a + n * ho, clear);
    let a1 = vertex(mesh, a + n * hc, color);
    let a2 = vertex(mesh, a - n * hc, color);
    let a3 = vertex(mesh, a - n * ho, clear);
    let b0 = vertex(mesh, b + n * ho, clear);
    let b1 = vertex(mesh, b + n * hc, color);
    let b2 = vertex(mesh, b - n * hc, color);
    let b3 = vertex(mesh, b - n * ho, clear);
    quad(mesh, a0, a1, b1, b0);
    quad(mesh, a1, a2, b2, b1);
    quad(mesh, a2, a3, b3, b2);
}

/// A dashed line: `dash` on, `gap` off.
pub fn dashed_line(
    mesh: &mut Mesh,
    a: Pos2,
    b: Pos2,
    width: f32,
    color: Color32,
    dash: f32,
    gap: f32,
) {
    let d = b - a;
    let len = d.length();
    if len < 1e-3 {
        return;
    }
    let u = d / len;
    let mut t = 0.0;
    while t < len {
        let end = (t + dash).min(len);
        line(mesh, a + u * t, a + u * end, width, color);
        t += dash + gap;
    }
}

/// A filled convex polygon with a feathered edge. Points in either winding order.
pub fn convex(mesh: &mut Mesh, points: &[Pos2], color: Color32) {
    let n = points.len();
    if n < 3 || color.a() == 0 {
        return;
    }
    // Outward normals: the polygon's winding decides which side is out.
    let area: f32 = (0..n)
        .map(|i| {
            let (p, q) = (points[i], points[(i + 1) % n]);
            p.x * q.y - q.x * p.y
        })
        .sum();
    let sign = if area >= 0.0 { 1.0 } else { -1.0 };
    let first = mesh.vertices.len() as u32;
    for i in 0..n {
        let prev = points[(i + n - 1) % n];
        let p = points[i];
        let next = points[(i + 1) % n];
        let e1 = (p - prev).normalized();
        let e2 = (next - p).normalized();
        let n1 = egui::vec2(e1.y, -e1.x) * sign;
        let n2 = egui::vec2(e2.y, -e2.x) * sign;
        let mut normal = (n1 + n2) * 0.5;
        let len2 = normal.length_sq();
        if len2 > 1e-6 {
            normal /= len2; // miter, so the feather keeps its width at corners
        }
        let normal = normal * (FEATHER * 0.5);
        vertex(mesh, p - normal, color);
        vertex(mesh, p + normal, Color32::TRANSPARENT);
    }
    for i in 1..n as u32 - 1 {
        mesh.indices
            .extend_from_slice(&[first, first + 2 * i, first + 2 * (i + 1)]);
    }
    for i in 0..n as u32 {
        let j = (i + 1) % n as u32;
        quad(
            mesh,
            first + 2 * i,
            first + 2 * i + 1,
            first + 2 * j + 1,
            first + 2 * j,
        );
    }
}

/// How many segments make a circle of `radius` look round.
fn segments(radius: f32, max: u32) -> u32 {
    (radius * 1.6).clamp(8.0, max as f32) as u32
}

/// (cos, sin) of `n` angles evenly around the circle, worked out once per `n` (8 to 64).
fn unit_circle(n: u32) -> &'static [(f32, f32)] {
    static TABLES: std::sync::OnceLock<Vec<Vec<(f32, f32)>>> = std::sync::OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        (0..=64u32)
            .map(|n| {
                (0..n)
                    .map(|i| {
                        let a = i as f32 / n as f32 * std::f32::consts::TAU;
                        (a.cos(), a.sin())
                    })
                    .collect()
            })
            .collect()
    });
    &tables[n.clamp(8, 64) as usize]
}

/// A filled circle with an outline of `width` centred on its edge, feathered outside: four
/// vertices per segment and one in the middle, a third fewer than a polygon plus a ring.
pub fn disc(mesh: &mut Mesh, center: Pos2, radius: f32, fill: Color32, stroke: (f32, Color32)) {
    let (width, stroke_color) = stroke;
    let (core, stroke_color) = if width < FEATHER {
        (0.0, stroke_color.gamma_multiply(width / FEATHER))
    } else {
        (width - FEATHER, stroke_color)
    };
    let inner = (radius - core / 2.0 - FEATHER / 2.0).max(0.0);
    let outer = radius + core / 2.0 + FEATHER / 2.0;
    let radii = [inner, inner, outer, outer + FEATHER];
    let colors = [fill, stroke_color, stroke_color, Color32::TRANSPARENT];
    let circle = unit_circle(segments(radius, 48));
    let n = circle.len() as u32;
    let middle = vertex(mesh, center, fill);
    let first = mesh.vertices.len() as u32;
    mesh.vertices.reserve(circle.len() * 4);
    for &(c, s) in circle {
        for k in 0..4 {
            mesh.vertices.push(Vertex {
                pos: pos2(center.x + radii[k] * c, center.y + radii[k] * s),
                uv: WHITE_UV,
                color: colors[k],
            });
        }
    }
    mesh.indices.reserve(n as usize * 15);
    for i in 0..n {
        let j = (i + 1) % n;
        let (a, b) = (first + 4 * i, first + 4 * j);
        mesh.indices.extend_from_slice(&[middle, a, b]);
        quad(mesh, a + 1, a + 2, b + 2, b + 1);
        quad(mesh, a + 2, a + 3, b + 3, b + 2);
    }
}

/// A ring of `width` centred on `radius`, feathered on both sides.
pub fn ring(mesh: &mut Mesh, center: Pos2, radius: f32, width: f32, color: Color32) {
    if color.a() == 0 || width <= 0.0 {
        return;
    }
    let circle = unit_circle(segments(radius, 64));
    let n = circle.len() as u32;
    let (core, color) = if width < FEATHER {
        (0.0, color.gamma_multiply(width / FEATHER))
    } else {
        (width - FEATHER, color)
    };
    let radii = [
        radius - core / 2.0 - FEATHER,
        radius - core / 2.0,
        radius + core / 2.0,
        radius + core / 2.0 + FEATHER,
    ];
    let colors = [Color32::TRANSPARENT, color, color, Color32::TRANSPARENT];
    let first = mesh.vertices.len() as u32;
    for &(c, s) in circle {
        for k in 0..4 {
            let r = radii[k].max(0.0);
            vertex(mesh, pos2(center.x + r * c, center.y + r * s), colors[k]);
        }
    }
    for i in 0..n {
        let j = (i + 1) % n;
        for k in 0..3 {
            quad(
                mesh,
                first + 4 * i + k,
                first + 4 * i + k + 1,
                first + 4 * j + k + 1,
                first + 4 * j + k,
            );
        }
    }
}

/// A closed outline through `points`.
pub fn outline(mesh: &mut Mesh, points: &[Pos2], width: f32, color: Color32) {
    for i in 0..points.len() {
        line(
            mesh,
            points[i],
            points[(i + 1) % points.len()],
            width,
            color,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_make_well_formed_triangles() {
        let mut mesh = Mesh::default();
        line(
            &mut mesh,
            pos2(0.0, 0.0),
            pos2(10.0, 0.0),
            2.0,
            Color32::RED,
        );
        convex(
            &mut mesh,
            &[
                pos2(0.0, 0.0),
                pos2(8.0, 0.0),
                pos2(8.0, 8.0),
                pos2(0.0, 8.0),
            ],
            Color32::BLUE,
        );
        ring(&mut mesh, pos2(5.0, 5.0), 6.0, 3.0, Color32::RED);
        let before = mesh.vertices.len();
        disc(
            &mut mesh,
            pos2(20.0, 20.0),
            5.0,
            Color32::BLUE,
            (1.0, Color32::BLACK),
        );
        // Eight segments of four vertices, and the middle.
        assert_eq!(mesh.vertices.len() - before, 33);
        let reach = mesh.vertices[before..]
            .iter()
            .map(|v| (v.pos - pos2(20.0, 20.0)).length())
            .fold(0.0f32, f32::max);
        // Outline centred on the edge (half a point out), then the one-point fade.
        assert!((reach - 6.5).abs() < 1e-3, "{reach}");
        dashed_line(
            &mut mesh,
            pos2(0.0, 0.0),
            pos2(0.0, 30.0),
            1.0,
            Color32::GRAY,
            5.0,
            4.0,
        );
        assert!(mesh.is_valid());
        assert_eq!(mesh.indices.len() % 3, 0);
        // Degenerate input draws nothing and breaks nothing.
        let before = mesh.vertices.len();
        line(&mut mesh, pos2(1.0, 1.0), pos2(1.0, 1.0), 2.0, Color32::RED);
        convex(&mut mesh, &[pos2(0.0, 0.0), pos2(1.0, 1.0)], Color32::RED);
        assert_eq!(mesh.vertices.len(), before);
    }
}
