"""Admin center > Azure subscriptions: the list, creating one, each subscription's overview with its resource groups,
and its Access control (role assignments).

Who may do what is the subscription's own role assignments' question (access.azure_subscription_for), never the
directory roles that delegated admin implies: a partner agent gets in through its group's assignment, with or without
delegated admin, and a Global admin of the customer's own tenant may always manage access."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from partnercenter.access import AdminCenter, is_own_global_admin
from partnercenter.http import AuthenticatedRequest
from partnercenter.other_partners import partner_name_as_seen
from partnercenter.words import join_list

from . import services
from .forms import AzureSubscriptionForm, ResourceGroupForm, RoleAssignmentForm
from .models import AzureRole, ResourceGroup
from .rules import (
    AZURE_MANAGE_ACCESS,
    AZURE_MANAGE_RESOURCES,
    AZURE_OWNER,
    AZURE_VIEW,
    AzureAccess,
    azure_center_for,
    azure_roles,
    azure_subscription_for,
)
from .selectors import (
    assignment_for,
    assignment_row,
    assignment_rows,
    is_last_owner,
    resource_groups_of,
    role_assignments_of,
    roles_by_subscription,
    subscriptions_for,
)

PAGE_SIZE = 25
RESOURCE_GROUPS_PAGE_SIZE = 50
ASSIGNMENTS_PAGE_SIZE = 50


def _my_access(access: AzureAccess) -> tuple[str, str]:
    """The user's access to the subscription in words: its roles, and what they let it do."""
    labels = [str(role.label) for role in AzureRole if role.value in access.roles]
    if access.elevated and AZURE_OWNER not in access.roles:
        labels.append(_("Global admin (manages access)"))
    resources, assignments = access.can(AZURE_MANAGE_RESOURCES), access.can(AZURE_MANAGE_ACCESS)
    if resources and assignments:
        meaning = _("You can manage its resources and who has access to it.")
    elif resources:
        meaning = _("You can create and delete resource groups, but not change who has access.")
    elif assignments:
        meaning = _("You can manage who has access, but not its resources.")
    else:
        meaning = _("You can see this subscription, but not change it.")
    return join_list(labels), meaning


def _provisioned_by_label(center: AdminCenter, subscription, *, own: str = "") -> str:
    """Who provisioned the subscription, as the viewer may read it: the organization itself (`own`, or its name), or
    a partner, which is "Another partner" to any other partner acting for the customer
    (partnercenter.other_partners)."""
    if subscription.provisioned_by is None:
        return own or center.tenant.name
    return partner_name_as_seen(subscription.provisioned_by, viewer=center.partner)


def _context(access: AzureAccess, **extra) -> dict:
    """What every page of a subscription needs: the admin center shell, the subscription, what the user may do."""
    my_roles, my_access = _my_access(access)
    return {
        "center": access.center,
        "azure_nav": True,
        "access": access,
        "subscription": access.subscription,
        "provisioned_by": _provisioned_by_label(access.center, access.subscription),
        "allows": access.allows,
        "my_roles": my_roles,
        "my_access": my_access,
        **extra,
    }


def _bad_request(form) -> int:
    return 400 if form.is_bound else 200


