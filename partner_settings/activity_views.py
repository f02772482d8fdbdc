"""Partner settings > Activity log: what the partner's users did, filtered, and its CSV export.

Every partner user may read the log (Admin, Sales and Helpdesk agents alike): it shows what the organization's own
users did, which each of them is accountable for, and no customer data beyond the names of its own customers. What of
each event a user may read is access.activity_log_withheld_details: the page and the export follow the same rule."""

from typing import cast

from django import forms
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from partnercenter.access import partner_for
from partnercenter.audit_labels import action_choices, action_label, actor_name, details_summary
from partnercenter.csv_export import csv_response
from partnercenter.http import AuthenticatedRequest
from partnercenter.listing import annotate_rows, paginate
from partnercenter.models import Partner, ResellerRelationship, Tenant, User
from partnercenter.selectors import (
    ACTIVITY_ROW_FIELDS,
    ACTIVITY_SORTING,
    ActivityFilters,
    activity_rows,
    activity_source,
    audit_events_for_partner,
)
from partnercenter.widgets import PlainSelect

from .rules import activity_log_withheld_details

ACTIVITY_PAGE_SIZE = 50
# The Customer filter offers this many of the partner's customers, the newest first; a text filter reaches the rest.
CUSTOMER_CHOICES = 25
# The User filter offers this many of the partner's users, by email; a text filter reaches the rest.
USER_CHOICES = 25


class _UserByEmailField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.email


