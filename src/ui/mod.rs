//! The window: egui panels around a canvas that paints the scene.
//!
//! The only module that knows egui. Panels do not change state while drawing: they push
//! [`crate::explorer::Command`]s, which the app applies after the frame's panels are drawn.

use std::path::PathBuf;

use anyhow::anyhow;

mod app;
pub mod bench;
mod brokers_ui;
mod canvas;
mod dialogs;
pub mod duplicates;
pub mod export_ui;
mod filter_more;
mod follow;
mod gpu;
mod identity_info;
mod import_preview;
mod inspector;
mod mesh;
mod network;
#[cfg(test)]
mod painter_tests;
mod panels;
mod probe;
mod scene_worker;
pub mod screening_ui;
mod session_ui;
mod team_sessions_ui;
mod timeline;
mod watch;

pub use app::{Follow, LadingApp};
pub use canvas::EMPTY_CANVAS;
pub use panels::{SHORTCUTS, count};

/// The canvas's tooltip for an entity (what it is, its trade in the filter, its listings,
/// whether it is made up or a group).
pub fn tooltip_for(explorer: &crate::explorer::Explorer, id: crate::model::EntityId) -> String {
    inspector::with_provenance(explorer, id, canvas::tooltip_text(explorer, id))
}

/// Installs the shipped fonts: Noto Sans first, Droid Sans Fallback for Chinese, Japanese
/// and Korean, DejaVu Sans for symbols, then egui's own fonts (emoji) as a last resort.
pub fn install_fonts(ctx: &egui::Context) {
    use egui::{FontData, FontDefinitions, FontFamily};
    use std::sync::Arc;
    let mut fonts = FontDefinitions::default();
    for (name, bytes) in [
        ("noto-sans", crate::style::fonts::NOTO_SANS),
        ("noto-sans-bold", crate::style::fonts::NOTO_SANS_BOLD),
        (
            "droid-sans-fallback",
            crate::style::fonts::DROID_SANS_FALLBACK,
        ),
        ("dejavu-sans", crate::style::fonts::DEJAVU_SANS),
    ] {
        fonts
            .font_data
            .insert(name.to_owned(), Arc::new(FontData::from_static(bytes)));
    }
    if let Some(list) = fonts.families.get_mut(&FontFamily::Proportional) {
        list.insert(0, "noto-sans".to_owned());
        list.insert(1, "droid-sans-fallback".to_owned());
        list.insert(2, "dejavu-sans".to_owned());
    }
    if let Some(list) = fonts.families.get_mut(&FontFamily::Monospace) {
        list.push("droid-sans-fallback".to_owned());
    }
    fonts.families.insert(
        FontFamily::Name("bold".into()),
        vec![
            "noto-sans-bold".to_owned(),
            "droid-sans-fallback".to_owned(),
            "dejavu-sans".to_owned(),
        ],
    );
    ctx.set_fonts(fonts);
    // A name with a character no shipped font has (an emoji, a rare script) draws a box;
    // it must never stop the window.
    ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
}

/// The window's app with four measuring aids: it prints the time to the first painted frame,
/// `LADING_EXIT_AFTER_FRAMES=N` closes the window after N frames (the window test and the
/// start-up benchmark use both), `LADING_SCREENSHOT=FILE.png` saves what the window shows
/// once the layout has settled, then closes it (the window test compares the OpenGL and egui
/// painters with it), and `LADING_PROBE=FILE.json` pans and clicks and reports the frame
/// times (`probe.rs`).
struct Window {
    app: LadingApp,
    started: std::time::Instant,
    frames: u64,
    exit_after: Option<u64>,
    screenshot: Option<Screenshot>,
    probe: Option<probe::Probe>,
}

/// A screenshot asked for with `LADING_SCREENSHOT`.
struct Screenshot {
    path: PathBuf,
    requested: bool,
    /// Set by the screenshot's callback once the file is written (or failed to be).
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Screenshot {
    fn step(&mut self, ctx: &egui::Context, settled: bool) {
        if self.done.load(std::sync::atomic::Ordering::Acquire) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        ctx.request_repaint();
        if self.requested || !settled {
            return;
        }
        self.requested = true;
        let (path, done, repaint) = (self.path.clone(), self.done.clone(), ctx.clone());
        ctx.request_screenshot(move |image| {
            if let Err(e) = write_png(&path, &image) {
                crate::cli::write_err_line(format_args!(
                    "lading: cannot save the screenshot {}: {e}",
                    path.display()
                ));
            }
            done.store(true, std::sync::atomic::Ordering::Release);
            repaint.request_repaint();
        });
    }
}

/// Writes an egui image as an RGBA PNG, atomically.
fn write_png(path: &std::path::Path, image: &egui::ColorImage) -> anyhow::Result<()> {
    let [w, h] = image.size;
    let rgba: Vec<u8> = image
        .pixels
        .iter()
        .flat_map(|c| c.to_srgba_unmultiplied())
        .collect();
    let (w, h) = (u32::try_from(w)?, u32::try_from(h)?);
    crate::atomic::write_atomically(path, |file| {
        let mut encoder = png::Encoder::new(file, w, h);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        encoder
            .write_header()
            .and_then(|mut png| png.write_image_data(&rgba))
            .map_err(std::io::Error::other)
    })?;
    Ok(())
}

impl eframe::App for Window {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.app.frame(ui);
        self.frames += 1;
        if self.frames == 1 {
            println!(
                "first frame after {:.0} ms",
                self.started.elapsed().as_secs_f64() * 1e3
            );
        }
        if let Some(shot) = &mut self.screenshot {
            let settled = self.app.explorer.as_ref().is_none_or(|e| e.is_settled());
            shot.step(ui.ctx(), settled && self.frames > 2);
        }
        if let Some(p) = &mut self.probe {
            p.after_frame(&self.app, ui.ctx());
        }
        if let Some(n) = self.exit_after {
            ui.ctx().request_repaint();
            if self.frames >= n {
                ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    fn raw_input_hook(&mut self, _ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        if let Some(p) = &mut self.probe {
            p.input(&self.app, raw_input);
        }
    }

    fn on_exit(&mut self, gl: Option<&eframe::glow::Context>) {
        eframe::App::on_exit(&mut self.app, gl);
    }
}

/// Opens the window on a database (`None`: the default one, or the session's) and,
/// optionally, a session file.
pub fn run(db: Option<PathBuf>, session: Option<PathBuf>) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let exit_after = std::env::var("LADING_EXIT_AFTER_FRAMES")
        .ok()
        .and_then(|n| n.parse().ok());
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Lading")
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([720.0, 480.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Lading",
        options,
        Box::new(move |cc| {
            install_fonts(&cc.egui_ctx);
            let mut app = LadingApp::open_with(db, session);
            if cc.gl.is_some() && std::env::var_os("LADING_NO_GPU_MESH").is_none() {
                app.gpu = Some(gpu::GpuNetwork::default());
            }
            Ok(Box::new(Window {
                app,
                started,
                frames: 0,
                exit_after,
                screenshot: std::env::var_os("LADING_SCREENSHOT").map(|p| Screenshot {
                    path: PathBuf::from(p),
                    requested: false,
                    done: Default::default(),
                }),
                probe: probe::Probe::from_env(),
            }))
        }),
    )
    .map_err(|e| anyhow!("cannot open a window: {e}"))
}
