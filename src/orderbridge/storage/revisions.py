"""The migration revisions, read without Alembic: the head this code expects, and the
revision a database is at.

``serve`` and ``worker`` compare the two before they start (``commands/preflight``) and
``/health/ready`` on every call. Alembic's own way (``ScriptDirectory``,
``MigrationContext``) imports Alembic and Mako, about 12 MiB that would then sit in
every idle process for one string (docs/benchmarks.md, "Idle RSS"). The revision files
declare ``revision`` and ``down_revision`` as plain assignments, so reading those two
names from their syntax trees is enough; a test checks the answer against Alembic's.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from sqlalchemy import Connection, text

VERSIONS = Path(__file__).with_name("migrations") / "versions"


def _declared(path: Path) -> tuple[str | None, tuple[str, ...]]:
    """``(revision, down_revisions)`` as assigned at the top level of ``path``."""
    found: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, value = node.target.id, node.value
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            name, value = node.targets[0].id, node.value
        else:
            continue
        if name in ("revision", "down_revision") and value is not None:
            found[name] = ast.literal_eval(value)
    revision = found.get("revision")
    down = found.get("down_revision")
    downs: tuple[str, ...] = ()
    if isinstance(down, str):
        downs = (down,)
    elif isinstance(down, tuple | list):
        downs = tuple(str(d) for d in down)
    return (revision if isinstance(revision, str) else None), downs


@cache
def head_revision() -> str | None:
    """The newest revision shipped with this code (``None``: no revisions).

    Raises :class:`RuntimeError` if the revisions have several heads, as Alembic's
    ``get_current_head`` does: a branch someone forgot to chain.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in VERSIONS.glob("*.py"):
        revision, downs = _declared(path)
        if revision is not None:
            revisions.add(revision)
            parents.update(downs)
    heads = sorted(revisions - parents)
    if len(heads) > 1:
        raise RuntimeError(f"the migrations have several heads: {', '.join(heads)}")
    return heads[0] if heads else None


def database_revision(conn: Connection) -> str | None:
    """The revision the database is at (``None``: never migrated)."""
    if not conn.dialect.has_table(conn, "alembic_version"):
        return None
    found = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if found is None else str(found)
