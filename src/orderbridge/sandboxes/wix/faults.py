"""Fault injection: the failures the hub must survive, switched on by flag or endpoint.

Rates draw from a seeded RNG so that a run is repeatable; ``next_5xx`` fails exactly
the next N API calls, for tests that need a fault at a known point.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from orderbridge.sandboxes.fault_dice import FaultDice


class FaultConfig(BaseModel):
    """Fault knobs. Every field can be set by ``POST /_sandbox/faults`` or a CLI flag."""

    latency_ms: int = Field(0, ge=0, description="added to every API call")
    http_5xx_rate: float = Field(0.0, ge=0, le=1, description="share of calls answered 503")
    next_5xx: int = Field(0, ge=0, description="fail exactly the next N calls with 503")
    event_drop_rate: float = Field(0.0, ge=0, le=1, description="events never sent")
    event_duplicate_rate: float = Field(0.0, ge=0, le=1, description="events sent twice")
    event_reorder: bool = Field(False, description="send queued events newest first")
    seed: int | None = None


class Faults(FaultDice[FaultConfig]):
    """Decides, call by call and event by event, which fault (if any) strikes."""

    def __init__(self, config: FaultConfig | None = None):
        super().__init__(config or FaultConfig())

    def fail_call(self) -> bool:
        """Whether this API call is answered 503 instead of being served."""
        return self._spend("next_5xx") or self._roll(self.config.http_5xx_rate)

    def drop_event(self) -> bool:
        return self._roll(self.config.event_drop_rate)

    def duplicate_event(self) -> bool:
        return self._roll(self.config.event_duplicate_rate)

    def jitter(self) -> float:
        """A factor (0.8–1.2) on each resend delay, so resends of different events
        interleave and arrive out of order, as Wix's do."""
        return 0.8 + 0.4 * self.rng.random()
