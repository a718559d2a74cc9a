//! Animations: the filter's date range stepped by week, month or quarter
//! ([`crate::playback::steps`], the steps the window's timeline playback takes), one picture
//! per step, written as an animated GIF or an animated PNG.
//!
//! Frame `k` shows the data from the range's first day to the end of its `k`-th step, so the
//! network grows. What must not move is held still: one layout for all frames (the caller's
//! positions of the whole range's network; an entity that appears later has its place from
//! the start), one view (fitted to the whole range, turned once for the frame), the
//! countries' colours, the sizes' scale (a link as wide means as many shipments in every
//! frame), sanctions as of the range's end, and the legend of the whole range. Every frame
//! has its date stamp;
//! links with shipments made while a party was listed get their band from the frame in which
//! such a shipment first shows. Frames beyond [`MAX_FRAMES`] are cut and every frame says so,
//! as it says when the range is shorter than one step.
//!
//! Same input, same bytes: frames are painted in parallel but each frame's pixels depend only
//! on the frame; the GIF palette comes from fixed rules (the style's colours, then a median
//! cut of the first and last frames' colours); both encoders are deterministic.

use std::path::Path;

use rayon::prelude::*;

use crate::atomic::write_atomically;
use crate::date::Day;
use crate::filter::Filter;
use crate::index::ShipmentIndex;
use crate::layout::Positions;
use crate::playback::{StepUnit, steps};
use crate::scene::{Marks, Shown, SizeBy};

use super::{
    ExportError, Held, Picture, PictureInput, PictureOptions, PictureView, fit, picture_with_notes,
};

/// Most frames in one animation.
pub const MAX_FRAMES: usize = 60;

/// The file types an animation can be written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnimationFormat {
    Gif,
    /// Animated PNG (APNG): full colour, larger.
    Png,
}

impl AnimationFormat {
    /// From the file name's extension (`.gif`, `.png`, any case).
    pub fn from_path(path: &Path) -> Result<AnimationFormat, ExportError> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("gif") => Ok(AnimationFormat::Gif),
            Some("png" | "apng") => Ok(AnimationFormat::Png),
            _ => Err(ExportError::AnimationFormat {
                path: path.to_path_buf(),
            }),
        }
    }
}

/// What an animation is made of. `positions` must place the whole range's network.
#[derive(Clone, Copy)]
pub struct AnimationInput<'a> {
    pub index: &'a ShipmentIndex,
    pub filter: &'a Filter,
    pub positions: &'a Positions,
    pub marks: Marks<'a>,
    pub size_by: SizeBy,
}

/// How to animate.
#[derive(Clone, Debug, PartialEq)]
pub struct AnimationOptions {
    pub unit: StepUnit,
    /// Each frame's picture (the view is always the whole network).
    pub picture: PictureOptions,
    /// At most this many frames (and at most [`MAX_FRAMES`]).
    pub max_frames: usize,
    /// How long each frame shows, in milliseconds; the last one four times as long.
    pub frame_ms: u32,
}

impl AnimationOptions {
    pub fn new(unit: StepUnit, picture: PictureOptions) -> AnimationOptions {
        AnimationOptions {
            unit,
            picture,
            max_frames: MAX_FRAMES,
            frame_ms: 700,
        }
    }
}

/// A finished animation.
#[derive(Clone, Debug)]
pub struct Animation {
    pub bytes: Vec<u8>,
    pub frames: usize,
    pub width: u32,
    pub height: u32,
    /// What every frame says it leaves out (frames cut, a range shorter than a step).
    pub notes: Vec<String>,
}

/// The date range an animation steps through ([`crate::playback::range`]): the filter's,
/// else the shipments it shows ([`Filter::shipped_span`], as the window's playback), else the
/// data's.
fn range(index: &ShipmentIndex, filter: &Filter) -> Result<(Day, Day), ExportError> {
    let shipped = if filter.from.is_none() || filter.to.is_none() {
        filter.shipped_span(index)
    } else {
        None
    };
    crate::playback::range(filter.from, filter.to, shipped, index.date_span()).ok_or_else(|| {
        ExportError::Animation(
            "the database has no shipments, so there is no date range to step through".to_owned(),
        )
    })
}

