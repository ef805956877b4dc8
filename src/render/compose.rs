//! The map page: title, the map frame (land, sea, layers, borders, graticule, symbols, labels)
//! and the footer (legend, scale bar, credits), as a [`Scene`] that both painters draw.

use super::draw::{self, LegendEntry, Pen, Swatch, Tier};
use super::graticule::graticule;
use super::labels::{Placer, text_items};
use super::scene::{Fill, FillRule, Group, Item, Path, PxRect, ScaleBar, Scene};
use super::text::{self, TextStyle, Weight};
use super::view::{LonLatBox, View, geometry_box};
use crate::data::{Datasets, Region};
use crate::error::{Error, Result};
use crate::layer::{GeomKind, Layer, PLAN_SIGNATURE, plan_layer};
use crate::style::{Rgba, style_for};
use geo::{Contains, InteriorPoint, MultiPolygon};

/// Smallest and largest accepted page size, pixels.
pub const SIZE_RANGE: (u32, u32) = (256, 8192);

const PAPER: Rgba = Rgba(255, 255, 255, 255);
const SEA: Rgba = Rgba(201, 224, 240, 255);
const INK: Rgba = Rgba(25, 25, 25, 255);
const GREY: Rgba = Rgba(95, 95, 95, 255);
const HALO: Rgba = Rgba(255, 255, 255, 215);

/// What to draw.
pub struct MapInput<'a> {
    /// Thematic layers, drawn in the plan's order (unknown layers after the known ones).
    pub layers: &'a [Layer],
    /// Land, countries, oblasts.
    pub basemap: &'a Datasets,
    pub title: String,
    /// Paragraphs under the title (wrapped, three lines at most).
    pub subtitle: Vec<String>,
    /// Credit lines in the footer (data sources, dates).
    pub credits: Vec<String>,
}

/// Page size and extent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapOptions {
    /// Width and height of the (square) page, pixels.
    pub size: u32,
    /// West, south, east, north in degrees; `None`: the plan's area of interest (Ukraine, the
    /// bases in use, the assets and patrol stations), or else everything in the layers.
    pub bbox: Option<LonLatBox>,
}

impl Default for MapOptions {
    fn default() -> Self {
        MapOptions {
            size: 2048,
            bbox: None,
        }
    }
}

/// The page geometry for one size.
struct Layout {
    size: f32,
    margin: f32,
    pen: Pen,
    title: TextStyle,
    subtitle: TextStyle,
    legend: TextStyle,
    small: TextStyle,
}

impl Layout {
    fn new(size: u32) -> Layout {
        let s = size as f32 / 2048.0;
        let pen = Pen { k: s.sqrt() };
        Layout {
            size: size as f32,
            margin: (28.0 * s).max(10.0),
            pen,
            title: TextStyle::new(pen.font(40.0), Weight::Bold),
            subtitle: TextStyle::new(pen.font(21.0), Weight::Regular),
            legend: TextStyle::new(pen.font(18.0), Weight::Regular),
            small: TextStyle::new(pen.font(15.0), Weight::Regular),
        }
    }

    fn header_height(&self, subtitle_lines: usize) -> f32 {
        self.margin
            + self.title.size * 1.05
            + subtitle_lines as f32 * self.subtitle.size * 1.4
            + self.margin * 0.5
    }

    fn legend_row(&self) -> f32 {
        self.legend.size * 1.6
    }

    fn footer_height(&self, legend_rows: usize, credit_lines: usize) -> f32 {
        self.margin * 0.6
            + legend_rows as f32 * self.legend_row()
            + self.margin * 0.5
            + (credit_lines.max(3) as f32 * self.small.size * 1.45).max(self.pen.px(64.0))
            + self.margin * 0.6
    }
}

const LEGEND_COLUMNS: usize = 3;

/// Refuses page sizes outside [`SIZE_RANGE`], naming the `--size` option.
pub fn check_size(size: u32) -> Result<()> {
    let (lo, hi) = SIZE_RANGE;
    if (lo..=hi).contains(&size) {
        return Ok(());
    }
    Err(
        Error::input("--size", "", format!("{size} px is outside {lo}..{hi}"))
            .with_hint("give a page size in pixels, e.g. --size 2048 (default) or --size 1024"),
    )
}

