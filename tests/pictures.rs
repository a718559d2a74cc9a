//! Pictures a newspaper would print, on the sample: honest link colours, labels for print,
//! frames, the credit, animations, and what a picture says about what it cannot show.

use std::collections::BTreeSet;
use std::path::Path;

use lading::date::Day;
use lading::export::animate::{
    AnimationFormat, AnimationInput, AnimationOptions, animate, write_animation,
};
use lading::export::{Frame, Picture, PictureInput, PictureOptions, picture, settle};
use lading::filter::{Filter, LinkKind};
use lading::index::ShipmentIndex;
use lading::playback::StepUnit;
use lading::scene::{CalloutMark, LinkRole, Marks, Shown};
use lading::store::Store;
use lading::store::import::{ImportKind, ImportOptions};
use lading::style::Style;

mod common;

fn store_with_sample() -> Store {
    let mut store = Store::in_memory().unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    store
}

fn sample_index() -> ShipmentIndex {
    ShipmentIndex::build(store_with_sample().load_dataset().unwrap())
}

fn day(y: i16, m: i8, d: i8) -> Option<Day> {
    Day::from_ymd(y, m, d)
}

/// The reported window of the Poly Technologies → Ulan-Ude story, every part type.
fn story_window() -> Filter {
    Filter {
        from: day(2022, 6, 2),
        to: day(2022, 11, 16),
        ..Filter::default()
    }
}

fn make(index: &ShipmentIndex, filter: &Filter, options: &PictureOptions) -> Picture {
    let graph = filter.apply(index);
    let positions = settle(&graph, 1, 300).unwrap();
    let input = PictureInput::new(index, filter, &graph, &positions);
    picture(&input, options).unwrap()
}

#[test]
fn poly_technologies_to_ulan_ude_shows_mi171e_as_its_largest_part() {
    let index = sample_index();
    let filter = Filter {
        focus: Some(lading::filter::Focus {
            key: "poly-technologies".to_owned(),
            depth: 1,
        }),
        ..story_window()
    };
    let graph = filter.apply(&index);
    let poly = index.find("poly-technologies").unwrap().id;
    let plant = index.find("ulan-ude-aviation-plant").unwrap().id;
    let shown = Shown::compute(&index, &filter, &graph);
    let i = graph
        .links
        .iter()
        .position(|l| l.kind == LinkKind::Trade && l.source == poly && l.target == plant)
        .unwrap();
    let parts: Vec<(&str, u32)> = shown
        .parts_of(i)
        .iter()
        .map(|&(p, n)| (index.part_types()[p as usize].as_str(), n))
        .collect();
    assert_eq!(parts, [("Mi-171E", 8), ("Mi-171Sh", 3), ("radio", 2)]);
    assert_eq!(
        parts.iter().map(|p| p.1).sum::<u32>(),
        graph.links[i].shipments
    );

    // Drawn: three stripes in proportion, the widest in the Mi-171E colour.
    let pic = make(&index, &filter, &PictureOptions::default());
    let stripes: Vec<_> = pic
        .scene()
        .links
        .iter()
        .filter(|l| l.source == poly && l.target == plant && l.role == LinkRole::Stripe)
        .collect();
    assert_eq!(stripes.len(), 3);
    let style = Style::default();
    let widest = stripes
        .iter()
        .max_by(|a, b| a.width.total_cmp(&b.width))
        .unwrap();
    assert_eq!(widest.color, style.part_color("Mi-171E"));
    let ratio = stripes[0].width / stripes[1].width;
    assert!((ratio - 8.0 / 3.0).abs() < 0.01, "{ratio}");
    // The legend says what width and colour mean.
    let words = pic.scene().legend.words().join(" | ");
    assert!(words.contains("Colour: part type"), "{words}");
    assert!(
        words.contains("stripes in proportion to shipments"),
        "{words}"
    );
    assert!(words.contains("13 shipments"), "{words}");
}

