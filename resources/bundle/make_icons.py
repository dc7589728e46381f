"""Render the app icon's SVG to the raster files packagers need: PNG, ICO (Windows), ICNS (macOS).

build.spec runs this in a subprocess at build time, writing into PyInstaller's work folder, so
the source tree only ever holds the SVG. Run it by hand to get the files elsewhere:

    QT_QPA_PLATFORM=offscreen .venv/bin/python resources/bundle/make_icons.py SVG OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

NAME = "buddy-interviews"
SIZE = 256


def render(svg: Path, size: int = SIZE) -> QImage:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not an SVG Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    svg, out = Path(argv[0]), Path(argv[1])
    # QSvgRenderer draws text through the font system, which needs a Gui application.
    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841
    image = render(svg)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    # ICO and ICNS come from Qt's imageformats plugins; a missing plugin only loses that file.
    for suffix, fmt in ((".png", "PNG"), (".ico", "ICO"), (".icns", "ICNS")):
        target = out / f"{NAME}{suffix}"
        if image.save(str(target), fmt):
            written.append(target.name)
        else:
            print(f"make_icons: Qt could not write {fmt}; skipped {target}", file=sys.stderr)
    print(f"make_icons: wrote {', '.join(written)} in {out}")
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
