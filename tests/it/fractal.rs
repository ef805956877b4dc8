//! Self-similar "detailed borders": polygons and lines with detail at every scale, as national
//! 1:10,000 boundaries and OpenStreetMap coastlines have, unlike the jagged stars (`star()` in
//! `buffer_scale.rs`), whose detail sits at one scale (per-vertex noise on two smooth waves).
//!
//! Random midpoint displacement: at every level each edge gets a new middle vertex pushed sideways
//! by 15–30 % of the edge's length, to a random side. The displacement ratio is the same at every
//! level, so the outline is statistically self-similar (box-counting dimension ≈ 1.15–1.2, between
//! a land border's and a coastline's). A displacement whose two new edges would cross any current
//! edge is not made (the vertex stays on the edge), so every level is simple by induction: the
//! output is a valid polygon or a simple line at any depth. Built in a plane (km) and mapped to
//! lon/lat by an affine map around 30°E 50°N, which keeps straight edges straight and hence keeps
//! the ring simple. Deterministic (fixed seeds); shared with `benches/buffer.rs`.

use geo::{Coord, Line, LineString, MultiPolygon, Polygon};
use std::collections::HashMap;

/// Deterministic noise in [0, 1).
fn unit(state: &mut u64) -> f64 {
    *state = state
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    (*state >> 11) as f64 / (1u64 << 53) as f64
}

/// Smallest and largest sideways push, as fractions of the edge's length.
const PUSH: (f64, f64) = (0.15, 0.30);

/// Least gap kept between a new edge and the rest of the outline, as a fraction of the edge's
/// length: a written file rounds coordinates to 1e-7° (~1 cm), and an outline of a million
/// vertices (edges of a few metres) with near-contacts closer than that would be written invalid.
const CLEARANCE: f64 = 0.02;

/// A closed border of `16 · 2^levels` vertices around 30°E 50°N, radius ~400 km (a 16-gon with a
/// 7-fold wave, then `levels` of displacement), counter-clockwise. `levels` 6 → 1,024 vertices,
/// 10 → 16,384, 13 → 131,072, 16 → 1,048,576.
pub fn border(levels: u32, seed: u64) -> Polygon {
    let base: Vec<Coord> = (0..16)
        .map(|i| {
            let t = std::f64::consts::TAU * i as f64 / 16.0;
            let r = 400.0 * (1.0 + 0.15 * (7.0 * t).sin());
            Coord {
                x: r * t.cos(),
                y: r * t.sin(),
            }
        })
        .collect();
    let ring = displace(base, levels, true, seed);
    let mut ring: Vec<Coord> = ring.into_iter().map(to_lonlat).collect();
    ring.push(ring[0]);
    Polygon::new(LineString::new(ring), vec![])
}

/// An open line of `16 · 2^levels + 1` vertices from ~25°E 48.5°N heading east-north-east over
/// ~700 km (before displacement), with the same self-similar detail as [`border`].
pub fn detailed_line(levels: u32, seed: u64) -> LineString {
    let base: Vec<Coord> = (0..=16)
        .map(|i| {
            let x = -350.0 + 700.0 * i as f64 / 16.0;
            Coord {
                x,
                y: 0.3 * x + 60.0 * (x / 90.0).sin() - 120.0,
            }
        })
        .collect();
    LineString::new(
        displace(base, levels, false, seed)
            .into_iter()
            .map(to_lonlat)
            .collect(),
    )
}

/// [`border`] of `levels` and seed 1 with `islets` detailed islets off its coast: an outline of
/// many rings, as a country with its islands or a threat of several territories. Islet `k` is
/// `border(levels − 4, k + 2)` scaled to 3–8 % (radii of 14–37 km) and centred 560–860 km from
/// the border's centre, `360° / islets` apart: beyond the border's farthest reach (460 km; the
/// nearest islet vertex is 528 km out, and the test checks the parts are disjoint). With 24
/// islets, 7 lie within 200 km of the coast (76–425 km from it) and many within 200 km of each
/// other. Affine maps of simple rings: every ring is simple.
pub fn archipelago(levels: u32, islets: usize) -> MultiPolygon {
    let mut parts = vec![border(levels, 1)];
    for k in 0..islets {
        let t = std::f64::consts::TAU * k as f64 / islets as f64;
        let scale = 0.03 + 0.05 * ((k * 7) % 11) as f64 / 10.0;
        let centre = 560.0 + 300.0 * ((k * 5) % 9) as f64 / 8.0;
        let shift = Coord {
            x: centre * t.cos(),
            y: centre * t.sin(),
        };
        let islet = border(levels.saturating_sub(4).max(2), k as u64 + 2);
        let moved = islet
            .exterior()
            .0
            .iter()
            .map(|&c| to_lonlat(from_lonlat(c) * scale + shift))
            .collect::<Vec<_>>();
        parts.push(Polygon::new(LineString::new(moved), vec![]));
    }
    MultiPolygon::new(parts)
}

