#!/usr/bin/env python3
"""Opens a plan's QGIS project headless (PyQGIS) and checks it is a finished map.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/verify_qgis.py OUT_DIR [PNG_PREFIX]

Checks: iapz.qgz loads; every layer is valid, comes from iapz.gpkg beside it (relative path)
and carries iapz's style (not QGIS's random default); the front sectors and reaction areas are
coloured by their reaction time's band, in the project and in the GeoPackage's default styles; labels are on exactly for the layers the
catalogue labels; the tree's drawing order has points over lines over fills; the project CRS is
the map's LAEA; the print layout has a map, a legend, a scale bar and labels; "add all layers" of
iapz.gpkg gives the same order. Renders the project's view and the layout to PNG
(PNG_PREFIX-canvas.png, PNG_PREFIX-layout.png; default OUT_DIR/qgis). Any failure or QGIS error
message exits 1.
"""
import os
import sys

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsLayoutExporter,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemScaleBar,
    QgsLayoutItemLabel,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsMessageLog,
    QgsProject,
    QgsRenderContext,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

# The catalogue's labelled layers (src/layer.rs, PLAN_LAYERS `.label(...)`).
LABELLED = {"airfields", "assets", "cap_stations", "oblasts", "front_sectors", "garrisons", "staging", "aew_orbits", "tanker_tracks"}
# Layers off when the project opens (catalogue `.hidden()`).
HIDDEN = {"coverage", "redundancy", "oblasts", "follow_on"}
# Polygon layers drawn as outlines over the lines on purpose (no fill).
OUTLINES = {"ukraine_1991", "oblasts"}

# A few of iapz's colours (src/style.rs), to tell iapz's styles from QGIS's random defaults.
STYLE_COLOURS = {"zone": ["#286ec8"], "controlled": ["#faf8eb"], "gap": ["#dc2828"], "strip": ["#783c96"]}

# Layers coloured by reaction time (src/style.rs reaction_property) and the colour bands
# (REACTION_BANDS: upper bound in hours, colour; UNREACHED_COLOUR for no time).
REACTION_PROPERTY = {"front_sectors": "within_hours", "reaction": "hours"}
REACTION_BANDS = [(1, "#006837"), (3, "#28a03c"), (6, "#ebaa00"), (12, "#e65f0f"), (24, "#b9141e"),
                  (float("inf"), "#781e28")]
UNREACHED = "#6e1478"

failures = []
messages = []


def fail(msg):
    failures.append(msg)
    print("FAIL", msg)


def on_message(message, tag, level):
    if level >= Qgis.Warning and tag not in ("Plugins", "Python warning"):
        messages.append(f"{tag}: {message}")


def table_name(layer):
    return layer.source().split("layername=")[-1].split("|")[0]


def geometry_tier(layer):
    """0 points, 1 lines, 2 areas."""
    return {QgsWkbTypes.PointGeometry: 0, QgsWkbTypes.LineGeometry: 1}.get(layer.geometryType(), 2)


def check_project(out_dir):
    project = QgsProject.instance()
    path = os.path.join(out_dir, "iapz.qgz")
    if not project.read(path):
        fail(f"{path}: QGIS cannot read the project: {project.error()}")
        return None
    crs = project.crs()
    if not crs.isValid() or "laea" not in crs.toProj():
        fail(f"project CRS is not the map's LAEA: {crs.toProj()!r}")
    layers = project.layerTreeRoot().layerOrder()
    if not layers:
        fail("the project has no layers")
    names = [table_name(l) for l in layers]
    print("drawing order (top first):", ", ".join(names))
    for l in layers:
        name = table_name(l)
        if not l.isValid():
            fail(f"{name}: layer not valid ({l.source()})")
            continue
        if os.path.realpath(l.source().split("|")[0]) != os.path.realpath(os.path.join(out_dir, "iapz.gpkg")):
            fail(f"{name}: source is not the iapz.gpkg beside the project: {l.source()}")
        renderer = l.renderer()
        if renderer is None or not renderer.symbols(QgsRenderContext()):
            fail(f"{name}: no renderer")
        elif renderer.type() == "singleSymbol" and renderer.symbol().color().name() not in STYLE_COLOURS.get(name, [renderer.symbol().color().name()]):
            fail(f"{name}: not iapz's style ({renderer.symbol().color().name()})")
        if name in REACTION_PROPERTY:
            check_reaction_colours(l, name)
        want_labels = name in LABELLED
        if l.labelsEnabled() != want_labels or (want_labels and l.labeling() is None):
            fail(f"{name}: labels {'off' if want_labels else 'on'}; the catalogue says {'on' if want_labels else 'off'}")
        node = project.layerTreeRoot().findLayer(l.id())
        if node is None:
            fail(f"{name}: not in the layer tree")
        elif node.isVisible() == (name in HIDDEN) and node.parent().isVisible():
            fail(f"{name}: visible is {node.isVisible()}, the catalogue says {name not in HIDDEN}")
    tiers = [geometry_tier(l) for l in layers if table_name(l) not in OUTLINES]
    if tiers != sorted(tiers):
        fail(f"drawing order is not points, lines, areas: {names}")
    if names and names[-1] != "controlled" and "controlled" in names:
        fail("the opaque `controlled` fill is not at the bottom")
    return project


def reaction_colour(hours):
    if hours is None:
        return UNREACHED
    return next(c for upper, c in REACTION_BANDS if hours <= upper)


