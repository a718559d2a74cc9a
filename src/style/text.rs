//! Text measurement with the shipped fonts, so labels (placed by the scene) and decorations
//! (title, legend, caption, laid out by the export page) get the widths every painter draws,
//! and are wrapped instead of cut off.
//!
//! Widths are the sum of glyph advances (no kerning: a fraction of a percent wider than
//! shaped text, which errs on the safe side). A character missing from Noto Sans is measured
//! in Droid Sans Fallback, as the rasteriser falls back to it.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider, charmap::Charmap};

use crate::style::fonts;

/// The font-family list every `<text>` uses: Noto Sans, then the CJK fallback.
pub const FONT_FAMILY: &str = "Noto Sans, Droid Sans Fallback, sans-serif";

struct Face {
    charmap: Charmap<'static>,
    metrics: GlyphMetrics<'static>,
    units_per_em: f32,
}

impl Face {
    fn new(bytes: &'static [u8]) -> Option<Face> {
        let font = FontRef::new(bytes).ok()?;
        let units_per_em = f32::from(
            font.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        Some(Face {
            charmap: font.charmap(),
            metrics: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
            units_per_em: units_per_em.max(1.0),
        })
    }

    /// Advance of `c` in ems, if the face has it.
    fn advance_em(&self, c: char) -> Option<f32> {
        let g = self.charmap.map(c)?;
        Some(self.metrics.advance_width(g)? / self.units_per_em)
    }
}

struct Faces {
    regular: Option<Face>,
    bold: Option<Face>,
    cjk: Option<Face>,
}

fn faces() -> &'static Faces {
    static FACES: OnceLock<Faces> = OnceLock::new();
    FACES.get_or_init(|| Faces {
        regular: Face::new(fonts::NOTO_SANS),
        bold: Face::new(fonts::NOTO_SANS_BOLD),
        cjk: Face::new(fonts::DROID_SANS_FALLBACK),
    })
}

/// Characters below this have their advance cached (the Basic Multilingual Plane: Latin,
/// Cyrillic, CJK): labels are measured many times a frame while the timeline plays, and a
/// character-map look-up per character cost most of a frame's label placement.
const CACHED: usize = 0x1_0000;
/// A cache slot not filled yet (no advance is this bit pattern: it is a NaN).
const UNKNOWN: u32 = u32::MAX;

/// Each weight's advances, in ems, filled on first use, without locks: two threads that
/// measure one character at once write the same bits.
fn cache(bold: bool) -> &'static [AtomicU32] {
    static REGULAR: OnceLock<Box<[AtomicU32]>> = OnceLock::new();
    static BOLD: OnceLock<Box<[AtomicU32]>> = OnceLock::new();
    let slot = if bold { &BOLD } else { &REGULAR };
    slot.get_or_init(|| (0..CACHED).map(|_| AtomicU32::new(UNKNOWN)).collect())
}

/// Advance of `c` in ems: the primary face's, the CJK fallback's, or the width of the box
/// the rasteriser draws for a character neither font has.
fn advance_em(c: char, bold: bool) -> f32 {
    if c.is_control() {
        return 0.0;
    }
    let look_up = || {
        let f = faces();
        let primary = if bold { &f.bold } else { &f.regular };
        primary
            .as_ref()
            .and_then(|p| p.advance_em(c))
            .or_else(|| f.cjk.as_ref().and_then(|p| p.advance_em(c)))
            // Neither font has it: the rasteriser draws a box about this wide.
            .unwrap_or(0.6)
    };
    let Some(slot) = cache(bold).get(c as usize) else {
        return look_up();
    };
    match slot.load(Ordering::Relaxed) {
        UNKNOWN => {
            let em = look_up();
            slot.store(em.to_bits(), Ordering::Relaxed);
            em
        }
        bits => f32::from_bits(bits),
    }
}

/// Width of `text` at `size` pixels, in pixels.
pub fn width(text: &str, size: f32, bold: bool) -> f32 {
    text.chars().map(|c| advance_em(c, bold)).sum::<f32>() * size
}

