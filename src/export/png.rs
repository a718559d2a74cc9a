//! The PNG painter: the picture's SVG rasterised by resvg with the fonts shipped in
//! `assets/fonts` (and no system fonts), encoded by tiny-skia.
//!
//! Nothing depends on the machine: the font database holds exactly the three shipped fonts
//! (Noto Sans regular and bold; Droid Sans Fallback for CJK, reached by resvg's per-character
//! fallback), every generic family maps to Noto Sans, and PNG encoding is deterministic, so
//! the same picture gives the same bytes everywhere.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, fontdb};

use super::ExportError;
use crate::style::fonts;

/// The shipped fonts, loaded once (the data is borrowed from the binary, not copied).
fn font_db() -> Arc<fontdb::Database> {
    static DB: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        for bytes in [
            fonts::NOTO_SANS,
            fonts::NOTO_SANS_BOLD,
            fonts::DROID_SANS_FALLBACK,
        ] {
            db.load_font_source(fontdb::Source::Binary(Arc::new(bytes)));
        }
        db.set_sans_serif_family("Noto Sans");
        db.set_serif_family("Noto Sans");
        db.set_monospace_family("Noto Sans");
        db.set_cursive_family("Noto Sans");
        db.set_fantasy_family("Noto Sans");
        Arc::new(db)
    })
    .clone()
}

/// Rasterises `svg` at `width` × `height` pixels (premultiplied RGBA).
fn rasterise(svg: &str, width: u32, height: u32) -> Result<Pixmap, ExportError> {
    let options = usvg::Options {
        font_family: "Noto Sans".to_owned(),
        fontdb: font_db(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options)
        .map_err(|e| ExportError::Render(format!("the SVG does not parse: {e}")))?;
    let mut pixmap = Pixmap::new(width, height)
        .ok_or_else(|| ExportError::Render(format!("cannot allocate {width} × {height} pixels")))?;
    let size = tree.size();
    let transform = Transform::from_scale(
        width as f32 / size.width().max(1e-3),
        height as f32 / size.height().max(1e-3),
    );
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    Ok(pixmap)
}

/// The SVG as PNG bytes.
pub fn encode(svg: &str, width: u32, height: u32) -> Result<Vec<u8>, ExportError> {
    rasterise(svg, width, height)?
        .encode_png()
        .map_err(|e| ExportError::Render(format!("PNG encoding failed: {e}")))
}

/// The SVG as straight RGBA pixels, row by row.
pub fn rgba(svg: &str, width: u32, height: u32) -> Result<Vec<u8>, ExportError> {
    let pixmap = rasterise(svg, width, height)?;
    let mut out = Vec::with_capacity(pixmap.data().len());
    for p in pixmap.pixels() {
        let c = p.demultiply();
        out.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
    }
    Ok(out)
}

/// Decodes a PNG made by [`encode`] into (width, height, straight RGBA): for tests and
/// checks, not a general PNG reader.
pub fn decode(bytes: &[u8]) -> Result<(u32, u32, Vec<u8>), ExportError> {
    let pixmap = Pixmap::decode_png(bytes)
        .map_err(|e| ExportError::Render(format!("PNG decoding failed: {e}")))?;
    let mut out = Vec::with_capacity(pixmap.data().len());
    for p in pixmap.pixels() {
        let c = p.demultiply();
        out.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
    }
    Ok((pixmap.width(), pixmap.height(), out))
}
