"""Kept only for the forms not yet moved to the one field kit (gui/kit): the same names, from there."""

from xihu_desk.gui.kit import FieldErrors, date_edit, date_of, fill_combo, form_layout, required, set_code, set_date, submit

__all__ = ["FieldErrors", "date_edit", "date_of", "fill_combo", "form_layout", "required", "set_code", "set_date",
           "submit"]
