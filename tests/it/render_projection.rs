//! The map projection against reference values: EPSG Guidance Note 7-2 (IOGP 373-7-2, the
//! worked LAEA example for ETRS89-LAEA) and PROJ 9.5.1 (through pyproj 3.7.2, values pasted
//! below), for EPSG:3035 and for the map's own LAEA centred on the default plan (28.5°E 48.5°N).
//! With the `proj` feature the same points are compared with PROJ 9.6 live.

use iapz::render::MapProjection;

/// lon, lat (degrees) → E, N (metres), EPSG:3035.
const EPSG_3035: [(f64, f64, f64, f64); 6] = [
    // EPSG Guidance Note 7-2, §3.3.2 example: 50°N 5°E → 3 962 799.45 E, 2 999 718.85 N
    (5.0, 50.0, 3962799.4510, 2999718.8532),
    (24.0, 49.8, 5322016.5488, 3061145.3600),
    (36.2, 50.0, 6153685.5678, 3320414.0789),
    (14.0, 42.0, 4653428.9298, 2108408.5572),
    (41.0, 56.0, 6186685.4099, 4067404.9961),
    (30.5, 50.45, 5755199.8132, 3240320.8731),
];

/// lon, lat → x, y for `+proj=laea +lat_0=48.5 +lon_0=28.5 +ellps=WGS84`, PROJ 9.5.1.
const MAP_LAEA: [(f64, f64, f64, f64); 7] = [
    (28.5, 48.5, 0.0, 0.0),
    (24.0, 49.8, -323770.6447, 154118.7603),
    (36.2, 50.0, 550992.2973, 194665.1002),
    (14.0, 42.0, -1195049.4320, -611389.6865),
    (41.0, 56.0, 777236.6428, 899300.3697),
    (30.5, 50.45, 142054.9102, 218727.9392),
    (15.38, 49.94, -936332.3111, 240997.3465),
];

fn check(p: &MapProjection, table: &[(f64, f64, f64, f64)]) {
    for &(lon, lat, e, n) in table {
        let (x, y) = p.forward(lon, lat).unwrap();
        // the reference values are printed to 0.1 mm
        assert!(
            (x - e).abs() < 1e-3 && (y - n).abs() < 1e-3,
            "{lon},{lat}: {x:.4},{y:.4} vs {e},{n}"
        );
        let (lon2, lat2) = p.inverse(x, y).unwrap();
        assert!((lon2 - lon).abs() < 1e-9 && (lat2 - lat).abs() < 1e-9);
    }
}

#[test]
fn etrs89_laea_matches_the_epsg_guidance_note_and_proj() {
    check(&MapProjection::etrs89_laea().unwrap(), &EPSG_3035);
}

#[test]
fn the_maps_laea_matches_proj() {
    check(&MapProjection::laea(28.5, 48.5).unwrap(), &MAP_LAEA);
}

#[test]
fn the_default_map_is_centred_where_the_reference_assumes() {
    // the map's centre is the plan's area of interest rounded to 0.5°: if it moves, the table
    // above no longer tests the projection the default map uses
    let (s, plan) = crate::common::default_plan();
    let scene = iapz::outputs::plan_scene(
        &plan.layers,
        &plan.report,
        &s.data,
        &iapz::render::MapOptions {
            size: 512,
            bbox: None,
        },
    )
    .unwrap();
    assert_eq!(scene.georef.centre, (28.5, 48.5));
}

#[test]
fn undefined_and_bad_centres_are_refused() {
    assert!(MapProjection::laea(10.0, 89.5).is_err());
    assert!(MapProjection::laea(f64::NAN, 40.0).is_err());
    let p = MapProjection::laea(28.5, 48.5).unwrap();
    assert_eq!(p.forward(f64::NAN, 10.0), None);
}

#[cfg(feature = "proj")]
#[test]
fn proj4rs_agrees_with_proj_over_the_map_window() {
    let p = MapProjection::laea(28.5, 48.5).unwrap();
    let reference =
        proj::Proj::new_known_crs("+proj=longlat +ellps=WGS84 +no_defs", p.definition(), None)
            .unwrap();
    let mut worst: f64 = 0.0;
    for i in 0..=20 {
        for j in 0..=20 {
            let lon = 8.0 + 42.0 * i as f64 / 20.0;
            let lat = 38.0 + 24.0 * j as f64 / 20.0;
            let (x, y) = p.forward(lon, lat).unwrap();
            let (rx, ry) = reference.convert((lon, lat)).unwrap();
            worst = worst.max((x - rx).abs()).max((y - ry).abs());
        }
    }
    assert!(worst < 1e-6, "proj4rs and PROJ differ by {worst} m");
}
