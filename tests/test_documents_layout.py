"""Typesetting of the documents: 行首禁则 in every paragraph and cell, no text past a border, one
signature line per person, organisation names broken between words, one-page forms that stay one
page for 1–6 parties, the 骑缝章 and page numbers of a multi-page agreement."""

from __future__ import annotations

import copy
from datetime import date

import pytest
from reportlab.platypus import Paragraph

from tests import casekit
from tests.test_documents import needs_poppler, pdf_text, squash
from xihu_desk import documents
from xihu_desk.documents import linebreak, parts
from xihu_desk.documents.layout import styles
from xihu_desk.documents.text import esc
from xihu_desk.services import case_queries, cases, printing

ORG = "杭州西湖龙井茶叶专业合作社有限责任公司"
RESIDENTS = "浙江省杭州市西湖区北山街道宝石山下一弄社区居民委员会"
ADDRESS = "浙江省杭州市西湖区文三路四百七十八号华星时代广场A座一千二百零三室"
FORMS = ("application", "register", "oral-agreement", "closing", "followup")


def _lines(text: str, width: float, style: str = "cell_j") -> list[tuple[str, float]]:
    """The lines reportlab sets ``text`` in at ``width``, each with its width."""
    p = Paragraph(esc(text), styles()[style])
    p.wrap(width, 1e6)
    bl = p.blPara
    if bl.kind == 0:
        return [("".join(words), width - extra) for extra, words in bl.lines]
    return [("".join(w.text for w in line.words), width - line.extraSpace) for line in bl.lines]


@pytest.mark.parametrize("style", ["cell_j", "body", "cell", "party"])
def test_no_line_starts_with_a_closing_mark_ends_with_an_opening_one_or_runs_past_its_room(style):
    text = ("调解成功，达成书面调解协议（编号：（2026）北山人调字第0012号），协议金额人民币壹万贰仟元整（¥12,000.00），"
            "已全部履行。经回访，双方对调解结果满意；《人民调解法》第三十三条：“当事人可以申请司法确认。”"
            "联系电话13800000001，身份证号330106198001010013。")
    for width in range(60, 420, 5):
        lines = _lines(text, width, style)
        assert "".join(t for t, _w in lines) == text
        for i, (line, used) in enumerate(lines):
            assert used <= width + 0.01, (width, line)
            if i:
                assert line[0] not in linebreak.CANNOT_START, (width, lines)
            if i < len(lines) - 1:
                assert line[-1] not in linebreak.CANNOT_END, (width, lines)
        if width >= 100:  # a number (and its comma) shorter than the line is kept whole
            assert not any("13800000001" not in t and "1380" in t for t, _w in lines), lines


def test_breaking_rules_in_isolation():
    # the greedy break would put "，" first on the next line: the character before it goes down too
    assert linebreak.line_ends("一二三，四五", [10] * 6, [30]) == [2, 5, 6]
    assert linebreak.line_ends("一二（三四五", [10] * 6, [30]) == [2, 5, 6]
    assert linebreak.line_ends("，，，，，，", [10] * 6, [30]) == [3, 6]  # nowhere legal: the greedy break
    assert linebreak.line_ends("一\n二三四", [10, 0, 10, 10, 10], [30], frozenset({1})) == [2, 5]


def test_organisation_names_break_between_words():
    assert parts.name_lines(ORG, 13) == ["杭州西湖龙井茶叶专业合作社", "有限责任公司"]
    assert parts.name_lines(RESIDENTS, 13) == ["浙江省杭州市西湖区北山街道", "宝石山下一弄社区居民委员会"]
    assert parts.name_lines("杭州市西湖区农贸市场管理有限公司", 8) == ["杭州市西湖区", "农贸市场管理", "有限公司"]
    assert parts.people("周调解、吴调解") == ["周调解", "吴调解"] and parts.people(["甲", " "]) == ["甲"]


