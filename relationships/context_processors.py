"""The navigation's Request a reseller relationship, as the relationships' rules decide it."""

from django.http import HttpRequest

from partnercenter.access import partner_group_kinds, partner_of

from .rules import can_request


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or partner_of(user) is None:
        return {"nav_can_request": False}
    return {"nav_can_request": can_request(partner_group_kinds(user))}
