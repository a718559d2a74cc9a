//! Level of detail in the window's scene: where hairlines pile up past what pixels can show,
//! they are folded into one density image; zoomed in, the scene is the exact one.

use lading::explorer::Explorer;
use lading::scene::{self, LinkRole, Scene, View};
use lading::store::Store;
use lading::style::Style;

/// A generated network of about 18,000 links, laid out a little.
fn crowded() -> Explorer {
    let data = lading::generate::generate(&lading::generate::GenerateOptions {
        entities: 6_000,
        shipments: 100_000,
        seed: 7,
        ..Default::default()
    });
    let mut store = Store::in_memory().unwrap();
    store.insert_generated(&data).unwrap();
    let mut e = Explorer::new(store).unwrap();
    e.settle(30);
    e
}

fn scene_of(e: &Explorer, style: &Style, view: View, lod: bool) -> Scene {
    let flagged = e.screening().flagged_links();
    let mut input = e.scene_input(style, view);
    input.marks.after_listing = Some(&flagged);
    input.lod = lod;
    // This network is smaller than the window folds (`FOLD_MIN_LINKS`); the rule is the same.
    input.fold_min_links = 0;
    scene::build(&input)
}

#[test]
fn a_crowded_view_folds_its_hairlines_and_a_close_one_is_drawn_exactly() {
    let e = crowded();
    let style = Style::default();
    assert!(e.graph().links.len() > 10_000, "{}", e.graph().links.len());
    let bounds = e.positions().bounds().unwrap();
    let fit = View::fit(bounds, [400.0, 250.0], 40.0, 1.0);

    let exact = scene_of(&e, &style, fit, false);
    let lod = scene_of(&e, &style, fit, true);
    assert!(exact.density.is_none(), "pictures draw every link");
    let density = lod
        .density
        .as_ref()
        .expect("a crowded view folds hairlines");
    // Every link primitive is either still drawn or in the image; nodes are the same.
    assert_eq!(lod.nodes, exact.nodes);
    assert!(density.links > 5_000, "{} folded", density.links);
    assert_eq!(lod.links.len() + density.links, exact.links.len());
    assert!(lod.links.iter().all(|l| exact.links.contains(l)));
    // What is left is what a hairline is not: wider links, their arrowheads and stripes.
    assert!(
        lod.links
            .iter()
            .all(|l| l.width > 1.5 || l.role != LinkRole::Line || l.arrow.is_some())
    );
    // Each folded hairline left ink where it ran: the texel under its middle is not empty.
    let folded: Vec<_> = exact
        .links
        .iter()
        .filter(|l| !lod.links.contains(l) && l.role == LinkRole::Line)
        .collect();
    assert!(!folded.is_empty());
    for l in folded.iter().step_by(97) {
        let mid = [(l.from[0] + l.to[0]) / 2.0, (l.from[1] + l.to[1]) / 2.0];
        if mid[0] < 0.0 || mid[1] < 0.0 || mid[0] > 400.0 || mid[1] > 250.0 {
            continue;
        }
        let t = density.at(mid).expect("on the canvas");
        assert!(t[3] > 0, "no ink under the middle of {l:?}");
    }
    // The legend says what the haze is; the exact scene has none.
    let haze = |s: &Scene| {
        s.legend
            .groups
            .iter()
            .flat_map(|g| &g.entries)
            .any(|e| e.label.starts_with("Haze: thin links"))
    };
    assert!(haze(&lod) && !haze(&exact));
    // The image covers the canvas.
    assert!(density.width as f32 * density.cell >= 400.0);
    assert!(density.height as f32 * density.cell >= 250.0);

    // Zoomed in on the middle: few links on screen, the scene is the exact one.
    let close = View {
        zoom: fit.zoom * 24.0,
        ..fit
    };
    let exact_close = scene_of(&e, &style, close, false);
    assert!(!exact_close.links.is_empty() && !exact_close.nodes.is_empty());
    assert_eq!(scene_of(&e, &style, close, true), exact_close);
}

#[test]
fn a_selection_keeps_its_links_as_lines_over_the_density() {
    let mut e = crowded();
    let style = Style::default();
    // The entity with the most links.
    let mut degree = std::collections::HashMap::new();
    for l in &e.graph().links {
        *degree.entry(l.source).or_insert(0) += 1;
        *degree.entry(l.target).or_insert(0) += 1;
    }
    let hub = degree.iter().max_by_key(|(id, n)| (**n, **id)).unwrap().0;
    let hub = *hub;
    e.selection = [hub].into_iter().collect();
    let fit = View::fit(e.positions().bounds().unwrap(), [400.0, 250.0], 40.0, 1.0);
    let selection = e.selection.clone();
    let flagged = e.screening().flagged_links();
    let mut input = e.scene_input(&style, fit);
    input.marks.selected = Some(&selection);
    input.marks.after_listing = Some(&flagged);
    let exact = scene::build(&input);
    input.lod = true;
    input.fold_min_links = 0;
    let lod = scene::build(&input);
    assert!(lod.density.is_some());
    // The hub's links are emphasised: drawn one by one, as in the exact scene.
    let own: Vec<_> = exact
        .links
        .iter()
        .filter(|l| l.source == hub || l.target == hub)
        .collect();
    assert!(!own.is_empty());
    for l in own {
        assert!(lod.links.contains(l), "{l:?} folded");
    }
}

#[test]
fn a_network_with_fewer_links_than_the_fold_needs_is_drawn_exactly_in_the_window() {
    let e = crowded();
    let style = Style::default();
    let links = e.graph().links.len();
    assert!(links < scene::density::FOLD_MIN_LINKS, "{links}");
    let fit = View::fit(e.positions().bounds().unwrap(), [400.0, 250.0], 40.0, 1.0);
    let flagged = e.screening().flagged_links();
    let mut input = e.scene_input(&style, fit);
    input.marks.after_listing = Some(&flagged);
    let exact = scene::build(&input);
    // As the window builds it: level of detail on, at its own threshold.
    input.lod = true;
    assert_eq!(scene::build(&input), exact);
    // The same view folds once the threshold is below its links (the first test's case).
    input.fold_min_links = 0;
    assert!(scene::build(&input).density.is_some());
}
