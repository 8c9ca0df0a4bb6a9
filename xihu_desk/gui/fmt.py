"""Formatting for display: times are stored in UTC and shown in the PC's local time."""

from __future__ import annotations

from datetime import datetime, UTC


def local_time(iso: str, seconds: bool = False) -> str:
    """'2025-11-27T15:04:05' (UTC, as stored) -> '2025-11-27 23:04' local; '' stays ''."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def size_text(size: float) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
