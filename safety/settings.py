"""Settings from the environment (pydantic-settings).

Every knob a deployment may turn lives here, with the default a street office would want.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SAFETY_", extra="ignore")

    # DATABASE_URL is the conventional name, so it is read without the SAFETY_ prefix.
    # Secrets (the URL may hold a password, the key signs everything, the webhook URL
    # carries the robot's key) are ``SecretStr``: repr/str/logs show ``**********``; a use
    # reads ``.get_secret_value()`` (the database URL: ``resolved_database_url``).
    database_url: SecretStr | None = Field(default=None, validation_alias="DATABASE_URL")
    data_dir: Path = Path("./var")
    # Signs tokens, CSRF cookies and the audit chain. Unset: a random key is made on first
    # start and kept in ``<data_dir>/secret_key`` (never a key published in the source,
    # with which anyone could sign an admin's token).
    secret_key: SecretStr = SecretStr("")
    timezone: str = "Asia/Shanghai"
    base_url: str = "http://127.0.0.1:8000"

    # Password policy (等保 2.0 level-3 profile by default).
    password_min_length: int = 8
    password_min_classes: int = 3
    # argon2id cost (argon2-cffi's recommended defaults). Lower them only for tests: the
    # suite sets time 1 / 1 MiB so hundreds of users hash in milliseconds. Hashes made with
    # other parameters still verify (argon2 records its parameters in the hash).
    password_hash_time_cost: int = 3
    password_hash_memory_kib: int = 65536
    password_hash_parallelism: int = 4

    # Tokens and sessions.
    token_ttl_seconds: int = 8 * 3600
    session_idle_minutes: int = 15
    session_absolute_hours: int = 12
    # Secure cookies and HSTS; unset, they follow base_url (on when it is https://).
    secure_cookies: bool | None = None
    # The reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed: IPs or
    # CIDRs, comma separated (docs/ops/deploy.md); uvicorn applies it (``safety serve``).
    # From any other peer those headers are ignored: the client address is the peer's.
    trusted_proxies: str = Field(default="127.0.0.1,::1", max_length=2000)

    @field_validator("trusted_proxies")
    @classmethod
    def _trusted_proxies(cls, value: str) -> str:
        """Each entry an IP address or a network, written canonically (``10.0.0.1/24`` is
        ``10.0.0.0/24``); ``*`` (trust anyone) and host names are refused."""
        import ipaddress

        entries = []
        for entry in filter(None, (e.strip() for e in value.split(","))):
            try:
                ip = ipaddress.ip_network(entry, strict=False) if "/" in entry else None
                entries.append(str(ip or ipaddress.ip_address(entry)))
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or network") from None
        if not entries:
            raise ValueError("name at least one proxy address, e.g. 127.0.0.1")
        return ",".join(entries)

    # Brute force protection.
    login_max_failures: int = 5
    login_failure_window_minutes: int = 15
    login_lock_minutes: int = 5

    # Two-factor login (TOTP): the roles that must use it, comma separated (e.g.
    # "admin,officer"). Empty (the default): optional for everyone. A user of such a role
    # who has not enrolled is sent to enrolment at page login and gets no API token.
    totp_required_roles: str = ""

    # Uploads (safety.files.store): the largest file accepted, the most pixels an image may
    # decode to (a decompression bomb is refused from its header, before decoding), whether
    # the stored original keeps its GPS position, and how many images are processed at once.
    max_upload_bytes: int = 15 * 1024 * 1024
    # JSON bodies have their own, smaller cap (safety.bodies): the API's JSON is form-sized,
    # and every byte of it is scanned and decoded in the request.
    max_json_bytes: int = 256 * 1024
    max_image_pixels: int = 50_000_000
    # Decoding budget (safety.files.images): width × height × bytes per pixel as decoded, checked
    # from the header; a 16-bit or huge PNG under the pixel cap costs seconds otherwise.
    max_image_decode_mb: int = Field(default=64, ge=8, le=2048)
    # Photos one hazard may hold (every path that adds one: docs/ops/limits.md).
    max_photos_per_hazard: int = Field(default=12, ge=1, le=50)
    keep_gps: bool = False
    image_workers: int = 2
    # Spreadsheet imports (safety.sheets.guard): parsed in worker processes, within caps.
    sheet_workers: int = Field(default=2, ge=1, le=32)  # per server process
    sheet_parse_seconds: float = Field(default=30.0, gt=0)
    sheet_worker_memory_mb: int = Field(default=1024, ge=0)  # address space; 0 = no limit
    # Workers yield the CPU to the servers' requests (the time limit is CPU time: still fair).
    sheet_worker_nice: int = Field(default=10, ge=0, le=19)
    sheet_max_rows: int = Field(default=20_000, ge=1)
    sheet_max_cells: int = Field(default=500_000, ge=1)
    sheet_max_shared_strings: int = Field(default=200_000, ge=1)
    sheet_max_unpacked_mb: int = Field(default=200, ge=1)

    # The enterprise's home (``rectification.home``): a self-inspection is due when its
    # last submitted one is older than this many days, or there is none.
    self_inspect_days: int = Field(default=30, ge=1, le=366)

    # Reminders (``safety remind``) and their delivery. Without SMTP or a webhook only the
    # in-app bell is used.
    remind_due_days: int = 3  # hazards due within this many days
    remind_verify_days: int = 2  # submissions waiting longer than this for verification
    smtp_host: str = ""
    # Unset: 465 for implicit TLS, else 25 (what it always was, STARTTLS included).
    smtp_port: int | None = Field(default=None, ge=1, le=65535)
    smtp_from: str = "safety@localhost"
    # How the connection is protected (``smtp_mode`` resolves it): "none" (plain), "starttls"
    # (upgrade after connecting), "tls" (implicit TLS from the first byte, usually port 465).
    # Unset: follows the older boolean ``smtp_starttls``. Certificates are verified against
    # the system's CAs, or only those in ``smtp_ca_file`` (a mail server with its own CA).
    smtp_security: Literal["none", "starttls", "tls"] | None = None
    smtp_starttls: bool = False
    smtp_ca_file: str = ""
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_timeout_seconds: float = 10
    smtp_retries: int = 2
    # a WeCom/DingTalk group robot's URL (it carries its key: a secret)
    webhook_url: SecretStr = SecretStr("")
    webhook_timeout_seconds: float = 5
    webhook_retries: int = 2

    # Backups (``safety backup DEST``): how many backups under DEST are kept (the newest).
    backup_keep: int = Field(default=7, ge=1, le=1000)

    # Grid patrol (网格巡查): reports left untriaged longer than this go into the
    # officer's reminder digest.
    patrol_untriaged_days: int = Field(default=2, ge=0, le=365)

    # Logging (safety.logs; docs/ops/logging.md): human-readable lines or JSON lines on
    # stderr (journald under systemd), the least level written, one access line per request.
    log_format: Literal["human", "json"] = "human"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    access_log: bool = True  # "on"/"off", "true"/"false", "1"/"0"

    # PostgreSQL pool.
    pg_pool_min: int = 1
    pg_pool_max: int = 10
    # Outages (safety.outages): the Retry-After of a 503 when the database cannot be
    # reached, the disk is full or the data directory is read-only.
    outage_retry_seconds: int = Field(default=30, ge=1, le=3600)

    # Printed documents (safety.reports): the system CJK font (unset: found through
    # fontconfig / the usual paths), where the pre-subset fonts are kept (unset:
    # <data_dir>/fonts), how many documents render at once (worker processes).
    pdf_font: str = ""
    pdf_font_bold: str = ""
    pdf_font_dir: str = ""
    pdf_workers: int = Field(default=2, ge=1, le=16)
    pdf_worker_nice: int = Field(default=5, ge=0, le=19)
    # Risk grading (inspections.risk): the colour bands of LEC (D) and LS (R) scores, each
    # boundary inclusive (>=) or not (>), and the suggested inspection frequency in months
    # per colour (none = 未评估). Local rules differ, hence settings.
    risk_lec_bands: str = "red>320,orange>=160,yellow>=70"
    risk_ls_bands: str = "red>=20,orange>=9,yellow>=4"
    risk_inspect_months: str = "red=1,orange=3,yellow=6,blue=12,none=3"

    # 企业自查: rectification days of a self-inspection's hazards (no campaign sets them).
    self_general_deadline_days: int = Field(default=15, ge=1, le=3650)
    self_major_deadline_days: int = Field(default=60, ge=1, le=3650)

    # Evidence (整改反馈) by level (rectification.rules.evidence_problems): how many
    # after-photos a submission needs. A major hazard always needs at least one; a general
    # one may be set to 0 (a description and a date then suffice). 立行立改 hazards are
    # closed at the inspection with their own after-photo and never submit evidence.
    evidence_major_min_photos: int = Field(default=1, ge=1, le=20)
    evidence_general_min_photos: int = Field(default=1, ge=0, le=20)
    # 会签: when on, a major hazard passed by an inspector stays 待验收 (marked 待会签)
    # until an officer passes it too; off (the default), the inspector's pass closes it.
    major_countersign: bool = False

    @field_validator("log_format", mode="before")
    @classmethod
    def _format_any_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_any_case(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("smtp_security", mode="before")
    @classmethod
    def _security_any_case(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip().lower() or None
        return value

    @field_validator("smtp_ca_file")
    @classmethod
    def _ca_file_readable(cls, value: str) -> str:
        """Checked at start: a typo would otherwise surface only as failed deliveries."""
        if value and not (os.path.isfile(value) and os.access(value, os.R_OK)):
            raise ValueError(f"SAFETY_SMTP_CA_FILE {value!r} is not a readable file")
        return value

    @model_validator(mode="after")
    def _smtp_security_agrees(self) -> Settings:
        if self.smtp_starttls and self.smtp_security not in (None, "starttls"):
            raise ValueError(
                f"SAFETY_SMTP_STARTTLS=true contradicts SAFETY_SMTP_SECURITY={self.smtp_security}:"
                " set only SAFETY_SMTP_SECURITY"
            )
        return self

    @property
    def smtp_mode(self) -> Literal["none", "starttls", "tls"]:
        """``smtp_security``, else what the older ``smtp_starttls`` says."""
        if self.smtp_security is not None:
            return self.smtp_security
        return "starttls" if self.smtp_starttls else "none"

    @property
    def smtp_resolved_port(self) -> int:
        if self.smtp_port is not None:
            return self.smtp_port
        return 465 if self.smtp_mode == "tls" else 25

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        """An IANA zone the system knows, checked at start: every local day (deadlines,
        figures) depends on it, and a typo would otherwise fail on the first page."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (an IANA name such as Asia/Shanghai)"
            ) from None
        return value

    @model_validator(mode="after")
    def _secure_cookies(self) -> Settings:
        if self.secure_cookies is None:
            self.secure_cookies = self.base_url.lower().startswith("https://")
        return self

    @model_validator(mode="after")
    def _secret_key(self) -> Settings:
        key = self.secret_key.get_secret_value()
        if not key:
            self.secret_key = SecretStr(load_or_create_secret(self.data_dir / "secret_key"))
        elif key in KNOWN_INSECURE_KEYS or len(key) < 32:
            raise ValueError(
                "SAFETY_SECRET_KEY is a published or short key: set a long random secret, "
                "or unset it to have one generated in the data directory"
            )
        return self

    @model_validator(mode="after")
    def _totp_roles(self) -> Settings:
        known = {"admin", "officer", "inspector", "enterprise"}
        unknown = self.totp_required_role_set - known
        if unknown:
            raise ValueError(
                f"SAFETY_TOTP_REQUIRED_ROLES names unknown roles: {', '.join(sorted(unknown))}"
            )
        return self

    @property
    def totp_required_role_set(self) -> frozenset[str]:
        return frozenset(r.strip() for r in self.totp_required_roles.split(",") if r.strip())

    @property
    def resolved_database_url(self) -> str:
        if self.database_url is not None and self.database_url.get_secret_value():
            return self.database_url.get_secret_value()
        return f"sqlite:///{(self.data_dir / 'safety.sqlite3').resolve()}"