#[test]
fn no_label_in_the_samples_pictures_ends_in_an_ellipsis() {
    let index = sample_index();
    let mut checked = 0;
    for filter in [Filter::default(), story_window()] {
        for options in [
            PictureOptions::default(),
            PictureOptions::default().framed(Frame::Wide, None),
            PictureOptions::default().framed(Frame::Portrait, None),
        ] {
            let pic = make(&index, &filter, &options);
            for l in &pic.scene().labels {
                checked += 1;
                assert!(l.lines.len() <= 2, "{:?}", l.lines);
                for line in &l.lines {
                    assert!(!line.ends_with('…'), "{line:?}");
                }
                // Short display names: no legal form.
                assert!(!l.text().contains("Joint Stock Company"), "{:?}", l.lines);
            }
        }
    }
    assert!(checked > 30, "{checked} labels");
}

#[test]
fn labels_are_at_least_the_chosen_share_of_every_frame_and_width() {
    let index = sample_index();
    let filter = story_window();
    for (frame, width) in [
        (None, 800),
        (None, 3200),
        (Some(Frame::Wide), 1920),
        (Some(Frame::Square), 1080),
        (Some(Frame::Portrait), 1080),
        (Some(Frame::Wide), 4000),
    ] {
        let options = match frame {
            Some(f) => PictureOptions::default().framed(f, Some(width)),
            None => PictureOptions {
                width_px: width,
                ..PictureOptions::default()
            },
        };
        let pic = make(&index, &filter, &options);
        let labels = &pic.scene().labels;
        assert!(!labels.is_empty(), "{frame:?} {width}");
        for l in labels {
            assert!(
                l.size >= 0.025 * width as f32 - 0.01,
                "{frame:?} {width}: {} px",
                l.size
            );
        }
    }
    // A4 at 300 dpi: 9 pt labels (37.5 px), on both shapes.
    for frame in [Frame::A4, Frame::A4Landscape] {
        let pic = make(
            &index,
            &filter,
            &PictureOptions::default().framed(frame, None),
        );
        assert_eq!(pic.size_px(), (frame.size()[0], frame.size()[1]));
        for l in &pic.scene().labels {
            assert!(l.size >= 37.4, "{frame:?}: {}", l.size);
        }
    }
    // The labels' ink in the PNG is as tall as their size says (a capital about 0.7 em).
    let pic = make(
        &index,
        &filter,
        &PictureOptions::default().framed(Frame::Square, None),
    );
    let (w, _, rgba) = lading::export::png::decode(&pic.to_png().unwrap()).unwrap();
    let label = &pic.scene().labels[0];
    let [x, y] = pic.scene_to_picture(label.anchor);
    let dark = |px: usize, py: usize| {
        let k = (py * w as usize + px) * 4;
        rgba[k] < 100 && rgba[k + 1] < 100 && rgba[k + 2] < 100
    };
    let rows: Vec<usize> = ((y - label.size) as usize..(y + label.size) as usize)
        .filter(|&py| (x as usize..x as usize + 60).any(|px| dark(px, py)))
        .collect();
    assert!(
        rows.len() as f32 >= 0.6 * label.size,
        "{} rows of ink for a {} px label",
        rows.len(),
        label.size
    );
}

#[test]
fn the_credit_names_the_sources_and_says_what_is_synthetic() {
    let index = sample_index();
    let story = Filter {
        part_types: Some(BTreeSet::from([
            "Mi-171E".to_owned(),
            "Mi-171Sh".to_owned(),
        ])),
        sanction_status: lading::filter::SanctionStatus::Sanctioned,
        ..story_window()
    };
    let svg = make(&index, &story, &PictureOptions::default())
        .svg()
        .to_owned();
    assert!(svg.contains("CNN"), "the sourced story credits CNN");
    assert!(svg.contains("C4ADS"));
    // Its dates, values and record ids are made up: it says so.
    assert!(svg.contains("illustrative, partly synthetic data"));
    assert!(svg.contains("data to 16 Nov 2022"));
    let whole = make(&index, &Filter::default(), &PictureOptions::default());
    assert!(whole.svg().contains("synthetic"));
    assert!(
        !whole.svg().contains("Made with Lading ·"),
        "the old credit"
    );
}

