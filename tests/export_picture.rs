//! Pictures of the sample network: PNG size, content, the sanction ring's colour, SVG text,
//! determinism, limits and the empty filter.

use std::collections::{BTreeSet, HashSet};

use lading::date::Day;
use lading::export::{
    Decoration, ExportError, PictureInput, PictureOptions, PictureView, png, settle,
};
use lading::filter::{Filter, SanctionStatus};
use lading::index::ShipmentIndex;
use lading::scene::View;
use lading::store::Store;
use lading::style::{Style, Theme};

mod common;

fn sample_index() -> ShipmentIndex {
    let mut store = Store::in_memory().unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    ShipmentIndex::build(store.load_dataset().unwrap())
}

/// The reported story: helicopter parts between Poly Technologies and U-UAP, 2 Jun – 16 Nov
/// 2022, shipments with a sanctioned party.
fn story() -> Filter {
    Filter {
        from: Day::from_ymd(2022, 6, 2),
        to: Day::from_ymd(2022, 11, 16),
        part_types: Some(BTreeSet::from([
            "Mi-171E".to_owned(),
            "Mi-171Sh".to_owned(),
        ])),
        sanction_status: SanctionStatus::Sanctioned,
        ..Filter::default()
    }
}

fn options(width_px: u32) -> PictureOptions {
    PictureOptions {
        width_px,
        ..PictureOptions::default()
    }
}

fn pixel(rgba: &[u8], width: u32, x: f32, y: f32) -> [u8; 4] {
    let (x, y) = (x.round() as usize, y.round() as usize);
    let k = (y * width as usize + x) * 4;
    [rgba[k], rgba[k + 1], rgba[k + 2], rgba[k + 3]]
}

fn close(a: [u8; 4], b: [u8; 4], tolerance: i32) -> bool {
    (0..4).all(|i| (i32::from(a[i]) - i32::from(b[i])).abs() <= tolerance)
}

#[test]
fn png_has_the_size_content_and_ring_colour() {
    let index = sample_index();
    let filter = story();
    let graph = filter.apply(&index);
    assert!(!graph.sanctioned.is_empty());
    let positions = settle(&graph, 1, 300).unwrap();
    let input = PictureInput::new(&index, &filter, &graph, &positions);
    let pic = lading::export::picture(&input, &options(700)).unwrap();
    let bytes = pic.to_png().unwrap();
    let (w, h, rgba) = png::decode(&bytes).unwrap();
    assert_eq!((w, h), pic.size_px());
    assert_eq!(w, 700);
    assert!(h > 200 && h <= 8000, "{h}");

    // Not blank: many colours, and the background is the theme's.
    let colours: HashSet<[u8; 4]> = rgba.chunks(4).map(|c| [c[0], c[1], c[2], c[3]]).collect();
    assert!(colours.len() > 50, "{} colours", colours.len());
    let style = Style::new(Theme::Light);
    let bg = style.background;
    assert_eq!(pixel(&rgba, w, 2.0, 2.0), [bg.0, bg.1, bg.2, 255]);

    // Under every sanctioned entity's ring, on at least one side, the ring's colour (a
    // synthetic entity's ring is washed out with it: the colour the scene asked for).
    let ringed: Vec<_> = pic
        .scene()
        .nodes
        .iter()
        .filter(|n| n.ring.is_some())
        .collect();
    assert!(!ringed.is_empty());
    for n in ringed {
        let ring = n.ring.unwrap().0;
        let want = [ring.0, ring.1, ring.2, 255];
        let r = n.ring_radius().unwrap();
        let hit = [
            [r, 0.0],
            [-r, 0.0],
            [0.0, r],
            [0.0, -r],
            [
                std::f32::consts::FRAC_1_SQRT_2 * r,
                std::f32::consts::FRAC_1_SQRT_2 * r,
            ],
        ]
        .iter()
        .any(|d| {
            let p = pic.scene_to_picture([n.center[0] + d[0], n.center[1] + d[1]]);
            close(pixel(&rgba, w, p[0], p[1]), want, 12)
        });
        assert!(hit, "no ring colour around entity {}", n.id);
    }
}

