//! The PNG painter: background, links and nodes painted straight onto the pixels
//! ([`super::raster`]), the entity labels with their halo ([`super::labels`], glyphs from
//! usvg), then the rest of the picture's text (callouts, legend, title, caption, credit:
//! [`super::svg::text_overlay`]) rasterised on top by resvg, all with the fonts shipped in
//! `assets/fonts` (and no system fonts), encoded by the png crate.
//!
//! Nothing depends on the machine: the font database holds exactly the three shipped fonts
//! (Noto Sans regular and bold; Droid Sans Fallback for CJK, reached by resvg's per-character
//! fallback), every generic family maps to Noto Sans, and PNG encoding is deterministic, so
//! the same picture gives the same bytes everywhere.
//!
//! PNG is compressed as the png crate's fast mode (fdeflate) does, in strips on all cores
//! ([`super::zlib`]): about ten times faster than tiny-skia's default encoder on a 4,000 px
//! picture, on one core, files about a fifth larger.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, fontdb};

use super::page::Page;
use rayon::prelude::*;

use super::{ExportError, labels, raster, svg, zlib};
use crate::style::fonts;

/// The shipped fonts, loaded once (the data is borrowed from the binary, not copied).
pub(super) fn font_db() -> Arc<fontdb::Database> {
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

/// Paints the page into a new pixmap: shapes straight onto the pixels
/// ([`super::raster`]), the labels ([`super::labels`]), then the text overlay SVG through
/// resvg.
///
/// One pass over the whole picture: rasterising horizontal bands on several cores was
/// tried and is not pixel-identical to one pass (paths clipped at a band's edge get
/// slightly different anti-aliasing, up to 32 levels), so it could show seams.
fn rasterise(page: &Page, phases: &mut Phases) -> Result<Pixmap, ExportError> {
    let (width, height) = (page.width_px, page.height_px);
    let t = Instant::now();
    let mut pixmap = Pixmap::new(width, height)
        .ok_or_else(|| ExportError::Render(format!("cannot allocate {width} × {height} pixels")))?;
    huge_pages(pixmap.data_mut());
    raster::paint_shapes(page, &mut pixmap, phases);
    phases.shapes_ms = ms(t) - phases.links_ms;
    let options = usvg::Options {
        font_family: "Noto Sans".to_owned(),
        fontdb: font_db(),
        ..usvg::Options::default()
    };
    let t = Instant::now();
    labels::paint(page, &mut pixmap, &options)?;
    phases.labels_ms = ms(t);
    let t = Instant::now();
    let overlay = svg::text_overlay(page);
    let tree = usvg::Tree::from_str(&overlay, &options)
        .map_err(|e| ExportError::Render(format!("the SVG does not parse: {e}")))?;
    // The overlay has the page's size in pixels: no scaling.
    resvg::render(&tree, Transform::identity(), &mut pixmap.as_mut());
    phases.text_ms = ms(t);
    Ok(pixmap)
}

/// Asks Linux to back a big buffer with 2 MB pages before it is first written: a 4,000 px
/// picture is a hundred megabytes, and faulting it in 4 KB at a time (some 26,000 faults)
/// was a sixth of the CPU time of its PNG. Only advice: where the kernel declines, or on
/// other systems, nothing changes, and the pixels never do.
fn huge_pages(data: &mut [u8]) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = data.as_mut_ptr() as usize;
        let (first, end) = (
            start.next_multiple_of(HUGE),
            (start + data.len()) & !(HUGE - 1),
        );
        if end > first {
            // SAFETY: the range lies inside `data`'s live allocation, and MADV_HUGEPAGE only
            // changes how its pages are backed, never their contents.
            unsafe {
                libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = data;
}

/// Where a PNG's time went, in milliseconds (for `lading render --json` and the export
/// benchmark).
#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct Phases {
    /// Background, links and nodes, painted together in bands ([`super::strokes`]).
    pub links_ms: f64,
    /// Allocating the pixels, and the marks.
    pub shapes_ms: f64,
    /// Entity labels ([`super::labels`]).
    pub labels_ms: f64,
    /// The rest of the text (the overlay: written, parsed and rasterised by resvg).
    pub text_ms: f64,
    /// PNG encoding.
    pub encode_ms: f64,
}

pub(super) fn ms(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 1e4).round() / 10.0
}

/// Rows per strip compressed on its own: about a megabyte of a 4,000 px picture's rows.
const STRIP_BYTES: usize = 1 << 20;

