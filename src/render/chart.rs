//! Line charts: panels side by side sharing an x axis, one line per series, with axes, ticks,
//! axis titles (with units) and a legend. Drawn as a [`Scene`], so PNG and SVG agree.

use super::scene::{Group, Item, Path, Scene};
use super::small_multiples::{plain_page, text_item};
use super::text::{self, TextStyle, Weight};
use crate::style::Rgba;

/// One line: its label and its points (x, y), in x order.
#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64)>,
}

/// One panel: title and y-axis title (with the unit), and its lines.
#[derive(Debug, Clone)]
pub struct Panel {
    pub title: String,
    pub y_label: String,
    pub series: Vec<Series>,
}

const PLOT_W: f32 = 460.0;
const PLOT_H: f32 = 300.0;
const LEFT: f32 = 80.0;
const TOP: f32 = 100.0;
const PANEL_GAP: f32 = 110.0;
const INK: Rgba = Rgba(25, 25, 25, 255);
const GRID: Rgba = Rgba(215, 215, 215, 255);

/// Colours of the lines, in order (then repeated).
pub const PALETTE: [Rgba; 8] = [
    Rgba(31, 119, 180, 255),
    Rgba(214, 39, 40, 255),
    Rgba(44, 160, 44, 255),
    Rgba(148, 103, 189, 255),
    Rgba(255, 127, 14, 255),
    Rgba(140, 86, 75, 255),
    Rgba(227, 119, 194, 255),
    Rgba(23, 190, 207, 255),
];

/// Round tick values covering `lo..=hi`: steps of 1, 2 or 5 × 10ⁿ, about `n` of them.
///
/// ```
/// assert_eq!(iapz::render::chart::ticks(0.0, 148.0, 5), [0.0, 50.0, 100.0, 150.0]);
/// assert_eq!(iapz::render::chart::ticks(150.0, 400.0, 5), [150.0, 200.0, 250.0, 300.0, 350.0, 400.0]);
/// ```
pub fn ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let span = (hi - lo).abs().max(1e-9);
    let raw = span / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= n as f64)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).floor() * step;
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let v = first + i as f64 * step;
        out.push(if v.abs() < step * 1e-9 { 0.0 } else { v });
        if v >= hi - step * 1e-9 {
            break;
        }
        i += 1;
    }
    out
}

fn label(v: f64) -> String {
    match v.fract() == 0.0 {
        true => super::thousands(v),
        false => format!("{v}"),
    }
}

