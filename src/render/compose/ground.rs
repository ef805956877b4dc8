//! The ground force on the map: the reaction areas drawn as dashed rings in the colour of
//! their reaction time (the front sectors take the same colours), the rings' hour labels, and
//! the legend lines that say what the colours mean.
//!
//! A reaction area is clipped to the controlled territory, so much of its outline runs along
//! the line of contact, the border or the coast, which the map already draws: only the part of
//! the outline inside the territory (the ring proper) is drawn.

use super::layout::{HALO, Layout};
use crate::layer::Layer;
use crate::render::draw::{LegendEntry, Pen, Swatch};
use crate::render::labels::{Placer, text_items};
use crate::render::scene::{Group, Item, Path};
use crate::render::text::{self, TextStyle, Weight};
use crate::render::view::View;
use crate::style::{Rgba, Style, feature_stroke, reaction_colour, reaction_property, style_for};
use geo::{Coord, LineString, MultiLineString};
use std::collections::HashMap;

/// How close to the territory's edge (pixels at 2048 px) an outline counts as running along it.
const EDGE_PX: f32 = 2.5;

/// Outline pieces of a frame-pixel polyline set, indexed in square cells for nearest-distance
/// queries.
struct EdgeIndex {
    cell: f32,
    segments: Vec<((f32, f32), (f32, f32))>,
    cells: HashMap<(i32, i32), Vec<usize>>,
}

impl EdgeIndex {
    /// Indexes the segments of `lines` in cells of `cell` px, only over the frame `width` ×
    /// `height` (and one cell around it): a segment's cells are those of its bounding box, and
    /// zoomed far in (`--bbox` of 1 km) one edge of the territory spans millions of pixels —
    /// indexing all of them took a minute and 4.6 GB. Points off the frame are never drawn.
    fn new(lines: &[Vec<(f32, f32)>], cell: f32, width: f32, height: f32) -> EdgeIndex {
        let mut index = EdgeIndex {
            cell,
            segments: Vec::new(),
            cells: HashMap::new(),
        };
        let (fx1, fy1) = index.key(width, height);
        let clamp = |c: i32, hi: i32| c.clamp(-2, hi + 2);
        for l in lines {
            for w in l.windows(2) {
                let i = index.segments.len();
                index.segments.push((w[0], w[1]));
                let (cx0, cy0) = index.key(w[0].0.min(w[1].0), w[0].1.min(w[1].1));
                let (cx1, cy1) = index.key(w[0].0.max(w[1].0), w[0].1.max(w[1].1));
                let (cx0, cx1) = (clamp(cx0, fx1), clamp(cx1, fx1));
                let (cy0, cy1) = (clamp(cy0, fy1), clamp(cy1, fy1));
                for cx in cx0..=cx1 {
                    for cy in cy0..=cy1 {
                        index.cells.entry((cx, cy)).or_default().push(i);
                    }
                }
            }
        }
        index
    }

    fn key(&self, x: f32, y: f32) -> (i32, i32) {
        (
            (x / self.cell).floor() as i32,
            (y / self.cell).floor() as i32,
        )
    }

    /// Whether `p` lies within one cell of an indexed segment.
    fn near(&self, p: (f32, f32)) -> bool {
        let (cx, cy) = self.key(p.0, p.1);
        (cx - 1..=cx + 1)
            .flat_map(|x| (cy - 1..=cy + 1).map(move |y| (x, y)))
            .filter_map(|k| self.cells.get(&k))
            .flatten()
            .any(|&i| {
                let (a, b) = self.segments[i];
                segment_distance(p, a, b) <= self.cell
            })
    }
}

/// Distance from `p` to the segment `a`–`b`, pixels.
fn segment_distance(p: (f32, f32), a: (f32, f32), b: (f32, f32)) -> f32 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p.0 - a.0 - t * dx).hypot(p.1 - a.1 - t * dy)
}

/// The outline of the territory a layer's areas are clipped to (the `controlled` layer), in
/// frame pixels.
fn edge_index(view: &View, pen: Pen, edge: Option<&Layer>) -> EdgeIndex {
    let mut lines = Vec::new();
    for f in edge.map(|l| l.features.as_slice()).unwrap_or_default() {
        let mut areas = Vec::new();
        crate::render::draw::areas_of(&f.geometry, &mut areas);
        for p in areas.iter().flat_map(|m| &m.0) {
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                lines.push(view.line_px(ring));
            }
        }
    }
    EdgeIndex::new(&lines, pen.px(EDGE_PX).max(1.5), view.width, view.height)
}

/// The pieces of a lon/lat ring whose edges do not run along the territory's edge.
fn ring_pieces(view: &View, ring: &LineString, edge: &EdgeIndex) -> Vec<LineString> {
    let mut pieces = Vec::new();
    let mut run: Vec<Coord> = Vec::new();
    let px = |c: &Coord| view.px(c.x, c.y);
    for w in ring.0.windows(2) {
        let keep = match (px(&w[0]), px(&w[1])) {
            (Some(a), Some(b)) => {
                let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
                !(edge.near(a) && edge.near(b) && edge.near(mid))
            }
            _ => false,
        };
        if keep {
            if run.is_empty() {
                run.push(w[0]);
            }
            run.push(w[1]);
        } else if run.len() >= 2 {
            pieces.push(LineString::new(std::mem::take(&mut run)));
        } else {
            run.clear();
        }
    }
    if run.len() >= 2 {
        pieces.push(LineString::new(run));
    }
    pieces
}

/// One drawn ring: its label and the frame pixels where the label may go.
pub(super) struct RingLabel {
    text: String,
    colour: Rgba,
    spots: Vec<(f32, f32)>,
}