/// An animation's frames, composed (scene and page) but not painted: painting and encoding
/// ([`Frames::encode`]) can run on another thread.
#[derive(Clone, Debug)]
pub struct Frames {
    pub pictures: Vec<Picture>,
    /// What every frame says it leaves out (frames cut, a range shorter than a step).
    pub notes: Vec<String>,
    pub width: u32,
    pub height: u32,
    pub frame_ms: u32,
    pub theme: crate::style::Theme,
}

/// Makes the animation's frames and encodes them as `format`.
pub fn animate(
    input: &AnimationInput<'_>,
    options: &AnimationOptions,
    format: AnimationFormat,
) -> Result<Animation, ExportError> {
    frames(input, options)?.encode(format)
}

/// Composes the animation's frames.
pub fn frames(
    input: &AnimationInput<'_>,
    options: &AnimationOptions,
) -> Result<Frames, ExportError> {
    options.picture.validate()?;
    let (width, height) = {
        let p = &options.picture;
        let h = p.height_px.ok_or_else(|| {
            ExportError::Animation(
                "an animation needs a fixed height (a frame such as 16:9, or --height)".to_owned(),
            )
        })?;
        (p.width_px * p.scale, h * p.scale)
    };
    let (from, to) = range(input.index, input.filter)?;
    let max = options.max_frames.clamp(1, MAX_FRAMES);
    let stepped =
        steps(from, to, options.unit, max).map_err(|e| ExportError::Animation(e.to_string()))?;
    let mut notes = Vec::new();
    if let Some(note) = stepped.cap_note(options.unit) {
        notes.push(note);
    }
    if stepped.frames.len() == 1 && stepped.capped_from.is_none() {
        notes.push(format!(
            "the range ({} – {}) is not longer than one {}: one frame",
            from.human(),
            to.human(),
            options.unit.as_str()
        ));
    }

    // Sanctions as of the filter's own day in every frame, as the legend says: its end, or
    // the data's when it leaves the end open (not the last shipment shown, which would drop
    // listings made after it that the still picture shows).
    let as_of = Some(input.filter.as_of_day(input.index));
    // What is held still: the whole range's network, turned once, its bounds and legend.
    let whole_filter = Filter {
        from: Some(from),
        to: Some(to),
        as_of,
        ..input.filter.clone()
    };
    let whole = whole_filter.apply(input.index);
    let mut whole_shown = Shown::compute(input.index, &whole_filter, &whole);
    whole_shown.size_max = Some(crate::scene::size_maxima(&whole, input.size_by));
    let turned = options
        .picture
        .frame
        .and_then(|f| fit::turn(&whole, input.positions, input.marks.callouts, f));
    let (positions, callouts) = match &turned {
        Some(t) => (&t.positions, t.callouts.as_slice()),
        None => (input.positions, input.marks.callouts),
    };
    let bounds = whole
        .entities
        .iter()
        .filter_map(|&id| positions.get(id))
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .fold(None, |acc: Option<([f32; 2], [f32; 2])>, p| {
            Some(match acc {
                None => (p, p),
                Some((lo, hi)) => (
                    [lo[0].min(p[0]), lo[1].min(p[1])],
                    [hi[0].max(p[0]), hi[1].max(p[1])],
                ),
            })
        });
    let mut picture_options = options.picture.clone();
    picture_options.view = PictureView::Fit;
    // The legend of the whole range, on every frame.
    let legend = {
        let mut p = PictureInput::new(input.index, &whole_filter, &whole, positions);
        p.marks = Marks {
            callouts,
            ..input.marks
        };
        p.size_by = input.size_by;
        p.shown = Some(&whole_shown);
        let held = Held {
            bounds,
            legend: None,
            stamp: None,
        };
        p.held = Some(&held);
        let pic = picture_with_notes(&p, &picture_options, notes.clone())?;
        pic.scene().legend.clone()
    };
    let frame_at = |k: usize| -> Result<Picture, ExportError> {
        let f = stepped.frames[k];
        let filter = Filter {
            from: Some(f.from),
            to: Some(f.to),
            as_of,
            ..input.filter.clone()
        };
        let graph = filter.apply(input.index);
        let mut shown = Shown::compute(input.index, &filter, &graph);
        shown.countries = whole_shown.countries.clone();
        shown.size_max = whole_shown.size_max;
        let mut p = PictureInput::new(input.index, &filter, &graph, positions);
        p.marks = Marks {
            callouts,
            ..input.marks
        };
        p.size_by = input.size_by;
        p.shown = Some(&shown);
        let held = Held {
            bounds,
            legend: Some(legend.clone()),
            stamp: Some(format!("{} – {}", f.from.human(), f.to.human())),
        };
        p.held = Some(&held);
        picture_with_notes(&p, &picture_options, notes.clone())
    };
    let pictures = (0..stepped.frames.len())
        .map(frame_at)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Frames {
        pictures,
        notes,
        width,
        height,
        frame_ms: options.frame_ms,
        theme: options.picture.theme,
    })
}

