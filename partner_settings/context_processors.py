"""The navigation's Apps, as the partner settings' rules decide it (Admin agents only)."""

from django.http import HttpRequest

from partnercenter.access import partner_group_kinds, partner_of

from .rules import APP_MANAGERS


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or partner_of(user) is None:
        return {"nav_apps": False}
    return {"nav_apps": bool(partner_group_kinds(user) & APP_MANAGERS)}
