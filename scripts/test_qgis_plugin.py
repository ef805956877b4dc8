#!/usr/bin/python3
"""Headless test of the QGIS plugin (qgis/iapz): registers its Processing provider and runs every algorithm.

    QT_QPA_PLATFORM=offscreen PATH=target/release:$PATH /usr/bin/python3 scripts/test_qgis_plugin.py \
        [--screenshot docs/qgis_plugin.png]

Needs Debian's python3-qgis and qgis-providers (QGIS ≥ 3.22) and an `iapz` on PATH (or IAPZ_BIN=path).
Checks: the buffer agrees with `iapz buffer` on the same input (vertex counts, ellipsoidal areas) and keeps
the attributes, also from a projected layer; cancelling a long buffer ends the iapz process; the plan adds
every plan layer to the project in one group, each with the style stored in the GeoPackage, and logs the
report; the rules pass on the plan's layers, a failing rule fails the algorithm, a bad rules file gives
iapz's message; a missing or too old binary gives the install command. Exit 0 when all pass.
"""

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "qgis"))
sys.path.append("/usr/share/qgis/python/plugins")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsDistanceArea,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProject,
    QgsReadWriteContext,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant  # noqa: E402
from qgis.PyQt.QtXml import QDomDocument  # noqa: E402

# The screenshot draws a Processing dialog, which needs the GUI part of QGIS (offscreen is enough).
APP = QgsApplication([], "--screenshot" in sys.argv)
APP.initQgis()

from processing.core.Processing import Processing  # noqa: E402

Processing.initialize()
import processing  # noqa: E402
from processing.core.ProcessingConfig import ProcessingConfig  # noqa: E402

from iapz import runner  # noqa: E402
from iapz.provider import IapzProvider  # noqa: E402

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")
LAEA = QgsCoordinateReferenceSystem("EPSG:3035")


class Feedback(QgsProcessingFeedback):
    """Keeps every message, so tests can read the log (pid of iapz, the report, errors)."""

    def __init__(self):
        super().__init__()
        self.lines = []

    def pushInfo(self, info):  # noqa: N802
        self.lines.append(info)

    def pushDebugInfo(self, info):  # noqa: N802
        self.lines.append(info)

    def pushConsoleInfo(self, info):  # noqa: N802
        self.lines.append(info)

    def pushCommandInfo(self, info):  # noqa: N802
        self.lines.append(info)

    def reportError(self, error, fatalError=False):  # noqa: N802
        self.lines.append("ERROR " + error)

    def text(self):
        return "\n".join(self.lines)


def iapz_binary():
    return os.environ.get("IAPZ_BIN") or shutil.which("iapz")


def run(alg, params, feedback=None):
    feedback = feedback or Feedback()
    return processing.run(f"iapz:{alg}", params, feedback=feedback), feedback


def expect_failure(alg, params, feedback=None):
    """Runs an algorithm that must fail; returns its error text (exception and log)."""
    feedback = feedback or Feedback()
    try:
        processing.run(f"iapz:{alg}", params, feedback=feedback)
    except QgsProcessingException as e:
        return f"{e}\n{feedback.text()}"
    raise AssertionError(f"iapz:{alg} succeeded but should have failed; log:\n{feedback.text()}")


def check(condition, message):
    if not condition:
        raise AssertionError(message)


# ---------------------------------------------------------------- inputs

SAMPLE = [
    # name, count, WKT (lon lat): a point, a line and a polygon in western Ukraine, one with a hole
    ("lviv", 1, "POINT (24.02324 49.83826)"),
    ("route", 2, "LINESTRING (24.0 49.8, 26.2 50.6, 28.7 50.25, 30.52 50.45)"),
    ("area", 3, "POLYGON ((25 48.5, 27.5 48.4, 27.8 49.6, 25.3 49.9, 25 48.5), (26 49, 26.8 49, 26.6 49.4, 26 49))"),
]


