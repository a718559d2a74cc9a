//! The canvas: paints the scene and turns pointer input into view changes and commands.
//!
//! Drag the background to pan (shift-drag: box select), wheel or pinch to zoom toward the
//! pointer, drag a node to place and pin it, click to select (shift: add), double-click to
//! expand, right-click for the context menu; hovering shows a tooltip.

use egui::{Color32, CornerRadius, Pos2, Rect, Sense, Shape, Stroke, Vec2, pos2, vec2};

use super::app::LadingApp;
use super::mesh;
use super::network::{Drawn, network_key, update_network};
use super::scene_worker::Place;
use crate::annotation::{Callout, Target};
use crate::explorer::Command;
use crate::filter::LinkKind;
use crate::model::EntityId;
use crate::scene::{self, MarkShape, Scene, View};
use crate::style::Rgba;
use crate::text::inert;

/// What the canvas says with no database open.
pub const EMPTY_CANVAS: &str = "No database open. File → Open database… (Ctrl+Shift+O)";

pub fn color(c: Rgba) -> Color32 {
    Color32::from_rgba_unmultiplied(c.0, c.1, c.2, c.3)
}

/// Per-canvas state kept in egui's temporary memory: what a drag is doing.
#[derive(Clone, Copy, Debug, Default)]
enum DragMode {
    #[default]
    None,
    Pan,
    Node(EntityId),
    Box(Pos2),
    /// A callout, and where in its box it was grabbed (screen units).
    Callout(u32, Vec2),
}

pub fn canvas(app: &mut LadingApp, ui: &mut egui::Ui) {
    // The legend is docked in a strip under the network, so it never covers it.
    let full = ui.available_rect_before_wrap();
    let legend_h = legend_strip_height(app, full.width());
    let (rect, response) = ui.allocate_exact_size(
        vec2(full.width(), (full.height() - legend_h).max(60.0)),
        Sense::click_and_drag(),
    );
    let strip = Rect::from_min_max(pos2(full.min.x, rect.max.y), full.max);
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, CornerRadius::ZERO, color(app.style.background));
    app.view.size = [rect.width(), rect.height()];
    app.canvas_origin = [rect.min.x, rect.min.y];

    let Some(explorer) = app.explorer.as_ref() else {
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            EMPTY_CANVAS,
            egui::FontId::proportional(18.0),
            color(app.style.muted_text),
        );
        return;
    };
    if explorer.graph().entities.is_empty() {
        let message = if explorer.index().shipment_count() == 0 {
            "This database has no shipments yet. File → Import CSV or FtM… (Ctrl+I)"
        } else {
            "No data in this filter. Widen the dates or reset the filter."
        };
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            message,
            egui::FontId::proportional(18.0),
            color(app.style.muted_text),
        );
    }
    if (app.fit_pending || app.auto_fit)
        && let Some(bounds) = super::follow::robust_bounds(&super::follow::points_of(
            explorer.positions(),
            explorer.graph().entities.iter().copied(),
        ))
    {
        // Far outliers aside: one stray entity does not shrink the rest to dots.
        app.view = View::fit(bounds, app.view.size, 40.0, 1.0);
        app.fit_pending = false;
    }

    let hovered_id = response
        .hover_pos()
        .and_then(|p| node_at(&app.view, explorer, p - rect.min.to_vec2()));
    // The network is rebuilt only when something it shows has changed; an unchanged frame
    // (reading, hovering, a tooltip) draws the last one again.
    let key = network_key(app, explorer, rect);
    update_network(app, ui.ctx(), rect, key);
    let Some(network) = app.network.as_ref() else {
        return;
    };
    let scene = &network.scene;
    // The scene's points in the window: moved and scaled when it was built for another
    // view and a newer one is being built (see `scene_worker`).
    let place = Place::between(&network.view, &app.view, rect.min.to_vec2());
    if let (Some(d), Some(texture)) = (&scene.density, &network.density) {
        painter.add(density_shape(texture.id(), place, d));
    }
    match (&network.drawn, app.gpu.as_ref()) {
        (Drawn::Gpu(instances), Some(gpu)) => {
            if !gpu.ready() {
                // Whether OpenGL can draw it is known after this frame: if it cannot, the
                // next frame draws the mesh instead.
                ui.ctx().request_repaint();
            }
            painter.add(gpu.callback(
                rect,
                std::sync::Arc::clone(instances),
                network.generation,
                Place {
                    scale: place.scale,
                    offset: place.after(network.origin).offset - rect.min.to_vec2(),
                },
            ));
        }
        (Drawn::Mesh(mesh), _) => {
            painter.add(Shape::Mesh(std::sync::Arc::clone(mesh)));
        }
        (Drawn::Gpu(_), None) => {}
    }
    paint_overlay(&painter, place, scene);
    if let Some(n) = hovered_id.and_then(|id| scene.nodes.iter().find(|n| n.id == id)) {
        painter.circle_stroke(
            place.pos(n.center),
            n.outer_radius() + 2.5,
            Stroke::new(2.0, color(app.style.selection.with_alpha(150))),
        );
    }

    // The callout under the pointer, topmost (last drawn) first.
    let hovered_callout = response.hover_pos().and_then(|p| {
        let l = (p - place.offset) / place.scale;
        scene
            .callouts
            .iter()
            .rev()
            .find(|c| c.contains([l.x, l.y]))
            .map(|c| (c.id, vec2(l.x - c.rect[0], l.y - c.rect[1])))
    });
    let hovered_id = if hovered_callout.is_some() {
        None
    } else {
        hovered_id
    };

    interact(app, ui, &response, rect, hovered_id, hovered_callout);
    if legend_h > 0.0 {
        legend_strip(app, ui, strip);
    }
}

