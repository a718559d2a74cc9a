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
//!
//! A picture is painted and compressed strip by strip ([`encode_in_strips`]): never held
//! whole in memory (a hundred megabytes at 4,000 px, which the kernel must first clear),
//! never read twice, with the same pixels as painted whole ([`rgba`]).

use std::fs::File;
use std::io::{self, Seek, Write};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use resvg::tiny_skia::{Pixmap, PixmapMut, Transform};
use resvg::usvg::{self, fontdb};

use super::page::Page;
use rayon::prelude::*;

use super::simd::wide;
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
    /// Strips the picture was painted and compressed in (0: painted whole). In strips, each
    /// phase is its time summed over the strips, on all cores (thread time).
    pub strips: usize,
}

pub(super) fn ms(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 1e4).round() / 10.0
}

/// Rows per strip compressed on its own: about a megabyte of a 4,000 px picture's rows.
const STRIP_BYTES: usize = 1 << 20;

/// The page as PNG bytes, with where the time went.
///
/// A page with an opaque background (every picture's) is painted and compressed strip by
/// strip ([`encode_in_strips`]), never as a whole picture in memory; any other as a whole
/// ([`encode_whole`]). Both give the same pixels.
pub fn encode(page: &Page) -> Result<(Vec<u8>, Phases), ExportError> {
    encode_into(page, Vec::new())
        .map_err(|e| ExportError::Render(format!("PNG encoding failed: {e}")))?
}

/// Where a PNG goes as it is made: bytes in memory, or a file being written ([`FileSink`]).
pub trait Sink: Write + Send {
    /// Forgets what was written (a picture that turns out translucent, which cannot happen
    /// to a picture with its opaque background, is encoded again, whole).
    fn restart(&mut self) -> io::Result<()>;
}

impl Sink for Vec<u8> {
    fn restart(&mut self) -> io::Result<()> {
        self.clear();
        Ok(())
    }
}

/// A new file written from its start (the temporary file of
/// [`crate::atomic::write_file_atomically`]), whose writeback to the disk is started every
/// few megabytes ([`crate::atomic::start_writeback`]), so the fsync after the last strip
/// has little left to wait for.
pub struct FileSink<'f> {
    file: &'f File,
    written: u64,
    started: u64,
}

