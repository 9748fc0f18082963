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
    # Lets webhook endpoints and POS URLs point at loopback/private addresses. For local
    # development and the demo only: production keeps the SSRF guard closed.
    allow_private_urls: bool = False
    worker_concurrency: int = 4
    lease_seconds: float = 30.0
    poll_interval_seconds: float = 0.2
    reconcile_interval_seconds: float = 60.0
    http_timeout_seconds: float = 10.0

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
