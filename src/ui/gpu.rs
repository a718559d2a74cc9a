//! The network drawn by OpenGL: one small record per link, arrowhead and node, expanded into
//! anti-aliased shapes on the GPU.
//!
//! A 10,000-entity network as triangles is about a million vertices: writing them costs more
//! than the frame budget, and handing them to egui makes it copy them again. Here each link
//! is one instance (its two ends, width, colour, dash), each arrowhead one (its three
//! corners), each node one (centre, radius, shape, outline, sanction ring, halo), about
//! 50,000 records of 36 or 52 bytes. A vertex shader stretches a four-corner quad over each
//! and a fragment shader works out coverage from the distance to the shape's edge, with the
//! same one-point feather the egui mesh (`mesh.rs`) uses, so both paths draw the same picture.
//! The records go to the GPU once per change; an unchanged frame costs two draw calls.
//!
//! Needs OpenGL 3.3 or OpenGL ES 3.0 (instanced arrays, `gl_VertexID`). Without them, without
//! OpenGL at all (tests, kittest), or if a shader does not compile, the canvas falls back to
//! the egui mesh. Most of the `unsafe` in Lading is here: glow's calls into OpenGL. The rest:
//! calling the AVX2 copies of the picture painter's loops once the CPU is known to have AVX2
//! (`export/simd.rs`), a prefetch hint (`export/strokes/cover.rs`), and two system calls
//! through libc (`madvise` in `export/png.rs`, `sync_file_range` in `atomic.rs`).

use std::sync::{Arc, Mutex};

use bytemuck::{Pod, Zeroable};
use eframe::egui_glow;
use eframe::glow::{self, HasContext};
use std::mem::offset_of;

use egui::Vec2;

use super::scene_worker::Place;
use crate::scene::Scene;
use crate::style::NodeShape;

/// What [`Prim::kind`] holds.
const LINE: f32 = 0.0;
const DASHED: f32 = 1.0;
const TRIANGLE: f32 = 2.0;

/// A link (a line from `a` to `b`, solid or dashed: `c` holds the scene's dash and gap) or
/// an arrowhead (the triangle `a b c`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Pod, Zeroable)]
pub struct Prim {
    pub a: [f32; 2],
    pub b: [f32; 2],
    pub c: [f32; 2],
    /// Line width in points (lines only).
    pub width: f32,
    /// 0 a line, 1 a dashed line, 2 a triangle.
    pub kind: f32,
    /// Premultiplied sRGBA, as egui's [`Color32`].
    pub color: [u8; 4],
}

/// A node: its shape with fill and outline, the sanction ring and the selection halo.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Pod, Zeroable)]
pub struct NodePrim {
    pub center: [f32; 2],
    pub radius: f32,
    /// 0 circle, 1 square, 2 diamond, 3 triangle (see `SceneNode::corners`).
    pub shape: f32,
    pub stroke_width: f32,
    /// Centre-line radius and width of the sanction ring; width 0 for none.
    pub ring: [f32; 2],
    /// Centre-line radius and width of the halo; width 0 for none.
    pub halo: [f32; 2],
    pub fill: [u8; 4],
    pub stroke: [u8; 4],
    pub ring_color: [u8; 4],
    pub halo_color: [u8; 4],
}

/// The network as GPU records, in window points, in drawing order.
#[derive(Clone, Debug, Default)]
pub struct Instances {
    /// Links and arrowheads, each arrowhead right after its link.
    pub prims: Vec<Prim>,
    /// Nodes, drawn over all links.
    pub nodes: Vec<NodePrim>,
}

fn rgba(c: crate::style::Rgba) -> [u8; 4] {
    super::canvas::color(c).to_array()
}