impl Frames {
    /// Paints the frames (in batches, on all cores) and encodes them as `format`.
    pub fn encode(&self, format: AnimationFormat) -> Result<Animation, ExportError> {
        let n = self.pictures.len();
        let (width, height) = (self.width, self.height);
        if n == 0 {
            return Err(ExportError::Animation("no frames to encode".to_owned()));
        }
        let paint = |k: usize| -> Result<Vec<u8>, ExportError> {
            let rgba = self.pictures[k].to_rgba()?;
            if rgba.len() != width as usize * height as usize * 4 {
                return Err(ExportError::Render(format!(
                    "frame {} has {} bytes for {width} × {height} px",
                    k + 1,
                    rgba.len()
                )));
            }
            Ok(rgba)
        };
        let delay = |k: usize| {
            if k + 1 == n {
                self.frame_ms.saturating_mul(4)
            } else {
                self.frame_ms
            }
        };
        let mut encoder = match format {
            AnimationFormat::Gif => {
                // The palette from the first and last frames (the last holds every colour
                // the network gets; the first, an early frame's background and words).
                let last = paint(n - 1)?;
                let first = if n > 1 { paint(0)? } else { last.clone() };
                let palette = gif_palette(&[&first, &last], self.theme);
                Encoder::Gif(GifWriter::new(width, height, palette)?)
            }
            AnimationFormat::Png => Encoder::Png(ApngWriter::new(width, height, n)?),
        };
        // At most a batch of frames' pixels in memory at once.
        let batch = rayon::current_num_threads().clamp(1, 8);
        let mut k = 0;
        while k < n {
            let end = (k + batch).min(n);
            let painted: Vec<Result<Vec<u8>, ExportError>> =
                (k..end).into_par_iter().map(paint).collect();
            for (j, rgba) in painted.into_iter().enumerate() {
                encoder.frame(&rgba?, delay(k + j))?;
            }
            k = end;
        }
        Ok(Animation {
            bytes: encoder.finish()?,
            frames: n,
            width,
            height,
            notes: self.notes.clone(),
        })
    }
}

/// Makes the animation and writes it atomically to `path` (GIF or animated PNG by its
/// extension): the whole file or nothing.
pub fn write_animation(
    path: &Path,
    input: &AnimationInput<'_>,
    options: &AnimationOptions,
) -> Result<Animation, ExportError> {
    let format = AnimationFormat::from_path(path)?;
    let animation = animate(input, options, format)?;
    write_atomically(path, |w| w.write_all(&animation.bytes))?;
    Ok(animation)
}

enum Encoder {
    Gif(GifWriter),
    Png(ApngWriter),
}

impl Encoder {
    fn frame(&mut self, rgba: &[u8], delay_ms: u32) -> Result<(), ExportError> {
        match self {
            Encoder::Gif(g) => g.frame(rgba, delay_ms),
            Encoder::Png(p) => p.frame(rgba, delay_ms),
        }
    }

    fn finish(self) -> Result<Vec<u8>, ExportError> {
        match self {
            Encoder::Gif(g) => g.finish(),
            Encoder::Png(p) => p.finish(),
        }
    }
}

fn encode_error(e: impl std::fmt::Display) -> ExportError {
    ExportError::Render(format!("encoding the animation failed: {e}"))
}