/// The inverse of [`to_lonlat`].
fn from_lonlat(c: Coord) -> Coord {
    Coord {
        x: (c.x - 30.0) * 111.32 * 50f64.to_radians().cos(),
        y: (c.y - 50.0) * 111.2,
    }
}

/// Plane km around (30°E, 50°N) to lon/lat: affine, so simple rings stay simple.
fn to_lonlat(c: Coord) -> Coord {
    Coord {
        x: 30.0 + c.x / (111.32 * 50f64.to_radians().cos()),
        y: 50.0 + c.y / 111.2,
    }
}

/// `levels` rounds of displacement of `pts` (a ring when `closed`, else a line).
fn displace(mut pts: Vec<Coord>, levels: u32, closed: bool, seed: u64) -> Vec<Coord> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for _ in 0..levels {
        pts = one_level(&pts, closed, &mut state);
    }
    pts
}

/// The edges of the current outline, by grid cell, so that a new vertex is checked only against
/// edges near it.
struct Grid {
    cell: f64,
    cells: HashMap<(i64, i64), Vec<usize>>,
}

impl Grid {
    fn keys(&self, a: Coord, b: Coord, pad: f64) -> impl Iterator<Item = (i64, i64)> + use<> {
        let k = |v: f64| (v / self.cell).floor() as i64;
        let (x0, x1) = (k(a.x.min(b.x) - pad), k(a.x.max(b.x) + pad));
        let (y0, y1) = (k(a.y.min(b.y) - pad), k(a.y.max(b.y) + pad));
        (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
    }
}

/// One level: a middle vertex in every edge, pushed sideways unless that would cross the outline.
fn one_level(pts: &[Coord], closed: bool, state: &mut u64) -> Vec<Coord> {
    let n_edges = if closed { pts.len() } else { pts.len() - 1 };
    let end = |i: usize| pts[(i + 1) % pts.len()];
    let longest = (0..n_edges)
        .map(|i| (end(i) - pts[i]).x.hypot((end(i) - pts[i]).y))
        .fold(0.0, f64::max);
    let pad = PUSH.1 * longest;
    let mut grid = Grid {
        cell: longest + 2.0 * pad,
        cells: HashMap::new(),
    };
    for (i, &start) in pts.iter().enumerate().take(n_edges) {
        for key in grid.keys(start, end(i), pad) {
            grid.cells.entry(key).or_default().push(i);
        }
    }
    // mid[i]: the middle vertex given to edge i so far (None: edge i not yet split)
    let mut mid: Vec<Option<Coord>> = vec![None; n_edges];
    for i in 0..n_edges {
        let (a, b) = (pts[i], end(i));
        let d = b - a;
        let push = PUSH.0 + (PUSH.1 - PUSH.0) * unit(state);
        let clear = CLEARANCE * d.x.hypot(d.y);
        let side = if unit(state) < 0.5 { -1.0 } else { 1.0 };
        let m = Coord {
            x: 0.5 * (a.x + b.x) - side * push * d.y,
            y: 0.5 * (a.y + b.y) + side * push * d.x,
        };
        let crosses = grid.keys(a, b, pad).any(|key| {
            grid.cells.get(&key).is_some_and(|edges| {
                edges
                    .iter()
                    .any(|&j| j != i && meets(&[a, m, b], &current(pts, &mid, j, end(j)), clear))
            })
        });
        mid[i] = Some(if crosses {
            Coord {
                x: 0.5 * (a.x + b.x),
                y: 0.5 * (a.y + b.y),
            }
        } else {
            m
        });
    }
    let mut out = Vec::with_capacity(2 * pts.len());
    for i in 0..n_edges {
        out.push(pts[i]);
        out.extend(mid[i]);
    }
    if !closed {
        out.push(pts[pts.len() - 1]);
    }
    out
}

/// Edge `j` as it stands: two halves once split, else whole.
fn current(pts: &[Coord], mid: &[Option<Coord>], j: usize, end: Coord) -> Vec<Coord> {
    match mid[j] {
        Some(m) => vec![pts[j], m, end],
        None => vec![pts[j], end],
    }
}

/// Whether the two-edge path `new` comes nearer than `clearance` to the path `old` (segments that
/// share an end point: whether they meet anywhere else).
fn meets(new: &[Coord], old: &[Coord], clearance: f64) -> bool {
    use geo::line_intersection::{LineIntersection, line_intersection};
    use geo::{Distance, Euclidean};
    new.windows(2).any(|u| {
        old.windows(2).any(|v| {
            let (u, v) = (Line::new(u[0], u[1]), Line::new(v[0], v[1]));
            let shared = [v.start, v.end]
                .into_iter()
                .find(|p| *p == u.start || *p == u.end);
            match (shared, line_intersection(u, v)) {
                (None, _) => Euclidean.distance(&u, &v) < clearance,
                (Some(_), None) => false,
                (Some(p), Some(LineIntersection::SinglePoint { intersection, .. })) => {
                    intersection != p
                }
                (Some(_), Some(LineIntersection::Collinear { .. })) => true,
            }
        })
    })
}
