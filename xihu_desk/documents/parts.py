"""Pieces shared by several documents: how a party is described, the parties' table of a form,
signature rows, ruled blocks of a minimum height."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Table

from xihu_desk.documents.layout import FRAME_H, SIZE_CELL, WIDTH, Sheet, story_height, table_style
from xihu_desk.documents.text import age


class MinHeight(Flowable):
    """Content that takes at least ``height`` (a box in a form left room for handwriting)."""

    def __init__(self, content: Sequence[Flowable], height: float):
        super().__init__()
        self.content, self.min_height = list(content), height

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
            _w, fh = f.wrap(self.width, h)
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
    """The legal representative's or agent's line under a party, if there is one."""
    lab = sheet.common["party"]
    rep = p.get("legal_representative")
    if rep:  # 法定代理人王大明（父亲），联系电话：…
        relation = f"（{rep['relation']}）" if rep.get("relation") else ""
        tail = f"，{lab['phone']}：{rep['phone']}。" if rep.get("phone") else "。"
        return [(f"{lab['legal_agent']}：", True), (rep["name"] + relation + tail, False)]
    if p.get("guardian"):
        return [(f"{lab['guardian']}：", True), (p["guardian"] + "。", False)]
    if p.get("agent_kind") and p.get("agent_name"):
        label = lab["legal_agent"] if p["agent_kind"] == "legal" else lab["entrusted_agent"]
        tail = f"，{lab['phone']}：{p['agent_phone']}。" if p.get("agent_phone") else "。"
        return [(f"{label}：", True), (p["agent_name"] + tail, False)]
    return None


LABEL_W = 22  # mm: four characters of 小四 a line
PARTY_WIDTHS = [20, 26, 8, 12, 29, 39]  # mm, with LABEL_W before them: the whole 156 mm (the address widest)


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
        rows.append(
            pad
            + [
                sheet.cell(p["role_label"], "cell_center"),
                name,
                sheet.cell(p.get("gender") or "—" if person else "—", "cell_center"),
                sheet.cell(age(p.get("birth_date"), on) or "—" if person else "—", "cell_center"),
                sheet.cell(p.get("phone") or ""),
                sheet.cell(p.get("address") or ""),
            ]
        )
    return rows, []


# Where an organisation's name may break in a narrow column: after its place-name prefix (浙江省|
# 杭州市|西湖区|北山街道|), after a whole word that ends a unit (…社区|, …合作社|), before its legal form
# (|有限责任公司, |居民委员会); never inside a word (有限责|任公司).
_PLACE = re.compile(
    r"(?:[^省市区县]{2,4}省)?(?:[^省市区县]{2,4}市)?(?:[^省市区县]{2,4}[区县])?(?:[^街镇乡]{2,4}(?:街道|镇|乡))?"
)
_AFTER = ("社区", "街道", "合作社", "集团", "委员会", "中心", "事务所")
_BEFORE = ("股份有限公司", "有限责任公司", "有限公司", "分公司", "居民委员会", "村民委员会", "人民调解委员会")


def name_segments(name: str) -> list[str]:
    """An organisation's name cut into the pieces a line may end after."""
    segments: list[str] = []
    prefix = _PLACE.match(name)
    start = 0
    if prefix and prefix.end():
        for m in re.finditer(r"[^省市区县街镇乡]*?(?:省|市|区|县|街道|镇|乡)", prefix.group(0)):
            segments.append(m.group(0))
        start = sum(len(x) for x in segments)
    rest, cut = name[start:], 0
    i = 0
    while i < len(rest):
        before = next((w for w in _BEFORE if rest.startswith(w, i)), None)
        if before and i > cut:
            segments.append(rest[cut:i])
            cut = i
        if before:
            i += len(before)
            segments.append(rest[cut:i])
            cut = i
            continue
        after = next((w for w in _AFTER if rest.startswith(w, i)), None)
        if after:
            i += len(after)
            segments.append(rest[cut:i])
            cut = i
            continue
        i += 1
    if cut < len(rest):
        segments.append(rest[cut:])
    return [x for x in segments if x]


def name_lines(name: str, per_line: int) -> list[str]:
    """An organisation's name in lines of at most ``per_line`` characters, broken between words
    (a word longer than a line is the only thing cut)."""
    lines: list[str] = []
    line = ""
    for seg in name_segments(name):
        if line and len(line) + len(seg) > per_line:
            lines.append(line)
            line = ""
        while len(seg) > per_line:
            lines.append(seg[:per_line])
            seg = seg[per_line:]
        line += seg
    if line:
        lines.append(line)
    return lines


SIGN_ROW = 16 * mm  # room to sign by hand above each line