/// A GIF: one global palette, looping forever.
struct GifWriter {
    encoder: gif::Encoder<Vec<u8>>,
    width: u16,
    height: u16,
    palette: Palette,
}

impl GifWriter {
    fn new(width: u32, height: u32, palette: Palette) -> Result<GifWriter, ExportError> {
        let (Ok(w), Ok(h)) = (u16::try_from(width), u16::try_from(height)) else {
            return Err(ExportError::Animation(format!(
                "a GIF is at most 65,535 px on a side, not {width} × {height}"
            )));
        };
        let colors: Vec<u8> = palette.colors.iter().flatten().copied().collect();
        let mut encoder = gif::Encoder::new(Vec::new(), w, h, &colors).map_err(encode_error)?;
        encoder
            .set_repeat(gif::Repeat::Infinite)
            .map_err(encode_error)?;
        Ok(GifWriter {
            encoder,
            width: w,
            height: h,
            palette,
        })
    }

    fn frame(&mut self, rgba: &[u8], delay_ms: u32) -> Result<(), ExportError> {
        let indices: Vec<u8> = rgba
            .chunks_exact(4)
            .map(|p| self.palette.index(p[0], p[1], p[2]))
            .collect();
        let mut frame = gif::Frame::from_indexed_pixels(self.width, self.height, indices, None);
        frame.delay = ((delay_ms + 5) / 10).min(u32::from(u16::MAX)) as u16;
        self.encoder.write_frame(&frame).map_err(encode_error)
    }

    fn finish(self) -> Result<Vec<u8>, ExportError> {
        self.encoder.into_inner().map_err(encode_error)
    }
}

