//! From lon/lat to frame pixels: the projection, the projected extent and the pixel scale.

use super::projection::MapProjection;
use super::scene::Path;
use crate::error::{Error, Result};
use geo::{Coord, Geometry, LineString, MultiPolygon};

/// A lon/lat box, degrees: west, south, east, north.
pub type LonLatBox = [f64; 4];

/// The map frame's view of the earth.
#[derive(Debug)]
pub struct View {
    pub projection: MapProjection,
    /// Projected metres at the frame's left and top edges.
    x0: f64,
    y1: f64,
    /// Pixels per projected metre (true scale at the projection centre).
    pub px_per_m: f64,
    /// Frame size, pixels.
    pub width: f32,
    pub height: f32,
    /// The lon/lat box of the frame boundary.
    frame_box: LonLatBox,
}

/// Vertices closer than this to the previous kept one (pixels) are dropped: invisible, and
/// they make up most of the 10m coastlines at map scale.
const THIN_PX: f32 = 0.3;

impl View {
    /// A view of `bbox` fitted into a `width` × `height` pixel frame, `pad` (share of the
    /// extent) added on every side, centred on the box centre. The extent grows on one axis to
    /// match the frame's aspect, so nothing is stretched.
    pub fn fit(bbox: LonLatBox, width: f32, height: f32, pad: f64) -> Result<View> {
        check_extent(bbox)?;
        let [w, s, e, n] = bbox;
        let centre = (round_half((w + e) / 2.0), round_half((s + n) / 2.0));
        let projection = MapProjection::laea(centre.0, centre.1)?;
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for i in 0..=32 {
            let t = i as f64 / 32.0;
            for (lon, lat) in [
                (w + (e - w) * t, s),
                (w + (e - w) * t, n),
                (w, s + (n - s) * t),
                (e, s + (n - s) * t),
            ] {
                if let Some((x, y)) = projection.forward(lon, lat) {
                    xs.push(x);
                    ys.push(y);
                }
            }
        }
        let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (mut px0, mut px1, mut py0, mut py1) = (min(&xs), max(&xs), min(&ys), max(&ys));
        let (dx, dy) = ((px1 - px0) * pad, (py1 - py0) * pad);
        px0 -= dx;
        px1 += dx;
        py0 -= dy;
        py1 += dy;
        let aspect = width as f64 / height as f64;
        let (cx, cy) = ((px0 + px1) / 2.0, (py0 + py1) / 2.0);
        let (mut ew, mut eh) = (px1 - px0, py1 - py0);
        if ew / eh < aspect {
            ew = eh * aspect;
        } else {
            eh = ew / aspect;
        }
        let mut view = View {
            projection,
            x0: cx - ew / 2.0,
            y1: cy + eh / 2.0,
            px_per_m: width as f64 / ew,
            width,
            height,
            frame_box: [-180.0, -90.0, 180.0, 90.0],
        };
        view.frame_box = view.boundary_box();
        Ok(view)
    }

    /// The frame's georeference.
    pub fn georef(&self) -> super::scene::Georef {
        super::scene::Georef {
            centre: self.projection.centre(),
            x0: self.x0,
            y1: self.y1,
            px_per_m: self.px_per_m,
        }
    }

    /// Frame pixels of a lon/lat point (may lie outside the frame).
    pub fn px(&self, lon: f64, lat: f64) -> Option<(f32, f32)> {
        let (x, y) = self.projection.forward(lon, lat)?;
        Some(self.m_to_px(x, y))
    }

    fn m_to_px(&self, x: f64, y: f64) -> (f32, f32) {
        (
            ((x - self.x0) * self.px_per_m) as f32,
            ((self.y1 - y) * self.px_per_m) as f32,
        )
    }

    /// Lon/lat of a frame pixel.
    pub fn lonlat(&self, px: f32, py: f32) -> Option<(f64, f64)> {
        let x = self.x0 + px as f64 / self.px_per_m;
        let y = self.y1 - py as f64 / self.px_per_m;
        self.projection.inverse(x, y)
    }

    /// The lon/lat box of the frame boundary (sampled at 64 points an edge).
    pub fn frame_box(&self) -> LonLatBox {
        self.frame_box
    }

