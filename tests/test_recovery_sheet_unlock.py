"""The recovery sheet says both uses its own first paragraph names: restoring a backup on a new PC
and, on the same PC, opening the node again when this account lost its key (xihu-desk unlock, the
command the program's own message names); still one page."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest

from xihu_desk.documents import recovery_sheet as doc

CODE = "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2"


def test_the_sheet_says_how_to_unlock_on_the_same_pc():
    pdf, pages = doc.build_pdf(doc.SheetFacts("北山街道", "330106002", "n", date(2026, 12, 4), CODE))
    assert pages == 1
    try:
        out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    except (FileNotFoundError, subprocess.CalledProcessError):
        pytest.skip("pdftotext not installed")
    flat = "".join(out.stdout.decode().split())
    assert "xihu-deskunlock--recovery-key-file" in flat
    assert "xihu-deskrestore" in flat
