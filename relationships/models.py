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


class ShareMethod(models.TextChoices):
    """How an agent let a draft's link out other than by the portal's email (which is Send)."""

    DONE = "done", _("Done")
    EMAIL_APP = "email_app", _("Open in email")
    CLIPBOARD = "clipboard", _("Copy to clipboard")


class RelationshipRequest(models.Model):
    """A partner's invitation to a customer. The link's token is never stored, only its SHA-256.

    A request is a draft until the agent lets its link out of the draft page: Send (the portal emails it), Open in
    email, Copy to clipboard, or Done (the agent says it is sent). Only then is it pending: an invitation the customer
    holds, which the request list counts and the agent may resend or revoke. A draft the agent walked away from is
    no invitation; it can be opened again (with a new link) or discarded, and it expires as any request does."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        DISCARDED = "discarded", _("Discarded")

    # The states whose link a customer may still use, while it has not expired. A draft's link works too: the draft
    # page shows it, and an agent may have copied it by hand (selected and pasted, typed into a chat) in a way the
    # portal cannot see. A link that fails for the customer who got it would be worse than a draft that turns out to
    # have been shared; and it is as safe as a pending one: the same 256 random bits, shown only to the agent, usable
    # once and only by the customer's Global admin who agrees. Discarding a draft, or opening it again (a new link),
    # ends its link.
    OPEN_STATES = frozenset({State.DRAFT, State.PENDING})

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="relationship_requests")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    include_delegated_admin = models.BooleanField(_("includes delegated admin privileges"), default=True)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires"))
    # Stored state never says "expired": a draft or pending request past its expiry is expired (see effective_state).
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    recipient_email = models.EmailField(_("recipient"), blank=True)
    # When the portal emailed the current link. A draft is sent once (a double click or a second tab must not email
    # the customer twice); Resend issues a new link and clears this, so that draft can be sent in turn. A request made
    # pending by Done, Open in email or Copy to clipboard was not emailed by the portal: this stays empty.
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
        # One per order the request list offers: the partner's rows in that order, read from the index, page after
        # page (the id ends each, as it ends the order).
        indexes = [
            models.Index(fields=["partner", "created_at", "id"], name="request_partner_created"),
            models.Index(fields=["partner", "expires_at", "id"], name="request_partner_expires"),
            models.Index(fields=["partner", "state", "id"], name="request_partner_state"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} — {self.created_at:%Y-%m-%d} ({self.effective_state})"

    @property
    def effective_state(self) -> str:
        if self.state in self.OPEN_STATES and self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.state

    @property
    def is_open(self) -> bool:
        """Its link may still be used by a customer: a draft or a pending request that has not expired."""
        return self.effective_state in self.OPEN_STATES

    def get_effective_state_display(self) -> "StrOrPromise":
        return self.State(self.effective_state).label
