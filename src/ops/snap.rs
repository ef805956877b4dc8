//! Rounding a ring to a fixed number of decimals without making it invalid.
//!
//! Rounding lon/lat to 7 decimals (1e-7°, about 1.1 cm) can make neighbouring vertices equal
//! and turn a narrow V into a zero-width spike A → B → A; a ring written like that is invalid
//! (OGC: a self-intersection). The writers round first, then remove repeats and spikes here.

use geo::Coord;

/// `v` rounded to `decimals` decimals (no negative zero).
///
/// ```
/// assert_eq!(iapz::ops::round_to(30.123_456_749, 7), 30.123_456_7);
/// assert_eq!(iapz::ops::round_to(-1e-9, 7).to_bits(), 0.0f64.to_bits());
/// ```
pub fn round_to(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f + 0.0
}

/// A closed ring (first == last) rounded to `decimals` decimals, with repeated points and
/// spikes (a vertex whose neighbours coincide after rounding) removed until none is left.
/// The result is closed; it has fewer than 4 points when the ring collapses.
///
/// ```
/// use geo::coord;
/// let ring = [
///     coord! { x: 0.0, y: 0.0 },
///     coord! { x: 1.0, y: 0.0 },
///     coord! { x: 1.00000001, y: 0.0 }, // repeats (1, 0) at 7 decimals
///     coord! { x: 1.0, y: 1.0 },
///     coord! { x: 1.0, y: 2.0 },        // spike: back to (1, 1)
///     coord! { x: 1.00000002, y: 1.0 },
///     coord! { x: 0.0, y: 1.0 },
///     coord! { x: 0.0, y: 0.0 },
/// ];
/// let out = iapz::ops::snap_ring(&ring, 7);
/// assert_eq!(out.len(), 5);
/// ```
pub fn snap_ring(ring: &[Coord], decimals: i32) -> Vec<Coord> {
    let mut v: Vec<Coord> = ring
        .iter()
        .map(|c| Coord {
            x: round_to(c.x, decimals),
            y: round_to(c.y, decimals),
        })
        .collect();
    if v.len() > 1 && v.first() == v.last() {
        v.pop();
    }
    let mut out: Vec<Coord> = Vec::with_capacity(v.len());
    for c in v {
        push_without_spikes(&mut out, c);
    }
    // The seam: the ring's end may repeat or spike back onto its start.
    loop {
        let n = out.len();
        if n >= 2 && out[n - 1] == out[0] {
            out.pop();
        } else if n >= 3 && out[n - 2] == out[0] {
            out.truncate(n - 2);
        } else if n >= 3 && out[n - 1] == out[1] {
            out.pop();
            out.remove(0);
        } else {
            break;
        }
    }
    if let Some(first) = out.first().copied() {
        out.push(first);
    }
    out
}

fn push_without_spikes(out: &mut Vec<Coord>, c: Coord) {
    loop {
        if out.last() == Some(&c) {
            return;
        }
        // c returns to the vertex before the last: the last one is the tip of a spike.
        if out.len() >= 2 && out[out.len() - 2] == c {
            out.pop();
            continue;
        }
        out.push(c);
        return;
    }
}
