"""Every migration shipped has upgrade notes an operator can read before running it."""

from __future__ import annotations

import re
from pathlib import Path

from orderbridge.storage.migrate import SCRIPT_LOCATION

ROOT = Path(__file__).resolve().parents[2]
NOTES = ROOT / "docs" / "upgrading.md"


def shipped_revisions() -> list[str]:
    found = []
    for path in sorted(Path(SCRIPT_LOCATION, "versions").glob("r*.py")):
        matched = re.search(r'^revision: str = "([^"]+)"', path.read_text(), re.MULTILINE)
        assert matched, f"{path.name} declares no revision"
        found.append(matched.group(1))
    return found


def test_every_migration_has_a_section_in_the_upgrade_notes() -> None:
    revisions = shipped_revisions()
    assert "0001_messaging" in revisions
    headings = set(re.findall(r"^### `([^`]+)`", NOTES.read_text(), re.MULTILINE))
    missing = [revision for revision in revisions if revision not in headings]
    assert not missing, (
        f"docs/upgrading.md has no '### `REVISION` — VERSION' section for {missing}: say what "
        "the migration changes, whether old processes may keep running during it, how long "
        "it takes on a large database and whether it is reversible"
    )
