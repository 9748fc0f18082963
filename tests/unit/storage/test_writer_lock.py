"""SQLite write transactions of one process queue on a Python lock, readers do not."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from orderbridge.storage.db import make_engine, read_only, writer_lock


def _engine(path: Path, **kw: int) -> Engine:
    engine = make_engine(f"sqlite:///{path}", **kw)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS log (n INTEGER)"))
    return engine


def test_a_write_transaction_holds_the_files_writer_lock_until_commit(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "a.db")
    lock = writer_lock(str(tmp_path / "a.db"))
    with engine.connect() as conn:
        conn.begin()
        conn.execute(text("INSERT INTO log VALUES (1)"))
        assert lock.locked()
        conn.commit()
        assert not lock.locked()
    engine.dispose()


def test_rollback_and_close_give_the_lock_back(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "b.db")
    lock = writer_lock(str(tmp_path / "b.db"))
    with engine.connect() as conn:
        conn.begin()
        conn.rollback()
    assert not lock.locked()
    with engine.connect() as conn:
        conn.begin()
        assert lock.locked()
    # Leaving the block returns the connection to the pool, which rolls it back.
    assert not lock.locked()
    engine.dispose()


def test_readers_take_no_lock_and_run_beside_a_writer(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "c.db")
    with engine.connect() as writer:
        writer.begin()
        writer.execute(text("INSERT INTO log VALUES (1)"))
        with read_only(engine).connect() as reader:
            assert reader.execute(text("SELECT count(*) FROM log")).scalar() == 0
        writer.commit()
    engine.dispose()


def test_two_engines_on_one_file_share_the_lock_and_writers_take_turns(tmp_path: Path) -> None:
    first, second = _engine(tmp_path / "d.db"), _engine(tmp_path / "d.db")
    order: list[str] = []
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with first.begin() as conn:
            conn.execute(text("INSERT INTO log VALUES (1)"))
            order.append("first in")
            holding.set()
            release.wait()
            order.append("first out")

    def queue_behind() -> None:
        holding.wait()
        with second.begin() as conn:
            order.append("second in")
            conn.execute(text("INSERT INTO log VALUES (2)"))

    threads = [threading.Thread(target=hold), threading.Thread(target=queue_behind)]
    for thread in threads:
        thread.start()
    holding.wait()
    release.set()
    for thread in threads:
        thread.join()
    assert order == ["first in", "first out", "second in"]
    with first.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM log")).scalar() == 2
    first.dispose()
    second.dispose()


def test_a_writer_that_cannot_get_the_lock_in_time_fails_as_database_locked(
    tmp_path: Path,
) -> None:
    engine = _engine(tmp_path / "e.db", busy_timeout_ms=50)
    lock = writer_lock(str(tmp_path / "e.db"))
    assert lock.acquire(1.0)  # another thread of this process is writing
    try:
        with (
            pytest.raises(OperationalError, match="database is locked") as caught,
            engine.begin() as conn,
        ):
            conn.execute(text("INSERT INTO log VALUES (1)"))
        assert isinstance(caught.value.orig, sqlite3.OperationalError)
    finally:
        lock.release()
    with engine.begin() as conn:  # the failed attempt left nothing held
        conn.execute(text("INSERT INTO log VALUES (1)"))
    engine.dispose()


def test_in_memory_databases_are_not_serialised() -> None:
    engine = make_engine("sqlite://")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()
