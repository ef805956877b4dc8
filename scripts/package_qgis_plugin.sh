#!/usr/bin/env bash
# Builds the installable QGIS plugin zip from qgis/iapz (no network):
#   scripts/package_qgis_plugin.sh [OUT.zip]      # default: target/qgis/iapz-qgis-<version>.zip
# Install it in QGIS with Plugins → Manage and Install Plugins… → Install from ZIP.
# The zip holds one folder, iapz/, as QGIS expects; entries are sorted and dated 1980-01-01, so the
# same sources give the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version=//p' qgis/iapz/metadata.txt)
out=${1:-target/qgis/iapz-qgis-$version.zip}
mkdir -p "$(dirname "$out")"
python=python3
command -v "$python" >/dev/null || python=/usr/bin/python3
"$python" - "$out" <<'PY'
import os, sys, zipfile
out = sys.argv[1]
root = "qgis"
files = []
for d, dirs, names in os.walk(os.path.join(root, "iapz")):
    dirs[:] = sorted(x for x in dirs if x != "__pycache__")
    files += [os.path.join(d, n) for n in names if not n.endswith((".pyc", ".pyo"))]
tmp = out + ".tmp"
with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(files):
        info = zipfile.ZipInfo(os.path.relpath(f, root), date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(f, "rb") as src:
            z.writestr(info, src.read())
os.replace(tmp, out)
print(f"wrote {out} ({len(files)} files)")
PY