def _complete_case(db) -> dict:
    """A case with every document's content: agreement, follow-up, closing report (whole IDs)."""
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
        cases.record_notice(s, head, ref.uuid, casekit.ACCEPTED, "written")
        cases.add_record(s, head, ref.uuid, casekit.record())
        cases.record_agreement(s, head, ref.uuid, casekit.written_agreement())
        cases.add_followup(s, head, ref.uuid, cases.FollowUpInput(date(2026, 3, 21), "张三", "周调解", "full"))
        cases.write_closing_report(s, head, ref.uuid, date(2026, 3, 21), "调解成功，协议已履行完毕。")
        case = printing._case(s, head, ref.uuid, reveal=True)
    return case


def _with_parties(case: dict, n: int) -> dict:
    """The same case with n parties, organisations with long names among them, long addresses."""
    case = copy.deepcopy(case)
    person = case["parties"][0]
    roles = ["applicant", "respondent", "respondent", "third", "applicant", "respondent"]
    labels = {"applicant": "申请人", "respondent": "被申请人", "third": "第三人"}
    out = []
    for i in range(n):
        p = {**copy.deepcopy(person), "role": roles[i], "role_label": labels[roles[i]], "address": ADDRESS,
             "name": f"王{'一二三四五六'[i]}强", "id_number": f"33010619800101{i:03d}X"}
        if i in (0, 3) and n >= 3:
            p.update(kind="org", name=ORG if i == 0 else RESIDENTS, credit_code="91330106MA2H2X3Y4Q", legal_rep="陈法人",
                     gender="", birth_date=None, id_number="")
        out.append(p)
    case["parties"] = out
    case["agreement"]["copies"] = n + 1
    return case


@pytest.fixture(scope="module")
def complete(template_node, tmp_path_factory):
    import shutil

    from xihu_desk.paths import DataDir
    from xihu_desk.store import migrate

    root = tmp_path_factory.mktemp("layout") / "data"
    shutil.copytree(template_node, root)
    opened = migrate.open_database(DataDir(root))
    yield _complete_case(opened.db)
    opened.db.dispose()


def _oral(case: dict) -> dict:
    return {**case, "agreement": {**case["agreement"], "form": "oral", "registrar": "吴调解"}}


@pytest.mark.parametrize("n", range(1, 7))
def test_every_one_page_form_is_one_page_for_one_to_six_parties(complete, n):
    case = _with_parties(complete, n)
    for kind in FORMS:
        built = documents.build(kind, _oral(case) if kind == "oral-agreement" else case, documents.Stamp("X" * 24))
        assert built.pages == 1, (kind, n, built.pages)


@needs_poppler
def test_a_case_file_of_six_parties_sets_its_forms_on_one_page_each_without_cutting_to_a_continuation(complete, tmp_path):
    built = documents.build("casefile", _with_parties(complete, 6), documents.Stamp("X" * 24))
    text = squash(pdf_text(built.pdf, tmp_path))
    assert "附页" not in text and squash("卷内备考表") in squash(pdf_text(built.pdf, tmp_path, built.pages))


def _overflowing(flowable) -> list[str]:
    """Cells of a table whose content is taller than the row the table gave it."""
    from reportlab.platypus import Table

    out = []
    if isinstance(flowable, Table):
        flowable.wrap(156 * 2.8346, 1e6)
        for r, row in enumerate(flowable._cellvalues):
            for c, cell in enumerate(row):
                if isinstance(cell, Paragraph):
                    width = flowable._colWidths[c] - 4
                    if cell.wrap(width, 1e6)[1] > flowable._rowHeights[r] + 0.5:
                        out.append(getattr(cell, "plain", "?"))
    return out