/// Composes the map page.
pub fn compose(input: &MapInput, options: &MapOptions) -> Result<Scene> {
    check_size(options.size)?;
    let layout = Layout::new(options.size);
    let pen = layout.pen;
    let drawn = draw::drawing_order(input.layers);
    let mut legend: Vec<LegendEntry> = basemap_legend();
    for l in &drawn {
        legend.extend(draw::legend_entries(l));
    }
    let subtitle: Vec<String> = wrap_lines(
        &input.subtitle,
        &layout.subtitle,
        layout.size - 2.0 * layout.margin,
        3,
    );
    let rows = legend.len().div_ceil(LEGEND_COLUMNS);
    let header = layout.header_height(subtitle.len());
    let credits_x = layout.margin + 0.3 * (layout.size - 2.0 * layout.margin);
    let credits_width = layout.size - layout.margin - credits_x;
    // the projection line depends on the view, which depends on the footer: count its lines
    // with the longest form it takes
    let credit_lines = wrap_lines(
        &credit_paragraphs(input, PROJECTION_LINE_LONGEST.to_string()),
        &layout.small,
        credits_width,
        MAX_CREDIT_LINES,
    )
    .len();
    let footer = layout.footer_height(rows, credit_lines);
    let frame = PxRect::new(
        layout.margin,
        header.round(),
        layout.size - layout.margin,
        (layout.size - footer).round(),
    );
    if frame.height() < layout.size * 0.3 {
        return Err(Error::input(
            "--size",
            "",
            format!(
                "{} px leaves no room for the map beside the legend's {} lines",
                options.size,
                legend.len()
            ),
        )
        .with_hint("draw fewer layers or a larger page (--size 2048)"));
    }
    let bbox = match options.bbox {
        Some(b) => b,
        None => focus_box(input),
    };
    let view = View::fit(bbox, frame.width().round(), frame.height().round(), 0.03)?;
    let countries = countries(input.basemap);

    let mut map = vec![land(&view, &countries)];
    let mut borders_done = false;
    let mut placer = Placer::new(PxRect::new(0.0, 0.0, view.width, view.height).grown(-2.0));
    for l in &drawn {
        if draw::tier(l) != Tier::Area && !borders_done {
            map.extend(borders(&view, pen, input.basemap, &countries));
            borders_done = true;
        }
        if draw::tier(l) == Tier::Point {
            continue;
        }
        map.push(draw::layer_items(&view, pen, l));
    }
    if !borders_done {
        map.extend(borders(&view, pen, input.basemap, &countries));
    }
    let grid = graticule(&view, view.frame_box());
    map.push(Group {
        id: "graticule".into(),
        items: vec![Item::stroked(
            grid.path.clone(),
            Rgba(70, 100, 130, 110),
            pen.px(0.9),
            None,
        )],
    });
    let grid_labels = graticule_labels(&view, &layout, &grid, &mut placer);
    let (symbols, point_labels) = symbols_and_labels(&view, &layout, &drawn, &mut placer);
    map.push(symbols);
    let (country_labels, dropped_countries) =
        country_labels(&view, &layout, &countries, &mut placer);
    map.push(country_labels);
    map.push(point_labels.0);
    map.push(grid_labels);

    let mut page = Vec::new();
    let mut boxes = Vec::new();
    page.push(Group {
        id: "frame".into(),
        items: vec![Item::stroked(Path::rect(frame), INK, pen.px(1.6), None)],
    });
    let title_box = title_block(&layout, input, &subtitle, &mut page);
    boxes.push(("title".to_string(), title_box));
    let legend_box = legend_block(&layout, &legend, frame, &mut page);
    boxes.push(("legend".to_string(), legend_box));
    let credits_top = legend_box.y1 + layout.margin * 0.5;
    let room = credits_x - frame.x0 - layout.pen.px(30.0);
    let (bar, bar_box) = scale_bar(&layout, &view, frame, credits_top, room, &mut page);
    boxes.push(("scale_bar".to_string(), bar_box));
    let credits = credit_paragraphs(input, projection_line(&view, &grid));
    let credits_box = credits_block(&layout, &credits, credits_x, credits_top, &mut page);
    boxes.push(("attribution".to_string(), credits_box));

    let mut labels_dropped = point_labels.1;
    labels_dropped.extend(dropped_countries);
    Ok(Scene {
        width: options.size,
        height: options.size,
        paper: PAPER,
        frame,
        sea: SEA,
        map,
        page,
        boxes,
        scale_bar: Some(bar),
        georef: view.georef(),
        labels_dropped,
    })
}

