"""State changes of granular delegated admin (GDAP): a partner's Admin agents create an admin relationship with chosen
roles and a duration, finalize it (a personalized link for the customer), the customer's Global admin approves or
rejects it, the partner assigns its security groups some of its roles, and either side ends it.

Every function is transactional, locks the relationship it changes, checks its state there (so that two clicks, two
tabs or two workers cannot both act), and writes its audit event. Who may call them is the views' and the rules'
business (admin_relationships/rules.py); the services keep the relationship's own invariants whoever calls."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partnercenter.audit import audit_record
from partnercenter.emails import email_enqueue
from partnercenter.languages import language_of
from partnercenter.models import (
    AccessAssignment,
    AdminRelationship,
    ApiApplication,
    AuditAction,
    DirectoryRole,
    OutboxEmail,
    Partner,
    ResellerRelationship,
    SecurityGroup,
    Tenant,
    User,
)
from partnercenter.roles import CATALOGUE
from partnercenter.services import customer_through_granular_admin
from partnercenter.tokens import token_hash, token_matches_hash, token_new

from .models import BulkRequest, BulkRequestItem, RoleTemplate, RoleTemplateEntry, TemplatedRelationship
from .selectors import role_rows

log = logging.getLogger(__name__)

Status = AdminRelationship.Status
GA = DirectoryRole.GLOBAL_ADMINISTRATOR
# An unapproved request expires after this many days, as Partner Center's do.
APPROVAL_WINDOW_DAYS = 90


@dataclass(frozen=True)
class FinalizedRelationship:
    """A relationship just finalized and its approval token, shown once in the draft email (only its hash is kept)."""

    relationship: AdminRelationship
    token: str


def _clean_roles(roles) -> list[str]:
    cleaned = sorted(set(roles))
    if not cleaned:
        raise ValidationError({"roles": _("Choose at least one role.")})
    if set(cleaned) - set(DirectoryRole.values):
        raise ValidationError({"roles": _("Choose roles from the list.")})
    return cleaned


def _check_auto_extend(roles: list[str], auto_extend: bool) -> None:
    if auto_extend and GA in roles:
        raise ValidationError(
            {"auto_extend": _("A relationship with the Global Administrator role can't be extended automatically.")}
        )


def _locked(relationship: AdminRelationship) -> AdminRelationship:
    return (
        AdminRelationship.objects.select_for_update(of=("self",))
        .select_related("partner__tenant", "customer")
        .get(pk=relationship.pk)
    )


def _record_change(
    action: AuditAction,
    relationship: AdminRelationship,
    actor: User | None,
    app: ApiApplication | None = None,
    *,
    system: bool = False,
    **details: Any,
) -> None:
    """The audit event of a change to one of the partner's admin relationships or their access assignments: in the
    customer's tenant, by the partner (or, with `system`, by the portal for the partner), with the relationship's
    name first in the details."""
    audit_record(
        actor=actor,
        action=action,
        target_tenant=relationship.customer,
        obj=relationship,
        details={"name": relationship.display_name, **details},
        acting_for=None if system else relationship.partner,
        system_for=relationship.partner if system else None,
        app=app,
    )


def _require_status(relationship: AdminRelationship, *statuses: str) -> None:
    if relationship.status not in statuses:
        raise ValidationError(
            _("This admin relationship is %(status)s: it can't be changed this way.")
            % {"status": relationship.get_status_display().lower()},
            code="status",
        )


@transaction.atomic
def admin_relationship_create(
    *,
    partner: Partner,
    customer: Tenant | None,
    created_by: User | None,
    display_name: str,
    roles,
    duration_days: int = AdminRelationship.DURATION_DEFAULT_DAYS,
    auto_extend: bool = False,
    app: ApiApplication | None = None,
    template: RoleTemplate | None = None,
) -> AdminRelationship:
    """A new admin relationship of `partner` with `customer`, in status created: roles from the catalogue, at least
    one; 1 to 730 days; auto-extend (by 180 days) never with Global Administrator. Without a customer (a request
    for a customer who is not yet one), the tenant of the Global admin who approves it becomes the customer. Started
    from one of the partner's role `template`s, it remembers it: on approval, the template's groups get their roles
    (see admin_relationship_finalize)."""
    if template is not None and template.partner_id != partner.pk:
        raise ValidationError({"template": _("Choose one of your organization's role templates.")})
    name = " ".join(display_name.split())
    cleaned = _clean_roles(roles)
    _check_auto_extend(cleaned, auto_extend)
    relationship = AdminRelationship(
        partner=partner,
        customer=customer,
        display_name=name,
        roles=cleaned,
        duration_days=duration_days,
        auto_extend_days=AdminRelationship.AUTO_EXTEND_DAYS if auto_extend else 0,
        created_by=created_by,
    )
    relationship.full_clean(validate_unique=False, validate_constraints=False)
    if not 1 <= duration_days <= AdminRelationship.DURATION_MAX_DAYS:
        raise ValidationError({"duration_days": _("Choose a duration of 1 to 730 days.")})
    if AdminRelationship.objects.filter(partner=partner, display_name__iexact=name).exists():
        raise ValidationError(
            {"display_name": _("Your organization already has an admin relationship with this name.")}
        )
    relationship.save()
    details = {"name": name, "roles": cleaned, "duration_days": duration_days, "auto_extend": auto_extend}
    if template is not None:
        TemplatedRelationship.objects.create(
            relationship=relationship,
            template=template,
            template_name=template.name,
            assignments=_template_assignments(template.pk, relationship),
        )
        details["template"] = template.name
    audit_record(
        actor=created_by,
        action=AuditAction.ADMIN_RELATIONSHIP_CREATE,
        target_tenant=customer,
        obj=relationship,
        details=details,
        acting_for=partner,
        app=app,
    )
    return relationship


@transaction.atomic
def admin_relationship_finalize(
    *, relationship: AdminRelationship, finalized_by: User | None, app: ApiApplication | None = None
) -> FinalizedRelationship:
    """Lock the request for the customer's approval: status approval pending, and a personalized link (256 random
    bits, stored hashed) for the customer's Global admin."""
    locked = _locked(relationship)
    _require_status(locked, Status.CREATED)
    token = token_new()
    locked.token_hash = token_hash(token)
    locked.status = Status.APPROVAL_PENDING
    locked.save(update_fields=["token_hash", "status", "updated_at"])
    _snapshot_template(locked)
    _record_change(AuditAction.ADMIN_RELATIONSHIP_FINALIZE, locked, finalized_by, app=app)
    return FinalizedRelationship(locked, token)


