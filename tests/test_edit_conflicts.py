"""Two desks editing the same record (issue 17): the second save, made on what it loaded before the
first was saved, is refused with who changed it and when; saving again on the current version works."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from tests import casekit, reviewkit
from tests.conftest import ADMIN_PASSWORD
from xihu_desk.domain.roles import Role
from xihu_desk.services import auth, case_queries, cases, mediators, review_queries, reviews, users
from xihu_desk.services.edit_conflicts import EditConflict
from xihu_desk.store.uow import Database

MESSAGE = re.compile(r"^(该案件|该审查事项|该调解员的信息)已由 林所长 于 \d{4}-\d\d-\d\d \d\d:\d\d 修改，您的修改未保存；"
                     r"已保留您填写的内容，可核对后重新保存。$")


@pytest.fixture
def desks(db):
    """Two desks on one database file: 陈所长 at desk one, 林所长 at desk two."""
    other = Database(db.url)
    admin = auth.sign_in(db, "admin", ADMIN_PASSWORD)
    with db.write() as s:
        users.create_user(s, admin, users.UserCommand("lin", "林所长", Role.HEAD.value, "Office-chief-2027"))
    yield (db, casekit.head_actor(db)), (other, auth.sign_in(other, "lin", "Office-chief-2027"))
    other.dispose()


def test_the_second_desk_saving_a_case_it_loaded_earlier_is_refused(desks) -> None:
    (one, chen), (two, lin) = desks
    roster = casekit.roster(one, chen)
    with one.write() as s:
        uuid = cases.open_case(s, chen, casekit.intake(one, roster)).uuid
    with one.read() as s:
        seen_by_one = case_queries.case_detail(s, chen, uuid)["version"]
    with two.read() as s:
        seen_by_two = case_queries.case_detail(s, lin, uuid)["version"]
    with two.write() as s:
        cases.update_intake(s, lin, uuid, casekit.intake(two, roster, summary="林所长补充的情况。"),
                            loaded_version=seen_by_two)
    typed = casekit.intake(one, roster, summary="陈所长改写的情况。")
    with pytest.raises(EditConflict) as refused, one.write() as s:
        cases.update_intake(s, chen, uuid, typed, loaded_version=seen_by_one)
    assert MESSAGE.match(refused.value.editor_message), refused.value.editor_message
    assert refused.value.message.endswith("您的修改未保存。请查看最新内容后重新提交。")
    with one.read() as s:
        stored = case_queries.case_detail(s, chen, uuid)
    assert stored["summary"] == "林所长补充的情况。" and stored["version"] == refused.value.current_version
    with one.write() as s:  # checked, saved again on the version now stored
        cases.update_intake(s, chen, uuid, typed, loaded_version=refused.value.current_version)
    with one.read() as s:
        assert case_queries.case_detail(s, chen, uuid)["summary"] == "陈所长改写的情况。"


def test_the_second_desk_saving_a_review_it_loaded_earlier_is_refused(desks) -> None:
    (one, chen), (two, lin) = desks
    reviewkit.reviewer(one)
    ref = reviewkit.register(one, chen)
    with one.read() as s:
        loaded = review_queries.review_detail(s, chen, ref.uuid)["version"]
    with two.write() as s:
        reviews.update_register(s, lin, ref.uuid, reviewkit.command(contact="王科长"), loaded_version=loaded)
    with pytest.raises(EditConflict) as refused, one.write() as s:
        reviews.update_register(s, chen, ref.uuid, reviewkit.command(contact="赵科长"), loaded_version=loaded)
    assert MESSAGE.match(refused.value.editor_message), refused.value.editor_message
    assert refused.value.message.endswith("您的修改未保存。请查看最新内容后重新提交。")
    with one.read() as s:
        assert review_queries.review_detail(s, chen, ref.uuid)["contact"] == "王科长"


def test_the_second_desk_saving_a_mediator_it_loaded_earlier_is_refused(desks) -> None:
    (one, chen), (two, lin) = desks
    uuid = casekit.roster(one, chen, names=("周调解",))[0]
    with one.read() as s:
        loaded = mediators.detail(s, chen, uuid)["version"]
    cmd = mediators.MediatorCommand("周调解", casekit.committee_uuid(one))
    with two.write() as s:
        mediators.update_mediator(s, lin, uuid, replace(cmd, phone="13900000001"), loaded_version=loaded)
    with pytest.raises(EditConflict) as refused, one.write() as s:
        mediators.update_mediator(s, chen, uuid, replace(cmd, phone="13900000002"), loaded_version=loaded)
    assert MESSAGE.match(refused.value.editor_message), refused.value.editor_message
    assert refused.value.message.endswith("您的修改未保存。请查看最新内容后重新提交。")
    with one.read() as s:
        assert mediators.detail(s, chen, uuid)["phone"] == "13900000001"


def test_a_correction_made_on_an_older_version_of_the_case_is_refused(desks) -> None:
    from datetime import date

    from xihu_desk.services import case_lifecycle

    (one, chen), (two, lin) = desks
    roster = casekit.roster(one, chen)
    with one.write() as s:
        uuid = cases.open_case(s, chen, casekit.intake(one, roster)).uuid
        cases.record_notice(s, chen, uuid, date(2026, 3, 2), "written")
        cases.add_record(s, chen, uuid, casekit.record())
        cases.record_agreement(s, chen, uuid, casekit.written_agreement())
    with one.read() as s:
        shown = case_queries.case_detail(s, chen, uuid)["version"]
    with two.write() as s:
        case_lifecycle.correct(s, lin, uuid, [("summary", "林所长更正的情况")], "笔误", loaded_version=shown)
    with pytest.raises(EditConflict) as refused, one.write() as s:
        case_lifecycle.correct(s, chen, uuid, [("summary", "陈所长更正的情况")], "笔误", loaded_version=shown)
    assert MESSAGE.match(refused.value.editor_message), refused.value.editor_message
    assert refused.value.message.endswith("您的修改未保存。请查看最新内容后重新提交。")


def test_case_correct_if_version_refuses_a_case_that_moved_on(capsys, data_dir) -> None:
    import json

    from tests.test_cli import run

    home = str(data_dir.root)
    run(capsys, "demo", "--data-dir", home, "--seed", "5", "--cases", "20")
    code, out, _ = run(capsys, "case", "list", "--data-dir", home, "--status", "closed", "--json")
    number = next(c["case_no"] for c in json.loads(out)["cases"] if c["outcome"] == "succeeded")
    code, out, _ = run(capsys, "case", "show", number, "--data-dir", home, "--json")
    seen = json.loads(out)["version"]
    code, out, _ = run(capsys, "case", "correct", number, "--field", "summary", "--value", "第一次更正",
                       "--reason", "笔误", "--if-version", str(seen), "--data-dir", home, "--json")
    assert code == 0 and json.loads(out)["version"] == seen + 1
    code, _, err = run(capsys, "case", "correct", number, "--field", "summary", "--value", "第二次更正",
                       "--reason", "笔误", "--if-version", str(seen), "--data-dir", home)
    assert code == 1 and "该案件已由 命令行" in err and "您的修改未保存" in err, err
    code, out, _ = run(capsys, "case", "show", number, "--data-dir", home, "--json")
    assert json.loads(out)["summary"] == "第一次更正"