    fn boundary_box(&self) -> LonLatBox {
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        let (w, h) = (self.width, self.height);
        for i in 0..=64 {
            let t = i as f32 / 64.0;
            for (x, y) in [(w * t, 0.0), (w * t, h), (0.0, h * t), (w, h * t)] {
                if let Some((lon, lat)) = self.lonlat(x, y) {
                    b = [b[0].min(lon), b[1].min(lat), b[2].max(lon), b[3].max(lat)];
                }
            }
        }
        b
    }

    /// Whether a lon/lat box can touch the frame (with 1° to spare for the clip margin).
    fn may_show(&self, [w, s, e, n]: LonLatBox) -> bool {
        let v = self.frame_box;
        w <= v[2] + 1.0 && e >= v[0] - 1.0 && s <= v[3] + 1.0 && n >= v[1] - 1.0
    }

    /// A line or ring in frame pixels, thinned; empty where it cannot be seen.
    pub fn line_px(&self, line: &LineString) -> Vec<(f32, f32)> {
        if line.0.is_empty() || !self.may_show(coords_box(&line.0)) {
            return Vec::new();
        }
        let mut pts: Vec<(f64, f64)> = line.0.iter().map(|c| (c.x, c.y)).collect();
        self.projection.forward_many(&mut pts);
        let mut out: Vec<(f32, f32)> = Vec::with_capacity(pts.len() / 4 + 2);
        let last = pts.len() - 1;
        for (i, &(x, y)) in pts.iter().enumerate() {
            if !(x.is_finite() && y.is_finite()) {
                continue;
            }
            let p = self.m_to_px(x, y);
            let keep = match out.last() {
                None => true,
                Some(q) => i == last || (p.0 - q.0).abs() + (p.1 - q.1).abs() >= THIN_PX,
            };
            if keep {
                out.push(p);
            }
        }
        out
    }

    /// The rings of an area as one path (fill it with the non-zero or even-odd rule), clipped
    /// to the frame grown by [`CLIP_MARGIN_PX`].
    pub fn area_path(&self, area: &MultiPolygon) -> Path {
        let mut path = Path::default();
        for poly in &area.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                let px = clip_ring(&self.line_px(ring), self.clip_box());
                if px.len() >= 3 {
                    path.push_polyline(&px, true);
                }
            }
        }
        path
    }

    /// The frame grown by the clip margin.
    fn clip_box(&self) -> [f32; 4] {
        let m = CLIP_MARGIN_PX;
        [-m, -m, self.width + m, self.height + m]
    }

    /// Pieces of a polyline that run inside the clip box (a vertex beyond it is kept at each
    /// end, so strokes reach the frame edge).
    fn clip_open(&self, px: &[(f32, f32)]) -> Vec<Vec<(f32, f32)>> {
        let [x0, y0, x1, y1] = self.clip_box();
        let outside = |a: &(f32, f32), b: &(f32, f32)| {
            (a.0 < x0 && b.0 < x0)
                || (a.0 > x1 && b.0 > x1)
                || (a.1 < y0 && b.1 < y0)
                || (a.1 > y1 && b.1 > y1)
        };
        let mut runs = Vec::new();
        let mut run: Vec<(f32, f32)> = Vec::new();
        for w in px.windows(2) {
            if outside(&w[0], &w[1]) {
                if run.len() >= 2 {
                    runs.push(std::mem::take(&mut run));
                }
                run.clear();
                continue;
            }
            if run.is_empty() {
                run.push(w[0]);
            }
            run.push(w[1]);
        }
        if run.len() >= 2 {
            runs.push(run);
        }
        runs
    }

    /// Lines of a geometry (lines, and polygon boundaries) as an open path.
    pub fn lines_path(&self, g: &Geometry) -> Path {
        let mut path = Path::default();
        let mut add = |l: &LineString| {
            for run in self.clip_open(&self.line_px(l)) {
                path.push_polyline(&run, false);
            }
        };
        match g {
            Geometry::LineString(l) => add(l),
            Geometry::MultiLineString(m) => m.0.iter().for_each(add),
            Geometry::Line(l) => add(&LineString::new(vec![l.start, l.end])),
            Geometry::Polygon(p) => {
                add(p.exterior());
                p.interiors().iter().for_each(add);
            }
            Geometry::MultiPolygon(m) => m.0.iter().for_each(|p| {
                add(p.exterior());
                p.interiors().iter().for_each(&mut add);
            }),
            Geometry::GeometryCollection(c) => {
                for g in &c.0 {
                    path.append(self.lines_path(g));
                }
            }
            _ => {}
        }
        path
    }

    /// Is a frame pixel inside the frame (with `inset` pixels to spare)?
    pub fn inside(&self, (x, y): (f32, f32), inset: f32) -> bool {
        x >= inset && y >= inset && x <= self.width - inset && y <= self.height - inset
    }
}