def _template_assignments(template_id: int | None, relationship: AdminRelationship) -> list[dict]:
    """What a template assigns on approval of `relationship`: each of the template's groups (of the partner's own
    tenant) with those of its roles the relationship asks for."""
    if template_id is None:
        return []
    wanted = set(relationship.roles)
    by_group: dict[int, list[str]] = {}
    entries = RoleTemplateEntry.objects.filter(
        template_id=template_id, security_group__tenant_id=relationship.partner.tenant_id
    ).order_by("security_group_id", "role")
    for entry in entries:
        if entry.role in wanted:
            by_group.setdefault(entry.security_group_id, []).append(entry.role)
    return [{"group": group, "roles": roles} for group, roles in by_group.items()]


def _snapshot_template(relationship: AdminRelationship) -> None:
    """Fix what the approval of a relationship requested from a template will assign, now that the request is
    locked: the template's groups as they are now (as they were at the request, if it was deleted since). A later
    edit or deletion of the template changes nothing for this request."""
    templated = (
        TemplatedRelationship.objects.select_for_update().filter(relationship=relationship, snapshot_at=None).first()
    )
    if templated is None:
        return
    if templated.template_id is not None:
        templated.assignments = _template_assignments(templated.template_id, relationship)
    templated.snapshot_at = timezone.now()
    templated.save(update_fields=["assignments", "snapshot_at"])


def approval_link(token: str) -> str:
    """The personalized link of a finalized request. Built from SITE_URL, never from the request's Host header, so a
    forged Host cannot send customers elsewhere."""
    return settings.SITE_URL + reverse("adminrelationships:approval", kwargs={"token": token})


class DraftAlreadySent(Exception):
    """This link's draft was already sent: a double click or a second tab."""


@transaction.atomic
def admin_relationship_send(
    *,
    relationship: AdminRelationship,
    sent_by: User,
    token: str,
    recipient_email: str,
    message: str,
    language: str,
) -> OutboxEmail:
    """Email the agent's draft (editable, but keeping the personalized link) to the customer, through the outbox.
    Once: the relationship is locked, and a second post finds the first one's email (DraftAlreadySent)."""
    locked = _locked(relationship)
    _require_status(locked, Status.APPROVAL_PENDING)
    if not token_matches_hash(token, locked.token_hash):
        raise ValidationError(_("This draft's link is no longer valid."), code="token")
    errors = {}
    try:
        validate_email(recipient_email)
    except ValidationError:
        errors["recipient_email"] = _("Enter a valid email address.")
    link = approval_link(token)
    if link not in message:
        errors["message"] = _("The message must include the personalized link: %(link)s") % {"link": link}
    if errors:
        raise ValidationError(errors)
    if OutboxEmail.objects.filter(topic_type=AdminRelationship._meta.label, topic_id=str(locked.public_id)).exists():
        raise DraftAlreadySent
    email = email_enqueue(
        to=recipient_email,
        template="admin_relationship_request",
        context={"message": message, "partner_name": locked.partner.name, "link": link},
        language=language,
        topic=locked,
    )
    _record_change(AuditAction.ADMIN_RELATIONSHIP_SEND, locked, sent_by, recipient=recipient_email)
    return email


def approval_expires_at(relationship: AdminRelationship) -> datetime:
    """When an unapproved request's link stops working (APPROVAL_WINDOW_DAYS after it was created)."""
    return relationship.created_at + timedelta(days=APPROVAL_WINDOW_DAYS)


def approval_expired(relationship: AdminRelationship) -> bool:
    return approval_expires_at(relationship) <= timezone.now()


@transaction.atomic
def admin_relationship_approve(*, relationship: AdminRelationship, approved_by: User) -> AdminRelationship:
    """The customer's Global admin approves every role: the relationship is active from now until now + its
    duration. (The caller has checked the link and that `approved_by` is a Global admin of the customer.)"""
    locked = _locked(relationship)
    _require_status(locked, Status.APPROVAL_PENDING)
    if approval_expired(locked):
        raise ValidationError(_("This request has expired. Ask the partner for a new one."), code="expired")
    now = timezone.now()
    locked.status = Status.ACTIVE
    locked.activated_at = now
    locked.ends_at = now + timedelta(days=locked.duration_days)
    locked.approved_by = approved_by
    if locked.customer is None:  # requested of a customer who was not yet one: the approver's tenant becomes it
        locked.customer = _new_customer(locked, approved_by)
    locked.token_hash = None  # the link has done its work
    locked.save(
        update_fields=["status", "activated_at", "ends_at", "approved_by", "customer", "token_hash", "updated_at"]
    )
    customer_through_granular_admin(partner=locked.partner, customer=locked.customer, approved_at=now)
    audit_record(
        actor=approved_by,
        action=AuditAction.ADMIN_RELATIONSHIP_APPROVE,
        target_tenant=locked.customer,
        obj=locked,
        details={
            "name": locked.display_name,
            "partner": locked.partner.name,
            "roles": locked.roles,
            "ends_at": locked.ends_at.isoformat(),
        },
    )
    _approval_notices(locked, approved_by)
    _apply_template(locked)
    return locked


def _apply_template(relationship: AdminRelationship) -> None:
    """On approval, the groups of the template the request came from get their roles at once, as pending access
    assignments the task activates (no second trip for the partner). From the snapshot taken at finalization; a
    group deleted meanwhile is skipped. Once: `applied_at` marks it."""
    from .tasks import activate_access_assignment  # noqa: PLC0415 -- tasks import this module (tasks call services)

    templated = (
        TemplatedRelationship.objects.select_for_update().filter(relationship=relationship, applied_at=None).first()
    )
    if templated is None:
        return
    groups = SecurityGroup.objects.in_bulk([item["group"] for item in templated.assignments])
    allowed = set(relationship.roles)
    created = []
    for item in templated.assignments:
        group = groups.get(item["group"])
        roles = sorted(set(item["roles"]) & allowed)
        if group is None or group.tenant_id != relationship.partner.tenant_id or not roles:
            continue
        created.append(AccessAssignment(relationship=relationship, security_group=group, roles=roles))
    AccessAssignment.objects.bulk_create(created)
    templated.applied_at = timezone.now()
    templated.save(update_fields=["applied_at"])
    for assignment in created:
        _record_change(
            AuditAction.ACCESS_ASSIGNMENT_CREATE,
            relationship,
            None,
            group=assignment.security_group.name,
            roles=assignment.roles,
            template=templated.template_name,
        )
    ids = [assignment.pk for assignment in created]

    def activate() -> None:
        for pk in ids:
            activate_access_assignment.delay(pk)

    transaction.on_commit(activate)


