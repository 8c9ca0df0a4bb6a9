"""Record identity: time-ordered UUIDs (version 7) made where the record is created."""

from __future__ import annotations

import uuid6


def new_uuid() -> str:
    return str(uuid6.uuid7())
