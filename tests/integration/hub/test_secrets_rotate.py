"""``orderbridge secrets rotate`` end to end: the command, run as an operator runs it,
re-encrypts every stored secret under the new ``ORDERBRIDGE_SECRET_KEY``, after which
the old key can go; a row no key reads is reported and left alone (exit 1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from pydantic import SecretStr
from sqlalchemy import select, update

from orderbridge.bootstrap import build_hub
from orderbridge.config import Settings
from orderbridge.security import CredentialCipher, DecryptionError
from orderbridge.storage import admin
from orderbridge.storage import tables as t
from tests.patience import patience

OLD = "the-old-secret-key-0123456789abcdef"
NEW = "the-new-secret-key-fedcba9876543210"
TOKEN = "687409:4164553abf6a031302898da7800b59fb"


def _seed(db_url: str) -> str:
    hub = build_hub(Settings(database_url=db_url, secret_key=SecretStr(OLD)))
    try:
        with hub.sessions() as session, session.begin():
            admin.create_tenant(session, "Café", tenant_id="ten_1")
            for n in range(3):
                admin.create_connection(
                    session,
                    hub.cipher,
                    "ten_1",
                    kind="poster",
                    role="pos",
                    name=f"Poster {n}",
                    credentials={"token": f"{TOKEN}{n}"},
                    settings={"account": f"cafe-{n}"},
                    connection_id=f"con_{n}",
                )
            issued = admin.create_endpoint(
                session, hub.cipher, "ten_1", url="https://shop.test/h", events=["order.received"]
            )
            return issued.secret
    finally:
        hub.engine.dispose()


def _rotate(db_url: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ORDERBRIDGE_DATABASE_URL": db_url,
        "ORDERBRIDGE_SECRET_KEY": NEW,
        "ORDERBRIDGE_OLD_SECRET_KEYS": json.dumps([OLD]),
    }
    return subprocess.run(
        [sys.executable, "-m", "orderbridge", "secrets", "rotate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=patience(60),
    )


def _stored(db_url: str) -> dict[str, str]:
    hub = build_hub(Settings(database_url=db_url, secret_key=SecretStr(NEW)))
    try:
        with hub.sessions() as session:
            rows = session.execute(select(t.Connection.id, t.Connection.credentials)).all()
            endpoints = session.execute(select(t.WebhookEndpoint.id, t.WebhookEndpoint.secrets))
            return {**dict(rows), **dict(endpoints.all())}
    finally:
        hub.engine.dispose()


def test_rotate_puts_every_secret_under_the_new_key(db_url: str) -> None:
    webhook_secret = _seed(db_url)
    done = _rotate(db_url)
    assert done.returncode == 0, done.stderr
    assert "connections: 3 re-encrypted" in done.stdout
    assert "webhook_endpoints: 1 re-encrypted" in done.stdout
    assert TOKEN not in done.stdout + done.stderr and webhook_secret not in done.stdout
    only_new, only_old = CredentialCipher(NEW), CredentialCipher(OLD)
    stored = _stored(db_url)
    for row_id, token in stored.items():
        plain = only_new.decrypt(token)  # the old key is no longer needed
        if row_id.startswith("con_"):
            assert plain == {"token": f"{TOKEN}{row_id[-1]}"}
        else:
            assert plain["secrets"][0]["secret"] == webhook_secret
        try:
            only_old.decrypt(token)
        except DecryptionError:
            continue
        raise AssertionError(f"{row_id} still readable with the old key alone")
    again = _rotate(db_url)  # running it twice is harmless
    assert again.returncode == 0 and "connections: 3 re-encrypted" in again.stdout


def test_a_row_no_key_reads_is_reported_and_left_alone(db_url: str) -> None:
    _seed(db_url)
    foreign = CredentialCipher("a-key-nobody-configured").encrypt({"token": "lost"})
    hub = build_hub(Settings(database_url=db_url, secret_key=SecretStr(OLD)))
    try:
        with hub.sessions() as session, session.begin():
            session.execute(
                update(t.Connection).where(t.Connection.id == "con_1").values(credentials=foreign)
            )
    finally:
        hub.engine.dispose()
    done = _rotate(db_url)
    assert done.returncode == 1
    assert "connections: 2 re-encrypted" in done.stdout
    assert "connections: 1 not readable with any configured key: con_1" in done.stdout
    assert "keep ORDERBRIDGE_OLD_SECRET_KEYS" in done.stderr
    assert _stored(db_url)["con_1"] == foreign
