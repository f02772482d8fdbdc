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
from django.utils.translation import gettext_lazy

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

from .models import RelationshipRequest, ShareMethod
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
    """The request is not in a state that allows this (expired, revoked, discarded, used or declined; or, for what
    only a draft allows, pending): `state` says which."""

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
    """A draft: the agent sees its link and email on the draft page, and it becomes pending once they send it (see
    RelationshipRequest). It expires as any request does, so that drafts nobody finished do not stay open forever."""
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
    """A fresh link (and 90 more days) for a request still open: Resend of a pending request, or a draft opened again
    to finish it. Only the token's hash is kept, so the old link cannot be shown again; it stops working now. The
    request is a draft again until the new link is sent: nobody outside has it yet."""
    locked = RelationshipRequest.objects.select_for_update().get(pk=relationship_request.pk)
    if locked.state not in RelationshipRequest.OPEN_STATES:
        raise RequestNotUsable(locked.state)
    previous_state = locked.state
    token = token_new()
    locked.token_hash = token_hash(token)
    locked.expires_at = _new_expiry()
    locked.state = RelationshipRequest.State.DRAFT
    locked.link_sent_at = None  # the new link's draft has not been sent
    locked.save(update_fields=["token_hash", "expires_at", "state", "link_sent_at"])
    audit_record(
        actor=reissued_by,
        action=AuditAction.RELATIONSHIP_REQUEST_REISSUE,
        obj=locked,
        details={"previous_state": previous_state},
    )
    return IssuedRequest(locked, token)


_LINK_NO_LONGER_VALID = gettext_lazy("This link is no longer valid. Open the request again to get a new link.")
_CANNOT_BE_SENT = gettext_lazy("Only a draft or a pending request can be sent.")


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
    """Email the agent's draft to the customer: the request is pending from now, its link's 90 days counted from now
    (what the email tells the customer). The draft may be edited but must keep the personalized link. A link is
    emailed once: sending its draft again raises DraftAlreadySent (Resend issues a new link to send). A draft already
    made pending by Open in email, Copy to clipboard or Done may still be sent: the portal has not emailed it."""
    if not token_matches(relationship_request, token):
        raise ValidationError(_LINK_NO_LONGER_VALID)
    if not relationship_request.is_open:
        raise ValidationError(_CANNOT_BE_SENT)
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
    expires_at = _new_expiry()
    claimed = RelationshipRequest.objects.filter(
        pk=relationship_request.pk,
        state__in=RelationshipRequest.OPEN_STATES,
        token_hash=token_hash(token),
        expires_at__gt=now,
        link_sent_at__isnull=True,
    ).update(
        state=RelationshipRequest.State.PENDING,
        link_sent_at=now,
        expires_at=expires_at,
        recipient_email=recipient_email,
    )
    if not claimed:
        current = RelationshipRequest.objects.get(pk=relationship_request.pk)
        if not token_matches(current, token):
            raise ValidationError(_LINK_NO_LONGER_VALID)
        if not current.is_open:
            raise ValidationError(_CANNOT_BE_SENT)
        raise DraftAlreadySent(current.recipient_email)
    relationship_request.state = RelationshipRequest.State.PENDING
    relationship_request.link_sent_at = now
    relationship_request.expires_at = expires_at
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
def relationship_request_mark_sent(
    *, relationship_request: RelationshipRequest, marked_by: User, token: str, how: ShareMethod
) -> bool:
    """The agent let the draft's link out without the portal's email: Done, Open in email or Copy to clipboard. The
    request is pending from now, its link's 90 days counted from now (as the draft's text says). True if this made
    it pending; False if it already was, with this link (Copy, then Done: one change, one audit event)."""
    how = ShareMethod(how)
    if not token_matches(relationship_request, token):
        raise ValidationError(_LINK_NO_LONGER_VALID)
    now = timezone.now()
    expires_at = _new_expiry()
    # Conditional, as Send's: of two marks at the same moment (Copy, then Done at once), one changes the request.
    marked = RelationshipRequest.objects.filter(
        pk=relationship_request.pk,
        state=RelationshipRequest.State.DRAFT,
        token_hash=token_hash(token),
        expires_at__gt=now,
    ).update(state=RelationshipRequest.State.PENDING, expires_at=expires_at)
    if not marked:
        current = RelationshipRequest.objects.get(pk=relationship_request.pk)
        if not token_matches(current, token):
            raise ValidationError(_LINK_NO_LONGER_VALID)
        if current.effective_state != RelationshipRequest.State.PENDING:
            raise RequestNotUsable(current.effective_state)
        return False
    relationship_request.state = RelationshipRequest.State.PENDING
    relationship_request.expires_at = expires_at
    audit_record(
        actor=marked_by,
        action=AuditAction.RELATIONSHIP_REQUEST_MARK_SENT,
        obj=relationship_request,
        details={"how": how.value},
    )
    return True


@transaction.atomic
def relationship_request_discard(*, relationship_request: RelationshipRequest, discarded_by: User) -> None:
    """Throw a draft away: it is no invitation, and its link stops working (should the agent have copied it by hand).
    The row stays, as revoked requests do, for the history; the list's state filter leaves it out."""
    discarded = RelationshipRequest.objects.filter(
        pk=relationship_request.pk, state=RelationshipRequest.State.DRAFT
    ).update(state=RelationshipRequest.State.DISCARDED, decided_at=timezone.now(), decided_by=discarded_by)
    if not discarded:
        raise RequestNotUsable(RelationshipRequest.objects.get(pk=relationship_request.pk).effective_state)
    audit_record(
        actor=discarded_by,
        action=AuditAction.RELATIONSHIP_REQUEST_DISCARD,
        obj=relationship_request,
        details={"include_delegated_admin": relationship_request.include_delegated_admin},
    )


@transaction.atomic
def relationship_request_revoke(*, relationship_request: RelationshipRequest, revoked_by: User) -> None:
    updated = RelationshipRequest.objects.filter(
        pk=relationship_request.pk, state=RelationshipRequest.State.PENDING
    ).update(state=RelationshipRequest.State.REVOKED, decided_at=timezone.now(), decided_by=revoked_by)
    if not updated:
        raise RequestNotUsable(RelationshipRequest.objects.get(pk=relationship_request.pk).state)
    audit_record(actor=revoked_by, action=AuditAction.RELATIONSHIP_REQUEST_REVOKE, obj=relationship_request)


def check_can_decide(relationship_request: RelationshipRequest, user: User) -> None:
    # A draft's link may be accepted or declined as a pending one's: see RelationshipRequest.OPEN_STATES for why.
    if not relationship_request.is_open:
        raise RequestNotUsable(relationship_request.effective_state)
    own_partner = partner_of(user)
    if own_partner is not None and own_partner.pk == relationship_request.partner_id:
        raise PermissionDenied(_("A partner's own users cannot accept its requests."))
    if not is_own_global_admin(user):
        raise PermissionDenied(_("Only a Global admin of the customer's organization can do this."))


def _close_request(relationship_request: RelationshipRequest, user: User, state: str) -> None:
    """Move the request out of draft or pending exactly once: the conditional UPDATE lets only one of two racing tabs
    win."""
    closed = RelationshipRequest.objects.filter(
        pk=relationship_request.pk,
        state__in=RelationshipRequest.OPEN_STATES,
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