/// The reaction areas as dashed rings, each in its reaction time's colour, without the parts
/// along the edge of `edge` (the controlled territory); and where each ring's label may go.
pub(super) fn reaction_rings(
    view: &View,
    pen: Pen,
    layer: &Layer,
    edge: Option<&Layer>,
) -> (Group, Vec<RingLabel>) {
    let style = style_for(&layer.name);
    let w = pen.mm(style.stroke_mm).max(0.8);
    let dash = (w * 4.0 + pen.px(3.0), w * 2.5 + pen.px(2.5));
    let edge = edge_index(view, pen, edge);
    let mut items = Vec::new();
    let mut labels = Vec::new();
    for f in &layer.features {
        let (colour, _) = feature_stroke(layer, f)
            .unwrap_or((style.stroke.unwrap_or(Rgba(90, 90, 90, 255)), String::new()));
        let mut areas = Vec::new();
        crate::render::draw::areas_of(&f.geometry, &mut areas);
        let pieces: Vec<LineString> = areas
            .iter()
            .flat_map(|m| &m.0)
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .flat_map(|r| ring_pieces(view, r, &edge))
            .collect();
        let path: Path = view.lines_path(&MultiLineString::new(pieces.clone()).into());
        if path.is_empty() {
            continue;
        }
        items.push(Item::stroked(path, colour, w, Some(dash)));
        let hours = reaction_property(&layer.name)
            .and_then(|k| f.properties.get(k))
            .and_then(|v| v.as_f64());
        if let Some(h) = hours {
            labels.push(RingLabel {
                text: format!("{h} h"),
                colour,
                spots: label_spots(view, &pieces),
            });
        }
    }
    (
        Group {
            id: layer.name.clone(),
            items,
        },
        labels,
    )
}

/// Points along the longest visible pieces of a ring, about every 40 vertices, in frame pixels
/// (well inside the frame).
fn label_spots(view: &View, pieces: &[LineString]) -> Vec<(f32, f32)> {
    let mut by_length: Vec<&LineString> = pieces.iter().collect();
    by_length.sort_by_key(|l| std::cmp::Reverse(l.0.len()));
    by_length
        .iter()
        .flat_map(|l| {
            let n = l.0.len();
            (0..8).map(move |k| l.0[(n / 2 + k * n / 8) % n])
        })
        .filter_map(|c| view.px(c.x, c.y))
        .filter(|p| view.inside(*p, 40.0))
        .collect()
}

/// Places each ring's hour on the ring, centred on the first free spot, in the ring's colour
/// with a halo; rings whose label finds no room go unlabelled (the legend gives the colours).
pub(super) fn ring_labels(layout: &Layout, rings: &[RingLabel], placer: &mut Placer) -> Group {
    let style = TextStyle::new(layout.pen.font(16.0), Weight::Bold);
    let halo = Some((HALO, layout.pen.px(4.0)));
    let mut items = Vec::new();
    for r in rings {
        let w = text::width(&r.text, &style);
        let at: Vec<(f32, f32)> = r
            .spots
            .iter()
            .map(|&(x, y)| (x - w / 2.0, y + style.cap_height() / 2.0))
            .collect();
        if let Some(at) = placer.take_first(&r.text, &style, &at) {
            items.extend(text_items(&r.text, &style, at, darker(r.colour), halo));
        }
    }
    Group {
        id: "reaction_labels".into(),
        items,
    }
}

/// A colour darkened for text (light amber does not read on a white halo).
fn darker(c: Rgba) -> Rgba {
    let k = |v: u8| (f32::from(v) * 0.8) as u8;
    Rgba(k(c.0), k(c.1), k(c.2), 255)
}

/// Whether the map's legend describes `layer` as a reaction-time class rather than by its
/// own line.
pub(super) fn coloured_by_reaction(layer: &Layer) -> bool {
    reaction_property(&layer.name).is_some()
}

/// The legend lines of the layers coloured by reaction time (the front sectors and the
/// reaction areas), given once, fastest first: each time's colour as a sector's solid line
/// beside an area's dashed edge, then the sectors no time reaches.
///
/// `layers` are the drawn ones; the lines come where the first of them is drawn.
pub(super) fn legend_entries(layers: &[&Layer]) -> Vec<LegendEntry> {
    let mut hours: Vec<f64> = Vec::new();
    let mut unreached = false;
    let mut sectors = None;
    let mut areas = None;
    for l in layers.iter().filter(|l| coloured_by_reaction(l)) {
        let key = reaction_property(&l.name).expect("coloured by reaction");
        for f in &l.features {
            match f.properties.get(key).and_then(|v| v.as_f64()) {
                Some(h) => hours.push(h),
                None => unreached = true,
            }
        }
        match l.name.as_str() {
            "front_sectors" => sectors = Some(*l),
            _ => areas = Some(*l),
        }
    }
    hours.sort_by(f64::total_cmp);
    hours.dedup();
    let what = match (sectors.is_some(), areas.is_some()) {
        (true, true) => "front sector; dashed: its area",
        (true, false) => "front sector",
        _ => "edge of the area",
    };
    let mut out: Vec<LegendEntry> = hours
        .iter()
        .map(|h| LegendEntry {
            swatch: Swatch::Reaction {
                colour: reaction_colour(Some(*h)),
                solid: sectors.is_some(),
                dashed: areas.is_some(),
            },
            label: format!("Reached within {h} h ({what})"),
        })
        .collect();
    if unreached && let Some(s) = sectors {
        out.push(LegendEntry {
            swatch: Swatch::Line(Style {
                stroke: Some(reaction_colour(None)),
                ..style_for(&s.name)
            }),
            label: "Front sector beyond every reaction time".into(),
        });
    }
    out
}