/// The density image (level of detail), under the links: as big as the scene says, where
/// `place` puts the scene.
pub fn density_shape(texture: egui::TextureId, place: Place, d: &scene::SceneDensity) -> Shape {
    let size = vec2(d.width as f32, d.height as f32) * d.cell * place.scale;
    Shape::image(
        texture,
        Rect::from_min_size(place.pos(d.origin), size),
        Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
        Color32::WHITE,
    )
}

/// Paints a scene offset by `origin`: the network as an egui mesh, then the overlay.
pub fn paint(painter: &egui::Painter, origin: Vec2, scene: &Scene) {
    let mut mesh = egui::epaint::Mesh::default();
    network_mesh(&mut mesh, origin, scene);
    painter.add(Shape::Mesh(std::sync::Arc::new(mesh)));
    paint_overlay(painter, Place::at(origin), scene);
}

/// Writes the scene's links and nodes into `mesh` (cleared first), offset by `origin`: one
/// mesh (see `mesh`), as a few egui shapes per entity would cost far more than the frame
/// budget at 40,000 links.
pub fn network_mesh(mesh: &mut egui::epaint::Mesh, origin: Vec2, scene: &Scene) {
    mesh.clear();
    links_mesh(mesh, origin, &scene.links);
    nodes_mesh(mesh, origin, &scene.nodes);
}

/// Writes links (solid or with their dash pattern, and arrowheads) into `mesh`.
fn links_mesh(mesh: &mut egui::epaint::Mesh, origin: Vec2, links: &[scene::SceneLink]) {
    let p = |xy: [f32; 2]| pos2(xy[0], xy[1]) + origin;
    for l in links {
        let c = color(l.color);
        if l.width > 0.0 {
            match l.dash {
                Some([on, off]) => mesh::dashed_line(mesh, p(l.from), p(l.to), l.width, c, on, off),
                None => mesh::line(mesh, p(l.from), p(l.to), l.width, c),
            }
        }
        if let Some(a) = l.arrow {
            mesh::convex(mesh, &[p(a[0]), p(a[1]), p(a[2])], c);
        }
    }
}

/// Writes nodes (halo, ring, shape and outline) into `mesh`.
fn nodes_mesh(mesh: &mut egui::epaint::Mesh, origin: Vec2, nodes: &[scene::SceneNode]) {
    let p = |xy: [f32; 2]| pos2(xy[0], xy[1]) + origin;
    for n in nodes {
        let c = p(n.center);
        if let (Some((halo, width)), Some(r)) = (n.halo, n.halo_radius()) {
            mesh::ring(mesh, c, r, width, color(halo));
        }
        if let (Some((ring, width)), Some(r)) = (n.ring, n.ring_radius()) {
            mesh::ring(mesh, c, r, width, color(ring));
        }
        match n.corners() {
            Some(corners) => {
                let outline: Vec<Pos2> = corners.into_iter().map(p).collect();
                mesh::convex(mesh, &outline, color(n.fill));
                mesh::outline(mesh, &outline, n.stroke_width, color(n.stroke));
            }
            None => mesh::disc(
                mesh,
                c,
                n.radius,
                color(n.fill),
                (n.stroke_width, color(n.stroke)),
            ),
        }
    }
}

