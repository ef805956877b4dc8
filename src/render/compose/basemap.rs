//! The base map under and around the layers: land, country and oblast borders, the graticule
//! with its degree labels, country names, and their legend lines.

use super::layout::{GREY, HALO, Layout};
use crate::data::{Datasets, Region};
use crate::render::draw::{LegendEntry, Pen, Swatch};
use crate::render::graticule::Graticule;
use crate::render::labels::{Placer, text_items};
use crate::render::scene::{FillRule, Group, Item, Path};
use crate::render::text::{self, TextStyle, Weight};
use crate::render::view::{View, clip_ring};
use crate::style::{Rgba, Style, style_for};
use geo::{Contains, InteriorPoint, MultiPolygon};

/// Ukraine (1991 borders) and every shipped country.
pub(super) fn countries(d: &Datasets) -> Vec<Region> {
    let mut v = vec![Region {
        code: "UA".into(),
        name_en: "Ukraine".into(),
        name_uk: None,
        borders_ukraine: false,
        geometry: d.ukraine_1991.clone(),
    }];
    v.extend(d.neighbours.iter().cloned());
    v.extend(d.context.iter().cloned());
    v
}

/// Every country filled as land (the sea is the frame's background).
pub(super) fn land(view: &View, countries: &[Region]) -> Group {
    let style = style_for("countries");
    let mut path = Path::default();
    for c in countries {
        path.append(view.area_path(&c.geometry));
    }
    Group {
        id: "land".into(),
        items: vec![Item {
            fill_rule: FillRule::NonZero,
            ..Item::filled(path, style.fill.expect("countries are filled"))
        }],
    }
}

/// Oblast, country and Ukraine borders, in that order (the strongest on top).
pub(super) fn borders(view: &View, pen: Pen, d: &Datasets, countries: &[Region]) -> Vec<Group> {
    let mut oblasts = Path::default();
    for o in &d.oblasts {
        oblasts.append(view.area_path(&o.geometry));
    }
    let mut others = Path::default();
    for c in countries.iter().skip(1) {
        others.append(view.area_path(&c.geometry));
    }
    let line = |id: &str, path: Path| {
        let s = style_for(id);
        Group {
            id: id.into(),
            items: vec![Item::stroked(
                path,
                s.stroke.expect("border styles stroke"),
                pen.mm(s.stroke_mm).max(0.5),
                None,
            )],
        }
    };
    vec![
        line("oblasts", oblasts),
        line("countries", others),
        line("ukraine_1991", view.area_path(&d.ukraine_1991)),
    ]
}

/// The legend lines of the borders.
pub(super) fn legend() -> Vec<LegendEntry> {
    let line = |style: Style, label: &str| LegendEntry {
        swatch: Swatch::Line(style),
        label: label.into(),
    };
    vec![
        line(style_for("ukraine_1991"), "Ukraine, 1991 borders"),
        line(style_for("countries"), "Country border"),
        line(style_for("oblasts"), "Oblast border"),
    ]
}

/// The meridians and parallels.
pub(super) fn graticule_lines(grid: &Graticule, pen: Pen) -> Group {
    Group {
        id: "graticule".into(),
        items: vec![Item::stroked(
            grid.path.clone(),
            Rgba(70, 100, 130, 110),
            pen.px(0.9),
            None,
        )],
    }
}

/// Degree labels along the frame's bottom and left edges, where `placer` has room.
pub(super) fn graticule_labels(
    view: &View,
    layout: &Layout,
    grid: &Graticule,
    placer: &mut Placer,
) -> Group {
    let style = layout.small;
    let mut items = Vec::new();
    let inset = layout.pen.px(6.0).max(4.0);
    let halo = Some((HALO, layout.pen.px(3.5)));
    for l in &grid.bottom {
        let w = text::width(&l.text, &style);
        let at = (l.at - w / 2.0, view.height - inset - style.descent());
        if placer.take_first(&l.text, &style, &[at]).is_some() {
            items.extend(text_items(&l.text, &style, at, GREY, halo));
        }
    }
    for l in &grid.left {
        let at = (inset, l.at + style.cap_height() / 2.0);
        if placer.take_first(&l.text, &style, &[at]).is_some() {
            items.extend(text_items(&l.text, &style, at, GREY, halo));
        }
    }
    Group {
        id: "graticule_labels".into(),
        items,
    }
}

