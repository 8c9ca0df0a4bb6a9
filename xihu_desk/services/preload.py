"""What the program loads once its first window is up (issue 15): SQLAlchemy's mappers, every
model and the services the sign-in and the first page use. The login window paints without them;
this runs while the user types, so the sign-in does not wait for them either."""

from __future__ import annotations


def after_first_window() -> None:
    from sqlalchemy.orm import configure_mappers

    from xihu_desk.services import auth, node  # noqa: F401 - with them the audit log, settings and models
    from xihu_desk.store import schema  # noqa: F401 - every model module, so every mapper is configured now

    configure_mappers()
