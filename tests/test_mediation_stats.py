"""人民调解工作统计表: every workbook's totals against counts made with plain SQL, scopes, the cover
block with the bundles included and missing, the layout mapping, a finished look, LibreOffice."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from collections import Counter
from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy import select

from tests import anydb, statskit
from xihu_desk import cli
from xihu_desk.domain.errors import UserError
from xihu_desk.reports import mediation_stats as report
from xihu_desk.services import case_ledger, mediation_stats
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate
from xihu_desk.store.models import Committee
from xihu_desk.store.sync_models import BundleIn, PeerNode

LAYOUT = report.load_layout()


@pytest.fixture
def stats_node(tmp_path_factory, template_node, tmp_path):  # noqa: ANN001, ANN201
    """Demo cases made through the services, plus the sample ledger's legacy cases."""
    data = statskit.copy_node(statskit.demo_template(tmp_path_factory, template_node), tmp_path / "data")
    opened = migrate.open_database(data)
    yield opened.db, data
    opened.db.dispose()


def _workbook(db, query: mediation_stats.StatsQuery) -> openpyxl.Workbook:  # noqa: ANN001
    with db.read() as s:
        return openpyxl.load_workbook(io.BytesIO(mediation_stats.workbook(s, cli_actor(), query)))


def _table(ws, columns: list[dict]) -> dict[str, dict[str, float]]:  # noqa: ANN001
    """Row label -> {metric: value} for a sheet written from ``columns``."""
    rows = list(ws.iter_rows(values_only=True))
    first = next(i for i, r in enumerate(rows) if r[0] in ("纠纷类型", "调委会", "调解组织类型", "月份"))
    lead = 1 + sum(1 for v in rows[first][1:] if v in ("所属街道（镇）", "组织类型"))
    out = {}
    for r in rows[first + 2:]:
        if r[0] is None:
            break
        out[r[0]] = {c["metric"]: r[lead + k] for k, c in enumerate(columns)}
    return out


def _expect_total(total: dict, sql: dict) -> None:
    assert total["accepted"] == sql["accepted"] and total["succeeded"] == sql["succeeded"]
    assert total["written"] == sql["written"] and total["oral"] == sql["oral"]
    assert total["performed"] == sql["performed"] and total["confirmed"] == sql["confirmed"]
    assert total["source_apply"] == sql["apply"] and total["source_initiative"] == sql["initiative"]
    assert total["source_referral"] == sql["referral"]
    assert total["amount_wan"] == pytest.approx(sql["amount_fen"] / 1_000_000)
    if "closed" in total:  # the summary's columns leave it out
        assert total["closed"] == sql["closed"]
    assert total["success_rate"] == pytest.approx(sql["succeeded"] / sql["closed"])


def test_every_sheet_total_equals_plain_sql(stats_node):
    db, data = stats_node
    sql = statskit.sql_figures(data, *statskit.PERIOD)
    assert sql["accepted"] > 100 and sql["written"] and sql["oral"] and sql["confirmed"] and sql["amount_fen"]
    wb = _workbook(db, mediation_stats.StatsQuery(*statskit.PERIOD))
    # the fixed sheets, then other areas' sheets (MediationStats.extra_sheets), 说明 last
    assert wb.sheetnames[:5] == ["统计表", "按调委会", "按组织类型", "按月", "更正"] and wb.sheetnames[-1] == "说明"
    assert {"矛盾纠纷排查", "组织与队伍"} <= set(wb.sheetnames)
    summary = _table(wb["统计表"], LAYOUT["columns"])
    _expect_total(summary["合计"], sql)
    assert summary["合计"]["prevent_criminal_cases"] == sql["criminal_cases"]
    assert summary["合计"]["prevent_criminal_persons"] == sql["criminal_persons"]
    for sheet in ("按调委会", "按组织类型", "按月"):
        _expect_total(_table(wb[sheet], LAYOUT["detail_columns"])["合计"], sql)
    # Each row too: dispute types, committees and months, counted independently.
    args = tuple(d.isoformat() for d in statskit.PERIOD)
    with anydb.cursor(data) as conn:
        by_type = dict(conn.execute("SELECT r.label, count(*) FROM mediation_case c JOIN ref_code r ON r.list_name = "
                                    "'dispute_type' AND r.code = c.dispute_type WHERE NOT c.deleted AND c.status <> 'void' "
                                    "AND c.accepted_on BETWEEN ? AND ? GROUP BY r.label", args).fetchall())
        by_committee = dict(conn.execute("SELECT m.name, sum(CASE WHEN c.outcome = 'succeeded' THEN 1 ELSE 0 END) FROM "
                                         "mediation_case c JOIN committee m ON m.uuid = c.committee_uuid WHERE NOT c.deleted "
                                         f"AND c.status <> 'void' AND {statskit.CLOSING_SQL} BETWEEN ? AND ? GROUP BY m.name",
                                         args).fetchall())
        accepted = conn.execute("SELECT accepted_on FROM mediation_case WHERE NOT deleted AND status <> 'void' AND "
                                "accepted_on BETWEEN ? AND ?", args).fetchall()
    assert {k: v["accepted"] for k, v in summary.items() if k != "合计" and v["accepted"]} == by_type
    committees = _table(wb["按调委会"], LAYOUT["detail_columns"])
    assert {k: v["succeeded"] for k, v in committees.items() if k != "合计" and v["closed"]} == by_committee
    # months counted in Python: SQLite keeps dates as text, PostgreSQL as dates
    by_month = Counter(f"{str(d)[:4]}年{int(str(d)[5:7])}月" for (d,) in accepted)
    months = _table(wb["按月"], LAYOUT["detail_columns"])
    assert {k: v["accepted"] for k, v in months.items() if k != "合计" and v["accepted"]} == by_month
    assert len(months) == 36 + 1  # every month of the period, empty ones too, and 合计
    for sheet in ("按调委会", "按组织类型", "按月"):  # 期初在办 + 受理 = 结案 + 期末在办, every row
        for label, row in _table(wb[sheet], LAYOUT["detail_columns"]).items():
            assert row["succeeded"] + row["failed"] + row["terminated"] == row["closed"], (sheet, label)
            assert row["carried"] + row["accepted"] == row["closed"] + row["open"], (sheet, label)


