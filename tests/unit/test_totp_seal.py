"""The TOTP seal (AES-256-GCM): recognisable format, a fresh nonce each time, bound to its
user and to the secret key, and any change to the stored text refused."""

from __future__ import annotations

import base64

import pytest
from pydantic import SecretStr

from safety.accounts import totp
from safety.settings import get_settings

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_a_sealed_secret_opens_for_its_user_only_and_each_seal_differs():
    first, second = totp.seal(SECRET, 7), totp.seal(SECRET, 7)
    assert first.startswith("v2.") and len(first) <= 255  # fits user_totp's column
    assert first != second  # a random nonce per seal
    assert totp.unseal(first, 7) == totp.unseal(second, 7) == SECRET
    assert totp.unseal(first, 8) is None  # copied to another user's row
    assert SECRET not in first


@pytest.mark.parametrize(
    "damage",
    [
        lambda s: "v1." + s[3:],  # another format
        lambda s: s[:-2],  # truncated
        lambda s: s[:3] + "!!" + s[5:],  # not base64
        lambda s: "v2." + base64.urlsafe_b64encode(b"x" * 28).decode(),  # nothing sealed
    ],
)
def test_damaged_text_does_not_open(damage):
    assert totp.unseal(damage(totp.seal(SECRET, 7)), 7) is None


def test_every_bit_of_the_stored_blob_is_authenticated():
    sealed = totp.seal(SECRET, 7)
    blob = bytearray(base64.urlsafe_b64decode(sealed[3:]))
    for i in range(len(blob)):
        flipped = bytearray(blob)
        flipped[i] ^= 0x01
        assert totp.unseal("v2." + base64.urlsafe_b64encode(flipped).decode(), 7) is None, i


def test_another_secret_key_does_not_open_it():
    sealed = totp.seal(SECRET, 7)
    settings = get_settings()
    old = settings.secret_key
    settings.secret_key = SecretStr("another-secret-key-of-enough-length-0123456789")
    try:
        assert totp.unseal(sealed, 7) is None
    finally:
        settings.secret_key = old
    assert totp.unseal(sealed, 7) == SECRET