/// The page as PNG bytes: RGB when every pixel is opaque (a picture always is: its
/// background covers it), else RGBA. Each row gets the "up" filter (it suits pictures that
/// are mostly flat background and costs a fraction of trying every filter on every row), and
/// strips of rows are filtered and compressed on all cores ([`super::zlib`]: fdeflate's
/// compression, with the same bytes on any number of cores), without a second copy of the
/// picture.
pub fn encode(page: &Page) -> Result<(Vec<u8>, Phases), ExportError> {
    let mut phases = Phases::default();
    let pixmap = rasterise(page, &mut phases)?;
    let t = Instant::now();
    let (width, height) = (pixmap.width(), pixmap.height());
    let data = pixmap.data();
    // No early exit: a loop the compiler can run in vectors.
    let opaque = data
        .par_chunks(1 << 20)
        .map(|c| c.chunks_exact(4).fold(255, |a, p| a & p[3]))
        .reduce(|| 255, |a, b| a & b)
        == 255;
    let channels = if opaque { 3 } else { 4 };
    let row_px = width as usize;
    let row_bytes = 1 + row_px * channels;
    let row = |y: usize| &data[y * row_px * 4..][..row_px * 4];
    let zlib = zlib::compress(
        height as usize,
        row_bytes,
        STRIP_BYTES,
        |first, end, out| {
            let mut cur = Vec::with_capacity(row_px * 4);
            let mut above = vec![0u8; row_px * channels];
            if first > 0 {
                straight(row(first - 1), opaque, &mut above);
            }
            for y in first..end {
                straight(row(y), opaque, &mut cur);
                out.push(2); // "up": each byte minus the one above it
                let start = out.len();
                out.resize(start + cur.len(), 0);
                for ((o, c), a) in out[start..].iter_mut().zip(&cur).zip(&above) {
                    *o = c.wrapping_sub(*a);
                }
                std::mem::swap(&mut cur, &mut above);
            }
        },
    );
    let fail = |e: ::png::EncodingError| ExportError::Render(format!("PNG encoding failed: {e}"));
    let mut bytes = Vec::with_capacity(zlib.len() + 1024);
    {
        let mut encoder = ::png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(if opaque {
            ::png::ColorType::Rgb
        } else {
            ::png::ColorType::Rgba
        });
        encoder.set_depth(::png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(fail)?;
        for part in zlib.chunks(1 << 24) {
            writer.write_chunk(::png::chunk::IDAT, part).map_err(fail)?;
        }
        writer.finish().map_err(fail)?;
    }
    phases.encode_ms = ms(t);
    Ok((bytes, phases))
}

/// A row of premultiplied pixels as the PNG's bytes, into `out`: RGB when `opaque` (the
/// colour is the premultiplied one), else straight RGBA.
fn straight(src: &[u8], opaque: bool, out: &mut Vec<u8>) {
    out.clear();
    if opaque {
        out.resize(src.len() / 4 * 3, 0);
        for (d, p) in out.chunks_exact_mut(3).zip(src.chunks_exact(4)) {
            d.copy_from_slice(&p[..3]);
        }
    } else {
        for p in src.chunks_exact(4) {
            let c = resvg::tiny_skia::PremultipliedColorU8::from_rgba(p[0], p[1], p[2], p[3])
                .map(|c| c.demultiply())
                .map_or([0; 4], |c| [c.red(), c.green(), c.blue(), c.alpha()]);
            out.extend_from_slice(&c);
        }
    }
}

/// The page as straight (not premultiplied) RGBA pixels, row by row.
pub fn rgba(page: &Page) -> Result<Vec<u8>, ExportError> {
    Ok(straight_rgba(&rasterise(page, &mut Phases::default())?))
}

fn straight_rgba(pixmap: &Pixmap) -> Vec<u8> {
    let mut out = Vec::with_capacity(pixmap.data().len());
    for p in pixmap.pixels() {
        let c = p.demultiply();
        out.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
    }
    out
}

/// Rasterises any SVG (e.g. an exported one, to look at it) at its own size, with the
/// shipped fonts only, into straight RGBA.
pub fn rasterise_svg(svg: &str) -> Result<(u32, u32, Vec<u8>), ExportError> {
    let options = usvg::Options {
        font_family: "Noto Sans".to_owned(),
        fontdb: font_db(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options)
        .map_err(|e| ExportError::Render(format!("the SVG does not parse: {e}")))?;
    let size = tree.size().to_int_size();
    let mut pixmap = Pixmap::new(size.width(), size.height())
        .ok_or_else(|| ExportError::Render("cannot allocate the SVG's pixels".to_owned()))?;
    resvg::render(&tree, Transform::identity(), &mut pixmap.as_mut());
    Ok((pixmap.width(), pixmap.height(), straight_rgba(&pixmap)))
}

/// Decodes a PNG made by [`encode`] into (width, height, straight RGBA): for tests and
/// checks, not a general PNG reader.
pub fn decode(bytes: &[u8]) -> Result<(u32, u32, Vec<u8>), ExportError> {
    let pixmap = Pixmap::decode_png(bytes)
        .map_err(|e| ExportError::Render(format!("PNG decoding failed: {e}")))?;
    Ok((pixmap.width(), pixmap.height(), straight_rgba(&pixmap)))
}