/// The area of interest of a plan (Ukraine, used airfields, assets, patrol stations), or of
/// arbitrary layers (all their features).
fn focus_box(input: &MapInput) -> LonLatBox {
    let is_plan = input.layers.iter().any(|l| l.name == PLAN_SIGNATURE);
    let ukraine = geo::Geometry::MultiPolygon(input.basemap.ukraine_1991.clone());
    let mut geoms: Vec<&geo::Geometry> = Vec::new();
    if is_plan {
        geoms.push(&ukraine);
        for l in input.layers {
            if plan_layer(&l.name).is_some_and(|p| p.geometry == GeomKind::Point) {
                geoms.extend(
                    l.features
                        .iter()
                        .filter(|f| {
                            f.properties.get("used").and_then(|v| v.as_bool()) != Some(false)
                        })
                        .map(|f| &f.geometry),
                );
            }
        }
    } else {
        geoms.extend(
            input
                .layers
                .iter()
                .flat_map(|l| l.features.iter().map(|f| &f.geometry)),
        );
    }
    let b = geometry_box(geoms)
        .unwrap_or_else(|| geometry_box([&ukraine]).expect("Ukraine has coordinates"));
    // a lone point or a thin line still gets a map around it
    let grow = |lo: f64, hi: f64| {
        let pad = ((2.0 - (hi - lo)) / 2.0).max(0.0);
        (lo - pad, hi + pad)
    };
    let (w, e) = grow(b[0], b[2]);
    let (s, n) = grow(b[1], b[3]);
    [w.max(-180.0), s.max(-85.0), e.min(180.0), n.min(85.0)]
}

