"""The customer's admin center, the pages of its directory and subscriptions: Home, Users, Roles, Subscriptions and
licenses, Activity. Each view checks access first (partnercenter.access.admin_center_for, with what the role table
allows), then calls one service."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict
from uuid import UUID

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from azure_subscriptions.selectors import provisioned_by_other_partners
from partnercenter.access import (
    CAN_MANAGE_LICENSES,
    CAN_MANAGE_ROLES,
    CAN_MANAGE_USERS,
    CAN_RESET_PASSWORDS,
    CAN_VIEW_ACTIVITY,
    CAN_VIEW_LICENSES,
    CAN_VIEW_ROLES,
    CAN_VIEW_USERS,
    AdminCenter,
    admin_center_for,
)
from partnercenter.audit_labels import action_label, actor_label, details_summary
from partnercenter.http import AuthenticatedRequest
from partnercenter.listing import Column, Sorting, paginate
from partnercenter.models import DelegatedAdminGrant, DirectoryRole, Tenant, User
from partnercenter.other_partners import other_partners_for, partner_name_as_seen
from partnercenter.roles import CATALOGUE
from partnercenter.selectors import ACTIVITY_SORTING, audit_event_parts_for_tenant, audit_events_for_tenant
from partnercenter.templatetags.when import when

from . import services
from .forms import (
    LicenseAssignForm,
    PasswordChoiceForm,
    RoleAssignForm,
    TenantUserNameForm,
    TenantUserNewForm,
    add_service_errors,
)
from .models import LicenseAssignment, Subscription
from .rules import (
    can_delete_user,
    can_manage_user,
    can_reset_password_of,
    require_can_delete_user,
    require_can_manage_user,
    require_can_reset_password_of,
    tenant_user_for,
)
from .selectors import (
    ROLE_MEMBERS_COUNT_CAP,
    SEARCH_MAX_LENGTH,
    USER_SORTING,
    directory_roles_of,
    role_candidates,
    role_member_counts,
    role_members,
    tenant_users,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations  # a test dependency: the types only, not at run time

# --- Home -------------------------------------------------------------------------------------------------------------
# The admin center's home: the tenant, and the sections the signed-in user's roles open.


@require_GET
def home(request: AuthenticatedRequest, tenant_id) -> HttpResponse:
    center = admin_center_for(request, tenant_id)
    return render(request, "customers/admin_center/home.html", {"center": center})


# --- Users ------------------------------------------------------------------------------------------------------------
# The admin center's Users: list, add, edit, reset password, delete.
# Global and User Administrators manage users; Helpdesk Administrators reset the passwords of users who are not
# administrators; Global Readers look. partnercenter.access decides; these views ask it, call one service, and answer.

USERS_PAGE_SIZE = 50


@dataclass(frozen=True)
class UserRow:
    """A user as the list shows it, with what the signed-in administrator may do to it."""

    user: User
    roles: list["StrOrPromise"]
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


def _password_shown(
    request: AuthenticatedRequest, center: AdminCenter, result: services.UserWithPassword, created: bool
):
    """The generated password, in the response to the POST that set it: it is stored only hashed, so this is the one
    moment it can be shown."""
    response = render(
        request,
        "customers/admin_center/user_password_shown.html",
        {"center": center, "result": result, "created": created},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def user_list(request: AuthenticatedRequest, tenant_id) -> HttpResponse:
    center = admin_center_for(request, tenant_id, CAN_VIEW_USERS)
    q = request.GET.get("q", "")[:SEARCH_MAX_LENGTH]
    page = paginate(request, tenant_users(center.tenant, q), USER_SORTING, per_page=USERS_PAGE_SIZE)
    rows = [_row(center, request.user, u) for u in page.rows]
    return render(request, "customers/admin_center/users.html", {"center": center, "page": page, "rows": rows, "q": q})


@require_http_methods(["GET", "POST"])
def user_new(request: AuthenticatedRequest, tenant_id) -> HttpResponse:
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
    return render(request, "customers/admin_center/user_form.html", {"center": center, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def user_edit(request: AuthenticatedRequest, tenant_id, user_id) -> HttpResponse:
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
    return render(request, "customers/admin_center/user_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def user_reset_password(request: AuthenticatedRequest, tenant_id, user_id) -> HttpResponse:
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
    return render(request, "customers/admin_center/user_reset_password.html", context, status=status)


@require_http_methods(["GET", "POST"])
def user_delete(request: AuthenticatedRequest, tenant_id, user_id) -> HttpResponse:
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
    return render(request, "customers/admin_center/user_delete.html", context, status=409 if error else 200)


# --- Roles ------------------------------------------------------------------------------------------------------------
# The admin center's Roles: each directory role with its members; Global Administrators assign and remove them.
# The members are the tenant's own users. A partner's implicit assignments (its agents' roles through delegated admin)
# are not listed, as in Azure AD: the role pages point to Settings > Partner relationships, where they are.

MEMBERS_PAGE_SIZE = 50
CANDIDATES_PAGE_SIZE = 25


# The roles a partner's agents hold implicitly while the partner has delegated admin privileges.
IMPLICIT_PARTNER_ROLES = frozenset(DelegatedAdminGrant.ROLE_OF_GROUP.values())


def _role(slug: str) -> DirectoryRole:
    """The directory role named in the URL ("global_admin" …); 404 for any other name."""
    try:
        return DirectoryRole(slug)
    except ValueError:
        raise Http404 from None


@require_GET
def role_list(request: AuthenticatedRequest, tenant_id) -> HttpResponse:
    center = admin_center_for(request, tenant_id, CAN_VIEW_ROLES)
    counts = role_member_counts(center.tenant)
    # A count past the cap reads "More than 1,000" (the count stops there).
    rows = [
        (
            role,
            CATALOGUE[role].description,
            min(counts[role], ROLE_MEMBERS_COUNT_CAP),
            counts[role] > ROLE_MEMBERS_COUNT_CAP,
        )
        for role in DirectoryRole
    ]
    return render(request, "customers/admin_center/roles.html", {"center": center, "rows": rows})


@require_GET
def role_detail(request: AuthenticatedRequest, tenant_id, role: str) -> HttpResponse:
    center = admin_center_for(request, tenant_id, CAN_VIEW_ROLES)
    directory_role = _role(role)
    page = paginate(request, role_members(center.tenant, directory_role), USER_SORTING, per_page=MEMBERS_PAGE_SIZE)
    context = {
        "center": center,
        "role": directory_role,
        "definition": CATALOGUE[directory_role],
        "page": page,
        "partners_note": directory_role in IMPLICIT_PARTNER_ROLES,
        "sole_global_admin": directory_role == DirectoryRole.GLOBAL_ADMINISTRATOR
        and page.count == 1
        and not page.count_capped,
    }
    return render(request, "customers/admin_center/role_detail.html", context)


@require_http_methods(["GET", "POST"])
def role_assign(request: AuthenticatedRequest, tenant_id, role: str) -> HttpResponse:
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
    page = paginate(
        request, role_candidates(center.tenant, directory_role, q), USER_SORTING, per_page=CANDIDATES_PAGE_SIZE
    )
    context = {"center": center, "role": directory_role, "form": form, "page": page, "q": q}
    return render(request, "customers/admin_center/role_assign.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def role_remove(request: AuthenticatedRequest, tenant_id, role: str, user_id) -> HttpResponse:
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
    return render(request, "customers/admin_center/role_remove.html", context, status=409 if error else 200)


# --- Subscriptions and licenses ---------------------------------------------------------------------------------------
# Admin center > Subscriptions and licenses: the tenant's Microsoft 365 subscriptions, who holds their licenses,
# assigning and unassigning them within the seats.

SUBSCRIPTIONS_PAGE_SIZE = 25
# Each order reads a (tenant, column, id) index of the subscriptions (customers' migration 0006).
SUBSCRIPTION_SORTING = Sorting(
    columns=(
        Column("product", gettext_lazy("Product"), ("product",)),
        Column("seats", gettext_lazy("Seats"), ("seats",)),
        Column("created", gettext_lazy("Created"), ("created_at",)),
    ),
    default="product",
)
HOLDERS_PAGE_SIZE = 50


def _subscriptions_of(tenant: Tenant):
    """The tenant's subscriptions with their assigned and available licenses: a count per subscription read (a
    scalar subquery), not a GROUP BY over every assignment of the tenant."""
    assigned = (
        LicenseAssignment.objects.filter(subscription=OuterRef("pk"))
        .order_by()
        .values("subscription")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Subscription.objects.filter(tenant=tenant)
        .select_related("provisioned_by__tenant")
        .annotate(assigned=Coalesce(Subquery(assigned, output_field=IntegerField()), 0))
        .annotate(available=Greatest(F("seats") - F("assigned"), 0))
    )


class _Seats(TypedDict):
    assigned: int
    available: int


def _subscription_for(center: AdminCenter, subscription_id: UUID) -> "WithAnnotations[Subscription, _Seats]":
    """A subscription of the admin center's tenant; 404 for any other."""
    subscription = _subscriptions_of(center.tenant).filter(public_id=subscription_id).first()
    if subscription is None:
        raise Http404
    return subscription


