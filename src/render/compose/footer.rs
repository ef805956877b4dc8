//! Under the legend: the scale bar, and the credits (projection, data sources, dates).

use super::MapInput;
use super::layout::{GREY, INK, Layout, PAPER, wrap_lines};
use crate::render::graticule::{self, Graticule};
use crate::render::labels::text_items;
use crate::render::scene::{Group, Item, Path, PxRect, ScaleBar};
use crate::render::text::{self, TextStyle};
use crate::render::view::View;

const MAX_CREDIT_LINES: usize = 8;
const PROJECTION_LINE_LONGEST: &str = "Lambert azimuthal equal-area, WGS84, centred 180.5°W, 85.5°N · scale bar true at the centre, within 10.0 % across the map · graticule every 10°";

/// The scale bar from the frame's left edge and the credits right of it, below `top`, into
/// `page`; returns the bar and the boxes of both.
pub(super) fn footer(
    layout: &Layout,
    view: &View,
    grid: &Graticule,
    input: &MapInput,
    frame: PxRect,
    top: f32,
    page: &mut Vec<Group>,
) -> (ScaleBar, [(String, PxRect); 2]) {
    let credits_x = layout.credits_x();
    let room = credits_x - frame.x0 - layout.pen.px(30.0);
    let (bar, bar_box) = scale_bar(layout, view, frame, top, room, page);
    let credits = credit_paragraphs(input, projection_line(view, grid));
    let credits_box = credits_block(layout, &credits, credits_x, top, page);
    (
        bar,
        [
            ("scale_bar".to_string(), bar_box),
            ("attribution".to_string(), credits_box),
        ],
    )
}

/// The number of credit lines, counted with the longest projection line (the page is cut
/// before the view, on which the projection line depends, is known).
pub(super) fn credit_lines(layout: &Layout, input: &MapInput) -> usize {
    wrap_lines(
        &credit_paragraphs(input, PROJECTION_LINE_LONGEST.to_string()),
        &layout.small,
        credits_width(layout),
        MAX_CREDIT_LINES,
    )
    .len()
}

fn credits_width(layout: &Layout) -> f32 {
    layout.size - layout.margin - layout.credits_x()
}

/// A scale bar of a round length near a fifth of the frame width, true at the map centre
/// (the projection's centre, where LAEA's scale is exactly 1), with its end label within
/// `room` pixels.
fn scale_bar(
    layout: &Layout,
    view: &View,
    frame: PxRect,
    top: f32,
    room: f32,
    page: &mut Vec<Group>,
) -> (ScaleBar, PxRect) {
    let style = layout.small;
    let px_of = |km: f64| (km * 1000.0 * view.px_per_m) as f32;
    let km = bar_km(frame.width() * 0.2, room, &style, px_of);
    let len = px_of(km);
    let x0 = frame.x0;
    let y0 = top + style.size * 1.3;
    let h = layout.pen.px(9.0);
    let mut items = bar_items(layout, (x0, y0), len, h);
    let (labels, right) = bar_labels(layout, km, x0, len, top + style.cap_height());
    items.extend(labels);
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

/// The bar's end label: "200 km", "2.5 km", "500 m".
fn end_label(km: f64) -> String {
    if km >= 1.0 {
        format!("{} km", length_figure(km))
    } else {
        format!("{} m", length_figure(km * 1000.0))
    }
}

/// A length figure without a unit, in the end label's unit (km from 1 km up, else m), with
/// no more decimals than it needs: 12.5 stays 12.5 (never rounded to "12"), 100 stays 100.
fn length_figure(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The middle label, in the end label's unit.
fn middle_label(km: f64) -> String {
    let half = km / 2.0;
    if km >= 1.0 {
        length_figure(half)
    } else {
        length_figure(half * 1000.0)
    }
}

/// The longest round length, km, whose bar is at most `max_px` long and whose bar and end
/// label fit `room` pixels; from 10 m (a `--bbox` of a few hundred metres) to 2,000 km. The
/// shortest when none fits.
fn bar_km(max_px: f32, room: f32, style: &TextStyle, px_of: impl Fn(f64) -> f32) -> f64 {
    const LENGTHS_KM: [f64; 19] = [
        0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0,
        250.0, 500.0, 1000.0,
    ];
    LENGTHS_KM
        .into_iter()
        .chain([2000.0])
        .rev()
        .find(|&k| px_of(k) <= max_px && px_of(k) + text::width(&end_label(k), style) / 2.0 <= room)
        .unwrap_or(LENGTHS_KM[0])
}

/// Four alternating black and white quarters, `len` × `h` pixels from `(x0, y0)`, outlined.
fn bar_items(layout: &Layout, (x0, y0): (f32, f32), len: f32, h: f32) -> Vec<Item> {
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
        layout.pen.px(1.2),
        None,
    ));
    items
}

/// "0", the middle and the end length above the bar, on baseline `base`; the middle figure is
/// left out where the three would touch. Returns the items and the right end of the text.
fn bar_labels(layout: &Layout, km: f64, x0: f32, len: f32, base: f32) -> (Vec<Item>, f32) {
    let style = layout.small;
    let labels = [
        (x0, "0".to_string()),
        (x0 + len / 2.0, middle_label(km)),
        (x0 + len, end_label(km)),
    ];
    let mut items = Vec::new();
    let mut placed: Vec<PxRect> = Vec::new();
    let mut right = x0;
    for (i, (at, t)) in labels.iter().enumerate() {
        let w = text::width(t, &style);
        let x = if i == 0 { *at } else { at - w / 2.0 };
        let b = text::bounds(t, &style, x, base).grown(layout.pen.px(4.0));
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
    (items, right)
}

fn projection_line(view: &View, grid: &Graticule) -> String {
    let (lon0, lat0) = view.projection.centre();
    format!(
        "Lambert azimuthal equal-area, WGS84, centred {}, {} · scale bar true at the centre, within {:.1} % across the map · graticule every {}°",
        graticule::degrees(lon0, 'E', 'W'),
        graticule::degrees(lat0, 'N', 'S'),
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

#[cfg(test)]
mod scale_bar_tests {
    use super::*;

    #[test]
    fn labels_keep_their_decimals_and_go_to_metres_below_a_kilometre() {
        assert_eq!(end_label(200.0), "200 km");
        assert_eq!(middle_label(25.0), "12.5");
        assert_eq!(end_label(0.5), "500 m");
        assert_eq!(middle_label(0.5), "250");
        assert_eq!(middle_label(0.05), "25");
        assert_eq!(end_label(1.0), "1 km");
        assert_eq!(middle_label(1.0), "0.5");
    }
}
