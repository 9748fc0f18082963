"""Opening hours on the Locations page, on both databases: shown as the admin API has
them, edited through the same service (storefronts see the status follow), refused
hours shown as typed with the problem next to its box and nothing written, and the
stuck-order wait beside the other settings.

The fixture's clock stands at Sunday 2026-11-22 12:00 in Kyiv (10:00 UTC).
"""

from __future__ import annotations

import html
from typing import Any

import pytest

from tests.integration.dashboard.conftest import (
    ADMIN_KEY,
    LOCATION,
    OTHER_LOCATION,
    STOREFRONT_KEY,
    Dashboard,
)

PAGE = "/admin/locations"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


def _hours_form(dash: Dashboard, **boxes: str) -> dict[str, str]:
    form = {day: "" for day in (*WEEKDAYS, "saturday", "sunday")}
    return {"csrf": dash.csrf(PAGE), "exceptions": "", **form, **boxes}


def _save(dash: Dashboard, location: str = LOCATION, **boxes: str) -> Any:
    return dash.client.post(f"{PAGE}/{location}/hours", data=_hours_form(dash, **boxes))


def _storefront(dash: Dashboard) -> dict[str, Any]:
    answer = dash.client.get(
        f"/api/v1/locations/{LOCATION}", headers={"Authorization": f"Bearer {STOREFRONT_KEY}"}
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _api_hours(dash: Dashboard) -> Any:
    answer = dash.client.get(
        f"/api/v1/admin/locations/{LOCATION}/hours",
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
    )
    assert answer.status_code == 200
    return answer.json()


def test_hours_saved_on_the_page_reach_the_api_and_the_storefront(dash: Dashboard) -> None:
    dash.login()
    assert _storefront(dash)["status"] == "open"  # no hours: around the clock
    assert "open around the clock" in dash.client.get(PAGE).text

    weekdays = {day: "09:00-14:00, 15:00-22:00" for day in WEEKDAYS}
    saved = _save(
        dash,
        **weekdays,
        saturday="10:00-23:00",
        sunday="closed",
        exceptions="2026-12-31 closed New Year's Eve\n2027-01-07 10:00-16:00 short day",
    )
    assert saved.status_code == 303 and "done=hours_saved" in saved.headers["location"]
    assert _api_hours(dash) == {
        "weekly": {
            **{
                day: [{"opens": "09:00", "closes": "14:00"}, {"opens": "15:00", "closes": "22:00"}]
                for day in WEEKDAYS
            },
            "saturday": [{"opens": "10:00", "closes": "23:00"}],
            "sunday": [],
        },
        "exceptions": [
            {"date": "2026-12-31", "intervals": [], "reason": "New Year's Eve"},
            {
                "date": "2027-01-07",
                "intervals": [{"opens": "10:00", "closes": "16:00"}],
                "reason": "short day",
            },
        ],
    }
    location = _storefront(dash)
    assert location["status"] == "closed"  # Sunday: a day off
    assert location["next_open_at"] == "2026-11-23T09:00:00+02:00"  # Monday, local time

    page = html.unescape(dash.client.get(saved.headers["location"]).text)
    assert "Opening hours saved" in page
    assert 'value="09:00-14:00, 15:00-22:00"' in page  # the boxes show what was saved
    assert "2026-12-31 closed New Year's Eve" in page
    assert "closed now, opens Mon 23 Nov 09:00" in page

    assert _save(dash, **weekdays, sunday="9:00 - 21:00").status_code == 303
    assert _storefront(dash)["status"] == "open"  # Sunday 12:00 is within the new hours
    assert "open now, closes Sun 22 Nov 21:00" in dash.client.get(PAGE).text


def test_open_around_the_clock_removes_the_hours(dash: Dashboard) -> None:
    dash.login()
    assert _save(dash, sunday="closed", monday="09:00-18:00").status_code == 303
    assert _storefront(dash)["status"] == "closed"
    cleared = dash.client.post(f"{PAGE}/{LOCATION}/hours/clear", data={"csrf": dash.csrf(PAGE)})
    assert cleared.status_code == 303 and "done=hours_cleared" in cleared.headers["location"]
    assert _api_hours(dash) is None
    assert _storefront(dash)["status"] == "open"


@pytest.mark.parametrize(
    ("boxes", "field", "said"),
    [
        ({"friday": "10:00-14:00, 13:00-18:00"}, "weekly.friday[1]", "overlaps"),
        ({"friday": "18:00-02:00", "saturday": "01:00-10:00"}, "weekly.saturday[0]", "overlaps"),
        ({"monday": "9 to 5"}, "weekly.monday", "cannot read"),
        ({"monday": "25:00-26:00"}, "weekly.monday[0]", "pattern"),
        ({"exceptions": "2026-02-30 closed"}, "exceptions[0].date", "date"),
        ({"exceptions": "tomorrow closed"}, "exceptions[0].date", "ISO 8601"),
        ({"exceptions": "2026-12-31 New Year"}, "exceptions[0]", "say 'closed'"),
        (
            {"exceptions": "2026-12-31 closed\n2026-12-31 10:00-12:00"},
            "exceptions[1].date",
            "already",
        ),
        (
            {"exceptions": "2026-12-31 10:00-14:00, 12:00-16:00"},
            "exceptions[0].intervals[1]",
            "overlaps",
        ),
    ],
)
def test_bad_hours_are_refused_with_their_field_and_nothing_is_written(
    dash: Dashboard, boxes: dict[str, str], field: str, said: str
) -> None:
    dash.login()
    assert _save(dash, sunday="10:00-20:00").status_code == 303
    before = _api_hours(dash)

    refused = _save(dash, **boxes)
    assert refused.status_code == 422
    page = html.unescape(refused.text)
    assert "invalid_hours" in page and f'data-field="{field}"' in page and said in page
    assert 'aria-invalid="true"' in page
    for typed in boxes.values():  # the form comes back as typed, to be corrected
        for line in typed.splitlines():
            assert line in page
    assert _api_hours(dash) == before


def test_hours_forms_need_the_csrf_token_and_the_tenants_own_location(dash: Dashboard) -> None:
    dash.login()
    form = _hours_form(dash, sunday="closed")
    without = {k: v for k, v in form.items() if k != "csrf"}
    assert dash.client.post(f"{PAGE}/{LOCATION}/hours", data=without).status_code == 403
    assert _api_hours(dash) is None
    assert _save(dash, OTHER_LOCATION, sunday="closed").status_code == 404
    cleared = dash.client.post(
        f"{PAGE}/{OTHER_LOCATION}/hours/clear", data={"csrf": dash.csrf(PAGE)}
    )
    assert cleared.status_code == 404


def test_the_stuck_order_wait_is_a_location_setting(dash: Dashboard) -> None:
    dash.login()
    assert 'name="stuck_after_minutes"' in dash.client.get(PAGE).text

    def settings(minutes: str) -> Any:
        form = {"csrf": dash.csrf(PAGE), "name": "Podil", "stuck_after_minutes": minutes}
        return dash.client.post(f"{PAGE}/{LOCATION}/settings", data=form)

    assert settings("25").status_code == 303
    page = dash.client.get(PAGE).text
    assert 'name="stuck_after_minutes" min="0" max="1440" step="1" value="25"' in page
    for bad in ("abc", "-5", "5000"):
        refused = settings(bad)
        assert refused.status_code == 422 and "stuck_after_minutes" in refused.text
    assert 'step="1" value="25"' in dash.client.get(PAGE).text