/// Breaks `text` into lines no wider than `max_width`: at spaces, and inside words (or runs
/// of CJK, which has no spaces) that are wider than a line by themselves.
pub fn wrap(text: &str, size: f32, bold: bool, max_width: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate, size, bold) <= max_width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word alone: break it by characters if it is still too wide.
        for c in word.chars() {
            let mut next = line.clone();
            next.push(c);
            if !line.is_empty() && width(&next, size, bold) > max_width {
                lines.push(std::mem::take(&mut line));
                line.push(c);
            } else {
                line = next;
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// An entity label on one line, or on two balanced lines, each at most `max_width` wide:
/// one line when it fits `one_line` (narrower, so short names stay on one line and long ones
/// are wrapped rather than drawn as a wide band). `None` when two lines cannot hold it: a
/// label is never shortened (no "…"), it is left out and the picture says so.
pub fn label_lines(
    text: &str,
    size: f32,
    bold: bool,
    one_line: f32,
    max_width: f32,
) -> Option<Vec<String>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let whole = width(text, size, bold);
    if whole <= one_line.min(max_width) {
        return Some(vec![text.to_owned()]);
    }
    if let Some((a, b)) = two_lines(text, size, bold, max_width) {
        return Some(vec![a, b]);
    }
    (whole <= max_width).then(|| vec![text.to_owned()])
}

/// `text` on two lines as even as they can be, each at most `max_width` wide, broken after
/// a space or between two CJK characters; `None` when no break gives two such lines.
pub fn two_lines(text: &str, size: f32, bold: bool, max_width: f32) -> Option<(String, String)> {
    let text = text.trim();
    // Every place a line may break: after a space, or between two CJK characters.
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut best: Option<(f32, &str, &str)> = None;
    for k in 1..chars.len() {
        let (at, c) = chars[k];
        let prev = chars[k - 1].1;
        let (first, second) = if c == ' ' {
            (&text[..at], text[at..].trim_start())
        } else if is_cjk(c) || is_cjk(prev) {
            (&text[..at], &text[at..])
        } else {
            continue;
        };
        let (first, second) = (first.trim_end(), second.trim());
        if first.is_empty() || second.is_empty() {
            continue;
        }
        let w = width(first, size, bold).max(width(second, size, bold));
        if w <= max_width && best.is_none_or(|b| w < b.0) {
            best = Some((w, first, second));
        }
    }
    best.map(|(_, a, b)| (a.to_owned(), b.to_owned()))
}

fn is_cjk(c: char) -> bool {
    c as u32 >= 0x2E80
}

/// Shortens `text` with "…" until it fits `max_width` (decorations only: never labels).
pub fn fit(text: &str, size: f32, bold: bool, max_width: f32) -> String {
    if width(text, size, bold) <= max_width {
        return text.to_owned();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let mut t: String = chars.iter().collect::<String>().trim_end().to_owned();
        t.push('…');
        if width(&t, size, bold) <= max_width {
            return t;
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_come_from_the_fonts() {
        let w = width("Poly Technologies", 12.0, false);
        assert!(w > 80.0 && w < 120.0, "{w}");
        assert!(width("Poly", 12.0, true) > width("Poly", 12.0, false));
        // CJK is measured in the fallback font: a full em each.
        let cjk = width("保利科技", 10.0, false);
        assert!((cjk - 40.0).abs() < 2.0, "{cjk}");
    }

    #[test]
    fn wrapping_keeps_lines_within_the_width() {
        let text = "Shipments 2 Jun 2022 – 16 Nov 2022 · part types Mi-171E, Mi-171Sh · sanctioned parties as of 16 Nov 2022";
        let lines = wrap(text, 12.0, false, 200.0);
        assert!(lines.len() >= 3);
        for l in &lines {
            assert!(width(l, 12.0, false) <= 200.0, "{l}");
        }
        assert_eq!(lines.join(" "), text);
        let cjk = wrap("国务院国有资产监督管理委员会", 12.0, false, 50.0);
        assert!(cjk.len() >= 3, "{cjk:?}");
        assert!(fit("A very long title indeed", 12.0, true, 60.0).ends_with('…'));
    }

    #[test]
    fn labels_wrap_to_two_balanced_lines_or_not_at_all() {
        let one = label_lines("Poly Technologies", 12.0, false, 200.0, 300.0).unwrap();
        assert_eq!(one, ["Poly Technologies"]);
        let two = label_lines(
            "Joint Stock Company Ulan-Ude Aviation Plant",
            12.0,
            false,
            120.0,
            200.0,
        )
        .unwrap();
        assert_eq!(two.len(), 2, "{two:?}");
        assert_eq!(two.join(" "), "Joint Stock Company Ulan-Ude Aviation Plant");
        assert!(
            two.iter()
                .all(|l| width(l, 12.0, false) <= 200.0 && !l.ends_with('…'))
        );
        let cjk = label_lines("国务院国有资产监督管理委员会", 12.0, false, 80.0, 120.0).unwrap();
        assert_eq!(cjk.len(), 2);
        assert!(label_lines(&"A".repeat(500), 12.0, false, 120.0, 200.0).is_none());
        assert!(label_lines("   ", 12.0, false, 120.0, 200.0).is_none());
    }
}
