"""Rows of granular delegated admin that only this app's flows use: a partner's role templates, which template an
admin relationship came from (and what it will assign on approval), and bulk requests with their per-customer
results. The rows that decide access (AdminRelationship, AccessAssignment) are the core's; nothing here gives a role
by itself: a template's groups get roles only through AccessAssignment rows, created on approval."""

import uuid

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from partnercenter.models import AdminRelationship, DirectoryRole, Partner, SecurityGroup, Tenant, User


class RoleTemplate(models.Model):
    """A partner's named set of roles, each going to one of the partner's security groups (its entries), e.g.
    "Helpdesk, least privilege": Helpdesk Administrator → Helpdesk Agents; User Administrator → Tier 1."""

    NAME_MAX = 50

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="role_templates")
    name = models.CharField(_("template name"), max_length=NAME_MAX)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("role template")
        verbose_name_plural = _("role templates")
        constraints = [
            models.UniqueConstraint("partner", Lower("name"), name="unique_role_template_name_per_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.partner})"


class RoleTemplateEntry(models.Model):
    """One role of a template and the partner security group it goes to."""

    template = models.ForeignKey(RoleTemplate, on_delete=models.CASCADE, related_name="entries")
    role = models.CharField(_("role"), max_length=40, choices=DirectoryRole.choices)
    security_group = models.ForeignKey(
        SecurityGroup, on_delete=models.CASCADE, related_name="+", verbose_name=_("security group")
    )

    class Meta:
        ordering = ["template", "role"]
        verbose_name = _("role template entry")
        verbose_name_plural = _("role template entries")
        constraints = [models.UniqueConstraint(fields=["template", "role"], name="one_group_per_template_role")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} → {self.security_group.name}"


class TemplatedRelationship(models.Model):
    """An admin relationship requested from a role template: which template, and, from its finalization on, what the
    approval will assign (a snapshot: a later edit of the template changes nothing for a request already sent).
    `assignments` is a list of {"group": security group id, "roles": [role values]}; `applied_at` says the
    assignments were created (once, at approval)."""

    relationship = models.OneToOneField(AdminRelationship, on_delete=models.CASCADE, related_name="templated")
    template = models.ForeignKey(RoleTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    template_name = models.CharField(_("template name"), max_length=RoleTemplate.NAME_MAX)
    assignments = models.JSONField(default=list, blank=True)
    snapshot_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("admin relationship from a template")
        verbose_name_plural = _("admin relationships from templates")

    def __str__(self) -> str:
        return f"{self.relationship.display_name} ← {self.template_name}"


class BulkRequest(models.Model):
    """Request admin relationships of many customers at once, from one template: one relationship and one
    personalized link per customer, emailed to its Global admins by a task; each customer's result is an item."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("In progress")
        DONE = "done", _("Done")

    class Suffix(models.TextChoices):
        CUSTOMER = "customer", _("The customer's name")
        NUMBER = "number", _("A number")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    template = models.ForeignKey(RoleTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    template_name = models.CharField(_("template name"), max_length=RoleTemplate.NAME_MAX)
    base_name = models.CharField(_("admin relationship name"), max_length=AdminRelationship.NAME_MAX)
    suffix = models.CharField(max_length=10, choices=Suffix.choices, default=Suffix.CUSTOMER)
    duration_days = models.PositiveSmallIntegerField(_("duration in days"))
    auto_extend = models.BooleanField(_("auto extend"), default=False)
    # The language of the agent who asked: the emails of customers' admins without a preferred language use it.
    language = models.CharField(max_length=10, default="en")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bulk admin relationship request")
        verbose_name_plural = _("bulk admin relationship requests")

    def __str__(self) -> str:
        return f"{self.base_name} ({self.partner})"


class BulkRequestItem(models.Model):
    """One customer of a bulk request and how it went: sent (its relationship), or failed with the reason."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Failure(models.TextChoices):
        NAME_TAKEN = "name_taken", _("Your organization already has an admin relationship with this name.")
        NO_GLOBAL_ADMIN = "no_global_admin", _("The customer has no Global admin to send the request to.")
        NOT_A_CUSTOMER = "not_a_customer", _("This organization is no longer your customer.")
        TEMPLATE_GONE = "template_gone", _("The role template was deleted.")
        INVALID = "invalid", _("The request could not be created.")

    bulk = models.ForeignKey(BulkRequest, on_delete=models.CASCADE, related_name="items")
    customer = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    display_name = models.CharField(_("admin relationship name"), max_length=AdminRelationship.NAME_MAX)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    failure = models.CharField(max_length=20, choices=Failure.choices, blank=True)
    relationship = models.ForeignKey(
        AdminRelationship, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = _("bulk request customer")
        verbose_name_plural = _("bulk request customers")
        constraints = [models.UniqueConstraint(fields=["bulk", "customer"], name="one_item_per_bulk_customer")]

    def __str__(self) -> str:
        return f"{self.display_name}: {self.status}"
