"""Pieces shared by several documents: how a party is described, the parties' table of a form,
signature rows, ruled blocks of a minimum height."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table

from xihu_desk.documents.layout import table_style, WIDTH, Sheet
from xihu_desk.documents.text import age


class MinHeight(Flowable):
    """Content that takes at least ``height`` (a box in a form left room for handwriting)."""

    def __init__(self, content: list[Flowable], height: float):
        super().__init__()
        self.content, self.min_height = content, height

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        self._heights = [f.wrap(aw, ah)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in self.content]
        self.height = max(self.min_height, sum(self._heights))
        return aw, self.height

    def split(self, aw: float, ah: float) -> list[Flowable]:
        if sum(self._heights) <= ah:
            return []
        out, used = [], 0.0
        for i, f in enumerate(self.content):
            h = f.wrap(aw, ah - used)[1] + f.getSpaceBefore() + f.getSpaceAfter()
            if used + h <= ah:
                out.append(f)
                used += h
                continue
            parts = f.split(aw, ah - used)
            if parts:
                return [MinHeight(out + [parts[0]], 0), MinHeight(parts[1:] + self.content[i + 1 :], 0)]
            return [MinHeight(out, 0), MinHeight(self.content[i:], 0)] if out else []
        return []

    def draw(self) -> None:
        y = self.height
        for f, h in zip(self.content, self._heights, strict=True):
            y -= f.getSpaceBefore()
            w, fh = f.wrap(self.width, h)
            f.drawOn(self.canv, 0, y - fh)
            y -= fh + f.getSpaceAfter()


def parties_of(case: dict[str, Any], role: str) -> list[dict[str, Any]]:
    return [p for p in case["parties"] if p["role"] == role]


def names(parties: list[dict[str, Any]]) -> str:
    return "、".join(p["name"] for p in parties)


def describe(sheet: Sheet, p: dict[str, Any], on: str | None) -> list[tuple[str, bool]]:
    """The party line of an agreement: 申请人：张三，男，汉族，46岁，… as (text, bold) runs."""
    lab = sheet.common["party"]
    bits: list[str] = []
    if p["kind"] == "org":
        if p.get("credit_code"):
            bits.append(f"{lab['credit_code']}：{p['credit_code']}")
        if p.get("address"):
            bits.append(f"{lab['org_address']}：{p['address']}")
        if p.get("legal_rep"):
            bits.append(f"{lab['legal_rep']}：{p['legal_rep']}")
    else:
        bits += [v for v in (p.get("gender"), p.get("ethnicity"), age(p.get("birth_date"), on)) if v]
        if p.get("occupation"):
            bits.append(f"{lab['occupation']}：{p['occupation']}")
        if p.get("id_number"):
            bits.append(f"{p.get('id_type_label') or lab['id']}{lab['id_suffix']}：{p['id_number']}")
        if p.get("address"):
            bits.append(f"{lab['address']}：{p['address']}")
    if p.get("phone"):
        bits.append(f"{lab['phone']}：{p['phone']}")
    runs = [(f"{p['role_label']}：", True), (p["name"], False)]
    runs.append(("，" + "，".join(bits) + "。" if bits else "。", False))
    return runs


def representatives(sheet: Sheet, p: dict[str, Any]) -> list[tuple[str, bool]] | None:
    """The guardian or agent line under a party, if there is one."""
    lab = sheet.common["party"]
    if p.get("guardian"):
        return [(f"{lab['guardian']}：", True), (p["guardian"] + "。", False)]
    if p.get("agent_kind") and p.get("agent_name"):
        label = lab["legal_agent"] if p["agent_kind"] == "legal" else lab["entrusted_agent"]
        tail = f"，{lab['phone']}：{p['agent_phone']}。" if p.get("agent_phone") else "。"
        return [(f"{label}：", True), (p["agent_name"] + tail, False)]
    return None


LABEL_W = 22  # mm: four characters of 小四 a line
PARTY_WIDTHS = [20, 26, 12, 12, 30, 34]  # mm, with LABEL_W before them: the whole 156 mm


def party_rows(sheet: Sheet, case: dict[str, Any], on: str | None, first_col: int) -> tuple[list[list[Any]], list]:
    """Rows of the compact parties' table: 身份, 姓名或名称, 性别, 年龄, 联系电话, 住址或住所
    (starting at column ``first_col`` of the caller's grid)."""
    lab = sheet.common["party"]
    pad = [""] * first_col
    head = pad + [sheet.label(h) for h in lab["table_heads"]]
    rows = [head]
    for p in case["parties"]:
        person = p["kind"] != "org"
        name: Any = sheet.cell(p["name"])
        if not person and p.get("legal_rep"):
            name = [name, sheet.cell(f"（{lab['legal_rep']}：{p['legal_rep']}）", "note")]
        rows.append(pad + [
            sheet.cell(p["role_label"], "cell_center"), name, sheet.cell(p.get("gender") or "—" if person else "—", "cell_center"),
            sheet.cell(age(p.get("birth_date"), on) or "—" if person else "—", "cell_center"),
            sheet.cell(p.get("phone") or ""), sheet.cell(p.get("address") or ""),
        ])
    return rows, []


def sign_rows(sheet: Sheet, parties: list[dict[str, Any]], *, fingerprint: bool, label_key: str = "sign.person") -> Table:
    """One row per party: who, a line to sign on, and (for a person) the fingerprint's place."""
    lab = sheet.common["sign"]
    rows, styles = [], []
    for i, p in enumerate(parties):
        if p["kind"] == "org":
            who = sheet.runs([(p["role_label"] + "  ", False), (p["name"], False), (lab["org_seal"], False)], "sign")
            line = sheet.p(lab["org_rep"], "sign_r")
            mark = ""
        else:
            who = sheet.runs([(p["role_label"] + "  ", False), (p["name"], False)], "sign")
            signer = lab["guardian"] if p.get("guardian") else sheet.common[label_key]
            line = sheet.p(signer, "sign_r")
            mark = sheet.fingerprint() if fingerprint else ""
        rows.append([who, line, "", mark])
        styles.append(("LINEBELOW", (2, i), (2, i), 0.6, colors.black))
    table = Table(rows, colWidths=[WIDTH * 0.38, WIDTH * 0.17, WIDTH * 0.30, WIDTH * 0.15],
                  rowHeights=[18 * mm] * len(rows))
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                               ("ALIGN", (3, 0), (3, -1), "CENTER"), ("VALIGN", (3, 0), (3, -1), "MIDDLE"),
                               ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                               *styles]))
    return table


def officer_rows(sheet: Sheet, people: list[tuple[str, str]]) -> Table:
    """Lines for the mediator, the recorder…: (label, printed names under the line)."""
    rows, styles = [], []
    for i, (label, who) in enumerate(people):
        rows.append([sheet.p(label, "sign"), "", sheet.p(f"（{who}）", "note") if who else ""])
        styles.append(("LINEBELOW", (1, i), (1, i), 0.6, colors.black))
    table = Table(rows, colWidths=[WIDTH * 0.36, WIDTH * 0.34, WIDTH * 0.30], rowHeights=[13 * mm] * len(rows))
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 4), ("ALIGN", (2, 0), (2, -1), "LEFT"), *styles]))
    return table


def recorder_of(case: dict[str, Any]) -> str:
    """Who recorded the mediation: the last mediation record's recorder, else the registrar."""
    for r in reversed(case.get("records") or []):
        if r["kind"] == "mediation" and r.get("recorder"):
            return r["recorder"]
    agreement = case.get("agreement") or {}
    return agreement.get("registrar") or ""
