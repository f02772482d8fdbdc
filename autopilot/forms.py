"""Forms of the Autopilot pages: adding a device list, profiles, and the selections bulk actions take."""

import unicodedata
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from partnercenter.models import Tenant

from . import csv_import
from .models import AutopilotProfile, DeviceSource


def _no_control_characters(value: str) -> None:
    if any(unicodedata.category(c)[0] == "C" for c in value):
        raise ValidationError(_("Use letters, digits, spaces and punctuation only."), code="control")


class DeviceUploadForm(forms.Form):
    name = forms.CharField(
        label=_("Device list name"),
        max_length=100,
        help_text=_("A name that helps you find these devices later, such as the order they came with."),
        validators=[_no_control_characters],
        error_messages={
            "required": _("Enter a name for the device list."),
            "max_length": _("A device list name has at most %(limit_value)s characters."),
        },
    )
    file = forms.FileField(
        label=_("CSV file"),
        error_messages={
            "required": _("Choose the CSV file of the devices."),
            "empty": _("The file is empty. Upload a CSV file with the header and one device per line."),
            "invalid": _("Choose the CSV file of the devices."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > csv_import.MAX_BYTES:  # refused before it is read
            raise ValidationError(
                csv_import.CsvFileError("too_large", max=f"{csv_import.MAX_BYTES // 2**20:,}").message
            )
        return upload


class CustomerDeviceUploadForm(DeviceUploadForm):
    """A customer's own administrators add devices as the organization, through Intune or a Microsoft Store."""

    source = forms.ChoiceField(
        label=_("Add the devices as"),
        choices=[
            (DeviceSource.INTUNE, DeviceSource.INTUNE.label),
            (DeviceSource.STORE_BUSINESS, DeviceSource.STORE_BUSINESS.label),
            (DeviceSource.STORE_EDUCATION, DeviceSource.STORE_EDUCATION.label),
        ],
        initial=DeviceSource.INTUNE,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how your organization adds the devices."),
            "invalid_choice": _(
                "Choose Microsoft Intune, Microsoft Store for Business or Microsoft Store for Education."
            ),
        },
    )

    field_order = ["name", "source", "file"]


class ProfileForm(forms.ModelForm):
    class Meta:
        model = AutopilotProfile
        fields = [
            "name",
            "description",
            "skip_privacy_settings",
            "disable_local_admin",
            "skip_setup_pages",
            "skip_eula",
        ]
        labels = {"name": _("Profile name"), "description": _("Description")}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {
                "required": _("Enter a name for the profile."),
                "max_length": _("A profile name has at most %(limit_value)s characters."),
            },
            "description": {"max_length": _("A description has at most %(limit_value)s characters.")},
        }

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.fields["name"].validators.append(_no_control_characters)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = AutopilotProfile.objects.filter(tenant=self.tenant, name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("This customer already has a profile with this name."), code="unique")
        return name


def selected_ids(values: list[str]) -> list[UUID]:
    """The UUIDs of a bulk action's checkboxes; values that are not UUIDs are ignored (they match nothing anyway)."""
    ids = []
    for value in values[: 10 * 1000]:
        try:
            ids.append(UUID(value))
        except ValueError:
            continue
    return ids


def profile_choice(tenant: Tenant, value: str) -> AutopilotProfile | None:
    """The tenant's profile with this public ID, or None."""
    try:
        public_id = UUID(value)
    except (TypeError, ValueError):
        return None
    return AutopilotProfile.objects.filter(tenant=tenant, public_id=public_id).first()
