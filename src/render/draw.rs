//! Thematic layers as scene items, styled from [`crate::style`] — the same table the
//! GeoPackage and KML writers use — and the legend entries that describe them.

use super::scene::{Fill, FillRule, Group, Item, Path, Seg};
use super::view::View;
use crate::layer::{Feature, Figure, Layer, plan_layer};
use crate::style::{Marker, Rgba, Style, asset_status_colour, feature_stroke, style_for};
use geo::{Geometry, MultiPolygon, Point};

/// Sizes at the map's scale: `k` multiplies every line width, marker and font (√(size/2048), so
/// a 1024 px map keeps 71 % of the 2048 px sizes and stays legible).
#[derive(Debug, Clone, Copy)]
pub struct Pen {
    pub k: f32,
}

impl Pen {
    /// Millimetres of the style table (QGIS units) to pixels: 3.3 px/mm at 2048 px (a 2048 px
    /// map printed 62 cm wide). Country borders (0.3 mm) then come out just under a pixel,
    /// which tiny-skia draws as anti-aliased hairlines, five times faster than thick strokes.
    pub fn mm(&self, mm: f64) -> f32 {
        (mm * 3.3) as f32 * self.k
    }
    /// Pixels at 2048 px to pixels at this size.
    pub fn px(&self, v: f32) -> f32 {
        v * self.k
    }
    /// A font size (em, pixels at 2048 px) at this size, never below 11 px so that small maps
    /// keep readable labels.
    pub fn font(&self, v: f32) -> f32 {
        (v * self.k).max(v.min(11.0))
    }
}

/// Where a layer goes in the stack: area fills, then lines and outlines, then point symbols.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    Area,
    Line,
    Point,
}

/// The tier of a layer: a plan layer's from its style, another layer's from its first
/// geometry.
pub fn tier(layer: &Layer) -> Tier {
    if plan_layer(&layer.name).is_some() {
        return style_tier(&style_for(&layer.name));
    }
    match layer.features.first().map(|f| &f.geometry) {
        Some(Geometry::Point(_) | Geometry::MultiPoint(_)) => Tier::Point,
        Some(Geometry::LineString(_) | Geometry::MultiLineString(_) | Geometry::Line(_)) => {
            Tier::Line
        }
        _ => Tier::Area,
    }
}

/// Markers are points, filled styles areas, the rest lines (polygons drawn as outlines, such
/// as the reach circles, go with the lines).
fn style_tier(style: &Style) -> Tier {
    if style.marker != Marker::None {
        Tier::Point
    } else if style.fill.is_some() {
        Tier::Area
    } else {
        Tier::Line
    }
}

/// Layers sorted for drawing: by tier, then the catalogue's draw rank (other layers after the
/// plan's), then input order. Layers without a single coordinate (an empty gap) are left out,
/// and so stay out of the legend.
pub fn drawing_order(layers: &[Layer]) -> Vec<&Layer> {
    let mut v: Vec<(Tier, u16, usize, &Layer)> = layers
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            super::view::geometry_box(l.features.iter().map(|f| &f.geometry)).is_some()
        })
        .map(|(i, l)| (tier(l), draw_rank(l), i, l))
        .collect();
    v.sort_by_key(|(t, r, i, _)| (*t, *r, *i));
    v.into_iter().map(|(.., l)| l).collect()
}

/// The catalogue's draw rank of a plan layer; other layers rank above every plan layer.
fn draw_rank(layer: &Layer) -> u16 {
    plan_layer(&layer.name).map_or(u16::from(u8::MAX) + 1, |p| u16::from(p.draw_rank))
}

/// The style of a layer, with a visible default for layers the table does not know.
pub fn layer_style(layer: &Layer) -> Style {
    style_for(&layer.name)
}

/// The polygons of a geometry, appended to `out`.
pub fn areas_of(g: &Geometry, out: &mut Vec<MultiPolygon>) {
    match g {
        Geometry::Polygon(p) => out.push(MultiPolygon::new(vec![p.clone()])),
        Geometry::MultiPolygon(m) => out.push(m.clone()),
        Geometry::Rect(r) => out.push(MultiPolygon::new(vec![r.to_polygon()])),
        Geometry::GeometryCollection(c) => c.0.iter().for_each(|g| areas_of(g, out)),
        _ => {}
    }
}

fn points_of(g: &Geometry, out: &mut Vec<Point>) {
    match g {
        Geometry::Point(p) => out.push(*p),
        Geometry::MultiPoint(m) => out.extend(m.0.iter().copied()),
        Geometry::GeometryCollection(c) => c.0.iter().for_each(|g| points_of(g, out)),
        _ => {}
    }
}

/// All polygon rings of some features as one path.
pub fn features_area_path(view: &View, features: &[Feature]) -> Path {
    let mut path = Path::default();
    for f in features {
        let mut areas = Vec::new();
        areas_of(&f.geometry, &mut areas);
        for a in &areas {
            path.append(view.area_path(a));
        }
    }
    path
}