def sample_layer(crs, tmp):
    """The SAMPLE features in a GeoPackage in `crs` (transformed from WGS84 when another CRS), as a layer.

    A GeoPackage, since QGIS's memory layers cannot mix points, lines and polygons.
    """
    fields = QgsFields()
    fields.append(QgsField("name", QVariant.String))
    fields.append(QgsField("count", QVariant.Int))
    path = os.path.join(tmp, f"sample-{crs.postgisSrid()}.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    writer = QgsVectorFileWriter.create(
        path, fields, QgsWkbTypes.Unknown, crs, QgsProject.instance().transformContext(), options
    )
    transform = QgsCoordinateTransform(WGS84, crs, QgsProject.instance())
    for name, count, wkt in SAMPLE:
        f = QgsFeature(fields)
        f.setAttributes([name, count])
        g = QgsGeometry.fromWkt(wkt)
        if crs != WGS84:
            g.transform(transform)
        f.setGeometry(g)
        writer.addFeature(f)
    del writer
    layer = QgsVectorLayer(path, f"sample {crs.authid()}", "ogr")
    check(layer.isValid() and layer.featureCount() == len(SAMPLE), f"cannot read back {path}")
    return layer


def sample_geojson(path):
    collection = {"type": "FeatureCollection", "features": []}
    for name, count, wkt in SAMPLE:
        geometry = json.loads(QgsGeometry.fromWkt(wkt).asJson(17))
        collection["features"].append(
            {"type": "Feature", "properties": {"name": name, "count": count}, "geometry": geometry}
        )
    with open(path, "w") as f:
        json.dump(collection, f)


def ellipsoid():
    d = QgsDistanceArea()
    d.setSourceCrs(WGS84, QgsProject.instance().transformContext())
    d.setEllipsoid("WGS84")
    return d


def renderer_xml(layer):
    """The layer's renderer (symbols, colours, classes) as XML text, for comparing styles."""
    doc = QDomDocument()
    doc.appendChild(layer.renderer().save(doc, QgsReadWriteContext()))
    return doc.toString()


def by_name(layer):
    return {f["name"]: f for f in layer.getFeatures()}


# ---------------------------------------------------------------- tests


def test_buffer_agrees_with_cli(tmp):
    """The algorithm's buffers equal `iapz buffer` on the same features; attributes are kept."""
    src = os.path.join(tmp, "sample.geojson")
    ref_path = os.path.join(tmp, "reference.geojson")
    sample_geojson(src)
    subprocess.run(
        [iapz_binary(), "buffer", src, "--distance", "25 km", "--tolerance", "1 m", "-o", ref_path], check=True
    )
    reference = by_name(QgsVectorLayer(ref_path, "reference", "ogr"))
    area = ellipsoid()
    for crs, area_rtol, vertex_rtol in ((WGS84, 1e-9, 0.0), (LAEA, 1e-6, 0.02)):
        result, _ = run(
            "geodesicbuffer",
            {"INPUT": sample_layer(crs, tmp), "DISTANCE": 25, "UNIT": 1, "TOLERANCE": 1.0, "OUTPUT": "memory:"},
        )
        out = result["OUTPUT"]
        check(out.crs() == WGS84, f"buffer output CRS is {out.crs().authid()}, expected EPSG:4326")
        got = by_name(out)
        check(sorted(got) == sorted(reference), f"features {sorted(got)} vs iapz's {sorted(reference)}")
        for name, count, _ in SAMPLE:
            g, r = got[name].geometry(), reference[name].geometry()
            a_g, a_r = area.measureArea(g), area.measureArea(r)
            n_g, n_r = len(list(g.vertices())), len(list(r.vertices()))
            check(abs(a_g - a_r) <= area_rtol * a_r, f"{crs.authid()} {name}: area {a_g} m² vs iapz's {a_r} m²")
            check(abs(n_g - n_r) <= vertex_rtol * n_r, f"{crs.authid()} {name}: {n_g} vertices vs iapz's {n_r}")
            check(got[name]["count"] == count and isinstance(got[name]["count"], int), f"{name}: count not kept")
            check(abs(got[name]["buffer_m"] - 25000.0) < 1e-9, f"{name}: buffer_m {got[name]['buffer_m']}")
        print(f"  buffer from {crs.authid()}: {len(got)} features agree with iapz buffer")