def _new_customer(relationship: AdminRelationship, approved_by: User) -> Tenant:
    """The approver's tenant, which becomes the customer of a request that named none: a customer tenant, never a
    partner's (the requesting partner's own included). Checked here, under the relationship's lock, whatever the
    caller checked."""
    tenant = approved_by.tenant
    if tenant is None or Partner.objects.filter(tenant=tenant).exists():
        raise ValidationError(_("Only a customer's Global admin can approve or reject partner roles."), code="customer")
    return tenant


def _admin_agents(relationship: AdminRelationship) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        security_groups__tenant_id=relationship.partner.tenant_id,
        security_groups__kind=SecurityGroup.Kind.ADMIN_AGENTS,
    )


def _global_admins(customer: Tenant) -> QuerySet[User]:
    return User.objects.filter(is_active=True, tenant_id=customer.pk, role_assignments__role=GA)


def _role_labels(roles) -> list:
    wanted = set(roles)
    return [definition.role.label for value, definition in CATALOGUE.items() if value in wanted]


def _partner_link(relationship: AdminRelationship) -> str:
    """Where the partner's agents see the relationship (the customer's page, or the Customers page before there is
    a customer)."""
    if relationship.customer is None:
        return settings.SITE_URL + reverse("customers:list")
    return settings.SITE_URL + reverse(
        "customers:admin_relationship", args=[relationship.customer.public_id, relationship.public_id]
    )


def _customer_link(relationship: AdminRelationship, customer: Tenant) -> str:
    """Where the customer's Global admins see it: Settings > Partner relationships, the partner's details."""
    return settings.SITE_URL + reverse(
        "admincenter:partner_relationship_detail", args=[customer.public_id, relationship.partner.tenant.public_id]
    )


def _notify(
    relationship: AdminRelationship,
    *,
    template: str,
    context: dict,
    partner_side: bool = True,
    customer_side: bool = True,
    customer: Tenant | None = None,
) -> int:
    """Email the partner's Admin agents and/or the customer's Global admins about the relationship, each in their
    language, through the outbox (in the caller's transaction: the emails go if, and only if, the change commits).
    Every email names the partner, the customer, the relationship, its roles and its end date. Returns how many."""
    customer = customer or relationship.customer
    recipients: list[tuple[User, str, bool]] = []
    if partner_side:
        link = _partner_link(relationship)
        recipients += [(user, link, True) for user in _admin_agents(relationship).order_by("pk")]
    if customer_side and customer is not None:
        link = _customer_link(relationship, customer)
        recipients += [(user, link, False) for user in _global_admins(customer).order_by("pk")]
    base = {
        "partner_name": relationship.partner.name,
        "customer_name": customer.name if customer else "",
        "relationship_name": relationship.display_name,
        "roles": _role_labels(relationship.roles),
        "ends_at": relationship.ends_at,
        "auto_extend_days": relationship.auto_extend_days,
        **context,
    }
    for recipient, link, is_partner in recipients:
        email_enqueue(
            to=recipient.email,
            template=template,
            context={**base, "recipient": recipient, "link": link, "partner_side": is_partner},
            language=language_of(recipient),
            topic=relationship,
        )
    return len(recipients)


def _approval_notices(relationship: AdminRelationship, approved_by: User) -> None:
    """Both sides are told: the partner's Admin agents and the customer's Global admins, each in their language,
    naming the approver, the roles and the end date."""
    _notify(relationship, template="admin_relationship_approved", context={"approver": approved_by})


@transaction.atomic
def admin_relationship_reject(*, relationship: AdminRelationship, rejected_by: User) -> AdminRelationship:
    locked = _locked(relationship)
    _require_status(locked, Status.APPROVAL_PENDING)
    locked.status = Status.REJECTED
    locked.token_hash = None
    locked.ended_at = timezone.now()
    locked.save(update_fields=["status", "token_hash", "ended_at", "updated_at"])
    audit_record(
        actor=rejected_by,
        action=AuditAction.ADMIN_RELATIONSHIP_REJECT,
        target_tenant=locked.customer,
        obj=locked,
        details={"name": locked.display_name, "partner": locked.partner.name},
    )
    # The partner learns that it will not get these roles (its lost-access email); the customer knows: it rejected.
    _notify(
        locked,
        template="admin_relationship_rejected",
        context={"actor": rejected_by, "ended_at": locked.ended_at},
        customer_side=False,
        customer=locked.customer or rejected_by.tenant,
    )
    return locked


@transaction.atomic
def admin_relationship_terminate(
    *,
    relationship: AdminRelationship,
    terminated_by: User | None,
    acting_for: Partner | None = None,
    app: ApiApplication | None = None,
) -> AdminRelationship:
    """End an active relationship at once, from either side (the partner's Admin agents: `acting_for` its partner;
    the customer's Global admin, Remove roles: None). Its roles are gone from this moment, and both sides are told by
    email (the partner's Admin agents, of the access they lost; the customer's Global admins, of the roles gone)."""
    locked = _locked(relationship)
    _require_status(locked, Status.ACTIVE, Status.TERMINATION_REQUESTED)
    now = timezone.now()
    locked.status = Status.TERMINATED
    locked.ends_at = min(locked.ends_at or now, now)
    locked.ended_at = now
    locked.save(update_fields=["status", "ends_at", "ended_at", "updated_at"])
    AccessAssignment.objects.filter(relationship=locked).exclude(status=AccessAssignment.Status.DELETED).update(
        status=AccessAssignment.Status.DELETED, updated_at=timezone.now()
    )
    audit_record(
        actor=terminated_by,
        action=AuditAction.ADMIN_RELATIONSHIP_TERMINATE,
        target_tenant=locked.customer,
        obj=locked,
        details={"name": locked.display_name, **({} if acting_for else {"partner": locked.partner.name})},
        acting_for=acting_for,
        app=app,
    )
    _notify(
        locked,
        template="admin_relationship_ended",
        context={"reason": "partner" if acting_for else "customer", "actor": terminated_by, "ended_at": now},
    )
    return locked


@transaction.atomic
def admin_relationship_auto_extend_set(
    *, relationship: AdminRelationship, auto_extend: bool, changed_by: User | None, app: ApiApplication | None = None
) -> AdminRelationship:
    """Switch auto-extend (by 180 days at the end date) of a relationship being drafted or active (a finalized
    request is locked: the customer approves what it was sent); never with Global Administrator among its roles."""
    locked = _locked(relationship)
    _require_status(locked, Status.CREATED, Status.ACTIVE)
    _check_auto_extend(locked.roles, auto_extend)
    days = AdminRelationship.AUTO_EXTEND_DAYS if auto_extend else 0
    if locked.auto_extend_days == days:
        return locked
    locked.auto_extend_days = days
    locked.save(update_fields=["auto_extend_days", "updated_at"])
    _record_change(AuditAction.ADMIN_RELATIONSHIP_UPDATE, locked, changed_by, app=app, auto_extend=auto_extend)
    return locked


