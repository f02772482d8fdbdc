"""Times in the user's time zone: the one the user chose, or else the one its browser reports (static/js/app.js keeps
it in a cookie), or else UTC, which the pages then say. Activated for each request by TimeZoneMiddleware, so every
date and time a template shows is already local."""

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.utils import timezone

# The cookie static/js/app.js sets from Intl.DateTimeFormat().resolvedOptions().timeZone.
BROWSER_COOKIE = "tz"


@cache
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone, by name, as a select offers them."""
    return [(name, name.replace("_", " ")) for name in sorted(known_zones())]


def valid_zone(name: str | None) -> str | None:
    """`name` if it is a time zone this machine knows, else None: a cookie or a form may hold anything."""
    return name if name and len(name) <= 64 and name in known_zones() else None


def zone_of(request) -> str | None:
    """The zone the request's times are shown in: the user's choice, else the browser's; None for UTC."""
    user = getattr(request, "user", None)
    chosen = getattr(user, "time_zone", "") if user is not None and user.is_authenticated else ""
    return valid_zone(chosen) or valid_zone(request.COOKIES.get(BROWSER_COOKIE))


class TimeZoneMiddleware:
    """Activates the request's time zone (zone_of) for the views and templates; after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = zone_of(request)
        if zone:
            timezone.activate(ZoneInfo(zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
