//! Hostile inputs through the `iapz` binary: every case in `tests/bad_inputs/` must end with the
//! expected exit code, a one-line `error:` that names the file and where in it (feature, line),
//! or a documented repair with a `warning:`; and never a panic.
//!
//! The table below is the whole specification: file, arguments, exit code, expected substrings.
//! `{case}` is the case file's path, `{dir}` the case folder, `{tmp}` a fresh temporary folder.

use std::path::{Path, PathBuf};
use std::process::Command;

struct Case {
    /// File in tests/bad_inputs/ (named in the message unless `names_file` is false).
    file: &'static str,
    args: &'static [&'static str],
    exit: i32,
    /// Substrings the standard error must contain.
    expect: &'static [&'static str],
}

const BUF: &[&str] = &["buffer", "{case}", "-d", "10km", "-o", "{tmp}/out.geojson"];
const REPAIR: &[&str] = &[
    "buffer",
    "{case}",
    "-d",
    "10km",
    "--repair",
    "-o",
    "{tmp}/out.geojson",
];
const PLAN: &[&str] = &["plan", "{case}", "--out", "{tmp}/plan"];

const fn bad(file: &'static str, expect: &'static [&'static str]) -> Case {
    Case {
        file,
        args: BUF,
        exit: 2,
        expect,
    }
}

const fn scenario(file: &'static str, expect: &'static [&'static str]) -> Case {
    Case {
        file,
        args: PLAN,
        exit: 2,
        expect,
    }
}

const CASES: &[Case] = &[
    // --- GeoJSON syntax and types
    bad(
        "truncated.geojson",
        &["line 1, column", "invalid JSON", "EOF"],
    ),
    bad("empty_file.geojson", &["line 1", "invalid JSON"]),
    bad("not_json.geojson", &["line 1, column", "invalid JSON"]),
    bad("top_level_array.geojson", &["not GeoJSON"]),
    bad(
        "wrong_type_coordinates.geojson",
        &["feature #0", "not GeoJSON", "24.0,50.0"],
    ),
    bad("wrong_type_feature.geojson", &["feature #1", "not GeoJSON"]),
    bad(
        "wrong_type_properties.geojson",
        &["feature #0", "not GeoJSON"],
    ),
    bad("unknown_geometry_type.geojson", &["feature #0", "Circle"]),
    bad(
        "linestring_with_polygon_coordinates.geojson",
        &["feature #0", "LineString"],
    ),
    bad(
        "deep_nesting.geojson",
        &["line 1, column", "recursion limit"],
    ),
    // --- numbers and ranges
    bad("nan.geojson", &["line 1, column", "invalid JSON", "NaN"]),
    bad(
        "infinity.geojson",
        &["line 1, column", "invalid JSON", "Infinity"],
    ),
    bad(
        "number_overflow.geojson",
        &["line 1, column", "out of range"],
    ),
    bad(
        "latitude_91.geojson",
        &[
            "feature #1",
            "coordinate #0",
            "(24, 91)",
            "latitude -90..90",
        ],
    ),
    bad(
        "latitude_minus_91.geojson",
        &["feature #0", "coordinate #1", "-91"],
    ),
    bad(
        "longitude_400.geojson",
        &["feature #0", "coordinate #1", "(400, 50)"],
    ),
    // --- empty and short coordinates
    bad(
        "empty_point.geojson",
        &["feature #0", "two or more elements"],
    ),
    bad(
        "one_coordinate_point.geojson",
        &["feature #0", "two or more elements"],
    ),
    // Found by cargo-fuzz: geojson 1.0 panicked converting a 1-number position inside a ring.
    bad(
        "short_position_in_ring.geojson",
        &["feature #0", "position #2", "fewer than 2 numbers"],
    ),
    bad(
        "empty_linestring.geojson",
        &["feature #0", "at least 2 positions"],
    ),
    bad("empty_polygon.geojson", &["feature #0", "no rings"]),
    bad(
        "empty_ring.geojson",
        &["feature #0", "ring 0 has 0 positions"],
    ),
    bad(
        "empty_multipolygon.geojson",
        &["feature #0", "empty MultiPolygon"],
    ),
    bad(
        "ring_of_3_points.geojson",
        &["feature #0", "ring 0 has 3 positions"],
    ),
    bad(
        "ring_of_2_points_open.geojson",
        &["feature #0", "ring 0 has 2 positions"],
    ),
    bad(
        "repeated_points_only.geojson",
        &["feature #0", "fewer than 3 distinct points"],
    ),
    // --- invalid polygons
    bad(
        "bow_tie.geojson",
        &[
            "feature #0",
            "self-intersection near lon 24.5",
            "lat 50.5",
            "--repair",
        ],
    ),
    bad(
        "spike.geojson",
        &["feature #0", "self-intersection near lon 25"],
    ),
    bad("zero_area.geojson", &["feature #0", "zero area"]),
    Case {
        file: "zero_area.geojson",
        args: REPAIR,
        exit: 2,
        expect: &["feature #0", "nothing is left"],
    },
    bad(
        "hole_outside_shell.geojson",
        &["feature #0", "interior ring 0 is not inside", "lon 30"],
    ),
    bad(
        "overlapping_multipolygon.geojson",
        &["feature #0", "polygons 0 and 1 overlap"],
    ),
    bad(
        "nested_geometry_collection.geojson",
        &["feature #0", "nested GeometryCollections"],
    ),
    // --- coordinate systems and the globe
    bad(
        "projected_crs.geojson",
        &["crs member", "EPSG::3857", "WGS84"],
    ),
    bad(
        "antimeridian.geojson",
        &["feature #0", "antimeridian", "179.5"],
    ),
    bad("around_pole.geojson", &["feature #0", "antimeridian"]),
    // --- encoding
    bad("invalid_utf8.geojson", &["byte 41", "not valid UTF-8"]),
    // --- documented repairs (exit 0, one warning each)
    Case {
        file: "unclosed_ring.geojson",
        args: BUF,
        exit: 0,
        expect: &["warning:", "feature #0", "closed 1 unclosed ring"],
    },
    Case {
        file: "clockwise.geojson",
        args: BUF,
        exit: 0,
        expect: &["warning:", "feature #0", "re-oriented"],
    },
    Case {
        file: "repeated_points.geojson",
        args: BUF,
        exit: 0,
        expect: &["warning:", "feature #0", "removed 2 repeated"],
    },
    Case {
        file: "bom.geojson",
        args: BUF,
        exit: 0,
        expect: &["warning:", "byte-order mark"],
    },
    Case {
        file: "null_geometry.geojson",
        args: BUF,
        exit: 0,
        expect: &["warning:", "feature #0", "no geometry"],
    },
    Case {
        file: "bow_tie.geojson",
        args: REPAIR,
        exit: 0,
        expect: &[
            "warning:",
            "feature #0",
            "repaired an invalid polygon",
            "self-intersection",
        ],
    },
    // --- limits
    Case {
        file: "many_features.geojson",
        args: &[
            "buffer",
            "{case}",
            "-d",
            "1km",
            "--max-features",
            "3",
            "-o",
            "{tmp}/out.geojson",
        ],
        exit: 2,
        expect: &["over the limit of 3", "features", "--max-features"],
    },
    Case {
        file: "many_features.geojson",
        args: &[
            "buffer",
            "{case}",
            "-d",
            "1km",
            "--max-vertices",
            "4",
            "-o",
            "{tmp}/out.geojson",
        ],
        exit: 2,
        expect: &["over the limit of 4", "positions", "--max-vertices"],
    },
    // --- command line
    Case {
        file: "point.geojson",
        args: &["buffer", "{case}", "-d", "10km", "-o", "{case}"],
        exit: 2,
        expect: &["the output path is the input path"],
    },
    Case {
        file: "point.geojson",
        args: &["buffer", "{case}", "-d", "10", "-o", "{tmp}/o.geojson"],
        exit: 2,
        expect: &["--distance", "no unit"],
    },
    Case {
        file: "point.geojson",
        args: &["buffer", "{case}", "-d", "NaN km", "-o", "{tmp}/o.geojson"],
        exit: 2,
        expect: &["--distance", "not a number"],
    },
    Case {
        file: "point.geojson",
        args: &[
            "buffer",
            "{case}",
            "-d",
            "5 parsecs",
            "-o",
            "{tmp}/o.geojson",
        ],
        exit: 2,
        expect: &["--distance", "unknown unit"],
    },
    Case {
        file: "point.geojson",
        args: &[
            "buffer",
            "{case}",
            "-d",
            "5km",
            "--tolerance",
            "0 m",
            "-o",
            "{tmp}/o.geojson",
        ],
        exit: 2,
        // Checked before any file is read: the message names the option, not a feature.
        expect: &["--tolerance", "positive"],
    },
    Case {
        file: "point.geojson",
        args: &[
            "buffer",
            "{case}",
            "-d",
            "5km",
            "-o",
            "/proc/iapz-no-such/out.geojson",
        ],
        exit: 2,
        expect: &["cannot write the output", "/proc/iapz-no-such"],
    },
    Case {
        file: "point.geojson",
        args: &["buffer", "{case}", "-d", "5km", "-o", "/proc/out.geojson"],
        exit: 2,
        expect: &["/proc/out.geojson", "cannot write the output"],
    },
    Case {
        file: "point.geojson",
        args: &["buffer", "{case}", "-d", "5km", "-o", "{case}/out.geojson"],
        exit: 2,
        expect: &["is not an existing folder"],
    },
    Case {
        file: "no_such_file.geojson",
        args: BUF,
        exit: 2,
        expect: &["No such file"],
    },
    Case {
        file: "a_folder",
        args: BUF,
        exit: 2,
        expect: &["is a folder, not a file"],
    },
    // --- scenarios
    scenario(
        "scenario_unknown_key.toml",
        &["line 10, column 1", "unknown field `tolerence`"],
    ),
    scenario(
        "scenario_unknown_key_in_table.toml",
        &["line 20, column 1", "unknown field `widht`"],
    ),
    scenario("scenario_syntax_error.toml", &["line 11, column"]),
    scenario(
        "scenario_distance_without_unit.toml",
        &["line 12, column 12", "no unit"],
    ),
    scenario(
        "scenario_distance_number.toml",
        &["line 12, column 12", "expected a string"],
    ),
    scenario(
        "scenario_distance_unknown_unit.toml",
        &["line 12, column 12", "unknown unit \"parsecs\""],
    ),
    scenario(
        "scenario_negative_distance.toml",
        &["line 12, column 12", "must be positive"],
    ),
    scenario(
        "scenario_zero_distance.toml",
        &["line 20, column 9", "must be positive"],
    ),
    scenario(
        "scenario_zero_tolerance.toml",
        &["line 9, column 13", "must be positive"],
    ),
    scenario(
        "scenario_negative_cruise.toml",
        &["line 34, column 14", "cruise_kmh"],
    ),
    scenario(
        "scenario_unknown_airfield.toml",
        &["line 25, column 22", "unknown airfield \"XXXX\"", "EPLK"],
    ),
    scenario(
        "scenario_unknown_aircraft.toml",
        &["line 32, column 13", "unknown aircraft"],
    ),
    scenario(
        "scenario_unknown_oblast.toml",
        &[
            "line 16, column 10",
            "unknown oblast code \"UA-99\"",
            "UA-46",
        ],
    ),
    scenario(
        "scenario_unknown_region.toml",
        &["line 16, column 10", "unknown region"],
    ),
    scenario(
        "scenario_unknown_asset.toml",
        &["line 17, column 20", "unknown asset \"atlantis\""],
    ),
    scenario(
        "scenario_unknown_source.toml",
        &["line 13, column 19", "unknown stand-off source"],
    ),
    scenario(
        "scenario_missing_data_file.toml",
        &["line 25, column 12", "no_such_file.geojson does not exist"],
    ),
    scenario(
        "scenario_data_is_folder.toml",
        &["line 25, column 12", "is a folder"],
    ),
    // The data file's own error, naming the data file and its feature.
    Case {
        file: "scenario_bad_data_file.toml",
        args: PLAN,
        exit: 2,
        expect: &["bow_tie.geojson", "feature #0", "self-intersection"],
    },
    Case {
        file: "no_such_scenario.toml",
        args: PLAN,
        exit: 2,
        expect: &["No such file"],
    },
    Case {
        file: "a_folder",
        args: PLAN,
        exit: 2,
        expect: &["is a folder, not a scenario file"],
    },
];

fn case_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs")
}

/// Runs the binary with `args` (placeholders filled) in the case folder; (exit code, stderr).
fn run(args: &[&str], case: &str, tmp: &Path) -> (i32, String) {
    let filled: Vec<String> = args
        .iter()
        .map(|a| {
            a.replace("{case}", case)
                .replace("{tmp}", &tmp.display().to_string())
        })
        .collect();
    let out = Command::new(env!("CARGO_BIN_EXE_iapz"))
        .args(&filled)
        .current_dir(case_dir())
        .output()
        .expect("the iapz binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The shared assertions: exit code, no panic, one `error:` line naming the file, substrings.
fn check(case: &Case, code: i32, stderr: &str) -> Result<(), String> {
    let who = format!("{} {:?}", case.file, case.args);
    if stderr.contains("panicked") || code == 101 {
        return Err(format!("{who}: panicked:\n{stderr}"));
    }
    if code != case.exit {
        return Err(format!(
            "{who}: exit {code}, expected {}:\n{stderr}",
            case.exit
        ));
    }
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    if case.exit == 2 {
        if errors.len() != 1 {
            return Err(format!("{who}: expected one error line:\n{stderr}"));
        }
        // The file the problem is in starts the message (a [data] file's error names that file).
        let names_file = errors[0].contains(case.file)
            || case.expect.iter().any(|e| {
                (e.ends_with(".geojson") || e.starts_with("--") || e.starts_with('/'))
                    && errors[0].contains(e)
            });
        if !names_file {
            return Err(format!(
                "{who}: the error does not name the file:\n{stderr}"
            ));
        }
    } else if !errors.is_empty() {
        return Err(format!("{who}: unexpected error:\n{stderr}"));
    }
    for e in case.expect {
        if !stderr.contains(e) {
            return Err(format!("{who}: stderr lacks {e:?}:\n{stderr}"));
        }
    }
    Ok(())
}

#[test]
fn at_least_forty_cases_each_with_its_file() {
    assert!(CASES.len() >= 40, "{} cases", CASES.len());
    for c in CASES {
        let p = case_dir().join(c.file);
        assert!(
            p.exists() || c.file.starts_with("no_such"),
            "{} is missing",
            c.file
        );
    }
}

#[test]
fn every_bad_input_is_refused_or_repaired_with_a_clear_message() {
    let mut failures = Vec::new();
    for case in CASES {
        let tmp = tempfile::tempdir().unwrap();
        let (code, stderr) = run(case.args, case.file, tmp.path());
        if let Err(f) = check(case, code, &stderr) {
            failures.push(f);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn repairs_produce_valid_output_polygons() {
    for file in [
        "unclosed_ring.geojson",
        "clockwise.geojson",
        "bow_tie.geojson",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let (code, stderr) = run(REPAIR, file, tmp.path());
        assert_eq!(code, 0, "{file}: {stderr}");
        let read = iapz::io::read_path(
            tmp.path().join("out.geojson").to_str().unwrap(),
            &Default::default(),
        )
        .unwrap_or_else(|e| panic!("{file}: the output does not read back: {e}"));
        assert_eq!(read.features.len(), 1, "{file}");
        assert!(read.warnings.is_empty(), "{file}: {:?}", read.warnings);
    }
}

/// Writes `n` positions as one LineString, streaming, without holding them in memory.
fn write_huge_line(path: &Path, n: usize) {
    use std::io::Write;
    let f = std::fs::File::create(path).unwrap();
    let mut w = std::io::BufWriter::new(f);
    w.write_all(b"{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[")
        .unwrap();
    for i in 0..n {
        let sep = if i == 0 { "" } else { "," };
        write!(w, "{sep}[{}.{},50]", 20 + i % 10, i % 1000).unwrap();
    }
    w.write_all(b"]}}\n").unwrap();
}

#[test]
fn ten_million_coordinates_are_refused_before_parsing() {
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("ten_million.geojson");
    write_huge_line(&big, 10_000_000);
    let case = Case {
        file: "ten_million.geojson",
        args: BUF,
        exit: 2,
        expect: &[
            "refused before parsing",
            "over the limit of 2000000",
            "--max-vertices",
        ],
    };
    let (code, stderr) = run(case.args, big.to_str().unwrap(), tmp.path());
    if let Err(f) = check(&case, code, &stderr) {
        panic!("{f}");
    }
    // Memory stays bounded: the refusal is made by a streaming count. Linux reports the peak
    // resident set of finished children; the file itself is ~110 MB.
    #[cfg(target_os = "linux")]
    {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "command -v /usr/bin/time >/dev/null && /usr/bin/time -f %M {} buffer {} -d 1km -o {}/o.geojson 2>&1 >/dev/null | tail -1",
                env!("CARGO_BIN_EXE_iapz"),
                big.display(),
                tmp.path().display()
            ))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        if let Ok(kib) = text.trim().parse::<u64>() {
            assert!(kib < 100_000, "peak memory {kib} KiB refusing the file");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs without an end, hostile files, and a memory limit: every read stops at a limit.

/// A run: arguments, standard input repeated without end (if any), expected text.
type Run<'a> = (Vec<&'a str>, Option<&'static [u8]>, &'a str);

/// Runs the binary with `args` and at most `memory` bytes of address space (Linux
/// `RLIMIT_AS`), feeding standard input from `stdin` (until the binary stops reading) when
/// given; (exit code or -signal, stderr, seconds).
fn run_limited(
    args: &[&str],
    memory: Option<u64>,
    stdin: Option<&'static [u8]>,
) -> (i32, String, f64) {
    use std::io::Write;
    use std::process::Stdio;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iapz"));
    cmd.args(args)
        .current_dir(case_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    #[cfg(target_os = "linux")]
    if let Some(bytes) = memory {
        use std::os::unix::process::CommandExt;
        // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                let limit = libc::rlimit {
                    rlim_cur: bytes,
                    rlim_max: bytes,
                };
                if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let started = std::time::Instant::now();
    let mut child = cmd.spawn().expect("the iapz binary runs");
    let feeder = child.stdin.take().map(|mut pipe| {
        let chunk = stdin.expect("stdin bytes").repeat(8192);
        std::thread::spawn(move || while pipe.write_all(&chunk).is_ok() {})
    });
    let out = child.wait_with_output().unwrap();
    if let Some(f) = feeder {
        f.join().unwrap(); // the pipe broke when the binary exited
    }
    let code = out.status.code().unwrap_or_else(|| {
        use std::os::unix::process::ExitStatusExt;
        -out.status.signal().unwrap_or(0)
    });
    (
        code,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        started.elapsed().as_secs_f64(),
    )
}

#[cfg(unix)]
#[test]
fn devices_and_endless_standard_input_stop_at_a_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let zero = |name: &str| {
        let p = tmp.path().join(name);
        std::os::unix::fs::symlink("/dev/zero", &p).unwrap();
        p.to_string_lossy().into_owned()
    };
    let (zero_json, zero_kml, zero_gpkg) =
        (zero("zero.geojson"), zero("zero.kml"), zero("zero.gpkg"));
    let out = tmp.path().join("o.geojson");
    let out = out.to_str().unwrap();
    let png = tmp.path().join("x.png");
    let png = png.to_str().unwrap();
    let cases: Vec<Run> = vec![
        (
            vec!["buffer", "/dev/zero", "-d", "1km", "-o", out],
            None,
            "byte 0x00",
        ),
        (
            vec!["buffer", &zero_json, "-d", "1km", "-o", out],
            None,
            "control byte 0x00",
        ),
        (
            vec!["convert", &zero_kml, "-o", out],
            None,
            "control byte 0x00",
        ),
        (vec!["convert", &zero_gpkg, "-o", out], None, "regular file"),
        (
            vec!["render", &zero_json, "-o", png],
            None,
            "control byte 0x00",
        ),
        (
            vec!["buffer", "-", "-d", "1km", "-o", out],
            Some(b"[1,2],"),
            "over the limit of 2000000",
        ),
        (
            vec!["buffer", "-", "-d", "1km", "-o", out],
            Some(br#"{"type":"Feature","geometry":null},"#),
            "over the limit of 100000",
        ),
        (
            vec!["convert", "-", "-o", out, "--max-bytes", "1000000"],
            Some(b"     "),
            "larger than the limit of 1000000 bytes",
        ),
        (
            vec!["convert", "-", "-o", out, "--max-bytes", "1000000"],
            Some(b"<Folder><name>x</name>"),
            "larger than the limit of 1000000 bytes",
        ),
    ];
    for (args, stdin, expect) in cases {
        let (code, stderr, seconds) = run_limited(&args, None, stdin);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(expect), "{args:?}: {stderr}");
        assert!(stderr.contains("error: "), "{args:?}: {stderr}");
        assert!(seconds < 10.0, "{args:?} took {seconds:.1} s");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn hostile_inputs_are_refused_within_a_memory_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let gpkg = tmp.path().join("hostile.gpkg");
    crate::gis_formats::hostile_geopackage(&gpkg);
    let folders = tmp.path().join("folders.kml");
    std::fs::write(&folders, crate::gis_formats::deep_kml(5_000, true)).unwrap();
    let multi = tmp.path().join("multi.kml");
    std::fs::write(&multi, crate::gis_formats::deep_kml(10_000, false)).unwrap();
    let out = tmp.path().join("o.geojson");
    let png = tmp.path().join("x.png");
    let png = png.to_str().unwrap();
    let (gpkg, folders, multi, out) = (
        gpkg.to_str().unwrap(),
        folders.to_str().unwrap(),
        multi.to_str().unwrap(),
        out.to_str().unwrap(),
    );
    // 1 GiB of address space: far below the 51 GB the hostile blob used to ask for
    let gib = Some(1u64 << 30);
    let cases: Vec<Run> = vec![
        (
            vec!["convert", gpkg, "-o", out],
            None,
            "claims 2147483648 rings",
        ),
        (
            vec!["render", gpkg, "-o", png],
            None,
            "claims 2147483648 rings",
        ),
        (vec!["convert", folders, "-o", out], None, "deeper than 64"),
        (vec!["convert", multi, "-o", out], None, "deeper than 64"),
        (
            vec!["buffer", "-", "-d", "1km", "-o", out],
            Some(b"[1,2],"),
            "over the limit",
        ),
        (
            vec!["buffer", "/dev/zero", "-d", "1km", "-o", out],
            None,
            "0x00",
        ),
    ];
    for (args, stdin, expect) in cases {
        let (code, stderr, _) = run_limited(&args, gib, stdin);
        assert_eq!(code, 2, "{args:?} (not an abort): {stderr}");
        assert!(stderr.contains(expect), "{args:?}: {stderr}");
    }
}