@transaction.atomic
def admin_relationship_remove_global_admin(
    *, relationship: AdminRelationship, removed_by: User | None, app: ApiApplication | None = None
) -> AdminRelationship:
    """The one change an active relationship's roles allow: removing Global Administrator, from the relationship and
    from every assignment in it at once (an assignment left without a role is removed). Refused when it is the only
    role: terminate the relationship instead."""
    locked = _locked(relationship)
    _require_status(locked, Status.ACTIVE)
    if GA not in locked.roles:
        raise ValidationError(_("This admin relationship doesn't include the Global Administrator role."))
    remaining = [role for role in locked.roles if role != GA]
    if not remaining:
        raise ValidationError(_("Global Administrator is this relationship's only role: terminate it instead."))
    locked.roles = remaining
    locked.save(update_fields=["roles", "updated_at"])
    assignments = AccessAssignment.objects.select_for_update().filter(relationship=locked)
    for assignment in assignments.exclude(status=AccessAssignment.Status.DELETED):
        if GA not in assignment.roles:
            continue
        assignment.roles = [role for role in assignment.roles if role != GA]
        if not assignment.roles:
            assignment.status = AccessAssignment.Status.DELETED
        assignment.save(update_fields=["roles", "status", "updated_at"])
    _record_change(AuditAction.ADMIN_RELATIONSHIP_UPDATE, locked, removed_by, app=app, roles=remaining)
    return locked


@transaction.atomic
def access_assignment_create(
    *,
    relationship: AdminRelationship,
    security_group: SecurityGroup,
    roles,
    created_by: User | None,
    app: ApiApplication | None = None,
) -> AccessAssignment:
    """Give one of the partner's security groups some of an active relationship's roles: pending until the task
    (admin_relationships.tasks.activate_access_assignment) activates it, after the commit."""
    from .tasks import activate_access_assignment  # noqa: PLC0415 -- tasks import this module (tasks call services)

    locked = _locked(relationship)
    _require_status(locked, Status.ACTIVE)
    if security_group.tenant_id != locked.partner.tenant_id:
        raise ValidationError({"security_group": _("Choose one of your organization's security groups.")})
    cleaned = _clean_roles(roles)
    if set(cleaned) - set(locked.roles):
        raise ValidationError({"roles": _("Choose roles of this admin relationship.")})
    if (
        AccessAssignment.objects.filter(relationship=locked, security_group=security_group)
        .exclude(status=AccessAssignment.Status.DELETED)
        .exists()
    ):
        raise ValidationError({"security_group": _("This security group already has roles in this relationship.")})
    assignment = AccessAssignment.objects.create(relationship=locked, security_group=security_group, roles=cleaned)
    _record_change(
        AuditAction.ACCESS_ASSIGNMENT_CREATE, locked, created_by, app=app, group=security_group.name, roles=cleaned
    )
    assignment_id = assignment.pk
    transaction.on_commit(lambda: activate_access_assignment.delay(assignment_id))
    return assignment


@transaction.atomic
def access_assignment_activate(*, assignment_id: int) -> AccessAssignment | None:
    """Activate a pending assignment (the task's work). Idempotent: anything but a pending assignment of an active
    relationship is left as it is; an assignment whose relationship ended meanwhile fails with the reason."""
    assignment = (
        AccessAssignment.objects.select_for_update(of=("self",))
        .select_related("relationship__customer", "relationship__partner__tenant", "security_group")
        .filter(pk=assignment_id, status=AccessAssignment.Status.PENDING)
        .first()
    )
    if assignment is None:
        return None
    relationship = assignment.relationship
    if relationship.status != Status.ACTIVE or (relationship.ends_at and relationship.ends_at <= timezone.now()):
        assignment.status = AccessAssignment.Status.ERROR
        assignment.failure = "The admin relationship is no longer active."
        assignment.save(update_fields=["status", "failure", "updated_at"])
        return assignment
    assignment.status = AccessAssignment.Status.ACTIVE
    assignment.save(update_fields=["status", "updated_at"])
    _record_change(
        AuditAction.ACCESS_ASSIGNMENT_ACTIVATE,
        relationship,
        None,
        group=assignment.security_group.name,
        roles=assignment.roles,
    )
    return assignment


@transaction.atomic
def access_assignment_update(
    *, assignment: AccessAssignment, roles, changed_by: User | None, app: ApiApplication | None = None
) -> AccessAssignment:
    """Change the roles a security group has in an active relationship (some of the relationship's, at least one).
    As Graph's PATCH of an accessAssignment does, the assignment goes back to pending, and the task
    (admin_relationships.tasks.activate_access_assignment) activates it again after the commit: until then its members
    hold none of its roles, so a role taken away is gone at once. The same roles again change nothing. From the
    partner's page (`changed_by`, its Admin agent) or Graph's PATCH (`app`)."""
    from .tasks import activate_access_assignment  # noqa: PLC0415 -- tasks import this module (tasks call services)

    relationship = _locked(assignment.relationship)
    locked = (
        AccessAssignment.objects.select_for_update(of=("self",))
        .select_related("security_group")
        .filter(pk=assignment.pk, relationship=relationship)
        .first()
    )
    if locked is None or locked.status in (AccessAssignment.Status.DELETED, AccessAssignment.Status.DELETING):
        raise ValidationError(_("These roles were removed: they can't be changed."), code="status")
    _require_status(relationship, Status.ACTIVE)
    if relationship.ends_at is not None and relationship.ends_at <= timezone.now():
        raise ValidationError(_("This admin relationship has expired: its roles can't be changed."), code="status")
    cleaned = _clean_roles(roles)
    if set(cleaned) - set(relationship.roles):
        raise ValidationError({"roles": _("Choose roles of this admin relationship.")})
    if cleaned == sorted(locked.roles) and locked.status in (
        AccessAssignment.Status.ACTIVE,
        AccessAssignment.Status.PENDING,
    ):
        return locked
    previous = sorted(locked.roles)
    locked.roles = cleaned
    locked.status = AccessAssignment.Status.PENDING
    locked.failure = ""
    locked.save(update_fields=["roles", "status", "failure", "updated_at"])
    _record_change(
        AuditAction.ACCESS_ASSIGNMENT_UPDATE,
        relationship,
        changed_by,
        app=app,
        group=locked.security_group.name,
        roles=cleaned,
        roles_before=previous,
    )
    assignment_id = locked.pk
    transaction.on_commit(lambda: activate_access_assignment.delay(assignment_id))
    return locked