impl Instances {
    /// Writes the scene's links and nodes (cleared first), offset by `origin`: the same
    /// geometry `canvas::network_mesh` writes as triangles.
    pub fn fill(&mut self, origin: Vec2, scene: &Scene) {
        let p = |xy: [f32; 2]| [xy[0] + origin.x, xy[1] + origin.y];
        self.prims.clear();
        self.nodes.clear();
        for l in &scene.links {
            let color = rgba(l.color);
            if color[3] == 0 {
                continue;
            }
            if l.width > 0.0 {
                let dash = l.dash.filter(|[on, off]| *on > 0.0 && on + off > 0.0);
                self.prims.push(Prim {
                    a: p(l.from),
                    b: p(l.to),
                    c: dash.unwrap_or([0.0; 2]),
                    width: l.width,
                    kind: if dash.is_some() { DASHED } else { LINE },
                    color,
                });
            }
            if let Some([tip, left, right]) = l.arrow {
                self.prims.push(Prim {
                    a: p(tip),
                    b: p(left),
                    c: p(right),
                    width: 0.0,
                    kind: TRIANGLE,
                    color,
                });
            }
        }
        for n in &scene.nodes {
            let ring = match (n.ring, n.ring_radius()) {
                (Some((c, w)), Some(r)) => ([r, w], rgba(c)),
                _ => ([0.0; 2], [0; 4]),
            };
            let halo = match (n.halo, n.halo_radius()) {
                (Some((c, w)), Some(r)) => ([r, w], rgba(c)),
                _ => ([0.0; 2], [0; 4]),
            };
            self.nodes.push(NodePrim {
                center: p(n.center),
                radius: n.radius,
                shape: match n.shape {
                    NodeShape::Circle => 0.0,
                    NodeShape::Square => 1.0,
                    NodeShape::Diamond => 2.0,
                    NodeShape::Triangle => 3.0,
                },
                stroke_width: n.stroke_width,
                ring: ring.0,
                halo: halo.0,
                fill: rgba(n.fill),
                stroke: rgba(n.stroke),
                ring_color: ring.1,
                halo_color: halo.1,
            });
        }
    }

    /// Records in all.
    pub fn count(&self) -> usize {
        self.prims.len() + self.nodes.len()
    }
}

/// Shared between the canvas and the paint callbacks it hands to egui.
#[derive(Clone, Default)]
pub struct GpuNetwork {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    resources: Option<Resources>,
    /// OpenGL could not be set up: the canvas draws with egui instead.
    failed: bool,
    /// Generation of the records in the buffers, and how many there are of each.
    uploaded: Option<(u64, i32, i32)>,
}

/// One shader program and the buffer of its per-instance records.
struct Program {
    program: glow::Program,
    vao: glow::VertexArray,
    buffer: glow::Buffer,
    u_size: glow::UniformLocation,
    u_scale: glow::UniformLocation,
    u_offset: glow::UniformLocation,
}

struct Resources {
    prims: Program,
    nodes: Program,
}

/// Shared by both programs: window points to clip space.
const TO_CLIP: &str = r#"
uniform vec2 u_size;    // the canvas in points
uniform float u_scale;  // records' points to the canvas's: scaled, then moved
uniform vec2 u_offset;
// Where a recorded point is drawn: 1 and the canvas's corner for a scene built for this
// view; while a newer scene is built on another thread, the map from the view it was built
// for to the current one (positions move and scale; widths and radii stay).
vec2 place(vec2 p) { return p * u_scale + u_offset; }
vec4 to_clip(vec2 p) {
    return vec4(2.0 * p.x / u_size.x - 1.0, 1.0 - 2.0 * p.y / u_size.y, 0.0, 1.0);
}
// Coverage of a band `w` points wide at `dist` from its centre line: a one-point feather on
// each side, and a band thinner than a point drawn a point wide at reduced strength.
float band(float dist, float w) {
    return clamp(max(w, 1.0) * 0.5 + 0.5 - abs(dist), 0.0, 1.0) * min(w, 1.0);
}
"#;