/// Paints what goes over the network mesh, offset by `origin`: pin and note marks, labels
/// and callouts.
pub fn paint_overlay(painter: &egui::Painter, place: Place, scene: &Scene) {
    painter.extend(overlay_shapes(place, scene));
    for label in &scene.labels {
        let font = if label.bold {
            egui::FontId::new(label.size, egui::FontFamily::Name("bold".into()))
        } else {
            egui::FontId::proportional(label.size)
        };
        for (line, at) in label.placed_lines() {
            let galley = painter.layout_no_wrap(line.to_owned(), font.clone(), color(label.color));
            let pos = place.pos(at) - vec2(0.0, galley.size().y / 2.0);
            // The halo: egui has no glyph outlines to stroke, so a box as wide as the
            // halo's reach around the line.
            let reach = label.size * scene::HALO_WIDTH / 2.0;
            let bg = Rect::from_min_size(pos, galley.size()).expand(reach);
            painter.rect_filled(bg, CornerRadius::same(2), color(label.halo));
            painter.galley(pos, galley, color(label.color));
        }
    }
    paint_callouts(painter, place, scene);
}

/// The scene's marks (pins, notes) as egui shapes.
pub fn overlay_shapes(place: Place, scene: &Scene) -> Vec<Shape> {
    let p = |xy: [f32; 2]| place.pos(xy);
    let mut shapes = Vec::new();
    for m in &scene.marks {
        let stroke = m
            .stroke
            .map_or(Stroke::NONE, |(c, w)| Stroke::new(w, color(c)));
        let fill = m.fill.map_or(Color32::TRANSPARENT, color);
        match m.shape {
            MarkShape::Circle { center, radius } => {
                shapes.push(Shape::circle_filled(p(center), radius, fill));
                shapes.push(Shape::circle_stroke(p(center), radius, stroke));
            }
            MarkShape::Rect { rect, corner } => {
                let r = Rect::from_min_size(p([rect[0], rect[1]]), vec2(rect[2], rect[3]));
                let corner = CornerRadius::same(corner.round().clamp(0.0, 255.0) as u8);
                shapes.push(Shape::rect_filled(r, corner, fill));
                shapes.push(Shape::rect_stroke(
                    r,
                    corner,
                    stroke,
                    egui::StrokeKind::Middle,
                ));
            }
            MarkShape::Line { from, to, .. } => {
                shapes.push(Shape::line_segment([p(from), p(to)], stroke));
            }
        }
    }
    shapes
}

/// Paints the callouts: a box with its text and a pointer line to its entity.
fn paint_callouts(painter: &egui::Painter, place: Place, scene: &Scene) {
    let p = |xy: [f32; 2]| place.pos(xy);
    for c in &scene.callouts {
        let [x, y, w, h] = c.rect;
        if let Some((a, b)) = c.pointer {
            painter.line_segment([p(a), p(b)], Stroke::new(c.border_width, color(c.border)));
        }
        let r = Rect::from_min_size(p([x, y]), vec2(w, h));
        painter.rect(
            r,
            CornerRadius::same(c.corner.round().clamp(0.0, 255.0) as u8),
            color(c.fill),
            Stroke::new(c.border_width, color(c.border)),
            egui::StrokeKind::Middle,
        );
        for (i, line) in c.lines.iter().enumerate() {
            painter.text(
                p([
                    x + c.padding,
                    y + c.padding + (i as f32 + 0.5) * c.line_height,
                ]),
                egui::Align2::LEFT_CENTER,
                line,
                egui::FontId::proportional(c.size),
                color(c.color),
            );
        }
    }
}

/// Space around the legend inside its frame.
const LEGEND_PAD: f32 = 8.0;
/// The strip's header line (the fold button).
const LEGEND_HEADER_H: f32 = 22.0;

