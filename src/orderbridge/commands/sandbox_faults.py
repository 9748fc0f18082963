"""The fault flags of ``orderbridge sandbox poster|wix|rest-pos``, declared once.

Every sandbox takes the same kinds of fault knobs (latency, 5xx rate, rate limit, hang,
webhook drop/duplicate/reorder, the dice's seed); each vendor's ``FaultConfig`` has the
subset that vendor can suffer. :func:`fault_flags` adds the named flags to a command and
hands the command one built ``FaultConfig``, so a command declares only its own options
and every sandbox spells a shared flag, its default and its help the same way.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import typer


@dataclass(frozen=True)
class _Flag:
    """One fault flag: its type, default, help and the ``FaultConfig`` field it sets."""

    type: object
    default: object
    help: str
    field: str = ""  # when it differs from the flag's name


# Keyed by the flag's parameter name (``--rate-limit-window`` is ``rate_limit_window``);
# ``{limit_answer}`` is the vendor's own rate-limit answer (error 700 for Poster, 429 …).
_FLAGS: dict[str, _Flag] = {
    "latency_ms": _Flag(int, 0, "Fault: added latency per call."),
    "http_5xx_rate": _Flag(float, 0.0, "Fault: share of calls → 503."),
    "error_44_rate": _Flag(float, 0.0, "Fault: share → error 44."),
    "rate_limit_calls": _Flag(int, 0, "Fault: calls per window before {limit_answer} (0: off)."),
    "rate_limit_window": _Flag(
        float, 60.0, "Rate-limit window, seconds.", "rate_limit_window_seconds"
    ),
    "hang_rate": _Flag(float, 0.0, "Fault: share of writes done but never answered."),
    "webhook_drop_rate": _Flag(float, 0.0, "Fault: share dropped."),
    "webhook_duplicate_rate": _Flag(float, 0.0, "Fault: share sent twice."),
    "webhook_reorder": _Flag(bool, False, "Fault: deliver queued webhooks newest first."),
    "event_drop_rate": _Flag(float, 0.0, "Fault: share of events dropped."),
    "event_duplicate_rate": _Flag(float, 0.0, "Fault: share of events sent twice."),
    "event_reorder": _Flag(bool, False, "Fault: deliver queued events newest first."),
    "fault_seed": _Flag(int | None, None, "Seed for the fault dice.", "seed"),
}


F = TypeVar("F", bound=Callable[..., None])


def fault_flags(
    config_type: Callable[..., object], *names: str, limit_answer: str = ""
) -> Callable[[F], F]:
    """Add the fault flags ``names`` after a command's own options; the command gets the
    built ``config_type(...)`` as its keyword ``fault_config`` (which it must not declare
    as an option: the decorator removes it from the signature Typer reads)."""

    def decorate(command: F) -> F:
        own = inspect.signature(command, eval_str=True)
        params = [p for p in own.parameters.values() if p.name != "fault_config"]
        annotations = {p.name: p.annotation for p in params}
        for name in names:
            flag = _FLAGS[name]
            option = typer.Option(help=flag.help.format(limit_answer=limit_answer))
            annotation = Annotated[flag.type, option]  # type: ignore[name-defined]
            annotations[name] = annotation
            params.append(
                inspect.Parameter(
                    name,
                    inspect.Parameter.KEYWORD_ONLY,
                    default=flag.default,
                    annotation=annotation,
                )
            )

        @functools.wraps(command)
        def run(**values: Any) -> None:
            fields = {_FLAGS[n].field or n: values.pop(n) for n in names}
            command(**values, fault_config=config_type(**fields))

        run.__signature__ = own.replace(parameters=params)  # type: ignore[attr-defined]
        run.__annotations__ = {**annotations, "return": None}
        return run  # type: ignore[return-value]

    return decorate
