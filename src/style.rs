//! The visual grammar, defined once: colours, shapes and sizes for every painter (the egui
//! canvas, SVG and PNG).
//!
//! - shape by entity kind: state owner ■, parent or subsidiary ◆, plant ▲, other company ●;
//! - fill by country (China amber, Russia blue, others from a fixed palette);
//! - a thick red ring on entities sanctioned as of the filter's date (red is used for
//!   nothing else);
//! - ownership links dashed grey without arrowheads; trade links directed, coloured by their
//!   main part type, wider with more shipments.

use serde::{Deserialize, Serialize};

use crate::model::EntityKind;

/// A colour, 8 bits per channel, not premultiplied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rgba(pub u8, pub u8, pub u8, pub u8);

impl Rgba {
    pub const fn rgb(r: u8, g: u8, b: u8) -> Rgba {
        Rgba(r, g, b, 255)
    }

    pub fn with_alpha(self, a: u8) -> Rgba {
        Rgba(self.0, self.1, self.2, a)
    }

    /// `#rrggbb`, for SVG.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Parses `#rrggbb`.
    pub fn from_hex(text: &str) -> Option<Rgba> {
        let t = text.strip_prefix('#')?;
        if t.len() != 6 {
            return None;
        }
        let v = u32::from_str_radix(t, 16).ok()?;
        Some(Rgba::rgb((v >> 16) as u8, (v >> 8) as u8, v as u8))
    }
}

/// How an entity is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NodeShape {
    Square,
    Diamond,
    Triangle,
    Circle,
}

pub fn shape_of(kind: EntityKind) -> NodeShape {
    match kind {
        EntityKind::StateOwner => NodeShape::Square,
        EntityKind::Subsidiary => NodeShape::Diamond,
        EntityKind::Plant => NodeShape::Triangle,
        EntityKind::Company => NodeShape::Circle,
    }
}

/// Light (print) or dark (screen at night) background.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

/// Colours and sizes for one theme.
#[derive(Clone, Debug, PartialEq)]
pub struct Style {
    pub theme: Theme,
    pub background: Rgba,
    pub text: Rgba,
    /// Drawn behind labels so they read over links.
    pub text_halo: Rgba,
    pub muted_text: Rgba,
    pub node_stroke: Rgba,
    pub ownership_link: Rgba,
    pub sanction_ring: Rgba,
    /// The band under trade links shipped while a party was listed.
    pub after_listing: Rgba,
    pub selection: Rgba,
    /// A path between two entities.
    pub path: Rgba,
    pub pin: Rgba,
    /// Node radius range in screen pixels at zoom 1.
    pub node_radius_px: (f32, f32),
    /// Trade link width range in pixels.
    pub link_width_px: (f32, f32),
    pub ring_width_px: f32,
    pub label_size_px: f32,
    /// Labels beyond this many characters end in "…".
    pub label_max_chars: usize,
}

impl Style {
    pub fn new(theme: Theme) -> Style {
        match theme {
            Theme::Light => Style {
                theme,
                background: Rgba::rgb(0xfb, 0xfa, 0xf7),
                text: Rgba::rgb(0x1f, 0x23, 0x28),
                text_halo: Rgba(0xfb, 0xfa, 0xf7, 220),
                muted_text: Rgba::rgb(0x5c, 0x63, 0x6b),
                node_stroke: Rgba::rgb(0x2b, 0x2f, 0x36),
                ownership_link: Rgba::rgb(0x7a, 0x80, 0x88),
                sanction_ring: Rgba::rgb(0xd7, 0x19, 0x1c),
                after_listing: Rgba(0xd7, 0x19, 0x1c, 120),
                selection: Rgba::rgb(0x00, 0x8b, 0xd6),
                path: Rgba::rgb(0xff, 0x8c, 0x00),
                pin: Rgba::rgb(0x2b, 0x2f, 0x36),
                node_radius_px: (5.0, 22.0),
                link_width_px: (1.0, 7.0),
                ring_width_px: 3.0,
                label_size_px: 12.0,
                label_max_chars: 40,
            },
            Theme::Dark => Style {
                theme,
                background: Rgba::rgb(0x16, 0x19, 0x1d),
                text: Rgba::rgb(0xe8, 0xe6, 0xe1),
                text_halo: Rgba(0x16, 0x19, 0x1d, 220),
                muted_text: Rgba::rgb(0xa0, 0xa6, 0xad),
                node_stroke: Rgba::rgb(0xe8, 0xe6, 0xe1),
                ownership_link: Rgba::rgb(0x8f, 0x96, 0x9e),
                sanction_ring: Rgba::rgb(0xff, 0x3b, 0x3b),
                after_listing: Rgba(0xff, 0x3b, 0x3b, 130),
                selection: Rgba::rgb(0x3d, 0xb8, 0xff),
                path: Rgba::rgb(0xff, 0xa5, 0x2e),
                pin: Rgba::rgb(0xe8, 0xe6, 0xe1),
                node_radius_px: (5.0, 22.0),
                link_width_px: (1.0, 7.0),
                ring_width_px: 3.0,
                label_size_px: 12.0,
                label_max_chars: 40,
            },
        }
    }

