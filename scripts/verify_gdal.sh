#!/usr/bin/env bash
# verify_gdal.sh DIR — checks iapz's GIS outputs with GDAL, a client iapz did not write:
#   DIR/iapz.gpkg: GDAL's GeoPackage validator (when installed), every feature layer listed with
#     its feature count and EPSG:4326, then round-tripped to GeoJSON by ogr2ogr with the same
#     feature count and the same ellipsoidal area (SpatiaLite ST_Area(geom, 1), m², within 1e-6);
#   DIR/iapz.kml: parses as XML, GDAL opens it, and it holds as many placemarks as the GeoPackage
#     has features;
#   DIR/iapz.geojson (if present): as many features as the GeoPackage.
# Exit 0 when all checks pass, 1 on a mismatch, 2 on missing tools or files.
set -euo pipefail

dir=${1:?usage: verify_gdal.sh DIR}
gpkg="$dir/iapz.gpkg"
kml="$dir/iapz.kml"
py=python3
for tool in ogrinfo ogr2ogr "$py"; do
  command -v "$tool" >/dev/null || { echo "verify_gdal: $tool not found (apt-get install -y gdal-bin)" >&2; exit 2; }
done
[[ -f "$gpkg" ]] || { echo "verify_gdal: $gpkg missing" >&2; exit 2; }
[[ -f "$kml" ]] || { echo "verify_gdal: $kml missing" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

validator=/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py
if [[ -f "$validator" && -x /usr/bin/python3 ]]; then
  if /usr/bin/python3 "$validator" "$gpkg" >"$tmp/validate.txt" 2>&1; then
    echo "validate_gpkg.py: OK"
  else
    fail "validate_gpkg.py: $(cat "$tmp/validate.txt")"
  fi
fi

# "count<TAB>area" of one layer through OGR's SQLite dialect (area 0 for points and lines).
measure() { # file layer geometry-column
  ogrinfo -q "$1" -dialect SQLite \
    -sql "SELECT COUNT(*) AS n, COALESCE(SUM(ST_Area(\"$3\", 1)), 0) AS a FROM \"$2\"" 2>/dev/null |
    awk -F' = ' '/ n \(/ {n=$2} / a \(/ {a=$2} END {printf "%s\t%s\n", n, a}'
}

layers=$(ogrinfo -q "$gpkg" | sed -n 's/^[0-9]*: \([^ ]*\) (.*$/\1/p' | grep -v '^layer_styles$' || true)
[[ -n "$layers" ]] || fail "ogrinfo lists no feature layer in $gpkg"
total=0
printf '%-16s %8s %22s %s\n' layer features "area (m², ellipsoid)" srs
for layer in $layers; do
  info=$(ogrinfo -so "$gpkg" "$layer")
  count=$(sed -n 's/^Feature Count: //p' <<<"$info")
  if grep -q 'ID\["EPSG",4326\]' <<<"$info"; then srs=EPSG:4326; else srs=other; fail "$layer is not in EPSG:4326"; fi
  read -r n area < <(measure "$gpkg" "$layer" geom)
  [[ "$n" == "$count" ]] || fail "$layer: ogrinfo says $count features, SQL counts $n"
  ogr2ogr -f GeoJSON "$tmp/$layer.geojson" "$gpkg" "$layer"
  read -r n2 area2 < <(measure "$tmp/$layer.geojson" "$layer" GEOMETRY)
  [[ "$n2" == "$n" ]] || fail "$layer: $n features in the GeoPackage, $n2 after ogr2ogr to GeoJSON"
  if ! "$py" -c 'import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); sys.exit(abs(a - b) > 1e-6 * max(abs(a), abs(b), 1.0))' "$area" "$area2"; then
    fail "$layer: area $area m² in the GeoPackage, $area2 m² after ogr2ogr to GeoJSON"
  fi
  printf '%-16s %8s %22s %s\n' "$layer" "$count" "$area" "$srs"
  total=$((total + count))
done

# KML: well-formed XML with one Placemark per feature, and GDAL reads it.
placemarks=$("$py" - "$kml" <<'EOF' || true
import sys, xml.etree.ElementTree as ET
ns = "{http://www.opengis.net/kml/2.2}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == ns + "kml", "root element is not kml:kml"
print(sum(1 for _ in root.iter(ns + "Placemark")))
EOF
)
if [[ -z "$placemarks" ]]; then
  fail "$kml does not parse as KML 2.2"
else
  [[ "$placemarks" == "$total" ]] || fail "$kml has $placemarks placemarks, the GeoPackage $total features"
  ogrinfo -q -so "$kml" >/dev/null 2>&1 || fail "GDAL cannot open $kml"
  kml_features=$(ogrinfo -so -al "$kml" 2>/dev/null | sed -n 's/^Feature Count: //p' | awk '{s += $1} END {print s + 0}')
  [[ "$kml_features" == "$total" ]] || fail "GDAL reads $kml_features features from $kml, expected $total"
  echo "iapz.kml: $placemarks placemarks, GDAL reads $kml_features"
fi

if [[ -f "$dir/iapz.geojson" ]]; then
  gj=$(ogrinfo -so -al "$dir/iapz.geojson" | sed -n 's/^Feature Count: //p' | awk '{s += $1} END {print s + 0}')
  [[ "$gj" == "$total" ]] || fail "iapz.geojson has $gj features, the GeoPackage $total"
  echo "iapz.geojson: $gj features"
fi

if ((failures > 0)); then
  echo "verify_gdal: $failures check(s) failed" >&2
  exit 1
fi
echo "verify_gdal: all checks passed ($total features)"
