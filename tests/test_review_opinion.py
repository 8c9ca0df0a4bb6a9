"""合法性审查意见书 (issue 19): printed from a review as PDF (one A4 page) and as an editable .docx,
numbered, with the checklist's findings, the conclusion, the issues, the reviewer and the date;
refused before there is an opinion; `print review-opinion NO -o FILE` chooses by the suffix."""

from __future__ import annotations

import io
import json
from datetime import date

import docx
import pytest
from sqlalchemy import select

from tests import reviewkit
from tests.test_documents import assert_shows, needs_poppler, pdf_text, squash
from tests.test_documents_word import _text
from tests.test_review_cli import run
from xihu_desk.domain.errors import UserError
from xihu_desk.services import review_opinion, reviews
from xihu_desk.store.models import AuditEvent

CHECKS = {
    "subject": ("pass", "街道办事处为决策主体"),
    "authority": ("pass", "属法定职责范围"),
    "content": ("fail", "第六条指定施工企业缺乏依据"),
    "procedure": ("pass", "已征求意见并开展风险评估"),
    "fair_competition": ("fail", "指定施工企业限制其他经营者参与"),
}
EXPECTED = (
    "合法性审查意见书",
    "北山合审意〔2026〕9号",
    "（2026）北山合审字第0001号",
    "城建办：",
    "《关于老旧小区加装电梯的实施方案》",
    "主体",
    "权限",
    "内容",
    "程序",
    "公平竞争审查",
    "第六条指定施工企业缺乏依据",
    "指定施工企业限制其他经营者参与",
    "不符合",
    "符合",
    "经审查，该事项修改后合法。",
    "删除第六条",
    "以上共提出意见2条。",
    "审查人：沈审查",
    "北山街道司法所",
    "二〇二六年二月二十六日",
)


def _item(db):
    shen = reviewkit.reviewer(db)
    ref = reviewkit.register(
        db,
        shen,
        item_type="major_decision",
        title="关于老旧小区加装电梯的实施方案",
        received_on=date(2026, 2, 10),
        complete_on=date(2026, 2, 12),
    )
    with db.write() as s:
        with pytest.raises(UserError, match="尚未出具审查意见"):
            review_opinion.print_opinion(s, shen, ref.uuid)
        reviews.save_checklist(s, shen, ref.uuid, CHECKS)
        reviews.record_opinion(
            s,
            shen,
            ref.uuid,
            reviews.OpinionInput(
                date(2026, 2, 26), "lawful_amended", "北山合审意〔2026〕9号", "删除第六条\n补充资金来源", 2
            ),
        )
    return shen, ref


@needs_poppler
def test_opinion_pdf_shows_everything_on_one_page(db, tmp_path):
    shen, ref = _item(db)
    with db.write() as s:
        printed = review_opinion.print_opinion(s, shen, ref.uuid)
    assert printed.pages == 1 and printed.data[:4] == b"%PDF" and printed.number == ref.number
    assert_shows(printed.data, tmp_path, *EXPECTED)
    text = squash(pdf_text(printed.data, tmp_path))
    assert text.index(squash("第六条指定施工企业缺乏依据")) < text.index(
        squash("经审查")
    )  # findings, then the conclusion
    with db.read() as s:
        assert "review.print" in s.scalars(select(AuditEvent.action)).all()


def test_opinion_docx_holds_the_same_text(db):
    shen, ref = _item(db)
    with db.write() as s:
        printed = review_opinion.print_opinion(s, shen, ref.uuid, word=True)
    text = squash(_text(docx.Document(io.BytesIO(printed.data))))
    missing = [n for n in EXPECTED if squash(n) not in text]
    assert not missing and printed.pages is None


@needs_poppler
def test_print_review_opinion_on_the_command_line(capsys, data_dir, tmp_path):
    home = str(data_dir.root)
    code, _out, err = run(capsys, "demo", "--data-dir", home, "--seed", "5", "--cases", "0", "--json")
    assert code == 0, err
    code, out, _ = run(capsys, "review", "list", "--data-dir", home, "--status", "opinion", "--json")
    number = json.loads(out)["reviews"][0]["number"]
    code, out, _ = run(capsys, "review", "show", number, "--data-dir", home)
    assert "审查要点：主体 " in out and "程序 " in out  # the checklist in the text output too
    code, out, err = run(
        capsys, "print", "review-opinion", number, "-o", str(tmp_path / "意见书.pdf"), "--data-dir", home, "--json"
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["format"] == "pdf" and doc["pages"] == 1 and doc["number"] == number
    assert_shows((tmp_path / "意见书.pdf").read_bytes(), tmp_path, "合法性审查意见书", number, "审查要点")
    code, out, err = run(
        capsys, "print", "review-opinion", number, "-o", str(tmp_path / "意见书.docx"), "--data-dir", home
    )
    assert code == 0 and "Word 可编辑文档" in out, err
    assert squash(number) in squash(_text(docx.Document(str(tmp_path / "意见书.docx"))))
    code, out, err = run(capsys, "review", "list", "--data-dir", home, "--status", "waiting", "--json")
    waiting = json.loads(out)["reviews"][0]["number"]
    code, _out, err = run(capsys, "print", "review-opinion", waiting, "-o", str(tmp_path / "x.pdf"), "--data-dir", home)
    assert code == 1 and "尚未出具审查意见" in err and not (tmp_path / "x.pdf").exists()
