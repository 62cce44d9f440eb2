"""Settings from the environment (pydantic-settings).

Every knob a deployment may turn lives here, with the default a street office would want.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SAFETY_", extra="ignore")

    # DATABASE_URL is the conventional name, so it is read without the SAFETY_ prefix.
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    data_dir: Path = Path("./var")
    secret_key: str = "dev-insecure-secret-change-me"
    timezone: str = "Asia/Shanghai"
    base_url: str = "http://127.0.0.1:8000"

    # Password policy (等保 2.0 level-3 profile by default).
    password_min_length: int = 8
    password_min_classes: int = 3

    # Tokens and sessions.
    token_ttl_seconds: int = 8 * 3600
    session_idle_minutes: int = 15
    session_absolute_hours: int = 12
    secure_cookies: bool = False

    # Brute force protection.
    login_max_failures: int = 5
    login_failure_window_minutes: int = 15
    login_lock_minutes: int = 5

    # Uploads.
    max_upload_bytes: int = 15 * 1024 * 1024

    # PostgreSQL pool.
    pg_pool_min: int = 1
    pg_pool_max: int = 10

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'safety.sqlite3').resolve()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