/// How far beyond the frame paths are kept, pixels: more than the widest stroke, so that clipping
/// never shows.
pub const CLIP_MARGIN_PX: f32 = 16.0;

/// Sutherland–Hodgman clipping of a closed ring to a box `[x0, y0, x1, y1]`. Exact for filling:
/// where a ring leaves and re-enters, the result runs along the box edge, outside the frame.
pub fn clip_ring(ring: &[(f32, f32)], [x0, y0, x1, y1]: [f32; 4]) -> Vec<(f32, f32)> {
    if ring
        .iter()
        .all(|p| p.0 >= x0 && p.0 <= x1 && p.1 >= y0 && p.1 <= y1)
    {
        return ring.to_vec();
    }
    let mut pts = ring.to_vec();
    type Edge = (
        fn((f32, f32), f32) -> bool,
        fn((f32, f32), (f32, f32), f32) -> (f32, f32),
        f32,
    );
    let cut_x =
        |a: (f32, f32), b: (f32, f32), x: f32| (x, a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0));
    let cut_y =
        |a: (f32, f32), b: (f32, f32), y: f32| (a.0 + (b.0 - a.0) * (y - a.1) / (b.1 - a.1), y);
    let edges: [Edge; 4] = [
        (|p, v| p.0 >= v, cut_x, x0),
        (|p, v| p.0 <= v, cut_x, x1),
        (|p, v| p.1 >= v, cut_y, y0),
        (|p, v| p.1 <= v, cut_y, y1),
    ];
    for (inside, cut, v) in edges {
        if pts.is_empty() {
            break;
        }
        let mut out = Vec::with_capacity(pts.len() + 4);
        for i in 0..pts.len() {
            let (a, b) = (pts[(i + pts.len() - 1) % pts.len()], pts[i]);
            match (inside(a, v), inside(b, v)) {
                (true, true) => out.push(b),
                (true, false) => out.push(cut(a, b, v)),
                (false, true) => {
                    out.push(cut(a, b, v));
                    out.push(b);
                }
                (false, false) => {}
            }
        }
        pts = out;
    }
    pts
}

fn coords_box(c: &[Coord]) -> LonLatBox {
    c.iter().fold(
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ],
        |b, c| [b[0].min(c.x), b[1].min(c.y), b[2].max(c.x), b[3].max(c.y)],
    )
}

fn round_half(v: f64) -> f64 {
    (v * 2.0).round() / 2.0
}

/// Like [`check_box`], for the extent a map is fitted to: when the user gave no `--bbox` it
/// comes from the layers, so the message speaks of them (and says how to choose the area).
fn check_extent(bbox: LonLatBox) -> Result<()> {
    check_box(bbox).map_err(|e| {
        let [w, s, e2, n] = bbox;
        Error::input(
            "the map's extent",
            "",
            format!(
                "{w:.3},{s:.3},{e2:.3},{n:.3} (from the layers, or --bbox with its margin) cannot \
                 be drawn: {}",
                match &e {
                    Error::Input { message, .. } => message.clone(),
                    other => other.to_string(),
                }
            ),
        )
        .with_hint(
            "give --bbox WEST,SOUTH,EAST,NORTH to choose the area (at most 90° across, latitudes \
             within ±85°), or draw fewer layers",
        )
    })
}