/// An animation's input without marks, sized by the default measure.
fn plain_animation<'a>(
    index: &'a ShipmentIndex,
    filter: &'a Filter,
    positions: &'a lading::layout::Positions,
) -> AnimationInput<'a> {
    AnimationInput {
        index,
        filter,
        positions,
        marks: Marks::default(),
        size_by: Default::default(),
    }
}

fn small_animation(unit: StepUnit, max_frames: usize) -> AnimationOptions {
    let mut o = AnimationOptions::new(
        unit,
        PictureOptions::default().framed(Frame::Square, Some(360)),
    );
    o.max_frames = max_frames;
    o
}

#[test]
fn animations_decode_with_their_frames_and_are_the_same_bytes_twice() {
    let index = sample_index();
    let filter = story_window();
    let graph = filter.apply(&index);
    let positions = settle(&graph, 1, 300).unwrap();
    let input = plain_animation(&index, &filter, &positions);
    let options = small_animation(StepUnit::Month, 60);
    let gif = animate(&input, &options, AnimationFormat::Gif).unwrap();
    assert_eq!(gif.frames, 6, "2 Jun – 16 Nov 2022 by month");
    let again = animate(&input, &options, AnimationFormat::Gif).unwrap();
    assert!(gif.bytes == again.bytes, "the same bytes twice");
    let mut decoder = gif::DecodeOptions::new()
        .read_info(std::io::Cursor::new(&gif.bytes))
        .unwrap();
    let mut frames = 0;
    while decoder.read_next_frame().unwrap().is_some() {
        frames += 1;
    }
    assert_eq!(frames, 6);
    assert_eq!((decoder.width(), decoder.height()), (360, 360));

    let apng = animate(&input, &options, AnimationFormat::Png).unwrap();
    let again = animate(&input, &options, AnimationFormat::Png).unwrap();
    assert!(apng.bytes == again.bytes);
    let decoder = png::Decoder::new(std::io::Cursor::new(&apng.bytes));
    let mut reader = decoder.read_info().unwrap();
    let control = reader.info().animation_control().copied().unwrap();
    assert_eq!(control.num_frames, 6);
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let mut decoded = 0;
    while reader.next_frame(&mut buf).is_ok() {
        decoded += 1;
    }
    assert_eq!(decoded, 6);
}

#[test]
fn an_animation_with_open_dates_steps_through_the_shipments_it_shows() {
    let index = sample_index();
    // The story: sourced shipments only, which start long after the sample's first date.
    let (filter, graph, shown, data) = common::open_dated_story(&index);
    let positions = settle(&graph, 1, 100).unwrap();
    let input = plain_animation(&index, &filter, &positions);
    let months = lading::playback::steps(shown.0, shown.1, StepUnit::Month, 60)
        .unwrap()
        .frames
        .len();
    let whole = lading::playback::steps(data.0, data.1, StepUnit::Month, 60)
        .unwrap()
        .frames
        .len();
    assert!(months < whole);
    let gif = animate(
        &input,
        &small_animation(StepUnit::Month, 60),
        AnimationFormat::Gif,
    )
    .unwrap();
    assert_eq!(
        gif.frames, months,
        "not {whole} frames from the data's first day"
    );
    // Sanctions are still asked for on the filter's day (the data's end), not on the last
    // shipment's: a listing made after it stays in the legend and the rings.
    let frames = lading::export::animate::frames(&input, &small_animation(StepUnit::Month, 60));
    let last = frames.unwrap().pictures.pop().unwrap();
    let said = format!("Listed as of {}", data.1.human());
    assert!(last.svg().contains(&said), "{said}");
}

