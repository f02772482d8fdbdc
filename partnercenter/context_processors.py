"""What the page shell needs on every page: which areas of the navigation the signed-in user has. The areas of an
app are asked of that app's rules by its own context processor (e.g. relationships.context_processors)."""

from django.http import HttpRequest

from .access import ADMIN_ROLES, is_own_global_admin, own_directory_roles, partner_of


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_partner": partner_of(user),
        "nav_own_global_admin": is_own_global_admin(user),
        "nav_admin_center": user.tenant_id is not None and bool(own_directory_roles(user) & ADMIN_ROLES),
    }