/// Refuses boxes the map cannot show: reversed, off the globe, or so large that one azimuthal
/// projection would distort it badly.
pub fn check_box([w, s, e, n]: LonLatBox) -> Result<()> {
    let bad = |m: String| {
        Error::input("--bbox", "", m).with_hint(
            "give WEST,SOUTH,EAST,NORTH in degrees, e.g. --bbox 14,43,41,56 (at most 90° across, no antimeridian crossing)",
        )
    };
    if ![w, s, e, n].iter().all(|v| v.is_finite()) {
        return Err(bad("the box has a non-finite number".into()));
    }
    if w >= e || s >= n {
        return Err(bad(format!(
            "west {w} must be less than east {e}, and south {s} less than north {n}"
        )));
    }
    if w < -180.0 || e > 180.0 || s < -85.0 || n > 85.0 {
        return Err(bad(format!(
            "{w},{s},{e},{n} leaves the globe (longitudes -180..180, latitudes -85..85)"
        )));
    }
    if e - w > 90.0 || n - s > 90.0 {
        return Err(bad(format!(
            "{:.1}° × {:.1}° is more than one map can show without large distortion",
            e - w,
            n - s
        )));
    }
    Ok(())
}

/// The lon/lat box of a set of geometries, or `None` when they have no coordinates.
pub fn geometry_box<'a>(geoms: impl IntoIterator<Item = &'a Geometry>) -> Option<LonLatBox> {
    use geo::BoundingRect;
    let mut b: Option<LonLatBox> = None;
    for g in geoms {
        if let Some(r) = g.bounding_rect() {
            let (lo, hi) = (r.min(), r.max());
            b = Some(match b {
                None => [lo.x, lo.y, hi.x, hi.y],
                Some(b) => [
                    b[0].min(lo.x),
                    b[1].min(lo.y),
                    b[2].max(hi.x),
                    b[3].max(hi.y),
                ],
            });
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_box_centre_is_the_frame_centre_and_north_is_up() {
        let v = View::fit([22.0, 44.0, 40.0, 52.0], 1000.0, 800.0, 0.0).unwrap();
        let (x, y) = v.px(31.0, 48.0).unwrap();
        assert!(
            (x - 500.0).abs() < 1.0 && (y - 400.0).abs() < 20.0,
            "{x},{y}"
        );
        let (_, y_north) = v.px(31.0, 50.0).unwrap();
        assert!(y_north < y);
        let (x_north, _) = v.px(31.0, 50.0).unwrap();
        assert!(
            (x_north - x).abs() < 0.01,
            "the central meridian is vertical"
        );
    }

    #[test]
    fn pixels_round_trip_through_lon_lat() {
        let v = View::fit([14.0, 42.0, 41.0, 56.0], 2048.0, 1500.0, 0.04).unwrap();
        let (lon, lat) = v.lonlat(123.0, 456.0).unwrap();
        let (x, y) = v.px(lon, lat).unwrap();
        assert!((x - 123.0).abs() < 1e-3 && (y - 456.0).abs() < 1e-3);
    }

    #[test]
    fn clipping_keeps_the_inside_and_runs_along_the_box() {
        // a square half outside the box [0, 0, 10, 10]
        let sq = [(5.0, 5.0), (15.0, 5.0), (15.0, 8.0), (5.0, 8.0)];
        let c = clip_ring(&sq, [0.0, 0.0, 10.0, 10.0]);
        let area: f32 = (0..c.len())
            .map(|i| {
                let (a, b) = (c[i], c[(i + 1) % c.len()]);
                a.0 * b.1 - b.0 * a.1
            })
            .sum::<f32>()
            / 2.0;
        assert!((area.abs() - 15.0).abs() < 1e-4, "{area}");
        assert!(
            clip_ring(
                &[(20.0, 20.0), (30.0, 20.0), (30.0, 30.0)],
                [0.0, 0.0, 10.0, 10.0]
            )
            .is_empty()
        );
    }

    #[test]
    fn bad_boxes_are_refused_with_the_option_named() {
        for b in [
            [40.0, 44.0, 20.0, 52.0],
            [20.0, 52.0, 40.0, 44.0],
            [-200.0, 0.0, 0.0, 10.0],
            [0.0, -10.0, 120.0, 10.0],
            [f64::NAN, 0.0, 1.0, 1.0],
        ] {
            let e = check_box(b).unwrap_err().to_string();
            assert!(e.starts_with("--bbox"), "{e}");
        }
    }
}
