"""State changes of granular delegated admin (GDAP): a partner's Admin agents create an admin relationship with chosen
roles and a duration, finalize it (a personalised link for the customer), the customer's Global admin approves or
rejects it, the partner assigns its security groups some of its roles, and either side ends it.

Every function is transactional, locks the relationship it changes, checks its state there (so that two clicks, two
tabs or two workers cannot both act), and writes its audit event. Who may call them is the views' and the rules'
business (admin_relationships/rules.py); the services keep the relationship's own invariants whoever calls."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partnercenter.audit import audit_record
from partnercenter.emails import email_enqueue
from partnercenter.models import (
    AccessAssignment,
    AdminRelationship,
    AuditAction,
    DirectoryRole,
    OutboxEmail,
    Partner,
    SecurityGroup,
    Tenant,
    User,
)
from partnercenter.roles import CATALOGUE
from partnercenter.tokens import token_hash, token_matches_hash, token_new

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
    customer: Tenant,
    created_by: User,
    display_name: str,
    roles,
    duration_days: int = AdminRelationship.DURATION_DEFAULT_DAYS,
    auto_extend: bool = False,
) -> AdminRelationship:
    """A new admin relationship of `partner` with `customer`, in status created: roles from the catalogue, at least
    one; 1 to 730 days; auto-extend (by 180 days) never with Global Administrator."""
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
    audit_record(
        actor=created_by,
        action=AuditAction.ADMIN_RELATIONSHIP_CREATE,
        target_tenant=customer,
        obj=relationship,
        details={"name": name, "roles": cleaned, "duration_days": duration_days, "auto_extend": auto_extend},
        acting_for=partner,
    )
    return relationship


@transaction.atomic
def admin_relationship_finalize(*, relationship: AdminRelationship, finalized_by: User) -> FinalizedRelationship:
    """Lock the request for the customer's approval: status approval pending, and a personalised link (256 random
    bits, stored hashed) for the customer's Global admin."""
    locked = _locked(relationship)
    _require_status(locked, Status.CREATED)
    token = token_new()
    locked.token_hash = token_hash(token)
    locked.status = Status.APPROVAL_PENDING
    locked.save(update_fields=["token_hash", "status", "updated_at"])
    audit_record(
        actor=finalized_by,
        action=AuditAction.ADMIN_RELATIONSHIP_FINALIZE,
        target_tenant=locked.customer,
        obj=locked,
        details={"name": locked.display_name},
        acting_for=locked.partner,
    )
    return FinalizedRelationship(locked, token)


def approval_link(token: str) -> str:
    """The personalised link of a finalized request. Built from SITE_URL, never from the request's Host header, so a
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
    """Email the agent's draft (editable, but keeping the personalised link) to the customer, through the outbox.
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
        errors["message"] = _("The message must include the personalised link: %(link)s") % {"link": link}
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
    audit_record(
        actor=sent_by,
        action=AuditAction.ADMIN_RELATIONSHIP_SEND,
        target_tenant=locked.customer,
        obj=locked,
        details={"name": locked.display_name, "recipient": recipient_email},
        acting_for=locked.partner,
    )
    return email


def approval_expired(relationship: AdminRelationship) -> bool:
    return relationship.created_at + timedelta(days=APPROVAL_WINDOW_DAYS) <= timezone.now()


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
        locked.customer = approved_by.tenant
    locked.token_hash = None  # the link has done its work
    if locked.customer is None:
        raise ValidationError(_("Only a customer's Global admin can approve or reject partner roles."))
    locked.save(
        update_fields=["status", "activated_at", "ends_at", "approved_by", "customer", "token_hash", "updated_at"]
    )
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
    return locked


def _approval_notices(relationship: AdminRelationship, approved_by: User) -> None:
    """Both sides are told: the partner's Admin agents and the customer's Global admins, each in their language,
    naming the approver, the roles and the end date."""
    customer = relationship.customer
    assert customer is not None  # bound at approval
    admin_agents = User.objects.filter(
        is_active=True,
        security_groups__tenant_id=relationship.partner.tenant_id,
        security_groups__kind=SecurityGroup.Kind.ADMIN_AGENTS,
    )
    global_admins = User.objects.filter(is_active=True, tenant_id=customer.pk, role_assignments__role=GA)
    recipients = admin_agents.union(global_admins).order_by("pk")
    roles = [definition.role.label for value, definition in CATALOGUE.items() if value in set(relationship.roles)]
    for recipient in recipients:
        email_enqueue(
            to=recipient.email,
            template="admin_relationship_approved",
            context={
                "recipient": recipient,
                "partner_name": relationship.partner.name,
                "customer_name": customer.name,
                "relationship_name": relationship.display_name,
                "approver": approved_by,
                "roles": roles,
                "ends_at": relationship.ends_at,
            },
            language=recipient.preferred_language or "en",
            topic=relationship,
        )


@transaction.atomic
def admin_relationship_reject(*, relationship: AdminRelationship, rejected_by: User) -> AdminRelationship:
    locked = _locked(relationship)
    _require_status(locked, Status.APPROVAL_PENDING)
    locked.status = Status.REJECTED
    locked.token_hash = None
    locked.save(update_fields=["status", "token_hash", "updated_at"])
    audit_record(
        actor=rejected_by,
        action=AuditAction.ADMIN_RELATIONSHIP_REJECT,
        target_tenant=locked.customer,
        obj=locked,
        details={"name": locked.display_name, "partner": locked.partner.name},
    )
    return locked