/// The page: `title` on top, the panels side by side over the shared x axis titled `x_label`
/// (ticks at `x_ticks`), the legend of the first panel's series below.
///
/// ```
/// use iapz::render::chart::{Panel, Series, line_chart};
/// let s = Series { label: "a".into(), points: vec![(150.0, 3.0), (200.0, 2.0)] };
/// let p = Panel { title: "Zone".into(), y_label: "km²".into(), series: vec![s] };
/// let scene = line_chart("Chart", "stand-off (km)", &[150.0, 200.0], &[p]);
/// assert!(scene.page_group("legend").is_some());
/// ```
pub fn line_chart(title: &str, x_label: &str, x_ticks: &[f64], panels: &[Panel]) -> Scene {
    let n = panels.len().max(1) as f32;
    let width = LEFT + n * PLOT_W + (n - 1.0) * PANEL_GAP + 40.0;
    let legend_rows = panels.first().map(|p| p.series.len()).unwrap_or(0) as f32;
    let height = TOP + PLOT_H + 70.0 + legend_rows * 18.0 + 20.0;
    let (xlo, xhi) = min_max(x_ticks.iter().copied()).unwrap_or((0.0, 1.0));
    let (xlo, xhi) = if xhi > xlo {
        (xlo, xhi)
    } else {
        (xlo - 1.0, xhi + 1.0)
    };
    let mut groups = vec![Group {
        id: "title".into(),
        items: vec![text_item(title, 18.0, Weight::Bold, LEFT, 30.0, INK)],
    }];
    for (i, p) in panels.iter().enumerate() {
        let x0 = LEFT + i as f32 * (PLOT_W + PANEL_GAP);
        let (y0, y1) = (TOP, TOP + PLOT_H);
        let ys = p.series.iter().flat_map(|s| s.points.iter().map(|q| q.1));
        let (_, ymax) = min_max(ys).unwrap_or((0.0, 1.0));
        let yt = ticks(0.0, ymax.max(1.0), 5);
        let ytop = *yt.last().expect("ticks are never empty");
        let px = |x: f64| x0 + ((x - xlo) / (xhi - xlo)) as f32 * PLOT_W;
        let py = |y: f64| y1 - (y / ytop) as f32 * PLOT_H;
        let mut items = vec![text_item(&p.title, 14.0, Weight::Bold, x0, TOP - 36.0, INK)];
        let small = TextStyle::new(11.0, Weight::Regular);
        for &t in &yt {
            let y = py(t);
            items.push(Item::stroked(
                Path::polyline(&[(x0, y), (x0 + PLOT_W, y)], false),
                GRID,
                0.8,
                None,
            ));
            let s = label(t);
            let w = text::width(&s, &small);
            items.push(text_item(
                &s,
                11.0,
                Weight::Regular,
                x0 - 6.0 - w,
                y + 4.0,
                INK,
            ));
        }
        for &t in x_ticks {
            let x = px(t);
            items.push(Item::stroked(
                Path::polyline(&[(x, y1), (x, y1 + 5.0)], false),
                INK,
                1.0,
                None,
            ));
            let s = label(t);
            let w = text::width(&s, &small);
            items.push(text_item(
                &s,
                11.0,
                Weight::Regular,
                x - w / 2.0,
                y1 + 18.0,
                INK,
            ));
        }
        items.push(Item::stroked(
            Path::polyline(&[(x0, y0), (x0, y1), (x0 + PLOT_W, y1)], false),
            INK,
            1.2,
            None,
        ));
        let w = text::width(x_label, &TextStyle::new(12.0, Weight::Regular));
        items.push(text_item(
            x_label,
            12.0,
            Weight::Regular,
            x0 + (PLOT_W - w) / 2.0,
            y1 + 38.0,
            INK,
        ));
        items.push(text_item(
            &p.y_label,
            12.0,
            Weight::Regular,
            x0 - 70.0,
            TOP - 14.0,
            INK,
        ));
        for (j, s) in p.series.iter().enumerate() {
            let colour = PALETTE[j % PALETTE.len()];
            let pts: Vec<(f32, f32)> = s.points.iter().map(|&(x, y)| (px(x), py(y))).collect();
            items.push(Item::stroked(
                Path::polyline(&pts, false),
                colour,
                2.0,
                None,
            ));
            for &(x, y) in &pts {
                items.push(Item::filled(super::draw::circle(x, y, 3.0), colour));
            }
        }
        groups.push(Group {
            id: format!("panel-{i}"),
            items,
        });
    }
    let mut legend = Vec::new();
    if let Some(p) = panels.first() {
        for (j, s) in p.series.iter().enumerate() {
            let y = TOP + PLOT_H + 66.0 + j as f32 * 18.0;
            let colour = PALETTE[j % PALETTE.len()];
            legend.push(Item::stroked(
                Path::polyline(&[(LEFT, y - 4.0), (LEFT + 24.0, y - 4.0)], false),
                colour,
                2.5,
                None,
            ));
            legend.push(text_item(
                &s.label,
                11.0,
                Weight::Regular,
                LEFT + 32.0,
                y,
                INK,
            ));
        }
    }
    groups.push(Group {
        id: "legend".into(),
        items: legend,
    });
    plain_page(width, height, groups)
}

fn min_max(v: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    v.filter(|x| x.is_finite()).fold(None, |acc, x| match acc {
        None => Some((x, x)),
        Some((a, b)) => Some((a.min(x), b.max(x))),
    })
}