@require_GET
def subscription_list(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    center = azure_center_for(request, tenant_id)
    page = Paginator(subscriptions_for(request.user, center.tenant), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    roles = roles_by_subscription(request.user, page.object_list)
    for subscription in page.object_list:
        subscription.provisioned_by_label = _provisioned_by_label(
            center, subscription, own="" if center.on_behalf else _("Your organization")
        )
    elevated = not center.on_behalf and is_own_global_admin(request.user)
    context = {
        "center": center,
        "azure_nav": True,
        "page": page,
        "rows": [(s, roles.get(s.pk, [])) for s in page.object_list],
        "elevated": elevated,
        "can_create": elevated,
    }
    return render(request, "azure_subscriptions/admin_center/subscriptions.html", context)


@require_http_methods(["GET", "POST"])
def subscription_new(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    """The organization creates a subscription of its own: its Global admins. (A partner provisions one from Partner
    Center, Customers, which makes its Admin Agents the Owner.)"""
    center = azure_center_for(request, tenant_id)
    if center.on_behalf:
        raise PermissionDenied(_("Partners provision Azure subscriptions for their customers from Customers."))
    if not is_own_global_admin(request.user):
        raise PermissionDenied(_("Only your organization's Global admins can create Azure subscriptions."))
    form = AzureSubscriptionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription = services.azure_subscription_create(
                tenant=center.tenant, name=form.cleaned_data["name"], created_by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("You created the Azure subscription %(name)s. You are its Owner.") % {"name": subscription.name},
            )
            return redirect("admincenter:azure_subscription", center.tenant.public_id, subscription.public_id)
    context = {"center": center, "azure_nav": True, "form": form}
    return render(request, "azure_subscriptions/admin_center/subscription_new.html", context, status=_bad_request(form))


@require_GET
def subscription_overview(request: AuthenticatedRequest, tenant_id: UUID, subscription_id: UUID) -> HttpResponse:
    access = azure_subscription_for(request, tenant_id, subscription_id, AZURE_VIEW)
    page = Paginator(resource_groups_of(access.subscription), RESOURCE_GROUPS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "azure_subscriptions/admin_center/subscription.html", _context(access, page=page))


@require_http_methods(["GET", "POST"])
def resource_group_new(request: AuthenticatedRequest, tenant_id: UUID, subscription_id: UUID) -> HttpResponse:
    access = azure_subscription_for(request, tenant_id, subscription_id, AZURE_MANAGE_RESOURCES)
    form = ResourceGroupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.resource_group_create(
                subscription=access.subscription,
                name=form.cleaned_data["name"],
                region=form.cleaned_data["region"],
                created_by=request.user,
                partner=access.center.partner,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("You created the resource group %(name)s.") % {"name": group.name})
            return redirect("admincenter:azure_subscription", tenant_id, subscription_id)
    return render(
        request,
        "azure_subscriptions/admin_center/resource_group_new.html",
        _context(access, form=form),
        status=_bad_request(form),
    )


@require_http_methods(["GET", "POST"])
def resource_group_delete(
    request: AuthenticatedRequest, tenant_id: UUID, subscription_id: UUID, resource_group_id: UUID
) -> HttpResponse:
    """GET: the confirmation. POST (its Delete button): delete the resource group."""
    access = azure_subscription_for(request, tenant_id, subscription_id, AZURE_MANAGE_RESOURCES)
    group = ResourceGroup.objects.filter(subscription=access.subscription, public_id=resource_group_id).first()
    if group is None:
        raise Http404
    if request.method == "GET":
        return render(
            request, "azure_subscriptions/admin_center/resource_group_delete.html", _context(access, group=group)
        )
    try:
        services.resource_group_delete(resource_group=group, deleted_by=request.user, partner=access.center.partner)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You deleted the resource group %(name)s.") % {"name": group.name})
    return redirect("admincenter:azure_subscription", tenant_id, subscription_id)


@require_GET
def access_control(request: AuthenticatedRequest, tenant_id: UUID, subscription_id: UUID) -> HttpResponse:
    access = azure_subscription_for(request, tenant_id, subscription_id, AZURE_VIEW)
    page = Paginator(role_assignments_of(access.subscription), ASSIGNMENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = assignment_rows(access.subscription, page.object_list, viewer=access.center.partner)
    return render(
        request, "azure_subscriptions/admin_center/access_control.html", _context(access, page=page, rows=rows)
    )


@require_http_methods(["GET", "POST"])
def role_assignment_add(request: AuthenticatedRequest, tenant_id: UUID, subscription_id: UUID) -> HttpResponse:
    access = azure_subscription_for(request, tenant_id, subscription_id, AZURE_MANAGE_ACCESS)
    tenant = access.subscription.tenant
    form = RoleAssignmentForm(
        request.POST if request.method == "POST" else None, tenant=tenant, acting_for=access.center.partner
    )
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.role_assignment_create(
                subscription=access.subscription,
                role=form.cleaned_data["role"],
                principal=form.cleaned_data["principal"],
                created_by=request.user,
                partner=access.center.partner,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            row = assignment_row(access.subscription, assignment, viewer=access.center.partner)
            messages.success(
                request,
                _("%(principal)s now has the %(role)s role on this subscription.")
                % {"principal": row.principal, "role": assignment.get_role_display()},
            )
            return redirect("admincenter:azure_access_control", tenant_id, subscription_id)
    return render(
        request,
        "azure_subscriptions/admin_center/role_assignment_add.html",
        _context(access, form=form),
        status=_bad_request(form),
    )


@require_http_methods(["GET", "POST"])
def role_assignment_remove(
    request: AuthenticatedRequest, tenant_id: UUID, subscription_id: UUID, assignment_id: UUID
) -> HttpResponse:
    """GET: the confirmation, with what removing it means. POST (its Remove button): remove the role assignment."""
    access = azure_subscription_for(request, tenant_id, subscription_id, AZURE_MANAGE_ACCESS)
    assignment = assignment_for(access.subscription, assignment_id)
    if assignment is None:
        raise Http404
    row = assignment_row(access.subscription, assignment, viewer=access.center.partner)
    if request.method == "GET":
        context = _context(
            access,
            row=row,
            last_owner=is_last_owner(assignment),
            partner_name=partner_name_as_seen(assignment.group.tenant, viewer=access.center.partner)
            if row.is_foreign and assignment.group is not None  # a foreign principal is a group
            else "",
            own_access=_is_own_access(request, assignment),
        )
        return render(request, "azure_subscriptions/admin_center/role_assignment_remove.html", context)
    try:
        services.role_assignment_remove(assignment=assignment, removed_by=request.user, partner=access.center.partner)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("admincenter:azure_access_control", tenant_id, subscription_id)
    messages.success(
        request,
        _("%(principal)s no longer has the %(role)s role on this subscription.")
        % {"principal": row.principal, "role": assignment.get_role_display()},
    )
    # The user may just have removed its own way in (a partner agent its group's Owner assignment).
    if access.elevated or azure_roles(request.user, access.subscription):
        return redirect("admincenter:azure_access_control", tenant_id, subscription_id)
    if access.center.on_behalf:
        return redirect("customers:list")
    return redirect("admincenter:azure_subscriptions", tenant_id)


def _is_own_access(request: AuthenticatedRequest, assignment) -> bool:
    """Whether the assignment is the signed-in user's: its own, or one of its groups'."""
    if assignment.user_id is not None:
        return assignment.user_id == request.user.pk
    return assignment.group.members.filter(pk=request.user.pk).exists()
