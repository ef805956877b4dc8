//! The page's geometry: sizes at the page's scale, the header (title and subtitle), where the
//! map frame goes between header and footer, the extent the frame shows, and fitting text to
//! a width.

use super::MapInput;
use super::footer;
use crate::error::{Error, Result};
use crate::layer::{GeomKind, PLAN_SIGNATURE, plan_layer};
use crate::render::draw::Pen;
use crate::render::labels::text_items;
use crate::render::scene::{Group, PxRect};
use crate::render::text::{self, TextStyle, Weight};
use crate::render::view::{LonLatBox, geometry_box};
use crate::style::Rgba;

/// Smallest and largest accepted page size, pixels.
pub const SIZE_RANGE: (u32, u32) = (256, 8192);

pub(super) const PAPER: Rgba = Rgba(255, 255, 255, 255);
pub(super) const SEA: Rgba = Rgba(201, 224, 240, 255);
pub(super) const INK: Rgba = Rgba(25, 25, 25, 255);
pub(super) const GREY: Rgba = Rgba(95, 95, 95, 255);
pub(super) const HALO: Rgba = Rgba(255, 255, 255, 215);

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

/// The page geometry for one size, pixels.
pub(super) struct Layout {
    pub size: f32,
    pub margin: f32,
    pub pen: Pen,
    pub title: TextStyle,
    pub subtitle: TextStyle,
    pub legend: TextStyle,
    pub small: TextStyle,
}

impl Layout {
    pub fn new(size: u32) -> Layout {
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

    /// Width between the left and right margins.
    pub fn inner_width(&self) -> f32 {
        self.size - 2.0 * self.margin
    }

    /// Where the credits start, right of the scale bar.
    pub fn credits_x(&self) -> f32 {
        self.margin + 0.3 * self.inner_width()
    }

    fn header_height(&self, subtitle_lines: usize) -> f32 {
        self.margin
            + self.title.size * 1.05
            + subtitle_lines as f32 * self.subtitle.size * 1.4
            + self.margin * 0.5
    }

    pub fn legend_row(&self) -> f32 {
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

/// The most legend rows that leave the map frame its 30 % of the page height.
pub(super) fn legend_room(layout: &Layout, input: &MapInput) -> usize {
    let subtitle = wrap_lines(&input.subtitle, &layout.subtitle, layout.inner_width(), 3);
    let around = layout.header_height(subtitle.len())
        + layout.footer_height(0, footer::credit_lines(layout, input));
    let room = layout.size * 0.7 - around - 1.0;
    (room / layout.legend_row()).floor().max(0.0) as usize
}

/// The page cut into header, map frame and footer.
pub(super) struct Page {
    /// The subtitle, wrapped (three lines at most).
    pub subtitle: Vec<String>,
    /// The map frame, pixels.
    pub frame: PxRect,
}

/// Cuts the page of `size` px for a legend of `legend_lines` entries in `legend_rows` rows.
/// The frame must keep 30 % of the page height; else the error names `--size` and the
/// legend's length.
pub(super) fn cut_page(
    layout: &Layout,
    input: &MapInput,
    (legend_lines, legend_rows): (usize, usize),
    size: u32,
) -> Result<Page> {
    let subtitle = wrap_lines(&input.subtitle, &layout.subtitle, layout.inner_width(), 3);
    let header = layout.header_height(subtitle.len());
    let footer = layout.footer_height(legend_rows, footer::credit_lines(layout, input));
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
                "{size} px leaves no room for the map beside the legend's {legend_lines} lines"
            ),
        )
        .with_hint("draw fewer layers or a larger page (--size 2048)"));
    }
    Ok(Page { subtitle, frame })
}

/// The area of interest of a plan (Ukraine, and the catalogue's point layers: used airfields,
/// assets, patrol stations), or of arbitrary layers (all their features), in degrees.
pub(super) fn focus_box(input: &MapInput) -> LonLatBox {
    let is_plan = input.layers.iter().any(|l| l.name == PLAN_SIGNATURE);
    let ukraine = geo::Geometry::MultiPolygon(input.basemap.ukraine_1991.clone());
    let mut geoms: Vec<&geo::Geometry> = Vec::new();
    if is_plan {
        geoms.push(&ukraine);
        geoms.extend(plan_points_in_use(input));
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

/// The features of the plan's point layers, but those marked `used: false` (airfields no base
/// flies from).
fn plan_points_in_use<'a>(input: &'a MapInput) -> impl Iterator<Item = &'a geo::Geometry> {
    input
        .layers
        .iter()
        .filter(|l| plan_layer(&l.name).is_some_and(|p| p.geometry == GeomKind::Point))
        .flat_map(|l| &l.features)
        .filter(|f| f.properties.get("used").and_then(|v| v.as_bool()) != Some(false))
        .map(|f| &f.geometry)
}

/// The title (shrunk to fit, down to 75 %, then ellipsized) and the subtitle lines, into
/// `page`; returns the box they take.
pub(super) fn title_block(
    layout: &Layout,
    title: &str,
    subtitle: &[String],
    page: &mut Vec<Group>,
) -> PxRect {
    let m = layout.margin;
    let mut y = m + layout.title.cap_height();
    let room = layout.inner_width();
    let mut style = layout.title;
    style.size *= (room / text::width(title, &style)).clamp(0.75, 1.0);
    let title = ellipsize(title, &style, room);
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

/// Shortens `s` with an ellipsis until it fits `width` pixels.
pub(super) fn ellipsize(s: &str, style: &TextStyle, width: f32) -> String {
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
pub(super) fn wrap_lines(
    paragraphs: &[String],
    style: &TextStyle,
    width: f32,
    max_lines: usize,
) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for p in paragraphs {
        lines.extend(wrap_paragraph(p, style, width));
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

/// One paragraph in lines of `width` pixels (a word longer than that gets a line of its own).
fn wrap_paragraph(p: &str, style: &TextStyle, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
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
    lines
}
