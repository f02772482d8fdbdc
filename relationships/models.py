"""Relationship requests: the personalized invitation links. The rows an accepted request creates (the reseller
relationship, the delegated admin grant) decide access, so they live with the code that decides it, in the core
(partnercenter.models)."""

import uuid
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnercenter.models import Partner, Tenant, User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a test dependency: the types only, not at run time


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

    def get_effective_state_display(self) -> "StrOrPromise":
        return self.State(self.effective_state).label
