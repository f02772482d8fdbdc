"""The admin center's Roles: each directory role with its members; Global Administrators assign and remove them.

The members are the tenant's own users. A partner's implicit assignments (its agents' roles through delegated admin)
are not listed, as in Azure AD: the role pages point to Settings > Partner relationships, where they are."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from customers import directory_services as services
from customers.directory_forms import RoleAssignForm
from customers.directory_selectors import (
    SEARCH_MAX_LENGTH,
    directory_roles_of,
    role_candidates,
    role_member_counts,
    role_members,
)
from partnercenter.access import CAN_MANAGE_ROLES, CAN_VIEW_ROLES, admin_center_for, tenant_user_for
from partnercenter.models import DelegatedAdminGrant, DirectoryRole

PAGE_SIZE = 50
CANDIDATES_PAGE_SIZE = 25

DESCRIPTIONS = {
    DirectoryRole.GLOBAL_ADMINISTRATOR: gettext_lazy(
        "Has access to every administrative feature of the organisation, and assigns the other roles."
    ),
    DirectoryRole.HELPDESK_ADMINISTRATOR: gettext_lazy(
        "Sees users and roles, and resets the passwords of users who are not administrators."
    ),
    DirectoryRole.USER_ADMINISTRATOR: gettext_lazy(
        "Adds, edits and deletes users and resets their passwords, except those of Global Administrators; "
        "manages licences."
    ),
    DirectoryRole.GLOBAL_READER: gettext_lazy("Sees what a Global Administrator sees, and changes nothing."),
}

# The roles a partner's agents hold implicitly while the partner has delegated admin privileges.
IMPLICIT_PARTNER_ROLES = frozenset(DelegatedAdminGrant.ROLE_OF_GROUP.values())


def _role(slug: str) -> DirectoryRole:
    """The directory role named in the URL ("global_admin" …); 404 for any other name."""
    try:
        return DirectoryRole(slug)
    except ValueError:
        raise Http404 from None


@require_GET
def role_list(request: HttpRequest, tenant_id) -> HttpResponse:
    center = admin_center_for(request, tenant_id, CAN_VIEW_ROLES)
    counts = role_member_counts(center.tenant)
    rows = [(role, DESCRIPTIONS[role], counts[role]) for role in DirectoryRole]
    return render(request, "admincenter/roles.html", {"center": center, "rows": rows})


@require_GET
def role_detail(request: HttpRequest, tenant_id, role: str) -> HttpResponse:
    center = admin_center_for(request, tenant_id, CAN_VIEW_ROLES)
    directory_role = _role(role)
    page = Paginator(role_members(center.tenant, directory_role), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "center": center,
        "role": directory_role,
        "description": DESCRIPTIONS[directory_role],
        "page": page,
        "partners_note": directory_role in IMPLICIT_PARTNER_ROLES,
        "sole_global_admin": directory_role == DirectoryRole.GLOBAL_ADMINISTRATOR and page.paginator.count == 1,
    }
    return render(request, "admincenter/role_detail.html", context)


@require_http_methods(["GET", "POST"])
def role_assign(request: HttpRequest, tenant_id, role: str) -> HttpResponse:
    """Add members: search the tenant's users who do not have the role yet; each has its Assign button."""
    center = admin_center_for(request, tenant_id, CAN_MANAGE_ROLES)
    directory_role = _role(role)
    form = RoleAssignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        target = tenant_user_for(center, form.cleaned_data["user"])
        try:
            services.role_assign(center=center, actor=request.user, user=target, role=directory_role)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s now has the role %(role)s.") % {"name": target.display_name, "role": directory_role.label},
            )
            return redirect("admincenter:role_detail", tenant_id, directory_role.value)
    q = request.GET.get("q", "")[:SEARCH_MAX_LENGTH]
    page = Paginator(role_candidates(center.tenant, directory_role, q), CANDIDATES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"center": center, "role": directory_role, "form": form, "page": page, "q": q}
    return render(request, "admincenter/role_assign.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def role_remove(request: HttpRequest, tenant_id, role: str, user_id) -> HttpResponse:
    center = admin_center_for(request, tenant_id, CAN_MANAGE_ROLES)
    directory_role = _role(role)
    target = tenant_user_for(center, user_id)
    if directory_role not in directory_roles_of(target):
        raise Http404
    error = None
    if request.method == "POST":
        try:
            services.role_remove(center=center, actor=request.user, user=target, role=directory_role)
        except ValidationError as e:
            error = e
        else:
            messages.success(
                request,
                _("%(name)s no longer has the role %(role)s.")
                % {"name": target.display_name, "role": directory_role.label},
            )
            if target.pk == request.user.pk and not directory_roles_of(target):
                return redirect("home")  # the user removed its own last role: the admin center is closed to it now
            return redirect("admincenter:role_detail", tenant_id, directory_role.value)
    context = {"center": center, "role": directory_role, "target": target, "error": error}
    return render(request, "admincenter/role_remove.html", context, status=409 if error else 200)