/// Colour, width (pixels) and dash of a style's outline.
type StrokeSpec = (Rgba, f32, Option<(f32, f32)>);

fn stroke_of(style: &Style, pen: Pen) -> Option<StrokeSpec> {
    let c = style.stroke?;
    if c.3 == 0 || style.stroke_mm <= 0.0 {
        return None;
    }
    let w = pen.mm(style.stroke_mm).max(0.5);
    let dash = style
        .dashed
        .then(|| (w * 4.0 + pen.px(3.0), w * 2.5 + pen.px(2.5)));
    Some((c, w, dash))
}

/// Hatching of the style table's hatched layers, in pixels.
pub fn hatch(colour: Rgba, pen: Pen) -> Fill {
    Fill::Hatch {
        colour,
        spacing: pen.px(11.0),
        width: pen.px(1.8),
    }
}

/// The fills and lines of one layer (point symbols are drawn apart, see [`symbol_items`]).
/// Fills use the even-odd rule, right for valid polygons whatever their ring orientation.
pub fn layer_items(view: &View, pen: Pen, layer: &Layer) -> Group {
    let style = layer_style(layer);
    let mut items = Vec::new();
    let area = features_area_path(view, &layer.features);
    if !area.is_empty() {
        if let Some(fill) = style.fill.filter(|c| c.3 > 0) {
            items.push(Item {
                fill: Some(if style.hatched {
                    hatch(fill, pen)
                } else {
                    Fill::Solid(fill)
                }),
                fill_rule: FillRule::EvenOdd,
                ..Item::filled(area.clone(), fill)
            });
        }
        if let Some((c, w, dash)) = stroke_of(&style, pen) {
            items.push(Item::stroked(area, c, w, dash));
        }
    }
    let (c, w, dash) = stroke_of(&style, pen).unwrap_or((
        style.fill.unwrap_or(Rgba(90, 90, 90, 255)),
        pen.mm(0.4),
        None,
    ));
    // one path per stroke colour (the layer's, or each feature's where the style table says)
    let mut lines: Vec<(Rgba, Path)> = Vec::new();
    for f in &layer.features {
        if matches!(
            f.geometry,
            Geometry::LineString(_) | Geometry::MultiLineString(_) | Geometry::Line(_)
        ) {
            let colour = feature_stroke(layer, f).map_or(c, |(colour, _)| colour);
            let at = match lines.iter().position(|(k, _)| *k == colour) {
                Some(i) => i,
                None => {
                    lines.push((colour, Path::default()));
                    lines.len() - 1
                }
            };
            lines[at].1.append(view.lines_path(&f.geometry));
        }
    }
    for (colour, path) in lines.into_iter().filter(|(_, p)| !p.is_empty()) {
        items.push(Item::stroked(path, colour, w, dash));
    }
    Group {
        id: layer.name.clone(),
        items,
    }
}

/// A point symbol of one feature: its marker, fill and whether it is hollow (airfields not used
/// by the plan).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Symbol {
    pub marker: Marker,
    pub fill: Rgba,
    pub hollow: bool,
}

/// The symbol a point feature of `layer` is drawn with.
pub fn symbol(layer: &Layer, f: &Feature) -> Symbol {
    let style = layer_style(layer);
    let marker = match style.marker {
        Marker::None => Marker::Circle,
        m => m,
    };
    let fill = match f.str_prop("status") {
        Some(status) if layer.name == "assets" => asset_status_colour(status),
        _ => style.fill.or(style.stroke).unwrap_or(Rgba(60, 60, 60, 255)),
    };
    let hollow = f.properties.get("used").and_then(|v| v.as_bool()) == Some(false);
    Symbol {
        marker,
        fill,
        hollow,
    }
}

/// Marker radius of a layer, pixels.
pub fn marker_radius(layer: &Layer, pen: Pen) -> f32 {
    let mm = match layer_style(layer).marker_mm {
        m if m > 0.0 => m,
        _ => 2.4,
    };
    pen.mm(mm) / 2.0 + pen.px(1.5)
}

/// The path of a marker centred at (`x`, `y`) with "radius" `r`.
pub fn marker_path(marker: Marker, x: f32, y: f32, r: f32) -> Path {
    match marker {
        Marker::Triangle => Path::polyline(
            &[
                (x, y - r * 1.15),
                (x + r, y + r * 0.6),
                (x - r, y + r * 0.6),
            ],
            true,
        ),
        Marker::Square => Path::polyline(
            &[
                (x - r * 0.85, y - r * 0.85),
                (x + r * 0.85, y - r * 0.85),
                (x + r * 0.85, y + r * 0.85),
                (x - r * 0.85, y + r * 0.85),
            ],
            true,
        ),
        Marker::Diamond => Path::polyline(
            &[(x, y - r * 1.2), (x + r, y), (x, y + r * 1.2), (x - r, y)],
            true,
        ),
        Marker::Circle | Marker::None => circle(x, y, r),
    }
}

