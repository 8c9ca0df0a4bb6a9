"""Kept only for the forms not yet moved to the one field kit (gui/kit): the same names, from there."""

from xihu_desk.gui.kit import (
    FieldErrors, code_of, date_of, fill_combo, fit_to_screen, set_code, set_date, setup_date, submit,
)
from xihu_desk.services.context import Actor


def fresh(actor: Actor) -> Actor:
    """The signed-in user as of now (the audit log and the "not after today" checks use this time)."""
    return actor.stamped()


__all__ = ["FieldErrors", "code_of", "date_of", "fill_combo", "fit_to_screen", "fresh", "set_code", "set_date",
           "setup_date", "submit"]
