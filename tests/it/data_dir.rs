//! `--data DIR` reads the same datasets as the embedded copy; bad files are named in errors;
//! `iapz data list|export` work from any directory.

use iapz::data::{Datasets, FILES};
use std::path::Path;
use std::process::Command;

fn geodata() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata"))
}

fn copy_geodata(to: &Path) {
    for f in FILES {
        std::fs::copy(geodata().join(f), to.join(f)).unwrap();
    }
}

#[test]
fn a_copy_of_geodata_reads_like_the_embedded_data() {
    let dir = tempfile::tempdir().unwrap();
    copy_geodata(dir.path());
    let a = Datasets::embedded().unwrap();
    let b = Datasets::from_dir(dir.path()).unwrap();
    assert_eq!(a.ukraine_1991, b.ukraine_1991);
    assert_eq!(a.oblasts, b.oblasts);
    assert_eq!(a.neighbours, b.neighbours);
    assert_eq!(a.context, b.context);
    assert_eq!(a.contact_line, b.contact_line);
    assert_eq!(a.contact_line_as_of, b.contact_line_as_of);
    assert_eq!(a.occupied, b.occupied);
    assert_eq!(a.airfields, b.airfields);
    assert_eq!(a.assets, b.assets);
    assert_eq!(a.aircraft, b.aircraft);
    assert_eq!(a.provenance, b.provenance);
}

#[test]
fn typed_records_and_lookups() {
    let d = Datasets::embedded().unwrap();
    assert_eq!(d.contact_line_as_of, "2026-01");
    let kyiv = d.oblast("UA-30").unwrap();
    assert_eq!(
        (kyiv.name_en.as_str(), kyiv.name_uk.as_deref()),
        ("Kyiv", Some("Київ"))
    );
    assert!(d.neighbour("pl").unwrap().borders_ukraine);
    assert!(!d.neighbour("CZ").unwrap().borders_ukraine);
    let de = d.context_country("de").unwrap();
    assert_eq!(
        (de.name_en.as_str(), de.borders_ukraine),
        ("Germany", false)
    );
    assert!(d.context_country("PL").is_none() && d.neighbour("DE").is_none());
    let f35 = d.aircraft("f-35a").unwrap();
    assert_eq!(
        (f35.combat_radius_km_low, f35.combat_radius_km_high),
        (Some(1080.0), Some(1200.0))
    );
    let mig = d.aircraft("MiG-29 (Polish Air Force)").unwrap();
    assert_eq!(mig.combat_radius_km_low, None);
    assert!(
        d.asset("npp_rivne")
            .unwrap()
            .source
            .contains("GeoNames Varash")
    );
    assert_eq!(d.airfield("LR80").unwrap().country, "RO");
    assert!(d.airfield("XXXX").is_none());
    for name in iapz::data::LAYER_NAMES {
        let layer = d.export_layer(name).unwrap();
        assert!(!layer.features.is_empty(), "{name}");
        let _ = iapz::style::style_for(&layer.name);
    }
    assert!(d.export_layer("aircraft").is_none());
}

#[test]
fn errors_name_the_file_and_the_feature() {
    let dir = tempfile::tempdir().unwrap();
    copy_geodata(dir.path());
    // An oblast without its Ukrainian name.
    let path = dir.path().join("oblasts.geojson");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("\"name_uk\"", "\"name_xx\"", 1)).unwrap();
    let e = Datasets::from_dir(dir.path()).unwrap_err().to_string();
    assert!(
        e.contains("oblasts.geojson") && e.contains("feature #0") && e.contains("name_uk"),
        "{e}"
    );
    copy_geodata(dir.path());
    // An airfield whose latitude is not a number.
    let path = dir.path().join("airfields.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen(",50.11,", ",fifty,", 1)).unwrap();
    let e = Datasets::from_dir(dir.path()).unwrap_err().to_string();
    assert!(e.contains("airfields.csv") && e.contains("line 2"), "{e}");
    // A missing file.
    std::fs::remove_file(dir.path().join("occupied.geojson")).unwrap();
    let e = Datasets::from_dir(dir.path()).unwrap_err().to_string();
    assert!(e.contains("occupied.geojson"), "{e}");
}

#[test]
fn a_folder_without_context_geojson_is_told_what_to_do() {
    // A data folder made before context.geojson shipped.
    let dir = tempfile::tempdir().unwrap();
    copy_geodata(dir.path());
    let missing = dir.path().join("context.geojson");
    std::fs::remove_file(&missing).unwrap();
    let e = Datasets::from_dir(dir.path()).unwrap_err();
    let (text, hint) = (e.to_string(), e.hint().unwrap_or_default().to_string());
    assert!(
        text.contains("context.geojson") && text.contains("No such file"),
        "{text}"
    );
    assert!(
        hint.contains("copy context.geojson from the shipped geodata/")
            && hint.contains("iapz data export context -o")
            && hint.contains("provenance.json"),
        "{hint}"
    );
    // The command of the hint writes the shipped file byte for byte; the folder then loads.
    let out = Command::new(env!("CARGO_BIN_EXE_iapz"))
        .args(["data", "export", "context", "-o"])
        .arg(&missing)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(&missing).unwrap(),
        std::fs::read(geodata().join("context.geojson")).unwrap()
    );
    let d = Datasets::from_dir(dir.path()).unwrap();
    assert_eq!(d.context, Datasets::embedded().unwrap().context);
}

#[test]
fn the_cli_lists_and_exports_from_any_directory() {
    let dir = tempfile::tempdir().unwrap();
    let iapz = env!("CARGO_BIN_EXE_iapz");
    let out = Command::new(iapz)
        .args(["data", "list"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "oblasts",
        "27 features",
        "context.geojson        32 features",
        "public domain",
        "CC BY 4.0",
        "MIT",
        "ISC",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    let out = Command::new(iapz)
        .args(["data", "export", "occupied", "-o", "occ.geojson"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = iapz::io::read_path(
        dir.path().join("occ.geojson").to_str().unwrap(),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(read.features.len(), 1);
    assert_eq!(read.features[0].properties["approximate"], true);
    let out = Command::new(iapz)
        .args(["data", "export", "nothing"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// A data file that is a device (or a link to one) stops at once with the file's name, whether
/// it is a GeoJSON or a CSV of `--data DIR`, or a `[data]` file of a scenario.
#[cfg(unix)]
#[test]
fn a_data_file_that_is_a_device_stops_at_once() {
    let iapz = env!("CARGO_BIN_EXE_iapz");
    for name in ["oblasts.geojson", "airfields.csv", "provenance.json"] {
        let dir = tempfile::tempdir().unwrap();
        copy_geodata(dir.path());
        std::fs::remove_file(dir.path().join(name)).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join(name)).unwrap();
        let started = std::time::Instant::now();
        let out = Command::new(iapz)
            .args(["data", "list", "--data"])
            .arg(dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(name) && stderr.contains("NUL byte"),
            "{name}: {stderr}"
        );
        assert!(started.elapsed().as_secs() < 10, "{name}");
    }
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("line.geojson")).unwrap();
    let scenario = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/sky-shield.toml"
    ))
    .unwrap();
    let scenario_path = dir.path().join("s.toml");
    std::fs::write(
        &scenario_path,
        format!("{scenario}\n[data]\ncontact_line = \"line.geojson\"\n"),
    )
    .unwrap();
    let out = Command::new(iapz)
        .arg("plan")
        .arg(&scenario_path)
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("line.geojson") && stderr.contains("0x00"),
        "{stderr}"
    );
}
