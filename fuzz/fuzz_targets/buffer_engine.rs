//! Random small geometries and distances through the geodesic buffer: Ok or a GeomError, never a
//! panic; an Ok result has finite coordinates in range.
#![no_main]
use geo::{Coord, Geometry, LineString, Point, Polygon};
use iapz::ops::{buffer_geometry, check_coordinates, BufferOptions, Side};
use libfuzzer_sys::fuzz_target;

/// Reads an f64 from 2 bytes scaled into `lo..hi` (keeps inputs meaningful, not all NaN).
fn scaled(bytes: &[u8], lo: f64, hi: f64) -> f64 {
    let v = u16::from_le_bytes([bytes[0], bytes[1]]) as f64 / u16::MAX as f64;
    lo + v * (hi - lo)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let (head, rest) = data.split_at(6);
    let kind = head[0] % 4;
    let side = match head[1] % 3 {
        0 => Side::Both,
        1 => Side::Left,
        _ => Side::Right,
    };
    let distance = scaled(&head[2..4], -300_000.0, 1_000_000.0);
    let tolerance = scaled(&head[4..6], 0.5, 5_000.0);
    // Points near a random centre (a spread of up to 10° keeps it a local shape).
    let centre = Coord { x: scaled(&rest[0..2], -179.0, 179.0), y: scaled(&rest[0..2].iter().rev().copied().collect::<Vec<_>>(), -85.0, 85.0) };
    let coords: Vec<Coord> = rest[2..]
        .chunks_exact(2)
        .take(64)
        .map(|c| Coord {
            x: (centre.x + (c[0] as f64 - 128.0) / 12.8).clamp(-180.0, 180.0),
            y: (centre.y + (c[1] as f64 - 128.0) / 25.6).clamp(-90.0, 90.0),
        })
        .collect();
    if coords.is_empty() {
        return;
    }
    let geom: Geometry = match kind {
        0 => Point::from(coords[0]).into(),
        1 if coords.len() >= 2 => LineString::new(coords).into(),
        2 | 3 if coords.len() >= 3 => {
            let mut ring = coords;
            ring.push(ring[0]);
            Polygon::new(LineString::new(ring), vec![]).into()
        }
        _ => return,
    };
    if check_coordinates(&geom).is_err() {
        return;
    }
    let options = BufferOptions { tolerance_m: tolerance, side };
    if let Ok(out) = buffer_geometry(&geom, distance, &options) {
        let out: Geometry = out.into();
        for c in geo::CoordsIter::coords_iter(&out) {
            assert!(c.x.is_finite() && c.y.is_finite(), "non-finite output {c:?}");
            assert!(c.x.abs() <= 180.0 + 1e-9 && c.y.abs() <= 90.0 + 1e-9, "out of range {c:?}");
        }
    }
});