def sign_rows(
    sheet: Sheet, parties: list[dict[str, Any]], *, fingerprint: bool, label_key: str = "sign.person"
) -> Table:
    """One row per party: who, a line to sign on, and (for a person) the fingerprint's place. An
    organisation's name wraps between words and the row grows with it (never into the row above)."""
    lab = sheet.common["sign"]
    widths = [WIDTH * 0.39, WIDTH * 0.21, WIDTH * 0.26, WIDTH * 0.14]
    style = sheet.s["sign"]
    per_line = max(4, int((widths[0] - 2) // style.fontSize))
    rows: list[list[Any]] = []
    styles: list[tuple] = []
    for p in parties:
        head = f"{p['role_label']}："
        if p["kind"] == "org":
            name = p["name"] + lab["org_seal"]
            # a word longer than the column at 四号 is set in 小四 rather than cut
            small = max(len(x) for x in name_segments(name)) > per_line
            fit = max(4, int((widths[0] - 2) // SIZE_CELL)) if small else per_line
            text = head + name if len(head + name) <= fit else "\n".join([head, *name_lines(name, fit)])
            who = sheet.p(text, "sign_small" if small else "sign")
            line = sheet.p(lab["org_rep"], "sign_r")
            mark: Any = ""
        else:
            text = head + p["name"]
            who_text = text if len(text) <= per_line else "\n".join([head, *name_lines(p["name"], per_line)])
            who = sheet.p(who_text, "sign")
            rep = p.get("legal_representative")
            # under 8 the party never signs: the line is the legal representative's (民法典第20条)
            own = p.get("signs_self", True) or not rep
            signer = sheet.common[label_key] if own else lab.get("representative", lab["guardian"])
            line = sheet.p(signer, "sign_r")
            mark = sheet.fingerprint() if fingerprint else ""
            rep_line = f"{sheet.common['party']['legal_agent']}：{rep['name']}" if rep else ""
            if rep and own and not p.get("acts_alone"):  # 8–17: the party signs, and the representative too
                rows.append([who, line, "", mark])
                styles.append(("LINEBELOW", (2, len(rows) - 1), (2, len(rows) - 1), 0.6, colors.black))
                who = sheet.p(rep_line, "sign")
            elif rep and not own:  # the party's name, the representative's under it, who signs for them
                who = sheet.p(f"{who_text}\n{rep_line}", "sign")
        rows.append([who, line, "", mark])
        styles.append(("LINEBELOW", (2, len(rows) - 1), (2, len(rows) - 1), 0.6, colors.black))
    table = Table(rows, colWidths=widths)
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), SIGN_ROW - style.leading - 4),
                ("ALIGN", (3, 0), (3, -1), "CENTER"),
                ("VALIGN", (3, 0), (3, -1), "MIDDLE"),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                *styles,
            ]
        )
    )
    return table


def signature_block(
    sheet: Sheet,
    lead: Sequence[Flowable],
    parties: list[dict[str, Any]],
    tail: Sequence[Flowable],
    *,
    fingerprint: bool,
) -> list[Flowable]:
    """The text before the signatures (``lead``), a line per party, then ``tail`` (mediators, seal):
    kept on one page when they fit one; otherwise they flow, but the lead keeps the first party's
    line and the tail the last two, so the seal never stands on a page of its own."""
    whole = [*lead, sign_rows(sheet, parties, fingerprint=fingerprint), *tail]
    if story_height(whole) <= FRAME_H * 0.95 or len(parties) < 4:
        return [KeepTogether(whole)]
    rows = [sign_rows(sheet, [p], fingerprint=fingerprint) for p in parties]
    return [KeepTogether([*lead, rows[0]]), *rows[1:-2], KeepTogether([*rows[-2:], *tail])]


def people(value: Any) -> list[str]:
    """Names typed in one field ("周调解、吴调解") or given as a list: one a signature line."""
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in re.split(r"[、，,；;\s]+", str(value or "")) if v.strip()]


def officer_rows(sheet: Sheet, officers: list[tuple[str, Any]]) -> Table:
    """Lines for the mediators, the recorder…: (label, who) with one line per person, the name
    printed beside it; a label with nobody named keeps one line to fill in by hand."""
    rows: list[list[Any]] = []
    styles: list[tuple] = []
    for label, who in officers:
        names = people(who) or [""]
        for k, name in enumerate(names):
            i = len(rows)
            rows.append([sheet.p(label, "sign") if k == 0 else "", "", sheet.p(f"（{name}）", "note") if name else ""])
            styles.append(("LINEBELOW", (1, i), (1, i), 0.6, colors.black))
    table = Table(rows, colWidths=[WIDTH * 0.36, WIDTH * 0.34, WIDTH * 0.30], rowHeights=[13 * mm] * len(rows))
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("ALIGN", (2, 0), (2, -1), "LEFT"),
                *styles,
            ]
        )
    )
    return table


def recorder_of(case: dict[str, Any]) -> str:
    """Who recorded the mediation: the last mediation record's recorder, else the registrar."""
    for r in reversed(case.get("records") or []):
        if r["kind"] == "mediation" and r.get("recorder"):
            return r["recorder"]
    agreement = case.get("agreement") or {}
    return agreement.get("registrar") or ""
