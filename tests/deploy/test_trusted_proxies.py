"""SAFETY_TRUSTED_PROXIES: IP addresses and networks only, written the way uvicorn's
proxy-header check matches them (tests/deploy/test_https_proxy.py sees it at work)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from safety.settings import Settings


def _settings(tmp_path, value: str) -> Settings:
    return Settings(data_dir=tmp_path, secret_key="k" * 40, trusted_proxies=value)


def test_the_default_trusts_the_loopback_proxy_only(tmp_path):
    assert Settings(data_dir=tmp_path, secret_key="k" * 40).trusted_proxies == "127.0.0.1,::1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        (" 10.0.0.7 , 192.168.1.0/24 ", "10.0.0.7,192.168.1.0/24"),
        # a host address with a prefix means its network (uvicorn would otherwise match
        # nothing: it reads "10.0.0.7/24" as a literal name)
        ("10.0.0.7/24", "10.0.0.0/24"),
        ("::1,fd00::/8", "::1,fd00::/8"),
    ],
)
def test_addresses_and_networks_are_accepted_in_canonical_form(tmp_path, value, expected):
    assert _settings(tmp_path, value).trusted_proxies == expected


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("*", "'*' is not an IP address or network"),  # trust anyone: refused
        ("127.0.0.1,proxy.local", "'proxy.local' is not an IP address"),
        ("10.0.0.300", "'10.0.0.300' is not an IP address"),
        (" , ", "name at least one proxy address"),
    ],
)
def test_anything_else_is_refused_at_start_naming_the_entry(tmp_path, value, named):
    with pytest.raises(ValidationError, match="trusted_proxies") as refused:
        _settings(tmp_path, value)
    assert named in str(refused.value)
