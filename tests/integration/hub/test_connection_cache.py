"""The ingress's cache of Poster accounts: fresh enough, never wrong for long.

``watched`` is the session factory the cache listens to (this process); ``elsewhere``
is a second engine on the same database, standing in for another process (an API
replica, the CLI), whose changes the cache only sees once its TTL has passed.
Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.security import CredentialCipher
from orderbridge.storage import admin
from orderbridge.storage import tables as t
from orderbridge.storage.connection_cache import WebhookAccounts
from orderbridge.storage.db import make_engine, session_factory

CIPHER = CredentialCipher("test")
TTL = 30.0


class Ticks:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def elsewhere(db_url: str) -> Iterator[sessionmaker[Session]]:
    other: Engine = make_engine(db_url)
    yield session_factory(other)
    other.dispose()


@pytest.fixture
def watched(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with sessions.begin() as session:
        admin.create_tenant(session, "Café", tenant_id="ten_cafe")
    return sessions


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
def accounts(watched: sessionmaker[Session], ticks: Ticks) -> WebhookAccounts:
    cache = WebhookAccounts(
        watched, CIPHER, kind="poster", signed_by="application_secret", ttl=TTL, monotonic=ticks
    )
    cache.watch(watched)
    return cache


def connect(sessions: sessionmaker[Session], account: str, secret: str, number: str = "") -> str:
    with sessions.begin() as session:
        return admin.create_connection(
            session,
            CIPHER,
            "ten_cafe",
            kind="poster",
            role="pos",
            name=f"Poster {account}",
            credentials={"token": "tok", "application_secret": secret},
            settings={"account": account, "account_number": number},
            external_account=account,
        )


def rotate(sessions: sessionmaker[Session], connection_id: str, secret: str) -> None:
    with sessions.begin() as session:
        credentials = {"token": "tok", "application_secret": secret}
        admin.update_connection_credentials(session, CIPHER, connection_id, credentials)


def secret_of(accounts: WebhookAccounts, account: str, number: str = "") -> str | None:
    found = accounts.find(account, number)
    if found is None or found.secret is None:
        return None
    return found.secret.get_secret_value()


def test_an_account_is_found_with_its_connection_and_signing_secret(
    accounts: WebhookAccounts, watched: sessionmaker[Session]
) -> None:
    connection_id = connect(watched, "cafe", "s1")
    found = accounts.find("cafe")
    assert found is not None
    assert found.connection_id == connection_id
    assert found.secret is not None and found.secret.get_secret_value() == "s1"


def test_a_renamed_account_is_found_by_its_number(
    accounts: WebhookAccounts, watched: sessionmaker[Session]
) -> None:
    connection_id = connect(watched, "cafe", "s1", number="861052")
    found = accounts.find("cafe-renamed", "861052")
    assert found is not None and found.connection_id == connection_id
    assert accounts.find("cafe-renamed", "999") is None


def test_a_secret_changed_by_another_process_takes_effect_once_the_ttl_has_passed(
    accounts: WebhookAccounts,
    watched: sessionmaker[Session],
    elsewhere: sessionmaker[Session],
    ticks: Ticks,
) -> None:
    connection_id = connect(watched, "cafe", "old")
    assert secret_of(accounts, "cafe") == "old"
    rotate(elsewhere, connection_id, "new")
    ticks.now += TTL - 1
    assert secret_of(accounts, "cafe") == "old"
    ticks.now += 1
    assert secret_of(accounts, "cafe") == "new"


def test_a_fresh_lookup_sees_a_change_from_another_process_at_once(
    accounts: WebhookAccounts, watched: sessionmaker[Session], elsewhere: sessionmaker[Session]
) -> None:
    connection_id = connect(watched, "cafe", "old")
    assert secret_of(accounts, "cafe") == "old"
    rotate(elsewhere, connection_id, "new")
    found = accounts.find("cafe", fresh=True)
    assert found is not None and found.secret is not None
    assert found.secret.get_secret_value() == "new"
    assert secret_of(accounts, "cafe") == "new"  # and the fresh answer is what is kept


def test_a_change_committed_in_this_process_takes_effect_at_once(
    accounts: WebhookAccounts, watched: sessionmaker[Session]
) -> None:
    connection_id = connect(watched, "cafe", "old")
    assert secret_of(accounts, "cafe") == "old"
    rotate(watched, connection_id, "new")
    assert secret_of(accounts, "cafe") == "new"


def test_a_core_update_of_a_connection_in_this_process_also_invalidates(
    accounts: WebhookAccounts, watched: sessionmaker[Session]
) -> None:
    connection_id = connect(watched, "cafe", "s1")
    assert accounts.find("cafe") is not None
    with watched.begin() as session:
        session.execute(
            update(t.Connection)
            .where(t.Connection.id == connection_id)
            .values(external_account="cafe-moved")
        )
    assert accounts.find("cafe") is None


def test_a_rolled_back_change_keeps_the_cache(
    accounts: WebhookAccounts,
    watched: sessionmaker[Session],
    elsewhere: sessionmaker[Session],
) -> None:
    connection_id = connect(watched, "cafe", "old")
    assert secret_of(accounts, "cafe") == "old"
    rotate(elsewhere, connection_id, "new")  # unseen until the TTL passes …
    with watched() as session:
        row = session.get(t.Connection, connection_id)
        assert row is not None
        row.name = "renamed, then rolled back"
        session.flush()
        session.rollback()
    assert secret_of(accounts, "cafe") == "old"  # … and a rollback does not invalidate


def test_unknown_accounts_are_not_cached(
    accounts: WebhookAccounts, elsewhere: sessionmaker[Session]
) -> None:
    assert accounts.find("newcomer") is None
    connect(elsewhere, "newcomer", "s1")  # installed through another replica
    assert secret_of(accounts, "newcomer") == "s1"


def test_a_connection_without_a_signing_secret_is_found_without_one(
    accounts: WebhookAccounts, watched: sessionmaker[Session]
) -> None:
    connect(watched, "cafe", "")
    found = accounts.find("cafe")
    assert found is not None and found.secret is None


def test_concurrent_lookups_never_keep_a_secret_older_than_the_last_commit(
    accounts: WebhookAccounts, watched: sessionmaker[Session]
) -> None:
    """Readers race a writer rotating the secret; once it is done, all see the last one."""
    connection_id = connect(watched, "cafe", "s0")
    seen: set[str | None] = set()
    failures: list[BaseException] = []
    done = threading.Event()

    def read() -> None:
        try:
            while not done.is_set():
                seen.add(secret_of(accounts, "cafe"))
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    for n in range(1, 21):
        rotate(watched, connection_id, f"s{n}")
    done.set()
    for reader in readers:
        reader.join()
    assert failures == []
    assert seen <= {f"s{n}" for n in range(21)}
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(secret_of(accounts, "cafe")))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["s20"] * 8
