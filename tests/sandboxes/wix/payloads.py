"""Load the Wix fixtures of ``tests/payloads/wix`` (shaped by Wix's published examples;
sources in that folder's README)."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).parents[2] / "payloads" / "wix"


@cache
def _load(name: str) -> Any:
    return json.loads((FOLDER / f"{name}.json").read_text(encoding="utf-8"))


def wix_payload(name: str) -> Any:
    """A fresh copy of fixture ``name`` (without ``.json``), safe to change."""
    return copy.deepcopy(_load(name))


def fixture_names() -> list[str]:
    return sorted(p.stem for p in FOLDER.glob("*.json"))
