"""State changes of relationship requests, reseller relationships and delegated admin grants."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partnercenter.access import is_own_global_admin, partner_of
from partnercenter.audit import audit_record
from partnercenter.emails import email_enqueue
from partnercenter.languages import language_of
from partnercenter.models import (
    AuditAction,
    DelegatedAdminGrant,
    OutboxEmail,
    Partner,
    ResellerRelationship,
    SecurityGroup,
    Tenant,
    User,
)

from .models import RelationshipRequest
from .tokens import invitation_link, token_hash, token_matches, token_new


@dataclass(frozen=True)
class IssuedRequest:
    """A request with the link's token, which exists only here, in memory, for the agent's draft."""

    request: RelationshipRequest
    token: str

    @property
    def link(self) -> str:
        return invitation_link(self.token)


class RequestNotUsable(Exception):
    """The link is expired, revoked, used or declined: `state` says which."""

    def __init__(self, state: str):
        super().__init__(state)
        self.state = state


class DraftAlreadySent(Exception):
    """This link was emailed already. Sending a draft is idempotent: only Resend (a new link) emails again."""

    def __init__(self, recipient_email: str):
        super().__init__(recipient_email)
        self.recipient_email = recipient_email


def _new_expiry():
    return timezone.now() + timedelta(days=settings.RELATIONSHIP_REQUEST_LIFETIME_DAYS)


@transaction.atomic
def relationship_request_create(*, partner: Partner, created_by: User, include_delegated_admin: bool) -> IssuedRequest:
    token = token_new()
    relationship_request = RelationshipRequest.objects.create(
        partner=partner,
        created_by=created_by,
        include_delegated_admin=include_delegated_admin,
        token_hash=token_hash(token),
        expires_at=_new_expiry(),
    )
    audit_record(
        actor=created_by,
        action=AuditAction.RELATIONSHIP_REQUEST_CREATE,
        obj=relationship_request,
        details={"include_delegated_admin": include_delegated_admin},
    )
    return IssuedRequest(relationship_request, token)


@transaction.atomic
def relationship_request_reissue(*, relationship_request: RelationshipRequest, reissued_by: User) -> IssuedRequest:
    """A fresh link (and 90 more days) for a request still waiting for the customer. Only the token's hash is kept,
    so the old link cannot be shown again; it stops working now."""
    locked = RelationshipRequest.objects.select_for_update().get(pk=relationship_request.pk)
    if locked.state != RelationshipRequest.State.PENDING:
        raise RequestNotUsable(locked.state)
    token = token_new()
    locked.token_hash = token_hash(token)
    locked.expires_at = _new_expiry()
    locked.link_sent_at = None  # the new link's draft has not been sent
    locked.save(update_fields=["token_hash", "expires_at", "link_sent_at"])
    audit_record(actor=reissued_by, action=AuditAction.RELATIONSHIP_REQUEST_REISSUE, obj=locked)
    return IssuedRequest(locked, token)


@transaction.atomic
def relationship_request_send(
    *,
    relationship_request: RelationshipRequest,
    sent_by: User,
    token: str,
    recipient_email: str,
    message: str,
    language: str,
) -> OutboxEmail:
    """Email the agent's draft to the customer. The draft may be edited but must keep the personalized link. A link
    is emailed once: sending its draft again raises DraftAlreadySent (Resend issues a new link to send)."""
    if not token_matches(relationship_request, token):
        raise ValidationError(_("This link is no longer valid. Open the request again to get a new link."))
    if relationship_request.effective_state != RelationshipRequest.State.PENDING:
        raise ValidationError(_("Only a pending request can be sent."))
    errors = {}
    try:
        validate_email(recipient_email)
    except ValidationError:
        errors["recipient_email"] = _("Enter a valid email address.")
    if invitation_link(token) not in message:
        errors["message"] = _("The message must include the personalized link: %(link)s") % {
            "link": invitation_link(token)
        }
    if errors:
        raise ValidationError(errors)
    # The checks above read a copy that may already be stale: this conditional UPDATE is the one that counts. Of two
    # posts at the same moment (a double click, two tabs, two web processes), the second waits on the first's row
    # lock, then finds link_sent_at set and matches nothing, so only one email is written.
    now = timezone.now()
    claimed = RelationshipRequest.objects.filter(
        pk=relationship_request.pk,
        state=RelationshipRequest.State.PENDING,
        token_hash=token_hash(token),
        expires_at__gt=now,
        link_sent_at__isnull=True,
    ).update(link_sent_at=now, recipient_email=recipient_email)
    if not claimed:
        current = RelationshipRequest.objects.get(pk=relationship_request.pk)
        if not token_matches(current, token):
            raise ValidationError(_("This link is no longer valid. Open the request again to get a new link."))
        if current.effective_state != RelationshipRequest.State.PENDING:
            raise ValidationError(_("Only a pending request can be sent."))
        raise DraftAlreadySent(current.recipient_email)
    relationship_request.link_sent_at = now
    relationship_request.recipient_email = recipient_email
    email = email_enqueue(
        to=recipient_email,
        template="relationship_request",
        context={"message": message, "partner_name": relationship_request.partner.name, "link": invitation_link(token)},
        language=language,
        topic=relationship_request,
    )
    audit_record(
        actor=sent_by,
        action=AuditAction.RELATIONSHIP_REQUEST_SEND,
        obj=relationship_request,
        details={"recipient": recipient_email},
    )
    return email


@transaction.atomic
def relationship_request_revoke(*, relationship_request: RelationshipRequest, revoked_by: User) -> None:
    updated = RelationshipRequest.objects.filter(
        pk=relationship_request.pk, state=RelationshipRequest.State.PENDING
    ).update(state=RelationshipRequest.State.REVOKED, decided_at=timezone.now(), decided_by=revoked_by)
    if not updated:
        raise RequestNotUsable(RelationshipRequest.objects.get(pk=relationship_request.pk).state)
    audit_record(actor=revoked_by, action=AuditAction.RELATIONSHIP_REQUEST_REVOKE, obj=relationship_request)


def check_can_decide(relationship_request: RelationshipRequest, user: User) -> None:
    if relationship_request.effective_state != RelationshipRequest.State.PENDING:
        raise RequestNotUsable(relationship_request.effective_state)
    own_partner = partner_of(user)
    if own_partner is not None and own_partner.pk == relationship_request.partner_id:
        raise PermissionDenied(_("A partner's own users cannot accept its requests."))
    if not is_own_global_admin(user):
        raise PermissionDenied(_("Only a Global admin of the customer's organization can do this."))


def _close_request(relationship_request: RelationshipRequest, user: User, state: str) -> None:
    """Move the request out of pending exactly once: the conditional UPDATE lets only one of two racing tabs win."""
    closed = RelationshipRequest.objects.filter(
        pk=relationship_request.pk,
        state=RelationshipRequest.State.PENDING,
        token_hash=relationship_request.token_hash,
        expires_at__gt=timezone.now(),
    ).update(state=state, decided_at=timezone.now(), decided_by=user, customer_id=user.tenant_id)
    if not closed:
        raise RequestNotUsable(RelationshipRequest.objects.get(pk=relationship_request.pk).state)


def relationship_request_accept(*, relationship_request: RelationshipRequest, user: User) -> ResellerRelationship:
    """The customer's Global admin accepts: a reseller relationship, and delegated admin if it was requested."""
    check_can_decide(relationship_request, user)
    try:
        with transaction.atomic():
            _close_request(relationship_request, user, RelationshipRequest.State.ACCEPTED)
            customer = user.tenant
            partner = relationship_request.partner
            relationship, created = ResellerRelationship.objects.get_or_create(partner=partner, customer=customer)
            if not created and not relationship.is_active:
                relationship.is_active = True
                relationship.removed_at = None
                relationship.save(update_fields=["is_active", "removed_at"])
            audit_record(
                actor=user,
                action=AuditAction.RESELLER_RELATIONSHIP_CREATE,
                target_tenant=customer,
                obj=relationship_request,
                details={"partner": partner.name, "partner_id": partner.partner_id},
            )
            if relationship_request.include_delegated_admin:
                grant, granted = DelegatedAdminGrant.objects.get_or_create(
                    partner=partner, customer=customer, removed_at=None, defaults={"granted_by": user}
                )
                if granted:
                    audit_record(
                        actor=user,
                        action=AuditAction.DELEGATED_ADMIN_GRANT,
                        target_tenant=customer,
                        obj=grant,
                        details={"partner": partner.name, "partner_id": partner.partner_id},
                    )
    except IntegrityError:
        # Another transaction created the same relationship or grant at this very moment and won the race.
        relationship_request.refresh_from_db()
        raise RequestNotUsable(relationship_request.state) from None
    return relationship


