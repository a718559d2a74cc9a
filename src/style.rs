//! The visual grammar, defined once: colours, shapes and sizes for every painter (the egui
//! canvas, SVG and PNG).
//!
//! - shape by entity kind: state owner ■, parent or subsidiary ◆, plant ▲, other company ●;
//! - fill by country (China amber, Russia blue, the others in one picture from a palette whose
//!   colours stay apart under deuteranopia and protanopia: [`CountryColors`]);
//! - a thick red ring on entities sanctioned as of the filter's date (red is used for
//!   nothing else);
//! - ownership links dashed grey without arrowheads; trade links directed, coloured by their
//!   part types (striped in proportion when a link carries several), wider with more
//!   shipments.

pub mod text;

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
            },
        }
    }

    /// Fill of entities whose country has no colour of its own in the picture (unknown, or
    /// beyond the palette), and of neutral legend swatches; China and Russia keep theirs.
    pub fn country_color(&self, country: &str) -> Rgba {
        match country {
            "CN" => CHINA,
            "RU" => RUSSIA,
            _ => OTHER_COUNTRY,
        }
    }

    /// Colour of trade links (or a link's stripe) carrying `part`.
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

/// China's fill in every picture.
pub const CHINA: Rgba = Rgba::rgb(0xe6, 0x9f, 0x00);
/// Russia's fill in every picture.
pub const RUSSIA: Rgba = Rgba::rgb(0x00, 0x72, 0xb2);
/// Countries beyond the palette, and unknown ones: one grey, named as such in the legend.
pub const OTHER_COUNTRY: Rgba = Rgba::rgb(0xb0, 0xb4, 0xba);
/// The other countries' fills, in the order they are given out (by the number of entities
/// shown). With China, Russia and the grey, every pair is at least 15 CIELAB units apart for
/// normal vision and under simulated deuteranopia and protanopia (Machado et al. 2009, full
/// severity), and none is within 12 of the sanction red: see the tests.
pub const COUNTRY_PALETTE: [Rgba; 7] = [
    Rgba::rgb(0x00, 0x99, 0x88),
    Rgba::rgb(0x88, 0x22, 0x55),
    Rgba::rgb(0x66, 0x99, 0xcc),
    Rgba::rgb(0xee, 0xcc, 0x66),
    Rgba::rgb(0x7f, 0xc9, 0x7f),
    Rgba::rgb(0xee, 0x33, 0x77),
    Rgba::rgb(0x88, 0xcc, 0xee),
];

/// The fills of the countries in one picture: no two share a colour. China and Russia keep
/// theirs; the others get the palette's colours by how many entities they have (then by
/// code), and countries beyond it share [`OTHER_COUNTRY`], listed in the legend as "Other
/// countries" rather than passed off as one of them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CountryColors {
    /// (code, colour), in legend order (most entities first).
    assigned: Vec<(String, Rgba)>,
    /// Countries drawn in the grey: beyond the palette, or unknown.
    pub others: usize,
}