@transaction.atomic
def admin_relationship_terminate(
    *, relationship: AdminRelationship, terminated_by: User, acting_for: Partner | None = None
) -> AdminRelationship:
    """End an active relationship at once, from either side (the partner's Admin agents: `acting_for` its partner;
    the customer's Global admin, Remove roles: None). Its roles are gone from this moment."""
    locked = _locked(relationship)
    _require_status(locked, Status.ACTIVE, Status.TERMINATION_REQUESTED)
    locked.status = Status.TERMINATED
    locked.ends_at = min(locked.ends_at or timezone.now(), timezone.now())
    locked.save(update_fields=["status", "ends_at", "updated_at"])
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
    )
    return locked


@transaction.atomic
def admin_relationship_auto_extend_set(
    *, relationship: AdminRelationship, auto_extend: bool, changed_by: User
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
    audit_record(
        actor=changed_by,
        action=AuditAction.ADMIN_RELATIONSHIP_UPDATE,
        target_tenant=locked.customer,
        obj=locked,
        details={"name": locked.display_name, "auto_extend": auto_extend},
        acting_for=locked.partner,
    )
    return locked


@transaction.atomic
def admin_relationship_remove_global_admin(*, relationship: AdminRelationship, removed_by: User) -> AdminRelationship:
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
    audit_record(
        actor=removed_by,
        action=AuditAction.ADMIN_RELATIONSHIP_UPDATE,
        target_tenant=locked.customer,
        obj=locked,
        details={"name": locked.display_name, "roles": remaining},
        acting_for=locked.partner,
    )
    return locked


@transaction.atomic
def access_assignment_create(
    *, relationship: AdminRelationship, security_group: SecurityGroup, roles, created_by: User
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
    audit_record(
        actor=created_by,
        action=AuditAction.ACCESS_ASSIGNMENT_CREATE,
        target_tenant=locked.customer,
        obj=locked,
        details={"name": locked.display_name, "group": security_group.name, "roles": cleaned},
        acting_for=locked.partner,
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
    audit_record(
        actor=None,
        action=AuditAction.ACCESS_ASSIGNMENT_ACTIVATE,
        target_tenant=relationship.customer,
        obj=relationship,
        details={"name": relationship.display_name, "group": assignment.security_group.name, "roles": assignment.roles},
        acting_for=relationship.partner,
    )
    return assignment


@transaction.atomic
def access_assignment_update(*, assignment: AccessAssignment, roles, updated_by: User) -> AccessAssignment:
    """Change the roles a security group has in an active relationship (some of the relationship's, at least one).
    As Graph's PATCH of an accessAssignment does, the assignment goes back to pending, and the task
    (admin_relationships.tasks.activate_access_assignment) activates it again after the commit: until then its members
    hold none of its roles, so a role taken away is gone at once. The same roles again change nothing."""
    from .tasks import activate_access_assignment  # noqa: PLC0415 -- tasks import this module (tasks call services)

    relationship = _locked(assignment.relationship)
    locked = (
        AccessAssignment.objects.select_for_update(of=("self",))
        .select_related("security_group")
        .filter(pk=assignment.pk, relationship=relationship)
        .exclude(status=AccessAssignment.Status.DELETED)
        .first()
    )
    if locked is None:
        raise ValidationError(_("This security group no longer has roles in this relationship."), code="status")
    _require_status(relationship, Status.ACTIVE)
    if relationship.ends_at is not None and relationship.ends_at <= timezone.now():
        raise ValidationError(_("This admin relationship has expired: its roles can't be changed."), code="status")
    cleaned = _clean_roles(roles)
    if set(cleaned) - set(relationship.roles):
        raise ValidationError({"roles": _("Choose roles of this admin relationship.")})
    if cleaned == sorted(locked.roles) and locked.status == AccessAssignment.Status.ACTIVE:
        return locked
    previous = sorted(locked.roles)
    locked.roles = cleaned
    locked.status = AccessAssignment.Status.PENDING
    locked.failure = ""
    locked.save(update_fields=["roles", "status", "failure", "updated_at"])
    audit_record(
        actor=updated_by,
        action=AuditAction.ACCESS_ASSIGNMENT_UPDATE,
        target_tenant=relationship.customer,
        obj=relationship,
        details={
            "name": relationship.display_name,
            "group": locked.security_group.name,
            "roles": cleaned,
            "previous_roles": previous,
        },
        acting_for=relationship.partner,
    )
    assignment_id = locked.pk
    transaction.on_commit(lambda: activate_access_assignment.delay(assignment_id))
    return locked


@transaction.atomic
def access_assignment_remove(*, assignment: AccessAssignment, removed_by: User) -> None:
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
    audit_record(
        actor=removed_by,
        action=AuditAction.ACCESS_ASSIGNMENT_REMOVE,
        target_tenant=relationship.customer,
        obj=relationship,
        details={"name": relationship.display_name, "group": locked.security_group.name},
        acting_for=relationship.partner,
    )
