//! The legend under the map: the base map's borders, then one line per drawn layer (as
//! [`crate::render::draw::legend_entries`] describes it; the reaction times as
//! [`ground::legend_entries`] does), in as many columns as fit whole.

use super::layout::{GREY, INK, Layout, ellipsize};
use super::{basemap, ground};
use crate::layer::Layer;
use crate::render::draw::{self, LegendEntry, Pen, Swatch};
use crate::render::labels::text_items;
use crate::render::scene::{Fill, Group, Item, Path, PxRect};
use crate::render::text;
use crate::style::{Rgba, style_for};

/// Columns of the legend when its lines do not fit in more columns at their full width.
const COLUMNS: usize = 3;
/// The most columns tried.
const MAX_COLUMNS: usize = 6;

/// The legend of a map drawing `drawn`: the base map's lines first, then the layers in drawing
/// order; the layers coloured by reaction time share one line per time, where the first of them
/// is drawn.
pub(super) fn entries(drawn: &[&Layer]) -> Vec<LegendEntry> {
    let mut legend = basemap::legend();
    let mut reaction_done = false;
    for l in drawn {
        if ground::coloured_by_reaction(l) {
            if !reaction_done {
                legend.extend(ground::legend_entries(drawn));
                reaction_done = true;
            }
        } else {
            legend.extend(draw::legend_entries(l));
        }
    }
    legend
}

/// How the legend's lines are set: `rows` lines per column, filled column by column; each
/// column's left edge and width, pixels.
pub(super) struct Columns {
    pub rows: usize,
    lefts: Vec<f32>,
    widths: Vec<f32>,
}

/// Swatch width, gap after it and gap after a column, pixels.
fn spacing(pen: Pen) -> (f32, f32, f32) {
    (pen.px(40.0), pen.px(12.0), pen.px(26.0))
}

/// The fewest rows with which every line fits whole in columns as wide as their longest line,
/// across `width` pixels from `x0`; when none fits in `max_rows` rows or fewer (a small page),
/// equal columns, [`COLUMNS`] or as many more as bring the rows down to `max_rows` (up to
/// [`MAX_COLUMNS`]), with long lines shortened.
pub(super) fn arrange(
    layout: &Layout,
    legend: &[LegendEntry],
    (x0, width): (f32, f32),
    max_rows: usize,
) -> Columns {
    let (sw, gap, col_gap) = spacing(layout.pen);
    let n = legend.len().max(1);
    let line_w: Vec<f32> = legend
        .iter()
        .map(|e| sw + gap + text::width(&e.label, &layout.legend))
        .collect();
    let fallback_rows = n.div_ceil(COLUMNS);
    for rows in n.div_ceil(MAX_COLUMNS)..=fallback_rows.min(max_rows) {
        let widths: Vec<f32> = line_w
            .chunks(rows)
            .map(|c| c.iter().copied().fold(0.0, f32::max))
            .collect();
        let total = widths.iter().sum::<f32>() + col_gap * (widths.len() - 1) as f32;
        if total <= width {
            // the spare width spread between the columns
            let spare = (width - total) / widths.len() as f32;
            let mut lefts = Vec::new();
            let mut x = x0;
            for w in &widths {
                lefts.push(x);
                x += w + col_gap + spare;
            }
            return Columns {
                rows,
                lefts,
                widths,
            };
        }
    }
    let columns = n
        .div_ceil(max_rows.max(1))
        .clamp(COLUMNS, MAX_COLUMNS.min(n.max(COLUMNS)));
    let col_w = width / columns as f32;
    Columns {
        rows: n.div_ceil(columns),
        lefts: (0..columns).map(|i| x0 + i as f32 * col_w).collect(),
        widths: vec![col_w - pen_gap(layout.pen); columns],
    }
}

/// The room kept right of a shortened line, pixels.
fn pen_gap(pen: Pen) -> f32 {
    pen.px(10.0)
}

/// The legend in `columns`, just below `frame`, into `page`; returns its box.
pub(super) fn legend_block(
    layout: &Layout,
    legend: &[LegendEntry],
    columns: &Columns,
    frame: PxRect,
    page: &mut Vec<Group>,
) -> PxRect {
    let pen = layout.pen;
    let top = frame.y1 + layout.margin * 0.6;
    let row = layout.legend_row();
    let (sw_w, gap, _) = spacing(pen);
    let sw_h = pen.px(20.0);
    let rows = columns.rows.max(1);
    let mut items = Vec::new();
    for (i, e) in legend.iter().enumerate() {
        let (col, r) = (i / rows, i % rows);
        let x = columns.lefts[col];
        let y = top + r as f32 * row;
        let sw = PxRect::new(x, y + (row - sw_h) / 2.0, x + sw_w, y + (row + sw_h) / 2.0);
        items.extend(swatch_items(&e.swatch, sw, pen));
        let tx = sw.x1 + gap;
        let label = ellipsize(&e.label, &layout.legend, columns.widths[col] - (tx - x));
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
        Swatch::Reaction {
            colour,
            solid,
            dashed,
        } => reaction_swatch(*colour, *solid, *dashed, r, pen),
    }
}

/// A reaction time's colour: the front sectors' solid line on the left, the reaction areas'
/// dashed edge on the right (either alone across the box).
fn reaction_swatch(colour: Rgba, solid: bool, dashed: bool, r: PxRect, pen: Pen) -> Vec<Item> {
    let y = (r.y0 + r.y1) / 2.0;
    let mid = match (solid, dashed) {
        (true, true) => r.x0 + r.width() * 0.45,
        (true, false) => r.x1,
        _ => r.x0,
    };
    let mut v = Vec::new();
    if solid {
        let w = pen
            .mm(style_for("front_sectors").stroke_mm)
            .max(pen.px(1.0));
        v.push(Item::stroked(
            Path::polyline(&[(r.x0, y), (mid, y)], false),
            colour,
            w,
            None,
        ));
    }
    if dashed {
        let w = pen.mm(style_for("reaction").stroke_mm).max(pen.px(1.0));
        let x0 = if solid { mid + pen.px(4.0) } else { mid };
        v.push(Item::stroked(
            Path::polyline(&[(x0, y), (r.x1, y)], false),
            colour,
            w,
            Some((w * 4.0 + pen.px(3.0), w * 2.5 + pen.px(2.5))),
        ));
    }
    v
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