def test_buffer_cancel(tmp):
    """Cancelling a long buffer ends the iapz process within a fraction of its run time."""
    big = os.path.join(tmp, "ukraine.geojson")
    subprocess.run([iapz_binary(), "data", "export", "ukraine_1991", "-o", big], check=True)
    params = {"INPUT": big, "DISTANCE": 100, "UNIT": 1, "TOLERANCE": 0.01, "OUTPUT": "memory:"}
    started = time.time()
    subprocess.run(
        [iapz_binary(), "-q", "buffer", big, "--distance", "100 km", "--tolerance", "0.01 m", "-o", os.devnull],
        check=True,
    )
    full = time.time() - started
    feedback = Feedback()
    threading.Timer(0.2, feedback.cancel).start()
    started = time.time()
    text = expect_failure("geodesicbuffer", params, feedback)
    stopped = time.time() - started
    pids = [int(line.rsplit("pid ", 1)[1].rstrip(")")) for line in feedback.lines if "(pid " in line]
    check(pids, f"no iapz pid in the log:\n{text}")
    check("cancelled" in text, f"no cancel message:\n{text}")
    check(not os.path.exists(f"/proc/{pids[0]}"), f"iapz (pid {pids[0]}) still exists after cancel")
    check(stopped < max(1.5, full / 2), f"cancel took {stopped:.2f} s; the full buffer takes {full:.2f} s")
    print(f"  cancel: iapz pid {pids[0]} gone {stopped:.2f} s after start (full run {full:.2f} s)")


def table_of(layer):
    """The GeoPackage table a layer reads (`...iapz.gpkg|layername=zone`)."""
    return layer.source().split("layername=", 1)[-1].split("|", 1)[0]


