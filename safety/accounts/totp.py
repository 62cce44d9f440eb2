"""TOTP second factor, the parts without I/O: codes, secrets at rest, recovery codes, QR.

- Codes: RFC 6238 (pyotp), 6 digits, 30 s steps, one step of clock drift either way.
  ``matching_step`` returns the time step a code belongs to; the caller keeps the last
  step accepted and refuses a step not newer than it, so a code (even one seen over a
  shoulder) works once.
- Secrets at rest are sealed with keys derived from the deployment's secret key:
  HMAC-SHA256 as a pseudo-random function in counter mode (the key stream) with a random
  16-byte nonce, then HMAC-SHA256 over the user id, nonce and ciphertext (encrypt-then-MAC;
  the user id binds a sealed secret to its row, so it cannot be copied to another user).
  Only the standard library is needed. A leaked database alone gives no usable secret;
  changing the secret key makes every enrolment unreadable (the admin resets them).
- Recovery codes: 10 per enrolment, 10 characters from a 31-letter alphabet without look-
  alikes (~49.5 bits each), shown once and stored as HMAC-SHA256(derived key, user id ‖
  code). A fast keyed hash is enough here (unlike passwords): the codes are random and
  high-entropy, so there is nothing for a slow hash to protect against dictionary attacks,
  and without the secret key the hashes cannot even be tested offline. Online guessing
  is bounded by the login lock-out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

import pyotp
import segno

from safety.settings import get_settings

ISSUER = "安全生产双重预防"
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no i, l, o, 0, 1
RECOVERY_LENGTH = 10
_SEALED_PREFIX = "v1."


def _derived_key(purpose: str) -> bytes:
    secret = get_settings().secret_key.get_secret_value().encode()
    return hmac.new(secret, f"safety/totp/{purpose}".encode(), hashlib.sha256).digest()


# ---------------------------------------------------------------- secrets


def new_secret() -> str:
    """160 random bits, base32 (what authenticator apps expect)."""
    return pyotp.random_base32()


def _key_stream(nonce: bytes, length: int) -> bytes:
    key = _derived_key("enc")
    blocks = b"".join(
        hmac.new(key, nonce + i.to_bytes(4, "big"), hashlib.sha256).digest()
        for i in range((length + 31) // 32)
    )
    return blocks[:length]


def _tag(user_id: int, nonce: bytes, ciphertext: bytes) -> bytes:
    message = str(user_id).encode() + b"|" + nonce + ciphertext
    return hmac.new(_derived_key("mac"), message, hashlib.sha256).digest()[:16]


def seal(secret: str, user_id: int) -> str:
    """The secret as stored in ``user_totp`` (encrypted and authenticated)."""
    nonce = secrets.token_bytes(16)
    plain = secret.encode("ascii")
    ciphertext = bytes(a ^ b for a, b in zip(plain, _key_stream(nonce, len(plain)), strict=True))
    blob = nonce + ciphertext + _tag(user_id, nonce, ciphertext)
    return _SEALED_PREFIX + base64.urlsafe_b64encode(blob).decode("ascii")


def unseal(sealed: str | None, user_id: int) -> str | None:
    """The secret, or None when missing, malformed, or sealed for another user or key."""
    if not sealed or not sealed.startswith(_SEALED_PREFIX):
        return None
    try:
        blob = base64.urlsafe_b64decode(sealed[len(_SEALED_PREFIX) :])
    except ValueError:
        return None
    if len(blob) < 33:
        return None
    nonce, ciphertext, tag = blob[:16], blob[16:-16], blob[-16:]
    if not hmac.compare_digest(tag, _tag(user_id, nonce, ciphertext)):
        return None
    plain = bytes(
        a ^ b for a, b in zip(ciphertext, _key_stream(nonce, len(ciphertext)), strict=True)
    )
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
    return hmac.new(_derived_key("recovery"), message, hashlib.sha256).hexdigest()
