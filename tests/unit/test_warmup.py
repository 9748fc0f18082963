"""``orderbridge.warmup``: the occasional libraries imported in a thread, beside the loop."""

from __future__ import annotations

import asyncio
import gc
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from orderbridge import runloop, warmup

_MODULE = "orderbridge_warmup_probe"


@pytest.fixture
def probe_module(tmp_path: Path) -> Iterator[str]:
    """A module that records, when imported, the thread that imported it."""
    (tmp_path / f"{_MODULE}.py").write_text(
        "import threading\nIMPORTED_BY = threading.current_thread().name\n"
    )
    sys.path.insert(0, str(tmp_path))
    yield _MODULE
    sys.path.remove(str(tmp_path))
    sys.modules.pop(_MODULE, None)
    gc.unfreeze()  # warmup freezes what exists once it is done


def test_modules_import_in_another_thread_while_main_runs(probe_module: str) -> None:
    async def main() -> str:
        # Wait on the condition (the module imported), with a generous safety net.
        for _ in range(10_000):
            if probe_module in sys.modules:
                return "done"
            await asyncio.sleep(0.001)
        raise AssertionError("never imported")

    modules = ["no_such_module_here", probe_module]
    assert asyncio.run(runloop.beside(main(), warmup.import_in_thread(modules))) == "done"
    imported_by = sys.modules[probe_module].IMPORTED_BY
    assert imported_by != threading.main_thread().name


def test_beside_cancels_the_side_task_when_main_ends() -> None:
    ended: list[str] = []

    async def side() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            ended.append("cancelled")
            raise

    async def main() -> int:
        await asyncio.sleep(0)
        return 7

    assert asyncio.run(runloop.beside(main(), side())) == 7
    assert ended == ["cancelled"]


def test_run_warms_the_modules_it_is_given(probe_module: str) -> None:
    threshold = gc.get_threshold()

    async def main() -> bool:
        for _ in range(10_000):
            if probe_module in sys.modules:
                return True
            await asyncio.sleep(0.001)
        return False

    try:
        assert runloop.run(main(), warm=[probe_module])
    finally:
        gc.set_threshold(*threshold)


def test_the_lists_name_importable_modules() -> None:
    """A typo would only show as the stall coming back (the warm-up swallows errors)."""
    import importlib.util

    for name in warmup.SERVE:
        assert importlib.util.find_spec(name) is not None, name


def test_the_kinds_warmed_are_their_packages_and_wixs_route_where_http_is_served() -> None:
    """Each kind's connector package, Wix's webhook route only in ``serve``; a kind the
    registry does not know warms nothing (its connections fail where they are used)."""
    import importlib.util

    served = warmup.for_kinds(["wix", "poster", "square", "wix"], web=True)
    assert served == (
        "orderbridge.connectors.poster",
        "orderbridge.connectors.wix.entry",
        "orderbridge.web.routes.wix_ingress",
    )
    assert warmup.for_kinds(["wix"], web=False) == ("orderbridge.connectors.wix.entry",)
    for name in (*served, *warmup.for_kinds(["rest_pos"], web=True)):
        assert importlib.util.find_spec(name) is not None, name
