"""A clock for the demo loader only: make the past through today's services.

The demo's history (a 2020 campaign, a third-party campaign, the live campaign's first
weeks) is made by the same services the pages call, which read the time from
``datetime.datetime.now`` (directly, through ``safety.settings.local_today``, and through
Piccolo's column defaults). Inside ``backdated()`` that name answers the moment set with
``travel_to`` plus the real time elapsed since (so events made one after another keep
their order), and every timestamp, day and history row the services write carries it:
``hazard_transition.at``, ``submitted_at``, ``closed_at``, ``rectified_on``, the audit
trail. Outside it, nothing changes. Never used by the server.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

_REAL = dt.datetime


class _Clock:
    moment: dt.datetime | None = None  # aware
    since: float = 0.0

    def now(self) -> dt.datetime:
        assert self.moment is not None
        return self.moment + dt.timedelta(seconds=time.monotonic() - self.since)


_clock = _Clock()


class _Meta(type):
    # isinstance(x, datetime.datetime) keeps answering for real datetimes.
    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, _REAL)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, _REAL)


class _BackdatedDatetime(_REAL, metaclass=_Meta):
    # Anything built through the name is a plain datetime (database drivers adapt values
    # by their exact type).
    def __new__(cls, *args, **kwargs):
        return _REAL(*args, **kwargs)

    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
        moment = _clock.now()
        if tz is None:
            return moment.astimezone().replace(tzinfo=None)
        return moment.astimezone(tz)

    @classmethod
    def utcnow(cls) -> dt.datetime:  # type: ignore[override]
        return _clock.now().astimezone(dt.UTC).replace(tzinfo=None)


def travel_to(day: dt.date, hour: int = 9, minute: int = 0, zone: str | None = None) -> None:
    """Set the clock to ``day`` at ``hour:minute`` in the configured time zone."""
    from safety.settings import get_settings

    tz = ZoneInfo(zone or get_settings().timezone)
    _clock.moment = _REAL(day.year, day.month, day.day, hour, minute, tzinfo=tz)
    _clock.since = time.monotonic()


@contextmanager
def backdated(day: dt.date, hour: int = 9) -> Iterator[None]:
    """Within: ``datetime.datetime.now()`` is the demo's clock, starting at ``day``."""
    travel_to(day, hour)
    dt.datetime = _BackdatedDatetime  # type: ignore[misc]
    try:
        yield
    finally:
        dt.datetime = _REAL  # type: ignore[misc]
        _clock.moment = None