@require_GET
def subscription_list(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    center = admin_center_for(request, tenant_id, CAN_VIEW_LICENSES)
    subscriptions = _subscriptions_of(center.tenant)
    page = paginate(request, subscriptions, SUBSCRIPTION_SORTING, per_page=SUBSCRIPTIONS_PAGE_SIZE)
    for subscription in page.rows:
        subscription.provisioned_by_label = _provisioned_by_label(center, subscription)
    return render(request, "customers/admin_center/subscriptions.html", {"center": center, "page": page})


def _provisioned_by_label(center: AdminCenter, subscription: Subscription) -> str:
    """Who provisioned the subscription, as the viewer may read it: a partner acting for the customer reads
    "Another partner" for any partner but itself (partnercenter.other_partners)."""
    if subscription.provisioned_by is None:
        return _("Your organization")
    return partner_name_as_seen(subscription.provisioned_by, viewer=center.partner)


def _render_detail(
    request: AuthenticatedRequest,
    center: AdminCenter,
    subscription: "WithAnnotations[Subscription, _Seats]",
    form: LicenseAssignForm | None,
    status=200,
) -> HttpResponse:
    holders = LicenseAssignment.objects.filter(subscription=subscription).select_related("user").order_by("user__email")
    page = Paginator(holders, HOLDERS_PAGE_SIZE).get_page(request.GET.get("page"))
    if form is None and center.can(CAN_MANAGE_LICENSES) and subscription.available > 0:
        form = LicenseAssignForm(tenant=center.tenant, subscription=subscription)
    context = {
        "center": center,
        "subscription": subscription,
        "provisioned_by": _provisioned_by_label(center, subscription),
        "page": page,
        "form": form,
    }
    return render(request, "customers/admin_center/subscription_detail.html", context, status=status)


@require_GET
def subscription_detail(request: AuthenticatedRequest, tenant_id: UUID, subscription_id: UUID) -> HttpResponse:
    center = admin_center_for(request, tenant_id, CAN_VIEW_LICENSES)
    subscription = _subscription_for(center, subscription_id)
    return _render_detail(request, center, subscription, None)


@require_POST
def license_assign(request: AuthenticatedRequest, tenant_id: UUID, subscription_id: UUID) -> HttpResponse:
    center = admin_center_for(request, tenant_id, CAN_MANAGE_LICENSES)
    subscription = _subscription_for(center, subscription_id)
    form = LicenseAssignForm(request.POST, tenant=center.tenant, subscription=subscription)
    if form.is_valid():
        user = form.cleaned_data["user"]
        try:
            services.license_assign(
                subscription=subscription, user=user, assigned_by=request.user, partner=center.partner
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(user)s now has a license for %(product)s.")
                % {"user": user.email, "product": subscription.get_product_display()},
            )
            return redirect("admincenter:subscription_detail", center.tenant.public_id, subscription.public_id)
    return _render_detail(request, center, subscription, form, status=400)


@require_http_methods(["GET", "POST"])
def license_unassign(
    request: AuthenticatedRequest, tenant_id: UUID, subscription_id: UUID, user_id: UUID
) -> HttpResponse:
    """Unassign. GET: what it does (the user can no longer use the product), to confirm. POST: take the license back."""
    center = admin_center_for(request, tenant_id, CAN_MANAGE_LICENSES)
    subscription = _subscription_for(center, subscription_id)
    user = User.objects.filter(public_id=user_id, tenant=center.tenant).first()
    if user is None:
        raise Http404
    back = reverse("admincenter:subscription_detail", args=[center.tenant.public_id, subscription.public_id])
    product = subscription.get_product_display()
    if request.method == "GET":
        assignment = LicenseAssignment.objects.filter(subscription=subscription, user=user).first()
        if assignment is None:
            messages.error(request, _("%(user)s has no license for this subscription.") % {"user": user.email})
            return redirect(back)
        context = {
            "center": center,
            "breadcrumb": [
                (_("Subscriptions and licenses"), reverse("admincenter:subscriptions", args=[center.tenant.public_id])),
                (product, back),
            ],
            "question": _("Unassign the license of %(user)s?") % {"user": user.display_name},
            "facts": [
                (_("Name"), user.display_name),
                (_("Email"), user.email),
                (_("Subscription"), product),
                (pgettext("date assigned", "Assigned"), when(assignment.assigned_at)),
            ],
            "consequence": _(
                "%(user)s can no longer use %(product)s. The license becomes available to assign to someone else."
            )
            % {"user": user.display_name, "product": product},
            "confirm_label": _("Unassign"),
            "cancel_url": back,
        }
        return render(request, "admin_center/confirm.html", context)
    try:
        services.license_unassign(
            subscription=subscription, user=user, unassigned_by=request.user, partner=center.partner
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(user)s no longer has a license for %(product)s.") % {"user": user.email, "product": product},
        )
    return redirect(back)


# --- Activity ---------------------------------------------------------------------------------------------------------
# Admin center > Activity: what was done in this tenant, including what partners did on its behalf.

ACTIVITY_PAGE_SIZE = 50


@require_GET
def activity_list(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    center = admin_center_for(request, tenant_id, CAN_VIEW_ACTIVITY)
    # A partner acting for the customer does not learn of its other partners (partnercenter.other_partners).
    others = other_partners_for(
        center.tenant,
        center.partner,
        their_object_ids=provisioned_by_other_partners(center.tenant, center.partner),
    )
    page = paginate(
        request,
        audit_events_for_tenant(center.tenant),
        ACTIVITY_SORTING,
        per_page=ACTIVITY_PAGE_SIZE,
        parts=audit_event_parts_for_tenant(center.tenant),
        count=False,  # the page shows no count
    )
    rows = [
        {
            "event": event,
            "who": actor_label(event, center.tenant, others),
            "action": action_label(event.action),
            "details": details_summary(event, others=others),
        }
        for event in page.rows
    ]
    return render(request, "customers/admin_center/activity.html", {"center": center, "page": page, "rows": rows})
