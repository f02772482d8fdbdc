"""Partner side: provisioning a new Azure subscription for a customer (Customers > the customer > Add Azure
subscription). An Admin agent, with an active reseller relationship; delegated admin is not needed. The partner's
Admin Agents group becomes the subscription's Owner, which is what lets its agents manage it from then on."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from partnercenter.access import partner_customer_for
from partnercenter.http import AuthenticatedRequest

from .forms import AzureSubscriptionForm
from .rules import PROVISIONERS
from .services import azure_subscription_provision


@require_http_methods(["GET", "POST"])
def azure_subscription_new(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    partner, customer = partner_customer_for(request, tenant_id, *PROVISIONERS)
    form = AzureSubscriptionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription = azure_subscription_provision(
                partner=partner, customer=customer, name=form.cleaned_data["name"], agent=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(
                request,
                _(
                    "You provisioned the Azure subscription %(name)s for %(customer)s. Your Admin Agents group is its "
                    "Owner."
                )
                % {"name": subscription.name, "customer": customer.name},
            )
            # Back to the customer's page in Partner Center, where the agent started, which lists it.
            return redirect(reverse("customers:detail", args=[customer.public_id]) + "#azure-heading")
    status = 400 if form.is_bound else 200
    return render(
        request, "azure_subscriptions/subscription_new.html", {"form": form, "customer": customer}, status=status
    )