@transaction.atomic
def relationship_request_decline(*, relationship_request: RelationshipRequest, user: User) -> None:
    check_can_decide(relationship_request, user)
    _close_request(relationship_request, user, RelationshipRequest.State.DECLINED)
    audit_record(
        actor=user,
        action=AuditAction.RELATIONSHIP_REQUEST_DECLINE,
        target_tenant=user.tenant,
        obj=relationship_request,
        details={"partner": relationship_request.partner.name},
    )


class DelegatedAdminNotActive(Exception):
    """The partner has no active delegated admin privileges in the customer's tenant (never had, or already
    removed)."""


@transaction.atomic
def delegated_admin_remove(*, customer: Tenant, partner: Partner, removed_by: User) -> DelegatedAdminGrant:
    """The customer's Global admin removes the partner's delegated admin privileges. The partner's implicit roles end
    with this transaction (effective roles read the grant on every request); the reseller relationship stays. The
    partner's Admin agents are told by email, each in their own language."""
    if removed_by.tenant_id != customer.pk or not is_own_global_admin(removed_by):
        raise PermissionDenied(_("Only your organization's Global admins can do this."))
    # Locked, so that of two removals at the same moment one removes and the other finds nothing left to remove.
    grant = (
        DelegatedAdminGrant.objects.select_for_update()
        .filter(partner=partner, customer=customer, removed_at__isnull=True)
        .first()
    )
    if grant is None:
        raise DelegatedAdminNotActive
    grant.removed_at = timezone.now()
    grant.removed_by = removed_by
    grant.full_clean()
    grant.save(update_fields=["removed_at", "removed_by"])
    audit_record(
        actor=removed_by,
        action=AuditAction.DELEGATED_ADMIN_REMOVE,
        target_tenant=customer,
        obj=grant,
        details={"partner": partner.name, "partner_id": partner.partner_id},
    )
    admin_agents = User.objects.filter(
        is_active=True,
        security_groups__tenant_id=partner.tenant_id,
        security_groups__kind=SecurityGroup.Kind.ADMIN_AGENTS,
    ).order_by("pk")
    customers_url = settings.SITE_URL + reverse("customers:list")
    for agent in admin_agents:
        email_enqueue(
            to=agent.email,
            template="delegated_admin_removed",
            context={
                "agent": agent,
                "customer_name": customer.name,
                "partner_name": partner.name,
                "removed_at": grant.removed_at,
                "customers_url": customers_url,
            },
            language=language_of(agent),
            topic=grant,
        )
    return grant
