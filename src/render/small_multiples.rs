//! Small multiples: one mini-map per panel on a grid, every panel on the same projection and
//! extent so that they compare at a glance, each titled (a line in bold, a line of figures).

use super::scene::{Group, Item, Path, PxRect, Scene, Seg};
use super::text::{self, TextStyle, Weight};
use super::view::{LonLatBox, View};
use crate::error::Result;
use crate::style::Rgba;
use geo::{Coord, MultiPolygon};

/// An area drawn in a panel: fill, outline colour and width (pixels).
#[derive(Debug, Clone)]
pub struct Area {
    pub geometry: MultiPolygon,
    pub fill: Rgba,
    pub stroke: Rgba,
    pub width: f32,
}

/// One panel: its title, a line of figures, areas (drawn in order) and points.
#[derive(Debug, Clone, Default)]
pub struct Panel {
    pub title: String,
    pub figures: String,
    pub areas: Vec<Area>,
    pub points: Vec<(Coord, Rgba)>,
}

/// Panel map size, pixels.
const MAP_W: f32 = 300.0;
const MAP_H: f32 = 210.0;
/// Title block above each map, pixels.
const HEAD: f32 = 40.0;
const GAP: f32 = 12.0;
const MARGIN: f32 = 16.0;
const PAGE_HEAD: f32 = 44.0;

/// The page of `panels` over `backdrop` (drawn under every panel), all of `extent`, with
/// `title` on top and `legend` (colour, text) at the bottom. Up to five panels a row.
///
/// ```
/// use iapz::render::small_multiples::{Panel, page};
/// let panels = vec![Panel { title: "a".into(), ..Default::default() }; 3];
/// let scene = page("Study", &[], &panels, [22.0, 44.0, 40.5, 52.5], &[]).unwrap();
/// assert_eq!(scene.width, 3 * 300 + 2 * 12 + 2 * 16);
/// ```
pub fn page(
    title: &str,
    backdrop: &[Area],
    panels: &[Panel],
    extent: LonLatBox,
    legend: &[(Rgba, String)],
) -> Result<Scene> {
    let cols = panels.len().clamp(1, 5);
    let rows = panels.len().div_ceil(cols).max(1);
    let width = MARGIN * 2.0 + cols as f32 * MAP_W + (cols - 1) as f32 * GAP;
    let height = PAGE_HEAD + rows as f32 * (HEAD + MAP_H + GAP) + 40.0;
    let view = View::fit(extent, MAP_W, MAP_H, 0.02)?;
    let mut groups = vec![Group {
        id: "title".into(),
        items: vec![text_item(title, 18.0, Weight::Bold, MARGIN, 28.0, INK)],
    }];
    let backdrop_items: Vec<(Path, &Area)> = backdrop
        .iter()
        .map(|a| (view.area_path(&a.geometry), a))
        .collect();
    for (i, p) in panels.iter().enumerate() {
        let x = MARGIN + (i % cols) as f32 * (MAP_W + GAP);
        let y = PAGE_HEAD + (i / cols) as f32 * (HEAD + MAP_H + GAP);
        let mut items = vec![
            text_item(&p.title, 13.0, Weight::Bold, x, y + 14.0, INK),
            text_item(&p.figures, 11.0, Weight::Regular, x, y + 31.0, INK),
        ];
        let (mx, my) = (x, y + HEAD);
        items.push(Item::filled(
            Path::rect(PxRect::new(mx, my, mx + MAP_W, my + MAP_H)),
            Rgba(226, 236, 244, 255),
        ));
        for (path, a) in &backdrop_items {
            items.push(area_item(shifted(path, mx, my), a));
        }
        for a in &p.areas {
            items.push(area_item(shifted(&view.area_path(&a.geometry), mx, my), a));
        }
        for (c, colour) in &p.points {
            if let Some((px, py)) = view.px(c.x, c.y)
                && view.inside((px, py), 0.0)
            {
                let mut dot = Item::filled(super::draw::circle(mx + px, my + py, 3.2), *colour);
                dot.stroke = Some(super::scene::Stroke {
                    colour: INK,
                    width: 0.6,
                    dash: None,
                });
                items.push(dot);
            }
        }
        items.push(Item::stroked(
            Path::rect(PxRect::new(mx, my, mx + MAP_W, my + MAP_H)),
            Rgba(120, 120, 120, 255),
            0.8,
            None,
        ));
        groups.push(Group {
            id: format!("panel-{i}"),
            items,
        });
    }
    let mut lx = MARGIN;
    let ly = height - 16.0;
    let mut legend_items = Vec::new();
    for (colour, label) in legend {
        legend_items.push(Item::filled(
            Path::rect(PxRect::new(lx, ly - 10.0, lx + 14.0, ly)),
            *colour,
        ));
        legend_items.push(text_item(label, 11.0, Weight::Regular, lx + 19.0, ly, INK));
        lx += 19.0 + text::width(label, &TextStyle::new(11.0, Weight::Regular)) + 18.0;
    }
    groups.push(Group {
        id: "legend".into(),
        items: legend_items,
    });
    Ok(plain_page(width, height, groups))
}

const INK: Rgba = Rgba(25, 25, 25, 255);
/// Land under the panels' areas.
pub const PAPER_LAND: Rgba = Rgba(248, 246, 236, 255);

fn area_item(path: Path, a: &Area) -> Item {
    let mut item = Item::filled(path, a.fill);
    item.fill_rule = super::scene::FillRule::EvenOdd;
    if a.width > 0.0 {
        item.stroke = Some(super::scene::Stroke {
            colour: a.stroke,
            width: a.width,
            dash: None,
        });
    }
    item
}

/// A text item (outlines) with its baseline at (`x`, `y`).
pub(crate) fn text_item(s: &str, size: f32, weight: Weight, x: f32, y: f32, colour: Rgba) -> Item {
    let mut item = Item::filled(
        text::outline(s, &TextStyle::new(size, weight), x, y),
        colour,
    );
    item.text = Some(s.to_string());
    item
}

/// `path` moved by (`dx`, `dy`) pixels.
pub(crate) fn shifted(path: &Path, dx: f32, dy: f32) -> Path {
    Path(
        path.0
            .iter()
            .map(|s| match *s {
                Seg::Move(x, y) => Seg::Move(x + dx, y + dy),
                Seg::Line(x, y) => Seg::Line(x + dx, y + dy),
                Seg::Quad(a, b, x, y) => Seg::Quad(a + dx, b + dy, x + dx, y + dy),
                Seg::Cubic(a, b, c, d, x, y) => {
                    Seg::Cubic(a + dx, b + dy, c + dx, d + dy, x + dx, y + dy)
                }
                Seg::Close => Seg::Close,
            })
            .collect(),
    )
}

/// A white page of `groups` (page pixels), no map frame: what both painters draw.
pub(crate) fn plain_page(width: f32, height: f32, page: Vec<Group>) -> Scene {
    let (w, h) = (width.ceil() as u32, height.ceil() as u32);
    Scene {
        width: w,
        height: h,
        paper: Rgba(255, 255, 255, 255),
        frame: PxRect::new(0.0, 0.0, w as f32, h as f32),
        sea: Rgba(255, 255, 255, 255),
        map: Vec::new(),
        page,
        boxes: Vec::new(),
        scale_bar: None,
        georef: super::scene::Georef {
            centre: (0.0, 0.0),
            x0: 0.0,
            y1: 0.0,
            px_per_m: 1.0,
        },
        labels_dropped: Vec::new(),
    }
}