def test_plan_adds_styled_group(tmp):
    """Every plan layer is added in one group, each with the GeoPackage's stored style; report in the log."""
    out = os.path.join(tmp, "plan")
    result, feedback = run("plan", {"OUTPUT": out, "MAP": False})
    gpkg = result["GEOPACKAGE"]
    with sqlite3.connect(gpkg) as db:
        tables = [r[0] for r in db.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")]
        styles = dict(db.execute("SELECT f_table_name, styleQML FROM layer_styles WHERE useAsDefault"))
    stems = sorted(f[: -len(".geojson")] for f in os.listdir(os.path.join(out, "layers")))
    check(sorted(tables) == stems, f"GeoPackage tables {tables} vs layers/ {stems}")
    check(result["LAYER_COUNT"] == len(tables), f"LAYER_COUNT {result['LAYER_COUNT']} vs {len(tables)} tables")
    group = QgsProject.instance().layerTreeRoot().findGroup(result["GROUP"])
    check(group is not None, f"no group {result['GROUP']!r} in the project")
    # Keyed by GeoPackage table: with the plan's iapz.qgz the layers carry its titles and sit in
    # its sub-groups (that tree's order is checked by scripts/verify_qgis.py).
    layers = {table_of(node.layer()): node.layer() for node in group.findLayers()}
    check(sorted(layers) == sorted(tables), f"group has {sorted(layers)}, the plan has {sorted(tables)}")
    if not os.path.exists(os.path.join(out, "iapz.qgz")):
        names = [n.name() for n in group.children()]
        check(names == list(reversed(tables)), f"group order {names}: expected the last stored table on top")
    for name, layer in layers.items():
        check(layer.isValid() and layer.featureCount() > 0, f"{name}: invalid or empty")
        check(name in styles, f"{name}: no default style in layer_styles")
        bare = QgsVectorLayer(layer.source(), name, "ogr", QgsVectorLayer.LayerOptions(loadDefaultStyle=False))
        default_xml = renderer_xml(bare)
        doc = QDomDocument()
        doc.setContent(styles[name])
        ok, message = bare.importNamedStyle(doc)
        check(ok, f"{name}: stored QML does not load: {message}")
        check(renderer_xml(layer) == renderer_xml(bare), f"{name}: renderer is not the stored style")
        check(renderer_xml(layer) != default_xml, f"{name}: renderer is QGIS's default")
    with open(result["REPORT"], encoding="utf-8") as f:
        report_title = f.readline().strip()
    check(report_title and report_title in feedback.text(), "report.md is not in the log")
    print(f"  plan: {len(layers)} layers in group {result['GROUP']!r}, each with its stored style")
    return out, layers


def test_plan_uses_qgz_tree(tmp, plan_dir):
    """With an iapz.qgz next to iapz.gpkg, the added group copies its layer tree (groups, order, styles)."""
    from iapz.plan import add_plan_to_project

    gpkg = os.path.join(plan_dir, "iapz.gpkg")
    source = QgsProject()
    tree = {"Zone": ["zone", "strip"], "Bases": ["airfields", "reach"]}
    for group_name, tables in tree.items():
        group = source.layerTreeRoot().addGroup(group_name)
        for table in tables:
            layer = QgsVectorLayer(f"{gpkg}|layername={table}", table, "ogr")
            source.addMapLayer(layer, False)
            group.addLayer(layer)
    qgz = os.path.join(plan_dir, "iapz.qgz")
    check(source.write(qgz), f"cannot write {qgz}")
    try:
        added = add_plan_to_project(plan_dir, QgsProject.instance(), "iapz plan (qgz)")
    finally:
        os.remove(qgz)
    group = QgsProject.instance().layerTreeRoot().findGroup("iapz plan (qgz)")
    got = {g.name(): [n.name() for n in g.children()] for g in group.children()}
    check(added == 4 and got == tree, f"copied tree {got} ({added} layers), expected {tree}")
    for node in group.findLayers():
        stored = QgsVectorLayer(node.layer().source(), "stored", "ogr")
        check(renderer_xml(node.layer()) == renderer_xml(stored), f"{node.name()}: style differs from the stored one")
    print(f"  plan: with iapz.qgz, its tree is copied: {got}")


def test_check(tmp, plan_layers):
    """Rules pass on the project's plan layers; a failing rule fails the algorithm; bad rules give iapz's message."""
    rules = os.path.join(ROOT, "rules", "sky-shield.toml")
    wanted = ["zone", "threat", "strip", "contact_line", "controlled", "occupied", "reach_union", "assets", "garrisons"]
    layers = [plan_layers[n] for n in wanted]
    result, _ = run("check", {"RULES": rules, "LAYERS": layers, "OUTPUT": "memory:"})
    table = result["OUTPUT"]
    rows = list(table.getFeatures())
    check(table.geometryType() == 4 or not table.isSpatial(), "the results table has a geometry")  # 4: Null
    check(result["FAILED"] == 0 and len(rows) == result["PASSED"] > 0, f"sky-shield rules: {result}")
    check(all(r["status"] == "pass" for r in rows), "a rule does not pass on the plan's own layers")
    print(f"  check: {len(rows)} rules pass on the project's layers")

    failing = os.path.join(tmp, "failing.toml")
    with open(failing, "w") as f:
        f.write(
            '[[rule]]\nname = "zone keeps 300 km from the threat"\nkind = "min_distance"\n'
            'a = "zone"\nb = "threat"\ndistance = "300 km"\ntolerance = "1 m"\n'
        )
    text = expect_failure("check", {"RULES": failing, "LAYERS": layers, "OUTPUT": "memory:"})
    check("zone keeps 300 km from the threat" in text and "1 of 1 rule(s) failed" in text, text)
    result, _ = run("check", {"RULES": failing, "LAYERS": layers, "FAIL": False, "OUTPUT": "memory:"})
    row = next(result["OUTPUT"].getFeatures())
    check(row["status"] == "fail" and abs(row["value"] - 200000) < 10, f"failing row: {row.attributes()}")
    print("  check: a failing rule fails the algorithm (and is a 'fail' row when told not to fail)")

    bad = os.path.join(tmp, "bad.toml")
    with open(bad, "w") as f:
        f.write('[[rule]]\nname = "x"\nkind = "no_such_kind"\na = "zone"\n')
    text = expect_failure("check", {"RULES": bad, "LAYERS": layers, "OUTPUT": "memory:"})
    check("exit 2" in text and "no_such_kind" in text, f"bad rules message:\n{text}")
    print("  check: a bad rules file fails with iapz's message (exit 2)")


def test_binary_missing_or_old(tmp):
    """A missing or too old iapz gives a message with the install command."""
    params = {"INPUT": sample_layer(WGS84, tmp), "DISTANCE": 1, "UNIT": 1, "OUTPUT": "memory:"}
    setting = ProcessingConfig.settings[runner.SETTING_BINARY]
    try:
        # set .value directly: the settings dialog's validator refuses a missing file up front
        setting.value = os.path.join(tmp, "no-such-iapz")
        text = expect_failure("geodesicbuffer", params)
        check("cargo install --path ." in text and "no-such-iapz" in text, f"missing binary message:\n{text}")
        old = os.path.join(tmp, "old-iapz")
        with open(old, "w") as f:
            f.write("#!/bin/sh\necho 'iapz 0.0.9'\n")
        os.chmod(old, 0o755)
        setting.value = old
        text = expect_failure("geodesicbuffer", params)
        check("0.0.9" in text and "cargo install --path ." in text, f"old binary message:\n{text}")
    finally:
        setting.value = ""
    print("  binary: missing and too-old executables name the install command")


def test_zip_installs(zip_path, provider):
    """The packaged zip loads as QGIS loads an installed plugin: metadata read, provider started."""
    import zipfile

    import qgis.utils

    with tempfile.TemporaryDirectory(prefix="iapz-qgis-zip-") as plugins:
        with zipfile.ZipFile(zip_path) as z:
            check(all(n.startswith("iapz/") for n in z.namelist()), f"zip entries outside iapz/: {z.namelist()}")
            z.extractall(plugins)
        # the provider and modules loaded from qgis/ above give way to the installed copy
        QgsApplication.processingRegistry().removeProvider(provider)
        for name in [m for m in sys.modules if m == "iapz" or m.startswith("iapz.")]:
            del sys.modules[name]
        sys.path.remove(os.path.join(ROOT, "qgis"))
        qgis.utils.plugin_paths = [plugins]
        sys.path.insert(0, plugins)
        qgis.utils.updateAvailablePlugins()
        check("iapz" in qgis.utils.available_plugins, f"QGIS does not list the plugin in {plugins}")
        check(qgis.utils.pluginMetadata("iapz", "qgisMinimumVersion") == "3.22", "metadata: qgisMinimumVersion")
        check(qgis.utils.loadPlugin("iapz"), "qgis.utils.loadPlugin('iapz') failed")
        check(qgis.utils.startProcessingPlugin("iapz"), "startProcessingPlugin('iapz') failed")
        installed = QgsApplication.processingRegistry().providerById("iapz")
        check(installed is not None and len(installed.algorithms()) == 3, "the installed plugin registers no provider")
        check(sys.modules["iapz"].__file__.startswith(plugins), f"iapz imported from {sys.modules['iapz'].__file__}")
        qgis.utils.unloadPlugin("iapz")
        check(QgsApplication.processingRegistry().providerById("iapz") is None, "unload leaves the provider")
    print(f"  zip: {os.path.basename(zip_path)} installs, registers 3 algorithms and unloads")


def screenshot(path, plan_dir, layers):
    """docs/qgis_plugin.png: the algorithm's Processing dialog next to the plan's layers as QGIS draws them."""
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from qgis.core import QgsMapRendererParallelJob, QgsMapSettings, QgsRectangle
    from qgis.PyQt.QtCore import QRect, QSize, Qt
    from qgis.PyQt.QtGui import QColor, QImage, QPainter

    alg = QgsApplication.processingRegistry().createAlgorithmById("iapz:plan")
    dialog = AlgorithmDialog(alg, False, None)
    dialog.setMinimumSize(820, 640)
    dialog.setParameters({"OUTPUT": plan_dir})
    dialog.show()
    APP.processEvents()
    panel = dialog.grab().toImage()

    group = QgsProject.instance().layerTreeRoot()
    ordered = [n.layer() for n in group.findLayers() if n.layer().name() in layers]
    settings = QgsMapSettings()
    settings.setLayers(ordered)
    settings.setDestinationCrs(LAEA)
    settings.setBackgroundColor(QColor("white"))
    settings.setOutputSize(QSize(panel.height(), panel.height()))
    settings.setFlag(QgsMapSettings.Antialiasing, True)
    ukraine = layers["ukraine_1991"]
    extent = QgsCoordinateTransform(ukraine.crs(), LAEA, QgsProject.instance()).transformBoundingBox(ukraine.extent())
    extent.scale(1.08)
    settings.setExtent(QgsRectangle(extent))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    print(f"  screenshot: dialog {panel.width()}×{panel.height()}, map {job.renderedImage().size()}")
    image = QImage(panel.width() + panel.height(), panel.height(), QImage.Format_ARGB32)
    image.fill(Qt.white)
    painter = QPainter(image)
    painter.drawImage(0, 0, panel)
    painter.drawImage(QRect(panel.width(), 0, panel.height(), panel.height()), job.renderedImage())
    painter.end()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    check(image.save(path), f"cannot write {path}")
    dialog.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--screenshot", help="also render the plan's layers to this PNG")
    parser.add_argument("--zip", help="also install this plugin zip (scripts/package_qgis_plugin.sh) as QGIS does")
    args = parser.parse_args()
    binary = iapz_binary()
    if not binary:
        sys.exit("no iapz on PATH (build it with cargo build --release and add target/release to PATH, or set IAPZ_BIN)")
    if os.environ.get("IAPZ_BIN"):
        os.environ["PATH"] = os.path.dirname(os.path.abspath(binary)) + os.pathsep + os.environ["PATH"]
    provider = IapzProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    ids = sorted(a.id() for a in provider.algorithms())
    print(f"provider {provider.id()}: {ids}; iapz = {binary}")
    check(ids == ["iapz:check", "iapz:geodesicbuffer", "iapz:plan"], f"algorithms: {ids}")
    failures = 0
    with tempfile.TemporaryDirectory(prefix="iapz-qgis-test-") as tmp:
        plan = None
        for test in (test_buffer_agrees_with_cli, test_buffer_cancel, test_plan_adds_styled_group,
                     test_plan_uses_qgz_tree, test_check, test_binary_missing_or_old):
            print(test.__name__)
            try:
                if test is test_check:
                    if plan is None:
                        raise AssertionError("skipped: the plan test failed")
                    test(tmp, plan[1])
                elif test is test_plan_uses_qgz_tree:
                    if plan is None:
                        raise AssertionError("skipped: the plan test failed")
                    test(tmp, plan[0])
                else:
                    value = test(tmp)
                    if test is test_plan_adds_styled_group:
                        plan = value
            except Exception:
                failures += 1
                traceback.print_exc()
        if args.screenshot and plan:
            screenshot(args.screenshot, *plan)
            print(f"wrote {args.screenshot}")
        if args.zip:
            print("test_zip_installs")
            try:
                test_zip_installs(args.zip, provider)
            except Exception:
                failures += 1
                traceback.print_exc()
    print("QGIS plugin: all tests passed" if not failures else f"QGIS plugin: {failures} test(s) FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip QGIS's and Python's teardown: with Processing's layers still referenced from Python, PyQGIS 3.22
    # crashes on exit (SIGSEGV) after the tests have run, which would hide the verdict in the exit code.
    os._exit(code)
