"""Helpers shared by the statistics and ledger tests: a node filled with demo cases (made once per
test session and copied per test), figures counted with plain SQL, and a hand-made messy ledger."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import to_excel

from xihu_desk.paths import DataDir
from tests import anydb

DEMO_TODAY = date(2026, 6, 30)
DEMO_CASES = 80
PERIOD = (date(2024, 1, 1), date(2026, 12, 31))
SAMPLE = Path(__file__).parent / "data" / "sample-ledger-cases.xlsx"  # copy of shared/data/


def demo_template(tmp_path_factory: pytest.TempPathFactory, template_node: Path) -> Path:
    """The township template node with demo cases through the real services and the sample ledger's
    legacy cases; built once per session."""
    root = tmp_path_factory.getbasetemp() / "stats-demo" / "data"
    if not (root / "ready").exists():
        from xihu_desk.services import case_ledger, demo
        from xihu_desk.services.context import cli_actor
        from xihu_desk.store import migrate

        shutil.rmtree(root.parent, ignore_errors=True)
        shutil.copytree(template_node, root)
        opened = migrate.open_database(DataDir(root))
        with opened.db.write() as session:
            demo.fill(session, cli_actor(), demo.DemoCommand(cases=DEMO_CASES, today=DEMO_TODAY))
        with opened.db.write() as session:
            case_ledger.import_ledger(session, cli_actor(), SAMPLE)
        opened.db.dispose()
        (root / "ready").write_text("ok")
    return root


def copy_node(source: Path, target: Path) -> DataDir:
    shutil.copytree(source, target)
    return DataDir(target)


# ---------------------------------------------------------------- independent counts


CLOSING_SQL = "CASE WHEN c.outcome IS NOT NULL THEN c.closed_on END"


def sql_figures(node: DataDir, date_from: date, date_to: date, where: str = "", params: tuple = ()) -> dict[str, float]:
    """The summary's figures counted straight from the tables, without the service's query: intake
    by the accepted date, outcomes by the closing date, void cases nowhere (on either backend)."""
    with anydb.cursor(node) as conn:
        return _sql_figures(conn, date_from, date_to, where, params)


def _sql_figures(conn, date_from: date, date_to: date, where: str, params: tuple) -> dict[str, float]:
    live = "FROM mediation_case c JOIN committee m ON m.uuid = c.committee_uuid WHERE NOT c.deleted AND c.status <> 'void' "
    intake = live + "AND c.accepted_on BETWEEN ? AND ? " + where
    closed = live + f"AND {CLOSING_SQL} BETWEEN ? AND ? " + where
    args = (date_from.isoformat(), date_to.isoformat(), *params)

    def one(sql: str, base: str, extra: str = "") -> float:
        return conn.execute(sql + " " + base + extra, args).fetchone()[0] or 0

    out = {
        "accepted": one("SELECT count(*)", intake),
        "closed": one("SELECT count(*)", closed),
        "succeeded": one("SELECT count(*)", closed, " AND c.outcome = 'succeeded'"),
        "written": one("SELECT count(*)", closed, " AND c.outcome = 'succeeded' AND c.agreement_form = 'written'"),
        "oral": one("SELECT count(*)", closed, " AND c.outcome = 'succeeded' AND c.agreement_form = 'oral'"),
        "performed": one("SELECT count(*)", closed, " AND c.outcome = 'succeeded' AND c.performed = 'full'"),
        "apply": one("SELECT count(*)", intake, " AND c.source = 'apply'"),
        "initiative": one("SELECT count(*)", intake, " AND c.source = 'initiative'"),
        "referral": one("SELECT count(*)", intake, " AND c.source = 'referral'"),
        "criminal_cases": one("SELECT sum(c.prevent_criminal_cases)", intake),
        "criminal_persons": one("SELECT sum(c.prevent_criminal_persons)", intake),
    }
    out["confirmed"] = conn.execute(
        "SELECT count(*) FROM confirmation f JOIN mediation_case c ON c.uuid = f.case_uuid "
        "JOIN committee m ON m.uuid = c.committee_uuid WHERE f.result = 'confirmed' AND NOT f.deleted AND "
        f"NOT c.deleted AND c.status <> 'void' AND {CLOSING_SQL} BETWEEN ? AND ? " + where, args).fetchone()[0]
    out["amount_fen"] = conn.execute(
        "SELECT coalesce(sum(a.amount_fen), 0) FROM agreement a JOIN mediation_case c ON c.uuid = a.case_uuid "
        "JOIN committee m ON m.uuid = c.committee_uuid WHERE NOT a.deleted AND c.outcome = 'succeeded' AND "
        f"NOT c.deleted AND c.status <> 'void' AND {CLOSING_SQL} BETWEEN ? AND ? " + where, args).fetchone()[0]
    return out


# ---------------------------------------------------------------- a messy ledger, as offices keep them

BAD_ID = "330106198001010014"  # check character wrong (…0013 is right)
GOOD_ID = "330106198001010013"


def messy_ledger(path: Path) -> dict[str, int]:
    """Two sheets as an office might have typed them: title rows and a merged banner above the
    header, headers by synonyms in another order on each sheet, dates in every form, full-width
    digits, amounts with 元 and 万, bad and masked ID numbers, blank rows, a missing party, a total
    row, the header printed again, a row repeated, a committee nobody knows. Returns what the
    import should make of it."""
    wb = Workbook()
    ws = wb.active
    ws.title = "2024年台账"
    ws["A1"] = "北山街道人民调解委员会 2024 年矛盾纠纷调解登记台账"
    ws.merge_cells("A1:L1")
    ws["A2"] = "填报单位：北山街道司法所（盖章）"
    ws.merge_cells("A2:F2")
    ws["H2"] = "单位：元"
    header = ["序号", "登记时间", "当事人（申请人）", "身份证号", "联系电话", "被申请人姓名", "纠纷类别", "简要案情",
              "调解结果", "协议形式", "协议金额（元）", "结案时间", "备注"]
    ws.append([])  # row 3 blank
    ws.append(header)  # row 4
    rows = [
        [1, "2024-03-05", "张三", GOOD_ID, "13800000001", "李四", "邻里纠纷", "楼上漏水", "调解成功", "书面协议", "12,000元", "2024.3.20", "已回访"],
        [2, "2024.3.6", "王五", BAD_ID, "", "赵六", "赡养纠纷", "子女赡养费分担", "成功", "口头", "1.2万", "2024/3/28", ""],
        [3, "2024/3/7", "钱七", "33010619800101001", "", "孙八", "物业纠纷", "物业费", "调解不成", None, None, "2024年4月2日", ""],
        [4, "2024年3月8日", "周九", "3301**********0013", "", "杭州某某物业管理有限公司", "物业", "停车收费", "调解成功", "书面",
         "３５００", "20240320", ""],
        None,  # blank row between entries
        [5, "20240309", "吴十", "", "", "", "合同", "租房押金", "调解成功", "口头协议", "800", "2024-03-15", "缺被申请人"],
        [6, to_excel(datetime(2024, 3, 11)), "郑甲", "", "", "冯乙", "交通事故", "电动车相撞", "终止调解", None, None, "2024-03-20", ""],
        [7, datetime(2024, 3, 12), "陈丙", "", "", "褚丁", "医患", "诊疗费用", "调解中", None, None, None, ""],
        [8, "２０２４年３月１３日", "卫戊", "", "", "蒋己", "婚姻家庭", "离婚后探视", "成功", "书面协议", "人民币5000元整", "2024.3.30", ""],
        [9, "2024-02-30", "沈庚", "", "", "韩辛", "邻里", "噪音", "调解成功", "口头", None, "2024-03-05", "日期写错"],
        [10, "2024-03-14", "杨壬", "", "", "朱癸", "天气", "说不清", "调解成功", "口头", None, "2024-03-18", "类型不明"],
        None,
        header,  # the header printed again on the next page
        [11, "2024-03-05", "张三", "", "", "李四", "邻里", "楼上漏水（重复登记）", "调解成功", "书面", "12000", "2024-03-20", "重复"],
        [12, "2024-03-16", "秦子", "", "", "尤丑", "劳资", "拖欠工资", "成功", "口头协议", "-300", "2024-03-25", "金额为负"],
        ["合计", None, None, None, None, None, None, None, None, None, 21300, None, None],
    ]
    for r in rows:
        ws.append(r if r is not None else [])
    ws2 = wb.create_sheet("2025年")
    ws2["A1"] = "2025 年台账"
    ws2.append(["受理日期", "调委会", "申请人", "被申请人", "纠纷类型", "纠纷简要情况", "调解员", "处理结果", "协议类型", "标的额",
                "办结日期", "回访情况"])
    ws2.append([date(2025, 1, 6), "北山", "许寅", "何卯", "损害赔偿", "宠物咬伤", "周调解", "调解成功", "口头", "2000", date(2025, 1, 9), "满意"])
    ws2.append([date(2025, 1, 7), "不存在的调委会", "吕辰", "施巳", "邻里", "堆物", "", "调解成功", "口头", "", date(2025, 1, 8), ""])
    ws2.append([])
    ws2.append([date(2025, 1, 8), "北山街道调委会", "张午", "孔未", "消费", "预付卡", "", "", "", "", None, ""])
    ws3 = wb.create_sheet("说明")
    ws3["A1"] = "本台账由司法所每月汇总。"
    wb.save(path)
    return {
        # non-blank data rows: sheet 1 entries 1–12 and the total row (the repeated header is not a row), sheet 2: 3
        "rows": 13 + 3,
        # refused: 5 (no respondent), 9 (no such date), 10 (type unknown), the total row, 2025's unknown committee
        "refused": 5,
        "duplicates": 1,  # entry 11 repeats entry 1
        "imported": 16 - 5 - 1,
    }
