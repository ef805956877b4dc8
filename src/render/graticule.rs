//! Meridians and parallels every 1, 2, 5 or 10 degrees (the smallest step giving at most
//! eight lines across the frame), with degree labels where they meet the frame's bottom and left
//! edges.

use super::scene::Path;
use super::view::View;
use geo::{Coord, LineString};

/// A graticule line's label: its text and where it meets the frame edge (frame pixels).
pub struct EdgeLabel {
    pub text: String,
    pub at: f32,
}

/// The graticule as a path, with the labels of the meridians on the bottom edge and of the
/// parallels on the left edge.
pub struct Graticule {
    pub path: Path,
    pub step_deg: f64,
    pub bottom: Vec<EdgeLabel>,
    pub left: Vec<EdgeLabel>,
}

/// Draws the graticule over the view's visible box.
pub fn graticule(view: &View, visible: [f64; 4]) -> Graticule {
    let [w, s, e, n] = visible;
    let span = (e - w).min(n - s);
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .find(|st| span / st <= 8.0)
        .unwrap_or(20.0);
    let mut path = Path::default();
    let mut bottom = Vec::new();
    let mut left = Vec::new();
    let (s, n) = (s.max(-89.0), n.min(89.0));
    let mut lon = (w / step).ceil() * step;
    while lon <= e {
        let line = sampled(|t| (lon, s + (n - s) * t));
        let px = view.line_px(&line);
        if let Some(x) = crossing(&px, |p| p.1 - view.height, |p| p.0) {
            bottom.push(EdgeLabel {
                text: degrees(lon, 'E', 'W'),
                at: x,
            });
        }
        path.push_polyline(&px, false);
        lon += step;
    }
    let mut lat = (s / step).ceil() * step;
    while lat <= n {
        let line = sampled(|t| (w + (e - w) * t, lat));
        let px = view.line_px(&line);
        if let Some(y) = crossing(&px, |p| p.0, |p| p.1) {
            left.push(EdgeLabel {
                text: degrees(lat, 'N', 'S'),
                at: y,
            });
        }
        path.push_polyline(&px, false);
        lat += step;
    }
    Graticule {
        path,
        step_deg: step,
        bottom,
        left,
    }
}

/// A line sampled at 200 points of `f(t)`, t in 0..=1 (edges stay curves after projection).
fn sampled(f: impl Fn(f64) -> (f64, f64)) -> LineString {
    LineString::new(
        (0..=200)
            .map(|i| {
                let (x, y) = f(i as f64 / 200.0);
                Coord { x, y }
            })
            .collect(),
    )
}

/// Where the polyline first changes the sign of `side` (the edge), as `along` interpolated.
fn crossing(
    px: &[(f32, f32)],
    side: impl Fn(&(f32, f32)) -> f32,
    along: impl Fn(&(f32, f32)) -> f32,
) -> Option<f32> {
    px.windows(2).find_map(|w| {
        let (a, b) = (side(&w[0]), side(&w[1]));
        if (a <= 0.0) != (b <= 0.0) {
            let t = a / (a - b);
            Some(along(&w[0]) + t * (along(&w[1]) - along(&w[0])))
        } else {
            None
        }
    })
}

/// `24°E`, `48.5°N`, `3°W`, `0°`.
pub fn degrees(v: f64, pos: char, neg: char) -> String {
    if v == 0.0 {
        return "0°".into();
    }
    let h = if v > 0.0 { pos } else { neg };
    let a = v.abs();
    if a.fract() == 0.0 {
        format!("{a:.0}°{h}")
    } else {
        format!("{a}°{h}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degree_labels() {
        assert_eq!(degrees(24.0, 'E', 'W'), "24°E");
        assert_eq!(degrees(-3.0, 'E', 'W'), "3°W");
        assert_eq!(degrees(48.0, 'N', 'S'), "48°N");
        assert_eq!(degrees(0.0, 'E', 'W'), "0°");
    }

    #[test]
    fn meridian_labels_sit_where_the_meridians_leave_the_frame() {
        let v = View::fit([22.0, 44.0, 40.0, 52.0], 1000.0, 800.0, 0.0).unwrap();
        let g = graticule(&v, [20.0, 42.0, 42.0, 54.0]);
        assert_eq!(g.step_deg, 2.0);
        let l = g.bottom.iter().find(|l| l.text == "32°E").unwrap();
        let (lon, _) = v.lonlat(l.at, v.height).unwrap();
        assert!((lon - 32.0).abs() < 0.01, "{lon}");
        let p = g.left.iter().find(|l| l.text == "48°N").unwrap();
        let (_, lat) = v.lonlat(0.0, p.at).unwrap();
        assert!((lat - 48.0).abs() < 0.01, "{lat}");
    }
}