const PRIM_VERTEX: &str = r#"
in vec2 a_a;
in vec2 a_b;
in vec2 a_c;
in float a_width;
in float a_kind;
in vec4 a_color;
out vec2 v_p;
flat out vec2 v_a;
flat out vec2 v_b;
flat out vec2 v_c;
flat out float v_width;
flat out float v_kind;
flat out vec4 v_color;
void main() {
    int corner = gl_VertexID;
    vec2 p;
    vec2 pa;
    vec2 pb;
    vec2 pc;
    if (a_kind < 1.5) {
        pa = place(a_a);
        pb = place(a_b);
        pc = a_c;
    } else {
        // A triangle keeps its shape: it moves with its centre.
        vec2 shift = place((a_a + a_b + a_c) / 3.0) - (a_a + a_b + a_c) / 3.0;
        pa = a_a + shift;
        pb = a_b + shift;
        pc = a_c + shift;
    }
    if (a_kind < 1.5) {
        // A line: a quad along it, one feather wider on each side; v_p is (along, across).
        vec2 d = pb - pa;
        float len = length(d);
        vec2 u = len > 0.0 ? d / len : vec2(1.0, 0.0);
        vec2 n = vec2(-u.y, u.x);
        float half_w = max(a_width, 1.0) * 0.5 + 1.0;
        float along = (corner & 1) == 1 ? len : 0.0;
        float across = (corner & 2) == 2 ? half_w : -half_w;
        p = pa + u * along + n * across;
        v_p = vec2(along, across);
    } else {
        // A triangle, its corners pushed out from the centre to leave room for the
        // feather (the fourth corner repeats the third: a degenerate second triangle).
        vec2 g = (pa + pb + pc) / 3.0;
        vec2 q = corner == 0 ? pa : (corner == 1 ? pb : pc);
        vec2 o = q - g;
        float l = length(o);
        p = l > 0.0 ? q + o / l * 3.0 : q;
        v_p = p;
    }
    v_a = pa;
    v_b = pb;
    v_c = pc;
    v_width = a_width;
    v_kind = a_kind;
    v_color = a_color;
    gl_Position = to_clip(p);
}
"#;

const PRIM_FRAGMENT: &str = r#"
in vec2 v_p;
flat in vec2 v_a;
flat in vec2 v_b;
flat in vec2 v_c;
flat in float v_width;
flat in float v_kind;
flat in vec4 v_color;
out vec4 f_color;
float cross2(vec2 a, vec2 b) { return a.x * b.y - a.y * b.x; }
// Signed distance of p from the edge a-b, negative on the side of the triangle's inside.
float edge(vec2 a, vec2 b, vec2 p, float side) {
    vec2 e = b - a;
    float l = max(length(e), 1e-6);
    return -side * cross2(e, p - a) / l;
}
void main() {
    float cov;
    if (v_kind < 1.5) {
        cov = band(v_p.y, v_width);
        if (v_kind > 0.5) {
            float t = mod(v_p.x, v_c.x + v_c.y);
            cov *= clamp(min(t, v_c.x - t) + 0.5, 0.0, 1.0);
        }
    } else {
        float side = sign(cross2(v_b - v_a, v_c - v_a));
        float d = max(max(edge(v_a, v_b, v_p, side), edge(v_b, v_c, v_p, side)),
                      edge(v_c, v_a, v_p, side));
        cov = clamp(0.5 - d, 0.0, 1.0);
    }
    // egui blends premultiplied colours in gamma space; so does this.
    f_color = v_color * cov;
}
"#;

