"""`{% azure_visible tenant as show_azure %}`: whether the signed-in user may see the tenant's Azure subscriptions
(its own Global admin, or a role on at least one), for the navigation."""

from django import template

from partnercenter.access import is_own_global_admin
from partnercenter.models import Tenant

from ..rules import azure_subscriptions_visible_to

register = template.Library()


@register.simple_tag(takes_context=True)
def azure_visible(context, tenant: Tenant) -> bool:
    if context.get("azure_nav"):  # an Azure page: the view has already answered
        return True
    request = context.get("request")
    user = getattr(request, "user", None)
    if tenant is None or user is None or not user.is_authenticated:
        return False
    if tenant.pk == user.tenant_id and is_own_global_admin(user):
        return True
    return azure_subscriptions_visible_to(user, tenant).exists()
