"""What the page shell needs on every page: which areas of the navigation the signed-in user has."""

from django.http import HttpRequest

from .access import ADMIN_ROLES, is_own_global_admin, own_directory_roles, partner_group_kinds, partner_of
from .models import SecurityGroup


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    partner = partner_of(user)
    kinds = partner_group_kinds(user) if partner else frozenset()
    return {
        "nav_partner": partner,
        "nav_can_request": bool(kinds & {SecurityGroup.Kind.ADMIN_AGENTS, SecurityGroup.Kind.SALES_AGENTS}),
        "nav_own_global_admin": is_own_global_admin(user),
        "nav_admin_center": user.tenant_id is not None and bool(own_directory_roles(user) & ADMIN_ROLES),
    }
