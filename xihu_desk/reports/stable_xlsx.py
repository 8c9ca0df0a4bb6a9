"""A workbook saved so that the same content gives the same bytes: a submitted report (报出) is
rebuilt from its snapshot and must equal what was handed over.

openpyxl stamps two things with the clock: the document's created/modified times (docProps/core.xml,
set again on every save) and each zip entry's date. Both are set here from the given moment; the
rest of openpyxl's output depends only on the workbook's content.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from openpyxl import Workbook

from xihu_desk.reports import ledger

CORE = "docProps/core.xml"


def to_bytes(wb: Workbook, at: datetime) -> bytes:
    """``ledger.to_bytes`` (every cell sealed), with the file's times fixed at ``at`` (naive)."""
    at = at.replace(microsecond=0, tzinfo=None)
    wb.properties.creator = "xihu-desk"
    wb.properties.created = at
    raw = ledger.to_bytes(wb)
    wb.properties.modified = at
    core = _core_xml(wb)
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    # The zip format has no dates before 1980.
    stamp = (max(at.year, 1980), at.month, at.day, at.hour, at.minute, at.second)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = core if info.filename == CORE else source.read(info.filename)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, data)
    return out.getvalue()


def _core_xml(wb: Workbook) -> bytes:
    from openpyxl.xml.functions import tostring

    return tostring(wb.properties.to_tree())
