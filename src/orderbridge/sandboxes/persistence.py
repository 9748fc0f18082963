"""Writing a sandbox's world to its ``--state`` file so that a crash never leaves half."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel


def write_atomically(path: Path, data: str, *, prefix: str) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder, fsync, rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


W = TypeVar("W", bound=BaseModel)


class StateFile(Generic[W]):
    """Saving a sandbox's world (a pydantic model) to its ``--state`` file.

    Mixed into each sandbox, which sets ``world``, ``state_file`` and ``dirty``; the app
    snapshots on its event loop (where the world is consistent) and writes elsewhere.
    """

    world: W
    state_file: Path | None
    dirty: bool
    state_prefix = ".sandbox-state-"

    def save(self) -> None:
        """Write the world to ``state_file`` now."""
        if self.state_file is not None:
            self.write_state(self.snapshot())

    def snapshot(self) -> str:
        """The world as JSON; marks it clean (later changes make it dirty again)."""
        self.dirty = False
        return self.world.model_dump_json()

    def write_state(self, data: str) -> None:
        """Write a snapshot to ``state_file`` atomically."""
        if self.state_file is not None:
            write_atomically(self.state_file, data, prefix=self.state_prefix)
