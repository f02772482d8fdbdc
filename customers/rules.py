"""Who may do what on the customers' pages, beside the admin center's role table (partnercenter.access): who of a
partner adds subscriptions for a customer, and the admin center's rules about one user of the tenant (the target).
`target_roles` are the target's own directory roles; a user with any of them is an administrator."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from partnercenter.access import CAN_MANAGE_USERS, GA, RESET_ANY_PASSWORD, RESET_NON_ADMIN_PASSWORDS, AdminCenter
from partnercenter.models import SecurityGroup, User

# Adding a Microsoft 365 subscription for a customer: Admin agents and Sales agents.
SUBSCRIPTION_SELLERS = frozenset({SecurityGroup.Kind.ADMIN_AGENTS, SecurityGroup.Kind.SALES_AGENTS})


def tenant_user_for(center: AdminCenter, user_id: UUID) -> User:
    """A user of the admin center's tenant; 404 for any other user (the same answer for "missing" and "not
    yours")."""
    user = User.objects.filter(public_id=user_id, tenant=center.tenant).first()
    if user is None:
        raise Http404
    return user


def can_manage_user(center: AdminCenter, target_roles: frozenset[str]) -> bool:
    """Edit, delete, reset the password: Global and User Administrators; only a Global Administrator manages a Global
    Administrator (as in Azure AD)."""
    if not center.can(CAN_MANAGE_USERS):
        return False
    return GA not in target_roles or GA in center.roles


def can_reset_password_of(center: AdminCenter, target_roles: frozenset[str]) -> bool:
    """Who may manage the user; Global and Privileged Authentication Administrators, anyone's; Helpdesk and
    Authentication Administrators, of users who are not administrators."""
    return (
        can_manage_user(center, target_roles)
        or center.can(RESET_ANY_PASSWORD)
        or (center.can(RESET_NON_ADMIN_PASSWORDS) and not target_roles)
    )


def can_delete_user(center: AdminCenter, actor: User, target: User, target_roles: frozenset[str]) -> bool:
    """Who may manage the user, except the user itself: nobody deletes their own account."""
    return target.pk != actor.pk and can_manage_user(center, target_roles)


def require_can_manage_user(center: AdminCenter, target_roles: frozenset[str]) -> None:
    if not can_manage_user(center, target_roles):
        raise PermissionDenied(_("Your role does not include this."))


def require_can_reset_password_of(center: AdminCenter, target_roles: frozenset[str]) -> None:
    if not can_reset_password_of(center, target_roles):
        raise PermissionDenied(_("Your role does not include this."))


def require_can_delete_user(center: AdminCenter, actor: User, target: User, target_roles: frozenset[str]) -> None:
    if target.pk == actor.pk:
        raise PermissionDenied(_("You can't delete your own account."))
    require_can_manage_user(center, target_roles)
