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
