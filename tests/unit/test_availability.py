"""``sql.availability``: outages told from bugs; one log line per change of state."""

from __future__ import annotations

import socket
import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import (
    DataError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from structlog.testing import capture_logs

from orderbridge.sql.availability import unavailable, watch_availability
from orderbridge.storage.db import make_engine


class _Dropped(Exception):
    """A driver error that closed its connection."""


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        (OperationalError("SELECT 1", {}, Exception("connection refused")), True),
        (InterfaceError("SELECT 1", {}, Exception("connection already closed")), True),
        (PoolTimeout("QueuePool limit of size 5 overflow 10 reached"), True),
        (DataError("SELECT 1", {}, _Dropped(), connection_invalidated=True), True),
        (DataError("SELECT 1", {}, Exception("value too long")), False),
        (IntegrityError("INSERT", {}, Exception("duplicate key")), False),
        (ProgrammingError("SELECT", {}, Exception("syntax error")), False),
        (OperationalError("BEGIN", {}, sqlite3.OperationalError("database is locked")), True),
        (OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x")), False),
        (RuntimeError("a bug"), False),
    ],
)
def test_outages_are_told_from_bugs(error: BaseException, outage: bool) -> None:
    assert unavailable(error) is outage


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once it is closed


def test_a_server_that_refuses_is_logged_once_however_often_it_is_asked() -> None:
    engine = make_engine(f"postgresql+psycopg://nobody@127.0.0.1:{_closed_port()}/none")
    watch = watch_availability(engine)
    assert watch_availability(engine) is watch and watch.up
    watch.came_back()  # the process had reached it before: this is an outage
    try:
        with capture_logs() as logs:
            for _ in range(3):
                with pytest.raises(OperationalError) as raised, engine.connect():
                    pass
                assert unavailable(raised.value)
        assert not watch.up
        assert [(e["event"], e["log_level"]) for e in logs] == [("database unavailable", "warning")]
        assert logs[0]["error"] == "OperationalError" and logs[0]["database"] == "postgresql"
    finally:
        engine.dispose()


def test_a_database_never_reached_is_left_to_the_start_up_error() -> None:
    """``serve`` on a wrong URL says so in its one-line error; the watch adds no line,
    neither while it fails nor when a later connection works."""
    engine = make_engine(f"postgresql+psycopg://nobody@127.0.0.1:{_closed_port()}/none")
    watch = watch_availability(engine)
    try:
        with capture_logs() as logs:
            with pytest.raises(OperationalError), engine.connect():
                pass
            assert not watch.up
            watch.came_back()
        assert watch.up and logs == []
    finally:
        engine.dispose()


def test_back_is_logged_once_at_the_first_connection_checked_out() -> None:
    engine = make_engine("sqlite://")
    watch = watch_availability(engine)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        with capture_logs() as logs:
            watch.went_down("OperationalError")
            watch.went_down("OperationalError")
            for _ in range(2):
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
        assert watch.up
        assert [e["event"] for e in logs] == ["database unavailable", "database back"]
        assert logs[1]["seconds_away"] >= 0
    finally:
        engine.dispose()


def test_a_wrong_query_is_no_outage() -> None:
    engine = make_engine("sqlite://")
    watch = watch_availability(engine)
    try:
        # sqlite3 calls a misspelt table "operational", like a locked file
        with (
            capture_logs() as logs,
            engine.connect() as conn,
            pytest.raises(OperationalError) as raised,
        ):
            conn.execute(text("SELECT * FROM no_such_table"))
        assert not unavailable(raised.value)
        assert watch.up and logs == []
    finally:
        engine.dispose()
