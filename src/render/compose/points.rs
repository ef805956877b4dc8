//! Point layers: their markers, then their labels (the property the catalogue names), placed
//! by priority beside the markers.

use super::layout::{HALO, INK, Layout};
use crate::layer::{Feature, Layer, plan_layer};
use crate::render::draw::{self, Symbol, Tier};
use crate::render::labels::{Placer, text_items};
use crate::render::scene::{Group, PxRect};
use crate::render::text::{TextStyle, Weight};
use crate::render::view::View;

/// A label waiting for its place: priority (lowest first), text, style, the marker's centre
/// and radius (pixels).
struct Candidate {
    priority: u8,
    text: String,
    style: TextStyle,
    at: (f32, f32),
    radius: f32,
}

/// The markers of every point layer (all placed first, so that labels avoid every marker),
/// then their labels in priority order: protected assets, other assets, airfields in use,
/// patrol stations, unused airfields, other layers. Returns the markers, the labels and the
/// labels that found no place.
pub(super) fn markers_and_labels(
    view: &View,
    layout: &Layout,
    drawn: &[&Layer],
    placer: &mut Placer,
) -> (Group, Group, Vec<String>) {
    let pen = layout.pen;
    let mut symbols = Vec::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    for l in drawn.iter().filter(|l| draw::tier(l) == Tier::Point) {
        let r = draw::marker_radius(l, pen);
        for (f, px) in draw::visible_points(view, l) {
            let sym = draw::symbol(l, f);
            symbols.extend(draw::symbol_items(sym, px, r, pen));
            placer.block(PxRect::new(px.0 - r, px.1 - r, px.0 + r, px.1 + r));
            if let Some(text) = label_field(l).and_then(|k| f.str_prop(k)) {
                let (priority, style) = label_look(layout, l, f, sym);
                candidates.push(Candidate {
                    priority,
                    text: text.to_string(),
                    style,
                    at: px,
                    radius: r,
                });
            }
        }
    }
    let (labels, dropped) = place_labels(layout, candidates, placer);
    let symbols = Group {
        id: "symbols".into(),
        items: symbols,
    };
    (symbols, labels, dropped)
}

/// The property that labels a layer's points: the catalogue's for a plan layer, else `name`.
fn label_field(layer: &Layer) -> Option<&'static str> {
    match plan_layer(&layer.name) {
        Some(p) => p.label,
        None => Some("name"),
    }
}

/// Priority and type of a point's label: protected assets first and in bold.
fn label_look(layout: &Layout, layer: &Layer, f: &Feature, sym: Symbol) -> (u8, TextStyle) {
    let pen = layout.pen;
    let protect = f.properties.get("protect").and_then(|v| v.as_bool()) == Some(true);
    match layer.name.as_str() {
        "assets" if protect => (0, TextStyle::new(pen.font(19.0), Weight::Bold)),
        "assets" => (1, TextStyle::new(pen.font(19.0), Weight::Regular)),
        "airfields" => (
            if sym.hollow { 4 } else { 2 },
            TextStyle::new(pen.font(15.0), Weight::Bold),
        ),
        "cap_stations" => (3, TextStyle::new(pen.font(14.0), Weight::Regular)),
        _ => (5, TextStyle::new(pen.font(15.0), Weight::Regular)),
    }
}

/// Places the labels beside their markers by priority (a stable sort: input order within a
/// priority); returns them and those left out.
fn place_labels(
    layout: &Layout,
    mut candidates: Vec<Candidate>,
    placer: &mut Placer,
) -> (Group, Vec<String>) {
    candidates.sort_by_key(|c| c.priority);
    let mut items = Vec::new();
    let mut dropped = Vec::new();
    let halo = Some((HALO, layout.pen.px(4.0)));
    for c in candidates {
        match placer.place_beside(&c.text, &c.style, c.at, c.radius) {
            Some(at) => items.extend(text_items(&c.text, &c.style, at, INK, halo)),
            None => dropped.push(c.text),
        }
    }
    let labels = Group {
        id: "labels".into(),
        items,
    };
    (labels, dropped)
}
