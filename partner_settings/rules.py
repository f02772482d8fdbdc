"""Who may do what in the partner's own settings: User management (its own Global admins) and what each partner
role reads in the Activity log."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from partnercenter.access import (
    is_own_global_admin,
    partner_for,
    partner_group_kinds,
    partner_of,
    require_mfa,
    require_partner_role,
)
from partnercenter.http import AuthenticatedRequest
from partnercenter.models import ApiApplication, ApiClientSecret, Partner, SecurityGroup, User

Kind = SecurityGroup.Kind

# A partner user's roles are its memberships of the partner's built-in groups, in the order the pages show them.
PARTNER_ROLE_KINDS: tuple[str, ...] = (Kind.ADMIN_AGENTS, Kind.SALES_AGENTS, Kind.HELPDESK_AGENTS)


def partner_global_admin_for(request: AuthenticatedRequest) -> Partner:
    """The user's partner, if the user is a Global admin of the partner's own tenant (403 otherwise; 403 for users of
    tenants that are not partners, as for the whole partner area)."""
    partner = partner_for(request)
    if not is_own_global_admin(request.user):
        raise PermissionDenied(_("Only your organization's Global admins can manage its users."))
    return partner


def partner_user_for(request: AuthenticatedRequest, user_id: UUID) -> tuple[Partner, User]:
    """An active user of the partner's own tenant, for its Global admins (access as partner_global_admin_for; 404
    for any other user: another tenant's, a removed one, or none)."""
    partner = partner_global_admin_for(request)
    user = User.objects.filter(public_id=user_id, tenant_id=partner.tenant_id, is_active=True).first()
    if user is None:
        raise Http404
    return partner, user


# The partner's Activity log (Settings > Activity log, and its CSV export).
AZURE_OBJECT_DETAILS = frozenset({"subscription", "resource_group", "principal"})


def activity_log_withheld_details(user: User) -> frozenset[str]:
    """The details of the partner's Activity log that `user` may not read, as keys of AuditEvent.details.

    The rule: every partner user reads every event of the log, whoever of its organization did it, for which
    customer and when — the log is the organization's account of what it did, and each agent answers for it. The
    names of Azure objects (subscriptions, their resource groups, and who was given a role on them) are read only by
    Admin agents. Azure subscriptions are reached only through their own role assignments, which a partner gets for
    its Admin Agents group when it provisions one; Sales and Helpdesk agents hold none, so the Azure pages would not
    show them these names and the log must not either. (A customer may give the Helpdesk Agents a role on one
    subscription; they then read its names on its pages, not in the log, which cannot tell which subscription's names
    each of them may read at the time of asking.)"""
    if Kind.ADMIN_AGENTS in partner_group_kinds(user):
        return frozenset()
    return AZURE_OBJECT_DETAILS


# Settings > Security groups: every partner agent sees the partner's groups and their members; only Admin agents
# create custom groups and change their members (the built-in groups' members are User management's roles).
SECURITY_GROUP_READERS = frozenset({Kind.ADMIN_AGENTS, Kind.SALES_AGENTS, Kind.HELPDESK_AGENTS})
SECURITY_GROUP_MANAGERS = frozenset({Kind.ADMIN_AGENTS})


def can_manage_security_groups(user: User) -> bool:
    return bool(partner_group_kinds(user) & SECURITY_GROUP_MANAGERS)


def security_groups_for(request: AuthenticatedRequest, *, change: bool = False) -> Partner:
    """The user's partner, for its agents (403 otherwise); with `change`, for its Admin agents only."""
    partner = require_partner_role(request, *(SECURITY_GROUP_MANAGERS if change else SECURITY_GROUP_READERS))
    require_mfa(request)
    return partner


def security_group_for(request: AuthenticatedRequest, group_id: UUID, *, change: bool = False) -> SecurityGroup:
    """A security group of the user's partner's own tenant (404 for any other), as security_groups_for allows; a
    change of a built-in group is refused (403): its members are set on User management."""
    partner = partner_of(request.user)
    if partner is None:
        raise Http404
    group = SecurityGroup.objects.filter(public_id=group_id, tenant_id=partner.tenant_id).first()
    if group is None:
        raise Http404
    security_groups_for(request, change=change)
    if change and group.kind != Kind.CUSTOM:
        raise PermissionDenied(_("The built-in groups' members are set by their roles, on User management."))
    return group


# Settings > Apps: a partner's app registrations act for the whole partner through the API, so only its Admin agents
# see and manage them (their secrets above all).
APP_MANAGERS = frozenset({Kind.ADMIN_AGENTS})


def apps_for(request: AuthenticatedRequest) -> Partner:
    """The user's partner, for its Admin agents (403 for its other agents and for anyone who is not a partner user)."""
    partner = require_partner_role(request, *APP_MANAGERS)
    require_mfa(request)
    return partner


def app_for(request: AuthenticatedRequest, app_id: UUID) -> ApiApplication:
    """An app of the user's partner that is not removed (404 for any other), for its Admin agents (403)."""
    partner = partner_of(request.user)
    if partner is None:
        raise Http404
    app = ApiApplication.objects.filter(public_id=app_id, partner=partner, removed_at__isnull=True).first()
    if app is None:
        raise Http404
    apps_for(request)
    return app


def app_secret_for(request: AuthenticatedRequest, app_id: UUID, secret_id: UUID) -> ApiClientSecret:
    app = app_for(request, app_id)
    secret = ApiClientSecret.objects.filter(public_id=secret_id, application=app).first()
    if secret is None:
        raise Http404
    return secret