def test_case_file_cover_and_contents_rows_grow_with_their_text(complete):
    from xihu_desk.documents.layout import Footer, Sheet
    from xihu_desk.documents.templates import load

    case = _with_parties(complete, 6)
    case["title"] = f"{ORG}、{RESIDENTS}与王二强、王三强、王五强、王六强房屋宅基地纠纷"
    common = load("_common")
    sheet = Sheet(common, Footer(case["case_no"], "X" * 24, common))
    from xihu_desk.documents import casefile

    story = casefile.casefile(sheet, load("casefile"), case)
    assert not [bad for f in story for bad in _overflowing(f)]


@needs_poppler
def test_every_document_keeps_the_line_rules_in_print(complete, tmp_path):
    for n in (1, 3, 6):
        case = _with_parties(complete, n)
        for kind in documents.KINDS:
            if kind in ("casefile", "record"):
                continue
            built = documents.build(kind, _oral(case) if kind == "oral-agreement" else case, documents.Stamp("X" * 24))
            for line in pdf_text(built.pdf, tmp_path).splitlines():
                line = line.strip()
                assert not line or line[0] not in "，。、）》：；！？", (kind, n, line)


@needs_poppler
def test_one_signature_line_per_person_and_names_kept_whole(complete, tmp_path):
    case = _with_parties(complete, 3)
    built = documents.build("agreement", case, documents.Stamp("X" * 24))
    text = pdf_text(built.pdf, tmp_path, built.pages)
    assert "（周调解）" in text and "（吴调解）" in text  # each mediator a line of their own
    assert "杭州西湖龙井茶叶专业合作社" in text and "有限责任公司（盖章）" in text
    assert "有限责" not in text.replace("有限责任公司", "")


@needs_poppler
def test_a_multi_page_agreement_is_numbered_and_has_a_join_seal_area(complete, tmp_path):
    case = _with_parties(complete, 6)
    case["agreement"]["clauses"] = [f"第{i}项：王一强于2026年4月{i}日前支付第{i}期款项人民币伍佰元，并书面确认收讫。"
                                    for i in range(1, 16)]
    built = documents.build("agreement", case, documents.Stamp("X" * 24))
    assert built.pages >= 2
    for page in range(1, built.pages + 1):
        text = squash(pdf_text(built.pdf, tmp_path, page))
        assert squash(f"第{page}页共{built.pages}页") in text and "骑缝章" in text
    one = documents.build("application", case, documents.Stamp("X" * 24))
    assert "骑缝章" not in pdf_text(one.pdf, tmp_path)


def test_the_signed_papers_show_the_whole_id_from_the_service(db):
    case = _complete_case(db)
    assert case["parties"][0]["id_number"] == "330106198001010013"
    with db.read() as s:
        masked = case_queries.case_detail(s, casekit.head_actor(db), case["uuid"])
    assert "*" in masked["parties"][0]["id_number"]


def test_the_party_table_sets_role_phone_gender_and_age_on_one_line_each(complete):
    """被申请人 and an 11-digit mobile number each stay on one line in the party table the register and
    the agreement share; so do the headings and short cells."""
    from reportlab.lib.units import mm

    from xihu_desk.documents.layout import Footer, Sheet
    from xihu_desk.documents.templates import load

    case = _with_parties(complete, 2)
    for p in case["parties"]:
        p.update(phone="13912345678", gender="男")
    common = load("_common")
    sheet = Sheet(common, Footer(case["case_no"], "X" * 24, common))
    rows, _ = parts.party_rows(sheet, case, "2026-03-01", 0)
    pad = 2 * 4  # the grid's left and right padding, points
    for row in rows:
        for c, cell in enumerate(row[:5]):
            if (c == 1 and row is not rows[0]) or (c == 2 and row is rows[0]):
                continue  # names may take two lines, and the narrow 性别 heading stands as 性/别, by design
            one_line = cell.wrap(1e6, 1e6)[1]
            assert cell.wrap(parts.PARTY_WIDTHS[c] * mm - pad, 1e6)[1] <= one_line, (c, cell.getPlainText())
