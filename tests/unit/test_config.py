"""Configuration fails loudly: unknown names, missing files and bad values stop start-up
with one line naming the variable (and the nearest valid name)."""

from __future__ import annotations

from pathlib import Path

import pytest

from orderbridge.config import DEV_SECRET_KEY, ConfigError, check_environment, load_settings

CLEAN = [
    "ORDERBRIDGE_DATABASE_URL",
    "ORDERBRIDGE_SECRET_KEY",
    "ORDERBRIDGE_CONFIG",
    "ORDERBRIDGE_WORKER_CONCURRENCY",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CLEAN:
        monkeypatch.delenv(name, raising=False)


def test_defaults_work_out_of_the_box() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///./orderbridge.db"
    assert settings.uses_development_key
    assert settings.secret_key.get_secret_value() == DEV_SECRET_KEY


@pytest.mark.parametrize(
    ("name", "nearest"),
    [
        ("ORDERBRIDGE_DATABSE_URL", "ORDERBRIDGE_DATABASE_URL"),
        ("ORDERBRIDGE_SECRETKEY", "ORDERBRIDGE_SECRET_KEY"),
        ("ORDERBRIDGE_WORKERS", None),
    ],
)
def test_an_unknown_variable_stops_start_up(name: str, nearest: str | None) -> None:
    with pytest.raises(ConfigError) as refused:
        check_environment({name: "x", "PATH": "/bin"})
    message = str(refused.value)
    assert message.startswith(f"unknown setting {name}")
    if nearest:
        assert message.endswith(f"did you mean {nearest}?")


def test_the_config_path_test_and_tool_variables_are_not_settings() -> None:
    check_environment(
        {
            "ORDERBRIDGE_CONFIG": "/etc/orderbridge.toml",
            "ORDERBRIDGE_TEST_POSTGRES_URL": "postgresql+psycopg://x@y/z",
            "ORDERBRIDGE_TEST_ANYTHING": "1",
            "ORDERBRIDGE_HEALTHCHECK_URL": "http://127.0.0.1:9100/metrics",
            "ORDERBRIDGE_IMAGE": "localhost/orderbridge:latest",
            "ORDERBRIDGE_PORT": "8000",
            "ORDERBRIDGE_DATABASE_URL": "sqlite:///x.db",
            "OTHER_APP_DATABSE_URL": "ignored",
        }
    )


def test_a_misspelt_variable_in_the_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERBRIDGE_DATABSE_URL", "postgresql+psycopg://db/orderbridge")
    with pytest.raises(ConfigError, match="did you mean ORDERBRIDGE_DATABASE_URL"):
        load_settings()


def test_a_missing_config_file_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ORDERBRIDGE_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.raises(ConfigError, match="which is not a file"):
        load_settings()


def test_the_config_file_is_read_and_checked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "orderbridge.toml"
    monkeypatch.setenv("ORDERBRIDGE_CONFIG", str(path))
    path.write_text('database_url = "sqlite:///from-toml.db"\nworker_concurrency = 2\n')
    settings = load_settings()
    assert (settings.database_url, settings.worker_concurrency) == ("sqlite:///from-toml.db", 2)
    monkeypatch.setenv("ORDERBRIDGE_WORKER_CONCURRENCY", "3")  # the environment wins
    assert load_settings().worker_concurrency == 3
    path.write_text('databse_url = "x"\n')
    with pytest.raises(
        ConfigError, match="unknown setting 'databse_url'; did you mean database_url"
    ):
        load_settings()
    path.write_text("database_url = \n")
    with pytest.raises(ConfigError, match="not a readable TOML file"):
        load_settings()


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("ORDERBRIDGE_WORKER_CONCURRENCY", "four", "ORDERBRIDGE_WORKER_CONCURRENCY"),
        ("ORDERBRIDGE_DATABASE_URL", "orderbridge.db", "not a database URL"),
        ("ORDERBRIDGE_DATABASE_URL", "mysql://db/orderbridge", "mysql is not supported"),
    ],
)
def test_a_bad_value_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, says: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as refused:
        load_settings()
    message = str(refused.value)
    assert says in message and "\n" not in message
    assert value not in message or value == "four"
