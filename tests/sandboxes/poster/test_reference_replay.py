"""Every request example of the reference, replayed as written against the seeded
sandbox: the answer has the documented keys and JSON types.

GET examples go as GET; POST examples go form-encoded and as JSON, and a method that
changes data is also sent as a GET, which must be refused (error 400) without
changing anything. Methods listed in ``coverage.NOT_YET`` must answer error 42, and
the coverage table of ``docs/poster-sandbox.md`` must be the one these data make.
"""

from __future__ import annotations

from typing import Any

import pytest

from orderbridge.sandboxes.poster.methods import resolve
from tests.sandboxes.poster.reference import coverage
from tests.sandboxes.poster.reference.errata import EXTRA_KEYS, MAY_BE_EMPTY, NULLABLE
from tests.sandboxes.poster.reference.replay import (
    Case,
    cases,
    reference,
    replay,
    sandbox_for,
)
from tests.sandboxes.poster.reference.shapes import shape_errors

CASES = cases()


@pytest.mark.anyio
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
async def test_example_answers_as_documented(case: Case) -> None:
    """The documented request succeeds and its answer has the documented shape."""
    example = case.example
    sandbox = sandbox_for(case)
    answer: Any = await replay(case, sandbox)
    if example.method in coverage.NOT_YET:
        assert answer["error"]["code"] == 42, answer
        return
    if case.encoding in ("query", "get"):
        # Reads and refused writes change nothing (they share one sandbox).
        assert not sandbox.dirty and not sandbox.sink.events  # type: ignore[attr-defined]
    if case.encoding == "get":
        assert answer["error"]["code"] == 400, answer
        return
    assert "error" not in answer, answer
    errors = shape_errors(
        answer,
        example.answer,
        extra=EXTRA_KEYS.get(example.method, frozenset()),
        nullable=NULLABLE,
        may_be_empty=MAY_BE_EMPTY,
    )
    assert not errors, "\n".join(errors)


def test_every_method_of_the_reference_is_replayed() -> None:
    """Each method has an example, and every method is served but those listed."""
    ref = reference()
    assert {e.method for e in ref.examples} == set(ref.methods)
    missing = {m for m in ref.methods if resolve(m) is None}
    assert missing == coverage.NOT_YET
    assert set(coverage.NOTES) <= set(ref.methods)


def test_coverage_table_is_up_to_date() -> None:
    """docs/poster-sandbox.md holds the table ``coverage.py`` makes (re-run it if not)."""
    assert coverage.current() == coverage.table()
