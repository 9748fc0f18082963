"""Configuration: environment variables (``ORDERBRIDGE_*``) or a TOML file.

Every credential is a ``SecretStr`` so that it never shows in a repr or a log line.
Defaults work out of the box on one machine: SQLite in the working directory and a
development secret key (which ``orderbridge serve`` and ``worker`` refuse outside
``--dev``).

Configuration fails loudly (:func:`load_settings` raises :class:`ConfigError`, one
line for the operator):

* an ``ORDERBRIDGE_*`` environment variable that names no setting stops start-up,
  naming the nearest setting (``ORDERBRIDGE_DATABSE_URL`` → did you mean
  ``ORDERBRIDGE_DATABASE_URL``?), so a misspelt name never silently leaves a default
  in place. Three kinds of names are not settings and are let through:
  ``ORDERBRIDGE_CONFIG`` (the TOML file's path); anything starting
  ``ORDERBRIDGE_TEST_``, reserved for the test suite (``ORDERBRIDGE_TEST_POSTGRES_URL``)
  and never read by the hub; and the few names of the tools around it
  (:data:`TOOL_VARIABLES`: the container's health check, compose's image and port, the
  container script's cache), which an operator may export in the same shell or set in
  the same container;
* ``ORDERBRIDGE_CONFIG`` naming a file that does not exist, a file that is not TOML,
  or a key in it that names no setting, is an error too;
* a value of the wrong shape (``ORDERBRIDGE_WORKER_CONCURRENCY=four``, a database URL
  that is not one) names the variable.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEV_SECRET_KEY = "orderbridge-development-key-not-for-production"  # noqa: S105 (public demo value)
# How the example configurations (deploy/systemd/orderbridge.env) mark the secret key
# to replace: a key starting so is as public as the development one.
PLACEHOLDER_PREFIX = "CHANGE-ME"
PREFIX = "ORDERBRIDGE_"
CONFIG_VARIABLE = "ORDERBRIDGE_CONFIG"
TEST_PREFIX = "ORDERBRIDGE_TEST_"
# Read by the tools around the hub, never by it: ``python -m orderbridge.healthcheck``
# (the image's HEALTHCHECK), compose.yaml's interpolation, scripts/container.sh.
TOOL_VARIABLES = frozenset(
    {
        "ORDERBRIDGE_HEALTHCHECK_URL",
        "ORDERBRIDGE_IMAGE",
        "ORDERBRIDGE_PORT",
        "ORDERBRIDGE_CACHE",
    }
)
DATABASES = ("sqlite", "postgresql")


class ConfigError(Exception):
    """A configuration the hub cannot start with; the message is one line to show."""


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
    # Jobs a worker runs at once. A try spends most of its time waiting on the POS (50-300
    # ms over the internet), so a worker forwards at most concurrency / call time orders
    # per second: 64 at 150 ms is ~400/s, 16 ~100/s, 4 only ~27/s. The claims, reads and
    # settles are shared by the tries that start and end together, so more slots also
    # cost less CPU per order. On the sandbox at 400 orders/s, 4 fell behind by half a
    # minute; on a loaded machine 16 drained seconds behind where 64 held; at 800/s 64
    # spent 1.25 ms per order against 16's 1.69 (docs/benchmarks.md, "round 6"). Slots
    # also bound a worker's concurrent menu imports and channel deliveries.
    worker_concurrency: int = Field(64, ge=1)
    # Threads serving the API's sync routes; unset: 8 on SQLite (one writer at a time
    # anyway), anyio's default of 40 on PostgreSQL.
    api_threads: int | None = Field(None, ge=1)
    lease_seconds: float = 30.0
    poll_interval_seconds: float = 0.2
    # A steady trickle of jobs waits up to this long to be claimed together (one claim,
    # read and settle for several, instead of each alone); 0 claims each job at once.
    # A job after a quiet spell, a backlog and a fast stream are claimed without
    # waiting. 20 ms cut serve's CPU per order by 1-2 ms at 50-200/s; 50 ms let serve
    # fall behind at 200/s on a loaded machine (docs/benchmarks.md, "round 4, worker2").
    worker_gather_seconds: float = Field(0.02, ge=0, le=1)
    # Burst priority (messaging/pressure.py): while this many orders or more wait for
    # their 201 in this process, its worker keeps at most worker_burst_slots jobs
    # running, for at most worker_burst_longest_seconds at a time (then as long at full
    # speed). The queue is durable: the burst is acknowledged first and forwarded
    # right after. 0 turns it off; a separate ``orderbridge worker`` never defers.
    worker_burst_in_flight: int = Field(64, ge=0)
    worker_burst_slots: int = Field(2, ge=1)
    worker_burst_longest_seconds: float = Field(5.0, gt=0, le=60)
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
    # Per API key: requests per second on average and at once (a token bucket, shared by
    # the API processes on PostgreSQL); past it, 429 with Retry-After. 0: no limit.
    rate_limit_per_second: float = Field(100.0, ge=0)
    rate_limit_burst: int = Field(200, ge=1)
    # The breaker opens when, among a connection's calls of the last
    # ``breaker_window_seconds`` (at least ``breaker_minimum_calls`` of them), the share
    # of transient failures reaches ``breaker_failure_rate``; after the cool-down,
    # ``breaker_half_open_calls`` trial calls decide by the same share.
    # 0.8, not the usual 0.5: a POS failing half its calls still takes every order within
    # a retry or two, and a breaker that opens on it stops them all (bench/pos_faults.py).
    breaker_failure_rate: float = Field(0.8, gt=0, le=1)
    breaker_minimum_calls: int = Field(10, ge=1)
    breaker_window_seconds: float = Field(60.0, ge=1)
    breaker_half_open_calls: int = Field(3, ge=1)
    breaker_cooldown_seconds: float = Field(30.0, ge=0)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                "not a database URL (sqlite:///path.db or postgresql+psycopg://user@host/db)"
            ) from None
        if url.get_backend_name() not in DATABASES:
            raise ValueError(f"{url.get_backend_name()} is not supported: use sqlite or postgresql")
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_key(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("empty: set a key of your own (e.g. `openssl rand -hex 32`)")
        return value

    @property
    def uses_development_key(self) -> bool:
        """True while the secret key is the public development one."""
        return self.secret_key.get_secret_value() == DEV_SECRET_KEY

    @property
    def uses_placeholder_key(self) -> bool:
        """True while the secret key is an example configuration's ``CHANGE-ME…``."""
        return self.secret_key.get_secret_value().startswith(PLACEHOLDER_PREFIX)

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
    """Build settings from the environment, the TOML file it names, and explicit
    overrides; :class:`ConfigError` for anything unknown, missing or malformed."""
    check_environment(os.environ)
    path = os.environ.get(CONFIG_VARIABLE)
    if path:
        check_config_file(Path(path))
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise ConfigError(_first_problem(error)) from None


def check_environment(environ: Mapping[str, str]) -> None:
    """Refuse an ``ORDERBRIDGE_*`` variable that names no setting (see the module)."""
    known = {PREFIX + name.upper() for name in Settings.model_fields}
    for variable in sorted(environ):
        name = variable.upper()
        if not name.startswith(PREFIX) or name == CONFIG_VARIABLE:
            continue
        if name.startswith(TEST_PREFIX) or name in known or name in TOOL_VARIABLES:
            continue
        raise ConfigError(f"unknown setting {variable}{_nearest(name, known)}")


def check_config_file(path: Path) -> None:
    """The TOML file exists, parses, and names only settings."""
    if not path.is_file():
        raise ConfigError(f"{CONFIG_VARIABLE} names {path}, which is not a file")
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path} is not a readable TOML file: {error}") from None
    known = set(Settings.model_fields)
    for key in document:
        if key not in known:
            raise ConfigError(f"{path}: unknown setting {key!r}{_nearest(key, known)}")


def _nearest(name: str, known: set[str]) -> str:
    near = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean {near[0]}?" if near else ""


def _first_problem(error: ValidationError) -> str:
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "?"
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"invalid setting {PREFIX}{field.upper()} ({field}): {message}"
