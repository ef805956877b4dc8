//! The map page: title, the map frame (land, sea, layers, borders, graticule, symbols, labels)
//! and the footer (legend, scale bar, credits), as a [`Scene`] that both painters draw.
//!
//! This file puts the page together; each part has its own file: [`layout`] (page geometry,
//! header, extent), [`basemap`] (land, borders, graticule, country names), [`points`] (markers
//! and their labels), [`legend`] and [`footer`] (scale bar, credits).

mod basemap;
mod footer;
mod ground;
mod layout;
mod legend;
mod points;

pub use footer::scale_error_pct;
pub use layout::{SIZE_RANGE, check_size};

use super::draw::{self, LegendEntry, Tier};
use super::graticule::{Graticule, graticule};
use super::labels::Placer;
use super::scene::{Group, Item, Path, PxRect, ScaleBar, Scene};
use super::view::{LonLatBox, View};
use crate::data::{Datasets, Region};
use crate::error::Result;
use crate::layer::Layer;
use layout::{INK, Layout, PAPER, Page, SEA};

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

/// Composes the map page: cuts the page around a legend of every drawn layer, fits the extent
/// into the frame, then draws the map and the page around it.
pub fn compose(input: &MapInput, options: &MapOptions) -> Result<Scene> {
    check_size(options.size)?;
    let layout = Layout::new(options.size);
    let drawn = draw::drawing_order(input.layers);
    let legend = legend::entries(&drawn);
    let columns = legend::arrange(
        &layout,
        &legend,
        (layout.margin, layout.inner_width()),
        layout::legend_room(&layout, input),
    );
    let page = layout::cut_page(&layout, input, (legend.len(), columns.rows), options.size)?;
    let bbox = options.bbox.unwrap_or_else(|| layout::focus_box(input));
    let frame = page.frame;
    let view = View::fit(bbox, frame.width().round(), frame.height().round(), 0.03)?;
    let grid = graticule(&view, view.frame_box());
    let (map, labels_dropped) = map_groups(&view, &layout, input, &drawn, &grid);
    let (page, boxes, bar) = page_groups(&layout, input, &page, (&legend, &columns), &view, &grid);
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

/// Inside the frame, bottom to top: land, area layers, borders, line layers, graticule, point
/// markers, country names, point labels, degree labels. Labels are placed in order of
/// importance (degrees, points, countries), each avoiding those before. Returns the groups
/// and the labels left out.
fn map_groups(
    view: &View,
    layout: &Layout,
    input: &MapInput,
    drawn: &[&Layer],
    grid: &Graticule,
) -> (Vec<Group>, Vec<String>) {
    let countries = basemap::countries(input.basemap);
    let mut map = vec![basemap::land(view, &countries)];
    let (layers, rings) = layers_and_borders(view, layout, input, &countries, drawn);
    map.extend(layers);
    map.push(basemap::graticule_lines(grid, layout.pen));
    let mut placer = Placer::new(PxRect::new(0.0, 0.0, view.width, view.height).grown(-2.0));
    let grid_labels = basemap::graticule_labels(view, layout, grid, &mut placer);
    let (symbols, point_labels, mut dropped) =
        points::markers_and_labels(view, layout, drawn, &mut placer);
    let ring_labels = ground::ring_labels(layout, &rings, &mut placer);
    let (country_labels, dropped_countries) =
        basemap::country_labels(view, layout, &countries, &mut placer);
    map.extend([
        symbols,
        country_labels,
        ring_labels,
        point_labels,
        grid_labels,
    ]);
    dropped.extend(dropped_countries);
    (map, dropped)
}

/// The area layers, the base map's borders over them, then the line layers (`drawn` is in
/// drawing order, areas first; point layers are drawn as markers, later). The reaction areas
/// are drawn as rings ([`ground::reaction_rings`]), whose labels are returned to be placed
/// with the others.
fn layers_and_borders(
    view: &View,
    layout: &Layout,
    input: &MapInput,
    countries: &[Region],
    drawn: &[&Layer],
) -> (Vec<Group>, Vec<ground::RingLabel>) {
    let controlled = drawn.iter().find(|l| l.name == "controlled").copied();
    let mut rings = Vec::new();
    let mut of_tier = |tier: Tier| {
        drawn
            .iter()
            .filter(|l| draw::tier(l) == tier)
            .map(|l| {
                if l.name == "reaction" {
                    let (group, labels) = ground::reaction_rings(view, layout.pen, l, controlled);
                    rings.extend(labels);
                    group
                } else {
                    draw::layer_items(view, layout.pen, l)
                }
            })
            .collect::<Vec<_>>()
    };
    let mut groups = of_tier(Tier::Area);
    groups.extend(basemap::borders(view, layout.pen, input.basemap, countries));
    groups.extend(of_tier(Tier::Line));
    (groups, rings)
}

/// Around the frame: its outline, the header, then the legend under the frame and the footer
/// under the legend. Returns the groups, the named boxes and the scale bar.
fn page_groups(
    layout: &Layout,
    input: &MapInput,
    page: &Page,
    (legend, columns): (&[LegendEntry], &legend::Columns),
    view: &View,
    grid: &Graticule,
) -> (Vec<Group>, Vec<(String, PxRect)>, ScaleBar) {
    let frame = page.frame;
    let mut groups = vec![Group {
        id: "frame".into(),
        items: vec![Item::stroked(
            Path::rect(frame),
            INK,
            layout.pen.px(1.6),
            None,
        )],
    }];
    let title_box = layout::title_block(layout, &input.title, &page.subtitle, &mut groups);
    let legend_box = legend::legend_block(layout, legend, columns, frame, &mut groups);
    let top = legend_box.y1 + layout.margin * 0.5;
    let (bar, footer_boxes) = footer::footer(layout, view, grid, input, frame, top, &mut groups);
    let mut boxes = vec![
        ("title".to_string(), title_box),
        ("legend".to_string(), legend_box),
    ];
    boxes.extend(footer_boxes);
    (groups, boxes, bar)
}
