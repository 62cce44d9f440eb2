import datetime as dt
from zoneinfo import ZoneInfo

from safety.settings import get_settings, local_today


def test_today_is_the_configured_time_zones_day(monkeypatch):
    days = {}
    for tz in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):  # UTC+14 and UTC-11
        monkeypatch.setattr(get_settings(), "timezone", tz)
        days[tz] = local_today()
        assert days[tz] == dt.datetime.now(ZoneInfo(tz)).date()
    assert days["Pacific/Kiritimati"] > days["Pacific/Pago_Pago"]


def test_a_local_day_begins_at_the_zones_midnight(monkeypatch):
    from safety.settings import local_midnight

    monkeypatch.setattr(get_settings(), "timezone", "Asia/Shanghai")
    start = local_midnight(dt.date(2026, 11, 27))
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 11, 26, 16, 0, tzinfo=dt.UTC)
    assert local_today(start) == dt.date(2026, 11, 27)
    assert local_today(start - dt.timedelta(microseconds=1)) == dt.date(2026, 11, 26)
    monkeypatch.setattr(get_settings(), "timezone", "America/Sao_Paulo")
    # 1990-10-21: the clocks went from 00:00 to 01:00, so that day began at 01:00
    start = local_midnight(dt.date(1990, 10, 21))
    assert local_today(start) == dt.date(1990, 10, 21)
    assert local_today(start - dt.timedelta(hours=1, microseconds=1)) == dt.date(1990, 10, 20)


def test_times_read_in_the_zone_and_naive_ones_as_utc(monkeypatch):
    from safety.settings import local_clock

    monkeypatch.setattr(get_settings(), "timezone", "Asia/Shanghai")
    naive = dt.datetime(2026, 11, 27, 16, 30)  # SQLite's UTC without a zone  # noqa: DTZ001 - naive on purpose
    assert local_clock(naive) == "2026-11-28 00:30"
    assert local_clock(naive.replace(tzinfo=dt.UTC)) == "2026-11-28 00:30"
    assert local_clock(dt.datetime(2026, 11, 28, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))) == (
        "2026-11-28 00:30"
    )
