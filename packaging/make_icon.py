"""Draw the program's icon once and write it as resources/icons/xihu-desk.png (256 px) and
xihu-desk.ico (16 to 256 px) for the installers, shortcuts and the Linux desktop entry.

    .venv/bin/python packaging/make_icon.py

The files are checked in; run this again only to change the icon. The symbol is the scale
(Material Design Icons "scale-balance", through qtawesome) in white on the program's accent blue.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)
ACCENT = "#1f5f99"  # xihu_desk/gui/theme.py ACCENT


def draw(app: QGuiApplication, size: int) -> QImage:
    import qtawesome

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(ACCENT))
    radius = size * 0.18
    painter.drawRoundedRect(QRectF(0, 0, size, size), radius, radius)
    margin = round(size * 0.14)
    glyph = qtawesome.icon("mdi6.scale-balance", color="#ffffff").pixmap(size - 2 * margin, size - 2 * margin)
    painter.drawPixmap(margin, margin, glyph)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(images: list[bytes]) -> bytes:
    """An .ico holding PNG-compressed images (read by Windows Vista and later)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, blob in zip(SIZES, images):
        edge = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    return header + entries + blobs


def main() -> int:
    app = QGuiApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    images = [png_bytes(draw(app, size)) for size in SIZES]
    (OUT / "xihu-desk.png").write_bytes(images[-1])
    (OUT / "xihu-desk.ico").write_bytes(ico(images))
    print(f"wrote {OUT / 'xihu-desk.png'} and {OUT / 'xihu-desk.ico'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