    /// Fill colour of a country's entities.
    pub fn country_color(&self, country: &str) -> Rgba {
        match country {
            "CN" => Rgba::rgb(0xe6, 0x9f, 0x00),
            "RU" => Rgba::rgb(0x00, 0x72, 0xb2),
            "" => Rgba::rgb(0xb0, 0xb4, 0xba),
            other => {
                // A fixed palette (no red: red means sanctioned), picked by the code's letters.
                const PALETTE: [Rgba; 10] = [
                    Rgba::rgb(0x00, 0x9e, 0x73),
                    Rgba::rgb(0x56, 0xb4, 0xe9),
                    Rgba::rgb(0xcc, 0x79, 0xa7),
                    Rgba::rgb(0x8c, 0x6d, 0x31),
                    Rgba::rgb(0x6a, 0x3d, 0x9a),
                    Rgba::rgb(0x1b, 0x9e, 0x9e),
                    Rgba::rgb(0xa6, 0xa6, 0x3c),
                    Rgba::rgb(0x4d, 0x4d, 0x99),
                    Rgba::rgb(0x99, 0x6b, 0x5b),
                    Rgba::rgb(0x5b, 0x8c, 0x5a),
                ];
                let h = other
                    .bytes()
                    .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
                PALETTE[(h % PALETTE.len() as u32) as usize]
            }
        }
    }

    /// Colour of trade links whose main part type is `part`.
    pub fn part_color(&self, part: &str) -> Rgba {
        let dark = self.theme == Theme::Dark;
        match part {
            "Mi-171Sh" => Rgba::rgb(0x8e, 0x24, 0xaa),
            "Mi-171E" => Rgba::rgb(0x1b, 0x9e, 0x77),
            "helicopter" => Rgba::rgb(0x66, 0xa6, 0x1e),
            "radio" => Rgba::rgb(0xe7, 0x29, 0x8a),
            "navigation" => Rgba::rgb(0xd9, 0x5f, 0x02),
            "jet engine" => Rgba::rgb(0x75, 0x70, 0xb3),
            "aircraft parts" => Rgba::rgb(0x2c, 0x7f, 0xb8),
            "electronics" => Rgba::rgb(0x7f, 0x8c, 0x8d),
            "machine tools" => Rgba::rgb(0xa6, 0x76, 0x1d),
            "bearings" => Rgba::rgb(0x9a, 0x8f, 0x6b),
            _ if dark => Rgba::rgb(0x9a, 0x9e, 0xa4),
            _ => Rgba::rgb(0xa8, 0xad, 0xb3),
        }
    }
}

impl Default for Style {
    fn default() -> Style {
        Style::new(Theme::Light)
    }
}

/// The fonts shipped in `assets/fonts`, for every painter: Latin, Cyrillic and Greek from
/// Noto Sans, Chinese, Japanese and Korean from Droid Sans Fallback, symbols from DejaVu Sans.
pub mod fonts {
    pub const NOTO_SANS: &[u8] = include_bytes!("../assets/fonts/NotoSans-Regular.ttf");
    pub const NOTO_SANS_BOLD: &[u8] = include_bytes!("../assets/fonts/NotoSans-Bold.ttf");
    pub const DROID_SANS_FALLBACK: &[u8] =
        include_bytes!("../assets/fonts/DroidSansFallbackFull.ttf");
    /// Last resort: arrows, geometric shapes and other symbols the others lack.
    pub const DEJAVU_SANS: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_country_is_drawn_in_the_sanction_red() {
        let style = Style::default();
        for c in ["CN", "RU", "KZ", "TR", "AE", "DE", "", "HK", "IN", "BY"] {
            assert_ne!(style.country_color(c), style.sanction_ring, "{c}");
        }
    }

    #[test]
    fn hex_round_trips() {
        let c = Rgba::rgb(0xd7, 0x19, 0x1c);
        assert_eq!(c.hex(), "#d7191c");
        assert_eq!(Rgba::from_hex("#d7191c"), Some(c));
        assert_eq!(Rgba::from_hex("red"), None);
    }
}