/// A circle from four cubic arcs (error 0.03 % of r).
pub fn circle(x: f32, y: f32, r: f32) -> Path {
    let c = r * 0.552_284_8;
    Path(vec![
        Seg::Move(x + r, y),
        Seg::Cubic(x + r, y + c, x + c, y + r, x, y + r),
        Seg::Cubic(x - c, y + r, x - r, y + c, x - r, y),
        Seg::Cubic(x - r, y - c, x - c, y - r, x, y - r),
        Seg::Cubic(x + c, y - r, x + r, y - c, x + r, y),
        Seg::Close,
    ])
}

/// The items of a symbol.
pub fn symbol_items(sym: Symbol, (x, y): (f32, f32), r: f32, pen: Pen) -> Vec<Item> {
    let path = marker_path(sym.marker, x, y, r);
    let fill = if sym.hollow {
        Rgba(255, 255, 255, 255)
    } else {
        sym.fill
    };
    let outline = if sym.hollow {
        sym.fill
    } else {
        Rgba(30, 30, 30, 255)
    };
    vec![Item {
        stroke: Some(super::scene::Stroke {
            colour: outline,
            width: pen.px(1.3),
            dash: None,
        }),
        ..Item::filled(path, fill)
    }]
}

/// A point of the layer's features with its frame pixel, for features inside the frame.
pub fn visible_points<'a>(view: &View, layer: &'a Layer) -> Vec<(&'a Feature, (f32, f32))> {
    let mut out = Vec::new();
    for f in &layer.features {
        let mut pts = Vec::new();
        points_of(&f.geometry, &mut pts);
        for p in pts {
            if let Some(px) = view.px(p.x(), p.y())
                && view.inside(px, 0.0)
            {
                out.push((f, px));
            }
        }
    }
    out
}

/// What a legend line shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Swatch {
    /// A filled box (hatched or flat) with its outline.
    Area(Style),
    /// A line sample.
    Line(Style),
    Symbol(Symbol),
    /// A reaction time's colour: a front sector's solid line (`solid`) beside a reaction
    /// area's dashed edge (`dashed`).
    Reaction {
        colour: Rgba,
        solid: bool,
        dashed: bool,
    },
}

/// One legend line.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub swatch: Swatch,
    pub label: String,
}

/// Legend entries of a drawn layer: one per layer, but one per status for assets and
/// in-use/unused for airfields.
pub fn legend_entries(layer: &Layer) -> Vec<LegendEntry> {
    let style = layer_style(layer);
    let title = legend_title(layer);
    match tier(layer) {
        Tier::Point => {
            let mut seen: Vec<(Symbol, String)> = Vec::new();
            for f in &layer.features {
                let sym = symbol(layer, f);
                let label = if layer.name == "assets" {
                    match f.str_prop("status") {
                        Some("protected") => "Asset in the zone".to_string(),
                        Some("occupied") => "Asset in occupied territory".to_string(),
                        Some("marginal") => {
                            "Asset at the zone's edge (margin < data accuracy)".to_string()
                        }
                        Some(_) => "Asset outside the zone".to_string(),
                        None => title.clone(),
                    }
                } else if sym.hollow {
                    format!("{title} (not used by the plan)")
                } else {
                    title.clone()
                };
                if !seen.iter().any(|(s, l)| *s == sym && *l == label) {
                    seen.push((sym, label));
                }
            }
            seen.into_iter()
                .map(|(s, label)| LegendEntry {
                    swatch: Swatch::Symbol(s),
                    label,
                })
                .collect()
        }
        Tier::Area => vec![LegendEntry {
            swatch: Swatch::Area(style),
            label: title,
        }],
        // the layers coloured by reaction time get their classes from the map's legend
        Tier::Line => vec![LegendEntry {
            swatch: Swatch::Line(style),
            label: title,
        }],
    }
}

/// The legend text of a layer: its title and, for the plan's main layers, the figure that
/// matters (area, width, distance), as the catalogue says.
fn legend_title(layer: &Layer) -> String {
    let t = layer.title.clone();
    let Some(figure) = plan_layer(&layer.name).and_then(|p| p.figure) else {
        return t;
    };
    let value = figure.property().and_then(|k| {
        layer
            .features
            .first()
            .and_then(|f| f.properties.get(k))
            .and_then(|v| v.as_f64())
    });
    match (figure, value) {
        (Figure::Count, _) => format!("{t} ({})", layer.features.len()),
        (Figure::AreaKm2, Some(a)) => format!("{t}, {} km²", super::thousands(a)),
        (Figure::WidthKm, Some(w)) => format!("{t}, {w:.1} km wide"),
        (Figure::WithinKm, Some(d)) => format!("{t}, within {d:.0} km of the threat"),
        (Figure::RadiusKm, Some(r)) => format!("{t}, {r:.0} km radius"),
        (_, None) => t,
    }
}
