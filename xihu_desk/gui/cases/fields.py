"""Kept only for the forms not yet moved to the one field kit (gui/kit): the same names, from there."""

from xihu_desk.gui.kit import submit

__all__ = ["submit"]
