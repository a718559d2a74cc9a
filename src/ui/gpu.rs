//! The network's triangle mesh drawn by OpenGL from buffers that stay on the GPU.
//!
//! Handing egui a 600,000-vertex mesh every frame makes it copy the mesh into a fresh
//! buffer (tens of milliseconds at 10,000 entities, most of it page faults), then upload
//! it. Here the mesh goes to the GPU once per change, through an egui paint callback, and
//! an unchanged frame costs a draw call. Panning moves the picture with a uniform offset.
//!
//! Used when the window runs on eframe's glow renderer; without OpenGL (tests, kittest) or
//! if the shader does not compile, the canvas falls back to an egui mesh shape. The only
//! `unsafe` in Lading is here: glow's calls into OpenGL.

use std::sync::{Arc, Mutex};

use eframe::egui_glow::{self, ShaderVersion};
use eframe::glow::{self, HasContext};
use egui::epaint::{Mesh, Vertex};

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
    /// Generation of the mesh in the buffers.
    uploaded: Option<u64>,
    index_count: i32,
}

struct Resources {
    program: glow::Program,
    vao: glow::VertexArray,
    vbo: glow::Buffer,
    ebo: glow::Buffer,
    u_size: glow::UniformLocation,
    u_offset: glow::UniformLocation,
}

const VERTEX: &str = r#"
#if NEW_SHADER_INTERFACE
    #define I in
    #define O out
#else
    #define I attribute
    #define O varying
#endif
#ifdef GL_ES
    precision highp float;
#endif
uniform vec2 u_size;    // the canvas in points
uniform vec2 u_offset;  // pan since the mesh was built, in points
I vec2 a_pos;           // points from the canvas's top-left corner
I vec4 a_srgba;         // premultiplied sRGB, 0-255
O vec4 v_rgba;
void main() {
    vec2 p = a_pos + u_offset;
    gl_Position = vec4(2.0 * p.x / u_size.x - 1.0, 1.0 - 2.0 * p.y / u_size.y, 0.0, 1.0);
    v_rgba = a_srgba / 255.0;
}
"#;

const FRAGMENT: &str = r#"
#ifdef GL_ES
    precision mediump float;
#endif
#if NEW_SHADER_INTERFACE
    in vec4 v_rgba;
    out vec4 f_color;
    #define gl_FragColor f_color
#else
    varying vec4 v_rgba;
#endif
void main() {
    // egui blends premultiplied colours in gamma space; so does this.
    gl_FragColor = v_rgba;
}
"#;

impl GpuNetwork {
    /// Whether the last attempt to use OpenGL failed (the canvas then uses egui's mesh).
    pub fn failed(&self) -> bool {
        self.inner.lock().map_or(true, |i| i.failed)
    }

    /// A paint callback that draws `mesh` over `rect`, moved by `offset` points. `generation`
    /// names the mesh's content: the buffers are refilled only when it changes.
    pub fn callback(
        &self,
        rect: egui::Rect,
        mesh: Arc<Mesh>,
        generation: u64,
        offset: egui::Vec2,
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
                        eprintln!("lading: drawing the network with egui instead of OpenGL: {e}");
                        inner.failed = true;
                        return;
                    }
                }
            }
            let upload = inner.uploaded != Some(generation);
            let Some(res) = &inner.resources else {
                return;
            };
            unsafe {
                gl.bind_vertex_array(Some(res.vao));
                if upload {
                    gl.bind_buffer(glow::ARRAY_BUFFER, Some(res.vbo));
                    gl.buffer_data_u8_slice(
                        glow::ARRAY_BUFFER,
                        bytemuck::cast_slice::<Vertex, u8>(&mesh.vertices),
                        glow::STATIC_DRAW,
                    );
                    gl.bind_buffer(glow::ELEMENT_ARRAY_BUFFER, Some(res.ebo));
                    gl.buffer_data_u8_slice(
                        glow::ELEMENT_ARRAY_BUFFER,
                        bytemuck::cast_slice::<u32, u8>(&mesh.indices),
                        glow::STATIC_DRAW,
                    );
                }
                gl.use_program(Some(res.program));
                let size = info.viewport.size();
                gl.uniform_2_f32(Some(&res.u_size), size.x, size.y);
                gl.uniform_2_f32(Some(&res.u_offset), offset.x, offset.y);
                let count = if upload {
                    i32::try_from(mesh.indices.len()).unwrap_or(i32::MAX)
                } else {
                    inner.index_count
                };
                gl.draw_elements(glow::TRIANGLES, count, glow::UNSIGNED_INT, 0);
                gl.bind_vertex_array(None);
            }
            if upload {
                inner.uploaded = Some(generation);
                inner.index_count = i32::try_from(mesh.indices.len()).unwrap_or(i32::MAX);
            }
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
                gl.delete_program(r.program);
                gl.delete_vertex_array(r.vao);
                gl.delete_buffer(r.vbo);
                gl.delete_buffer(r.ebo);
            }
        }
    }
}

impl Resources {
    unsafe fn create(gl: &glow::Context) -> Result<Resources, String> {
        let version = ShaderVersion::get(gl);
        let header = format!(
            "{}\n#define NEW_SHADER_INTERFACE {}\n",
            version.version_declaration(),
            i32::from(version.is_new_shader_interface())
        );
        unsafe {
            let program = gl.create_program()?;
            let mut shaders = Vec::new();
            for (kind, source) in [
                (glow::VERTEX_SHADER, VERTEX),
                (glow::FRAGMENT_SHADER, FRAGMENT),
            ] {
                let shader = gl.create_shader(kind)?;
                gl.shader_source(shader, &format!("{header}{source}"));
                gl.compile_shader(shader);
                if !gl.get_shader_compile_status(shader) {
                    return Err(gl.get_shader_info_log(shader));
                }
                gl.attach_shader(program, shader);
                shaders.push(shader);
            }
            gl.bind_attrib_location(program, 0, "a_pos");
            gl.bind_attrib_location(program, 1, "a_srgba");
            gl.link_program(program);
            if !gl.get_program_link_status(program) {
                return Err(gl.get_program_info_log(program));
            }
            for s in shaders {
                gl.detach_shader(program, s);
                gl.delete_shader(s);
            }
            let u_size = gl
                .get_uniform_location(program, "u_size")
                .ok_or("no u_size uniform")?;
            let u_offset = gl
                .get_uniform_location(program, "u_offset")
                .ok_or("no u_offset uniform")?;
            let vao = gl.create_vertex_array()?;
            let vbo = gl.create_buffer()?;
            let ebo = gl.create_buffer()?;
            gl.bind_vertex_array(Some(vao));
            gl.bind_buffer(glow::ARRAY_BUFFER, Some(vbo));
            gl.bind_buffer(glow::ELEMENT_ARRAY_BUFFER, Some(ebo));
            let stride = std::mem::size_of::<Vertex>() as i32;
            gl.enable_vertex_attrib_array(0);
            gl.vertex_attrib_pointer_f32(0, 2, glow::FLOAT, false, stride, 0);
            gl.enable_vertex_attrib_array(1);
            // Vertex is pos (2 × f32), uv (2 × f32), colour (4 × u8).
            gl.vertex_attrib_pointer_f32(1, 4, glow::UNSIGNED_BYTE, false, stride, 16);
            gl.bind_vertex_array(None);
            Ok(Resources {
                program,
                vao,
                vbo,
                ebo,
                u_size,
                u_offset,
            })
        }
    }
}
