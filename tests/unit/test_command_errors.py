"""``commands.errors.explain``: the one line an operator reads, whatever failed."""

from __future__ import annotations

from orderbridge.commands.errors import DEBUG_HINT, explain
from orderbridge.ports import PermanentError, TransientError


def test_concurrent_calls_that_failed_together_are_told_by_the_first_reason() -> None:
    refused = TransientError("Poster unreachable: ConnectError: private_address")
    group = ExceptionGroup("unhandled errors in a TaskGroup", [refused, ValueError("x")])
    assert explain(group) == (
        "unreachable: Poster unreachable: ConnectError: private_address (try again)",
        1,
    )
    nested = BaseExceptionGroup("outer", [ExceptionGroup("inner", [PermanentError("x", "no")])])
    line, code = explain(nested)
    assert line.startswith("x: ") and code == 1 and DEBUG_HINT not in line