def test_scopes_committee_and_period(stats_node):
    db, data = stats_node
    with db.read() as s:
        scopes = mediation_stats.scopes(s, cli_actor())
        uuid = s.scalar(select(Committee.uuid).where(Committee.name == "北山街道人民调解委员会"))
    assert scopes[0].label == "全部调委会" and any(sc.committee_uuid == uuid for sc in scopes)
    period = (date(2024, 3, 1), date(2024, 9, 30))
    sql = statskit.sql_figures(data, *period, " AND m.uuid = ?", (uuid,))
    wb = _workbook(db, mediation_stats.StatsQuery(*period, committee_uuid=uuid))
    _expect_total(_table(wb["统计表"], LAYOUT["columns"])["合计"], sql)
    assert "统计范围：北山街道人民调解委员会" in wb["统计表"]["A3"].value
    with db.read() as s, pytest.raises(UserError, match="结束日期"):
        mediation_stats.compute(s, cli_actor(), mediation_stats.StatsQuery(date(2025, 1, 2), date(2025, 1, 1)))


def test_workbook_looks_finished(stats_node):
    db, _data = stats_node
    wb = _workbook(db, mediation_stats.StatsQuery(*statskit.PERIOD))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
        assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row), ws.title
        assert ws["A2"].value.startswith("统计期间：2024年01月01日 至 2026年12月31日")
    ws = wb["统计表"]
    assert ws["A1"].value == "人民调解工作统计表" and ws["A1"].font.bold
    assert ws["A4"].value.startswith("统计口径：受理件数") and ws["A5"].value.startswith("数据来源：")
    assert ws["A6"].value.startswith("制表：")
    assert ws.freeze_panes == "B10" and ws.print_title_rows == "$8:$9"
    header = [c.value for c in ws[8]]
    assert header[:3] == ["纠纷类型", "受理件数", "调解成功件数"] and "案件来源" in header and "防止民转刑" in header
    assert [c.value for c in ws[9]][3:5] == ["书面协议", "口头协议"]
    total_row = next(r for r in ws.iter_rows() if r[0].value == "合计")
    rate = next(c for c, col in zip(total_row[1:], LAYOUT["columns"]) if col["metric"] == "success_rate")
    amount = next(c for c, col in zip(total_row[1:], LAYOUT["columns"]) if col["metric"] == "amount_wan")
    assert rate.number_format == "0.0%" and amount.number_format == "#,##0.00" and total_row[0].font.bold
    assert all(ws.column_dimensions[letter].width >= 5 for letter in "ABCDEFGHIJKLMNOPQRST")
    notes = [c.value for row in wb["说明"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "二、统计口径" in notes and any("本单位没有登记报送数据包的下级单位" in t for t in notes)


def test_cover_names_the_bundles_included_and_missing(stats_node):
    db, _data = stats_node
    with db.write() as s:
        for code, name in (("330106003", "西溪街道"), ("330106004", "翠苑街道")):
            s.add(PeerNode(node_id=f"node-{code}", relation="child", org_code=code, org_name=name, level="community",
                           sign_public=b"k", enc_public=b"k", fingerprint="f", enrolled_at=datetime(2026, 1, 1)))
        for seq in (1, 2, 4):
            s.add(BundleIn(sender="node-330106003", sequence=seq, bundle_id=f"b{seq}", sha256="0" * 64, prev_sha256="",
                           created_at=datetime(2026, 6, seq), imported_at=datetime(2026, 6, seq, 12), counts="{}", receipt="[]"))
    with db.read() as s:
        stats = mediation_stats.compute(s, cli_actor(), mediation_stats.StatsQuery(*statskit.PERIOD))
    lines = {b.sender: b for b in stats.cover.bundles}
    assert lines["西溪街道"].sequences == (1, 2, 4) and [str(s) for s in lines["西溪街道"].missing] == ["3"]
    assert lines["西溪街道"].included_text() == "第 1–2、4 号" and lines["翠苑街道"].included_text() == "（尚未收到）"
    assert "西溪街道（缺 第 3 号）" in stats.cover.source_line() and "翠苑街道（尚未收到）" in stats.cover.source_line()
    wb = openpyxl.load_workbook(io.BytesIO(report.workbook(stats, LAYOUT)))
    assert "缺少：西溪街道" in wb["统计表"]["A5"].value
    notes = [[c.value for c in row] for row in wb["说明"].iter_rows()]
    row = next(r for r in notes if r[0] == "西溪街道")
    assert row[1:4] == ["330106003", "第 1–2、4 号", "第 3 号"]
    assert any(isinstance(r[1], str) and "此后受理的案件尚未报送" in r[1] for r in notes)


def test_layout_is_a_mapping_in_the_data_folder(stats_node, tmp_path):
    db, _data = stats_node
    custom = json.loads(json.dumps(LAYOUT))
    custom["columns"] = [{"header": "调解成功数", "metric": "succeeded"}, {"header": "受理数", "metric": "accepted"},
                         {"group": "协议", "header": "书面", "metric": "written"}, {"group": "协议", "header": "口头", "metric": "oral"}]
    custom["sheets"]["summary"]["title"] = "西湖区人民调解工作月报表"
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / report.LAYOUT_NAME).write_text(json.dumps(custom, ensure_ascii=False), encoding="utf-8")
    layout = report.load_layout(folder)
    with db.read() as s:
        stats = mediation_stats.compute(s, cli_actor(), mediation_stats.StatsQuery(*statskit.PERIOD), layout)
    ws = openpyxl.load_workbook(io.BytesIO(report.workbook(stats, layout)))["统计表"]
    assert ws["A1"].value == "西湖区人民调解工作月报表"
    assert [c.value for c in ws[8]][:4] == ["纠纷类型", "调解成功数", "受理数", "协议"]
    assert _table(ws, custom["columns"])["合计"]["accepted"] == stats.total["accepted"]
    custom["columns"].append({"header": "坏列", "metric": "no_such_figure"})
    (folder / report.LAYOUT_NAME).write_text(json.dumps(custom, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(report.LayoutError, match="no_such_figure"):
        report.load_layout(folder)


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice (soffice) is not installed: "
                    "apt-get install libreoffice-calc-nogui to run this check")
def test_workbooks_convert_with_libreoffice(stats_node, tmp_path):
    db, _data = stats_node
    with db.write() as s:
        (tmp_path / "stats.xlsx").write_bytes(mediation_stats.workbook(s, cli_actor(), mediation_stats.StatsQuery(
            date(2026, 1, 1), date(2026, 6, 30))))
        (tmp_path / "ledger.xlsx").write_bytes(case_ledger.export_ledger(s, cli_actor()))
    profile = tmp_path / "lo-profile"
    done = subprocess.run([_soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(tmp_path / "stats.xlsx"), str(tmp_path / "ledger.xlsx")],
                          capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    for name in ("stats.pdf", "ledger.pdf"):
        pdf = (tmp_path / name).read_bytes()
        assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "stats.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "人民调解工作统计表" in text and "合计" in text


def test_cli_report_mediation(capsys, stats_node, tmp_path):
    _db, data = stats_node
    target = tmp_path / "统计表.xlsx"
    code = cli.main(["report", "mediation", "--from", "2024-01-01", "--to", "2026-12-31", "-o", str(target), "--json",
                     "--data-dir", str(data.root)])
    doc = json.loads(capsys.readouterr().out)
    sql = statskit.sql_figures(data, *statskit.PERIOD)
    assert code == 0 and doc["accepted"] == sql["accepted"] and doc["succeeded"] == sql["succeeded"]
    assert doc["scope"] == "全部调委会" and openpyxl.load_workbook(target).sheetnames[0] == "统计表"
    code = cli.main(["report", "mediation", "--from", "2024-01-01", "--to", "2026-12-31", "-o", str(target),
                     "--committee", "北山", "--data-dir", str(data.root)])
    out = capsys.readouterr().out
    assert code == 0 and "北山街道人民调解委员会：受理" in out
