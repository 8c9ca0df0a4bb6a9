"""What changed (issue 13): a committed write announces its audit records, and the pages that show
those records read them again without F5; a hidden page waits until it is shown."""

from __future__ import annotations

import dataclasses
from datetime import date

from sqlalchemy import select

from tests import casekit, reviewkit
from xihu_desk.domain import clock
from xihu_desk.gui import bus, kit, ops
from xihu_desk.gui.cases.page import CasesPage
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.pages.home import HomePage
from xihu_desk.gui.runner import Runner
from xihu_desk.paths import DataDir
from xihu_desk.services import cases, demo, exchange, home, node, reviews
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate
from xihu_desk.store.models import Node

from .helpers import wait_op


def _cases_page(qtbot, ctx, actor) -> CasesPage:  # noqa: ANN001
    page = CasesPage(ctx, actor)
    qtbot.addWidget(page)
    page.resize(1180, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def _save_case_from_a_form(qtbot, ctx, actor, mediator_uuids) -> str:  # noqa: ANN001
    """Save a new case the way every case form does (kit.submit), from a form opened anywhere."""
    cmd = casekit.intake(ctx.db, mediator_uuids, accepted_on=clock.local_today())
    got: list = []
    assert wait_op(qtbot, ctx.runner, lambda: kit.submit(
        ctx, None, lambda s: cases.open_case(s, actor, cmd), got.append, lambda _f, m: got.append(m)))
    return got[0].uuid


def test_a_case_saved_elsewhere_appears_in_the_open_case_list_keeping_the_selection(qtbot, db, ctx) -> None:  # noqa: ANN001
    head = casekit.head_actor(db)
    mediator_uuids = casekit.roster(db, head)
    first = _save_case_from_a_form(qtbot, ctx, head, mediator_uuids)
    page = _cases_page(qtbot, ctx, head)
    assert page.model.rowCount() == 1
    page.view.selectRow(0)
    assert page.current_uuid() == first
    announced: list = []
    bus.bus().changed.connect(announced.append)

    second = _save_case_from_a_form(qtbot, ctx, head, mediator_uuids)  # e.g. a to-do opened from 首页
    assert page.model.rowCount() == 2  # no F5
    assert {page.model.uuid_at(0), page.model.uuid_at(1)} == {first, second}
    assert page.current_uuid() == first  # the selection stays on the case the user had
    assert ("case.open", "case", second) in {(c.action, c.entity, c.entity_id) for ch in announced for c in ch.records}


def test_a_hidden_case_list_reads_again_when_shown(qtbot, db, ctx) -> None:  # noqa: ANN001
    head = casekit.head_actor(db)
    mediator_uuids = casekit.roster(db, head)
    page = _cases_page(qtbot, ctx, head)
    assert page.model.rowCount() == 0
    page.hide()
    _save_case_from_a_form(qtbot, ctx, head, mediator_uuids)
    assert page.follower.stale and page.model.rowCount() == 0  # nothing read while hidden
    page.show()
    qtbot.waitExposed(page)
    assert not page.follower.stale and page.model.rowCount() == 1


def _under_review(page: HomePage) -> int:
    return next(f.value for f in page.data.figures if f.kind == home.REVIEWS)


def test_a_review_change_refreshes_the_home_figures(qtbot, db, ctx) -> None:  # noqa: ANN001
    reviewer = dataclasses.replace(reviewkit.reviewer(db), at=None)  # signed in, on the clock
    page = HomePage(ctx, reviewer, "北山街道")
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    before = _under_review(page)
    assert wait_op(qtbot, ctx.runner, lambda: ops.write(ctx, reviewer, reviews.register, reviewkit.command()))
    assert _under_review(page) == before + 1  # no F5, no page switch


def test_a_bundle_import_refreshes_the_case_list(qtbot, data_dir, tmp_path) -> None:  # noqa: ANN001
    township = migrate.open_database(data_dir).db
    with township.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(seed=3, cases=4, today=date(2026, 11, 20)))
    district_data = DataDir(tmp_path / "district")
    district = migrate.open_database(district_data).db
    with district.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand("330106", "district", None, "qu", "District-key-2026"))
    for here, there in ((township, district), (district, township)):
        with there.read() as s:
            key = exchange.export_key(s, cli_actor())
        with here.write() as s:
            exchange.enrol(s, cli_actor(), key)
    (tmp_path / "usb").mkdir()
    sent = exchange.export_bundle(data_dir, township, cli_actor(), tmp_path / "usb")

    runner = Runner(district, show_after_ms=50)
    try:
        ctx = AppContext(district_data, runner)
        with district.read() as s:
            assert s.scalar(select(Node.org_code)) == "330106"
        page = _cases_page(qtbot, ctx, cli_actor())
        assert page.model.rowCount() == 0
        # as the 数据交换 page imports: a runner op around the service, which opens its own units of work
        assert wait_op(qtbot, runner, lambda: runner.call(
            lambda progress: exchange.import_bundle(district_data, district, cli_actor(), sent.file, progress=progress)))
        assert page.model.rowCount() == 4  # no F5
    finally:
        runner.shutdown()
        district.dispose()
        township.dispose()


def test_a_review_registered_elsewhere_appears_in_the_open_register(qtbot, db, ctx) -> None:  # noqa: ANN001
    from xihu_desk.gui.reviews.page import ReviewsPage

    reviewer = dataclasses.replace(reviewkit.reviewer(db), at=None)
    page = ReviewsPage(ctx, reviewer)
    qtbot.addWidget(page)
    page.resize(1180, 700)
    page.show()
    qtbot.waitExposed(page)
    before = page.model.total
    assert wait_op(qtbot, ctx.runner, lambda: ops.write(ctx, reviewer, reviews.register, reviewkit.command()))
    assert page.model.total == before + 1


def test_a_mediator_added_elsewhere_appears_in_the_open_roster(qtbot, db, ctx) -> None:  # noqa: ANN001
    from xihu_desk.gui.mediators.page import MediatorsPage
    from xihu_desk.services import mediators

    head = casekit.head_actor(db)
    page = MediatorsPage(ctx, head)
    qtbot.addWidget(page)
    page.resize(1180, 700)
    page.show()
    qtbot.waitExposed(page)
    before = page.roster.model.rowCount()
    cmd = mediators.MediatorCommand("郑调解", casekit.committee_uuid(db))
    assert wait_op(qtbot, ctx.runner, lambda: ops.write(ctx, head, mediators.create_mediator, cmd))
    assert page.roster.model.rowCount() == before + 1
