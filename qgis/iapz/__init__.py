"""iapz for QGIS: a Processing provider that runs the iapz command-line tool."""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import IapzPlugin

    return IapzPlugin(iface)
