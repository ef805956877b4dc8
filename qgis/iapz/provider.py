"""The iapz Processing provider: its algorithms and the setting that names the iapz executable."""

import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from . import runner
from .buffer import GeodesicBuffer
from .check import CheckRules
from .plan import PlanFromScenario


class IapzProvider(QgsProcessingProvider):
    def id(self):
        return "iapz"

    def name(self):
        return "iapz"

    def longName(self):
        return "iapz: exact geodesic buffers, zone plans and rule checks"

    def icon(self):
        path = os.path.join(os.path.dirname(__file__), "icon.svg")
        return QIcon(path) if os.path.exists(path) else super().icon()

    def load(self):
        from processing.core.ProcessingConfig import ProcessingConfig, Setting

        ProcessingConfig.settingIcons[self.name()] = self.icon()
        ProcessingConfig.addSetting(
            Setting(
                self.name(),
                runner.SETTING_BINARY,
                "iapz executable (empty: found on PATH)",
                "",
                valuetype=Setting.FILE,
            )
        )
        ProcessingConfig.readSettings()
        self.refreshAlgorithms()
        return True

    def unload(self):
        from processing.core.ProcessingConfig import ProcessingConfig

        ProcessingConfig.removeSetting(runner.SETTING_BINARY)

    def loadAlgorithms(self):  # noqa: N802
        for alg in (GeodesicBuffer(), PlanFromScenario(), CheckRules()):
            self.addAlgorithm(alg)
