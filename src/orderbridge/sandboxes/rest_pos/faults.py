"""Fault injection: the failures the hub must survive, by flag or ``POST /_sandbox/faults``.

Rates draw from a seeded RNG so a run repeats; the ``next_*`` counters fail exactly the
next N API calls, for tests that need a fault at a known point. ``hang`` does the call
and never answers (the client times out not knowing it worked): what the hub's lookup
by reference exists for.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from orderbridge.sandboxes.fault_dice import PosFaultDice

CallFault = Literal["http_5xx", "rate_limit"]


class FaultConfig(BaseModel):
    """Fault knobs; every field can be set by ``POST /_sandbox/faults`` or a CLI flag."""

    model_config = ConfigDict(extra="forbid")

    latency_ms: int = Field(0, ge=0, description="added to every API call")
    http_5xx_rate: float = Field(0.0, ge=0, le=1, description="share of calls answered 503")
    rate_limit_calls: int = Field(0, ge=0, description="calls per window before 429 (0: off)")
    rate_limit_window_seconds: float = Field(60.0, gt=0)
    retry_after_seconds: int = Field(2, ge=0, description="the 429's Retry-After")
    hang_rate: float = Field(0.0, ge=0, le=1, description="share of writes done, never answered")
    hang_seconds: float = Field(60.0, ge=0, description="how long a hung call holds the line")
    next_5xx: int = Field(0, ge=0, description="answer exactly the next N calls 503")
    next_429: int = Field(0, ge=0, description="answer exactly the next N calls 429")
    next_hang: int = Field(0, ge=0, description="do and never answer the next N writes")
    webhook_drop_rate: float = Field(0.0, ge=0, le=1)
    webhook_duplicate_rate: float = Field(0.0, ge=0, le=1)
    webhook_reorder: bool = Field(False, description="send queued webhooks newest first")
    seed: int | None = None


class Faults(PosFaultDice[FaultConfig]):
    """Decides, call by call, which fault (if any) strikes."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        super().__init__(config or FaultConfig())

    def before_call(self, now: float | None = None) -> CallFault | None:
        """The fault that replaces this call's answer, if any (latency aside)."""
        cfg = self.config
        if self._over_rate_limit(cfg.rate_limit_calls, cfg.rate_limit_window_seconds, now):
            return "rate_limit"
        if self._spend("next_429"):
            return "rate_limit"
        if self._spend("next_5xx"):
            return "http_5xx"
        return "http_5xx" if self._roll(cfg.http_5xx_rate) else None
