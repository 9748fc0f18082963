"""``orderbridge locations hours`` and ``locations update --stuck-after-minutes`` on a
real database (both): hours set from a file as the admin API takes them, shown, refused
in one line with the field (nothing changed), and removed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from orderbridge.cli import app
from tests.integration.admin.test_commands import run as run

HOURS = {
    "weekly": {"monday": [{"opens": "09:00", "closes": "18:00"}],
               "friday": [{"opens": "18:00", "closes": "02:00"}]},
    "exceptions": [{"date": "2026-12-31", "intervals": [], "reason": "New Year's Eve"}],
}  # fmt: skip


@pytest.fixture
def location(run: CliRunner) -> str:
    tenant = json.loads(run.invoke(app, ["tenants", "create", "Бріош", "--json"]).stdout)
    zone = ["--timezone", "Europe/Kyiv", "--currency", "UAH"]
    added = run.invoke(app, ["locations", "add", tenant["tenant_id"], "Podil", *zone, "--json"])
    assert added.exit_code == 0, added.output
    return str(json.loads(added.stdout)["id"])


def _hours(run: CliRunner, *args: str) -> Any:
    result = run.invoke(app, ["locations", "hours", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_hours_are_set_from_a_file_shown_and_cleared(
    run: CliRunner,
    location: str,
    tmp_path: Path,
) -> None:
    assert _hours(run, location) is None  # open around the clock
    file = tmp_path / "hours.json"
    file.write_text(json.dumps(HOURS), encoding="utf-8")
    saved = _hours(run, location, "--set", str(file))
    assert saved["weekly"]["monday"] == HOURS["weekly"]["monday"]
    assert saved["weekly"]["friday"] == HOURS["weekly"]["friday"]
    assert saved["weekly"]["sunday"] == [] and saved["exceptions"] == HOURS["exceptions"]
    assert _hours(run, location) == saved
    from_stdin = run.invoke(
        app, ["locations", "hours", location, "--set", "-"], input=json.dumps(HOURS)
    )
    assert from_stdin.exit_code == 0 and json.loads(from_stdin.stdout) == saved
    assert _hours(run, location, "--clear") is None


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ('{"weekly": ', "malformed_json: "),
        (
            json.dumps({"weekly": {"friday": [{"opens": "10:00", "closes": "14:00"},
                                              {"opens": "13:00", "closes": "18:00"}]}}),
            "invalid_hours: overlaps other opening hours of the same day (weekly.friday[1])",
        ),
        (
            json.dumps({"weekly": {"monday": [{"opens": "25:00", "closes": "26:00"}]}}),
            "invalid_hours: ",
        ),
        (
            json.dumps({"weekly": {}, "exceptions": [{"date": "2026-12-31"},
                                                     {"date": "2026-12-31"}]}),
            "invalid_hours: exceptions[0] is for 2026-12-31 already (exceptions[1].date)",
        ),
    ],
)  # fmt: skip
def test_bad_hours_are_one_line_and_change_nothing(
    run: CliRunner,
    location: str,
    tmp_path: Path,
    text: str,
    starts: str,
) -> None:
    file = tmp_path / "hours.json"
    file.write_text(json.dumps(HOURS), encoding="utf-8")
    before = _hours(run, location, "--set", str(file))
    file.write_text(text, encoding="utf-8")
    refused = run.invoke(app, ["locations", "hours", location, "--set", str(file)])
    assert refused.exit_code == 1, refused.output
    assert refused.stderr.startswith(starts) and refused.stderr.count("\n") == 1
    assert _hours(run, location) == before


def test_unknown_locations_files_and_both_options_are_refused(
    run: CliRunner,
    location: str,
    tmp_path: Path,
) -> None:
    for args, starts in [
        (["loc_nope"], "unknown_location: "),
        ([location, "--set", str(tmp_path / "missing.json")], "unreadable: "),
        ([location, "--set", "-", "--clear"], "invalid_value: "),
    ]:
        refused = run.invoke(app, ["locations", "hours", *args])
        assert refused.exit_code == 1 and refused.stderr.startswith(starts), refused.output


def test_the_stuck_order_wait_is_set_from_the_command_line(
    run: CliRunner,
    location: str,
) -> None:
    changed = run.invoke(
        app, ["locations", "update", location, "--stuck-after-minutes", "25", "--json"]
    )
    assert changed.exit_code == 0 and json.loads(changed.stdout)["stuck_after_minutes"] == 25
    refused = run.invoke(app, ["locations", "update", location, "--stuck-after-minutes", "5000"])
    assert refused.exit_code == 1 and refused.stderr.startswith("invalid_value: ")