class ActivityFilterForm(forms.Form):
    date_from = forms.DateField(
        label=pgettext_lazy("start of a date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Enter the start date as YYYY-MM-DD.")},
    )
    date_to = forms.DateField(
        label=pgettext_lazy("end of a date range", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Enter the end date as YYYY-MM-DD.")},
    )
    customer = forms.ModelChoiceField(
        label=gettext_lazy("Customer"),
        queryset=Tenant.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=gettext_lazy("All customers"),
        widget=PlainSelect,
        error_messages={"invalid_choice": gettext_lazy("Select one of your customers.")},
    )
    customer_q = forms.CharField(
        label=gettext_lazy("Customer name or domain"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        widget=PlainSelect,
        error_messages={"invalid_choice": gettext_lazy("Select an action from the list.")},
    )
    user = _UserByEmailField(
        label=gettext_lazy("User"),
        queryset=User.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=gettext_lazy("All users"),
        widget=PlainSelect,
        error_messages={"invalid_choice": gettext_lazy("Select one of your organization's users.")},
    )
    user_q = forms.CharField(
        label=gettext_lazy("User name or email"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args, partner: Partner, **kwargs):
        super().__init__(*args, **kwargs)
        # Its customers, current and former (their events stay in the log), are what the filter accepts; checking a
        # choice reads that one customer. The select offers only the newest few (newest relationship first, from the
        # partner's index of them, without sorting every customer), plus the one chosen: a partner with 10,000 customers
        # would otherwise get a megabyte of options on every visit. The text filter reaches any other customer.
        customers = Tenant.objects.filter(reseller_relationships__partner=partner)
        cast(forms.ModelChoiceField, self.fields["customer"]).queryset = customers
        newest = (
            ResellerRelationship.objects.filter(partner=partner)
            .order_by("-created_at", "-pk")  # from reseller_partner_newest (ResellerRelationship says why)
            .values_list("customer__public_id", "customer__name")[:CUSTOMER_CHOICES]
        )
        self.customer_choices = sorted(newest, key=lambda c: c[1])
        customer_field = cast(forms.ModelChoiceField, self.fields["customer"])
        customer_field.widget.choices = [("", customer_field.empty_label), *self.customer_choices]
        # Likewise the users: any of them is accepted, the first few by email are offered (a partner with thousands
        # of users would otherwise get every one of them as an option), and the text filter reaches the others.
        users = User.objects.filter(tenant=partner.tenant_id)
        user_field = cast(forms.ModelChoiceField, self.fields["user"])
        user_field.queryset = users
        self.user_choices = list(users.order_by("email", "pk").values_list("public_id", "email")[:USER_CHOICES])
        user_field.widget.choices = [("", user_field.empty_label), *self.user_choices]
        cast(forms.ChoiceField, self.fields["action"]).choices = [("", _("All actions")), *action_choices()]

    def clean_customer(self) -> Tenant | None:
        customer = self.cleaned_data["customer"]
        if customer is not None and customer.public_id not in {public_id for public_id, _ in self.customer_choices}:
            # An older customer, chosen from a link or an earlier page: the select shows it as chosen.
            self.fields["customer"].widget.choices.append((customer.public_id, customer.name))
        return customer

    def clean_user(self) -> User | None:
        user = self.cleaned_data["user"]
        if user is not None and user.public_id not in {public_id for public_id, _ in self.user_choices}:
            self.fields["user"].widget.choices.append((user.public_id, user.email))
        return user

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError(_("The start date must be on or before the end date."))
        return cleaned


def _filtered(request: AuthenticatedRequest, partner: Partner) -> tuple[ActivityFilterForm, ActivityFilters | None]:
    """The filter form and what it selects; None when it is not valid."""
    form = ActivityFilterForm(request.GET, partner=partner)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    return form, ActivityFilters(
        date_from=data["date_from"],
        date_to=data["date_to"],
        customer=data["customer"],
        customer_q=data["customer_q"],
        action=data["action"],
        actor=data["user"],
        actor_q=data["user_q"],
    )


def _render_log(
    request: AuthenticatedRequest, form: ActivityFilterForm, partner: Partner, filters: ActivityFilters | None
) -> HttpResponse:
    page = None
    if filters is not None:
        source = activity_source(partner, filters)
        events = audit_events_for_partner(partner, filters) if source is None else None
        page = paginate(
            request, events, ACTIVITY_SORTING, per_page=ACTIVITY_PAGE_SIZE, values=ACTIVITY_ROW_FIELDS, source=source
        )
        annotate_rows(page, activity_rows)
    return render(
        request,
        "partner_settings/activity.html",
        # The rows are rendered in Python (partner_settings/templatetags/activity_log.py).
        {"form": form, "page": page, "withheld": activity_log_withheld_details(request.user)},
        status=200 if filters is not None else 400,
    )


@require_GET
def activity_log(request: AuthenticatedRequest) -> HttpResponse:
    partner = partner_for(request)
    form, filters = _filtered(request, partner)
    return _render_log(request, form, partner, filters)


EXPORT_CHUNK = 2000


@require_GET
def activity_export(request: AuthenticatedRequest) -> HttpResponseBase:
    partner = partner_for(request)
    form, filters = _filtered(request, partner)
    if filters is None:
        return _render_log(request, form, partner, None)
    events = audit_events_for_partner(partner, filters)
    language = translation.get_language()
    withheld = activity_log_withheld_details(request.user)

    def rows():
        # The response streams after the view returns: keep the page's language for the labels.
        with translation.override(language):
            for event in events.iterator(chunk_size=EXPORT_CHUNK):
                customer = event.target_tenant
                yield (
                    event.at.isoformat(timespec="seconds"),
                    event.actor_email,
                    actor_name(event),
                    customer.name if customer else "",
                    customer.public_id if customer else "",
                    action_label(event.action),
                    event.action,
                    _("Yes") if event.on_behalf else _("No"),
                    "; ".join(f"{label}: {value}" for label, value in details_summary(event, withheld=withheld)),
                )

    header = [
        _("Date and time"),
        _("User email"),
        _("User"),
        _("Customer"),
        _("Customer Microsoft ID"),
        _("Action"),
        _("Action code"),
        _("On the customer's behalf"),
        _("Details"),
    ]
    return csv_response(filename="activity.csv", header=header, rows=rows())
