"""The one-line CLI errors reach through exception groups to the reason (a menu sync's
parallel Poster calls fail as a ``TaskGroup``'s group)."""

from __future__ import annotations

from orderbridge.commands.errors import DEBUG_HINT, explain
from orderbridge.ports import PermanentError, TransientError


def test_a_group_of_failures_is_explained_by_its_first_reason() -> None:
    unreachable = TransientError("Poster unreachable: ConnectError: private_address: 127.0.0.1")
    group = ExceptionGroup(
        "unhandled errors in a TaskGroup", [unreachable, TransientError("other")]
    )
    line, code = explain(group)
    assert line == (
        "unreachable: Poster unreachable: ConnectError: private_address: 127.0.0.1 (try again)"
    )
    assert code == 1 and "TaskGroup" not in line


def test_nested_groups_are_unwrapped_too() -> None:
    inner = ExceptionGroup("inner", [PermanentError("access_denied", "token refused")])
    line, _ = explain(ExceptionGroup("outer", [inner]))
    assert line == "access_denied: token refused"


def test_anything_else_still_names_itself_and_the_debug_hint() -> None:
    line, code = explain(RuntimeError("boom"))
    assert line == f"RuntimeError: boom {DEBUG_HINT}" and code == 1
