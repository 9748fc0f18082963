"""The forward-only state machine and append-only timeline shared by orders and reservations.

Status news reaches the hub from several senders (a POS webhook, a reconciliation
sweep, a channel's own event), each of which may retry, race or arrive late. The rule
that keeps this safe is simple: a transition is applied only when the lifecycle table
allows it from the current status; anything else — a repeat, a late event, an
impossible jump — changes nothing and is written to the timeline as ignored, so an
operator can still see that it came.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

from orderbridge.domain.errors import require_aware

S = TypeVar("S", bound=StrEnum)
E = TypeVar("E")

IGNORED_EVENT_SUFFIX = "ignored"


class IgnoredReason(StrEnum):
    """Why a transition was not applied."""

    DUPLICATE = "duplicate"
    """The object already has the target status (a retried webhook)."""
    OUT_OF_ORDER = "out_of_order"
    """The target status lies behind the current one (a late webhook)."""
    FINAL = "final"
    """The object is in a final status; nothing moves it any more."""
    NOT_ALLOWED = "not_allowed"
    """The lifecycle has no such edge from the current status."""


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of an order's or reservation's history.

    ``status`` is the status *after* the entry; ``event`` names what happened
    (``"order.accepted"``, ``"order.transition_ignored"``, ``"pos.retry"`` ...);
    ``detail`` is a short, PII-free explanation for the dashboard.
    """

    at: datetime
    status: str
    event: str
    detail: str = ""

    def __post_init__(self) -> None:
        require_aware(self.at, "timeline.at")


@dataclass(frozen=True, slots=True)
class TransitionOutcome:
    """What a transition request did: applied, or ignored with a reason."""

    applied: bool
    reason: IgnoredReason | None = None


APPLIED = TransitionOutcome(applied=True)


@dataclass(frozen=True)
class Lifecycle(Generic[S]):
    """A status table: which moves go forward, which replays an operator may make.

    ``forward`` maps a status to the statuses it may move to on news from outside;
    ``replays`` holds the backward moves only an operator's explicit replay may make
    (an order that failed goes back to received once its cause is fixed).
    """

    forward: Mapping[S, frozenset[S]]
    replays: Mapping[S, frozenset[S]]
    final: frozenset[S]

    def judge(self, current: S, target: S, *, replay: bool = False) -> TransitionOutcome:
        """Decide whether moving from ``current`` to ``target`` is applied or ignored."""
        table = self.replays if replay else self.forward
        if target in table.get(current, frozenset()):
            return APPLIED
        if target == current:
            return TransitionOutcome(False, IgnoredReason.DUPLICATE)
        if current in self.final:
            return TransitionOutcome(False, IgnoredReason.FINAL)
        if self._reachable(target, current):
            return TransitionOutcome(False, IgnoredReason.OUT_OF_ORDER)
        return TransitionOutcome(False, IgnoredReason.NOT_ALLOWED)

    def _reachable(self, start: S, goal: S) -> bool:
        """True if ``goal`` can be reached from ``start`` by forward moves."""
        seen: set[S] = set()
        frontier = [start]
        while frontier:
            status = frontier.pop()
            for nxt in self.forward.get(status, frozenset()):
                if nxt == goal:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        return False


class Tracked(Generic[S, E]):
    """Status, timeline and pending events for an aggregate that follows a :class:`Lifecycle`.

    Subclasses name themselves through ``kind`` (``"order"``) so timeline events read
    ``order.accepted``; they call :meth:`_go` (or :meth:`_move` when a transition does
    more), and :meth:`_emit` appends the matching domain event ``E`` to their ``events``
    for the service layer to publish.
    """

    kind: str = "object"

    def __init__(self, lifecycle: Lifecycle[S], status: S, timeline: list[TimelineEntry]) -> None:
        self._lifecycle = lifecycle
        self._status = status
        self._timeline = timeline

    @property
    def status(self) -> S:
        """The current status."""
        return self._status

    @property
    def timeline(self) -> tuple[TimelineEntry, ...]:
        """Everything that happened, oldest first; entries are only ever appended."""
        return tuple(self._timeline)

    @property
    def is_final(self) -> bool:
        """True once no transition can move the object any more."""
        return self._status in self._lifecycle.final

    def record(self, at: datetime, event: str, detail: str = "") -> TimelineEntry:
        """Append an informational entry (a retry, a POS answer) without changing status."""
        entry = TimelineEntry(at=at, status=self._status, event=event, detail=detail)
        self._timeline.append(entry)
        return entry

    def _move(
        self, target: S, at: datetime, detail: str, *, replay: bool = False
    ) -> TransitionOutcome:
        require_aware(at, "at")
        outcome = self._lifecycle.judge(self._status, target, replay=replay)
        if outcome.applied:
            self._status = target
            event = f"{self.kind}.replayed" if replay else f"{self.kind}.{target}"
            self.record(at, event, detail)
        else:
            why = f"{outcome.reason}: {self._status} → {target}"
            self.record(
                at,
                f"{self.kind}.{target}.{IGNORED_EVENT_SUFFIX}",
                f"{why}; {detail}" if detail else why,
            )
        return outcome

    def _go(
        self,
        target: S,
        at: datetime,
        detail: str,
        event: type[E],
        *,
        replay: bool = False,
        **extra: str,
    ) -> TransitionOutcome:
        """Move to ``target`` and, when the move applies, emit ``event``."""
        outcome = self._move(target, at, detail, replay=replay)
        if outcome.applied:
            self._emit(event, at, **extra)
        return outcome

    def _emit(self, event: type[E], at: datetime, **extra: str) -> None:
        """Append ``event`` (built with this object's ids) to the pending events."""
        raise NotImplementedError
