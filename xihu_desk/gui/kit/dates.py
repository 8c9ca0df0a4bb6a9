"""The one date field of the forms. Every date edit has an explicit empty state: None is empty,
shown as the edit's blank text (“未填” unless the form names it), never as 1900-01-01 and never
silently as today. Behind the blank is the edit's minimum date, which no real date reaches.

``setup_date(edit)`` makes any QDateEdit such a field; ``date_edit()`` makes a new one. An
optional field starts empty, a required one at today (the one clock). ``set_date(edit, None)``
empties either; ``date_of(edit)`` is None when empty.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QEvent, QObject, QTime
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit

from xihu_desk.domain import clock
from xihu_desk.domain.errors import FieldError

BLANK_DATE = QDate(1900, 1, 1)  # the minimum of every date field: shown as its blank text
LAST_DATE = QDate(2099, 12, 31)


def to_qdate(value: date | str | None) -> QDate:
    """A QDate of a date or an ISO text; an invalid QDate for None or ''."""
    if value is None or value == "":
        return QDate()
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return QDate(value.year, value.month, value.day)


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class _CalendarOpensAtToday(QObject):
    """An empty field's calendar would open on January 1900: open it on this month instead."""

    def __init__(self, edit: QDateEdit) -> None:
        super().__init__(edit)
        self.edit = edit

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self.edit.date() == BLANK_DATE:
            today = clock.local_today()
            self.edit.calendarWidget().setCurrentPage(today.year, today.month)
        return False


def setup_date(edit: QDateEdit, *, optional: bool = False, blank: str = "") -> QDateEdit:
    """A date with a calendar pop-up, shown yyyy-MM-dd, empty shown as ``blank`` (“未填”)."""
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(BLANK_DATE)
    edit.setMaximumDate(LAST_DATE)
    edit.setSpecialValueText(blank or QCoreApplication.translate("fieldkit", "未填"))
    edit.setDate(BLANK_DATE if optional else to_qdate(clock.local_today()))
    calendar = edit.calendarWidget()
    if calendar is not None:
        calendar.installEventFilter(_CalendarOpensAtToday(edit))
    return edit


def date_edit(optional: bool = False, blank: str = "") -> QDateEdit:
    """A new date field (see ``setup_date``)."""
    return setup_date(QDateEdit(), optional=optional, blank=blank)


def set_date(edit: QDateEdit, value: date | str | None) -> None:
    """Show ``value``; None (or '') empties the field."""
    edit.setDate(to_qdate(value) if value else BLANK_DATE)


def date_of(edit: QDateEdit) -> date | None:
    """The date shown, or None when the field is empty."""
    d = edit.date()
    if not d.isValid() or d == BLANK_DATE:
        return None
    return to_date(d)


def required_date(day: date | None, field: str, message: str) -> date:
    """A date a step cannot go without (``date_of`` of its field): an emptied field is refused at
    that field, never handed to a service as None. Call it inside the work the runner runs."""
    if day is None:
        raise FieldError(field, message)
    return day


def set_datetime(edit: QDateTimeEdit, value: datetime) -> None:
    edit.setDateTime(QDateTime(to_qdate(value.date()), QTime(value.hour, value.minute)))


def datetime_of(edit: QDateTimeEdit) -> datetime:
    moment = edit.dateTime()
    d, t = moment.date(), moment.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())
