"""Times are shown in the user's time zone: the one it chose, else its browser's (a cookie the page's script sets),
else UTC, and every shown time says which, with the exact time on hover."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from partnercenter.models import AuditEvent

MOMENT = datetime(2026, 7, 1, 12, 30, tzinfo=UTC)  # 20:30 in Taipei, 14:30 in Paris (summer time)


@pytest.fixture
def activity(world):
    """One event of partner A at a known moment, and the Activity log that shows it."""
    event = AuditEvent.objects.filter(actor__tenant=world.partner_a.tenant).order_by("-pk").first()
    assert event is not None  # the world's pending request wrote one
    AuditEvent.objects.filter(pk=event.pk).update(at=MOMENT)
    return reverse("partnersettings:activity")


def _shown(page: str) -> str:
    found = re.search(r'<time datetime="2026-07-01T12:30:00\+00:00" title="([^"]+)">', page)
    assert found, "the event's time is not shown as a <time> with its exact moment"
    return found.group(1)


def test_without_a_choice_or_a_browser_zone_times_say_utc(world, client_for, activity):
    assert _shown(client_for("a_admin").get(activity).content.decode()).endswith("(UTC)")


def test_the_browsers_zone_from_its_cookie(world, client_for, activity):
    client = client_for("a_admin")
    client.cookies["tz"] = "Asia/Taipei"
    assert _shown(client.get(activity).content.decode()) == "July 1, 2026, 8:30 p.m. (Asia/Taipei)"


def test_the_users_choice_wins_over_the_browser_and_follows_it_everywhere(world, client_for, activity):
    client = client_for("a_admin")
    client.cookies["tz"] = "Asia/Taipei"
    page = client.get(reverse("time_zone"))
    assert page.status_code == 200 and 'value="Europe/Paris"' in page.content.decode()
    response = client.post(reverse("time_zone"), {"time_zone": "Europe/Paris", "next": activity})
    assert response.status_code == 302 and response["Location"] == activity
    world.a_admin.refresh_from_db()
    assert world.a_admin.time_zone == "Europe/Paris"
    assert _shown(client.get(activity).content.decode()) == "July 1, 2026, 2:30 p.m. (Europe/Paris)"
    client.post(reverse("time_zone"), {"time_zone": ""})  # Automatic: the browser's again
    assert "(Asia/Taipei)" in _shown(client.get(activity).content.decode())


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", "x" * 500, "UTC\x01"])
def test_an_unknown_zone_is_refused_in_the_pages_language_and_nothing_is_saved(world, client_for, zone):
    client = client_for("a_admin")
    response = client.post(reverse("time_zone"), {"time_zone": zone}, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.status_code == 400
    assert "請從清單中選擇時區" in response.content.decode()
    world.a_admin.refresh_from_db()
    assert world.a_admin.time_zone == ""


@pytest.mark.parametrize("cookie", ["Mars/Olympus", "", "Asia/Taipei\\x", "%F0%9F%99%82"])
def test_a_cookie_naming_no_zone_is_ignored(world, client_for, activity, cookie):
    client = client_for("a_admin")
    client.cookies["tz"] = cookie
    response = client.get(activity)
    assert response.status_code == 200 and _shown(response.content.decode()).endswith("(UTC)")


def test_next_may_not_lead_off_the_site(world, client_for):
    response = client_for("a_admin").post(
        reverse("time_zone"), {"time_zone": "Europe/Paris", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("time_zone")


@pytest.mark.parametrize("zone", ["UTC", "Asia/Taipei", "Europe/Paris", "America/St_Johns"])
@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize(
    "moment",
    [MOMENT, datetime(2026, 1, 1, 0, 0, 5, 123456, tzinfo=UTC), datetime(2025, 12, 31, 23, 59, tzinfo=UTC), None],
)
def test_moments_of_a_list_read_as_when_always_did(zone, language, moment):
    """Moments (a list's rows, rendered in Python) writes what the `when` filter wrote with date_format and
    format_html."""
    from zoneinfo import ZoneInfo

    from django.contrib.humanize.templatetags.humanize import naturaltime
    from django.utils import timezone, translation
    from django.utils.formats import date_format
    from django.utils.html import format_html

    from partnercenter.templatetags.when import Moments, when

    with timezone.override(ZoneInfo(zone)), translation.override(language):
        if moment is None:
            expected = "—"
        else:
            exact = (
                f"{date_format(timezone.localtime(moment), 'DATETIME_FORMAT')} ({timezone.get_current_timezone_name()})"
            )
            expected = format_html(
                '<time datetime="{}" title="{}">{}</time>', moment.isoformat(), exact, naturaltime(moment)
            )
        assert Moments()(moment) == expected
        assert when(moment) == expected
