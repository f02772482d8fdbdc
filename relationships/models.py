"""Relationship requests (the personalised invitation links), reseller relationships and delegated admin grants."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnercenter.models import Partner, Tenant, User


class RelationshipRequest(models.Model):
    """A partner's invitation to a customer. The link's token is never stored, only its SHA-256."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="relationship_requests")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    include_delegated_admin = models.BooleanField(_("includes delegated admin privileges"), default=True)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires"))
    # Stored state never says "expired": a pending request past its expiry is expired (see effective_state).
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    recipient_email = models.EmailField(_("recipient"), blank=True)
    # When the current link was emailed. A draft is sent once (a double click or a second tab must not email the
    # customer twice); Resend issues a new link and clears this, so that draft can be sent in turn.
    link_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    customer = models.ForeignKey(
        Tenant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("customer")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("relationship request")
        verbose_name_plural = _("relationship requests")
        indexes = [models.Index(fields=["partner", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.partner} — {self.created_at:%Y-%m-%d} ({self.effective_state})"

    @property
    def effective_state(self) -> str:
        if self.state == self.State.PENDING and self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.state

    def get_effective_state_display(self) -> str:
        return self.State(self.effective_state).label


class ResellerRelationship(models.Model):
    """Partner ↔ customer tenant; created when a customer's Global admin accepts a request."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="reseller_relationships")
    customer = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="reseller_relationships")
    created_at = models.DateTimeField(_("since"), auto_now_add=True)
    is_active = models.BooleanField(default=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["customer__name"]
        verbose_name = _("reseller relationship")
        verbose_name_plural = _("reseller relationships")
        constraints = [models.UniqueConstraint(fields=["partner", "customer"], name="one_reseller_relationship")]
        indexes = [models.Index(fields=["partner", "is_active"])]

    def __str__(self) -> str:
        return f"{self.partner} → {self.customer.name}"


class DelegatedAdminGrant(models.Model):
    """Delegated admin privileges of a partner in a customer tenant. While active (removed_at is empty) the partner's
    Admin Agents are Global Administrators of the customer, and its Helpdesk Agents Helpdesk Administrators."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="delegated_admin_grants")
    customer = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="delegated_admin_grants")
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    granted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("delegated admin grant")
        verbose_name_plural = _("delegated admin grants")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "customer"], condition=Q(removed_at__isnull=True), name="one_active_grant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} ⇒ {self.customer.name}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None