#[test]
fn a_range_too_short_or_too_long_for_its_step_is_said() {
    let index = sample_index();
    let one_day = Filter {
        from: day(2022, 6, 2),
        to: day(2022, 6, 2),
        ..Filter::default()
    };
    let graph = Filter::default().apply(&index);
    let positions = settle(&graph, 1, 100).unwrap();
    let input = |filter| plain_animation(&index, filter, &positions);
    let one = animate(
        &input(&one_day),
        &small_animation(StepUnit::Week, 60),
        AnimationFormat::Gif,
    )
    .unwrap();
    assert_eq!(one.frames, 1);
    assert!(
        one.notes.iter().any(|n| n.contains("one frame")),
        "{:?}",
        one.notes
    );
    let ten_years = Filter {
        from: day(2015, 1, 1),
        to: day(2024, 12, 31),
        ..Filter::default()
    };
    let capped = animate(
        &input(&ten_years),
        &small_animation(StepUnit::Week, 3),
        AnimationFormat::Gif,
    )
    .unwrap();
    assert_eq!(capped.frames, 3);
    assert!(
        capped.notes.iter().any(|n| n.contains("522 weeks")),
        "{:?}",
        capped.notes
    );

    // Never a half-written file: a bad name or folder writes nothing, an old file stays.
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.gif");
    std::fs::write(&old, b"old").unwrap();
    let options = small_animation(StepUnit::Month, 2);
    let err = write_animation(&dir.path().join("a.jpg"), &input(&ten_years), &options);
    assert!(err.unwrap_err().to_string().contains(".gif"));
    assert!(
        write_animation(
            Path::new("/no/such/dir/a.gif"),
            &input(&ten_years),
            &options
        )
        .is_err()
    );
    let empty_db = Filter {
        from: day(1990, 1, 1),
        to: day(1990, 2, 1),
        ..Filter::default()
    };
    // An empty range still makes its frames, each saying there is no data.
    let empty = write_animation(&old, &input(&empty_db), &options).unwrap();
    assert_eq!(empty.frames, 2);
    assert_ne!(std::fs::read(&old).unwrap(), b"old");
}

#[test]
fn a_name_too_long_to_label_and_a_callout_at_a_missing_entity_are_said_in_the_picture() {
    let mut store = store_with_sample();
    let long = format!("Company {}", "Long ".repeat(99));
    let entities = format!("key,name,kind,country\nlong-one,{long},company,KZ\n");
    let shipments =
        "date,shipper,consignee,part_type\n2022-07-01,long-one,ulan-ude-aviation-plant,radio\n";
    for (kind, name, text) in [
        (ImportKind::Entities, "e.csv", entities.as_str()),
        (ImportKind::Shipments, "s.csv", shipments),
    ] {
        store
            .import_reader(
                Path::new(name),
                text.as_bytes(),
                text.len() as u64,
                &ImportOptions::new(kind),
                None,
            )
            .unwrap();
    }
    let index = ShipmentIndex::build(store.load_dataset().unwrap());
    let filter = Filter {
        focus: Some(lading::filter::Focus {
            key: "ulan-ude-aviation-plant".to_owned(),
            depth: 1,
        }),
        ..story_window()
    };
    let graph = filter.apply(&index);
    let positions = settle(&graph, 1, 300).unwrap();
    let callouts = [CalloutMark {
        id: 1,
        at: [0.0, 0.0],
        text: "Final assembly",
        entity: None,
        entity_key: Some("gone-plant"),
    }];
    let mut input = PictureInput::new(&index, &filter, &graph, &positions);
    input.marks = Marks {
        callouts: &callouts,
        ..Marks::default()
    };
    let pic = picture(&input, &PictureOptions::default()).unwrap();
    let notes = pic.scene().notes.join(" | ");
    assert!(
        notes.contains("too long for two lines (long-one)"),
        "{notes}"
    );
    assert!(
        notes.contains("gone-plant, which is not in the data"),
        "{notes}"
    );
    assert!(pic.svg().contains("Not shown:"));
    assert!(
        pic.scene()
            .labels
            .iter()
            .all(|l| !l.text().contains("Long Long"))
    );
    // The callout is still drawn, without a pointer.
    assert_eq!(pic.scene().callouts.len(), 1);
    assert!(pic.scene().callouts[0].pointer.is_none());
}

