"""The QGIS plugin object: registers the iapz Processing provider and removes it on unload."""

from qgis.core import QgsApplication

from .provider import IapzProvider


class IapzPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.provider = None

    def initProcessing(self):  # noqa: N802 (QGIS's name)
        # Called by QGIS for plugins with hasProcessingProvider=yes, also when running qgis_process.
        if self.provider is None:
            self.provider = IapzProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
