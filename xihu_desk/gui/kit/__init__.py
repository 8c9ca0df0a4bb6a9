"""The one field kit of the forms (案件, 合法性审查, 调解员 and the rest): a date field with an
explicit empty state, a code combo, money in 元, a field's error under it, editing state, the
form layout and the way a save reaches the runner. Forms import from here."""

from xihu_desk.gui.kit.codes import code_of, fill_combo, set_code
from xihu_desk.gui.kit.dates import (
    BLANK_DATE,
    date_edit,
    date_of,
    datetime_of,
    set_date,
    set_datetime,
    setup_date,
    to_date,
    to_qdate,
)
from xihu_desk.gui.kit.editing import (
    DirtyWatch,
    Loading,
    changed_signal,
    find_optional,
    input_widgets,
    set_editable,
    show_row,
)
from xihu_desk.gui.kit.errors import FieldErrors, add_field, error_label
from xihu_desk.gui.kit.layout import fit_to_screen, form_layout, required
from xihu_desk.gui.kit.money import MoneyError, fen_from_text, setup_money, text_from_fen, yuan_label
from xihu_desk.gui.kit.saving import save_bytes, submit, write_file

__all__ = [
    "BLANK_DATE",
    "DirtyWatch",
    "FieldErrors",
    "Loading",
    "MoneyError",
    "add_field",
    "changed_signal",
    "code_of",
    "date_edit",
    "date_of",
    "datetime_of",
    "error_label",
    "fen_from_text",
    "fill_combo",
    "find_optional",
    "fit_to_screen",
    "form_layout",
    "input_widgets",
    "required",
    "save_bytes",
    "set_code",
    "set_date",
    "set_datetime",
    "set_editable",
    "setup_date",
    "setup_money",
    "show_row",
    "submit",
    "text_from_fen",
    "to_date",
    "to_qdate",
    "write_file",
    "yuan_label",
]
