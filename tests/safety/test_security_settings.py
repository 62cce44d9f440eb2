"""The signing key: never a key published in the source or the README."""

from __future__ import annotations

import stat

import jwt
import pytest
from pydantic import ValidationError

from safety.settings import Settings


def test_without_a_configured_key_a_random_one_is_made_kept_and_private(tmp_path):
    first = Settings(data_dir=tmp_path / "a", secret_key="")
    again = Settings(data_dir=tmp_path / "a", secret_key="")
    other = Settings(data_dir=tmp_path / "b", secret_key="")
    assert len(first.secret_key) >= 40
    assert again.secret_key == first.secret_key != other.secret_key
    path = tmp_path / "a" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_the_old_default_key_cannot_sign_tokens_for_a_default_install(tmp_path):
    """With the published default, anyone could mint an admin's bearer token."""
    key = Settings(data_dir=tmp_path, secret_key="").secret_key.get_secret_value()
    forged = jwt.encode({"sub": "1", "ep": 0}, "dev-insecure-secret-change-me", "HS256")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, key, algorithms=["HS256"])


@pytest.mark.parametrize("key", ["dev-insecure-secret-change-me", "a long random secret", "x" * 31])
def test_a_published_or_short_key_is_refused_at_start(tmp_path, key):
    with pytest.raises(ValidationError, match="SAFETY_SECRET_KEY"):
        Settings(data_dir=tmp_path, secret_key=key)


@pytest.mark.parametrize(
    ("base_url", "configured", "expected"),
    [
        ("https://aq.example.gov.cn", None, True),
        ("http://127.0.0.1:8000", None, False),
        ("https://aq.example.gov.cn", False, False),  # an explicit setting wins
        ("http://10.0.0.5", True, True),
    ],
)
def test_secure_cookies_follow_an_https_base_url_unless_set(
    tmp_path, base_url, configured, expected
):
    s = Settings(
        data_dir=tmp_path, secret_key="k" * 40, base_url=base_url, secure_cookies=configured
    )
    assert s.secure_cookies is expected
