"""Writing QGIS features to the GeoJSON iapz reads: WGS84 longitude/latitude (EPSG:4326), full precision."""

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsJsonExporter,
    QgsProcessingException,
)

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")

# Decimals of a degree in the GeoJSON handed to iapz: 15 is ~0.1 nm, so iapz reads the coordinates QGIS holds.
PRECISION = 15


def write_geojson(source, path, feedback=None, fid_field=None, progress=(0, 100)):
    """Writes every feature of `source` (a layer or a Processing feature source) to GeoJSON at `path`.

    Geometries are reprojected to EPSG:4326: iapz measures on the WGS84 ellipsoid and reads longitude
    and latitude in degrees. Attributes keep their JSON types (lists and maps too, which GDAL's writer
    refuses). With `fid_field`, each feature also carries its position in `source` (0, 1, …) under that
    name, so results can be joined back to the original attributes. Returns the number of features written.
    """
    crs = source.sourceCrs() if hasattr(source, "sourceCrs") else source.crs()
    exporter = QgsJsonExporter()
    exporter.setPrecision(PRECISION)
    exporter.setSourceCrs(crs)  # with transformGeometries (the default) this reprojects to EPSG:4326
    exporter.setTransformGeometries(True)
    exporter.setIncludeRelated(False)
    total = max(source.featureCount(), 0)
    lo, hi = progress
    written = 0
    try:
        with open(path, "w", encoding="utf-8") as out:
            out.write('{"type":"FeatureCollection","features":[\n')
            for i, feature in enumerate(source.getFeatures()):
                if feedback is not None and feedback.isCanceled():
                    break
                extra = {fid_field: i} if fid_field else {}
                text = exporter.exportFeature(feature, extra)
                if not text or not text.startswith("{"):
                    raise QgsProcessingException(
                        f"Feature {feature.id()} cannot be written as WGS84 GeoJSON (reprojection from "
                        f"{crs.authid()} failed?)"
                    )
                out.write(("," if written else "") + text + "\n")
                written += 1
                if feedback is not None and total:
                    feedback.setProgress(lo + (hi - lo) * (i + 1) / total)
            out.write("]}\n")
    except OSError as e:
        raise QgsProcessingException(f"Cannot write {path}: {e}")
    return written


