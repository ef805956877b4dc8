//! The display list both painters draw: paths in pixels with fills and strokes. The cartography
//! ([`super::compose`]) decides what to draw; PNG and SVG only decide how, so the two agree.

use crate::style::Rgba;

/// One path command, pixel coordinates (y down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Seg {
    Move(f32, f32),
    Line(f32, f32),
    /// Quadratic Bézier: control, end.
    Quad(f32, f32, f32, f32),
    /// Cubic Bézier: control 1, control 2, end.
    Cubic(f32, f32, f32, f32, f32, f32),
    Close,
}

/// A path: one or more sub-paths.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Path(pub Vec<Seg>);

impl Path {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// An axis-aligned rectangle.
    pub fn rect(r: PxRect) -> Path {
        Path(vec![
            Seg::Move(r.x0, r.y0),
            Seg::Line(r.x1, r.y0),
            Seg::Line(r.x1, r.y1),
            Seg::Line(r.x0, r.y1),
            Seg::Close,
        ])
    }

    /// A polyline through `points` (closed when `close`).
    pub fn polyline(points: &[(f32, f32)], close: bool) -> Path {
        let mut p = Path::default();
        p.push_polyline(points, close);
        p
    }

    /// Appends a sub-path through `points`.
    pub fn push_polyline(&mut self, points: &[(f32, f32)], close: bool) {
        let Some((first, rest)) = points.split_first() else {
            return;
        };
        self.0.push(Seg::Move(first.0, first.1));
        self.0.extend(rest.iter().map(|&(x, y)| Seg::Line(x, y)));
        if close {
            self.0.push(Seg::Close);
        }
    }

    /// Appends every sub-path of `other`.
    pub fn append(&mut self, other: Path) {
        self.0.extend(other.0);
    }
}

/// How the inside of a path is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FillRule {
    NonZero,
    /// Regions covered an even number of times are outside: holes come out right whichever way
    /// the rings of a polygon turn.
    EvenOdd,
}

/// What fills a path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fill {
    Solid(Rgba),
    /// Diagonal lines (45°, rising to the right) about `spacing` pixels apart, `width` wide,
    /// drawn as a repeating square tile of [`hatch_tile_size`] pixels.
    Hatch {
        colour: Rgba,
        spacing: f32,
        width: f32,
    },
}

/// Side of the square hatch tile for lines `spacing` apart: a whole number of pixels (so the
/// PNG tile repeats exactly), the diagonal of which is the spacing.
pub fn hatch_tile_size(spacing: f32) -> f32 {
    (spacing * std::f32::consts::SQRT_2).round().max(3.0)
}

/// How a path is outlined.
#[derive(Debug, Clone, PartialEq)]
pub struct Stroke {
    pub colour: Rgba,
    /// Pixels.
    pub width: f32,
    /// Dash and gap lengths, pixels.
    pub dash: Option<(f32, f32)>,
}

/// One drawable: a path with its paint. `text` is the string a text path spells (SVG keeps
/// it as an `aria-label`, so the file stays searchable).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub path: Path,
    pub fill: Option<Fill>,
    pub fill_rule: FillRule,
    pub stroke: Option<Stroke>,
    pub text: Option<String>,
}

impl Item {
    pub fn filled(path: Path, colour: Rgba) -> Item {
        Item {
            path,
            fill: Some(Fill::Solid(colour)),
            fill_rule: FillRule::NonZero,
            stroke: None,
            text: None,
        }
    }

    pub fn stroked(path: Path, colour: Rgba, width: f32, dash: Option<(f32, f32)>) -> Item {
        Item {
            path,
            fill: None,
            fill_rule: FillRule::NonZero,
            stroke: Some(Stroke {
                colour,
                width,
                dash,
            }),
            text: None,
        }
    }
}

/// A named group of items (a layer, the legend, the scale bar…): SVG `<g id>`, and what tests
/// look for.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: String,
    pub items: Vec<Item>,
}

/// An axis-aligned pixel rectangle, `x0 ≤ x1`, `y0 ≤ y1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PxRect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl PxRect {
    pub fn new(x0: f32, y0: f32, x1: f32, y1: f32) -> PxRect {
        PxRect { x0, y0, x1, y1 }
    }
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }
    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }
    pub fn intersects(&self, o: &PxRect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
    pub fn contains(&self, o: &PxRect) -> bool {
        self.x0 <= o.x0 && self.y0 <= o.y0 && o.x1 <= self.x1 && o.y1 <= self.y1
    }
    /// Grown by `d` pixels on every side.
    pub fn grown(&self, d: f32) -> PxRect {
        PxRect::new(self.x0 - d, self.y0 - d, self.x1 + d, self.y1 + d)
    }
}

/// The scale bar as drawn: its length in kilometres and its end points in page pixels (tests
/// measure the distance between them on the ellipsoid).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScaleBar {
    pub km: f64,
    pub left: (f32, f32),
    pub right: (f32, f32),
}

/// How frame pixels relate to the earth: the projection centre and the affine map from frame
/// pixels to projected metres (`x = x0 + px / px_per_m`, `y = y1 - py / px_per_m`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Georef {
    /// Centre of the LAEA projection, degrees.
    pub centre: (f64, f64),
    /// Projected metres at the frame's left and top edges.
    pub x0: f64,
    pub y1: f64,
    /// Pixels per projected metre.
    pub px_per_m: f64,
}

impl Georef {
    /// Projected metres of a frame pixel.
    pub fn metres(&self, px: f64, py: f64) -> (f64, f64) {
        (self.x0 + px / self.px_per_m, self.y1 - py / self.px_per_m)
    }
}

/// A whole map page.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub width: u32,
    pub height: u32,
    pub paper: Rgba,
    /// Where the map is on the page; `map` groups are in frame pixels and clipped to it.
    pub frame: PxRect,
    /// Colour under everything in the frame (the sea).
    pub sea: Rgba,
    pub map: Vec<Group>,
    /// Title, legend, scale bar, attribution: page pixels.
    pub page: Vec<Group>,
    /// Page rectangles of the named furniture (`title`, `legend`, `scale_bar`, `attribution`).
    pub boxes: Vec<(String, PxRect)>,
    pub scale_bar: Option<ScaleBar>,
    pub georef: Georef,
    /// Labels that found no free place and were left out.
    pub labels_dropped: Vec<String>,
}

impl Scene {
    /// A page group by id.
    pub fn page_group(&self, id: &str) -> Option<&Group> {
        self.page.iter().find(|g| g.id == id)
    }
    /// A map group by id.
    pub fn map_group(&self, id: &str) -> Option<&Group> {
        self.map.iter().find(|g| g.id == id)
    }
    /// A furniture box by name.
    pub fn bbox(&self, name: &str) -> Option<PxRect> {
        self.boxes.iter().find(|(n, _)| n == name).map(|(_, r)| *r)
    }
}
