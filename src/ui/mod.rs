//! The window: egui panels around a canvas that paints the scene.
//!
//! The only module that knows egui. Panels do not change state while drawing: they push
//! [`crate::explorer::Command`]s, which the app applies after the frame's panels are drawn.

use std::path::PathBuf;

use anyhow::anyhow;

mod app;
mod canvas;
mod dialogs;
mod inspector;
mod panels;
mod timeline;

pub use app::LadingApp;

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

/// Opens the window on a database (`None`: the default one).
pub fn run(db: Option<PathBuf>) -> anyhow::Result<()> {
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
            Ok(Box::new(LadingApp::open(db)))
        }),
    )
    .map_err(|e| anyhow!("cannot open a window: {e}"))
}