/// Country names in capitals at a point inside the largest visible part of each country, when
/// the name fits inside it; larger countries first. Returns the names that fitted but found
/// no free place.
pub(super) fn country_labels(
    view: &View,
    layout: &Layout,
    countries: &[Region],
    placer: &mut Placer,
) -> (Group, Vec<String>) {
    let pen = layout.pen;
    // smaller countries (Moldova) get the smaller size when the larger does not fit
    let sizes = [22.0, 15.0].map(|size| {
        let mut style = TextStyle::new(pen.font(size), Weight::Bold);
        style.tracking = pen.px(size / 7.0);
        style
    });
    let mut items = Vec::new();
    let mut dropped = Vec::new();
    let colour = Rgba(110, 105, 95, 255);
    for (c, poly) in largest_visible_parts(view, countries) {
        let name = c.name_en.to_uppercase();
        let Some(anchor) = poly.interior_point() else {
            continue;
        };
        // a name that fits nowhere inside the visible part is not a dropped label: small
        // countries at the edge simply go unnamed
        let mut fits = false;
        let placed = sizes.iter().find_map(|style| {
            let spots = label_spots_inside(&poly, &name, style, anchor);
            fits |= !spots.is_empty();
            placer
                .take_first(&name, style, &spots)
                .map(|at| (at, style))
        });
        match placed {
            Some((at, style)) => items.extend(text_items(&name, style, at, colour, None)),
            None if fits => dropped.push(name),
            None => {}
        }
    }
    (
        Group {
            id: "country_labels".into(),
            items,
        },
        dropped,
    )
}

/// The largest visible part (frame pixels) of each country that shows, larger parts first
/// (ties by country code).
fn largest_visible_parts<'a>(
    view: &View,
    countries: &'a [Region],
) -> Vec<(&'a Region, geo::Polygon)> {
    let mut parts: Vec<(f64, &Region, geo::Polygon)> = Vec::new();
    for c in countries {
        let largest = visible_polygons(view, &c.geometry)
            .into_iter()
            .map(|p| (geo::Area::unsigned_area(&p), p))
            .filter(|(a, _)| *a > 0.0)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((area, poly)) = largest {
            parts.push((area, c, poly));
        }
    }
    parts.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.code.cmp(&b.1.code)));
    parts.into_iter().map(|(_, c, p)| (c, p)).collect()
}

/// Baseline starts around `anchor` at which `name` lies wholly inside `poly`, nearest first.
fn label_spots_inside(
    poly: &geo::Polygon,
    name: &str,
    style: &TextStyle,
    anchor: geo::Point,
) -> Vec<(f32, f32)> {
    let w = text::width(name, style);
    let (ax, ay) = (anchor.x() as f32, anchor.y() as f32);
    let mut spots = Vec::new();
    for dy in [0.0, -1.5, 1.5, -3.0, 3.0, -4.5, 4.5] {
        for dx in [0.0, -0.5, 0.5] {
            spots.push((
                ax - w / 2.0 + dx * w,
                ay + style.cap_height() / 2.0 + dy * style.size,
            ));
        }
    }
    spots.retain(|&(x, y)| {
        let b = text::bounds(name, style, x, y);
        let mid = ((b.x0 + b.x1) / 2.0, (b.y0 + b.y1) / 2.0);
        [(b.x0, b.y0), (b.x1, b.y0), (b.x0, b.y1), (b.x1, b.y1), mid]
            .iter()
            .all(|&(x, y)| poly.contains(&geo::Point::new(x as f64, y as f64)))
    });
    spots
}

/// The polygons of a lon/lat area in frame pixels, clipped to the frame (for choosing and
/// fitting labels; a part that leaves and re-enters the frame stays one polygon, joined along
/// the frame edge, which is fine for that).
fn visible_polygons(view: &View, area: &MultiPolygon) -> Vec<geo::Polygon> {
    let frame = [0.0, 0.0, view.width, view.height];
    let ring = |l: &geo::LineString| {
        geo::LineString::new(
            clip_ring(&view.line_px(l), frame)
                .into_iter()
                .map(|(x, y)| geo::coord! { x: x as f64, y: y as f64 })
                .collect(),
        )
    };
    area.0
        .iter()
        .map(|p| geo::Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect()))
        .filter(|p| p.exterior().0.len() >= 4)
        .collect()
}
