"""Text longer than a page in a form cell (a long 纠纷简要情况, very long names and addresses) is
cut at the cell and continued on 附页 at the end, in reading order; printing never stops."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests import casekit
from xihu_desk.domain.parties import PartyInput
from xihu_desk.services import cases, printing

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    return re.sub(r"\s+", "", out.decode("utf-8"))


def test_a_very_long_case_prints_with_continuation_sheets(db, tmp_path):
    actor = casekit.head_actor(db)
    mediators = casekit.roster(db, actor, names=("周" + "调" * 39, "吴调解"))
    summary = "".join(f"第{i}句事实。" for i in range(700))
    long_name = "欧阳" + "娜" * 58
    parties = (PartyInput("applicant", "person", long_name, phone="13800000001", address="蠡" * 120),
               PartyInput("respondent", "person", "李四", phone="13800000002", address="鳌" * 110))
    with db.write() as s:
        ref = cases.open_case(s, actor, casekit.intake(db, mediators, parties=parties, summary=summary))
    for kind in ("register", "application", "notice"):
        with db.write() as s:
            printed = printing.print_document(s, actor, kind, ref.uuid)
        text = _text(printed.pdf, tmp_path)
        if kind == "notice":
            continue
        assert "附页1" in text, kind
        # Every sentence is printed once (a single 句 cannot be broken by a cut, a label or a page
        # footer in the extracted text), and what is found reads in order.
        assert text.count("句") == 700, kind
        found = [int(m) for m in re.findall(r"第(\d+)句事实", text)]
        assert found == sorted(found), kind
    with db.write() as s:
        printed = printing.print_document(s, actor, "register", ref.uuid)
    text = _text(printed.pdf, tmp_path)
    assert text.count("蠡") == 120 and text.count("鳌") == 110  # the longest addresses a party can have
    assert long_name[:20] in text