#[test]
fn scale_multiplies_the_pixels() {
    let index = sample_index();
    let filter = story();
    let graph = filter.apply(&index);
    let positions = settle(&graph, 1, 300).unwrap();
    let input = PictureInput::new(&index, &filter, &graph, &positions);
    let one = lading::export::picture(&input, &options(400)).unwrap();
    let two = lading::export::picture(
        &input,
        &PictureOptions {
            scale: 2,
            ..options(400)
        },
    )
    .unwrap();
    assert_eq!(two.size_px().0, 800);
    let (h1, h2) = (one.size_px().1 as i64, two.size_px().1 as i64);
    assert!((h2 - 2 * h1).abs() <= 2, "{h1} {h2}");
    let (w, h, _) = png::decode(&two.to_png().unwrap()).unwrap();
    assert_eq!((w, h), two.size_px());
}

#[test]
fn the_same_input_gives_byte_identical_pngs() {
    let index = sample_index();
    let filter = story();
    let make = || {
        let graph = filter.apply(&index);
        let positions = settle(&graph, 1, 300).unwrap();
        let input = PictureInput::new(&index, &filter, &graph, &positions);
        lading::export::picture(&input, &options(500))
            .unwrap()
            .to_png()
            .unwrap()
    };
    assert_eq!(make(), make());
}

#[test]
fn the_svg_is_well_formed_and_holds_every_label_and_the_caption_as_text() {
    let index = sample_index();
    let filter = story();
    let graph = filter.apply(&index);
    let positions = settle(&graph, 1, 300).unwrap();
    let input = PictureInput::new(&index, &filter, &graph, &positions);
    let pic = lading::export::picture(&input, &options(900)).unwrap();
    let svg = pic.svg();
    // resvg's parser is a strict XML parser: parsing is the well-formedness check.
    let tree = resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default()).unwrap();
    assert_eq!(tree.size().width(), 900.0);
    assert!(!pic.scene().labels.is_empty());
    for l in &pic.scene().labels {
        for line in &l.lines {
            let text = lading::export::svg::escape(line);
            assert!(svg.contains(&format!(">{text}</tspan>")), "label {line:?}");
        }
    }
    // The short display name, without the legal form.
    assert!(svg.contains(">Poly Technologies</tspan>"), "{svg}");
    let caption = filter.describe(&index);
    assert!(
        caption.starts_with("Shipments 2 Jun 2022 – 16 Nov 2022 · part types Mi-171E, Mi-171Sh"),
        "{caption}"
    );
    // The caption may wrap: every word of it is in some <text>.
    let texts: String = svg
        .split("<text")
        .skip(1)
        .filter_map(|t| t.split('>').nth(1))
        .map(|t| t.trim_end_matches("</text").trim_end_matches("</tspan"))
        .collect::<Vec<_>>()
        .join(" ");
    for word in caption.split_whitespace() {
        assert!(texts.contains(word), "caption word {word:?} missing");
    }
    // Renders with resvg (the PNG path) to something that is not blank.
    let (_, _, rgba) = png::decode(&pic.to_png().unwrap()).unwrap();
    let colours: HashSet<&[u8]> = rgba.chunks(4).collect();
    assert!(colours.len() > 50);
}

