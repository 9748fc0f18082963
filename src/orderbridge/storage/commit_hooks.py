"""Emptying process-local caches when a change to what they hold commits.

The hub keeps a few answers in memory (webhook accounts, API keys) that a write of
this process may make wrong. :func:`invalidate_on_commit` calls a cache's
``invalidate()`` after each commit, through a given session factory, that inserted,
changed or deleted a row of the given tables, whether by the ORM unit of work or by
an ORM-enabled ``update()``/``delete()`` statement. Rolled-back changes invalidate
nothing. Raw SQL on a connection is not seen: those caches also expire by age.

The session events are registered once per factory, and a flush looks at its changed
rows once whatever the number of caches; every cache is held weakly, so building many
apps over one hub (the tests do) neither piles up listeners nor leaves a cache out.
"""

from __future__ import annotations

import weakref
from typing import Any, Protocol

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker


class Invalidates(Protocol):
    def invalidate(self) -> None: ...


_Tables = tuple[type[Any], ...]
_CHANGED = "orderbridge_changed_tables"


class _Watch:
    """The caches watching one session factory, grouped by the tables they hold."""

    def __init__(self) -> None:
        self.groups: dict[_Tables, weakref.WeakSet[Invalidates]] = {}
        self.mappers: dict[_Tables, tuple[Any, ...]] = {}

    def flushed(self, session: Session, _context: Any) -> None:
        changed = (*session.new, *session.dirty, *session.deleted)
        if not changed:
            return
        for tables in self.groups:
            if any(isinstance(row, tables) for row in changed):
                session.info.setdefault(_CHANGED, set()).add(tables)

    def executed(self, state: ORMExecuteState) -> None:
        if not (state.is_update or state.is_delete):
            return
        for tables, mappers in self.mappers.items():
            if state.bind_mapper in mappers:
                state.session.info.setdefault(_CHANGED, set()).add(tables)

    def committed(self, session: Session) -> None:
        for tables in session.info.pop(_CHANGED, ()):
            for cache in list(self.groups.get(tables, ())):
                cache.invalidate()

    def rolled_back(self, session: Session, *_: Any) -> None:
        session.info.pop(_CHANGED, None)


_watches: weakref.WeakKeyDictionary[sessionmaker[Session], _Watch] = weakref.WeakKeyDictionary()


def invalidate_on_commit(
    sessions: sessionmaker[Session], tables: _Tables, cache: Invalidates
) -> None:
    """Call ``cache.invalidate()`` after each commit of ``sessions`` changing ``tables``."""
    watch = _watches.get(sessions)
    if watch is None:
        watch = _watches[sessions] = _Watch()
        event.listen(sessions, "after_flush", watch.flushed)
        event.listen(sessions, "do_orm_execute", watch.executed)
        event.listen(sessions, "after_commit", watch.committed)
        event.listen(sessions, "after_rollback", watch.rolled_back)
    if tables not in watch.groups:
        # Replaced, not changed in place: a flush in another thread may be reading them.
        mappers = tuple(inspect(kind) for kind in tables)
        watch.mappers = {**watch.mappers, tables: mappers}
        watch.groups = {**watch.groups, tables: weakref.WeakSet()}
    watch.groups[tables].add(cache)