/// How tall the legend strip under the canvas is: nothing when the legend is off, a header
/// line when folded, else as many rows as the last scene's legend needs in the columns that fit.
fn legend_strip_height(app: &LadingApp, width: f32) -> f32 {
    if !app.ui.show_legend || app.explorer.is_none() {
        return 0.0;
    }
    if app.ui.legend_collapsed {
        return LEGEND_HEADER_H;
    }
    match app.network.as_ref() {
        Some(n) if !n.scene.nodes.is_empty() && !n.scene.legend.is_empty() => {
            let drawing = scene::legend::layout(
                &n.scene.legend,
                &app.style,
                12.0,
                legend_width(width),
                false,
            );
            LEGEND_HEADER_H + drawing.size[1] + 2.0 * LEGEND_PAD + 6.0
        }
        _ => LEGEND_HEADER_H,
    }
}

/// The width the legend is laid out to in a strip `width` wide.
fn legend_width(width: f32) -> f32 {
    (width - 20.0 - 2.0 * LEGEND_PAD).max(120.0)
}

/// The legend strip: a fold button, then the legend's rows in columns.
fn legend_strip(app: &mut LadingApp, ui: &mut egui::Ui, strip: Rect) {
    let painter = ui.painter_at(strip);
    painter.rect_filled(strip, CornerRadius::ZERO, color(app.style.text_halo));
    painter.line_segment(
        [strip.left_top(), strip.right_top()],
        Stroke::new(1.0, color(app.style.muted_text).gamma_multiply(0.4)),
    );
    let folded = app.ui.legend_collapsed;
    let button = Rect::from_min_size(strip.min + vec2(6.0, 2.0), vec2(90.0, 18.0));
    let label = if folded { "▸ Legend" } else { "▾ Legend" };
    if ui
        .put(button, egui::Button::new(label).small().frame(false))
        .on_hover_text(if folded {
            "Show the legend"
        } else {
            "Fold the legend"
        })
        .clicked()
    {
        app.ui.legend_collapsed = !folded;
    }
    if folded {
        return;
    }
    if let Some(network) = app.network.as_ref() {
        let body = Rect::from_min_max(strip.min + vec2(0.0, LEGEND_HEADER_H), strip.max);
        legend(&painter, body, &network.scene, app);
    }
}

/// The legend at the top left of `rect` (the docked strip under the canvas): the scene's legend
/// laid out in a box and drawn with the network's own primitives.
fn legend(painter: &egui::Painter, rect: Rect, scene: &Scene, app: &LadingApp) {
    if scene.nodes.is_empty() || scene.legend.is_empty() {
        return;
    }
    let pad = LEGEND_PAD;
    let width = legend_width(rect.width());
    let mut drawing = scene::legend::layout(&scene.legend, &app.style, 12.0, width, false);
    let size = vec2(drawing.size[0] + 2.0 * pad, drawing.size[1] + 2.0 * pad);
    let top_left = pos2(rect.min.x + 10.0, rect.min.y);
    drawing.translate([top_left.x + pad, top_left.y + pad]);
    let frame = Rect::from_min_size(top_left, size);
    painter.rect_filled(frame, CornerRadius::same(4), color(app.style.text_halo));
    painter.rect_stroke(
        frame,
        CornerRadius::same(4),
        Stroke::new(1.0, color(app.style.muted_text).gamma_multiply(0.4)),
        egui::StrokeKind::Inside,
    );
    let mut mesh = egui::epaint::Mesh::default();
    links_mesh(&mut mesh, Vec2::ZERO, &drawing.links);
    nodes_mesh(&mut mesh, Vec2::ZERO, &drawing.nodes);
    painter.add(Shape::Mesh(std::sync::Arc::new(mesh)));
    for t in &drawing.texts {
        let font = if t.bold {
            egui::FontId::new(t.size, egui::FontFamily::Name("bold".into()))
        } else {
            egui::FontId::proportional(t.size)
        };
        // The scene's y is the baseline; egui places text by its top.
        let galley = painter.layout_no_wrap(t.text.clone(), font, color(t.color));
        let ascent = galley
            .rows
            .first()
            .and_then(|r| r.glyphs.first())
            .map_or(t.size * 0.8, |g| g.font_ascent);
        painter.galley(pos2(t.x, t.y - ascent), galley, color(t.color));
    }
}

