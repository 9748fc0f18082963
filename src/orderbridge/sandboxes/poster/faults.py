"""Fault injection: the failures the hub must survive, switched on by flag or endpoint.

Rates draw from a seeded RNG so that a test run is repeatable; the ``next_*`` counters
fail exactly the next N calls, for tests that need a fault at a known point.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from orderbridge.sandboxes.fault_dice import PosFaultDice

CallFault = Literal["latency", "http_5xx", "error_44", "rate_limit", "hang"]


class FaultConfig(BaseModel):
    """Fault knobs. Every field can be set by ``POST /_sandbox/faults`` or a CLI flag."""

    latency_ms: int = Field(0, ge=0, description="added to every API call")
    http_5xx_rate: float = Field(0.0, ge=0, le=1, description="share of calls answered 503")
    error_44_rate: float = Field(0.0, ge=0, le=1, description="share answered error 44")
    rate_limit_calls: int = Field(0, ge=0, description="calls per window before error 700")
    rate_limit_window_seconds: float = Field(60.0, gt=0)
    hang_rate: float = Field(0.0, ge=0, le=1, description="share of writes done, never answered")
    hang_seconds: float = Field(60.0, ge=0, description="how long a hung call holds the line")
    # Which methods the call faults apply to; empty means every API method.
    methods: list[str] = Field(default_factory=list)
    next_5xx: int = Field(0, ge=0, description="fail exactly the next N calls with 503")
    next_44: int = Field(0, ge=0, description="answer exactly the next N calls with error 44")
    next_hang: int = Field(0, ge=0, description="do and never answer the next N writes")
    webhook_drop_rate: float = Field(0.0, ge=0, le=1)
    webhook_duplicate_rate: float = Field(0.0, ge=0, le=1)
    webhook_reorder: bool = Field(False, description="send queued webhooks newest first")
    seed: int | None = None


# Methods that change state: the "accept but never answer" fault only makes sense there.
def is_write(method: str) -> bool:
    verb = method.split(".", 1)[-1]
    return verb.startswith(("create", "update", "remove", "set", "change", "add", "close"))


class Faults(PosFaultDice[FaultConfig]):
    """Decides, call by call, which fault (if any) strikes."""

    def __init__(self, config: FaultConfig | None = None):
        super().__init__(config or FaultConfig())

    def applies(self, method: str) -> bool:
        return not self.config.methods or method in self.config.methods

    def before_call(self, method: str, now: float | None = None) -> CallFault | None:
        """The fault that replaces this call's normal answer, if any (latency aside)."""
        cfg = self.config
        if not self.applies(method):
            return None
        if self._over_rate_limit(cfg.rate_limit_calls, cfg.rate_limit_window_seconds, now):
            return "rate_limit"
        if self._spend("next_5xx"):
            return "http_5xx"
        if self._spend("next_44"):
            return "error_44"
        if self._roll(cfg.http_5xx_rate):
            return "http_5xx"
        if self._roll(cfg.error_44_rate):
            return "error_44"
        return None

    def hang_after(self, method: str) -> bool:
        """Whether to do this (write) call but never send its answer."""
        return is_write(method) and self.applies(method) and self.hang_after_write()
