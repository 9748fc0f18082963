"""Configuration: environment variables (``ORDERBRIDGE_*``) or a TOML file.

Every credential is a ``SecretStr`` so that it never shows in a repr or a log line.
Defaults work out of the box on one machine: SQLite in the working directory and a
development secret key (which ``orderbridge serve`` refuses outside ``--dev``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEV_SECRET_KEY = "orderbridge-development-key-not-for-production"  # noqa: S105 (public demo value)


class Settings(BaseSettings):
    """The hub's settings. Environment wins over the TOML file, which wins over defaults."""

    model_config = SettingsConfigDict(env_prefix="ORDERBRIDGE_", extra="ignore")

    database_url: str = "sqlite:///./orderbridge.db"
    secret_key: SecretStr = SecretStr(DEV_SECRET_KEY)
    # Older keys stay readable during a rotation; new data is encrypted with secret_key.
    old_secret_keys: list[SecretStr] = Field(default_factory=list)
    base_url: str = "http://127.0.0.1:8000"
    log_level: str = "INFO"
    log_json: bool = False
    # One line per HTTP request (method, path without its query, route, status, time,
    # request id) at INFO.
    access_log: bool = True
    # Lets webhook endpoints and POS URLs point at loopback/private addresses. For local
    # development and the demo only: production keeps the SSRF guard closed.
    allow_private_urls: bool = False
    worker_concurrency: int = 4
    # Threads serving the API's sync routes; unset: 8 on SQLite (one writer at a time
    # anyway), anyio's default of 40 on PostgreSQL.
    api_threads: int | None = Field(None, ge=1)
    lease_seconds: float = 30.0
    poll_interval_seconds: float = 0.2
    reconcile_interval_seconds: float = 60.0
    # How often every location's whole menu is re-imported from its POS, catching any
    # change whose webhook was lost (webhooks refresh single items within seconds).
    menu_reconcile_interval_seconds: float = Field(900.0, gt=0)
    # Housekeeping (an hourly job): processed inbox events are kept this many days (at
    # least 7, longer than any sender retries, so late repeats are still recognised),
    # succeeded outbox jobs and their attempt rows this many days (dead ones stay until
    # an operator retries them).
    inbox_retention_days: float = Field(14.0, ge=7)
    job_retention_days: float = Field(14.0, gt=0)
    housekeeping_interval_seconds: float = Field(3600.0, gt=0)
    http_timeout_seconds: float = 10.0
    # Marketplace mode: the deployment's own Poster application, installed by restaurants
    # through OAuth (``/connect/poster``). Unset, only personal-token connections exist.
    poster_application_id: int | None = None
    poster_application_secret: SecretStr | None = None
    poster_base_url: str = "https://joinposter.com"
    # Where Poster sends the browser back; default ``{base_url}/connect/poster/callback``.
    # Must equal the redirect URI registered in the application's settings at Poster.
    poster_redirect_uri: str | None = None
    # How long one Poster API call may take, for connections that do not set their own.
    poster_timeout_seconds: float = Field(10.0, gt=0, le=120)
    # The outbox retry schedule (messaging/retry.py documents what the defaults give).
    retry_base_seconds: float = Field(5.0, ge=0)
    retry_cap_seconds: float = Field(900.0, ge=0)
    retry_max_attempts: int = Field(12, ge=1)
    # Per connection and worker: calls per second to the POS (Poster answers error 700
    # when called too often, and publishes no figure; 700 is retried as transient), and
    # the circuit breaker (messaging/breaker.py). Jobs that carry a connection but seldom
    # call it (stored webhooks) take no token, so a busy restaurant's 100 orders per
    # second (one createIncomingOrder each) pass unthrottled; lower it per deployment.
    pos_rate_per_second: float = Field(100.0, gt=0)
    pos_rate_burst: int = Field(100, ge=1)
    breaker_failure_threshold: int = Field(5, ge=1)
    breaker_cooldown_seconds: float = Field(30.0, ge=0)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        toml_path = os.environ.get("ORDERBRIDGE_CONFIG")
        if toml_path:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(toml_path)))
        return tuple(sources)


def load_settings(**overrides: Any) -> Settings:
    """Build settings from the environment, the TOML file it names, and explicit overrides."""
    return Settings(**overrides)
