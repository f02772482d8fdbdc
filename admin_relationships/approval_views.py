"""Customer side of granular delegated admin (GDAP): the page behind the personalized link, Approve partner roles,
where a Global admin of the customer approves every role of the request, or rejects it."""

from datetime import timedelta
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnercenter.models import AdminRelationship, User
from partnercenter.words import join_list

from . import services
from .rules import check_can_approve
from .selectors import admin_relationship_by_token, role_rows


def _unusable(request: HttpRequest, state: str) -> HttpResponse:
    """Unknown links (or links already used) get 404; expired or withdrawn requests 410."""
    response = render(
        request,
        "admin_relationships/approval_unusable.html",
        {"state": state},
        status=404 if state == "unknown" else 410,
    )
    response["Cache-Control"] = "no-store"
    return response


def _load(token: str) -> tuple[AdminRelationship | None, str | None]:
    relationship = admin_relationship_by_token(token)
    if relationship is None:
        return None, "unknown"
    if relationship.status != AdminRelationship.Status.APPROVAL_PENDING:
        return None, "unknown"
    if services.approval_expired(relationship):
        return None, "expired"
    return relationship, None


def _sign_in_first(token: str) -> HttpResponse:
    return redirect(f"{reverse('account_login')}?next={quote(reverse('adminrelationships:approval', args=[token]))}")


def _page(request: HttpRequest, relationship: AdminRelationship, token: str, problem: str | None = None):
    context = {
        "relationship": relationship,
        "token": token,
        "problem": problem,
        "roles": role_rows(relationship.roles),
        "ends_at": timezone.now() + timedelta(days=relationship.duration_days),
    }
    response = render(request, "admin_relationships/approval.html", context, status=403 if problem else 200)
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@never_cache
@require_GET
def approval(request: HttpRequest, token: str) -> HttpResponse:
    """Approve partner roles: for the customer's Global admins; anyone else, the permission-required page."""
    user = request.user
    if not isinstance(user, User):
        return _sign_in_first(token)
    relationship, unusable = _load(token)
    if unusable:
        return _unusable(request, unusable)
    assert relationship is not None  # _load gives a relationship or why there is none
    try:
        check_can_approve(relationship, user)
    except PermissionDenied as denied:
        return _page(request, relationship, token, problem=str(denied))
    return _page(request, relationship, token)


def _decide(request: HttpRequest, token: str, approve: bool) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):
        return _sign_in_first(token)
    relationship, unusable = _load(token)
    if unusable:
        return _unusable(request, unusable)
    assert relationship is not None
    try:
        check_can_approve(relationship, user)
    except PermissionDenied as denied:
        return _page(request, relationship, token, problem=str(denied))
    try:
        if approve:
            services.admin_relationship_approve(relationship=relationship, approved_by=user)
        else:
            services.admin_relationship_reject(relationship=relationship, rejected_by=user)
    except ValidationError as error:
        code = getattr(error, "code", None)
        if code == "customer":  # the approver's tenant can't become the customer (a partner's, found under the lock)
            return _page(request, relationship, token, problem=" ".join(error.messages))
        return _unusable(request, "expired" if code == "expired" else "unknown")
    partner = relationship.partner.name
    if approve:
        messages.success(request, _("You approved the roles %(partner)s requested.") % {"partner": partner})
    else:
        messages.info(request, _("You rejected the roles %(partner)s requested.") % {"partner": partner})
    assert user.tenant is not None  # check_can_approve passed: a customer's Global admin
    return redirect("admincenter:home", tenant_id=user.tenant.public_id)


@login_not_required
@require_POST
def approval_approve(request: HttpRequest, token: str) -> HttpResponse:
    return _decide(request, token, approve=True)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def approval_reject(request: HttpRequest, token: str) -> HttpResponse:
    """Reject. GET: what it does (the partner gets none of the roles; the link stops working), to confirm. POST:
    reject."""
    if request.method == "POST":
        return _decide(request, token, approve=False)
    user = request.user
    if not isinstance(user, User):
        return _sign_in_first(token)
    relationship, unusable = _load(token)
    if unusable:
        return _unusable(request, unusable)
    assert relationship is not None  # _load gives a relationship or why there is none
    try:
        check_can_approve(relationship, user)
    except PermissionDenied as denied:
        return _page(request, relationship, token, problem=str(denied))
    partner = relationship.partner.name
    response = render(
        request,
        "confirm.html",
        {
            "question": _("Reject the roles %(partner)s requested?") % {"partner": partner},
            "facts": [
                (_("Partner"), partner),
                (_("Partner ID"), relationship.partner.partner_id),
                (_("Admin relationship name"), relationship.display_name),
                (_("Roles"), join_list([role["name"] for role in role_rows(relationship.roles)])),
                (_("Your organization"), user.tenant.name if user.tenant else ""),
            ],
            "consequence": _(
                "%(partner)s gets none of these roles in your organization. This link stops working: to work with "
                "you through an admin relationship, %(partner)s must send you a new request."
            )
            % {"partner": partner},
            "confirm_label": _("Reject"),
            "cancel_url": reverse("adminrelationships:approval", args=[token]),
        },
    )
    response["Cache-Control"] = "no-store"
    return response
