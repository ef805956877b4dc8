"""Processing algorithm “Geodesic buffer (exact)”: `iapz buffer` on any vector layer."""

import os
import tempfile

from qgis.core import (
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from . import runner
from .export import WGS84, write_geojson

UNITS = ["m", "km", "mi", "nmi", "ft"]
UNIT_LABELS = ["metres", "kilometres", "statute miles", "nautical miles", "feet"]
SIDES = [None, "left", "right"]
SIDE_LABELS = ["both sides", "left side of lines only (flat ends)", "right side of lines only (flat ends)"]

# Joins iapz's output features back to the input's attributes; dropped from the result.
FID_FIELD = "_iapz_fid"


class GeodesicBuffer(QgsProcessingAlgorithm):
    INPUT = "INPUT"
    DISTANCE = "DISTANCE"
    UNIT = "UNIT"
    SIDE = "SIDE"
    TOLERANCE = "TOLERANCE"
    REPAIR = "REPAIR"
    OUTPUT = "OUTPUT"

    def name(self):
        return "geodesicbuffer"

    def displayName(self):  # noqa: N802
        return "Geodesic buffer (exact)"

    def group(self):
        return "Geodesy"

    def groupId(self):  # noqa: N802
        return "geodesy"

    def shortHelpString(self):  # noqa: N802
        return (
            "Buffers every feature on the WGS84 ellipsoid: each boundary point lies at the given geodesic "
            "distance from the input, to within the tolerance (unlike Buffer in degrees or in a projected CRS). "
            "Any vector layer is accepted and reprojected to EPSG:4326 (WGS84) on the way in; the result is in "
            "EPSG:4326, one (multi)polygon per input feature with the input's attributes and `buffer_m` "
            "(the distance in metres). A negative distance shrinks polygons. Runs the iapz executable "
            "(`iapz buffer`)."
        )

    def createInstance(self):  # noqa: N802
        return GeodesicBuffer()

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.INPUT, "Input layer", [QgsProcessing.TypeVectorAnyGeometry])
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.DISTANCE, "Distance", QgsProcessingParameterNumber.Double, defaultValue=10.0
            )
        )
        self.addParameter(QgsProcessingParameterEnum(self.UNIT, "Distance unit", UNIT_LABELS, defaultValue=1))
        self.addParameter(QgsProcessingParameterEnum(self.SIDE, "Side", SIDE_LABELS, defaultValue=0))
        self.addParameter(
            QgsProcessingParameterNumber(
                self.TOLERANCE,
                "Tolerance (metres): largest departure of the boundary from the distance",
                QgsProcessingParameterNumber.Double,
                defaultValue=1.0,
                minValue=0.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.REPAIR, "Repair self-intersecting input polygons instead of refusing them", defaultValue=False
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, "Buffered", QgsProcessing.TypeVectorPolygon)
        )

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        distance = self.parameterAsDouble(parameters, self.DISTANCE, context)
        unit = UNITS[self.parameterAsEnum(parameters, self.UNIT, context)]
        side = SIDES[self.parameterAsEnum(parameters, self.SIDE, context)]
        tolerance = self.parameterAsDouble(parameters, self.TOLERANCE, context)
        if tolerance <= 0:
            raise QgsProcessingException("The tolerance must be more than 0 m (e.g. 1 m).")
        runner.checked_binary()  # before exporting a large layer for nothing

        attributes = {}
        fields = QgsFields(source.fields())
        if fields.indexOf("buffer_m") < 0:
            fields.append(QgsField("buffer_m", QVariant.Double))
        with tempfile.TemporaryDirectory(prefix="iapz-buffer-") as tmp:
            src_path = os.path.join(tmp, "input.geojson")
            out_path = os.path.join(tmp, "buffered.geojson")
            feedback.setProgressText("Writing the input as WGS84 GeoJSON")
            feedback.setProgress(0)
            n = write_geojson(source, src_path, feedback, FID_FIELD, (0, 10))
            if feedback.isCanceled():
                return {}
            for f in source.getFeatures():
                attributes[len(attributes)] = f.attributes()
            feedback.pushInfo(f"{n} feature(s) reprojected from {source.sourceCrs().authid()} to EPSG:4326")
            args = ["buffer", src_path, "--distance", f"{distance!r} {unit}", "--tolerance", f"{tolerance!r} m"]
            if side:
                args += ["--side", side]
            if self.parameterAsBoolean(parameters, self.REPAIR, context):
                args.append("--repair")
            args += ["-o", out_path]
            feedback.setProgressText(f"iapz buffer: {distance:g} {unit}, tolerance {tolerance:g} m")
            runner.run(args, feedback, what="Geodesic buffer")
            feedback.setProgress(90)
            sink, dest_id = self.parameterAsSink(
                parameters, self.OUTPUT, context, fields, QgsWkbTypes.MultiPolygon, WGS84
            )
            if sink is None:
                raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
            self._copy_result(out_path, sink, fields, attributes, feedback)
        feedback.setProgress(100)
        return {self.OUTPUT: dest_id}

    def _copy_result(self, path, sink, fields, attributes, feedback):
        """Copies iapz's buffers into the sink with the input's own attributes (types kept) and buffer_m."""
        result = QgsVectorLayer(path, "buffered", "ogr")
        if not result.isValid():
            raise QgsProcessingException(f"iapz wrote {path}, but QGIS cannot read it as a layer.")
        fid_index = result.fields().indexOf(FID_FIELD)
        buffer_index = result.fields().indexOf("buffer_m")
        target_buffer = fields.indexOf("buffer_m")
        for f in result.getFeatures():
            if feedback.isCanceled():
                break
            out = QgsFeature(fields)
            values = [None] * fields.count()
            original = attributes.get(f[fid_index]) if fid_index >= 0 else None
            if original is not None:
                values[: len(original)] = original
            if buffer_index >= 0:
                values[target_buffer] = f[buffer_index]
            out.setAttributes(values)
            geometry = f.geometry()
            geometry.convertToMultiType()
            out.setGeometry(geometry)
            sink.addFeature(out, QgsFeatureSink.FastInsert)
