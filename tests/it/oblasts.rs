//! Per-oblast figures of the default plan (issue 17 part 4): the parts of each oblast add up, the
//! areas agree with GeographicLib's PolygonArea, and the people counted in the zone, the band and
//! the strip agree with an independent point-in-polygon test.

use crate::common::default_plan;
use geo::{Coord, LineString, MultiPolygon, Polygon};
use geographiclib_rs::{Geodesic, PolygonArea, Winding};
use iapz::ops::intersection;
use iapz::plan::OblastFigures;

/// GeographicLib's area of one ring, m² (unsigned).
fn ring_m2(ring: &LineString) -> f64 {
    let g = Geodesic::wgs84();
    let mut pa = PolygonArea::new(&g, Winding::CounterClockwise);
    let pts = &ring.0;
    // the closing vertex repeats the first one
    for c in &pts[..pts.len().saturating_sub(1)] {
        pa.add_point(c.y, c.x);
    }
    let (_, area, _) = pa.compute(true);
    area.abs()
}

/// GeographicLib's area of a multipolygon (holes subtracted), km².
fn oracle_km2(m: &MultiPolygon) -> f64 {
    m.0.iter()
        .map(|p| ring_m2(p.exterior()) - p.interiors().iter().map(ring_m2).sum::<f64>())
        .sum::<f64>()
        / 1e6
}

/// Even–odd ray casting on lon/lat rings (independent of `geo`'s Contains).
fn ring_holds(ring: &LineString, p: Coord) -> bool {
    let mut inside = false;
    for w in ring.0.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a.y > p.y) != (b.y > p.y) && p.x < a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x) {
            inside = !inside;
        }
    }
    inside
}

fn holds(m: &MultiPolygon, p: Coord) -> bool {
    m.0.iter().any(|poly: &Polygon| {
        ring_holds(poly.exterior(), p) && !poly.interiors().iter().any(|r| ring_holds(r, p))
    })
}

fn rows() -> &'static [OblastFigures] {
    &default_plan().1.report.oblasts
}

#[test]
fn every_oblast_is_reported_and_its_parts_add_up() {
    let (s, _) = default_plan();
    assert_eq!(rows().len(), 27);
    for (r, o) in rows().iter().zip(&s.data.oblasts) {
        assert_eq!(r.code, o.code);
        let total = r.zone_pct + r.standoff_pct + r.occupied_pct + r.rest_pct;
        assert!(
            (total - 100.0).abs() <= 0.01,
            "{}: zone {} + band {} + occupied {} + rest {} = {total}",
            r.code,
            r.zone_pct,
            r.standoff_pct,
            r.occupied_pct,
            r.rest_pct
        );
        assert!(r.strip_pct >= 0.0 && r.strip_pct <= 100.0);
    }
    let by = |code: &str| rows().iter().find(|r| r.code == code).unwrap();
    // Crimea is occupied; Lviv is wholly in the zone; Kyiv city is cut by the zone's edge
    assert!(by("UA-43").occupied_pct > 99.9);
    assert!(by("UA-46").zone_pct > 99.9);
    let kyiv = by("UA-30");
    eprintln!(
        "Kyiv city: zone {} %, band {} %",
        kyiv.zone_pct, kyiv.standoff_pct
    );
    assert!(kyiv.zone_pct > 1.0 && kyiv.zone_pct < 99.0);
}

#[test]
fn areas_and_zone_shares_agree_with_geographiclib() {
    let (s, plan) = default_plan();
    let zone = &plan.layer("zone").unwrap().features[0].geometry;
    let geo::Geometry::MultiPolygon(zone) = zone else {
        panic!("zone is a MultiPolygon")
    };
    for (r, o) in rows().iter().zip(&s.data.oblasts) {
        let area = oracle_km2(&o.geometry);
        assert!(
            (r.area_km2 - area).abs() <= 0.1 + 1e-6 * area,
            "{}: {} km² against GeographicLib {area:.2}",
            r.code,
            r.area_km2
        );
    }
    for code in ["UA-30", "UA-63", "UA-32", "UA-51"] {
        let r = rows().iter().find(|r| r.code == code).unwrap();
        let o = s.data.oblast(code).unwrap();
        let share =
            100.0 * oracle_km2(&intersection(&o.geometry, zone, 0.5)) / oracle_km2(&o.geometry);
        eprintln!("{code}: zone {share:.3} % (report {})", r.zone_pct);
        assert!(
            (share - r.zone_pct).abs() < 0.01,
            "{code}: {share} vs {}",
            r.zone_pct
        );
    }
}

#[test]
fn people_in_the_zone_band_and_strip_agree_with_point_in_polygon() {
    let (s, plan) = default_plan();
    let area = |name: &str| match &plan.layer(name).unwrap().features[0].geometry {
        geo::Geometry::MultiPolygon(m) => m.clone(),
        geo::Geometry::Polygon(p) => MultiPolygon::new(vec![p.clone()]),
        g => panic!("{name}: {g:?}"),
    };
    let (zone, strip) = (area("zone"), area("strip"));
    let band = intersection(&area("controlled"), &area("standoff"), 0.5);
    // towns off the 1:10M land go with the nearest part, and towns whose point is a vertex of
    // the line of contact lie on the edge of the zone's parts: both may differ from ray casting
    let line = geo::Geometry::LineString(s.data.contact_line.clone());
    let line = iapz::ops::GeometryDistance::new(&line);
    let edge_cases: u64 = s
        .data
        .cities
        .iter()
        .filter(|c| {
            !holds(&s.data.ukraine_1991, c.location) || line.to_point(c.location).distance_m < 10.0
        })
        .map(|c| c.population)
        .sum();
    let count = |m: &MultiPolygon| -> u64 {
        s.data
            .cities
            .iter()
            .filter(|c| holds(m, c.location))
            .map(|c| c.population)
            .sum()
    };
    let p = &plan.report.population;
    eprintln!(
        "people: zone {}, band {}, strip {}, occupied {}, rest {} of {} ({edge_cases} off the mapped land or on the line)",
        p.in_zone, p.in_standoff, p.in_strip, p.in_occupied, p.in_rest, p.total
    );
    for (what, reported, pip) in [
        ("zone", p.in_zone, count(&zone)),
        ("band", p.in_standoff, count(&band)),
        ("strip", p.in_strip, count(&strip)),
    ] {
        assert!(
            reported.abs_diff(pip) <= edge_cases,
            "{what}: reported {reported}, point-in-polygon {pip}, off land or on the line {edge_cases}"
        );
    }
    assert_eq!(
        p.in_zone + p.in_standoff + p.in_occupied + p.in_rest,
        p.total
    );
    let rows_total: u64 = rows().iter().map(|r| r.population).sum();
    assert_eq!(rows_total, p.total, "every city is in one oblast");
    assert!(p.in_zone > 0 && p.in_standoff > 0);
}
