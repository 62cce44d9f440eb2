"""TOTP secrets at rest move from the home-made ``v1.`` seal (HMAC-SHA256 in counter mode
plus an HMAC tag) to AES-256-GCM (``v2.``, safety.accounts.totp). Every ``secret`` and
``pending_secret`` still in the old format is opened with the old construction, whose code
lives only here, and sealed again with ``totp.seal`` (whatever format is current: a later
format's migration then finds nothing of this one left).

A value the old construction cannot open (sealed under another secret key, or damaged)
was already unusable; it is left as it is and logged (a warning, its user id only): the
user cannot log in with a code either way until an administrator resets the factor.
Re-running is harmless: only ``v1.`` values are touched."""

import base64
import hashlib
import hmac
import logging

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Integer, Varchar
from piccolo.table import Table

from safety.accounts import totp
from safety.settings import get_settings

ID = "2026-12-08T00:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "TOTP secrets resealed with AES-GCM"

log = logging.getLogger(__name__)

_OLD_PREFIX = "v1."


class _UserTotp(Table, tablename="user_totp"):
    user = Integer()  # the foreign key's column: the id is all the seal needs
    secret = Varchar(length=255, null=True)
    pending_secret = Varchar(length=255, null=True)


# ---------------------------------------------------------------- the old construction


def _old_key(purpose: str) -> bytes:
    secret = get_settings().secret_key.get_secret_value().encode()
    return hmac.new(secret, f"safety/totp/{purpose}".encode(), hashlib.sha256).digest()


def _old_key_stream(nonce: bytes, length: int) -> bytes:
    key = _old_key("enc")
    blocks = b"".join(
        hmac.new(key, nonce + i.to_bytes(4, "big"), hashlib.sha256).digest()
        for i in range((length + 31) // 32)
    )
    return blocks[:length]


def _old_tag(user_id: int, nonce: bytes, ciphertext: bytes) -> bytes:
    message = str(user_id).encode() + b"|" + nonce + ciphertext
    return hmac.new(_old_key("mac"), message, hashlib.sha256).digest()[:16]


def old_unseal(sealed: str, user_id: int) -> str | None:
    """The secret of a ``v1.`` value, or None when it does not open."""
    try:
        blob = base64.urlsafe_b64decode(sealed[len(_OLD_PREFIX) :])
    except ValueError:
        return None
    if len(blob) < 33:
        return None
    nonce, ciphertext, tag = blob[:16], blob[16:-16], blob[-16:]
    if not hmac.compare_digest(tag, _old_tag(user_id, nonce, ciphertext)):
        return None
    plain = bytes(
        a ^ b for a, b in zip(ciphertext, _old_key_stream(nonce, len(ciphertext)), strict=True)
    )
    try:
        return plain.decode("ascii")
    except UnicodeDecodeError:
        return None


# ---------------------------------------------------------------- the migration


def _resealed(value: str | None, user_id: int, column: str) -> str | None:
    if not value or not value.startswith(_OLD_PREFIX):
        return value
    secret = old_unseal(value, user_id)
    if secret is None:
        log.warning("user id %s: the old %s does not open: left as it was", user_id, column)
        return value
    return totp.seal(secret, user_id)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="safety", description=DESCRIPTION)

    async def run():
        rows = await (
            _UserTotp.select(
                _UserTotp.id, _UserTotp.user, _UserTotp.secret, _UserTotp.pending_secret
            )
            .where(
                _UserTotp.secret.like(_OLD_PREFIX + "%")
                | _UserTotp.pending_secret.like(_OLD_PREFIX + "%")
            )
            .order_by(_UserTotp.id)
            .run()
        )
        for row in rows:
            changes = {
                _UserTotp.secret: _resealed(row["secret"], row["user"], "secret"),
                _UserTotp.pending_secret: _resealed(
                    row["pending_secret"], row["user"], "pending_secret"
                ),
            }
            await _UserTotp.update(changes).where(_UserTotp.id == row["id"]).run()

    manager.add_raw(run)
    return manager