def check_reaction_colours(layer, name):
    """Each feature of a layer coloured by reaction time gets its band's colour."""
    key = REACTION_PROPERTY[name.split(": ")[-1]]
    renderer = layer.renderer()
    if renderer.type() != "categorizedSymbol" or renderer.classAttribute() != key:
        fail(f"{name}: not categorised on {key} ({renderer.type()})")
        return
    ctx = QgsRenderContext()
    renderer.startRender(ctx, layer.fields())
    for f in layer.getFeatures():
        value = f[key]
        hours = None if value is None or (hasattr(value, "isNull") and value.isNull()) else float(value)
        symbol = renderer.symbolForFeature(f, ctx)
        if symbol is None:
            fail(f"{name}: feature {f.id()} ({key} = {hours}) has no symbol")
            continue
        sl = symbol.symbolLayer(0)
        got = (sl.strokeColor() if layer.geometryType() == QgsWkbTypes.PolygonGeometry else sl.color()).name()
        if got != reaction_colour(hours):
            fail(f"{name}: feature {f.id()} ({key} = {hours}) is {got}, its band is {reaction_colour(hours)}")
    renderer.stopRender(ctx)


def check_styles_in_gpkg(out_dir, names):
    """What "add all layers" of the GeoPackage gives: the stored order and the default styles."""
    gpkg = os.path.join(out_dir, "iapz.gpkg")
    probe = QgsVectorLayer(gpkg, "probe", "ogr")
    tables = [s.split("!!::!!")[1] for s in probe.dataProvider().subLayers()]
    if [t for t in tables if t in names] != names:
        fail(f"iapz.gpkg tables {tables} are not in the project's drawing order {names}")
    for t in tables:
        l = QgsVectorLayer(f"{gpkg}|layername={t}", t, "ogr")
        if not l.isValid():
            fail(f"iapz.gpkg: table {t} does not load")
            continue
        if l.labelsEnabled() != (t in LABELLED):
            fail(f"iapz.gpkg: {t}: default style labels {'on' if l.labelsEnabled() else 'off'}")
        if t in REACTION_PROPERTY:
            check_reaction_colours(l, f"iapz.gpkg: {t}")


def render_canvas(project, png):
    settings = QgsMapSettings()
    settings.setLayers(
        [l for l in project.layerTreeRoot().layerOrder() if project.layerTreeRoot().findLayer(l.id()).isVisible()]
    )
    settings.setDestinationCrs(project.crs())
    view = project.viewSettings().defaultViewExtent()
    settings.setExtent(view if not view.isEmpty() else project.layerTreeRoot().layerOrder()[0].extent())
    settings.setOutputSize(QSize(1600, 1200))
    settings.setBackgroundColor(QColor(170, 200, 225))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    for e in job.errors():
        fail(f"rendering {e.layerID}: {e.message}")
    if not job.renderedImage().save(png):
        fail(f"cannot save {png}")
    print("rendered", png)


def check_layout(project, png):
    layouts = project.layoutManager().printLayouts()
    if not layouts:
        fail("the project has no print layout")
        return
    layout = layouts[0]
    items = layout.items()
    for kind, what in [
        (QgsLayoutItemMap, "map"),
        (QgsLayoutItemLegend, "legend"),
        (QgsLayoutItemScaleBar, "scale bar"),
        (QgsLayoutItemLabel, "title"),
    ]:
        if not any(isinstance(i, kind) for i in items):
            fail(f"layout {layout.name()!r} has no {what}")
    maps = [i for i in items if isinstance(i, QgsLayoutItemMap)]
    for bar in (i for i in items if isinstance(i, QgsLayoutItemScaleBar)):
        # A scale bar that says what it measures: its length stays inside the map frame and its
        # labels are in km (a wrong units-per-segment once drew 100,000 km bars labelled 0.1 km).
        length_mm = bar.rect().width()
        frame_mm = maps[0].rect().width() if maps else 0
        if not (0 < length_mm <= frame_mm):
            fail(f"the scale bar is {length_mm:.0f} mm long, the map frame {frame_mm:.0f} mm")
        if bar.mapUnitsPerScaleBarUnit() != 1 or bar.unitsPerSegment() > 1000:
            fail(f"the scale bar counts {bar.unitsPerSegment()} units a segment "
                 f"with a label multiplier of {bar.mapUnitsPerScaleBarUnit()}")
    if maps and maps[0].extent().isEmpty():
        fail("the layout's map has an empty extent")
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.exportMetadata = False  # GDAL cannot update a PNG in place (ERROR 6)
    result = QgsLayoutExporter(layout).exportToImage(png, settings)
    if result != QgsLayoutExporter.Success:
        fail(f"layout export to {png} failed ({result})")
    else:
        print("rendered", png)


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    out_dir = sys.argv[1]
    prefix = sys.argv[2] if len(sys.argv) > 2 else os.path.join(out_dir, "qgis")
    app = QgsApplication([], False)
    app.initQgis()
    QgsApplication.messageLog().messageReceived.connect(on_message)
    project = check_project(out_dir)
    if project is not None:
        names = [table_name(l) for l in project.layerTreeRoot().layerOrder()]
        check_styles_in_gpkg(out_dir, names)
        render_canvas(project, f"{prefix}-canvas.png")
        check_layout(project, f"{prefix}-layout.png")
    for m in messages:
        fail(f"QGIS said: {m}")
    if failures:
        print(f"verify_qgis: {len(failures)} problem(s)")
        return 1
    print("verify_qgis: the project opens as a finished map")
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # PyQGIS 3.22 may crash in its teardown; the verdict is already printed
    os._exit(code)
