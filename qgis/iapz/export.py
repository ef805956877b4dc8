"""Writing QGIS features to the GeoJSON iapz reads: WGS84 longitude/latitude (EPSG:4326), full precision."""

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureRequest,
    QgsFields,
    QgsProcessingException,
    QgsProject,
    QgsVectorFileWriter,
)

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")


def write_geojson(source, path, transform_context=None, feedback=None, fid_field=None, progress=(0, 100)):
    """Writes every feature of `source` (a layer or a Processing feature source) to GeoJSON at `path`.

    Geometries are reprojected to EPSG:4326: iapz measures on the WGS84 ellipsoid and reads longitude
    and latitude in degrees. With `fid_field`, each feature also carries its position in `source`
    (0, 1, …) under that name, so results can be joined back to the original attributes.
    Returns the number of features written.
    """
    context = transform_context or QgsProject.instance().transformContext()
    fields = QgsFields(source.fields())
    if fid_field:
        from qgis.core import QgsField
        from qgis.PyQt.QtCore import QVariant

        fields.append(QgsField(fid_field, QVariant.LongLong))
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GeoJSON"
    options.fileEncoding = "UTF-8"
    # 15 decimals of a degree is ~0.1 nm: the coordinates iapz reads are those QGIS holds.
    options.layerOptions = ["COORDINATE_PRECISION=15", "WRITE_BBOX=NO"]
    writer = QgsVectorFileWriter.create(path, fields, source.wkbType(), WGS84, context, options)
    if writer.hasError() != QgsVectorFileWriter.NoError:
        raise QgsProcessingException(f"Cannot write {path}: {writer.errorMessage()}")
    crs = source.sourceCrs() if hasattr(source, "sourceCrs") else source.crs()
    transform = QgsCoordinateTransform(crs, WGS84, context)
    total = source.featureCount() if source.featureCount() > 0 else 0
    lo, hi = progress
    written = 0
    for i, feature in enumerate(source.getFeatures(QgsFeatureRequest())):
        if feedback is not None and feedback.isCanceled():
            break
        out = QgsFeature(fields)
        attributes = feature.attributes()
        if fid_field:
            attributes = attributes + [i]
        out.setAttributes(attributes)
        if feature.hasGeometry():
            geometry = feature.geometry()
            if crs != WGS84:
                try:
                    geometry.transform(transform)
                except Exception as e:
                    raise QgsProcessingException(
                        f"Feature {feature.id()} cannot be reprojected from {crs.authid()} to EPSG:4326: {e}"
                    )
            out.setGeometry(geometry)
        if not writer.addFeature(out):
            raise QgsProcessingException(f"Cannot write feature {feature.id()} to {path}: {writer.errorMessage()}")
        written += 1
        if feedback is not None and total:
            feedback.setProgress(lo + (hi - lo) * (i + 1) / total)
    del writer  # closes the file
    return written