/// The shown entity under a screen point (relative to the canvas), if any.
fn node_at(view: &View, explorer: &crate::explorer::Explorer, at: Pos2) -> Option<EntityId> {
    let world = view.to_world([at.x, at.y]);
    let reach = 12.0 / view.zoom;
    let mut best: Option<(f32, EntityId)> = None;
    for &id in &explorer.graph().entities {
        if let Some(p) = explorer.positions().get(id) {
            let d = ((p[0] - world[0]).powi(2) + (p[1] - world[1]).powi(2)).sqrt();
            if d <= reach && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, id));
            }
        }
    }
    best.map(|(_, id)| id)
}

/// The trade or ownership link under a screen point, if any.
fn link_at(
    view: &View,
    explorer: &crate::explorer::Explorer,
    at: Pos2,
) -> Option<(EntityId, EntityId, LinkKind)> {
    let mut best: Option<(f32, (EntityId, EntityId, LinkKind))> = None;
    for l in &explorer.graph().links {
        let (Some(a), Some(b)) = (
            explorer.positions().get(l.source),
            explorer.positions().get(l.target),
        ) else {
            continue;
        };
        let (a, b) = (view.to_screen(a), view.to_screen(b));
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len2 = dx * dx + dy * dy;
        if len2 < 1.0 {
            continue;
        }
        let t = (((at.x - a[0]) * dx + (at.y - a[1]) * dy) / len2).clamp(0.0, 1.0);
        let (px, py) = (a[0] + t * dx, a[1] + t * dy);
        let d = ((at.x - px).powi(2) + (at.y - py).powi(2)).sqrt();
        if d < 5.0 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, (l.source, l.target, l.kind)));
        }
    }
    best.map(|(_, l)| l)
}