impl CountryColors {
    /// Gives out colours to countries with their entity counts.
    pub fn assign<'a>(counts: impl IntoIterator<Item = (&'a str, usize)>) -> CountryColors {
        let mut counts: Vec<(&str, usize)> = counts.into_iter().filter(|c| c.1 > 0).collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let mut next = COUNTRY_PALETTE.iter();
        let mut out = CountryColors::default();
        for (code, _) in counts {
            if out.assigned.iter().any(|(c, _)| c == code) {
                continue;
            }
            let color = match code {
                "CN" => Some(CHINA),
                "RU" => Some(RUSSIA),
                "" => None,
                _ => next.next().copied(),
            };
            match color {
                Some(c) => out.assigned.push((code.to_owned(), c)),
                None => out.others += 1,
            }
        }
        out
    }

    /// The fill of a country's entities.
    pub fn get(&self, code: &str) -> Rgba {
        self.assigned
            .iter()
            .find(|(c, _)| c == code)
            .map_or(OTHER_COUNTRY, |(_, color)| *color)
    }

    /// Countries with a colour of their own, most entities first.
    pub fn assigned(&self) -> &[(String, Rgba)] {
        &self.assigned
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

    /// sRGB to linear light.
    fn linear(c: u8) -> f64 {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }

    /// Machado, Oliveira and Fernandes (2009), severity 1.0, on linear RGB.
    const PROTANOPIA: [[f64; 3]; 3] = [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ];
    const DEUTERANOPIA: [[f64; 3]; 3] = [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ];

    /// CIELAB (D65) of a colour as seen with `vision` (`None`: normal).
    fn lab(c: Rgba, vision: Option<&[[f64; 3]; 3]>) -> [f64; 3] {
        let l = [linear(c.0), linear(c.1), linear(c.2)];
        let l = match vision {
            None => l,
            Some(m) => {
                let row =
                    |i: usize| (m[i][0] * l[0] + m[i][1] * l[1] + m[i][2] * l[2]).clamp(0.0, 1.0);
                [row(0), row(1), row(2)]
            }
        };
        let x = (0.4124 * l[0] + 0.3576 * l[1] + 0.1805 * l[2]) / 0.95047;
        let y = 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
        let z = (0.0193 * l[0] + 0.1192 * l[1] + 0.9505 * l[2]) / 1.08883;
        let f = |t: f64| {
            if t > 0.008856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        [
            116.0 * f(y) - 16.0,
            500.0 * (f(x) - f(y)),
            200.0 * (f(y) - f(z)),
        ]
    }

    /// The smallest CIELAB distance between two colours for normal vision, deuteranopia and
    /// protanopia.
    fn apart(a: Rgba, b: Rgba) -> f64 {
        [None, Some(&DEUTERANOPIA), Some(&PROTANOPIA)]
            .into_iter()
            .map(|v| {
                let (p, q) = (lab(a, v), lab(b, v));
                ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt()
            })
            .fold(f64::MAX, f64::min)
    }

    #[test]
    fn country_colours_stay_apart_under_deuteranopia_and_protanopia() {
        let mut all = vec![CHINA, RUSSIA, OTHER_COUNTRY];
        all.extend(COUNTRY_PALETTE);
        for (i, &a) in all.iter().enumerate() {
            for &b in &all[i + 1..] {
                let d = apart(a, b);
                assert!(d >= 15.0, "{} and {} are {d:.1} apart", a.hex(), b.hex());
            }
            for theme in [Theme::Light, Theme::Dark] {
                let red = Style::new(theme).sanction_ring;
                assert!(
                    apart(a, red) >= 12.0,
                    "{} is too close to the sanction red",
                    a.hex()
                );
            }
        }
        // The check can fail: the old palette's brown and green, 44 apart for normal vision,
        // were under 3 apart for a deuteranope or protanope.
        let (brown, green) = (Rgba::rgb(0x99, 0x6b, 0x5b), Rgba::rgb(0x5b, 0x8c, 0x5a));
        assert!(apart(brown, green) < 3.0);
    }

    #[test]
    fn no_two_countries_in_a_picture_share_a_colour() {
        let codes = [
            "RU", "CN", "KZ", "TR", "AE", "DE", "HK", "IN", "BY", "UZ", "KG", "AM", "",
        ];
        let colors = CountryColors::assign(codes.iter().enumerate().map(|(i, c)| (*c, 100 - i)));
        let assigned = colors.assigned();
        assert_eq!(assigned[0], ("RU".to_owned(), RUSSIA));
        assert_eq!(colors.get("CN"), CHINA);
        for (i, a) in assigned.iter().enumerate() {
            assert_ne!(a.1, OTHER_COUNTRY);
            for b in &assigned[i + 1..] {
                assert_ne!(a.1, b.1, "{} and {}", a.0, b.0);
            }
        }
        // Nine colours: the rest, and the unknown country, are "other".
        assert_eq!(assigned.len(), 9);
        assert_eq!(colors.others, 4);
        assert_eq!(colors.get("AM"), OTHER_COUNTRY);
        assert_eq!(colors.get(""), OTHER_COUNTRY);
    }

    #[test]
    fn hex_round_trips() {
        let c = Rgba::rgb(0xd7, 0x19, 0x1c);
        assert_eq!(c.hex(), "#d7191c");
        assert_eq!(Rgba::from_hex("#d7191c"), Some(c));
        assert_eq!(Rgba::from_hex("red"), None);
    }
}