KNOWN_INSECURE_KEYS = {"dev-insecure-secret-change-me", "a long random secret", "changeme"}


def load_or_create_secret(path: Path) -> str:
    """The key kept in ``path``; made (256 random bits, owner-only file) when missing.
    Safe when several workers start at once: one creates the file, the others read it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another worker may be writing it right now
            key = path.read_text(encoding="ascii").strip()
            if key:
                return key
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty: delete it or set SAFETY_SECRET_KEY") from None
    key = secrets.token_urlsafe(32)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key + "\n")
    return key


def describe_settings_error(exc: ValidationError) -> str:
    """One line naming each bad setting by its environment variable, e.g.
    ``SAFETY_TIMEZONE: unknown time zone 'Mars/Base' …``: what the CLI prints instead of a
    traceback when the configuration is refused."""
    parts = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        field = str(error["loc"][0]) if error["loc"] else ""
        if field in Settings.model_fields:
            alias = Settings.model_fields[field].validation_alias
            name = alias if isinstance(alias, str) else f"SAFETY_{field.upper()}"
            message = f"{name}: {message}"
        parts.append(message)
    return "settings error: " + "; ".join(parts)


@lru_cache
def get_settings() -> Settings:
    return Settings()


def local_today(now: dt.datetime | None = None) -> dt.date:
    """Today in the configured time zone (SAFETY_TIMEZONE), not the server's: the day
    boundary for deadlines, figures and dated file names. ``now`` (an aware instant)
    defaults to the current time."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(get_settings().timezone)
    return (now.astimezone(zone) if now else dt.datetime.now(zone)).date()


def local_midnight(day: dt.date) -> dt.datetime:
    """The instant ``day`` begins in the configured time zone (aware): the bound of a
    "from day" / "to day" filter over timestamps. The one place local days become
    instants (filters, figures, the audit trail's dates, reminders)."""
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, dt.time(), ZoneInfo(get_settings().timezone))


def local_clock(value: dt.datetime) -> str:
    """``YYYY-MM-DD HH:MM`` of an instant in the configured time zone (a naive value is
    UTC, as SQLite hands timestamps back): how pages and documents show a time."""
    from zoneinfo import ZoneInfo

    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(ZoneInfo(get_settings().timezone)).strftime("%Y-%m-%d %H:%M")
