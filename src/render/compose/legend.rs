//! The legend under the map: the base map's borders, then one line per drawn layer (as
//! [`crate::render::draw::legend_entries`] describes it), in columns.

use super::basemap;
use super::layout::{GREY, INK, Layout, ellipsize};
use crate::layer::Layer;
use crate::render::draw::{self, LegendEntry, Pen, Swatch};
use crate::render::labels::text_items;
use crate::render::scene::{Fill, Group, Item, Path, PxRect};

const COLUMNS: usize = 3;

/// The legend of a map drawing `drawn`: the base map's lines first, then the layers in drawing
/// order.
pub(super) fn entries(drawn: &[&Layer]) -> Vec<LegendEntry> {
    let mut legend = basemap::legend();
    for l in drawn {
        legend.extend(draw::legend_entries(l));
    }
    legend
}

/// The rows `entries` legend lines take.
pub(super) fn rows(entries: usize) -> usize {
    entries.div_ceil(COLUMNS)
}

/// The legend in columns across the frame width, just below `frame`, into `page`; returns its
/// box.
pub(super) fn legend_block(
    layout: &Layout,
    legend: &[LegendEntry],
    frame: PxRect,
    page: &mut Vec<Group>,
) -> PxRect {
    let pen = layout.pen;
    let top = frame.y1 + layout.margin * 0.6;
    let col_w = frame.width() / COLUMNS as f32;
    let row = layout.legend_row();
    let (sw_w, sw_h) = (pen.px(40.0), pen.px(20.0));
    let rows = rows(legend.len());
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

/// The sample of one legend line in the box `r`.
fn swatch_items(swatch: &Swatch, r: PxRect, pen: Pen) -> Vec<Item> {
    match swatch {
        Swatch::Area(style) => area_swatch(style, r, pen),
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

/// A box filled (flat or hatched) as the layer, outlined with its stroke (grey when it has
/// none, so that the box shows).
fn area_swatch(style: &crate::style::Style, r: PxRect, pen: Pen) -> Vec<Item> {
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