#[test]
fn text_is_drawn_with_the_shipped_fonts() {
    // Without a font, resvg drops text silently: compare a picture with and without a
    // title, over an empty network (so nothing else is drawn near the top).
    let index = sample_index();
    let filter = Filter {
        from: Day::from_ymd(2030, 1, 1),
        ..Filter::default()
    };
    let graph = filter.apply(&index);
    let positions = settle(&graph, 1, 10).unwrap();
    let input = PictureInput::new(&index, &filter, &graph, &positions);
    let with = |title: Decoration| {
        let pic = lading::export::picture(
            &input,
            &PictureOptions {
                title,
                ..options(500)
            },
        )
        .unwrap();
        png::decode(&pic.to_png().unwrap()).unwrap()
    };
    let (w, _, titled) = with(Decoration::Text("保利 Poly → Улан-Удэ".to_owned()));
    let (_, _, plain) = with(Decoration::Hidden);
    // The title band (top 50 px) has dark text pixels in one and not the other.
    let dark = |rgba: &[u8]| {
        rgba[..(w as usize * 50 * 4)]
            .chunks(4)
            .filter(|c| c[0] < 100 && c[1] < 100 && c[2] < 100)
            .count()
    };
    assert!(dark(&titled) > 200, "{}", dark(&titled));
    assert_eq!(dark(&plain), 0);
}

#[test]
fn a_caption_with_open_dates_says_when_the_shown_shipments_were_made() {
    let index = sample_index();
    // The story: sourced shipments only, made in 2022; the sample's data runs 2021–2023.
    let (filter, graph, (first, last), data) = common::open_dated_story(&index);
    assert!(last < data.1);
    let positions = settle(&graph, 1, 100).unwrap();
    let input = PictureInput::new(&index, &filter, &graph, &positions);
    let pic = lading::export::picture(&input, &options(800)).unwrap();
    let said = format!("Shipments {} – {}", first.human(), last.human());
    assert!(pic.svg().contains(&said), "{said}");
    assert!(!pic.svg().contains(&format!("Shipments {}", data.0.human())));
    // The filter panel still describes the filter itself: all dates.
    assert!(filter.describe(&index).starts_with(&format!(
        "Shipments {} – {}",
        data.0.human(),
        data.1.human()
    )));
}

#[test]
fn an_empty_filter_says_so() {
    let index = sample_index();
    let filter = Filter {
        from: Day::from_ymd(2030, 1, 1),
        ..Filter::default()
    };
    let graph = filter.apply(&index);
    assert!(graph.entities.is_empty());
    let positions = settle(&graph, 1, 100).unwrap();
    let input = PictureInput::new(&index, &filter, &graph, &positions);
    let pic = lading::export::picture(&input, &options(600)).unwrap();
    assert!(pic.svg().contains(">No data in this filter</text>"));
    assert!(pic.svg().contains("Shipments 1 Jan 2030"));
    let (w, h, _) = png::decode(&pic.to_png().unwrap()).unwrap();
    assert_eq!((w, h), pic.size_px());
}

#[test]
fn sizes_out_of_range_are_refused_naming_the_limit() {
    let index = sample_index();
    let filter = Filter::default();
    let graph = Filter {
        from: Day::from_ymd(2030, 1, 1),
        ..Filter::default()
    }
    .apply(&index);
    let positions = lading::layout::Positions::default();
    let input = PictureInput::new(&index, &filter, &graph, &positions);
    for (width_px, scale) in [(0, 1), (100_000, 1), (2001, 4), (100, 0), (100, 9)] {
        let err = lading::export::picture(
            &input,
            &PictureOptions {
                width_px,
                scale,
                ..PictureOptions::default()
            },
        )
        .unwrap_err();
        assert!(
            matches!(err, ExportError::Width { .. } | ExportError::Scale(_)),
            "{err}"
        );
        let text = err.to_string();
        assert!(text.contains("8000") || text.contains("1 to 8"), "{text}");
    }
    // The largest allowed: 2000 px at 4x.
    let ok = lading::export::picture(
        &input,
        &PictureOptions {
            width_px: 2000,
            scale: 4,
            ..PictureOptions::default()
        },
    )
    .unwrap();
    assert_eq!(ok.size_px().0, 8000);
    // A tiny width still makes a picture (without decorations).
    let tiny = lading::export::picture(&input, &options(1)).unwrap();
    assert_eq!(tiny.size_px().0, 1);
    tiny.to_png().unwrap();
}