/// A buffer the PNG writer owns a handle to, read back when it has finished.
#[derive(Clone, Default)]
struct Sink(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// An animated PNG (RGB, looping forever).
struct ApngWriter {
    writer: png::Writer<Sink>,
    sink: Sink,
    rgb: Vec<u8>,
}

impl ApngWriter {
    fn new(width: u32, height: u32, frames: usize) -> Result<ApngWriter, ExportError> {
        let sink = Sink::default();
        let mut encoder = png::Encoder::new(sink.clone(), width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        encoder.set_filter(png::Filter::Up);
        encoder
            .set_animated(frames.max(1) as u32, 0)
            .map_err(encode_error)?;
        let writer = encoder.write_header().map_err(encode_error)?;
        Ok(ApngWriter {
            writer,
            sink,
            rgb: Vec::new(),
        })
    }

    fn frame(&mut self, rgba: &[u8], delay_ms: u32) -> Result<(), ExportError> {
        self.rgb.clear();
        self.rgb.reserve(rgba.len() / 4 * 3);
        for p in rgba.chunks_exact(4) {
            self.rgb.extend_from_slice(&p[..3]);
        }
        self.writer
            .set_frame_delay(delay_ms.min(u32::from(u16::MAX)) as u16, 1000)
            .map_err(encode_error)?;
        self.writer
            .write_image_data(&self.rgb)
            .map_err(encode_error)
    }

    fn finish(self) -> Result<Vec<u8>, ExportError> {
        self.writer.finish().map_err(encode_error)?;
        Ok(self.sink.0.take())
    }
}

/// A palette of at most 256 colours and a lookup from 5-bit-per-channel colour to entry.
struct Palette {
    colors: Vec<[u8; 3]>,
    lookup: Vec<u8>,
}

impl Palette {
    fn index(&self, r: u8, g: u8, b: u8) -> u8 {
        self.lookup[bin(r, g, b)]
    }
}

fn bin(r: u8, g: u8, b: u8) -> usize {
    (usize::from(r >> 3) << 10) | (usize::from(g >> 3) << 5) | usize::from(b >> 3)
}

/// The GIF palette: the picture's own colours first (background, text, rings, part and
/// country colours), then a median cut of the sample frames' other colours (anti-aliased
/// edges), 256 in all; every 5-bit colour maps to its nearest entry.
fn gif_palette(frames: &[&[u8]], theme: crate::style::Theme) -> Palette {
    let style = crate::style::Style::new(theme);
    let mut colors: Vec<[u8; 3]> = Vec::new();
    let push = |c: crate::style::Rgba, colors: &mut Vec<[u8; 3]>| {
        let rgb = [c.0, c.1, c.2];
        if !colors.contains(&rgb) {
            colors.push(rgb);
        }
    };
    for c in [
        style.background,
        style.text,
        style.muted_text,
        style.node_stroke,
        style.ownership_link,
        style.sanction_ring,
        style.selection,
        style.path,
        crate::style::CHINA,
        crate::style::RUSSIA,
        crate::style::OTHER_COUNTRY,
    ] {
        push(c, &mut colors);
    }
    for c in crate::style::COUNTRY_PALETTE {
        push(c, &mut colors);
    }
    // The rest by median cut over a histogram of 5-bit colours.
    let mut hist = vec![0u32; 1 << 15];
    for f in frames {
        for p in f.chunks_exact(4) {
            hist[bin(p[0], p[1], p[2])] += 1;
        }
    }
    let fixed: Vec<usize> = colors.iter().map(|c| bin(c[0], c[1], c[2])).collect();
    let mut entries: Vec<(usize, u32)> = hist
        .iter()
        .enumerate()
        .filter(|&(i, &n)| n > 0 && !fixed.contains(&i))
        .map(|(i, &n)| (i, n))
        .collect();
    let room = 256 - colors.len();
    let mut boxes: Vec<Vec<(usize, u32)>> = vec![std::mem::take(&mut entries)];
    while boxes.len() < room {
        // Split the box with the most pixels over more than one colour.
        let Some((k, _)) = boxes
            .iter()
            .enumerate()
            .filter(|(_, b)| b.len() > 1)
            .max_by_key(|(k, b)| {
                (
                    b.iter().map(|e| u64::from(e.1)).sum::<u64>(),
                    usize::MAX - k,
                )
            })
        else {
            break;
        };
        let mut b = boxes.swap_remove(k);
        let channel = |i: usize, c: usize| (i >> (10 - 5 * c)) & 31;
        let ranges: Vec<usize> = (0..3)
            .map(|c| {
                let lo = b.iter().map(|e| channel(e.0, c)).min().unwrap_or(0);
                let hi = b.iter().map(|e| channel(e.0, c)).max().unwrap_or(0);
                hi - lo
            })
            .collect();
        let c = (0..3).max_by_key(|&c| (ranges[c], 3 - c)).unwrap_or(0);
        b.sort_by_key(|e| (channel(e.0, c), e.0));
        let total: u64 = b.iter().map(|e| u64::from(e.1)).sum();
        let mut acc = 0u64;
        let mut cut = 1;
        for (i, e) in b.iter().enumerate() {
            acc += u64::from(e.1);
            if acc * 2 >= total {
                cut = (i + 1).clamp(1, b.len() - 1);
                break;
            }
        }
        let rest = b.split_off(cut);
        boxes.push(b);
        boxes.push(rest);
    }
    for b in &boxes {
        let total: u64 = b.iter().map(|e| u64::from(e.1)).sum::<u64>().max(1);
        let mean = |c: usize| {
            let sum: u64 = b
                .iter()
                .map(|e| (((e.0 >> (10 - 5 * c)) & 31) as u64 * 8 + 4) * u64::from(e.1))
                .sum();
            (sum / total).min(255) as u8
        };
        if !b.is_empty() {
            colors.push([mean(0), mean(1), mean(2)]);
        }
    }
    colors.truncate(256);
    let lookup = (0..1usize << 15)
        .into_par_iter()
        .map(|i| {
            let rgb = [
                ((i >> 10) & 31) as i32 * 8 + 4,
                ((i >> 5) & 31) as i32 * 8 + 4,
                (i & 31) as i32 * 8 + 4,
            ];
            let mut best = (i32::MAX, 0u8);
            for (k, c) in colors.iter().enumerate() {
                let d: i32 = (0..3).map(|j| (rgb[j] - i32::from(c[j])).pow(2)).sum();
                if d < best.0 {
                    best = (d, k as u8);
                }
            }
            best.1
        })
        .collect();
    // A GIF palette has a power-of-two size.
    let size = colors.len().next_power_of_two().clamp(2, 256);
    colors.resize(size, [0, 0, 0]);
    Palette { colors, lookup }
}