@transaction.atomic
def access_assignment_remove(
    *, assignment: AccessAssignment, removed_by: User | None, app: ApiApplication | None = None
) -> None:
    """Take a security group's roles away at once."""
    locked = (
        AccessAssignment.objects.select_for_update(of=("self",))
        .select_related("relationship__customer")
        .get(pk=assignment.pk)
    )
    if locked.status == AccessAssignment.Status.DELETED:
        return
    locked.status = AccessAssignment.Status.DELETED
    locked.save(update_fields=["status", "updated_at"])
    relationship = locked.relationship
    _record_change(
        AuditAction.ACCESS_ASSIGNMENT_REMOVE, relationship, removed_by, app=app, group=locked.security_group.name
    )


@transaction.atomic
def admin_relationship_update(
    *,
    relationship: AdminRelationship,
    changed_by: User | None,
    display_name: str | None = None,
    roles=None,
    duration_days: int | None = None,
    customer: Tenant | None = None,
    auto_extend: bool | None = None,
    app: ApiApplication | None = None,
) -> AdminRelationship:
    """Change a relationship still being drafted (status created): its name, roles, duration, customer and
    auto-extend, under create's rules; what is None stays as it is. (An active one changes only through
    admin_relationship_auto_extend_set and admin_relationship_remove_global_admin.)"""
    locked = _locked(relationship)
    _require_status(locked, Status.CREATED)
    changed: dict = {}
    if display_name is not None:
        name = " ".join(display_name.split())
        if not name or len(name) > AdminRelationship.NAME_MAX:
            raise ValidationError({"display_name": _("Enter a name of 1 to 50 characters.")})
        if (
            name != locked.display_name
            and AdminRelationship.objects.filter(partner=locked.partner, display_name__iexact=name)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise ValidationError(
                {"display_name": _("Your organization already has an admin relationship with this name.")}
            )
        locked.display_name = changed["name"] = name
    if roles is not None:
        locked.roles = changed["roles"] = _clean_roles(roles)
    if duration_days is not None:
        if not 1 <= duration_days <= AdminRelationship.DURATION_MAX_DAYS:
            raise ValidationError({"duration_days": _("Choose a duration of 1 to 730 days.")})
        locked.duration_days = changed["duration_days"] = duration_days
    if customer is not None:
        locked.customer = customer
    if auto_extend is not None:
        locked.auto_extend_days = AdminRelationship.AUTO_EXTEND_DAYS if auto_extend else 0
        changed["auto_extend"] = auto_extend
    _check_auto_extend(locked.roles, locked.auto_extend_days > 0)
    locked.save()
    _record_change(AuditAction.ADMIN_RELATIONSHIP_UPDATE, locked, changed_by, app=app, **changed)
    return locked


@transaction.atomic
def admin_relationship_delete(
    *, relationship: AdminRelationship, deleted_by: User | None, app: ApiApplication | None = None
) -> None:
    """Delete a relationship never finalized (status created): nobody but the partner has seen it."""
    locked = _locked(relationship)
    _require_status(locked, Status.CREATED)
    _record_change(AuditAction.ADMIN_RELATIONSHIP_DELETE, locked, deleted_by, app=app)
    locked.delete()


# --- Role templates: a partner's named sets of roles, each going to one of its security groups ----------------------


def _clean_template(
    *, partner: Partner, name: str, entries: dict[str, SecurityGroup], exclude: RoleTemplate | None = None
) -> tuple[str, dict[str, SecurityGroup]]:
    """The template's name (spaces tidied; 1 to 50 characters, unique among the partner's templates whatever the
    case) and its roles (at least one, from the catalogue), each to a group of the partner's own tenant."""
    cleaned_name = " ".join(name.split())
    errors: dict[str, str] = {}
    if not cleaned_name:
        errors["name"] = _("Enter a name.")
    elif len(cleaned_name) > RoleTemplate.NAME_MAX:
        errors["name"] = _("Enter a name of at most 50 characters.")
    else:
        same = RoleTemplate.objects.filter(partner=partner, name__iexact=cleaned_name)
        if exclude is not None:
            same = same.exclude(pk=exclude.pk)
        if same.exists():
            errors["name"] = _("Your organization already has a role template with this name.")
    if not entries:
        errors["roles"] = _("Choose at least one role, and the security group it goes to.")
    elif set(entries) - set(DirectoryRole.values):
        errors["roles"] = _("Choose roles from the list.")
    elif any(group.tenant_id != partner.tenant_id for group in entries.values()):
        errors["roles"] = _("Choose one of your organization's security groups.")
    if errors:
        raise ValidationError(errors)
    return cleaned_name, entries


def _template_details(template: RoleTemplate, entries: dict[str, SecurityGroup]) -> dict:
    return {"name": template.name, "roles": sorted(entries), "group": sorted({g.name for g in entries.values()})}


@transaction.atomic
def role_template_create(
    *, partner: Partner, created_by: User, name: str, entries: dict[str, SecurityGroup]
) -> RoleTemplate:
    """A new role template of `partner`: `entries` maps each of its roles to the security group it goes to."""
    cleaned_name, cleaned = _clean_template(partner=partner, name=name, entries=entries)
    template = RoleTemplate.objects.create(partner=partner, name=cleaned_name, created_by=created_by)
    RoleTemplateEntry.objects.bulk_create(
        RoleTemplateEntry(template=template, role=role, security_group=group) for role, group in cleaned.items()
    )
    audit_record(
        actor=created_by,
        action=AuditAction.ROLE_TEMPLATE_CREATE,
        target_tenant=partner.tenant,
        obj=template,
        details=_template_details(template, cleaned),
        acting_for=partner,
    )
    return template


@transaction.atomic
def role_template_update(
    *, template: RoleTemplate, changed_by: User, name: str, entries: dict[str, SecurityGroup]
) -> RoleTemplate:
    """Rename a template and set its roles and groups. Requests already finalized from it keep what they were sent
    with (their snapshot); drafts not yet finalized take the new groups when they are."""
    locked = RoleTemplate.objects.select_for_update().select_related("partner__tenant").get(pk=template.pk)
    cleaned_name, cleaned = _clean_template(partner=locked.partner, name=name, entries=entries, exclude=locked)
    locked.name = cleaned_name
    locked.save(update_fields=["name", "updated_at"])
    RoleTemplateEntry.objects.filter(template=locked).delete()
    RoleTemplateEntry.objects.bulk_create(
        RoleTemplateEntry(template=locked, role=role, security_group=group) for role, group in cleaned.items()
    )
    audit_record(
        actor=changed_by,
        action=AuditAction.ROLE_TEMPLATE_UPDATE,
        target_tenant=locked.partner.tenant,
        obj=locked,
        details=_template_details(locked, cleaned),
        acting_for=locked.partner,
    )
    return locked


@transaction.atomic
def role_template_delete(*, template: RoleTemplate, deleted_by: User) -> None:
    """Delete a template. Relationships requested from it keep its name and, once finalized, what it assigns."""
    locked = RoleTemplate.objects.select_for_update().select_related("partner__tenant").filter(pk=template.pk).first()
    if locked is None:
        return
    name = locked.name
    audit_record(
        actor=deleted_by,
        action=AuditAction.ROLE_TEMPLATE_DELETE,
        target_tenant=locked.partner.tenant,
        obj=locked,
        details={"name": name},
        acting_for=locked.partner,
    )
    locked.delete()


# --- Bulk requests: one template, many customers, one relationship and one personalized link each ------------------

BULK_MAX_CUSTOMERS = 200
Suffix = BulkRequest.Suffix
Failure = BulkRequestItem.Failure


def _bulk_names(base: str, suffix: str, customers: list[Tenant]) -> list[str]:
    """Each customer's relationship name: the base name and the customer's name (cut to fit 50 characters), or the
    base name and a number, 1, 2, 3…, in the customers' order."""
    limit = AdminRelationship.NAME_MAX
    if suffix == Suffix.NUMBER:
        return [f"{base} {n}" for n in range(1, len(customers) + 1)]
    return [" ".join(f"{base} - {customer.name}"[:limit].split()) for customer in customers]


@transaction.atomic
def admin_relationships_bulk_request(
    *,
    partner: Partner,
    requested_by: User,
    template: RoleTemplate,
    customers: list[Tenant],
    base_name: str,
    suffix: str,
    duration_days: int,
    auto_extend: bool,
    language: str,
) -> BulkRequest:
    """Ask each of `customers` (the partner's own, checked by the caller) for an admin relationship with the
    template's roles: the rows say what to do, each customer's result is an item, and the task
    (tasks.run_bulk_request, after the commit) creates, finalizes and emails them. Checks what is the same for every
    customer now; what can fail for one customer (its name is taken, it has no Global admin) is its item's result."""
    from .tasks import run_bulk_request  # noqa: PLC0415 -- tasks import this module (tasks call services)

    base = " ".join(base_name.split())
    ordered = sorted(customers, key=lambda customer: (customer.name.lower(), customer.pk))
    roles = sorted({entry.role for entry in RoleTemplateEntry.objects.filter(template=template)})
    errors: dict[str, str] = {}
    if template.partner_id != partner.pk:
        errors["template"] = _("Choose one of your organization's role templates.")
    if not ordered:
        errors["customers"] = _("Select at least one customer.")
    elif len(ordered) > BULK_MAX_CUSTOMERS:
        errors["customers"] = _("Select at most %(count)s customers at a time.") % {"count": BULK_MAX_CUSTOMERS}
    if not base:
        errors["base_name"] = _("Enter a name.")
    elif suffix == Suffix.NUMBER and len(f"{base} {len(ordered)}") > AdminRelationship.NAME_MAX:
        errors["base_name"] = _("With its number, each name must have at most 50 characters: shorten the name.")
    elif len(base) > AdminRelationship.NAME_MAX - 3:
        errors["base_name"] = _("Enter a name of at most 47 characters.")
    if suffix not in Suffix.values:
        errors["suffix"] = _("Choose how to keep the names unique.")
    if not 1 <= duration_days <= AdminRelationship.DURATION_MAX_DAYS:
        errors["duration_days"] = _("Choose a duration of 1 to 730 days.")
    if auto_extend and GA in roles:
        errors["auto_extend"] = _("A relationship with the Global Administrator role can't be extended automatically.")
    if errors:
        raise ValidationError(errors)
    bulk = BulkRequest.objects.create(
        partner=partner,
        created_by=requested_by,
        template=template,
        template_name=template.name,
        base_name=base,
        suffix=suffix,
        duration_days=duration_days,
        auto_extend=auto_extend,
        language=language,
    )
    names = _bulk_names(base, suffix, ordered)
    BulkRequestItem.objects.bulk_create(
        BulkRequestItem(bulk=bulk, customer=customer, display_name=name)
        for customer, name in zip(ordered, names, strict=True)
    )
    audit_record(
        actor=requested_by,
        action=AuditAction.ADMIN_RELATIONSHIP_BULK_REQUEST,
        target_tenant=partner.tenant,
        obj=bulk,
        details={"name": base, "template": template.name, "roles": roles, "customers": len(ordered)},
        acting_for=partner,
    )
    bulk_id = bulk.pk
    transaction.on_commit(lambda: _dispatch_bulk(run_bulk_request, bulk_id))
    return bulk


def _dispatch_bulk(task, bulk_id: int) -> None:
    """Queue the run; a broker that is down must not fail the agent's request (the page then shows it queued)."""
    try:
        task.delay(bulk_id)
    except Exception:  # any broker or connection error: the rows stay queued
        log.warning("Could not queue bulk request %s.", bulk_id, exc_info=True)


def admin_relationships_bulk_run(*, bulk_id: int) -> BulkRequest | None:
    """The task's work: each waiting customer of the bulk request, in its own transaction (one customer's failure
    leaves the others' requests sent): create the relationship from the template, finalize it (its link) and email
    the link to each of the customer's Global admins through the outbox, in their language. A customer whose name
    is taken, who has no Global admin or is no longer a customer fails with the reason. Idempotent: a customer done
    (by a first run, or by a second worker at the same moment: the item is locked and skipped) is not done again.

    What can be read for all customers at once is (Global admins, customers still customers, names taken); what each
    customer writes (its relationship, link, audit events, emails) costs a bounded number of queries each."""
    with transaction.atomic():
        bulk = (
            BulkRequest.objects.select_for_update(of=("self",))
            .select_related("partner__tenant", "created_by", "template")
            .filter(pk=bulk_id)
            .first()
        )
        if bulk is None or bulk.status == BulkRequest.Status.DONE:
            return bulk
        bulk.status = BulkRequest.Status.RUNNING
        bulk.save(update_fields=["status"])
    pending = list(bulk.items.filter(status=BulkRequestItem.Status.PENDING).select_related("customer"))
    customer_ids = [item.customer_id for item in pending]
    still_customers = set(
        ResellerRelationship.objects.filter(
            partner=bulk.partner, is_active=True, customer_id__in=customer_ids
        ).values_list("customer_id", flat=True)
    )
    admins: dict[int, list[User]] = {}
    for admin in User.objects.filter(is_active=True, tenant_id__in=customer_ids, role_assignments__role=GA).order_by(
        "pk"
    ):
        admins.setdefault(admin.tenant_id, []).append(admin)  # type: ignore[arg-type]  # tenant_id__in: never None
    taken = set(
        AdminRelationship.objects.filter(partner=bulk.partner)
        .annotate(lower_name=Lower("display_name"))
        .filter(lower_name__in=[item.display_name.lower() for item in pending])
        .values_list("lower_name", flat=True)
    )
    template = bulk.template
    roles = sorted({entry.role for entry in RoleTemplateEntry.objects.filter(template=template)}) if template else []
    for item in pending:
        failure = ""
        if template is None or not roles:
            failure = Failure.TEMPLATE_GONE
        elif item.customer_id not in still_customers:
            failure = Failure.NOT_A_CUSTOMER
        elif item.customer_id not in admins:
            failure = Failure.NO_GLOBAL_ADMIN
        elif item.display_name.lower() in taken:
            failure = Failure.NAME_TAKEN
        admins_of_customer = admins.get(item.customer_id, [])
        _bulk_item_run(
            bulk=bulk, item_id=item.pk, template=template, roles=roles, admins=admins_of_customer, failure=failure
        )
    # Done once no customer waits: a customer another run is still doing (locked, skipped here) keeps it running.
    waiting = BulkRequestItem.objects.filter(bulk=OuterRef("pk"), status=BulkRequestItem.Status.PENDING)
    BulkRequest.objects.filter(pk=bulk.pk).exclude(Exists(waiting)).update(
        status=BulkRequest.Status.DONE, finished_at=timezone.now()
    )
    bulk.refresh_from_db()
    return bulk


# A bulk request not done this long after it was made lost its task (the broker was down, a worker died): the sweep
# queues it again; the run is idempotent.
BULK_SWEEP_AFTER = timedelta(minutes=2)


def bulk_requests_due() -> list[int]:
    """The bulk requests the sweep queues again: not done, made more than BULK_SWEEP_AFTER ago."""
    cutoff = timezone.now() - BULK_SWEEP_AFTER
    return list(
        BulkRequest.objects.filter(created_at__lte=cutoff)
        .exclude(status=BulkRequest.Status.DONE)
        .order_by("pk")
        .values_list("pk", flat=True)[:100]
    )


@transaction.atomic
def _bulk_item_run(
    *,
    bulk: BulkRequest,
    item_id: int,
    template: RoleTemplate | None,
    roles: list[str],
    admins: list[User],
    failure: str,
) -> None:
    item = (
        BulkRequestItem.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("customer")
        .filter(pk=item_id, status=BulkRequestItem.Status.PENDING)
        .first()
    )
    if item is None:  # done meanwhile, or being done by another worker
        return
    if failure:
        item.status, item.failure = BulkRequestItem.Status.FAILED, failure
        item.save(update_fields=["status", "failure"])
        return
    agent = bulk.created_by
    assert agent is not None and template is not None  # a bulk request keeps its agent; no template fails above
    try:
        with transaction.atomic():
            relationship = admin_relationship_create(
                partner=bulk.partner,
                customer=item.customer,
                created_by=agent,
                display_name=item.display_name,
                roles=roles,
                duration_days=bulk.duration_days,
                auto_extend=bulk.auto_extend,
                template=template,
            )
            finalized = admin_relationship_finalize(relationship=relationship, finalized_by=agent)
            _email_global_admins(finalized, agent=agent, admins=admins, language=bulk.language)
    except ValidationError as error:
        taken = hasattr(error, "error_dict") and "display_name" in error.error_dict
        item.status = BulkRequestItem.Status.FAILED
        item.failure = Failure.NAME_TAKEN if taken else Failure.INVALID
        item.save(update_fields=["status", "failure"])
        return
    item.status, item.relationship, item.recipients = BulkRequestItem.Status.SENT, relationship, len(admins)
    item.save(update_fields=["status", "relationship", "recipients"])


def _email_global_admins(finalized: FinalizedRelationship, *, agent: User, admins: list[User], language: str) -> None:
    """The draft email of a finalized request, as the agent would send it, to each Global admin of the customer, in
    the admin's language (`language`, the agent's, when the admin has not said which). Everything in it is written in
    that language, the roles' names included: they are words of the catalogue, read when the rows are made."""
    relationship = finalized.relationship
    link = approval_link(finalized.token)
    context = {"partner": relationship.partner, "agent": agent, "link": link, "relationship": relationship}
    for admin in admins:
        admin_language = language_of(admin, default=language)
        with translation.override(admin_language):
            roles = role_rows(relationship.roles)
            message = render_to_string("admin_relationships/draft_message.txt", {**context, "roles": roles}).strip()
        email_enqueue(
            to=admin.email,
            template="admin_relationship_request",
            context={"message": message, "partner_name": relationship.partner.name, "link": link},
            language=admin_language,
            topic=relationship,
        )
    _record_change(
        AuditAction.ADMIN_RELATIONSHIP_SEND, relationship, agent, recipient=", ".join(admin.email for admin in admins)
    )


# --- The lifecycle, run by the periodic task (admin_relationships.tasks.admin_relationships_lifecycle) -----------

# Notices of a relationship's end go out this many days before it, then on expiry. A notice is for a relationship
# that has lasted longer than its days: a 7-day relationship gets no "30 days" notice (its approval said the date).
NOTICE_DAYS = (30, 7, 1)
# An auto-extending relationship is extended this long before its end date, so that the roles it gives never lapse
# between the end date and the next run of the task (it runs every 15 minutes, see CELERY_BEAT_SCHEDULE).
EXTEND_AHEAD = timedelta(hours=1)


@dataclass
class LifecycleRun:
    """What one run of the lifecycle did, by relationship count."""

    requests_expired: int = 0
    extended: int = 0
    expired: int = 0
    notices: int = 0


def _system_audit(relationship: AdminRelationship, action: AuditAction, details: dict) -> None:
    """The audit event of what the portal itself did to a relationship of the partner (its lifecycle)."""
    _record_change(action, relationship, None, system=True, **details)


@transaction.atomic
def admin_relationship_request_expire(*, relationship_id: int, now: datetime) -> bool:
    """A request not approved within 90 days (created or approval pending) expires, as Partner Center's do: its link
    stops working. Idempotent, and once only: the row is locked and its state checked (a row another worker holds is
    skipped, that worker does it). True if it expired now."""
    locked = (
        AdminRelationship.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("partner__tenant", "customer")
        .filter(
            pk=relationship_id,
            status__in=[Status.CREATED, Status.APPROVAL_PENDING],
            created_at__lte=now - timedelta(days=APPROVAL_WINDOW_DAYS),
        )
        .first()
    )
    if locked is None:
        return False
    previous = locked.status
    locked.status = Status.EXPIRED
    locked.token_hash = None
    locked.ended_at = now
    locked.save(update_fields=["status", "token_hash", "ended_at", "updated_at"])
    _system_audit(locked, AuditAction.ADMIN_RELATIONSHIP_REQUEST_EXPIRE, {"status": previous})
    return True


@transaction.atomic
def admin_relationship_end(*, relationship_id: int, now: datetime) -> str | None:
    """An active relationship at its end date: auto-extend (never with Global Administrator) moves the end date by
    180 days (EXTEND_AHEAD before it), and the notices start again for the new date; otherwise it expires, its access
    assignments end, and both sides are told. Idempotent, and once only (the row is locked and checked; a row another
    worker holds is skipped). Returns "extended", "expired", or None when there was nothing to do.

    Its roles have ended at the end date already, whether or not this has run (access.live_admin_relationships)."""
    locked = (
        AdminRelationship.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("partner__tenant", "customer")
        .filter(pk=relationship_id, status=Status.ACTIVE, ends_at__isnull=False)
        .first()
    )
    if locked is None or locked.ends_at is None:
        return None
    extends = locked.auto_extend_days > 0 and GA not in locked.roles
    if extends and locked.ends_at <= now + EXTEND_AHEAD:
        previous = locked.ends_at
        ends_at = previous
        while ends_at <= now + EXTEND_AHEAD:  # a task that could not run for months: one extension to the future
            ends_at += timedelta(days=locked.auto_extend_days)
        locked.ends_at = ends_at
        locked.save(update_fields=["ends_at", "updated_at"])
        _system_audit(
            locked,
            AuditAction.ADMIN_RELATIONSHIP_EXTEND,
            {"ends_at": ends_at.isoformat(), "previous_ends_at": previous.isoformat()},
        )
        return "extended"
    if locked.ends_at > now:
        return None
    locked.status = Status.EXPIRED
    locked.ended_at = locked.ends_at
    locked.notice_ends_at, locked.notice_days = locked.ends_at, 0
    locked.save(update_fields=["status", "ended_at", "notice_ends_at", "notice_days", "updated_at"])
    AccessAssignment.objects.filter(relationship=locked).exclude(status=AccessAssignment.Status.DELETED).update(
        status=AccessAssignment.Status.DELETED, updated_at=now
    )
    _system_audit(locked, AuditAction.ADMIN_RELATIONSHIP_EXPIRE, {"ends_at": locked.ends_at.isoformat()})
    _notify(locked, template="admin_relationship_ended", context={"reason": "expired", "ended_at": locked.ends_at})
    return "expired"


def notice_days_due(relationship: AdminRelationship, now: datetime) -> int | None:
    """The notice an active relationship is due now: the fewest of NOTICE_DAYS days that its end is within (only the
    latest: a run that missed the 30-day notice sends the 7-day one), or None."""
    if relationship.ends_at is None or relationship.ends_at <= now:
        return None
    lasted = relationship.ends_at - (relationship.activated_at or relationship.created_at)
    for days in sorted(NOTICE_DAYS):
        if relationship.ends_at - now <= timedelta(days=days):
            return days if lasted > timedelta(days=days) else None
    return None


@transaction.atomic
def admin_relationship_notice_send(*, relationship_id: int, now: datetime) -> int | None:
    """Tell both sides that an active relationship ends soon (30, 7 or 1 days before), each notice exactly once per
    end date, however many workers run this at once: the notice is claimed by a conditional UPDATE of the
    relationship's notice level, which only one transaction can win (the others wait for its row lock, then find the
    level taken); its emails are written in the same transaction. Returns the days of the notice sent, or None."""
    relationship = (
        AdminRelationship.objects.select_related("partner__tenant", "customer")
        .filter(pk=relationship_id, status=Status.ACTIVE)
        .first()
    )
    if relationship is None or (days := notice_days_due(relationship, now)) is None:
        return None
    claimed = (
        AdminRelationship.objects.filter(pk=relationship.pk, status=Status.ACTIVE, ends_at=relationship.ends_at)
        .filter(
            Q(notice_ends_at__isnull=True)
            | Q(notice_days__isnull=True)
            | ~Q(notice_ends_at=F("ends_at"))
            | Q(notice_days__gt=days)
        )
        .update(notice_ends_at=F("ends_at"), notice_days=days)
    )
    if not claimed:
        return None
    assert relationship.ends_at is not None  # days_due answers None without an end date
    sent = _notify(relationship, template="admin_relationship_notice", context={"days": days})
    _system_audit(
        relationship,
        AuditAction.ADMIN_RELATIONSHIP_NOTICE,
        {"days": days, "ends_at": relationship.ends_at.isoformat(), "recipients": sent},
    )
    return days


def admin_relationships_lifecycle(*, now: datetime | None = None) -> LifecycleRun:
    """The periodic task's work, for every relationship due, in bulk: unapproved requests older than 90 days expire;
    active relationships at their end are extended or expire; notices of coming ends go out. Each relationship is
    its own transaction (one that fails leaves the others done; the next run tries it again), and each step is
    idempotent and once only, so that running it twice, or in two workers at once, changes nothing more."""
    now = now or timezone.now()
    run = LifecycleRun()
    stale = AdminRelationship.objects.filter(
        status__in=[Status.CREATED, Status.APPROVAL_PENDING],
        created_at__lte=now - timedelta(days=APPROVAL_WINDOW_DAYS),
    )
    for pk in stale.order_by("pk").values_list("pk", flat=True):
        run.requests_expired += admin_relationship_request_expire(relationship_id=pk, now=now)
    ending = AdminRelationship.objects.filter(status=Status.ACTIVE).filter(
        Q(ends_at__lte=now) | Q(ends_at__lte=now + EXTEND_AHEAD, auto_extend_days__gt=0)
    )
    for pk in ending.order_by("ends_at", "pk").values_list("pk", flat=True):
        outcome = admin_relationship_end(relationship_id=pk, now=now)
        run.extended += outcome == "extended"
        run.expired += outcome == "expired"
    # Due a notice: ending within the longest notice period, and not yet told of the nearest (the service decides).
    noticed = AdminRelationship.objects.filter(
        status=Status.ACTIVE, ends_at__gt=now, ends_at__lte=now + timedelta(days=max(NOTICE_DAYS))
    ).exclude(notice_ends_at=F("ends_at"), notice_days__lte=min(NOTICE_DAYS))
    for pk in noticed.order_by("ends_at", "pk").values_list("pk", flat=True):
        run.notices += admin_relationship_notice_send(relationship_id=pk, now=now) is not None
    return run