fn interact(
    app: &mut LadingApp,
    ui: &mut egui::Ui,
    response: &egui::Response,
    rect: Rect,
    hovered: Option<EntityId>,
    hovered_callout: Option<(u32, Vec2)>,
) {
    let drag_id = response.id.with("drag");
    let mut mode: DragMode = ui.ctx().data(|d| d.get_temp(drag_id)).unwrap_or_default();
    let local = |p: Pos2| p - rect.min.to_vec2();
    let shift = ui.input(|i| i.modifiers.shift);

    // Zoom toward the pointer: wheel, pinch, ctrl+wheel.
    if response.hovered() {
        let (scroll, zoom) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
        if let Some(pointer) = response.hover_pos() {
            let at = local(pointer);
            let factor = zoom * (scroll / 400.0).exp();
            if (factor - 1.0).abs() > 1e-4 {
                app.view.zoom_at([at.x, at.y], factor);
                app.auto_fit = false;
            }
        }
    }

    if response.drag_started()
        && let Some(pos) = response.interact_pointer_pos()
    {
        mode = match (hovered, shift) {
            _ if hovered_callout.is_some() => {
                let (id, grab) = hovered_callout.unwrap_or_default();
                if let Some(e) = app.explorer.as_mut() {
                    e.begin_gesture();
                }
                DragMode::Callout(id, grab)
            }
            (Some(id), _) => {
                if let Some(e) = app.explorer.as_mut() {
                    e.begin_gesture();
                }
                DragMode::Node(id)
            }
            (None, true) => DragMode::Box(pos),
            (None, false) => DragMode::Pan,
        };
    }
    if response.dragged() {
        let delta = response.drag_delta();
        match mode {
            DragMode::Pan => {
                app.auto_fit = false;
                app.view.center[0] -= delta.x / app.view.zoom;
                app.view.center[1] -= delta.y / app.view.zoom;
            }
            DragMode::Node(id) => {
                if let (Some(pos), Some(e)) =
                    (response.interact_pointer_pos(), app.explorer.as_mut())
                {
                    let l = local(pos);
                    e.drag_to(id, app.view.to_world([l.x, l.y]));
                }
            }
            DragMode::Callout(id, grab) => {
                if let (Some(pos), Some(e)) =
                    (response.interact_pointer_pos(), app.explorer.as_mut())
                {
                    let l = local(pos) - grab;
                    e.drag_callout_to(id, app.view.to_world([l.x, l.y]));
                }
            }
            DragMode::Box(start) => {
                if let Some(pos) = response.interact_pointer_pos() {
                    let r = Rect::from_two_pos(start, pos);
                    ui.painter().rect(
                        r,
                        CornerRadius::ZERO,
                        color(app.style.selection).gamma_multiply(0.12),
                        Stroke::new(1.0, color(app.style.selection)),
                        egui::StrokeKind::Inside,
                    );
                }
            }
            DragMode::None => {}
        }
    }
    if response.drag_stopped() {
        match mode {
            DragMode::Node(_) | DragMode::Callout(..) => {
                if let Some(e) = app.explorer.as_mut() {
                    e.end_gesture();
                }
            }
            DragMode::Box(start) => {
                if let (Some(end), Some(e)) =
                    (response.interact_pointer_pos(), app.explorer.as_ref())
                {
                    let (a, b) = (local(start), local(end));
                    let (w0, w1) = (app.view.to_world([a.x, a.y]), app.view.to_world([b.x, b.y]));
                    let (x0, x1) = (w0[0].min(w1[0]), w0[0].max(w1[0]));
                    let (y0, y1) = (w0[1].min(w1[1]), w0[1].max(w1[1]));
                    let ids: Vec<EntityId> = e
                        .graph()
                        .entities
                        .iter()
                        .copied()
                        .filter(|&id| {
                            e.positions().get(id).is_some_and(|p| {
                                p[0] >= x0 && p[0] <= x1 && p[1] >= y0 && p[1] <= y1
                            })
                        })
                        .collect();
                    app.send(Command::Select {
                        ids,
                        additive: true,
                    });
                }
            }
            _ => {}
        }
        mode = DragMode::None;
    }
    ui.ctx().data_mut(|d| d.insert_temp(drag_id, mode));

    if response.double_clicked() {
        if let Some((id, _)) = hovered_callout {
            app.edit_callout(id);
        } else if let Some(id) = hovered {
            // A group opens in place; an entity shows its neighbours.
            let group = app
                .explorer
                .as_ref()
                .is_some_and(|e| e.graph().groups.contains_key(&id));
            if group {
                app.send(Command::OpenGroup(id));
            } else {
                app.expand(id);
            }
        }
    } else if response.clicked() && hovered_callout.is_some() {
        // A click on a callout selects nothing; double-click edits it.
    } else if response.clicked() {
        match (hovered, app.ui.path_from) {
            (Some(id), Some(from)) => {
                app.send(Command::FindPath(from, id));
                app.ui.path_from = None;
            }
            (Some(id), None) => app.send(Command::Select {
                ids: vec![id],
                additive: shift,
            }),
            (None, _) => {
                let link = response
                    .interact_pointer_pos()
                    .zip(app.explorer.as_ref())
                    .and_then(|(p, e)| link_at(&app.view, e, local(p)));
                match link {
                    Some((a, b, kind)) => app.send(Command::SelectLink(a, b, kind)),
                    None if !shift => app.send(Command::ClearSelection),
                    None => {}
                }
            }
        }
    }

    if let (Some(id), Some(e)) = (hovered, app.explorer.as_ref())
        && !response.dragged()
    {
        let text = super::inspector::with_provenance(e, id, tooltip_text(e, id));
        response.clone().on_hover_ui_at_pointer(|ui| {
            ui.label(text);
        });
    }

    // The context menu remembers what it was opened on: a callout, an entity, or the
    // background (a world point).
    let menu_id = response.id.with("menu-target");
    if response.secondary_clicked() {
        let at = response
            .interact_pointer_pos()
            .map(|p| {
                let l = local(p);
                app.view.to_world([l.x, l.y])
            })
            .unwrap_or(app.view.center);
        let target = match (hovered_callout, hovered) {
            (Some((id, _)), _) => MenuTarget::Callout(id),
            (None, Some(id)) => MenuTarget::Entity(id),
            (None, None) => MenuTarget::Background(at),
        };
        ui.ctx().data_mut(|d| d.insert_temp(menu_id, target));
    }
    let menu_target: Option<MenuTarget> = ui.ctx().data(|d| d.get_temp(menu_id));
    match menu_target {
        Some(MenuTarget::Entity(id)) => {
            response.context_menu(|ui| context_menu(app, ui, id));
        }
        Some(MenuTarget::Callout(id)) => {
            response.context_menu(|ui| {
                if ui.button("Edit callout…").clicked() {
                    app.edit_callout(id);
                    ui.close();
                }
                if ui.button("Remove callout").clicked() {
                    app.send(Command::RemoveCallout(id));
                    ui.close();
                }
            });
        }
        Some(MenuTarget::Background(at)) => {
            response.context_menu(|ui| {
                if ui.button("Add callout here…").clicked() {
                    app.new_callout(at, None);
                    ui.close();
                }
            });
        }
        None => {}
    }
    if app.ui.path_from.is_some() {
        ui.painter().text(
            rect.center_top() + vec2(0.0, 14.0),
            egui::Align2::CENTER_TOP,
            "Click the entity to find a path to (Esc cancels)",
            egui::FontId::proportional(14.0),
            color(app.style.path),
        );
    }
}

