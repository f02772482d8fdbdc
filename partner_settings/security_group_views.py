"""Settings > Security groups: the partner's built-in groups (Admin, Sales and Helpdesk Agents, whose members are set
on User management) and its custom groups, which its Admin agents create and fill with the partner's own users, for
granular delegated admin to give roles to. Sales and Helpdesk agents see them and change nothing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from partnercenter.http import AuthenticatedRequest
from partnercenter.models import SecurityGroup, User

from . import services
from .forms import SecurityGroupForm, SecurityGroupMemberForm
from .rules import can_manage_security_groups, security_group_for, security_groups_for
from .selectors import security_group_candidates, security_group_members, security_groups


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e)
    else:
        form.add_error(None, error)


@require_GET
def group_list(request: AuthenticatedRequest) -> HttpResponse:
    partner = security_groups_for(request)
    return render(
        request,
        "partner_settings/security_groups.html",
        {
            "partner": partner,
            "groups": security_groups(partner),
            "can_manage": can_manage_security_groups(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def group_new(request: AuthenticatedRequest) -> HttpResponse:
    partner = security_groups_for(request, change=True)
    form = SecurityGroupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.security_group_create(
                partner=partner, created_by=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The security group %(name)s was created.") % {"name": group.name})
            return redirect("partnersettings:security_group", group_id=group.public_id)
    return render(
        request, "partner_settings/security_group_new.html", {"form": form}, status=400 if form.errors else 200
    )


def _group_page(request: AuthenticatedRequest, group: SecurityGroup, form=None, status: int = 200) -> HttpResponse:
    editable = group.kind == SecurityGroup.Kind.CUSTOM and can_manage_security_groups(request.user)
    return render(
        request,
        "partner_settings/security_group.html",
        {
            "group": group,
            "members": security_group_members(group),
            "editable": editable,
            "candidates": security_group_candidates(group) if editable else [],
            "form": form or SecurityGroupMemberForm(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def group_detail(request: AuthenticatedRequest, group_id) -> HttpResponse:
    """The group and its members; a POST (Admin agents, custom groups) adds a member."""
    group = security_group_for(request, group_id, change=request.method == "POST")
    if request.method == "GET":
        return _group_page(request, group)
    form = SecurityGroupMemberForm(request.POST)
    if form.is_valid():
        user = User.objects.filter(public_id=form.cleaned_data["user"], tenant_id=group.tenant_id).first()
        try:
            if user is None:
                raise ValidationError({"user": _("Choose a user of your organization.")})
            services.security_group_member_add(group=group, user=user, added_by=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(name)s was added to the group.") % {"name": user.display_name})
            return redirect("partnersettings:security_group", group_id=group.public_id)
    return _group_page(request, group, form, status=400)


@require_http_methods(["GET", "POST"])
def group_member_remove(request: AuthenticatedRequest, group_id, user_id) -> HttpResponse:
    """Remove a member. GET: what it does (the roles the group gives are gone for them at once), to confirm. POST:
    take them out of the group."""
    group = security_group_for(request, group_id, change=True)
    user = security_group_members(group).filter(public_id=user_id).first()
    if user is None:
        raise Http404
    back = reverse("partnersettings:security_group", args=[group.public_id])
    if request.method == "GET":
        context = {
            "breadcrumb": [(_("Security groups"), reverse("partnersettings:security_groups")), (group.name, back)],
            "question": _("Remove %(name)s from %(group)s?") % {"name": user.display_name, "group": group.name},
            "facts": [(_("Name"), user.display_name), (_("Email"), user.email), (_("Security group"), group.name)],
            "consequence": _(
                "%(name)s loses at once every role %(group)s gives in customers' tenants through admin "
                "relationships. Their other security groups and their roles stay."
            )
            % {"name": user.display_name, "group": group.name},
            "confirm_label": _("Remove"),
            "cancel_url": back,
        }
        return render(request, "confirm.html", context)
    services.security_group_member_remove(group=group, user=user, removed_by=request.user)
    messages.success(request, _("%(name)s was removed from the group.") % {"name": user.display_name})
    return redirect("partnersettings:security_group", group_id=group.public_id)
