"""The migration head read without Alembic is Alembic's head, and several heads fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from orderbridge.storage import migrate, revisions


def test_the_head_is_the_one_alembic_finds() -> None:
    assert revisions.head_revision() == migrate.head_revision()


def test_two_heads_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, down in (("a", None), ("b", "a"), ("c", "a")):
        (tmp_path / f"r_{name}.py").write_text(
            f'revision: str = "{name}"\ndown_revision = {down!r}\n', encoding="utf-8"
        )
    monkeypatch.setattr(revisions, "VERSIONS", tmp_path)
    revisions.head_revision.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="several heads: b, c"):
            revisions.head_revision()
    finally:
        revisions.head_revision.cache_clear()


def test_a_merge_revision_names_both_parents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, down in (("a", None), ("b", "a"), ("c", "a"), ("d", ("b", "c"))):
        (tmp_path / f"r_{name}.py").write_text(
            f'revision = "{name}"\ndown_revision: object = {down!r}\n', encoding="utf-8"
        )
    monkeypatch.setattr(revisions, "VERSIONS", tmp_path)
    revisions.head_revision.cache_clear()
    try:
        assert revisions.head_revision() == "d"
    finally:
        revisions.head_revision.cache_clear()
