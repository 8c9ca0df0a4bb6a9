"""打印意见书 in the review form: disabled before the opinion, then the 合法性审查意见书 written to
the file the user names (.pdf, or .docx for an editable Word copy)."""

from __future__ import annotations

from datetime import date

from tests import reviewkit
from xihu_desk.gui.reviews.page import ReviewsPage
from xihu_desk.services import reviews

from .helpers import click, wait_op


def test_print_opinion_from_the_form(qtbot, db, ctx, tmp_path, message_mock):
    shen = reviewkit.reviewer(db, date.today())
    ref = reviewkit.register(db, shen, received_on=date(2026, 2, 10), complete_on=date(2026, 2, 12))
    page = ReviewsPage(ctx, shen)
    qtbot.addWidget(page)
    page.open_item(ref.uuid)
    form = page.dialogs[ref.uuid]
    assert not form.print_button.isEnabled()  # nothing to print before the opinion
    form.close()
    with db.write() as s:
        reviews.record_opinion(s, shen, ref.uuid, reviews.OpinionInput(date(2026, 2, 24), "lawful", "北山合审意〔2026〕3号"))
    page.open_item(ref.uuid)
    form = page.dialogs[ref.uuid]
    form.load()
    assert form.print_button.isEnabled()
    for name in ("意见书.pdf", "意见书.docx"):
        target = tmp_path / name
        form.choose_save_file = lambda *_a, t=target: str(t)
        assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, form.print_button), timeout=20000)
        head = target.read_bytes()[:4]
        assert head == (b"%PDF" if name.endswith(".pdf") else b"PK\x03\x04")
        assert str(target) in message_mock.of("info")[-1].text
