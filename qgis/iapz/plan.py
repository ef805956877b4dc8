"""Processing algorithm “Plan from scenario”: `iapz plan`, its layers added to the project as one styled group."""

import os

from qgis.core import (
    QgsLayerTree,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProject,
    QgsVectorLayer,
)

from . import runner


class PlanFromScenario(QgsProcessingAlgorithm):
    SCENARIO = "SCENARIO"
    DATA = "DATA"
    MAP = "MAP"
    LOAD = "LOAD"
    OUTPUT = "OUTPUT"
    GEOPACKAGE = "GEOPACKAGE"
    REPORT = "REPORT"
    GROUP = "GROUP"
    LAYER_COUNT = "LAYER_COUNT"

    def __init__(self):
        super().__init__()
        self._out_dir = None
        self._load = True
        self._title = None

    def name(self):
        return "plan"

    def displayName(self):  # noqa: N802
        return "Plan from scenario"

    def group(self):
        return "Planning"

    def groupId(self):  # noqa: N802
        return "planning"

    def shortHelpString(self):  # noqa: N802
        return (
            "Runs `iapz plan` on a scenario file (TOML; empty: the built-in Sky Shield scenario) and writes the "
            "plan's outputs to a folder: iapz.gpkg (styled), layers/*.geojson, report.md/json, KML and the map. "
            "The plan's layers are added to the project as one group, styled as iapz styles them, and the "
            "report is printed in the log."
        )

    def createInstance(self):  # noqa: N802
        return PlanFromScenario()

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFile(
                self.SCENARIO, "Scenario file (empty: the built-in default)", extension="toml", optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.DATA,
                "Datasets folder replacing the built-in data (optional)",
                behavior=QgsProcessingParameterFile.Folder,
                optional=True,
            )
        )
        self.addParameter(QgsProcessingParameterBoolean(self.MAP, "Also draw map.png and map.svg", defaultValue=True))
        self.addParameter(
            QgsProcessingParameterBoolean(self.LOAD, "Add the plan's layers to the project", defaultValue=True)
        )
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT, "Output folder"))
        self.addOutput(QgsProcessingOutputFile(self.GEOPACKAGE, "GeoPackage (iapz.gpkg)"))
        self.addOutput(QgsProcessingOutputFile(self.REPORT, "Report (report.md)"))
        self.addOutput(QgsProcessingOutputString(self.GROUP, "Layer group added to the project"))
        self.addOutput(QgsProcessingOutputNumber(self.LAYER_COUNT, "Number of plan layers"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        scenario = self.parameterAsFile(parameters, self.SCENARIO, context)
        data = self.parameterAsFile(parameters, self.DATA, context)
        out_dir = self.parameterAsString(parameters, self.OUTPUT, context)
        if not out_dir:
            raise QgsProcessingException("Choose an output folder for the plan.")
        args = ["plan"]
        if scenario:
            args.append(scenario)
        args += ["--out", out_dir]
        if data:
            args += ["--data", data]
        if not self.parameterAsBoolean(parameters, self.MAP, context):
            args.append("--no-map")
        feedback.setProgress(0)
        feedback.setProgressText("iapz plan: planning the zone (iapz reports no finer progress)")
        runner.run(args, feedback, what="Plan from scenario")
        feedback.setProgress(90)
        gpkg = os.path.join(out_dir, "iapz.gpkg")
        report = os.path.join(out_dir, "report.md")
        if not os.path.exists(gpkg):
            raise QgsProcessingException(f"iapz plan finished but wrote no {gpkg}.")
        if os.path.exists(report):
            with open(report, encoding="utf-8") as f:
                text = f.read()
            feedback.pushInfo(f"\n{report}:\n")
            feedback.pushInfo(text)
            self._title = _first_heading(text)
        self._out_dir = out_dir
        self._load = self.parameterAsBoolean(parameters, self.LOAD, context)
        tables = plan_tables(gpkg)
        feedback.setProgress(100)
        return {
            self.OUTPUT: out_dir,
            self.GEOPACKAGE: gpkg,
            self.REPORT: report,
            self.GROUP: self.group_name(),
            self.LAYER_COUNT: len(tables),
        }

    def group_name(self):
        return f"iapz plan — {self._title}" if self._title else "iapz plan"

    def postProcessAlgorithm(self, context, feedback):  # noqa: N802
        # Runs on the main thread, where the project may be changed.
        if self._out_dir and self._load:
            project = context.project() or QgsProject.instance()
            added = add_plan_to_project(self._out_dir, project, self.group_name())
            feedback.pushInfo(f"added {added} layer(s) to the project in group “{self.group_name()}”")
        return {}


def _first_heading(markdown):
    for line in markdown.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


def plan_tables(gpkg):
    """The feature tables of a plan's GeoPackage, in stored order (iapz stores them bottom layer first)."""
    probe = QgsVectorLayer(gpkg, "probe", "ogr")
    if not probe.isValid():
        raise QgsProcessingException(f"QGIS cannot open {gpkg}.")
    sep = "!!::!!"
    return [s.split(sep)[1] for s in probe.dataProvider().subLayers()]


def add_plan_to_project(out_dir, project, group_name):
    """Adds the plan's layers to `project` in a new group on top; returns how many were added.

    With an `iapz.qgz` next to the GeoPackage, its layer tree (groups, order, styles) is copied;
    otherwise every table of iapz.gpkg is loaded with the default style stored in its `layer_styles`.
    """
    root = project.layerTreeRoot()
    group = root.insertGroup(0, group_name)
    qgz = os.path.join(out_dir, "iapz.qgz")
    if os.path.exists(qgz):
        added = _copy_qgz_tree(qgz, project, group)
        if added:
            return added
    gpkg = os.path.join(out_dir, "iapz.gpkg")
    added = 0
    # Stored bottom-first, so each table goes on top of the ones before it.
    for table in plan_tables(gpkg):
        layer = QgsVectorLayer(f"{gpkg}|layername={table}", table, "ogr")
        if not layer.isValid():
            raise QgsProcessingException(f"QGIS cannot open table {table} of {gpkg}.")
        project.addMapLayer(layer, False)
        group.insertLayer(0, layer)
        added += 1
    return added


def _copy_qgz_tree(qgz, project, group):
    """Copies the layer tree of a plan's QGIS project into `group`; 0 when it cannot be read."""
    source = QgsProject()
    if not source.read(qgz):
        return 0
    added = _copy_children(source.layerTreeRoot(), project, group)
    source.clear()
    return added


def _copy_children(node, project, group):
    added = 0
    for child in node.children():
        if QgsLayerTree.isGroup(child):
            sub = group.addGroup(child.name())
            sub.setExpanded(child.isExpanded())
            added += _copy_children(child, project, sub)
        elif QgsLayerTree.isLayer(child) and child.layer() is not None:
            layer = child.layer().clone()
            project.addMapLayer(layer, False)
            tree_layer = group.addLayer(layer)
            tree_layer.setItemVisibilityChecked(child.itemVisibilityChecked())
            added += 1
    return added