/// Ukraine (1991 borders) and every shipped country.
fn countries(d: &Datasets) -> Vec<Region> {
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

fn land(view: &View, countries: &[Region]) -> Group {
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

fn borders(view: &View, pen: Pen, d: &Datasets, countries: &[Region]) -> Vec<Group> {
    let oblast = style_for("oblasts");
    let country = style_for("countries");
    let ukraine = style_for("ukraine_1991");
    let mut oblasts = Path::default();
    for o in &d.oblasts {
        oblasts.append(view.area_path(&o.geometry));
    }
    let mut others = Path::default();
    for c in countries.iter().skip(1) {
        others.append(view.area_path(&c.geometry));
    }
    let line = |path: Path, s: crate::style::Style| {
        Item::stroked(
            path,
            s.stroke.expect("border styles stroke"),
            pen.mm(s.stroke_mm).max(0.5),
            None,
        )
    };
    vec![
        Group {
            id: "oblasts".into(),
            items: vec![line(oblasts, oblast)],
        },
        Group {
            id: "countries".into(),
            items: vec![line(others, country)],
        },
        Group {
            id: "ukraine_1991".into(),
            items: vec![line(view.area_path(&d.ukraine_1991), ukraine)],
        },
    ]
}

fn basemap_legend() -> Vec<LegendEntry> {
    vec![
        LegendEntry {
            swatch: Swatch::Line(style_for("ukraine_1991")),
            label: "Ukraine, 1991 borders".into(),
        },
        LegendEntry {
            swatch: Swatch::Line(style_for("countries")),
            label: "Country border".into(),
        },
        LegendEntry {
            swatch: Swatch::Line(style_for("oblasts")),
            label: "Oblast border".into(),
        },
    ]
}

fn graticule_labels(
    view: &View,
    layout: &Layout,
    grid: &super::graticule::Graticule,
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

/// Markers of every point layer (all placed first, so that labels avoid every marker), then
/// their labels in priority order: protected assets, other assets, airfields in use, patrol
/// stations, unused airfields.
fn symbols_and_labels(
    view: &View,
    layout: &Layout,
    drawn: &[&Layer],
    placer: &mut Placer,
) -> (Group, (Group, Vec<String>)) {
    let pen = layout.pen;
    let mut symbols = Vec::new();
    // (priority, text, style, anchor, symbol radius)
    type Candidate = (u8, String, TextStyle, (f32, f32), f32);
    let mut candidates: Vec<Candidate> = Vec::new();
    for l in drawn.iter().filter(|l| draw::tier(l) == Tier::Point) {
        let r = draw::marker_radius(l, pen);
        for (f, px) in draw::visible_points(view, l) {
            let sym = draw::symbol(l, f);
            symbols.extend(draw::symbol_items(sym, px, r, pen));
            placer.block(PxRect::new(px.0 - r, px.1 - r, px.0 + r, px.1 + r));
            let protect = f.properties.get("protect").and_then(|v| v.as_bool()) == Some(true);
            let (priority, style) = match l.name.as_str() {
                "assets" => (
                    if protect { 0 } else { 1 },
                    TextStyle::new(
                        pen.font(19.0),
                        if protect {
                            Weight::Bold
                        } else {
                            Weight::Regular
                        },
                    ),
                ),
                "airfields" => (
                    if sym.hollow { 4 } else { 2 },
                    TextStyle::new(pen.font(15.0), Weight::Bold),
                ),
                "cap_stations" => (3, TextStyle::new(pen.font(14.0), Weight::Regular)),
                _ => (5, TextStyle::new(pen.font(15.0), Weight::Regular)),
            };
            if let Some(label) = label_field(l).and_then(|k| f.str_prop(k)) {
                candidates.push((priority, label.to_string(), style, px, r));
            }
        }
    }
    candidates.sort_by_key(|c| c.0);
    let mut labels = Vec::new();
    let mut dropped = Vec::new();
    let halo = Some((HALO, pen.px(4.0)));
    for (_, label, style, px, r) in candidates {
        match placer.place_beside(&label, &style, px, r) {
            Some(at) => labels.extend(text_items(&label, &style, at, INK, halo)),
            None => dropped.push(label),
        }
    }
    (
        Group {
            id: "symbols".into(),
            items: symbols,
        },
        (
            Group {
                id: "labels".into(),
                items: labels,
            },
            dropped,
        ),
    )
}

/// Country names in capitals at a point inside the largest visible part of each country, when
/// the name fits inside it; larger countries first.
fn country_labels(
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
    let mut items = Vec::new();
    let mut dropped = Vec::new();
    let colour = Rgba(110, 105, 95, 255);
    for (_, c, poly) in parts {
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
            super::view::clip_ring(&view.line_px(l), frame)
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

fn title_block(
    layout: &Layout,
    input: &MapInput,
    subtitle: &[String],
    page: &mut Vec<Group>,
) -> PxRect {
    let m = layout.margin;
    let mut y = m + layout.title.cap_height();
    // a long title shrinks to fit (down to 75 %), and only then loses its end
    let room = layout.size - 2.0 * m;
    let mut style = layout.title;
    style.size *= (room / text::width(&input.title, &style)).clamp(0.75, 1.0);
    let title = ellipsize(&input.title, &style, room);
    let mut items = text_items(&title, &style, (m, y), INK, None);
    let mut right = m + text::width(&title, &style);
    y += layout.title.size * 0.25;
    for line in subtitle {
        y += layout.subtitle.size * 1.4;
        items.extend(text_items(line, &layout.subtitle, (m, y), GREY, None));
        right = right.max(m + text::width(line, &layout.subtitle));
    }
    page.push(Group {
        id: "title".into(),
        items,
    });
    PxRect::new(m, m, right, y + layout.subtitle.descent())
}

fn legend_block(
    layout: &Layout,
    legend: &[LegendEntry],
    frame: PxRect,
    page: &mut Vec<Group>,
) -> PxRect {
    let pen = layout.pen;
    let top = frame.y1 + layout.margin * 0.6;
    let col_w = frame.width() / LEGEND_COLUMNS as f32;
    let row = layout.legend_row();
    let (sw_w, sw_h) = (pen.px(40.0), pen.px(20.0));
    let rows = legend.len().div_ceil(LEGEND_COLUMNS);
    let mut items = Vec::new();
    for (i, e) in legend.iter().enumerate() {
        let (col, r) = (i / rows, i % rows);
        let x = frame.x0 + col as f32 * col_w;
        let y = top + r as f32 * row;
        let sw = PxRect::new(x, y + (row - sw_h) / 2.0, x + sw_w, y + (row + sw_h) / 2.0);
        items.extend(swatch_items(&e.swatch, sw, pen));
        let tx = sw.x1 + pen.px(12.0);
        let label = ellipsize(&e.label, &layout.legend, col_w - (tx - x) - pen.px(10.0));
        items.extend(text_items(
            &label,
            &layout.legend,
            (tx, y + row / 2.0 + layout.legend.cap_height() / 2.0),
            INK,
            None,
        ));
    }
    page.push(Group {
        id: "legend".into(),
        items,
    });
    PxRect::new(frame.x0, top, frame.x1, top + rows as f32 * row)
}

fn swatch_items(swatch: &Swatch, r: PxRect, pen: Pen) -> Vec<Item> {
    match swatch {
        Swatch::Area(style) => {
            let mut v = Vec::new();
            if let Some(fill) = style.fill {
                v.push(Item {
                    fill: Some(if style.hatched {
                        draw::hatch(fill, pen)
                    } else {
                        Fill::Solid(fill)
                    }),
                    ..Item::filled(Path::rect(r), fill)
                });
            }
            let stroke = style
                .stroke
                .filter(|c| c.3 > 0 && style.stroke_mm > 0.0)
                .unwrap_or(GREY);
            let w = pen.mm(style.stroke_mm).max(pen.px(1.0));
            let dash = style.dashed.then_some((w * 3.0, w * 2.0));
            v.push(Item::stroked(Path::rect(r), stroke, w, dash));
            v
        }
        Swatch::Line(style) => {
            let y = (r.y0 + r.y1) / 2.0;
            let w = pen.mm(style.stroke_mm).max(pen.px(1.0));
            let dash = style
                .dashed
                .then(|| (w * 4.0 + pen.px(3.0), w * 2.5 + pen.px(2.5)));
            let colour = style.stroke.unwrap_or(GREY);
            vec![Item::stroked(
                Path::polyline(&[(r.x0, y), (r.x1, y)], false),
                colour,
                w,
                dash,
            )]
        }
        Swatch::Symbol(sym) => {
            let c = ((r.x0 + r.x1) / 2.0, (r.y0 + r.y1) / 2.0);
            draw::symbol_items(*sym, c, pen.px(8.0), pen)
        }
    }
}

/// A scale bar of a round length near a fifth of the frame width, true at the map centre
/// (the projection's centre, where LAEA's scale is exactly 1).
fn scale_bar(
    layout: &Layout,
    view: &View,
    frame: PxRect,
    top: f32,
    room: f32,
    page: &mut Vec<Group>,
) -> (ScaleBar, PxRect) {
    let pen = layout.pen;
    let style = layout.small;
    let px_of = |km: f64| (km * 1000.0 * view.px_per_m) as f32;
    let end_label = |km: f64| format!("{km:.0} km");
    // the longest round length up to a fifth of the frame whose bar and end label fit the room
    let km = [
        1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 250.0, 500.0, 1000.0, 2000.0,
    ]
    .into_iter()
    .rev()
    .find(|&k| {
        px_of(k) <= frame.width() * 0.2
            && px_of(k) + text::width(&end_label(k), &style) / 2.0 <= room
    })
    .unwrap_or(1.0);
    let len = px_of(km);
    let x0 = frame.x0;
    let y0 = top + style.size * 1.3;
    let h = pen.px(9.0);
    let mut items = Vec::new();
    for i in 0..4 {
        let seg = PxRect::new(
            x0 + len * i as f32 / 4.0,
            y0,
            x0 + len * (i + 1) as f32 / 4.0,
            y0 + h,
        );
        let fill = if i % 2 == 0 { INK } else { PAPER };
        items.push(Item::filled(Path::rect(seg), fill));
    }
    items.push(Item::stroked(
        Path::rect(PxRect::new(x0, y0, x0 + len, y0 + h)),
        INK,
        pen.px(1.2),
        None,
    ));
    let base = top + style.cap_height();
    let labels = [
        (x0, "0".to_string()),
        (x0 + len / 2.0, format!("{:.0}", km / 2.0)),
        (x0 + len, end_label(km)),
    ];
    let mut placed: Vec<PxRect> = Vec::new();
    let mut right = x0;
    // the middle figure is left out where the three would touch
    for (i, (at, t)) in labels.iter().enumerate() {
        let w = text::width(t, &style);
        let x = if i == 0 { *at } else { at - w / 2.0 };
        let b = text::bounds(t, &style, x, base).grown(pen.px(4.0));
        let clashes = placed.iter().any(|p| p.intersects(&b))
            || (i == 1 && {
                let (end_at, end) = &labels[2];
                let ew = text::width(end, &style);
                b.intersects(&text::bounds(end, &style, end_at - ew / 2.0, base))
            });
        if clashes {
            continue;
        }
        placed.push(b);
        right = right.max(x + w);
        items.extend(text_items(t, &style, (x, base), INK, None));
    }
    page.push(Group {
        id: "scale_bar".into(),
        items,
    });
    (
        ScaleBar {
            km,
            left: (x0, y0 + h / 2.0),
            right: (x0 + len, y0 + h / 2.0),
        },
        PxRect::new(x0, top, right, y0 + h),
    )
}

const MAX_CREDIT_LINES: usize = 8;
const PROJECTION_LINE_LONGEST: &str = "Lambert azimuthal equal-area, WGS84, centred 180.5°W, 85.5°N · scale bar true at the centre, within 10.0 % across the map · graticule every 10°";

fn projection_line(view: &View, grid: &super::graticule::Graticule) -> String {
    let (lon0, lat0) = view.projection.centre();
    format!(
        "Lambert azimuthal equal-area, WGS84, centred {}, {} · scale bar true at the centre, within {:.1} % across the map · graticule every {}°",
        super::graticule::degrees(lon0, 'E', 'W'),
        super::graticule::degrees(lat0, 'N', 'S'),
        scale_error_pct(view),
        grid.step_deg
    )
}

fn credit_paragraphs(input: &MapInput, projection: String) -> Vec<String> {
    std::iter::once(projection)
        .chain(input.credits.iter().cloned())
        .collect()
}

/// The credits, from `x` to the page margin, below `top`.
fn credits_block(
    layout: &Layout,
    paragraphs: &[String],
    x: f32,
    top: f32,
    page: &mut Vec<Group>,
) -> PxRect {
    let style = layout.small;
    let width = layout.size - layout.margin - x;
    let mut items = Vec::new();
    let mut y = top + style.cap_height();
    let mut right = x;
    for line in wrap_lines(paragraphs, &style, width, MAX_CREDIT_LINES) {
        items.extend(text_items(&line, &style, (x, y), GREY, None));
        right = right.max(x + text::width(&line, &style));
        y += style.size * 1.45;
    }
    page.push(Group {
        id: "attribution".into(),
        items,
    });
    PxRect::new(x, top, right, y)
}

/// Largest departure of the map scale from the scale bar over the frame, % (LAEA's scale is
/// 1 only at its centre). Measured on the ellipsoid at the frame corners and edge midpoints.
pub fn scale_error_pct(view: &View) -> f64 {
    let (w, h) = (view.width, view.height);
    let d = 10.0_f32;
    let mut worst: f64 = 0.0;
    for (x, y) in [
        (0.0, 0.0),
        (w, 0.0),
        (0.0, h),
        (w, h),
        (w / 2.0, 0.0),
        (w / 2.0, h),
        (0.0, h / 2.0),
        (w, h / 2.0),
    ] {
        let x = x.clamp(d, w - d);
        let y = y.clamp(d, h - d);
        for (dx, dy) in [(d, 0.0), (0.0, d)] {
            if let (Some(a), Some(b)) = (
                view.lonlat(x - dx / 2.0, y - dy / 2.0),
                view.lonlat(x + dx / 2.0, y + dy / 2.0),
            ) {
                let true_m = crate::geodesy::distance(
                    geo::coord! { x: a.0, y: a.1 },
                    geo::coord! { x: b.0, y: b.1 },
                );
                let map_m = d as f64 / view.px_per_m;
                worst = worst.max((map_m / true_m - 1.0).abs());
            }
        }
    }
    worst * 100.0
}

/// Shortens `s` with an ellipsis until it fits `width` pixels.
fn ellipsize(s: &str, style: &TextStyle, width: f32) -> String {
    if text::width(s, style) <= width {
        return s.to_string();
    }
    let mut chars: Vec<char> = s.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let t: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
        if text::width(&t, style) <= width {
            return t;
        }
    }
    String::new()
}

/// Word-wraps paragraphs into at most `max_lines` lines of `width` pixels (the last one
/// ellipsized).
fn wrap_lines(
    paragraphs: &[String],
    style: &TextStyle,
    width: f32,
    max_lines: usize,
) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for p in paragraphs {
        let mut line = String::new();
        for word in p.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if text::width(&candidate, style) <= width || line.is_empty() {
                line = candidate;
            } else {
                lines.push(std::mem::take(&mut line));
                line = word.to_string();
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    if lines.len() > max_lines {
        let rest = lines[max_lines - 1..].join(" ");
        lines.truncate(max_lines - 1);
        lines.push(ellipsize(&rest, style, width));
    }
    lines
        .into_iter()
        .map(|l| ellipsize(&l, style, width))
        .collect()
}

/// The property that labels a layer's points: the catalogue's for a plan layer, else `name`.
fn label_field(layer: &Layer) -> Option<&'static str> {
    match plan_layer(&layer.name) {
        Some(p) => p.label,
        None => Some("name"),
    }
}