pub(super) fn tooltip_text(e: &crate::explorer::Explorer, id: EntityId) -> String {
    let Some(entity) = e.index().entity(id) else {
        return String::new();
    };
    let (mut shipments, mut value) = (0u64, 0.0);
    for l in e
        .graph()
        .trade_links()
        .filter(|l| l.source == id || l.target == id)
    {
        shipments += u64::from(l.shipments);
        value += l.value_usd;
    }
    let as_of = e.graph().as_of.map(|d| d.human()).unwrap_or_default();
    let listings: Vec<String> = e
        .index()
        .listings_of(id)
        .iter()
        .filter(|s| e.graph().as_of.is_none_or(|d| s.covers(d)))
        .map(|s| {
            format!(
                "{} {} ({})",
                inert(&s.authority),
                inert(&s.program),
                s.listed_on.human()
            )
        })
        .collect();
    let mut text = format!(
        "{}\n{} · {}\n{} shipments in the filter, {}",
        inert(&entity.name),
        entity.kind.label(),
        if entity.country.is_empty() {
            "country unknown".into()
        } else {
            inert(&entity.country)
        },
        shipments,
        super::panels::usd(value)
    );
    if listings.is_empty() {
        text.push_str(&format!("\nNot sanctioned as of {as_of}"));
    } else {
        text.push_str(&format!(
            "\nSanctioned as of {as_of}: {}",
            listings.join("; ")
        ));
    }
    text
}

/// What a context menu was opened on.
#[derive(Clone, Copy, Debug)]
enum MenuTarget {
    Entity(EntityId),
    Callout(u32),
    Background([f32; 2]),
}

