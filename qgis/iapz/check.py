"""Processing algorithm “Check rules”: `iapz check RULES --layers ... --format json` as a results table."""

import json
import os
import re
import tempfile

from qgis.core import (
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFile,
    QgsProcessingParameterMultipleLayers,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from . import runner
from .export import WGS84, write_geojson

# (name, type) of the results table, one row per rule, in the rules file's order.
COLUMNS = [
    ("name", QVariant.String),
    ("kind", QVariant.String),
    ("status", QVariant.String),
    ("measured", QVariant.String),
    ("value", QVariant.Double),
    ("unit", QVariant.String),
    ("expected", QVariant.String),
    ("detail", QVariant.String),
    ("where", QVariant.String),
    ("lon", QVariant.Double),
    ("lat", QVariant.Double),
    ("line", QVariant.Int),
]


class CheckRules(QgsProcessingAlgorithm):
    RULES = "RULES"
    LAYERS = "LAYERS"
    PLAN = "PLAN"
    FAIL = "FAIL"
    OUTPUT = "OUTPUT"
    FAILED = "FAILED"
    PASSED = "PASSED"

    def name(self):
        return "check"

    def displayName(self):  # noqa: N802
        return "Check rules"

    def group(self):
        return "Planning"

    def groupId(self):  # noqa: N802
        return "planning"

    def shortHelpString(self):  # noqa: N802
        return (
            "Measures layers against a rules file (TOML; see rules/sky-shield.toml in the iapz repository) with "
            "`iapz check`: minimum and maximum distances, strip widths, containment, overlap, coverage, areas, "
            "validity — exactly on WGS84. Layers are passed by name: a rule's `a = \"zone\"` reads the selected "
            "layer called zone (reprojected to EPSG:4326). Alternatively give a plan's output folder. The result is "
            "a table with one row per rule; when a rule fails, the algorithm fails (unless told not to)."
        )

    def createInstance(self):  # noqa: N802
        return CheckRules()

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile(self.RULES, "Rules file", extension="toml"))
        self.addParameter(
            QgsProcessingParameterMultipleLayers(
                self.LAYERS,
                "Layers, by the names the rules use (e.g. zone, threat, strip)",
                QgsProcessing.TypeVectorAnyGeometry,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.PLAN,
                "…or a plan's output folder (used when no layers are selected)",
                behavior=QgsProcessingParameterFile.Folder,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(self.FAIL, "Fail the algorithm when a rule fails", defaultValue=True)
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, "Check results", QgsProcessing.TypeVector)
        )
        self.addOutput(QgsProcessingOutputNumber(self.PASSED, "Rules passed"))
        self.addOutput(QgsProcessingOutputNumber(self.FAILED, "Rules failed"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        rules = self.parameterAsFile(parameters, self.RULES, context)
        layers = self.parameterAsLayerList(parameters, self.LAYERS, context)
        plan = self.parameterAsFile(parameters, self.PLAN, context)
        if not layers and not plan:
            raise QgsProcessingException("Select the layers the rules name, or give a plan's output folder.")
        runner.checked_binary()
        feedback.setProgress(0)
        with tempfile.TemporaryDirectory(prefix="iapz-check-") as tmp:
            args = ["check", rules, "--format", "json"]
            if layers:
                args.append("--layers")
                args += self._export_layers(layers, tmp, context, feedback)
            else:
                args += ["--out", plan]
            if feedback.isCanceled():
                return {}
            feedback.setProgressText("iapz check")
            result = runner.run(args, feedback, ok_codes=(0, 1), what="Check rules")
        feedback.setProgress(90)
        try:
            rows = json.loads(result.stdout)
        except ValueError as e:
            raise QgsProcessingException(
                f"iapz check printed something that is not JSON ({e}); its stderr:\n{result.stderr}"
            )
        fields = QgsFields()
        for name, kind in COLUMNS:
            fields.append(QgsField(name, kind))
        sink, dest_id = self.parameterAsSink(parameters, self.OUTPUT, context, fields, QgsWkbTypes.NoGeometry, WGS84)
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        failed = []
        for row in rows:
            feature = QgsFeature(fields)
            feature.setAttributes(_values(row))
            sink.addFeature(feature, QgsFeatureSink.FastInsert)
            line = f"{row.get('status', '?').upper()} {row.get('name')} [{row.get('kind')}]: " + (
                (row.get("measured") or {}).get("text", "")
            )
            if row.get("status") == "pass":
                feedback.pushInfo(line)
            else:
                failed.append(row)
                feedback.reportError(f"{line} — {row.get('detail', '')}", fatalError=False)
        feedback.setProgress(100)
        if failed and self.parameterAsBoolean(parameters, self.FAIL, context):
            names = "; ".join(f"{r.get('name')} (line {r.get('line')}): {r.get('detail', '')}" for r in failed)
            raise QgsProcessingException(f"{len(failed)} of {len(rows)} rule(s) failed: {names}")
        return {self.OUTPUT: dest_id, self.PASSED: len(rows) - len(failed), self.FAILED: len(failed)}

    def _export_layers(self, layers, tmp, context, feedback):
        """Writes each layer as <layer name>.geojson in EPSG:4326: iapz finds rule layers by file stem."""
        paths = []
        for i, layer in enumerate(layers):
            if not hasattr(layer, "getFeatures"):
                raise QgsProcessingException(f"{layer.name()} is not a vector layer.")
            stem = re.sub(r"[^\w.-]", "_", layer.name())
            path = os.path.join(tmp, f"{stem}.geojson")
            if path in paths:
                raise QgsProcessingException(
                    f"Two selected layers are named {stem!r}; rules find layers by name, so rename one."
                )
            feedback.setProgressText(f"Writing {layer.name()} as WGS84 GeoJSON")
            write_geojson(layer, path, feedback,
                          progress=(40 * i / len(layers), 40 * (i + 1) / len(layers)))
            paths.append(path)
        return paths


def _values(row):
    measured = row.get("measured") or {}
    where = row.get("where") or {}
    point = where.get("point") or [None, None]
    return [
        row.get("name"),
        row.get("kind"),
        row.get("status"),
        measured.get("text"),
        measured.get("value"),
        measured.get("unit"),
        row.get("expected"),
        row.get("detail"),
        where.get("label"),
        point[0],
        point[1],
        row.get("line"),
    ]
