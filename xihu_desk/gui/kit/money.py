"""The one money field: 元 typed with at most two decimals, kept exactly in 分 (Decimal, never a float)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit


class MoneyError(ValueError):
    pass


MONEY_PATTERN = r"^\d{0,12}(\.\d{0,2})?$"


def setup_money(edit: QLineEdit) -> None:
    """元 with at most two decimals; anything else cannot be typed."""
    edit.setValidator(QRegularExpressionValidator(QRegularExpression(MONEY_PATTERN), edit))


def fen_from_text(text: str) -> int:
    """'3000' -> 300000, '12.5' -> 1250: exact (Decimal), never through a float."""
    cleaned = text.strip().replace(",", "").replace("，", "")
    if not cleaned:
        return 0
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise MoneyError(cleaned) from None
    fen = amount * 100
    if fen != fen.to_integral_value() or fen < 0:
        raise MoneyError(cleaned)
    return int(fen)


def text_from_fen(fen: int) -> str:
    if not fen:
        return ""
    yuan = Decimal(fen) / 100
    return f"{yuan:.2f}".removesuffix(".00")


def yuan_label(fen: int) -> str:
    return f"{Decimal(fen) / 100:,.2f} 元"
