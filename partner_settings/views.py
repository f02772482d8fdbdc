"""Settings > User management: the partner's own Global admins add partner users, set their roles (Admin agent,
Sales agent, Helpdesk agent: membership of the built-in groups) and remove them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from partnercenter.http import AuthenticatedRequest

from . import services
from .forms import ROLE_HELP, ROLE_LABELS, PartnerUserForm, PartnerUserRolesForm
from .rules import partner_global_admin_for, partner_user_for
from .selectors import is_global_admin, partner_users, role_kinds, user_role_kinds

PAGE_SIZE = 25


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e)
    else:
        form.add_error(None, error)


def _form_page(request: AuthenticatedRequest, context: dict) -> HttpResponse:
    """The add-user and edit-roles page: the role checkboxes come with their help text, in page order."""
    form = context["form"]
    selected = set(form["roles"].value() or [])
    context["role_options"] = [
        {"value": kind, "label": label, "help": ROLE_HELP[kind], "checked": kind in selected}
        for kind, label in ROLE_LABELS.items()
    ]
    return render(request, "partner_settings/user_form.html", context, status=400 if form.errors else 200)


@require_GET
def team_list(request: AuthenticatedRequest) -> HttpResponse:
    partner = partner_global_admin_for(request)
    page = Paginator(partner_users(partner), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "user": user,
            "roles": [ROLE_LABELS[k] for k in role_kinds(user)],
            "global_admin": is_global_admin(user),
            "is_me": user.pk == request.user.pk,
        }
        for user in page.object_list
    ]
    return render(request, "partner_settings/users.html", {"partner": partner, "page": page, "rows": rows})


@require_http_methods(["GET", "POST"])
def team_user_new(request: AuthenticatedRequest) -> HttpResponse:
    partner = partner_global_admin_for(request)
    form = PartnerUserForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.partner_user_create(
                partner=partner,
                created_by=request.user,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                group_kinds=data["roles"],
                language=data["language"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was added. An email with a link to choose a password is on its way to %(email)s.")
                % {"name": user.display_name, "email": user.email},
            )
            return redirect("partnersettings:users")
    return _form_page(request, {"form": form, "target": None})


@require_http_methods(["GET", "POST"])
def team_user_edit(request: AuthenticatedRequest, user_id) -> HttpResponse:
    partner, target = partner_user_for(request, user_id)
    if request.method == "POST":
        form = PartnerUserRolesForm(request.POST)
        if form.is_valid():
            try:
                services.partner_user_update_roles(
                    partner=partner, user=target, group_kinds=form.cleaned_data["roles"], updated_by=request.user
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The roles of %(name)s were saved.") % {"name": target.display_name})
                return redirect("partnersettings:users")
    else:
        form = PartnerUserRolesForm(initial={"roles": user_role_kinds(partner, target)})
    return _form_page(request, {"form": form, "target": target})


@require_http_methods(["GET", "POST"])
def team_user_remove(request: AuthenticatedRequest, user_id) -> HttpResponse:
    partner, target = partner_user_for(request, user_id)
    error = None
    if target.pk == request.user.pk:
        error = _("You can't remove yourself.")
    elif request.method == "POST":
        try:
            services.partner_user_remove(partner=partner, user=target, removed_by=request.user)
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            messages.success(
                request, _("%(name)s was removed and can no longer sign in.") % {"name": target.display_name}
            )
            return redirect("partnersettings:users")
    status = 400 if error and request.method == "POST" else 200
    return render(request, "partner_settings/user_remove.html", {"target": target, "error": error}, status=status)