impl<'f> FileSink<'f> {
    pub fn new(file: &'f File) -> FileSink<'f> {
        FileSink {
            file,
            written: 0,
            started: 0,
        }
    }

    /// The bytes written.
    pub fn written(&self) -> u64 {
        self.written
    }
}

/// Bytes written before their writeback is started.
const WRITEBACK_BYTES: u64 = 1 << 20;

impl Write for FileSink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = (&mut &*self.file).write(buf)?;
        self.written += n as u64;
        if self.written - self.started >= WRITEBACK_BYTES {
            crate::atomic::start_writeback(self.file, self.started, self.written - self.started);
            self.started = self.written;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Sink for FileSink<'_> {
    fn restart(&mut self) -> io::Result<()> {
        self.file.set_len(0)?;
        (&mut &*self.file).seek(io::SeekFrom::Start(0))?;
        (self.written, self.started) = (0, 0);
        Ok(())
    }
}

/// [`encode`] into `sink`, each strip written as soon as it and those above it are
/// compressed (so writing overlaps painting). The outer error is the sink's (the caller
/// names the file), the inner one the painting's.
pub fn encode_into<S: Sink>(page: &Page, sink: S) -> io::Result<Result<(S, Phases), ExportError>> {
    let mut sink = sink;
    if raster::background(page)[3] == 255 {
        match crate::cores::spread(|| encode_in_strips(page, STRIP_BYTES, sink))? {
            Ok((s, Some(phases))) => return Ok(Ok((s, phases))),
            Ok((s, None)) => {
                sink = s;
                sink.restart()?;
            }
            Err(e) => return Ok(Err(e)),
        }
    }
    let (bytes, phases) = match encode_whole(page) {
        Ok(done) => done,
        Err(e) => return Ok(Err(e)),
    };
    sink.write_all(&bytes)?;
    Ok(Ok((sink, phases)))
}

/// Thread time per phase of the strips, in microseconds.
#[derive(Default)]
struct Clocks {
    links: AtomicU64,
    shapes: AtomicU64,
    labels: AtomicU64,
    text: AtomicU64,
    encode: AtomicU64,
}

/// Adds the time since `*t` to `clock` and restarts `*t`.
fn lap(clock: &AtomicU64, t: &mut Instant) {
    let now = Instant::now();
    clock.fetch_add((now - *t).as_micros() as u64, Ordering::Relaxed);
    *t = now;
}

thread_local! {
    /// A strip's RGBA pixels, kept for the thread's next strip.
    static STRIP: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Paints the page strip by strip on all cores, each strip compressed as soon as it is
/// painted ([`super::zlib`]): background, links and nodes ([`super::strokes`], the same
/// bits however the rows are cut), marks, labels and the text overlay on each strip's own
/// pixels, then its rows filtered and compressed. The whole picture (a hundred megabytes
/// at 4,000 px, which the kernel must first clear page by page) is never in memory, nor
/// read twice.
///
/// The links' plan, the labels' glyphs and the overlay's text are prepared side by side;
/// each label is rasterised when a strip first holds it ([`labels::Labels`]), and a strip
/// draws only the overlay's pieces that reach it ([`Pieces`]).
///
/// Marks and the overlay's pieces are drawn by tiny-skia and resvg, whose anti-aliasing
/// changes where a path is cut at a pixmap's edge: strips are cut between them, never
/// through one. Each strip's first row is filtered "sub" (it needs no row above); the
/// others "up", as [`encode_whole`] does. `None` when a pixel turns out translucent (it
/// cannot: the background is opaque; then the picture is painted whole).
///
/// `strip_bytes`: about how many bytes of PNG rows a strip holds (public for tests, which
/// cut a small picture into many strips).
pub fn encode_in_strips<S: Sink>(
    page: &Page,
    strip_bytes: usize,
    mut sink: S,
) -> io::Result<Result<(S, Option<Phases>), ExportError>> {
    let (width, height) = (page.width_px, page.height_px);
    let (w, h) = (width as usize, height as usize);
    if w == 0 || h == 0 {
        return Ok(Ok((sink, None)));
    }
    let options = usvg::Options {
        font_family: "Noto Sans".to_owned(),
        fontdb: font_db(),
        ..usvg::Options::default()
    };
    let clocks = Clocks::default();
    // The links' plan, the labels' rasters and the overlay's text, prepared side by side.
    let ((strokes, plan), (labels, overlay)) = rayon::join(
        || {
            let mut t = Instant::now();
            let strokes = raster::strokes(page);
            let plan = strokes.plan(width, height);
            lap(&clocks.links, &mut t);
            (strokes, plan)
        },
        || {
            rayon::join(
                || {
                    let mut t = Instant::now();
                    let labels = labels::prepare(page, width, height, &options);
                    lap(&clocks.labels, &mut t);
                    labels
                },
                || {
                    let mut t = Instant::now();
                    let tree = usvg::Tree::from_str(&svg::text_overlay(page), &options);
                    lap(&clocks.text, &mut t);
                    tree
                },
            )
        },
    );
    let labels = match labels {
        Ok(labels) => labels,
        Err(e) => return Ok(Err(e)),
    };
    let overlay = match overlay {
        Ok(overlay) => overlay,
        Err(e) => {
            let e = ExportError::Render(format!("the SVG does not parse: {e}"));
            return Ok(Err(e));
        }
    };
    let background = raster::background(page);
    let mut t = Instant::now();
    let pieces = Pieces::of(&overlay, h);
    let mut overlay_rows: Vec<(usize, usize)> = pieces.list.iter().map(|p| p.rows).collect();
    overlay_rows.sort_unstable();
    let overlay_rows = merge_rows_usize(overlay_rows);
    let mark_rows = merge_rows(raster::mark_rows(page), h);
    lap(&clocks.text, &mut t);
    let mut whole: Vec<(usize, usize)> = overlay_rows.iter().chain(&mark_rows).copied().collect();
    whole.sort_unstable();
    let cuts = cut_rows(
        h,
        (strip_bytes / (1 + w * 3)).max(1),
        &merge_rows_usize(whole),
    );
    let meets =
        |rows: &[(usize, usize)], a: usize, b: usize| rows.iter().any(|&(s, e)| s < b && a < e);
    let translucent = AtomicBool::new(false);
    // The file's header now; each strip's block as an IDAT chunk once those above it are
    // written (the first with the zlib header): the same bytes however the strips finish.
    let mut writer = png_header(&mut sink, width, height, true)?;
    let fill = |first: usize, end: usize, out: &mut Vec<u8>| {
        STRIP.with_borrow_mut(|px| {
            let mut t = Instant::now();
            let n = end - first;
            if px.len() < n * w * 4 {
                px.resize(n * w * 4, 0);
            }
            let px = &mut px[..n * w * 4];
            strokes.paint_rows(&plan, px, first, end, Some(background));
            lap(&clocks.links, &mut t);
            if meets(&mark_rows, first, end)
                && let Some(mut pixmap) = PixmapMut::from_bytes(px, width, n as u32)
            {
                raster::paint_marks(page, &mut pixmap, first as u32);
            }
            lap(&clocks.shapes, &mut t);
            labels.composite_rows(px, w, (first, end));
            lap(&clocks.labels, &mut t);
            if meets(&overlay_rows, first, end)
                && let Some(mut pixmap) = PixmapMut::from_bytes(px, width, n as u32)
            {
                pieces.render(&overlay, (first, end), &mut pixmap);
            }
            lap(&clocks.text, &mut t);
            if !opaque_rgba(px) {
                translucent.store(true, Ordering::Relaxed);
            }
            filter_rows(px, w, out);
            lap(&clocks.encode, &mut t);
        })
    };
    let state = std::sync::Mutex::new((zlib::Joiner::default(), None::<io::Error>, &mut writer));
    zlib::compress_each(&cuts, 1 + w * 3, fill, |k, strip| {
        let mut t = Instant::now();
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        let (joiner, failed, writer) = &mut *state;
        if failed.is_none()
            && let Err(e) = joiner.push(k, strip, |bytes| {
                writer
                    .write_chunk(::png::chunk::IDAT, bytes)
                    .map_err(io_error)
            })
        {
            *failed = Some(e);
        }
        drop(state);
        lap(&clocks.encode, &mut t);
    });
    let (joiner, failed, _) = state.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(e) = failed {
        return Err(e);
    }
    if translucent.load(Ordering::Relaxed) {
        drop(writer);
        return Ok(Ok((sink, None)));
    }
    let t = Instant::now();
    writer
        .write_chunk(::png::chunk::IDAT, &joiner.finish())
        .map_err(io_error)?;
    writer.finish().map_err(io_error)?;
    clocks
        .encode
        .fetch_add(t.elapsed().as_micros() as u64, Ordering::Relaxed);
    let ms_of = |c: &AtomicU64| (c.load(Ordering::Relaxed) as f64 / 100.0).round() / 10.0;
    let phases = Phases {
        links_ms: ms_of(&clocks.links),
        shapes_ms: ms_of(&clocks.shapes),
        labels_ms: ms_of(&clocks.labels),
        text_ms: ms_of(&clocks.text),
        encode_ms: ms_of(&clocks.encode),
        strips: cuts.len() - 1,
    };
    Ok(Ok((sink, Some(phases))))
}

/// A PNG encoder's error as an I/O error (it is one when writing failed).
fn io_error(e: ::png::EncodingError) -> io::Error {
    match e {
        ::png::EncodingError::IoError(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

/// Writes a PNG's signature and header into `out`: RGB when `opaque`, else RGBA; the image
/// data follows as IDAT chunks through the returned writer.
fn png_header<W: Write>(
    out: W,
    width: u32,
    height: u32,
    opaque: bool,
) -> io::Result<::png::Writer<W>> {
    let mut encoder = ::png::Encoder::new(out, width, height);
    encoder.set_color(if opaque {
        ::png::ColorType::Rgb
    } else {
        ::png::ColorType::Rgba
    });
    encoder.set_depth(::png::BitDepth::Eight);
    encoder.write_header().map_err(io_error)
}

/// Whether every pixel of premultiplied RGBA `px` is opaque (a loop the compiler can run
/// in vectors: no early exit).
fn opaque_rgba(px: &[u8]) -> bool {
    px.chunks_exact(16).fold(u32::MAX, |acc, c| {
        let word = |k: usize| u32::from_le_bytes([c[k], c[k + 1], c[k + 2], c[k + 3]]);
        acc & word(0) & word(4) & word(8) & word(12)
    }) >> 24
        == 255
        && px
            .chunks_exact(16)
            .remainder()
            .chunks_exact(4)
            .all(|p| p[3] == 255)
}

thread_local! {
    /// A row's difference from the row above, kept for the thread's next row.
    static DIFF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Appends the opaque RGBA rows `px` (`w` pixels a row) to `out` as PNG rows of RGB: the
/// first filtered "sub" (each byte minus the one a pixel to its left: it needs no row
/// above), the others "up" (each byte minus the one above it). The differences are taken
/// on whole RGBA rows (in vectors), then packed four pixels at a time into three words.
fn filter_rows(px: &[u8], w: usize, out: &mut Vec<u8>) {
    let (row_px, row_out) = (w * 4, 1 + w * 3);
    let n = px.len() / row_px;
    let start = out.len();
    out.resize(start + n * row_out, 0);
    filter_into(px, w, &mut out[start..]);
}

wide!(fn filter_into(px: &[u8], w: usize, out: &mut [u8]) = filter_body);

#[inline(always)]
fn filter_body(px: &[u8], w: usize, out: &mut [u8]) {
    let (row_px, row_out) = (w * 4, 1 + w * 3);
    let mut diff = DIFF.take();
    {
        diff.resize(row_px, 0);
        for (y, dst) in out.chunks_exact_mut(row_out).enumerate() {
            let src = &px[y * row_px..][..row_px];
            if y == 0 {
                dst[0] = 1;
                let mut left = [0u8; 4];
                for (d, p) in diff.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
                    for k in 0..4 {
                        d[k] = p[k].wrapping_sub(left[k]);
                    }
                    left.copy_from_slice(p);
                }
            } else {
                dst[0] = 2;
                let up = &px[(y - 1) * row_px..][..row_px];
                for ((d, &p), &u) in diff.iter_mut().zip(src).zip(up) {
                    *d = p.wrapping_sub(u);
                }
            }
            pack_rgb(&diff, &mut dst[1..]);
        }
    }
    DIFF.set(diff);
}

/// RGBA bytes `src` as RGB into `dst` (three quarters as long).
#[inline(always)]
fn pack_rgb(src: &[u8], dst: &mut [u8]) {
    let mut quads = src.chunks_exact(16);
    let mut outs = dst.chunks_exact_mut(12);
    for (c, o) in (&mut quads).zip(&mut outs) {
        let word = |k: usize| u32::from_le_bytes([c[k], c[k + 1], c[k + 2], c[k + 3]]);
        let (p0, p1, p2, p3) = (word(0), word(4), word(8), word(12));
        o[0..4].copy_from_slice(&((p0 & 0x00ff_ffff) | (p1 << 24)).to_le_bytes());
        o[4..8].copy_from_slice(&(((p1 >> 8) & 0xffff) | (p2 << 16)).to_le_bytes());
        o[8..12].copy_from_slice(&(((p2 >> 16) & 0xff) | (p3 << 8)).to_le_bytes());
    }
    for (p, o) in quads
        .remainder()
        .chunks_exact(4)
        .zip(outs.into_remainder().chunks_exact_mut(3))
    {
        o.copy_from_slice(&p[..3]);
    }
}

/// The overlay's pieces (its leaves, and each group drawn as a layer, a clip or an opacity,
/// as one) in drawing order, with the rows each may paint: a strip draws only the pieces
/// that reach it (each lies inside one strip whole), not the whole overlay once a strip.
struct Pieces<'t> {
    list: Vec<Piece<'t>>,
    /// Whether a piece lies in a group with a transform of its own (then each strip the
    /// overlay reaches draws the whole overlay, as resvg does).
    nested: bool,
}

struct Piece<'t> {
    node: &'t usvg::Node,
    /// Rows `a..b` of the picture it may paint (with a margin for anti-aliasing).
    rows: (usize, usize),
}

impl<'t> Pieces<'t> {
    fn of(tree: &'t usvg::Tree, h: usize) -> Pieces<'t> {
        let mut pieces = Pieces {
            list: Vec::new(),
            nested: !tree.root().transform().is_identity(),
        };
        pieces.collect(tree.root(), h);
        pieces
    }

    fn collect(&mut self, group: &'t usvg::Group, h: usize) {
        for node in group.children() {
            match node {
                usvg::Node::Group(g) if !g.should_isolate() => {
                    self.nested |= !g.transform().is_identity();
                    self.collect(g, h);
                }
                _ => {
                    let r = node.abs_stroke_bounding_box();
                    let (mut top, mut bottom) = (r.top(), r.bottom());
                    if let Some(l) = node.abs_layer_bounding_box() {
                        (top, bottom) = (top.min(l.top()), bottom.max(l.bottom()));
                    }
                    if let Some(&rows) = merge_rows(vec![(top, bottom)], h).first() {
                        self.list.push(Piece { node, rows });
                    }
                }
            }
        }
    }

    /// Draws the pieces that reach rows `first..end` onto `pixmap` (those rows): the same
    /// pixels as resvg drawing the whole overlay there.
    fn render(&self, tree: &usvg::Tree, (first, end): (usize, usize), pixmap: &mut PixmapMut) {
        let whole = Transform::from_translate(0.0, -(first as f32));
        if self.nested {
            resvg::render(tree, whole, pixmap);
            return;
        }
        // `render_node` draws a node shifted by its layer box's corner: undone here, and
        // where the sums would not come out exact, the whole overlay is drawn instead.
        let mine: Vec<(&usvg::Node, Transform)> = self
            .list
            .iter()
            .filter(|p| p.rows.0 < end && first < p.rows.1)
            .filter_map(|p| {
                let b = p.node.abs_layer_bounding_box()?;
                Some((
                    p.node,
                    Transform::from_translate(b.x(), b.y() - first as f32),
                ))
            })
            .collect();
        let exact = mine.iter().all(|(node, shifted)| {
            node.abs_layer_bounding_box()
                .is_some_and(|b| shifted.pre_translate(-b.x(), -b.y()) == whole)
        });
        if !exact {
            resvg::render(tree, whole, pixmap);
            return;
        }
        for (node, shifted) in mine {
            resvg::render_node(node, shifted, pixmap);
        }
    }
}

/// Row ranges `a..b` of a picture `h` rows tall holding the extents (top, bottom), with a
/// margin for anti-aliasing, sorted and merged where they meet.
fn merge_rows(extents: Vec<(f32, f32)>, h: usize) -> Vec<(usize, usize)> {
    let mut rows: Vec<(usize, usize)> = extents
        .into_iter()
        .filter(|(a, b)| a.is_finite() && b.is_finite() && a <= b)
        .map(|(a, b)| {
            let a = (a.floor() - 4.0).clamp(0.0, h as f32) as usize;
            let b = (b.ceil() + 5.0).clamp(0.0, h as f32) as usize;
            (a, b)
        })
        .filter(|(a, b)| a < b)
        .collect();
    rows.sort_unstable();
    merge_rows_usize(rows)
}

/// Sorted row ranges, merged where they overlap.
fn merge_rows_usize(rows: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(rows.len());
    for (a, b) in rows {
        match out.last_mut() {
            Some(last) if a < last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// Where strips of about `strip_rows` rows of a picture `h` rows tall begin, and its end:
/// never inside one of `whole` (sorted, disjoint row ranges).
fn cut_rows(h: usize, strip_rows: usize, whole: &[(usize, usize)]) -> Vec<usize> {
    let mut cuts = vec![0];
    let mut y = 0;
    while y < h {
        let mut next = (y + strip_rows).min(h);
        if let Some(&(_, e)) = whole.iter().find(|&&(a, e)| a < next && next < e) {
            next = e.min(h);
        }
        cuts.push(next);
        y = next;
    }
    cuts
}

/// The PNG file around a zlib stream of filtered rows: RGB when `opaque`, else RGBA.
fn png_file(zlib: &[u8], width: u32, height: u32, opaque: bool) -> Result<Vec<u8>, ExportError> {
    let fail = |e: ::png::EncodingError| ExportError::Render(format!("PNG encoding failed: {e}"));
    let mut bytes = Vec::with_capacity(zlib.len() + 1024);
    {
        let mut writer = png_header(&mut bytes, width, height, opaque)
            .map_err(|e| ExportError::Render(format!("PNG encoding failed: {e}")))?;
        for part in zlib.chunks(1 << 24) {
            writer.write_chunk(::png::chunk::IDAT, part).map_err(fail)?;
        }
        writer.finish().map_err(fail)?;
    }
    Ok(bytes)
}

/// The page as PNG bytes: RGB when every pixel is opaque (a picture always is: its
/// background covers it), else RGBA. Each row gets the "up" filter (it suits pictures that
/// are mostly flat background and costs a fraction of trying every filter on every row), and
/// strips of rows are filtered and compressed on all cores ([`super::zlib`]: fdeflate's
/// compression, with the same bytes on any number of cores), without a second copy of the
/// picture.
fn encode_whole(page: &Page) -> Result<(Vec<u8>, Phases), ExportError> {
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
    let bytes = png_file(&zlib, width, height, opaque)?;
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
