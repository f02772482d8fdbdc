"""Forms of the Azure pages: a new subscription, a resource group, a role assignment."""

from typing import TYPE_CHECKING, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from partnercenter.models import Partner, SecurityGroup, Tenant, User

from .models import AzureRole, AzureSubscription, Region, ResourceGroup, resource_group_name_validator
from .services import assignable_groups, group_label

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a test dependency: the types only, not at run time

NAME_MAX = AzureSubscription._meta.get_field("name").max_length
GROUP_NAME_MAX = ResourceGroup._meta.get_field("name").max_length


class AzureSubscriptionForm(forms.Form):
    name = forms.CharField(
        label=_("Subscription name"),
        max_length=NAME_MAX,
        help_text=_("Up to 64 characters, for example “Contoso production”."),
        error_messages={
            "required": _("Enter a name for the subscription."),
            "max_length": _("A subscription name has at most %(limit_value)d characters."),
        },
    )


class ResourceGroupForm(forms.Form):
    name = forms.CharField(
        label=_("Resource group name"),
        max_length=GROUP_NAME_MAX,
        validators=[resource_group_name_validator],
        help_text=_(
            "Up to 90 letters, digits, underscores, hyphens, periods and parentheses; it can't end with a period."
        ),
        error_messages={
            "required": _("Enter a name for the resource group."),
            "max_length": _("A resource group name has at most %(limit_value)d characters."),
        },
    )
    region = forms.ChoiceField(
        label=_("Region"),
        choices=[("", _("Select a region")), *Region.choices],
        error_messages={"required": _("Select a region."), "invalid_choice": _("Select a region from the list.")},
    )


class RoleAssignmentForm(forms.Form):
    """A role, and who gets it: a user of the tenant, one of its groups, or a partner's agent group. The choices'
    values name the kind and the public ID ("user:<uuid>", "group:<uuid>"); integer keys stay on the server.
    `acting_for` is the partner whose agent fills the form on the customer's behalf: only its own agent groups are
    offered then (assignable_groups), so another partner's group id is refused like any value not in the list."""

    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", _("Select a role")), *AzureRole.choices],
        error_messages={"required": _("Select a role."), "invalid_choice": _("Select a role from the list.")},
    )
    principal = forms.ChoiceField(
        label=_("Assign access to"),
        error_messages={
            "required": _("Select the user or group that gets the role."),
            "invalid_choice": _("Select a user or group from the list."),
        },
    )

    def __init__(self, *args, tenant: Tenant, acting_for: Partner | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        users = User.objects.filter(tenant=tenant, is_active=True).order_by("email")
        groups = (
            assignable_groups(tenant, acting_for=acting_for).select_related("tenant").order_by("tenant__name", "name")
        )
        self._principals: dict[str, User | SecurityGroup] = {}
        user_choices: list[tuple[str, str]] = []
        group_choices: list[tuple[str, str]] = []
        partner_choices: list[tuple[str, str]] = []
        for user in users:
            key = f"user:{user.public_id}"
            self._principals[key] = user
            name = user.get_full_name()
            user_choices.append((key, f"{name} ({user.email})" if name else user.email))
        for group in groups:
            key = f"group:{group.public_id}"
            self._principals[key] = group
            label = group_label(group, home_tenant_id=tenant.pk)
            (group_choices if group.tenant_id == tenant.pk else partner_choices).append((key, label))
        # An empty choice, then (heading, options) groups.
        choices: list[tuple[StrOrPromise, StrOrPromise | list[tuple[str, str]]]] = [("", _("Select a user or group"))]
        for heading, options in (
            (_("Users"), user_choices),
            (_("Groups"), group_choices),
            (_("Partners' groups"), partner_choices),
        ):
            if options:
                choices.append((heading, options))
        cast(forms.ChoiceField, self.fields["principal"]).choices = choices

    def clean_principal(self) -> User | SecurityGroup:
        return self._principals[self.cleaned_data["principal"]]