const NODE_VERTEX: &str = r#"
in vec2 a_center;
in float a_radius;
in float a_shape;
in float a_stroke_width;
in vec2 a_ring;
in vec2 a_halo;
in vec4 a_fill;
in vec4 a_stroke;
in vec4 a_ring_color;
in vec4 a_halo_color;
out vec2 v_local;
flat out float v_radius;
flat out float v_shape;
flat out float v_stroke_width;
flat out vec2 v_ring;
flat out vec2 v_halo;
flat out vec4 v_fill;
flat out vec4 v_stroke;
flat out vec4 v_ring_color;
flat out vec4 v_halo_color;
void main() {
    int corner = gl_VertexID;
    // Everything drawn for the node lies within this distance of its centre (the triangle's
    // mitred outline reaches a stroke width past its corners).
    float extent = a_radius * (a_shape < 0.5 ? 1.0 : (a_shape < 2.5 ? 1.253 : 1.4));
    float reach = max(extent + a_stroke_width,
                      max(a_ring.x + a_ring.y * 0.5, a_halo.x + a_halo.y * 0.5)) + 1.5;
    vec2 local = vec2((corner & 1) == 1 ? reach : -reach, (corner & 2) == 2 ? reach : -reach);
    v_local = local;
    v_radius = a_radius;
    v_shape = a_shape;
    v_stroke_width = a_stroke_width;
    v_ring = a_ring;
    v_halo = a_halo;
    v_fill = a_fill;
    v_stroke = a_stroke;
    v_ring_color = a_ring_color;
    v_halo_color = a_halo_color;
    gl_Position = to_clip(place(a_center) + local);
}
"#;

const NODE_FRAGMENT: &str = r#"
in vec2 v_local;
flat in float v_radius;
flat in float v_shape;
flat in float v_stroke_width;
flat in vec2 v_ring;
flat in vec2 v_halo;
flat in vec4 v_fill;
flat in vec4 v_stroke;
flat in vec4 v_ring_color;
flat in vec4 v_halo_color;
out vec4 f_color;
vec4 over(vec4 top, vec4 under) { return top + under * (1.0 - top.a); }
void main() {
    vec2 p = v_local;
    float r = v_radius;
    // Distance from the shape's outline, negative inside; polygons as the largest of their
    // edges' distances, which gives mitred corners like the export's.
    float d;
    if (v_shape < 0.5) {
        d = length(p) - r;
    } else if (v_shape < 1.5) {
        d = max(abs(p.x), abs(p.y)) - 0.886 * r;
    } else if (v_shape < 2.5) {
        d = (abs(p.x) + abs(p.y) - 1.253 * r) * 0.70710678;
    } else {
        float t = 1.4 * r;
        d = max(p.y, dot(vec2(0.8660254, -0.5), vec2(abs(p.x), p.y))) - t * 0.5;
    }
    float from_center = length(p);
    vec4 c = vec4(0.0);
    if (v_halo.y > 0.0) {
        c = over(v_halo_color * band(from_center - v_halo.x, v_halo.y), c);
    }
    if (v_ring.y > 0.0) {
        c = over(v_ring_color * band(from_center - v_ring.x, v_ring.y), c);
    }
    c = over(v_fill * clamp(0.5 - d, 0.0, 1.0), c);
    c = over(v_stroke * band(d, v_stroke_width), c);
    f_color = c;
}
"#;