#[test]
fn the_current_view_keeps_its_world_rectangle_and_the_dark_theme_its_colours() {
    let index = sample_index();
    let filter = story();
    let graph = filter.apply(&index);
    let positions = settle(&graph, 1, 300).unwrap();
    let poly = index.find("poly-technologies").unwrap().id;
    let at = positions.get(poly).unwrap();
    // A screen view of 800 × 500 points centred on Poly Technologies.
    let view = View {
        center: at,
        zoom: 4.0,
        size: [800.0, 500.0],
        scale: 1.0,
    };
    let input = PictureInput::new(&index, &filter, &graph, &positions);
    let pic = lading::export::picture(
        &input,
        &PictureOptions {
            view: PictureView::Current(view),
            theme: Theme::Dark,
            ..options(848)
        },
    )
    .unwrap();
    let node = pic.scene().nodes.iter().find(|n| n.id == poly).unwrap();
    // Centred in the network area (848 px less the two margins).
    let margin = pic.scene_to_picture([0.0, 0.0])[0];
    let area = 848.0 - 2.0 * margin;
    assert!(
        (node.center[0] - area / 2.0).abs() < 0.5,
        "{:?} in {area}",
        node.center
    );
    let (w, _, rgba) = png::decode(&pic.to_png().unwrap()).unwrap();
    let bg = Style::new(Theme::Dark).background;
    assert_eq!(pixel(&rgba, w, 2.0, 2.0), [bg.0, bg.1, bg.2, 255]);
    assert!(pic.svg().contains("clip-path"));
}

/// The PNG paints links and nodes itself and only the text through resvg: it must still be
/// the SVG's picture. Compare it with the whole SVG rasterised by resvg, pixel by pixel, for
/// the whole network (thousands of links, dashes, arrows) and a clipped current view.
#[test]
fn the_png_is_the_svg_rasterised() {
    let index = sample_index();
    let filter = Filter::default();
    let graph = filter.apply(&index);
    let positions = settle(&graph, 1, 300).unwrap();
    let input = PictureInput::new(&index, &filter, &graph, &positions);
    // A view into the middle of the network, at twice the zoom that fits it: links leave
    // the clipped area on every side.
    let placed: Vec<[f32; 2]> = graph
        .entities
        .iter()
        .filter_map(|&id| positions.get(id))
        .collect();
    let (lo, hi) = placed
        .iter()
        .fold(([f32::MAX; 2], [f32::MIN; 2]), |(lo, hi), p| {
            (
                [lo[0].min(p[0]), lo[1].min(p[1])],
                [hi[0].max(p[0]), hi[1].max(p[1])],
            )
        });
    let zoomed = PictureView::Current(View {
        center: [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0],
        zoom: 2.0 * 800.0 / (hi[0] - lo[0]).max(1.0),
        size: [800.0, 600.0],
        scale: 1.0,
    });
    for (view, theme) in [(PictureView::Fit, Theme::Light), (zoomed, Theme::Dark)] {
        let pic = lading::export::picture(
            &input,
            &PictureOptions {
                view,
                theme,
                ..options(1000)
            },
        )
        .unwrap();
        let (w, h, ours) = png::decode(&pic.to_png().unwrap()).unwrap();
        let (sw, sh, theirs) = png::rasterise_svg(pic.svg()).unwrap();
        assert_eq!((w, h), (sw, sh));
        let (mut total, mut far) = (0u64, 0usize);
        for (a, b) in ours.chunks_exact(4).zip(theirs.chunks_exact(4)) {
            let d = (0..3)
                .map(|i| (i32::from(a[i]) - i32::from(b[i])).unsigned_abs())
                .max()
                .unwrap_or(0);
            total += u64::from(d);
            if d > 96 {
                far += 1;
            }
        }
        let pixels = (w * h) as usize;
        let mean = total as f64 / pixels as f64;
        // Anti-aliased edges differ by a few levels; a missing or moved link, node or label
        // would differ by a lot on many pixels.
        assert!(mean < 2.0, "{view:?}: mean difference {mean:.2} levels");
        assert!(
            far * 500 < pixels,
            "{view:?}: {far} of {pixels} pixels differ by more than 96 levels"
        );
    }
}