#[test]
fn the_path_dims_everything_off_it_rings_and_bands_included() {
    let index = sample_index();
    let filter = story_window();
    let graph = filter.apply(&index);
    let positions = settle(&graph, 1, 300).unwrap();
    let id = |k: &str| index.find(k).unwrap().id;
    let path = [id("poly-technologies"), id("ulan-ude-aviation-plant")];
    let mut input = PictureInput::new(&index, &filter, &graph, &positions);
    input.marks = Marks {
        path: &path,
        ..Marks::default()
    };
    let pic = picture(&input, &PictureOptions::default()).unwrap();
    let scene = pic.scene();
    let mut dimmed_rings = 0;
    for n in &scene.nodes {
        let on = path.contains(&n.id);
        assert_eq!(n.fill.3 == 255, on, "node {}", n.id);
        if let Some((c, _)) = n.ring {
            assert_eq!(c.3 == 255, on);
            dimmed_rings += usize::from(!on);
        }
    }
    assert!(dimmed_rings > 0, "rings off the path are dimmed");
    let bands: Vec<_> = scene
        .links
        .iter()
        .filter(|l| l.role == LinkRole::Band)
        .collect();
    assert!(
        bands.iter().any(|b| b.color.3 < 60),
        "bands off the path are dimmed"
    );
    let style = Style::default();
    assert!(scene.links.iter().any(|l| l.color == style.path));
}

/// Every label's box in scene pixels: (left, top, right, bottom).
fn label_box(l: &lading::scene::SceneLabel) -> [f32; 4] {
    let w = l
        .lines
        .iter()
        .map(|s| lading::style::text::width(s, l.size, l.bold))
        .fold(0.0f32, f32::max);
    let top = l.anchor[1] - l.line_height / 2.0;
    [
        l.anchor[0],
        top,
        l.anchor[0] + w,
        top + l.lines.len() as f32 * l.line_height,
    ]
}

#[test]
fn the_story_in_16_9_names_most_of_its_entities_and_no_label_covers_a_node() {
    let index = sample_index();
    let story = lading::explorer::Explorer::story_filter(&index);
    let wide = PictureOptions::default().framed(Frame::Wide, None);
    let pic = make(&index, &story, &wide);
    let scene = pic.scene();
    let named: Vec<String> = scene.labels.iter().map(|l| l.lines.join(" ")).collect();
    // Eleven entities; before, only five were named (big labels, eight places each, one shape).
    assert_eq!(scene.nodes.len(), 11);
    assert!(named.len() >= 8, "{named:?}");
    // The state owner's name is 84 characters; it gives its own acronym, which labels it.
    assert!(named.iter().any(|n| n == "SASAC"), "{named:?}");
    // Those left unlabelled for lack of room are named in the picture's notes.
    let missing = 11 - named.len();
    if missing > 0 {
        let said = format!(
            "{missing} {} unlabelled for lack of room (",
            if missing == 1 { "entity" } else { "entities" }
        );
        assert!(
            scene.no_room.as_ref().is_some_and(|n| n.starts_with(&said)),
            "{:?}",
            scene.no_room
        );
        assert!(pic.svg().contains("unlabelled for lack of room"));
    } else {
        assert_eq!(scene.no_room, None);
    }
    // No label covers a node, however small (a node smaller than a label-grid cell was
    // left unclaimed, and a label covered the SASAC square), in the story and the sample.
    let whole = make(&index, &Filter::default(), &wide);
    for scene in [scene, whole.scene()] {
        for l in &scene.labels {
            let [x0, y0, x1, y1] = label_box(l);
            for n in &scene.nodes {
                // The node's disc (its ring and halo included) against the text's box.
                let (cx, cy) = (n.center[0], n.center[1]);
                let (dx, dy) = (cx - cx.clamp(x0, x1), cy - cy.clamp(y0, y1));
                let apart = (dx * dx + dy * dy).sqrt() - n.outer_radius();
                assert!(
                    apart >= 0.0,
                    "label {:?} at {:?} covers node {:?} by {} px",
                    l.lines,
                    label_box(l),
                    n.id,
                    -apart
                );
            }
        }
    }
}
