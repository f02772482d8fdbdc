"""Customer tenants' Microsoft 365 subscriptions and the licenses assigned from them (Azure subscriptions: see
azure_subscriptions)."""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from partnercenter.models import Partner, Tenant, User

from .catalogue import Product

MAX_SEATS = 300_000


class Subscription(models.Model):
    """A Microsoft 365 subscription of a tenant, with a number of seats (licenses)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="subscriptions")
    product = models.CharField(_("product"), max_length=40, choices=Product.choices)
    seats = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1), MaxValueValidator(MAX_SEATS)])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The partner that provisioned it, or empty when the customer bought it itself.
    provisioned_by = models.ForeignKey(
        Partner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("partner")
    )
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["tenant__name", "product", "created_at"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self) -> str:
        return f"{self.get_product_display()} — {self.tenant.name} ({self.seats})"


class LicenseAssignment(models.Model):
    """One seat of a subscription, assigned to a user of the same tenant."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="licenses")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["subscription", "user__email"]
        verbose_name = _("license assignment")
        verbose_name_plural = _("license assignments")
        constraints = [models.UniqueConstraint(fields=["subscription", "user"], name="one_licence_per_user")]

    def __str__(self) -> str:
        return f"{self.user} — {self.subscription.get_product_display()}"
