"""The same A1 landscape wall map as `wangge export wall-map --paper A1 --landscape`, made by QGIS from the
same GeoPackage document, so that both tools can be timed and measured in one run
(scripts/bench-vs-qgis.sh). Usage: /usr/bin/python3 qgis_wall_map.py DOC.gpkg OUT.pdf

What QGIS draws: community boundary, compounds, roads with their names, buildings with their numbers (grey
fill, outlines), grids filled with their stored colour and labelled by name, a title, a legend, a scale bar
and a north label, in UTM 50N at a scale that fits the boundary — the content of our wall map.
"""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsCoordinateTransform,
    QgsCoordinateReferenceSystem,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemScaleBar,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsPalLayerSettings,
    QgsPrintLayout,
    QgsProject,
    QgsProperty,
    QgsRectangle,
    QgsSymbolLayer,
    QgsTextFormat,
    QgsUnitTypes,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtGui import QColor, QFont, QFontDatabase  # noqa: E402


def layer(path, name):
    lyr = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
    if not lyr.isValid():
        sys.exit(f"cannot open layer {name} of {path}")
    return lyr


def labels(lyr, field, size_pt):
    s = QgsPalLayerSettings()
    s.fieldName = field
    fmt = QgsTextFormat()
    fmt.setFont(QFont("Noto Sans SC"))
    fmt.setSize(size_pt)
    s.setFormat(fmt)
    lyr.setLabeling(QgsVectorLayerSimpleLabeling(s))
    lyr.setLabelsEnabled(True)


def main(doc, out):
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    font_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "assets", "fonts", "NotoSansSC-Regular.ttf")
    QFontDatabase.addApplicationFont(font_path)
    project = QgsProject.instance()
    project.setCrs(QgsCoordinateReferenceSystem("EPSG:32650"))
    boundary, compounds, roads = layer(doc, "boundary"), layer(doc, "compounds"), layer(doc, "roads")
    buildings, grids = layer(doc, "buildings"), layer(doc, "grids")

    gs = grids.renderer().symbol()
    gs.setOpacity(0.55)
    gs.symbolLayer(0).setDataDefinedProperty(QgsSymbolLayer.PropertyFillColor, QgsProperty.fromField("colour"))
    labels(grids, "name", 24)
    buildings.renderer().symbol().setColor(QColor(205, 205, 205))
    # QGIS_NO_NUMBERS=1 leaves the building numbers out (QGIS's labelling of 100,000 buildings is
    # most of its time and memory).
    if not os.environ.get("QGIS_NO_NUMBERS"):
        labels(buildings, "number", 8)
    compounds.renderer().symbol().setColor(QColor(236, 232, 222))
    labels(roads, "name", 12)
    boundary.renderer().symbol().setColor(QColor(0, 0, 0, 0))
    for lyr in (compounds, grids, roads, buildings, boundary):
        project.addMapLayer(lyr)

    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.pageCollection().page(0).setPageSize("A1", 1)  # landscape
    title = QgsLayoutItemLabel(layout)
    title.setText("网格分布图")
    title.setFont(QFont("Noto Sans SC", 48))
    layout.addLayoutItem(title)
    title.attemptMove(QgsLayoutPoint(20, 10, QgsUnitTypes.LayoutMillimeters))
    title.attemptResize(QgsLayoutSize(400, 30, QgsUnitTypes.LayoutMillimeters))

    m = QgsLayoutItemMap(layout)
    layout.addLayoutItem(m)
    m.setCrs(QgsCoordinateReferenceSystem("EPSG:32650"))
    m.attemptMove(QgsLayoutPoint(20, 45, QgsUnitTypes.LayoutMillimeters))
    m.attemptResize(QgsLayoutSize(620, 530, QgsUnitTypes.LayoutMillimeters))
    m.setLayers([boundary, buildings, roads, grids, compounds])
    xf = QgsCoordinateTransform(boundary.crs(), m.crs(), project)
    # zoomToExtent leaves the extent empty in 3.22 when run headless: fit the frame's aspect by hand.
    ext = xf.transformBoundingBox(boundary.extent())
    ext.scale(1.02)
    frame_aspect = 620 / 530
    if ext.width() / ext.height() > frame_aspect:
        grow = ext.width() / frame_aspect / ext.height()
        ext = QgsRectangle.fromCenterAndSize(ext.center(), ext.width(), ext.height() * grow)
    else:
        grow = ext.height() * frame_aspect / ext.width()
        ext = QgsRectangle.fromCenterAndSize(ext.center(), ext.width() * grow, ext.height())
    m.setExtent(ext)
    print("map extent", m.extent().toString(), "scale", round(m.scale()), file=sys.stderr)

    legend = QgsLayoutItemLegend(layout)
    legend.setLinkedMap(m)
    layout.addLayoutItem(legend)
    legend.attemptMove(QgsLayoutPoint(660, 45, QgsUnitTypes.LayoutMillimeters))

    bar = QgsLayoutItemScaleBar(layout)
    bar.setStyle("Single Box")
    bar.setLinkedMap(m)
    bar.applyDefaultSize()
    layout.addLayoutItem(bar)
    bar.attemptMove(QgsLayoutPoint(30, 550, QgsUnitTypes.LayoutMillimeters))

    north = QgsLayoutItemLabel(layout)
    north.setText("北 N ↑")
    north.setFont(QFont("Noto Sans SC", 20))
    layout.addLayoutItem(north)
    north.attemptMove(QgsLayoutPoint(600, 50, QgsUnitTypes.LayoutMillimeters))

    result = QgsLayoutExporter(layout).exportToPdf(out, QgsLayoutExporter.PdfExportSettings())
    app.exitQgis()
    if result != QgsLayoutExporter.Success:
        sys.exit(f"QGIS export failed: {result}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
