"""Admin center > Subscriptions and licences: the tenant's Microsoft 365 subscriptions, who holds their licences,
assigning and unassigning them within the seats."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.db.models.functions import Greatest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from customers import subscription_services as services
from customers.models import LicenseAssignment, Subscription
from customers.subscription_forms import LicenseAssignForm
from partnercenter.access import CAN_MANAGE_LICENSES, CAN_VIEW_LICENSES, AdminCenter, admin_center_for
from partnercenter.models import Tenant, User
from partnercenter.other_partners import partner_name_as_seen

SUBSCRIPTIONS_PAGE_SIZE = 25
HOLDERS_PAGE_SIZE = 50


def _subscriptions_of(tenant: Tenant):
    return (
        Subscription.objects.filter(tenant=tenant)
        .select_related("provisioned_by__tenant")
        .annotate(assigned=Count("assignments"))
        .annotate(available=Greatest(F("seats") - F("assigned"), 0))
    )


def _subscription_for(center: AdminCenter, subscription_id: UUID) -> Subscription:
    """A subscription of the admin center's tenant; 404 for any other."""
    subscription = _subscriptions_of(center.tenant).filter(public_id=subscription_id).first()
    if subscription is None:
        raise Http404
    return subscription


@require_GET
def subscription_list(request: HttpRequest, tenant_id: UUID) -> HttpResponse:
    center = admin_center_for(request, tenant_id, CAN_VIEW_LICENSES)
    subscriptions = _subscriptions_of(center.tenant).order_by("product", "created_at", "pk")
    page = Paginator(subscriptions, SUBSCRIPTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for subscription in page.object_list:
        subscription.provisioned_by_label = _provisioned_by_label(center, subscription)
    return render(request, "admincenter/subscriptions.html", {"center": center, "page": page})


def _provisioned_by_label(center: AdminCenter, subscription: Subscription) -> str:
    """Who provisioned the subscription, as the viewer may read it: a partner acting for the customer reads
    "Another partner" for any partner but itself (partnercenter.other_partners)."""
    if subscription.provisioned_by is None:
        return _("Your organisation")
    return partner_name_as_seen(subscription.provisioned_by, viewer=center.partner)


def _render_detail(
    request: HttpRequest, center: AdminCenter, subscription: Subscription, form: LicenseAssignForm | None, status=200
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
    return render(request, "admincenter/subscription_detail.html", context, status=status)


@require_GET
def subscription_detail(request: HttpRequest, tenant_id: UUID, subscription_id: UUID) -> HttpResponse:
    center = admin_center_for(request, tenant_id, CAN_VIEW_LICENSES)
    subscription = _subscription_for(center, subscription_id)
    return _render_detail(request, center, subscription, None)


@require_POST
def license_assign(request: HttpRequest, tenant_id: UUID, subscription_id: UUID) -> HttpResponse:
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
                _("%(user)s now has a licence for %(product)s.")
                % {"user": user.email, "product": subscription.get_product_display()},
            )
            return redirect("admincenter:subscription_detail", center.tenant.public_id, subscription.public_id)
    return _render_detail(request, center, subscription, form, status=400)


@require_POST
def license_unassign(request: HttpRequest, tenant_id: UUID, subscription_id: UUID, user_id: UUID) -> HttpResponse:
    center = admin_center_for(request, tenant_id, CAN_MANAGE_LICENSES)
    subscription = _subscription_for(center, subscription_id)
    user = User.objects.filter(public_id=user_id, tenant=center.tenant).first()
    if user is None:
        raise Http404
    try:
        services.license_unassign(
            subscription=subscription, user=user, unassigned_by=request.user, partner=center.partner
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(user)s no longer has a licence for %(product)s.")
            % {"user": user.email, "product": subscription.get_product_display()},
        )
    return redirect("admincenter:subscription_detail", center.tenant.public_id, subscription.public_id)
