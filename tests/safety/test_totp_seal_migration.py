"""The TOTP reseal migration (safety 2026-12-08T00:10:00): secrets and pending secrets
sealed the old way (``v1.``, HMAC counter mode) open after ``safety migrate`` as AES-GCM
(``v2.``) values bound to their user, a value that never opened is left alone, and the
enrolled user still logs in with a code of their authenticator, on the engine under test.

The old sealing function is copied here (``OLD_SEAL``), so the rows are written exactly as
the code before the migration wrote them, independently of the migration's own copy."""

from __future__ import annotations

import json

from tests.safety.dbtools import cli, fresh_database, python

OLD_SEAL = """
import base64, hashlib, hmac, secrets
from safety.settings import get_settings

def _derived_key(purpose):
    secret = get_settings().secret_key.get_secret_value().encode()
    return hmac.new(secret, f"safety/totp/{purpose}".encode(), hashlib.sha256).digest()

def _key_stream(nonce, length):
    key = _derived_key("enc")
    blocks = b"".join(
        hmac.new(key, nonce + i.to_bytes(4, "big"), hashlib.sha256).digest()
        for i in range((length + 31) // 32)
    )
    return blocks[:length]

def _tag(user_id, nonce, ciphertext):
    message = str(user_id).encode() + b"|" + nonce + ciphertext
    return hmac.new(_derived_key("mac"), message, hashlib.sha256).digest()[:16]

def old_seal(secret, user_id):
    nonce = secrets.token_bytes(16)
    plain = secret.encode("ascii")
    ciphertext = bytes(a ^ b for a, b in zip(plain, _key_stream(nonce, len(plain)), strict=True))
    blob = nonce + ciphertext + _tag(user_id, nonce, ciphertext)
    return "v1." + base64.urlsafe_b64encode(blob).decode()
"""

BEFORE = (
    OLD_SEAL
    + """
import asyncio, datetime as dt, json
from piccolo.apps.migrations.commands.forwards import run_forwards
from safety.accounts.service import NewUser, create_user
from safety.actors import SYSTEM
from safety.tables import UserTotp

async def main():
    # The schema as it stood just before the reseal: safety up to its migration before
    # it, the other apps complete (none depends on the reseal).
    upto = {"safety": "2026-11-27T13:23:55:953957"}
    for app in ("safety", "inspections", "rectification"):
        result = await run_forwards(app_name=app, migration_id=upto.get(app, "all"))
        assert result.success, result.message
    users = {}
    for name in ("enrolled", "pending", "copied"):
        data = NewUser(username=name, password="Passw0rd!x", role="admin", display_name=name)
        users[name] = (await create_user(SYSTEM, data))["id"]
    secrets_ = {
        "enrolled": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
        "pending": "KRSXG5CTMVRXEZLUKN2XAZLSKNSW4Y3S",
    }
    now = dt.datetime.now(dt.UTC)
    await UserTotp.insert(
        UserTotp(user=users["enrolled"], secret=old_seal(secrets_["enrolled"], users["enrolled"]),
                 confirmed_at=now, last_timestep=0),
        UserTotp(user=users["pending"],
                 pending_secret=old_seal(secrets_["pending"], users["pending"])),
        # another user's sealed secret copied into this row: it never opened here
        UserTotp(user=users["copied"], secret=old_seal(secrets_["enrolled"], users["enrolled"]),
                 confirmed_at=now),
    ).run()
    rows = await UserTotp.select(UserTotp.user, UserTotp.secret).run()
    print(json.dumps({"users": users, "secrets": secrets_, "rows": rows}))

asyncio.run(main())
"""
)

AFTER = """
import asyncio, json
import pyotp
from litestar.testing import TestClient
from safety.accounts import totp
from safety.app import create_app
from safety.tables import UserTotp

async def rows():
    found = await UserTotp.select(UserTotp.user, UserTotp.secret, UserTotp.pending_secret).run()
    return {r["user"]: r for r in found}

before = json.loads(USERS)
by_user = asyncio.run(rows())
enrolled, pending, copied = (before["users"][k] for k in ("enrolled", "pending", "copied"))
out = {
    "prefixes": {
        "enrolled": by_user[enrolled]["secret"][:3],
        "pending": by_user[pending]["pending_secret"][:3],
        "copied": by_user[copied]["secret"][:3],
    },
    "copied_unchanged": by_user[copied]["secret"] == [
        r["secret"] for r in before["rows"] if r["user"] == copied
    ][0],
    "enrolled_opens": totp.unseal(by_user[enrolled]["secret"], enrolled),
    "pending_opens": totp.unseal(by_user[pending]["pending_secret"], pending),
    "enrolled_for_another": totp.unseal(by_user[enrolled]["secret"], pending),
}
with TestClient(app=create_app()) as client:
    body = {"username": "enrolled", "password": "Passw0rd!x"}
    out["without_code"] = client.post("/api/v1/auth/token", json=body).status_code
    body["otp"] = pyotp.TOTP(before["secrets"]["enrolled"]).now()
    out["with_code"] = client.post("/api/v1/auth/token", json=body).status_code
print(json.dumps(out))
"""


async def test_old_sealed_secrets_open_after_the_migration_and_the_user_logs_in():
    async with fresh_database() as url:
        before = await python(BEFORE, url)
        assert before.code == 0, before
        seeded = json.loads(before.out.strip().splitlines()[-1])
        assert {r["secret"][:3] for r in seeded["rows"] if r["secret"]} == {"v1."}

        migrated = await cli("migrate", url=url)
        assert migrated.code == 0, migrated
        assert "does not open" in migrated.err  # the copied row, named by its user id

        seed = json.dumps(before.out.strip().splitlines()[-1])
        after = await python(f"USERS = {seed}" + AFTER, url)
        assert after.code == 0, after
        out = json.loads(after.out.strip().splitlines()[-1])
        assert out["prefixes"] == {"enrolled": "v2.", "pending": "v2.", "copied": "v1."}
        assert out["copied_unchanged"]
        assert out["enrolled_opens"] == seeded["secrets"]["enrolled"]
        assert out["pending_opens"] == seeded["secrets"]["pending"]
        assert out["enrolled_for_another"] is None
        assert out["without_code"] == 401 and out["with_code"] == 200

        again = await cli("migrate", url=url)
        assert again.code == 0, again
