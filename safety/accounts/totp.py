"""TOTP second factor, the parts without I/O: codes, secrets at rest, recovery codes, QR.

- Codes: RFC 6238 (pyotp), 6 digits, 30 s steps, one step of clock drift either way.
  ``matching_step`` returns the time step a code belongs to; the caller keeps the last
  step accepted and refuses a step not newer than it, so a code (even one seen over a
  shoulder) works once.
- Secrets at rest are sealed with AES-256-GCM (``cryptography``'s AESGCM): a fresh
  96-bit random nonce per seal, the user id as associated data (a sealed secret copied to
  another user's row does not open), the key derived from the deployment's secret key
  with HKDF-SHA256 (no salt, info ``SEAL_INFO``). Stored text: ``v2.`` + URL-safe base64
  of nonce ‖ ciphertext ‖ 16-byte tag (83 characters for a 32-character secret); the
  prefix names the format, so a later one can be told apart and migrated. ``v1.`` was a
  home-made HMAC construction; migration 2026-12-08T00:10:00 reseals those rows and
  keeps the only copy of its code. A leaked database alone gives no usable secret;
  changing the secret key makes every enrolment unreadable (the admin resets them).
- Recovery codes: 10 per enrolment, 10 characters from a 31-letter alphabet without look-
  alikes (~49.5 bits each), shown once and stored as HMAC-SHA256(derived key, user id ‖
  code), the derived key being HMAC-SHA256(secret key, ``safety/totp/recovery``). A fast
  keyed hash is enough here (unlike passwords): the codes are random and high-entropy,
  so there is nothing for a slow hash to protect against dictionary attacks, and
  without the secret key the hashes cannot even be tested offline. Online guessing is
  bounded by the login lock-out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from safety.settings import get_settings

ISSUER = "安全生产双重预防"
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no i, l, o, 0, 1
RECOVERY_LENGTH = 10
SEALED_PREFIX = "v2."


# The HKDF info label of the sealing key: names its use and format, so the same secret key
# never yields the same bytes for another purpose (tokens, CSRF and the audit chain use it too).
SEAL_INFO = b"safety/totp/seal/aes-256-gcm/v2"
_NONCE_BYTES = 12  # 96 bits, GCM's native nonce size
_TAG_BYTES = 16


def _secret_key() -> bytes:
    return get_settings().secret_key.get_secret_value().encode()


def _seal_key() -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=SEAL_INFO)
    return AESGCM(key.derive(_secret_key()))


def _associated_data(user_id: int) -> bytes:
    return f"user_totp.user={user_id}".encode()


def _recovery_key() -> bytes:
    # HMAC-derived as it always was, not HKDF: the stored recovery hashes were made with
    # this key and, being one-way, cannot be recomputed under another one.
    return hmac.new(_secret_key(), b"safety/totp/recovery", hashlib.sha256).digest()


# ---------------------------------------------------------------- secrets


def new_secret() -> str:
    """160 random bits, base32 (what authenticator apps expect)."""
    return pyotp.random_base32()


def seal(secret: str, user_id: int) -> str:
    """The secret as stored in ``user_totp`` (encrypted and authenticated, bound to
    ``user_id``)."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = _seal_key().encrypt(nonce, secret.encode("ascii"), _associated_data(user_id))
    return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(sealed: str | None, user_id: int) -> str | None:
    """The secret, or None when missing, malformed, or sealed for another user or key."""
    if not sealed or not sealed.startswith(SEALED_PREFIX):
        return None
    try:
        blob = base64.urlsafe_b64decode(sealed[len(SEALED_PREFIX) :])
    except ValueError:
        return None
    if len(blob) <= _NONCE_BYTES + _TAG_BYTES:
        return None
    nonce, ciphertext = blob[:_NONCE_BYTES], blob[_NONCE_BYTES:]
    try:
        plain = _seal_key().decrypt(nonce, ciphertext, _associated_data(user_id))
    except InvalidTag:
        return None
    return plain.decode("ascii", errors="replace")


# ---------------------------------------------------------------- codes


def clean_code(raw: str | None) -> str:
    """What the user typed, without spaces and dashes, lower case (``123 456``,
    ``abcde-fghjk`` and ``ABCDE FGHJK`` all work)."""
    return "".join(ch for ch in (raw or "") if ch not in " -\t").lower()[:64]


def is_totp_shaped(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step (within the allowed drift) whose code is ``code``, else None."""
    if not is_totp_shaped(code):
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    step = current_step(now)
    found = None
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            found = candidate  # no early exit: the same work whatever matches
    return found


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(
        name=username, issuer_name=ISSUER
    )


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (no script, no external image)."""
    return segno.make(uri, error="m").svg_inline(scale=4, omitsize=True)


# ---------------------------------------------------------------- recovery codes


def new_recovery_codes() -> list[str]:
    """Ten fresh codes, shown as ``xxxxx-xxxxx``."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def is_recovery_shaped(code: str) -> bool:
    return len(code) == RECOVERY_LENGTH and all(ch in RECOVERY_ALPHABET for ch in code)


def recovery_hash(user_id: int, code: str) -> str:
    """The stored form of a recovery code (``code`` as cleaned by ``clean_code``)."""
    message = f"{user_id}:{code}".encode()
    return hmac.new(_recovery_key(), message, hashlib.sha256).hexdigest()
