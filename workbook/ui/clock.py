"""Times in the person's own time zone: the one place a stored time becomes words.

Every table stores UTC without a time zone. A person reading at 3 a.m. should see
3 a.m., not a time in a zone they never chose, and never the word "UTC". The browser
tells Streamlit its time zone (``st.context.timezone``) or at least its offset; with
neither, the time is shown as stored, without naming a zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

DATE = "{d} {m:%b %Y}"
DATE_TIME = "{d} {m:%b %Y}, {m:%H:%M}"
DAY_MONTH = "{d} {m:%B}"


def zone_from(name: str | None, offset_minutes: int | None) -> tzinfo | None:
    """A tzinfo from a browser's zone name, else its offset (minutes behind UTC)."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if offset_minutes is not None:
        return timezone(-timedelta(minutes=offset_minutes))
    return None


def to_zone(moment: datetime, zone: tzinfo | None) -> datetime:
    """A stored time (naive means UTC) moved into ``zone`` (unchanged when None)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone) if zone is not None else aware


def browser_zone() -> tzinfo | None:
    try:
        return zone_from(st.context.timezone, st.context.timezone_offset)
    except (AttributeError, RuntimeError):  # no browser behind this run
        return None


def local(moment: datetime) -> datetime:
    """A stored time in the reader's own time zone."""
    return to_zone(moment, browser_zone())


def when(moment: datetime, style: str = DATE_TIME) -> str:
    """A stored time as words in the reader's time zone, e.g. "4 Dec 2026, 03:10"."""
    m = local(moment)
    return style.format(d=m.day, m=m)
