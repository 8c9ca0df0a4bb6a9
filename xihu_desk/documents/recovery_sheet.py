"""恢复密钥单: one A4 page to print once and keep sealed in the office safe. The node (name, code,
node id), the date, the recovery key in large fixed-pitch groups (one box a character, so it is
copied without slipping a place), what the key is for, how to restore with it, and lines for who
keeps it. Plain data in; the key itself is never stored by this module."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from xihu_desk.documents import fonts
from xihu_desk.documents.fonts import ensure_fonts
from xihu_desk.documents.layout import WIDTH, Footer, Sheet, render, spacer
from xihu_desk.documents.templates import load

GROUPS_PER_ROW = 4
BOX = 8.5 * mm  # one character
GAP = 4 * mm  # between groups
ROW_GAP = 7 * mm
KEY_SIZE = 16  # pt, bold: W, the widest, keeps a millimetre clear of its box on each side


@dataclass(frozen=True)
class SheetFacts:
    org_name: str
    org_code: str
    node_id: str
    made_on: date
    code: str  # as shown to the user: groups joined by "-"


def groups(code: str) -> list[str]:
    """The code's groups as written (``ABCD-EFGH-…``); spaces are taken as separators too."""
    return [g for g in code.replace(" ", "-").split("-") if g]


class KeyBoxes(Flowable):
    """The recovery key, one box per character at a fixed pitch, groups apart, the group's number
    under it: a monospaced layout in the documents' own embedded font."""

    def __init__(self, parts: list[str]):
        super().__init__()
        self.rows = [parts[i : i + GROUPS_PER_ROW] for i in range(0, len(parts), GROUPS_PER_ROW)]

    def _row_width(self, row: list[str]) -> float:
        return sum(len(g) for g in row) * BOX + (len(row) - 1) * GAP

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = WIDTH
        self.height = len(self.rows) * (BOX + ROW_GAP)
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        number = 0
        for r, row in enumerate(self.rows):
            y = self.height - (r + 1) * BOX - r * ROW_GAP
            x = (self.width - self._row_width(row)) / 2
            for part in row:
                number += 1
                left = x
                for ch in part:
                    c.setStrokeColor(colors.Color(0.45, 0.45, 0.45))
                    c.setLineWidth(0.6)
                    c.rect(x, y, BOX, BOX, stroke=1, fill=0)
                    c.setFillColor(colors.black)
                    c.setFont(fonts.BOLD, KEY_SIZE)
                    c.drawCentredString(x + BOX / 2, y + (BOX - KEY_SIZE * 0.72) / 2, ch)
                    x += BOX
                c.setFont(fonts.REGULAR, 8)
                c.setFillColor(colors.Color(0.4, 0.4, 0.4))
                c.drawCentredString((left + x) / 2, y - 4 * mm, f"第{number}组")
                x += GAP


def _story(sheet: Sheet, f: SheetFacts) -> list[Flowable]:
    parts = groups(f.code)
    sheet.raw(parts, bold=True)
    sheet.raw([f"第{n}组" for n in range(1, len(parts) + 1)])
    chars = sum(len(g) for g in parts)
    story: list[Flowable] = [*sheet.title("数据恢复密钥单")]
    story += [
        sheet.p("本单绝密：打印后请装入信封密封，存放在单位保险柜中。不要拍照，不要存入电脑、手机或网盘。", "note"),
        spacer(2),
        sheet.p(f"单位（节点）：{f.org_name}", "flush"),
        sheet.p(f"单位代码：{f.org_code}　　生成日期：{f.made_on.year}年{f.made_on.month}月{f.made_on.day}日", "flush"),
        sheet.p(f"节点编号：{f.node_id}", "note"),
        spacer(4),
        sheet.p("恢复密钥", "heading"),
        spacer(2),
        KeyBoxes(parts),
        sheet.p(
            f"共 {chars} 个字符，分 {len(parts)} 组；输入时字母不分大小写，组间的横线可以省略。",
            "note",
        ),
        spacer(3),
        sheet.p("有什么用", "heading"),
        sheet.p(
            "本节点的数据库和备份都是加密的，平时由本机的系统账户自动打开，不需要输入密码。"
            "以下情况只能用这把恢复密钥打开：换了电脑、重装了系统、系统账户被删除或密钥丢失时，"
            "在新电脑上从备份恢复数据，或重新打开本节点的数据库。没有它，这些数据任何人都无法读出。",
            "cell_body",
        ),
        sheet.p("怎么用", "heading"),
        sheet.p("1. 在新电脑上安装西湖司法所工作台，把备份文件拷贝到这台电脑上。", "cell"),
        sheet.p("2. 把上面的恢复密钥抄写到一个文本文件中（如“恢复密钥.txt”），只写这一行。", "cell"),
        sheet.p("3. 由管理员在命令行中运行：", "cell"),
        sheet.p("　　　xihu-desk restore 备份文件 --recovery-key-file 恢复密钥.txt", "cell"),
        sheet.p("4. 恢复完成后立即删除该文本文件，并把本单重新密封保管。", "cell"),
        sheet.p(
            "同一台电脑上程序提示“找不到它的密钥”（换了系统账户、密钥环被清空）时，管理员照第 2 步写好文本文件后运行 "
            "xihu-desk unlock --recovery-key-file 恢复密钥.txt，再照第 4 步处理。",
            "note",
        ),
        sheet.p(
            "管理员可以用 xihu-desk rekey --recovery-key-file 新密钥文件 更换恢复密钥；更换后本单作废，"
            "请打印新的恢复密钥单，旧单当面销毁。",
            "note",
        ),
        spacer(6),
        sheet.p("保管人（签字）：＿＿＿＿＿＿　　监封人（签字）：＿＿＿＿＿＿", "sign"),
        spacer(2),
        sheet.p("封存日期：＿＿＿＿年＿＿月＿＿日　　存放位置：＿＿＿＿＿＿", "sign"),
    ]
    return story


def build_pdf(facts: SheetFacts) -> tuple[bytes, int]:
    """The sheet as PDF bytes and its page count (one)."""
    ensure_fonts()
    common = load("_common")
    sheet = Sheet(common, Footer("", "", common, qr=False, anonymous=True))
    story = _story(sheet, facts)
    return render(story, sheet, title="数据恢复密钥单", author=facts.org_name)
