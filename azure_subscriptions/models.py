"""Azure subscriptions of a tenant, their resource groups, and their role assignments.

Every Azure subscription has its own set of role assignments (Owner, Contributor, Reader), and those — not the
directory roles that delegated admin implies — decide who manages it. A role assignment is for a user of the
subscription's tenant or for a security group: one of the tenant's own, or a partner's (a foreign principal)."""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from partnercenter.models import Partner, SecurityGroup, Tenant, User


class AzureRole(models.TextChoices):
    """The built-in Azure roles the product knows, strongest first."""

    OWNER = "owner", _("Owner")
    CONTRIBUTOR = "contributor", _("Contributor")
    READER = "reader", _("Reader")


class Region(models.TextChoices):
    """Where a resource group's metadata lives: a small list of Azure regions."""

    EAST_US = "eastus", _("East US")
    WEST_US_2 = "westus2", _("West US 2")
    NORTH_EUROPE = "northeurope", _("North Europe")
    WEST_EUROPE = "westeurope", _("West Europe")
    EAST_ASIA = "eastasia", _("East Asia")
    SOUTHEAST_ASIA = "southeastasia", _("Southeast Asia")
    JAPAN_EAST = "japaneast", _("Japan East")
    AUSTRALIA_EAST = "australiaeast", _("Australia East")


class AzureSubscription(models.Model):
    """An Azure subscription of a tenant. Its public ID is the subscription ID."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        DISABLED = "disabled", _("Disabled")

    public_id = models.UUIDField(_("subscription ID"), default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="azure_subscriptions", verbose_name=_("directory")
    )
    name = models.CharField(_("subscription name"), max_length=64)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.ACTIVE)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The partner that provisioned it, or empty when the customer created it itself.
    provisioned_by = models.ForeignKey(
        Partner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("partner")
    )

    class Meta:
        db_table = "customers_azuresubscription"  # made while Azure lived in the customers app
        ordering = ["tenant__name", "name", "created_at"]
        verbose_name = _("Azure subscription")
        verbose_name_plural = _("Azure subscriptions")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "tenant",
                name="unique_azure_subscription_name_per_tenant",
                violation_error_message=_("This organization already has an Azure subscription with this name."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.public_id})"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE


resource_group_name_validator = RegexValidator(
    r"^[-\w._()]*[-\w_()]$",
    _(
        "A resource group name can use letters, digits, underscores, hyphens, periods and parentheses, and can't end "
        "with a period."
    ),
)


class ResourceGroup(models.Model):
    """A container of resources in a subscription: what its Owners and Contributors create and delete."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(AzureSubscription, on_delete=models.CASCADE, related_name="resource_groups")
    name = models.CharField(_("resource group name"), max_length=90, validators=[resource_group_name_validator])
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        db_table = "customers_resourcegroup"  # made while Azure lived in the customers app
        ordering = ["subscription", "name"]
        verbose_name = _("resource group")
        verbose_name_plural = _("resource groups")
        constraints = [
            # Azure compares resource group names without regard to case.
            models.UniqueConstraint(
                Lower("name"),
                "subscription",
                name="unique_resource_group_name_per_subscription",
                violation_error_message=_("This subscription already has a resource group with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class AzureRoleAssignment(models.Model):
    """A role on one subscription, for exactly one principal: a user of the subscription's tenant, or a security
    group (the tenant's own, or a partner's)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(AzureSubscription, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=AzureRole.choices)
    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="azure_role_assignments",
        verbose_name=_("user"),
    )
    group = models.ForeignKey(
        SecurityGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="azure_role_assignments",
        verbose_name=_("group"),
    )
    created_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        db_table = "customers_azureroleassignment"  # made while Azure lived in the customers app
        ordering = ["subscription", "role", "created_at"]
        verbose_name = _("Azure role assignment")
        verbose_name_plural = _("Azure role assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, group__isnull=True) | Q(user__isnull=True, group__isnull=False),
                name="azure_role_assignment_one_principal",
                violation_error_message=_("A role assignment is for either a user or a group."),
            ),
            models.UniqueConstraint(
                fields=["subscription", "role", "user"],
                condition=Q(user__isnull=False),
                name="unique_azure_role_per_user",
                violation_error_message=_("This user already has this role on the subscription."),
            ),
            models.UniqueConstraint(
                fields=["subscription", "role", "group"],
                condition=Q(group__isnull=False),
                name="unique_azure_role_per_group",
                violation_error_message=_("This group already has this role on the subscription."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.principal}"

    @property
    def principal(self) -> User | SecurityGroup:
        principal = self.user if self.user_id is not None else self.group
        assert principal is not None  # the check constraint: a user or a group
        return principal

    def clean(self) -> None:
        # A user principal must belong to the subscription's directory; which groups may hold a role (the tenant's
        # own, its partners') is the services' rule, since it depends on the relationships.
        if (
            self.user_id is not None
            and self.subscription_id is not None
            and self.user is not None  # it is, with a user_id; for the type checker
            and self.user.tenant_id != self.subscription.tenant_id
        ):
            raise ValidationError(_("Only users of the subscription's organization can be assigned a role."))