/// An attribute of a per-instance record: name, number of components, whether they are
/// bytes (a colour, normalised to 0-1) rather than floats, and byte offset.
type Attribute = (&'static str, i32, bool, i32);

const PRIM_ATTRIBUTES: &[Attribute] = &[
    ("a_a", 2, false, offset_of!(Prim, a) as i32),
    ("a_b", 2, false, offset_of!(Prim, b) as i32),
    ("a_c", 2, false, offset_of!(Prim, c) as i32),
    ("a_width", 1, false, offset_of!(Prim, width) as i32),
    ("a_kind", 1, false, offset_of!(Prim, kind) as i32),
    ("a_color", 4, true, offset_of!(Prim, color) as i32),
];

const NODE_ATTRIBUTES: &[Attribute] = &[
    ("a_center", 2, false, offset_of!(NodePrim, center) as i32),
    ("a_radius", 1, false, offset_of!(NodePrim, radius) as i32),
    ("a_shape", 1, false, offset_of!(NodePrim, shape) as i32),
    (
        "a_stroke_width",
        1,
        false,
        offset_of!(NodePrim, stroke_width) as i32,
    ),
    ("a_ring", 2, false, offset_of!(NodePrim, ring) as i32),
    ("a_halo", 2, false, offset_of!(NodePrim, halo) as i32),
    ("a_fill", 4, true, offset_of!(NodePrim, fill) as i32),
    ("a_stroke", 4, true, offset_of!(NodePrim, stroke) as i32),
    (
        "a_ring_color",
        4,
        true,
        offset_of!(NodePrim, ring_color) as i32,
    ),
    (
        "a_halo_color",
        4,
        true,
        offset_of!(NodePrim, halo_color) as i32,
    ),
];

impl GpuNetwork {
    /// Whether the last attempt to use OpenGL failed (the canvas then uses egui's mesh).
    pub fn failed(&self) -> bool {
        self.inner.lock().map_or(true, |i| i.failed)
    }

    /// Whether OpenGL has been set up, or has failed to be (then the canvas uses the mesh).
    pub fn ready(&self) -> bool {
        self.inner
            .lock()
            .map_or(true, |i| i.failed || i.resources.is_some())
    }

    /// A paint callback that draws `instances` over `rect`, their points mapped to the
    /// canvas's by `place`. `generation` names their content: the buffers are refilled only
    /// when it changes.
    pub fn callback(
        &self,
        rect: egui::Rect,
        instances: Arc<Instances>,
        generation: u64,
        place: Place,
    ) -> egui::PaintCallback {
        let inner = Arc::clone(&self.inner);
        let draw = move |info: egui::PaintCallbackInfo, painter: &egui_glow::Painter| {
            let Ok(mut inner) = inner.lock() else {
                return;
            };
            let gl = painter.gl();
            if inner.resources.is_none() && !inner.failed {
                match unsafe { Resources::create(gl) } {
                    Ok(r) => inner.resources = Some(r),
                    Err(e) => {
                        crate::cli::write_err_line(format_args!(
                            "lading: drawing the network with egui instead of OpenGL: {e}"
                        ));
                        inner.failed = true;
                        return;
                    }
                }
            }
            let counts = match inner.uploaded {
                Some((g, prims, nodes)) if g == generation => (prims, nodes),
                _ => {
                    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
                    (count(instances.prims.len()), count(instances.nodes.len()))
                }
            };
            let upload = inner.uploaded.is_none_or(|(g, ..)| g != generation);
            let Some(res) = &inner.resources else {
                return;
            };
            let size = info.viewport.size();
            unsafe {
                res.prims.draw(
                    gl,
                    upload.then(|| bytemuck::cast_slice(&instances.prims)),
                    counts.0,
                    size,
                    place,
                );
                res.nodes.draw(
                    gl,
                    upload.then(|| bytemuck::cast_slice(&instances.nodes)),
                    counts.1,
                    size,
                    place,
                );
            }
            inner.uploaded = Some((generation, counts.0, counts.1));
        };
        egui::PaintCallback {
            rect,
            callback: Arc::new(egui_glow::CallbackFn::new(draw)),
        }
    }

    /// Frees the GPU buffers (the window is closing).
    pub fn destroy(&self, gl: &glow::Context) {
        if let Ok(mut inner) = self.inner.lock()
            && let Some(r) = inner.resources.take()
        {
            unsafe {
                r.prims.delete(gl);
                r.nodes.delete(gl);
            }
        }
    }
}

impl Program {
    /// Refills the instance buffer when `records` is given, then draws `count` instances.
    unsafe fn draw(
        &self,
        gl: &glow::Context,
        records: Option<&[u8]>,
        count: i32,
        size: Vec2,
        place: Place,
    ) {
        unsafe {
            gl.bind_vertex_array(Some(self.vao));
            if let Some(bytes) = records {
                gl.bind_buffer(glow::ARRAY_BUFFER, Some(self.buffer));
                gl.buffer_data_u8_slice(glow::ARRAY_BUFFER, bytes, glow::DYNAMIC_DRAW);
                gl.bind_buffer(glow::ARRAY_BUFFER, None);
            }
            if count > 0 {
                gl.use_program(Some(self.program));
                gl.uniform_2_f32(Some(&self.u_size), size.x, size.y);
                gl.uniform_1_f32(Some(&self.u_scale), place.scale);
                gl.uniform_2_f32(Some(&self.u_offset), place.offset.x, place.offset.y);
                gl.draw_arrays_instanced(glow::TRIANGLE_STRIP, 0, 4, count);
            }
            gl.bind_vertex_array(None);
        }
    }

    unsafe fn delete(&self, gl: &glow::Context) {
        unsafe {
            gl.delete_program(self.program);
            gl.delete_vertex_array(self.vao);
            gl.delete_buffer(self.buffer);
        }
    }

    /// Compiles and links a program and sets up its instance buffer: one record of `stride`
    /// bytes per instance, laid out as `attributes` say.
    unsafe fn create(
        gl: &glow::Context,
        header: &str,
        vertex: &str,
        fragment: &str,
        attributes: &[Attribute],
        stride: usize,
    ) -> Result<Program, String> {
        unsafe {
            let program = gl.create_program()?;
            let mut shaders = Vec::new();
            for (kind, source) in [
                (glow::VERTEX_SHADER, format!("{header}{TO_CLIP}{vertex}")),
                (
                    glow::FRAGMENT_SHADER,
                    format!("{header}{TO_CLIP}{fragment}"),
                ),
            ] {
                let shader = gl.create_shader(kind)?;
                gl.shader_source(shader, &source);
                gl.compile_shader(shader);
                if !gl.get_shader_compile_status(shader) {
                    return Err(gl.get_shader_info_log(shader));
                }
                gl.attach_shader(program, shader);
                shaders.push(shader);
            }
            for (location, (name, ..)) in attributes.iter().enumerate() {
                gl.bind_attrib_location(program, location as u32, name);
            }
            gl.link_program(program);
            if !gl.get_program_link_status(program) {
                return Err(gl.get_program_info_log(program));
            }
            for s in shaders {
                gl.detach_shader(program, s);
                gl.delete_shader(s);
            }
            let uniform = |name: &str| {
                gl.get_uniform_location(program, name)
                    .ok_or_else(|| format!("no {name} uniform"))
            };
            let u_size = uniform("u_size")?;
            let u_scale = uniform("u_scale")?;
            let u_offset = uniform("u_offset")?;
            let vao = gl.create_vertex_array()?;
            let buffer = gl.create_buffer()?;
            gl.bind_vertex_array(Some(vao));
            gl.bind_buffer(glow::ARRAY_BUFFER, Some(buffer));
            let stride = stride as i32;
            for (location, &(_, components, bytes, offset)) in attributes.iter().enumerate() {
                let location = location as u32;
                gl.enable_vertex_attrib_array(location);
                let (kind, normalised) = if bytes {
                    (glow::UNSIGNED_BYTE, true)
                } else {
                    (glow::FLOAT, false)
                };
                gl.vertex_attrib_pointer_f32(
                    location, components, kind, normalised, stride, offset,
                );
                gl.vertex_attrib_divisor(location, 1);
            }
            gl.bind_vertex_array(None);
            gl.bind_buffer(glow::ARRAY_BUFFER, None);
            Ok(Program {
                program,
                vao,
                buffer,
                u_size,
                u_scale,
                u_offset,
            })
        }
    }
}

impl Resources {
    unsafe fn create(gl: &glow::Context) -> Result<Resources, String> {
        let version = gl.version();
        let (major, minor) = (version.major, version.minor);
        let supported = if version.is_embedded {
            major >= 3
        } else {
            (major, minor) >= (3, 3)
        };
        if !supported {
            return Err(format!(
                "OpenGL {major}.{minor} has no instanced drawing (3.3 or ES 3.0 needed)"
            ));
        }
        // GLSL 3.30 has everything used here; ES 3.00 too, given float precision.
        let version = if version.is_embedded {
            "#version 300 es\nprecision highp float;\nprecision highp int;"
        } else {
            "#version 330 core"
        };
        let header = format!("{version}\n");
        unsafe {
            let prims = Program::create(
                gl,
                &header,
                PRIM_VERTEX,
                PRIM_FRAGMENT,
                PRIM_ATTRIBUTES,
                std::mem::size_of::<Prim>(),
            )?;
            let nodes = Program::create(
                gl,
                &header,
                NODE_VERTEX,
                NODE_FRAGMENT,
                NODE_ATTRIBUTES,
                std::mem::size_of::<NodePrim>(),
            )?;
            Ok(Resources { prims, nodes })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::{SceneLink, SceneNode};
    use crate::style::{Rgba, Style};

    #[test]
    fn attributes_cover_each_record_exactly() {
        // The last attribute ends where the record does: no field is left unread.
        let end = |a: &[Attribute]| {
            let &(_, n, bytes, offset) = a.last().unwrap();
            offset as usize + n as usize * if bytes { 1 } else { 4 }
        };
        assert_eq!(end(PRIM_ATTRIBUTES), std::mem::size_of::<Prim>());
        assert_eq!(end(NODE_ATTRIBUTES), std::mem::size_of::<NodePrim>());
    }

    #[test]
    fn a_scene_becomes_one_record_per_link_arrowhead_and_node() {
        let style = Style::default();
        let red = Rgba(200, 0, 0, 255);
        let link = |dashed: bool, arrow| SceneLink {
            kind: crate::filter::LinkKind::Trade,
            role: crate::scene::LinkRole::Line,
            source: 1,
            target: 2,
            from: [0.0, 0.0],
            to: [100.0, 0.0],
            width: 2.0,
            color: red,
            dash: dashed.then_some([5.0, 4.0]),
            arrow,
        };
        let node = SceneNode {
            id: 1,
            center: [10.0, 20.0],
            radius: 6.0,
            shape: NodeShape::Triangle,
            fill: red,
            stroke: style.node_stroke,
            stroke_width: 1.0,
            ring: Some((style.sanction_ring, 3.0)),
            halo: None,
        };
        let scene = Scene {
            links: vec![
                link(true, None),
                link(false, Some([[100.0, 0.0], [90.0, 4.0], [90.0, -4.0]])),
                SceneLink {
                    color: Rgba(0, 0, 0, 0),
                    ..link(false, None)
                },
            ],
            nodes: vec![node.clone()],
            ..Scene::default()
        };
        let mut instances = Instances::default();
        instances.fill(Vec2::new(5.0, 7.0), &scene);
        let kinds: Vec<f32> = instances.prims.iter().map(|p| p.kind).collect();
        // The transparent link is skipped; the arrowhead follows its line.
        assert_eq!(kinds, [DASHED, LINE, TRIANGLE]);
        assert_eq!(instances.prims[2].a, [105.0, 7.0]);
        assert_eq!(instances.prims[0].c, [5.0, 4.0], "the scene's dash pattern");
        let n = instances.nodes[0];
        assert_eq!(n.center, [15.0, 27.0]);
        assert_eq!(n.shape, 3.0);
        assert_eq!(n.ring, [node.ring_radius().unwrap(), 3.0]);
        assert_eq!(n.halo[1], 0.0, "no halo: width 0");
        assert_eq!(
            n.ring_color,
            super::super::canvas::color(style.sanction_ring).to_array()
        );
    }
}