fn context_menu(app: &mut LadingApp, ui: &mut egui::Ui, id: EntityId) {
    let Some(e) = app.explorer.as_ref() else {
        return;
    };
    let name = e
        .index()
        .entity(id)
        .map(|x| x.name.clone())
        .unwrap_or_default();
    let key = e
        .index()
        .entity(id)
        .map(|x| x.key.clone())
        .unwrap_or_default();
    let pinned = e.doc().pinned.contains_key(&id);
    let expanded = e.doc().expanded.contains_key(&id);
    let is_group = e.graph().groups.contains_key(&id);
    // An entity of an opened group can fold it back.
    let open_group = e.group_of(id).filter(|g| {
        e.index()
            .entity(*g)
            .is_some_and(|x| e.filter().open_groups.contains(&x.key))
    });
    ui.label(egui::RichText::new(inert(&crate::names::display_name(&name)).into_owned()).strong());
    ui.separator();
    if is_group && ui.button("Open group").clicked() {
        app.send(Command::OpenGroup(id));
        ui.close();
    }
    if let Some(g) = open_group
        && ui.button("Close group").clicked()
    {
        app.send(Command::CloseGroup(g));
        ui.close();
    }
    if ui.button("Expand neighbours").clicked() {
        app.expand(id);
        ui.close();
    }
    if ui
        .add_enabled(expanded, egui::Button::new("Collapse"))
        .clicked()
    {
        app.send(Command::Collapse(id));
        ui.close();
    }
    if ui.button("Hide").clicked() {
        app.send(Command::Hide(vec![id]));
        ui.close();
    }
    ui.horizontal(|ui| {
        if ui.button("Focus").clicked() {
            app.send(Command::Focus(Some((id, app.ui.focus_depth))));
            ui.close();
        }
        ui.add(
            egui::DragValue::new(&mut app.ui.focus_depth)
                .range(1..=6)
                .suffix(" hops"),
        );
    });
    if ui.button(if pinned { "Unpin" } else { "Pin" }).clicked() {
        app.send(if pinned {
            Command::Unpin(id)
        } else {
            Command::Pin(id)
        });
        ui.close();
    }
    if ui.button("Path to…").clicked() {
        app.ui.path_from = Some(id);
        ui.close();
    }
    if ui.button("Select").clicked() {
        app.send(Command::Select {
            ids: vec![id],
            additive: false,
        });
        ui.close();
    }
    ui.separator();
    if ui.button("Note…").clicked() {
        // The note is edited in the inspector.
        app.send(Command::Select {
            ids: vec![id],
            additive: false,
        });
        app.ui.focus_note = true;
        ui.close();
    }
    if ui.button("Add callout…").clicked() {
        let at = app
            .explorer
            .as_ref()
            .and_then(|e| e.positions().get(id))
            .map_or(app.view.center, |p| {
                [p[0] + 40.0 / app.view.zoom, p[1] - 60.0 / app.view.zoom]
            });
        app.new_callout(at, Some(key.clone()));
        ui.close();
    }
    highlight_menu(app, ui, Target::Entity(key));
}

/// "Highlight" with the colours and "No highlight", for an entity or a link.
pub fn highlight_menu(app: &mut LadingApp, ui: &mut egui::Ui, target: Target) {
    let current = app
        .explorer
        .as_ref()
        .and_then(|e| e.doc().annotations.highlights.get(&target).copied());
    ui.menu_button("Highlight", |ui| {
        for (name, c) in crate::annotation::HIGHLIGHT_COLOURS {
            let text = egui::RichText::new(format!("● {name}")).color(color(c));
            if ui.selectable_label(current == Some(c), text).clicked() {
                app.send(Command::SetHighlight(target.clone(), Some(c)));
                ui.close();
            }
        }
        if ui
            .add_enabled(current.is_some(), egui::Button::new("No highlight"))
            .clicked()
        {
            app.send(Command::SetHighlight(target.clone(), None));
            ui.close();
        }
    });
}

/// A callout being written or edited (the callout dialog's state).
#[derive(Clone, Debug, PartialEq)]
pub struct CalloutDraft {
    /// `None`: a new callout.
    pub id: Option<u32>,
    pub callout: Callout,
}

/// The callout dialog: a multi-line text field, OK and Cancel.
pub fn callout_window(app: &mut LadingApp, ctx: &egui::Context) {
    let Some(draft) = app.ui.callout_draft.as_mut() else {
        return;
    };
    let (mut ok, mut cancel) = (false, false);
    egui::Modal::new(egui::Id::unique("callout-dialog")).show(ctx, |ui| {
        ui.set_min_width(420.0);
        ui.heading(if draft.id.is_some() {
            "Edit callout"
        } else {
            "New callout"
        });
        let label = ui.label("Callout text");
        let edit = ui
            .add(
                egui::TextEdit::multiline(&mut draft.callout.text)
                    .desired_rows(4)
                    .desired_width(400.0),
            )
            .labelled_by(label.id);
        if !edit.has_focus() && draft.callout.text.is_empty() {
            edit.request_focus();
        }
        ui.horizontal(|ui| {
            ok = ui.button("OK").clicked();
            cancel = ui.button("Cancel").clicked();
        });
    });
    if ok {
        let draft = app.ui.callout_draft.take();
        if let Some(CalloutDraft { id, callout }) = draft {
            match id {
                Some(id) if callout.text.trim().is_empty() => {
                    app.send(Command::RemoveCallout(id));
                }
                Some(id) => app.send(Command::EditCallout(id, callout.text)),
                None if callout.text.trim().is_empty() => {}
                None => app.send(Command::AddCallout(callout)),
            }
        }
    } else if cancel {
        app.ui.callout_draft = None;
    }
}
