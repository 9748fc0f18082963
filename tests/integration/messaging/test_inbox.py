"""The inbox stores each inbound event once, however many times and ways it arrives."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging.inbox import (
    INBOX_REF,
    encode,
    encode_with_ref,
    mark_processed,
    purge_inbox,
    record_inbound,
    record_inbound_many,
    with_inbox_ref,
)
from orderbridge.messaging.tables import InboxEvent, InboxStatus
from tests.patience import patience

from .helpers import T0


def _count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(InboxEvent)) or 0)


def test_same_event_delivered_three_times_concurrently_is_stored_once(
    sessions: sessionmaker[Session],
) -> None:
    barrier = threading.Barrier(3)
    answers: list[bool] = []
    lock = threading.Lock()

    def deliver() -> None:
        barrier.wait()
        with sessions.begin() as session:
            fresh = record_inbound(session, "poster", "evt-1", {"object_id": 7}, {"x-try": "1"})
        with lock:
            answers.append(fresh)

    threads = [threading.Thread(target=deliver) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=patience(30))
    assert sorted(answers) == [False, False, True]
    assert _count(sessions) == 1


def test_same_external_id_from_another_source_is_a_different_event(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        assert record_inbound(session, "poster", "42", {"a": 1})
        assert record_inbound(session, "wix:conn-1", "42", {"a": 1})
        assert not record_inbound(session, "poster", "42", {"a": 2})
    with sessions() as session:
        stored = session.scalars(select(InboxEvent).order_by(InboxEvent.id)).all()
    assert [(e.source, e.payload) for e in stored] == [
        ("poster", {"a": 1}),
        ("wix:conn-1", {"a": 1}),
    ]
    assert stored[0].received_at.tzinfo is not None


def test_rolled_back_event_is_not_a_duplicate_later(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        assert record_inbound(session, "poster", "evt-9", {})
        session.rollback()
    with sessions.begin() as session:
        assert record_inbound(session, "poster", "evt-9", {})


def test_purge_keeps_recent_and_unfinished_events(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        record_inbound(session, "poster", "old-done", {}, now=T0 - timedelta(days=20))
        record_inbound(session, "poster", "old-failed", {}, now=T0 - timedelta(days=20))
        record_inbound(session, "poster", "recent-done", {}, now=T0 - timedelta(days=3))
        mark_processed(session, "poster", "old-done", now=T0)
        mark_processed(session, "poster", "old-failed", error="unknown product", now=T0)
        mark_processed(session, "poster", "recent-done", now=T0)
    with sessions.begin() as session:
        assert purge_inbox(session, older_than=timedelta(days=14), now=T0) == 1
    with sessions() as session:
        left = {e.external_id: e.status for e in session.scalars(select(InboxEvent))}
    assert left == {"old-failed": InboxStatus.FAILED, "recent-done": InboxStatus.PROCESSED}
    with sessions.begin() as session:
        # The purged event's id is free again only because it is older than any retry.
        assert record_inbound(session, "poster", "old-done", {})


def test_purge_refuses_a_retention_shorter_than_seven_days(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session, pytest.raises(ValueError, match="at least"):
        purge_inbox(session, older_than=timedelta(days=6), now=T0)


@pytest.mark.parametrize(
    "payload",
    [{}, {"object_id": 7, "data": None}, {"note": 'é "quoted" \\ \n'}, {INBOX_REF: "theirs"}],
)
def test_a_job_payload_with_its_inbox_ref_serialises_as_the_document_would(
    payload: dict[str, object],
) -> None:
    for external_id in ("poster:acc:incoming_order:1:changed:1795340000", 'é"\\'):
        expected = json.dumps(with_inbox_ref(payload, "poster", external_id))
        assert encode_with_ref(payload, encode(payload), "poster", external_id) == expected


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"object_id": 7, "data": None, "ok": True, "off": False},
        {"note": 'é "quoted" \\ \n\u2028', "Борщ": [1, 2.5, -0.0, 10**30, {"x": []}]},
        {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")},
        {1: "an int key", 2.5: "a float key", None: "null", False: "false"},
    ],
)
def test_a_document_encodes_as_json_dumps_writes_it(document: dict[object, object]) -> None:
    """``encode`` calls the C encoder directly: the text must be ``json.dumps``'s."""
    assert encode(document) == json.dumps(document)


def test_encoding_a_document_that_holds_itself_or_an_object_fails_as_json_dumps_does() -> None:
    looped: dict[str, object] = {"name": "loop"}
    looped["self"] = looped
    with pytest.raises(ValueError, match="Circular reference"):
        encode(looped)
    with pytest.raises(TypeError, match="not JSON serializable"):
        encode({"when": object()})


def test_rows_written_from_json_text_read_back_as_the_orm_writes_them(
    sessions: sessionmaker[Session],
) -> None:
    """The inbox binds JSON text and pre-formatted timestamps; the columns must hold
    exactly what the ORM's own types would have stored."""
    payload = {"object_id": 7, "name": "Борщ", "data": {"x": [1, 2.5, None]}}
    with sessions.begin() as session:
        session.add(
            InboxEvent(
                source="orm",
                external_id="e1",
                received_at=T0,
                payload=payload,
                headers={"x-try": "1"},
                status=InboxStatus.PROCESSED.value,
                processed_at=T0,
            )
        )
        record_inbound(session, "core", "e1", payload, {"x-try": "1"}, now=T0)
        mark_processed(session, "core", "e1", now=T0)
        record_inbound_many(session, [("many", "e1", payload)], now=T0, processed={("many", "e1")})
    query = text("SELECT source, received_at, payload, status, processed_at FROM inbox_events")
    with sessions() as session:
        raw = {row[0]: tuple(row[1:]) for row in session.execute(query)}
        events = {e.source: e for e in session.scalars(select(InboxEvent))}
    assert raw["core"] == raw["orm"] == raw["many"]
    for source in ("core", "many"):
        assert events[source].received_at == T0 == events[source].processed_at
        assert events[source].received_at.tzinfo is not None
        assert events[source].payload == payload
    assert (events["core"].headers, events["many"].headers) == ({"x-try": "1"}, {})
