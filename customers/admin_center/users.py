"""The admin center's Users: list, add, edit, reset password, delete.

Global and User Administrators manage users; Helpdesk Administrators reset the passwords of users who are not
administrators; Global Readers look. partnercenter.access decides; these views ask it, call one service, and answer."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from customers import directory_services as services
from customers.directory_forms import PasswordChoiceForm, TenantUserNameForm, TenantUserNewForm, add_service_errors
from customers.directory_selectors import SEARCH_MAX_LENGTH, directory_roles_of, tenant_users
from partnercenter.access import (
    CAN_MANAGE_ROLES,
    CAN_MANAGE_USERS,
    CAN_RESET_PASSWORDS,
    CAN_VIEW_USERS,
    AdminCenter,
    admin_center_for,
    can_delete_user,
    can_manage_user,
    can_reset_password_of,
    require_can_delete_user,
    require_can_manage_user,
    require_can_reset_password_of,
    tenant_user_for,
)
from partnercenter.models import DirectoryRole, User

PAGE_SIZE = 50


@dataclass(frozen=True)
class UserRow:
    """A user as the list shows it, with what the signed-in administrator may do to it."""

    user: User
    roles: list[str]
    can_edit: bool
    can_reset_password: bool
    can_delete: bool


def _row(center: AdminCenter, actor: User, user: User) -> UserRow:
    roles = directory_roles_of(user)
    return UserRow(
        user=user,
        roles=[DirectoryRole(r).label for r in DirectoryRole.values if r in roles],
        can_edit=can_manage_user(center, roles),
        can_reset_password=can_reset_password_of(center, roles),
        can_delete=can_delete_user(center, actor, user, roles),
    )


def _password_shown(request: HttpRequest, center: AdminCenter, result: services.UserWithPassword, created: bool):
    """The generated password, in the response to the POST that set it: it is stored only hashed, so this is the one
    moment it can be shown."""
    response = render(
        request,
        "admincenter/user_password_shown.html",
        {"center": center, "result": result, "created": created},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def user_list(request: HttpRequest, tenant_id) -> HttpResponse:
    center = admin_center_for(request, tenant_id, CAN_VIEW_USERS)
    q = request.GET.get("q", "")[:SEARCH_MAX_LENGTH]
    page = Paginator(tenant_users(center.tenant, q), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [_row(center, request.user, u) for u in page.object_list]
    return render(request, "admincenter/users.html", {"center": center, "page": page, "rows": rows, "q": q})


@require_http_methods(["GET", "POST"])
def user_new(request: HttpRequest, tenant_id) -> HttpResponse:
    center = admin_center_for(request, tenant_id, CAN_MANAGE_USERS)
    can_assign_roles = center.can(CAN_MANAGE_ROLES)
    form = TenantUserNewForm(request.POST if request.method == "POST" else None, can_assign_roles=can_assign_roles)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.tenant_user_create(
                center=center,
                actor=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                password=data["password"],
                roles=data.get("roles", ()),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if result.generated:
                return _password_shown(request, center, result, created=True)
            messages.success(request, _("%(name)s was added.") % {"name": result.user.display_name})
            return redirect("admincenter:users", tenant_id)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "admincenter/user_form.html", {"center": center, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, tenant_id, user_id) -> HttpResponse:
    center = admin_center_for(request, tenant_id, CAN_MANAGE_USERS)
    target = tenant_user_for(center, user_id)
    roles = directory_roles_of(target)
    require_can_manage_user(center, roles)
    initial = {"first_name": target.first_name, "last_name": target.last_name}
    form = TenantUserNameForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.tenant_user_update(
                center=center,
                actor=request.user,
                user=target,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("admincenter:users", tenant_id)
    status = 400 if form.is_bound and form.errors else 200
    context = {"center": center, "form": form, "target": _row(center, request.user, target)}
    return render(request, "admincenter/user_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def user_reset_password(request: HttpRequest, tenant_id, user_id) -> HttpResponse:
    center = admin_center_for(request, tenant_id, CAN_RESET_PASSWORDS)
    target = tenant_user_for(center, user_id)
    require_can_reset_password_of(center, directory_roles_of(target))
    form = PasswordChoiceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.tenant_user_reset_password(
                center=center, actor=request.user, user=target, password=form.cleaned_data["password"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if result.user.pk == request.user.pk:
                # An administrator who resets their own password stays signed in here; their other sessions end.
                update_session_auth_hash(request, result.user)
            if result.generated:
                return _password_shown(request, center, result, created=False)
            messages.success(
                request,
                _("The password of %(name)s was reset. They were signed out everywhere.")
                % {"name": target.display_name},
            )
            return redirect("admincenter:users", tenant_id)
    status = 400 if form.is_bound and form.errors else 200
    context = {"center": center, "form": form, "target": target}
    return render(request, "admincenter/user_reset_password.html", context, status=status)


@require_http_methods(["GET", "POST"])
def user_delete(request: HttpRequest, tenant_id, user_id) -> HttpResponse:
    center = admin_center_for(request, tenant_id, CAN_MANAGE_USERS)
    target = tenant_user_for(center, user_id)
    require_can_delete_user(center, request.user, target, directory_roles_of(target))
    error = None
    if request.method == "POST":
        try:
            services.tenant_user_delete(center=center, actor=request.user, user=target)
        except ValidationError as e:
            error = e
        else:
            messages.success(request, _("%(name)s was deleted.") % {"name": target.display_name})
            return redirect("admincenter:users", tenant_id)
    context = {"center": center, "target": target, "error": error}
    return render(request, "admincenter/user_delete.html", context, status=409 if error else 200)
